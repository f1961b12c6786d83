/*
 * sub_sami: Microsoft SAMI, HTML-like captions timed by <SYNC Start=ms>.
 *
 * Everything before <BODY> (the <SAMI> and <HEAD> with its <STYLE> of
 * caption classes) is the header item, kept verbatim.  In the body each
 * <SYNC Start=N> holds paragraphs <P Class=C>; the text of a paragraph is
 * shown from its SYNC until the next SYNC that holds a paragraph of the
 * same class (or none at all); a paragraph of only spaces and &nbsp;
 * clears the screen.  A file may hold several languages, one class each:
 * the cues of the first class in the body are read, the others are left
 * out and counted in a warning.  The last cue, when no SYNC clears it,
 * lasts as long as reading its text takes at 15 characters a second, at
 * least 2 s.
 *
 * Tags and tag names are case-blind, as in HTML.  Text becomes SRT markup:
 * <br> a line break, <i> <b> <u> <font color> kept, other tags dropped,
 * character references decoded, runs of white space one space.  The
 * cue's class is kept in its settings ("Class=ENCC").
 *
 * Writing: a header (the one read, when the cues came from SAMI, else a
 * minimal one with one class), one SYNC a cue, and a clearing SYNC where
 * a cue ends before the next begins.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sub.h"

/* Case-blind search for needle in [s, end). */
static const char *
find(const char *s, const char *end, const char *needle)
{
	size_t n = strlen(needle);

	for (; s + n <= end; s++)
		if (strncasecmp(s, needle, n) == 0)
			return s;
	return NULL;
}

/* Is s at a tag named name ("<name" then a space, '/' or '>')? */
static int
is_tag(const char *s, const char *end, const char *name)
{
	size_t n = strlen(name);

	return s + n + 1 < end && s[0] == '<' &&
	    strncasecmp(s + 1, name, n) == 0 &&
	    (s[n + 1] == ' ' || s[n + 1] == '\t' || s[n + 1] == '\n' ||
	    s[n + 1] == '>' || s[n + 1] == '/');
}

/*
 * The value of attribute name in the tag [s, gt), unquoted or quoted,
 * copied into v (size n).  Returns 0, or -1 when absent.
 */
static int
attr(const char *s, const char *gt, const char *name, char *v, size_t n)
{
	size_t k = strlen(name), i = 0;
	const char *p = s;

	while ((p = find(p + 1, gt, name)) != NULL) {
		const char *q = p + k;
		char quote = 0;

		if (p[-1] != ' ' && p[-1] != '\t' && p[-1] != '\n')
			continue;
		while (q < gt && *q == ' ')
			q++;
		if (q >= gt || *q != '=')
			continue;
		for (q++; q < gt && *q == ' '; q++)
			;
		if (q < gt && (*q == '"' || *q == '\''))
			quote = *q++;
		while (q < gt && i + 1 < n && (quote ? *q != quote :
		    *q != ' ' && *q != '\t' && *q != '\n'))
			v[i++] = *q++;
		v[i] = '\0';
		return 0;
	}
	return -1;
}

/* Appends HTML text [s, end) as SRT markup; returns 1 when it had any
 * visible character. */
static int
html_text(struct sub_buf *b, const char *s, const char *end)
{
	size_t start = b->len;
	int space = 0, vis = 0;
	unsigned long c;
	size_t n;

	while (s < end) {
		const char *gt;

		if (*s == '<' && s + 3 < end && strncmp(s, "<!--", 4) == 0) {
			const char *q = find(s + 4, end, "-->");

			s = q != NULL ? q + 3 : end;
			continue;
		}
		if (*s == '<' && (gt = memchr(s, '>', (size_t)(end - s))) !=
		    NULL) {
			int close = s[1] == '/';
			const char *t = s + 1 + close;
			char col[32];

			if (is_tag(s, end, "br")) {
				while (b->len > start && b->p[b->len - 1] == ' ')
					b->len--;
				sub_buf_putc(b, '\n');
				space = 0;
			} else if ((t[0] == 'i' || t[0] == 'I' || t[0] == 'b' ||
			    t[0] == 'B' || t[0] == 'u' || t[0] == 'U') &&
			    t + 1 == gt) {
				if (space && !close)
					sub_buf_putc(b, ' ');
				space = 0;
				sub_buf_puts(b, close ? "</" : "<");
				sub_buf_putc(b, t[0] | 0x20);
				sub_buf_putc(b, '>');
			} else if (strncasecmp(t, "font", 4) == 0 && close) {
				sub_buf_puts(b, "</font>");
			} else if (strncasecmp(t, "font", 4) == 0 &&
			    attr(s, gt, "color", col, sizeof(col)) == 0 &&
			    strpbrk(col, "\"<>&") == NULL) {
				if (space)
					sub_buf_putc(b, ' ');
				space = 0;
				sub_buf_puts(b, "<font color=\"");
				sub_buf_puts(b, col);
				sub_buf_puts(b, "\">");
			}
			s = gt + 1;
			continue;
		}
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
			space = 1;
			s++;
			continue;
		}
		c = (unsigned char)*s;
		n = 1;
		if (*s == '&' && (n = sub_entity(s, &c)) == 0) {
			n = 1;
			c = '&';
		}
		if (c == 0xa0 || c == ' ') {
			space = 1;
			s += n;
			continue;
		}
		if (space && b->len > start && b->p[b->len - 1] != '\n')
			sub_buf_putc(b, ' ');
		space = 0;
		if (c < 0x80 && n == 1)
			sub_buf_putc(b, (int)c);
		else if (n == 1)
			sub_buf_putc(b, *s);	/* a UTF-8 byte */
		else
			sub_buf_putcp(b, c);
		vis = 1;
		s += n;
	}
	return vis;
}

/* Ends the cue *open (an index, or -1) at t. */
static void
close_open(struct sub_doc *doc, long *open, int64_t t)
{
	if (*open >= 0 && doc->v[*open].end < 0)
		doc->v[*open].end = t > doc->v[*open].start ? t :
		    doc->v[*open].start;
	*open = -1;
}

/*
 * One <SYNC> at start (its paragraphs in [s, end)) for class cls (""
 * until the first class is seen, then set).  Adds a cue when the class
 * has text there.  *nother counts paragraphs of other classes.
 */
static void
sync_block(struct sub_doc *doc, const char *s, const char *end,
    int64_t start, long line, char *cls, size_t clsz, long *open,
    long *nother, struct sub_buf *tb, struct sub_buf *tmp)
{
	const char *p = s;
	int ours = 0, anyp = 0;

	tb->len = 0;
	while (p < end) {
		const char *pt = find(p, end, "<p"), *gt, *next;
		char c[64] = "";

		while (pt != NULL && !is_tag(pt, end, "p"))
			pt = find(pt + 2, end, "<p");
		if (pt == NULL || (gt = memchr(pt, '>', (size_t)(end - pt))) ==
		    NULL)
			break;
		anyp = 1;
		attr(pt, gt, "class", c, sizeof(c));
		for (next = find(gt, end, "<p"); next != NULL &&
		    !is_tag(next, end, "p"); next = find(next + 2, end, "<p"))
			;
		if (next == NULL)
			next = end;
		if (*cls == '\0' && c[0] != '\0' &&
		    strpbrk(c, " <>\"&") == NULL)
			snprintf(cls, clsz, "%s", c);
		tmp->len = 0;
		if (strcasecmp(c, cls) == 0 || c[0] == '\0') {
			ours = 1;
			if (tb->len > 0)
				sub_buf_putc(tb, '\n');
			html_text(tb, gt + 1, next);
		} else if (html_text(tmp, gt + 1, next))
			(*nother)++;
		p = next;
	}
	if (!anyp) {
		ours = 1;
		html_text(tb, s, end);
	}
	if (!ours)
		return;
	close_open(doc, open, start);
	/* Trim; a paragraph of nothing visible clears the screen. */
	while (tb->len > 0 && (tb->p[tb->len - 1] == ' ' ||
	    tb->p[tb->len - 1] == '\n'))
		tb->len--;
	if (tb->len > 0) {
		struct sub_item *it = sub_doc_add(doc, SUB_CUE, line);
		char set[80];

		if (it == NULL) {
			doc->oom = 1;
			return;
		}
		it->start = start;
		it->end = -1;
		it->text = sub_doc_ndup(doc, tb->p, tb->len);
		if (*cls != '\0') {
			snprintf(set, sizeof(set), "Class=%s", cls);
			it->settings = sub_doc_dup(doc, set);
		}
		*open = (long)doc->n - 1;
	}
}

/* Counts the lines from *last to p into *n. */
static long
line_at(const char *p, const char **last, long *n)
{
	for (; *last < p; (*last)++)
		if (**last == '\n')
			(*n)++;
	return *n;
}

int
sub_read_sami(char *text, size_t len, const struct sub_ropts *o,
    struct ndj_policy *pol, struct sub_doc *doc, struct rerr *e)
{
	const char *name = o->name ? o->name : CLI_STDIN_NAME;
	const char *end = text + len, *body, *p, *last = text;
	struct sub_buf tb = { 0 }, tmp = { 0 };
	char cls[64] = "", v[32];
	long open = -1, nother = 0, lineno = 1;
	struct sub_item *h;

	doc->fmt = SUB_SAMI;
	doc->markup = SUB_SRT;
	if ((h = sub_doc_add(doc, SUB_HEADER, 1)) == NULL)
		return rerr_set(e, EX_SOFTWARE, name, 0, "out of memory");
	if ((body = find(text, end, "<body")) == NULL)
		return rerr_set(e, EX_DATAERR, name, 1,
		    "not a SAMI file: no <BODY>");
	h->text = sub_doc_ndup(doc, text, (size_t)(body - text));
	p = find(body, end, "<sync");
	while (p != NULL) {
		const char *gt = memchr(p, '>', (size_t)(end - p)), *next;
		char *q;
		long long ms;

		if (gt == NULL)
			break;
		next = find(gt, end, "<sync");
		if (next == NULL && (next = find(gt, end, "</body")) == NULL)
			next = end;
		line_at(p, &last, &lineno);
		if (attr(p, gt, "start", v, sizeof(v)) != 0 ||
		    (ms = strtoll(v, &q, 10), q == v || *q != '\0') ||
		    ms < 0 || ms > 1000000000000LL) {
			rerr_set(e, EX_DATAERR, name, lineno,
			    "<SYNC> without a Start time in milliseconds");
			if (pol == NULL || !pol->skip_bad)
				break;
			ndj_policy_bad(pol, e);
			e->code = 0;
		} else {
			size_t before = doc->n;

			sync_block(doc, gt + 1, next, (int64_t)ms, lineno, cls,
			    sizeof(cls), &open, &nother, &tb, &tmp);
			if (doc->n > before && pol != NULL)
				ndj_policy_ok(pol);
		}
		p = next < end && strncasecmp(next, "<sync", 5) == 0 ? next :
		    NULL;
	}
	if (open >= 0) {
		struct sub_item *it = &doc->v[open];
		int64_t d = it->text ? (int64_t)strlen(it->text) * 1000 / 15 : 0;

		it->end = it->start + (d > 2000 ? d : 2000);
	}
	if (tb.oom || tmp.oom)
		doc->oom = 1;
	sub_buf_free(&tb);
	sub_buf_free(&tmp);
	if (e->code != 0)
		return e->code;
	if (nother > 0 && o->warn != NULL) {
		struct rerr w = { 0 };

		rerr_set(&w, EX_DATAERR, name, 0, "%ld paragraph%s of other "
		    "classes left out: one language is read, %s", nother,
		    nother == 1 ? "" : "s", cls);
		o->warn(o->warn_arg, &w);
	}
	return 0;
}

static const char sami_header[] =
    "<SAMI>\n"
    "<HEAD>\n"
    "<TITLE></TITLE>\n"
    "<STYLE TYPE=\"text/css\">\n"
    "<!--\n"
    "P { margin-left: 8pt; margin-right: 8pt; margin-bottom: 2pt;\n"
    "    margin-top: 2pt; text-align: center; font-size: 20pt;\n"
    "    font-family: Arial, sans-serif; font-weight: normal;\n"
    "    color: white; }\n"
    ".SUBTTL { Name: Subtitles; SAMIType: CC; }\n"
    "-->\n"
    "</STYLE>\n"
    "</HEAD>\n";

/* Appends t (SRT markup) as SAMI paragraph text. */
static void
put_html(struct sub_buf *b, const char *t)
{
	for (; *t != '\0'; t++) {
		const char *q;

		if (*t == '<' && (q = strchr(t, '>')) != NULL &&
		    memchr(t, '\n', (size_t)(q - t)) == NULL &&
		    (t[1] == '/' || (t[1] >= 'a' && t[1] <= 'z'))) {
			sub_buf_add(b, t, (size_t)(q - t) + 1);
			t = q;
		} else if (*t == '\n')
			sub_buf_puts(b, "<br>");
		else if (*t == '<')
			sub_buf_puts(b, "&lt;");
		else if (*t == '>')
			sub_buf_puts(b, "&gt;");
		else if (*t == '&')
			sub_buf_puts(b, "&amp;");
		else
			sub_buf_putc(b, *t);
	}
}

int
sub_write_sami(FILE *fp, const struct sub_doc *doc)
{
	struct sub_buf b = { 0 }, t = { 0 };
	const char *hdr = sami_header, *cls = "SUBTTL";
	char num[64];
	size_t i;
	int64_t shown = -1;	/* end of the cue on screen, -1: none */
	int rv = 0;

	/* The header and class of a SAMI file read, when there is one. */
	for (i = 0; doc->src == SUB_SAMI && i < doc->n; i++) {
		const struct sub_item *it = &doc->v[i];

		if (it->type == SUB_HEADER && it->text != NULL &&
		    strncasecmp(it->text, "<SAMI", 5) == 0)
			hdr = it->text;
		if (it->type == SUB_CUE && it->settings != NULL &&
		    strncmp(it->settings, "Class=", 6) == 0 &&
		    it->settings[6] != '\0' &&
		    strpbrk(it->settings + 6, " <>\"&") == NULL) {
			cls = it->settings + 6;
			break;
		}
	}
	sub_buf_puts(&b, hdr);
	if (b.len > 0 && b.p[b.len - 1] != '\n')
		sub_buf_putc(&b, '\n');
	sub_buf_puts(&b, "<BODY>\n");
	for (i = 0; i < doc->n; i++) {
		const struct sub_item *it = &doc->v[i];

		if (it->type != SUB_CUE)
			continue;
		if (shown >= 0 && shown < it->start) {
			snprintf(num, sizeof(num), "<SYNC Start=%lld><P Class=",
			    (long long)shown);
			sub_buf_puts(&b, num);
			sub_buf_puts(&b, cls);
			sub_buf_puts(&b, ">&nbsp;\n");
		}
		snprintf(num, sizeof(num), "<SYNC Start=%lld><P Class=",
		    (long long)it->start);
		sub_buf_puts(&b, num);
		sub_buf_puts(&b, cls);
		sub_buf_putc(&b, '>');
		t.len = 0;
		sub_markup(&t, it->text ? it->text : "", doc->markup, SUB_SRT);
		put_html(&b, t.p ? t.p : "");
		sub_buf_putc(&b, '\n');
		shown = it->end;
		if (t.oom)
			b.oom = 1;
		if (b.len >= 65536 && sub_buf_flush(&b, fp) != 0) {
			rv = -1;
			break;
		}
	}
	if (rv == 0 && shown >= 0) {
		snprintf(num, sizeof(num), "<SYNC Start=%lld><P Class=",
		    (long long)shown);
		sub_buf_puts(&b, num);
		sub_buf_puts(&b, cls);
		sub_buf_puts(&b, ">&nbsp;\n");
	}
	sub_buf_puts(&b, "</BODY>\n</SAMI>\n");
	if (rv == 0 && sub_buf_flush(&b, fp) != 0)
		rv = -1;
	sub_buf_free(&b);
	sub_buf_free(&t);
	return rv == 0 && !ferror(fp) ? 0 : -1;
}
