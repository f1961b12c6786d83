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
#include "media.h"
#include "vad.h"

/*
 * The longest programme: every signal is one value per 10 ms of it, so
 * one cue time far out (a typo, a hostile file) would otherwise ask for
 * gigabytes.  24 h is 8.64 M frames, about 150 MB of signals.
 */
#define MAXSPAN	(24 * 3600)

static int
read_subs(const char *path, const char *encoding, enum sub_fmt fmt,
    struct sub_doc *doc, struct rerr *e)
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
	ro.passthrough = 1;	/* fields of cue records: kept, and "lang" */
	ro.encoding = encoding;
	ro.fmt = fmt;
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
		if (it->end > MAXSPAN * 1000) {
			free(c);
			return rerr_set(e, EX_DATAERR, name, it->line,
			    "cue ends at %.3f s, past the %d h a programme may "
			    "span", it->end / 1000.0, MAXSPAN / 3600);
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

/* The activity of reference subtitles: 1 inside a cue, -1 outside. */
static int
reference_subs(const struct align_opts *o, float **r, long *nr,
    struct rerr *e)
{
	struct sub_doc d = { 0 };
	struct align_cue *c = NULL;
	size_t n, k;
	long i;
	int rv;

	if ((rv = read_subs(o->ref, NULL, SUB_NONE, &d, e)) != 0 ||
	    (rv = cues_of(&d, o->ref, 1, &c, &n, e)) != 0) {
		sub_doc_free(&d);
		return rv;
	}
	*nr = 0;
	for (k = 0; k < n; k++)
		if (lround(c[k].b * ALIGN_FPS) + 100 > *nr)
			*nr = lround(c[k].b * ALIGN_FPS) + 100;
	if ((*r = malloc((size_t)*nr * sizeof(float))) == NULL) {
		free(c);
		sub_doc_free(&d);
		return rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
	}
	for (i = 0; i < *nr; i++)
		(*r)[i] = -1;
	for (k = 0; k < n; k++)
		for (i = lround(c[k].a * ALIGN_FPS); i < lround(c[k].b *
		    ALIGN_FPS) && i < *nr; i++)
			(*r)[i] = 1;
	free(c);
	sub_doc_free(&d);
	return 0;
}

/*
 * The reference signal, -1..1 per 10 ms frame.  Audio with almost no
 * speech (under 1 s, or under 5 % of the time the cues cover: noise,
 * music, silence, the wrong file) is refused: no offset found in it
 * could be right.
 */
static int
reference(const struct align_opts *o, const struct sub_doc *doc,
    double cuetime, float **r, float **mod, float **flat, long *nr,
    int *stream, struct rerr *e)
{
	struct vad_out vout;
	long i, sp = 0;
	int rv;

	if (o->ref_subs)
		return reference_subs(o, r, nr, e);
	if ((rv = align_reference_audio(o, doc, &vout, stream, e)) != 0) {
		if (e->file[0] == '\0')
			snprintf(e->file, sizeof(e->file), "%s", o->ref);
		return rv;
	}
	if (vout.warn[0] != '\0')
		cli_warn("%s: %s", o->ref, vout.warn);
	*r = vout.prob;
	*mod = vout.mod;
	*flat = vout.flat;
	*nr = vout.n;
	if (*nr > (long)MAXSPAN * (long)ALIGN_FPS)
		return rerr_set(e, EX_DATAERR, o->ref, 0, "the audio lasts "
		    "%.0f s, past the %d h a programme may span", vout.dur,
		    MAXSPAN / 3600);
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
align_record(const struct align_result *res, const struct align_gate *g,
    const struct align_cue *c, size_t n)
{
	json_t *rec = json_object(), *sp = json_array();
	size_t k, j = SIZE_MAX;

	json_object_set_new(rec, "type", json_string("align"));
	for (k = 0; k < n && res->removed[k]; k++)
		;
	json_object_set_new(rec, "offset", ndj_real(
	    (k < n ? res->seg[k] : 0) / 100.0, 3));
	json_object_set_new(rec, "scale", ndj_real(res->scale, 6));
	for (k = 0; k < n; k++) {
		if (res->removed[k])
			continue;
		if (j != SIZE_MAX && res->seg[k] != res->seg[j]) {
			json_t *s = json_object();

			json_object_set_new(s, "t", ndj_real(
			    c[k].a * res->scale + res->seg[k] / 100.0, 3));
			json_object_set_new(s, "offset", ndj_real(
			    res->seg[k] / 100.0, 3));
			json_array_append_new(sp, s);
		}
		j = k;
	}
	json_object_set_new(rec, "splits", sp);
	json_object_set_new(rec, "score", ndj_real(res->score, 3));
	json_object_set_new(rec, "cues", json_integer((json_int_t)n));
	json_object_set_new(rec, "removed",
	    json_integer((json_int_t)res->nremoved));
	if (g->speech >= 0)
		json_object_set_new(rec, "speech", ndj_real(g->speech, 3));
	if (g->flat >= 0)
		json_object_set_new(rec, "flatness", ndj_real(g->flat, 3));
	if (g->contrast > -1)
		json_object_set_new(rec, "contrast",
		    ndj_real(g->contrast, 3));
	return rec;
}

/* What is written of each item: its confidence, whether it is removed. */
struct outcue {
	double	 conf;
	int	 removed;
};

/* Writes NDJSON cues with their confidence (and removed flag) added. */
static int
write_ndjson(FILE *fp, const struct sub_doc *doc, const struct outcue *oc)
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
			    ndj_real(oc[i].conf, 3));
			if (oc[i].removed)
				json_object_set_new(j, "removed",
				    json_true());
			i++;
		}
		if (j == NULL || ndj_write(fp, j) != 0)
			rv = -1;
		json_decref(j);
	}
	free(s);
	return rv;
}

/* A cue's place in the output: its new start, then its input order. */
struct place {
	int64_t	 start;
	size_t	 item;
};

static int
cmp_place(const void *a, const void *b)
{
	const struct place *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->item < y->item ? -1 : x->item > y->item;
}

/*
 * The document as written: cues in time order (in the places cues held,
 * other items where they were), removed cues left out unless keep.
 * out->v is a new array of shallow copies; *oc the per-item extras.
 */
static int
output_doc(const struct sub_doc *doc, const struct outcue *in, int keep,
    struct sub_doc *out, struct outcue **oc)
{
	struct place *cue;
	size_t nc = 0, i, j, k;

	*out = *doc;
	out->v = malloc((doc->n + 1) * sizeof(*out->v));
	*oc = calloc(doc->n + 1, sizeof(**oc));
	cue = malloc((doc->n + 1) * sizeof(*cue));
	if (out->v == NULL || *oc == NULL || cue == NULL) {
		free(out->v);
		free(*oc);
		free(cue);
		return -1;
	}
	for (i = 0; i < doc->n; i++)
		if (doc->v[i].type == SUB_CUE && (keep || !in[i].removed))
			cue[nc++] = (struct place){ doc->v[i].start, i };
	qsort(cue, nc, sizeof(*cue), cmp_place);
	for (i = j = k = 0; i < doc->n; i++) {
		size_t src = i;

		if (doc->v[i].type == SUB_CUE) {
			if (!keep && in[i].removed)
				continue;
			src = cue[k++].item;
		}
		out->v[j] = doc->v[src];
		(*oc)[j++] = in[src];
	}
	out->n = out->cap = j;
	free(cue);
	return 0;
}

/* Writes the align record to --report or stderr.  Returns 0 or a status. */
static int
report(const struct align_opts *o, const json_t *rec)
{
	struct atomic_file *rf = NULL;
	struct rerr e = { 0 };
	FILE *fp;

	if (rec == NULL)
		return 0;
	if (o->report == NULL)
		return ndj_write(stderr, rec) == 0 ? 0 : EX_IOERR;
	if ((fp = atomic_open_output(o->report, &rf, &e)) == NULL)
		return cli_report(&e);
	if (ndj_write(fp, rec) != 0) {
		int err = errno;

		atomic_close_output(rf, 0, &e);
		cli_warn("%s: %s", o->report, strerror(err));
		return EX_IOERR;
	}
	if (atomic_close_output(rf, 1, &e) != 0)
		return cli_report(&e);
	return 0;
}

/* The signals and their prefix sums; the cues in time order. */
static int
prepare(const struct align_opts *o, struct sub_doc *doc,
    struct align_cue **c, size_t *n, float **r, float **mod, float **flat,
    long *nr, double **pre, int *stream, struct rerr *e)
{
	double span;
	long i;
	int rv;

	if ((rv = read_subs(o->input, o->encoding, o->from, doc, e)) != 0 ||
	    (rv = cues_of(doc, cli_name(o->input), o->allow_overlap, c, n,
	    e)) != 0 ||
	    (rv = reference(o, doc, cue_time(*c, *n), r, mod, flat, nr,
	    stream, e)) != 0)
		return rv;
	span = (*c)[*n - 1].b - (*c)[0].a;
	if (*nr / 100.0 < 0.5 * span)
		return rerr_set(e, EX_DATAERR, o->ref, 0, "the reference "
		    "(%.1f s) is much shorter than the subtitles (%.1f s)",
		    *nr / 100.0, span);
	if ((*pre = malloc(((size_t)*nr + 1) * sizeof(**pre))) == NULL)
		return rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
	(*pre)[0] = 0;
	for (i = 0; i < *nr; i++)
		(*pre)[i + 1] = (*pre)[i] + (*r)[i];
	return 0;
}

/* Writes the aligned document.  Returns 0 or a status, reported. */
static int
write_output(const struct align_opts *o, struct sub_doc *doc,
    const struct outcue *oc)
{
	struct sub_doc od;
	struct outcue *ooc;
	struct atomic_file *af = NULL;
	struct rerr e = { 0 };
	enum sub_fmt to = o->to != SUB_NONE ? o->to : doc->fmt;
	FILE *out;
	int rv = 0;

	if (output_doc(doc, oc, o->keep_removed || to == SUB_NDJSON, &od,
	    &ooc) != 0) {
		cli_warn("out of memory");
		return EX_SOFTWARE;
	}
	if ((out = atomic_open_output(o->output, &af, &e)) == NULL)
		rv = cli_report(&e);
	else if ((to == SUB_NDJSON ? write_ndjson(out, &od, ooc) :
	    sub_write(out, &od, to)) != 0) {
		int err = errno;

		if (af != NULL) {
			atomic_close_output(af, 0, &e);
			cli_warn("%s: %s", o->output, strerror(err));
			rv = EX_IOERR;
		}
	} else if (atomic_close_output(af, 1, &e) != 0)
		rv = cli_report(&e);
	free(od.v);
	free(ooc);
	return rv;
}

int
align_run(const struct align_opts *o)
{
	struct rerr e = { 0 };
	struct sub_doc doc = { 0 };
	struct align_cue *c = NULL;
	struct align_result res = { 0 };
	struct align_ctx x = { 0 };
	struct outcue *oc = NULL;
	struct align_gate g;
	char why[400];
	float *r = NULL, *mod = NULL, *flat = NULL;
	double *pre = NULL;
	long nr = 0;
	size_t n = 0, k;
	json_t *rec = NULL;
	int rv, rrv, stream = -1;

	media_set_verbosity(o->verbose);
	if ((rv = prepare(o, &doc, &c, &n, &r, &mod, &flat, &nr, &pre,
	    &stream, &e)) != 0) {
		cli_report(&e);
		goto out;
	}
	x = (struct align_ctx){ r, mod, flat, pre, nr, c, n, o->ref_subs ? 0 : 0.08,
	    o->ref_subs ? 0 : 0.4, o };
	res.lag = calloc(n, sizeof(long));
	res.conf = calloc(n, sizeof(double));
	res.seg = calloc(n, sizeof(long));
	res.removed = calloc(n, 1);
	oc = calloc(doc.n + 1, sizeof(*oc));
	if (res.lag == NULL || res.conf == NULL || res.seg == NULL ||
	    res.removed == NULL || oc == NULL || align_solve(&x, &res) != 0 ||
	    align_gate_stats(&x, &res, &g) != 0) {
		cli_warn("out of memory");
		rv = EX_SOFTWARE;
		goto out;
	}
	rec = align_record(&res, &g, c, n);
	if (stream >= 0)
		json_object_set_new(rec, "stream", json_integer(stream));
	/*
	 * A reference that holds the speech of fewer than half the cues is
	 * not their programme (or only a piece of it): refuse rather than
	 * drop most of the file.
	 */
	if (2 * res.nremoved > n) {
		cli_warn("%s: the reference holds the speech of only %zu of "
		    "the %zu cues: nothing written", o->ref, n - res.nremoved,
		    n);
		rv = EX_DATAERR;
		goto report;
	}
	if (align_gate_check(&g, why, sizeof(why))) {
		cli_warn("%s: %s: nothing written", o->ref, why);
		rv = EX_DATAERR;
		goto report;
	}
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
		oc[c[k].item].conf = res.conf[k];
		oc[c[k].item].removed = res.removed[k];
	}
	if (res.nremoved > 0)
		cli_warn("%s: %zu of %zu cues have no speech in the reference "
		    "(cut from it): %s", cli_name(o->input), res.nremoved, n,
		    o->keep_removed ? "kept" : (o->to == SUB_NDJSON ||
		    (o->to == SUB_NONE && doc.fmt == SUB_NDJSON)) ?
		    "flagged \"removed\"" : "left out (--keep-removed keeps "
		    "them)");
	rv = write_output(o, &doc, oc);
report:
	if ((rrv = report(o, rec)) != 0 && rv == 0)
		rv = rrv;
out:
	json_decref(rec);
	sub_doc_free(&doc);
	free(c);
	free(r);
	free(mod);
	free(flat);
	free(pre);
	free(res.lag);
	free(res.conf);
	free(res.seg);
	free(res.removed);
	free(oc);
	return rv;
}
