/*
 * select: scenes in, trailer segments out.  The plan is in select.h; the
 * functions below follow its steps.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "sort.h"
#include "select.h"
#include "speech.h"

#define MARGIN		0.12	/* seconds kept from a cut: the detector
				   may place it a frame off */
#define TRANS_MARGIN	0.10	/* and from a gradual transition's end */
#define DARK_LUMA	0.06	/* a scene this dark is black screen */
#define SAME_SCENE	0.7	/* interest kept by a second piece of the
				   scene chosen in the bin before */
/*
 * A window is silent SILENT_BELOW dB under the film's mean level: after
 * vcut brings the trailer to -16 LUFS, that is under about -50 dBFS,
 * where ffmpeg's silencedetect (and a listener) hears nothing.  Never
 * above SILENT_MAX or below SILENT_MIN dBFS.
 */
#define SILENT_BELOW	34
#define SILENT_MAX	-45
#define SILENT_MIN	-70
#define SILENT_RUN	0.45	/* seconds of silence a piece leaves out */
#define JOIN_QUIET	0.25	/* the most silence on either side of a
				   join: both make at most 0.5 s */

struct piece {
	double	 p0, p1;	/* usable span, seconds */
	double	 cap;		/* longest segment it can give */
	int	 sc;		/* index into the scene array */
	int	 bin;
	double	 interest;
	int	 used;
};

static int first_after(const struct tr_audio *, int, double);

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
	qsort(v, na, sizeof(double), sort_cmp_double);
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

/* Appends the piece [p0, p1] of scene i.  Returns 0 or -1 (memory). */
static int
add_piece(struct piece **pp, int *np, int *cap, double p0, double p1,
    double c, int i)
{
	struct piece *q;

	if (*np == *cap) {
		*cap = *cap ? 2 * *cap : 64;
		if ((q = realloc(*pp, *cap * sizeof(**pp))) == NULL)
			return -1;
		*pp = q;
	}
	q = &(*pp)[(*np)++];
	memset(q, 0, sizeof(*q));
	q->p0 = p0;
	q->p1 = p1;
	q->cap = c;
	q->sc = i;
	return 0;
}

/*
 * The end of the sound that starts at or after t within [t, t1]: the
 * start of the first silent stretch (windows below silent_db, or no
 * windows at all, for SILENT_RUN seconds or more), or t1.  *next is where
 * the sound resumes after it (> t1 when it does not).  Without windows,
 * everything is sound.
 */
static double
sound_until(const struct tr_audio *a, int na, double silent_db, double t,
    double t1, double *next)
{
	double q0 = -1, last = t;
	int j;

	*next = INFINITY;
	if (na == 0)
		return t1;
	for (j = first_after(a, na, t); j < na && a[j].t < t1; j++) {
		int silent = a[j].rms < silent_db;

		/* a hole between windows is silence too */
		if (q0 < 0 && a[j].t > last + SILENT_RUN)
			q0 = last;
		if (silent && q0 < 0)
			q0 = a[j].t;
		if (!silent && q0 >= 0) {
			if (a[j].t - q0 >= SILENT_RUN) {
				*next = a[j].t;
				return q0;
			}
			q0 = -1;
		}
		last = a[j].t + a[j].dur;
	}
	if (q0 < 0 && t1 > last + SILENT_RUN)
		q0 = last;
	return q0 >= 0 && t1 - q0 >= SILENT_RUN ? q0 : t1;
}

/*
 * Step 1: the pieces of every scene, chronological: its usable span
 * less its silent stretches (dead air, when mute is set), each part long
 * enough for the shortest shot split into pieces of at most twice the
 * longest.  Returns their number (*pp malloc'ed), or -1 when out of
 * memory.
 */
static int
make_pieces(const struct tr_scene *sc, int n, const struct tr_opts *o,
    double guard_t, const struct tr_audio *a, int na, double silent_db,
    struct piece **pp)
{
	struct piece *p = NULL;
	double grid = o->fps > 0 ? 1 / o->fps : 0.001;
	int i, np = 0, cap = 0;

	for (i = 0; i < n; i++) {
		double u0 = sc[i].start + MARGIN, u1 = sc[i].end - MARGIN;
		double v0, v1, next, len;
		int k, j;

		if (sc[i].tin1 >= 0 && sc[i].tin1 + TRANS_MARGIN > u0)
			u0 = sc[i].tin1 + TRANS_MARGIN;
		if (i + 1 < n && sc[i + 1].tin0 >= 0 &&
		    sc[i + 1].tin0 - TRANS_MARGIN < u1)
			u1 = sc[i + 1].tin0 - TRANS_MARGIN;
		if (u1 > guard_t)
			u1 = guard_t;
		for (v0 = u0; v0 < u1; v0 = next) {
			v1 = sound_until(a, na, silent_db, v0, u1, &next);
			len = v1 - v0;
			/* Room for the shortest shot after the frame grid. */
			if (len < o->min_len + 2 * grid - 1e-9)
				continue;
			k = (int)floor(len / (2 * o->max_len));
			if (k < 1)
				k = 1;
			for (j = 0; j < k; j++)
				if (add_piece(&p, &np, &cap, v0 + len * j / k,
				    v0 + len * (j + 1) / k, fmin(o->max_len,
				    len / k), i) != 0) {
					free(p);
					return -1;
				}
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

/* Mean amplitude of the windows whose middle is in [t, t + len], or -1. */
static double
level(const struct tr_audio *a, int na, double t, double len)
{
	double v = 0;
	int j, m = 0;

	for (j = first_after(a, na, t); j < na && a[j].t + a[j].dur / 2 <= t +
	    len; j++) {
		v += pow(10, a[j].rms / 20);
		m++;
	}
	return m > 0 ? v / m : -1;
}

/* What a join must keep clear of. */
struct joins {
	const struct tr_speech *sp;	/* speech, or NULL */
	const struct tr_audio *a;	/* the windows, for silence */
	int	 na;
	double	 u;
	double	 silent_db;	/* a window below this is silent */
};

/* The level under which a window of the film is silent (see above). */
static double
silent_level(const struct tr_audio *a, int na)
{
	double p = 0;
	int j;

	for (j = 0; j < na; j++)
		p += pow(10, a[j].rms / 10);
	if (na == 0 || p <= 0)
		return SILENT_MIN;
	p = 10 * log10(p / na) - SILENT_BELOW;
	return p > SILENT_MAX ? SILENT_MAX : p < SILENT_MIN ? SILENT_MIN : p;
}

/*
 * How long the sound is silent from t on (dir 1) or up to t (dir -1), in
 * seconds, as its windows show; 0 without windows.
 */
static double
quiet(const struct joins *jn, double t, int dir)
{
	const struct tr_audio *a = jn->a;
	double q = 0;
	int na = jn->na, j = first_after(a, na, t) - (dir < 0);

	for (; j >= 0 && j < na && a[j].rms < jn->silent_db && q < 1;
	    j += dir)
		q += a[j].dur;
	return q;
}

/*
 * Whether a shot of n units from unit s has both joins out of speech and
 * at most JOIN_QUIET seconds from sound, so no join makes dead air.
 */
static int
joins_ok(const struct joins *jn, long s, long n)
{
	double t0 = s * jn->u, t1 = (s + n) * jn->u;

	return !tr_speech_at(jn->sp, t0) && !tr_speech_at(jn->sp, t1) &&
	    (jn->na == 0 || (quiet(jn, t0, 1) <= JOIN_QUIET &&
	    quiet(jn, t1, -1) <= JOIN_QUIET));
}

/*
 * Step 6: where a shot of *n units sits in the piece [lo, hi] (seconds):
 * among the starts whose joins fall outside speech, the one with the
 * loudest sound (the middle without audio windows), then the nearest
 * strong onset within snap whose joins do too.  When no start of *n units
 * keeps out of speech, the nearest length that can (at most a quarter
 * longer or shorter) is taken, *n set to it.  Returns the start in
 * units; *snapped says it moved to an onset, *bad that no length could
 * keep its joins out of speech.
 */
static long
place(double lo, double hi, long *n, const struct joins *jn,
    const double *on, int no, double snap, int *snapped, int *bad)
{
	const struct tr_audio *a = jn->a;
	double u = jn->u;
	int na = jn->na;
	long s0 = (long)ceil(lo / u - 1e-9), s1, best = -1, s, step, d, nn = *n;
	long dmax = *n / 4;
	double bestv = -2, v;
	int i;

	*snapped = *bad = 0;
	step = 1;
	for (d = 0; d <= dmax && best < 0; d++) {
		for (i = 0; i < (d > 0 ? 2 : 1) && best < 0; i++) {
			nn = *n + (i ? -d : d);
			s1 = (long)floor(hi / u + 1e-9) - nn;
			if (nn <= 0 || s1 < s0)
				continue;
			for (s = s0; s <= s1; s += step) {
				if (!joins_ok(jn, s, nn))
					continue;
				/* the loudest, else the middle */
				v = na > 0 ? level(a, na, s * u, nn * u) : -1;
				if (v < 0)
					v = -1 - fabs(s - (s0 + s1) / 2.0) /
					    (s1 - s0 + 1);
				if (best < 0 || v > bestv + 1e-9 * fabs(bestv)) {
					bestv = v;
					best = s;
				}
			}
		}
	}
	if (best < 0) {
		/* nowhere out of speech: the length asked, the middle */
		nn = *n;
		s1 = (long)floor(hi / u + 1e-9) - nn;
		best = (s0 + (s1 > s0 ? s1 : s0)) / 2;
		*bad = 1;
	} else {
		s1 = (long)floor(hi / u + 1e-9) - nn;
		if (snap > 0 && no > 0) {
			double t = best * u, bd = snap + 1e-9;
			long bs = best;

			for (i = 0; i < no; i++) {
				long k = (long)ceil(on[i] / u - 1e-9);

				if (fabs(on[i] - t) <= bd && k >= s0 &&
				    k <= s1 && joins_ok(jn, k, nn)) {
					bd = fabs(on[i] - t);
					bs = k;
					*snapped = 1;
				}
			}
			best = bs;
		}
	}
	*n = nn;
	return best;
}

/*
 * The plan of one choice, step by step: what each step of select.h
 * leaves for the next.
 */
struct plan {
	const struct tr_scene *sc;
	int	 n;
	const struct tr_audio *a;
	int	 na;
	struct tr_opts o;	/* the options, min_len raised for crossfades */
	struct piece *p;	/* the pieces, chronological */
	int	 np;
	double	 f0, guard_t;	/* the film's start, the spoiler guard */
	double	 u;		/* the length unit: a frame, or 1 ms */
	double	 top;		/* where the ramp starts */
	int	*ix, *tmp;	/* the chosen pieces, chronological */
	int	 k;
	int	 mono;		/* lengths never grow */
	double	*d, *l;		/* nominal and fitted lengths */
	long	*nu;		/* lengths in units */
	int	 inspeech;	/* shots whose joins could not avoid speech */
	int	 deadair;	/* the silent stretches could not be left out */
};

static void
plan_free(struct plan *pl)
{
	free(pl->p);
	free(pl->ix);
	free(pl->tmp);
	free(pl->d);
	free(pl->l);
	free(pl->nu);
}

/*
 * Step 1: the pieces, their capacities on the unit grid, and whether
 * they can hold the target; with mute, the pieces keep out of the film's
 * silent stretches.  Returns 0, or -1 with err set.
 */
static int
plan_pieces(struct plan *pl, int mute, char *err, size_t errlen)
{
	double material = 0, f1;
	int i;

	if (pl->n == 0) {
		snprintf(err, errlen, "no scene records");
		return -1;
	}
	pl->f0 = pl->sc[0].start;
	f1 = pl->sc[pl->n - 1].end;
	pl->guard_t = pl->f0 + (1 - pl->o.guard) * (f1 - pl->f0);
	if ((pl->np = make_pieces(pl->sc, pl->n, &pl->o, pl->guard_t, pl->a,
	    mute ? pl->na : 0, silent_level(pl->a, pl->na), &pl->p)) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/*
	 * Lengths are whole units (frames, or milliseconds): a piece holds
	 * the units that fit between grid points inside it.
	 */
	pl->u = pl->o.fps > 0 ? 1 / pl->o.fps : 0.001;
	for (i = 0; i < pl->np; i++) {
		struct piece *q = &pl->p[i];
		double g = floor(q->p1 / pl->u + 1e-9) - ceil(q->p0 / pl->u -
		    1e-9);

		q->cap = fmax(0, fmin(floor(q->cap / pl->u + 1e-9), g)) *
		    pl->u;
		material += q->cap;
	}
	if (pl->np == 0) {
		snprintf(err, errlen, "no scene before the spoiler guard at "
		    "%.3f s is %g s long or more", pl->guard_t, pl->o.min_len);
		return -1;
	}
	if (pl->o.target > material + 1e-9) {
		snprintf(err, errlen, "target %g s is longer than the usable "
		    "material: %.3f s in %d shots before the spoiler guard at "
		    "%.3f s", pl->o.target, material, pl->np, pl->guard_t);
		return -1;
	}
	return 0;
}

/* Step 2: the interest of every piece.  Returns 0 or -1 (memory). */
static int
plan_interest(struct plan *pl)
{
	int *use = calloc(pl->n, sizeof(int)), i;
	double *w = calloc(pl->n, sizeof(double));

	if (use == NULL || w == NULL) {
		free(use);
		free(w);
		return -1;
	}
	for (i = 0; i < pl->np; i++)
		use[pl->p[i].sc] = 1;
	interest(pl->sc, pl->n, use, &pl->o, w);
	for (i = 0; i < pl->np; i++)
		pl->p[i].interest = w[pl->p[i].sc];
	loud_pieces(pl->p, pl->np, pl->a, pl->na);
	free(use);
	free(w);
	return 0;
}

/*
 * Step 3: how many shots, from where the ramp starts: the maximum
 * length, or what three shots in four can hold when that is less (a
 * ramp no shot can follow would flatten at the first short scene).
 * Returns 0 or -1 (memory).
 */
static int
plan_ramp(struct plan *pl)
{
	double *caps = malloc(pl->np * sizeof(double));
	int i, np = pl->np;

	if (caps == NULL)
		return -1;
	for (i = 0; i < np; i++)
		caps[i] = pl->p[i].cap;
	qsort(caps, np, sizeof(double), sort_cmp_double);
	pl->top = fmax(pl->o.min_len, fmin(pl->o.max_len, caps[np / 4]));
	free(caps);
	pl->k = (int)floor(2 * pl->o.target / (pl->top + pl->o.min_len -
	    2 * pl->o.xfade) + 1e-9);
	if (pl->k < 1)
		pl->k = 1;
	if (pl->k > np)
		pl->k = np;
	pl->d = malloc((np + 1) * sizeof(double));
	pl->l = malloc((np + 1) * sizeof(double));
	pl->ix = malloc((np + 1) * sizeof(int));
	pl->tmp = malloc((np + 1) * sizeof(int));
	pl->nu = malloc((np + 1) * sizeof(long));
	if (pl->d == NULL || pl->l == NULL || pl->ix == NULL ||
	    pl->tmp == NULL || pl->nu == NULL)
		return -1;
	nominal(&pl->o, pl->k, pl->top, pl->d);
	return 0;
}

/* Step 4: the film in k equal bins, the best piece of each. */
static void
plan_bins(struct plan *pl)
{
	struct piece *p = pl->p;
	int i, b, kk = 0, k = pl->k;

	for (i = 0; i < pl->np; i++) {
		double mid = (p[i].p0 + p[i].p1) / 2;

		b = (int)floor((mid - pl->f0) / (pl->guard_t - pl->f0) * k);
		p[i].bin = b < 0 ? 0 : b >= k ? k - 1 : b;
	}
	for (b = 0; b < k; b++) {
		int best = -1, prev = kk > 0 ? p[pl->ix[kk - 1]].sc : -1;
		double bv = -1;

		for (i = 0; i < pl->np; i++) {
			double v;

			if (p[i].bin != b || p[i].used)
				continue;
			v = p[i].interest * (p[i].sc == prev ? SAME_SCENE : 1);
			/* Long enough for the slot comes first. */
			if (p[i].cap >= pl->d[b] - 1e-9)
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
			kk = insert(p, pl->ix, kk, best);
		}
	}
	pl->k = kk;
	nominal(&pl->o, pl->k, pl->top, pl->d);
}

/*
 * Step 4, continued: while the chosen pieces cannot hold the target, the
 * step that adds the most room: a piece joins (ties by interest), or a
 * short piece that holds back every later shot leaves.  Room grows at
 * every step, so this ends.  Returns 1 when it does not suffice.
 */
static int
plan_grow(struct plan *pl)
{
	struct piece *p = pl->p;
	int *ix = pl->ix, *tmp = pl->tmp, i;

	while (room(p, ix, pl->k, 1) < need(&pl->o, pl->k) - 1e-9) {
		double br = room(p, ix, pl->k, 1), bi = -1, r;
		int best = -1, drop = -1, k = pl->k;

		for (i = 0; i < pl->np; i++) {
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
			pl->k--;
		} else if (best >= 0) {
			p[best].used = 1;
			pl->k = insert(p, ix, k, best);
		} else
			break;
	}
	return room(p, ix, pl->k, 1) < need(&pl->o, pl->k) - 1e-9;
}

/*
 * Step 5: whole units.  Capacities are on the grid already, so the
 * fitted lengths apportion to the target exactly.  Now that the shots
 * are known, the ramp can start as high as the first of them allows.
 */
static void
plan_lengths(struct plan *pl)
{
	if (pl->mono && pl->k > 0)
		pl->top = fmax(pl->o.min_len, fmin(pl->o.max_len,
		    pl->p[pl->ix[0]].cap));
	nominal(&pl->o, pl->k, pl->top, pl->d);
	fit(pl->p, pl->ix, pl->k, pl->d, pl->mono, lround(need(&pl->o,
	    pl->k) / pl->u) * pl->u, pl->l);
	apportion(pl->p, pl->ix, pl->k, pl->l, pl->u, need(&pl->o, pl->k),
	    pl->nu);
}

/*
 * The lengths (units) of a shot in piece q whose joins both keep out of
 * speech and silence, from lo to hi: feas[L - lo] set for each.  Returns
 * how many there are.
 */
static int
feasible(const struct piece *q, const struct joins *jn, long lo, long hi,
    unsigned char *feas)
{
	long s0 = (long)ceil(q->p0 / jn->u - 1e-9);
	long s1 = (long)floor(q->p1 / jn->u + 1e-9), s, e;
	int n = 0;

	memset(feas, 0, (size_t)(hi - lo + 1));
	for (s = s0; s <= s1; s++) {
		if (!joins_ok(jn, s, 0))
			continue;
		for (e = s + lo; e <= s + hi && e <= s1; e++)
			if (!feas[e - s - lo] && joins_ok(jn, e, 0)) {
				feas[e - s - lo] = 1;
				n++;
			}
	}
	return n;
}

/*
 * When some shots cannot keep their joins out of speech at the lengths
 * the ramp gave them: the lengths, each from 0.5 to 2 times its own
 * (and within its piece), whose joins can, adding up to the same total,
 * as close to the ramp as can be (least squares; dynamic programming
 * over the total, so the target holds to the unit).  A slot with no such
 * length leaves (length 0, at four times the cost of its length) and the
 * others take its time.  Does nothing when the work would be too large
 * or no such lengths add up.
 */
static void
fit_joins(struct plan *pl, const struct joins *jn)
{
	long total = 0, t, lo, hi, L, *lo_of = NULL;
	double *dp = NULL, *nx;
	unsigned char *feas = NULL, *ok = NULL;
	int i, k = pl->k, *arg = NULL;

	for (i = 0; i < k; i++)
		total += pl->nu[i];
	if (k == 0 || (double)k * (total + 1) > 2e7)
		return;
	dp = malloc((size_t)(k + 1) * (total + 1) * sizeof(double));
	arg = malloc((size_t)(k + 1) * (total + 1) * sizeof(int));
	lo_of = malloc((size_t)k * sizeof(long));
	feas = malloc((size_t)total + 1);
	ok = calloc((size_t)k, 1);
	if (dp == NULL || arg == NULL || lo_of == NULL || feas == NULL ||
	    ok == NULL)
		goto out;
	for (t = 0; t <= total; t++)
		dp[t] = t == 0 ? 0 : INFINITY;
	for (i = 0; i < k; i++) {
		const struct piece *q = &pl->p[pl->ix[i]];
		long n = pl->nu[i];

		nx = dp + (size_t)(i + 1) * (total + 1);
		for (t = 0; t <= total; t++)
			nx[t] = INFINITY;
		lo = (long)ceil(0.5 * n);
		hi = (long)floor(fmin(2.0 * n, q->cap / jn->u + 1e-9));
		if (hi > total)
			hi = total;
		lo_of[i] = lo;
		if (lo < 1 || hi < lo || feasible(q, jn, lo, hi, feas) == 0) {
			/* no place: the shot leaves, the others take its time */
			lo = hi = 0;
			feas[0] = 1;
		} else
			ok[i] = 1;
		for (L = lo; L <= hi; L++) {
			double c = L == 0 ? 4.0 * n * n : (double)(L - n) * (L - n);

			if (!feas[L - lo])
				continue;
			for (t = L; t <= total; t++) {
				double v = dp[(size_t)i * (total + 1) + t - L] +
				    c;

				if (v < nx[t]) {
					nx[t] = v;
					arg[(size_t)(i + 1) * (total + 1) + t] =
					    (int)L;
				}
			}
		}
	}
	if (!isfinite(dp[(size_t)k * (total + 1) + total]))
		goto out;
	for (i = k - 1, t = total; i >= 0; i--) {
		L = arg[(size_t)(i + 1) * (total + 1) + t];
		pl->nu[i] = L;
		t -= L;
	}
out:
	free(dp);
	free(arg);
	free(lo_of);
	free(feas);
	free(ok);
}

/*
 * For slot i, whose piece has no place for its shot with joins out of
 * speech and silence: the most interesting unused piece between the
 * pieces of the slots around it (so the film's order holds) that has
 * one (of the same length, or with any, of a length place allows).
 * Marks it used and the old one unused; returns it, or -1.
 */
static int
swap_piece(struct plan *pl, const struct joins *jn, int i, int any)
{
	double lo = i > 0 ? pl->p[pl->ix[i - 1]].p1 : -INFINITY;
	double hi = i + 1 < pl->k ? pl->p[pl->ix[i + 1]].p0 : INFINITY;
	double bi = -1;
	int j, best = -1;

	for (j = 0; j < pl->np; j++) {
		const struct piece *q = &pl->p[j];
		long s, n = pl->nu[i];
		int snapped, bad;

		if (q->used || q->p0 < lo || q->p1 > hi ||
		    q->cap < n * pl->u - 1e-9 || q->interest <= bi)
			continue;
		s = place(q->p0, q->p1, &n, jn, NULL, 0, 0, &snapped, &bad);
		(void)s;
		if (!bad && (any || n == pl->nu[i])) {
			bi = q->interest;
			best = j;
		}
	}
	if (best >= 0) {
		pl->p[pl->ix[i]].used = 0;
		pl->p[best].used = 1;
	}
	return best;
}

/*
 * Lengths moved to keep joins out of speech change the total: shots
 * whose end can move by a unit without landing in speech (or leaving
 * their piece, or falling under a unit) give it back, one unit at a time,
 * the latest shots first.
 */
static void
rebalance(struct plan *pl, const struct joins *jn, struct tr_seg *seg,
    long *nu, long *st, int k, long diff)
{
	int i, moved = 1;

	while (diff != 0 && moved) {
		moved = 0;
		for (i = k - 1; i >= 0 && diff != 0; i--) {
			const struct piece *q = &pl->p[pl->ix[seg[i].scene]];
			long n = nu[i] + (diff > 0 ? -1 : 1);

			if (n < 1 || (st[i] + n) * pl->u > q->p1 + 1e-9 ||
			    !joins_ok(jn, st[i], n))
				continue;
			nu[i] = n;
			diff += diff > 0 ? -1 : 1;
			moved = 1;
		}
	}
}

/*
 * Step 6: each shot placed in its piece.  Returns the segments (*nseg
 * of them), or NULL when out of memory.
 */
static struct tr_seg *
plan_place(struct plan *pl, const double *on0, int no0, int *nseg)
{
	struct joins jn = { pl->o.speech, pl->a, pl->na, pl->u,
	    silent_level(pl->a, pl->na) };
	struct tr_seg *seg;
	double *on;
	long *st, diff = 0;
	int i, j, kk, no, bad, sw;

	on = malloc((pl->na + no0 + 1) * sizeof(double));
	seg = calloc(pl->k + 1, sizeof(*seg));
	st = calloc(pl->k + 1, sizeof(*st));
	if (on == NULL || seg == NULL || st == NULL) {
		free(on);
		free(seg);
		free(st);
		return NULL;
	}
	no = tr_onsets(pl->a, pl->na, on);
	for (i = 0; i < no0; i++)
		on[no++] = on0[i];
	/*
	 * Lengths whose joins keep out of speech, where the ramp's do not;
	 * first another piece for a shot whose own has no such place.
	 */
	for (i = 0, j = 0; i < pl->k; i++) {
		const struct piece *q = &pl->p[pl->ix[i]];
		long n = pl->nu[i];

		place(q->p0, q->p1, &n, &jn, NULL, 0, 0, &kk, &bad);
		if (bad && (sw = swap_piece(pl, &jn, i, 1)) >= 0)
			pl->ix[i] = sw;
		j |= bad || n != pl->nu[i];
	}
	if (j)
		fit_joins(pl, &jn);
	for (i = kk = 0; i < pl->k; i++) {
		const struct piece *q = &pl->p[pl->ix[i]];
		long n = pl->nu[i];

		if (n <= 0)
			continue;
		st[kk] = place(q->p0, q->p1, &n, &jn, on, no, pl->o.snap,
		    &seg[kk].snapped, &bad);
		if (bad && (j = swap_piece(pl, &jn, i, 0)) >= 0) {
			/* another piece between the neighbours can */
			q = &pl->p[pl->ix[i] = j];
			n = pl->nu[i];
			st[kk] = place(q->p0, q->p1, &n, &jn, on, no,
			    pl->o.snap, &seg[kk].snapped, &bad);
		}
		diff += n - pl->nu[i];
		pl->nu[kk] = n;
		pl->inspeech += bad;
		seg[kk].scene = i;	/* the slot, until the end */
		kk++;
	}
	rebalance(pl, &jn, seg, pl->nu, st, kk, diff);
	for (i = 0; i < kk; i++) {
		const struct piece *q = &pl->p[pl->ix[seg[i].scene]];

		seg[i].start = st[i] * pl->u;
		seg[i].end = (st[i] + pl->nu[i]) * pl->u;
		seg[i].scene = pl->sc[q->sc].index;
		seg[i].score = q->interest;
	}
	free(on);
	free(st);
	*nseg = kk;
	return seg;
}

int
tr_select(const struct tr_scene *sc, int n, const struct tr_audio *a,
    int na, const double *on0, int no0, const struct tr_opts *o,
    struct tr_seg **out, int *nout, char *err, size_t errlen, char *warn,
    size_t warnlen)
{
	struct plan pl;
	int i, rv = -1;

	*out = NULL;
	*nout = 0;
	*warn = '\0';
	memset(&pl, 0, sizeof(pl));
	pl.sc = sc;
	pl.n = n;
	pl.a = a;
	pl.na = na;
	pl.o = *o;
	pl.mono = 1;
	/*
	 * A shot must be as long as its crossfades in and out, in the whole
	 * frames vcut rounds them to.
	 */
	if (pl.o.xfade > 0) {
		double x2 = 2 * (need(&pl.o, 2) - pl.o.target);

		if (pl.o.min_len < x2)
			pl.o.min_len = x2;
		if (pl.o.max_len < pl.o.min_len)
			pl.o.max_len = pl.o.min_len;
	}
	/* No dead air, unless the film has too little sound for that. */
	if (plan_pieces(&pl, 1, err, errlen) != 0) {
		free(pl.p);
		pl.p = NULL;
		if (na == 0 || plan_pieces(&pl, 0, err, errlen) != 0)
			goto out;
		pl.deadair = 1;
	}
	if (plan_interest(&pl) != 0 || plan_ramp(&pl) != 0)
		goto nomem;
	plan_bins(&pl);
	if (plan_grow(&pl)) {
		/* Every piece, lengths free to vary. */
		pl.mono = 0;
		snprintf(warn, warnlen, "too few long scenes for rising "
		    "pacing: shot lengths vary");
		for (i = 0; i < pl.np; i++)
			if (!pl.p[i].used) {
				pl.p[i].used = 1;
				pl.k = insert(pl.p, pl.ix, pl.k, i);
			}
	}
	plan_lengths(&pl);
	if ((*out = plan_place(&pl, on0, no0, nout)) == NULL)
		goto nomem;
	if (pl.inspeech > 0)
		snprintf(warn, warnlen, "%d shot%s found no join outside "
		    "speech and silence", pl.inspeech, pl.inspeech > 1 ?
		    "s" : "");
	if (pl.deadair)
		snprintf(warn, warnlen, "too little sound in the film to leave "
		    "out its silences: the trailer may hold dead air");
	rv = 0;
	goto out;
nomem:
	snprintf(err, errlen, "out of memory");
out:
	plan_free(&pl);
	return rv;
}
