/*
 * The scoring of one request: each part of the blend over the candidate
 * items (all items by default), normalised to [0, 1], weighted and summed;
 * seen items dropped; the best kept by a top-k heap as they are scored
 * (the fused multiply and top-k); then optional MMR diversity and reasons.
 *
 * Normalisation: the collaborative score is min-max scaled per request;
 * item-neighbour and time-of-day scores are divided by their per-request
 * maximum; popularity, recent popularity and freshness by their maximum
 * over all items (once, at start); content is a cosine, already in
 * [0, 1].
 *
 * Over all items (the common request) the work is: the collaborative
 * scores of a block of users at once (cf_block), sums of the user's
 * profile once per item signature rather than per item (content_sums,
 * tod_sums), then one pass over the items that blends, filters and keeps
 * the best (scan_all).  There every value that decides a list is
 * computed as parts_of computes the parts it prints, so the lists are
 * those of the item by item loop that candidate lists take.
 */
/* The fused multiply and top-k loop is vectorised by GCC only at -O3. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3")
#endif

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "linalg.h"
#include "rank.h"

const char *const part_names[NPART] = {
	"cf", "item", "content", "tod", "fresh", "pop", "recent"
};

static const char *const daypart_names[MODEL_DAYPARTS] = {
	"night", "morning", "afternoon", "evening"
};

/* x . y with eight partial sums, which GCC turns into vector code. */
static inline float
dot8(const float *x, const float *y, int k)
{
	float acc[8] = { 0 }, s = 0;
	int j, l;

	for (j = 0; j + 8 <= k; j += 8)
		for (l = 0; l < 8; l++)
			acc[l] += x[j + l] * y[j + l];
	for (; j < k; j++)
		s += x[j] * y[j];
	for (l = 0; l < 8; l++)
		s += acc[l];
	return s;
}

static int
names_map(struct idmap *m, const char *blob, const uint32_t *off, uint32_t n)
{
	uint32_t i;

	idmap_init(m);
	for (i = 0; i < n; i++) {
		const char *s = blob + off[i];

		/* A repeated name keeps its first index. */
		if (idmap_add(m, s, strlen(s)) < 0)
			return -1;
	}
	return 0;
}

static void
normalise(const float *in, float *out, size_t n)
{
	float mx = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (in[i] > mx)
			mx = in[i];
	for (i = 0; i < n; i++)
		out[i] = mx > 0 && in[i] > 0 ? in[i] / mx : 0;
}

/* Words too common in titles to say anything about taste. */
static const char *const stopwords[] = {
	"a", "an", "and", "at", "by", "de", "for", "from", "in", "is", "it",
	"la", "le", "of", "on", "or", "the", "to", "with"
};

static int
is_stopword(const char *w)
{
	size_t i;

	for (i = 0; i < sizeof(stopwords) / sizeof(stopwords[0]); i++)
		if (strcmp(w, stopwords[i]) == 0)
			return 1;
	return 0;
}

static int
cmp_term(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/*
 * The terms of each item for the content part: its tags (ids 0 .. ntags
 * - 1) and the words of its title: runs of letters and digits (any byte
 * of a UTF-8 sequence counts as a letter), ASCII lower-cased, of two
 * bytes or more, stop words left out; each term once per item, in
 * increasing id.  Words come after the tags, the frequent ones (in at
 * least one item in RANK_FREQ) first: so an item's list is its
 * signature's terms (see build_sigs) followed by its rare words.
 */
#define RANK_FREQ	128

static int
build_terms(struct ranker *r)
{
	const struct model *m = &r->m;
	size_t ni = m->meta.nitems, nt = m->meta.ntags, n = 0, cap = 0, i;
	struct idmap words;
	uint32_t *term = NULL, *df = NULL, *renum = NULL, nfreq = 0, nrare = 0;
	int rv = -1;

	idmap_init(&words);
	if ((r->tstart = calloc(ni + 1, sizeof(*r->tstart))) == NULL)
		goto out;
	for (i = 0; i < ni; i++) {
		const char *t = m->titles != NULL && m->title_off[i] != 0 ?
		    m->titles + m->title_off[i] : "";
		size_t a;

		/* Room for the tags and at most one word per two bytes. */
		if (n + (m->itag_start != NULL ? m->itag_start[i + 1] -
		    m->itag_start[i] : 0) + strlen(t) / 2 + 1 > cap) {
			uint32_t *p;

			cap = 2 * cap + strlen(t) + 64;
			if (m->itag_start != NULL)
				cap += m->itag_start[i + 1] - m->itag_start[i];
			if ((p = realloc(term, cap * sizeof(*p))) == NULL)
				goto out;
			term = p;
		}
		if (nt > 0)
			for (a = m->itag_start[i]; a < m->itag_start[i + 1];
			    a++)
				term[n++] = m->itag[a];
		while (*t != '\0') {
			char w[64];
			size_t len = 0;
			long id;

			while (*t != '\0' && !isalnum((unsigned char)*t) &&
			    !((unsigned char)*t & 0x80))
				t++;
			while (*t != '\0' && (isalnum((unsigned char)*t) ||
			    ((unsigned char)*t & 0x80))) {
				if (len < sizeof(w) - 1)
					w[len++] = (char)tolower(
					    (unsigned char)*t);
				t++;
			}
			w[len] = '\0';
			if (len < 2 || is_stopword(w))
				continue;
			if ((id = idmap_add(&words, w, len)) < 0)
				goto out;
			term[n++] = (uint32_t)(nt + id);
		}
		r->tstart[i + 1] = (uint32_t)n;
	}
	/* Document frequencies, then the frequent words first. */
	if ((df = calloc(words.n + 1, sizeof(*df))) == NULL ||
	    (renum = malloc((words.n + 1) * sizeof(*renum))) == NULL)
		goto out;
	for (i = 0; i < ni; i++) {
		size_t a;

		qsort(term + r->tstart[i], r->tstart[i + 1] - r->tstart[i],
		    sizeof(*term), cmp_term);
		for (a = r->tstart[i]; a < r->tstart[i + 1]; a++)
			if (term[a] >= nt && (a == r->tstart[i] ||
			    term[a] != term[a - 1]))
				df[term[a] - nt]++;
	}
	for (i = 0; i < words.n; i++)
		if ((size_t)df[i] * RANK_FREQ >= ni)
			renum[i] = nfreq++;
	for (i = 0; i < words.n; i++)
		if ((size_t)df[i] * RANK_FREQ < ni)
			renum[i] = nfreq + nrare++;
	/*
	 * Renumbered, sorted, each term once, moved down over the
	 * duplicates of the lists before (so never past the entry read).
	 */
	for (i = 0, n = 0; i < ni; i++) {
		size_t first = n, len = r->tstart[i + 1] - r->tstart[i], a;

		for (a = r->tstart[i]; a < r->tstart[i + 1]; a++)
			term[n++] = term[a] < nt ? term[a] :
			    (uint32_t)nt + renum[term[a] - nt];
		qsort(term + first, len, sizeof(*term), cmp_term);
		for (a = n = first; a < first + len; a++)
			if (n == first || term[a] != term[n - 1])
				term[n++] = term[a];
		r->tstart[i] = (uint32_t)first;
	}
	r->tstart[ni] = (uint32_t)n;
	r->term = term;
	term = NULL;
	r->nterm = nt + words.n;
	r->rare0 = (uint32_t)(nt + nfreq);
	rv = 0;
out:
	free(term);
	free(df);
	free(renum);
	idmap_free(&words);
	return rv;
}

/* A growing array of uint32_t. */
struct u32v {
	uint32_t	*p;
	size_t		 n, cap;
};

static int
u32v_push(struct u32v *v, uint32_t x)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? 2 * v->cap : 256;
		uint32_t *p = realloc(v->p, cap * sizeof(*p));

		if (p == NULL)
			return -1;
		v->p = p;
		v->cap = cap;
	}
	v->p[v->n++] = x;
	return 0;
}

/*
 * The signatures of the items (see struct ranker), and the items of each
 * rare word in increasing order.  An item's content sum over its terms,
 * in their order, is its signature's sum then its rare words'; its time
 * of day sum is its signature's.  Returns 0 or -1.
 */
static int
build_sigs(struct ranker *r)
{
	const struct model *m = &r->m;
	size_t ni = m->meta.nitems, i, len, nrare;
	int tags = m->meta.ntags > 0 && m->itag_start != NULL;
	struct u32v sct = { 0 }, sg = { 0 }, sctstart = { 0 }, sgstart = { 0 };
	struct idmap keys;
	char *key = NULL;
	size_t cap = 0;
	uint32_t a, *fill = NULL;
	int rv = -1;

	idmap_init(&keys);
	if ((r->sig = calloc(ni / RANK_CHUNK * RANK_CHUNK + RANK_CHUNK,
	    sizeof(*r->sig))) == NULL || u32v_push(&sctstart, 0) ||
	    u32v_push(&sgstart, 0))
		goto out;
	for (i = 0; i < ni; i++) {
		uint32_t g0 = tags ? m->itag_start[i] : 0;
		uint32_t g1 = tags ? m->itag_start[i + 1] : 0, c1;
		long id;

		for (c1 = r->tstart[i]; c1 < r->tstart[i + 1] &&
		    r->term[c1] < r->rare0; c1++)
			;
		/* The key: the tags, then the terms, in decimal. */
		if ((g1 - g0 + c1 - r->tstart[i] + 1) * 11 + 1 > cap) {
			char *k2;

			cap = (g1 - g0 + c1 - r->tstart[i] + 1) * 22 + 64;
			if ((k2 = realloc(key, cap)) == NULL)
				goto out;
			key = k2;
		}
		len = 0;
		for (a = g0; a < g1; a++)
			len += (size_t)snprintf(key + len, cap - len, "%u,",
			    m->itag[a]);
		key[len++] = ';';
		for (a = r->tstart[i]; a < c1; a++)
			len += (size_t)snprintf(key + len, cap - len, "%u,",
			    r->term[a]);
		if ((id = idmap_add(&keys, key, len)) < 0)
			goto out;
		r->sig[i] = (uint32_t)id;
		if ((size_t)id + 1 < sctstart.n)
			continue;
		for (a = g0; a < g1; a++)
			if (u32v_push(&sg, m->itag[a]))
				goto out;
		for (a = r->tstart[i]; a < c1; a++)
			if (u32v_push(&sct, r->term[a]))
				goto out;
		if (u32v_push(&sgstart, (uint32_t)sg.n) ||
		    u32v_push(&sctstart, (uint32_t)sct.n))
			goto out;
	}
	r->nsig = keys.n;
	r->sct = sct.p, r->sctstart = sctstart.p;
	r->sg = sg.p, r->sgstart = sgstart.p;
	sct.p = sctstart.p = sg.p = sgstart.p = NULL;
	/* Postings of the rare words, by counting. */
	nrare = r->nterm > r->rare0 ? r->nterm - r->rare0 : 0;
	if ((r->pstart = calloc(nrare + 2, sizeof(*r->pstart))) == NULL ||
	    (fill = calloc(nrare + 1, sizeof(*fill))) == NULL)
		goto out;
	for (i = 0; i < ni; i++)
		for (a = r->tstart[i]; a < r->tstart[i + 1]; a++)
			if (r->term[a] >= r->rare0)
				r->pstart[r->term[a] - r->rare0 + 1]++;
	for (i = 0; i < nrare; i++)
		r->pstart[i + 1] += r->pstart[i];
	if ((r->post = malloc((r->pstart[nrare] + 1) *
	    sizeof(*r->post))) == NULL)
		goto out;
	for (i = 0; i < ni; i++)
		for (a = r->tstart[i]; a < r->tstart[i + 1]; a++)
			if (r->term[a] >= r->rare0) {
				uint32_t w = r->term[a] - r->rare0;

				r->post[r->pstart[w] + fill[w]++] = (uint32_t)i;
			}
	rv = 0;
out:
	free(key), free(fill);
	free(sct.p), free(sctstart.p), free(sg.p), free(sgstart.p);
	idmap_free(&keys);
	return rv;
}

/*
 * Puts chunk c among the best ns of seed (by key, best first, ns < max
 * so far).  Returns the new count.
 */
static int
seed_add(uint32_t *seed, float *key, int ns, int max, uint32_t c, float kc)
{
	int j;

	if (ns == max && !(kc > key[ns - 1]))
		return ns;
	j = ns < max ? ns++ : ns - 1;
	for (; j > 0 && kc > key[j - 1]; j--)
		seed[j] = seed[j - 1], key[j] = key[j - 1];
	seed[j] = c, key[j] = kc;
	return ns;
}

int
ranker_init(struct ranker *r, struct rerr *e)
{
	const struct model *m = &r->m;
	size_t ni = m->meta.nitems, nt = m->meta.ntags, i;
	/* Whole chunks, padded with 0, for blend_chunk. */
	size_t np = ni / RANK_CHUNK * RANK_CHUNK + RANK_CHUNK;
	int k = (int)m->meta.k;

	if (names_map(&r->users, m->user_names, m->user_off, m->meta.nusers) ||
	    names_map(&r->items, m->item_names, m->item_off, ni))
		goto nomem;
	r->pop = calloc(np, sizeof(*r->pop));
	r->recent = calloc(np, sizeof(*r->recent));
	r->fresh0 = calloc(np, sizeof(*r->fresh0));
	r->inorm = calloc(np, sizeof(*r->inorm));
	r->fnorm = calloc(ni + 1, sizeof(*r->fnorm));
	r->zero = calloc(np, sizeof(*r->zero));
	r->idf = calloc(nt + 1, sizeof(*r->idf));
	if (!r->pop || !r->recent || !r->fresh0 || !r->inorm || !r->fnorm ||
	    !r->idf || !r->zero)
		goto nomem;
	normalise(m->pop_all, r->pop, ni);
	normalise(m->pop_recent, r->recent, ni);
	if (m->pub != NULL)
		for (i = 0; i < ni; i++) {
			double age = m->meta.t_end - m->pub[i];

			if (isnan(age))
				continue;
			r->fresh0[i] = age <= 0 ? 1 :
			    (float)exp2(-age / r->fresh_half_life);
		}
	if (build_terms(r) != 0)
		goto nomem;
	if (r->nterm > 0) {
		uint32_t q;

		free(r->idf);
		if ((r->idf = calloc(r->nterm + 1, sizeof(*r->idf))) == NULL)
			goto nomem;
		for (q = 0; q < r->tstart[ni]; q++)
			r->idf[r->term[q]] += 1;
		for (i = 0; i < r->nterm; i++)
			r->idf[i] = r->idf[i] > 0 ?
			    (float)log((double)ni / r->idf[i]) + 1 : 0;
		for (i = 0; i < ni; i++) {
			double s = 0;

			for (q = r->tstart[i]; q < r->tstart[i + 1]; q++)
				s += (double)r->idf[r->term[q]] *
				    r->idf[r->term[q]];
			r->inorm[i] = (float)sqrt(s);
		}
	}
	if (build_sigs(r) != 0)
		goto nomem;
	for (i = 0; i < 3; i++)
		if ((r->cmax[i] = calloc(ni / RANK_CHUNK + 1,
		    sizeof(*r->cmax[i]))) == NULL)
			goto nomem;
	for (i = 0; i < ni; i++) {
		size_t ch = i / RANK_CHUNK;

		if (r->fresh0[i] > r->cmax[0][ch])
			r->cmax[0][ch] = r->fresh0[i];
		if (r->pop[i] > r->cmax[1][ch])
			r->cmax[1][ch] = r->pop[i];
		if (r->recent[i] > r->cmax[2][ch])
			r->cmax[2][ch] = r->recent[i];
	}
	{
		float key[RANK_HOT];

		for (i = 0; i < (ni + RANK_CHUNK - 1) / RANK_CHUNK; i++) {
			float kc = (float)(r->w[P_FRESH] * r->cmax[0][i] +
			    r->w[P_POP] * r->cmax[1][i] +
			    r->w[P_RECENT] * r->cmax[2][i]);

			if (kc > 0)
				r->nhot = seed_add(r->hot, key, r->nhot,
				    RANK_HOT, (uint32_t)i, kc);
		}
	}
	if (k > 0) {
		for (i = 0; i < ni; i++)
			r->fnorm[i] = sqrtf(la_dot(m->vf + i * k, m->vf + i * k,
			    k));
		if ((r->yty = malloc(sizeof(*r->yty) * k * k)) == NULL ||
		    (r->vt = calloc((size_t)k * np, sizeof(*r->vt))) == NULL)
			goto nomem;
		for (i = 0; i < ni; i++) {
			size_t base = i / RANK_CHUNK * k * RANK_CHUNK +
			    i % RANK_CHUNK;
			int f;

			for (f = 0; f < k; f++)
				r->vt[base + (size_t)f * RANK_CHUNK] =
				    m->vf[i * k + f];
		}
		la_gram(m->vf, ni, k, r->yty);
	}
	return 0;
nomem:
	return rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
}

void
ranker_free(struct ranker *r)
{
	idmap_free(&r->users);
	idmap_free(&r->items);
	free(r->pop), free(r->recent), free(r->fresh0);
	free(r->tstart), free(r->term);
	free(r->idf), free(r->inorm), free(r->fnorm), free(r->yty);
	free(r->zero);
	free(r->vt);
	free(r->cmax[0]), free(r->cmax[1]), free(r->cmax[2]);
	free(r->sig), free(r->sctstart), free(r->sct);
	free(r->sgstart), free(r->sg), free(r->pstart), free(r->post);
	model_close(&r->m);
}

int
rank_buf_init(struct rank_buf *b, const struct ranker *r, int kmax)
{
	size_t ni = r->m.meta.nitems + 1, nt = r->m.meta.ntags + 1;
	size_t np = ni / RANK_CHUNK * RANK_CHUNK + RANK_CHUNK;
	int k = (int)r->m.meta.k + 1;

	memset(b, 0, sizeof(*b));
	b->cf = b->cfown = calloc(np, sizeof(*b->cf));
	b->nchunk = ni / RANK_CHUNK + 1;
	b->block = malloc(b->nchunk * RANK_CHUNK * RANK_BLOCK *
	    sizeof(*b->block));
	b->bmax = malloc(b->nchunk * RANK_BLOCK * sizeof(*b->bmax));
	b->bseed = malloc(RANK_BLOCK * sizeof(*b->bseed));
	b->item = calloc(np, sizeof(*b->item));
	b->tod = malloc(nt * sizeof(*b->tod));
	b->prof = calloc(r->nterm + 1, sizeof(*b->prof));
	b->tterm = malloc((r->nterm + 1) * sizeof(*b->tterm));
	b->pw = calloc(r->nterm + 1, sizeof(*b->pw));
	b->sigc = calloc(r->nsig + 1, sizeof(*b->sigc));
	b->sigt = calloc(r->nsig + 1, sizeof(*b->sigt));
	b->cacc = calloc(np, sizeof(*b->cacc));
	b->ctouched = malloc(ni * sizeof(*b->ctouched));
	b->touched = malloc(ni * sizeof(*b->touched));
	b->x = malloc(k * sizeof(*b->x));
	b->a = malloc((size_t)k * (k + 1) * sizeof(*b->a));
	if (!b->cf || !b->block || !b->bmax || !b->bseed || !b->item ||
	    !b->tod ||
	    !b->prof || !b->touched || !b->pw || !b->sigc || !b->sigt ||
	    !b->cacc || !b->ctouched || !b->tterm || !b->x || !b->a ||
	    la_topk_init(&b->top, kmax) != 0 ||
	    la_topk_init(&b->ptop, kmax) != 0)
		return -1;
	return 0;
}

void
rank_buf_free(struct rank_buf *b)
{
	free(b->cfown), free(b->block), free(b->bmax), free(b->item);
	free(b->bseed);
	free(b->tod), free(b->prof), free(b->pw), free(b->tterm);
	free(b->sigc), free(b->sigt), free(b->cacc), free(b->ctouched);
	free(b->touched), free(b->seen), free(b->x), free(b->a);
	la_topk_free(&b->top);
	la_topk_free(&b->ptop);
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

size_t
seen_items(const struct ranker *r, struct rank_buf *b,
    const struct request *q)
{
	const struct model *m = &r->m;
	size_t n = 0, need = q->nhist, i, j;
	const uint32_t *row = NULL;

	if (q->user >= 0) {
		row = m->seen + m->seen_start[q->user];
		need += m->seen_start[q->user + 1] - m->seen_start[q->user];
	}
	if (need > b->seencap) {
		uint32_t *s = realloc(b->seen, need * sizeof(*s));

		if (s == NULL)
			return 0;
		b->seen = s;
		b->seencap = need;
	}
	if (row != NULL)
		for (i = m->seen_start[q->user]; i < m->seen_start[q->user + 1];
		    i++)
			b->seen[n++] = m->seen[i];
	(void)row;
	for (i = 0; i < q->nhist; i++)
		b->seen[n++] = q->hist[i];
	if (q->nhist > 0) {
		qsort(b->seen, n, sizeof(*b->seen), cmp_u32);
		for (i = j = 0; i < n; i++)
			if (j == 0 || b->seen[i] != b->seen[j - 1])
				b->seen[j++] = b->seen[i];
		n = j;
	}
	return n;
}

/*
 * Folds a user unknown to the model in from the request's events: the
 * ALS user step (cf-train's) solved exactly, with Y'Y of the model.
 */
static int
fold_in(const struct ranker *r, struct rank_buf *b, const struct request *q)
{
	const struct model *m = &r->m;
	int k = (int)m->meta.k, i, j;
	double *a = b->a, *rhs = b->a + k * k;
	size_t h;

	memcpy(a, r->yty, sizeof(*a) * k * k);
	memset(rhs, 0, sizeof(*rhs) * k);
	for (i = 0; i < k; i++)
		a[i * k + i] += m->meta.reg;
	for (h = 0; h < q->nhist; h++) {
		const float *y = m->vf + (size_t)q->hist[h] * k;
		double c = m->meta.alpha * fabs(q->histw[h]);

		for (i = 0; i < k; i++) {
			if (q->histw[h] > 0)
				rhs[i] += (1 + c) * y[i];
			for (j = 0; j < k; j++)
				a[i * k + j] += c * y[i] * y[j];
		}
	}
	if (la_cholesky(a, k) != 0)
		return -1;
	la_chol_solve(a, k, rhs);
	for (i = 0; i < k; i++)
		b->x[i] = (float)rhs[i];
	return 0;
}

struct norms {
	float		 cfmin, cfscale, itemscale, todscale, freshc, pnorm;
	float		 trend;		/* weight of recent popularity */
	int		 hascf, hasitem, hastod, hascontent;
};

/* The weighted parts of item i; returns their sum. */
static float
parts_of(const struct ranker *r, const struct rank_buf *b,
    const struct norms *n, uint32_t i, float *p)
{
	const struct model *m = &r->m;
	float s = 0;
	int j;

	for (j = 0; j < NPART; j++)
		p[j] = 0;
	if (n->hascf)
		p[P_CF] = (b->cf[i] - n->cfmin) * n->cfscale;
	if (n->hasitem)
		p[P_ITEM] = b->item[i] * n->itemscale;
	if (n->hascontent && r->inorm[i] > 0) {
		float c = 0;
		uint32_t q;

		for (q = r->tstart[i]; q < r->tstart[i + 1]; q++)
			c += b->prof[r->term[q]] * r->idf[r->term[q]];
		p[P_CONTENT] = c / (r->inorm[i] * n->pnorm);
	}
	if (n->hastod) {
		float c = 0;
		uint32_t q;

		for (q = m->itag_start[i]; q < m->itag_start[i + 1]; q++)
			c += b->tod[m->itag[q]];
		p[P_TOD] = c * n->todscale;
	}
	p[P_FRESH] = r->fresh0[i] * n->freshc;
	p[P_POP] = r->pop[i];
	p[P_RECENT] = r->recent[i] * n->trend;
	for (j = 0; j < NPART; j++) {
		p[j] *= (float)r->w[j];
		s += p[j];
	}
	return s;
}

/* Cosine of two items' factors, or tag overlap without factors. */
static float
item_sim(const struct ranker *r, uint32_t i, uint32_t j)
{
	const struct model *m = &r->m;
	int k = (int)m->meta.k;

	if (k > 0 && r->fnorm[i] > 0 && r->fnorm[j] > 0)
		return la_dot(m->vf + (size_t)i * k, m->vf + (size_t)j * k, k) /
		    (r->fnorm[i] * r->fnorm[j]);
	if (m->itag_start != NULL) {
		uint32_t a, c, same = 0, na, nb;

		na = m->itag_start[i + 1] - m->itag_start[i];
		nb = m->itag_start[j + 1] - m->itag_start[j];
		for (a = m->itag_start[i]; a < m->itag_start[i + 1]; a++)
			for (c = m->itag_start[j]; c < m->itag_start[j + 1];
			    c++)
				same += m->itag[a] == m->itag[c];
		return na + nb > same ? (float)same / (na + nb - same) : 0;
	}
	return 0;
}

/*
 * The kernel: CF_USERS users against one chunk of RANK_CHUNK items, whose
 * factors lie factor-major in r->vt (k rows of RANK_CHUNK floats), so that
 * every step is a broadcast of one user factor times a contiguous row
 * added to an accumulator that stays in a register; each row is loaded
 * once for CF_USERS users, whose CF_USERS sums are independent chains
 * (enough to hide the latency of the additions).  Each score is summed
 * over the factors in order, so it does not depend on the block it is
 * computed in.  Compiled for AVX2 and AVX-512 too, picked at run time,
 * where the compiler supports it.
 */
#define CF_USERS	8
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && \
    defined(__has_attribute)
#if __has_attribute(target_clones)
#define CF_CLONES __attribute__((target_clones("arch=x86-64-v4", \
    "arch=x86-64-v3", "default")))
#endif
#endif
#ifndef CF_CLONES
#define CF_CLONES
#endif

/*
 * The choices below (maxima, minima) are vectorised only when an
 * ordered comparison may not trap; no value changes without traps (this
 * is not -ffast-math: no reassociation, no fusing).
 */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC optimize("no-trapping-math")
#endif

/*
 * The maximum of a chunk's scores (lanes 0 .. lim - 1); of a whole chunk
 * by halves, four steps deep rather than fifteen.
 */
static inline float
chunk_max(const float *a, int lim)
{
	float hi = a[0], m[RANK_CHUNK / 2];
	int l, h;

	if (lim < RANK_CHUNK) {
		for (l = 1; l < lim; l++)
			hi = a[l] > hi ? a[l] : hi;
		return hi;
	}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC unroll 1
#endif
	for (l = 0; l < RANK_CHUNK / 2; l++)
		m[l] = a[l] > a[l + RANK_CHUNK / 2] ? a[l] :
		    a[l + RANK_CHUNK / 2];
	for (h = RANK_CHUNK / 4; h > 0; h /= 2)
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC unroll 1
#endif
		for (l = 0; l < h; l++)
			m[l] = m[l] > m[l + h] ? m[l] : m[l + h];
	return m[0];
}

/*
 * lo and hi: the element-wise minimum and maximum of themselves and a,
 * chunk ch; at: for each lane, the chunk of its maximum.
 */
static inline void
extremes(const float *restrict a, float *restrict lo, float *restrict hi,
    uint32_t *restrict at, uint32_t ch)
{
	int l;

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC unroll 1
#endif
	for (l = 0; l < RANK_CHUNK; l++) {
		at[l] = a[l] > hi[l] ? ch : at[l];
		hi[l] = a[l] > hi[l] ? a[l] : hi[l];
		lo[l] = a[l] < lo[l] ? a[l] : lo[l];
	}
}

/*
 * The scores of n users (factors x[0 .. n - 1]) against all ni items
 * into out (user j at out + j * stride), their extremes into mn and mx
 * (which come in as +inf and -inf), for each lane of the whole chunks
 * the chunk of its maximum into at (user j's at at[j]: RANK_CHUNK
 * chunks, which hold the user's best score), and when cmax is not NULL
 * the maximum of each chunk (user j's at cmax + j * cstride).
 */
CF_CLONES static void
cf_chunks(const float *vt, size_t ni, int k, const float *const *x,
    int n, float *out, size_t stride, float *cmax, size_t cstride,
    float *mn, float *mx, uint32_t (*at)[RANK_CHUNK])
{
	size_t nchunk = (ni + RANK_CHUNK - 1) / RANK_CHUNK, ch;
	/* Element-wise extremes over the whole chunks, per user. */
	float vlo[RANK_BLOCK][RANK_CHUNK], vhi[RANK_BLOCK][RANK_CHUNK];
	int f, l, u, g;

	for (u = 0; u < n; u++)
		for (l = 0; l < RANK_CHUNK; l++) {
			vlo[u][l] = INFINITY, vhi[u][l] = -INFINITY;
			at[u][l] = 0;
		}
	for (ch = 0; ch < nchunk; ch++) {
		const float *v = vt + ch * (size_t)k * RANK_CHUNK;
		/* Padding past the last item counts in neither extreme. */
		size_t lim = ni - ch * RANK_CHUNK;

		for (g = 0; g < n; g += CF_USERS) {
			float acc[CF_USERS][RANK_CHUNK];
			int nu = n - g < CF_USERS ? n - g : CF_USERS;

			memset(acc, 0, sizeof(acc));
			/* Spelt out, so that the sums stay in registers. */
			if (nu == CF_USERS)
				for (f = 0; f < k; f++) {
					const float *row = v +
					    (size_t)f * RANK_CHUNK;
					const float *const *xg = x + g;
					float x0 = xg[0][f], x1 = xg[1][f];
					float x2 = xg[2][f], x3 = xg[3][f];
					float x4 = xg[4][f], x5 = xg[5][f];
					float x6 = xg[6][f], x7 = xg[7][f];

					for (l = 0; l < RANK_CHUNK; l++) {
						acc[0][l] += x0 * row[l];
						acc[1][l] += x1 * row[l];
						acc[2][l] += x2 * row[l];
						acc[3][l] += x3 * row[l];
						acc[4][l] += x4 * row[l];
						acc[5][l] += x5 * row[l];
						acc[6][l] += x6 * row[l];
						acc[7][l] += x7 * row[l];
					}
				}
			else
				for (u = 0; u < nu; u++)
					for (f = 0; f < k; f++) {
						const float *row = v +
						    (size_t)f * RANK_CHUNK;
						float xu = x[g + u][f];

						for (l = 0; l < RANK_CHUNK; l++)
							acc[u][l] += xu * row[l];
					}
			for (u = 0; u < nu; u++) {
				int j = g + u;

				memcpy(out + j * stride + ch * RANK_CHUNK,
				    acc[u], sizeof(acc[u]));
				if (lim >= RANK_CHUNK) {
					extremes(acc[u], vlo[j], vhi[j], at[j],
					    (uint32_t)ch);
					if (cmax != NULL)
						cmax[j * cstride + ch] =
						    chunk_max(acc[u],
						    RANK_CHUNK);
					continue;
				}
				for (l = 0; l < (int)lim; l++) {
					mx[j] = acc[u][l] > mx[j] ?
					    acc[u][l] : mx[j];
					mn[j] = acc[u][l] < mn[j] ?
					    acc[u][l] : mn[j];
				}
				if (cmax != NULL)
					cmax[j * cstride + ch] =
					    chunk_max(acc[u], (int)lim);
			}
		}
	}
	for (u = 0; u < n; u++)
		for (l = 0; l < RANK_CHUNK; l++) {
			mx[u] = vhi[u][l] > mx[u] ? vhi[u][l] : mx[u];
			mn[u] = vlo[u][l] < mn[u] ? vlo[u][l] : mn[u];
		}
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC pop_options
#endif

void
cf_block(const struct ranker *r, struct rank_buf *b, struct request **q,
    int n)
{
	const struct model *m = &r->m;
	size_t ni = m->meta.nitems, stride = b->nchunk * RANK_CHUNK;
	int k = (int)m->meta.k, j;
	const float *x[RANK_BLOCK] = { NULL };
	float mn[RANK_BLOCK], mx[RANK_BLOCK];
	/*
	 * The chunk maxima serve only a blend without the sparse parts
	 * (see score_request); with them, a request works them out itself
	 * in the rare case it has none of them.
	 */
	int chunkmax = r->w[P_ITEM] == 0 && r->w[P_CONTENT] == 0 &&
	    r->w[P_TOD] == 0;

	/*
	 * Chunk by chunk, all n users in groups of CF_USERS: a chunk's
	 * factors (k x RANK_CHUNK floats) stay in L1 for the whole block, so
	 * the item matrix streams from memory once per block.
	 */
	for (j = 0; j < n; j++)
		x[j] = m->uf + (size_t)q[j]->user * k;
	for (j = 0; j < n; j++)
		mn[j] = INFINITY, mx[j] = -INFINITY;
	cf_chunks(r->vt, ni, k, x, n, b->block, stride, chunkmax ? b->bmax :
	    NULL, b->nchunk, mn, mx, b->bseed);
	for (j = 0; j < n; j++) {
		q[j]->cfmin = mn[j], q[j]->cfmax = mx[j];
		q[j]->cfpre = b->block + (size_t)j * stride;
		q[j]->cfchunk = chunkmax ? b->bmax + (size_t)j * b->nchunk :
		    NULL;
		q[j]->cfseed = b->bseed[j];
	}
}

/* Appends the entries of t (best first) not yet in q's list, up to k. */
static void
fill(struct request *q, const struct la_topk *t)
{
	int a, o;

	for (a = 0; a < t->n && q->nout < q->k; a++) {
		for (o = 0; o < q->nout; o++)
			if (q->out[o] == t->idx[a])
				break;
		if (o == q->nout)
			q->out[q->nout++] = t->idx[a];
	}
}

/*
 * An ordered comparison may raise "invalid" on a NaN, so with traps in
 * play GCC will not vectorise the choices below; no value changes
 * without them (this is not -ffast-math: no reassociation, no fusing).
 */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC optimize("no-trapping-math")
#endif

/*
 * The content sums of the request: pw (0 but at the profile's terms,
 * cleaned after the request), each signature's sum into b->sigc, and
 * for the items with rare words of the profile their whole sum into
 * b->cacc: the signature's, then the rare words in increasing term,
 * which is an item's term order (see build_terms), so each sum is bit
 * for bit the one parts_of makes over the item's list (a term outside
 * the profile adds +0 there).
 */
static void
content_sums(const struct ranker *r, struct rank_buf *b)
{
	size_t t, s;
	uint32_t a;

	for (t = 0; t < b->ntterm; t++)
		b->pw[b->tterm[t]] = b->prof[b->tterm[t]] *
		    r->idf[b->tterm[t]];
	for (s = 0; s < r->nsig; s++) {
		float c = 0;

		for (a = r->sctstart[s]; a < r->sctstart[s + 1]; a++)
			c += b->pw[r->sct[a]];
		b->sigc[s] = c;
	}
	/* Every pw is positive, so a touched item's sum is too. */
	for (t = 0; t < b->ntterm; t++) {
		uint32_t tm = b->tterm[t], w;

		if (tm < r->rare0)
			continue;
		w = tm - r->rare0;
		for (a = r->pstart[w]; a < r->pstart[w + 1]; a++) {
			uint32_t i = r->post[a];

			if (b->cacc[i] == 0) {
				b->cacc[i] = b->sigc[r->sig[i]];
				b->ctouched[b->nctouched++] = i;
			}
			b->cacc[i] += b->pw[tm];
		}
	}
}

/* Each signature's time of day sum into b->sigt, tags in their order. */
static void
tod_sums(const struct ranker *r, struct rank_buf *b)
{
	size_t s;
	uint32_t a;

	for (s = 0; s < r->nsig; s++) {
		float c = 0;

		for (a = r->sgstart[s]; a < r->sgstart[s + 1]; a++)
			c += b->tod[r->sg[a]];
		b->sigt[s] = c;
	}
}

/*
 * What the blend over all items needs: a part not in play reads r->zero
 * with scale 0 (and pnorm 1), so it is +0 as in parts_of, with no
 * branch in the kernel.
 */
struct blendp {
	const float	*cf, *item, *cacc, *sigc, *sigt, *inorm;
	const float	*fresh, *pop, *recent;
	const uint32_t	*sig;
	float		 cfmin, cfscale, itemscale, todscale, freshc;
	float		 trend, pnorm;
	float		 w[NPART];
};

/*
 * The blend and the personal parts of the RANK_CHUNK items from lo into
 * v and pv, bit for bit what parts_of gives (the same operations in the
 * same order, which -std=c11 keeps from being fused or reordered): the
 * loop is one pass of vector registers, with gathers from the small
 * signature tables.  Every operation on every lane, then a choice
 * between results: a conditional operation that might trap would keep
 * GCC from vectorising.
 */
static inline int
blend_chunk(const struct blendp *restrict p, size_t lo, float *restrict v,
    float *restrict pv, float floor, float pfloor)
{
	const float *cf = p->cf + lo, *item = p->item + lo;
	const float *cacc = p->cacc + lo, *inorm = p->inorm + lo;
	const float *fresh = p->fresh + lo, *pop = p->pop + lo;
	const float *recent = p->recent + lo;
	const uint32_t *sig = p->sig + lo;
	const float *sigc = p->sigc, *sigt = p->sigt;
	float cfmin = p->cfmin, cfscale = p->cfscale;
	float itemscale = p->itemscale, todscale = p->todscale;
	float freshc = p->freshc, trend = p->trend, pnorm = p->pnorm;
	float w0 = p->w[0], w1 = p->w[1], w2 = p->w[2], w3 = p->w[3];
	float w4 = p->w[4], w5 = p->w[5], w6 = p->w[6];
	int l, any = 0;

	for (l = 0; l < RANK_CHUNK; l++) {
		float p0, p1, p2, p3, p4, p5, p6, s = 0, ca, sc, st, d, c;

		ca = cacc[l], sc = sigc[sig[l]], st = sigt[sig[l]];
		p0 = (cf[l] - cfmin) * cfscale;
		p1 = item[l] * itemscale;
		d = inorm[l] * pnorm;
		d = inorm[l] > 0 ? d : 1;
		c = (ca > 0 ? ca : sc) / d;
		p2 = inorm[l] > 0 ? c : 0;
		p3 = st * todscale;
		p4 = fresh[l] * freshc;
		p5 = pop[l];
		p6 = recent[l] * trend;
		p0 *= w0, p1 *= w1, p2 *= w2, p3 *= w3;
		p4 *= w4, p5 *= w5, p6 *= w6;
		s += p0, s += p1, s += p2, s += p3, s += p4, s += p5, s += p6;
		v[l] = s;
		pv[l] = p0 + p1 + p2 + p3;
		any |= (v[l] >= floor) | ((pv[l] >= pfloor) & (pv[l] > 0));
	}
	return any;
}

/*
 * Chunk c through the heaps: the blend in registers, then, only when
 * some item beats a heap's floor, the seen filter and the heaps.  An
 * item goes to a heap that is not full, or at or above its floor: the
 * heap breaks ties by index (la_topk), so what it keeps does not depend
 * on the order chunks come in.  The personal heap takes items whose
 * personal parts are positive.  *sp: where the seen items of the chunk
 * may start (a merge over increasing chunks).
 */
static inline void
scan_chunk(const struct blendp *p, struct rank_buf *b, size_t c, size_t n,
    size_t nseen, int nper, size_t *sp)
{
	float v[RANK_CHUNK], pv[RANK_CHUNK], floor, pfloor;
	size_t c0 = c * RANK_CHUNK, c1 = c0 + RANK_CHUNK, i;
	int l;

	c1 = c1 < n ? c1 : n;
	floor = b->top.n == b->top.k ? b->top.val[0] : -INFINITY;
	pfloor = nper == 0 ? INFINITY : b->ptop.n == b->ptop.k ?
	    b->ptop.val[0] : 0;
	if (!blend_chunk(p, c0, v, pv, floor, pfloor))
		return;
	for (i = c0; i < c1; i++) {
		l = (int)(i - c0);
		if (!(v[l] >= floor) && !(pv[l] >= pfloor && pv[l] > 0))
			continue;
		if (nseen > 0) {
			while (*sp < nseen && b->seen[*sp] < i)
				(*sp)++;
			if (*sp < nseen && b->seen[*sp] == i)
				continue;
		}
		if (pv[l] >= pfloor && pv[l] > 0) {
			la_topk_push(&b->ptop, (uint32_t)i, pv[l]);
			if (b->ptop.n == b->ptop.k)
				pfloor = b->ptop.val[0];
		}
		if (v[l] >= floor) {
			la_topk_push(&b->top, (uint32_t)i, v[l]);
			if (b->top.n == b->top.k)
				floor = b->top.val[0];
		}
	}
}

static int
cmp_seed(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/*
 * The fused blend and top-k over items 0 .. n - 1, b->top and b->ptop
 * (when nper > 0) reset and sized.  The chunks likely to hold the best
 * go first, so that the floors of both heaps are high from the start
 * and nearly every other chunk ends at the test in blend_chunk: those
 * with the best collaborative scores (cfseed, when known: RANK_CHUNK
 * chunks) and those with the best item terms (r->hot).
 */
CF_CLONES static void
scan_all(const struct ranker *r, const struct blendp *p, struct rank_buf *b,
    size_t n, size_t nseen, int nper, const uint32_t *cfseed)
{
	size_t nch = (n + RANK_CHUNK - 1) / RANK_CHUNK, c, sp = 0, sk = 0;
	uint32_t seed[RANK_CHUNK + RANK_HOT];
	int ns = 0, j, m;

	if (cfseed != NULL)
		for (j = 0; j < RANK_CHUNK; j++)
			if (cfseed[j] < nch)
				seed[ns++] = cfseed[j];
	for (j = 0; j < r->nhot; j++)
		if (r->hot[j] < nch)
			seed[ns++] = r->hot[j];
	qsort(seed, ns, sizeof(*seed), cmp_seed);
	for (j = m = 0; j < ns; j++)
		if (m == 0 || seed[j] != seed[m - 1])
			seed[m++] = seed[j];
	ns = m;
	for (j = 0; j < ns; j++)
		scan_chunk(p, b, seed[j], n, nseen, nper, &sp);
	for (c = 0, sp = 0; c < nch; c++) {
		if (sk < (size_t)ns && seed[sk] == c) {
			sk++;
			continue;
		}
		scan_chunk(p, b, c, n, nseen, nper, &sp);
	}
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC pop_options
#endif

int
score_request(const struct ranker *r, struct rank_buf *b, struct request *q)
{
	const struct model *m = &r->m;
	size_t ni = m->meta.nitems, nt = m->meta.ntags, nseen, c, n;
	int k = (int)m->meta.k, kk, t, nper, kmain;
	struct norms nm;
	const float *x = NULL;
	float cfmax = -INFINITY, itemmax = 0, todmax = 0, p[NPART];
	uint32_t ntouched = 0, s, qq;

	memset(&nm, 0, sizeof(nm));
	nseen = r->keep_seen ? 0 : seen_items(r, b, q);
	if (!r->keep_seen && nseen == 0 && q->nhist > 0 && b->seen == NULL)
		return -1;
	n = q->cand != NULL ? q->ncand : ni;
	/* Collaborative: the user's factors against every candidate. */
	if (k > 0 && r->w[P_CF] != 0) {
		if (q->user >= 0)
			x = m->uf + (size_t)q->user * k;
		else if (q->nhist > 0 && fold_in(r, b, q) == 0)
			x = b->x;
	}
	nm.cfmin = INFINITY;
	b->cf = b->cfown;
	if (x != NULL && q->cfpre != NULL) {
		b->cf = (float *)q->cfpre;
		nm.cfmin = q->cfmin;
		cfmax = q->cfmax;
		nm.hascf = 1;
		nm.cfscale = cfmax > nm.cfmin ? 1 / (cfmax - nm.cfmin) : 0;
	} else if (x != NULL) {
		for (c = 0; c < n; c++) {
			uint32_t i = q->cand ? q->cand[c] : (uint32_t)c;
			float v = dot8(x, m->vf + (size_t)i * k, k);

			b->cf[i] = v;
			if (v < nm.cfmin)
				nm.cfmin = v;
			if (v > cfmax)
				cfmax = v;
		}
		nm.hascf = 1;
		nm.cfscale = cfmax > nm.cfmin ? 1 / (cfmax - nm.cfmin) : 0;
	}
	/* Item neighbours of everything seen. */
	if (m->meta.nb > 0 && r->w[P_ITEM] != 0) {
		const uint32_t *sv = r->keep_seen ? NULL : b->seen;
		size_t ns = r->keep_seen ? 0 : nseen;

		for (s = 0; s < ns; s++)
			for (qq = m->nb_start[sv[s]]; qq < m->nb_start[sv[s] +
			    1]; qq++) {
				uint32_t i = m->nb_item[qq];

				if (b->item[i] == 0)
					b->touched[ntouched++] = i;
				b->item[i] += m->nb_sim[qq];
				if (b->item[i] > itemmax)
					itemmax = b->item[i];
			}
		nm.hasitem = 1;
		nm.itemscale = itemmax > 0 ? 1 / itemmax : 0;
	}
	/* Content: the TF-IDF profile of the seen items' terms. */
	if (r->nterm > 0 && r->w[P_CONTENT] != 0 && !r->keep_seen &&
	    nseen > 0) {
		double pn = 0;

		/*
		 * prof is 0 but at the terms in tterm; every addition is
		 * positive, so a term is new when its entry is 0.  The norm
		 * over those terms in increasing order is the sum over all
		 * terms: the others add +0.
		 */
		for (s = 0; s < nseen; s++) {
			uint32_t j = b->seen[s];

			if (r->inorm[j] <= 0)
				continue;
			for (qq = r->tstart[j]; qq < r->tstart[j + 1]; qq++) {
				uint32_t tm = r->term[qq];

				if (b->prof[tm] == 0)
					b->tterm[b->ntterm++] = tm;
				b->prof[tm] += r->idf[tm] / r->inorm[j];
			}
		}
		qsort(b->tterm, b->ntterm, sizeof(*b->tterm), cmp_u32);
		for (c = 0; c < b->ntterm; c++)
			pn += (double)b->prof[b->tterm[c]] *
			    b->prof[b->tterm[c]];
		nm.pnorm = (float)sqrt(pn);
		nm.hascontent = nm.pnorm > 0;
	}
	/* Time of day: the user's tag shares at the request's daypart. */
	if (nt > 0 && r->w[P_TOD] != 0 && q->user >= 0) {
		int dp = ev_daypart(q->now, MODEL_DAYPARTS);

		memset(b->tod, 0, nt * sizeof(*b->tod));
		for (qq = m->upref_start[q->user];
		    qq < m->upref_start[q->user + 1]; qq++)
			if ((int)(m->upref_key[qq] >> 24) == dp) {
				b->tod[m->upref_key[qq] & 0xffffff] =
				    m->upref_w[qq];
				nm.hastod = 1;
			}
		/* Over all items: each signature's sum once. */
		if (nm.hastod && q->cand == NULL) {
			tod_sums(r, b);
			for (c = 0; c < r->nsig; c++)
				if (b->sigt[c] > todmax)
					todmax = b->sigt[c];
			nm.todscale = todmax > 0 ? 1 / todmax : 0;
		} else if (nm.hastod) {
			for (c = 0; c < n; c++) {
				uint32_t i = q->cand[c];
				float v = 0;

				for (qq = m->itag_start[i];
				    qq < m->itag_start[i + 1]; qq++)
					v += b->tod[m->itag[qq]];
				if (v > todmax)
					todmax = v;
			}
			nm.todscale = todmax > 0 ? 1 / todmax : 0;
		}
	}
	/*
	 * What is popular now matters to a user who is active now; for one
	 * back after a long absence it halves every trend_half_life since
	 * their last event, and their own taste leads.
	 */
	nm.trend = 1;
	if (r->trend_half_life > 0 && q->user >= 0 && m->ulast != NULL &&
	    q->now > m->ulast[q->user])
		nm.trend = (float)exp2(-(q->now - m->ulast[q->user]) /
		    r->trend_half_life);
	nm.freshc = r->fresh_half_life > 0 && q->now > m->meta.t_end ?
	    (float)exp2(-(q->now - m->meta.t_end) / r->fresh_half_life) : 1;
	/* Blend, filter and keep the best. */
	kk = r->div > 0 ? (q->k * 3 > 30 ? q->k * 3 : 30) : q->k;
	if (kk > b->top.k)
		kk = b->top.k;
	/*
	 * The personal slots: the last nper places of the list go to the
	 * best items by the personal parts alone (cf, item, content, tod),
	 * so that a blend led by popularity still shows each user something
	 * of their own.  Their heap holds k: up to k - nper of its items
	 * may already be in the list.
	 */
	nper = (int)floor(q->k * r->personal + 0.5);
	if (nper > q->k)
		nper = q->k;
	if (!(nm.hascf || nm.hasitem || nm.hascontent || nm.hastod) ||
	    (r->w[P_CF] == 0 && r->w[P_ITEM] == 0 && r->w[P_CONTENT] == 0 &&
	    r->w[P_TOD] == 0))
		nper = 0;
	la_topk_reset(&b->top);
	la_topk_reset(&b->ptop);
	{
		int kkeep = b->top.k, pkeep = b->ptop.k, simple, hasconst;
		int fast, all;
		size_t sp = 0, c0, c1;
		float wcf = (float)r->w[P_CF] * nm.cfscale, floor = -INFINITY;
		float wf = (float)r->w[P_FRESH] * nm.freshc, pfloor = 0;
		float wp = (float)r->w[P_POP];
		float wr = (float)r->w[P_RECENT] * nm.trend;

		b->top.k = kk;
		b->ptop.k = nper > 0 ? q->k : 0;
		/*
		 * Without the sparse parts, the blend of an item is its scaled
		 * collaborative score plus terms of the item alone: computed
		 * inline, with the heap's floor checked before any call.
		 */
		simple = !nm.hasitem && !nm.hascontent && !nm.hastod;
		hasconst = wf != 0 || wp != 0 || wr != 0;
		/*
		 * Over all items without the sparse parts, with no weight
		 * negative, a chunk of RANK_CHUNK items whose best possible
		 * blend (its largest cf plus the chunk maxima of the item
		 * terms) cannot enter either heap is skipped whole: once the
		 * heaps fill, that is nearly every chunk.
		 */
		fast = q->cand == NULL && wcf >= 0 && wf >= 0 && wp >= 0 &&
		    wr >= 0;
		/*
		 * With the sparse parts over all items, item by item calls
		 * of parts_of were most of the time: the blend is fused with
		 * the top-k in scan_all, the content and time of day parts
		 * read from per-signature sums.
		 */
		all = !simple && q->cand == NULL;
		if (all) {
			struct blendp bp;

			if (nm.hascontent)
				content_sums(r, b);
			bp.cf = nm.hascf ? b->cf : r->zero;
			bp.item = nm.hasitem ? b->item : r->zero;
			bp.cacc = nm.hascontent ? b->cacc : r->zero;
			bp.sigc = nm.hascontent ? b->sigc : r->zero;
			bp.sigt = nm.hastod ? b->sigt : r->zero;
			bp.inorm = r->inorm;
			bp.fresh = r->fresh0, bp.pop = r->pop;
			bp.recent = r->recent;
			bp.sig = r->sig;
			bp.cfmin = nm.hascf ? nm.cfmin : 0;
			bp.cfscale = nm.hascf ? nm.cfscale : 0;
			bp.itemscale = nm.hasitem ? nm.itemscale : 0;
			bp.todscale = nm.hastod ? nm.todscale : 0;
			bp.freshc = nm.freshc, bp.trend = nm.trend;
			bp.pnorm = nm.hascontent ? nm.pnorm : 1;
			for (t = 0; t < NPART; t++)
				bp.w[t] = (float)r->w[t];
			scan_all(r, &bp, b, n, nseen, nper,
			    b->cf == q->cfpre ? q->cfseed : NULL);
		} else	/* simple, or candidates */
		for (c0 = 0; c0 < n; c0 = c1) {
		c1 = c0 + RANK_CHUNK < n ? c0 + RANK_CHUNK : n;
		if (fast && b->top.n == b->top.k) {
			size_t ch = c0 / RANK_CHUNK;
			float mx = nm.cfmin, pb, bound;

			if (nm.hascf && q->cfchunk != NULL && b->cf == q->cfpre)
				mx = q->cfchunk[ch];
			else if (nm.hascf)
				for (c = c0; c < c1; c++)
					mx = b->cf[c] > mx ? b->cf[c] : mx;
			pb = wcf * (mx - nm.cfmin);
			bound = pb + wf * r->cmax[0][ch] + wp * r->cmax[1][ch] +
			    wr * r->cmax[2][ch];
			/* Room for rounding: the blend sums in another order. */
			bound += fabsf(bound) * 1e-5f;
			pb += fabsf(pb) * 1e-5f;
			if (!(bound > floor) && (nper == 0 || !(pb > pfloor)))
				continue;
		}
		for (c = c0; c < c1; c++) {
			uint32_t i = q->cand ? q->cand[c] : (uint32_t)c;
			float v, pv = 0;

			if (nseen > 0) {
				while (sp < nseen && b->seen[sp] < i)
					sp++;
				if (sp < nseen && b->seen[sp] == i)
					continue;
			}
			if (simple) {
				v = 0;
				if (nm.hascf)
					pv = wcf * (b->cf[i] - nm.cfmin);
				if (hasconst)
					v = wf * r->fresh0[i] + wp * r->pop[i] +
					    wr * r->recent[i];
				v += pv;
			} else {
				v = parts_of(r, b, &nm, i, p);
				pv = p[P_CF] + p[P_ITEM] + p[P_CONTENT] +
				    p[P_TOD];
			}
			if (nper > 0 && pv > pfloor) {
				la_topk_push(&b->ptop, i, pv);
				if (b->ptop.n == b->ptop.k)
					pfloor = b->ptop.val[0];
			}
			if (b->top.n == b->top.k && !(v > floor))
				continue;
			la_topk_push(&b->top, i, v);
			if (b->top.n == b->top.k)
				floor = b->top.val[0];
		}
		}
		la_topk_sort(&b->top);
		la_topk_sort(&b->ptop);
		b->top.k = kkeep;
		b->ptop.k = pkeep;
	}
	/* MMR: relevance against similarity to what is already chosen. */
	q->nout = 0;
	kmain = q->k - (nper < b->ptop.n ? nper : b->ptop.n);
	if (r->div > 0) {
		int chosen[1024] = { 0 }, j, a;
		float top = b->top.n > 0 ? b->top.val[0] : 1;

		for (j = 0; j < kmain && j < b->top.n && j < 1024; j++) {
			int best = -1;
			float bv = -INFINITY;

			for (a = 0; a < b->top.n && a < 1024; a++) {
				float msim = 0, v;
				int o;

				if (chosen[a])
					continue;
				for (o = 0; o < q->nout; o++) {
					float sv = item_sim(r, b->top.idx[a],
					    q->out[o]);

					if (sv > msim)
						msim = sv;
				}
				v = (float)((1 - r->div) * b->top.val[a] /
				    (top > 0 ? top : 1) - r->div * msim);
				if (v > bv) {
					bv = v;
					best = a;
				}
			}
			chosen[best] = 1;
			q->out[q->nout++] = b->top.idx[best];
		}
	} else
		for (t = 0; t < b->top.n && t < kmain; t++)
			q->out[q->nout++] = b->top.idx[t];
	/* Then the personal slots, then the blend again if they run out. */
	fill(q, &b->ptop);
	fill(q, &b->top);
	for (t = 0; t < q->nout; t++)
		q->score[t] = parts_of(r, b, &nm, q->out[t], q->parts + t *
		    NPART);
	/* Clean the sparse accumulator for the next request. */
	for (s = 0; s < ntouched; s++)
		b->item[b->touched[s]] = 0;
	for (c = 0; c < b->ntterm; c++)
		b->prof[b->tterm[c]] = b->pw[b->tterm[c]] = 0;
	b->ntterm = 0;
	for (c = 0; c < b->nctouched; c++)
		b->cacc[b->ctouched[c]] = 0;
	b->nctouched = 0;
	return 0;
}

static const char *
title_of(const struct model *m, uint32_t i)
{
	if (m->titles != NULL && m->title_off[i] != 0)
		return m->titles + m->title_off[i];
	return m->item_names + m->item_off[i];
}

void
reason(const struct ranker *r, const struct request *q, int at,
    const uint32_t *seen, size_t nseen, char *buf, size_t sz)
{
	const struct model *m = &r->m;
	const float *p = q->parts + at * NPART;
	uint32_t i = q->out[at], qq;
	int best = 0, j;
	size_t s;

	for (j = 1; j < NPART; j++)
		if (p[j] > p[best])
			best = j;
	if (!(p[best] > 0)) {
		snprintf(buf, sz, "recommended for you");
		return;
	}
	switch (best) {
	case P_CF:
	case P_ITEM: {
		float bs = -INFINITY;
		long bj = -1;

		for (s = 0; s < nseen; s++) {
			float v = item_sim(r, i, seen[s]);

			if (m->meta.nb > 0 && (m->meta.k == 0 || best == P_ITEM))
				for (v = 0, qq = m->nb_start[i];
				    qq < m->nb_start[i + 1]; qq++)
					if (m->nb_item[qq] == seen[s])
						v = m->nb_sim[qq];
			if (v > bs) {
				bs = v;
				bj = seen[s];
			}
		}
		if (bj >= 0)
			snprintf(buf, sz, "because you watched %s",
			    title_of(m, (uint32_t)bj));
		else
			snprintf(buf, sz, "recommended for you");
		return;
	}
	case P_CONTENT:
	case P_TOD: {
		long bt = -1;
		float bv = 0;

		for (qq = m->itag_start[i]; qq < m->itag_start[i + 1]; qq++) {
			uint32_t t = m->itag[qq];
			float v = 0;

			/* The item's tag the user watches most. */
			for (s = 0; s < nseen; s++) {
				uint32_t a;

				for (a = m->itag_start[seen[s]];
				    a < m->itag_start[seen[s] + 1]; a++)
					v += m->itag[a] == t;
			}
			if (best == P_TOD && q->user >= 0) {
				uint32_t u;
				int dp = ev_daypart(q->now, MODEL_DAYPARTS);

				v = 0;
				for (u = m->upref_start[q->user];
				    u < m->upref_start[q->user + 1]; u++)
					if (m->upref_key[u] ==
					    ((uint32_t)dp << 24 | t))
						v = m->upref_w[u];
			}
			if (v > bv) {
				bv = v;
				bt = t;
			}
		}
		if (bt < 0)
			snprintf(buf, sz, "recommended for you");
		else if (best == P_TOD)
			snprintf(buf, sz, "matches your %s taste for %s",
			    daypart_names[ev_daypart(q->now, MODEL_DAYPARTS)],
			    m->tag_names + m->tag_off[bt]);
		else
			snprintf(buf, sz, "more %s, which you watch often",
			    m->tag_names + m->tag_off[bt]);
		return;
	}
	case P_FRESH:
		snprintf(buf, sz, "new release");
		return;
	case P_POP:
		snprintf(buf, sz, "popular with everyone");
		return;
	default:
		if (m->meta.recent_days <= 7)
			snprintf(buf, sz, "popular this week");
		else
			snprintf(buf, sz, "popular in the last %.0f days",
			    m->meta.recent_days);
		return;
	}
}
