/*
 * sub_ttml: TTML and DFXP, read and written as the IMSC1 Text profile
 * (W3C TTML Profiles for Internet Media Subtitles and Captions 1.0.1).
 *
 * Reading (libxml2, no network, no external entities):
 * - elements are known by namespace and local name, whatever their
 *   prefix: TTML 1/2 (http://www.w3.org/ns/ttml) and the DFXP drafts
 *   (http://www.w3.org/2006/10/ttaf1, .../2006/04/ttaf1);
 * - times: clock time "hh:mm:ss[.fff]" or "hh:mm:ss:ff[.sub]" and offset
 *   time "N[.N](h|m|s|ms|f|t)", with ttp:frameRate (default 30),
 *   ttp:frameRateMultiplier, ttp:subFrameRate and ttp:tickRate (default
 *   frameRate x subFrameRate when a frame rate is given, else 1); every
 *   time base is read as media time;
 * - timing: begin, end and dur on body, div, p and span, in par
 *   (default) and seq time containers, an element clipped to its parent;
 *   an element without end or dur lasts as long as its parent in a par
 *   container (as long as its timed children when it has any) and no
 *   time in a seq container; a p whose end is still open lasts as long
 *   as reading its text takes at 15 characters a second, at least 2 s;
 * - one cue for each p with something to show; a p whose spans have
 *   times of their own (roll-up, karaoke) becomes one cue for each
 *   interval in which what it shows is the same;
 * - cue text: the content of the p in TTML markup, spans with their
 *   tts: attributes (a style a span refers to is resolved into them),
 *   <br/> as "\n", white space collapsed as xml:space="default" says
 *   (kept with "preserve"), characters escaped as XML; the p's own
 *   resolved style (from its style attributes, its ancestors' and its
 *   region's) wraps the text in a span when it has an italic, bold,
 *   underline or colour to carry;
 * - the cue's id is the p's xml:id, its region the p's region or its
 *   nearest ancestor's, its settings the p's other attributes;
 * - the header item holds the root element's attributes and the <head>
 *   (styling, layout, metadata) as a small TTML document, so a TTML
 *   written from it keeps its styles and regions.
 *
 * Writing: an IMSC1 Text document, UTF-8: the header's <tt> and <head>
 * when the cues came from TTML, else a head with a default style and a
 * bottom region; one p per cue with begin and end in clock time, text
 * in TTML markup (sub_markup converts the others) with <br/> for line
 * breaks.  A cue's TTML markup or settings that are not well-formed XML
 * (hand-edited NDJSON) are written as plain text, without them.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "sub.h"

#define NS_TT		"http://www.w3.org/ns/ttml"
#define NS_TTS		"http://www.w3.org/ns/ttml#styling"
#define NS_TTM		"http://www.w3.org/ns/ttml#metadata"
#define NS_TTP		"http://www.w3.org/ns/ttml#parameter"
#define NS_XML		"http://www.w3.org/XML/1998/namespace"
#define NS_DFXP		"http://www.w3.org/2006/"

/* A p whose end is open: reading time at this speed, at least 2 s. */
#define TT_OPEN_CPS	15

enum ns { NS_NONE, NS_T, NS_S, NS_M, NS_P, NS_X, NS_OTHER };

/* Which of our namespaces uri is. */
static enum ns
ns_of(const xmlNs *ns)
{
	const char *u;
	size_t n;

	if (ns == NULL || ns->href == NULL)
		return NS_NONE;
	u = (const char *)ns->href;
	if (strcmp(u, NS_XML) == 0)
		return NS_X;
	if (strncmp(u, NS_TT, strlen(NS_TT)) == 0)
		u += strlen(NS_TT);
	else if (strncmp(u, NS_DFXP, strlen(NS_DFXP)) == 0 &&
	    (u = strstr(u, "ttaf1")) != NULL)
		u += 5;
	else
		return NS_OTHER;
	if (*u == '\0')
		return NS_T;
	n = strlen(u);
	if (strcmp(u, "#styling") == 0 || strcmp(u, "#style") == 0)
		return NS_S;
	if (strcmp(u, "#metadata") == 0)
		return NS_M;
	if (strcmp(u, "#parameter") == 0)
		return NS_P;
	(void)n;
	return NS_OTHER;
}

/* Is node the TT element name? */
static int
is_el(const xmlNode *n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE &&
	    ns_of(n->ns) == NS_T && strcmp((const char *)n->name, name) == 0;
}

/* The value of attribute name in namespace ns (NS_NONE: no namespace). */
static const char *
get_attr(const xmlNode *n, enum ns ns, const char *name)
{
	const xmlAttr *a;

	for (a = n->properties; a != NULL; a = a->next)
		if (strcmp((const char *)a->name, name) == 0 &&
		    ns_of(a->ns) == ns && a->children != NULL &&
		    a->children->type == XML_TEXT_NODE)
			return (const char *)a->children->content;
	return NULL;
}

/* The parameters times are read with. */
struct tt_params {
	double	 fps;		/* effective frame rate */
	double	 sub;		/* sub-frames a frame */
	double	 tick;		/* ticks a second */
};

static void
params(const xmlNode *root, struct tt_params *p)
{
	const char *s;
	double fr = 30, num = 1, den = 1, sub = 1;
	int has_fr = 0;

	if ((s = get_attr(root, NS_P, "frameRate")) != NULL &&
	    strtod(s, NULL) > 0) {
		fr = strtod(s, NULL);
		has_fr = 1;
	}
	if ((s = get_attr(root, NS_P, "frameRateMultiplier")) != NULL &&
	    sscanf(s, "%lf %lf", &num, &den) == 2 && num > 0 && den > 0)
		;
	else
		num = den = 1;
	if ((s = get_attr(root, NS_P, "subFrameRate")) != NULL &&
	    strtod(s, NULL) > 0)
		sub = strtod(s, NULL);
	p->fps = fr * num / den;
	p->sub = sub;
	p->tick = has_fr ? fr * sub : 1;
	if ((s = get_attr(root, NS_P, "tickRate")) != NULL &&
	    strtod(s, NULL) > 0)
		p->tick = strtod(s, NULL);
}

/* Digits at *s into *v; returns how many. */
static int
digs(const char **s, double *v)
{
	int n = 0;

	*v = 0;
	while (**s >= '0' && **s <= '9' && n < 15) {
		*v = *v * 10 + (**s - '0');
		(*s)++;
		n++;
	}
	return **s >= '0' && **s <= '9' ? -1 : n;
}

/* A fraction ".ddd" at *s, or 0. */
static double
frac(const char **s)
{
	double f = 0, scale = 0.1;

	if (**s != '.')
		return 0;
	for ((*s)++; **s >= '0' && **s <= '9'; (*s)++, scale /= 10)
		f += (**s - '0') * scale;
	return f;
}

/*
 * Parses a TTML time expression.  Returns 0 with *t in seconds, or -1.
 * Beyond the grammar, as real files need: hours of one digit, and
 * "mm:ss.fff" without hours (Apple's iTunes TTML).
 */
static int
tt_time(const char *s, const struct tt_params *p, double *t)
{
	double h, m, sec, f, v;
	const char *q;

	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	q = s;
	if (digs(&q, &h) >= 1 && *q == ':') {
		q++;
		if (digs(&q, &m) != 2 || m > 59)
			return -1;
		if (*q == ':') {
			q++;
			if (digs(&q, &sec) != 2 || sec > 60)
				return -1;
			v = h * 3600 + m * 60 + sec;
		} else if (*q == '.') {
			v = h * 60 + m;		/* mm:ss.fff */
		} else
			return -1;
		if (*q == '.')
			v += frac(&q);
		else if (*q == ':') {
			q++;
			if (digs(&q, &f) < 1)
				return -1;
			if (*q == '.') {
				double sf;

				q++;
				if (digs(&q, &sf) < 1)
					return -1;
				f += sf / p->sub;
			}
			v += f / p->fps;
		}
	} else {
		q = s;
		if (digs(&q, &v) < 1)
			return -1;
		v += frac(&q);
		if (strncmp(q, "ms", 2) == 0)
			v /= 1000, q += 2;
		else if (*q == 'h')
			v *= 3600, q++;
		else if (*q == 'm')
			v *= 60, q++;
		else if (*q == 's')
			q++;
		else if (*q == 'f')
			v /= p->fps, q++;
		else if (*q == 't')
			v /= p->tick, q++;
		else if (*q != '\0' && *q != ' ')
			return -1;	/* no metric: seconds (real files) */
	}
	while (*q == ' ' || *q == '\t' || *q == '\n')
		q++;
	if (*q != '\0' || !isfinite(v) || v > 1e9)
		return -1;
	*t = v;
	return 0;
}

/* A computed interval, hung on each timed element (node->_private). */
struct tt_iv {
	double	 b, e;		/* seconds; e may be INFINITY */
	int	 own;		/* the element has begin, end or dur */
	int	 inner;		/* a descendant has */
};

/* The state of one read. */
struct tt_rd {
	struct tt_params p;
	struct sub_doc	*doc;
	const struct sub_ropts *o;
	const char	*name;
	struct rerr	*e;
	struct ndj_policy *pol;
	int		 bad;		/* e holds a bad time */
	xmlNode		*head;
	struct sub_buf	 b, t;		/* scratch */
};

/* A time attribute; 1 when present (into *t), 0 when absent, -1 bad. */
static int
time_attr(struct tt_rd *r, const xmlNode *n, const char *name, double *t)
{
	const char *s = get_attr(n, NS_NONE, name);

	if (s == NULL)
		return 0;
	if (tt_time(s, &r->p, t) != 0) {
		if (!r->bad)
			rerr_set(r->e, EX_DATAERR, r->name,
			    (long)xmlGetLineNo(n),
			    "bad time expression %s=\"%.40s\"", name, s);
		r->bad = 1;
		return -1;
	}
	return 1;
}

/* Does n have anonymous text (not white space) as a child? */
static int
has_text(const xmlNode *n)
{
	const xmlNode *c;
	const char *s;

	for (c = n->children; c != NULL; c = c->next)
		if (c->type == XML_TEXT_NODE || c->type ==
		    XML_CDATA_SECTION_NODE)
			for (s = (const char *)c->content; s && *s; s++)
				if (*s != ' ' && *s != '\t' && *s != '\n' &&
				    *s != '\r')
					return 1;
	return 0;
}

/* Is c an element that takes part in timing? */
static int
timed_el(const xmlNode *c)
{
	return is_el(c, "div") || is_el(c, "p") || is_el(c, "span") ||
	    is_el(c, "br");
}

/*
 * Computes the interval of n and of its timed descendants (TTML1 section
 * 10.4: par and seq time containers, SMIL semantics): n's sync base is
 * base (its parent's begin in a par container, the end of the sibling
 * before it in a seq one); n is clipped to pend, its parent's end.
 * Without end or dur, a par container lasts as long as its latest child
 * and as long as its parent when it holds text of its own (an anonymous
 * span is indefinite in par), a seq container as long as its children
 * one after the other, and text in a seq container takes no time.
 * pbase is the parent's own sync base.  Returns the interval (also hung
 * on n), NULL when out of memory.
 */
static struct tt_iv *
interval(struct tt_rd *r, xmlNode *n, double base, double pend, int in_seq,
    double pbase, int depth)
{
	struct tt_iv *v;
	double b = 0, e = 0, d = 0, end = INFINITY, cb, ce = -INFINITY;
	const char *tc = get_attr(n, NS_NONE, "timeContainer");
	int seq = tc != NULL && strcmp(tc, "seq") == 0, hb, he, hd, kids = 0;
	xmlNode *c;

	if ((v = calloc(1, sizeof(*v))) == NULL) {
		r->doc->oom = 1;
		return NULL;
	}
	n->_private = v;
	hb = time_attr(r, n, "begin", &b);
	he = time_attr(r, n, "end", &e);
	hd = time_attr(r, n, "dur", &d);
	v->own = hb > 0 || he > 0 || hd > 0;
	/*
	 * Times that would put n wholly after its parent's end read as
	 * times on the parent's own sync base (files that write absolute
	 * times on nested elements, as Apple's iTunes TTML does).
	 */
	if (!in_seq && hb > 0 && base + b >= pend && pbase + b < pend &&
	    pbase < base)
		base = pbase;
	v->b = base + (hb > 0 ? b : 0);
	if (he > 0)
		end = base + e;
	if (hd > 0 && v->b + d < end)
		end = v->b + d;
	cb = v->b;
	for (c = n->children; c != NULL && depth < 64; c = c->next) {
		struct tt_iv *cv;

		if (!timed_el(c))
			continue;
		kids = 1;
		cv = interval(r, c, seq ? cb : v->b, end < pend ? end : pend,
		    seq, base, depth + 1);
		if (cv == NULL)
			return NULL;
		v->inner |= cv->own || cv->inner;
		cb = cv->e;
		if (cv->e > ce)
			ce = cv->e;
	}
	if (he <= 0 && hd <= 0) {
		if (seq)
			end = kids ? cb : v->b;
		else if (has_text(n) && !in_seq)
			end = INFINITY;
		else if (kids)
			end = ce;
		else
			end = in_seq ? v->b : INFINITY;
	}
	v->e = end < pend ? end : pend;
	if (v->e < v->b)
		v->e = v->b;
	return v;
}

static void
free_ivs(xmlNode *n)
{
	xmlNode *c;

	for (c = n->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			free_ivs(c);
	free(n->_private);
	n->_private = NULL;
}

/* The canonical prefix of an attribute's namespace, or NULL to drop it. */
static const char *
attr_prefix(const xmlAttr *a)
{
	switch (ns_of(a->ns)) {
	case NS_NONE:
		return "";
	case NS_S:
		return "tts:";
	case NS_M:
		return "ttm:";
	case NS_P:
		return "ttp:";
	case NS_X:
		return "xml:";
	default:
		return NULL;
	}
}

/* Appends s escaped for XML text or attribute values. */
static void
put_esc(struct sub_buf *b, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		switch (s[i]) {
		case '&':
			sub_buf_puts(b, "&amp;");
			break;
		case '<':
			sub_buf_puts(b, "&lt;");
			break;
		case '>':
			sub_buf_puts(b, "&gt;");
			break;
		case '"':
			sub_buf_puts(b, "&quot;");
			break;
		default:
			sub_buf_putc(b, s[i]);
		}
}

/* Appends ' prefix:name="value"' of attribute a. */
static void
put_attr(struct sub_buf *b, const char *pfx, const char *name,
    const char *v)
{
	sub_buf_putc(b, ' ');
	sub_buf_puts(b, pfx);
	sub_buf_puts(b, name);
	sub_buf_puts(b, "=\"");
	put_esc(b, v, strlen(v));
	sub_buf_putc(b, '"');
}

/*
 * Appends the attributes of n in canonical form, leaving out those named
 * in skip (NULL-ended, without prefix, of no namespace or xml:).
 */
static void
put_attrs(struct sub_buf *b, const xmlNode *n, const char *const *skip)
{
	const xmlAttr *a;
	const char *pfx, *const *k;

	for (a = n->properties; a != NULL; a = a->next) {
		xmlChar *v;

		if ((pfx = attr_prefix(a)) == NULL)
			continue;
		for (k = skip; k != NULL && *k != NULL; k++)
			if ((*pfx == '\0' || *pfx == 'x') &&
			    strcmp(*k, (const char *)a->name) == 0)
				break;
		if (k != NULL && *k != NULL)
			continue;
		if ((v = xmlNodeListGetString(a->doc, a->children, 1)) == NULL)
			continue;
		put_attr(b, pfx, (const char *)a->name, (const char *)v);
		xmlFree(v);
	}
}

/*
 * Serialises an element of the head (and its subtree) canonically:
 * TT elements without prefix, our attribute namespaces with theirs,
 * metadata elements of other vocabularies and comments dropped.
 */
static void
put_tree(struct sub_buf *b, const xmlNode *n)
{
	const xmlNode *c;
	const char *pfx;

	switch (ns_of(n->ns)) {
	case NS_T:
		pfx = "";
		break;
	case NS_M:
		pfx = "ttm:";
		break;
	default:
		return;
	}
	sub_buf_putc(b, '<');
	sub_buf_puts(b, pfx);
	sub_buf_puts(b, (const char *)n->name);
	put_attrs(b, n, NULL);
	if (n->children == NULL) {
		sub_buf_puts(b, "/>");
		return;
	}
	sub_buf_putc(b, '>');
	for (c = n->children; c != NULL; c = c->next) {
		if (c->type == XML_ELEMENT_NODE)
			put_tree(b, c);
		else if (c->type == XML_TEXT_NODE ||
		    c->type == XML_CDATA_SECTION_NODE)
			put_esc(b, (const char *)c->content,
			    strlen((const char *)c->content));
	}
	sub_buf_puts(b, "</");
	sub_buf_puts(b, pfx);
	sub_buf_puts(b, (const char *)n->name);
	sub_buf_putc(b, '>');
}

/* The root start tag our documents use, with the namespaces. */
#define TT_ROOT_NS \
	"<tt xmlns=\"" NS_TT "\" xmlns:tts=\"" NS_TTS "\" xmlns:ttm=\"" \
	NS_TTM "\" xmlns:ttp=\"" NS_TTP "\""

/*
 * The header item: our root start tag with the root's attributes (but
 * the time base, which we always write as media time), and the head.
 */
static void
put_header(struct sub_buf *b, const xmlNode *root, const xmlNode *head)
{
	static const char *const skip[] = { "timeBase", "clockMode",
		"dropMode", "markerMode", NULL };
	const xmlAttr *a;

	sub_buf_puts(b, TT_ROOT_NS);
	for (a = root->properties; a != NULL; a = a->next) {
		const char *pfx = attr_prefix(a), *const *k;
		xmlChar *v;

		if (pfx == NULL)
			continue;
		for (k = skip; *k != NULL; k++)
			if (strcmp(*k, (const char *)a->name) == 0)
				break;
		if (*k != NULL)
			continue;
		if ((v = xmlNodeListGetString(a->doc, a->children, 1)) == NULL)
			continue;
		put_attr(b, pfx, (const char *)a->name, (const char *)v);
		xmlFree(v);
	}
	if (get_attr(root, NS_X, "lang") == NULL)
		put_attr(b, "xml:", "lang", "");
	sub_buf_puts(b, ">\n");
	if (head != NULL)
		put_tree(b, head);
	else
		sub_buf_puts(b, "<head/>");
	sub_buf_puts(b, "\n</tt>\n");
}

/* The four style properties cue markup carries, resolved. */
struct tt_sty {
	char	 fs[16], fw[16], td[48], color[48];
};

/* The head's style element with xml:id id, or NULL. */
static const xmlNode *
style_by_id(const xmlNode *head, const char *id, size_t n)
{
	const xmlNode *s, *c;
	const char *v;

	for (s = head != NULL ? head->children : NULL; s != NULL; s = s->next)
		if (is_el(s, "styling"))
			for (c = s->children; c != NULL; c = c->next)
				if (is_el(c, "style") &&
				    (v = get_attr(c, NS_X, "id")) != NULL &&
				    strlen(v) == n && memcmp(v, id, n) == 0)
					return c;
	return NULL;
}

/* Copies the element's own tts values of the four properties into st. */
static void
sty_inline(const xmlNode *n, struct tt_sty *st)
{
	const char *v;

	if ((v = get_attr(n, NS_S, "fontStyle")) != NULL)
		snprintf(st->fs, sizeof(st->fs), "%s", v);
	if ((v = get_attr(n, NS_S, "fontWeight")) != NULL)
		snprintf(st->fw, sizeof(st->fw), "%s", v);
	if ((v = get_attr(n, NS_S, "textDecoration")) != NULL)
		snprintf(st->td, sizeof(st->td), "%s", v);
	if ((v = get_attr(n, NS_S, "color")) != NULL)
		snprintf(st->color, sizeof(st->color), "%s", v);
}

/*
 * Applies the styles element n refers to (each in turn, the later
 * winning, each after the styles it refers to itself) and then n's own
 * attributes to st.
 */
static void
sty_apply(const xmlNode *head, const xmlNode *n, struct tt_sty *st,
    int depth)
{
	const char *refs = get_attr(n, NS_NONE, "style"), *p, *q;
	const xmlNode *s;

	for (p = refs; p != NULL && *p != '\0' && depth < 8; p = q) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		for (q = p; *q != '\0' && *q != ' ' && *q != '\t' &&
		    *q != '\n'; q++)
			;
		if (q > p && (s = style_by_id(head, p, (size_t)(q - p))) !=
		    NULL && s != n)
			sty_apply(head, s, st, depth + 1);
	}
	sty_inline(n, st);
}

/* The region of the layout with xml:id id, or NULL. */
static const xmlNode *
region_by_id(const xmlNode *head, const char *id)
{
	const xmlNode *s, *c;
	const char *v;

	for (s = head != NULL ? head->children : NULL; s != NULL; s = s->next)
		if (is_el(s, "layout"))
			for (c = s->children; c != NULL; c = c->next)
				if (is_el(c, "region") &&
				    (v = get_attr(c, NS_X, "id")) != NULL &&
				    strcmp(v, id) == 0)
					return c;
	return NULL;
}

/* The region p is in: its own region attribute or its nearest
 * ancestor's. */
static const char *
region_of(const xmlNode *p)
{
	const char *v;

	for (; p != NULL && p->type == XML_ELEMENT_NODE; p = p->parent)
		if ((v = get_attr(p, NS_NONE, "region")) != NULL)
			return v;
	return NULL;
}

/* What p shows is styled with, inherited: region, body, divs, p. */
static void
sty_of_p(const xmlNode *head, const xmlNode *p, struct tt_sty *st)
{
	const xmlNode *chain[66], *reg, *c;
	const char *rid = region_of(p);
	int n = 0;

	memset(st, 0, sizeof(*st));
	if (rid != NULL && (reg = region_by_id(head, rid)) != NULL) {
		for (c = reg->children; c != NULL; c = c->next)
			if (is_el(c, "style"))
				sty_apply(head, c, st, 0);
		sty_apply(head, reg, st, 0);
	}
	for (c = p; c != NULL && c->type == XML_ELEMENT_NODE && n < 66 &&
	    !is_el(c, "tt"); c = c->parent)
		chain[n++] = c;
	while (n-- > 0)
		sty_apply(head, chain[n], st, 0);
}

/* Does st carry anything the other markups have? */
static int
sty_marks(const struct tt_sty *st)
{
	return strcmp(st->fs, "italic") == 0 || strcmp(st->fs, "oblique") ==
	    0 || strcmp(st->fw, "bold") == 0 || strstr(st->td, "underline") !=
	    NULL || (st->color[0] != '\0' && strcmp(st->color, "white") != 0);
}

/*
 * Appends st's four properties as attributes, those not in have; with
 * marks, only the values sty_marks counts.
 */
static void
put_sty(struct sub_buf *b, const struct tt_sty *st, const xmlNode *have,
    int marks)
{
	static const char *const names[] = { "fontStyle", "fontWeight",
		"textDecoration", "color" };
	const char *vals[4] = { st->fs, st->fw, st->td, st->color };
	int i;

	for (i = 0; i < 4; i++) {
		if (*vals[i] == '\0' || (have != NULL &&
		    get_attr(have, NS_S, names[i]) != NULL))
			continue;
		if (marks && ((i == 0 && strcmp(vals[i], "italic") != 0 &&
		    strcmp(vals[i], "oblique") != 0) || (i == 1 &&
		    strcmp(vals[i], "bold") != 0) || (i == 2 &&
		    strstr(vals[i], "underline") == NULL) || (i == 3 &&
		    strcmp(vals[i], "white") == 0)))
			continue;
		put_attr(b, "tts:", names[i], vals[i]);
	}
}

/* White-space state of the serialisation of one cue's text. */
struct tt_ws {
	int	 sp;		/* a space is pending */
	int	 bol;		/* at the beginning of a line */
	int	 vis;		/* visible characters written */
};

/* Appends text content s with white space handled. */
static void
put_text(struct sub_buf *b, const char *s, int preserve, struct tt_ws *ws)
{
	for (; *s != '\0'; s++) {
		int white = *s == ' ' || *s == '\t' || *s == '\n' || *s == '\r';

		if (preserve) {
			if (*s == '\r')
				continue;
			if (*s == '\n')
				ws->bol = 1;
			else
				ws->bol = 0;
			if (!white)
				ws->vis = 1;
			put_esc(b, s, 1);
			continue;
		}
		if (white) {
			ws->sp = 1;
			continue;
		}
		if (ws->sp && !ws->bol)
			sub_buf_putc(b, ' ');
		ws->sp = 0;
		ws->bol = 0;
		ws->vis = 1;
		put_esc(b, s, 1);
	}
}

/* Is the element shown in [lo, hi)?  Untimed ones (no interval) are,
 * and every one when lo > hi (a p not split on its spans' times). */
static int
shown(const xmlNode *n, double lo, double hi)
{
	const struct tt_iv *v = n->_private;

	return v == NULL || lo > hi ||
	    (v->b <= lo && v->e >= hi && v->e > v->b);
}

/*
 * Appends the content of element n (a p or span) shown in [lo, hi):
 * spans with their attributes (times and ids left out, the styles they
 * refer to resolved), <br/> as "\n", text escaped.
 */
static void
put_content(struct tt_rd *r, struct sub_buf *b, const xmlNode *n,
    double lo, double hi, int preserve, struct tt_ws *ws, int depth)
{
	static const char *const skip[] = { "begin", "end", "dur", "id",
		"timeContainer", "space", NULL };
	const xmlNode *c;
	const char *sp;

	if ((sp = get_attr(n, NS_X, "space")) != NULL)
		preserve = strcmp(sp, "preserve") == 0;
	for (c = n->children; c != NULL; c = c->next) {
		if (c->type == XML_TEXT_NODE ||
		    c->type == XML_CDATA_SECTION_NODE) {
			put_text(b, (const char *)c->content, preserve, ws);
			continue;
		}
		if (!shown(c, lo, hi) || depth > 32)
			continue;
		if (is_el(c, "br")) {
			sub_buf_putc(b, '\n');
			ws->sp = 0;
			ws->bol = 1;
		} else if (is_el(c, "span")) {
			struct tt_sty st;

			/* A space before the span goes before it. */
			if (ws->sp && !ws->bol) {
				sub_buf_putc(b, ' ');
				ws->sp = 0;
			}

			memset(&st, 0, sizeof(st));
			sty_apply(r->head, c, &st, 0);
			sub_buf_puts(b, "<span");
			put_attrs(b, c, skip);
			put_sty(b, &st, c, 0);
			sub_buf_putc(b, '>');
			put_content(r, b, c, lo, hi, preserve, ws, depth + 1);
			sub_buf_puts(b, "</span>");
		}
	}
}

/* Collects the begin and end times of n's timed descendants. */
static void
time_points(const xmlNode *n, double *t, size_t *k, size_t max)
{
	const xmlNode *c;
	const struct tt_iv *v;

	for (c = n->children; c != NULL && *k + 2 <= max; c = c->next) {
		if (c->type != XML_ELEMENT_NODE ||
		    (v = c->_private) == NULL)
			continue;
		t[(*k)++] = v->b;
		t[(*k)++] = v->e;
		time_points(c, t, k, max);
	}
}

static int
cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Is the text one span carrying st already (after a read of our own)? */
static int
wrapped(const char *s, const struct tt_sty *st)
{
	struct sub_buf b = { 0 };
	const char *gt;
	int ok;

	if (strncmp(s, "<span", 5) != 0 || (gt = strchr(s, '>')) == NULL)
		return 0;
	put_sty(&b, st, NULL, 1);
	ok = b.p != NULL && memmem(s, (size_t)(gt - s), b.p, b.len) != NULL &&
	    strstr(gt, "<span") == NULL && strlen(gt) >= 8 &&
	    strcmp(s + strlen(s) - 7, "</span>") == 0;
	sub_buf_free(&b);
	return ok;
}

/*
 * The settings of p's cues: its attributes but times, id and region,
 * with the style references and inline styles of its body and divs
 * (which the one div we write does not carry) merged in.
 */
static void
put_settings(struct sub_buf *b, const xmlNode *p)
{
	static const char *const skip[] = { "begin", "end", "dur", "id",
		"region", "timeContainer", "style", NULL };
	const xmlNode *chain[66], *c;
	struct sub_buf refs = { 0 };
	int n = 0, i;

	for (c = p; c != NULL && c->type == XML_ELEMENT_NODE && n < 66 &&
	    !is_el(c, "tt"); c = c->parent)
		chain[n++] = c;
	for (i = n - 1; i >= 0; i--) {
		const char *v = get_attr(chain[i], NS_NONE, "style");

		if (v != NULL) {
			if (refs.len > 0)
				sub_buf_putc(&refs, ' ');
			sub_buf_puts(&refs, v);
		}
	}
	if (refs.len > 0)
		put_attr(b, "", "style", refs.p);
	sub_buf_free(&refs);
	put_attrs(b, p, skip);
	for (i = 1; i < n; i++) {
		const xmlAttr *a;

		for (a = chain[i]->properties; a != NULL; a = a->next) {
			xmlChar *v;

			if (ns_of(a->ns) != NS_S ||
			    get_attr(p, NS_S, (const char *)a->name) != NULL ||
			    (b->p != NULL && strstr(b->p,
			    (const char *)a->name) != NULL))
				continue;
			if ((v = xmlNodeListGetString(a->doc, a->children,
			    1)) == NULL)
				continue;
			put_attr(b, "tts:", (const char *)a->name,
			    (const char *)v);
			xmlFree(v);
		}
	}
}

/* Adds one cue of p for [lo, hi) with text t, or extends the last. */
static int
add_cue(struct tt_rd *r, const xmlNode *p, double lo, double hi,
    const char *t, size_t tn, int first)
{
	struct sub_doc *doc = r->doc;
	struct sub_item *it, *last = doc->n > 0 ? &doc->v[doc->n - 1] : NULL;
	const char *id = get_attr(p, NS_X, "id"), *reg = region_of(p);
	int64_t a = llround(lo * 1000), z;

	if (!isfinite(hi)) {
		/* Open end: as long as reading it takes. */
		double d = (double)tn / TT_OPEN_CPS;

		hi = lo + (d > 2 ? d : 2);
	}
	z = llround(hi * 1000);
	if (!first && last != NULL && last->type == SUB_CUE &&
	    last->end == a && last->text != NULL &&
	    strlen(last->text) == tn && memcmp(last->text, t, tn) == 0) {
		last->end = z;
		return 0;
	}
	if ((it = sub_doc_add(doc, SUB_CUE, (long)xmlGetLineNo(p))) == NULL) {
		doc->oom = 1;
		return -1;
	}
	it->start = a;
	it->end = z;
	it->text = sub_doc_ndup(doc, t, tn);
	if (first && id != NULL)
		it->id = sub_doc_dup(doc, id);
	if (reg != NULL)
		it->region = sub_doc_dup(doc, reg);
	r->b.len = 0;
	put_settings(&r->b, p);
	if (r->b.len > 1)
		it->settings = sub_doc_ndup(doc, r->b.p + 1, r->b.len - 1);
	if (r->pol != NULL)
		ndj_policy_ok(r->pol);
	return 0;
}

/* The text of p shown in [lo, hi), into r->t; 1 when it shows any. */
static int
p_text(struct tt_rd *r, const xmlNode *p, double lo, double hi,
    const struct tt_sty *st)
{
	struct tt_ws ws = { 0, 1, 0 };
	size_t at;

	r->t.len = 0;
	put_content(r, &r->t, p, lo, hi, 0, &ws, 0);
	/* A trailing line break shows nothing. */
	while (r->t.len > 0 && r->t.p[r->t.len - 1] == '\n')
		r->t.len--;
	if (!ws.vis || r->t.oom)
		return 0;
	r->t.p[r->t.len] = '\0';
	if (sty_marks(st) && !wrapped(r->t.p, st)) {
		r->b.len = 0;
		sub_buf_puts(&r->b, "<span");
		put_sty(&r->b, st, NULL, 1);
		sub_buf_putc(&r->b, '>');
		at = r->b.len;
		sub_buf_add(&r->b, r->t.p, r->t.len);
		sub_buf_puts(&r->b, "</span>");
		r->t.len = 0;
		sub_buf_add(&r->t, r->b.p, r->b.len);
		(void)at;
	}
	return 1;
}

/* The cues of one p: one, or one for each interval of timed spans. */
static int
p_cues(struct tt_rd *r, const xmlNode *p)
{
	const struct tt_iv *v = p->_private;
	struct tt_sty st;
	double t[202];
	size_t k = 0, i, j;
	int first = 1;

	if (v == NULL || !(v->e > v->b))
		return 0;
	sty_of_p(r->head, p, &st);
	if (v->inner) {
		t[k++] = v->b;
		t[k++] = v->e;
		time_points(p, t, &k, sizeof(t) / sizeof(t[0]));
	}
	if (k < 3 || k >= sizeof(t) / sizeof(t[0]) - 1) {
		/* Untimed spans, or too many times to split on. */
		if (p_text(r, p, 1, 0, &st) &&
		    add_cue(r, p, v->b, v->e, r->t.p, r->t.len, 1) != 0)
			return -1;
		return 0;
	}
	qsort(t, k, sizeof(t[0]), cmp_dbl);
	for (i = j = 0; i < k; i++)
		if (t[i] >= v->b && t[i] <= v->e && (j == 0 || t[i] != t[j - 1]))
			t[j++] = t[i];
	for (i = 0; i + 1 < j; i++) {
		if (!p_text(r, p, t[i], t[i + 1], &st))
			continue;
		if (add_cue(r, p, t[i], t[i + 1], r->t.p, r->t.len, first) != 0)
			return -1;
		first = 0;
	}
	return 0;
}

/* Every p under n, in document order. */
static int
walk(struct tt_rd *r, const xmlNode *n, int depth)
{
	const xmlNode *c;

	for (c = n->children; c != NULL && depth < 64; c = c->next) {
		if (is_el(c, "p")) {
			if (p_cues(r, c) != 0)
				return -1;
		} else if (is_el(c, "div") && walk(r, c, depth + 1) != 0)
			return -1;
	}
	return 0;
}

/* The first child of n that is the TT element name. */
static xmlNode *
child(const xmlNode *n, const char *name)
{
	xmlNode *c;

	for (c = n->children; c != NULL; c = c->next)
		if (is_el(c, name))
			return c;
	return NULL;
}

int
sub_read_ttml(char *text, size_t len, const struct sub_ropts *o,
    struct ndj_policy *pol, struct sub_doc *doc, struct rerr *e)
{
	struct tt_rd r = { { 0, 0, 0 }, doc, o, NULL, e, pol, 0, NULL,
		{ 0 }, { 0 } };
	xmlParserCtxtPtr ctxt;
	xmlDocPtr x = NULL;
	xmlNode *root, *body;
	struct sub_item *h;
	int rv = 0;

	r.name = o->name ? o->name : CLI_STDIN_NAME;
	doc->fmt = doc->markup = SUB_TTML;
	if (len > INT32_MAX)
		return rerr_set(e, EX_DATAERR, r.name, 0, "too large for XML");
	xmlInitParser();
	if ((ctxt = xmlNewParserCtxt()) == NULL)
		return rerr_set(e, EX_SOFTWARE, r.name, 0, "out of memory");
	x = xmlCtxtReadMemory(ctxt, text, (int)len, NULL, "UTF-8",
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (x == NULL) {
		const xmlError *xe = xmlCtxtGetLastError(ctxt);
		char msg[200] = "not well-formed";
		size_t n;

		if (xe != NULL && xe->message != NULL) {
			snprintf(msg, sizeof(msg), "%s", xe->message);
			n = strlen(msg);
			while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
				msg[--n] = '\0';
		}
		rv = rerr_set(e, EX_DATAERR, r.name, xe != NULL ? xe->line : 0,
		    "not well-formed XML: %s", msg);
		goto out;
	}
	root = xmlDocGetRootElement(x);
	if (!is_el(root, "tt")) {
		rv = rerr_set(e, EX_DATAERR, r.name,
		    root ? (long)xmlGetLineNo(root) : 1,
		    "not a TTML document: the root element is not <tt>");
		goto out;
	}
	params(root, &r.p);
	r.head = child(root, "head");
	if ((h = sub_doc_add(doc, SUB_HEADER, 1)) == NULL) {
		doc->oom = 1;
		goto out;
	}
	put_header(&r.b, root, r.head);
	h->text = sub_doc_ndup(doc, r.b.p ? r.b.p : "", r.b.len);
	if ((body = child(root, "body")) != NULL &&
	    interval(&r, body, 0, INFINITY, 0, 0, 0) != NULL && !r.bad)
		walk(&r, body, 0);
	if (!r.bad && doc->n == 1 && o->warn != NULL) {
		struct rerr w = { 0 };

		rerr_set(&w, EX_DATAERR, r.name, 0,
		    "no paragraph has text to show at any time");
		o->warn(o->warn_arg, &w);
	}
	if (r.bad)
		rv = e->code;
	if (r.b.oom || r.t.oom)
		doc->oom = 1;
	free_ivs(root);
out:
	sub_buf_free(&r.b);
	sub_buf_free(&r.t);
	if (x != NULL)
		xmlFreeDoc(x);
	xmlFreeParserCtxt(ctxt);
	return rv;
}

static const char tt_default_head[] =
    " ttp:profile=\"http://www.w3.org/ns/ttml/profile/imsc1/text\""
    " xml:lang=\"\">\n"
    "<head>\n"
    "<styling>\n"
    "<style xml:id=\"s0\" tts:fontFamily=\"proportionalSansSerif\""
    " tts:fontSize=\"100%\" tts:color=\"white\""
    " tts:textOutline=\"black 5%\"/>\n"
    "</styling>\n"
    "<layout>\n"
    "<region xml:id=\"bottom\" tts:origin=\"10% 10%\""
    " tts:extent=\"80% 80%\" tts:displayAlign=\"after\""
    " tts:textAlign=\"center\"/>\n"
    "<region xml:id=\"top\" tts:origin=\"10% 10%\""
    " tts:extent=\"80% 80%\" tts:displayAlign=\"before\""
    " tts:textAlign=\"center\"/>\n"
    "</layout>\n"
    "</head>\n";

/* Is s (n bytes) well-formed as the content of a TTML element? */
static int
tt_wellformed(const char *s, size_t n)
{
	struct sub_buf b = { 0 };
	xmlParserCtxtPtr ctxt;
	xmlDocPtr x;
	int ok = 0;

	sub_buf_puts(&b, TT_ROOT_NS);
	sub_buf_putc(&b, '>');
	sub_buf_add(&b, s, n);
	sub_buf_puts(&b, "</tt>");
	if (!b.oom && b.len < INT32_MAX && (ctxt = xmlNewParserCtxt()) != NULL) {
		x = xmlCtxtReadMemory(ctxt, b.p, (int)b.len, NULL, "UTF-8",
		    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
		ok = x != NULL;
		if (x != NULL)
			xmlFreeDoc(x);
		xmlFreeParserCtxt(ctxt);
	}
	sub_buf_free(&b);
	return ok;
}

/* Is s an NCName we may write as an xml:id (letters, digits, -._)? */
static int
ncname(const char *s)
{
	if (s == NULL || !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <=
	    'Z') || *s == '_' || (unsigned char)*s >= 0x80))
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' ||
		    *s == '.' || (unsigned char)*s >= 0x80))
			return 0;
	return 1;
}

/* Does a cue from another format belong at the top of the picture? */
static int
at_top(const struct sub_doc *doc, const struct sub_item *it)
{
	const char *t = it->text ? it->text : "", *l;

	if (strstr(t, "{\\an7") || strstr(t, "{\\an8") || strstr(t, "{\\an9") ||
	    strstr(t, "\\an8}"))
		return 1;
	if (doc->markup == SUB_VTT && it->settings != NULL &&
	    (l = strstr(it->settings, "line:")) != NULL) {
		l += 5;
		if (*l == '-')
			return 0;
		return strtod(l, NULL) < (strchr(l, '%') ? 50 : 3);
	}
	return 0;
}

/* Appends text in TTML markup as the content of a p: "\n" is <br/>. */
static void
put_p_text(struct sub_buf *b, const char *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i] == '\n')
			sub_buf_puts(b, "<br/>");
		else
			sub_buf_putc(b, t[i]);
}

/* The visible text of TTML markup, escaped: tags dropped. */
static void
put_plain(struct sub_buf *b, const char *t)
{
	struct sub_buf tmp = { 0 };

	sub_markup(&tmp, t, SUB_TTML, SUB_SBV);
	put_esc(b, tmp.p ? tmp.p : "", tmp.len);
	if (tmp.oom)
		b->oom = 1;
	sub_buf_free(&tmp);
}

/* One p for cue it into b. */
static void
put_p(struct sub_buf *b, struct sub_buf *t, const struct sub_doc *doc,
    const struct sub_item *it, int ours, struct sub_regset *ids)
{
	char ta[32], tb[32];
	size_t start = b->len, n;

	sub_fmt_time(ta, it->start < 0 ? 0 : it->start, '.');
	sub_fmt_time(tb, it->end < it->start ? it->start : it->end, '.');
	t->len = 0;
	sub_markup(t, it->text ? it->text : "", doc->markup, SUB_TTML);
	for (;;) {
		sub_buf_puts(b, "<p begin=\"");
		sub_buf_puts(b, ta);
		sub_buf_puts(b, "\" end=\"");
		sub_buf_puts(b, tb);
		sub_buf_putc(b, '"');
		if (ours >= 0 && it->id != NULL && ncname(it->id) &&
		    !sub_regset_has(ids, it->id, strlen(it->id)) &&
		    sub_regset_add(ids, it->id) == 0)
			put_attr(b, "xml:", "id", it->id);
		if (ours > 0 && it->region != NULL && ncname(it->region))
			put_attr(b, "", "region", it->region);
		else if (ours == 0)
			put_attr(b, "", "region", at_top(doc, it) ? "top" :
			    "bottom");
		if (ours > 0 && it->settings != NULL) {
			sub_buf_putc(b, ' ');
			sub_buf_puts(b, it->settings);
		}
		sub_buf_putc(b, '>');
		if (ours >= 0)
			put_p_text(b, t->p ? t->p : "", t->len);
		else
			put_plain(b, t->p ? t->p : "");
		sub_buf_puts(b, "</p>\n");
		n = b->len - start;
		/* Hand-edited markup or settings that are not XML: plain. */
		if (ours < 0 || b->oom || tt_wellformed(b->p + start, n))
			break;
		b->len = start;
		ours = -1;
	}
}

int
sub_write_ttml(FILE *fp, const struct sub_doc *doc)
{
	struct sub_buf b = { 0 }, t = { 0 };
	struct sub_regset ids = { 0 };
	const char *hdr = NULL, *end = NULL;
	size_t i;
	int rv = 0, ours;

	for (i = 0; i < doc->n; i++)
		if (doc->v[i].type == SUB_HEADER && doc->v[i].text != NULL &&
		    strncmp(doc->v[i].text, "<tt ", 4) == 0) {
			hdr = doc->v[i].text;
			break;
		}
	/* The header of a TTML read, when it is still well-formed. */
	if (hdr != NULL && ((end = strstr(hdr, "</tt>")) == NULL ||
	    strstr(end + 5, "</tt>") != NULL || !tt_wellformed(hdr,
	    strlen(hdr))))
		hdr = NULL;
	ours = hdr != NULL && doc->markup == SUB_TTML;
	sub_buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	if (ours)
		sub_buf_add(&b, hdr, (size_t)(end - hdr));
	else {
		sub_buf_puts(&b, TT_ROOT_NS);
		sub_buf_puts(&b, tt_default_head);
	}
	sub_buf_puts(&b, ours ? "<body>\n<div>\n" :
	    "<body style=\"s0\">\n<div>\n");
	for (i = 0; i < doc->n; i++) {
		const struct sub_item *it = &doc->v[i];

		if (it->type != SUB_CUE)
			continue;
		put_p(&b, &t, doc, it, ours, &ids);
		if (t.oom)
			b.oom = 1;
		if (b.len >= 65536 && sub_buf_flush(&b, fp) != 0) {
			rv = -1;
			break;
		}
	}
	sub_buf_puts(&b, "</div>\n</body>\n</tt>\n");
	if (rv == 0 && sub_buf_flush(&b, fp) != 0)
		rv = -1;
	sub_buf_free(&b);
	sub_buf_free(&t);
	sub_regset_free(&ids);
	return rv == 0 && !ferror(fp) ? 0 : -1;
}
