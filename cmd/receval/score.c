/*
 * receval score: ranked lists (rank's output) against held-out events.
 *
 * Per test user: items of the user's train history are removed from the
 * list before it is cut; precision@10, recall@20, nDCG@10 and MAP@10 are
 * averaged over the test users, a user without a list scoring 0.
 * coverage@10 is the number of distinct items in all top-10 lists over
 * the number of distinct items in train.  RMSE is over the test events
 * with a rating for which a list gave a predicted "rating".  novelty@10
 * is the mean self-information of the top-10 items (recm_novelty) over
 * the test users.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "receval.h"

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static int
has(const uint32_t *v, size_t n, uint32_t x)
{
	return n > 0 && bsearch(&x, v, n, sizeof(*v), cmp_u32) != NULL;
}

void
recm_user(const uint32_t *list, size_t n, const uint32_t *rel, size_t nrel,
    struct recm *m)
{
	double dcg = 0, idcg = 0, ap = 0;
	size_t i, hits = 0, hits10 = 0, nideal;

	for (i = 0; i < n && i < 20; i++) {
		if (!has(rel, nrel, list[i]))
			continue;
		hits++;
		if (i < 10) {
			hits10++;
			dcg += 1.0 / log2((double)i + 2);
			ap += (double)hits10 / (double)(i + 1);
		}
	}
	nideal = nrel < 10 ? nrel : 10;
	for (i = 0; i < nideal; i++)
		idcg += 1.0 / log2((double)i + 2);
	m->prec10 = hits10 / 10.0;
	m->rec20 = (double)hits / (double)nrel;
	m->ndcg10 = idcg > 0 ? dcg / idcg : 0;
	m->map10 = nideal > 0 ? ap / (double)nideal : 0;
}

double
recm_novelty(const uint32_t *list, size_t n, const uint32_t *pop,
    size_t npop, size_t nusers)
{
	double s = 0;
	size_t i, k = 0;

	for (i = 0; i < n && i < 10; i++) {
		if (list[i] >= npop || pop[list[i]] == 0)
			continue;
		s -= log2((double)pop[list[i]] / (double)nusers);
		k++;
	}
	return k > 0 ? s / (double)k : -1;
}

/* Items per user, as sorted compressed rows. */
struct rows {
	size_t		*start;		/* users + 1 */
	uint32_t	*item;
	float		*rating;
	size_t		 nusers;
};

static void
rows_free(struct rows *r)
{
	free(r->start), free(r->item), free(r->rating);
}

struct pair {
	uint32_t	 user, item;
	float		 rating;
};

static int
cmp_pair(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;

	if (x->user != y->user)
		return (x->user > y->user) - (x->user < y->user);
	return (x->item > y->item) - (x->item < y->item);
}

/* Builds rows of events [from, to) of s whose rating passes min. */
static int
rows_build(struct rows *r, const struct evset *s, size_t from, size_t to,
    double min, size_t nusers)
{
	struct pair *p = malloc((to - from + 1) * sizeof(*p));
	size_t i, n = 0, k = 0;

	memset(r, 0, sizeof(*r));
	r->nusers = nusers;
	r->start = calloc(nusers + 1, sizeof(*r->start));
	r->item = malloc((to - from + 1) * sizeof(*r->item));
	r->rating = malloc((to - from + 1) * sizeof(*r->rating));
	if (p == NULL || r->start == NULL || r->item == NULL ||
	    r->rating == NULL) {
		free(p);
		return -1;
	}
	for (i = from; i < to; i++) {
		const struct event *ev = &s->ev[i];

		if (!isnan(min) && !(ev->rating >= min))
			continue;
		p[n].user = ev->user;
		p[n].item = ev->item;
		p[n++].rating = ev->rating;
	}
	qsort(p, n, sizeof(*p), cmp_pair);
	for (i = 0; i < n; i++) {
		/* A repeated pair counts once (its last rating). */
		if (k > 0 && p[i].user == p[i - 1].user &&
		    p[i].item == p[i - 1].item) {
			r->rating[k - 1] = p[i].rating;
			continue;
		}
		r->start[p[i].user + 1]++;
		r->item[k] = p[i].item;
		r->rating[k++] = p[i].rating;
	}
	for (i = 0; i < nusers; i++)
		r->start[i + 1] += r->start[i];
	free(p);
	return 0;
}

struct scorer {
	struct evset	 s;
	size_t		 ntrain;	/* events [0, ntrain) are train */
	uint32_t	 ntrain_users;
	struct rows	 seen, rel, test;
	unsigned char	*done;		/* per user: a list was scored */
	unsigned char	*covered;	/* per item: in some top-10 list */
	size_t		 ncovered;	/* items covered[] has room for */
	uint32_t	*pop;		/* per item: train users with it */
	double		 novelty;	/* sum over users */
	size_t		 nnovel;	/* users with a novelty */
	struct recm	 sum;
	double		 sqerr;
	size_t		 npred;
	uint32_t	*buf;
	float		*pred;
	size_t		 bufcap;
};

static int
score_list(struct scorer *sc, struct ndj_reader *r, json_t *rec,
    struct rerr *e)
{
	const char *name = ndj_name(r), *str;
	long line = ndj_line(r), u;
	char tmp[32];
	size_t len, i, n = 0, ns, nr;
	json_t *items, *it;
	const uint32_t *seen;
	struct recm m;
	double nov;

	if (ev_id(json_object_get(rec, "user"), &str, &len, tmp,
	    sizeof(tmp)) != 0)
		return rerr_set(e, EX_DATAERR, name, line,
		    "field 'user' is missing or not a string");
	items = json_object_get(rec, "items");
	if (!json_is_array(items))
		return rerr_set(e, EX_DATAERR, name, line,
		    "field 'items' is missing or not an array");
	if ((u = idmap_add(&sc->s.users, str, len)) < 0)
		return rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
	if ((size_t)u >= sc->seen.nusers)
		return 0;	/* a user in neither train nor test */
	if (sc->done[u])
		return rerr_set(e, EX_DATAERR, name, line,
		    "a second list for user '%s'", str);
	sc->done[u] = 1;
	if (json_array_size(items) > sc->bufcap) {
		size_t cap = json_array_size(items);
		uint32_t *b = realloc(sc->buf, cap * sizeof(*b));
		float *p;

		if (b == NULL)
			return rerr_set(e, EX_SOFTWARE, NULL, 0,
			    "out of memory");
		sc->buf = b;
		if ((p = realloc(sc->pred, cap * sizeof(*p))) == NULL)
			return rerr_set(e, EX_SOFTWARE, NULL, 0,
			    "out of memory");
		sc->pred = p;
		sc->bufcap = cap;
	}
	seen = sc->seen.item + sc->seen.start[u];
	ns = sc->seen.start[u + 1] - sc->seen.start[u];
	json_array_foreach(items, i, it) {
		json_t *id = json_is_object(it) ? json_object_get(it, "item") :
		    it, *rt;
		long ii;

		if (ev_id(id, &str, &len, tmp, sizeof(tmp)) != 0)
			return rerr_set(e, EX_DATAERR, name, line,
			    "items[%zu]: no item id", i);
		if ((ii = idmap_add(&sc->s.items, str, len)) < 0)
			return rerr_set(e, EX_SOFTWARE, NULL, 0,
			    "out of memory");
		sc->pred[n] = NAN;
		if (json_is_object(it) &&
		    (rt = json_object_get(it, "rating")) != NULL) {
			if (!json_is_number(rt))
				return rerr_set(e, EX_DATAERR, name, line,
				    "items[%zu]: 'rating' is not a number", i);
			sc->pred[n] = (float)json_number_value(rt);
		}
		sc->buf[n++] = (uint32_t)ii;
	}
	/* Predicted ratings of the user's test events, before filtering. */
	for (i = 0; i < n; i++) {
		size_t a = sc->test.start[u], b = sc->test.start[u + 1], j;

		if (isnan(sc->pred[i]))
			continue;
		for (j = a; j < b; j++)
			if (sc->test.item[j] == sc->buf[i] &&
			    !isnan(sc->test.rating[j])) {
				double d = sc->pred[i] - sc->test.rating[j];

				sc->sqerr += d * d;
				sc->npred++;
			}
	}
	/* Seen items out, then the metrics on what is left. */
	for (i = 0, len = 0; i < n; i++)
		if (!has(seen, ns, sc->buf[i]))
			sc->buf[len++] = sc->buf[i];
	for (i = 0; i < len && i < 10; i++)
		if (sc->buf[i] < sc->ncovered)
			sc->covered[sc->buf[i]] = 1;
	nr = sc->rel.start[u + 1] - sc->rel.start[u];
	if (nr == 0)
		return 0;
	recm_user(sc->buf, len, sc->rel.item + sc->rel.start[u], nr, &m);
	if ((nov = recm_novelty(sc->buf, len, sc->pop, sc->ncovered,
	    sc->ntrain_users)) >= 0) {
		sc->novelty += nov;
		sc->nnovel++;
	}
	sc->sum.prec10 += m.prec10;
	sc->sum.rec20 += m.rec20;
	sc->sum.ndcg10 += m.ndcg10;
	sc->sum.map10 += m.map10;
	return 0;
}

static void
put_metric(const char *name, double v, size_t users, const char *nkey)
{
	json_t *o = json_object();

	json_object_set_new(o, "type", json_string("metric"));
	json_object_set_new(o, "name", json_string(name));
	ndj_set_real(o, "value", v, 6);
	json_object_set_new(o, nkey, json_integer((json_int_t)users));
	ndj_write(stdout, o);
	json_decref(o);
}

int
receval_score(const struct score_opts *o, const char *path,
    struct ndj_policy *p)
{
	struct scorer sc;
	struct ndj_policy tp = *p;
	struct rerr e = { 0 };
	struct ndj_reader *r = NULL;
	size_t i, ntest = 0, nitems, ncov = 0, ntritems;
	unsigned char *tritem = NULL;
	json_t *rec;
	int rv, rc;

	memset(&sc, 0, sizeof(sc));
	evset_init(&sc.s);
	if ((rv = evset_read(&sc.s, o->train, &tp, &e)) != 0)
		goto out;
	sc.ntrain = sc.s.n;
	sc.ntrain_users = sc.s.users.n;
	if ((rv = evset_read(&sc.s, o->test, &tp, &e)) != 0)
		goto out;
	if ((rv = ndj_policy_end(&tp)) != 0)
		goto done;
	/*
	 * Items a list names that neither file knows are interned as they
	 * come; they cannot be relevant and are not in the coverage base.
	 */
	if (rows_build(&sc.seen, &sc.s, 0, sc.ntrain, NAN, sc.s.users.n) ||
	    rows_build(&sc.rel, &sc.s, sc.ntrain, sc.s.n, o->min_rating,
	    sc.s.users.n) ||
	    rows_build(&sc.test, &sc.s, sc.ntrain, sc.s.n, NAN,
	    sc.s.users.n) ||
	    (sc.done = calloc(sc.s.users.n + 1, 1)) == NULL ||
	    (tritem = calloc(sc.s.items.n + 1, 1)) == NULL) {
		rv = rerr_set(&e, EX_SOFTWARE, NULL, 0, "out of memory");
		goto out;
	}
	for (i = 0; i < sc.ntrain; i++)
		tritem[sc.s.ev[i].item] = 1;
	for (i = 0, ntritems = 0; i < sc.s.items.n; i++)
		ntritems += tritem[i];
	nitems = sc.s.items.n;
	sc.ncovered = nitems;
	if ((sc.covered = calloc(nitems + 1, 1)) == NULL ||
	    (sc.pop = calloc(nitems + 1, sizeof(*sc.pop))) == NULL) {
		rv = rerr_set(&e, EX_SOFTWARE, NULL, 0, "out of memory");
		goto out;
	}
	/* Train users per item: the seen rows hold each pair once. */
	for (i = 0; i < sc.seen.start[sc.seen.nusers]; i++)
		sc.pop[sc.seen.item[i]]++;
	if ((r = ndj_open(path, &e)) == NULL) {
		rv = e.code;
		goto out;
	}
	while ((rc = ndj_next(r, &rec, &e)) != 0) {
		if (rc < 0 && e.code != EX_DATAERR) {
			rv = e.code;
			goto out;
		}
		if (rc > 0) {
			rc = score_list(&sc, r, rec, &e);
			json_decref(rec);
			if (rc == EX_SOFTWARE) {
				rv = rc;
				goto out;
			}
		}
		if (rc != 0) {
			if ((rv = ndj_policy_bad(p, &e)) != 0)
				goto done;	/* reported */
			continue;
		}
		ndj_policy_ok(p);
	}
	if ((rv = ndj_policy_end(p)) != 0)
		goto done;
	for (i = 0; i < sc.s.users.n && i < sc.rel.nusers; i++)
		ntest += sc.rel.start[i + 1] > sc.rel.start[i];
	/* Only items of train count as coverage (the denominator's set). */
	for (i = 0; i < nitems; i++)
		ncov += sc.covered[i] && tritem[i];
	if (ntest == 0) {
		rv = rerr_set(&e, EX_DATAERR, o->test, 0, "no test users");
		goto out;
	}
	put_metric("precision@10", sc.sum.prec10 / ntest, ntest, "users");
	put_metric("recall@20", sc.sum.rec20 / ntest, ntest, "users");
	put_metric("ndcg@10", sc.sum.ndcg10 / ntest, ntest, "users");
	put_metric("map@10", sc.sum.map10 / ntest, ntest, "users");
	put_metric("coverage@10", ntritems ? (double)ncov / ntritems : 0,
	    ntritems, "items");
	if (sc.nnovel > 0)
		put_metric("novelty@10", sc.novelty / sc.nnovel, sc.nnovel,
		    "users");
	if (sc.npred > 0)
		put_metric("rmse", sqrt(sc.sqerr / sc.npred), sc.npred,
		    "events");
	goto done;
out:
	if (e.msg[0] != '\0')
		cli_report(&e);
done:
	if (r != NULL)
		ndj_close(r);
	rows_free(&sc.seen), rows_free(&sc.rel), rows_free(&sc.test);
	free(sc.done), free(sc.covered), free(sc.buf), free(sc.pred);
	free(sc.pop);
	free(tritem);
	evset_free(&sc.s);
	return rv;
}
