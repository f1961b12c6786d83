/*
 * detect: shot boundaries and scene scores.  See detect.h for the method.
 *
 * Frames are numbered by arrival (k).  Frame k is stored in a ring; the
 * tests for a boundary at frame j run when frame j + LAG has arrived, so
 * each can look LAG frames ahead.  Boundaries are final once the test
 * position is FIN frames past them (a gradual transition is only decided
 * when its run of candidate frames ends), and then the scene before the
 * boundary is closed and emitted.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "detect.h"
#include "sort.h"

#define RING	256
#define LAG	32
#define FIN	64
#define WIN	12	/* half-width of the local level window */
#define MAXB	64	/* pending boundaries */
/*
 * Change outside a transition (h frames on each side) relative to the
 * change across it (2h frames): a steady change, such as a zoom, gives 1.
 */
#define OUTSIDE	1.0
/*
 * The most of the non-exposure change a dissolve's middle frame may leave
 * unexplained as a blend of its ends (det_blend_residual): true dissolves
 * with motion in them reach 0.3 to 0.45, a moving object under a drifting
 * auto-exposure mostly 0.4 to 0.8.
 */
#define BLEND_MAX 0.5

static const int hs[] = { 3, 5, 8, 12 };
#define NH	((int)(sizeof(hs) / sizeof(hs[0])))

struct slot {
	struct vfeat v;
	double	 c;		/* mc distance to the previous frame */
	int	 black, white;
};

struct bnd {
	long	 k;		/* first frame of the new scene */
	enum det_kind kind;	/* for merging: what explains the change */
	enum det_kind in, out;	/* as reported: how the scenes begin, end */
	int	 white;
	double	 conf;
	long	 k0, k1;	/* transition span (frames), k0 <= k <= k1 */
	int	 early;		/* a cut allowed within min_scene of the start */
};

struct gradrun {
	int	 on;
	long	 first, best, last;
	double	 score;
	enum det_kind kind;
	int	 h;
};

struct acc {
	double	 n, motion, mpeak, luma, contrast, colour, sharp;
	double	 hn, hmotion, hcontrast, hsharp, hcolour;
};

struct det {
	struct det_params p;
	det_emit_fn emit;
	void	*arg;
	struct slot ring[RING];
	long	 n;		/* frames pushed */
	long	 next_eval;	/* next j to test */
	struct gradrun gr;
	long	 black0;	/* start of the current dark run, or -1 */
	int	 run_white;
	struct bnd b[MAXB];
	int	 nb;
	/* the scene being built */
	long	 index;
	long	 sk;		/* its first frame */
	struct bnd sin;		/* how it began */
	long	 s_frame, in_f0, in_f1;	/* copied while in the ring */
	long long s_pts;
	double	 s_t, in_t0, in_t1;
	int	 s_set;
	long	 next_acc;	/* next frame to add to acc */
	struct acc acc;
	int	 nonblack_seen;	/* a non-dark frame was seen */
	long	 first_light;	/* first frame that is not dark, or -1 */
	struct au_win *aw;
	int	 naw, caw;
	int	 audio_seen;
	double	 dt;		/* last frame interval seen */
	int	 err;
};

const char *
det_kind_name(enum det_kind k, int in)
{
	switch (k) {
	case K_START:
		return "start";
	case K_END:
		return "end";
	case K_CUT:
		return "cut";
	case K_DISSOLVE:
		return "dissolve";
	case K_WIPE:
		return "wipe";
	case K_FADE:
		return in ? "fade-in" : "fade-out";
	}
	return "?";
}

static struct slot *
S(struct det *d, long k)
{
	return &d->ring[k % RING];
}

double
det_dist(const uint8_t *a, const uint8_t *b)
{
	unsigned s = 0;
	int i;

	for (i = 0; i < VSIG_N; i++)
		s += (unsigned)abs(a[i] - b[i]);
	return (double)s / VSIG_N / 255;
}

double
det_dist_mc(const uint8_t *a, const uint8_t *b)
{
	double best = 2;
	int dx, dy, y, k;

	/*
	 * Shifts in order of likelihood (none first), each abandoned as soon
	 * as its partial sum cannot beat the best so far.
	 */
	static const signed char order[15][2] = {
		{ 0, 0 }, { -1, 0 }, { 1, 0 }, { 0, -1 }, { 0, 1 },
		{ -1, -1 }, { 1, -1 }, { -1, 1 }, { 1, 1 }, { -2, 0 },
		{ 2, 0 }, { -2, -1 }, { 2, -1 }, { -2, 1 }, { 2, 1 }
	};
	int o;

	for (o = 0; o < 15; o++) {
		unsigned s = 0, n, limit;
		int x0, x1, y0, y1;

		dx = order[o][0];
		dy = order[o][1];
		x0 = dx < 0 ? -dx : 0;
		x1 = dx > 0 ? VSIG_W - dx : VSIG_W;
		y0 = dy < 0 ? -dy : 0;
		y1 = dy > 0 ? VSIG_H - dy : VSIG_H;
		n = (unsigned)(3 * (x1 - x0) * (y1 - y0));
		limit = best < 2 ? (unsigned)(best * 255 * n) + 1 : ~0u;
		for (y = y0; y < y1 && s < limit; y++) {
			const uint8_t *p = a + (y * VSIG_W + x0) * 3;
			const uint8_t *q = b + ((y + dy) * VSIG_W + x0 + dx) * 3;

			for (k = 0; k < 3 * (x1 - x0); k++)
				s += (unsigned)abs(p[k] - q[k]);
		}
		if (s < limit && (double)s / n / 255 < best)
			best = (double)s / n / 255;
	}
	return best;
}

/*
 * The mean absolute difference between b and the best per-channel gain
 * and offset of a (least squares: b ~ g a + o), over the overlap of a
 * shifted by (dx, dy) sig pixels.  A change of exposure or white balance
 * (a camera adapting to a car entering the picture, a cloud passing) is
 * such a gain and offset; a change of shot is not.
 */
static double
dist_affine(const uint8_t *a, const uint8_t *b, int dx, int dy)
{
	int x0 = dx < 0 ? -dx : 0, x1 = dx > 0 ? VSIG_W - dx : VSIG_W;
	int y0 = dy < 0 ? -dy : 0, y1 = dy > 0 ? VSIG_H - dy : VSIG_H;
	double tot = 0;
	int c, x, y, n = (x1 - x0) * (y1 - y0);

	for (c = 0; c < 3; c++) {
		double sa = 0, sb = 0, saa = 0, sab = 0, g, o, va;

		for (y = y0; y < y1; y++)
			for (x = x0; x < x1; x++) {
				double p = a[(y * VSIG_W + x) * 3 + c];
				double q = b[((y + dy) * VSIG_W + x + dx) * 3 +
				    c];

				sa += p;
				sb += q;
				saa += p * p;
				sab += p * q;
			}
		va = saa - sa * sa / n;
		g = va > 1e-9 ? (sab - sa * sb / n) / va : 0;
		/* a gain outside [1/4, 4] is no exposure change */
		g = g < 0.25 ? 0.25 : g > 4 ? 4 : g;
		o = (sb - g * sa) / n;
		for (y = y0; y < y1; y++)
			for (x = x0; x < x1; x++)
				tot += fabs(b[((y + dy) * VSIG_W + x + dx) *
				    3 + c] - (g * a[(y * VSIG_W + x) * 3 + c] +
				    o));
	}
	return tot / (3.0 * n) / 255;
}

/*
 * How little of the change from a to b that is not a change of exposure
 * (a gain and an offset per channel) f leaves unexplained as a blend
 * alpha a + beta b + offset: 0 when f is exactly such a blend, about 1 or
 * more when f holds something neither a nor b does -- a car halfway
 * along its path, while the camera's exposure drifts from a's to b's.
 */
double
det_blend_residual(const uint8_t *a, const uint8_t *b, const uint8_t *f)
{
	double ma[3] = { 0 }, mb[3] = { 0 }, mf[3] = { 0 };
	double saa = 0, sbb = 0, sab = 0, saf = 0, sbf = 0, det, al, be;
	double res = 0, den;
	int i, c, n = VSIG_W * VSIG_H;

	for (i = 0; i < VSIG_N; i++) {
		ma[i % 3] += a[i];
		mb[i % 3] += b[i];
		mf[i % 3] += f[i];
	}
	for (c = 0; c < 3; c++) {
		ma[c] /= n;
		mb[c] /= n;
		mf[c] /= n;
	}
	for (i = 0; i < VSIG_N; i++) {
		double x = a[i] - ma[i % 3], y = b[i] - mb[i % 3];
		double z = f[i] - mf[i % 3];

		saa += x * x;
		sbb += y * y;
		sab += x * y;
		saf += x * z;
		sbf += y * z;
	}
	det = saa * sbb - sab * sab;
	if (det <= 1e-9 * (saa * sbb + 1))
		return 2;
	al = (saf * sbb - sbf * sab) / det;
	be = (sbf * saa - saf * sab) / det;
	for (i = 0; i < VSIG_N; i++)
		res += fabs(f[i] - mf[i % 3] - al * (a[i] - ma[i % 3]) -
		    be * (b[i] - mb[i % 3]));
	den = dist_affine(a, b, 0, 0) * VSIG_N * 255;
	return den > 0 ? res / den : 2;
}

double
det_dist_affine_mc(const uint8_t *a, const uint8_t *b)
{
	double best = 2, x;
	int dx, dy;

	for (dy = -1; dy <= 1; dy++)
		for (dx = -2; dx <= 2; dx++)
			if ((x = dist_affine(a, b, dx, dy)) < best)
				best = x;
	return best;
}

struct det *
det_new(const struct det_params *p, det_emit_fn emit, void *arg)
{
	struct det *d;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	d->p = *p;
	d->emit = emit;
	d->arg = arg;
	d->black0 = -1;
	d->first_light = -1;
	d->sin.kind = d->sin.in = d->sin.out = K_START;
	d->sin.conf = 1;
	return d;
}

void
det_free(struct det *d)
{
	if (d == NULL)
		return;
	free(d->aw);
	free(d);
}

/* --- boundaries -------------------------------------------------------- */

static int
kind_rank(enum det_kind k)
{
	return k == K_CUT ? 3 : k == K_FADE ? 2 : 1;
}

/*
 * Adds a boundary, keeping the list sorted; of two closer than min_scene
 * frames the stronger kind (cut, fade, then dissolve and wipe) or the more
 * confident stays.
 */
static void
add_bnd(struct det *d, const struct bnd *nb)
{
	int i, j;

	if (nb->k < d->sk + d->p.min_scene && !nb->early)
		return;		/* too close to the scene's start */
	/* A fade explains the jumps at its edges: no cuts inside it. */
	if (nb->kind == K_CUT)
		for (i = 0; i < d->nb; i++)
			if (d->b[i].kind == K_FADE && nb->k >= d->b[i].k0 &&
			    nb->k <= d->b[i].k1)
				return;
	if (nb->kind == K_FADE)
		for (i = 0; i < d->nb; i++)
			if (d->b[i].kind == K_CUT && d->b[i].k >= nb->k0 &&
			    d->b[i].k <= nb->k1) {
				memmove(d->b + i, d->b + i + 1,
				    (size_t)(d->nb - i - 1) * sizeof(d->b[0]));
				d->nb--;
				i--;
			}
	for (i = 0; i < d->nb; i++) {
		struct bnd *o = &d->b[i];

		if (labs(o->k - nb->k) < d->p.min_scene ||
		    (nb->kind != K_CUT && o->kind != K_CUT &&
		    ((nb->k >= o->k0 && nb->k <= o->k1) ||
		    (o->k >= nb->k0 && o->k <= nb->k1)))) {
			long k0 = nb->k0 < o->k0 ? nb->k0 : o->k0;
			long k1 = nb->k1 > o->k1 ? nb->k1 : o->k1;
			int gradual = nb->kind != K_CUT && o->kind != K_CUT;

			if (kind_rank(nb->kind) > kind_rank(o->kind) ||
			    (kind_rank(nb->kind) == kind_rank(o->kind) &&
			    nb->conf > o->conf))
				*o = *nb;
			if (gradual) {
				o->k0 = k0;
				o->k1 = k1;
			}
			/* keep sorted after a replacement */
			for (j = i; j > 0 && d->b[j - 1].k > d->b[j].k; j--) {
				struct bnd t = d->b[j];
				d->b[j] = d->b[j - 1];
				d->b[j - 1] = t;
			}
			return;
		}
	}
	if (d->nb == MAXB)
		return;
	for (i = d->nb; i > 0 && d->b[i - 1].k > nb->k; i--)
		d->b[i] = d->b[i - 1];
	d->b[i] = *nb;
	d->nb++;
}

/* Whether a boundary of kind K_CUT lies in [k0, k1]. */
static int
cut_within(struct det *d, long k0, long k1)
{
	int i;

	for (i = 0; i < d->nb; i++)
		if (d->b[i].kind == K_CUT && d->b[i].k >= k0 &&
		    d->b[i].k <= k1)
			return 1;
	return 0;
}

/* --- the tests --------------------------------------------------------- */

/* Pearson correlation of the grey levels (R + G + B) of two sigs. */
static double
corr(const uint8_t *a, const uint8_t *b)
{
	double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0, n = VSIG_W * VSIG_H;
	double va, vb;
	int i;

	for (i = 0; i < VSIG_N; i += 3) {
		double x = a[i] + a[i + 1] + a[i + 2];
		double y = b[i] + b[i + 1] + b[i + 2];

		sa += x;
		sb += y;
		saa += x * x;
		sbb += y * y;
		sab += x * y;
	}
	va = saa - sa * sa / n;
	vb = sbb - sb * sb / n;
	return va > 0 && vb > 0 ? (sab - sa * sb / n) / sqrt(va * vb) : 0;
}

static void
test_cut(struct det *d, long j)
{
	double c, loc[2 * WIN + 1], ctx, nbmax, thr, cross;
	long i, a, bb;
	int nl = 0;
	struct bnd nb;

	if (j < 1)
		return;
	c = S(d, j)->c;
	if (c < d->p.cut)
		return;
	for (i = j - WIN; i <= j + WIN; i++)
		if (i >= 1 && i < d->n && i != j)
			loc[nl++] = S(d, i)->c;
	ctx = 0;
	if (nl > 0) {
		qsort(loc, nl, sizeof(double), sort_cmp_double);
		ctx = loc[nl / 2];
	}
	thr = d->p.cut_ratio * ctx + 0.02;
	if (thr < d->p.cut)
		thr = d->p.cut;
	if (c < thr)
		return;
	nbmax = 0;
	if (j >= 2)
		nbmax = S(d, j - 1)->c;
	if (j + 1 < d->n && S(d, j + 1)->c > nbmax)
		nbmax = S(d, j + 1)->c;
	/*
	 * Flashes and strobes: some frame soon after must not look like a
	 * frame just before.
	 */
	cross = 2;
	for (a = j - 6; a <= j - 1; a++) {
		if (a < 0)
			continue;
		for (bb = j + 1; bb <= j + 8 && bb < d->n; bb++) {
			double x = det_dist_mc(S(d, a)->v.sig, S(d, bb)->v.sig);

			if (x < cross)
				cross = x;
		}
	}
	/*
	 * In fast motion every frame differs: a cut must stand out from its
	 * neighbours too.
	 */
	if (c < 1.5 * nbmax + 0.01)
		return;
	if (cross < 2 && cross < 0.5 * c)
		return;
	memset(&nb, 0, sizeof(nb));
	/*
	 * A clip may open with a few frames of the shot before (a trailer
	 * cut out of a film): a cut within min_scene of the start stands
	 * when the frames before it are a steady picture, neither dark nor
	 * blank, that no frame after it resembles, even at another
	 * exposure.  The decay of a flash (frames that each differ from the
	 * next), a held flash or an opening black is not one.
	 */
	if (j < d->sk + d->p.min_scene && d->index == 0) {
		if (j < 2 || c < 1.5 * thr)
			return;
		for (a = 0; a < j; a++)
			if (S(d, a)->black || S(d, a)->white ||
			    (a >= 1 && S(d, a)->c > 0.3 * c))
				return;
		/* a held flash: the same picture, or one washed out, brighter */
		if (j + 1 < d->n && (corr(S(d, j - 1)->v.sig,
		    S(d, j + 1)->v.sig) > 0.5 || (S(d, j - 1)->v.luma >
		    S(d, j + 1)->v.luma + 0.25 && S(d, j - 1)->v.contrast <
		    0.5 * S(d, j + 1)->v.contrast)))
			return;
		nb.early = 1;
	}
	nb.k = nb.k0 = nb.k1 = j;
	nb.kind = nb.in = nb.out = K_CUT;
	nb.conf = 0.5 + 0.5 * (c - thr) / thr;
	if (nb.conf > 1)
		nb.conf = 1;
	add_bnd(d, &nb);
}

/* Fraction of sig pixels that differ clearly between a and b. */
static double
spread(const uint8_t *a, const uint8_t *b)
{
	int i, k, n = 0;

	for (i = 0; i < VSIG_W * VSIG_H; i++) {
		int m = 0;

		for (k = 0; k < 3; k++) {
			int x = abs(a[3 * i + k] - b[3 * i + k]);
			m = x > m ? x : m;
		}
		n += m > 16;
	}
	return (double)n / (VSIG_W * VSIG_H);
}

/*
 * How well the pixels of f that are nearer to b than to a form one side of
 * a straight edge, vertical or horizontal (1: perfectly), as in a wipe.
 */
static double
coherence(const uint8_t *a, const uint8_t *b, const uint8_t *f)
{
	double col[VSIG_W] = { 0 }, row[VSIG_H] = { 0 }, best = 0;
	int x, y, k, s, pass;

	for (y = 0; y < VSIG_H; y++)
		for (x = 0; x < VSIG_W; x++) {
			int da = 0, db = 0, i = 3 * (y * VSIG_W + x);

			for (k = 0; k < 3; k++) {
				da += abs(f[i + k] - a[i + k]);
				db += abs(f[i + k] - b[i + k]);
			}
			if (db < da) {
				col[x] += 1.0 / VSIG_H;
				row[y] += 1.0 / VSIG_W;
			}
		}
	for (pass = 0; pass < 2; pass++) {
		const double *v = pass ? row : col;
		int n = pass ? VSIG_H : VSIG_W;

		for (s = 0; s <= n; s++) {
			double e1 = 0, e2 = 0;

			for (k = 0; k < n; k++) {
				e1 += k < s ? v[k] : 1 - v[k];
				e2 += k < s ? 1 - v[k] : v[k];
			}
			if (1 - e1 / n > best)
				best = 1 - e1 / n;
			if (1 - e2 / n > best)
				best = 1 - e2 / n;
		}
	}
	return best;
}

/*
 * Gradual transition evidence centred on frame j: the best score over the
 * half-lengths h, 0 when there is none.
 */
static double
grad_score(struct det *d, long j, enum det_kind *kind, int *hbest)
{
	double best = 0;
	int hi;

	for (hi = 0; hi < NH; hi++) {
		int h = hs[hi], i;
		long a = j - h, b = j + h, k;
		const uint8_t *A, *B, *F;
		double sxy = 0, syy = 0, sy = 0, eb = 0, ew = 0, al, dab,
		    dplain, maxc = 0, nbn = 0, sc, la, lb;
		int dissolve, wipe;

		if (a < 0 || b >= d->n)
			continue;
		A = S(d, a)->v.sig;
		B = S(d, b)->v.sig;
		F = S(d, j)->v.sig;
		/* near black or white frames it is the fade test's call */
		for (k = a; k <= b; k++)
			if (S(d, k)->black || S(d, k)->white)
				break;
		if (k <= b)
			continue;
		/*
		 * The tests, cheapest first.  The plain distance bounds the
		 * motion-compensated one.
		 */
		dplain = det_dist(A, B);
		if (dplain < d->p.grad)
			continue;
		/* one jump carrying the change is a cut, not a transition */
		for (k = a + 1; k <= b; k++)
			if (S(d, k)->c > maxc)
				maxc = S(d, k)->c;
		if (maxc > 0.6 * dplain)
			continue;
		for (i = 0; i < VSIG_N; i++) {
			double x = F[i] - A[i], y = B[i] - A[i];

			sxy += x * y;
			syy += y * y;
			sy += fabs(y);
		}
		if (syy <= 0)
			continue;
		al = sxy / syy;
		for (i = 0; i < VSIG_N; i++) {
			double x = F[i] - A[i], y = B[i] - A[i];
			double da = fabs((double)F[i] - A[i]);
			double db = fabs((double)F[i] - B[i]);

			eb += fabs(x - al * y);
			ew += da < db ? da : db;
			if (db < da)
				nbn++;
		}
		eb /= sy;
		ew /= sy;
		nbn /= VSIG_N;
		dissolve = al > 0.2 && al < 0.8 && eb < 0.3;
		wipe = !dissolve && ew < 0.25 && eb > 0.35 && nbn > 0.15 &&
		    nbn < 0.85;
		if (!dissolve && !wipe)
			continue;
		dab = det_dist_mc(A, B);
		if (dab < d->p.grad)
			continue;
		/*
		 * The same picture under another exposure is no transition:
		 * a camera's auto-exposure follows a bright object in.  And
		 * what changes besides the exposure must be a blend too: a
		 * car halfway along its path is in neither A nor B.  An
		 * auto-exposure moves by a stop or so; a fade out of or
		 * into black, which is a gain too, by more.  Grey-only
		 * frames (records without sig) have no picture to compare.
		 */
		la = S(d, a)->v.luma;
		lb = S(d, b)->v.luma;
		if (S(d, a)->v.has_sig && S(d, b)->v.has_sig &&
		    (la < lb ? la / lb : lb / la) > 0.45 &&
		    (det_dist_affine_mc(A, B) < 0.6 * d->p.grad ||
		    (dissolve && det_blend_residual(A, B, F) > BLEND_MAX)))
			continue;
		/*
		 * A shot change alters nearly the whole picture; an object
		 * moving in a still shot only part of it.
		 */
		if (spread(A, B) < 0.5)
			continue;
		/*
		 * A transition is a change that starts and ends: the pictures
		 * h before A and h after B differ from A and B, per frame,
		 * less than A and B do.  A car crossing a still scene, or a
		 * zoom, keeps changing it at one rate.
		 */
		if (a - h >= 0 && b + h < d->n &&
		    det_dist_mc(S(d, a - h)->v.sig, A) +
		    det_dist_mc(B, S(d, b + h)->v.sig) > OUTSIDE * dab)
			continue;
		if (dissolve) {
			sc = dab * (1 - eb / 0.3);
			if (sc > best) {
				best = sc;
				*kind = K_DISSOLVE;
				*hbest = h;
			}
		} else if (coherence(A, B, F) > 0.85) {
			sc = dab * (1 - ew / 0.25);
			if (sc > best) {
				best = sc;
				*kind = K_WIPE;
				*hbest = h;
			}
		}
	}
	return best;
}

static void
test_grad(struct det *d, long j, int final)
{
	enum det_kind kind = K_DISSOLVE;
	int h = 0;
	double sc = final ? 0 : grad_score(d, j, &kind, &h);
	struct gradrun *g = &d->gr;
	struct bnd nb;

	if (sc > 0) {
		if (!g->on) {
			g->on = 1;
			g->first = j;
			g->score = 0;
		}
		if (sc > g->score) {
			g->score = sc;
			g->best = j;
			g->kind = kind;
			g->h = h;
		}
		g->last = j;
		return;
	}
	/* a run survives gaps of a few frames */
	if (!g->on || (!final && j - g->last < 5))
		return;
	g->on = 0;
	j = g->last + 1;
	/* A run of a frame or two is noise; a cut inside explains it. */
	if (j - g->first < 2 || cut_within(d, g->first - g->h, j + g->h))
		return;
	if (g->score < 0.04)
		return;		/* too weak to tell from motion */
	memset(&nb, 0, sizeof(nb));
	nb.k = g->best;
	/* the span: the run, widened by h, at most 2h either side of best */
	nb.k0 = g->first - g->h > g->best - 2 * g->h ? g->first - g->h :
	    g->best - 2 * g->h;
	if (nb.k0 < 0)
		nb.k0 = 0;
	/*
	 * A blend out of the opening black is the picture fading in, not a
	 * boundary.
	 */
	if (d->index == 0 && d->nb == 0 && d->first_light > 0 &&
	    nb.k0 <= d->first_light + 2 * g->h) {
		d->sin.kind = d->sin.in = K_FADE;
		d->sin.white = S(d, 0)->white;
		return;
	}
	nb.k1 = j - 1 + g->h < g->best + 2 * g->h ? j - 1 + g->h :
	    g->best + 2 * g->h;
	if (nb.k1 >= d->n)
		nb.k1 = d->n - 1;
	nb.kind = nb.in = nb.out = g->kind;
	nb.conf = g->score / 0.2;
	if (nb.conf > 1)
		nb.conf = 1;
	add_bnd(d, &nb);
}

/*
 * Whether the frames before (dir -1) or after (dir 1) the dark run edge e
 * move towards its level gradually, as a fade does, and not at once, as a
 * flash or a strobe does: 4 frames away the level must differ clearly,
 * and the frame next to the run must still be well short of that.
 */
static int
ramp(struct det *d, long e, int dir)
{
	double lv = S(d, e)->v.luma, l1, l4;
	long k1 = e + dir, k4 = e + 4 * dir;

	if (k4 < 0 || k4 >= d->n)
		return 0;
	l1 = fabs(S(d, k1)->v.luma - lv);
	l4 = fabs(S(d, k4)->v.luma - lv);
	return l4 > 0.05 && l1 < 0.7 * l4;
}

/*
 * A longer ramp, for a fade on one side of the dark run only (the other
 * side a cut): still changing 3 frames away, so that the decay of a
 * camera flash does not pass for a fade.
 */
static int
long_ramp(struct det *d, long e, int dir)
{
	double lv = S(d, e)->v.luma, l3, l6;
	long k3 = e + 3 * dir, k6 = e + 6 * dir;

	if (!ramp(d, e, dir) || k6 < 0 || k6 >= d->n)
		return 0;
	l3 = fabs(S(d, k3)->v.luma - lv);
	l6 = fabs(S(d, k6)->v.luma - lv);
	return l3 < 0.85 * l6;
}

static void
test_fade(struct det *d, long j, int final)
{
	struct slot *s = S(d, j);
	int dark = !final && (s->black || s->white);
	long k0, k1, mid;
	int pre, post;
	struct bnd nb;

	if (dark && d->black0 < 0) {
		d->black0 = j;
		d->run_white = s->white;
		return;
	}
	if (dark || d->black0 < 0) {
		if (!dark && !final)
			d->nonblack_seen = 1;
		return;
	}
	/* the dark run [black0, j) has ended */
	mid = (d->black0 + j - 1) / 2;
	pre = ramp(d, d->black0, -1);
	post = ramp(d, j - 1, 1);
	if (!d->nonblack_seen && !final && d->index == 0 && d->nb == 0 &&
	    post) {
		/* the opening fade-in */
		d->sin.kind = d->sin.in = K_FADE;
		d->sin.white = d->run_white;
	}
	if (!d->nonblack_seen || final || (!pre && !post) ||
	    (!pre && !long_ramp(d, j - 1, 1)) ||
	    (!post && !long_ramp(d, d->black0, -1)) ||
	    (pre != post && j - d->black0 < 2)) {
		d->nonblack_seen = !final;
		d->black0 = -1;
		/* opening black, a flash, or a fade-out at the end */
		return;
	}
	/* the span: the luma ramps on either side, at most 24 frames each */
	for (k0 = d->black0; k0 > 0 && k0 > d->black0 - 24 &&
	    fabs(S(d, k0 - 1)->v.luma - S(d, d->black0)->v.luma) >
	    fabs(S(d, k0)->v.luma - S(d, d->black0)->v.luma) + 0.002; k0--)
		;
	for (k1 = j - 1; k1 + 1 < d->n && k1 < j + 23 &&
	    fabs(S(d, k1 + 1)->v.luma - S(d, j - 1)->v.luma) >
	    fabs(S(d, k1)->v.luma - S(d, j - 1)->v.luma) + 0.002; k1++)
		;
	memset(&nb, 0, sizeof(nb));
	nb.k = mid;
	nb.k0 = k0;
	nb.k1 = k1;
	nb.kind = nb.in = nb.out = K_FADE;
	if (!post) {		/* fade-out, then a cut out of the dark */
		nb.k = nb.k1 = j;
		nb.in = K_CUT;
	} else if (!pre) {	/* a cut into the dark, then a fade-in */
		nb.k = nb.k0 = d->black0;
		nb.out = K_CUT;
	}
	nb.white = d->run_white;
	nb.conf = 0.9;
	add_bnd(d, &nb);
	d->black0 = -1;
}

/* --- scenes ------------------------------------------------------------ */

static void
acc_add(struct det *d, long k)
{
	const struct vfeat *v = &S(d, k)->v;
	struct acc *a = &d->acc;

	a->n++;
	a->motion += v->motion;
	if (v->motion > a->mpeak)
		a->mpeak = v->motion;
	a->luma += v->luma;
	a->contrast += v->contrast;
	a->colour += v->colour;
	a->sharp += v->sharp;
	if (!d->s_set) {
		d->s_frame = d->in_f0 = d->in_f1 = v->frame;
		d->s_pts = v->pts;
		d->s_t = d->in_t0 = d->in_t1 = v->t;
		d->s_set = 1;
	}
	if (v->t < d->s_t + d->p.hook_secs) {
		a->hn++;
		a->hmotion += v->motion;
		a->hcontrast += v->contrast;
		a->hsharp += v->sharp;
		a->hcolour += v->colour;
	}
}

static double
clamp01(double x)
{
	return x < 0 ? 0 : x > 1 ? 1 : x;
}

static double
pow_db(double db)
{
	return pow(10, db / 10);
}

/* Closes the scene [d->sk, k) ended by out (NULL: the end of input). */
static int
close_scene(struct det *d, long k, const struct bnd *out)
{
	struct det_scene s;
	struct acc *a = &d->acc;
	double pw = 0, lw = 0, hl = 0, n = 0, hn = 0, m, au, w;
	int i, keep = 0;

	memset(&s, 0, sizeof(s));
	s.index = d->index++;
	s.frame = d->s_frame;
	s.pts = d->s_pts;
	s.start = d->s_t;
	if (out != NULL) {
		const struct vfeat *f1 = &S(d, k)->v;

		s.frame_end = f1->frame;
		s.pts_end = f1->pts;
		s.end = f1->t;
		s.out = out->out;
		s.out_white = out->white;
	} else {
		const struct vfeat *fl = &S(d, k - 1)->v;

		s.frame_end = fl->frame + 1;
		s.end = fl->t + d->dt;
		s.pts_end = fl->pts + (fl->pts - (k >= 2 && k - 2 >= d->sk ?
		    S(d, k - 2)->v.pts : fl->pts));
		s.out = K_END;
	}
	s.in = d->sin.in;
	s.in_white = d->sin.white;
	s.in_conf = d->sin.conf;
	s.in_f0 = d->in_f0;
	s.in_f1 = d->in_f1;
	s.in_t0 = d->in_t0;
	s.in_t1 = d->in_t1;
	if (a->n > 0) {
		s.motion = a->motion / a->n;
		s.motion_peak = a->mpeak;
		s.luma = a->luma / a->n;
		s.contrast = a->contrast / a->n;
		s.colour = a->colour / a->n;
		s.sharp = a->sharp / a->n;
	}
	/* audio windows whose middle falls in the scene */
	s.audio_peak = -120;
	for (i = 0; i < d->naw; i++) {
		const struct au_win *x = &d->aw[i];
		double mid = x->t + x->dur / 2;

		if (out != NULL && mid >= s.end) {
			d->aw[keep++] = *x;
			continue;
		}
		if (mid < s.start)
			continue;
		pw += pow_db(x->rms);
		lw += pow_db(x->lufs_m);
		n++;
		if (x->peak > s.audio_peak)
			s.audio_peak = x->peak;
		if (mid < s.start + d->p.hook_secs) {
			hl += pow_db(x->lufs_m);
			hn++;
		}
	}
	d->naw = keep;
	s.has_audio = d->audio_seen;
	s.audio_rms = n > 0 ? 10 * log10(pw / n + 1e-12) : -120;
	s.loudness = n > 0 ? 10 * log10(lw / n + 1e-12) : -120;
	if (s.audio_rms < -120)
		s.audio_rms = -120;
	if (s.loudness < -120)
		s.loudness = -120;
	/*
	 * Hook: how gripping the first hook_secs seconds are, 0..1: motion
	 * (saturating at 3 % of the width per frame), loudness (-45 to -10
	 * LUFS), contrast (to 0.25) and sharpness (to 0.08), weighted
	 * 0.35 / 0.30 / 0.20 / 0.15; without audio the others share its
	 * weight.
	 */
	m = a->hn > 0 ? a->hmotion / a->hn : 0;
	au = hn > 0 ? clamp01((10 * log10(hl / hn + 1e-12) + 45) / 35) : 0;
	w = s.has_audio ? 0.30 : 0;
	s.hook = 0.35 * clamp01(m / 0.03) + w * au +
	    0.20 * clamp01((a->hn > 0 ? a->hcontrast / a->hn : 0) / 0.25) +
	    0.15 * clamp01((a->hn > 0 ? a->hsharp / a->hn : 0) / 0.08);
	s.hook /= 0.70 + w;
	memset(a, 0, sizeof(*a));
	if (out != NULL) {
		const struct vfeat *f = &S(d, k)->v;

		d->sk = k;
		d->sin = *out;
		d->s_frame = f->frame;
		d->s_pts = f->pts;
		d->s_t = f->t;
		d->in_f0 = S(d, out->k0)->v.frame;
		d->in_t0 = S(d, out->k0)->v.t;
		d->in_f1 = S(d, out->k1)->v.frame;
		d->in_t1 = S(d, out->k1)->v.t;
	}
	return d->emit(&s, d->arg);
}

/* Emits the scenes whose end is final at test position j. */
static int
finalize(struct det *d, long upto)
{
	int rv;

	while (d->nb > 0 && d->b[0].k <= upto) {
		struct bnd b = d->b[0];

		memmove(d->b, d->b + 1, (size_t)(d->nb - 1) * sizeof(d->b[0]));
		d->nb--;
		while (d->next_acc < b.k)
			acc_add(d, d->next_acc++);
		if ((rv = close_scene(d, b.k, &b)) != 0)
			return rv;
	}
	while (d->next_acc <= upto && d->next_acc < d->n)
		acc_add(d, d->next_acc++);
	return 0;
}

static int
eval(struct det *d, long j)
{
	test_cut(d, j);
	test_fade(d, j, 0);
	test_grad(d, j, 0);
	return finalize(d, j - FIN);
}

int
det_frame(struct det *d, const struct vfeat *v)
{
	struct slot *s = S(d, d->n);

	if (d->err)
		return d->err;
	if (d->n > 0) {
		double dt = v->t - S(d, d->n - 1)->v.t;

		if (dt > 0)
			d->dt = dt;
	}
	s->v = *v;
	if (!v->has_sig)	/* frame records without sig: grey only */
		memset(s->v.sig, (int)lrint(v->luma * 255), VSIG_N);
	s->c = d->n > 0 ? det_dist_mc(S(d, d->n - 1)->v.sig, s->v.sig) : 0;
	s->black = v->luma < 0.08 && v->contrast < 0.05;
	s->white = v->luma > 0.88 && v->contrast < 0.05;
	if (d->first_light < 0 && !s->black && !s->white)
		d->first_light = d->n;
	d->n++;
	while (d->next_eval + LAG < d->n)
		if ((d->err = eval(d, d->next_eval++)) != 0)
			return d->err;
	return 0;
}

int
det_audio(struct det *d, const struct au_win *w)
{
	if (d->naw == d->caw) {
		int nc = d->caw ? 2 * d->caw : 64;
		struct au_win *p = realloc(d->aw, (size_t)nc * sizeof(*p));

		if (p == NULL)
			return EX_SOFTWARE;
		d->aw = p;
		d->caw = nc;
	}
	d->aw[d->naw++] = *w;
	d->audio_seen = 1;
	return 0;
}

int
det_end(struct det *d)
{
	int rv;

	if (d->err)
		return d->err;
	if (d->n == 0)
		return 0;
	while (d->next_eval < d->n) {
		test_cut(d, d->next_eval);
		test_fade(d, d->next_eval, 0);
		test_grad(d, d->next_eval, 0);
		d->next_eval++;
	}
	test_fade(d, d->n, 1);
	test_grad(d, d->n, 1);
	if ((rv = finalize(d, d->n - 1)) != 0)
		return rv;
	return close_scene(d, d->n, NULL);
}
