/*
 * event: interned ids, ISO 8601 times and event streams read into memory
 * for cf-train, rank and receval.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"

uint32_t
idmap_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

void
idmap_init(struct idmap *m)
{
	memset(m, 0, sizeof(*m));
}

void
idmap_free(struct idmap *m)
{
	free(m->blob);
	free(m->off);
	free(m->slot);
	memset(m, 0, sizeof(*m));
}

const char *
idmap_name(const struct idmap *m, uint32_t i)
{
	return m->blob + m->off[i];
}

long
idmap_find(const struct idmap *m, const char *s, size_t len)
{
	uint32_t h, mask, j, v;

	if (m->nslot == 0)
		return -1;
	mask = m->nslot - 1;
	h = idmap_hash(s, len);
	for (j = h & mask; (v = m->slot[j]) != 0; j = (j + 1) & mask) {
		const char *t = m->blob + m->off[v - 1];

		if (strncmp(t, s, len) == 0 && t[len] == '\0')
			return (long)v - 1;
	}
	return -1;
}

/* Doubles the table and re-inserts every name.  Returns 0 or -1. */
static int
idmap_grow(struct idmap *m)
{
	uint32_t n = m->nslot ? m->nslot * 2 : 64, i, j, *slot;

	if ((slot = calloc(n, sizeof(*slot))) == NULL)
		return -1;
	for (i = 0; i < m->n; i++) {
		const char *t = m->blob + m->off[i];

		for (j = idmap_hash(t, strlen(t)) & (n - 1); slot[j] != 0;
		    j = (j + 1) & (n - 1))
			;
		slot[j] = i + 1;
	}
	free(m->slot);
	m->slot = slot;
	m->nslot = n;
	return 0;
}

long
idmap_add(struct idmap *m, const char *s, size_t len)
{
	long i;
	uint32_t j;

	if ((i = idmap_find(m, s, len)) >= 0)
		return i;
	if (memchr(s, '\0', len) != NULL)
		return -1;
	if ((m->n + 1) * 2 > m->nslot && idmap_grow(m) != 0)
		return -1;
	if (m->n == m->cap) {
		uint32_t cap = m->cap ? m->cap * 2 : 256;
		uint32_t *off = realloc(m->off, cap * sizeof(*off));

		if (off == NULL)
			return -1;
		m->off = off;
		m->cap = cap;
	}
	if (m->blen + len + 1 > m->bcap) {
		size_t cap = m->bcap ? m->bcap : 4096;
		char *b;

		while (cap < m->blen + len + 1)
			cap *= 2;
		if (cap > UINT32_MAX || (b = realloc(m->blob, cap)) == NULL)
			return -1;
		m->blob = b;
		m->bcap = cap;
	}
	memcpy(m->blob + m->blen, s, len);
	m->blob[m->blen + len] = '\0';
	m->off[m->n] = (uint32_t)m->blen;
	m->blen += len + 1;
	for (j = idmap_hash(s, len) & (m->nslot - 1); m->slot[j] != 0;
	    j = (j + 1) & (m->nslot - 1))
		;
	m->slot[j] = m->n + 1;
	return m->n++;
}

/*
 * Days from 1970-01-01 to the civil date y-m-d (proleptic Gregorian), by
 * the era arithmetic of H. Hinnant, "chrono-Compatible Low-Level Date
 * Algorithms" (days_from_civil).
 */
static long
days_from_civil(long y, int m, int d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Reads exactly n digits at *p.  Returns the value or -1. */
static long
digits(const char **p, int n)
{
	long v = 0;
	int i;

	for (i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return v;
}

int
ev_parse_iso(const char *s, double *t)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	const char *p = s;
	long y, mo = 1, d = 1, h = 0, mi = 0, off = 0;
	double sec = 0;

	if ((y = digits(&p, 4)) < 0)
		return -1;
	if (*p == '-') {
		p++;
		if ((mo = digits(&p, 2)) < 1 || mo > 12)
			return -1;
		if (*p == '-') {
			p++;
			if ((d = digits(&p, 2)) < 1 || d > mdays[mo - 1])
				return -1;
		}
	}
	if ((*p == 'T' || *p == ' ') && p[1] != '\0') {
		p++;
		if ((h = digits(&p, 2)) < 0 || h > 24 || *p++ != ':' ||
		    (mi = digits(&p, 2)) < 0 || mi > 59)
			return -1;
		if (*p == ':') {
			long si;

			p++;
			if ((si = digits(&p, 2)) < 0 || si > 60)
				return -1;
			sec = si;
			if (*p == '.' || *p == ',') {
				double f = 0.1;

				p++;
				if (*p < '0' || *p > '9')
					return -1;
				for (; *p >= '0' && *p <= '9'; p++, f /= 10)
					sec += (*p - '0') * f;
			}
		}
		if (*p == 'Z')
			p++;
		else if (*p == '+' || *p == '-') {
			int sign = *p++ == '-' ? -1 : 1;
			long oh, om = 0;

			if ((oh = digits(&p, 2)) < 0 || oh > 23)
				return -1;
			if (*p == ':')
				p++;
			if (*p != '\0' && (om = digits(&p, 2)) < 0)
				return -1;
			off = sign * (oh * 3600 + om * 60);
		}
	}
	if (*p != '\0')
		return -1;
	*t = (double)days_from_civil(y, (int)mo, (int)d) * 86400.0 +
	    h * 3600.0 + mi * 60.0 + sec - off;
	return 0;
}

int
ev_time(const json_t *v, double *t)
{
	if (json_is_number(v)) {
		*t = json_number_value(v);
		return isfinite(*t) ? 0 : -1;
	}
	if (json_is_string(v))
		return ev_parse_iso(json_string_value(v), t);
	return -1;
}

void
ev_format_iso(double t, char *buf)
{
	long long s = (long long)floor(t);
	long long z = (s >= 0 ? s : s - 86399) / 86400, sod = s - z * 86400;
	long long era, doe, yoe, y, doy, mp, d, m;

	/* civil_from_days, the inverse of days_from_civil above. */
	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	snprintf(buf, 32, "%04d-%02d-%02dT%02d:%02d:%02dZ",
	    (int)(y % 10000), (int)m, (int)d, (int)(sod / 3600),
	    (int)(sod / 60 % 60), (int)(sod % 60));
}

int
ev_id(const json_t *v, const char **s, size_t *len, char *tmp, size_t tmpsz)
{
	if (json_is_string(v)) {
		*s = json_string_value(v);
		*len = json_string_length(v);
		return *len > 0 && memchr(*s, '\0', *len) == NULL ? 0 : -1;
	}
	if (json_is_integer(v)) {
		snprintf(tmp, tmpsz, "%lld", (long long)json_integer_value(v));
		*s = tmp;
		*len = strlen(tmp);
		return 0;
	}
	return -1;
}

void
evset_init(struct evset *s)
{
	memset(s, 0, sizeof(*s));
	idmap_init(&s->users);
	idmap_init(&s->items);
	idmap_init(&s->kinds);
}

void
evset_free(struct evset *s)
{
	idmap_free(&s->users);
	idmap_free(&s->items);
	idmap_free(&s->kinds);
	free(s->ev);
	free(s->text);
	free(s->toff);
	memset(s, 0, sizeof(*s));
}

int
evset_parse(struct evset *s, struct ndj_reader *r, const json_t *rec,
    struct event *ev, struct rerr *e)
{
	const char *name = ndj_name(r), *str, *kind = "view";
	long line = ndj_line(r), ui, ii, ki;
	char tmp[32];
	size_t len;
	double x;
	json_t *v;

	if (ev_id(json_object_get(rec, "user"), &str, &len, tmp,
	    sizeof(tmp)) != 0)
		return rerr_set(e, EX_DATAERR, name, line,
		    "field 'user' is missing or not a string"), -1;
	if ((ui = idmap_add(&s->users, str, len)) < 0)
		return rerr_set(e, EX_SOFTWARE, name, line, "out of memory"),
		    -1;
	if (ev_id(json_object_get(rec, "item"), &str, &len, tmp,
	    sizeof(tmp)) != 0)
		return rerr_set(e, EX_DATAERR, name, line,
		    "field 'item' is missing or not a string"), -1;
	if ((ii = idmap_add(&s->items, str, len)) < 0)
		return rerr_set(e, EX_SOFTWARE, name, line, "out of memory"),
		    -1;
	if (ev_time(json_object_get(rec, "ts"), &ev->ts) != 0)
		return rerr_set(e, EX_DATAERR, name, line,
		    "field 'ts' is missing or not a time"), -1;
	if ((v = json_object_get(rec, "event")) != NULL) {
		if (!json_is_string(v))
			return rerr_set(e, EX_DATAERR, name, line,
			    "field 'event' is not a string"), -1;
		kind = json_string_value(v);
	}
	if ((ki = idmap_add(&s->kinds, kind, strlen(kind))) < 0)
		return rerr_set(e, EX_SOFTWARE, name, line, "out of memory"),
		    -1;
	ev->rating = ev->progress = NAN;
	if ((v = json_object_get(rec, "rating")) != NULL && !json_is_null(v)) {
		if (!json_is_number(v) || !isfinite(x = json_number_value(v)))
			return rerr_set(e, EX_DATAERR, name, line,
			    "field 'rating' is not a number"), -1;
		ev->rating = (float)x;
	}
	if ((v = json_object_get(rec, "progress")) != NULL &&
	    !json_is_null(v)) {
		if (!json_is_number(v) || !((x = json_number_value(v)) >= 0 &&
		    x <= 1))
			return rerr_set(e, EX_DATAERR, name, line,
			    "field 'progress' is not a number in [0, 1]"), -1;
		ev->progress = (float)x;
	}
	ev->user = (uint32_t)ui;
	ev->item = (uint32_t)ii;
	ev->kind = (uint32_t)ki;
	return 0;
}

/*
 * evset_parse for a record that ndj_flat_parse took: the same checks in
 * the same order with the same messages, on the fast path's fields.
 * Returns 0, -1 with e filled, or 1 when the record needs jansson after
 * all (a time string too long for the buffer here), having changed
 * nothing.
 */
static int
evset_parse_flat(struct evset *s, struct ndj_reader *r,
    const struct ndj_flat *fl, struct event *ev, struct rerr *e)
{
	const struct ndj_field *fu, *fi, *ft, *fk, *f;
	const char *name = ndj_name(r), *kind = "view";
	long line = ndj_line(r), ui, ii, ki;
	size_t klen = 4;
	char tmp[64];
	int n;

	fu = ndj_flat_get(fl, "user");
	fi = ndj_flat_get(fl, "item");
	ft = ndj_flat_get(fl, "ts");
	if (ft != NULL && ft->type == NDJ_FSTR && ft->slen >= sizeof(tmp))
		return 1;
	/* A string id (the fast path holds no NUL) or an integer's text. */
	if (fu == NULL || (fu->type == NDJ_FSTR ? fu->slen == 0 :
	    fu->type != NDJ_FINT))
		return rerr_set(e, EX_DATAERR, name, line,
		    "field 'user' is missing or not a string"), -1;
	if (fu->type == NDJ_FSTR)
		ui = idmap_add(&s->users, fu->str, fu->slen);
	else {
		n = snprintf(tmp, sizeof(tmp), "%lld", fu->i);
		ui = idmap_add(&s->users, tmp, (size_t)n);
	}
	if (ui < 0)
		return rerr_set(e, EX_SOFTWARE, name, line, "out of memory"),
		    -1;
	if (fi == NULL || (fi->type == NDJ_FSTR ? fi->slen == 0 :
	    fi->type != NDJ_FINT))
		return rerr_set(e, EX_DATAERR, name, line,
		    "field 'item' is missing or not a string"), -1;
	if (fi->type == NDJ_FSTR)
		ii = idmap_add(&s->items, fi->str, fi->slen);
	else {
		n = snprintf(tmp, sizeof(tmp), "%lld", fi->i);
		ii = idmap_add(&s->items, tmp, (size_t)n);
	}
	if (ii < 0)
		return rerr_set(e, EX_SOFTWARE, name, line, "out of memory"),
		    -1;
	if (ft != NULL && (ft->type == NDJ_FINT || ft->type == NDJ_FREAL))
		ev->ts = ft->num;	/* always finite on the fast path */
	else if (ft != NULL && ft->type == NDJ_FSTR) {
		memcpy(tmp, ft->str, ft->slen);
		tmp[ft->slen] = '\0';
		if (ev_parse_iso(tmp, &ev->ts) != 0)
			ft = NULL;
	} else
		ft = NULL;
	if (ft == NULL)
		return rerr_set(e, EX_DATAERR, name, line,
		    "field 'ts' is missing or not a time"), -1;
	if ((fk = ndj_flat_get(fl, "event")) != NULL) {
		if (fk->type != NDJ_FSTR)
			return rerr_set(e, EX_DATAERR, name, line,
			    "field 'event' is not a string"), -1;
		kind = fk->str;
		klen = fk->slen;
	}
	if ((ki = idmap_add(&s->kinds, kind, klen)) < 0)
		return rerr_set(e, EX_SOFTWARE, name, line, "out of memory"),
		    -1;
	ev->rating = ev->progress = NAN;
	if ((f = ndj_flat_get(fl, "rating")) != NULL && f->type != NDJ_FNULL) {
		if (f->type != NDJ_FINT && f->type != NDJ_FREAL)
			return rerr_set(e, EX_DATAERR, name, line,
			    "field 'rating' is not a number"), -1;
		ev->rating = (float)f->num;
	}
	if ((f = ndj_flat_get(fl, "progress")) != NULL &&
	    f->type != NDJ_FNULL) {
		if ((f->type != NDJ_FINT && f->type != NDJ_FREAL) ||
		    !(f->num >= 0 && f->num <= 1))
			return rerr_set(e, EX_DATAERR, name, line,
			    "field 'progress' is not a number in [0, 1]"), -1;
		ev->progress = (float)f->num;
	}
	ev->user = (uint32_t)ui;
	ev->item = (uint32_t)ii;
	ev->kind = (uint32_t)ki;
	return 0;
}

int
evset_parse_line(struct evset *s, struct ndj_reader *r, const char *line,
    size_t len, struct event *ev, struct rerr *e)
{
	struct ndj_flat fl;
	json_t *rec;
	int rc;

	/*
	 * Flat records (nearly all of them) skip the jansson tree; the
	 * rest, and every line the fast path leaves, go to jansson.
	 */
	if (ndj_flat_parse(line, len, &fl) &&
	    (rc = evset_parse_flat(s, r, &fl, ev, e)) <= 0)
		return rc;
	if ((rec = ndj_parse(r, line, len, e)) == NULL)
		return -1;
	rc = evset_parse(s, r, rec, ev, e);
	json_decref(rec);
	return rc != 0 ? -1 : 0;
}

/* Appends one line to the kept text.  Returns 0 or -1. */
static int
keep_line(struct evset *s, const char *line, size_t len)
{
	if (s->tlen + len + 1 > s->tcap) {
		size_t cap = s->tcap ? s->tcap : 1 << 16;
		char *t;

		while (cap < s->tlen + len + 1)
			cap *= 2;
		if ((t = realloc(s->text, cap)) == NULL)
			return -1;
		s->text = t;
		s->tcap = cap;
	}
	memcpy(s->text + s->tlen, line, len);
	s->text[s->tlen + len] = '\0';
	s->toff[s->n] = s->tlen;
	s->tlen += len + 1;
	return 0;
}

int
evset_read(struct evset *s, const char *path, struct ndj_policy *p,
    struct rerr *e)
{
	struct ndj_reader *r;
	const char *line;
	size_t len;
	int rc, rv = 0;

	if ((r = ndj_open(path, e)) == NULL)
		return e->code;
	while ((rc = ndj_getline(r, &line, &len, e)) == 1) {
		struct event ev;

		if (s->n == s->cap) {
			size_t cap = s->cap ? s->cap * 2 : 1024;
			struct event *nev = realloc(s->ev, cap * sizeof(*nev));
			size_t *ntoff;

			if (nev == NULL) {
				rv = rerr_set(e, EX_SOFTWARE, NULL, 0,
				    "out of memory");
				goto out;
			}
			s->ev = nev;
			if (s->keep_text) {
				ntoff = realloc(s->toff, cap * sizeof(*ntoff));
				if (ntoff == NULL) {
					rv = rerr_set(e, EX_SOFTWARE, NULL, 0,
					    "out of memory");
					goto out;
				}
				s->toff = ntoff;
			}
			s->cap = cap;
		}
		if (evset_parse_line(s, r, line, len, &ev, e) != 0) {
			if ((rv = ndj_policy_bad(p, e)) != 0) {
				e->msg[0] = '\0';	/* reported already */
				goto out;
			}
			continue;
		}
		ndj_policy_ok(p);
		if (s->keep_text && keep_line(s, line, len) != 0) {
			rv = rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
			goto out;
		}
		ev.seq = (uint32_t)s->n;
		s->ev[s->n++] = ev;
	}
	if (rc < 0)
		rv = e->code;
out:
	ndj_close(r);
	return rv;
}

int
ev_daypart(double t, int nparts)
{
	double s = fmod(t, 86400);

	if (!(s >= 0))
		s = isnan(s) ? 0 : s + 86400;
	return (int)(s / (86400.0 / nparts)) % nparts;
}
