/*
 * ndjson: the line reader, the record writer and the bad-input policy.
 * See ndjson.h for the contract.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ndjson.h"

/*
 * The reader.  A file or stdin is read with read(2) into the reader's own
 * buffer, so it knows when no further line is waiting: then, before it
 * blocks, it calls the idle function (the record loop's flush), which is
 * what lets a filter answer as it reads.  A stream given by ndj_openf is
 * read with getline(3) and never calls idle.
 */
struct ndj_reader {
	int	 fd;		/* -1 for a FILE reader */
	FILE	*fp;
	int	 owned;		/* we opened the file and close it */
	int	 pollable;	/* a pipe, socket or terminal: may block */
	char	 name[256];
	long	 lineno;
	char	*buf;
	size_t	 cap;
	size_t	 beg, end;	/* unread bytes of buf (fd readers) */
	int	 eof;
	int	 skipping;	/* discarding the rest of an overlong line */
	int	 started;	/* the first line was read (BOM check) */
	size_t	 max_line;
	int	(*idle)(void *, struct rerr *);
	void	*idle_arg;
};

#define NDJ_CHUNK	(64 * 1024)

static struct ndj_reader *
reader_new(const char *name)
{
	struct ndj_reader *r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->fd = -1;
	r->max_line = NDJ_LINE_MAX;
	snprintf(r->name, sizeof(r->name), "%s", name);
	return r;
}

struct ndj_reader *
ndj_openf(FILE *fp, const char *name)
{
	struct ndj_reader *r;

	if ((r = reader_new(name)) == NULL)
		return NULL;
	r->fp = fp;
	return r;
}

struct ndj_reader *
ndj_open(const char *path, struct rerr *e)
{
	struct ndj_reader *r;
	struct stat st;
	int fd;

	if (path == NULL || strcmp(path, "-") == 0)
		fd = STDIN_FILENO;
	else if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		rerr_set(e, EX_NOINPUT, path, 0, "%s", strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		rerr_set(e, EX_NOINPUT, cli_name(path), 0, "%s",
		    strerror(EISDIR));
		if (fd != STDIN_FILENO)
			close(fd);
		return NULL;
	}
	if ((r = reader_new(cli_name(path))) == NULL) {
		if (fd != STDIN_FILENO)
			close(fd);
		rerr_set(e, EX_SOFTWARE, path, 0, "out of memory");
		return NULL;
	}
	r->fd = fd;
	r->owned = fd != STDIN_FILENO;
	r->pollable = fstat(fd, &st) == 0 && !S_ISREG(st.st_mode) &&
	    !S_ISBLK(st.st_mode);
	return r;
}

void
ndj_close(struct ndj_reader *r)
{
	if (r == NULL)
		return;
	if (r->owned)
		close(r->fd);
	free(r->buf);
	free(r);
}

const char *
ndj_name(const struct ndj_reader *r)
{
	return r->name;
}

long
ndj_line(const struct ndj_reader *r)
{
	return r->lineno;
}

void
ndj_set_idle(struct ndj_reader *r, int (*idle)(void *, struct rerr *),
    void *arg)
{
	r->idle = idle;
	r->idle_arg = arg;
}

void
ndj_set_max_line(struct ndj_reader *r, size_t max)
{
	r->max_line = max > 0 ? max : NDJ_LINE_MAX;
}

/* Whether a read of the descriptor would block now. */
static int
would_block(int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };

	return poll(&p, 1, 0) == 0;
}

/*
 * Reads more bytes into the buffer: returns 1, 0 at end of input, or -1
 * with e filled.  Before a read that would block, calls idle.
 */
static int
refill(struct ndj_reader *r, struct rerr *e)
{
	size_t want, cap;
	ssize_t n;
	char *p;

	if (r->beg > 0) {
		memmove(r->buf, r->buf + r->beg, r->end - r->beg);
		r->end -= r->beg;
		r->beg = 0;
	}
	if (r->cap - r->end < NDJ_CHUNK + 1) {
		cap = r->cap ? r->cap : NDJ_CHUNK + 1;
		while (cap - r->end < NDJ_CHUNK + 1)
			cap *= 2;
		if ((p = realloc(r->buf, cap)) == NULL)
			return rerr_set(e, EX_SOFTWARE, r->name, r->lineno + 1,
			    "out of memory"), -1;
		r->buf = p;
		r->cap = cap;
	}
	if (r->idle != NULL && r->pollable && would_block(r->fd) &&
	    r->idle(r->idle_arg, e) != 0)
		return -1;
	want = r->cap - r->end - 1;
	do
		n = read(r->fd, r->buf + r->end, want);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return rerr_set(e, errno == EISDIR ? EX_NOINPUT : EX_IOERR,
		    r->name, r->lineno, "read error: %s", strerror(errno)), -1;
	if (n == 0) {
		r->eof = 1;
		return 0;
	}
	r->end += (size_t)n;
	return 1;
}

/*
 * The next raw line of an fd reader, without its '\n': 1 with *line and
 * *len set (NUL-terminated in the buffer), 0 at end, -1 with e filled.  A
 * line longer than max_line is a bad record: its bytes are discarded up
 * to the next newline.
 */
static int
fd_line(struct ndj_reader *r, char **line, size_t *len, struct rerr *e)
{
	char *nl;
	int rv;

	for (;;) {
		nl = r->end > r->beg ? memchr(r->buf + r->beg, '\n',
		    r->end - r->beg) : NULL;
		if (r->skipping) {
			if (nl != NULL) {
				r->beg = (size_t)(nl - r->buf) + 1;
				r->skipping = 0;
				continue;
			}
			r->beg = r->end = 0;
		} else if (nl != NULL) {
			*line = r->buf + r->beg;
			*len = (size_t)(nl - *line);
			*nl = '\0';
			r->beg += *len + 1;
			r->lineno++;
			if (*len > r->max_line)
				return rerr_set(e, EX_DATAERR, r->name,
				    r->lineno, "line is longer than %zu bytes",
				    r->max_line), -1;
			return 1;
		} else if (r->end - r->beg > r->max_line) {
			r->skipping = 1;
			r->beg = r->end = 0;
			r->lineno++;
			return rerr_set(e, EX_DATAERR, r->name, r->lineno,
			    "line is longer than %zu bytes", r->max_line), -1;
		}
		if (r->eof) {
			if (r->skipping || r->end == r->beg)
				return 0;
			/* A last line without a newline. */
			*line = r->buf + r->beg;
			*len = r->end - r->beg;
			(*line)[*len] = '\0';
			r->beg = r->end;
			r->lineno++;
			return 1;
		}
		if ((rv = refill(r, e)) < 0)
			return -1;
	}
}

/* The same for a FILE reader, with getline(3). */
static int
fp_line(struct ndj_reader *r, char **line, size_t *len, struct rerr *e)
{
	ssize_t n;

	errno = 0;
	n = getline(&r->buf, &r->cap, r->fp);
	if (n < 0) {
		if (ferror(r->fp))
			return rerr_set(e, errno == EISDIR ? EX_NOINPUT :
			    EX_IOERR, r->name, r->lineno, "read error: %s",
			    strerror(errno)), -1;
		return 0;
	}
	r->lineno++;
	if (n > 0 && r->buf[n - 1] == '\n')
		r->buf[--n] = '\0';
	if ((size_t)n > r->max_line)
		return rerr_set(e, EX_DATAERR, r->name, r->lineno,
		    "line is longer than %zu bytes", r->max_line), -1;
	*line = r->buf;
	*len = (size_t)n;
	return 1;
}

int
ndj_getline(struct ndj_reader *r, const char **line, size_t *len,
    struct rerr *e)
{
	char *p;
	size_t n, i;
	int rv;

	for (;;) {
		rv = r->fd >= 0 ? fd_line(r, &p, &n, e) : fp_line(r, &p, &n, e);
		if (rv <= 0)
			return rv;
		/* A UTF-8 byte order mark at the start of the input. */
		if (!r->started) {
			r->started = 1;
			if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
				p += 3;
				n -= 3;
			}
		}
		if (n > 0 && p[n - 1] == '\r')
			p[--n] = '\0';
		for (i = 0; i < n; i++)
			if (p[i] != ' ' && p[i] != '\t')
				break;
		if (i < n)
			break;
	}
	*line = p;
	*len = n;
	return 1;
}

json_t *
ndj_parse(struct ndj_reader *r, const char *line, size_t len, struct rerr *e)
{
	json_error_t jerr;
	json_t *rec;

	rec = json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
	    &jerr);
	if (rec == NULL) {
		rerr_set(e, EX_DATAERR, r->name, r->lineno,
		    "bad JSON at column %d: %s", jerr.column, jerr.text);
		return NULL;
	}
	if (!json_is_object(rec)) {
		json_decref(rec);
		rerr_set(e, EX_DATAERR, r->name, r->lineno,
		    "record is not a JSON object");
		return NULL;
	}
	return rec;
}

int
ndj_next(struct ndj_reader *r, json_t **rec, struct rerr *e)
{
	const char *line;
	size_t len;
	int rv;

	if ((rv = ndj_getline(r, &line, &len, e)) <= 0)
		return rv;
	if ((*rec = ndj_parse(r, line, len, e)) == NULL)
		return -1;
	return 1;
}

/*
 * The writer.  jansson's own dump prints reals with 17 significant digits
 * (0.1 becomes 0.10000000000000001), so records are printed here: the
 * same compact layout, reals in their shortest round-trip form.
 */

static int
buf_grow(struct ndj_buf *b, size_t need)
{
	size_t cap;
	char *p;

	if (b->len + need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < b->len + need)
		cap *= 2;
	if ((p = realloc(b->p, cap)) == NULL)
		return -1;
	b->p = p;
	b->cap = cap;
	return 0;
}

static int
buf_add(struct ndj_buf *b, const char *s, size_t n)
{
	if (buf_grow(b, n + 1) != 0)
		return -1;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

void
ndj_buf_free(struct ndj_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

/* Formats v in the fewest digits (15 to 17) that read back exactly. */
static int
fmt_real(char *out, size_t size, double v)
{
	int prec, n = 0;
	char *p;

	for (prec = 15; prec <= 17; prec++) {
		n = snprintf(out, size, "%.*g", prec, v);
		if (strtod(out, NULL) == v)
			break;
	}
	/* Whatever LC_NUMERIC says, the decimal point is '.'. */
	for (p = out; *p; p++)
		if (!strchr("0123456789-+eE", *p))
			*p = '.';
	if (!strpbrk(out, ".eE") && n + 2 < (int)size) {
		strcat(out, ".0");
		n += 2;
	}
	return n;
}

int
ndj_fmt_real(char *out, size_t size, double v)
{
	return fmt_real(out, size, v);
}

static int
dump_string(struct ndj_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, run = 0;
	char esc[6];
	int r = 0;

	r |= buf_add(b, "\"", 1);
	for (i = 0; i < n; i++) {
		unsigned char c = s[i];
		const char *rep = NULL;
		size_t rl = 2;

		/* Most bytes need no escape: pass over them in a tight loop. */
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;

		switch (c) {
		case '"':  rep = "\\\""; break;
		case '\\': rep = "\\\\"; break;
		case '\n': rep = "\\n"; break;
		case '\r': rep = "\\r"; break;
		case '\t': rep = "\\t"; break;
		case '\b': rep = "\\b"; break;
		case '\f': rep = "\\f"; break;
		default:
			if (c < 0x20) {
				memcpy(esc, "\\u00", 4);
				esc[4] = hex[c >> 4];
				esc[5] = hex[c & 15];
				rep = esc;
				rl = 6;
			}
		}
		if (rep == NULL)
			continue;
		r |= buf_add(b, s + run, i - run);
		r |= buf_add(b, rep, rl);
		run = i + 1;
	}
	r |= buf_add(b, s + run, n - run);
	r |= buf_add(b, "\"", 1);
	return r;
}

int
ndj_dump(struct ndj_buf *b, const json_t *v)
{
	char num[64];
	const char *key;
	json_t *val;
	size_t i;
	int n, r = 0;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		r |= buf_add(b, "{", 1);
		i = 0;
		json_object_foreach((json_t *)v, key, val) {
			if (i++ > 0)
				r |= buf_add(b, ",", 1);
			r |= dump_string(b, key, strlen(key));
			r |= buf_add(b, ":", 1);
			r |= ndj_dump(b, val);
		}
		return r | buf_add(b, "}", 1);
	case JSON_ARRAY:
		r |= buf_add(b, "[", 1);
		for (i = 0; i < json_array_size(v); i++) {
			if (i > 0)
				r |= buf_add(b, ",", 1);
			r |= ndj_dump(b, json_array_get(v, i));
		}
		return r | buf_add(b, "]", 1);
	case JSON_STRING:
		return dump_string(b, json_string_value(v),
		    json_string_length(v));
	case JSON_INTEGER:
		n = snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		return buf_add(b, num, n);
	case JSON_REAL:
		if (!isfinite(json_real_value(v)))
			return buf_add(b, "null", 4);
		n = fmt_real(num, sizeof(num), json_real_value(v));
		return buf_add(b, num, n);
	case JSON_TRUE:
		return buf_add(b, "true", 4);
	case JSON_FALSE:
		return buf_add(b, "false", 5);
	case JSON_NULL:
		return buf_add(b, "null", 4);
	}
	return -1;
}

int
ndj_write(FILE *fp, const json_t *rec)
{
	struct ndj_buf b = { 0 };
	int r;

	r = ndj_dump(&b, rec);
	if (r == 0)
		r = buf_add(&b, "\n", 1);
	if (r == 0 && fwrite(b.p, 1, b.len, fp) != b.len)
		r = -1;
	ndj_buf_free(&b);
	return r;
}

json_t *
ndj_real(double v, int decimals)
{
	static const double scale[] = {
		1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9
	};
	double s, r;

	if (!isfinite(v))
		return json_null();
	if (decimals < 0)
		decimals = 0;
	if (decimals > 9)
		decimals = 9;
	s = scale[decimals];
	r = round(v * s) / s;
	if (!isfinite(r))	/* v * s overflowed: v has no fraction anyway */
		r = v;
	if (r == 0)
		r = 0;		/* no "-0.0" */
	return json_real(r);
}

int
ndj_set_real(json_t *obj, const char *key, double v, int decimals)
{
	return json_object_set_new(obj, key, ndj_real(v, decimals));
}

static int
field_err(struct ndj_reader *r, struct rerr *e, const char *key,
    const char *what)
{
	rerr_set(e, EX_DATAERR, r ? r->name : NULL, r ? r->lineno : 0,
	    "field '%s' %s", key, what);
	return -1;
}

int
ndj_get_num(struct ndj_reader *r, const json_t *rec, const char *key,
    int optional, double *out, struct rerr *e)
{
	json_t *v = json_object_get(rec, key);

	if (v == NULL || (optional && json_is_null(v)))
		return optional ? 1 : field_err(r, e, key, "is missing");
	if (!json_is_number(v))
		return field_err(r, e, key, "is not a number");
	*out = json_number_value(v);
	return 0;
}

int
ndj_get_int(struct ndj_reader *r, const json_t *rec, const char *key,
    int optional, long long *out, struct rerr *e)
{
	json_t *v = json_object_get(rec, key);
	double d;

	if (v == NULL || (optional && json_is_null(v)))
		return optional ? 1 : field_err(r, e, key, "is missing");
	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return 0;
	}
	if (json_is_real(v)) {
		d = json_real_value(v);
		if (d == floor(d) && fabs(d) < 9e15) {
			*out = (long long)d;
			return 0;
		}
	}
	return field_err(r, e, key, "is not an integer");
}

int
ndj_get_str(struct ndj_reader *r, const json_t *rec, const char *key,
    int optional, const char **out, struct rerr *e)
{
	json_t *v = json_object_get(rec, key);

	if (v == NULL || (optional && json_is_null(v)))
		return optional ? 1 : field_err(r, e, key, "is missing");
	if (!json_is_string(v))
		return field_err(r, e, key, "is not a string");
	*out = json_string_value(v);
	return 0;
}

int
ndj_policy_opt(struct ndj_policy *p, int ch, const char *arg)
{
	struct rerr e;
	int rv;

	if ((rv = ndj_policy_parse(p, ch, arg, &e)) < 0)
		cli_die(EX_USAGE, "%s", e.msg);
	return rv;
}

int
ndj_policy_parse(struct ndj_policy *p, int ch, const char *arg,
    struct rerr *e)
{
	switch (ch) {
	case NDJ_OPT_SKIP_BAD:
		p->skip_bad = 1;
		return 1;
	case NDJ_OPT_MAX_BAD_RATE:
		if (cli_parse_num(arg, 0, 1, "--max-bad-rate", &p->max_bad_rate,
		    e) != 0)
			return -1;
		p->skip_bad = 1;
		return 1;
	}
	return 0;
}

int
ndj_policy_bad(struct ndj_policy *p, const struct rerr *e)
{
	p->nrec++;
	p->nbad++;
	cli_report(e);
	/* Only bad data can be skipped; a read error ends the input. */
	if (!p->skip_bad || e->code != EX_DATAERR)
		return e->code ? e->code : EX_DATAERR;
	return 0;
}

int
ndj_policy_end(struct ndj_policy *p)
{
	if (p->nbad == 0)
		return 0;
	if (p->skip_bad)
		cli_warn("%ld of %ld records were bad and skipped", p->nbad,
		    p->nrec);
	if ((double)p->nbad > p->max_bad_rate * (double)p->nrec) {
		if (p->skip_bad)
			cli_warn("bad records exceed --max-bad-rate %g",
			    p->max_bad_rate);
		return EX_DATAERR;
	}
	return 0;
}

int
ndj_buf_add(struct ndj_buf *b, const char *s, size_t n)
{
	return buf_add(b, s, n);
}

int
ndj_buf_string(struct ndj_buf *b, const char *s, size_t n)
{
	return dump_string(b, s, n);
}

int
ndj_buf_int(struct ndj_buf *b, long long v)
{
	char num[32];
	int n;

	n = snprintf(num, sizeof(num), "%lld", v);
	return buf_add(b, num, n);
}

/*
 * With at most 4 decimals and |v| < 1e9, ndj_real(v, decimals) is k /
 * 10^decimals for an integer k below 10^13, and fmt_real's %.15g prints
 * exactly that decimal (no exponent: the exponent is between -4 and 8),
 * its trailing zeros dropped, or an integer followed by ".0".  So the
 * digits of k give the same bytes without printf and strtod.
 */
int
ndj_buf_real(struct ndj_buf *b, double v, int decimals)
{
	static const double scale[] = { 1, 1e1, 1e2, 1e3, 1e4 };
	char num[64], *p = num + sizeof(num);
	long long k;
	int d, n, neg;
	json_t *j;

	if (decimals < 0)
		decimals = 0;
	if (!isfinite(v) || decimals > 4 || !(fabs(v) < 1e9)) {
		if ((j = ndj_real(v, decimals)) == NULL)
			return -1;
		n = ndj_dump(b, j);
		json_decref(j);
		return n;
	}
	k = llround(v * scale[decimals]);
	if ((neg = k < 0))	/* ndj_real turns -0 into 0: k == 0 is not */
		k = -k;
	/* Fraction digits, trailing zeros dropped. */
	for (d = decimals; d > 0 && k % 10 == 0; d--)
		k /= 10;
	if (d == 0)
		*--p = '0';
	for (; d > 0; d--) {
		*--p = '0' + k % 10;
		k /= 10;
	}
	*--p = '.';
	do {
		*--p = '0' + k % 10;
		k /= 10;
	} while (k > 0);
	if (neg)
		*--p = '-';
	return buf_add(b, p, num + sizeof(num) - p);
}

/*
 * The record loop.
 */

static int
flush_stdout(void *arg, struct rerr *e)
{
	(void)arg;
	if (fflush(stdout) != 0 || ferror(stdout))
		return rerr_set(e, EX_IOERR, NULL, 0, "stdout: %s",
		    errno ? strerror(errno) : "write error"), -1;
	return 0;
}

/* Calls the loop's idle function, or flushes stdout. */
static int
loop_idle(void *arg, struct rerr *e)
{
	const struct ndj_loop *l = arg;

	if (l->idle != NULL)
		return l->idle(l->arg, e);
	return flush_stdout(NULL, e);
}

int
ndj_each(const char *path, const struct ndj_loop *l)
{
	struct ndj_reader *r;
	struct rerr e = { 0 };
	const char *line;
	size_t len;
	json_t *rec;
	int rv, st = 0;

	if ((r = ndj_open(path, &e)) == NULL)
		return cli_report(&e);
	if (l->nprefix > 0) {
		r->cap = l->nprefix + NDJ_CHUNK + 1;
		if ((r->buf = malloc(r->cap)) == NULL) {
			ndj_close(r);
			return cli_report(&(struct rerr){ EX_SOFTWARE, "", 0,
			    "out of memory" });
		}
		memcpy(r->buf, l->prefix, l->nprefix);
		r->end = l->nprefix;
	}
	ndj_set_idle(r, loop_idle, (void *)l);
	if (l->max_line > 0)
		ndj_set_max_line(r, l->max_line);
	for (;;) {
		memset(&e, 0, sizeof(e));
		if ((rv = ndj_getline(r, &line, &len, &e)) == 0)
			break;
		if (rv > 0) {
			if (l->line != NULL)
				rv = l->line(l->arg, r, line, len, &e);
			else if ((rec = ndj_parse(r, line, len, &e)) == NULL)
				rv = -1;
			else {
				rv = l->rec(l->arg, r, rec, &e);
				json_decref(rec);
			}
		}
		if (rv >= 0) {
			ndj_policy_ok(l->pol);
			continue;
		}
		if (e.code == 0)
			e.code = EX_SOFTWARE;
		if (e.code != EX_DATAERR) {
			/* stdout's own error is cli_finish's to report */
			st = e.code == EX_IOERR && ferror(stdout) ? EX_IOERR :
			    cli_report(&e);
			break;
		}
		if ((st = ndj_policy_bad(l->pol, &e)) != 0)
			break;
	}
	/* What was read is answered, whatever ended the input. */
	memset(&e, 0, sizeof(e));
	if (loop_idle((void *)l, &e) != 0 && st == 0)
		st = e.code == EX_IOERR && ferror(stdout) ? EX_IOERR :
		    cli_report(&e);
	ndj_close(r);
	return st;
}

int
ndj_each_input(int argc, char *argv[], const struct ndj_loop *l)
{
	int i, st, rv = 0;

	for (i = 0; i < (argc > 0 ? argc : 1); i++) {
		st = ndj_each(argc > 0 ? argv[i] : "-", l);
		if (st != 0 && rv == 0)
			rv = st;
		/* A missing input does not stop the others; anything else
		   does. */
		if (st != 0 && st != EX_NOINPUT)
			return rv;
	}
	st = ndj_policy_end(l->pol);
	return rv != 0 ? rv : st;
}
