/*
 * What rank needs from history besides factors: item tags, titles and
 * publish times (from --items), popularity all-time and recent, and each
 * user's taste by time of day: the share of the user's positive weight
 * that fell on each (daypart, tag).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cftrain.h"

struct itag {
	uint32_t	 item, tag;
};

static int
cmp_itag(const void *a, const void *b)
{
	const struct itag *x = a, *y = b;

	if (x->item != y->item)
		return (x->item > y->item) - (x->item < y->item);
	return (x->tag > y->tag) - (x->tag < y->tag);
}

int
read_items(struct tdata *d, const char *path, struct ndj_policy *p,
    struct rerr *e)
{
	struct ndj_reader *r;
	struct itag *pairs = NULL;
	size_t np = 0, cap = 0, i;
	uint32_t *toff = NULL;
	char tmp[32];
	json_t *rec;
	int rc, rv = 0;

	if ((r = ndj_open(path, e)) == NULL)
		return e->code;
	idmap_init(&d->tags);
	while ((rc = ndj_next(r, &rec, e)) != 0) {
		const char *id, *title = NULL;
		json_t *tags, *t, *pub;
		size_t len, j;
		long ii;
		double pt;

		if (rc < 0) {
			if (e->code != EX_DATAERR) {
				rv = e->code;
				goto out;
			}
			if ((rv = ndj_policy_bad(p, e)) != 0) {
				e->msg[0] = '\0';
				goto out;
			}
			continue;
		}
		if (ev_id(json_object_get(rec, "item"), &id, &len, tmp,
		    sizeof(tmp)) != 0) {
			rerr_set(e, EX_DATAERR, ndj_name(r), ndj_line(r),
			    "field 'item' is missing or not a string");
			json_decref(rec);
			if ((rv = ndj_policy_bad(p, e)) != 0) {
				e->msg[0] = '\0';
				goto out;
			}
			continue;
		}
		ndj_policy_ok(p);
		if ((ii = idmap_add(&d->s.items, id, len)) < 0)
			goto nomem;
		if ((size_t)ii >= d->nitems) {
			d->nitems = (uint32_t)ii + 1;
		}
		/* Per-item arrays grow with the map. */
		if (d->nitems > cap) {
			size_t ncap = cap ? cap * 2 : 1024, q;
			double *np2;
			uint32_t *nt;

			while (ncap < d->nitems)
				ncap *= 2;
			np2 = realloc(d->pub, ncap * sizeof(*np2));
			if (np2 == NULL)
				goto nomem;
			d->pub = np2;
			nt = realloc(toff, ncap * sizeof(*nt));
			if (nt == NULL)
				goto nomem;
			toff = nt;
			for (q = cap; q < ncap; q++) {
				d->pub[q] = NAN;
				toff[q] = 0;
			}
			cap = ncap;
		}
		if ((pub = json_object_get(rec, "published")) != NULL &&
		    ev_time(pub, &pt) == 0)
			d->pub[ii] = pt;
		if (json_is_string(json_object_get(rec, "title")))
			title = json_string_value(json_object_get(rec,
			    "title"));
		if (title != NULL && *title != '\0') {
			size_t tl = strlen(title);

			if (d->titlelen + tl + 2 > UINT32_MAX)
				goto nomem;
			if ((d->titleblob = realloc(d->titleblob,
			    d->titlelen + tl + 2)) == NULL)
				goto nomem;
			if (d->titlelen == 0)
				d->titleblob[d->titlelen++] = '\0';
			memcpy(d->titleblob + d->titlelen, title, tl + 1);
			toff[ii] = (uint32_t)d->titlelen;
			d->titlelen += tl + 1;
		}
		tags = json_object_get(rec, "tags");
		json_array_foreach(tags, j, t) {
			long ti;

			if (!json_is_string(t))
				continue;
			if ((ti = idmap_add(&d->tags, json_string_value(t),
			    json_string_length(t))) < 0)
				goto nomem;
			if (np == 0 || np % 1024 == 0) {
				struct itag *n2 = realloc(pairs,
				    (np + 1024) * sizeof(*n2));

				if (n2 == NULL)
					goto nomem;
				pairs = n2;
			}
			pairs[np].item = (uint32_t)ii;
			pairs[np++].tag = (uint32_t)ti;
		}
		json_decref(rec);
	}
	if ((rv = ndj_policy_end(p)) != 0)
		goto out;
	/* Items of the events that the file did not name. */
	if (cap < d->nitems) {
		d->pub = realloc(d->pub, d->nitems * sizeof(*d->pub));
		toff = realloc(toff, d->nitems * sizeof(*toff));
		if (d->pub == NULL || toff == NULL)
			goto nomem;
		for (i = cap; i < d->nitems; i++)
			d->pub[i] = NAN, toff[i] = 0;
	}
	if (d->titlelen == 0) {
		if ((d->titleblob = malloc(1)) == NULL)
			goto nomem;
		d->titleblob[d->titlelen++] = '\0';
	}
	qsort(pairs, np, sizeof(*pairs), cmp_itag);
	d->itag_start = calloc((size_t)d->nitems + 1, sizeof(*d->itag_start));
	d->itag = malloc((np + 1) * sizeof(*d->itag));
	if (d->itag_start == NULL || d->itag == NULL)
		goto nomem;
	for (i = 0; i < np; i++) {
		d->itag_start[pairs[i].item + 1]++;
		d->itag[i] = pairs[i].tag;
	}
	for (i = 0; i < d->nitems; i++)
		d->itag_start[i + 1] += d->itag_start[i];
	d->title_off = toff;
	toff = NULL;
	goto out;
nomem:
	rv = rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
out:
	free(pairs);
	free(toff);
	ndj_close(r);
	return rv;
}

void
popularity(const struct tdata *d, const struct train_opts *o, float *all,
    float *recent)
{
	double from = d->t_end - o->recent_days * 86400;
	size_t i;

	memset(all, 0, d->nitems * sizeof(*all));
	memset(recent, 0, d->nitems * sizeof(*recent));
	for (i = 0; i < d->s.n; i++) {
		const struct event *ev = &d->s.ev[i];
		double w = event_weight(o, d, ev);

		if (w <= 0)
			continue;
		all[ev->item] += (float)w;
		if (ev->ts >= from)
			recent[ev->item] += 1;
	}
}

void
last_activity(const struct tdata *d, double *last)
{
	size_t i;

	for (i = 0; i < d->nusers; i++)
		last[i] = -INFINITY;
	for (i = 0; i < d->s.n; i++)
		if (d->s.ev[i].ts > last[d->s.ev[i].user])
			last[d->s.ev[i].user] = d->s.ev[i].ts;
}

int
user_prefs(const struct tdata *d, const struct train_opts *o,
    uint32_t **startp, uint32_t **keyp, float **wp, struct rerr *e)
{
	size_t nt = d->tags.n, cells = nt * MODEL_DAYPARTS, i, n = 0, cap;
	uint32_t *cnt = calloc((size_t)d->nusers + 2, sizeof(*cnt));
	uint32_t *order = malloc((d->s.n + 1) * sizeof(*order));
	uint32_t *start = calloc((size_t)d->nusers + 1, sizeof(*start));
	uint32_t *key = NULL;
	float *w = NULL;
	double *acc = calloc(cells + 1, sizeof(*acc));
	uint32_t u;

	cap = d->s.n + 16;
	key = malloc(cap * sizeof(*key));
	w = malloc(cap * sizeof(*w));
	if (!cnt || !order || !start || !acc || !key || !w)
		goto nomem;
	for (i = 0; i < d->s.n; i++)
		cnt[d->s.ev[i].user + 2]++;
	for (u = 0; u < d->nusers; u++)
		cnt[u + 2] += cnt[u + 1];
	for (i = 0; i < d->s.n; i++)
		order[cnt[d->s.ev[i].user + 1]++] = (uint32_t)i;
	for (u = 0; u < d->nusers; u++) {
		double tot = 0;
		size_t c;

		start[u] = (uint32_t)n;
		for (i = u ? cnt[u] : 0; i < cnt[u + 1]; i++) {
			const struct event *ev = &d->s.ev[order[i]];
			double x = event_weight(o, d, ev);
			int dp = ev_daypart(ev->ts, MODEL_DAYPARTS);
			uint32_t q;

			if (x <= 0)
				continue;
			for (q = d->itag_start[ev->item];
			    q < d->itag_start[ev->item + 1]; q++) {
				acc[dp * nt + d->itag[q]] += x;
				tot += x;
			}
		}
		for (c = 0; c < cells; c++) {
			if (acc[c] == 0)
				continue;
			if (n == cap) {
				uint32_t *k2 = realloc(key, 2 * cap *
				    sizeof(*k2));
				float *w2;

				if (k2 == NULL)
					goto nomem;
				key = k2;
				if ((w2 = realloc(w, 2 * cap * sizeof(*w2))) ==
				    NULL)
					goto nomem;
				w = w2;
				cap *= 2;
			}
			key[n] = (uint32_t)(c / nt) << 24 | (uint32_t)(c % nt);
			w[n++] = (float)(acc[c] / tot);
			acc[c] = 0;
		}
	}
	start[d->nusers] = (uint32_t)n;
	free(cnt), free(order), free(acc);
	*startp = start, *keyp = key, *wp = w;
	return 0;
nomem:
	free(cnt), free(order), free(acc), free(start), free(key), free(w);
	return rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
}
