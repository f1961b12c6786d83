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
	enum sub_fmt	 src;		/* the format the cues first came from
					   (through NDJSON, its header's
					   "from"); SUB_NONE: not known */
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
 * Loads the subtitle file path ("-" or NULL: stdin) into doc: cue NDJSON
 * (detected, or -i ndjson) through ndj_each, record by record, under pol;
 * any other format read whole and parsed by sub_read.  o->name and
 * o->hint, when unset, come from path.  Reports every error itself (as
 * ndj_each does) and returns the exit status.
 */
int	 sub_load(const char *path, const struct sub_ropts *o,
	    struct ndj_policy *pol, struct sub_doc *doc);
/* sub_load of an input opened with sub_input_open (see below). */
struct sub_input;
int	 sub_load_input(struct sub_input *in, const struct sub_ropts *o,
	    struct ndj_policy *pol, struct sub_doc *doc);

/*
 * An input opened to be read in two steps: sub_input_open reads its
 * first bytes (64 KiB), enough to tell the format; then either
 * sub_input_read reads the rest (upto (size_t)-1) into buf, or, for cue
 * NDJSON (sub_input_ndjson says so, from the bytes or from o->fmt),
 * sub_input_each hands it to ndj_each (a file is opened again, a pipe
 * goes on after the bytes read).  Errors as cli_slurp's (EX_NOINPUT for
 * a missing file or a directory).
 */
struct sub_input {
	const char	*path;		/* as given, "-" for stdin */
	const char	*name;		/* for messages */
	int		 fd, is_stdin, eof;
	long long	 size;		/* a regular file's, else 0 */
	char		*buf;		/* what was read, NUL-terminated */
	size_t		 len, cap;
};
int	 sub_input_open(struct sub_input *in, const char *path,
	    struct rerr *e);
int	 sub_input_read(struct sub_input *in, size_t upto, struct rerr *e);
int	 sub_input_ndjson(const struct sub_input *in,
	    const struct sub_ropts *o);
int	 sub_input_each(struct sub_input *in, struct ndj_loop *l);
void	 sub_input_close(struct sub_input *in);

/*
 * The options every tool that reads subtitles takes, for its struct
 * cli_opt table: -e (encoding), -i (input format), --fps (MicroDVD frame
 * rate).  sub_ropts_parse handles them in the option loop: returns 1 when
 * ch was one, 0 when not, -1 with e filled (EX_USAGE) for a bad value.
 * sub_fmt_arg parses a format name for option opt the same way (0 or
 * -1).
 */
#define SUB_OPT_FPS	(CLI_LONG + 0xe01)
#define SUB_CLI_OPT_ENCODING \
	{ 'e', "encoding", "encoding", \
	    "input encoding, an iconv name (default: detected)", 0 }
#define SUB_CLI_OPT_INPUT_FORMAT \
	{ 'i', "input-format", "format", \
	    "input format (default: detected)", 0 }
#define SUB_CLI_OPT_FPS \
	{ SUB_OPT_FPS, "fps", "rate", \
	    "MicroDVD frames a second (default: the file's,\n" \
	    "else 23.976)", 0 }
int	 sub_ropts_parse(struct sub_ropts *o, int ch, const char *arg,
	    struct rerr *e);
int	 sub_fmt_arg(const char *s, const char *opt, enum sub_fmt *f,
	    struct rerr *e);

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
/*
 * One cue NDJSON record: sub_ndj_add appends the item rec makes to doc
 * (rec is borrowed, and kept, with a new reference, when doc->keep_rec);
 * sub_ndj_check only checks rec the same way and rounds the times of a
 * cue to milliseconds in place.  Each returns 0, or -1 with e filled
 * (EX_DATAERR at the reader's line for a bad record).  doc->fmt and
 * markup are the caller's to set (SUB_NDJSON, SUB_SRT until a header).
 */
int	 sub_ndj_add(struct sub_doc *doc, struct ndj_reader *r, json_t *rec,
	    struct rerr *e);
int	 sub_ndj_check(struct ndj_reader *r, json_t *rec, struct rerr *e);
int	 sub_read_sbv(char *text, size_t len, const char *name,
	    struct ndj_policy *pol, struct sub_doc *doc, struct rerr *e);
/* These take the reading options: o->name, o->fps, o->warn. */
int	 sub_read_mdvd(char *text, size_t len, const struct sub_ropts *o,
	    struct ndj_policy *pol, struct sub_doc *doc, struct rerr *e);
int	 sub_read_sami(char *text, size_t len, const struct sub_ropts *o,
	    struct ndj_policy *pol, struct sub_doc *doc, struct rerr *e);
int	 sub_read_ttml(char *text, size_t len, const struct sub_ropts *o,
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
/* MicroDVD at doc->fps, else at fps, else at 23.976. */
int	 sub_write_mdvd(FILE *fp, const struct sub_doc *doc, double fps);
int	 sub_write_sami(FILE *fp, const struct sub_doc *doc);
int	 sub_write_ttml(FILE *fp, const struct sub_doc *doc);

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
/* Appends code point c as UTF-8. */
void	 sub_buf_putcp(struct sub_buf *b, unsigned long c);

/*
 * A character reference at s ('&'): &amp; &lt; &gt; &quot; &apos; &nbsp;
 * &lrm; &rlm; and numeric ones.  Returns its length and sets *c, or
 * returns 0 when it is none of these.
 */
size_t	 sub_entity(const char *s, unsigned long *c);
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
