/*
 * sub: the cue model and the subtitle readers and writers (SRT, WebVTT,
 * ASS/SSA and cue NDJSON).
 *
 * A subtitle file is read whole into a struct sub_doc: a list of items in
 * file order.  Most items are cues; the others are the blocks a format has
 * besides cues (a WebVTT header, STYLE, REGION and NOTE blocks, the ASS
 * [Script Info] and styles, Comment lines and trailing sections such as
 * [Fonts]), kept verbatim so a round trip through NDJSON loses nothing.
 * Times are integer milliseconds, so every conversion is exact; NDJSON
 * carries them as seconds with three decimals.
 *
 * Cue text keeps the markup of the format it came from, with "\n" for line
 * breaks (ASS "\N" becomes "\n").  doc->markup says which markup that is;
 * a writer for another format converts it (sub_markup).
 *
 * Errors: readers return 0, or a status (EX_DATAERR for bad data) with a
 * struct rerr naming the file and line.  A block that cannot be read is
 * passed to the struct ndj_policy: by default the first one stops the
 * read; with skip_bad it is reported, counted and skipped.  Nothing here
 * exits or prints to stdout.
 *
 * Ownership: a sub_doc owns its items and their strings; sub_doc_free
 * frees them all.
 */
#ifndef REEL_SUB_H
#define REEL_SUB_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "ndjson.h"

enum sub_fmt {
	SUB_NONE = 0,
	SUB_SRT,
	SUB_VTT,
	SUB_ASS,
	SUB_SSA,
	SUB_NDJSON
};

enum sub_type {
	SUB_CUE = 0,	/* a timed cue (ASS Dialogue) */
	SUB_HEADER,	/* WebVTT header, ASS [Script Info] + styles */
	SUB_STYLE,	/* WebVTT STYLE block */
	SUB_REGION,	/* WebVTT REGION block or header Region: line */
	SUB_NOTE,	/* WebVTT NOTE block, unknown ASS event line */
	SUB_COMMENT,	/* ASS Comment: line (has cue fields) */
	SUB_SECTION,	/* ASS section after [Events], e.g. [Fonts] */
	SUB_OTHER	/* an NDJSON record of another type */
};

/* A WebVTT region's settings, with the defaults of the WebVTT spec. */
struct sub_region {
	double	 width;		/* percent, 100 */
	long	 lines;		/* 3 */
	double	 ra_x, ra_y;	/* region anchor, percent: 0,100 */
	double	 va_x, va_y;	/* viewport anchor, percent: 0,100 */
	int	 scroll_up;
	int	 in_header;	/* from a legacy "Region:" header line */
};

struct sub_item {
	enum sub_type	 type;
	long		 line;		/* where it started in the input */
	int64_t		 start, end;	/* milliseconds */
	char		*text;		/* cue text or verbatim block, or NULL */
	char		*id;		/* WebVTT cue or region id */
	char		*settings;	/* WebVTT cue settings, SRT coordinates */
	char		*region;	/* WebVTT region id of a cue */
	char		*style;		/* ASS style */
	char		*actor;		/* ASS Name */
	char		*effect;	/* ASS Effect */
	int		 has_ass;	/* layer..margins are meaningful */
	long		 layer, margin_l, margin_r, margin_v;
	struct sub_region reg;		/* SUB_REGION */
	json_t		*rec;		/* NDJSON input record, or NULL */
};

struct sub_doc {
	enum sub_fmt	 fmt;		/* the format it was read from */
	enum sub_fmt	 markup;	/* markup of cue text: SRT, VTT or ASS */
	struct sub_item	*v;
	size_t		 n, cap;
	int		 keep_rec;	/* NDJSON input: keep each record */
};

/* Reading options. */
struct sub_ropts {
	const char	*name;		/* display name for diagnostics */
	const char	*encoding;	/* iconv name, NULL: detect */
	enum sub_fmt	 fmt;		/* SUB_NONE: detect */
	enum sub_fmt	 hint;		/* from the file name, or SUB_NONE */
	int		 passthrough;	/* NDJSON input: keep the records for
					   NDJSON output (unknown fields) */
};

/* Format names: "srt", "vtt", "ass", "ssa", "ndjson" (and "json",
 * "webvtt", "jsonl" on input).  Returns SUB_NONE when unknown. */
enum sub_fmt sub_fmt_parse(const char *name);
const char *sub_fmt_name(enum sub_fmt f);
/* The format a file name's extension suggests, or SUB_NONE. */
enum sub_fmt sub_fmt_from_path(const char *path);

/*
 * Decodes raw bytes to UTF-8 text with '\n' line ends: BOM (UTF-8/16/32),
 * UTF-16 without BOM when evident, valid UTF-8, else enc_fallback as
 * single-byte text (CP1252), or with fmt SUB_VTT invalid bytes replaced by
 * U+FFFD as the WebVTT spec says.  encoding, when not NULL, is an iconv(3)
 * name that overrides detection.  NUL bytes become U+FFFD.  Returns 0 with
 * *out (malloc'd, NUL-terminated) and *outlen, or a status with e filled.
 * *used, when not NULL, is set to the name of the encoding found.
 */
int	 sub_decode(const char *buf, size_t len, const char *encoding,
	    enum sub_fmt fmt, const char *name, char **out, size_t *outlen,
	    const char **used, struct rerr *e);

/*
 * Guesses the format of decoded text from its content; hint (from a file
 * extension) breaks ties.  Returns SUB_NONE when it cannot tell.
 */
enum sub_fmt sub_detect(const char *text, size_t len, enum sub_fmt hint);

/*
 * Reads raw bytes of a subtitle file into doc (which must be zeroed).
 * Returns 0, or a status with e filled; with pol->skip_bad bad blocks are
 * reported through ndj_policy_bad and skipped.
 */
int	 sub_read(const char *buf, size_t len, const struct sub_ropts *o,
	    struct ndj_policy *pol, struct sub_doc *doc, struct rerr *e);

/* Format readers on decoded UTF-8 text (modified in place). */
int	 sub_read_srt(char *text, size_t len, const char *name,
	    struct ndj_policy *pol, struct sub_doc *doc, struct rerr *e);
int	 sub_read_vtt(char *text, size_t len, const char *name,
	    struct ndj_policy *pol, struct sub_doc *doc, struct rerr *e);
int	 sub_read_ass(char *text, size_t len, const char *name,
	    struct ndj_policy *pol, struct sub_doc *doc, struct rerr *e);
int	 sub_read_ndjson(char *text, size_t len, const char *name,
	    struct ndj_policy *pol, struct sub_doc *doc, struct rerr *e);

/*
 * Writes doc in format f to fp.  Items the format cannot hold are left
 * out (a WebVTT NOTE in SRT); cue text is converted to f's markup.
 * Returns 0, or -1 when fp is in error.
 */
int	 sub_write(FILE *fp, const struct sub_doc *doc, enum sub_fmt f);
int	 sub_write_srt(FILE *fp, const struct sub_doc *doc);
int	 sub_write_vtt(FILE *fp, const struct sub_doc *doc);
int	 sub_write_ass(FILE *fp, const struct sub_doc *doc, enum sub_fmt f);
int	 sub_write_ndjson(FILE *fp, const struct sub_doc *doc);

/* A growable string, for writers. */
struct sub_buf {
	char	*p;
	size_t	 len, cap;
};
void	 sub_buf_add(struct sub_buf *b, const char *s, size_t n);
void	 sub_buf_puts(struct sub_buf *b, const char *s);
void	 sub_buf_putc(struct sub_buf *b, int c);
void	 sub_buf_free(struct sub_buf *b);

/*
 * Converts cue text from markup from to the markup of format to (SRT and
 * WebVTT tags, ASS override blocks) and appends it to b.  Text already in
 * the target's markup is appended unchanged.
 */
void	 sub_markup(struct sub_buf *b, const char *text, enum sub_fmt from,
	    enum sub_fmt to);

/* Timestamps.  sub_fmt_time writes ms as "HH:MM:SS<sep>mmm" (hours at
 * least two digits) into buf (>= 32 bytes); sub_fmt_asstime as
 * "H:MM:SS.cc", rounding to the nearest centisecond. */
void	 sub_fmt_time(char *buf, int64_t ms, char sep);
void	 sub_fmt_asstime(char *buf, int64_t ms);
/*
 * Parses a WebVTT timestamp at *s as vtt.js does: "[h+:]mm:ss.ttt", a
 * two-part form whose first field is over 59 being hours and minutes.
 * Returns 0 and advances *s, or -1.
 */
int	 sub_parse_vtt_time(const char **s, int64_t *ms);

/*
 * Validates WebVTT cue settings: keeps the valid ones (a region only if
 * regions names it) and writes them, space-separated, to b.  *region is
 * set to a malloc'd copy of the region id, or NULL.
 */
void	 sub_vtt_settings(struct sub_buf *b, const char *s,
	    const struct sub_doc *regions, char **region);

/*
 * Cuts the next line off *p (up to end) by replacing its '\n' with NUL,
 * and counts it in *lineno.  Returns the line, or NULL at the end.
 */
static inline char *
sub_nextline(char **p, char *end, long *lineno)
{
	char *s = *p, *nl;

	if (s >= end)
		return NULL;
	nl = memchr(s, '\n', (size_t)(end - s));
	if (nl == NULL)
		nl = end;
	*nl = '\0';
	*p = nl + 1;
	(*lineno)++;
	return s;
}

/* Is s empty or only spaces and tabs? */
static inline int
sub_blank(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return *s == '\0';
}

/* strdup that aborts on exhaustion (callers cannot recover anyway). */
char	*sub_strdup(const char *s);
char	*sub_strndup(const char *s, size_t n);

/* Appends a new zeroed item of type t at line; NULL when out of memory. */
struct sub_item *sub_doc_add(struct sub_doc *doc, enum sub_type t,
	    long line);
void	 sub_doc_free(struct sub_doc *doc);

#endif /* REEL_SUB_H */
