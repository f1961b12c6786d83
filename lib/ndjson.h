/*
 * ndjson: records in and out, one JSON object per line.
 *
 * Reading: an ndj_reader streams a file (or stdin) line by line and knows
 * the file name and line number of every record, so each diagnostic can
 * say "tool: file:line: what".  Empty lines (and lines of only spaces and
 * a trailing CR) are skipped.  Lines may be of any length.
 *
 * Writing: ndj_write prints a record compactly on one line, keys in
 * insertion order, strings as UTF-8, and numbers in their shortest form
 * that reads back to the same double, with '.' as the decimal point in
 * every locale.  ndj_real rounds a value to a fixed number of decimals,
 * which is how a field gets its precision: one helper for the whole suite.
 *
 * Bad input: struct ndj_policy carries --skip-bad and --max-bad-rate.
 *
 * Ownership: ndj_next returns a new reference the caller decrefs.
 * ndj_write borrows its record.  Lines from ndj_getline are owned by the
 * reader and valid until the next read.
 */
#ifndef REEL_NDJSON_H
#define REEL_NDJSON_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "cli.h"

struct ndj_reader;

/*
 * Opens path for reading ("-" or NULL is stdin).  Returns NULL and fills e
 * (EX_NOINPUT, with the reason) when it cannot be opened.
 */
struct ndj_reader *ndj_open(const char *path, struct rerr *e);
/*
 * Reads from an open stream with getline(3); name is used in diagnostics.
 * Borrows fp.  (Such a reader never calls an idle function.)
 */
struct ndj_reader *ndj_openf(FILE *fp, const char *name);
void	 ndj_close(struct ndj_reader *r);

/*
 * The most bytes one line may hold: a longer line is a bad record (65),
 * so that no line can make a tool allocate without bound.  Tools that
 * need longer lines raise it with ndj_set_max_line (0: the default).
 */
#define NDJ_LINE_MAX	((size_t)64 << 20)
void	 ndj_set_max_line(struct ndj_reader *r, size_t max);

/*
 * idle(arg, e) is called when the next read of a pipe, socket or terminal
 * would block (never for a regular file), before it blocks.  It returns 0,
 * or -1 with e filled, which ndj_getline then returns.
 */
void	 ndj_set_idle(struct ndj_reader *r, int (*idle)(void *, struct rerr *),
	    void *arg);

/* The display name ("<stdin>" for stdin) and the current line number. */
const char *ndj_name(const struct ndj_reader *r);
long	 ndj_line(const struct ndj_reader *r);

/*
 * Reads the next non-empty line.  Returns 1 and sets *line and *len (the
 * line without its '\n' or "\r\n", NUL-terminated, owned by the reader),
 * 0 at end of input, or -1 with e filled: EX_IOERR on a read error,
 * EX_DATAERR for a line longer than the reader's limit (its bytes are
 * skipped, so the next call goes on with the next line).  A UTF-8 byte
 * order mark at the start of the input is not part of the first line.
 */
int	 ndj_getline(struct ndj_reader *r, const char **line, size_t *len,
	    struct rerr *e);

/*
 * Parses one line as a JSON object.  Returns a new reference, or NULL with
 * e filled (EX_DATAERR, naming the reader's file, line and column).
 */
json_t	*ndj_parse(struct ndj_reader *r, const char *line, size_t len,
	    struct rerr *e);

/*
 * Reads the next record.  Returns 1 with *rec set (a new reference), 0 at
 * end of input, or -1 with e filled: EX_DATAERR for a line that is not a
 * JSON object (the reader stays usable, so a caller with --skip-bad may go
 * on), EX_IOERR for a read error.
 */
int	 ndj_next(struct ndj_reader *r, json_t **rec, struct rerr *e);

/*
 * Writes rec and a newline to fp.  Returns 0, or -1 when fp is in error
 * (errno set); callers usually rely on cli_finish to report that.
 */
int	 ndj_write(FILE *fp, const json_t *rec);
/* Appends rec, compact, without newline, to buf.  Returns 0 or -1. */
struct ndj_buf {
	char	*p;
	size_t	 len, cap;
};
int	 ndj_dump(struct ndj_buf *b, const json_t *rec);
void	 ndj_buf_free(struct ndj_buf *b);

/*
 * Returns a new real holding v rounded to decimals places (at most 9), so
 * it prints with no more digits than that.  NaN and infinities, which JSON
 * cannot hold, become null.
 */
json_t	*ndj_real(double v, int decimals);
/*
 * Prints the finite v into out (size >= 32) as ndj_dump prints a real:
 * the shortest of %.15g to %.17g that reads back to v, '.' as the
 * decimal point, ".0" after a whole number.  Returns the length.
 */
int	 ndj_fmt_real(char *out, size_t size, double v);

/* Sets key of obj to ndj_real(v, decimals).  Returns 0 or -1. */
int	 ndj_set_real(json_t *obj, const char *key, double v, int decimals);

/*
 * Typed field access with messages fit for rerr: each returns 0 on
 * success, or fills e (EX_DATAERR at the reader's file:line) and returns
 * -1 when the field is missing (unless optional, which leaves *out alone
 * and returns 1) or of the wrong type.
 */
int	 ndj_get_num(struct ndj_reader *r, const json_t *rec, const char *key,
	    int optional, double *out, struct rerr *e);
int	 ndj_get_int(struct ndj_reader *r, const json_t *rec, const char *key,
	    int optional, long long *out, struct rerr *e);
int	 ndj_get_str(struct ndj_reader *r, const json_t *rec, const char *key,
	    int optional, const char **out, struct rerr *e);

/*
 * The bad-input policy.  By default the first bad record stops the run
 * (exit 65).  With skip_bad each bad record is reported and skipped, and
 * at the end the run still fails when more than max_bad_rate of the
 * records were bad.
 */
struct ndj_policy {
	int	 skip_bad;
	double	 max_bad_rate;	/* fraction in [0, 1] */
	long	 nrec;		/* records seen, good and bad */
	long	 nbad;
};
#define NDJ_POLICY_DEFAULT	{ 0, 0.0, 0, 0 }

/*
 * The long options every record-reading tool takes: NDJ_CLI_OPTS in its
 * struct cli_opt table (where they sort), handled by ndj_policy_opt.
 */
#define NDJ_OPT_SKIP_BAD	(CLI_LONG + 0xf01)
#define NDJ_OPT_MAX_BAD_RATE	(CLI_LONG + 0xf02)
#define NDJ_CLI_OPT_MAX_BAD_RATE \
	{ NDJ_OPT_MAX_BAD_RATE, "max-bad-rate", "rate", \
	    "with --skip-bad, fail above this fraction of bad records (0)", 0 }
#define NDJ_CLI_OPT_SKIP_BAD \
	{ NDJ_OPT_SKIP_BAD, "skip-bad", NULL, \
	    "report bad records, skip them and go on", 0 }

/*
 * Handles NDJ_OPT_* in an option loop.  Returns 1 when ch was one of
 * them, 0 when it was not, -1 with e filled (EX_USAGE) for a bad value.
 */
int	 ndj_policy_parse(struct ndj_policy *p, int ch, const char *arg,
	    struct rerr *e);

/*
 * The getopt_long form, for tools not yet on cli_getopt (it goes when the
 * last one moves): ndj_policy_parse that exits 64 on a bad value.
 */
#define NDJ_LONGOPTS \
	{ "skip-bad",		no_argument,		NULL, NDJ_OPT_SKIP_BAD }, \
	{ "max-bad-rate",	required_argument,	NULL, NDJ_OPT_MAX_BAD_RATE }
int	 ndj_policy_opt(struct ndj_policy *p, int ch, const char *arg);

/* Counts one good record. */
#define ndj_policy_ok(p)	((p)->nrec++)

/*
 * Counts and reports one bad record (e, already filled).  Returns 0 when
 * the caller should skip it and go on, or e->code when it should stop.
 */
int	 ndj_policy_bad(struct ndj_policy *p, const struct rerr *e);

/*
 * At the end of input: with skip_bad and bad records, prints how many were
 * skipped.  Returns EX_DATAERR when the bad fraction exceeds max_bad_rate,
 * else 0.
 */
int	 ndj_policy_end(struct ndj_policy *p);

/*
 * The fast path for the common flat record: one JSON object whose values
 * are strings, numbers, true, false or null.  ndj_flat_parse returns 1 and
 * fills f when line is such an object in the conservative subset it
 * handles (strings of printable ASCII without escapes, at most
 * NDJ_FLAT_MAX keys, numbers jansson would hold exactly as it does), and
 * 0 for every other line: the caller then hands the line to ndj_parse,
 * which accepts or rejects it.  So both paths accept and reject the same
 * lines, and give the same values where both accept
 * (tests/fuzz/fuzz_ndjson_fast.c checks this).
 *
 * Ownership: keys and strings point into line (not NUL-terminated); they
 * are valid as long as line is.
 */
#define NDJ_FLAT_MAX	32
enum ndj_ftype { NDJ_FNULL, NDJ_FFALSE, NDJ_FTRUE, NDJ_FINT, NDJ_FREAL,
	NDJ_FSTR };
struct ndj_field {
	const char	*key, *str;
	size_t		 klen, slen;
	enum ndj_ftype	 type;
	long long	 i;		/* NDJ_FINT */
	double		 num;		/* NDJ_FINT and NDJ_FREAL */
};
struct ndj_flat {
	int		 n;
	struct ndj_field f[NDJ_FLAT_MAX];
};
int	 ndj_flat_parse(const char *line, size_t len, struct ndj_flat *f);
/* The field named key, or NULL. */
const struct ndj_field *ndj_flat_get(const struct ndj_flat *f,
	    const char *key);

/*
 * Writing a record piece by piece into a buffer, without a jansson tree,
 * for tools that emit many small records of a fixed shape: the bytes are
 * those ndj_dump prints for the same values (a string as a JSON string,
 * ndj_buf_real as ndj_dump prints ndj_real(v, decimals)).  Each returns 0,
 * or -1 when out of memory.
 */
int	 ndj_buf_add(struct ndj_buf *b, const char *s, size_t n);
int	 ndj_buf_string(struct ndj_buf *b, const char *s, size_t n);
int	 ndj_buf_real(struct ndj_buf *b, double v, int decimals);
int	 ndj_buf_int(struct ndj_buf *b, long long v);

/*
 * The record loop of every tool.  ndj_each opens path ("-": stdin), reads
 * each line, and hands it to the tool: parsed, to rec (the record is
 * borrowed; incref it to keep it), or raw, to line (for tools with a fast
 * path; line wins when both are set).  Either returns 0 for a good record,
 * or -1 with e filled: EX_DATAERR makes the record bad under pol (counted
 * and reported as FILE:LINE; the run stops unless --skip-bad), any other
 * code stops the run.  idle is called when the input would block and
 * when it ends: it writes out what the records read so far have made (a
 * batch, a table) and flushes; NULL flushes stdout.  So every filter
 * answers as it reads, as a coprocess or behind a pipe that stays open,
 * at no cost on batch input (a regular file never blocks).
 *
 * ndj_each reports every error itself (but a write error on stdout, which
 * cli_finish reports) and returns the exit status: 0,
 * the status of a bad record that stopped the run, EX_NOINPUT, EX_IOERR,
 * or whatever code a function returned.  ndj_each_input runs it over each
 * of the argc paths (or stdin when there are none), going on past an
 * input that cannot be opened, and then applies pol's end-of-run rule.
 */
struct ndj_loop {
	int	(*rec)(void *arg, struct ndj_reader *r, json_t *rec,
		    struct rerr *e);
	int	(*line)(void *arg, struct ndj_reader *r, const char *line,
		    size_t len, struct rerr *e);
	int	(*idle)(void *arg, struct rerr *e);
	struct ndj_policy *pol;
	void	*arg;
	size_t	 max_line;	/* 0: NDJ_LINE_MAX */
	/* Bytes of the input the caller has read already (to tell its
	 * format from a pipe that cannot be read twice): they are read
	 * first, then the rest of the stream.  NULL: none. */
	const char *prefix;
	size_t	 nprefix;
};
int	 ndj_each(const char *path, const struct ndj_loop *l);
int	 ndj_each_input(int argc, char *argv[], const struct ndj_loop *l);

#endif /* REEL_NDJSON_H */
