/*
 * Item-item neighbours: for each item, the nb items most similar over the
 * users who liked both.  Cosine on binary preferences, or BM25-weighted
 * dot products (user weight idf = log(N_items / n_u), item-length
 * normalisation with K1 = 100, B = 0.8 as in the "implicit" library's
 * bm25_weight defaults).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cftrain.h"
#include "linalg.h"

struct knn_ctx {
	const struct tdata *d;
	const float	*w;		/* weight of each byitem entry */
	const double	*norm;		/* per item */
	int		 nb;
	uint32_t	*item;		/* nitems x nb */
	float		*sim;
	uint32_t	*count;		/* per item: kept */
	float		*acc;		/* per thread: nitems */
	uint32_t	*touched;	/* per thread: nitems */
	int		 cosine;
};

static void
knn_rows(size_t lo, size_t hi, int tid, void *arg)
{
	struct knn_ctx *c = arg;
	const struct csr *bi = &c->d->byitem, *bu = &c->d->byuser;
	size_t ni = c->d->nitems, r;
	float *acc = c->acc + (size_t)tid * ni;
	uint32_t *touched = c->touched + (size_t)tid * ni, nt, q, p, t;
	struct la_topk top;

	if (la_topk_init(&top, c->nb) != 0)
		return;
	for (r = lo; r < hi; r++) {
		nt = 0;
		la_topk_reset(&top);
		for (q = bi->start[r]; q < bi->start[r + 1]; q++) {
			uint32_t u = bi->col[q];
			float wq = c->w[q];

			if (bi->p[q] <= 0)
				continue;
			/* The user's other items; weights of byuser match. */
			for (p = bu->start[u]; p < bu->start[u + 1]; p++) {
				uint32_t j = bu->col[p];

				if (j == r || bu->p[p] <= 0)
					continue;
				if (acc[j] == 0)
					touched[nt++] = j;
				acc[j] += wq;
			}
		}
		for (t = 0; t < nt; t++) {
			uint32_t j = touched[t];
			double s = acc[j];

			if (c->cosine)
				s /= c->norm[r] * c->norm[j];
			else
				s *= c->norm[r] * c->norm[j];
			la_topk_push(&top, j, (float)s);
			acc[j] = 0;
		}
		la_topk_sort(&top);
		c->count[r] = (uint32_t)top.n;
		for (t = 0; t < (uint32_t)top.n; t++) {
			c->item[r * c->nb + t] = top.idx[t];
			c->sim[r * c->nb + t] = top.val[t];
		}
	}
	la_topk_free(&top);
}

int
knn_train(const struct tdata *d, const struct train_opts *o,
    uint32_t **startp, uint32_t **itemp, float **simp, struct rerr *e)
{
	const struct csr *bi = &d->byitem, *bu = &d->byuser;
	struct knn_ctx c;
	size_t ni = d->nitems, i, n;
	double *norm = calloc(ni + 1, sizeof(*norm)), avglen = 0;
	float *w = malloc((bi->start[ni] + 1) * sizeof(*w));
	uint32_t *start = calloc(ni + 1, sizeof(*start));
	int rv = 0;

	memset(&c, 0, sizeof(c));
	c.nb = o->nb;
	c.item = malloc(ni * o->nb * sizeof(*c.item) + 4);
	c.sim = malloc(ni * o->nb * sizeof(*c.sim) + 4);
	c.count = calloc(ni + 1, sizeof(*c.count));
	c.acc = calloc(ni * o->threads + 1, sizeof(*c.acc));
	c.touched = malloc((ni * o->threads + 1) * sizeof(*c.touched));
	if (!norm || !w || !start || !c.item || !c.sim || !c.count ||
	    !c.acc || !c.touched) {
		rv = rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
		goto out;
	}
	/* Positive entries per item: the item "length" of BM25. */
	for (i = 0; i < ni; i++) {
		uint32_t q;

		for (q = bi->start[i]; q < bi->start[i + 1]; q++)
			norm[i] += bi->p[q] > 0;
		avglen += norm[i];
	}
	avglen = ni ? avglen / ni : 1;
	/*
	 * With BM25 the weight of (u, i) factors into idf(u) times a length
	 * term of i alone, so a product of two entries is idf(u)^2 (kept per
	 * entry) times the two length terms (kept per item in norm).
	 */
	for (i = 0; i < ni; i++) {
		uint32_t q;

		for (q = bi->start[i]; q < bi->start[i + 1]; q++) {
			uint32_t u = bi->col[q];
			double nu = bu->start[u + 1] - bu->start[u], idf;

			idf = log((double)ni / (nu > 0 ? nu : 1));
			w[q] = o->bm25 ? (float)(idf * idf) : 1;
		}
	}
	for (i = 0; i < ni; i++) {
		double k1 = 100, b = 0.8;

		if (o->bm25)
			norm[i] = (k1 + 1) / (1 + k1 * (1 - b + b * norm[i] /
			    avglen));
		else
			norm[i] = sqrt(norm[i] > 0 ? norm[i] : 1);
	}
	c.d = d;
	c.w = w;
	c.norm = norm;
	c.cosine = !o->bm25;
	la_parallel_for(ni, o->threads, knn_rows, &c);
	/* Compact the fixed-width rows into compressed rows. */
	for (i = 0, n = 0; i < ni; i++) {
		uint32_t t;

		start[i] = (uint32_t)n;
		for (t = 0; t < c.count[i]; t++, n++) {
			c.item[n] = c.item[i * c.nb + t];
			c.sim[n] = c.sim[i * c.nb + t];
		}
	}
	start[ni] = (uint32_t)n;
	*startp = start, *itemp = c.item, *simp = c.sim;
	start = NULL, c.item = NULL, c.sim = NULL;
out:
	free(norm), free(w), free(start), free(c.item), free(c.sim);
	free(c.count), free(c.acc), free(c.touched);
	return rv;
}
