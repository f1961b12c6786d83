/*
 * seg: segment records in, a frame-exact plan out.  See seg.h.
 */
#include <sys/stat.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seg.h"

/* Whether the record's src names the file being cut. */
static int
same_source(const char *src, const char *path)
{
	struct stat a, b;
	const char *x, *y;

	if (strcmp(src, path) == 0)
		return 1;
	if (stat(src, &a) == 0 && stat(path, &b) == 0)
		return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
	/* Records made in another directory: compare the file names. */
	x = strrchr(src, '/');
	y = strrchr(path, '/');
	return strcmp(x ? x + 1 : src, y ? y + 1 : path) == 0;
}

/* Reads one segment from rec.  Returns 0, or -1 with e filled. */
static int
parse(struct ndj_reader *r, const json_t *rec, const char *src_path,
    struct seg *s, struct rerr *e)
{
	const char *src = NULL, *tr = NULL;
	long long order = -1;

	s->xdur = -1;
	if (ndj_get_num(r, rec, "start", 0, &s->start, e) < 0 ||
	    ndj_get_num(r, rec, "end", 0, &s->end, e) < 0 ||
	    ndj_get_int(r, rec, "order", 1, &order, e) < 0 ||
	    ndj_get_str(r, rec, "src", 1, &src, e) < 0 ||
	    ndj_get_str(r, rec, "transition", 1, &tr, e) < 0 ||
	    ndj_get_num(r, rec, "transition_dur", 1, &s->xdur, e) < 0)
		return -1;
	if (json_object_get(rec, "order") != NULL && order < 0)
		return rerr_set(e, EX_DATAERR, ndj_name(r), ndj_line(r),
		    "negative 'order' (%lld)", order), -1;
	s->order = order;
	if (!isfinite(s->start) || !isfinite(s->end) || s->start < 0)
		return rerr_set(e, EX_DATAERR, ndj_name(r), ndj_line(r),
		    "segment starts before the video (%g s)", s->start), -1;
	if (s->end <= s->start)
		return rerr_set(e, EX_DATAERR, ndj_name(r), ndj_line(r),
		    "segment ends before it starts (%g .. %g s)", s->start,
		    s->end), -1;
	if (tr == NULL || strcmp(tr, "cut") == 0)
		s->xfade = 0;
	else if (strcmp(tr, "crossfade") == 0 || strcmp(tr, "dissolve") == 0)
		s->xfade = 1;
	else
		return rerr_set(e, EX_DATAERR, ndj_name(r), ndj_line(r),
		    "unknown transition '%s' (cut or crossfade)", tr), -1;
	if (json_object_get(rec, "transition_dur") != NULL &&
	    !(s->xdur >= 0 && s->xdur < 1e6))
		return rerr_set(e, EX_DATAERR, ndj_name(r), ndj_line(r),
		    "bad 'transition_dur' (%g s)", s->xdur), -1;
	if (src != NULL && !same_source(src, src_path))
		return rerr_set(e, EX_DATAERR, ndj_name(r), ndj_line(r),
		    "segment is from '%s', not from '%s'", src, src_path), -1;
	return 0;
}

int
seg_read(struct ndj_reader *r, const char *src_path, struct ndj_policy *pol,
    struct seg **sp, int *np, struct rerr *e)
{
	struct seg *v = NULL;
	json_t *rec;
	int cap = 0, n = 0, k, rv = 0;

	while ((k = ndj_next(r, &rec, e)) != 0) {
		struct seg s = { 0 };
		const char *type;

		if (k < 0) {
			if (e->code != EX_DATAERR)
				goto fail;
			if ((rv = ndj_policy_bad(pol, e)) != 0)
				goto reported;
			continue;
		}
		type = json_string_value(json_object_get(rec, "type"));
		if (type == NULL || strcmp(type, "segment") != 0) {
			json_decref(rec);
			continue;
		}
		k = parse(r, rec, src_path, &s, e);
		json_decref(rec);
		if (k < 0) {
			if ((rv = ndj_policy_bad(pol, e)) != 0)
				goto reported;
			continue;
		}
		ndj_policy_ok(pol);
		s.line = ndj_line(r);
		if (n == cap) {
			struct seg *v2;

			cap = cap ? 2 * cap : 16;
			if ((v2 = realloc(v, (size_t)cap * sizeof(*v))) ==
			    NULL) {
				rv = rerr_set(e, EX_SOFTWARE, NULL, 0,
				    "out of memory");
				goto fail;
			}
			v = v2;
		}
		v[n++] = s;
	}
	if ((rv = ndj_policy_end(pol)) != 0)
		goto reported;
	if (n == 0) {
		rv = rerr_set(e, EX_DATAERR, ndj_name(r), 0,
		    "no segment records");
		goto fail;
	}
	*sp = v;
	*np = n;
	return 0;
reported:
	/* ndj_policy_bad and ndj_policy_end have printed the message. */
	e->code = rv;
	e->msg[0] = '\0';
fail:
	free(v);
	if (rv == 0)
		rv = e->code;
	return rv;
}

/* By order; records without one keep their place (by line). */
static int
by_order(const void *a, const void *b)
{
	const struct seg *x = a, *y = b;
	long long ox = x->order >= 0 ? x->order : x->line;
	long long oy = y->order >= 0 ? y->order : y->line;

	if (ox != oy)
		return ox < oy ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

static int
by_start(const void *a, const void *b)
{
	const struct seg *x = *(struct seg *const *)a;
	const struct seg *y = *(struct seg *const *)b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* round(v * num / den) for v >= 0, exactly in integers. */
static long long
rescale(long long v, long long num, long long den)
{
	return (long long)(((__int128)v * num * 2 + den) / (2 * (__int128)den));
}

int
seg_plan(struct seg *s, int n, const struct seg_plan_opts *o,
    const char *name, struct rerr *e)
{
	struct seg **byst;
	double fps = (double)o->fps_num / o->fps_den, half = 0.5 / fps, sum;
	long long fprev, aprev;
	int i, rv = 0;

	qsort(s, (size_t)n, sizeof(*s), by_order);
	for (i = 1; i < n; i++)
		if (s[i].order >= 0 && s[i].order == s[i - 1].order)
			return rerr_set(e, EX_DATAERR, name, s[i].line,
			    "segment has the same order (%lld) as the one at "
			    "line %ld", s[i].order, s[i - 1].line);

	/* Overlaps, in source order. */
	if ((byst = malloc((size_t)n * sizeof(*byst))) == NULL)
		return rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
	for (i = 0; i < n; i++)
		byst[i] = &s[i];
	qsort(byst, (size_t)n, sizeof(*byst), by_start);
	for (i = 1; i < n && rv == 0; i++)
		if (byst[i - 1]->end > byst[i]->start + half)
			rv = rerr_set(e, EX_DATAERR, name, byst[i]->line,
			    "segment %g .. %g s overlaps the one at line %ld "
			    "(%g .. %g s)", byst[i]->start, byst[i]->end,
			    byst[i - 1]->line, byst[i - 1]->start,
			    byst[i - 1]->end);
	free(byst);
	if (rv != 0)
		return rv;

	sum = 0;
	fprev = aprev = 0;
	for (i = 0; i < n; i++) {
		long long f, a;
		double x;

		if (o->duration > 0 && s[i].end > o->duration + half)
			return rerr_set(e, EX_DATAERR, name, s[i].line,
			    "segment %g .. %g s ends after the video (%.3f s)",
			    s[i].start, s[i].end, o->duration);
		sum += s[i].end - s[i].start;
		f = llround(sum * fps);
		s[i].n = (long)(f - fprev);
		if (s[i].n < 1)
			return rerr_set(e, EX_DATAERR, name, s[i].line,
			    "segment %g .. %g s is shorter than a frame",
			    s[i].start, s[i].end);
		s[i].f0 = llround(s[i].start * fps);
		a = o->rate > 0 ? rescale(f, (long long)o->rate * o->fps_den,
		    o->fps_num) : 0;
		s[i].an = a - aprev;
		fprev = f;
		aprev = a;
		x = 0;
		if (i > 0)
			x = o->crossfade >= 0 ? o->crossfade : !s[i].xfade ? 0 :
			    s[i].xdur >= 0 ? s[i].xdur :
			    SEG_XFADE_DEFAULT_MS / 1000.0;
		s[i].c = (long)llround(x * fps);
		s[i].ac = o->rate > 0 ? rescale(s[i].c, (long long)o->rate *
		    o->fps_den, o->fps_num) : 0;
	}
	for (i = 0; i < n; i++) {
		long out = i + 1 < n ? s[i + 1].c : 0;

		if (s[i].c + out > s[i].n)
			return rerr_set(e, EX_DATAERR, name, s[i].line,
			    "segment %g .. %g s (%ld frames) is shorter than "
			    "its crossfades (%ld + %ld frames)", s[i].start,
			    s[i].end, s[i].n, s[i].c, out);
	}
	return 0;
}

long
seg_frames(const struct seg *s, int n)
{
	long t = 0;
	int i;

	for (i = 0; i < n; i++)
		t += s[i].n - s[i].c;
	return t;
}

long long
seg_samples(const struct seg *s, int n)
{
	long long t = 0;
	int i;

	for (i = 0; i < n; i++)
		t += s[i].an - s[i].ac;
	return t;
}
