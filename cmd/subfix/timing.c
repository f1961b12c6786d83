/*
 * The timing rules, applied in passes over the cues in time order:
 *
 *  1. starts near a shot change go onto it;
 *  2. each end, in turn: pulled back to leave the minimum gap before the
 *     next cue, pushed out for the reading speed and minimum duration (up
 *     to that gap), pulled back to the maximum duration, pushed to chain
 *     a small gap, and finally put onto a shot change near it (or kept at
 *     least the window away from it);
 *  3. a cue still too short for its text starts earlier, into the gap
 *     before it, by at most the shot window and never across a shot
 *     change;
 *
 * and fix_verify checks every rule afterwards, so that a cue the passes
 * could not fix (the rules conflict, or there is no room) is reported with
 * the reason instead of passing silently.
 *
 * An end "on" a shot change at t lies in [t - max(out, gap), t - out]: out
 * frames before the cut, or, when the next cue starts on the cut, the
 * minimum gap before it.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "subfix.h"

void
fix_limits(const struct fix_opts *o, struct fix_limits *l)
{
	const struct profile *p = &o->p;

	l->max_chars = p->max_chars;
	l->max_lines = p->max_lines;
	l->one_line = p->one_line;
	l->cps = p->cps;
	l->min_dur = llround(p->min_dur * 1000);
	l->max_dur = llround(p->max_dur * 1000);
	/* At least the frames asked for: round up. */
	l->gap = (int64_t)ceil(p->min_gap * 1000 / o->fps - 1e-9);
	l->chain = llround(p->chain * 1000);
	l->window = llround(p->shot_window * 1000);
	l->out = (int64_t)ceil(p->shot_out * 1000 / o->fps - 1e-9);
}

/* The shot change nearest to t, or -1 when there is none. */
static int64_t
nearest(const int64_t *s, size_t n, int64_t t)
{
	size_t lo = 0, hi = n;

	if (n == 0)
		return -1;
	while (lo < hi) {		/* first s[i] >= t */
		size_t mid = (lo + hi) / 2;

		if (s[mid] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == n)
		return s[n - 1];
	if (lo > 0 && t - s[lo - 1] < s[lo] - t)
		return s[lo - 1];
	return s[lo];
}

static int64_t
i64abs(int64_t x)
{
	return x < 0 ? -x : x;
}

/* Does a cue starting at s start just off a shot change?  Sets *t. */
static int
start_off(int64_t s, const int64_t *sh, size_t ns,
    const struct fix_limits *l, int64_t *t)
{
	*t = nearest(sh, ns, s);
	return *t >= 0 && *t != s && i64abs(*t - s) < l->window;
}

/* Does a cue ending at e end just off a shot change?  Sets *t. */
static int
end_off(int64_t e, const int64_t *sh, size_t ns,
    const struct fix_limits *l, int64_t *t)
{
	int64_t back = l->out > l->gap ? l->out : l->gap;

	*t = nearest(sh, ns, e + l->out);
	if (*t < 0)
		return 0;
	if (e >= *t - back && e <= *t - l->out)
		return 0;
	return i64abs(e - (*t - l->out)) < l->window;
}

/* The time the text needs on screen. */
static int64_t
need_of(const struct fix_cue *c, const struct fix_limits *l)
{
	int64_t r = (int64_t)ceil(c->chars * 1000.0 / l->cps);

	return r > l->min_dur ? r : l->min_dur;
}

static void
set_end(struct fix_cue *c, int64_t e, const char *rule,
    struct fix_report *r)
{
	if (e == c->end)
		return;
	rep_change(r, c, rule, "end", c->end, e);
	c->end = e;
}

static void
set_start(struct fix_cue *c, int64_t s, const char *rule,
    struct fix_report *r)
{
	if (s == c->start)
		return;
	rep_change(r, c, rule, "start", c->start, s);
	c->start = s;
}

void
fix_timing(struct fix_cue *c, size_t n, const int64_t *sh, size_t ns,
    const struct fix_limits *l, struct fix_report *r)
{
	size_t i;
	int64_t t, s, e, need, limit, back, cand[4];
	int k;

	/* 1: starts onto shot changes. */
	for (i = 0; i < n; i++) {
		if (!start_off(c[i].start, sh, ns, l, &t)) {
			c[i].snapped = nearest(sh, ns, c[i].start) ==
			    c[i].start;
			continue;
		}
		if (t < c[i].end && (i == 0 || t >= c[i - 1].start)) {
			set_start(&c[i], t, "shot-change", r);
			c[i].snapped = 1;
		}
	}
	/* 2: ends. */
	back = l->out > l->gap ? l->out : l->gap;
	for (i = 0; i < n; i++) {
		s = c[i].start;
		e = c[i].end;
		need = need_of(&c[i], l);
		limit = i + 1 < n ? c[i + 1].start - l->gap : INT64_MAX;
		if (e > limit && limit > s)
			set_end(&c[i], e = limit, "gap", r);
		if (e - s < need && e < limit) {
			int64_t ne = s + need < limit ? s + need : limit;

			set_end(&c[i], e = ne, need == l->min_dur ?
			    "min-duration" : "reading-speed", r);
		}
		if (e - s > l->max_dur)
			set_end(&c[i], e = s + l->max_dur, "max-duration", r);
		if (i + 1 < n && e < limit && c[i + 1].start - e <= l->chain &&
		    limit - s <= l->max_dur)
			set_end(&c[i], e = limit, "chain", r);
		if (!end_off(e, sh, ns, l, &t))
			continue;
		cand[0] = t - l->out;
		cand[1] = t - back;
		cand[2] = t - l->out + l->window;
		cand[3] = t - l->out - l->window;
		for (k = 0; k < 4; k++) {
			int64_t d = cand[k] - s;

			if (cand[k] > s && cand[k] <= limit &&
			    d <= l->max_dur && d >= (need < e - s ? need :
			    e - s) && !end_off(cand[k], sh, ns, l, &t)) {
				set_end(&c[i], cand[k], "shot-change", r);
				break;
			}
		}
	}
	/* 3: earlier starts for text that is still short of time. */
	for (i = 0; i < n; i++) {
		int64_t lo = i > 0 ? c[i - 1].end + l->gap : 0;

		need = need_of(&c[i], l);
		e = c[i].end;
		if (c[i].snapped || e - c[i].start >= need)
			continue;
		s = e - need;
		if (s < c[i].start - l->window)
			s = c[i].start - l->window;
		if (s < lo)
			s = lo;
		if (s >= c[i].start)
			continue;
		/* Never back across a shot change: start on it instead. */
		t = nearest(sh, ns, c[i].start);
		if (t >= 0 && t < c[i].start && t > s)
			s = t;
		if (start_off(s, sh, ns, l, &t))
			s = t >= lo && t < c[i].start ? t : c[i].start;
		set_start(&c[i], s, "reading-speed", r);
	}
}

/* Why the end of cue i cannot move out further. */
static void
why_end(char *buf, size_t len, const struct fix_cue *c, size_t i,
    size_t n, const struct fix_limits *l)
{
	if (i + 1 < n && c[i + 1].start - c[i].end <= l->gap)
		snprintf(buf, len, "cue %ld starts at %.3f s", c[i + 1].num,
		    c[i + 1].start / 1000.0);
	else if (c[i].end - c[i].start >= l->max_dur)
		snprintf(buf, len, "the text needs more than the maximum "
		    "duration: split the cue");
	else
		snprintf(buf, len, "a shot change holds the end at %.3f s",
		    c[i].end / 1000.0);
}

long
fix_verify(const struct fix_cue *c, size_t n, const int64_t *sh, size_t ns,
    const struct fix_limits *l, struct fix_report *r)
{
	size_t i;
	int64_t d, t;
	long bad = 0;
	char why[160];

	for (i = 0; i < n; i++) {
		d = c[i].end - c[i].start;
		if (d < l->min_dur) {
			why_end(why, sizeof(why), c, i, n, l);
			rep_problem(r, &c[i], "min-duration", d / 1000.0,
			    l->min_dur / 1000.0, why);
			bad++;
		}
		if (c[i].chars > 0 && (d <= 0 ||
		    c[i].chars * 1000.0 / (double)d > l->cps + 1e-9)) {
			if (ceil(c[i].chars * 1000.0 / l->cps) > l->max_dur)
				snprintf(why, sizeof(why), "the text needs "
				    "%.1f s, more than the maximum duration: "
				    "split the cue", c[i].chars / l->cps);
			else
				why_end(why, sizeof(why), c, i, n, l);
			rep_problem(r, &c[i], "reading-speed", d > 0 ?
			    c[i].chars * 1000.0 / (double)d : INFINITY,
			    l->cps, why);
			bad++;
		}
		if (d > l->max_dur) {
			rep_problem(r, &c[i], "max-duration", d / 1000.0,
			    l->max_dur / 1000.0, "internal: not shortened");
			bad++;
		}
		if (i + 1 < n && c[i + 1].start - c[i].end < l->gap) {
			if (c[i + 1].start <= c[i].start)
				snprintf(why, sizeof(why), "cue %ld starts at "
				    "the same time", c[i + 1].num);
			else
				snprintf(why, sizeof(why), "shortening it "
				    "would leave too little time: cue %ld "
				    "starts at %.3f s", c[i + 1].num,
				    c[i + 1].start / 1000.0);
			rep_problem(r, &c[i], "gap",
			    (c[i + 1].start - c[i].end) / 1000.0,
			    l->gap / 1000.0, why);
			bad++;
		}
		if (start_off(c[i].start, sh, ns, l, &t)) {
			snprintf(why, sizeof(why), "the start is %.3f s from "
			    "the shot change at %.3f s and cannot move onto "
			    "it", (c[i].start - t) / 1000.0, t / 1000.0);
			rep_problem(r, &c[i], "shot-change-start",
			    c[i].start / 1000.0, t / 1000.0, why);
			bad++;
		}
		if (end_off(c[i].end, sh, ns, l, &t)) {
			snprintf(why, sizeof(why), "the end is %.3f s from "
			    "the shot change at %.3f s and cannot move onto "
			    "or away from it", (c[i].end - t) / 1000.0,
			    t / 1000.0);
			rep_problem(r, &c[i], "shot-change-end",
			    c[i].end / 1000.0, t / 1000.0, why);
			bad++;
		}
	}
	return bad;
}
