/*
 * sub_vtt: WebVTT, after the parsing algorithm of the W3C WebVTT spec
 * (section 6.1, "WebVTT parser algorithm"), with the readings of Mozilla's
 * vtt.js where the two differ and real files depend on it:
 *
 * - the file must start with "WEBVTT" followed by the end of the line, a
 *   space or a tab (a BOM is gone after decoding);
 * - header lines up to the first blank line are kept verbatim; legacy
 *   "Region: id=.. width=..%" header lines also define regions;
 * - blocks are separated by empty lines; a line containing "-->" is the
 *   cue timing line when it is the first line of a block or the second
 *   after an id, and otherwise ends the block (it starts the next cue);
 * - timestamps are "[h+:]mm:ss.ttt"; as in vtt.js a two-part form whose
 *   first field is over 59 reads as hours:minutes;
 * - each cue setting is "name:value"; invalid ones are dropped, a region
 *   setting only kept when a region of that id was defined; a line or
 *   position setting keeps its value when only its alignment is bad; the
 *   first of a repeated setting wins (vtt.js);
 * - cue text is kept raw, tags and character references untouched.
 * STYLE, REGION and NOTE blocks are kept verbatim, in place.  A block
 * that is none of these and has no timing line, or a timing line that
 * cannot be read, is a bad block.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "sub.h"

static int vtt_timing(const char *, int64_t *, int64_t *, const char **,
	    const char **);

static int
isws(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

/* Starts s with keyword kw followed by the end, a space or a tab? */
static int
keyword(const char *s, const char *kw)
{
	size_t n = strlen(kw);

	return strncmp(s, kw, n) == 0 &&
	    (s[n] == '\0' || s[n] == ' ' || s[n] == '\t');
}

/* vtt.js: /^([\d]{1,3})(\.[\d]*)?%$/ and 0 <= v <= 100. */
static int
percent(const char *s, size_t n, double *v)
{
	size_t i = 0, d = 0;
	char tmp[64];

	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++, d++;
	if (d < 1 || d > 3)
		return 0;
	if (i < n && s[i] == '.')
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
	if (i + 1 != n || s[i] != '%' || n >= sizeof(tmp))
		return 0;
	memcpy(tmp, s, n - 1);
	tmp[n - 1] = '\0';
	*v = strtod(tmp, NULL);
	return *v >= 0 && *v <= 100;
}

/* vtt.js: /^-?\d+$/. */
static int
integer(const char *s, size_t n)
{
	size_t i = 0;

	if (i < n && s[i] == '-')
		i++;
	if (i == n)
		return 0;
	for (; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int
oneof(const char *s, size_t n, const char *const *words)
{
	for (; *words != NULL; words++)
		if (strlen(*words) == n && memcmp(s, *words, n) == 0)
			return 1;
	return 0;
}

static const char *const aligns[] = { "start", "middle", "center", "end",
	"left", "right", NULL };
static const char *const linealigns[] = { "start", "middle", "center",
	"end", NULL };
static const char *const posaligns[] = { "start", "middle", "center", "end",
	"line-left", "line-right", NULL };
static const char *const verticals[] = { "rl", "lr", NULL };

static uint64_t
hash(const char *s, size_t n)
{
	return hash_fnv1a(HASH_FNV_INIT, s, n);
}

int
sub_regset_add(struct sub_regset *set, const char *id)
{
	size_t i, n = strlen(id);
	char *copy;

	if (sub_regset_has(set, id, n))
		return 0;
	if ((set->n + 1) * 2 > set->cap) {
		struct sub_regset big = { NULL, 0, set->cap ? set->cap * 2 : 16 };

		if ((big.v = calloc(big.cap, sizeof(*big.v))) == NULL)
			return -1;
		for (i = 0; i < set->cap; i++)
			if (set->v[i] != NULL) {
				size_t k = hash(set->v[i], strlen(set->v[i])) &
				    (big.cap - 1);

				while (big.v[k] != NULL)
					k = (k + 1) & (big.cap - 1);
				big.v[k] = set->v[i];
			}
		free(set->v);
		big.n = set->n;
		*set = big;
	}
	if ((copy = strdup(id)) == NULL)
		return -1;
	i = hash(id, n) & (set->cap - 1);
	while (set->v[i] != NULL)
		i = (i + 1) & (set->cap - 1);
	set->v[i] = copy;
	set->n++;
	return 0;
}

int
sub_regset_has(const struct sub_regset *set, const char *id, size_t n)
{
	size_t i;

	if (set == NULL || set->cap == 0)
		return 0;
	for (i = hash(id, n) & (set->cap - 1); set->v[i] != NULL;
	    i = (i + 1) & (set->cap - 1))
		if (strlen(set->v[i]) == n && memcmp(set->v[i], id, n) == 0)
			return 1;
	return 0;
}

void
sub_regset_free(struct sub_regset *set)
{
	size_t i;

	for (i = 0; i < set->cap; i++)
		free(set->v[i]);
	free(set->v);
	memset(set, 0, sizeof(*set));
}

void
sub_vtt_settings(struct sub_buf *b, const char *s,
    const struct sub_regset *regions, char **region)
{
	enum { S_REGION, S_VERTICAL, S_LINE, S_POSITION, S_SIZE, S_ALIGN };
	static const char *const names[] = { "region", "vertical", "line",
		"position", "size", "align", NULL };
	int seen[6] = { 0 };
	size_t start = b->len;

	*region = NULL;
	while (*s != '\0') {
		const char *tok, *colon, *v, *comma;
		size_t n, vn, k;
		double pct;
		int keep = 0, which = -1;
		size_t keepn;

		while (isws(*s))
			s++;
		tok = s;
		while (*s != '\0' && !isws(*s))
			s++;
		n = (size_t)(s - tok);
		if (n == 0)
			break;
		/* Exactly one ':' with a non-empty value (vtt.js). */
		colon = memchr(tok, ':', n);
		if (colon == NULL || memchr(colon + 1, ':',
		    n - (size_t)(colon - tok) - 1) != NULL)
			continue;
		v = colon + 1;
		vn = n - (size_t)(v - tok);
		if (vn == 0)
			continue;
		for (k = 0; names[k] != NULL; k++)
			if (strlen(names[k]) == (size_t)(colon - tok) &&
			    memcmp(names[k], tok, (size_t)(colon - tok)) == 0)
				which = (int)k;
		if (which < 0 || seen[which])
			continue;
		keepn = n;
		comma = memchr(v, ',', vn);
		switch (which) {
		case S_REGION:
			if (sub_regset_has(regions, v, vn)) {
				keep = 1;
				free(*region);
				if ((*region = strndup(v, vn)) == NULL)
					b->oom = 1;
			}
			break;
		case S_VERTICAL:
			keep = oneof(v, vn, verticals);
			break;
		case S_SIZE:
			keep = percent(v, vn, &pct);
			break;
		case S_ALIGN:
			keep = oneof(v, vn, aligns);
			break;
		case S_LINE:
		case S_POSITION: {
			size_t v0 = comma ? (size_t)(comma - v) : vn;

			if (which == S_LINE)
				keep = integer(v, v0) || percent(v, v0, &pct) ||
				    (v0 == 4 && memcmp(v, "auto", 4) == 0);
			else
				keep = percent(v, v0, &pct);
			if (keep && comma != NULL) {
				const char *a = comma + 1;
				size_t an = vn - v0 - 1;

				/* A bad alignment drops only itself. */
				if (memchr(a, ',', an) != NULL ||
				    !oneof(a, an, which == S_LINE ?
				    linealigns : posaligns))
					keepn = (size_t)(comma - tok);
			}
			break;
		}
		}
		if (!keep)
			continue;
		seen[which] = 1;
		if (b->len > start)
			sub_buf_putc(b, ' ');
		sub_buf_add(b, tok, keepn);
	}
}

/*
 * Applies one region setting name/value to r; id goes to *id.  Values as
 * the spec's region settings parsing (and vtt.js's legacy header form).
 */
static void
region_setting(struct sub_region *r, char **id, const char *k, size_t kn,
    const char *v, size_t vn)
{
	double x, y;
	const char *comma;

#define IS(s)	(kn == strlen(s) && memcmp(k, s, kn) == 0)
	if (vn == 0)
		return;
	if (IS("id")) {
		if (*id == NULL)
			*id = strndup(v, vn);	/* NULL: the reader's oom check */
	} else if (IS("width")) {
		if (percent(v, vn, &x))
			r->width = x;
	} else if (IS("lines")) {
		size_t i;

		for (i = 0; i < vn && v[i] >= '0' && v[i] <= '9'; i++)
			;
		if (i == vn && vn <= 9)
			r->lines = strtol(v, NULL, 10);
	} else if (IS("regionanchor") || IS("viewportanchor")) {
		comma = memchr(v, ',', vn);
		if (comma != NULL && percent(v, (size_t)(comma - v), &x) &&
		    percent(comma + 1, vn - (size_t)(comma - v) - 1, &y)) {
			if (IS("regionanchor"))
				r->ra_x = x, r->ra_y = y;
			else
				r->va_x = x, r->va_y = y;
		}
	} else if (IS("scroll")) {
		if (vn == 2 && memcmp(v, "up", 2) == 0)
			r->scroll_up = 1;
	}
#undef IS
}

/* Parses region settings "k<sep>v" separated by white space. */
static void
region_parse(struct sub_item *it, const char *s, char sep)
{
	while (*s != '\0') {
		const char *tok, *d;
		size_t n;

		while (isws(*s))
			s++;
		tok = s;
		while (*s != '\0' && !isws(*s))
			s++;
		if ((n = (size_t)(s - tok)) == 0)
			break;
		d = memchr(tok, sep, n);
		if (d == NULL || d == tok)
			continue;
		/* vtt.js's header form wants exactly one separator. */
		if (sep == '=' && memchr(d + 1, sep, n - (size_t)(d - tok) - 1))
			continue;
		region_setting(&it->reg, &it->id, tok, (size_t)(d - tok),
		    d + 1, n - (size_t)(d - tok) - 1);
	}
}

/* Parses "start --> end settings".  Returns 0 or -1 with *why. */
static int
vtt_timing(const char *line, int64_t *a, int64_t *b, const char **rest,
    const char **why)
{
	const char *p = line;

	while (isws(*p))
		p++;
	if (sub_parse_vtt_time(&p, a) != 0) {
		*why = "bad start time";
		return -1;
	}
	while (isws(*p))
		p++;
	if (strncmp(p, "-->", 3) != 0) {
		*why = "no '-->' after the start time";
		return -1;
	}
	p += 3;
	while (isws(*p))
		p++;
	if (sub_parse_vtt_time(&p, b) != 0) {
		*why = "bad end time";
		return -1;
	}
	while (isws(*p))
		p++;
	*rest = p;
	return 0;
}

/* The state of one WebVTT read. */
struct vtt_rd {
	char		*p, *end;
	long		 lineno;
	char		*pending;	/* a timing line read ahead */
	long		 pendno;
	struct sub_buf	 blk, set;
	struct sub_regset regs;
	struct sub_doc	*doc;
	const char	*name;
	struct ndj_policy *pol;
	int		 oom;
};

static char *
vtt_line(struct vtt_rd *r)
{
	return sub_nextline(&r->p, r->end, &r->lineno);
}

/* Defines the region of it, when it has an id. */
static void
vtt_region_def(struct vtt_rd *r, struct sub_item *it)
{
	if (it->id != NULL && sub_regset_add(&r->regs, it->id) != 0)
		r->oom = 1;
}

/*
 * The signature and header: up to a blank line, or a timing line, which
 * is left pending.  Legacy "Region:" header lines define regions.
 */
static int
vtt_header(struct vtt_rd *r, struct rerr *e)
{
	struct sub_item *it, *reg;
	const char *rest, *why;
	char *line = vtt_line(r);
	int64_t a, b;

	if (line == NULL || strncmp(line, "WEBVTT", 6) != 0 ||
	    (line[6] != '\0' && line[6] != ' ' && line[6] != '\t'))
		return rerr_set(e, EX_DATAERR, r->name, 1,
		    "not a WebVTT file: no WEBVTT signature");
	sub_buf_puts(&r->blk, line);
	if ((it = sub_doc_add(r->doc, SUB_HEADER, 1)) == NULL)
		r->oom = 1;
	while (!r->oom && (line = vtt_line(r)) != NULL) {
		if (*line == '\0')
			break;
		if (strstr(line, "-->") != NULL &&
		    vtt_timing(line, &a, &b, &rest, &why) == 0) {
			r->pending = line;
			r->pendno = r->lineno;
			break;
		}
		sub_buf_putc(&r->blk, '\n');
		sub_buf_puts(&r->blk, line);
		if (strncmp(line, "Region:", 7) != 0 ||
		    strchr(line + 7, ':') != NULL)
			continue;
		if ((reg = sub_doc_add(r->doc, SUB_REGION, r->lineno)) ==
		    NULL) {
			r->oom = 1;
			break;
		}
		reg->reg.in_header = 1;
		region_parse(reg, line + 7, '=');
		if (reg->id == NULL)
			r->doc->n--;	/* vtt.js drops it */
		else
			vtt_region_def(r, reg);
	}
	if (!r->oom && !r->blk.oom)
		r->doc->v[0].text = sub_doc_ndup(r->doc, r->blk.p, r->blk.len);
	r->blk.len = 0;
	return 0;
}

/* A bad block: 0 to go on (skip_bad), else the status. */
static int
vtt_bad(struct vtt_rd *r, struct rerr *e)
{
	if (r->pol == NULL || !r->pol->skip_bad)
		return e->code;
	ndj_policy_bad(r->pol, e);
	return 0;
}

/*
 * A block without a timing line whose first lines are l0 and l1 (NULL
 * when the block ended after one line): a STYLE, REGION or NOTE block,
 * kept verbatim, or else a bad block.
 */
static int
vtt_block(struct vtt_rd *r, char *l0, char *l1, long no0, struct rerr *e)
{
	struct sub_item *it;
	enum sub_type t;
	char *line;

	r->blk.len = 0;
	sub_buf_puts(&r->blk, l0);
	if (l1 != NULL) {
		sub_buf_putc(&r->blk, '\n');
		sub_buf_puts(&r->blk, l1);
		while ((line = vtt_line(r)) != NULL && *line != '\0') {
			if (strstr(line, "-->") != NULL) {
				r->pending = line;
				r->pendno = r->lineno;
				break;
			}
			sub_buf_putc(&r->blk, '\n');
			sub_buf_puts(&r->blk, line);
		}
	}
	if (keyword(l0, "NOTE"))
		t = SUB_NOTE;
	else if (keyword(l0, "STYLE"))
		t = SUB_STYLE;
	else if (keyword(l0, "REGION"))
		t = SUB_REGION;
	else {
		rerr_set(e, EX_DATAERR, r->name, no0, "no cue timing in block");
		return vtt_bad(r, e);
	}
	if (r->blk.oom || (it = sub_doc_add(r->doc, t, no0)) == NULL) {
		r->oom = 1;
		return 0;
	}
	if (t == SUB_REGION) {
		region_parse(it, r->blk.p + 6, ':');
		vtt_region_def(r, it);
	}
	it->text = sub_doc_ndup(r->doc, r->blk.p, r->blk.len);
	return 0;
}

/*
 * A cue whose timing line is timing (line tno), with id l0 when the
 * timing was its second line.  The text runs up to an empty line or
 * another timing; a bad cue's block goes on to the empty line (vtt.js).
 */
static int
vtt_cue(struct vtt_rd *r, const char *id, char *timing, long tno,
    struct rerr *e)
{
	struct sub_item *it;
	const char *rest = NULL, *why;
	int64_t a = 0, b = 0;
	char *line;
	int bad = 0, ntext = 0;

	if (vtt_timing(timing, &a, &b, &rest, &why) != 0) {
		rerr_set(e, EX_DATAERR, r->name, tno, "bad cue timing: %s",
		    why);
		bad = 1;
	}
	r->blk.len = 0;
	while ((line = vtt_line(r)) != NULL && *line != '\0') {
		if (!bad && strstr(line, "-->") != NULL) {
			r->pending = line;
			r->pendno = r->lineno;
			break;
		}
		if (ntext++ > 0)
			sub_buf_putc(&r->blk, '\n');
		sub_buf_puts(&r->blk, line);
	}
	if (bad)
		return vtt_bad(r, e);
	if ((it = sub_doc_add(r->doc, SUB_CUE, tno)) == NULL) {
		r->oom = 1;
		return 0;
	}
	it->start = a;
	it->end = b;
	if (id != NULL)
		it->id = sub_doc_dup(r->doc, id);
	r->set.len = 0;
	sub_vtt_settings(&r->set, rest, &r->regs, &it->region);
	if (r->set.len > 0)
		it->settings = sub_doc_ndup(r->doc, r->set.p, r->set.len);
	it->text = sub_doc_ndup(r->doc, r->blk.p ? r->blk.p : "", r->blk.len);
	if (r->set.oom || r->blk.oom)
		r->oom = 1;
	if (r->pol != NULL)
		ndj_policy_ok(r->pol);
	return 0;
}

int
sub_read_vtt(char *text, size_t len, const char *name,
    struct ndj_policy *pol, struct sub_doc *doc, struct rerr *e)
{
	struct vtt_rd r = { 0 };
	char *line, *l0, *l1;
	long no0;
	int rv;

	r.p = text;
	r.end = text + len;
	r.doc = doc;
	r.name = name;
	r.pol = pol;
	doc->fmt = doc->markup = SUB_VTT;
	rv = vtt_header(&r, e);
	while (rv == 0 && !r.oom) {
		/* Skip empty lines to the start of a block. */
		if (r.pending != NULL) {
			line = r.pending;
			no0 = r.pendno;
			r.pending = NULL;
		} else {
			while ((line = vtt_line(&r)) != NULL && *line == '\0')
				;
			no0 = r.lineno;
		}
		if (line == NULL)
			break;
		l0 = line;
		if (strstr(l0, "-->") != NULL) {
			rv = vtt_cue(&r, NULL, l0, no0, e);
			continue;
		}
		l1 = vtt_line(&r);
		if (l1 != NULL && *l1 != '\0' && strstr(l1, "-->") != NULL)
			rv = vtt_cue(&r, l0, l1, r.lineno, e);
		else
			rv = vtt_block(&r, l0, l1 != NULL && *l1 != '\0' ? l1 :
			    NULL, no0, e);
	}
	if (rv == 0 && (r.oom || r.blk.oom || r.set.oom))
		rv = rerr_set(e, EX_SOFTWARE, name, 0, "out of memory");
	sub_buf_free(&r.blk);
	sub_buf_free(&r.set);
	sub_regset_free(&r.regs);
	return rv;
}

/* Appends s (NULL: nothing) and a newline. */
static void
put_block(struct sub_buf *b, const char *s)
{
	sub_buf_puts(b, s ? s : "");
	sub_buf_putc(b, '\n');
}

static void
put_pct(struct sub_buf *b, double v)
{
	char tmp[64];

	snprintf(tmp, sizeof(tmp), "%.6g%%", v);
	sub_buf_puts(b, tmp);
}

int
sub_write_vtt(FILE *fp, const struct sub_doc *doc)
{
	struct sub_buf b = { 0 }, t = { 0 };
	const char *hdr = "WEBVTT";
	char ta[32], tb[32];
	int vtt = doc->markup == SUB_VTT;
	size_t i;
	int rv = 0;

	for (i = 0; i < doc->n; i++)
		if (doc->v[i].type == SUB_HEADER && vtt &&
		    doc->v[i].text != NULL &&
		    strncmp(doc->v[i].text, "WEBVTT", 6) == 0) {
			hdr = doc->v[i].text;
			break;
		}
	put_block(&b, hdr);
	for (i = 0; i < doc->n; i++) {
		const struct sub_item *it = &doc->v[i];
		const char *s;

		switch (it->type) {
		case SUB_CUE:
			sub_buf_putc(&b, '\n');
			if (it->id != NULL && *it->id != '\0' &&
			    strstr(it->id, "-->") == NULL &&
			    strchr(it->id, '\n') == NULL)
				put_block(&b, it->id);
			sub_fmt_time(ta, it->start, '.');
			sub_fmt_time(tb, it->end, '.');
			sub_buf_puts(&b, ta);
			sub_buf_puts(&b, " --> ");
			sub_buf_puts(&b, tb);
			if (vtt && it->settings != NULL &&
			    *it->settings != '\0') {
				sub_buf_putc(&b, ' ');
				sub_buf_puts(&b, it->settings);
			} else if (it->region != NULL && *it->region != '\0') {
				sub_buf_puts(&b, " region:");
				sub_buf_puts(&b, it->region);
			}
			sub_buf_putc(&b, '\n');
			t.len = 0;
			sub_markup(&t, it->text ? it->text : "", doc->markup,
			    SUB_VTT);
			/* Empty lines and "-->" would end the cue. */
			for (s = t.p ? t.p : ""; *s != '\0'; s++) {
				if (*s == '\n' && (s == t.p || s[-1] == '\n' ||
				    s[1] == '\0'))
					continue;
				if (strncmp(s, "-->", 3) == 0) {
					sub_buf_puts(&b, "--&gt;");
					s += 2;
					continue;
				}
				sub_buf_putc(&b, *s);
			}
			if (t.len > 0 && b.p[b.len - 1] != '\n')
				sub_buf_putc(&b, '\n');
			break;
		case SUB_NOTE:
		case SUB_STYLE:
			if (!vtt || it->text == NULL)
				break;
			sub_buf_putc(&b, '\n');
			put_block(&b, it->text);
			break;
		case SUB_REGION:
			if (it->reg.in_header)
				break;
			sub_buf_putc(&b, '\n');
			if (it->text != NULL && vtt) {
				put_block(&b, it->text);
				break;
			}
			sub_buf_puts(&b, "REGION\n");
			if (it->id != NULL) {
				sub_buf_puts(&b, "id:");
				sub_buf_puts(&b, it->id);
				sub_buf_putc(&b, ' ');
			}
			sub_buf_puts(&b, "width:");
			put_pct(&b, it->reg.width);
			snprintf(ta, sizeof(ta), " lines:%ld", it->reg.lines);
			sub_buf_puts(&b, ta);
			sub_buf_puts(&b, " regionanchor:");
			put_pct(&b, it->reg.ra_x);
			sub_buf_putc(&b, ',');
			put_pct(&b, it->reg.ra_y);
			sub_buf_puts(&b, " viewportanchor:");
			put_pct(&b, it->reg.va_x);
			sub_buf_putc(&b, ',');
			put_pct(&b, it->reg.va_y);
			if (it->reg.scroll_up)
				sub_buf_puts(&b, " scroll:up");
			sub_buf_putc(&b, '\n');
			break;
		default:
			break;
		}
		if (t.oom)
			b.oom = 1;
		if (b.len >= 65536 && sub_buf_flush(&b, fp) != 0) {
			rv = -1;
			break;
		}
	}
	if (rv == 0 && sub_buf_flush(&b, fp) != 0)
		rv = -1;
	sub_buf_free(&b);
	sub_buf_free(&t);
	return rv == 0 && !ferror(fp) ? 0 : -1;
}
