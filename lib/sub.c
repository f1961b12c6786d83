/*
 * sub: the document model, format names and detection, timestamps, and
 * the reader and writer dispatch.  The loading and saving of files and
 * the options every subtitle tool shares are in sub_io.c, text decoding
 * in sub_enc.c, markup conversion in sub_markup.c, the formats in
 * sub_srt.c (and SBV), sub_vtt.c, sub_ass.c, sub_ttml.c, sub_mdvd.c
 * (MicroDVD), sub_sami.c and sub_ndj.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sub.h"

void
sub_buf_add(struct sub_buf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *p;

		while (cap < b->len + n + 1 && cap < ((size_t)-1) / 4)
			cap *= 2;
		if (cap < b->len + n + 1 || (p = realloc(b->p, cap)) == NULL) {
			b->oom = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
sub_buf_puts(struct sub_buf *b, const char *s)
{
	sub_buf_add(b, s, strlen(s));
}

void
sub_buf_putc(struct sub_buf *b, int c)
{
	char ch = (char)c;

	sub_buf_add(b, &ch, 1);
}

void
sub_buf_free(struct sub_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
	b->oom = 0;
}

int
sub_buf_flush(struct sub_buf *b, FILE *fp)
{
	if (b->oom) {
		errno = ENOMEM;
		return -1;
	}
	if (b->len > 0 && fwrite(b->p, 1, b->len, fp) != b->len)
		return -1;
	b->len = 0;
	return 0;
}

static const struct {
	const char	*name;
	enum sub_fmt	 fmt;
} fmtnames[] = {
	{ "srt", SUB_SRT }, { "vtt", SUB_VTT }, { "webvtt", SUB_VTT },
	{ "ass", SUB_ASS }, { "ssa", SUB_SSA }, { "ndjson", SUB_NDJSON },
	{ "jsonl", SUB_NDJSON }, { "json", SUB_NDJSON },
	{ "ttml", SUB_TTML }, { "dfxp", SUB_TTML }, { "sbv", SUB_SBV },
	{ "microdvd", SUB_MICRODVD }, { "sub", SUB_MICRODVD },
	{ "sami", SUB_SAMI }, { "smi", SUB_SAMI },
};

enum sub_fmt
sub_fmt_parse(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(fmtnames) / sizeof(fmtnames[0]); i++)
		if (strcasecmp(name, fmtnames[i].name) == 0)
			return fmtnames[i].fmt;
	return SUB_NONE;
}

const char *
sub_fmt_name(enum sub_fmt f)
{
	switch (f) {
	case SUB_SRT:	 return "srt";
	case SUB_VTT:	 return "vtt";
	case SUB_ASS:	 return "ass";
	case SUB_SSA:	 return "ssa";
	case SUB_NDJSON: return "ndjson";
	case SUB_TTML:	 return "ttml";
	case SUB_SBV:	 return "sbv";
	case SUB_MICRODVD: return "microdvd";
	case SUB_SAMI:	 return "sami";
	default:	 return "none";
	}
}

enum sub_fmt
sub_fmt_from_path(const char *path)
{
	const char *dot, *slash;

	if (path == NULL)
		return SUB_NONE;
	dot = strrchr(path, '.');
	slash = strrchr(path, '/');
	if (dot == NULL || (slash != NULL && dot < slash))
		return SUB_NONE;
	/* An .xml file is as likely TTML as anything (sub_detect checks). */
	if (strcasecmp(dot + 1, "xml") == 0)
		return SUB_TTML;
	return sub_fmt_parse(dot + 1);
}

struct sub_item *
sub_doc_add(struct sub_doc *doc, enum sub_type t, long line)
{
	struct sub_item *it;

	if (doc->n == doc->cap) {
		size_t cap = doc->cap ? doc->cap * 2 : 64;
		struct sub_item *v = realloc(doc->v, cap * sizeof(*v));

		if (v == NULL)
			return NULL;
		doc->v = v;
		doc->cap = cap;
	}
	it = &doc->v[doc->n++];
	memset(it, 0, sizeof(*it));
	it->type = t;
	it->line = line;
	it->reg.width = 100;
	it->reg.lines = 3;
	it->reg.ra_y = 100;
	it->reg.va_y = 100;
	return it;
}

char *
sub_doc_ndup(struct sub_doc *doc, const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p == NULL) {
		doc->oom = 1;
		return NULL;
	}
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
sub_doc_dup(struct sub_doc *doc, const char *s)
{
	return sub_doc_ndup(doc, s, strlen(s));
}

void
sub_item_free(struct sub_item *it)
{
	free(it->text);
	free(it->id);
	free(it->settings);
	free(it->region);
	free(it->style);
	free(it->actor);
	free(it->effect);
	if (it->rec != NULL)
		json_decref(it->rec);
	memset(it, 0, sizeof(*it));
}

void
sub_doc_free(struct sub_doc *doc)
{
	size_t i;

	for (i = 0; i < doc->n; i++)
		sub_item_free(&doc->v[i]);
	free(doc->v);
	memset(doc, 0, sizeof(*doc));
}

void
sub_fmt_time(char *buf, int64_t ms, char sep)
{
	const char *sign = "";
	uint64_t u;

	if (ms < 0) {
		sign = "-";
		u = (uint64_t)0 - (uint64_t)ms;
	} else
		u = (uint64_t)ms;
	snprintf(buf, 32, "%s%02llu:%02u:%02u%c%03u", sign,
	    (unsigned long long)(u / 3600000), (unsigned)(u / 60000 % 60),
	    (unsigned)(u / 1000 % 60), sep, (unsigned)(u % 1000));
}

void
sub_fmt_asstime(char *buf, int64_t ms)
{
	uint64_t cs = ms < 0 ? 0 : ((uint64_t)ms + 5) / 10;

	snprintf(buf, 32, "%llu:%02u:%02u.%02u",
	    (unsigned long long)(cs / 360000), (unsigned)(cs / 6000 % 60),
	    (unsigned)(cs / 100 % 60), (unsigned)(cs % 100));
}

/* Digits at *s as a number, at most 12 of them.  Returns the count. */
static int
digits(const char **s, uint64_t *v)
{
	const char *p = *s;
	int n = 0;

	*v = 0;
	while (*p >= '0' && *p <= '9') {
		if (n < 12)
			*v = *v * 10 + (uint64_t)(*p - '0');
		else
			return -1;
		p++;
		n++;
	}
	*s = p;
	return n;
}

int
sub_parse_vtt_time(const char **s, int64_t *ms)
{
	const char *p = *s;
	uint64_t a, b, c = 0, f;
	int three = 0;

	/*
	 * vtt.js: /^(\d+):(\d{2})(:\d{2})?\.(\d{3})/, the two-part form
	 * being hours:minutes when its first field is over 59.  Trailing
	 * characters other than space, letters and '-' are then dropped.
	 */
	if (digits(&p, &a) < 1 || *p++ != ':')
		return -1;
	if (digits(&p, &b) != 2)
		return -1;
	if (*p == ':') {
		p++;
		if (digits(&p, &c) != 2)
			return -1;
		three = 1;
	}
	if (*p != '.')
		return -1;
	p++;
	if (!(p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9' &&
	    p[2] >= '0' && p[2] <= '9'))
		return -1;
	f = (uint64_t)((p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0'));
	p += 3;
	if (three)
		*ms = (int64_t)(((a * 60 + b) * 60 + c) * 1000 + f);
	else if (a > 59)
		*ms = (int64_t)((a * 60 + b) * 60000 + f);
	else
		*ms = (int64_t)((a * 60 + b) * 1000 + f);
	while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\n' &&
	    *p != '\f' && *p != '-' && !(*p >= 'a' && *p <= 'z') &&
	    !(*p >= 'A' && *p <= 'Z'))
		p++;
	*s = p;
	return 0;
}

/* The first non-blank line of text, its length in *n. */
static const char *
first_line(const char *text, size_t len, size_t *n)
{
	const char *p = text, *end = text + len, *q;

	while (p < end && (*p == '\n' || *p == ' ' || *p == '\t'))
		p++;
	q = memchr(p, '\n', (size_t)(end - p));
	*n = q ? (size_t)(q - p) : (size_t)(end - p);
	return p;
}

/* Does line look like an SRT timing line "d:d:d[,.]d --> ..."? */
static int
srt_timing_like(const char *p, size_t n)
{
	const char *arrow = NULL;
	size_t i;

	for (i = 0; i + 1 < n; i++)
		if (p[i] == '-' && p[i + 1] == '>') {
			arrow = p + i;
			break;
		}
	if (arrow == NULL)
		return 0;
	for (i = 0; i < n && (p[i] == ' ' || p[i] == '-'); i++)
		;
	return i < n && p[i] >= '0' && p[i] <= '9' &&
	    memchr(p, ':', (size_t)(arrow - p)) != NULL;
}

/* Digits at p (at most n bytes); returns how many. */
static size_t
ndigits(const char *p, size_t n)
{
	size_t i = 0;

	while (i < n && p[i] >= '0' && p[i] <= '9')
		i++;
	return i;
}

/* Does line look like an SBV timing line "H:MM:SS.mmm,H:MM:SS.mmm"? */
static int
sbv_timing_like(const char *p, size_t n)
{
	size_t i = 0, k, part;

	for (part = 0; part < 2; part++) {
		if ((k = ndigits(p + i, n - i)) < 1 || i + k >= n ||
		    p[i + k] != ':')
			return 0;
		i += k + 1;
		if (ndigits(p + i, n - i) != 2 || i + 2 >= n || p[i + 2] != ':')
			return 0;
		i += 3;
		if (ndigits(p + i, n - i) != 2 || i + 2 >= n || p[i + 2] != '.')
			return 0;
		i += 3;
		if ((k = ndigits(p + i, n - i)) < 1)
			return 0;
		i += k;
		if (part == 0 && (i >= n || p[i++] != ','))
			return 0;
	}
	return 1;
}

/* Does line start with a MicroDVD "{start}{end}" (end may be empty)? */
static int
mdvd_like(const char *p, size_t n)
{
	size_t i = 0, k;

	if (n < 4 || p[0] != '{')
		return 0;
	if ((k = ndigits(p + 1, n - 1)) < 1 || 1 + k >= n || p[1 + k] != '}')
		return 0;
	i = k + 2;
	if (i >= n || p[i] != '{')
		return 0;
	k = ndigits(p + i + 1, n - i - 1);
	return i + 1 + k < n && p[i + 1 + k] == '}';
}

/* Case-blind memmem. */
static const char *
memcasemem(const char *h, size_t hn, const char *needle)
{
	size_t nn = strlen(needle), i;

	for (i = 0; i + nn <= hn; i++)
		if (strncasecmp(h + i, needle, nn) == 0)
			return h + i;
	return NULL;
}

/* XML markup: TTML (by its namespace), SAMI, or SUB_NONE. */
static enum sub_fmt
detect_markup(const char *text, size_t len, enum sub_fmt hint)
{
	size_t lim = len < 8192 ? len : 8192;

	if (memcasemem(text, lim, "<sami") != NULL)
		return SUB_SAMI;
	if (memmem(text, lim, "<tt", 3) != NULL &&
	    (memmem(text, lim, "http://www.w3.org/ns/ttml", 25) != NULL ||
	    memmem(text, lim, "http://www.w3.org/2006/", 23) != NULL))
		return SUB_TTML;
	return hint == SUB_TTML || hint == SUB_SAMI ? hint : SUB_NONE;
}

enum sub_fmt
sub_detect(const char *text, size_t len, enum sub_fmt hint)
{
	const char *p, *end = text + len;
	size_t n;
	int lines;

	p = first_line(text, len, &n);
	if (n >= 6 && memcmp(p, "WEBVTT", 6) == 0)
		return SUB_VTT;
	if (mdvd_like(p, n))
		return SUB_MICRODVD;
	if (n >= 1 && p[0] == '{')
		return SUB_NDJSON;
	if (n >= 1 && p[0] == '<')
		return detect_markup(p, (size_t)(end - p), hint);
	if (n >= 1 && p[0] == '[') {
		/* An ASS/SSA section header; v4 (SSA) or v4+ (ASS) styles. */
		const char *s = memmem(text, len, "[V4 Styles]", 11);
		const char *st = memmem(text, len, "ScriptType: v4.00\n", 18);

		if (s != NULL || (st != NULL && hint != SUB_ASS))
			return SUB_SSA;
		return hint == SUB_SSA ? SUB_SSA : SUB_ASS;
	}
	/* SRT or SBV: a timing line within the first few lines. */
	for (lines = 0; p < end && lines < 8; lines++) {
		const char *q = memchr(p, '\n', (size_t)(end - p));

		n = q ? (size_t)(q - p) : (size_t)(end - p);
		if (srt_timing_like(p, n))
			return SUB_SRT;
		if (sbv_timing_like(p, n))
			return SUB_SBV;
		p = q ? q + 1 : end;
	}
	return hint;
}

/* Only white space (and a UTF-8 BOM) in s? */
static int
all_blank(const char *s, size_t n)
{
	size_t i = 0;

	if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	for (; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' &&
		    s[i] != '\n' && s[i] != '\f')
			return 0;
	return 1;
}

/*
 * The encoding an XML declaration at the start of buf names, when it is
 * one of the byte-compatible ones (UTF-16 and UTF-32 have their BOM or
 * their NULs), copied into enc.  NULL when there is none.
 */
static const char *
xml_encoding(const char *buf, size_t len, char *enc, size_t size)
{
	const char *p, *q, *end;
	size_t lim = len < 256 ? len : 256;

	if (lim < 6 || memcmp(buf, "<?xml", 5) != 0 ||
	    (end = memmem(buf, lim, "?>", 2)) == NULL ||
	    (p = memmem(buf, (size_t)(end - buf), "encoding", 8)) == NULL)
		return NULL;
	for (p += 8; p < end && (*p == ' ' || *p == '='); p++)
		;
	if (p >= end || (*p != '"' && *p != '\''))
		return NULL;
	q = memchr(p + 1, *p, (size_t)(end - p - 1));
	if (q == NULL || (size_t)(q - p) >= size || q == p + 1)
		return NULL;
	memcpy(enc, p + 1, (size_t)(q - p - 1));
	enc[q - p - 1] = '\0';
	if (strncasecmp(enc, "UTF-", 4) == 0 || strncasecmp(enc, "UCS", 3) == 0)
		return NULL;
	return enc;
}

/* Reads decoded text in format f. */
static int
read_as(enum sub_fmt f, char *text, size_t tlen, const char *name,
    const struct sub_ropts *o, struct ndj_policy *pol, struct sub_doc *doc,
    struct rerr *e)
{
	int rv;

	switch (f) {
	case SUB_SRT:
		return sub_read_srt(text, tlen, name, pol, doc, e);
	case SUB_SBV:
		return sub_read_sbv(text, tlen, name, pol, doc, e);
	case SUB_VTT:
		return sub_read_vtt(text, tlen, name, pol, doc, e);
	case SUB_ASS:
	case SUB_SSA:
		rv = sub_read_ass(text, tlen, name, pol, doc, e);
		if (doc->fmt == SUB_ASS && f == SUB_SSA)
			doc->fmt = SUB_SSA;
		return rv;
	case SUB_NDJSON:
		doc->keep_rec = o->passthrough;
		return sub_read_ndjson(text, tlen, name, pol, doc, e);
	case SUB_MICRODVD:
		return sub_read_mdvd(text, tlen, o, pol, doc, e);
	case SUB_SAMI:
		return sub_read_sami(text, tlen, o, pol, doc, e);
	case SUB_TTML:
		return sub_read_ttml(text, tlen, o, pol, doc, e);
	default:
		return rerr_set(e, EX_DATAERR, name, 1,
		    "cannot tell the subtitle format (use -i)");
	}
}

int
sub_read(const char *buf, size_t len, const struct sub_ropts *o,
    struct ndj_policy *pol, struct sub_doc *doc, struct rerr *e)
{
	const char *name = o->name ? o->name : CLI_STDIN_NAME;
	struct sub_ropts ro = *o;
	char *text = NULL, xenc[64];
	size_t tlen = 0, i;
	enum sub_fmt f = o->fmt;
	int rv;

	ro.name = name;
	/* WebVTT is UTF-8 by definition: tell the decoder, if we can. */
	if (f == SUB_NONE && o->encoding == NULL && len >= 6 &&
	    (memcmp(buf, "WEBVTT", 6) == 0 ||
	    (len >= 9 && memcmp(buf, "\xef\xbb\xbfWEBVTT", 9) == 0)))
		f = SUB_VTT;
	/*
	 * NDJSON is UTF-8 by contract and jansson checks it line by line:
	 * no need for a decoded copy (the bulk of a large conversion).
	 */
	for (i = 0; i < len && (buf[i] == ' ' || buf[i] == '\t' ||
	    buf[i] == '\r' || buf[i] == '\n'); i++)
		;
	if (o->encoding == NULL && (f == SUB_NDJSON || (f == SUB_NONE &&
	    i + 1 < len && buf[i] == '{' && buf[i + 1] == '"'))) {
		doc->keep_rec = o->passthrough;
		rv = sub_read_ndjson((char *)buf, len, name, pol, doc, e);
		goto out;
	}
	if (o->encoding == NULL)
		ro.encoding = xml_encoding(buf, len, xenc, sizeof(xenc));
	rv = sub_decode(buf, len, &ro, f, &text, &tlen, NULL, e);
	if (rv != 0)
		return rv;
	if (all_blank(text, tlen)) {
		free(text);
		return rerr_set(e, EX_DATAERR, name, 0, "empty input");
	}
	if (f == SUB_NONE)
		f = sub_detect(text, tlen, o->hint);
	rv = read_as(f, text, tlen, name, &ro, pol, doc, e);
	free(text);
out:
	if (doc->src == SUB_NONE && doc->fmt != SUB_NDJSON)
		doc->src = doc->fmt;
	if (rv == 0 && doc->oom)
		rv = rerr_set(e, EX_SOFTWARE, name, 0, "out of memory");
	return rv;
}

int
sub_write(FILE *fp, const struct sub_doc *doc, enum sub_fmt f)
{
	switch (f) {
	case SUB_SRT:
		return sub_write_srt(fp, doc);
	case SUB_VTT:
		return sub_write_vtt(fp, doc);
	case SUB_ASS:
	case SUB_SSA:
		return sub_write_ass(fp, doc, f);
	case SUB_SBV:
		return sub_write_sbv(fp, doc);
	case SUB_MICRODVD:
		return sub_write_mdvd(fp, doc, 0);
	case SUB_SAMI:
		return sub_write_sami(fp, doc);
	case SUB_TTML:
		return sub_write_ttml(fp, doc);
	default:
		return sub_write_ndjson(fp, doc);
	}
}
