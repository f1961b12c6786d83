/*
 * sub_srt: SubRip.
 *
 * Reading is tolerant of what real files do: blocks separated by one or
 * more blank (or blank-looking) lines; an index line that is missing,
 * wrong or out of order (it is not kept: the writer numbers from 1);
 * "," "." or ":" before the milliseconds, which may have 1 to 3 digits
 * (a fraction: ",5" is 500 ms); hours of any width, hours left out; "->"
 * or "-->" with or without spaces; SubRip "X1:.. Y2:.." coordinates after
 * the timing, kept as the cue's settings.  A block without a timing line
 * in its first two lines, or with a timing that cannot be read, is a bad
 * block.  Cue text is every line after the timing up to the blank line.
 *
 * Writing: "N\nHH:MM:SS,mmm --> HH:MM:SS,mmm\ntext\n\n", numbered from 1,
 * blank lines inside text dropped (they would end the block).
 */
#include <stdlib.h>
#include <string.h>

#include "sub.h"

/* Parses one SRT timestamp at *s.  Returns 0 or -1 (-2: negative). */
static int
srt_time(const char **s, int64_t *ms)
{
	const char *p = *s;
	int64_t f[3] = { 0, 0, 0 };
	int nf = 0, nd;
	int64_t frac = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '-')
		return -2;
	for (;;) {
		int64_t v = 0;

		for (nd = 0; *p >= '0' && *p <= '9'; p++, nd++)
			if (nd < 12)
				v = v * 10 + (*p - '0');
		if (nd == 0 || nd > 12 || (nf > 0 && nd > 2))
			return -1;
		f[nf++] = v;
		if (nf < 3 && *p == ':' && p[1] >= '0' && p[1] <= '9') {
			p++;
			continue;
		}
		break;
	}
	if (nf < 2)
		return -1;
	if ((*p == ',' || *p == '.' || *p == ':') && p[1] >= '0' &&
	    p[1] <= '9') {
		int scale = 100;

		for (p++, nd = 0; *p >= '0' && *p <= '9'; p++, nd++)
			if (nd < 3) {
				frac += (*p - '0') * scale;
				scale /= 10;
			}
	}
	if (nf == 2)
		*ms = (f[0] * 60 + f[1]) * 1000 + frac;
	else
		*ms = ((f[0] * 60 + f[1]) * 60 + f[2]) * 1000 + frac;
	*s = p;
	return 0;
}

/*
 * Parses a timing line.  Returns 0 with the times and *rest (what
 * follows, spaces trimmed), -1 when it is no timing line at all, -2 when
 * it looks like one but cannot be read (a message in why).
 */
static int
srt_timing(const char *line, int64_t *a, int64_t *b, const char **rest,
    const char **why)
{
	const char *p = line, *arrow = strstr(line, "->");
	int r;

	if (arrow == NULL)
		return -1;
	if ((r = srt_time(&p, a)) != 0) {
		*why = r == -2 ? "negative time" : "bad start time";
		return -2;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	while (*p == '-')
		p++;
	if (*p != '>' || p[-1] != '-') {
		*why = "no '-->' after the start time";
		return -2;
	}
	p++;
	if ((r = srt_time(&p, b)) != 0) {
		*why = r == -2 ? "negative time" : "bad end time";
		return -2;
	}
	if (*p != '\0' && *p != ' ' && *p != '\t') {
		*why = "junk after the end time";
		return -2;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	*rest = p;
	return 0;
}

int
sub_read_srt(char *text, size_t len, const char *name,
    struct ndj_policy *pol, struct sub_doc *doc, struct rerr *e)
{
	char *p = text, *end = text + len, *line;
	char **lines = NULL;
	long *nos = NULL, lineno = 0;
	size_t nl = 0, cap = 0;
	int rv = 0;

	doc->fmt = doc->markup = SUB_SRT;
	if (sub_doc_add(doc, SUB_HEADER, 0) == NULL)
		return rerr_set(e, EX_SOFTWARE, name, 0, "out of memory");
	for (;;) {
		struct sub_item *it;
		const char *rest = NULL, *why = NULL;
		int64_t a, b;
		size_t t, i;
		int r = -1;

		/* Collect one block. */
		nl = 0;
		while ((line = sub_nextline(&p, end, &lineno)) != NULL) {
			if (sub_blank(line)) {
				if (nl > 0)
					break;
				continue;
			}
			if (nl == cap) {
				cap = cap ? cap * 2 : 16;
				lines = realloc(lines, cap * sizeof(*lines));
				nos = realloc(nos, cap * sizeof(*nos));
				if (lines == NULL || nos == NULL)
					abort();
			}
			lines[nl] = line;
			nos[nl++] = lineno;
		}
		if (nl == 0)
			break;
		/* Its timing line: the first, or the second after an index. */
		for (t = 0; t < nl && t < 2; t++) {
			r = srt_timing(lines[t], &a, &b, &rest, &why);
			if (r != -1)
				break;
		}
		if (r != 0) {
			if (r == -1)
				rerr_set(e, EX_DATAERR, name, nos[0],
				    "no timing line in block");
			else
				rerr_set(e, EX_DATAERR, name, nos[t],
				    "bad timing line: %s", why);
			if (pol == NULL || !pol->skip_bad) {
				rv = e->code;
				break;
			}
			ndj_policy_bad(pol, e);
			continue;
		}
		if ((it = sub_doc_add(doc, SUB_CUE, nos[t])) == NULL)
			abort();
		it->start = a;
		it->end = b;
		if (*rest != '\0')
			it->settings = sub_strdup(rest);
		{
			struct sub_buf tb = { 0 };

			for (i = t + 1; i < nl; i++) {
				if (i > t + 1)
					sub_buf_putc(&tb, '\n');
				sub_buf_puts(&tb, lines[i]);
			}
			it->text = tb.p ? tb.p : sub_strdup("");
		}
		if (pol != NULL)
			ndj_policy_ok(pol);
	}
	free(lines);
	free(nos);
	return rv;
}

/* Appends text with blank lines dropped (they would end an SRT or VTT
 * block). */
static void
put_text(struct sub_buf *b, const char *s)
{
	const char *nl;

	while (*s != '\0') {
		if (*s == '\n') {	/* an empty line */
			s++;
			continue;
		}
		if ((nl = strchr(s, '\n')) == NULL) {
			sub_buf_puts(b, s);
			return;
		}
		sub_buf_add(b, s, (size_t)(nl - s) + 1);
		s = nl + 1;
	}
	if (b->len > 0 && b->p[b->len - 1] == '\n')
		b->len--, b->p[b->len] = '\0';
}

int
sub_write_srt(FILE *fp, const struct sub_doc *doc)
{
	struct sub_buf b = { 0 }, t = { 0 };
	char ta[32], tb[32];
	size_t i;
	long n = 0;
	int rv = 0;

	for (i = 0; i < doc->n; i++) {
		const struct sub_item *it = &doc->v[i];

		if (it->type != SUB_CUE)
			continue;
		b.len = 0;
		t.len = 0;
		sub_fmt_time(ta, it->start, ',');
		sub_fmt_time(tb, it->end, ',');
		sub_markup(&t, it->text ? it->text : "", doc->markup, SUB_SRT);
		if (t.p == NULL)
			sub_buf_puts(&t, "");
		{
			char num[32];

			snprintf(num, sizeof(num), "%ld\n", ++n);
			sub_buf_puts(&b, num);
		}
		sub_buf_puts(&b, ta);
		sub_buf_puts(&b, " --> ");
		sub_buf_puts(&b, tb);
		if (doc->markup == SUB_SRT && it->settings != NULL &&
		    *it->settings != '\0') {
			sub_buf_putc(&b, ' ');
			sub_buf_puts(&b, it->settings);
		}
		sub_buf_putc(&b, '\n');
		put_text(&b, t.p);
		if (b.p[b.len - 1] != '\n')
			sub_buf_putc(&b, '\n');
		sub_buf_putc(&b, '\n');
		if (fwrite(b.p, 1, b.len, fp) != b.len) {
			rv = -1;
			break;
		}
	}
	sub_buf_free(&b);
	sub_buf_free(&t);
	return rv == 0 && !ferror(fp) ? 0 : -1;
}
