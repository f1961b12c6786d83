/*
 * ndjson_fast: a parser for the flat records that make up most of the
 * suite's hot streams (events), without building a jansson tree.
 *
 * It accepts a strict subset of what ndj_parse accepts and says "not
 * mine" (0) for the rest, never "bad": deciding what is bad JSON stays
 * with jansson, so the two paths cannot disagree on which lines are
 * rejected.  The subset: an object of at most NDJ_FLAT_MAX distinct keys;
 * keys and string values of printable ASCII without escapes (jansson
 * validates UTF-8 and decodes escapes; those lines go to it); integers of
 * at most 18 digits (always within long long, as jansson keeps them);
 * reals in JSON's grammar that do not overflow (jansson rejects those).
 * Reals are converted exactly: by Clinger's fast path when the decimal
 * significand and power of ten are both exact doubles (W. D. Clinger,
 * "How to read floating point numbers accurately", PLDI 1990), else by
 * strtod, which is what jansson uses; both round correctly.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ndjson.h"

static const double pow10tab[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

#define ISWS(c)	((c) == ' ' || (c) == '\t' || (c) == '\n' || (c) == '\r')
#define ISDIG(c)	((c) >= '0' && (c) <= '9')

static const char *
skipws(const char *p, const char *end)
{
	while (p < end && ISWS(*p))
		p++;
	return p;
}

/* A string of printable ASCII without escapes; returns the end or NULL. */
static const char *
scan_str(const char *p, const char *end, const char **s, size_t *n)
{
	const char *q;

	if (p >= end || *p != '"')
		return NULL;
	q = ++p;
	while (q < end && *q != '"') {
		if ((unsigned char)*q < 0x20 || (unsigned char)*q > 0x7e ||
		    *q == '\\')
			return NULL;
		q++;
	}
	if (q >= end)
		return NULL;
	*s = p;
	*n = q - p;
	return q + 1;
}

static const char *
scan_num(const char *p, const char *end, struct ndj_field *f)
{
	const char *s = p, *d0;
	unsigned long long m = 0;
	int neg = 0, ndig = 0, nfrac = 0, isreal = 0, eneg = 0, sig = 0;
	long e = 0;
	char buf[72];
	double v;

	if (p < end && *p == '-') {
		neg = 1;
		p++;
	}
	if (p >= end || !ISDIG(*p))
		return NULL;
	d0 = p;
	if (*p == '0') {
		p++;
		if (p < end && ISDIG(*p))
			return NULL;
	} else
		while (p < end && ISDIG(*p))
			p++;
	ndig = p - d0;
	for (const char *q = d0; q < p; q++) {
		if (sig || *q != '0')
			sig++;
		if (sig <= 19)
			m = m * 10 + (*q - '0');
	}
	if (p < end && *p == '.') {
		isreal = 1;
		p++;
		if (p >= end || !ISDIG(*p))
			return NULL;
		while (p < end && ISDIG(*p)) {
			if (sig || *p != '0')
				sig++;
			if (sig <= 19) {
				m = m * 10 + (*p - '0');
				nfrac++;
			}
			p++;
		}
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		isreal = 1;
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			eneg = *p++ == '-';
		if (p >= end || !ISDIG(*p))
			return NULL;
		while (p < end && ISDIG(*p)) {
			if (e < 100000)
				e = e * 10 + (*p - '0');
			p++;
		}
		if (eneg)
			e = -e;
	}
	if (!isreal) {
		if (ndig > 18)
			return NULL;
		f->type = NDJ_FINT;
		f->i = neg ? -(long long)m : (long long)m;
		f->num = (double)f->i;
		return p;
	}
	f->type = NDJ_FREAL;
	e -= nfrac;
	if (sig <= 19 && m < (1ULL << 53) && e >= -22 && e <= 22) {
		v = (double)m;
		v = e < 0 ? v / pow10tab[-e] : v * pow10tab[e];
	} else {
		if ((size_t)(p - s) >= sizeof buf)
			return NULL;
		memcpy(buf, s, p - s);
		buf[p - s] = '\0';
		v = strtod(buf, NULL);
		if (isinf(v))
			return NULL;
		f->num = v;
		return p;
	}
	f->num = neg ? -v : v;
	return p;
}

int
ndj_flat_parse(const char *line, size_t len, struct ndj_flat *fl)
{
	const char *p = line, *end = line + len;
	struct ndj_field *f;
	int i;

	fl->n = 0;
	p = skipws(p, end);
	if (p >= end || *p != '{')
		return 0;
	p = skipws(p + 1, end);
	if (p < end && *p == '}')
		goto done;
	for (;;) {
		if (fl->n == NDJ_FLAT_MAX)
			return 0;
		f = &fl->f[fl->n];
		if ((p = scan_str(p, end, &f->key, &f->klen)) == NULL)
			return 0;
		for (i = 0; i < fl->n; i++)
			if (fl->f[i].klen == f->klen &&
			    memcmp(fl->f[i].key, f->key, f->klen) == 0)
				return 0;	/* duplicate: jansson rejects */
		p = skipws(p, end);
		if (p >= end || *p != ':')
			return 0;
		p = skipws(p + 1, end);
		if (p >= end)
			return 0;
		switch (*p) {
		case '"':
			f->type = NDJ_FSTR;
			p = scan_str(p, end, &f->str, &f->slen);
			break;
		case 't':
			f->type = NDJ_FTRUE;
			p = end - p >= 4 && memcmp(p, "true", 4) == 0 ?
			    p + 4 : NULL;
			break;
		case 'f':
			f->type = NDJ_FFALSE;
			p = end - p >= 5 && memcmp(p, "false", 5) == 0 ?
			    p + 5 : NULL;
			break;
		case 'n':
			f->type = NDJ_FNULL;
			p = end - p >= 4 && memcmp(p, "null", 4) == 0 ?
			    p + 4 : NULL;
			break;
		default:
			p = scan_num(p, end, f);
			break;
		}
		if (p == NULL)
			return 0;
		fl->n++;
		p = skipws(p, end);
		if (p < end && *p == ',') {
			p = skipws(p + 1, end);
			continue;
		}
		if (p < end && *p == '}')
			break;
		return 0;
	}
done:
	p = skipws(p + 1, end);
	return p == end;
}

const struct ndj_field *
ndj_flat_get(const struct ndj_flat *fl, const char *key)
{
	size_t n = strlen(key);
	int i;

	for (i = 0; i < fl->n; i++)
		if (fl->f[i].klen == n && memcmp(fl->f[i].key, key, n) == 0)
			return &fl->f[i];
	return NULL;
}
