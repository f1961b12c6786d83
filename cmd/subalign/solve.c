/*
 * The search: framerate by correlation peak, offsets and splits by a
 * dynamic programme over the cues.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <fftw3.h>

#include "align.h"

#define FPS	100.0		/* frames per second of the signals */
#define NPEAK	24		/* offsets the DP may choose around */
#define SPAN	50		/* +- frames searched around each peak */

/* The framerate ratios of film, PAL and NTSC, both ways. */
static const double ratios[] = {
	1.0, 25 / 23.976, 23.976 / 25, 25 / 24.0, 24 / 25.0,
	30 / 29.97, 29.97 / 30, 24 / 23.976, 23.976 / 24,
	30 / 25.0, 25 / 30.0
};

/*
 * A cross-correlator at 1/d of the frame rate: the framerate search runs
 * at d = 4 (40 ms, plenty to compare peak heights, and 4 times less FFT
 * work), the final lags at d = 1.  Single precision: the sums are of at
 * most a few hundred thousand terms of magnitude 1.
 */
struct xc {
	long		 L, nr, d;
	float		*buf;
	fftwf_complex	*R, *C;
	fftwf_plan	 fwd, inv;
};

/*
 * The frame where a cue's evidence ends.  Subtitles stay on screen a few
 * tenths of a second after the words end (and start only a little before
 * them), so the full interval fits speech equally well over a plateau of
 * lags; trimming TAIL seconds off the end (keeping at least MINLEN) makes
 * the fit peak where the cue's start meets the speech onset.
 */
#define TAIL	0.4
/*
 * Cues usually appear a few frames before the first syllable; the evidence
 * starts LEAD seconds into the cue so the fit puts the onset there.
 */
#define LEAD	0.08
static double lead = LEAD, tail = TAIL;	/* 0 with --ref-subs */
static long
cue_a(const struct align_cue *c, double s)
{
	double a = c->a + lead;

	if (a > c->b)
		a = c->b;
	return lround(a * s * FPS);
}
#define MINLEN	0.3
static long
cue_b(const struct align_cue *c, double s)
{
	double b = c->b - tail;

	if (b < c->a + MINLEN)
		b = c->a + MINLEN;
	if (b > c->b)
		b = c->b;
	return lround(b * s * FPS);
}

static int
xc_init(struct xc *x, const float *r, long nr, long nc, long d)
{
	long i;

	memset(x, 0, sizeof(*x));
	x->d = d;
	x->L = 1;
	while (x->L < (nr + nc) / d + 2)
		x->L <<= 1;
	x->nr = nr;
	x->buf = fftwf_alloc_real((size_t)x->L);
	x->R = fftwf_alloc_complex((size_t)x->L / 2 + 1);
	x->C = fftwf_alloc_complex((size_t)x->L / 2 + 1);
	if (x->buf == NULL || x->R == NULL || x->C == NULL)
		return -1;
	x->fwd = fftwf_plan_dft_r2c_1d((int)x->L, x->buf, x->C,
	    FFTW_ESTIMATE);
	x->inv = fftwf_plan_dft_c2r_1d((int)x->L, x->C, x->buf,
	    FFTW_ESTIMATE);
	if (x->fwd == NULL || x->inv == NULL)
		return -1;
	memset(x->buf, 0, (size_t)x->L * sizeof(float));
	for (i = 0; i < nr; i++)
		x->buf[i / d] += r[i] / (float)d;
	fftwf_execute(x->fwd);
	memcpy(x->R, x->C, ((size_t)x->L / 2 + 1) * sizeof(fftwf_complex));
	return 0;
}

static void
xc_free(struct xc *x)
{
	if (x->fwd != NULL)
		fftwf_destroy_plan(x->fwd);
	if (x->inv != NULL)
		fftwf_destroy_plan(x->inv);
	fftwf_free(x->buf);
	fftwf_free(x->R);
	fftwf_free(x->C);
}

/*
 * Correlates the cue signal at scale s with the reference: afterwards
 * buf[lag mod L] = sum_t c(t) r(t + lag) / d, lag in units of d frames.
 * Returns the best lag in frames, and its value (in frame units) in *best.
 */
static long
xc_run(struct xc *x, const struct align_cue *c, size_t n, double s,
    double *best)
{
	long i, a, b, lag, bl = 0, d = x->d, end = x->L * d;
	float re, im, v, bv = -INFINITY, w = 1.0f / (float)d;
	float norm = 1.0f / (float)x->L;
	size_t k;

	memset(x->buf, 0, (size_t)x->L * sizeof(float));
	for (k = 0; k < n; k++) {
		a = cue_a(&c[k], s);
		b = cue_b(&c[k], s);
		if (d == 1) {
			for (i = a < 0 ? 0 : a; i < b && i < end; i++)
				x->buf[i] = 1;
		} else {
			for (i = a < 0 ? 0 : a; i < b && i < end; i++)
				x->buf[i / d] += w;
		}
	}
	fftwf_execute(x->fwd);
	for (i = 0; i <= x->L / 2; i++) {	/* conj(C) * R */
		re = x->C[i][0] * x->R[i][0] + x->C[i][1] * x->R[i][1];
		im = x->C[i][0] * x->R[i][1] - x->C[i][1] * x->R[i][0];
		x->C[i][0] = re * norm;
		x->C[i][1] = im * norm;
	}
	fftwf_execute(x->inv);
	for (i = 0; i < x->L; i++) {
		v = x->buf[i];
		if (v > bv) {
			bv = v;
			bl = i;
		}
	}
	lag = bl >= x->L / 2 ? bl - x->L : bl;
	*best = (double)bv * (double)d;
	return lag * d;
}

/* Sum of r over frames [a, b); frames outside the reference count -1. */
static double
rsum(const double *pre, long nr, long a, long b)
{
	long ca = a < 0 ? 0 : a > nr ? nr : a;
	long cb = b < 0 ? 0 : b > nr ? nr : b;

	return pre[cb] - pre[ca] - (double)((b - a) - (cb - ca));
}

/*
 * Cue by cue, the timing of the input wobbles around the segment's
 * offset (hand timing, a re-timed cue).  Each cue may move up to REFINE
 * frames from it when that fits its own speech better, paying for the
 * distance so a flat fit keeps the segment's offset.
 */
#define REFINE	25
#define KEEP	0.02	/* score margin that justifies moving cues */
static void
refine(const double *pre, long nr, long a0, long b0, long *lag)
{
	long d, best = 0;
	double f, bf = -INFINITY;

	for (d = -REFINE; d <= REFINE; d++) {
		f = rsum(pre, nr, a0 + *lag + d, b0 + *lag + d) - 0.5 * labs(d);
		if (f > bf) {
			bf = f;
			best = d;
		}
	}
	*lag += best;
}

int
align_solve(const float *r, long nr, const struct align_cue *c, size_t n,
    const struct align_opts *o, struct align_result *res)
{
	struct xc x;
	double v, bv = -INFINITY, bs = 1, s, *pre = NULL, *cur = NULL,
	    *prev = NULL, pen = o->penalty * FPS, pmax;
	long *cand = NULL, nc = 0, i, j, pj, lmax = 0, lag;
	long peak[NPEAK];
	double pv[NPEAK];
	unsigned char *sw = NULL;
	size_t k, q;
	int np = 0, rv = -1;
	long ncf = lround(c[n - 1].b * 1.3 * FPS) + 1;

	if (o->ref_subs)	/* cue against cue: whole intervals */
		lead = tail = 0;
	if (xc_init(&x, r, nr, ncf, 4) != 0) {
		xc_free(&x);
		return -1;
	}
	for (k = 0; k < sizeof(ratios) / sizeof(ratios[0]); k++) {
		xc_run(&x, c, n, ratios[k], &v);
		/* A ratio other than 1 must clearly win: on a short clip a
		 * stretched fit can match a few cues slightly better. */
		if (k == 0 ? v > bv : v > bv * 1.02 && v > bv + 50) {
			bv = v;
			bs = ratios[k];
		}
	}
	/* Fine search: 0.02 % steps over +-0.3 %. */
	s = bs;
	for (i = -15; i <= 15; i++) {
		xc_run(&x, c, n, s * (1 + i * 0.0002), &v);
		/* Only a clear gain, relative and absolute (0.2 s of
		 * agreement), beats a standard ratio. */
		if (v > bv * 1.01 && v > bv + 20) {
			bv = v;
			bs = s * (1 + i * 0.0002);
		}
	}
	res->scale = bs;
	xc_free(&x);
	if (xc_init(&x, r, nr, ncf, 1) != 0)
		goto out;
	lag = xc_run(&x, c, n, bs, &v);
	/* Peaks of the correlation: the best lag of each +-1 s stretch. */
	for (np = 0; np < NPEAK && o->splits; np++) {
		float m = -INFINITY;
		long mi = 0;

		for (i = 0; i < x.L; i++)
			if (x.buf[i] > m) {
				m = x.buf[i];
				mi = i;
			}
		peak[np] = mi >= x.L / 2 ? mi - x.L : mi;
		pv[np] = m;
		/* The next peak is at least 1 s away from this one. */
		for (i = mi - 99; i <= mi + 99; i++)
			x.buf[(i % x.L + x.L) % x.L] = -INFINITY;
	}
	(void)pv;
	if (!o->splits) {
		peak[0] = lag;
		np = 1;
	}
	/* Candidate lags: each peak +- SPAN frames, deduplicated. */
	cand = malloc((size_t)np * (2 * SPAN + 1) * sizeof(*cand));
	pre = malloc(((size_t)nr + 1) * sizeof(*pre));
	if (cand == NULL || pre == NULL)
		goto out;
	for (j = 0; j < np; j++)
		for (i = -SPAN; i <= SPAN; i++) {
			long l = peak[j] + i;

			for (q = 0; q < (size_t)nc; q++)
				if (cand[q] == l)
					break;
			if (q == (size_t)nc)
				cand[nc++] = l;
		}
	pre[0] = 0;
	for (i = 0; i < nr; i++)
		pre[i + 1] = pre[i] + r[i];
	cur = malloc((size_t)nc * sizeof(*cur));
	prev = calloc((size_t)nc, sizeof(*prev));
	sw = calloc(n * (size_t)nc, 1);
	if (cur == NULL || prev == NULL || sw == NULL)
		goto out;
	/* DP: best[k][j] = fit(k, j) + max(best[k-1][j], max best[k-1] - P) */
	for (k = 0; k < n; k++) {
		long a0 = cue_a(&c[k], bs), b0 = cue_b(&c[k], bs);

		pmax = -INFINITY;
		for (j = 0; j < nc; j++)
			if (prev[j] > pmax) {
				pmax = prev[j];
				lmax = j;
			}
		for (j = 0; j < nc; j++) {
			double fit = rsum(pre, nr, a0 + cand[j], b0 + cand[j]);

			if (k > 0 && pmax - pen > prev[j]) {
				cur[j] = fit + pmax - pen;
				sw[k * (size_t)nc + (size_t)j] = 1;
			} else
				cur[j] = fit + prev[j];
		}
		/* remember where a switch came from: the row's argmax */
		if (k > 0)
			for (j = 0; j < nc; j++)
				if (sw[k * (size_t)nc + (size_t)j])
					sw[k * (size_t)nc + (size_t)j] =
					    1;
		memcpy(prev, cur, (size_t)nc * sizeof(*cur));
		/* store the argmax of the previous row for backtracking */
		res->lag[k] = lmax;
	}
	/* Backtrack. */
	pj = 0;
	for (j = 0; j < nc; j++)
		if (prev[j] > prev[pj])
			pj = j;
	res->score = 0;
	res->nsplit = 0;
	{
		long tot = 0;
		double fit = 0;

		for (k = n; k-- > 0;) {
			long a0 = cue_a(&c[k], bs);
			long b0 = cue_b(&c[k], bs);
			long jj = pj;

			fit = rsum(pre, nr, a0 + cand[jj], b0 + cand[jj]);
			res->conf[k] = b0 > a0 ? (fit / (b0 - a0) + 1) / 2 : 0;
			res->score += fit;
			tot += b0 - a0;
			if (k > 0 && sw[k * (size_t)nc + (size_t)jj]) {
				pj = res->lag[k];
				res->nsplit++;
			}
			res->lag[k] = cand[jj];
			res->seg[k] = cand[jj];
			refine(pre, nr, a0, b0, &res->lag[k]);
		}
		res->score = tot > 0 ? res->score / tot : 0;
	}
	/*
	 * Do no harm: when the subtitles as they are fit the reference
	 * within KEEP of the best alignment's score (speech all the way
	 * through, a clip too short to tell), the evidence does not justify
	 * moving them, and they stay as they are.  (On the 6 s dialogue clip
	 * of ../shared/data/video, speech 98 % of the time, the best fit
	 * moved the correct captions 0.55 s for 0.017 more agreement.)
	 */
	{
		double id = 0;
		long tot = 0;

		for (k = 0; k < n; k++) {
			long a0 = cue_a(&c[k], 1), b0 = cue_b(&c[k], 1);

			id += rsum(pre, nr, a0, b0);
			tot += b0 - a0;
		}
		id = tot > 0 ? id / tot : 0;
		if (id >= res->score - KEEP) {
			for (k = 0; k < n; k++) {
				long a0 = cue_a(&c[k], 1), b0 = cue_b(&c[k], 1);
				double fit = rsum(pre, nr, a0, b0);

				res->lag[k] = res->seg[k] = 0;
				res->conf[k] = b0 > a0 ?
				    (fit / (b0 - a0) + 1) / 2 : 0;
			}
			res->scale = 1;
			res->score = id;
			res->nsplit = 0;
		}
	}
	rv = 0;
out:
	xc_free(&x);
	free(cand);
	free(pre);
	free(cur);
	free(prev);
	free(sw);
	return rv;
}
