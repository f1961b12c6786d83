/*
 * cf-train: learning a reel model from viewing events.
 *
 * The events become one confidence per (user, item) pair (event weights,
 * watch progress, ratings, time decay); the pairs become compressed rows
 * by user and by item; the models learn on those rows; history.c gathers
 * what rank needs besides factors (seen items, popularity, tags, dayparts).
 */
#ifndef CFTRAIN_H
#define CFTRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "model.h"

#define MAXKINDS	32

struct train_opts {
	int		 als, mf, knn;	/* which models */
	int		 k, kmf, iters, cg_steps, threads, nb;
	int		 bm25;		/* neighbour weighting */
	int		 mf_drift;	/* learn MF's drift of ratings */
	int		 mf_tags;	/* MF's tag columns, at most */
	double		 alpha, reg, reg_mf, reg_bias, reg_tag;
	double		 half_life;	/* seconds, 0 = none */
	double		 recent_days;
	double		 neg_progress;	/* progress below: a negative */
	double		 neg_rating;	/* rating below: a negative (NaN) */
	unsigned long	 seed;
	const char	*items;		/* --items file */
	const char	*import;	/* --import-factors users,items */
	const char	*kind[MAXKINDS];
	double		 kw[MAXKINDS];
	int		 nkind;
};

/* Confidence rows: row r holds (col, c, pref) for start[r] .. start[r+1]. */
struct csr {
	uint32_t	*start;
	uint32_t	*col;
	float		*c;		/* confidence weight c - 1 >= 0 */
	float		*p;		/* preference: 1 or 0 */
	uint32_t	 nrows;
};

struct tdata {
	struct evset	 s;		/* events, then the items file */
	struct csr	 byuser, byitem;
	double		 t_end;
	uint32_t	 nusers, nitems;
	struct idmap	 tags;
	uint32_t	*itag_start, *itag;
	double		*pub;
	struct idmap	 titles;	/* not interned: one per item */
	uint32_t	*title_off;
	char		*titleblob;
	size_t		 titlelen;
	double		*kindw;		/* kind_weights */
};

/*
 * The base weight of each event kind into d->kindw (once, before any
 * event_weight: comparing kind names per event was a fifth of a run).
 * Returns 0 or -1 when out of memory.
 */
int	 kind_weights(struct tdata *d, const struct train_opts *o);
/* The weight of one event after kind, progress, rating and decay. */
double	 event_weight(const struct train_opts *o, const struct tdata *d,
	    const struct event *ev);
int	 build_rows(struct tdata *d, const struct train_opts *o,
	    struct rerr *e);
void	 csr_free(struct csr *m);

/* Deterministic N(0, 1) from (seed, stream, i): splitmix64 + Box-Muller. */
float	 gauss(unsigned long seed, uint64_t stream, uint64_t i);

int	 als_train(const struct tdata *d, const struct train_opts *o,
	    float *uf, float *vf, struct rerr *e);
/*
 * Allocates and learns the MF rows (*kmf + 1 floats per user and item);
 * *kmf = 0 and no rows when there is nothing to learn.
 */
int	 mf_train(const struct tdata *d, const struct train_opts *o,
	    float **mfu, float **mfi, uint32_t *kmf, double *mean,
	    struct rerr *e);
int	 knn_train(const struct tdata *d, const struct train_opts *o,
	    uint32_t **start, uint32_t **item, float **sim, struct rerr *e);
int	 read_items(struct tdata *d, const char *path, struct ndj_policy *p,
	    struct rerr *e);
void	 popularity(const struct tdata *d, const struct train_opts *o,
	    float *all, float *recent);
/* Each user's latest event time, into last (nusers). */
void	 last_activity(const struct tdata *d, double *last);
int	 user_prefs(const struct tdata *d, const struct train_opts *o,
	    uint32_t **start, uint32_t **key, float **w, struct rerr *e);
int	 import_factors(struct tdata *d, const char *spec, int *k,
	    float **uf, float **vf, struct rerr *e);


#endif /* CFTRAIN_H */
