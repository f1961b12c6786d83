/*
 * cli: program name, diagnostics, option values, the close of stdout and
 * the progress meter.  See cli.h for the contract.
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static const char *progname = "reel";

int
rerr_set(struct rerr *e, int code, const char *file, long line,
    const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return code;
	e->code = code;
	snprintf(e->file, sizeof(e->file), "%s", file ? file : "");
	e->line = line;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return code;
}

void
cli_init(const char *name)
{
	progname = name;
	signal(SIGPIPE, SIG_DFL);
	setlocale(LC_CTYPE, "");
}

const char *
cli_progname(void)
{
	return progname;
}

const char *
cli_name(const char *path)
{
	if (path == NULL || strcmp(path, "-") == 0)
		return CLI_STDIN_NAME;
	return path;
}

static void
vwarnat(const char *file, long line, const char *fmt, va_list ap)
{
	/* One write per message, so lines from threads do not interleave. */
	char buf[1024];
	int n = 0;

	n = snprintf(buf, sizeof(buf), "%s: ", progname);
	if (file != NULL && *file != '\0' && line > 0)
		n += snprintf(buf + n, sizeof(buf) - n, "%s:%ld: ", file, line);
	else if (file != NULL && *file != '\0')
		n += snprintf(buf + n, sizeof(buf) - n, "%s: ", file);
	if (n < (int)sizeof(buf))
		vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	fprintf(stderr, "%s\n", buf);
}

void
cli_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarnat(NULL, 0, fmt, ap);
	va_end(ap);
}

void
cli_warnat(const char *file, long line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarnat(file, line, fmt, ap);
	va_end(ap);
}

int
cli_report(const struct rerr *e)
{
	cli_warnat(e->file, e->line, "%s", e->msg);
	return e->code;
}

void
cli_die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarnat(NULL, 0, fmt, ap);
	va_end(ap);
	exit(status);
}

void
cli_version(void)
{
	printf("%s (reel) %s\n", progname, REEL_VERSION);
	exit(cli_finish(0));
}

double
cli_num(const char *s, double lo, double hi, const char *opt)
{
	struct rerr e;
	double v;

	if (cli_parse_num(s, lo, hi, opt, &v, &e) != 0)
		cli_die(EX_USAGE, "%s", e.msg);
	return v;
}

long long
cli_int(const char *s, long long lo, long long hi, const char *opt)
{
	struct rerr e;
	long long v;

	if (cli_parse_int(s, lo, hi, opt, &v, &e) != 0)
		cli_die(EX_USAGE, "%s", e.msg);
	return v;
}

int
cli_each_input(int argc, char *argv[],
    int (*fn)(const char *path, void *arg), void *arg)
{
	int i, rv = 0, r;

	if (argc == 0)
		return fn("-", arg);
	for (i = 0; i < argc; i++) {
		r = fn(argv[i], arg);
		if (r != 0 && rv == 0)
			rv = r;
	}
	return rv;
}

int
cli_finish(int rv)
{
	int bad = 0, err = 0;

	errno = 0;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		bad = 1;
		err = errno;
	}
	if (fclose(stdout) != 0 && !bad) {
		bad = 1;
		err = errno;
	}
	if (!bad)
		return rv;
	if (err == EPIPE)
		return rv;
	cli_warn("stdout: %s", err ? strerror(err) : "write error");
	return rv ? rv : EX_IOERR;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void
cli_progress_init(struct cli_progress *p, const char *what)
{
	p->on = isatty(STDERR_FILENO);
	p->last = 0;
	p->what = what;
}

void
cli_progress(struct cli_progress *p, double done, double total)
{
	double t;

	if (!p->on)
		return;
	t = now();
	if (t - p->last < 0.1)
		return;
	p->last = t;
	if (total > 0)
		fprintf(stderr, "\r%s: %.0f/%.0f %s (%.0f%%)\033[K", progname,
		    done, total, p->what, 100.0 * done / total);
	else
		fprintf(stderr, "\r%s: %.0f %s\033[K", progname, done, p->what);
}

void
cli_progress_end(struct cli_progress *p)
{
	if (p->on && p->last > 0)
		fprintf(stderr, "\r\033[K");
	p->last = 0;
}

int
cli_slurp(const char *path, char **buf, size_t *len, struct rerr *e)
{
	int is_stdin = path == NULL || strcmp(path, "-") == 0;
	FILE *fp = is_stdin ? stdin : fopen(path, "rb");
	size_t cap = 1 << 16, n = 0, r;
	struct stat st;
	char *p, *q;

	if (fp == NULL)
		return rerr_set(e, EX_NOINPUT, path, 0, "%s", strerror(errno));
	/* A regular file: one allocation of the right size. */
	if (fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size > 0 && (unsigned long long)st.st_size < SIZE_MAX / 2)
		cap = (size_t)st.st_size + 2;
	if ((p = malloc(cap)) == NULL)
		return rerr_set(e, EX_SOFTWARE, cli_name(path), 0,
		    "out of memory");
	for (;;) {
		if (n + 1 >= cap) {
			cap *= 2;
			if ((q = realloc(p, cap)) == NULL) {
				free(p);
				if (!is_stdin)
					fclose(fp);
				return rerr_set(e, EX_SOFTWARE, cli_name(path),
				    0, "out of memory");
			}
			p = q;
		}
		r = fread(p + n, 1, cap - n - 1, fp);
		n += r;
		if (r == 0)
			break;
	}
	if (ferror(fp)) {
		int err = errno;

		free(p);
		if (!is_stdin)
			fclose(fp);
		return rerr_set(e, err == EISDIR ? EX_NOINPUT : EX_IOERR,
		    cli_name(path), 0, "%s", strerror(err));
	}
	if (!is_stdin)
		fclose(fp);
	p[n] = '\0';
	*buf = p;
	*len = n;
	return 0;
}

/*
 * Options: getopt_long's tables built from a struct cli_opt table, one
 * help layout, and old spellings that warn.
 */

static const struct cli_opt *
opt_find(const struct cli_opt *opts, int id)
{
	const struct cli_opt *o;

	for (o = opts; o->id != 0; o++)
		if (o->id == id)
			return o;
	return NULL;
}

/* "-s" or "--start": how an option is spelt, for messages. */
static void
opt_spell(const struct cli_opt *o, char *buf, size_t n)
{
	if (o->id < CLI_LONG)
		snprintf(buf, n, "-%c", o->id);
	else
		snprintf(buf, n, "--%s", o->name ? o->name : "?");
}

static void
opt_build(struct cli_getopt *g)
{
	const struct cli_opt *o;
	size_t ns = 0, nl = 0;

	/* ':' first: getopt reports a missing argument as ':', quietly. */
	g->optstring[ns++] = ':';
	for (o = g->opts; o->id != 0 && nl < CLI_OPT_MAX; o++) {
		if (o->id < CLI_LONG && ns + 2 < sizeof(g->optstring)) {
			g->optstring[ns++] = (char)o->id;
			if (o->arg != NULL)
				g->optstring[ns++] = ':';
		}
		if (o->name != NULL) {
			g->longopts[nl].name = o->name;
			g->longopts[nl].has_arg = o->arg != NULL ?
			    required_argument : no_argument;
			g->longopts[nl].flag = NULL;
			g->longopts[nl].val = o->id;
			nl++;
		}
	}
	g->optstring[ns] = '\0';
	memset(&g->longopts[nl], 0, sizeof(g->longopts[nl]));
	g->built = 1;
}

/* Prints one usage form, wrapped at 80 columns outside brackets. */
static void
usage_form(FILE *fp, const char *lead, const char *form, size_t flen)
{
	size_t col, indent, i, j, depth;

	fprintf(fp, "%s%s", lead, progname);
	indent = col = strlen(lead) + strlen(progname);
	for (i = 0; i < flen; ) {
		while (i < flen && form[i] == ' ')
			i++;
		if (i >= flen)
			break;
		/* A word: up to a space outside brackets. */
		for (j = i, depth = 0; j < flen; j++) {
			if (form[j] == '[' || form[j] == '{')
				depth++;
			else if ((form[j] == ']' || form[j] == '}') && depth > 0)
				depth--;
			else if (form[j] == ' ' && depth == 0)
				break;
		}
		if (col + 1 + (j - i) > 79 && col > indent) {
			fprintf(fp, "\n%*s", (int)indent, "");
			col = indent;
		}
		fprintf(fp, " %.*s", (int)(j - i), form + i);
		col += 1 + (j - i);
		i = j;
	}
	fputc('\n', fp);
}

/* The left column of an option's help line, e.g. "  -j, --threads N". */
static int
opt_left(const struct cli_opt *o, char *buf, size_t n)
{
	int k;

	if (o->id < CLI_LONG && o->name != NULL)
		k = snprintf(buf, n, "  -%c, --%s", o->id, o->name);
	else if (o->id < CLI_LONG)
		k = snprintf(buf, n, "  -%c", o->id);
	else
		k = snprintf(buf, n, "      --%s", o->name);
	if (o->arg != NULL && k >= 0 && (size_t)k < n)
		k += snprintf(buf + k, n - k, " %s", o->arg);
	return k;
}

void
cli_help(struct cli_getopt *g, FILE *fp, int help)
{
	const struct cli_opt *o;
	const char *f, *nl, *h;
	char left[128];
	int width = 0, k;

	for (f = g->usage; ; f = nl + 1) {
		nl = strchr(f, '\n');
		usage_form(fp, f == g->usage ? "usage: " : "       ", f,
		    nl ? (size_t)(nl - f) : strlen(f));
		if (nl == NULL)
			break;
	}
	if (!help)
		return;
	for (o = g->opts; o->id != 0; o++)
		if (o->help != NULL && (k = opt_left(o, left,
		    sizeof(left))) > width && k <= 26)
			width = k;
	fputc('\n', fp);
	for (o = g->opts; o->id != 0; o++) {
		if (o->help == NULL)
			continue;
		k = opt_left(o, left, sizeof(left));
		fputs(left, fp);
		if (k > width)
			fprintf(fp, "\n%*s", width, "");
		else
			fprintf(fp, "%*s", width - k, "");
		for (h = o->help; ; h = nl + 1) {
			nl = strchr(h, '\n');
			fprintf(fp, "  %.*s\n", nl ? (int)(nl - h) :
			    (int)strlen(h), h);
			if (nl == NULL)
				break;
			fprintf(fp, "%*s", width, "");
		}
	}
	if (g->trailer != NULL)
		fprintf(fp, "\n%s", g->trailer);
}

void
cli_usage_error(struct cli_getopt *g, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarnat(NULL, 0, fmt, ap);
	va_end(ap);
	cli_help(g, stderr, 0);
	exit(EX_USAGE);
}

int
cli_getopt(struct cli_getopt *g, int argc, char *argv[])
{
	const struct cli_opt *o, *to;
	char old[64], now[64];
	int ch, idx;

	if (!g->built)
		opt_build(g);
	opterr = 0;
	ch = getopt_long(argc, argv, g->optstring, g->longopts, NULL);
	switch (ch) {
	case -1:
		return -1;
	case '?':
		if (optopt != 0 && optopt < CLI_LONG)
			cli_usage_error(g, "unknown option -%c", optopt);
		cli_usage_error(g, "unknown option %s", argv[optind - 1]);
	case ':':
		if ((o = opt_find(g->opts, optopt)) != NULL && o->name != NULL &&
		    strncmp(argv[optind - 1], "--", 2) == 0)
			cli_usage_error(g, "option --%s needs an argument",
			    o->name);
		cli_usage_error(g, "option -%c needs an argument", optopt);
	}
	if ((o = opt_find(g->opts, ch)) == NULL)
		return ch;
	if (o->help == NULL && o->old_of != 0 &&
	    (to = opt_find(g->opts, o->old_of)) != NULL) {
		idx = (int)(o - g->opts);
		if (idx < CLI_OPT_MAX && !g->warned[idx]) {
			g->warned[idx] = 1;
			/* How the user spelt it: a letter or its long name. */
			if (o->id < CLI_LONG && argv[optind - 1] != NULL &&
			    strncmp(argv[optind - 1], "--", 2) != 0)
				snprintf(old, sizeof(old), "-%c", o->id);
			else
				opt_spell(o, old, sizeof(old));
			opt_spell(to, now, sizeof(now));
			cli_warn("%s is an old spelling of %s, which replaces "
			    "it in the next release", old, now);
		}
		ch = to->id;
	}
	switch (ch) {
	case 'h':
		cli_help(g, stdout, 1);
		exit(cli_finish(0));
	case 'V':
		cli_version();
	}
	return ch;
}

int
cli_parse_num(const char *s, double lo, double hi, const char *opt,
    double *out, struct rerr *e)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || !isfinite(v) || errno == ERANGE)
		return rerr_set(e, EX_USAGE, NULL, 0, "%s: value is invalid: %s",
		    opt, s), -1;
	if (v < lo)
		return rerr_set(e, EX_USAGE, NULL, 0,
		    "%s: value is too small: %s", opt, s), -1;
	if (v > hi)
		return rerr_set(e, EX_USAGE, NULL, 0,
		    "%s: value is too large: %s", opt, s), -1;
	*out = v;
	return 0;
}

int
cli_parse_int(const char *s, long long lo, long long hi, const char *opt,
    long long *out, struct rerr *e)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || *end != '\0')
		return rerr_set(e, EX_USAGE, NULL, 0, "%s: value is invalid: %s",
		    opt, s), -1;
	if (v < lo || (errno == ERANGE && v == LLONG_MIN))
		return rerr_set(e, EX_USAGE, NULL, 0,
		    "%s: value is too small: %s", opt, s), -1;
	if (v > hi || (errno == ERANGE && v == LLONG_MAX))
		return rerr_set(e, EX_USAGE, NULL, 0,
		    "%s: value is too large: %s", opt, s), -1;
	*out = v;
	return 0;
}
