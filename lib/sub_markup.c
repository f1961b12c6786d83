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
#include <stdlib.h>
#include <string.h>

#include "sub.h"

static void
put_cp(struct sub_buf *b, unsigned long c)
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

/*
 * A character reference at s ('&').  Returns its length and sets *c, or
 * returns 0 when it is none we know.
 */
static size_t
entity(const char *s, unsigned long *c)
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

/* HTML-like (SRT, WebVTT) to HTML-like or ASS. */
static void
from_html(struct sub_buf *b, const char *s, enum sub_fmt from,
    enum sub_fmt to)
{
	struct scan sc = { 0 };
	unsigned long c;
	size_t n;
	int k;

	while (*s != '\0') {
		if (*s == '<' && (n = tag(s, &k, &sc)) > 0) {
			if (k != 0 && to == SUB_SBV)
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
		if (*s == '{' && s[1] == '\\' && to == SUB_VTT) {
			/* ASS override tags in an SRT file: not text. */
			const char *q = next(s, '}', &sc.brace, &sc.nobrace);

			if (q != NULL) {
				s = q + 1;
				continue;
			}
		}
		if (*s == '&' && from == SUB_VTT && (n = entity(s, &c)) > 0) {
			/* WebVTT to SRT or ASS: the character itself. */
			put_cp(b, c);
			s += n;
			continue;
		}
		if (to == SUB_VTT && (*s == '&' || *s == '<')) {
			sub_buf_puts(b, *s == '&' ? "&amp;" : "&lt;");
			s++;
			continue;
		}
		sub_buf_putc(b, *s++);
	}
}

/* ASS to SRT or WebVTT. */
static void
from_ass(struct sub_buf *b, const char *s, enum sub_fmt to)
{
	struct scan sc = { 0 };
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
			put_cp(b, 0xa0);
			s += 2;
			continue;
		}
		if (*s == '\\' && s[1] == 'n') {
			sub_buf_putc(b, ' ');
			s += 2;
			continue;
		}
		if (to == SUB_VTT && (*s == '&' || *s == '<' || *s == '>')) {
			sub_buf_puts(b, *s == '&' ? "&amp;" : *s == '<' ?
			    "&lt;" : "&gt;");
			s++;
			continue;
		}
		sub_buf_putc(b, *s++);
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
	if (from != SUB_VTT && from != SUB_ASS)
		from = SUB_SRT;
	if (to == SUB_MICRODVD || to == SUB_SAMI)
		to = SUB_SRT;
	if (from == to || to == SUB_NDJSON) {
		sub_buf_puts(b, text);
		return;
	}
	if (from == SUB_ASS)
		from_ass(b, text, to);
	else
		from_html(b, text, from, to);
	if (b->p == NULL)
		sub_buf_puts(b, "");
}
