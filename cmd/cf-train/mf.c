/*
 * Explicit matrix factorisation with user and item biases,
 *	r_ui ~ mean + b_u + b_i + x_u . y_i,
 * learned by alternating ridge regressions: with the items fixed, each
 * user's [b_u, x_u] is the exact least-squares solution (Cholesky) of its
 * ratings, then the same for items.  Only events with a "rating" count.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cftrain.h"
#include "linalg.h"

struct rrows {
	uint32_t	*start, *col;
	float		*r;
};

struct mf_side {
	const struct rrows *m;
	const float	*other;		/* rows of k + 1: bias, factors */
	float		*self;
	int		 k;
	double		 reg, breg, mean;
	double		*work;		/* per thread */
};

static void
mf_rows(size_t lo, size_t hi, int tid, void *arg)
{
	const struct mf_side *s = arg;
	int n = s->k + 1, i, j;
	double *a = s->work + (size_t)tid * (n * n + 2 * n), *b = a + n * n;
	double *f = b + n;
	size_t r;
	uint32_t q;

	for (r = lo; r < hi; r++) {
		float *x = s->self + r * n;

		memset(a, 0, sizeof(*a) * n * n);
		memset(b, 0, sizeof(*b) * n);
		for (q = s->m->start[r]; q < s->m->start[r + 1]; q++) {
			const float *y = s->other + (size_t)s->m->col[q] * n;
			double t = s->m->r[q] - s->mean - y[0];

			f[0] = 1;
			for (i = 1; i < n; i++)
				f[i] = y[i];
			for (i = 0; i < n; i++) {
				b[i] += t * f[i];
				for (j = 0; j <= i; j++)
					a[i * n + j] += f[i] * f[j];
			}
		}
		for (i = 0; i < n; i++) {
			for (j = 0; j < i; j++)
				a[j * n + i] = a[i * n + j];
			a[i * n + i] += i == 0 ? s->breg : s->reg;
		}
		if (la_cholesky(a, n) != 0)
			continue;	/* cannot happen with reg > 0 */
		la_chol_solve(a, n, b);
		for (i = 0; i < n; i++)
			x[i] = (float)b[i];
	}
}

/* Rows of ratings by row key (user or item), of events before cut. */
static int
rrows_build(struct rrows *m, const struct evset *s, uint32_t nrows,
    int byuser, double cut)
{
	size_t i;
	uint32_t *pos;

	m->start = calloc((size_t)nrows + 1, sizeof(*m->start));
	m->col = malloc((s->n + 1) * sizeof(*m->col));
	m->r = malloc((s->n + 1) * sizeof(*m->r));
	pos = malloc(((size_t)nrows + 1) * sizeof(*pos));
	if (!m->start || !m->col || !m->r || !pos) {
		free(pos);
		return -1;
	}
	for (i = 0; i < s->n; i++)
		if (!isnan(s->ev[i].rating) && s->ev[i].ts < cut)
			m->start[(byuser ? s->ev[i].user : s->ev[i].item) + 1]++;
	for (i = 0; i < nrows; i++)
		m->start[i + 1] += m->start[i];
	memcpy(pos, m->start, ((size_t)nrows + 1) * sizeof(*pos));
	for (i = 0; i < s->n; i++) {
		const struct event *ev = &s->ev[i];
		uint32_t at;

		if (isnan(ev->rating) || !(ev->ts < cut))
			continue;
		at = pos[byuser ? ev->user : ev->item]++;
		m->col[at] = byuser ? ev->item : ev->user;
		m->r[at] = ev->rating;
	}
	free(pos);
	return 0;
}

static int
cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The ALS sweeps on the ratings before cut, from the seeded start. */
static int
fit(const struct tdata *d, const struct train_opts *o, double cut,
    double mean, float *mfu, float *mfi, double *work)
{
	struct rrows ru = { 0 }, ri = { 0 };
	struct mf_side s;
	int n = o->kmf + 1, it, rv = 0;
	size_t i;

	if (rrows_build(&ru, &d->s, d->nusers, 1, cut) ||
	    rrows_build(&ri, &d->s, d->nitems, 0, cut)) {
		rv = -1;
		goto out;
	}
	for (i = 0; i < (size_t)d->nusers * n; i++)
		mfu[i] = i % n ? 0.1f * gauss(o->seed, 3, i) : 0;
	for (i = 0; i < (size_t)d->nitems * n; i++)
		mfi[i] = i % n ? 0.1f * gauss(o->seed, 4, i) : 0;
	s.work = work;
	s.k = o->kmf;
	s.reg = o->reg_mf;
	s.breg = o->reg_bias;
	s.mean = mean;
	for (it = 0; it < o->iters; it++) {
		s.m = &ru, s.other = mfi, s.self = mfu;
		la_parallel_for(d->nusers, o->threads, mf_rows, &s);
		s.m = &ri, s.other = mfu, s.self = mfi;
		la_parallel_for(d->nitems, o->threads, mf_rows, &s);
	}
out:
	free(ru.start), free(ru.col), free(ru.r);
	free(ri.start), free(ri.col), free(ri.r);
	return rv;
}

/*
 * The drift of ratings: fitted on the first 80 % of the rating times, the
 * model's mean error on the last 20 % (pairs whose user and item both
 * rated before).  Ratings of a title fall after its first weeks, so a
 * model fitted on the past predicts the future too high; on MovieTweetings
 * this offset, learned inside the training part, is about -0.16 and
 * holds on the validation split after it.  0 with under 100 such ratings.
 */
static int
drift(const struct tdata *d, const struct train_opts *o, double mean,
    float *mfu, float *mfi, double *work, double *off)
{
	int n = o->kmf + 1;
	double *ts, cut, sum = 0;
	size_t i, m = 0, cnt = 0;
	uint32_t *ucnt, *icnt;

	*off = 0;
	ts = malloc((d->s.n + 1) * sizeof(*ts));
	ucnt = calloc((size_t)d->nusers + 1, sizeof(*ucnt));
	icnt = calloc((size_t)d->nitems + 1, sizeof(*icnt));
	if (ts == NULL || ucnt == NULL || icnt == NULL)
		goto nomem;
	for (i = 0; i < d->s.n; i++)
		if (!isnan(d->s.ev[i].rating))
			ts[m++] = d->s.ev[i].ts;
	if (m < 500)
		goto done;
	qsort(ts, m, sizeof(*ts), cmp_dbl);
	cut = ts[m * 8 / 10];
	if (fit(d, o, cut, mean, mfu, mfi, work) != 0)
		goto nomem;
	for (i = 0; i < d->s.n; i++) {
		const struct event *ev = &d->s.ev[i];

		if (!isnan(ev->rating) && ev->ts < cut)
			ucnt[ev->user]++, icnt[ev->item]++;
	}
	for (i = 0; i < d->s.n; i++) {
		const struct event *ev = &d->s.ev[i];
		const float *x = mfu + (size_t)ev->user * n;
		const float *y = mfi + (size_t)ev->item * n;

		if (isnan(ev->rating) || ev->ts < cut || ucnt[ev->user] == 0 ||
		    icnt[ev->item] == 0)
			continue;
		sum += ev->rating - (mean + x[0] + y[0] +
		    la_dot(x + 1, y + 1, o->kmf));
		cnt++;
	}
	if (cnt >= 100)
		*off = sum / cnt;
done:
	free(ts), free(ucnt), free(icnt);
	return 0;
nomem:
	free(ts), free(ucnt), free(icnt);
	return -1;
}

int
mf_train(const struct tdata *d, const struct train_opts *o, float *mfu,
    float *mfi, double *mean, struct rerr *e)
{
	int n = o->kmf + 1, rv = 0;
	double sum = 0, off = 0, *work;
	size_t i, cnt = 0;

	for (i = 0; i < d->s.n; i++)
		if (!isnan(d->s.ev[i].rating)) {
			sum += d->s.ev[i].rating;
			cnt++;
		}
	*mean = cnt ? sum / cnt : 0;
	work = malloc(sizeof(double) * (n * n + 2 * n) * (o->threads + 1));
	if (work == NULL || (o->mf_drift &&
	    drift(d, o, *mean, mfu, mfi, work, &off) != 0) ||
	    fit(d, o, INFINITY, *mean, mfu, mfi, work) != 0)
		rv = rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
	/* The biases stay centred on the mean of the past; the offset
	 * moves predictions, which are all rank makes of the mean. */
	*mean += off;
	free(work);
	return rv;
}
