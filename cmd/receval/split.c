/*
 * receval split: train/test event streams by a time cut or by leaving
 * each user's last event out, with the warm filters of PROTOCOL.md (a test
 * event's user and item must occur in train, and the pair must not).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "atomic.h"
#include "receval.h"
#include "sort.h"

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static uint64_t
pairkey(const struct event *ev)
{
	return (uint64_t)ev->user << 32 | ev->item;
}

/*
 * Applies the warm filters: candidates (where == 2) whose user or item has
 * no train event, or whose pair occurs in train, become 0.
 */
static int
warm_filter(const struct evset *s, unsigned char *where, struct rerr *e)
{
	unsigned char *uin, *iin;
	uint64_t *pairs;
	size_t i, np = 0;

	uin = calloc(s->users.n + 1, 1);
	iin = calloc(s->items.n + 1, 1);
	pairs = malloc((s->n + 1) * sizeof(*pairs));
	if (uin == NULL || iin == NULL || pairs == NULL) {
		free(uin), free(iin), free(pairs);
		return rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
	}
	for (i = 0; i < s->n; i++)
		if (where[i] == 1) {
			uin[s->ev[i].user] = iin[s->ev[i].item] = 1;
			pairs[np++] = pairkey(&s->ev[i]);
		}
	qsort(pairs, np, sizeof(*pairs), cmp_u64);
	for (i = 0; i < s->n; i++) {
		uint64_t k = pairkey(&s->ev[i]);

		if (where[i] != 2)
			continue;
		if (!uin[s->ev[i].user] || !iin[s->ev[i].item] ||
		    bsearch(&k, pairs, np, sizeof(*pairs), cmp_u64) != NULL)
			where[i] = 0;
	}
	free(uin), free(iin), free(pairs);
	return 0;
}

int
split_assign(const struct evset *s, const struct split_opts *o,
    unsigned char *where, double *cut, struct rerr *e)
{
	size_t i;

	if (o->mode == SPLIT_TIME) {
		double t = o->cut;

		if (o->frac > 0) {
			double *ts = malloc((s->n + 1) * sizeof(*ts));
			size_t q;

			if (ts == NULL)
				return rerr_set(e, EX_SOFTWARE, NULL, 0,
				    "out of memory");
			for (i = 0; i < s->n; i++)
				ts[i] = s->ev[i].ts;
			qsort(ts, s->n, sizeof(*ts), sort_cmp_double);
			/* The q-quantile: the first time at or after q*n. */
			q = (size_t)floor(o->frac * (double)s->n);
			t = q < s->n ? ts[q] : INFINITY;
			free(ts);
		}
		*cut = t;
		for (i = 0; i < s->n; i++)
			where[i] = s->ev[i].ts < t ? 1 : 2;
	} else {
		size_t *last = malloc((s->users.n + 1) * sizeof(*last));
		uint32_t *cnt = calloc(s->users.n + 1, sizeof(*cnt));

		if (last == NULL || cnt == NULL) {
			free(last), free(cnt);
			return rerr_set(e, EX_SOFTWARE, NULL, 0,
			    "out of memory");
		}
		/* The latest event of each user; ties go to the later line. */
		for (i = 0; i < s->n; i++) {
			uint32_t u = s->ev[i].user;

			if (cnt[u]++ == 0 || s->ev[i].ts >= s->ev[last[u]].ts)
				last[u] = i;
			where[i] = 1;
		}
		for (i = 0; i < s->users.n; i++)
			if (cnt[i] >= 2)
				where[last[i]] = 2;
		free(last), free(cnt);
		*cut = NAN;
	}
	return warm_filter(s, where, e);
}

/* Writes the records of s marked want to path, atomically. */
static int
write_part(const struct evset *s, const unsigned char *where, int want,
    const char *path, struct rerr *e)
{
	struct atomic_file *af;
	FILE *fp;
	size_t i;
	int rv;

	if ((fp = atomic_open_output(path, &af, e)) == NULL)
		return e->code;
	for (i = 0; i < s->n; i++)
		if (where[i] == want) {
			fputs(s->text + s->toff[i], fp);
			putc('\n', fp);
		}
	if (ferror(fp)) {
		atomic_close_output(af, 0, e);
		return rerr_set(e, EX_IOERR, path, 0, "write error");
	}
	rv = atomic_close_output(af, 1, e);
	return rv;
}

int
receval_split(const struct split_opts *o, const char *path,
    struct ndj_policy *p)
{
	struct evset s;
	struct rerr e = { 0 };
	unsigned char *where = NULL;
	double cut;
	int rv;

	evset_init(&s);
	s.keep_text = 1;
	if ((rv = evset_read(&s, path, p, &e)) != 0)
		goto out;
	if ((rv = ndj_policy_end(p)) != 0)
		goto done;
	if ((where = malloc(s.n + 1)) == NULL) {
		rv = rerr_set(&e, EX_SOFTWARE, NULL, 0, "out of memory");
		goto out;
	}
	if ((rv = split_assign(&s, o, where, &cut, &e)) != 0)
		goto out;
	if ((rv = write_part(&s, where, 1, o->train, &e)) != 0 ||
	    (rv = write_part(&s, where, 2, o->test, &e)) != 0)
		goto out;
	goto done;
out:
	if (e.msg[0] != '\0')
		cli_report(&e);
done:
	free(where);
	evset_free(&s);
	return rv;
}
