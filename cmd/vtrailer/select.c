/*
 * select: scenes in, trailer segments out.  The plan is in select.h; the
 * functions below follow its steps.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "select.h"

#define MARGIN		0.12	/* seconds kept from a cut: the detector
				   may place it a frame off */
#define TRANS_MARGIN	0.10	/* and from a gradual transition's end */
#define DARK_LUMA	0.06	/* a scene this dark is black screen */
#define SAME_SCENE	0.7	/* interest kept by a second piece of the
				   scene chosen in the bin before */

struct piece {
	double	 p0, p1;	/* usable span, seconds */
	double	 cap;		/* longest segment it can give */
	int	 sc;		/* index into the scene array */
	int	 bin;
	double	 interest;
	int	 used;
};

static int first_after(const struct tr_audio *, int, double);

static int
cmp_up(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

void
tr_ramp(double a, double b, int k, double *d)
{
	int i;

	for (i = 0; i < k; i++)
		d[i] = k == 1 ? a : a - (a - b) * i / (k - 1);
}

int
tr_onsets(const struct tr_audio *a, int na, double *t)
{
	double *v, thr;
	int i, n = 0;

	if (na < 3 || (v = malloc(na * sizeof(double))) == NULL)
		return 0;
	for (i = 0; i < na; i++)
		v[i] = a[i].onset;
	qsort(v, na, sizeof(double), cmp_up);
	/*
	 * Strong: well above the usual window (twice the median) and within
	 * reach of the loud ones (a third of the 95th percentile), so one
	 * burst of noise does not hide the drum hits of a whole film.
	 */
	thr = fmax(fmax(2 * v[na / 2], v[na * 95 / 100] / 3), 1e-4);
	free(v);
	for (i = 0; i < na; i++) {
		double x = a[i].onset;

		if (x < thr)
			continue;
		if ((i > 0 && a[i - 1].onset >= x) ||
		    (i + 1 < na && a[i + 1].onset > x))
			continue;
		t[n++] = a[i].t;
	}
	return n;
}

/* Percentile (mid-rank) of x among the n values v, in (0, 1). */
static double
prank(const double *v, int n, double x)
{
	int i, lt = 0, eq = 0;

	for (i = 0; i < n; i++)
		if (v[i] < x)
			lt++;
		else if (v[i] == x)
			eq++;
	return (lt + 0.5 * eq) / n;
}

/*
 * Step 2: interest of each scene in [0, 1.5), into w.  use[i] says
 * which scenes have pieces; only they set the percentiles.
 */
static void
interest(const struct tr_scene *sc, int n, const int *use,
    const struct tr_opts *o, double *w)
{
	double *mv, *pv, *lv, wa = 0.45, wl = 0.35, wh = 0.20, tot;
	int i, m = 0, haspeak = 1, hasloud = 0, hashook = 0;

	mv = calloc(n, sizeof(double));
	pv = calloc(n, sizeof(double));
	lv = calloc(n, sizeof(double));
	for (i = 0; i < n; i++) {
		if (!use[i])
			continue;
		mv[m] = sc[i].motion;
		pv[m] = sc[i].motion_peak;
		lv[m] = isnan(sc[i].loud) ? -120 : sc[i].loud;
		if (sc[i].motion_peak < 0)
			haspeak = 0;
		if (!isnan(sc[i].loud))
			hasloud = 1;
		if (sc[i].hook >= 0)
			hashook = 1;
		m++;
	}
	if (!hasloud)
		wl = 0;
	if (!hashook)
		wh = 0;
	tot = wa + wl + wh;
	for (i = 0; i < n; i++) {
		double act, v;

		w[i] = 0;
		if (!use[i] || mv == NULL || pv == NULL || lv == NULL)
			continue;
		act = prank(mv, m, sc[i].motion);
		if (haspeak)
			act = (act + prank(pv, m, sc[i].motion_peak)) / 2;
		v = wa * act;
		if (wl > 0)
			v += wl * prank(lv, m, isnan(sc[i].loud) ? -120 :
			    sc[i].loud);
		if (wh > 0 && sc[i].hook >= 0)
			v += wh * fmin(1, sc[i].hook);
		v /= tot;
		if (sc[i].luma >= 0 && sc[i].luma < DARK_LUMA)
			v *= 0.3;
		if (o->seed != 0)
			v *= 0.5 + (hash_mix64(o->seed ^
			    hash_mix64((unsigned long long)sc[i].index)) >> 11) *
			    0x1.0p-53;
		w[i] = v;
	}
	free(mv);
	free(pv);
	free(lv);
}

/*
 * Step 1: the pieces of every scene, chronological.  Returns their
 * number (*pp malloc'ed), or -1 when out of memory.
 */
static int
make_pieces(const struct tr_scene *sc, int n, const struct tr_opts *o,
    double guard_t, struct piece **pp)
{
	struct piece *p = NULL;
	int i, np = 0, cap = 0;

	for (i = 0; i < n; i++) {
		double u0 = sc[i].start + MARGIN, u1 = sc[i].end - MARGIN, len;
		int k, j;

		if (sc[i].tin1 >= 0 && sc[i].tin1 + TRANS_MARGIN > u0)
			u0 = sc[i].tin1 + TRANS_MARGIN;
		if (i + 1 < n && sc[i + 1].tin0 >= 0 &&
		    sc[i + 1].tin0 - TRANS_MARGIN < u1)
			u1 = sc[i + 1].tin0 - TRANS_MARGIN;
		if (u1 > guard_t)
			u1 = guard_t;
		len = u1 - u0;
		/* Room for the shortest shot even after the frame grid. */
		if (len < o->min_len + 2 * (o->fps > 0 ? 1 / o->fps : 0.001) -
		    1e-9)
			continue;
		k = (int)floor(len / (2 * o->max_len));
		if (k < 1)
			k = 1;
		for (j = 0; j < k; j++) {
			if (np == cap) {
				struct piece *q;

				cap = cap ? 2 * cap : 64;
				q = realloc(p, cap * sizeof(*p));
				if (q == NULL) {
					free(p);
					return -1;
				}
				p = q;
			}
			memset(&p[np], 0, sizeof(p[np]));
			p[np].p0 = u0 + len * j / k;
			p[np].p1 = u0 + len * (j + 1) / k;
			p[np].cap = fmin(o->max_len, len / k);
			p[np].sc = i;
			np++;
		}
	}
	*pp = p;
	return np;
}

/*
 * The largest total the slots (pieces ix[0..k), chronological) can hold
 * with lengths that never grow: the sum of the running minimum of their
 * capacities (of the capacities themselves when mono is 0).
 */
static double
room(const struct piece *p, const int *ix, int k, int mono)
{
	double e = INFINITY, s = 0;
	int i;

	for (i = 0; i < k; i++) {
		double c = p[ix[i]].cap;

		e = mono ? fmin(e, c) : c;
		s += e;
	}
	return s;
}

/* Inserts piece j into the chronological list ix of k; returns k + 1. */
static int
insert(const struct piece *p, int *ix, int k, int j)
{
	int i = k;

	while (i > 0 && p[ix[i - 1]].p0 > p[j].p0) {
		ix[i] = ix[i - 1];
		i--;
	}
	ix[i] = j;
	return k + 1;
}

/*
 * The total length k shots must have: the target, plus what crossfades
 * overlap (vcut overlaps whole frames, so the crossfade is rounded to
 * them).
 */
static double
need(const struct tr_opts *o, int k)
{
	double x = o->xfade;

	if (o->fps > 0)
		x = round(x * o->fps) / o->fps;
	return o->target + (k > 1 ? (k - 1) * x : 0);
}

/*
 * The nominal ramp for k slots: from top (the maximum length, or less
 * when most shots are shorter) to what makes them sum to the target.
 */
static void
nominal(const struct tr_opts *o, int k, double top, double *d)
{
	double a = top, b;

	if (k == 1) {
		d[0] = need(o, 1);
		return;
	}
	/*
	 * From the longest to what makes them sum to the target; when that
	 * would fall below the shortest, from lower down to the shortest.
	 */
	b = 2 * need(o, k) / k - a;
	if (b < o->min_len) {
		b = o->min_len;
		a = 2 * need(o, k) / k - b;
	}
	if (b > a || a < o->min_len)
		a = b = need(o, k) / k;
	tr_ramp(a, b, k, d);
}

/*
 * With sound, the pieces of a scene differ by it: each gains up to 0.15
 * for the mean level of its windows (linear, relative to the loudest
 * piece).
 */
static void
loud_pieces(struct piece *p, int np, const struct tr_audio *a, int na)
{
	double *lv, top = 0;
	int i, j, m;

	if (na == 0 || (lv = calloc(np, sizeof(double))) == NULL)
		return;
	for (i = 0; i < np; i++) {
		double v = 0;

		for (j = first_after(a, na, p[i].p0), m = 0; j < na &&
		    a[j].t + a[j].dur / 2 <= p[i].p1; j++, m++)
			v += pow(10, a[j].rms / 20);
		lv[i] = m > 0 ? v / m : 0;
		top = fmax(top, lv[i]);
	}
	for (i = 0; i < np && top > 0; i++)
		p[i].interest += 0.15 * lv[i] / top;
	free(lv);
}

/* Step 5, before rounding: l_i = min(e_i, s d_i) summing to the target. */
static void
fit(const struct piece *p, const int *ix, int k, const double *d, int mono,
    double target, double *l)
{
	double lo = 0, hi = 1, e, sum;
	int i, it;

	for (;;) {
		for (i = 0, e = INFINITY, sum = 0; i < k; i++) {
			e = mono ? fmin(e, p[ix[i]].cap) : p[ix[i]].cap;
			sum += fmin(e, hi * d[i]);
		}
		if (sum >= target || hi > 1e6)
			break;
		hi *= 2;
	}
	for (it = 0; it < 200; it++) {
		double s = (lo + hi) / 2;

		for (i = 0, e = INFINITY, sum = 0; i < k; i++) {
			e = mono ? fmin(e, p[ix[i]].cap) : p[ix[i]].cap;
			sum += fmin(e, s * d[i]);
		}
		if (sum < target)
			lo = s;
		else
			hi = s;
	}
	for (i = 0, e = INFINITY; i < k; i++) {
		e = mono ? fmin(e, p[ix[i]].cap) : p[ix[i]].cap;
		l[i] = fmin(e, hi * d[i]);
	}
}

static const double *frac_key;

static int
cmp_frac(const void *a, const void *b)
{
	int i = *(const int *)a, j = *(const int *)b;

	if (frac_key[i] != frac_key[j])
		return frac_key[i] > frac_key[j] ? -1 : 1;
	return i - j;
}

/*
 * Lengths l (seconds) into whole units u, summing to round(target / u)
 * as far as the capacities allow (largest remainders first, so lengths
 * that did not grow still do not).
 */
static void
apportion(const struct piece *p, const int *ix, int k, const double *l,
    double u, double target, long *n)
{
	double *fr = malloc(k * sizeof(double));
	int *ord = malloc(k * sizeof(int)), i;
	long want = lround(target / u), have = 0;

	/*
	 * A millionth of a unit of slack: a length fitted to exactly the
	 * minimum may come out a hair under it, and must not lose a frame.
	 */
	for (i = 0; i < k; i++) {
		double capu = floor(p[ix[i]].cap / u + 1e-6);
		double x = fmin(l[i] / u, capu);

		n[i] = (long)floor(x + 1e-6);
		have += n[i];
		if (fr != NULL)
			fr[i] = n[i] + 1 <= capu ? x - n[i] : -1;
		if (ord != NULL)
			ord[i] = i;
	}
	if (fr != NULL && ord != NULL && have < want) {
		frac_key = fr;
		qsort(ord, k, sizeof(int), cmp_frac);
		for (i = 0; i < k && have < want; i++)
			if (fr[ord[i]] >= 0) {
				n[ord[i]]++;
				have++;
			}
	}
	free(fr);
	free(ord);
}

/* The first window at or after t (binary search). */
static int
first_after(const struct tr_audio *a, int na, double t)
{
	int lo = 0, hi = na;

	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (a[mid].t + a[mid].dur / 2 < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Step 6: where a segment of len seconds sits in [lo, lo + range]:
 * the start (a multiple of u) with the loudest sound, else the middle;
 * then the nearest onset within snap.  Returns the start in units.
 */
static long
place(double lo, double range, double len, double u, const struct tr_audio
    *a, int na, const double *on, int no, double snap, int *snapped)
{
	long s0 = (long)ceil(lo / u - 1e-9), s1 = (long)floor((lo + range) /
	    u + 1e-9), best, s, step;
	double bestv = -1;
	int i;

	*snapped = 0;
	if (s1 < s0)
		s1 = s0;
	best = (s0 + s1) / 2;
	if (na > 0) {
		step = (long)ceil(0.04 / u);
		if (step < 1)
			step = 1;
		for (s = s0; s <= s1; s += step) {
			double t = s * u, v = 0;
			int j, m = 0;

			for (j = first_after(a, na, t); j < na &&
			    a[j].t + a[j].dur / 2 <= t + len; j++) {
				v += pow(10, a[j].rms / 20);
				m++;
			}
			if (m > 0 && v / m > bestv * (1 + 1e-9)) {
				bestv = v / m;
				best = s;
			}
		}
	}
	if (snap > 0 && no > 0) {
		double t = best * u, bd = snap + 1e-9;
		long bs = best;

		for (i = 0; i < no; i++) {
			long k = (long)ceil(on[i] / u - 1e-9);

			if (fabs(on[i] - t) <= bd && k >= s0 && k <= s1) {
				bd = fabs(on[i] - t);
				bs = k;
				*snapped = 1;
			}
		}
		best = bs;
	}
	return best;
}

int
tr_select(const struct tr_scene *sc, int n, const struct tr_audio *a,
    int na, const double *on0, int no0, const struct tr_opts *o,
    struct tr_seg **out, int *nout, char *err, size_t errlen, char *warn,
    size_t warnlen)
{
	struct piece *p = NULL;
	double f0, f1, guard_t, material = 0, *w = NULL, *d = NULL, *l = NULL;
	double *on = NULL, *caps, top, u;
	long *nu = NULL;
	int *use = NULL, *ix = NULL, *tmp = NULL, np, i, k, kk, b, no;
	int mono = 1, rv = -1;
	struct tr_seg *seg = NULL;
	struct tr_opts oo;

	*out = NULL;
	*nout = 0;
	*warn = '\0';
	/*
	 * A shot must be as long as its crossfades in and out, in the whole
	 * frames vcut rounds them to.
	 */
	oo = *o;
	if (oo.xfade > 0) {
		double x2 = 2 * (need(&oo, 2) - oo.target);

		if (oo.min_len < x2)
			oo.min_len = x2;
		if (oo.max_len < oo.min_len)
			oo.max_len = oo.min_len;
		o = &oo;
	}
	if (n == 0) {
		snprintf(err, errlen, "no scene records");
		return -1;
	}
	f0 = sc[0].start;
	f1 = sc[n - 1].end;
	guard_t = f0 + (1 - o->guard) * (f1 - f0);
	if ((np = make_pieces(sc, n, o, guard_t, &p)) < 0)
		goto nomem;
	/*
	 * Lengths are whole units (frames, or milliseconds): a piece holds
	 * the units that fit between grid points inside it.
	 */
	u = o->fps > 0 ? 1 / o->fps : 0.001;
	for (i = 0; i < np; i++) {
		double g = floor(p[i].p1 / u + 1e-9) - ceil(p[i].p0 / u - 1e-9);

		p[i].cap = fmax(0, fmin(floor(p[i].cap / u + 1e-9), g)) * u;
	}
	for (i = 0; i < np; i++)
		material += p[i].cap;
	if (np == 0) {
		snprintf(err, errlen, "no scene before the spoiler guard at "
		    "%.3f s is %g s long or more", guard_t, o->min_len);
		goto out;
	}
	if (o->target > material + 1e-9) {
		snprintf(err, errlen, "target %g s is longer than the usable "
		    "material: %.3f s in %d shots before the spoiler guard at "
		    "%.3f s", o->target, material, np, guard_t);
		goto out;
	}

	/* Step 2. */
	use = calloc(n, sizeof(int));
	w = calloc(n, sizeof(double));
	if (use == NULL || w == NULL)
		goto nomem;
	for (i = 0; i < np; i++)
		use[p[i].sc] = 1;
	interest(sc, n, use, o, w);
	for (i = 0; i < np; i++)
		p[i].interest = w[p[i].sc];
	loud_pieces(p, np, a, na);

	/*
	 * Step 3.  The ramp starts at the maximum length, or at what three
	 * shots in four can hold when that is less: a ramp no shot can
	 * follow would flatten at the first short scene.
	 */
	if ((caps = malloc(np * sizeof(double))) == NULL)
		goto nomem;
	for (i = 0; i < np; i++)
		caps[i] = p[i].cap;
	qsort(caps, np, sizeof(double), cmp_up);
	top = fmax(o->min_len, fmin(o->max_len, caps[np / 4]));
	free(caps);
	k = (int)floor(2 * o->target / (top + o->min_len - 2 * o->xfade) +
	    1e-9);
	if (k < 1)
		k = 1;
	if (k > np)
		k = np;
	d = malloc((np + 1) * sizeof(double));
	l = malloc((np + 1) * sizeof(double));
	ix = malloc((np + 1) * sizeof(int));
	tmp = malloc((np + 1) * sizeof(int));
	nu = malloc((np + 1) * sizeof(long));
	on = malloc((na + no0 + 1) * sizeof(double));
	if (d == NULL || l == NULL || ix == NULL || tmp == NULL ||
	    nu == NULL || on == NULL)
		goto nomem;
	nominal(o, k, top, d);

	/* Step 4: the best piece of each bin. */
	for (i = 0; i < np; i++) {
		double mid = (p[i].p0 + p[i].p1) / 2;

		b = (int)floor((mid - f0) / (guard_t - f0) * k);
		p[i].bin = b < 0 ? 0 : b >= k ? k - 1 : b;
	}
	kk = 0;
	for (b = 0; b < k; b++) {
		int best = -1, prev = kk > 0 ? p[ix[kk - 1]].sc : -1;
		double bv = -1;

		for (i = 0; i < np; i++) {
			double v;

			if (p[i].bin != b || p[i].used)
				continue;
			v = p[i].interest * (p[i].sc == prev ? SAME_SCENE : 1);
			/* Long enough for the slot comes first. */
			if (p[i].cap >= d[b] - 1e-9)
				v += 10;
			else
				v += p[i].cap;	/* else the longest */
			if (v > bv) {
				bv = v;
				best = i;
			}
		}
		if (best >= 0) {
			p[best].used = 1;
			kk = insert(p, ix, kk, best);
		}
	}
	k = kk;
	nominal(o, k, top, d);
	while (room(p, ix, k, 1) < need(o, k) - 1e-9) {
		/*
		 * The step that adds the most room: a piece joins (ties by
		 * interest), or a short piece that holds back every later
		 * shot leaves.  Room grows at every step, so this ends.
		 */
		double br = room(p, ix, k, 1), bi = -1;
		int best = -1, drop = -1;

		for (i = 0; i < np; i++) {
			double r;

			if (p[i].used)
				continue;
			memcpy(tmp, ix, k * sizeof(int));
			insert(p, tmp, k, i);
			r = room(p, tmp, k + 1, 1);
			if (r > br + 1e-9 || (best >= 0 && r > br - 1e-9 &&
			    p[i].interest > bi)) {
				br = r;
				bi = p[i].interest;
				best = i;
			}
		}
		for (i = 0; i < k && k > 1; i++) {
			double r;

			memcpy(tmp, ix, i * sizeof(int));
			memcpy(tmp + i, ix + i + 1, (k - i - 1) * sizeof(int));
			if ((r = room(p, tmp, k - 1, 1)) > br + 1e-9) {
				br = r;
				drop = i;
			}
		}
		if (drop >= 0) {
			p[ix[drop]].used = 0;
			memmove(ix + drop, ix + drop + 1, (k - drop - 1) *
			    sizeof(int));
			k--;
		} else if (best >= 0) {
			p[best].used = 1;
			k = insert(p, ix, k, best);
		} else
			break;
	}
	if (room(p, ix, k, 1) < need(o, k) - 1e-9) {
		/* Every piece, lengths free to vary. */
		mono = 0;
		snprintf(warn, warnlen, "too few long scenes for rising "
		    "pacing: shot lengths vary");
		for (i = 0; i < np; i++)
			if (!p[i].used) {
				p[i].used = 1;
				k = insert(p, ix, k, i);
			}
	}

	/*
	 * Step 5: whole units.  Capacities are on the grid already, so the
	 * fitted lengths apportion to the target exactly.
	 */
	/*
	 * Now that the shots are known, the ramp can start as high as the
	 * first of them allows.
	 */
	if (mono && k > 0)
		top = fmax(o->min_len, fmin(o->max_len, p[ix[0]].cap));
	nominal(o, k, top, d);
	fit(p, ix, k, d, mono, lround(need(o, k) / u) * u, l);
	apportion(p, ix, k, l, u, need(o, k), nu);

	/* Step 6. */
	no = tr_onsets(a, na, on);
	for (i = 0; i < no0; i++)
		on[no++] = on0[i];
	if ((seg = calloc(k, sizeof(*seg))) == NULL)
		goto nomem;
	for (i = kk = 0; i < k; i++) {
		const struct piece *q = &p[ix[i]];
		double len = nu[i] * u;
		long s;

		if (nu[i] <= 0)
			continue;
		s = place(q->p0, q->p1 - q->p0 - len, len, u, a, na, on, no,
		    o->snap, &seg[kk].snapped);
		seg[kk].start = s * u;
		seg[kk].end = (s + nu[i]) * u;
		seg[kk].scene = sc[q->sc].index;
		seg[kk].score = q->interest;
		kk++;
	}
	*out = seg;
	*nout = kk;
	seg = NULL;
	rv = 0;
	goto out;
nomem:
	snprintf(err, errlen, "out of memory");
out:
	free(seg);
	free(p);
	free(w);
	free(use);
	free(d);
	free(l);
	free(ix);
	free(tmp);
	free(nu);
	free(on);
	return rv;
}
