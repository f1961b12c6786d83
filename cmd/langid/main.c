/*
 * langid: adds the language of each record's text (lang, conf, alt and,
 * with --spans, the language of each stretch of mixed-language text).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "ndjson.h"
#include "paths.h"
#include "text.h"
#include "detect.h"

#define ALT_MIN		0.01	/* alternatives below this are left out */
#define SWITCH_COST	55.0	/* nats; see detect.c */

enum {
	OPT_MIN_CONF = 0x100,
};

struct opts {
	int		 nalt;
	const char	*field;
	const char	*langs;
	const char	*model;
	double		 min_conf;
	int		 spans;
	int		 plain;
	int		 list;
	struct ndj_policy pol;
};

struct run {
	struct opts	*o;
	struct lid_ctx	 ctx;
	struct lid_model m;
};

static const struct option longopts[] = {
	{ "alt",	required_argument,	NULL, 'a' },
	{ "field",	required_argument,	NULL, 'f' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "langs",	required_argument,	NULL, 'l' },
	{ "list",	no_argument,		NULL, 'L' },
	{ "model",	required_argument,	NULL, 'm' },
	{ "min-conf",	required_argument,	NULL, OPT_MIN_CONF },
	{ "spans",	no_argument,		NULL, 's' },
	{ "text",	no_argument,		NULL, 't' },
	{ "version",	no_argument,		NULL, 'V' },
	NDJ_LONGOPTS,
	{ NULL, 0, NULL, 0 }
};

static void usage(FILE *, int) __attribute__((noreturn));

static void
usage(FILE *fp, int status)
{
	fprintf(fp,
	    "usage: langid [-hLstV] [-a n] [-f field] [-l langs] [-m model]\n"
	    "              [--min-conf p] [--skip-bad] [--max-bad-rate r]"
	    " [file ...]\n");
	if (fp == stdout)
		fprintf(fp, "\n"
		    "  -a, --alt n         at most n (<= 15) alternatives in "
		    "alt (default 3)\n"
		    "  -f, --field name    the text field (default text)\n"
		    "  -h, --help          this help\n"
		    "  -L, --list          print the model's languages and exit\n"
		    "  -l, --langs list    only these languages, "
		    "comma-separated\n"
		    "  -m, --model file    the model (default: the installed "
		    "langid.model)\n"
		    "  --min-conf p        lang is und when conf is below p "
		    "(default 0)\n"
		    "  -s, --spans         add spans of mixed-language text\n"
		    "  -t, --text          input is plain text, one text a "
		    "line\n"
		    "  -V, --version       print the version\n"
		    "  --skip-bad          report and skip bad records\n"
		    "  --max-bad-rate r    with --skip-bad, fail above this "
		    "fraction (default 0)\n");
	exit(status);
}

/*
 * The model: -m, else langid.model in the data directory (lib/paths.h:
 * $REEL_DATADIR, the installed tree of this binary, the source tree it
 * was built in, the compile-time directory).
 */
static int
load_model(struct lid_model *m, const char *path, struct rerr *e)
{
	char buf[PATH_MAX + 64];
	int rv;

	if (path != NULL)
		return lid_model_load(m, path, e);
	if ((rv = paths_data("langid.model", buf, sizeof(buf), e)) != 0)
		return rv;
	return lid_model_load(m, buf, e);
}

/* Parses --langs into allow[]; exits 64 on an unknown label. */
static void
parse_langs(const struct lid_model *m, const char *list, unsigned char *allow)
{
	char *s, *tok, *save = NULL;
	int i, n = 0;

	if ((s = strdup(list)) == NULL)
		cli_die(EX_SOFTWARE, "out of memory");
	memset(allow, 0, LID_MAXLANG);
	for (tok = strtok_r(s, ", ", &save); tok != NULL;
	    tok = strtok_r(NULL, ", ", &save)) {
		if ((i = lid_model_find(m, tok)) < 0) {
			cli_warn("-l: unknown language: %s (see langid(1))",
			    tok);
			free(s);
			usage(stderr, EX_USAGE);
		}
		allow[i] = 1;
		n++;
	}
	free(s);
	if (n == 0) {
		cli_warn("-l: no languages given");
		usage(stderr, EX_USAGE);
	}
}

/* Sets lang, conf, alt (and spans) on rec for text s of n bytes. */
static int
annotate(struct run *r, json_t *rec, const char *s, size_t n)
{
	struct lid_ctx *c = &r->ctx;
	const struct lid_model *m = &r->m;
	json_t *alt, *spans, *o;
	int i, best, und;
	size_t k;

	if (lid_detect(c, s, n) != 0)
		return EX_SOFTWARE;
	best = c->order[0];
	alt = json_array();
	if (!c->nword) {
		json_object_set_new(rec, "lang", json_string("und"));
		json_object_set_new(rec, "conf", json_integer(0));
		json_object_set_new(rec, "alt", alt);
		if (r->o->spans)
			json_object_set_new(rec, "spans", json_array());
		return 0;
	}
	und = c->p[best] < r->o->min_conf;
	json_object_set_new(rec, "lang", json_string(und ? "und" :
	    m->label[best]));
	ndj_set_real(rec, "conf", c->p[best], 4);
	for (i = und ? 0 : 1; i < (int)m->nlang && i < r->o->nalt + !und;
	    i++) {
		if (c->p[c->order[i]] < ALT_MIN)
			break;
		o = json_object();
		json_object_set_new(o, "lang",
		    json_string(m->label[c->order[i]]));
		ndj_set_real(o, "conf", c->p[c->order[i]], 4);
		json_array_append_new(alt, o);
	}
	json_object_set_new(rec, "alt", alt);
	if (r->o->spans) {
		if (lid_spans(c, s, n) != 0)
			return EX_SOFTWARE;
		spans = json_array();
		for (k = 0; k < c->nspan; k++) {
			o = json_object();
			json_object_set_new(o, "start",
			    json_integer(c->span[k].start));
			json_object_set_new(o, "end",
			    json_integer(c->span[k].end));
			json_object_set_new(o, "lang", json_string(
			    c->span[k].conf < r->o->min_conf ? "und" :
			    m->label[c->span[k].lang]));
			ndj_set_real(o, "conf", c->span[k].conf, 4);
			json_array_append_new(spans, o);
		}
		json_object_set_new(rec, "spans", spans);
	}
	return 0;
}

/*
 * The record of one plain text line s, after lid_detect or lid_score on
 * it, written straight into b: the same bytes as annotate() on
 * {"type":"text","text":...} and ndj_write, without building a jansson
 * tree for each of millions of lines.
 */
/* Appends a string literal. */
#define LIT(b, s)	ndj_buf_add((b), (s), sizeof(s) - 1)

static int
plain_record(struct run *r, struct ndj_buf *b, const char *s, size_t n)
{
	struct lid_ctx *c = &r->ctx;
	const struct lid_model *m = &r->m;
	const char *lab;
	int i, best, und, e = 0;
	size_t k;

	e |= LIT(b, "{\"type\":\"text\",\"text\":");
	e |= ndj_buf_string(b, s, n);
	if (!c->nword) {
		e |= LIT(b, ",\"lang\":\"und\",\"conf\":0,\"alt\":[]");
		if (r->o->spans)
			e |= LIT(b, ",\"spans\":[]");
		return e | LIT(b, "}\n");
	}
	best = c->order[0];
	und = c->p[best] < r->o->min_conf;
	lab = und ? "und" : m->label[best];
	e |= LIT(b, ",\"lang\":");
	e |= ndj_buf_string(b, lab, strlen(lab));
	e |= LIT(b, ",\"conf\":");
	e |= ndj_buf_real(b, c->p[best], 4);
	e |= LIT(b, ",\"alt\":[");
	for (i = und ? 0 : 1; i < (int)m->nlang && i < r->o->nalt + !und;
	    i++) {
		if (c->p[c->order[i]] < ALT_MIN)
			break;
		e |= (i > !und ? LIT(b, ",{\"lang\":") :
		    LIT(b, "{\"lang\":"));
		lab = m->label[c->order[i]];
		e |= ndj_buf_string(b, lab, strlen(lab));
		e |= LIT(b, ",\"conf\":");
		e |= ndj_buf_real(b, c->p[c->order[i]], 4);
		e |= LIT(b, "}");
	}
	e |= LIT(b, "]");
	if (r->o->spans) {
		if (lid_spans(c, s, n) != 0)
			return -1;
		e |= LIT(b, ",\"spans\":[");
		for (k = 0; k < c->nspan; k++) {
			e |= (k > 0 ? LIT(b, ",{\"start\":") :
			    LIT(b, "{\"start\":"));
			e |= ndj_buf_int(b, (long long)c->span[k].start);
			e |= LIT(b, ",\"end\":");
			e |= ndj_buf_int(b, (long long)c->span[k].end);
			e |= LIT(b, ",\"lang\":");
			lab = c->span[k].conf < r->o->min_conf ? "und" :
			    m->label[c->span[k].lang];
			e |= ndj_buf_string(b, lab, strlen(lab));
			e |= LIT(b, ",\"conf\":");
			e |= ndj_buf_real(b, c->span[k].conf, 4);
			e |= LIT(b, "}");
		}
		e |= LIT(b, "]");
	}
	return e | LIT(b, "}\n");
}

static int
run_plain(struct run *r, struct ndj_reader *rd)
{
	struct ndj_buf b = { 0 };
	struct rerr e;
	const char *line;
	char *fixed;
	size_t len, flen;
	int st, rv = 0;

	while ((st = ndj_getline(rd, &line, &len, &e)) == 1) {
		/*
		 * Invalid bytes become U+FFFD so the record is valid JSON;
		 * the normalisation finds them, and is redone on the
		 * repaired text (its offsets are those of the record).
		 */
		if (text_normalise(&r->ctx.t, line, len) != 0) {
			rv = -1;
			break;
		}
		if (r->ctx.t.nbad == 0) {
			lid_score(&r->ctx);
			rv = plain_record(r, &b, line, len);
		} else if (text_utf8_repair(line, len, &fixed, &flen) != 0) {
			rv = -1;
			break;
		} else if ((rv = lid_detect(&r->ctx, fixed, flen)) == 0) {
			rv = plain_record(r, &b, fixed, flen);
			free(fixed);
		} else
			free(fixed);
		if (rv != 0)
			break;
		/* Written in blocks: one fwrite a line costs a lock each. */
		if (b.len >= 1 << 16) {
			fwrite(b.p, 1, b.len, stdout);
			b.len = 0;
		}
	}
	if (b.len > 0)
		fwrite(b.p, 1, b.len, stdout);
	ndj_buf_free(&b);
	if (rv != 0)
		return cli_report(&(struct rerr){ EX_SOFTWARE, "", 0,
		    "out of memory" });
	if (st < 0)
		return cli_report(&e);
	return 0;
}

static int
run_json(struct run *r, struct ndj_reader *rd)
{
	struct rerr e;
	json_t *rec, *f;
	int st, rv;

	for (;;) {
		st = ndj_next(rd, &rec, &e);
		if (st == 0)
			break;
		if (st < 0) {
			if (e.code != EX_DATAERR)
				return cli_report(&e);
			if ((rv = ndj_policy_bad(&r->o->pol, &e)) != 0)
				return rv;
			continue;
		}
		f = json_object_get(rec, r->o->field);
		if (f != NULL && !json_is_null(f) && !json_is_string(f)) {
			rerr_set(&e, EX_DATAERR, ndj_name(rd), ndj_line(rd),
			    "field '%s' is not a string", r->o->field);
			json_decref(rec);
			if ((rv = ndj_policy_bad(&r->o->pol, &e)) != 0)
				return rv;
			continue;
		}
		ndj_policy_ok(&r->o->pol);
		if (json_is_string(f) && (rv = annotate(r, rec,
		    json_string_value(f), json_string_length(f))) != 0) {
			json_decref(rec);
			return rv;
		}
		ndj_write(stdout, rec);
		json_decref(rec);
	}
	return 0;
}

static int
run(const char *path, void *arg)
{
	struct run *r = arg;
	struct ndj_reader *rd;
	struct rerr e;
	int rv;

	if ((rd = ndj_open(path, &e)) == NULL)
		return cli_report(&e);
	rv = r->o->plain ? run_plain(r, rd) : run_json(r, rd);
	ndj_close(rd);
	return rv;
}

int
main(int argc, char *argv[])
{
	struct opts o = { 3, "text", NULL, NULL, 0, 0, 0, 0, NDJ_POLICY_DEFAULT };
	static unsigned char allow[LID_MAXLANG];
	struct run r;
	struct rerr e;
	int ch, rv;

	cli_init("langid");
	while ((ch = getopt_long(argc, argv, "a:f:hLl:m:stV", longopts,
	    NULL)) != -1) {
		if (ndj_policy_opt(&o.pol, ch, optarg))
			continue;
		switch (ch) {
		case 'a':
			o.nalt = (int)cli_int(optarg, 0, LID_TOP - 1, "-a");
			break;
		case 'f':
			o.field = optarg;
			break;
		case 'h':
			usage(stdout, 0);
		case 'L':
			o.list = 1;
			break;
		case 'l':
			o.langs = optarg;
			break;
		case 'm':
			o.model = optarg;
			break;
		case OPT_MIN_CONF:
			o.min_conf = cli_num(optarg, 0, 1, "--min-conf");
			break;
		case 's':
			o.spans = 1;
			break;
		case 't':
			o.plain = 1;
			break;
		case 'V':
			cli_version();
		default:
			usage(stderr, EX_USAGE);
		}
	}
	argc -= optind;
	argv += optind;

	memset(&r, 0, sizeof(r));
	r.o = &o;
	if ((rv = load_model(&r.m, o.model, &e)) != 0)
		return cli_report(&e);
	if (o.list) {
		for (ch = 0; ch < (int)r.m.nlang; ch++)
			printf("%s\n", r.m.label[ch]);
		lid_model_free(&r.m);
		return cli_finish(0);
	}
	if (o.langs != NULL)
		parse_langs(&r.m, o.langs, allow);
	lid_ctx_init(&r.ctx, &r.m, o.langs != NULL ? allow : NULL,
	    SWITCH_COST);
	/* Without spans only lang and alt need ranking. */
	if (!o.spans)
		r.ctx.ntop = o.nalt + 1;
	rv = cli_each_input(argc, argv, run, &r);
	if (rv == 0)
		rv = ndj_policy_end(&o.pol);
	lid_ctx_free(&r.ctx);
	lid_model_free(&r.m);
	return cli_finish(rv);
}
