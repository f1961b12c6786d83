/*
 * sub_ass: Advanced SubStation Alpha (v4.00+) and SubStation Alpha (v4).
 *
 * Everything before [Events] (the [Script Info], the styles, any other
 * section) is one header item, kept verbatim.  In [Events] the Format line
 * names the fields (in any order; without one the standard order is
 * assumed); Dialogue lines become cues and Comment lines comment items
 * with the same fields; any other line there is kept verbatim as a note.
 * Sections after [Events] ([Fonts], [Graphics]) are kept verbatim.  The
 * Text field is the rest of the line whatever its commas, wherever the
 * Format puts it.  "\N" in text becomes "\n"; the writer turns it back.
 * Times are "H:MM:SS.cc"; fractions of other widths are read as decimal
 * fractions.
 *
 * Writing: the header (or a minimal one with a Default style when the
 * input had none), then [Events] with the standard Format line, margins
 * as plain integers, times rounded to centiseconds.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sub.h"

enum { F_LAYER, F_START, F_END, F_STYLE, F_NAME, F_ML, F_MR, F_MV,
	F_EFFECT, F_TEXT, F_OTHER };

static int
field_id(const char *s, size_t n)
{
	static const struct { const char *name; int id; } f[] = {
		{ "Layer", F_LAYER }, { "Marked", F_LAYER },
		{ "Start", F_START }, { "End", F_END }, { "Style", F_STYLE },
		{ "Name", F_NAME }, { "Actor", F_NAME },
		{ "MarginL", F_ML }, { "MarginR", F_MR }, { "MarginV", F_MV },
		{ "Effect", F_EFFECT }, { "Text", F_TEXT },
	};
	size_t i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (strlen(f[i].name) == n && strncasecmp(f[i].name, s, n) == 0)
			return f[i].id;
	return F_OTHER;
}

/* Parses "H:MM:SS.cc" (any widths).  Returns 0 or -1. */
static int
ass_time(const char *s, size_t n, int64_t *ms)
{
	const char *p = s, *end = s + n;
	int64_t f[3] = { 0, 0, 0 }, frac = 0;
	int nf = 0, nd, scale = 100;

	while (p < end && *p == ' ')
		p++;
	for (;;) {
		int64_t v = 0;

		for (nd = 0; p < end && *p >= '0' && *p <= '9'; p++, nd++)
			v = v * 10 + (*p - '0');
		if (nd == 0 || nd > 10)
			return -1;
		f[nf++] = v;
		if (nf < 3 && p < end && *p == ':') {
			p++;
			continue;
		}
		break;
	}
	if (nf < 2)
		return -1;
	if (p < end && *p == '.')
		for (p++; p < end && *p >= '0' && *p <= '9'; p++)
			if (scale > 0) {
				frac += (*p - '0') * scale;
				scale /= 10;
			}
	while (p < end && *p == ' ')
		p++;
	if (p != end)
		return -1;
	if (nf == 2)
		*ms = (f[0] * 60 + f[1]) * 1000 + frac;
	else
		*ms = ((f[0] * 60 + f[1]) * 60 + f[2]) * 1000 + frac;
	return 0;
}

static long
ass_int(const char *s, size_t n)
{
	char tmp[32];

	if (n >= sizeof(tmp))
		n = sizeof(tmp) - 1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (strncasecmp(tmp, "Marked=", 7) == 0)
		return strtol(tmp + 7, NULL, 10);
	return strtol(tmp, NULL, 10);
}

/* Copies text replacing "\N" with a newline. */
static char *
ass_text_in(struct sub_doc *doc, const char *s, size_t n)
{
	char *out = sub_doc_ndup(doc, s, n), *o = out;
	size_t i;

	if (out == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n && s[i + 1] == 'N') {
			*o++ = '\n';
			i++;
		} else
			*o++ = s[i];
	}
	*o = '\0';
	return out;
}

/*
 * Splits the fields of an event line after its "Dialogue:" by the format
 * fmt (nf fields).  Returns 0 or -1 when there are too few commas.
 */
static int
ass_event(struct sub_doc *doc, struct sub_item *it, const char *s,
    const int *fmt, int nf)
{
	const char *beg[32], *fend[32], *p, *q;
	int ti = -1, i;

	for (i = 0; i < nf; i++)
		if (fmt[i] == F_TEXT)
			ti = i;
	if (ti < 0)
		return -1;
	p = s;
	for (i = 0; i < ti; i++) {
		if ((q = strchr(p, ',')) == NULL)
			return -1;
		beg[i] = p;
		fend[i] = q;
		p = q + 1;
	}
	q = p + strlen(p);
	for (i = nf - 1; i > ti; i--) {
		const char *c = q;

		while (c > p && c[-1] != ',')
			c--;
		if (c == p)
			return -1;
		beg[i] = c;
		fend[i] = q;
		q = c - 1;
	}
	beg[ti] = p;
	fend[ti] = q;
	it->has_ass = 1;
	for (i = 0; i < nf; i++) {
		size_t n = (size_t)(fend[i] - beg[i]);

		switch (fmt[i]) {
		case F_LAYER:
			it->layer = ass_int(beg[i], n);
			break;
		case F_START:
			if (ass_time(beg[i], n, &it->start) != 0)
				return -2;
			break;
		case F_END:
			if (ass_time(beg[i], n, &it->end) != 0)
				return -2;
			break;
		case F_STYLE:	/* a field named twice: the last one counts */
			free(it->style);
			it->style = sub_doc_ndup(doc, beg[i], n);
			break;
		case F_NAME:
			free(it->actor);
			it->actor = sub_doc_ndup(doc, beg[i], n);
			break;
		case F_ML:
			it->margin_l = ass_int(beg[i], n);
			break;
		case F_MR:
			it->margin_r = ass_int(beg[i], n);
			break;
		case F_MV:
			it->margin_v = ass_int(beg[i], n);
			break;
		case F_EFFECT:
			free(it->effect);
			it->effect = sub_doc_ndup(doc, beg[i], n);
			break;
		case F_TEXT:
			free(it->text);
			it->text = ass_text_in(doc, beg[i], n);
			break;
		default:
			break;
		}
	}
	return 0;
}

/* Trims trailing newlines of b. */
static void
rtrim_nl(struct sub_buf *b)
{
	while (b->len > 0 && (b->p[b->len - 1] == '\n' ||
	    b->p[b->len - 1] == ' ' || b->p[b->len - 1] == '\t'))
		b->p[--b->len] = '\0';
}

static int
is_section(const char *line)
{
	return line[0] == '[' && strchr(line, ']') != NULL;
}

int
sub_read_ass(char *text, size_t len, const char *name,
    struct ndj_policy *pol, struct sub_doc *doc, struct rerr *e)
{
	static const int deffmt[] = { F_LAYER, F_START, F_END, F_STYLE,
		F_NAME, F_ML, F_MR, F_MV, F_EFFECT, F_TEXT };
	char *p = text, *end = text + len, *line;
	struct sub_buf hb = { 0 }, sb = { 0 };
	size_t sec = 0;			/* index of the open section, or 0 */
	int fmt[32], nf = 10, state = 0;	/* 0 header, 1 events, 2 after */
	long lineno = 0;
	int rv = 0;

	doc->fmt = doc->markup = SUB_ASS;
	memcpy(fmt, deffmt, sizeof(deffmt));
	if (sub_doc_add(doc, SUB_HEADER, 1) == NULL)
		return rerr_set(e, EX_SOFTWARE, name, 0, "out of memory");
	while ((line = sub_nextline(&p, end, &lineno)) != NULL) {
		struct sub_item *it;
		const char *v;
		int r;

		if (is_section(line)) {
			if (sec != 0) {
				rtrim_nl(&sb);
				doc->v[sec].text = sub_doc_dup(doc,
				    sb.p ? sb.p : "");
				sec = 0;
			}
			if (strncasecmp(line, "[Events]", 8) == 0) {
				state = 1;
				continue;
			}
			if (strncasecmp(line, "[V4 Styles]", 11) == 0)
				doc->fmt = doc->markup = SUB_SSA;
			if (state != 0) {
				state = 2;
				if (sub_doc_add(doc, SUB_SECTION, lineno) ==
				    NULL)
					goto oom;
				sec = doc->n - 1;
				sb.len = 0;
				sub_buf_puts(&sb, line);
				continue;
			}
		}
		if (state == 0) {
			if (hb.len > 0 || *line != '\0') {
				if (hb.p != NULL)
					sub_buf_putc(&hb, '\n');
				sub_buf_puts(&hb, line);
			}
			continue;
		}
		if (state == 2) {
			sub_buf_putc(&sb, '\n');
			sub_buf_puts(&sb, line);
			continue;
		}
		if (sub_blank(line))
			continue;
		if (strncasecmp(line, "Format:", 7) == 0) {
			const char *s = line + 7;

			nf = 0;
			while (*s != '\0' && nf < 32) {
				const char *c = strchr(s, ','), *b = s, *q;

				q = c ? c : s + strlen(s);
				while (b < q && (*b == ' ' || *b == '\t'))
					b++;
				while (q > b && (q[-1] == ' ' || q[-1] == '\t'))
					q--;
				fmt[nf++] = field_id(b, (size_t)(q - b));
				if (c == NULL)
					break;
				s = c + 1;
			}
			continue;
		}
		if (strncasecmp(line, "Dialogue:", 9) == 0)
			v = line + 9, r = SUB_CUE;
		else if (strncasecmp(line, "Comment:", 8) == 0)
			v = line + 8, r = SUB_COMMENT;
		else {
			if ((it = sub_doc_add(doc, SUB_NOTE, lineno)) == NULL)
				goto oom;
			it->text = sub_doc_dup(doc, line);
			continue;
		}
		while (*v == ' ')
			v++;
		if ((it = sub_doc_add(doc, (enum sub_type)r, lineno)) == NULL)
			goto oom;
		if ((r = ass_event(doc, it, v, fmt, nf)) != 0) {
			sub_item_free(it);
			doc->n--;
			rerr_set(e, EX_DATAERR, name, lineno, r == -2 ?
			    "bad time in event line" :
			    "too few fields in event line");
			if (pol == NULL || !pol->skip_bad) {
				rv = e->code;
				break;
			}
			ndj_policy_bad(pol, e);
			continue;
		}
		if (it->type == SUB_CUE && pol != NULL)
			ndj_policy_ok(pol);
	}
	if (sec != 0) {
		rtrim_nl(&sb);
		doc->v[sec].text = sub_doc_dup(doc, sb.p ? sb.p : "");
	}
	if (sb.oom || hb.oom)
		doc->oom = 1;
	sub_buf_free(&sb);
	rtrim_nl(&hb);
	doc->v[0].text = hb.p ? hb.p : sub_doc_dup(doc, "");
	return rv;
oom:
	sub_buf_free(&sb);
	sub_buf_free(&hb);
	return rerr_set(e, EX_SOFTWARE, name, 0, "out of memory");
}

static const char ass_default_header[] =
    "[Script Info]\n"
    "ScriptType: v4.00+\n"
    "PlayResX: 384\n"
    "PlayResY: 288\n"
    "WrapStyle: 0\n"
    "ScaledBorderAndShadow: yes\n"
    "\n"
    "[V4+ Styles]\n"
    "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, "
    "OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, "
    "ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, "
    "Alignment, MarginL, MarginR, MarginV, Encoding\n"
    "Style: Default,Arial,20,&H00FFFFFF,&H000000FF,&H00000000,"
    "&H00000000,0,0,0,0,100,100,0,0,1,2,2,2,10,10,10,1";

static const char ssa_default_header[] =
    "[Script Info]\n"
    "ScriptType: v4.00\n"
    "\n"
    "[V4 Styles]\n"
    "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, "
    "TertiaryColour, BackColour, Bold, Italic, BorderStyle, Outline, "
    "Shadow, Alignment, MarginL, MarginR, MarginV, AlphaLevel, Encoding\n"
    "Style: Default,Arial,20,16777215,65535,65535,0,0,0,1,2,2,2,10,10,10,"
    "0,1";

int
sub_write_ass(FILE *fp, const struct sub_doc *doc, enum sub_fmt f)
{
	struct sub_buf b = { 0 }, t = { 0 };
	const char *hdr = f == SUB_SSA ? ssa_default_header :
	    ass_default_header;
	int ass = doc->markup == SUB_ASS || doc->markup == SUB_SSA;
	char ta[32], tb[32], num[96];
	size_t i;
	int rv = 0;

	for (i = 0; i < doc->n; i++)
		if (doc->v[i].type == SUB_HEADER && ass &&
		    doc->v[i].text != NULL && doc->v[i].text[0] == '[') {
			hdr = doc->v[i].text;
			break;
		}
	sub_buf_puts(&b, hdr);
	sub_buf_puts(&b, "\n\n[Events]\n");
	sub_buf_puts(&b, f == SUB_SSA ?
	    "Format: Marked, Start, End, Style, Name, MarginL, MarginR, "
	    "MarginV, Effect, Text\n" :
	    "Format: Layer, Start, End, Style, Name, MarginL, MarginR, "
	    "MarginV, Effect, Text\n");
	for (i = 0; i < doc->n; i++) {
		const struct sub_item *it = &doc->v[i];
		const char *s;

		switch (it->type) {
		case SUB_CUE:
		case SUB_COMMENT:
			sub_buf_puts(&b, it->type == SUB_CUE ? "Dialogue: " :
			    "Comment: ");
			sub_fmt_asstime(ta, it->start);
			sub_fmt_asstime(tb, it->end);
			snprintf(num, sizeof(num), f == SUB_SSA ?
			    "Marked=%ld,%s,%s," : "%ld,%s,%s,",
			    it->layer, ta, tb);
			sub_buf_puts(&b, num);
			sub_buf_puts(&b, it->style && *it->style ? it->style :
			    "Default");
			sub_buf_putc(&b, ',');
			/* Commas in these fields would shift the others. */
			for (s = it->actor ? it->actor : ""; *s; s++)
				if (*s != ',' && *s != '\n')
					sub_buf_putc(&b, *s);
			snprintf(num, sizeof(num), ",%ld,%ld,%ld,",
			    it->margin_l, it->margin_r, it->margin_v);
			sub_buf_puts(&b, num);
			for (s = it->effect ? it->effect : ""; *s; s++)
				if (*s != ',' && *s != '\n')
					sub_buf_putc(&b, *s);
			sub_buf_putc(&b, ',');
			t.len = 0;
			sub_markup(&t, it->text ? it->text : "", doc->markup,
			    SUB_ASS);
			for (s = t.p ? t.p : ""; *s; s++)
				if (*s == '\n')
					sub_buf_puts(&b, "\\N");
				else
					sub_buf_putc(&b, *s);
			sub_buf_putc(&b, '\n');
			break;
		case SUB_NOTE:
			if (ass && it->text != NULL &&
			    strchr(it->text, '\n') == NULL) {
				sub_buf_puts(&b, it->text);
				sub_buf_putc(&b, '\n');
			}
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
	for (i = 0; i < doc->n; i++)
		if (doc->v[i].type == SUB_SECTION && ass &&
		    doc->v[i].text != NULL) {
			sub_buf_putc(&b, '\n');
			sub_buf_puts(&b, doc->v[i].text);
			sub_buf_putc(&b, '\n');
		}
	if (rv == 0 && sub_buf_flush(&b, fp) != 0)
		rv = -1;
	sub_buf_free(&b);
	sub_buf_free(&t);
	return rv == 0 && !ferror(fp) ? 0 : -1;
}
