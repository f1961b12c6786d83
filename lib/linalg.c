/*
 * linalg: dense kernels for the factor models.
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
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "linalg.h"

float
la_dot(const float *a, const float *b, int k)
{
	float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
	int i;

	/* Four partial sums let the compiler vectorise without -ffast-math. */
	for (i = 0; i + 4 <= k; i += 4) {
		s0 += a[i] * b[i];
		s1 += a[i + 1] * b[i + 1];
		s2 += a[i + 2] * b[i + 2];
		s3 += a[i + 3] * b[i + 3];
	}
	for (; i < k; i++)
		s0 += a[i] * b[i];
	return (s0 + s1) + (s2 + s3);
}

void
la_axpy(float *y, float s, const float *x, int k)
{
	int i;

	for (i = 0; i < k; i++)
		y[i] += s * x[i];
}

void
la_gram(const float *y, size_t n, int k, double *g)
{
	size_t r;
	int i, j;

	memset(g, 0, sizeof(*g) * k * k);
	for (r = 0; r < n; r++) {
		const float *row = y + r * k;

		for (i = 0; i < k; i++)
			for (j = 0; j <= i; j++)
				g[i * k + j] += (double)row[i] * row[j];
	}
	for (i = 0; i < k; i++)
		for (j = 0; j < i; j++)
			g[j * k + i] = g[i * k + j];
}

int
la_cholesky(double *a, int n)
{
	int i, j, p;

	for (j = 0; j < n; j++) {
		double d = a[j * n + j];

		for (p = 0; p < j; p++)
			d -= a[j * n + p] * a[j * n + p];
		if (!(d > 0))
			return -1;
		d = sqrt(d);
		a[j * n + j] = d;
		for (i = j + 1; i < n; i++) {
			double s = a[i * n + j];

			for (p = 0; p < j; p++)
				s -= a[i * n + p] * a[j * n + p];
			a[i * n + j] = s / d;
		}
		for (i = 0; i < j; i++)
			a[i * n + j] = 0;
	}
	return 0;
}

void
la_chol_solve(const double *l, int n, double *b)
{
	int i, p;

	for (i = 0; i < n; i++) {
		double s = b[i];

		for (p = 0; p < i; p++)
			s -= l[i * n + p] * b[p];
		b[i] = s / l[i * n + i];
	}
	for (i = n - 1; i >= 0; i--) {
		double s = b[i];

		for (p = i + 1; p < n; p++)
			s -= l[p * n + i] * b[p];
		b[i] = s / l[i * n + i];
	}
}

void
la_cg(int n, void (*matvec)(const float *, float *, void *), void *arg,
    const float *b, float *x, int steps, float *work)
{
	float *r = work, *p = work + n, *ap = work + 2 * n;
	float rs, rs2, alpha;
	int i, s;

	matvec(x, ap, arg);
	for (i = 0; i < n; i++)
		p[i] = r[i] = b[i] - ap[i];
	rs = la_dot(r, r, n);
	for (s = 0; s < steps && rs > 1e-20f; s++) {
		float pap;

		matvec(p, ap, arg);
		pap = la_dot(p, ap, n);
		if (!(pap > 0))
			break;
		alpha = rs / pap;
		for (i = 0; i < n; i++) {
			x[i] += alpha * p[i];
			r[i] -= alpha * ap[i];
		}
		rs2 = la_dot(r, r, n);
		for (i = 0; i < n; i++)
			p[i] = r[i] + (rs2 / rs) * p[i];
		rs = rs2;
	}
}

int
la_topk_init(struct la_topk *t, int k)
{
	t->k = k;
	t->n = 0;
	t->idx = malloc((k + 1) * sizeof(*t->idx));
	t->val = malloc((k + 1) * sizeof(*t->val));
	return t->idx && t->val ? 0 : -1;
}

void
la_topk_free(struct la_topk *t)
{
	free(t->idx);
	free(t->val);
	t->idx = NULL;
	t->val = NULL;
}

void
la_topk_reset(struct la_topk *t)
{
	t->n = 0;
}

/* a ranks below b: a smaller score, or equal and a larger index. */
static int
worse(float va, uint32_t ia, float vb, uint32_t ib)
{
	return va < vb || (va == vb && ia > ib);
}

static void
sift_down(struct la_topk *t, int i)
{
	for (;;) {
		int l = 2 * i + 1, r = l + 1, m = i;
		uint32_t ti;
		float tv;

		if (l < t->n && worse(t->val[l], t->idx[l], t->val[m],
		    t->idx[m]))
			m = l;
		if (r < t->n && worse(t->val[r], t->idx[r], t->val[m],
		    t->idx[m]))
			m = r;
		if (m == i)
			return;
		ti = t->idx[i], t->idx[i] = t->idx[m], t->idx[m] = ti;
		tv = t->val[i], t->val[i] = t->val[m], t->val[m] = tv;
		i = m;
	}
}

void
la_topk_push(struct la_topk *t, uint32_t idx, float val)
{
	int i;

	if (t->k <= 0 || isnan(val))
		return;
	if (t->n == t->k) {
		/* The root is the worst kept; replace it if val beats it. */
		if (!worse(t->val[0], t->idx[0], val, idx))
			return;
		t->idx[0] = idx;
		t->val[0] = val;
		sift_down(t, 0);
		return;
	}
	i = t->n++;
	t->idx[i] = idx;
	t->val[i] = val;
	while (i > 0) {
		int p = (i - 1) / 2;
		uint32_t ti;
		float tv;

		if (!worse(t->val[i], t->idx[i], t->val[p], t->idx[p]))
			break;
		ti = t->idx[i], t->idx[i] = t->idx[p], t->idx[p] = ti;
		tv = t->val[i], t->val[i] = t->val[p], t->val[p] = tv;
		i = p;
	}
}

void
la_topk_sort(struct la_topk *t)
{
	int n = t->n;

	/* Heap sort: repeatedly move the worst to the end. */
	while (t->n > 1) {
		uint32_t ti = t->idx[0];
		float tv = t->val[0];

		t->n--;
		t->idx[0] = t->idx[t->n], t->val[0] = t->val[t->n];
		t->idx[t->n] = ti, t->val[t->n] = tv;
		sift_down(t, 0);
	}
	t->n = n;
}

struct pjob {
	size_t		 lo, hi;
	int		 tid;
	void		(*fn)(size_t, size_t, int, void *);
	void		*arg;
};

static void *
pjob_run(void *p)
{
	struct pjob *j = p;

	j->fn(j->lo, j->hi, j->tid, j->arg);
	return NULL;
}

int
la_parallel_for(size_t n, int nthreads, void (*fn)(size_t, size_t, int,
    void *), void *arg)
{
	pthread_t th[64];
	struct pjob job[64];
	int t;

	if (nthreads < 1)
		nthreads = 1;
	if (nthreads > 64)
		nthreads = 64;
	/*
	 * Contiguous shares; each row's result depends only on the row and
	 * the other side's factors, so the output does not depend on the
	 * thread count.
	 */
	for (t = 0; t < nthreads; t++) {
		job[t].lo = n * t / nthreads;
		job[t].hi = n * (t + 1) / nthreads;
		job[t].tid = t;
		job[t].fn = fn;
		job[t].arg = arg;
	}
	for (t = 1; t < nthreads; t++)
		if (pthread_create(&th[t], NULL, pjob_run, &job[t]) != 0)
			job[t].tid = -1;
	pjob_run(&job[0]);
	for (t = 1; t < nthreads; t++) {
		if (job[t].tid < 0)
			pjob_run(&job[t]);	/* no thread: run it here */
		else
			pthread_join(th[t], NULL);
	}
	return 0;
}
