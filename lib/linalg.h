/*
 * linalg: the small dense kernels of the factor models: dot products,
 * Gram matrices, Cholesky solves, conjugate gradient, and top-k selection.
 *
 * Matrices are row-major.  Factors are float (what the model file stores);
 * the small k x k systems are solved in double.  Nothing here allocates
 * except la_topk_init.
 */
#ifndef REEL_LINALG_H
#define REEL_LINALG_H

#include <stddef.h>
#include <stdint.h>

float	 la_dot(const float *a, const float *b, int k);
/* y += s * x */
void	 la_axpy(float *y, float s, const float *x, int k);

/* G (k x k, double) = sum over the n rows r of Y of r' r. */
void	 la_gram(const float *y, size_t n, int k, double *g);

/*
 * Factors the symmetric positive definite a (n x n) in place into its
 * lower Cholesky factor.  Returns 0, or -1 when a is not positive definite.
 */
int	 la_cholesky(double *a, int n);
/* Solves L L' x = b with the factor of la_cholesky; x overwrites b. */
void	 la_chol_solve(const double *l, int n, double *b);

/*
 * Runs steps iterations of conjugate gradient on A x = b from the x given
 * (a warm start), where matvec(x, out, arg) computes out = A x.  A must be
 * symmetric positive definite.  work holds 3 * n floats.
 */
void	 la_cg(int n, void (*matvec)(const float *, float *, void *),
	    void *arg, const float *b, float *x, int steps, float *work);

/*
 * The k best (largest score, ties to the smaller index) of a stream of
 * (index, score): a min-heap of size k.
 */
struct la_topk {
	uint32_t	*idx;
	float		*val;
	int		 k, n;
};
int	 la_topk_init(struct la_topk *t, int k);
void	 la_topk_free(struct la_topk *t);
void	 la_topk_reset(struct la_topk *t);
void	 la_topk_push(struct la_topk *t, uint32_t idx, float val);
/* Sorts the kept entries best first; t->n of them. */
void	 la_topk_sort(struct la_topk *t);

/*
 * Runs fn(lo, hi, tid, arg) over [0, n) split into nthreads contiguous
 * shares, one per thread (tid 0 on the calling thread).  A share whose
 * thread cannot be started runs on the caller.  Returns 0.
 */
int	 la_parallel_for(size_t n, int nthreads, void (*fn)(size_t lo,
	    size_t hi, int tid, void *arg), void *arg);

#endif /* REEL_LINALG_H */
