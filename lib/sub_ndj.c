/*
 * sub_ndj: cue NDJSON, the record form of a subtitle file.
 *
 * Records, one per item of the document, in file order:
 *   header  {"format":"srt|vtt|ass|ssa","text":...}  first; "format" names
 *           the markup of the cue texts that follow
 *   cue     start, end (seconds), text; id, settings, region (WebVTT);
 *           layer, style, actor, margin_l, margin_r, margin_v, effect (ASS)
 *   comment an ASS Comment line: the fields of a cue
 *   style, note, section   verbatim "text"
 *   region  id, width, lines, regionanchor, viewportanchor, scroll, text
 * Records of any other type, and every field we do not know, pass through
 * to NDJSON output unchanged.  See subconv(1).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sub.h"

/* Optional string field: a copy, or NULL.  -1 on a wrong type. */
static int
opt_str(struct ndj_reader *r, json_t *rec, const char *key, char **out,
    struct sub_doc *doc, struct rerr *e)
{
	const char *s = NULL;

	if (ndj_get_str(r, rec, key, 1, &s, e) < 0)
		return -1;
	if (s != NULL)
		*out = sub_doc_dup(doc, s);
	return 0;
}

static int
opt_int(struct ndj_reader *r, json_t *rec, const char *key, long *out,
    int *has, struct rerr *e)
{
	long long v;
	int rv = ndj_get_int(r, rec, key, 1, &v, e);

	if (rv < 0)
		return -1;
	if (rv == 0) {
		if (v < -1000000000LL || v > 1000000000LL)
			return rerr_set(e, EX_DATAERR, ndj_name(r), ndj_line(r),
			    "field '%s' is out of range", key), -1;
		*out = (long)v;
		*has = 1;
	}
	return 0;
}

static int
get_time(struct ndj_reader *r, json_t *rec, const char *key, int64_t *ms,
    struct rerr *e)
{
	double v;

	if (ndj_get_num(r, rec, key, 0, &v, e) != 0)
		return -1;
	if (!(v >= 0 && v < 1e9)) {
		rerr_set(e, EX_DATAERR, ndj_name(r), ndj_line(r),
		    "field '%s' is out of range: %g", key, v);
		return -1;
	}
	*ms = llround(v * 1000);
	return 0;
}

static int
anchor(struct ndj_reader *r, json_t *rec, const char *key, double *x,
    double *y, struct rerr *e)
{
	json_t *a = json_object_get(rec, key);

	if (a == NULL)
		return 0;
	if (!json_is_array(a) || json_array_size(a) != 2 ||
	    !json_is_number(json_array_get(a, 0)) ||
	    !json_is_number(json_array_get(a, 1))) {
		rerr_set(e, EX_DATAERR, ndj_name(r), ndj_line(r),
		    "field '%s' is not an array of two numbers", key);
		return -1;
	}
	*x = json_number_value(json_array_get(a, 0));
	*y = json_number_value(json_array_get(a, 1));
	return 0;
}

/* Fills it from rec.  Returns 0 or -1 with e filled. */
static int
item_from(struct ndj_reader *r, json_t *rec, struct sub_item *it,
    struct sub_doc *doc, struct rerr *e)
{
	const char *type = NULL, *s;

	if (ndj_get_str(r, rec, "type", 0, &type, e) != 0)
		return -1;
	if (strcmp(type, "cue") == 0 || strcmp(type, "comment") == 0) {
		int has = 0;

		it->type = type[1] == 'u' ? SUB_CUE : SUB_COMMENT;
		if (get_time(r, rec, "start", &it->start, e) != 0 ||
		    get_time(r, rec, "end", &it->end, e) != 0 ||
		    opt_str(r, rec, "text", &it->text, doc, e) != 0 ||
		    opt_str(r, rec, "id", &it->id, doc, e) != 0 ||
		    opt_str(r, rec, "settings", &it->settings, doc, e) != 0 ||
		    opt_str(r, rec, "region", &it->region, doc, e) != 0 ||
		    opt_str(r, rec, "style", &it->style, doc, e) != 0 ||
		    opt_str(r, rec, "actor", &it->actor, doc, e) != 0 ||
		    opt_str(r, rec, "effect", &it->effect, doc, e) != 0 ||
		    opt_int(r, rec, "layer", &it->layer, &has, e) != 0 ||
		    opt_int(r, rec, "margin_l", &it->margin_l, &has, e) != 0 ||
		    opt_int(r, rec, "margin_r", &it->margin_r, &has, e) != 0 ||
		    opt_int(r, rec, "margin_v", &it->margin_v, &has, e) != 0)
			return -1;
		it->has_ass = has || it->style != NULL;
		if (it->text == NULL)
			it->text = sub_doc_dup(doc, "");
		return 0;
	}
	if (strcmp(type, "header") == 0) {
		const char *from = NULL;
		double fps = 0;

		it->type = SUB_HEADER;
		s = NULL;
		if (ndj_get_str(r, rec, "format", 1, &s, e) < 0 ||
		    ndj_get_str(r, rec, "from", 1, &from, e) < 0 ||
		    ndj_get_num(r, rec, "fps", 1, &fps, e) < 0 ||
		    opt_str(r, rec, "text", &it->text, doc, e) != 0)
			return -1;
		if (json_object_get(rec, "fps") != NULL &&
		    !(fps > 1 && fps < 1000)) {
			rerr_set(e, EX_DATAERR, ndj_name(r), ndj_line(r),
			    "field 'fps' is out of range: %g", fps);
			return -1;
		}
		doc->fps = fps;
		if (from != NULL && (doc->src = sub_fmt_parse(from)) ==
		    SUB_NONE) {
			rerr_set(e, EX_DATAERR, ndj_name(r), ndj_line(r),
			    "unknown format '%s'", from);
			return -1;
		}
		if (s != NULL) {
			enum sub_fmt f = sub_fmt_parse(s);

			if (f == SUB_NONE || f == SUB_NDJSON) {
				rerr_set(e, EX_DATAERR, ndj_name(r),
				    ndj_line(r), "unknown format '%s'", s);
				return -1;
			}
			doc->markup = f;
		}
		return 0;
	}
	if (strcmp(type, "region") == 0) {
		double v;
		long long n;
		json_t *h;

		it->type = SUB_REGION;
		if (opt_str(r, rec, "id", &it->id, doc, e) != 0 ||
		    opt_str(r, rec, "text", &it->text, doc, e) != 0 ||
		    anchor(r, rec, "regionanchor", &it->reg.ra_x,
		    &it->reg.ra_y, e) != 0 ||
		    anchor(r, rec, "viewportanchor", &it->reg.va_x,
		    &it->reg.va_y, e) != 0)
			return -1;
		if (ndj_get_num(r, rec, "width", 1, &v, e) < 0)
			return -1;
		else if (json_object_get(rec, "width") != NULL)
			it->reg.width = v;
		if (ndj_get_int(r, rec, "lines", 1, &n, e) < 0)
			return -1;
		else if (json_object_get(rec, "lines") != NULL)
			it->reg.lines = (long)n;
		s = NULL;
		if (ndj_get_str(r, rec, "scroll", 1, &s, e) < 0)
			return -1;
		it->reg.scroll_up = s != NULL && strcmp(s, "up") == 0;
		h = json_object_get(rec, "header");
		it->reg.in_header = json_is_true(h);
		return 0;
	}
	if (strcmp(type, "style") == 0 || strcmp(type, "note") == 0 ||
	    strcmp(type, "section") == 0) {
		it->type = type[1] == 't' ? SUB_STYLE : type[0] == 'n' ?
		    SUB_NOTE : SUB_SECTION;
		if (ndj_get_str(r, rec, "text", 0, &s, e) != 0)
			return -1;
		it->text = sub_doc_dup(doc, s);
		return 0;
	}
	it->type = SUB_OTHER;
	return 0;
}

int
sub_ndj_add(struct sub_doc *doc, struct ndj_reader *r, json_t *rec,
    struct rerr *e)
{
	struct sub_item *it;

	if ((it = sub_doc_add(doc, SUB_OTHER, ndj_line(r))) == NULL)
		return rerr_set(e, EX_SOFTWARE, ndj_name(r), 0,
		    "out of memory"), -1;
	json_incref(rec);
	it->rec = rec;
	if (item_from(r, rec, it, doc, e) != 0) {
		sub_item_free(it);	/* undo the half-filled item */
		doc->n--;
		return -1;
	}
	/* Without pass-through only OTHER needs it. */
	if (!doc->keep_rec && it->type != SUB_OTHER) {
		json_decref(rec);
		it->rec = NULL;
	}
	if (doc->oom)
		return rerr_set(e, EX_SOFTWARE, ndj_name(r), 0,
		    "out of memory"), -1;
	return 0;
}

int
sub_ndj_check(struct ndj_reader *r, json_t *rec, struct rerr *e)
{
	struct sub_doc one = { 0 };
	int rv;

	one.keep_rec = 1;
	if ((rv = sub_ndj_add(&one, r, rec, e)) == 0 &&
	    (one.v[0].type == SUB_CUE || one.v[0].type == SUB_COMMENT)) {
		ndj_set_real(rec, "start", (double)one.v[0].start / 1000, 3);
		ndj_set_real(rec, "end", (double)one.v[0].end / 1000, 3);
	}
	sub_doc_free(&one);
	return rv;
}

int
sub_read_ndjson(char *text, size_t len, const char *name,
    struct ndj_policy *pol, struct sub_doc *doc, struct rerr *e)
{
	struct ndj_reader *r;
	FILE *fp;
	json_t *rec;
	int rv = 0, k;

	doc->fmt = SUB_NDJSON;
	doc->markup = SUB_SRT;
	if (len == 0)
		return 0;
	if ((fp = fmemopen(text, len, "r")) == NULL)
		return rerr_set(e, EX_SOFTWARE, name, 0, "out of memory");
	if ((r = ndj_openf(fp, name)) == NULL) {
		fclose(fp);
		return rerr_set(e, EX_SOFTWARE, name, 0, "out of memory");
	}
	for (;;) {
		if ((k = ndj_next(r, &rec, e)) == 0)
			break;
		if (k > 0) {
			k = sub_ndj_add(doc, r, rec, e);
			json_decref(rec);
			if (k == 0) {
				if (pol != NULL)
					ndj_policy_ok(pol);
				continue;
			}
		}
		if (e->code != EX_DATAERR || pol == NULL || !pol->skip_bad) {
			rv = e->code ? e->code : EX_DATAERR;
			break;
		}
		ndj_policy_bad(pol, e);
	}
	ndj_close(r);
	fclose(fp);
	return rv;
}

static void
set_str(json_t *o, const char *k, const char *v)
{
	if (v != NULL)
		json_object_set_new(o, k, json_string(v));
}

static json_t *
item_json(const struct sub_doc *doc, const struct sub_item *it)
{
	json_t *o = json_object(), *a;

	switch (it->type) {
	case SUB_HEADER:
		json_object_set_new(o, "type", json_string("header"));
		json_object_set_new(o, "format",
		    json_string(sub_fmt_name(doc->markup)));
		if (doc->src == SUB_SBV || doc->src == SUB_MICRODVD ||
		    doc->src == SUB_SAMI)
			json_object_set_new(o, "from",
			    json_string(sub_fmt_name(doc->src)));
		if (doc->fps > 0)
			ndj_set_real(o, "fps", doc->fps, 3);
		set_str(o, "text", it->text);
		break;
	case SUB_CUE:
	case SUB_COMMENT:
		json_object_set_new(o, "type", json_string(it->type ==
		    SUB_CUE ? "cue" : "comment"));
		ndj_set_real(o, "start", (double)it->start / 1000, 3);
		ndj_set_real(o, "end", (double)it->end / 1000, 3);
		set_str(o, "id", it->id);
		set_str(o, "settings", it->settings);
		set_str(o, "region", it->region);
		if (it->has_ass) {
			json_object_set_new(o, "layer",
			    json_integer(it->layer));
			set_str(o, "style", it->style ? it->style : "");
			set_str(o, "actor", it->actor ? it->actor : "");
			json_object_set_new(o, "margin_l",
			    json_integer(it->margin_l));
			json_object_set_new(o, "margin_r",
			    json_integer(it->margin_r));
			json_object_set_new(o, "margin_v",
			    json_integer(it->margin_v));
			set_str(o, "effect", it->effect ? it->effect : "");
		}
		set_str(o, "text", it->text ? it->text : "");
		break;
	case SUB_REGION:
		json_object_set_new(o, "type", json_string("region"));
		set_str(o, "id", it->id);
		ndj_set_real(o, "width", it->reg.width, 6);
		json_object_set_new(o, "lines", json_integer(it->reg.lines));
		a = json_array();
		json_array_append_new(a, ndj_real(it->reg.ra_x, 6));
		json_array_append_new(a, ndj_real(it->reg.ra_y, 6));
		json_object_set_new(o, "regionanchor", a);
		a = json_array();
		json_array_append_new(a, ndj_real(it->reg.va_x, 6));
		json_array_append_new(a, ndj_real(it->reg.va_y, 6));
		json_object_set_new(o, "viewportanchor", a);
		json_object_set_new(o, "scroll",
		    json_string(it->reg.scroll_up ? "up" : ""));
		if (it->reg.in_header)
			json_object_set_new(o, "header", json_true());
		set_str(o, "text", it->text);
		break;
	case SUB_STYLE:
	case SUB_NOTE:
	case SUB_SECTION:
		json_object_set_new(o, "type", json_string(it->type ==
		    SUB_STYLE ? "style" : it->type == SUB_NOTE ? "note" :
		    "section"));
		set_str(o, "text", it->text ? it->text : "");
		break;
	default:
		json_decref(o);
		return NULL;
	}
	return o;
}

int
sub_write_ndjson(FILE *fp, const struct sub_doc *doc)
{
	size_t i;

	for (i = 0; i < doc->n; i++) {
		const struct sub_item *it = &doc->v[i];
		json_t *o;

		if (it->rec != NULL) {
			/* Pass-through: only the times are normalised. */
			if (it->type == SUB_CUE || it->type == SUB_COMMENT) {
				ndj_set_real(it->rec, "start",
				    (double)it->start / 1000, 3);
				ndj_set_real(it->rec, "end",
				    (double)it->end / 1000, 3);
			}
			if (ndj_write(fp, it->rec) != 0)
				return -1;
			continue;
		}
		if ((o = item_json(doc, it)) == NULL)
			continue;
		if (ndj_write(fp, o) != 0) {
			json_decref(o);
			return -1;
		}
		json_decref(o);
	}
	return ferror(fp) ? -1 : 0;
}
