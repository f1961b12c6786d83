/*
 * sub_mdvd: MicroDVD, "{start}{end}text|second line" in frame numbers.
 *
 * The frame rate comes from the file's own header line, a cue at frame 0
 * or 1 whose text is only a number ("{1}{1}23.976", as MPlayer and ffmpeg
 * write and read it), else from sub_ropts.fps (--fps), else 23.976 with a
 * warning (ffmpeg's default: most MicroDVD files were timed for 24000/1001
 * film).  Frames become milliseconds rounded to the nearest, so writing
 * at the same rate gives the same frame numbers back.  An empty end
 * ("{100}{}") ends at the next cue.
 *
 * Control codes at the start of the text or of a line: {y:i}, {y:b},
 * {y:u} (and several, "{y:i,b}"), {c:$BBGGRR}; lower case for one line,
 * upper case for the whole cue.  These become SRT markup (<i>, <b>, <u>,
 * <font color>); a '/' at the start of a line (a common variant) is
 * italics too.  The other codes ({f:font}, {s:size}, {P:position},
 * {H:charset}, ...) are kept, as written, in the cue's settings and
 * written back at its start.
 *
 * Writing: the header line with the frame rate, then one line a cue;
 * markup that covers whole lines or the whole cue becomes {y:..} or
 * {Y:..} codes, what covers part of a line cannot be said and goes.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sub.h"

#define MDVD_DEFAULT_FPS	(24000.0 / 1001)

/* Parses "{digits}" (digits may be none when empty_ok).  Returns the
 * position after '}', or NULL. */
static const char *
frame_num(const char *p, int64_t *v, int empty_ok, int *empty)
{
	int n = 0;

	if (*p != '{')
		return NULL;
	p++;
	*v = 0;
	while (*p >= '0' && *p <= '9') {
		if (n++ >= 12)
			return NULL;
		*v = *v * 10 + (*p++ - '0');
	}
	*empty = n == 0;
	if (*p != '}' || (n == 0 && !empty_ok))
		return NULL;
	return p + 1;
}

/* The styles a code list such as "i,b" or "$0000FF" turns on. */
struct mdvd_style {
	int	 i, b, u;
	char	 color[8];	/* "#RRGGBB" or "" */
};

/*
 * Reads the control codes at *s, filling st (upper case codes into whole,
 * lower case into line) and appending codes it does not convert to keep.
 * Advances *s past them.
 */
static void
codes(const char **s, struct mdvd_style *whole, struct mdvd_style *line,
    struct sub_buf *keep)
{
	const char *p = *s, *q;

	while (p[0] == '{' && p[1] != '\0' && p[2] == ':' &&
	    (q = strchr(p, '}')) != NULL) {
		int up = p[1] >= 'A' && p[1] <= 'Z';
		struct mdvd_style *st = up ? whole : line;
		const char *v = p + 3;

		if (p[1] == 'y' || p[1] == 'Y') {
			for (; v < q; v++) {
				if (*v == 'i')
					st->i = 1;
				else if (*v == 'b')
					st->b = 1;
				else if (*v == 'u')
					st->u = 1;
			}
		} else if ((p[1] == 'c' || p[1] == 'C') && q - v == 7 &&
		    *v == '$') {
			/* $BBGGRR to #RRGGBB */
			st->color[0] = '#';
			memcpy(st->color + 1, v + 5, 2);
			memcpy(st->color + 3, v + 3, 2);
			memcpy(st->color + 5, v + 1, 2);
			st->color[7] = '\0';
		} else
			sub_buf_add(keep, p, (size_t)(q - p) + 1);
		p = q + 1;
	}
	*s = p;
}

static void
open_tags(struct sub_buf *b, const struct mdvd_style *st)
{
	if (st->color[0] != '\0') {
		sub_buf_puts(b, "<font color=\"");
		sub_buf_puts(b, st->color);
		sub_buf_puts(b, "\">");
	}
	if (st->b)
		sub_buf_puts(b, "<b>");
	if (st->i)
		sub_buf_puts(b, "<i>");
	if (st->u)
		sub_buf_puts(b, "<u>");
}

static void
close_tags(struct sub_buf *b, const struct mdvd_style *st)
{
	if (st->u)
		sub_buf_puts(b, "</u>");
	if (st->i)
		sub_buf_puts(b, "</i>");
	if (st->b)
		sub_buf_puts(b, "</b>");
	if (st->color[0] != '\0')
		sub_buf_puts(b, "</font>");
}

/*
 * The text of a cue after its frames, into SRT markup in b.  Upper-case
 * codes count for the whole cue when they come before its first line's
 * text (the only place they make sense).
 */
static void
cue_text(const char *s, struct sub_buf *b, struct sub_buf *keep)
{
	struct mdvd_style whole = { 0 }, w0 = { 0 };
	int first = 1;

	for (;;) {
		struct mdvd_style line = { 0 };
		const char *bar;

		codes(&s, first ? &whole : &line, &line, keep);
		if (first) {
			w0 = whole;
			open_tags(b, &w0);
		} else
			sub_buf_putc(b, '\n');
		first = 0;
		if (*s == '/') {
			line.i = 1;
			s++;
		}
		if ((bar = strchr(s, '|')) == NULL)
			bar = s + strlen(s);
		open_tags(b, &line);
		sub_buf_add(b, s, (size_t)(bar - s));
		close_tags(b, &line);
		if (*bar == '\0')
			break;
		s = bar + 1;
	}
	close_tags(b, &w0);
}

/* Is s (after the frames) only a frame rate?  Sets *fps. */
static int
fps_line(const char *s, double *fps)
{
	char *end;
	double v;

	while (*s == ' ')
		s++;
	if (*s < '0' || *s > '9')
		return 0;
	v = strtod(s, &end);
	while (*end == ' ' || *end == '\r')
		end++;
	if (*end != '\0' || !(v > 1 && v < 1000))
		return 0;
	*fps = v;
	return 1;
}

int
sub_read_mdvd(char *text, size_t len, const struct sub_ropts *o,
    struct ndj_policy *pol, struct sub_doc *doc, struct rerr *e)
{
	const char *name = o->name ? o->name : CLI_STDIN_NAME;
	char *p = text, *end = text + len, *line;
	struct sub_buf tb = { 0 }, keep = { 0 };
	double fps = 0;
	long lineno = 0;
	size_t open = (size_t)-1;	/* a cue waiting for its end */
	int rv = 0, first = 1;

	doc->fmt = SUB_MICRODVD;
	doc->markup = SUB_SRT;
	if (sub_doc_add(doc, SUB_HEADER, 0) == NULL)
		return rerr_set(e, EX_SOFTWARE, name, 0, "out of memory");
	while ((line = sub_nextline(&p, end, &lineno)) != NULL) {
		const char *s = line;
		int64_t a, b;
		int ea, eb;
		struct sub_item *it;
		double hfps;

		if (sub_blank(line))
			continue;
		if ((s = frame_num(line, &a, 0, &ea)) == NULL ||
		    (s = frame_num(s, &b, 1, &eb)) == NULL) {
			rerr_set(e, EX_DATAERR, name, lineno,
			    "not a MicroDVD line: no {start}{end} frames");
			if (pol == NULL || !pol->skip_bad) {
				rv = e->code;
				break;
			}
			ndj_policy_bad(pol, e);
			continue;
		}
		if (first && a <= 1 && fps_line(s, &hfps)) {
			fps = hfps;	/* the header line */
			first = 0;
			continue;
		}
		if (first) {
			first = 0;
			fps = o->fps > 0 ? o->fps : 0;
			if (fps == 0 && o->warn != NULL) {
				struct rerr w = { 0 };

				rerr_set(&w, EX_DATAERR, name, lineno,
				    "no frame rate in the file: 23.976 "
				    "assumed (use --fps)");
				o->warn(o->warn_arg, &w);
			}
			if (fps == 0)
				fps = MDVD_DEFAULT_FPS;
		}
		if ((it = sub_doc_add(doc, SUB_CUE, lineno)) == NULL) {
			doc->oom = 1;
			break;
		}
		it->start = llround((double)a * 1000 / fps);
		it->end = eb ? -1 : llround((double)b * 1000 / fps);
		if (open != (size_t)-1)
			doc->v[open].end = it->start;
		open = eb ? doc->n - 1 : (size_t)-1;
		tb.len = keep.len = 0;
		cue_text(s, &tb, &keep);
		it->text = sub_doc_ndup(doc, tb.p ? tb.p : "", tb.len);
		if (keep.len > 0)
			it->settings = sub_doc_ndup(doc, keep.p, keep.len);
		if (pol != NULL)
			ndj_policy_ok(pol);
	}
	/* A last cue with an empty end: as long as its text takes to read
	 * at 15 characters a second, at least 2 s. */
	if (open != (size_t)-1) {
		struct sub_item *it = &doc->v[open];
		int64_t d = it->text ? (int64_t)strlen(it->text) * 1000 / 15 : 0;

		it->end = it->start + (d > 2000 ? d : 2000);
	}
	doc->fps = fps > 0 ? fps : o->fps;
	if (tb.oom || keep.oom)
		doc->oom = 1;
	sub_buf_free(&tb);
	sub_buf_free(&keep);
	return rv;
}

/* Style flags of the visible characters of one line of SRT markup. */
struct line_style {
	int	 all_i, all_b, all_u, vis;
};

/*
 * Walks text (SRT markup) and says for each line whether every visible
 * character is italic, bold, underlined; ls has room for every line.
 * Returns the number of lines.
 */
static size_t
line_styles(const char *s, struct line_style *ls)
{
	int i = 0, b = 0, u = 0;
	size_t n = 0;

	ls[0] = (struct line_style){ 1, 1, 1, 0 };
	for (; *s != '\0'; s++) {
		if (*s == '<') {
			const char *q = strchr(s, '>');
			int close = s[1] == '/';
			char t = s[1 + close];

			if (q != NULL && q - s <= 3 + close &&
			    (t == 'i' || t == 'b' || t == 'u')) {
				int *f = t == 'i' ? &i : t == 'b' ? &b : &u;

				*f = !close;
				s = q;
				continue;
			}
			if (q != NULL && (strncmp(s + 1 + close, "font", 4) == 0)) {
				s = q;
				continue;
			}
		}
		if (*s == '\n') {
			ls[++n] = (struct line_style){ 1, 1, 1, 0 };
			continue;
		}
		if (*s == ' ')
			continue;
		ls[n].vis = 1;
		ls[n].all_i &= i;
		ls[n].all_b &= b;
		ls[n].all_u &= u;
	}
	return n + 1;
}

static void
put_code(struct sub_buf *b, char y, int i, int bo, int u)
{
	if (!i && !bo && !u)
		return;
	sub_buf_putc(b, '{');
	sub_buf_putc(b, y);
	sub_buf_putc(b, ':');
	if (i)
		sub_buf_puts(b, bo || u ? "i," : "i");
	if (bo)
		sub_buf_puts(b, u ? "b," : "b");
	if (u)
		sub_buf_putc(b, 'u');
	sub_buf_putc(b, '}');
}

/* Appends one cue's text (SRT markup) in MicroDVD form. */
static void
put_cue_text(struct sub_buf *b, const char *t)
{
	struct line_style *ls;
	size_t nl = 1, n, k;
	const char *s;
	int wi = 1, wb = 1, wu = 1;

	for (s = t; *s != '\0'; s++)
		nl += *s == '\n';
	if ((ls = calloc(nl, sizeof(*ls))) == NULL) {
		b->oom = 1;
		return;
	}
	n = line_styles(t, ls);
	for (k = 0; k < n; k++)
		if (ls[k].vis) {
			wi &= ls[k].all_i;
			wb &= ls[k].all_b;
			wu &= ls[k].all_u;
		}
	put_code(b, 'Y', wi, wb, wu);
	for (k = 0, s = t; k < n; k++) {
		if (k > 0)
			sub_buf_putc(b, '|');
		if (ls[k].vis)
			put_code(b, 'y', ls[k].all_i && !wi, ls[k].all_b && !wb,
			    ls[k].all_u && !wu);
		/* The visible text of the line: tags go, '|' cannot be. */
		if (*s == '{' || *s == '/')
			sub_buf_puts(b, "\xe2\x81\xa0");
		for (; *s != '\0' && *s != '\n'; s++) {
			const char *q;

			if (*s == '<' && (q = strchr(s, '>')) != NULL &&
			    memchr(s, '\n', (size_t)(q - s)) == NULL) {
				s = q;
				continue;
			}
			if (*s == '|')
				sub_buf_puts(b, "\xc2\xa6");
			else
				sub_buf_putc(b, *s);
		}
		if (*s == '\n')
			s++;
	}
	free(ls);
}

int
sub_write_mdvd(FILE *fp, const struct sub_doc *doc, double fps)
{
	struct sub_buf b = { 0 }, t = { 0 };
	char num[96];
	size_t i;
	int rv = 0;

	if (doc->fps > 0)
		fps = doc->fps;
	if (!(fps > 0))
		fps = MDVD_DEFAULT_FPS;
	snprintf(num, sizeof(num), "{1}{1}%.3f\n", fps);
	sub_buf_puts(&b, num);
	for (i = 0; i < doc->n; i++) {
		const struct sub_item *it = &doc->v[i];
		int64_t fa, fb;

		if (it->type != SUB_CUE)
			continue;
		fa = llround((double)it->start * fps / 1000);
		fb = llround((double)it->end * fps / 1000);
		snprintf(num, sizeof(num), "{%lld}{%lld}", (long long)fa,
		    (long long)fb);
		sub_buf_puts(&b, num);
		if (doc->src == SUB_MICRODVD && it->settings != NULL)
			sub_buf_puts(&b, it->settings);
		t.len = 0;
		sub_markup(&t, it->text ? it->text : "", doc->markup, SUB_SRT);
		put_cue_text(&b, t.p ? t.p : "");
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
