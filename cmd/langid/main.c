/*
 * langid: adds the language of each record's text (lang, conf, alt and,
 * with --spans, the language of each stretch of mixed-language text).
 *
 * Records take the fast path (lid_rec.h) when they are in the canonical
 * form, else jansson's; plain lines (-t) are read a piece at a time
 * (lid_lines.h), so a line of any length is answered in bounded memory.
 * Every path writes langid's fields with lid_out.h into one buffer, which
 * goes out in blocks and whenever the input would block.
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "ndjson.h"
#include "paths.h"
#include "text.h"
#include "lid_detect.h"
#include "lid_lines.h"
#include "lid_out.h"
#include "lid_rec.h"

#define SWITCH_COST	55.0	/* nats; see lid_spans.c */
#define OUTBLOCK	(1 << 16)	/* output is written in blocks */

enum {
	OPT_ALT = CLI_LONG, OPT_FIELD, OPT_LIST, OPT_MIN_CONF, OPT_SPANS,
};

struct opts {
	struct lid_outopt out;
	struct lid_path	 field[LID_MAXFIELD];
	int		 nfield;
	const char	*langs;
	const char	*model;
	int		 plain;
	int		 list;
	struct ndj_policy pol;
};

struct run {
	struct opts	*o;
	struct lid_ctx	 ctx;
	struct lid_model m;
	struct ndj_buf	 out;		/* output not yet written */
	struct ndj_buf	 text;		/* a record's text, decoded */
	struct ndj_buf	 fix;		/* a plain line, repaired */
	char		 carry[4];	/* an incomplete UTF-8 sequence */
	size_t		 ncarry;
};

static const struct cli_opt opts[] = {
	CLI_OPT_HELP,
	{ 'l', "langs", "list", "only these languages, comma-separated", 0 },
	{ 'm', "model", "file",
	    "the model (default: langid.model in the data directory)", 0 },
	{ 't', "text", NULL, "input is plain text, one text a line", 0 },
	CLI_OPT_VERSION,
	{ OPT_ALT, "alt", "n", "at most n (<= 15) alternatives in alt (3)", 0 },
	{ OPT_FIELD, "field", "path",
	    "the text field, a.b for b in object a (text); repeatable", 0 },
	{ OPT_LIST, "list", NULL, "print the model's languages and exit", 0 },
	NDJ_CLI_OPT_MAX_BAD_RATE,
	{ OPT_MIN_CONF, "min-conf", "p",
	    "lang is und when conf is below p (0)", 0 },
	NDJ_CLI_OPT_SKIP_BAD,
	{ OPT_SPANS, "spans", NULL, "add spans of mixed-language text", 0 },
	/* Old spellings (issue 17). */
	{ 'a', NULL, "n", NULL, OPT_ALT },
	{ 'f', NULL, "field", NULL, OPT_FIELD },
	{ 'L', NULL, NULL, NULL, OPT_LIST },
	{ 's', NULL, NULL, NULL, OPT_SPANS },
	CLI_OPT_END
};

static struct cli_getopt getopts = {
	.opts = opts,
	.usage = "[-htV] [-l langs] [-m model] [--alt n] [--field path] "
	    "[--list] [--max-bad-rate rate] [--min-conf p] [--skip-bad] "
	    "[--spans] [file ...]",
};

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
		if ((i = lid_model_find(m, tok)) < 0)
			cli_usage_error(&getopts, "-l: unknown language: %s "
			    "(see langid(1))", tok);
		allow[i] = 1;
		n++;
	}
	free(s);
	if (n == 0)
		cli_usage_error(&getopts, "-l: no languages given");
}

/* Hands what the output buffer holds to stdout. */
static void
write_out(struct run *r)
{
	if (r->out.len > 0)
		fwrite(r->out.p, 1, r->out.len, stdout);
	r->out.len = 0;
}

/*
 * The idle function of the readers: what the records read so far have
 * made goes out now, and is flushed when a reader may be waiting for it
 * (stdout a pipe, a socket or a terminal).  A write error is
 * cli_finish's to report.
 */
static int
flush_out(void *arg, struct rerr *e)
{
	static int waits = -1;
	struct stat st;

	(void)e;
	write_out(arg);
	if (waits < 0)
		waits = fstat(STDOUT_FILENO, &st) != 0 ||
		    S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) ||
		    isatty(STDOUT_FILENO);
	if (waits)
		fflush(stdout);
	return 0;
}

/* Writes a block when the buffer holds one. */
static void
block_out(struct run *r)
{
	if (r->out.len >= OUTBLOCK)
		write_out(r);
}

static const char oom[] = "out of memory";

/* The record of a whole plain line s. */
static int
plain_line(struct run *r, const char *s, size_t n, struct rerr *e)
{
	struct lid_ctx *c = &r->ctx;
	int rv = 0;

	/*
	 * Invalid bytes and NUL become U+FFFD so the record is valid JSON
	 * langid reads back; the normalisation finds the invalid bytes, and
	 * is redone on the repaired text (its offsets are those of the
	 * record).
	 */
	if (text_normalise(&c->t, s, n) != 0)
		rv = -1;
	else if (c->t.nbad == 0 && memchr(s, '\0', n) == NULL) {
		lid_score(c);
		if (c->spans)
			rv = lid_spans(c, s, n);
	} else {
		r->fix.len = 0;
		if (lid_repair(&r->fix, s, n, 1) == (size_t)-1)
			rv = -1;
		else {
			s = r->fix.p;
			n = r->fix.len;
			rv = lid_detect(c, s, n);
		}
	}
	if (rv != 0 || ndj_buf_add(&r->out, "{\"type\":\"text\",\"text\":",
	    22) != 0 || ndj_buf_string(&r->out, s, n) != 0 ||
	    ndj_buf_add(&r->out, ",", 1) != 0 ||
	    lid_out_fields(&r->out, c, &r->o->out) != 0 ||
	    ndj_buf_add(&r->out, "}\n", 2) != 0) {
		rerr_set(e, EX_SOFTWARE, "", 0, oom);
		return -1;
	}
	block_out(r);
	return 0;
}

/*
 * A piece of a long plain line (more: the line goes on): its text goes
 * out as it comes, repaired (an incomplete sequence at its end waits for
 * the next piece), and is fed to the detector.
 */
static int
plain_piece(struct run *r, const char *s, size_t n, int first, int more)
{
	size_t took, k;

	if (first) {
		lid_begin(&r->ctx);
		r->ncarry = 0;
		if (ndj_buf_add(&r->out, "{\"type\":\"text\",\"text\":\"",
		    23) != 0)
			return -1;
	}
	r->text.len = 0;
	if (ndj_buf_add(&r->text, r->carry, r->ncarry) != 0 ||
	    ndj_buf_add(&r->text, s, n) != 0)
		return -1;
	r->fix.len = 0;
	if ((took = lid_repair(&r->fix, r->text.p, r->text.len, !more)) ==
	    (size_t)-1)
		return -1;
	k = r->text.len - took;
	memcpy(r->carry, r->text.p + took, k);
	r->ncarry = k;
	if (lid_out_escaped(&r->out, r->fix.p, r->fix.len) != 0 ||
	    lid_feed(&r->ctx, r->fix.p, r->fix.len) != 0)
		return -1;
	if (!more && (lid_end(&r->ctx) != 0 ||
	    ndj_buf_add(&r->out, "\",", 2) != 0 ||
	    lid_out_fields(&r->out, &r->ctx, &r->o->out) != 0 ||
	    ndj_buf_add(&r->out, "}\n", 2) != 0))
		return -1;
	block_out(r);
	return 0;
}

static int
run_plain(struct run *r, const char *path)
{
	struct lid_lines rd;
	struct rerr e;
	const char *s;
	size_t n;
	int st, more, inline_ = 0;

	if (lid_lines_open(&rd, path, &e) != 0)
		return cli_report(&e);
	rd.idle = flush_out;
	rd.arg = r;
	while ((st = lid_lines_next(&rd, &s, &n, &more, &e)) == 1) {
		if (!inline_ && !more)
			st = plain_line(r, s, n, &e);
		else if ((st = plain_piece(r, s, n, !inline_, more)) != 0)
			rerr_set(&e, EX_SOFTWARE, "", 0, oom);
		if (st != 0)
			break;
		inline_ = more;
	}
	lid_lines_close(&rd);
	return st < 0 ? cli_report(&e) : 0;
}

/*
 * The text of a record: its fields joined by "\n" into r->text, and
 * where each starts (o->out.fstart).  v: the fields as the fast path
 * found them, or NULL to take them from rec.  Returns 1 when the record
 * has text, 0 when it has none (passed through), -1 with e filled for a
 * field that is not a string (EX_DATAERR) or out of memory.
 */
static int
gather(struct run *r, const struct lid_val *v, json_t *rec, const char *name,
    long line, struct rerr *e)
{
	struct opts *o = r->o;
	json_t *f;
	int i, d, n = 0;
	size_t k;

	r->text.len = 0;
	for (i = 0; i < o->nfield; i++) {
		o->out.fstart[i] = o->out.fend[i] = UINT64_MAX;
		if (v != NULL) {
			if (v[i].type == LID_V_ABSENT || v[i].type == LID_V_NULL)
				continue;
			if (v[i].type != LID_V_STRING)
				goto notstring;
		} else {
			for (f = rec, d = 0; f != NULL && d < o->field[i].n; d++)
				f = json_is_object(f) ? json_object_getn(f,
				    o->field[i].name[d], o->field[i].len[d]) :
				    NULL;
			if (f == NULL || json_is_null(f))
				continue;
			if (!json_is_string(f))
				goto notstring;
		}
		if (n > 0 && ndj_buf_add(&r->text, "\n", 1) != 0)
			goto nomem;
		o->out.fstart[i] = r->text.len;
		if (v != NULL) {
			/* The string as it is in the line, decoded in place. */
			if (ndj_buf_add(&r->text, v[i].p, v[i].n) != 0)
				goto nomem;
			k = lid_rec_decode(r->text.p + o->out.fstart[i], v[i].n);
			r->text.len = o->out.fstart[i] + k;
		} else if (ndj_buf_add(&r->text, json_string_value(f),
		    json_string_length(f)) != 0)
			goto nomem;
		o->out.fend[i] = r->text.len;
		n++;
	}
	return n > 0;
notstring:
	rerr_set(e, EX_DATAERR, name, line, "field '%s' is not a string",
	    o->field[i].spec);
	return -1;
nomem:
	rerr_set(e, EX_SOFTWARE, name, line, oom);
	return -1;
}

/* The record of a jansson-parsed line, langid's keys kept in place. */
static int
json_record(struct run *r, json_t *rec)
{
	static const char *ours[] = { "lang", "conf", "alt", "spans" };
	struct ndj_buf *b = &r->out;
	const char *key;
	json_t *val;
	int i, e = 0, n = 0, nours = r->o->out.spans ? 4 : 3;

	e |= ndj_buf_add(b, "{", 1);
	json_object_foreach(rec, key, val) {
		e |= n++ > 0 ? ndj_buf_add(b, ",", 1) : 0;
		e |= ndj_buf_string(b, key, strlen(key));
		e |= ndj_buf_add(b, ":", 1);
		for (i = 0; i < nours && strcmp(key, ours[i]) != 0; i++)
			;
		e |= i < nours ? lid_out_value(b, &r->ctx, &r->o->out, key) :
		    ndj_dump(b, val);
	}
	for (i = 0; i < nours; i++) {
		if (json_object_get(rec, ours[i]) != NULL)
			continue;
		e |= n++ > 0 ? ndj_buf_add(b, ",", 1) : 0;
		e |= ndj_buf_string(b, ours[i], strlen(ours[i]));
		e |= ndj_buf_add(b, ":", 1);
		e |= lid_out_value(b, &r->ctx, &r->o->out, ours[i]);
	}
	return e | ndj_buf_add(b, "}\n", 2);
}

/* One NDJSON line: 0, or -1 with e filled (EX_DATAERR: a bad record). */
static int
json_line(void *arg, struct ndj_reader *rd, const char *line, size_t len,
    struct rerr *e)
{
	struct run *r = arg;
	struct lid_val v[LID_MAXFIELD];
	json_t *rec = NULL;
	int has;

	if (lid_rec_scan(line, len, r->o->field, r->o->nfield, v))
		has = gather(r, v, NULL, ndj_name(rd), ndj_line(rd), e);
	else if ((rec = ndj_parse(rd, line, len, e)) == NULL)
		return -1;
	else
		has = gather(r, NULL, rec, ndj_name(rd), ndj_line(rd), e);
	if (has < 0) {
		json_decref(rec);
		return -1;
	}
	if (has && lid_detect(&r->ctx, r->text.p, r->text.len) != 0)
		goto nomem;
	if (!has && rec == NULL) {
		if (ndj_buf_add(&r->out, line, len) != 0 ||
		    ndj_buf_add(&r->out, "\n", 1) != 0)
			goto nomem;
	} else if (!has) {
		if (ndj_dump(&r->out, rec) != 0 ||
		    ndj_buf_add(&r->out, "\n", 1) != 0)
			goto nomem;
	} else if (rec == NULL) {
		if (ndj_buf_add(&r->out, line, len - 1) != 0 ||
		    (len > 2 && ndj_buf_add(&r->out, ",", 1) != 0) ||
		    lid_out_fields(&r->out, &r->ctx, &r->o->out) != 0 ||
		    ndj_buf_add(&r->out, "}\n", 2) != 0)
			goto nomem;
	} else if (json_record(r, rec) != 0)
		goto nomem;
	json_decref(rec);
	block_out(r);
	return 0;
nomem:
	json_decref(rec);
	rerr_set(e, EX_SOFTWARE, ndj_name(rd), ndj_line(rd), oom);
	return -1;
}

/* The input of -t: each file's lines. */
static int
run_text(const char *path, void *arg)
{
	struct run *r = arg;
	int rv;

	rv = run_plain(r, path);
	write_out(r);
	return rv;
}

int
main(int argc, char *argv[])
{
	static struct opts o;
	static unsigned char allow[LID_MAXLANG];
	static struct run r;
	struct rerr e;
	int ch, rv;

	o.out.nalt = 3;
	o.out.field = o.field;
	cli_init("langid");
	while ((ch = cli_getopt(&getopts, argc, argv)) != -1) {
		if ((rv = ndj_policy_parse(&o.pol, ch, optarg, &e)) > 0)
			continue;
		if (rv < 0)
			cli_usage_error(&getopts, "%s", e.msg);
		switch (ch) {
		case OPT_ALT:
			o.out.nalt = (int)cli_int(optarg, 0, LID_TOP - 1,
			    "--alt");
			break;
		case OPT_FIELD:
			if (o.nfield == LID_MAXFIELD)
				cli_usage_error(&getopts, "--field: at most "
				    "%d", LID_MAXFIELD);
			if (lid_path_parse(&o.field[o.nfield], optarg) != 0)
				cli_usage_error(&getopts, "--field: bad path: "
				    "%s", optarg);
			o.nfield++;
			break;
		case OPT_LIST:
			o.list = 1;
			break;
		case 'l':
			o.langs = optarg;
			break;
		case 'm':
			o.model = optarg;
			break;
		case OPT_MIN_CONF:
			o.out.min_conf = cli_num(optarg, 0, 1, "--min-conf");
			break;
		case OPT_SPANS:
			o.out.spans = 1;
			break;
		case 't':
			o.plain = 1;
			break;
		default:
			cli_help(&getopts, stderr, 0);
			return cli_finish(EX_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (o.nfield == 0)
		lid_path_parse(&o.field[o.nfield++], "text");
	o.out.nfield = o.nfield;

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
	r.ctx.spans = o.out.spans;
	/* Without spans only lang and alt need ranking. */
	if (!o.out.spans)
		r.ctx.ntop = o.out.nalt + 1;
	if (o.plain)
		rv = cli_each_input(argc, argv, run_text, &r);
	else
		rv = ndj_each_input(argc, argv, &(struct ndj_loop){
		    .line = json_line, .idle = flush_out, .pol = &o.pol,
		    .arg = &r });
	write_out(&r);
	lid_ctx_free(&r.ctx);
	lid_model_free(&r.m);
	ndj_buf_free(&r.out);
	ndj_buf_free(&r.text);
	ndj_buf_free(&r.fix);
	return cli_finish(rv);
}
