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
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || !isfinite(v) || errno == ERANGE)
		cli_die(EX_USAGE, "%s: value is invalid: %s", opt, s);
	if (v < lo)
		cli_die(EX_USAGE, "%s: value is too small: %s", opt, s);
	if (v > hi)
		cli_die(EX_USAGE, "%s: value is too large: %s", opt, s);
	return v;
}

long long
cli_int(const char *s, long long lo, long long hi, const char *opt)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || *end != '\0')
		cli_die(EX_USAGE, "%s: value is invalid: %s", opt, s);
	if (v < lo || (errno == ERANGE && v == LLONG_MIN))
		cli_die(EX_USAGE, "%s: value is too small: %s", opt, s);
	if (v > hi || (errno == ERANGE && v == LLONG_MAX))
		cli_die(EX_USAGE, "%s: value is too large: %s", opt, s);
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
