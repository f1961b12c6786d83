/*
 * subalign's correlators: the cue signal against the reference by FFT,
 * over the whole reference (the framerate search and the programme's
 * main offsets) or over chosen lag ranges for one window of cues (the
 * offsets of each stretch of a long programme).  See align.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "align.h"

int
align_xc_init(struct align_xc *xc, const struct align_ctx *x, long ncf,
    long d)
{
	long i;

	memset(xc, 0, sizeof(*xc));
	xc->d = d;
	xc->L = 1;
	while (xc->L < (x->nr + ncf) / d + 2)
		xc->L <<= 1;
	xc->nr = x->nr;
	xc->buf = fftwf_alloc_real((size_t)xc->L);
	xc->R = fftwf_alloc_complex((size_t)xc->L / 2 + 1);
	xc->C = fftwf_alloc_complex((size_t)xc->L / 2 + 1);
	if (xc->buf == NULL || xc->R == NULL || xc->C == NULL)
		return -1;
	xc->fwd = fftwf_plan_dft_r2c_1d((int)xc->L, xc->buf, xc->C,
	    FFTW_ESTIMATE);
	xc->inv = fftwf_plan_dft_c2r_1d((int)xc->L, xc->C, xc->buf,
	    FFTW_ESTIMATE);
	if (xc->fwd == NULL || xc->inv == NULL)
		return -1;
	memset(xc->buf, 0, (size_t)xc->L * sizeof(float));
	for (i = 0; i < x->nr; i++)
		xc->buf[i / d] += x->r[i] / (float)d;
	fftwf_execute(xc->fwd);
	memcpy(xc->R, xc->C, ((size_t)xc->L / 2 + 1) * sizeof(fftwf_complex));
	return 0;
}

void
align_xc_free(struct align_xc *xc)
{
	if (xc->fwd != NULL)
		fftwf_destroy_plan(xc->fwd);
	if (xc->inv != NULL)
		fftwf_destroy_plan(xc->inv);
	fftwf_free(xc->buf);
	fftwf_free(xc->R);
	fftwf_free(xc->C);
	memset(xc, 0, sizeof(*xc));
}

/*
 * out = conj(a) * b / L (out may be a or b): the spectrum of the circular
 * cross-correlation sum_t a(t) b(t + lag).
 */
static void
xc_product(const fftwf_complex *a, const fftwf_complex *b,
    fftwf_complex *out, long L)
{
	float re, im, norm = 1.0f / (float)L;
	long i;

	for (i = 0; i <= L / 2; i++) {
		re = a[i][0] * b[i][0] + a[i][1] * b[i][1];
		im = a[i][0] * b[i][1] - a[i][1] * b[i][0];
		out[i][0] = re * norm;
		out[i][1] = im * norm;
	}
}

long
align_xc_run(struct align_xc *xc, const struct align_ctx *x, double s,
    double *best)
{
	long i, a, b, bl = 0, d = xc->d, end = xc->L * d;
	float v, bv = -INFINITY, w = 1.0f / (float)d;
	size_t k;

	memset(xc->buf, 0, (size_t)xc->L * sizeof(float));
	for (k = 0; k < x->n; k++) {
		a = align_cue_a(x, &x->c[k], s);
		b = align_cue_b(x, &x->c[k], s);
		for (i = a < 0 ? 0 : a; i < b && i < end; i++)
			xc->buf[i / d] += w;
	}
	fftwf_execute(xc->fwd);
	xc_product(xc->C, xc->R, xc->C, xc->L);
	fftwf_execute(xc->inv);
	for (i = 0; i < xc->L; i++) {
		v = xc->buf[i];
		if (v > bv) {
			bv = v;
			bl = i;
		}
	}
	*best = (double)bv * (double)d;
	return (bl >= xc->L / 2 ? bl - xc->L : bl) * d;
}

int
align_xc_peaks(struct align_xc *xc, int k, long sep, long *lag, double *val)
{
	long i, mi, L = xc->L, s = sep / xc->d;
	float m;
	int np;

	for (np = 0; np < k; np++) {
		m = -INFINITY;
		mi = 0;
		for (i = 0; i < L; i++)
			if (xc->buf[i] > m) {
				m = xc->buf[i];
				mi = i;
			}
		if (m == -INFINITY)
			break;
		lag[np] = (mi >= L / 2 ? mi - L : mi) * xc->d;
		val[np] = (double)m * (double)xc->d;
		for (i = mi - s; i <= mi + s; i++)
			xc->buf[(i % L + L) % L] = -INFINITY;
	}
	return np;
}

int
align_wxc_init(struct align_wxc *w, const struct align_ctx *x, long d,
    long m)
{
	long i;

	memset(w, 0, sizeof(*w));
	w->d = d;
	w->m = m;
	/* Blocks of at least 4 windows: 3/4 of each FFT is new lags. */
	w->L = 1024;
	while (w->L < 4 * m)
		w->L <<= 1;
	w->nrd = (x->nr + d - 1) / d;
	w->rd = calloc((size_t)w->nrd + 1, sizeof(float));
	w->buf = fftwf_alloc_real((size_t)w->L);
	w->X = fftwf_alloc_complex((size_t)w->L / 2 + 1);
	w->Y = fftwf_alloc_complex((size_t)w->L / 2 + 1);
	if (w->rd == NULL || w->buf == NULL || w->X == NULL || w->Y == NULL)
		return -1;
	w->fwd = fftwf_plan_dft_r2c_1d((int)w->L, w->buf, w->Y,
	    FFTW_ESTIMATE);
	w->inv = fftwf_plan_dft_c2r_1d((int)w->L, w->Y, w->buf,
	    FFTW_ESTIMATE);
	if (w->fwd == NULL || w->inv == NULL)
		return -1;
	for (i = 0; i < x->nr; i++)
		w->rd[i / d] += x->r[i] / (float)d;
	return 0;
}

void
align_wxc_free(struct align_wxc *w)
{
	if (w->fwd != NULL)
		fftwf_destroy_plan(w->fwd);
	if (w->inv != NULL)
		fftwf_destroy_plan(w->inv);
	free(w->rd);
	fftwf_free(w->buf);
	fftwf_free(w->X);
	fftwf_free(w->Y);
	memset(w, 0, sizeof(*w));
}

void
align_wxc_window(struct align_wxc *w, const struct align_ctx *x, double s,
    long t0)
{
	long i, a, b, d = w->d, t1 = t0 + w->m * d;
	float q = 1.0f / (float)d;
	size_t k;

	memset(w->buf, 0, (size_t)w->L * sizeof(float));
	for (k = 0; k < x->n; k++) {
		a = align_cue_a(x, &x->c[k], s);
		b = align_cue_b(x, &x->c[k], s);
		if (b <= t0)
			continue;
		if (a >= t1)
			break;	/* cues are sorted by start */
		for (i = a < t0 ? t0 : a; i < b && i < t1; i++)
			w->buf[(i - t0) / d] += q;
	}
	fftwf_execute_dft_r2c(w->fwd, w->buf, w->X);
}

void
align_wxc_corr(struct align_wxc *w, long t0, long lo, long hi, float *out)
{
	long c, j, n, L = w->L, C = L - w->m;

	for (c = lo; c <= hi; c += C) {
		/* Lags c .. c + C - 1: the reference from t0 + c on. */
		for (j = 0; j < L; j++) {
			long t = t0 + c + j;

			w->buf[j] = t >= 0 && t < w->nrd ? w->rd[t] : 0;
		}
		fftwf_execute_dft_r2c(w->fwd, w->buf, w->Y);
		xc_product(w->X, w->Y, w->Y, L);
		fftwf_execute_dft_c2r(w->inv, w->Y, w->buf);
		n = hi - c + 1 < C ? hi - c + 1 : C;
		memcpy(out + (c - lo), w->buf, (size_t)n * sizeof(float));
	}
}
