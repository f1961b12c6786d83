/*
 * subalign's run: read both inputs, build the signals, solve, write.
 * Nothing is written unless the alignment is complete and confident.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "align.h"
#include "atomic.h"
#include "cli.h"
#include "vad.h"

static int
read_subs(const char *path, struct sub_doc *doc, struct rerr *e)
{
	struct sub_ropts ro = { 0 };
	struct ndj_policy pol = NDJ_POLICY_DEFAULT;
	char *buf = NULL;
	size_t len = 0;
	int rv;

	if ((rv = cli_slurp(path, &buf, &len, e)) != 0)
		return rv;
	ro.name = cli_name(path);
	ro.hint = sub_fmt_from_path(path);
	rv = sub_read(buf, len, &ro, &pol, doc, e);
	free(buf);
	return rv;
}

static int
cmp_cue(const void *a, const void *b)
{
	const struct align_cue *x = a, *y = b;

	return x->a < y->a ? -1 : x->a > y->a;
}

/* The cues of doc, sorted by start; reversed cues are an error. */
static int
cues_of(const struct sub_doc *doc, const char *name, int allow_overlap,
    struct align_cue **out, size_t *n, struct rerr *e)
{
	struct align_cue *c;
	size_t i, k = 0;

	if ((c = calloc(doc->n + 1, sizeof(*c))) == NULL)
		return rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
	for (i = 0; i < doc->n; i++) {
		const struct sub_item *it = &doc->v[i];

		if (it->type != SUB_CUE)
			continue;
		if (it->end < it->start) {
			free(c);
			return rerr_set(e, EX_DATAERR, name, it->line,
			    "cue ends before it starts");
		}
		c[k].a = it->start / 1000.0;
		c[k].b = it->end / 1000.0;
		c[k].item = i;
		k++;
	}
	if (k == 0) {
		free(c);
		return rerr_set(e, EX_DATAERR, name, 0, "no cues");
	}
	qsort(c, k, sizeof(*c), cmp_cue);
	/*
	 * Cues that overlap a little (a hand-timed file, two speakers) are
	 * normal; one that overlaps another by more than half of the
	 * shorter is a broken file (a track merged twice, ends that are
	 * really the next start) unless the caller says it is meant.
	 */
	for (i = 1; i < k && !allow_overlap; i++) {
		size_t j;

		for (j = i; j-- > 0 && c[j].a <= c[i].a;) {
			double ov = (c[j].b < c[i].b ? c[j].b : c[i].b) - c[i].a;
			double sh = c[j].b - c[j].a < c[i].b - c[i].a ?
			    c[j].b - c[j].a : c[i].b - c[i].a;

			if (ov > 0 && ov > 0.5 * sh) {
				long la = doc->v[c[j].item].line;
				long lb = doc->v[c[i].item].line;

				free(c);
				return rerr_set(e, EX_DATAERR, name,
				    la > lb ? la : lb, "cue overlaps the cue "
				    "at line %ld by %.3f s, more than half of "
				    "the shorter (--allow-overlap if it is "
				    "meant)", la > lb ? lb : la, ov);
			}
			if (i - j > 8)	/* long-past cues cannot reach */
				break;
		}
	}
	*out = c;
	*n = k;
	return 0;
}

/* Seconds covered by at least one cue (c sorted by start). */
static double
cue_time(const struct align_cue *c, size_t n)
{
	double t = 0, end = -1e300;
	size_t k;

	for (k = 0; k < n; k++) {
		double a = c[k].a > end ? c[k].a : end;

		if (c[k].b > a)
			t += c[k].b - a;
		if (c[k].b > end)
			end = c[k].b;
	}
	return t;
}

/*
 * The reference signal, -1..1 per 10 ms frame.  Audio with almost no
 * speech (under 1 s, or under 5 % of the time the cues cover: noise,
 * music, silence, the wrong file) is refused: no offset found in it
 * could be right.
 */
static int
reference(const struct align_opts *o, double cuetime, float **r, long *nr,
    struct rerr *e)
{
	long i, sp = 0;
	double dur;

	if (o->ref_subs) {
		struct sub_doc d = { 0 };
		struct align_cue *c;
		size_t n, k;
		int rv;

		if ((rv = read_subs(o->ref, &d, e)) != 0 ||
		    (rv = cues_of(&d, o->ref, 1, &c, &n, e)) != 0) {
			sub_doc_free(&d);
			return rv;
		}
		*nr = lround(c[n - 1].b * 100) + 100;
		if ((*r = malloc((size_t)*nr * sizeof(float))) == NULL)
			return rerr_set(e, EX_SOFTWARE, NULL, 0, "oom");
		for (i = 0; i < *nr; i++)
			(*r)[i] = -1;
		for (k = 0; k < n; k++)
			for (i = lround(c[k].a * 100); i < lround(c[k].b * 100)
			    && i < *nr; i++)
				(*r)[i] = 1;
		free(c);
		sub_doc_free(&d);
		return 0;
	}
	if ((i = vad_file(o->ref, r, nr, &dur, e)) != 0) {
		if (e->file[0] == '\0')
			snprintf(e->file, sizeof(e->file), "%s", o->ref);
		return (int)i;
	}
	for (i = 0; i < *nr; i++) {
		if ((*r)[i] > 0.5f)
			sp++;
		(*r)[i] = 2 * (*r)[i] - 1;
	}
	if (sp < 100 || sp / 100.0 < 0.05 * cuetime)
		return rerr_set(e, EX_DATAERR, o->ref, 0,
		    "no speech in the audio: %.2f s found for %.1f s of "
		    "subtitles", sp / 100.0, cuetime);
	return 0;
}

static json_t *
align_record(const struct align_result *res, const struct align_cue *c,
    size_t n)
{
	json_t *rec = json_object(), *sp = json_array();
	size_t k;

	json_object_set_new(rec, "type", json_string("align"));
	json_object_set_new(rec, "offset", ndj_real(
	    res->seg[0] / 100.0, 3));
	json_object_set_new(rec, "scale", ndj_real(res->scale, 6));
	for (k = 1; k < n; k++)
		if (res->seg[k] != res->seg[k - 1]) {
			json_t *s = json_object();

			json_object_set_new(s, "t", ndj_real(
			    c[k].a * res->scale + res->seg[k] / 100.0, 3));
			json_object_set_new(s, "offset", ndj_real(
			    res->seg[k] / 100.0, 3));
			json_array_append_new(sp, s);
		}
	json_object_set_new(rec, "splits", sp);
	json_object_set_new(rec, "score", ndj_real(res->score, 3));
	json_object_set_new(rec, "cues", json_integer((json_int_t)n));
	return rec;
}

/* Writes NDJSON cues with their confidence added. */
static int
write_ndjson(FILE *fp, const struct sub_doc *doc, const double *conf)
{
	char *s = NULL, *line, *save = NULL;
	size_t len = 0, i = 0;
	FILE *m = open_memstream(&s, &len);
	int rv = 0;

	if (m == NULL || sub_write_ndjson(m, doc) != 0 || fclose(m) != 0)
		return -1;
	for (line = strtok_r(s, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		json_t *j = json_loads(line, 0, NULL);

		while (i < doc->n && doc->v[i].type != SUB_CUE)
			i++;
		if (j != NULL && json_is_string(json_object_get(j, "type")) &&
		    strcmp(json_string_value(json_object_get(j, "type")),
		    "cue") == 0 && i < doc->n) {
			json_object_set_new(j, "conf",
			    ndj_real(conf[i], 3));
			i++;
		}
		if (j == NULL || ndj_write(fp, j) != 0)
			rv = -1;
		json_decref(j);
	}
	free(s);
	return rv;
}

int
align_run(const struct align_opts *o)
{
	struct rerr e = { 0 };
	struct sub_doc doc = { 0 };
	struct align_cue *c = NULL;
	struct align_result res = { 0 };
	struct atomic_file *af = NULL;
	float *r = NULL;
	long nr = 0;
	size_t n = 0, k;
	double *conf = NULL, span;
	json_t *rec = NULL;
	enum sub_fmt to;
	FILE *out;
	int rv;

	if ((rv = read_subs(o->input, &doc, &e)) != 0 ||
	    (rv = cues_of(&doc, cli_name(o->input), o->allow_overlap, &c, &n,
	    &e)) != 0 ||
	    (rv = reference(o, cue_time(c, n), &r, &nr, &e)) != 0) {
		cli_report(&e);
		goto out;
	}
	span = c[n - 1].b - c[0].a;
	if (nr / 100.0 < 0.5 * span) {
		cli_warn("%s: the reference (%.1f s) is much shorter than the "
		    "subtitles (%.1f s)", o->ref, nr / 100.0, span);
		rv = EX_DATAERR;
		goto out;
	}
	res.lag = calloc(n, sizeof(long));
	res.conf = calloc(n, sizeof(double));
	res.seg = calloc(n, sizeof(long));
	conf = calloc(doc.n + 1, sizeof(double));
	if (res.lag == NULL || res.conf == NULL || res.seg == NULL ||
	    conf == NULL ||
	    align_solve(r, nr, c, n, o, &res) != 0) {
		cli_warn("out of memory");
		rv = EX_SOFTWARE;
		goto out;
	}
	rec = align_record(&res, c, n);
	if (res.score < o->min_conf) {
		cli_warn("%s: alignment score %.3f is below --min-confidence "
		    "%.3f: nothing written", cli_name(o->input), res.score,
		    o->min_conf);
		rv = EX_DATAERR;
		goto report;
	}
	for (k = 0; k < n; k++) {
		struct sub_item *it = &doc.v[c[k].item];
		double d = res.lag[k] / 100.0;

		it->start = llround((c[k].a * res.scale + d) * 1000);
		it->end = llround((c[k].b * res.scale + d) * 1000);
		if (it->start < 0)
			it->start = 0;
		if (it->end < it->start)
			it->end = it->start;
		conf[c[k].item] = res.conf[k];
	}
	to = o->to != SUB_NONE ? o->to : doc.fmt;
	if ((out = atomic_open_output(o->output, &af, &e)) == NULL) {
		rv = cli_report(&e);
		goto report;
	}
	if ((to == SUB_NDJSON ? write_ndjson(out, &doc, conf) :
	    sub_write(out, &doc, to)) != 0) {
		if (af != NULL) {
			atomic_close_output(af, 0, &e);
			cli_warn("%s: %s", o->output, strerror(errno));
			rv = EX_IOERR;
		}
		goto report;
	}
	if (atomic_close_output(af, 1, &e) != 0)
		rv = cli_report(&e);
report:
	if (o->report != NULL) {
		struct atomic_file *rf = NULL;
		FILE *fp = atomic_open_output(o->report, &rf, &e);

		if (fp == NULL || ndj_write(fp, rec) != 0 ||
		    atomic_close_output(rf, 1, &e) != 0) {
			cli_report(&e);
			if (rv == 0)
				rv = EX_CANTCREAT;
		}
	} else if (rec != NULL)
		ndj_write(stderr, rec);
out:
	json_decref(rec);
	sub_doc_free(&doc);
	free(c);
	free(r);
	free(res.lag);
	free(res.conf);
	free(res.seg);
	free(conf);
	return rv;
}
