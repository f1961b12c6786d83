/*
 * From events to confidence rows, and the small helpers every model of
 * cf-train uses (deterministic random numbers, a thread pool of one loop).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cftrain.h"
#include "hash.h"

/* Built-in weights of the common event kinds; --weight overrides. */
static const struct {
	const char	*kind;
	double		 w;
} defweights[] = {
	{ "click", 0.5 }, { "dislike", -1 }, { "like", 2 }, { "skip", -1 },
};

int
kind_weights(struct tdata *d, const struct train_opts *o)
{
	const struct idmap *kinds = &d->s.kinds;
	uint32_t k;
	size_t i;
	int j;

	free(d->kindw);
	if ((d->kindw = malloc((kinds->n + 1) * sizeof(*d->kindw))) == NULL)
		return -1;
	for (k = 0; k < kinds->n; k++) {
		const char *kind = idmap_name(kinds, k);
		double w = 1;

		for (i = 0; i < sizeof(defweights) / sizeof(defweights[0]); i++)
			if (strcmp(kind, defweights[i].kind) == 0)
				w = defweights[i].w;
		for (j = 0; j < o->nkind; j++)
			if (strcmp(kind, o->kind[j]) == 0)
				w = o->kw[j];
		d->kindw[k] = w;
	}
	return 0;
}

double
event_weight(const struct train_opts *o, const struct tdata *d,
    const struct event *ev)
{
	double w = d->kindw[ev->kind];

	if (!isnan(ev->progress) && w > 0)
		w = ev->progress < o->neg_progress ? -w : w * ev->progress;
	if (!isnan(ev->rating) && !isnan(o->neg_rating) &&
	    ev->rating < o->neg_rating && w > 0)
		w = -w;
	if (o->half_life > 0)
		w *= exp2(-(d->t_end - ev->ts) / o->half_life);
	return w;
}

void
csr_free(struct csr *m)
{
	free(m->start), free(m->col), free(m->c), free(m->p);
	memset(m, 0, sizeof(*m));
}

static int
csr_alloc(struct csr *m, uint32_t nrows, size_t nnz)
{
	m->nrows = nrows;
	m->start = calloc((size_t)nrows + 1, sizeof(*m->start));
	m->col = malloc((nnz + 1) * sizeof(*m->col));
	m->c = malloc((nnz + 1) * sizeof(*m->c));
	m->p = malloc((nnz + 1) * sizeof(*m->p));
	return m->start && m->col && m->c && m->p ? 0 : -1;
}

struct cell {
	uint32_t	 item;
	float		 w;
};

static int
cmp_cell(const void *a, const void *b)
{
	const struct cell *x = a, *y = b;

	return (x->item > y->item) - (x->item < y->item);
}

int
build_rows(struct tdata *d, const struct train_opts *o, struct rerr *e)
{
	const struct evset *s = &d->s;
	uint32_t *cnt = NULL, *pos = NULL, u;
	struct cell *cells = NULL;
	struct csr *bu = &d->byuser, *bi = &d->byitem;
	size_t i, nnz = 0;
	int rv = 0;

	d->t_end = -INFINITY;
	for (i = 0; i < s->n; i++)
		if (s->ev[i].ts > d->t_end)
			d->t_end = s->ev[i].ts;
	if (kind_weights(d, o) != 0)
		goto nomem;
	cnt = calloc((size_t)d->nusers + 1, sizeof(*cnt));
	cells = malloc((s->n + 1) * sizeof(*cells));
	if (cnt == NULL || cells == NULL)
		goto nomem;
	/* Bucket the events by user (a counting sort), then by item. */
	for (i = 0; i < s->n; i++)
		cnt[s->ev[i].user + 1]++;
	for (u = 0; u < d->nusers; u++)
		cnt[u + 1] += cnt[u];
	if ((pos = malloc(((size_t)d->nusers + 1) * sizeof(*pos))) == NULL)
		goto nomem;
	memcpy(pos, cnt, ((size_t)d->nusers + 1) * sizeof(*pos));
	for (i = 0; i < s->n; i++) {
		const struct event *ev = &s->ev[i];

		cells[pos[ev->user]].item = ev->item;
		cells[pos[ev->user]++].w = (float)event_weight(o, d, ev);
	}
	for (u = 0; u < d->nusers; u++) {
		size_t a = cnt[u], b = cnt[u + 1], j, k = a;

		qsort(cells + a, b - a, sizeof(*cells), cmp_cell);
		for (j = a; j < b; j++) {
			if (j > a && cells[j].item == cells[k - 1].item)
				cells[k - 1].w += cells[j].w;
			else
				cells[k++] = cells[j];
		}
		pos[u] = (uint32_t)(k - a);	/* pairs of user u */
		nnz += k - a;
	}
	if (csr_alloc(bu, d->nusers, nnz) || csr_alloc(bi, d->nitems, nnz))
		goto nomem;
	for (u = 0, nnz = 0; u < d->nusers; u++) {
		size_t a = cnt[u], j;

		bu->start[u] = (uint32_t)nnz;
		for (j = a; j < a + pos[u]; j++, nnz++) {
			float w = cells[j].w;

			bu->col[nnz] = cells[j].item;
			bu->p[nnz] = w > 0;
			bu->c[nnz] = (float)(o->alpha * fabsf(w));
			bi->start[cells[j].item + 1]++;
		}
	}
	bu->start[d->nusers] = (uint32_t)nnz;
	/* The transpose: rows by item, users ascending within each. */
	for (u = 0; u < d->nitems; u++)
		bi->start[u + 1] += bi->start[u];
	free(pos);
	if ((pos = malloc(((size_t)d->nitems + 1) * sizeof(*pos))) == NULL)
		goto nomem;
	memcpy(pos, bi->start, ((size_t)d->nitems + 1) * sizeof(*pos));
	for (u = 0; u < d->nusers; u++)
		for (i = bu->start[u]; i < bu->start[u + 1]; i++) {
			uint32_t at = pos[bu->col[i]]++;

			bi->col[at] = u;
			bi->c[at] = bu->c[i];
			bi->p[at] = bu->p[i];
		}
	goto out;
nomem:
	rv = rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
out:
	free(cnt), free(pos), free(cells);
	return rv;
}

float
gauss(unsigned long seed, uint64_t stream, uint64_t i)
{
	uint64_t a = hash_mix64(seed ^ hash_mix64(stream * HASH_FNV_PRIME ^
	    hash_mix64(i)));
	uint64_t b = hash_mix64(a);
	double u1 = ((a >> 11) + 1.0) / 9007199254740993.0;
	double u2 = (b >> 11) / 9007199254740992.0;

	return (float)(sqrt(-2 * log(u1)) * cos(2 * M_PI * u2));
}

