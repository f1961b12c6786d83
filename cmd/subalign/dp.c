/*
 * subalign's dynamic programme (step 3 of the search, solve.c): over the
 * cues in time order, each cue is either kept at one of its candidate
 * lags or removed (its speech is not in the reference).
 *
 *	kept(k, l)  = fit(k, l) + the best of
 *			kept(k-1, l)			stay in the segment
 *			kept(k-1, l') - P		a split, for the l' that
 *							keep cue k after the cues
 *							before it
 *			removed(k-1, e) - P		when cue k starts after e
 *	removed(k)  = THETA * len(k) + the best of
 *			removed(k-1)			stay removed
 *			kept(k-1, l) - P / 5		a removal begins
 *
 * Leaving a removal costs a split, entering it a fifth of one: where the
 * offset must change anyway (a cut), removing the cues of the cut costs
 * little more than the split, but a removal inside a segment costs more
 * than a split, so cues are not dropped for a few quiet seconds.
 * A removed state remembers e, where the last kept cue ended in the
 * output, because the cues after a removal may not go back before it: a
 * cut in the reference moves the offset back by its length, and the cues
 * of the cut have no place to go but "removed" (laid over other speech
 * they would be out of order).  Removed states are kept as a Pareto
 * frontier over (value, e): a later e is worth keeping only with a higher
 * value.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "align.h"

#define TOL	50		/* a kept cue may start 0.5 s before the end
				   of the cues kept before it (two speakers,
				   jitter) */
#define RPEN	0.2		/* entering a removal, in splits */
#define THETA	0.0		/* a removed cue's fit per frame: no
				   evidence either way */
#define RCAP	256		/* removed states kept per cue */

/* Back pointers: >= 0 a kept state of the cue before, <= -2 a removed
 * one (-2 - index), -1 the start. */
#define REM(i)	(-2 - (int32_t)(i))

struct rstate {
	double	 v, e;
	int32_t	 back;
};

struct dp {
	const struct align_ctx *x;
	double	 s, pen;
	const size_t *off;
	const int32_t *lag;
	double	*v0, *v1, *pm;
	size_t	*pmi;
	int32_t	*back;			/* per kept state */
	struct rstate *r0, *r1, *rt;	/* frontiers: before, now, scratch */
	size_t	 nr0, nr1;
	int32_t	*rback;			/* per removed state, by cue */
	size_t	*roff, rn, rcap;
};

/* Prefix maxima of the kept values of the cue before. */
static void
prefix_max(struct dp *d, size_t np)
{
	size_t i;

	for (i = 0; i < np; i++) {
		if (i > 0 && d->pm[i - 1] >= d->v0[i]) {
			d->pm[i] = d->pm[i - 1];
			d->pmi[i] = d->pmi[i - 1];
		} else {
			d->pm[i] = d->v0[i];
			d->pmi[i] = i;
		}
	}
}

/* Kept states of cue k from those of cue k - 1. */
static void
kept_row(struct dp *d, size_t k, long emax)
{
	const struct align_cue *c = &d->x->c[k];
	const int32_t *S = d->lag + d->off[k], *P = d->lag + d->off[k - 1];
	size_t nc = d->off[k + 1] - d->off[k], np = d->off[k] - d->off[k - 1];
	size_t j, ist = 0, isw = 0, ir = 0;
	long a = align_cue_a(d->x, c, d->s), b = align_cue_b(d->x, c, d->s);
	long A = lround(c->a * d->s * ALIGN_FPS), g = A - emax + TOL;
	double best;
	int32_t bp;

	for (j = 0; j < nc; j++) {
		while (ist < np && P[ist] < S[j])
			ist++;
		while (isw < np && P[isw] <= (long)S[j] + g)
			isw++;
		while (ir < d->nr0 && d->r0[ir].e <= (double)(A + S[j] + TOL))
			ir++;
		best = -INFINITY;
		bp = -1;
		if (ist < np && P[ist] == S[j]) {
			best = d->v0[ist];
			bp = (int32_t)ist;
		}
		if (isw > 0 && d->pm[isw - 1] - d->pen > best) {
			best = d->pm[isw - 1] - d->pen;
			bp = (int32_t)d->pmi[isw - 1];
		}
		/* the frontier's values rise with e: the last that fits */
		if (ir > 0 && d->r0[ir - 1].v - d->pen > best) {
			best = d->r0[ir - 1].v - d->pen;
			bp = REM(ir - 1);
		}
		d->v1[j] = best + align_rsum(d->x, a + S[j], b + S[j]);
		d->back[d->off[k] + j] = bp;
	}
}

/*
 * Removed states of cue k: the frontier before, staying, merged with the
 * removals that begin after a kept cue k - 1 (e = emax + its lag).
 */
static int
removed_row(struct dp *d, size_t k, long emax)
{
	const struct align_cue *c = &d->x->c[k];
	const int32_t *P = d->lag + d->off[k - 1];
	size_t np = d->off[k] - d->off[k - 1], i, j, n = 0, m = 0;
	double len = (double)(align_cue_b(d->x, c, d->s) -
	    align_cue_a(d->x, c, d->s)), top = -INFINITY, e;
	struct rstate *t;

	/* Merge by e; keep a state only if it beats every earlier one. */
	for (i = 0, j = 0; i < d->nr0 || j < np;) {
		struct rstate st;

		if (j < np && (i == d->nr0 || (double)(emax + P[j]) <
		    d->r0[i].e)) {
			e = (double)(emax + P[j]);
			st = (struct rstate){ d->v0[j] - RPEN * d->pen, e,
			    (int32_t)j };
			j++;
		} else {
			st = d->r0[i];
			st.back = REM(i);
			i++;
		}
		if (st.v > top) {
			top = st.v;
			st.v += THETA * len;
			d->rt[m++] = st;
		}
	}
	/* Too many: keep every other one, the last always. */
	while (m > RCAP) {
		for (i = 0, n = 0; i < m; i++)
			if (i % 2 == 1 || i == m - 1)
				d->rt[n++] = d->rt[i];
		m = n;
	}
	if (d->rn + m > d->rcap) {
		int32_t *q;

		d->rcap = 2 * d->rcap + m;
		if ((q = realloc(d->rback, d->rcap * sizeof(*q))) == NULL)
			return -1;
		d->rback = q;
	}
	d->roff[k] = d->rn;
	for (i = 0; i < m; i++)
		d->rback[d->rn++] = d->rt[i].back;
	t = d->r1;
	d->r1 = d->rt;
	d->rt = t;
	d->nr1 = m;
	return 0;
}

/* Follows the back pointers from the best end into res. */
static int
backtrack(struct dp *d, struct align_result *res)
{
	size_t n = d->x->n, j, k, nc = d->off[n] - d->off[n - 1];
	double bv = -INFINITY;
	int32_t st = -1;

	for (j = 0; j < nc; j++)
		if (d->v0[j] > bv) {
			bv = d->v0[j];
			st = (int32_t)j;
		}
	if (d->nr0 > 0 && d->r0[d->nr0 - 1].v > bv)
		st = REM(d->nr0 - 1);
	for (k = n; k-- > 0;) {
		if (st >= 0) {
			res->removed[k] = 0;
			res->seg[k] = d->lag[d->off[k] + (size_t)st];
			st = d->back[d->off[k] + (size_t)st];
		} else if (st <= -2) {
			res->removed[k] = 1;
			res->seg[k] = 0;
			st = d->rback[d->roff[k] + (size_t)(-2 - st)];
		} else
			return -1;
	}
	return st == -1 ? 0 : -1;
}

static void
dp_free(struct dp *d)
{
	free(d->v0);
	free(d->v1);
	free(d->pm);
	free(d->pmi);
	free(d->back);
	free(d->r0);
	free(d->r1);
	free(d->rt);
	free(d->rback);
	free(d->roff);
}

int
align_dp(const struct align_ctx *x, double s, const size_t *off,
    const int32_t *lag, struct align_result *res)
{
	struct dp d = { 0 };
	size_t k, j, maxs = 1, n = x->n, rmax;
	struct rstate *rs;
	double *t;
	long emax, a, b;
	int rv = -1;

	for (k = 0; k < n; k++)
		if (off[k + 1] - off[k] > maxs)
			maxs = off[k + 1] - off[k];
	rmax = RCAP + maxs + 1;
	d.x = x;
	d.s = s;
	d.pen = x->o->penalty * ALIGN_FPS;
	d.off = off;
	d.lag = lag;
	d.v0 = malloc(maxs * sizeof(double));
	d.v1 = malloc(maxs * sizeof(double));
	d.pm = malloc(maxs * sizeof(double));
	d.pmi = malloc(maxs * sizeof(size_t));
	d.back = malloc((off[n] + 1) * sizeof(int32_t));
	d.r0 = malloc(rmax * sizeof(struct rstate));
	d.r1 = malloc(rmax * sizeof(struct rstate));
	d.rt = malloc(rmax * sizeof(struct rstate));
	d.roff = malloc((n + 1) * sizeof(size_t));
	if (d.v0 == NULL || d.v1 == NULL || d.pm == NULL || d.pmi == NULL ||
	    d.back == NULL || d.r0 == NULL || d.r1 == NULL || d.rt == NULL ||
	    d.roff == NULL)
		goto out;
	/* The first cue: any lag, or removed, for free. */
	a = align_cue_a(x, &x->c[0], s);
	b = align_cue_b(x, &x->c[0], s);
	for (j = 0; j < off[1]; j++) {
		d.v0[j] = align_rsum(x, a + lag[j], b + lag[j]);
		d.back[j] = -1;
	}
	d.r0[0] = (struct rstate){ THETA * (double)(b - a), -INFINITY, -1 };
	d.nr0 = 1;
	d.rcap = 1024;
	if ((d.rback = malloc(d.rcap * sizeof(int32_t))) == NULL)
		goto out;
	d.roff[0] = 0;
	d.rback[d.rn++] = -1;
	emax = lround(x->c[0].b * s * ALIGN_FPS);
	for (k = 1; k < n; k++) {
		long B = lround(x->c[k].b * s * ALIGN_FPS);

		prefix_max(&d, off[k] - off[k - 1]);
		kept_row(&d, k, emax);
		if (removed_row(&d, k, emax) != 0)
			goto out;
		t = d.v0;
		d.v0 = d.v1;
		d.v1 = t;
		rs = d.r0;
		d.r0 = d.r1;
		d.r1 = rs;
		d.nr0 = d.nr1;
		if (B > emax)
			emax = B;
	}
	rv = backtrack(&d, res);
out:
	dp_free(&d);
	return rv;
}
