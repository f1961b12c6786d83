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

/* Rows of ratings by row key (user or item). */
static int
rrows_build(struct rrows *m, const struct evset *s, uint32_t nrows,
    int byuser)
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
		if (!isnan(s->ev[i].rating))
			m->start[(byuser ? s->ev[i].user : s->ev[i].item) + 1]++;
	for (i = 0; i < nrows; i++)
		m->start[i + 1] += m->start[i];
	memcpy(pos, m->start, ((size_t)nrows + 1) * sizeof(*pos));
	for (i = 0; i < s->n; i++) {
		const struct event *ev = &s->ev[i];
		uint32_t at;

		if (isnan(ev->rating))
			continue;
		at = pos[byuser ? ev->user : ev->item]++;
		m->col[at] = byuser ? ev->item : ev->user;
		m->r[at] = ev->rating;
	}
	free(pos);
	return 0;
}

int
mf_train(const struct tdata *d, const struct train_opts *o, float *mfu,
    float *mfi, double *mean, struct rerr *e)
{
	struct rrows ru = { 0 }, ri = { 0 };
	struct mf_side s;
	int n = o->kmf + 1, it, rv = 0;
	double sum = 0;
	size_t i, cnt = 0;

	for (i = 0; i < d->s.n; i++)
		if (!isnan(d->s.ev[i].rating)) {
			sum += d->s.ev[i].rating;
			cnt++;
		}
	*mean = cnt ? sum / cnt : 0;
	s.work = malloc(sizeof(double) * (n * n + 2 * n) * (o->threads + 1));
	if (s.work == NULL || rrows_build(&ru, &d->s, d->nusers, 1) ||
	    rrows_build(&ri, &d->s, d->nitems, 0)) {
		rv = rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
		goto out;
	}
	for (i = 0; i < (size_t)d->nusers * n; i++)
		mfu[i] = i % n ? 0.1f * gauss(o->seed, 3, i) : 0;
	for (i = 0; i < (size_t)d->nitems * n; i++)
		mfi[i] = i % n ? 0.1f * gauss(o->seed, 4, i) : 0;
	s.k = o->kmf;
	s.reg = o->reg_mf;
	s.breg = o->reg_bias;
	s.mean = *mean;
	for (it = 0; it < o->iters; it++) {
		s.m = &ru, s.other = mfi, s.self = mfu;
		la_parallel_for(d->nusers, o->threads, mf_rows, &s);
		s.m = &ri, s.other = mfu, s.self = mfi;
		la_parallel_for(d->nitems, o->threads, mf_rows, &s);
	}
out:
	free(ru.start), free(ru.col), free(ru.r);
	free(ri.start), free(ri.col), free(ri.r);
	free(s.work);
	return rv;
}
