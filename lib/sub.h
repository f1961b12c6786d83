/*
 * sub: the cue model and the subtitle readers and writers: SRT, WebVTT,
 * ASS/SSA, TTML/DFXP (IMSC1 Text), YouTube SBV, MicroDVD, SAMI and cue
 * NDJSON.
 *
 * A subtitle file is read whole into a struct sub_doc: a list of items in
 * file order.  Most items are cues; the others are the blocks a format has
 * besides cues (a WebVTT header, STYLE, REGION and NOTE blocks, the ASS
 * [Script Info] and styles, Comment lines and trailing sections such as
 * [Fonts], the TTML and SAMI heads), kept verbatim so a round trip
 * through NDJSON loses nothing.  Times are integer milliseconds, so every
 * conversion is exact; NDJSON carries them as seconds with three
 * decimals.
 *
 * Cue text keeps the markup of the format it came from, with "\n" for line
 * breaks (ASS "\N" and TTML <br/> become "\n").  doc->markup says which
 * markup that is (SRT, WebVTT, ASS or TTML; SBV, MicroDVD and SAMI text is
 * read into SRT markup); a writer for another format converts it
 * (sub_markup).
 *
 * Errors: readers return 0, or a status (EX_DATAERR for bad data) with a
 * struct rerr naming the file and line.  A block that cannot be read is
 * passed to the struct ndj_policy: by default the first one stops the
 * read; with skip_bad it is reported, counted and skipped.  Out of memory
 * is EX_SOFTWARE.  What is worth a warning but not an error (a byte that
 * is invalid in the file's encoding) goes to the caller's warn function.
 * Nothing here exits, aborts or prints.
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
	SUB_NDJSON,
	SUB_TTML,
	SUB_SBV,
	SUB_MICRODVD,
	SUB_SAMI
};

enum sub_type {
	SUB_CUE = 0,	/* a timed cue (ASS Dialogue) */
	SUB_HEADER,	/* WebVTT header, ASS [Script Info] + styles,
			   TTML <tt> with its <head>, SAMI <HEAD> */
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
	char		*settings;	/* WebVTT cue settings, SRT coordinates,
					   TTML <p> attributes, MicroDVD
					   codes for the whole cue */
	char		*region;	/* WebVTT or TTML region id of a cue */
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
	enum sub_fmt	 markup;	/* markup of cue text: SRT, VTT, ASS
					   or TTML */
	struct sub_item	*v;
	size_t		 n, cap;
	int		 keep_rec;	/* NDJSON input: keep each record */
	double		 fps;		/* MicroDVD frame rate, 0: unknown */
	int		 oom;		/* a string could not be allocated */
};

/* Reading options. */
struct sub_ropts {
	const char	*name;		/* display name for diagnostics */
	const char	*encoding;	/* iconv name, NULL: detect */
	enum sub_fmt	 fmt;		/* SUB_NONE: detect */
	enum sub_fmt	 hint;		/* from the file name, or SUB_NONE */
	int		 passthrough;	/* NDJSON input: keep the records for
					   NDJSON output (unknown fields) */
	double		 fps;		/* MicroDVD frames per second when the
					   file does not say; 0: 23.976 */
	/* Warnings (w->code is EX_DATAERR, w->file and w->line say where);
	 * NULL: none. */
	void		(*warn)(void *arg, const struct rerr *w);
	void		*warn_arg;
};

/* A warn function for a tool's sub_ropts: prints w as cli_report does. */
void	 sub_warn_stderr(void *arg, const struct rerr *w);

/* Format names: "srt", "vtt", "ass", "ssa", "ttml", "sbv", "microdvd",
 * "sami", "ndjson" (and on input "json", "jsonl", "webvtt", "dfxp",
 * "sub", "smi").  Returns SUB_NONE when unknown. */
enum sub_fmt sub_fmt_parse(const char *name);
const char *sub_fmt_name(enum sub_fmt f);
/* The format a file name's extension suggests, or SUB_NONE. */
enum sub_fmt sub_fmt_from_path(const char *path);

/*
 * Decodes raw bytes to UTF-8 text with '\n' line ends, the encoding
 * detected over the whole of buf (sub_enc.c says how) unless o->encoding
 * names one; with fmt SUB_VTT the text is UTF-8 whatever it holds, as the
 * WebVTT spec says.  Invalid bytes and NULs become U+FFFD, each line with
 * an invalid byte a warning through o->warn.  Returns 0 with *out
 * (malloc'd, NUL-terminated) and *outlen, or a status with e filled
 * (EX_USAGE for an encoding iconv does not know).  used, when not NULL,
 * receives the name of the encoding (SUB_ENC_NAME_MAX bytes).
 */
#define SUB_ENC_NAME_MAX	64
int	 sub_decode(const char *buf, size_t len, const struct sub_ropts *o,
	    enum sub_fmt fmt, char **out, size_t *outlen, char *used,
	    struct rerr *e);

/*
 * Guesses the format of decoded text from its content; hint (from a file
 * extension) breaks ties.  Returns SUB_NONE when it cannot tell.
 */
enum sub_fmt sub_detect(const char *text, size_t len, enum sub_fmt hint);

/*
 * Reads raw bytes of a subtitle file into doc (which must be zeroed).
 * Returns 0, or a status with e filled, which the caller reports: the
 * first bad block ends the read (doc keeps what came before).  With
 * pol->skip_bad each bad block is reported through ndj_policy_bad and
 * skipped instead, and every cue counted with ndj_policy_ok, so the
 * caller ends with ndj_policy_end.  pol may be NULL (stop, count nothing).
 * An input with nothing in it (no bytes, or only white space and a BOM)
 * is an error in every format: EX_DATAERR, "empty input".
 */
int	 sub_read(const char *buf, size_t len, const struct sub_ropts *o,
	    struct ndj_policy *pol, struct sub_doc *doc, struct rerr *e);

/*
 * Reads the subtitle file path ("-" or NULL: stdin) whole and then as
 * sub_read does; o->name and o->hint, when unset, come from path.
 * Errors as sub_read, and cli_slurp's for the file itself.
 */
int	 sub_load(const char *path, const struct sub_ropts *o,
	    struct ndj_policy *pol, struct sub_doc *doc, struct rerr *e);

/*
 * Writes an output file atomically: path "-" or NULL is stdout, anything
 * else a temporary beside path renamed over it when fn(fp, arg) returned
 * 0 and every byte reached the disk, and removed otherwise, so the old
 * file stays.  Returns 0, or a status with e filled: EX_CANTCREAT when the
 * temporary cannot be made, EX_IOERR (naming path and the reason) when
 * writing fails.  A write error on stdout is left to cli_finish.
 */
int	 sub_save_with(const char *path, int (*fn)(FILE *fp, void *arg),
	    void *arg, struct rerr *e);
/* sub_save_with of sub_write(fp, doc, f). */
int	 sub_save(const char *path, const struct sub_doc *doc, enum sub_fmt f,
	    struct rerr *e);

/* Format readers on decoded UTF-8 text (modified in place). */
int	 sub_read_srt(char *text, size_t len, const char *name,
	    struct ndj_policy *pol, struct sub_doc *doc, struct rerr *e);
int	 sub_read_vtt(char *text, size_t len, const char *name,
	    struct ndj_policy *pol, struct sub_doc *doc, struct rerr *e);
int	 sub_read_ass(char *text, size_t len, const char *name,
	    struct ndj_policy *pol, struct sub_doc *doc, struct rerr *e);
int	 sub_read_ndjson(char *text, size_t len, const char *name,
	    struct ndj_policy *pol, struct sub_doc *doc, struct rerr *e);
int	 sub_read_sbv(char *text, size_t len, const char *name,
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
int	 sub_write_sbv(FILE *fp, const struct sub_doc *doc);

/*
 * A growable string.  Out of memory is sticky: the failing append and
 * every later one do nothing and set oom, which the owner checks once at
 * the end (a writer then fails with ENOMEM, a reader with EX_SOFTWARE).
 */
struct sub_buf {
	char	*p;
	size_t	 len, cap;
	int	 oom;
};
void	 sub_buf_add(struct sub_buf *b, const char *s, size_t n);
void	 sub_buf_puts(struct sub_buf *b, const char *s);
void	 sub_buf_putc(struct sub_buf *b, int c);
void	 sub_buf_free(struct sub_buf *b);
/* Writes b to fp and empties it.  Returns 0, or -1 (errno set) when b is
 * out of memory or the write fails. */
int	 sub_buf_flush(struct sub_buf *b, FILE *fp);

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
 * The ids of the WebVTT regions defined so far: a hash set, so that
 * checking a cue's region setting costs the same however many there are.
 */
struct sub_regset {
	char	**v;
	size_t	  n, cap;
};
/* Adds id (copied).  Returns 0, or -1 when out of memory. */
int	 sub_regset_add(struct sub_regset *set, const char *id);
int	 sub_regset_has(const struct sub_regset *set, const char *id,
	    size_t n);
void	 sub_regset_free(struct sub_regset *set);

/*
 * Validates WebVTT cue settings: keeps the valid ones (a region only if
 * regions, which may be NULL, has it) and writes them, space-separated,
 * to b.  *region is set to a malloc'd copy of the region id, or NULL.
 */
void	 sub_vtt_settings(struct sub_buf *b, const char *s,
	    const struct sub_regset *regions, char **region);

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

/* Copies of s (n bytes) owned by doc; NULL, and doc->oom set, when out
 * of memory. */
char	*sub_doc_dup(struct sub_doc *doc, const char *s);
char	*sub_doc_ndup(struct sub_doc *doc, const char *s, size_t n);

/* Appends a new zeroed item of type t at line; NULL when out of memory. */
struct sub_item *sub_doc_add(struct sub_doc *doc, enum sub_type t,
	    long line);
void	 sub_doc_free(struct sub_doc *doc);
/* Frees what one item owns and zeroes it. */
void	 sub_item_free(struct sub_item *it);

#endif /* REEL_SUB_H */
