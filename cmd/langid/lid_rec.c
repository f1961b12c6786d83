/*
 * lid_rec: the canonical-form scanner of langid's fast path (lid_rec.h).
 *
 * The form is ndj_dump's (lib/ndjson.c): no white space outside strings;
 * strings of raw UTF-8 where only '"', '\\' and the control characters
 * are escaped, those as \" \\ \n \r \t \b \f and \u00xx (lower-case hex)
 * for the rest; integers as %lld prints them; reals as ndj_fmt_real
 * prints them; no two keys alike in an object (jansson is run with
 * JSON_REJECT_DUPLICATES, which refuses them).  Anything the scanner is
 * not sure of it leaves to jansson: objects of more than MAXKEYS keys,
 * nesting deeper than MAXDEPTH, integers of 19 digits and more.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ndjson.h"
#include "text.h"
#include "lid_rec.h"

#define MAXKEYS		16
#define MAXDEPTH	16

int
lid_path_parse(struct lid_path *p, const char *spec)
{
	const char *s = spec, *dot;

	memset(p, 0, sizeof(*p));
	p->spec = spec;
	for (;;) {
		if (p->n == LID_PATHDEPTH)
			return -1;
		dot = strchr(s, '.');
		p->name[p->n] = s;
		p->len[p->n] = dot != NULL ? (size_t)(dot - s) : strlen(s);
		if (p->len[p->n] == 0)
			return -1;
		p->n++;
		if (dot == NULL)
			return 0;
		s = dot + 1;
	}
}

/* The end of the canonical string starting after its quote at s, or NULL. */
static const char *
string_end(const char *s, const char *end)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *e = (const unsigned char *)end;
	uint32_t c;
	int k;

	for (;;) {
		while (p < e && *p >= 0x20 && *p < 0x80 && *p != '"' &&
		    *p != '\\')
			p++;
		if (p >= e || *p < 0x20)
			return NULL;
		if (*p == '"')
			return (const char *)p;
		if (*p == '\\') {
			if (p + 1 >= e)
				return NULL;
			switch (p[1]) {
			case '"': case '\\': case 'n': case 'r': case 't':
			case 'b': case 'f':
				p += 2;
				continue;
			case 'u':
				/* \u00xx for the controls without a short form */
				if (p + 6 > e || p[2] != '0' || p[3] != '0' ||
				    (p[4] != '0' && p[4] != '1') ||
				    strchr(hex, p[5]) == NULL || p[5] == '\0')
					return NULL;
				c = (p[4] - '0') << 4 | (uint32_t)(strchr(hex,
				    p[5]) - hex);
				if (c == 0 || c == '\n' || c == '\r' ||
				    c == '\t' || c == '\b' || c == '\f')
					return NULL;
				p += 6;
				continue;
			default:
				return NULL;
			}
		}
		k = text_utf8_next(p, e - p, &c);
		if (c == 0xFFFD && k == 1)
			return NULL;
		p += k;
	}
}

/* The end of the canonical number at s, or NULL. */
static const char *
number_end(const char *s, const char *end)
{
	const char *p = s, *digits;
	char buf[64], num[40];
	int real = 0;

	if (p < end && *p == '-')
		p++;
	digits = p;
	if (p < end && *p == '0')
		p++;
	else if (p < end && *p >= '1' && *p <= '9')
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	else
		return NULL;
	if (p < end && *p == '.') {
		real = 1;
		if (++p >= end || *p < '0' || *p > '9')
			return NULL;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		real = 1;
		if (++p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end || *p < '0' || *p > '9')
			return NULL;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (!real) {
		/* %lld never prints "-0"; 19 digits may not fit: jansson. */
		if (p - digits > 18 || (s[0] == '-' && s[1] == '0'))
			return NULL;
		return p;
	}
	if ((size_t)(p - s) >= sizeof(buf))
		return NULL;
	memcpy(buf, s, p - s);
	buf[p - s] = '\0';
	{
		double v = strtod(buf, NULL);
		int n;

		if (!(v - v == 0))	/* overflow: jansson refuses it */
			return NULL;
		n = ndj_fmt_real(num, sizeof(num), v);
		if (n != p - s || memcmp(num, s, n) != 0)
			return NULL;
	}
	return p;
}

struct scan {
	const char		*end;
	const struct lid_path	*path;
	int			 npath;
	struct lid_val		*val;
	int			 top_ours;	/* a key langid adds */
};

static const char *value_end(struct scan *, const char *, int,
	    unsigned, int);

/*
 * The end of the object at s (at its '{'), or NULL.  live has bit i set
 * when this object is where path i's name number depth is looked up.
 */
static const char *
object_end(struct scan *sc, const char *s, int depth, unsigned live)
{
	const char *p = s + 1, *k[MAXKEYS], *ke;
	size_t kl[MAXKEYS];
	unsigned sub;
	int nk = 0, i;

	if (p < sc->end && *p == '}')
		return p + 1;
	for (;;) {
		if (p >= sc->end || *p != '"' || nk == MAXKEYS)
			return NULL;
		if ((ke = string_end(p + 1, sc->end)) == NULL)
			return NULL;
		k[nk] = p + 1;
		kl[nk] = ke - p - 1;
		for (i = 0; i < nk; i++)
			if (kl[i] == kl[nk] && memcmp(k[i], k[nk], kl[nk]) == 0)
				return NULL;
		if (depth == 0 && ((kl[nk] == 4 && (memcmp(k[nk], "lang",
		    4) == 0 || memcmp(k[nk], "conf", 4) == 0)) ||
		    (kl[nk] == 3 && memcmp(k[nk], "alt", 3) == 0) ||
		    (kl[nk] == 5 && memcmp(k[nk], "spans", 5) == 0)))
			sc->top_ours = 1;
		sub = 0;
		for (i = 0; i < sc->npath; i++)
			if ((live >> i & 1) && sc->path[i].len[depth] ==
			    kl[nk] && memcmp(sc->path[i].name[depth], k[nk],
			    kl[nk]) == 0)
				sub |= 1u << i;
		nk++;
		p = ke + 1;
		if (p >= sc->end || *p != ':')
			return NULL;
		if ((p = value_end(sc, p + 1, depth + 1, sub, depth)) == NULL)
			return NULL;
		if (p < sc->end && *p == ',') {
			p++;
			continue;
		}
		if (p < sc->end && *p == '}')
			return p + 1;
		return NULL;
	}
}

/*
 * The end of the value at s, or NULL.  hit has bit i set when this is the
 * value of path i's name number at: its value when that is the last name,
 * else the object to look in next.
 */
static const char *
value_end(struct scan *sc, const char *s, int depth, unsigned hit, int at)
{
	const char *p, *e = sc->end;
	unsigned live = 0;
	int i;

	if (depth > MAXDEPTH || s >= e)
		return NULL;
	for (i = 0; i < sc->npath; i++) {
		if (!(hit >> i & 1))
			continue;
		if (at + 1 < sc->path[i].n) {
			/* Not an object: the field is absent, as in jansson. */
			if (*s == '{')
				live |= 1u << i;
		} else
			sc->val[i].type = *s == '"' ? LID_V_STRING :
			    *s == 'n' ? LID_V_NULL : LID_V_OTHER;
	}
	switch (*s) {
	case '"':
		if ((p = string_end(s + 1, e)) == NULL)
			return NULL;
		for (i = 0; i < sc->npath; i++)
			if ((hit >> i & 1) && at + 1 == sc->path[i].n) {
				sc->val[i].p = s + 1;
				sc->val[i].n = p - s - 1;
			}
		return p + 1;
	case '{':
		return object_end(sc, s, depth, live);
	case '[':
		p = s + 1;
		if (p < e && *p == ']')
			return p + 1;
		for (;;) {
			if ((p = value_end(sc, p, depth + 1, 0, 0)) == NULL)
				return NULL;
			if (p < e && *p == ',') {
				p++;
				continue;
			}
			return p < e && *p == ']' ? p + 1 : NULL;
		}
	case 't':
		return e - s >= 4 && memcmp(s, "true", 4) == 0 ? s + 4 : NULL;
	case 'f':
		return e - s >= 5 && memcmp(s, "false", 5) == 0 ? s + 5 : NULL;
	case 'n':
		return e - s >= 4 && memcmp(s, "null", 4) == 0 ? s + 4 : NULL;
	default:
		return number_end(s, e);
	}
}

int
lid_rec_scan(const char *line, size_t len, const struct lid_path *path,
    int npath, struct lid_val *val)
{
	struct scan sc;
	const char *p;
	int i;

	if (len == 0 || line[0] != '{' || npath > LID_MAXFIELD)
		return 0;
	sc.end = line + len;
	sc.path = path;
	sc.npath = npath;
	sc.val = val;
	sc.top_ours = 0;
	for (i = 0; i < npath; i++) {
		val[i].type = LID_V_ABSENT;
		val[i].p = NULL;
		val[i].n = 0;
	}
	p = object_end(&sc, line, 0, (1u << npath) - 1);
	return p == sc.end && !sc.top_ours;
}

size_t
lid_rec_decode(char *s, size_t n)
{
	const char *p = s, *e = s + n, *b;
	size_t o = 0;

	while (p < e) {
		if ((b = memchr(p, '\\', e - p)) == NULL)
			b = e;
		memmove(s + o, p, b - p);
		o += b - p;
		if (b == e)
			break;
		switch (b[1]) {
		case 'n': s[o++] = '\n'; break;
		case 'r': s[o++] = '\r'; break;
		case 't': s[o++] = '\t'; break;
		case 'b': s[o++] = '\b'; break;
		case 'f': s[o++] = '\f'; break;
		case 'u':
			s[o++] = (char)((b[4] - '0') << 4 | (b[5] <= '9' ?
			    b[5] - '0' : b[5] - 'a' + 10));
			p = b + 6;
			continue;
		default: s[o++] = b[1]; break;
		}
		p = b + 2;
	}
	return o;
}
