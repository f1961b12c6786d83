/*
 * sub_srt: SubRip.
 *
 * Reading is tolerant of what real files do: blocks separated by one or
 * more blank (or blank-looking) lines; an index line that is missing,
 * wrong or out of order (it is not kept: the writer numbers from 1);
 * "," "." or ":" before the milliseconds, which may have 1 to 3 digits
 * (a fraction: ",5" is 500 ms); hours of any width, hours left out; "->"
 * or "-->" with or without spaces; SubRip "X1:.. Y2:.." coordinates after
 * the timing, kept as the cue's settings; cues that follow each other
 * without a blank line (see sub_read_srt).  Lines after a blank line that
 * lead to no timing line, or a timing that cannot be read, are a bad
 * block.
 *
 * Writing: "N\nHH:MM:SS,mmm --> HH:MM:SS,mmm\ntext\n\n", numbered from 1,
 * blank lines inside text dropped (they would end the block), and a text
 * line that would read as a timing line prefixed with U+2060 WORD JOINER
 * (invisible), so it stays text.
 */
#define _GNU_SOURCE
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
	const char *p = line, *arrow = strstr(line, "->"), *q = line;
	int r;

	/* A timing line starts with a time (or a negative one). */
	while (*q == ' ' || *q == '\t')
		q++;
	if (*q == '-')
		q++;
	if (arrow == NULL || *q < '0' || *q > '9')
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

/*
 * Parses a YouTube SBV timing line, "H:MM:SS.mmm,H:MM:SS.mmm" (white
 * space allowed around the comma and at the ends).  Returns 0 with the
 * times, or -1 when the line is not one (then it is text).
 */
static int
sbv_timing(const char *line, int64_t *a, int64_t *b)
{
	const char *p = line;

	if (*p == '-' || srt_time(&p, a) != 0)
		return -1;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p++ != ',')
		return -1;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '-' || srt_time(&p, b) != 0)
		return -1;
	while (*p == ' ' || *p == '\t')
		p++;
	return *p == '\0' || *p == '\n' ? 0 : -1;
}

/* A timing line of either format: 0, -1 (none) or -2 (unreadable). */
static int
any_timing(int sbv, const char *line, int64_t *a, int64_t *b,
    const char **rest, const char **why)
{
	if (!sbv)
		return srt_timing(line, a, b, rest, why);
	*rest = "";
	return sbv_timing(line, a, b);
}

/* Is s a line of digits only (an SRT index)? */
static int
index_line(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s < '0' || *s > '9')
		return 0;
	while (*s >= '0' && *s <= '9')
		s++;
	return sub_blank(s);
}

/* The lines of the text, cut in place, with their kinds. */
enum { L_TEXT, L_BLANK, L_TIMING, L_BADTIMING };
struct srt_line {
	char	*s;
	int	 kind;
};

static struct srt_line *
srt_lines(char *text, size_t len, size_t *n)
{
	char *p = text, *end = text + len, *line;
	struct srt_line *v = NULL, *nv;
	size_t cap = 0, k = 0;
	long lineno = 0;

	while ((line = sub_nextline(&p, end, &lineno)) != NULL) {
		if (k == cap) {
			cap = cap ? cap * 2 : 256;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL) {
				free(v);
				return NULL;
			}
			v = nv;
		}
		v[k].s = line;
		v[k++].kind = sub_blank(line) ? L_BLANK : L_TEXT;
	}
	*n = k;
	return v != NULL ? v : calloc(1, sizeof(*v));
}

/* Gives the text gathered in tb to it (when there is one), and empties
 * tb. */
static void
close_cue(struct sub_doc *doc, struct sub_item *it, struct sub_buf *tb)
{
	if (it != NULL && it->text == NULL)
		it->text = sub_doc_ndup(doc, tb->p ? tb->p : "", tb->len);
	tb->len = 0;
}

/*
 * Reading, line by line (line i is at file line i + 1):
 * - a timing line starts a cue, whether a blank line came before it or
 *   not (files whose blocks run together are common);
 * - the line just before a timing line is its index when it is digits
 *   only, or when it starts a block (after a blank line or at the top):
 *   not text of the cue before;
 * - text lines follow the timing line up to a blank line or the next
 *   cue's index or timing;
 * - lines after a blank line that lead to no timing line are a block
 *   without timing, a bad block; so is a timing line that cannot be read.
 */
static int
read_blocks(int sbv, char *text, size_t len, const char *name,
    struct ndj_policy *pol, struct sub_doc *doc, struct rerr *e)
{
	struct srt_line *L;
	struct sub_item *it = NULL;
	struct sub_buf tb = { 0 };
	const char *rest, *why;
	size_t n, i, j;
	int64_t a, b;
	int rv = 0, open = 0, after_blank = 1, r;

	doc->fmt = sbv ? SUB_SBV : SUB_SRT;
	doc->markup = SUB_SRT;
	if (sub_doc_add(doc, SUB_HEADER, 0) == NULL ||
	    (L = srt_lines(text, len, &n)) == NULL)
		return rerr_set(e, EX_SOFTWARE, name, 0, "out of memory");
	for (i = 0; i < n; i++) {
		if (L[i].kind != L_TEXT || (!sbv && strstr(L[i].s, "->") ==
		    NULL))
			continue;
		r = any_timing(sbv, L[i].s, &a, &b, &rest, &why);
		if (r != -1)
			L[i].kind = r == 0 ? L_TIMING : L_BADTIMING;
	}
	for (i = 0; i < n; i++) {
		int nexttiming = i + 1 < n && (L[i + 1].kind == L_TIMING ||
		    L[i + 1].kind == L_BADTIMING);

		switch (L[i].kind) {
		case L_BLANK:
			if (open)
				close_cue(doc, it, &tb);
			open = 0;
			after_blank = 1;
			continue;
		case L_TIMING:
			close_cue(doc, it, &tb);
			any_timing(sbv, L[i].s, &a, &b, &rest, &why);
			if ((it = sub_doc_add(doc, SUB_CUE, (long)i + 1)) ==
			    NULL) {
				doc->oom = 1;
				break;
			}
			it->start = a;
			it->end = b;
			if (*rest != '\0')
				it->settings = sub_doc_dup(doc, rest);
			open = 1;
			after_blank = 0;
			if (pol != NULL)
				ndj_policy_ok(pol);
			continue;
		case L_TEXT:
			if (!sbv && nexttiming && (after_blank ||
			    index_line(L[i].s)))
				continue;	/* the next cue's index */
			after_blank = 0;
			if (open) {
				if (tb.len > 0)
					sub_buf_putc(&tb, '\n');
				sub_buf_puts(&tb, L[i].s);
				continue;
			}
			rerr_set(e, EX_DATAERR, name, (long)i + 1,
			    "no timing line in block");
			break;
		case L_BADTIMING:
			srt_timing(L[i].s, &a, &b, &rest, &why);
			rerr_set(e, EX_DATAERR, name, (long)i + 1,
			    "bad timing line: %s", why);
			break;
		}
		if (doc->oom || tb.oom) {
			rv = rerr_set(e, EX_SOFTWARE, name, 0, "out of memory");
			break;
		}
		/* A bad block: stop, or skip to a blank or timing line. */
		close_cue(doc, it, &tb);
		it = NULL;
		open = 0;
		if (pol == NULL || !pol->skip_bad) {
			rv = e->code;
			break;
		}
		ndj_policy_bad(pol, e);
		for (j = i + 1; j < n && L[j].kind != L_BLANK &&
		    L[j].kind != L_TIMING && L[j].kind != L_BADTIMING; j++)
			;
		/* An index just before that timing line is kept for it. */
		if (!sbv && j < n && L[j].kind != L_BLANK && j > i + 1 &&
		    index_line(L[j - 1].s))
			j--;
		i = j - 1;
		after_blank = 0;
	}
	close_cue(doc, it, &tb);
	if (rv == 0 && (doc->oom || tb.oom))
		rv = rerr_set(e, EX_SOFTWARE, name, 0, "out of memory");
	sub_buf_free(&tb);
	free(L);
	return rv;
}

int
sub_read_srt(char *text, size_t len, const char *name,
    struct ndj_policy *pol, struct sub_doc *doc, struct rerr *e)
{
	return read_blocks(0, text, len, name, pol, doc, e);
}

int
sub_read_sbv(char *text, size_t len, const char *name,
    struct ndj_policy *pol, struct sub_doc *doc, struct rerr *e)
{
	return read_blocks(1, text, len, name, pol, doc, e);
}

/* Appends text, each line ended by '\n', blank lines left out. */
static void
put_text(struct sub_buf *b, const char *s, int sbv)
{
	const char *nl, *q;
	int64_t x, y;

	while (*s != '\0') {
		nl = strchr(s, '\n');
		if (nl == NULL)
			nl = s + strlen(s);
		for (q = s; q < nl && (*q == ' ' || *q == '\t'); q++)
			;
		/* A blank line would end the block: leave it out. */
		if (q < nl) {
			/* A line that would read as a timing line. */
			if ((!sbv && ((*q >= '0' && *q <= '9') || *q == '-') &&
			    memmem(q, (size_t)(nl - q), "->", 2) != NULL) ||
			    (sbv && sbv_timing(q, &x, &y) == 0))
				sub_buf_puts(b, "\xe2\x81\xa0");
			sub_buf_add(b, s, (size_t)(nl - s));
			sub_buf_putc(b, '\n');
		}
		s = *nl == '\n' ? nl + 1 : nl;
	}
}

/* SBV times: "H:MM:SS.mmm", hours unpadded. */
static void
sbv_time(char *buf, int64_t ms)
{
	uint64_t u = ms < 0 ? 0 : (uint64_t)ms;

	snprintf(buf, 32, "%llu:%02u:%02u.%03u",
	    (unsigned long long)(u / 3600000), (unsigned)(u / 60000 % 60),
	    (unsigned)(u / 1000 % 60), (unsigned)(u % 1000));
}

static int
write_blocks(FILE *fp, const struct sub_doc *doc, int sbv)
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
		t.len = 0;
		sub_markup(&t, it->text ? it->text : "", doc->markup,
		    sbv ? SUB_SBV : SUB_SRT);
		if (t.p == NULL)
			sub_buf_puts(&t, "");
		if (sbv) {
			sbv_time(ta, it->start);
			sbv_time(tb, it->end);
			sub_buf_puts(&b, ta);
			sub_buf_putc(&b, ',');
			sub_buf_puts(&b, tb);
		} else {
			char num[32];

			sub_fmt_time(ta, it->start, ',');
			sub_fmt_time(tb, it->end, ',');
			snprintf(num, sizeof(num), "%ld\n", ++n);
			sub_buf_puts(&b, num);
			sub_buf_puts(&b, ta);
			sub_buf_puts(&b, " --> ");
			sub_buf_puts(&b, tb);
		}
		if (!sbv && doc->markup == SUB_SRT && it->settings != NULL &&
		    strncmp(it->settings, "X1:", 3) == 0) {
			sub_buf_putc(&b, ' ');
			sub_buf_puts(&b, it->settings);
		}
		sub_buf_putc(&b, '\n');
		put_text(&b, t.p, sbv);
		sub_buf_putc(&b, '\n');
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

int
sub_write_srt(FILE *fp, const struct sub_doc *doc)
{
	return write_blocks(fp, doc, 0);
}

int
sub_write_sbv(FILE *fp, const struct sub_doc *doc)
{
	return write_blocks(fp, doc, 1);
}
