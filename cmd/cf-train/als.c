/*
 * Implicit-feedback ALS (Hu, Koren, Volinsky, "Collaborative Filtering for
 * Implicit Feedback Datasets", ICDM 2008) with each least-squares step
 * solved approximately by a few conjugate-gradient iterations warm-started
 * from the previous factors (Takacs, Pilaszy, Tikk, "Applications of the
 * conjugate gradient method for implicit feedback collaborative
 * filtering", RecSys 2011).
 *
 * For a user with confidences c_i = 1 + alpha w_i and preferences p_i:
 *	(Y'Y + sum_i (c_i - 1) y_i y_i' + reg I) x = sum_i c_i p_i y_i
 * Y'Y is shared by all users, so a product with the matrix costs
 * O(k^2 + n_u k), never O(n_items k).
 */
/*
 * The dot products and rank-1 updates here are the hot loops of training
 * and ranking; GCC vectorises them only at -O3, so ask for it here rather
 * than for the whole build.
 */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3")
#endif

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cftrain.h"
#include "linalg.h"

struct als_side {
	const struct csr *m;
	const float	*other;
	float		*self;
	const float	*gram;		/* k x k, float */
	int		 k, steps;
	float		 reg;
	float		*work;		/* per thread: 6 k floats */
};

struct mv {
	const struct als_side *a;
	uint32_t	 row;
};

static void
matvec(const float *x, float *out, void *arg)
{
	const struct mv *v = arg;
	const struct als_side *a = v->a;
	const struct csr *m = a->m;
	int k = a->k, i;
	uint32_t j;

	for (i = 0; i < k; i++)
		out[i] = la_dot(a->gram + (size_t)i * k, x, k) + a->reg * x[i];
	for (j = m->start[v->row]; j < m->start[v->row + 1]; j++) {
		const float *y = a->other + (size_t)m->col[j] * k;
		float c = m->c[j];

		if (c != 0)
			la_axpy(out, c * la_dot(y, x, k), y, k);
	}
}

static void
solve_rows(size_t lo, size_t hi, int tid, void *arg)
{
	const struct als_side *a = arg;
	const struct csr *m = a->m;
	int k = a->k;
	float *b = a->work + (size_t)tid * 6 * k, *cg = b + k;
	size_t r;
	uint32_t j;

	for (r = lo; r < hi; r++) {
		float *x = a->self + r * k;
		struct mv v = { a, (uint32_t)r };

		if (m->start[r] == m->start[r + 1]) {
			memset(x, 0, sizeof(*x) * k);
			continue;
		}
		memset(b, 0, sizeof(*b) * k);
		for (j = m->start[r]; j < m->start[r + 1]; j++)
			if (m->p[j] > 0)
				la_axpy(b, 1 + m->c[j], a->other +
				    (size_t)m->col[j] * k, k);
		la_cg(k, matvec, &v, b, x, a->steps, cg);
	}
}

static void
gram(const float *y, size_t n, int k, float *g, double *tmp)
{
	int i;

	la_gram(y, n, k, tmp);
	for (i = 0; i < k * k; i++)
		g[i] = (float)tmp[i];
}

int
als_train(const struct tdata *d, const struct train_opts *o, float *uf,
    float *vf, struct rerr *e)
{
	int k = o->k, it, nt = o->threads;
	float *g = malloc(sizeof(*g) * k * k);
	double *tmp = malloc(sizeof(*tmp) * k * k);
	float *work = malloc(sizeof(*work) * 6 * k * (nt + 1));
	struct als_side a;
	size_t i;

	if (g == NULL || tmp == NULL || work == NULL) {
		free(g), free(tmp), free(work);
		return rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
	}
	for (i = 0; i < (size_t)d->nusers * k; i++)
		uf[i] = 0.01f * gauss(o->seed, 1, i);
	for (i = 0; i < (size_t)d->nitems * k; i++)
		vf[i] = 0.01f * gauss(o->seed, 2, i);
	a.k = k;
	a.steps = o->cg_steps;
	a.reg = (float)o->reg;
	a.gram = g;
	a.work = work;
	for (it = 0; it < o->iters; it++) {
		gram(vf, d->nitems, k, g, tmp);
		a.m = &d->byuser, a.other = vf, a.self = uf;
		la_parallel_for(d->nusers, nt, solve_rows, &a);
		gram(uf, d->nusers, k, g, tmp);
		a.m = &d->byitem, a.other = uf, a.self = vf;
		la_parallel_for(d->nitems, nt, solve_rows, &a);
	}
	free(g), free(tmp), free(work);
	return 0;
}
