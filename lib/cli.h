/*
 * cli: what every tool's main needs around its loop.
 *
 * The program name, diagnostics in the form "tool: file:line: message",
 * the exit statuses of reel(7), range-checked option values, --version,
 * the checked close of stdout, and a progress meter that only appears when
 * stderr is a terminal.
 *
 * Ownership: nothing here allocates on behalf of the caller.  The program
 * name is the only global state of libreel (set once by cli_init).
 *
 * cli is the one module of libreel that may end the process, and only in
 * the functions whose comment says "exits": they are for a tool's main,
 * during option parsing and at the very end, where choosing the exit status
 * is main's business anyway.  Everything else in lib/ returns a status and
 * fills a struct rerr, and main decides.
 */
#ifndef REEL_CLI_H
#define REEL_CLI_H

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <sysexits.h>

#ifndef REEL_VERSION
#define REEL_VERSION "0.1.0"
#endif

/*
 * Exit statuses (sysexits(3)), as reel(7) documents them:
 *	0	EX_OK		success
 *	64	EX_USAGE	bad option or argument
 *	65	EX_DATAERR	bad input data
 *	66	EX_NOINPUT	cannot open an input
 *	69	EX_UNAVAILABLE	a needed codec or stream is missing
 *	70	EX_SOFTWARE	internal error
 *	73	EX_CANTCREAT	cannot create an output
 *	74	EX_IOERR	read or write error
 */

/*
 * An error as lib/ reports it: the exit status it maps to, where it
 * happened (file may be NULL, line 0 when not line-based) and the message,
 * lower case without a full stop.
 */
struct rerr {
	int	 code;		/* EX_* status, 0 when no error */
	char	 file[256];	/* input name as the user gave it, or "" */
	long	 line;		/* 1-based line, 0 if none */
	char	 msg[512];
};

/*
 * Fills e (when not NULL) and returns code, so a library function can say
 * "return rerr_set(e, EX_DATAERR, name, line, "...", ...)".  file may be
 * NULL.
 */
int	 rerr_set(struct rerr *e, int code, const char *file, long line,
	    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/*
 * Sets the program name, restores SIGPIPE to its default (so "| head" ends
 * a tool silently), and sets LC_CTYPE from the environment.  LC_NUMERIC is
 * never touched: numbers read and print the same in every locale.
 */
void	 cli_init(const char *progname);
const char *cli_progname(void);

/* "tool: message" on stderr. */
void	 cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "tool: file:line: message" on stderr; line 0 prints "file: message". */
void	 cli_warnat(const char *file, long line, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* Prints e as cli_warnat does.  Returns e->code. */
int	 cli_report(const struct rerr *e);

/* Prints "tool: message" and exits with status.  Exits. */
void	 cli_die(int status, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3), noreturn));

/* Prints "tool (reel) VERSION" on stdout and exits 0.  Exits. */
void	 cli_version(void) __attribute__((noreturn));

/*
 * Parses a number option in the manner of strtonum(3): the whole string
 * must be a finite number within [lo, hi].  On error prints
 * "tool: OPT: value is too large: S" (or too small, or invalid) and exits
 * with EX_USAGE.  Exits on error.
 */
double	 cli_num(const char *s, double lo, double hi, const char *opt);
long long cli_int(const char *s, long long lo, long long hi, const char *opt);

/*
 * Options.  A tool describes its options once, in a table of struct
 * cli_opt in the order --help lists them (letters in alphabetical order,
 * then the long-only ones), ended by CLI_OPT_END.  cli_getopt builds
 * getopt_long's tables from it, so the letters, the long names and the
 * help can never disagree, and every tool's --help has one layout:
 *
 *	usage: TOOL SYNOPSIS...		(wrapped at 80 columns, never inside
 *					 a bracket; the man page's SYNOPSIS)
 *
 *	  -a, --audio          help text
 *	      --hop S          help text of a long-only option
 *
 * An entry is an option (id is its letter, or CLI_LONG + n for one that
 * is long only; arg names its argument, NULL when it takes none), or an
 * old spelling kept for one release: help is NULL and old_of names the
 * id it stands for.  Using an old spelling warns once ("tool: -s is an
 * old spelling of --start") and then acts as the option it stands for.
 *
 * man/reel.7 (OPTION LETTERS) says what each letter means across the
 * suite; a test keeps every tool to it.
 */
#define CLI_LONG	0x100
struct cli_opt {
	int		 id;		/* letter, or CLI_LONG + n */
	const char	*name;		/* long name without "--", or NULL */
	const char	*arg;		/* argument name for --help, or NULL */
	const char	*help;		/* one line (or "\n"-separated lines);
					   NULL for an old spelling */
	int		 old_of;	/* an old spelling: the id it stands for */
};
#define CLI_OPT_END		{ 0, NULL, NULL, NULL, 0 }
/* -h and -V: every tool lists them (where they sort) and cli_getopt
   handles them. */
#define CLI_OPT_HELP		{ 'h', "help", NULL, "print this help and exit", 0 }
#define CLI_OPT_VERSION		{ 'V', "version", NULL, "print the version and exit", 0 }

/*
 * The parser of one command line.  Fill opts and usage with designated
 * initializers,
 *
 *	struct cli_getopt g = { .opts = opts, .usage = "[-ahV] [file ...]" };
 *
 * usage being the synopsis as the man page gives it, without "usage: ",
 * the tool's name or line breaks (cli_help wraps it), its forms separated
 * by "\n" ("[-h] [file ...]\nplan [-a alpha]" prints "usage: abtest [-h]
 * [file ...]" and "       abtest plan [-a alpha]").  trailer, when not
 * NULL, is printed after the options by --help.  The rest is
 * cli_getopt's.
 */
#define CLI_OPT_MAX	96
struct cli_getopt {
	const struct cli_opt *opts;
	const char	*usage;
	const char	*trailer;
	/* private */
	int		 built;
	char		 optstring[2 * CLI_OPT_MAX + 2];
	struct option	 longopts[CLI_OPT_MAX + 1];
	unsigned char	 warned[CLI_OPT_MAX];
};

/*
 * Returns the id of the next option (for an old spelling, the id it
 * stands for), with its argument in optarg, or -1 when the options end
 * (optind is then the index of the first operand, as with getopt).
 * -h/--help prints the help on stdout and exits 0; -V/--version prints
 * the version and exits 0; an unknown option or a missing argument prints
 * "tool: unknown option -x" (or "... needs an argument") and the usage on
 * stderr and exits 64.  Exits as said.
 */
int	 cli_getopt(struct cli_getopt *g, int argc, char *argv[]);

/* Prints the usage (and with help, the options) to fp.  */
void	 cli_help(struct cli_getopt *g, FILE *fp, int help);
/*
 * A usage error found after parsing (a missing operand, options that
 * cannot go together): prints "tool: message" and the usage on stderr
 * and exits 64.  Exits.
 */
void	 cli_usage_error(struct cli_getopt *g, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3), noreturn));

/*
 * As cli_num and cli_int, without exiting: returns 0 and sets *out, or
 * fills e (EX_USAGE, "OPT: value is too large: S") and returns -1.  For
 * lib/ code that parses option values on a tool's behalf.
 */
int	 cli_parse_num(const char *s, double lo, double hi, const char *opt,
	    double *out, struct rerr *e);
int	 cli_parse_int(const char *s, long long lo, long long hi,
	    const char *opt, long long *out, struct rerr *e);

/*
 * Calls fn(path, arg) for each of the argc paths, or once with "-" when
 * argc is 0.  A failing input does not stop the others.  Returns the first
 * non-zero status fn returned, or 0.
 */
int	 cli_each_input(int argc, char *argv[],
	    int (*fn)(const char *path, void *arg), void *arg);

/*
 * Flushes and closes stdout, checking for errors: a write error other than
 * a closed pipe becomes "tool: stdout: reason" and EX_IOERR.  Returns the
 * status main should return: rv, or EX_IOERR when stdout failed and rv
 * was 0.
 */
int	 cli_finish(int rv);

/*
 * Progress meter on stderr, drawn only when stderr is a terminal, at most
 * ten times a second.  done and total are in units of the caller's
 * choosing (total 0 when unknown); what names them ("MB", "frames").
 */
struct cli_progress {
	int		 on;
	double		 last;
	const char	*what;
};
void	 cli_progress_init(struct cli_progress *p, const char *what);
void	 cli_progress(struct cli_progress *p, double done, double total);
void	 cli_progress_end(struct cli_progress *p);

/* The name of stdin in diagnostics. */
#define CLI_STDIN_NAME	"<stdin>"
/* Returns the display name of path: "<stdin>" for "-" or NULL. */
const char *cli_name(const char *path);

/*
 * Reads the whole of path ("-" or NULL: stdin) into a NUL-terminated
 * buffer the caller frees; *len excludes the NUL.  A regular file costs
 * one allocation of its size.  Errors: EX_NOINPUT (cannot open, or a
 * directory), EX_IOERR (read error), EX_SOFTWARE (out of memory).
 */
int	 cli_slurp(const char *path, char **buf, size_t *len, struct rerr *e);

#endif /* REEL_CLI_H */
