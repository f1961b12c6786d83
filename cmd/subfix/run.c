/*
 * subfix's run: read the subtitles and the shot changes, fix the layout
 * and the timing, check the result, write it atomically and report.
 * Nothing is written when an input is bad.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic.h"
#include "cli.h"
#include "subfix.h"

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * The shot changes: the start of every scene record but the first of its
 * source (which is the start of the video, not a cut).  Sorted, unique.
 */
static int
read_shots(const char *path, struct ndj_policy *pol, int64_t **out,
    size_t *n, struct rerr *e)
{
	struct ndj_reader *r;
	json_t *rec;
	int64_t *v = NULL;
	size_t k = 0, cap = 0, i, j;
	int rv = 0, got;

	if ((r = ndj_open(path, e)) == NULL)
		return e->code;
	while ((got = ndj_next(r, &rec, e)) != 0) {
		const char *type = NULL, *in = NULL;
		double t;

		if (got < 0 ||
		    ndj_get_str(r, rec, "type", 0, &type, e) != 0 ||
		    (strcmp(type, "scene") == 0 &&
		    (ndj_get_num(r, rec, "start", 0, &t, e) != 0 ||
		    ndj_get_str(r, rec, "in", 1, &in, e) < 0 ||
		    ((!isfinite(t) || t < 0) && rerr_set(e, EX_DATAERR,
		    ndj_name(r), ndj_line(r), "'start' is out of range: %g",
		    t))))) {
			if (got > 0)
				json_decref(rec);
			if (e->code != EX_DATAERR)
				goto out;
			if ((rv = ndj_policy_bad(pol, e)) != 0) {
				e->code = 0;	/* reported */
				goto out;
			}
			continue;
		}
		ndj_policy_ok(pol);
		if (strcmp(type, "scene") == 0 && t > 0 &&
		    (in == NULL || strcmp(in, "start") != 0)) {
			if (k == cap && (v = realloc(v, (cap = cap ? cap * 2 :
			    64) * sizeof(*v))) == NULL)
				abort();
			v[k++] = llround(t * 1000);
		}
		json_decref(rec);
	}
	if ((rv = ndj_policy_end(pol)) != 0) {
		e->code = 0;
		goto out;
	}
	if (k > 0)
		qsort(v, k, sizeof(*v), cmp_i64);
	for (i = j = 0; i < k; i++)
		if (j == 0 || v[i] != v[j - 1])
			v[j++] = v[i];
	*out = v;
	*n = j;
	v = NULL;
out:
	if (rv == 0 && e->code != 0 && e->code != EX_DATAERR)
		rv = e->code;
	ndj_close(r);
	free(v);
	return rv;
}

static json_t *
rec_of(const char *type, const struct fix_cue *c, const char *rule)
{
	json_t *j = json_object();

	json_object_set_new(j, "type", json_string(type));
	json_object_set_new(j, "cue", json_integer(c->num));
	json_object_set_new(j, "line", json_integer(c->line));
	json_object_set_new(j, "rule", json_string(rule));
	return j;
}

void
rep_change(struct fix_report *r, const struct fix_cue *c, const char *rule,
    const char *field, int64_t from, int64_t to)
{
	json_t *j = rec_of("fix", c, rule);

	json_object_set_new(j, "field", json_string(field));
	json_object_set_new(j, "from", ndj_real(from / 1000.0, 3));
	json_object_set_new(j, "to", ndj_real(to / 1000.0, 3));
	ndj_write(r->fp, j);
	json_decref(j);
	r->changes++;
}

void
rep_text(struct fix_report *r, const struct fix_cue *c, const char *rule,
    const char *from, const char *to)
{
	json_t *j = rec_of("fix", c, rule);

	json_object_set_new(j, "field", json_string("text"));
	json_object_set_new(j, "from", json_string(from));
	json_object_set_new(j, "to", json_string(to));
	ndj_write(r->fp, j);
	json_decref(j);
	r->changes++;
}

/* A cue split into parts (an array of texts, taken). */
static void
rep_split(struct fix_report *r, const struct fix_cue *c, const char *from,
    json_t *parts)
{
	json_t *j = rec_of("fix", c, "split");

	json_object_set_new(j, "field", json_string("text"));
	json_object_set_new(j, "from", json_string(from));
	json_object_set_new(j, "to", parts);
	ndj_write(r->fp, j);
	json_decref(j);
	r->changes++;
}

void
rep_problem(struct fix_report *r, const struct fix_cue *c, const char *rule,
    double value, double limit, const char *why)
{
	json_t *j = rec_of("violation", c, rule);

	json_object_set_new(j, "value", ndj_real(value, 3));
	json_object_set_new(j, "limit", ndj_real(limit, 3));
	json_object_set_new(j, "reason", json_string(why));
	ndj_write(r->fp, j);
	json_decref(j);
	r->problems++;
}

static int
cmp_cue(const void *a, const void *b)
{
	const struct fix_cue *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->num < y->num ? -1 : x->num > y->num;
}

/* The cues of doc in file order; a reversed cue is bad data. */
static int
cues_of(const struct sub_doc *doc, const char *name, struct fix_cue **out,
    size_t *n, struct rerr *e)
{
	struct fix_cue *c;
	size_t i, k = 0;

	if ((c = calloc(doc->n + 1, sizeof(*c))) == NULL)
		abort();
	for (i = 0; i < doc->n; i++) {
		const struct sub_item *it = &doc->v[i];

		if (it->type != SUB_CUE)
			continue;
		if (it->end < it->start) {
			free(c);
			return rerr_set(e, EX_DATAERR, name, it->line,
			    "cue ends before it starts");
		}
		c[k].item = i;
		c[k].num = (long)k;
		c[k].line = it->line;
		c[k].start = it->start;
		c[k].end = it->end;
		k++;
	}
	*out = c;
	*n = k;
	return 0;
}

/* A copy of a string field, NULL stays NULL. */
static char *
dup(const char *s)
{
	char *d;

	if (s == NULL)
		return NULL;
	if ((d = strdup(s)) == NULL)
		abort();
	return d;
}

/*
 * A later part of a split cue: its styling and placement, its number,
 * line and record (but not a WebVTT id, which stays on the first part);
 * text and times are the caller's.
 */
static void
clone_item(const struct sub_item *it, struct sub_item *q)
{
	memset(q, 0, sizeof(*q));
	q->type = it->type;
	q->line = it->line;
	q->settings = dup(it->settings);
	q->region = dup(it->region);
	q->style = dup(it->style);
	q->actor = dup(it->actor);
	q->effect = dup(it->effect);
	q->has_ass = it->has_ass;
	q->layer = it->layer;
	q->margin_l = it->margin_l;
	q->margin_r = it->margin_r;
	q->margin_v = it->margin_v;
	q->reg = it->reg;
	if (it->rec != NULL) {
		q->rec = json_deep_copy(it->rec);
		json_object_del(q->rec, "id");
	}
}

/*
 * --split: each cue whose text needs more lines than the profile allows,
 * or that is on screen longer than its longest duration, becomes parts
 * (lay_split).  The parts share the cue's time by their visible
 * characters, with the minimum gap between them where there is room, and
 * keep its number and line in reports; the first keeps its item, the
 * others are new items after it with its style, settings and region (a
 * WebVTT id only on the first).  doc and *cp are rebuilt in file order.
 */
static void
split_cues(struct sub_doc *doc, struct fix_cue **cp, size_t *np,
    const struct fix_limits *l, struct fix_report *r)
{
	struct fix_cue *c = *cp, *nc;
	struct sub_item *nv;
	size_t n = *np, i, k = 0, p, P, nn = 0, ni = 0, extra = 0;
	char ***parts;
	size_t *np_of;

	if ((parts = calloc(n + 1, sizeof(*parts))) == NULL ||
	    (np_of = calloc(n + 1, sizeof(*np_of))) == NULL)
		abort();
	for (k = 0; k < n; k++) {
		const struct sub_item *it = &doc->v[c[k].item];
		int64_t dur = c[k].end - c[k].start;
		size_t min = 1;

		if (l->max_dur > 0 && dur > l->max_dur)
			min = (size_t)((dur + l->max_dur - 1) / l->max_dur);
		np_of[k] = lay_split(it->text ? it->text : "", doc->markup,
		    l->max_chars, l->max_lines, min, &parts[k]);
		extra += np_of[k] - 1;
	}
	if (extra == 0)
		goto out;
	if ((nv = calloc(doc->n + extra, sizeof(*nv))) == NULL ||
	    (nc = calloc(n + extra + 1, sizeof(*nc))) == NULL)
		abort();
	for (i = 0, k = 0; i < doc->n; i++) {
		struct sub_item *it = &doc->v[i];
		int64_t dur, gap, *at;
		long total = 0, sofar = 0, *ch;
		json_t *parr;

		if (k >= n || c[k].item != i) {
			nv[ni++] = *it;
			continue;
		}
		if ((P = np_of[k]) == 1) {
			nc[nn] = c[k];
			nc[nn++].item = ni;
			nv[ni++] = *it;
			k++;
			continue;
		}
		if ((ch = calloc(P, sizeof(*ch))) == NULL ||
		    (at = calloc(P + 1, sizeof(*at))) == NULL)
			abort();
		for (p = 0; p < P; p++)
			total += ch[p] = lay_chars(parts[k][p],
			    strlen(parts[k][p]), doc->markup);
		/* Part p starts at at[p]: the cue's time shared by
		 * characters (evenly when there are none). */
		dur = c[k].end - c[k].start;
		for (p = 0; p <= P; p++) {
			at[p] = c[k].start + (total > 0 ? dur * sofar / total :
			    dur * (int64_t)p / (int64_t)P);
			if (p < P)
				sofar += ch[p];
		}
		gap = dur > (int64_t)P * 2 * l->gap ? l->gap : 0;
		parr = json_array();
		for (p = 0; p < P; p++) {
			struct sub_item *q = &nv[ni];

			if (p == 0)
				*q = *it;	/* it->text is freed below */
			else
				clone_item(it, q);
			q->text = parts[k][p];
			if (q->rec != NULL)
				json_object_set_new(q->rec, "text",
				    json_string(q->text));
			json_array_append_new(parr, json_string(q->text));
			/* The gap comes out of the end of every part but
			 * the last. */
			nc[nn] = c[k];
			nc[nn].item = ni;
			nc[nn].start = at[p];
			nc[nn].end = p + 1 < P ? at[p + 1] - gap : c[k].end;
			if (nc[nn].end < nc[nn].start)
				nc[nn].end = nc[nn].start;
			q->start = nc[nn].start;
			q->end = nc[nn].end;
			nn++;
			ni++;
		}
		rep_split(r, &c[k], it->text ? it->text : "", parr);
		free(it->text);
		free(ch);
		free(at);
		free(parts[k]);
		parts[k] = NULL;
		k++;
	}
	free(doc->v);
	doc->v = nv;
	doc->n = doc->cap = ni;
	free(c);
	*cp = nc;
	*np = nn;
out:
	for (k = 0; k < n; k++)
		if (parts[k] != NULL) {
			for (p = 0; p < np_of[k]; p++)
				free(parts[k][p]);
			free(parts[k]);
		}
	free(parts);
	free(np_of);
}

/* Line breaks: rebreak what does not fit, report what still does not. */
static void
layout(struct sub_doc *doc, struct fix_cue *c, size_t n,
    const struct fix_limits *l, struct fix_report *r)
{
	enum sub_fmt m = doc->markup;
	long longest, lines;
	size_t k;
	char *t;

	for (k = 0; k < n; k++) {
		struct sub_item *it = &doc->v[c[k].item];
		const char *text = it->text ? it->text : "";

		if ((t = lay_rebreak(text, m, l->max_chars, l->max_lines,
		    l->one_line))
		    != NULL) {
			rep_text(r, &c[k], "line-breaks", text, t);
			free(it->text);
			it->text = t;
			if (it->rec != NULL)
				json_object_set_new(it->rec, "text",
				    json_string(t));
			text = t;
		}
		lay_measure(text, m, &longest, &lines);
		c[k].chars = lay_chars(text, strlen(text), m);
		if (longest > l->max_chars) {
			rep_problem(r, &c[k], "line-length", (double)longest,
			    (double)l->max_chars, lines > l->max_lines ?
			    "the text does not fit: split the cue" :
			    "a word or a speaker's line is longer than a line");
		}
		if (lines > l->max_lines)
			rep_problem(r, &c[k], "lines", (double)lines,
			    (double)l->max_lines, longest <= l->max_chars ?
			    "the text needs more lines: split the cue" :
			    "dialogue: one line per speaker");
	}
}

int
fix_run(const struct fix_opts *o, struct ndj_policy *pol)
{
	struct rerr e = { 0 };
	struct sub_ropts ro = { 0 };
	struct sub_doc doc = { 0 };
	struct ndj_policy spol = NDJ_POLICY_DEFAULT;
	struct fix_limits l;
	struct fix_report rep = { 0 };
	struct fix_cue *c = NULL;
	struct atomic_file *rf = NULL;
	int64_t *shots = NULL;
	size_t n = 0, ns = 0, k;
	enum sub_fmt to;
	json_t *sum;
	int rv;

	spol.skip_bad = pol->skip_bad;
	spol.max_bad_rate = pol->max_bad_rate;
	fix_limits(o, &l);
	ro = o->ro;
	ro.warn = sub_warn_stderr;
	to = o->to;
	ro.passthrough = to == SUB_NDJSON || to == SUB_NONE;
	if ((rv = sub_load(o->input, &ro, pol, &doc)) != 0)
		goto out;
	if ((rv = ndj_policy_end(pol)) != 0)
		goto out;
	if (to == SUB_NONE)
		to = doc.fmt;
	if ((rv = cues_of(&doc, cli_name(o->input), &c, &n, &e)) != 0 ||
	    (o->scenes != NULL &&
	    (rv = read_shots(o->scenes, &spol, &shots, &ns, &e)) != 0)) {
		if (e.code != 0)
			cli_report(&e);
		goto out;
	}
	if (o->report == NULL)
		rep.fp = stderr;
	else if ((rep.fp = atomic_open_output(o->report, &rf, &e)) == NULL) {
		rv = cli_report(&e);
		goto out;
	}
	if (o->split)
		split_cues(&doc, &c, &n, &l, &rep);
	layout(&doc, c, n, &l, &rep);
	qsort(c, n, sizeof(*c), cmp_cue);
	fix_timing(c, n, shots, ns, &l, &rep);
	fix_verify(c, n, shots, ns, &l, &rep);
	for (k = 0; k < n; k++) {
		doc.v[c[k].item].start = c[k].start;
		doc.v[c[k].item].end = c[k].end;
	}
	sum = json_object();
	json_object_set_new(sum, "type", json_string("subfix"));
	json_object_set_new(sum, "profile", json_string(o->p.name));
	json_object_set_new(sum, "fps", ndj_real(o->fps, 3));
	json_object_set_new(sum, "cues", json_integer((json_int_t)n));
	json_object_set_new(sum, "shots", json_integer((json_int_t)ns));
	json_object_set_new(sum, "changes", json_integer(rep.changes));
	json_object_set_new(sum, "violations", json_integer(rep.problems));
	ndj_write(rep.fp, sum);
	json_decref(sum);

	if ((rv = sub_save(o->output, &doc, to, &e)) != 0)
		cli_report(&e);
out:
	if (rf != NULL) {
		if (atomic_close_output(rf, rv == 0, &e) != 0 && rv == 0)
			rv = cli_report(&e);
	}
	sub_doc_free(&doc);
	free(c);
	free(shots);
	return rv;
}
