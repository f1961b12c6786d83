/*
 * ndjson: the line reader, the record writer and the bad-input policy.
 * See ndjson.h for the contract.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ndjson.h"

struct ndj_reader {
	FILE	*fp;
	int	 owned;		/* we opened fp and must close it */
	char	 name[256];
	long	 lineno;
	char	*buf;
	size_t	 cap;
};

struct ndj_reader *
ndj_openf(FILE *fp, const char *name)
{
	struct ndj_reader *r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->fp = fp;
	snprintf(r->name, sizeof(r->name), "%s", name);
	return r;
}

struct ndj_reader *
ndj_open(const char *path, struct rerr *e)
{
	struct ndj_reader *r;
	FILE *fp;

	if (path == NULL || strcmp(path, "-") == 0)
		fp = stdin;
	else if ((fp = fopen(path, "r")) == NULL) {
		rerr_set(e, EX_NOINPUT, path, 0, "%s", strerror(errno));
		return NULL;
	}
	if ((r = ndj_openf(fp, cli_name(path))) == NULL) {
		if (fp != stdin)
			fclose(fp);
		rerr_set(e, EX_SOFTWARE, path, 0, "out of memory");
		return NULL;
	}
	r->owned = fp != stdin;
	return r;
}

void
ndj_close(struct ndj_reader *r)
{
	if (r == NULL)
		return;
	if (r->owned)
		fclose(r->fp);
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

int
ndj_getline(struct ndj_reader *r, const char **line, size_t *len,
    struct rerr *e)
{
	ssize_t n;
	size_t i;

	for (;;) {
		errno = 0;
		n = getline(&r->buf, &r->cap, r->fp);
		if (n < 0) {
			if (ferror(r->fp))
				return rerr_set(e, EX_IOERR, r->name, r->lineno,
				    "read error: %s", strerror(errno)), -1;
			return 0;
		}
		r->lineno++;
		if (n > 0 && r->buf[n - 1] == '\n')
			n--;
		if (n > 0 && r->buf[n - 1] == '\r')
			n--;
		r->buf[n] = '\0';
		for (i = 0; i < (size_t)n; i++)
			if (r->buf[i] != ' ' && r->buf[i] != '\t')
				break;
		if (i < (size_t)n)
			break;
	}
	*line = r->buf;
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
	switch (ch) {
	case NDJ_OPT_SKIP_BAD:
		p->skip_bad = 1;
		return 1;
	case NDJ_OPT_MAX_BAD_RATE:
		p->max_bad_rate = cli_num(arg, 0, 1, "--max-bad-rate");
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
