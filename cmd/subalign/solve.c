/*
 * The search, in four steps:
 *
 *  1. the framerate ratio, by the peak of a whole-file correlation of the
 *     cue signal with the reference at each standard ratio, then a fine
 *     search around the best;
 *  2. candidate offsets for every stretch of the programme: the cue signal
 *     is cut into windows of WIN seconds (every HOP seconds), and each
 *     window is correlated with the reference over the lags near the
 *     whole file's main peaks and near the previous windows' peaks (a
 *     break moves the offset by at most JUMP), so a short segment between
 *     two breaks finds its own offset, at a cost linear in the duration;
 *  3. a dynamic programme over the cues in time order that gives each cue
 *     one of its windows' offsets or marks it removed (its speech is not
 *     in the reference), paying a penalty for every change, and never
 *     moving a cue before the end of the cue kept before it: a cut in the
 *     reference leaves its cues no place to go but "removed", where laying
 *     them over other speech would put them out of order;
 *  4. each kept cue's own refinement, its confidence, and the score; and
 *     the subtitles stay as they are when that fits nearly as well.
 */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "align.h"

#define FPS	ALIGN_FPS
#define NGLOB	16		/* whole-file peaks kept as offsets */
#define NGCAND	8		/* of them, offered to every cue */
#define SPAN	25		/* +- frames searched around each peak */
#define WIN	12000		/* window: 120 s of cue signal, in frames */
#define HOP	6000		/* a window every 60 s */
#define WD	5		/* windows are correlated at 50 ms */
#define KWIN	5		/* peaks kept per window */
#define JUMP	90000		/* the most a break moves the offset: 15 min */
#define PEAKSEP	100		/* peaks at least 1 s apart */

/* The framerate ratios of film, PAL and NTSC, both ways. */
static const double ratios[] = {
	1.0, 25 / 23.976, 23.976 / 25, 25 / 24.0, 24 / 25.0,
	30 / 29.97, 29.97 / 30, 24 / 23.976, 23.976 / 24,
	30 / 25.0, 25 / 30.0
};

/*
 * The frames of a cue's evidence.  Subtitles stay on screen a few tenths
 * of a second after the words end (and start only a little before them),
 * so the full interval fits speech equally well over a plateau of lags;
 * trimming the tail (x->tail seconds, keeping at least MINLEN) makes the
 * fit peak where the cue's start meets the speech onset, and the evidence
 * starts x->lead seconds in, where the first syllable usually is.
 */
#define MINLEN	0.3
long
align_cue_a(const struct align_ctx *x, const struct align_cue *c, double s)
{
	double a = c->a + x->lead;

	if (a > c->b)
		a = c->b;
	return lround(a * s * FPS);
}

long
align_cue_b(const struct align_ctx *x, const struct align_cue *c, double s)
{
	double b = c->b - x->tail;

	if (b < c->a + MINLEN)
		b = c->a + MINLEN;
	if (b > c->b)
		b = c->b;
	return lround(b * s * FPS);
}

double
align_rsum(const struct align_ctx *x, long a, long b)
{
	long nr = x->nr;
	long ca = a < 0 ? 0 : a > nr ? nr : a;
	long cb = b < 0 ? 0 : b > nr ? nr : b;

	return x->pre[cb] - x->pre[ca] - (double)((b - a) - (cb - ca));
}

/*
 * Step 1: the ratio.  A ratio other than 1 must clearly win: on a short
 * clip a stretched fit can match a few cues slightly better; the fine
 * search (0.02 % steps over +-0.3 %) needs a clear gain, relative and
 * absolute (0.2 s of agreement), over a standard ratio.
 */
static double
search_scale(struct align_xc *xc, const struct align_ctx *x)
{
	double v, bv = -INFINITY, bs = 1, s;
	size_t k;
	int i;

	for (k = 0; k < sizeof(ratios) / sizeof(ratios[0]); k++) {
		align_xc_run(xc, x, ratios[k], &v);
		if (k == 0 ? v > bv : v > bv * 1.02 && v > bv + 50) {
			bv = v;
			bs = ratios[k];
		}
	}
	s = bs;
	for (i = -15; i <= 15; i++) {
		align_xc_run(xc, x, s * (1 + i * 0.0002), &v);
		if (v > bv * 1.01 && v > bv + 20) {
			bv = v;
			bs = s * (1 + i * 0.0002);
		}
	}
	return bs;
}

/* Lag intervals, in units of WD frames. */
struct span {
	long	 lo, hi;
};

static int
cmp_span(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/*
 * The k best peaks, at least PEAKSEP frames apart, of v over the spans
 * (concatenated in v).  lag[] in frames.  Returns how many.
 */
static int
span_peaks(const float *v, const struct span *sp, int ns, int k, long *lag)
{
	long sep = PEAKSEP / WD, i, bl = 0, l;
	float bv;
	int np, q, j, off;

	for (np = 0; np < k; np++) {
		bv = -INFINITY;
		for (j = 0, off = 0; j < ns; off += (int)(sp[j].hi -
		    sp[j].lo + 1), j++)
			for (l = sp[j].lo, i = off; l <= sp[j].hi; l++, i++) {
				if (v[i] <= bv)
					continue;
				for (q = 0; q < np; q++)
					if (labs(l - lag[q] / WD) <= sep)
						break;
				if (q == np) {
					bv = v[i];
					bl = l;
				}
			}
		if (bv == -INFINITY || bv <= 0)
			break;
		lag[np] = bl * WD;
	}
	return np;
}

/*
 * Step 2: KWIN peaks for each of nw windows into wp[w * KWIN ..] (0 past
 * a window's count, given in wn[w]).  Centres of the search: the global
 * peaks and the peaks of the three windows before.
 */
static int
window_peaks(const struct align_ctx *x, double s, const long *gp, int ng,
    long t_first, long nw, long *wp, int *wn)
{
	struct align_wxc w;
	struct span *sp = NULL;
	float *v = NULL;
	long wi, nv = 0, vcap = 0, t0d, m = WIN / WD, J = JUMP / WD;
	int rv = -1, ns, i, j, maxs = ng + 3 * KWIN;

	if (align_wxc_init(&w, x, WD, m) != 0)
		goto out;
	if ((sp = malloc((size_t)maxs * sizeof(*sp))) == NULL)
		goto out;
	for (wi = 0; wi < nw; wi++) {
		t0d = (t_first + wi * HOP) / WD;
		ns = 0;
		for (i = 0; i < ng; i++)
			sp[ns++] = (struct span){ gp[i] / WD - J, gp[i] / WD + J };
		for (j = 1; j <= 3 && j <= wi; j++)
			for (i = 0; i < wn[wi - j]; i++) {
				long c = wp[(wi - j) * KWIN + i] / WD;

				sp[ns++] = (struct span){ c - J, c + J };
			}
		/* Clip to the lags that reach the reference, merge. */
		for (i = 0; i < ns; i++) {
			if (sp[i].lo < -t0d - m)
				sp[i].lo = -t0d - m;
			if (sp[i].hi > w.nrd - t0d)
				sp[i].hi = w.nrd - t0d;
		}
		qsort(sp, (size_t)ns, sizeof(*sp), cmp_span);
		for (i = 0, j = -1; i < ns; i++) {
			if (sp[i].hi < sp[i].lo)
				continue;
			if (j >= 0 && sp[i].lo <= sp[j].hi + 1) {
				if (sp[i].hi > sp[j].hi)
					sp[j].hi = sp[i].hi;
			} else
				sp[++j] = sp[i];
		}
		ns = j + 1;
		for (i = 0, nv = 0; i < ns; i++)
			nv += sp[i].hi - sp[i].lo + 1;
		if (nv > vcap) {
			float *q = realloc(v, (size_t)nv * sizeof(*v));

			if (q == NULL)
				goto out;
			v = q;
			vcap = nv;
		}
		align_wxc_window(&w, x, s, t0d * WD);
		for (i = 0, nv = 0; i < ns; i++) {
			align_wxc_corr(&w, t0d, sp[i].lo, sp[i].hi, v + nv);
			nv += sp[i].hi - sp[i].lo + 1;
		}
		wn[wi] = span_peaks(v, sp, ns, KWIN, wp + wi * KWIN);
	}
	rv = 0;
out:
	align_wxc_free(&w);
	free(sp);
	free(v);
	return rv;
}

static int
cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

/*
 * The candidate lags of every cue, sorted, in one array: cue k's are
 * lag[off[k] .. off[k + 1]).  Each is a peak of the windows around the
 * cue or one of the whole file's best, +- SPAN frames.
 */
static int
candidates(const struct align_ctx *x, double s, const long *gp, int ng,
    long t_first, long nw, const long *wp, const int *wn, size_t **offp,
    int32_t **lagp)
{
	long pk[4 * KWIN + NGCAND], w, l, last;
	size_t k, cap = 0, nl = 0, *off;
	int32_t *lag = NULL;
	int np, i;

	if ((off = malloc((x->n + 1) * sizeof(*off))) == NULL)
		return -1;
	for (k = 0; k < x->n; k++) {
		np = 0;
		for (i = 0; i < ng && i < NGCAND; i++)
			pk[np++] = gp[i];
		w = (align_cue_a(x, &x->c[k], s) - t_first) / HOP;
		for (l = w - 2; l <= w + 1; l++)
			if (l >= 0 && l < nw)
				for (i = 0; i < wn[l]; i++)
					pk[np++] = wp[l * KWIN + i];
		qsort(pk, (size_t)np, sizeof(*pk), cmp_long);
		if (nl + (size_t)np * (2 * SPAN + 1) > cap) {
			int32_t *q;

			cap = 2 * cap + (size_t)np * (2 * SPAN + 1);
			if ((q = realloc(lag, cap * sizeof(*q))) == NULL) {
				free(off);
				free(lag);
				return -1;
			}
			lag = q;
		}
		off[k] = nl;
		last = LONG_MIN;
		for (i = 0; i < np; i++)
			for (l = pk[i] - SPAN; l <= pk[i] + SPAN; l++)
				if (l > last)
					lag[nl++] = (int32_t)(last = l);
	}
	off[x->n] = nl;
	*offp = off;
	*lagp = lag;
	return 0;
}

/*
 * Step 4.  Cue by cue, the timing of the input wobbles around the
 * segment's offset (hand timing, a re-timed cue): each kept cue may move
 * up to REFINE frames from it when that fits its own speech better,
 * paying for the distance so a flat fit keeps the segment's offset.
 */
#define REFINE	25
static long
refine(const struct align_ctx *x, long a0, long b0, long lag)
{
	long d, best = 0;
	double f, bf = -INFINITY;

	for (d = -REFINE; d <= REFINE; d++) {
		f = align_rsum(x, a0 + lag + d, b0 + lag + d) - 0.5 * labs(d);
		if (f > bf) {
			bf = f;
			best = d;
		}
	}
	return lag + best;
}

/* Confidence of cue k at lag l: the share of its frames that are speech. */
static double
cue_conf(const struct align_ctx *x, size_t k, double s, long l)
{
	long a0 = align_cue_a(x, &x->c[k], s), b0 = align_cue_b(x,
	    &x->c[k], s);

	return b0 > a0 ? (align_rsum(x, a0 + l, b0 + l) / (double)(b0 - a0)
	    + 1) / 2 : 0;
}

/*
 * Lags, confidences and the score from the segments; removed cues are
 * laid, in their order, into the gap between the kept cues around them
 * (where the cut is), so the output stays in time order.
 */
static void
finish(const struct align_ctx *x, double s, struct align_result *res)
{
	size_t k, j, q, n = x->n;
	double fit = 0;
	long tot = 0;

	res->nsplit = 0;
	res->nremoved = 0;
	for (k = 0, j = SIZE_MAX; k < n; k++) {
		long a0 = align_cue_a(x, &x->c[k], s);
		long b0 = align_cue_b(x, &x->c[k], s);

		tot += b0 - a0;
		if (res->removed[k]) {
			res->nremoved++;
			res->conf[k] = 0;
			continue;
		}
		if (j != SIZE_MAX && res->seg[k] != res->seg[j])
			res->nsplit++;
		res->lag[k] = refine(x, a0, b0, res->seg[k]);
		res->conf[k] = cue_conf(x, k, s, res->seg[k]);
		fit += align_rsum(x, a0 + res->seg[k], b0 + res->seg[k]);
		j = k;
	}
	res->score = tot > 0 ? fit / (double)tot : 0;
	/* Removed runs: k .. q - 1, between kept j (or none) and q. */
	for (k = 0; k < n; k++) {
		double t0, t1, u0, u1, f;

		if (!res->removed[k])
			continue;
		for (q = k; q < n && res->removed[q]; q++)
			;
		u0 = x->c[k].a * s * FPS;
		u1 = x->c[q - 1].b * s * FPS;
		t0 = k > 0 ? x->c[k - 1].b * s * FPS + (double)res->lag[k - 1]
		    : u0 + (double)(q < n ? res->lag[q] : 0);
		t1 = q < n ? x->c[q].a * s * FPS + (double)res->lag[q] :
		    u1 + (k > 0 ? (double)res->lag[k - 1] : 0);
		f = u1 > u0 && t1 - t0 < u1 - u0 ? (t1 - t0) / (u1 - u0) : 1;
		if (f < 0)
			f = 0;
		for (j = k; j < q; j++) {
			/* the lag that puts the cue's start at its place */
			double at = t0 + (x->c[j].a * s * FPS - u0) * f;

			res->seg[j] = res->lag[j] = lround(at - x->c[j].a * s *
			    FPS);
		}
		k = q - 1;
	}
}

/*
 * Do no harm: when the subtitles as they are fit the reference within
 * KEEP of the best alignment's score (speech all the way through, a clip
 * too short to tell), the evidence does not justify moving them, and
 * they stay as they are.  (On the 6 s dialogue clip of
 * ../shared/data/video, speech 98 % of the time, the best fit moved the
 * correct captions 0.55 s for 0.017 more agreement.)
 */
#define KEEP	0.02
static void
keep_if_no_better(const struct align_ctx *x, struct align_result *res)
{
	double id = 0;
	long tot = 0;
	size_t k;

	for (k = 0; k < x->n; k++) {
		long a0 = align_cue_a(x, &x->c[k], 1);
		long b0 = align_cue_b(x, &x->c[k], 1);

		id += align_rsum(x, a0, b0);
		tot += b0 - a0;
	}
	id = tot > 0 ? id / (double)tot : 0;
	if (id < res->score - KEEP)
		return;
	for (k = 0; k < x->n; k++) {
		res->lag[k] = res->seg[k] = 0;
		res->removed[k] = 0;
		res->conf[k] = cue_conf(x, k, 1, 0);
	}
	res->scale = 1;
	res->score = id;
	res->nsplit = 0;
	res->nremoved = 0;
}

int
align_solve(const struct align_ctx *x, struct align_result *res)
{
	struct align_xc xc;
	long ncf = lround(x->c[x->n - 1].b * 1.3 * FPS) + 1, gp[NGLOB];
	long t_first, t_last = 0, nw, *wp = NULL, best;
	double gv[NGLOB], v, s;
	size_t *off = NULL, k;
	int32_t *lag = NULL;
	int *wn = NULL, ng, rv = -1;

	if (align_xc_init(&xc, x, ncf, 4) != 0)
		goto out;
	s = res->scale = search_scale(&xc, x);
	best = align_xc_run(&xc, x, s, &v);
	if (x->o->splits)
		ng = align_xc_peaks(&xc, NGLOB, PEAKSEP, gp, gv);
	else {
		gp[0] = best;
		ng = 1;
	}
	align_xc_free(&xc);
	t_first = align_cue_a(x, &x->c[0], s);
	for (k = 0; k < x->n; k++)
		if (align_cue_b(x, &x->c[k], s) > t_last)
			t_last = align_cue_b(x, &x->c[k], s);
	nw = x->o->splits && t_last - t_first > WIN ?
	    (t_last - t_first - WIN + HOP - 1) / HOP + 1 : 0;
	wp = calloc((size_t)nw * KWIN + 1, sizeof(*wp));
	wn = calloc((size_t)nw + 1, sizeof(*wn));
	if (wp == NULL || wn == NULL ||
	    (nw > 0 && window_peaks(x, s, gp, ng, t_first, nw, wp, wn) != 0))
		goto out;
	if (candidates(x, s, gp, ng, t_first, nw, wp, wn, &off, &lag) != 0 ||
	    align_dp(x, s, off, lag, res) != 0)
		goto out;
	finish(x, s, res);
	keep_if_no_better(x, res);
	rv = 0;
out:
	align_xc_free(&xc);
	free(wp);
	free(wn);
	free(off);
	free(lag);
	return rv;
}
