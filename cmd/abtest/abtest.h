/*
 * abtest: the parts shared by main.c (options and the read loop),
 * ingest.c (events and summaries into sufficient statistics), analyze.c
 * (the statistics and the records they make) and plan.c (plan, assign).
 */
#ifndef ABTEST_H
#define ABTEST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "ndjson.h"
#include "stats.h"

#define AB_MAXVAR	64	/* arms per experiment */
#define AB_MAXMET	254	/* metrics, "exposure" included */
#define AB_MAXEXP	(1 << 20)

/* Names in order of first appearance. */
struct names {
	char	**v;
	size_t	*len;
	int	 n, cap;
};
int	 names_find(struct names *t, const char *s, size_t len, int add);

struct opts {
	double	 alpha, srm_alpha, tau2, prior_a, prior_b;
	const char *exp, *control, *covariate;
	const char *variance;	/* "sample", "bernoulli" or NULL (default) */
	char	*variants[AB_MAXVAR];
	double	 weights[AB_MAXVAR];
	int	 nvariants, nweights;
	char	*metrics[AB_MAXMET];	/* analysed metrics, NULL: all */
	int	 nmetrics;
	char	*binary[AB_MAXMET];
	int	 nbinary;
	char	*guard[AB_MAXMET];
	int	 nguard;
	char	*ratio_num[AB_MAXMET], *ratio_den[AB_MAXMET];
	int	 nratio;
	int	 allocate, partial, merge;
	long	 every;
	struct ndj_policy pol;
};

/*
 * A per-variant summary record, possibly one look of several, or one
 * record of --partial output.  Moments are kept as count, mean and sum of
 * squared deviations (c.n, c.my, c.m2y) so that partials merge exactly;
 * pair records (role SU_CUPED or SU_RATIO) also hold the other metric's
 * moments (c.mx, c.m2x) and the co-deviations (c.cxy) of the same units.
 */
enum { SU_PLAIN, SU_CUPED, SU_RATIO };
struct summ {
	int	 exp, var, met;
	int	 role, with;	/* SU_*; with: the covariate or denominator */
	int	 partial;	/* "type":"partial": units with no events: 0 */
	int	 hasmom;	/* mean and var given */
	long	 look;
	double	 x;		/* x < 0: not binary */
	struct st_comom c;
};
/*
 * The mSPRT of raw events across the reports of --every: the k-th report
 * is look k, and the always-valid p is the running minimum over looks.
 */
struct mhist {
	int	 exp, met, var;
	long	 look, stop;	/* looks so far; first with p <= alpha, or 0 */
	long	 nev;		/* events read at the last look */
	double	 p, p0;		/* p after the last look, and before it */
	long	 stop0;
};

/*
 * The state of a run: name tables, the unit table of raw events, and
 * the summaries.  The unit table maps (experiment, unit, metric) to the
 * unit's sum for that metric, and (experiment, unit, exposure) to its
 * arm.  Keys are a 56-bit hash of experiment and unit id with the metric
 * index (+1) in the low byte, so a unit costs 16 bytes per metric it has
 * (about 40 bytes per metric at the table's load).  Two unit ids of one
 * experiment share a hash with probability about n^2 / 2^57 (3e-5 for
 * two million units): then they are counted as one.
 */
/* Key and value side by side: one cache miss per event, not two. */
struct slot {
	uint64_t key;		/* 0: empty */
	double	 val;
};

struct ab {
	const struct opts *o;
	struct names exps, vars, mets;
	struct slot *tab;
	size_t	 mask, used;
	unsigned char (*expvar)[AB_MAXVAR];	/* per exp: arm seen */
	unsigned char (*expmet)[AB_MAXMET];	/* per exp: metric seen */
	char	**expat;	/* per exp: "file:line" of its first record */
	unsigned char *expkind;	/* per exp: 1 events, 2 summaries seen */
	int	 expcap;
	int	 nnamed;	/* metrics 1..nnamed were named by options */
	unsigned char isbin[AB_MAXMET];
	struct summ *summ;
	size_t	 nsumm, capsumm;
	struct mhist *mh;
	size_t	 nmh, capmh;
	int	 last_exp;
	const char *last_exp_s;
	size_t	 last_exp_len;
	long	 nevents, nskipped;
	int	 pend;		/* an outcome not yet added (ab_flush) */
	uint64_t pend_key;
	double	 pend_val;
};

int	 ab_init(struct ab *ab, const struct opts *o);
void	 ab_free(struct ab *ab);
/* Takes one record from either parse path; 0 or -1 with e filled. */
int	 ab_flat(struct ab *ab, struct ndj_reader *r, const struct ndj_flat *f,
	    struct rerr *e);
int	 ab_json(struct ab *ab, struct ndj_reader *r, json_t *rec,
	    struct rerr *e);

/* Adds the outcome ingest keeps back; 0 or -1 with e filled. */
int	 ab_flush(struct ab *ab, struct rerr *e);
/* Prints the results (or partials, or allocations).  0 or exit status. */
int	 ab_report(struct ab *ab, FILE *out, struct rerr *e);

int	 ab_plan(int argc, char *argv[]);
int	 ab_assign(int argc, char *argv[]);
int	 ab_adjust(int argc, char *argv[]);

json_t	*jnum(double v);
/* Comma lists of options; exit with a usage error when bad. */
int	 ab_split(const char *s, char **v, int max, const char *opt);
int	 ab_weights(const char *s, double *w, int max, const char *opt);
double	*ab_lookup(struct ab *ab, uint64_t k);

#endif /* ABTEST_H */
