/*
 * sub_markup: cue text from one format's markup to another's.
 *
 * The three markups: SRT's HTML-like tags (<i> <b> <u> <font>), WebVTT's
 * tags (<i> <b> <u> <c.class> <v Name> <lang> <ruby>/<rt>, timestamps) and
 * character references (&amp; &lt; &gt; &nbsp; &lrm; &rlm;), and ASS
 * override blocks ({\i1}, {\b0}, {\an8}, ...) with \h for a hard space.
 * What both sides have (italic, bold, underline) is carried over; the rest
 * is dropped, never shown as text.  SBV is plain text: every tag goes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sub.h"

void
sub_buf_putcp(struct sub_buf *b, unsigned long c)
{
	char u[4];

	if (c < 0x80) {
		sub_buf_putc(b, (int)c);
		return;
	}
	if (c < 0x800) {
		u[0] = (char)(0xc0 | (c >> 6));
		u[1] = (char)(0x80 | (c & 0x3f));
		sub_buf_add(b, u, 2);
	} else if (c < 0x10000) {
		u[0] = (char)(0xe0 | (c >> 12));
		u[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[2] = (char)(0x80 | (c & 0x3f));
		sub_buf_add(b, u, 3);
	} else {
		u[0] = (char)(0xf0 | (c >> 18));
		u[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[3] = (char)(0x80 | (c & 0x3f));
		sub_buf_add(b, u, 4);
	}
}

/*
 * The next c at or after s, remembered in *cache so that a text full of
 * '<' without '>' costs linear time, not quadratic.  NULL when none.
 */
static const char *
next(const char *s, int c, const char **cache, int *none)
{
	if (*none)
		return NULL;
	if (*cache == NULL || *cache < s) {
		*cache = strchr(s, c);
		if (*cache == NULL) {
			*none = 1;
			return NULL;
		}
	}
	return *cache;
}

struct scan {
	const char	*gt, *nl, *brace;
	int		 nogt, nonl, nobrace;
};

size_t
sub_entity(const char *s, unsigned long *c)
{
	static const struct { const char *n; unsigned long c; } ents[] = {
		{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' },
		{ "&nbsp;", 0xa0 }, { "&lrm;", 0x200e }, { "&rlm;", 0x200f },
		{ "&quot;", '"' }, { "&apos;", '\'' },
	};
	size_t i;

	for (i = 0; i < sizeof(ents) / sizeof(ents[0]); i++)
		if (strncmp(s, ents[i].n, strlen(ents[i].n)) == 0) {
			*c = ents[i].c;
			return strlen(ents[i].n);
		}
	if (s[1] == '#') {
		const char *p = s + 2;
		char *q;
		unsigned long v;

		if (*p == 'x' || *p == 'X')
			v = strtoul(p + 1, &q, 16);
		else
			v = strtoul(p, &q, 10);
		if (q > p && *q == ';' && v > 0 && v <= 0x10ffff &&
		    (q - s) < 12) {
			*c = v;
			return (size_t)(q - s) + 1;
		}
	}
	return 0;
}

/*
 * A tag at s ('<').  Returns its length (through '>') and sets *kind to
 * 'i', 'b', 'u' (upper case when closing) or 0 for any other tag; returns
 * 0 when s starts no tag.
 */
static size_t
tag(const char *s, int *kind, struct scan *sc)
{
	const char *gt = next(s, '>', &sc->gt, &sc->nogt);
	const char *nl = next(s, '\n', &sc->nl, &sc->nonl);
	const char *p = s + 1;
	int close = 0;

	if (gt == NULL || (nl != NULL && nl < gt))
		return 0;
	if (*p == '/')
		close = 1, p++;
	*kind = 0;
	if ((*p == 'i' || *p == 'b' || *p == 'u') &&
	    (p[1] == '>' || p[1] == '.' || p[1] == ' ' || p[1] == '\t'))
		*kind = close ? *p - 'a' + 'A' : *p;
	else if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
	    (*p >= '0' && *p <= '9')))
		return 0;
	return (size_t)(gt - s) + 1;
}

/*
 * TTML output: spans opened and closed as a stack, so the result is
 * well-formed whatever the order of the source's tags (an SRT "<i><b>
 * </i></b>" closes the b span, closes i, opens b again).
 */
#define TT_MAXOPEN	16
struct tt_out {
	int	 n;
	char	 k[TT_MAXOPEN];		/* 'i', 'b', 'u' or 'c' (colour) */
	char	 col[TT_MAXOPEN][32];
};

static void
tt_span(struct sub_buf *b, int k, const char *col)
{
	switch (k) {
	case 'i':
		sub_buf_puts(b, "<span tts:fontStyle=\"italic\">");
		break;
	case 'b':
		sub_buf_puts(b, "<span tts:fontWeight=\"bold\">");
		break;
	case 'u':
		sub_buf_puts(b, "<span tts:textDecoration=\"underline\">");
		break;
	default:
		sub_buf_puts(b, "<span tts:color=\"");
		sub_buf_puts(b, col);
		sub_buf_puts(b, "\">");
	}
}

static void
tt_open(struct sub_buf *b, struct tt_out *o, int k, const char *col)
{
	if (o->n == TT_MAXOPEN)
		return;
	o->k[o->n] = (char)k;
	snprintf(o->col[o->n], sizeof(o->col[0]), "%s", col ? col : "");
	tt_span(b, k, o->col[o->n]);
	o->n++;
}

static void
tt_close(struct sub_buf *b, struct tt_out *o, int k)
{
	int at, i;

	for (at = o->n - 1; at >= 0 && o->k[at] != k; at--)
		;
	if (at < 0)
		return;		/* never opened: nothing to close */
	for (i = o->n - 1; i >= at; i--)
		sub_buf_puts(b, "</span>");
	for (i = at + 1; i < o->n; i++) {
		o->k[i - 1] = o->k[i];
		memcpy(o->col[i - 1], o->col[i], sizeof(o->col[0]));
		tt_span(b, o->k[i - 1], o->col[i - 1]);
	}
	o->n--;
}

static void
tt_end(struct sub_buf *b, struct tt_out *o)
{
	while (o->n > 0) {
		sub_buf_puts(b, "</span>");
		o->n--;
	}
}

/* Is c a colour TTML takes: #rrggbb, #rrggbbaa or a named one? */
static int
tt_color_ok(const char *c)
{
	static const char *const named[] = { "transparent", "black",
		"silver", "gray", "white", "maroon", "red", "purple",
		"fuchsia", "magenta", "green", "lime", "olive", "yellow",
		"navy", "blue", "teal", "aqua", "cyan", NULL };
	size_t n = strlen(c), i;

	if (c[0] == '#' && (n == 7 || n == 9)) {
		for (i = 1; i < n; i++)
			if (!strchr("0123456789abcdefABCDEF", c[i]))
				return 0;
		return 1;
	}
	for (i = 0; named[i] != NULL; i++)
		if (strcasecmp(c, named[i]) == 0)
			return 1;
	return 0;
}

/* The colour of a <font color=...> tag [s, s+n), into col; 0 if none. */
static int
font_color(const char *s, size_t n, char *col, size_t size)
{
	const char *p = s, *end = s + n, *q;
	size_t k;

	if (n < 6 || strncasecmp(s, "<font", 5) != 0)
		return 0;
	for (; p + 6 < end; p++)
		if (strncasecmp(p, "color", 5) == 0)
			break;
	if (p + 6 >= end)
		return 0;
	for (p += 5; p < end && (*p == ' ' || *p == '='); p++)
		;
	if (p < end && (*p == '"' || *p == '\''))
		p++;
	for (q = p; q < end && *q != '"' && *q != '\'' && *q != ' ' &&
	    *q != '>'; q++)
		;
	if ((k = (size_t)(q - p)) == 0 || k >= size)
		return 0;
	memcpy(col, p, k);
	col[k] = '\0';
	return 1;
}

/* Appends c escaped for TTML text. */
static void
tt_char(struct sub_buf *b, unsigned long c)
{
	if (c == '&')
		sub_buf_puts(b, "&amp;");
	else if (c == '<')
		sub_buf_puts(b, "&lt;");
	else if (c == '>')
		sub_buf_puts(b, "&gt;");
	else
		sub_buf_putcp(b, c);
}

/* HTML-like (SRT, WebVTT) to HTML-like, ASS, TTML or plain text. */
static void
from_html(struct sub_buf *b, const char *s, enum sub_fmt from,
    enum sub_fmt to)
{
	struct scan sc = { 0 };
	struct tt_out tt = { 0 };
	unsigned long c;
	size_t n;
	int k;

	while (*s != '\0') {
		if (*s == '<' && (n = tag(s, &k, &sc)) > 0) {
			char col[32];

			if (to == SUB_TTML && k != 0)
				k >= 'a' ? tt_open(b, &tt, k, NULL) :
				    tt_close(b, &tt, k | 0x20);
			else if (to == SUB_TTML && font_color(s, n, col,
			    sizeof(col)) && tt_color_ok(col))
				tt_open(b, &tt, 'c', col);
			else if (to == SUB_TTML && n >= 7 &&
			    strncasecmp(s, "</font", 6) == 0)
				tt_close(b, &tt, 'c');
			else if (k != 0 && to == SUB_SBV)
				;	/* plain text */
			else if (k != 0 && to == SUB_ASS) {
				char o[8] = { '{', '\\', (char)(k | 0x20),
				    k >= 'a' ? '1' : '0', '}', 0 };

				sub_buf_puts(b, o);
			} else if (k != 0) {
				sub_buf_puts(b, k >= 'a' ? "<" : "</");
				sub_buf_putc(b, k | 0x20);
				sub_buf_putc(b, '>');
			}
			s += n;
			continue;
		}
		if (*s == '{' && s[1] == '\\' && (to == SUB_VTT ||
		    to == SUB_TTML || to == SUB_SBV)) {
			/* ASS override tags in an SRT file: not text. */
			const char *q = next(s, '}', &sc.brace, &sc.nobrace);

			if (q != NULL) {
				s = q + 1;
				continue;
			}
		}
		if (*s == '&' && from == SUB_VTT && (n = sub_entity(s, &c)) > 0) {
			/* WebVTT to the others: the character itself. */
			if (to == SUB_TTML)
				tt_char(b, c);
			else
				sub_buf_putcp(b, c);
			s += n;
			continue;
		}
		if (to == SUB_TTML && (*s == '&' || *s == '<' || *s == '>')) {
			tt_char(b, (unsigned char)*s++);
			continue;
		}
		if (to == SUB_VTT && (*s == '&' || *s == '<')) {
			sub_buf_puts(b, *s == '&' ? "&amp;" : "&lt;");
			s++;
			continue;
		}
		sub_buf_putc(b, *s++);
	}
	tt_end(b, &tt);
}

/* ASS to SRT, WebVTT, TTML or plain text. */
static void
from_ass(struct sub_buf *b, const char *s, enum sub_fmt to)
{
	struct scan sc = { 0 };
	struct tt_out tt = { 0 };
	int drawing = 0;	/* after {\p1}: vector drawing, not text */

	while (*s != '\0') {
		if (*s == '{') {
			const char *q = next(s, '}', &sc.brace, &sc.nobrace), *t;

			if (q == NULL) {
				sub_buf_putc(b, *s++);
				continue;
			}
			/* \i1 \i0 \b1 \b0 \u1 \u0 carry over; the rest goes. */
			for (t = s + 1; t < q; t++) {
				if (*t != '\\' || t + 2 > q)
					continue;
				if (t[1] == 'p' && t + 2 < q && t[2] >= '0' &&
				    t[2] <= '9')
					drawing = t[2] != '0' || (t + 3 < q &&
					    t[3] >= '0' && t[3] <= '9');
				if ((t[1] == 'i' || t[1] == 'b' || t[1] == 'u') &&
				    t + 2 < q && t[2] >= '0' && t[2] <= '9' &&
				    to != SUB_SBV) {
					int on = t[2] != '0' || (t + 3 < q &&
					    t[3] >= '0' && t[3] <= '9');

					if (to == SUB_TTML) {
						if (on)
							tt_open(b, &tt, t[1],
							    NULL);
						else
							tt_close(b, &tt, t[1]);
						continue;
					}
					sub_buf_puts(b, on ? "<" : "</");
					sub_buf_putc(b, t[1]);
					sub_buf_putc(b, '>');
				}
			}
			s = q + 1;
			continue;
		}
		if (drawing && *s != '\n') {
			s++;
			continue;
		}
		if (*s == '\\' && s[1] == 'h') {
			sub_buf_putcp(b, 0xa0);
			s += 2;
			continue;
		}
		if (*s == '\\' && s[1] == 'n') {
			sub_buf_putc(b, ' ');
			s += 2;
			continue;
		}
		if ((to == SUB_VTT || to == SUB_TTML) && (*s == '&' ||
		    *s == '<' || *s == '>')) {
			sub_buf_puts(b, *s == '&' ? "&amp;" : *s == '<' ?
			    "&lt;" : "&gt;");
			s++;
			continue;
		}
		sub_buf_putc(b, *s++);
	}
	tt_end(b, &tt);
}

/* The value of attribute name in a tag [s, end), or NULL; its length. */
static const char *
tag_attr(const char *s, const char *end, const char *name, size_t *n)
{
	size_t k = strlen(name);
	const char *p, *q;

	for (p = s + 1; p + k + 2 < end; p++)
		if (p[-1] == ' ' && strncmp(p, name, k) == 0 && p[k] == '=' &&
		    (p[k + 1] == '"' || p[k + 1] == '\'')) {
			q = memchr(p + k + 2, p[k + 1],
			    (size_t)(end - p - k - 2));
			if (q == NULL)
				return NULL;
			*n = (size_t)(q - p - k - 2);
			return p + k + 2;
		}
	return NULL;
}

/* Does the value [v, v+n) contain word? */
static int
has_word(const char *v, size_t n, const char *word)
{
	size_t k = strlen(word), i;

	for (i = 0; v != NULL && i + k <= n; i++)
		if (strncmp(v + i, word, k) == 0)
			return 1;
	return 0;
}

/*
 * A TTML colour as "#rrggbb" in place, for ASS: hex kept (alpha
 * dropped), the named colours of TTML 1 looked up; else col is emptied.
 */
static void
tt_hex(char *col, size_t size)
{
	static const struct { const char *n, *hex; } named[] = {
		{ "black", "#000000" }, { "silver", "#c0c0c0" },
		{ "gray", "#808080" }, { "white", "#ffffff" },
		{ "maroon", "#800000" }, { "red", "#ff0000" },
		{ "purple", "#800080" }, { "fuchsia", "#ff00ff" },
		{ "magenta", "#ff00ff" }, { "green", "#008000" },
		{ "lime", "#00ff00" }, { "olive", "#808000" },
		{ "yellow", "#ffff00" }, { "navy", "#000080" },
		{ "blue", "#0000ff" }, { "teal", "#008080" },
		{ "aqua", "#00ffff" }, { "cyan", "#00ffff" },
	};
	size_t i, n = strlen(col);

	if (col[0] == '#' && (n == 7 || n == 9) && tt_color_ok(col)) {
		col[7] = '\0';
		return;
	}
	for (i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (strcasecmp(col, named[i].n) == 0) {
			snprintf(col, size, "%s", named[i].hex);
			return;
		}
	col[0] = '\0';
}

/*
 * TTML markup to the others: a span's italic, bold, underline (and
 * colour, for SRT and ASS) carry over; character references become the
 * characters (escaped again for WebVTT).
 */
static void
from_ttml(struct sub_buf *b, const char *s, enum sub_fmt to)
{
	char stack[32];		/* what each open span opened: i b u c */
	int depth = 0;
	unsigned long c;
	size_t n;

	memset(stack, 0, sizeof(stack));
	while (*s != '\0') {
		const char *gt;

		if (*s == '<' && (gt = strchr(s, '>')) != NULL) {
			if (strncmp(s, "<span", 5) == 0 && (s[5] == ' ' ||
			    s[5] == '>')) {
				const char *v;
				char col[32] = "";
				int k = 0;

				if (((v = tag_attr(s, gt, "tts:fontStyle", &n))
				    != NULL) && (has_word(v, n, "italic") ||
				    has_word(v, n, "oblique")))
					k |= 1;
				if ((v = tag_attr(s, gt, "tts:fontWeight", &n))
				    != NULL && has_word(v, n, "bold"))
					k |= 2;
				if ((v = tag_attr(s, gt, "tts:textDecoration",
				    &n)) != NULL && has_word(v, n, "underline"))
					k |= 4;
				if ((v = tag_attr(s, gt, "tts:color", &n)) !=
				    NULL && n > 0 && n < sizeof(col) &&
				    (to == SUB_SRT || to == SUB_ASS)) {
					memcpy(col, v, n);
					col[n] = '\0';
					if (to == SUB_ASS)
						tt_hex(col, sizeof(col));
					if (strchr(col, '"') == NULL &&
					    strcasecmp(col, "white") != 0 &&
					    (to == SUB_SRT || col[0] == '#'))
						k |= 8;
				}
				if (to == SUB_SBV)
					k = 0;
				if (depth < (int)sizeof(stack))
					stack[depth] = (char)k;
				depth++;
				if (k & 8) {
					if (to == SUB_ASS) {
						sub_buf_puts(b, "{\\c&H");
						sub_buf_add(b, col + 5, 2);
						sub_buf_add(b, col + 3, 2);
						sub_buf_add(b, col + 1, 2);
						sub_buf_puts(b, "&}");
					} else if (to == SUB_SRT) {
						sub_buf_puts(b,
						    "<font color=\"");
						sub_buf_puts(b, col);
						sub_buf_puts(b, "\">");
					}
				}
				if (k & 2)
					sub_buf_puts(b, to == SUB_ASS ?
					    "{\\b1}" : "<b>");
				if (k & 1)
					sub_buf_puts(b, to == SUB_ASS ?
					    "{\\i1}" : "<i>");
				if (k & 4)
					sub_buf_puts(b, to == SUB_ASS ?
					    "{\\u1}" : "<u>");
			} else if (strncmp(s, "</span>", 7) == 0 && depth > 0) {
				int k = --depth < (int)sizeof(stack) ?
				    stack[depth] : 0;

				if (k & 4)
					sub_buf_puts(b, to == SUB_ASS ?
					    "{\\u0}" : "</u>");
				if (k & 1)
					sub_buf_puts(b, to == SUB_ASS ?
					    "{\\i0}" : "</i>");
				if (k & 2)
					sub_buf_puts(b, to == SUB_ASS ?
					    "{\\b0}" : "</b>");
				if ((k & 8) && to == SUB_ASS)
					sub_buf_puts(b, "{\\c}");
				else if (k & 8)
					sub_buf_puts(b, "</font>");
			} else if (strncmp(s, "<br", 3) == 0)
				sub_buf_putc(b, '\n');
			s = gt + 1;
			continue;
		}
		c = (unsigned char)*s;
		n = 1;
		if (*s == '&' && (n = sub_entity(s, &c)) == 0) {
			c = '&';
			n = 1;
		}
		if (to == SUB_VTT && (c == '&' || c == '<' || c == '>'))
			sub_buf_puts(b, c == '&' ? "&amp;" : c == '<' ?
			    "&lt;" : "&gt;");
		else if (n == 1)
			sub_buf_putc(b, *s);
		else
			sub_buf_putcp(b, c);
		s += n;
	}
}

void
sub_markup(struct sub_buf *b, const char *text, enum sub_fmt from,
    enum sub_fmt to)
{
	if (from == SUB_SSA)
		from = SUB_ASS;
	if (to == SUB_SSA)
		to = SUB_ASS;
	if (from != SUB_VTT && from != SUB_ASS && from != SUB_TTML)
		from = SUB_SRT;
	if (to == SUB_MICRODVD || to == SUB_SAMI)
		to = SUB_SRT;
	if (from == to || to == SUB_NDJSON) {
		sub_buf_puts(b, text);
		return;
	}
	if (from == SUB_ASS)
		from_ass(b, text, to);
	else if (from == SUB_TTML)
		from_ttml(b, text, to);
	else
		from_html(b, text, from, to);
	if (b->p == NULL)
		sub_buf_puts(b, "");
}
