/*
 * receval: offline evaluation of ranked lists against held-out events,
 * and the train/test splits that produce those events.
 *
 * The metric kernels are pure functions over dense item indexes so that
 * the unit tests can check each against a hand-computed fixture; the
 * definitions are those of ../shared/data/recsys/PROTOCOL.md.
 */
#ifndef RECEVAL_H
#define RECEVAL_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "event.h"
#include "ndjson.h"

/* One user's ranking metrics. */
struct recm {
	double	 prec10;	/* hits in the top 10 / 10 */
	double	 rec20;		/* hits in the top 20 / |relevant| */
	double	 ndcg10;	/* binary gain, log2(rank + 1) discount */
	double	 map10;		/* AP@10 normalised by min(|relevant|, 10) */
};

/*
 * Scores the list (item indexes, best first, seen items already removed,
 * any length) against rel, the sorted relevant items (nrel > 0).
 */
void	 recm_user(const uint32_t *list, size_t n, const uint32_t *rel,
	    size_t nrel, struct recm *m);
/*
 * Novelty of the top 10 of list (seen items removed): the mean
 * self-information -log2(pop[i] / nusers) of its items, pop[i] being the
 * number of train users who have item i (Zhou et al., "Solving the
 * apparent diversity-accuracy dilemma of recommender systems", PNAS 107,
 * 2010).  Items with no train user (or past npop) carry no popularity and
 * are left out; -1 when none is left.
 */
double	 recm_novelty(const uint32_t *list, size_t n, const uint32_t *pop,
	    size_t npop, size_t nusers);

/* The split modes. */
enum { SPLIT_TIME, SPLIT_LLO };

struct split_opts {
	int		 mode;
	double		 frac;		/* quantile of times, or */
	double		 cut;		/* an absolute cut, when frac is 0 */
	const char	*train, *test;	/* output files */
};

/*
 * Decides for each event of s whether it goes to train (1), test (2) or
 * neither (0, a test event failing the warm filters), writing the choice
 * to where[].  Returns 0 or an EX_* status with e filled.  *cut receives
 * the time cut used (time mode).
 */
int	 split_assign(const struct evset *s, const struct split_opts *o,
	    unsigned char *where, double *cut, struct rerr *e);

int	 receval_split(const struct split_opts *o, const char *path,
	    struct ndj_policy *p);

struct score_opts {
	const char	*train, *test;
	double		 min_rating;	/* NaN: every test event is relevant */
};

int	 receval_score(const struct score_opts *o, const char *path,
	    struct ndj_policy *p);

#endif /* RECEVAL_H */
