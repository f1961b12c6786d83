/*
 * lid_detect: the best language of a text, in one go or a piece at a time
 * (lid_detect.h).  The spans are lid_spans.c's.
 */
#include <stdlib.h>
#include <string.h>

#include "lid_detect.h"

void
lid_ctx_init(struct lid_ctx *c, const struct lid_model *m,
    const unsigned char *allow, double switch_cost)
{
	memset(c, 0, sizeof(*c));
	c->m = m;
	c->allow = allow;
	c->switch_cost = switch_cost;
	c->ntop = LID_TOP;
	lid_markers_init(&c->mk, m);
}

void
lid_ctx_free(struct lid_ctx *c)
{
	text_norm_free(&c->t);
	free(c->pend);
	free(c->w);
	free(c->tll);
	free(c->tacc);
	free(c->tokof);
	free(c->refs.ref);
	free(c->refs.pos);
	free(c->tn);
	free(c->tbeg);
	free(c->tend);
	free(c->back);
	free(c->span);
	memset(c, 0, sizeof(*c));
}

/*
 * A full sort of every language for every record would cost more than
 * the scoring of a short text: insertion into the ntop best.
 */
void
lid_rank(const struct lid_model *m, const double *p, int *order, int ntop)
{
	int i, j, top = 0, nl = (int)m->nlang;
	double low = -1;	/* p of order[ntop - 1] once order is full */

	for (i = 0; i < nl; i++) {
		if (!(p[i] > low))
			continue;
		j = top < ntop ? top++ : top - 1;
		for (; j > 0 && p[order[j - 1]] < p[i]; j--)
			order[j] = order[j - 1];
		order[j] = i;
		if (top == ntop)
			low = p[order[top - 1]];
	}
}

/*
 * The languages that may be the answer for a text whose scripts k
 * counted: those written in its main script, among those of -l, into
 * allowed[].  Returns how many (0: the text is und).
 */
static int
script_allowed(const struct lid_ctx *c, const struct lid_sc_count *k,
    unsigned char *allowed, int *script)
{
	const struct lid_model *m = c->m;
	const unsigned char *a;
	uint32_t L;
	int s = lid_sc_main(k), n = 0;

	if (script != NULL)
		*script = s;
	if (s == LID_SC_NONE || !m->scany[s]) {
		memset(allowed, 0, m->nlang);
		return 0;
	}
	a = m->scall + (size_t)s * LID_ACCLEN;
	for (L = 0; L < m->nlang; L++)
		n += allowed[L] = a[L] && (c->allow == NULL || c->allow[L]);
	return n;
}

/*
 * The posterior and ranking from the sums; the markers from the words of
 * cp[0..n) when cp is not NULL, else from the counts in c->mkcnt.
 */
static void
finish(struct lid_ctx *c, const uint32_t *cp, size_t n)
{
	const struct lid_model *m = c->m;
	double ll[LID_MAXLANG];
	int changed;

	c->und = c->nword && script_allowed(c, &c->sc, c->allowed,
	    &c->script) == 0;
	if (!c->nword || c->und) {
		memset(c->p, 0, sizeof(c->p));
		memset(c->order, 0, sizeof(c->order));
		return;
	}
	lid_loglik(m, c->sum, c->ng, ll);
	lid_posterior(m, ll, c->ng, c->allowed, c->p);
	lid_rank(m, c->p, c->order, c->ntop);
	if (cp != NULL)
		changed = lid_markers_apply(&c->mk, m->nlang, cp, n,
		    c->order[0], c->ntop > 1 ? c->order[1] : -1, c->p);
	else
		changed = lid_markers_reweight(&c->mk, m->nlang, c->mkcnt,
		    c->order[0], c->ntop > 1 ? c->order[1] : -1, c->p);
	if (changed)
		lid_rank(m, c->p, c->order, c->ntop);
}

/*
 * Adds the grams ending at cp[from..to) to c's sums, LID_CHUNK at a time
 * (and to out, when not NULL, each gram found).
 */
static void
add_grams(struct lid_ctx *c, const uint32_t *cp, size_t from, size_t to,
    struct lid_refs *out)
{
	int32_t acc[LID_ACCLEN];
	size_t k, e;
	uint32_t i;

	for (k = from; k < to; k = e) {
		e = to - k > LID_CHUNK ? k + LID_CHUNK : to;
		memset(acc, 0, sizeof(acc));
		c->ng += lid_accumulate_refs(c->m, cp, k, e, acc, out);
		for (i = 0; i < c->m->nlang; i++)
			c->sum[i] += acc[i];
	}
}

/* Room for n refs in c->refs.  Returns 0, or -1 when out of memory. */
static int
reserve_refs(struct lid_ctx *c, size_t n)
{
	uint32_t *a, *b;

	if (n <= c->refs.cap)
		return 0;
	if ((a = realloc(c->refs.ref, n * sizeof(*a))) == NULL)
		return -1;
	c->refs.ref = a;
	if ((b = realloc(c->refs.pos, n * sizeof(*b))) == NULL)
		return -1;
	c->refs.pos = b;
	c->refs.cap = n;
	return 0;
}

/*
 * The sums of c->t by quarters of its words, for lid_spans, into c->q*,
 * and their total into c->sum: the grams of the quarters are those of the
 * whole text (each quarter's first grams reach back into the one before).
 * Returns 0, or -1 when the text has too few words for quarters.
 */
static int
quarter_sums(struct lid_ctx *c)
{
	const uint32_t *cp = c->t.cp;
	size_t i, ntok = 0, k, w, at[4];
	uint32_t L;

	for (i = 1; i < c->t.n; i++)
		ntok += cp[i] != ' ' && cp[i - 1] == ' ';
	if (ntok < LID_QUARTERS_MIN)
		return -1;
	for (w = 0; w < 4; w++)
		at[w] = w * ntok / 4;
	for (i = 1, k = 0, w = 0; i < c->t.n && w < 4; i++)
		if (cp[i] != ' ' && cp[i - 1] == ' ' && k++ == at[w])
			c->qcut[w++] = i;
	c->qcut[4] = c->t.n;
	c->qcut[0] = 0;
	for (w = 0; w < 4; w++) {
		memset(c->sum, 0, sizeof(c->sum));
		c->ng = 0;
		add_grams(c, cp, c->qcut[w], c->qcut[w + 1],
		    c->hasrefs ? &c->refs : NULL);
		memcpy(c->qsum[w], c->sum, sizeof(c->sum));
		c->qng[w] = c->ng;
	}
	for (L = 0; L < c->m->nlang; L++)
		c->sum[L] = c->qsum[0][L] + c->qsum[1][L] + c->qsum[2][L] +
		    c->qsum[3][L];
	c->ng = c->qng[0] + c->qng[1] + c->qng[2] + c->qng[3];
	return 0;
}

void
lid_score(struct lid_ctx *c)
{
	memset(c->sum, 0, sizeof(c->sum));
	c->ng = 0;
	c->nword = c->t.nword > 0;
	c->chunks = 1;
	c->nspan = 0;
	c->nq = 0;
	/* With spans, the grams found are kept for the words' sums. */
	c->hasrefs = c->spans && reserve_refs(c, LID_ORDER * c->t.n) == 0;
	c->refs.n = 0;
	if (c->spans && c->t.n <= LID_CHUNK && quarter_sums(c) == 0)
		c->nq = 4;
	else {
		memset(c->sum, 0, sizeof(c->sum));
		c->ng = 0;
		add_grams(c, c->t.cp, 0, c->t.n, c->hasrefs ? &c->refs : NULL);
	}
	lid_sc_reset(&c->sc);
	lid_sc_count(&c->sc, c->t.cp, c->t.n);
	finish(c, c->t.cp, c->t.n);
}

int
lid_detect(struct lid_ctx *c, const char *s, size_t n)
{
	size_t i, k;

	if (n <= LID_PIECE) {
		if (text_normalise(&c->t, s, n) != 0)
			return -1;
		lid_score(c);
		return c->spans ? lid_spans(c, s, n) : 0;
	}
	lid_begin(c);
	for (i = 0; i < n; i += k) {
		k = n - i < LID_PIECE ? n - i : LID_PIECE;
		if (lid_feed(c, s + i, k) != 0)
			return -1;
	}
	return lid_end(c);
}

void
lid_begin(struct lid_ctx *c)
{
	memset(c->sum, 0, sizeof(c->sum));
	memset(c->mkcnt, 0, sizeof(c->mkcnt));
	c->ng = 0;
	c->nword = 0;
	c->und = 0;
	lid_sc_reset(&c->sc);
	c->hasrefs = 0;
	c->npend = 0;
	c->base = 0;
	c->chunks = 0;
	c->open = 0;
	c->ntail = 0;
	c->nspan = 0;
}

/*
 * Where to end a chunk of the n >= LID_PIECE bytes at s: after the last
 * ASCII byte that is no letter (a space, punctuation) among the
 * LID_CUTBACK bytes before LID_PIECE, else before LID_PIECE at the start
 * of a UTF-8 sequence.
 */
static size_t
cut_point(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i, k = LID_PIECE;

	for (i = LID_PIECE; i > LID_PIECE - LID_CUTBACK; i--)
		if (u[i - 1] < 0x80 && !(((u[i - 1] | 32) >= 'a' &&
		    (u[i - 1] | 32) <= 'z')))
			return i;
	while (k > LID_PIECE - 3 && (u[k] & 0xC0) == 0x80)
		k--;
	return k;
}

static int
grow_w(struct lid_ctx *c, size_t n)
{
	uint32_t *p;

	if (n <= c->wcap)
		return 0;
	if ((p = realloc(c->w, n * sizeof(*p))) == NULL)
		return -1;
	c->w = p;
	c->wcap = n;
	return 0;
}

/*
 * Scores the chunk s[0..n) of a text fed a piece at a time (last: the
 * text ends with it).  Its normalised code points go on from those of the
 * chunks before: the break text_normalise puts at its start is dropped
 * when the text so far ends in a break or the chunk goes on with the
 * word before it, and the one at its end when the text goes on.
 */
static int
chunk(struct lid_ctx *c, const char *s, size_t n, int last)
{
	struct text_norm *t = &c->t;
	struct lid_sc_count k;
	unsigned char allowed[LID_ACCLEN];
	double ll[LID_MAXLANG], p[LID_MAXLANG];
	int64_t save[LID_ACCLEN];
	uint64_t ng0 = c->ng;
	size_t from = 0, to, len, i;
	int endsword, order[LID_MAXLANG];

	if (text_normalise(t, s, n) != 0)
		return -1;
	if (c->chunks > 0 && (!c->open || (t->n > 1 && t->off[1] == 0)))
		from = 1;
	endsword = t->n >= 2 && t->off[t->n - 1] == n &&
	    t->cp[t->n - 2] != ' ';
	to = !last && endsword ? t->n - 1 : t->n;
	len = to > from ? to - from : 0;
	if (grow_w(c, c->ntail + len + 1) != 0)
		return -1;
	memcpy(c->w, c->tail, c->ntail * sizeof(c->w[0]));
	memcpy(c->w + c->ntail, t->cp + from, len * sizeof(c->w[0]));
	if (c->spans)
		memcpy(save, c->sum, sizeof(save));
	add_grams(c, c->w, c->ntail, c->ntail + len, NULL);
	lid_sc_count(&c->sc, c->w + c->ntail, len);
	lid_markers_count(c->w + c->ntail, len, c->mkcnt);
	c->nword |= t->nword > 0;
	if (c->spans && t->nword > 0) {
		/* This chunk's own languages, for its spans. */
		for (i = 0; i < c->m->nlang; i++)
			save[i] = c->sum[i] - save[i];
		lid_sc_reset(&k);
		lid_sc_count(&k, t->cp, t->n);
		if (script_allowed(c, &k, allowed, NULL) > 0) {
			lid_loglik(c->m, save, c->ng - ng0, ll);
			lid_posterior(c->m, ll, c->ng - ng0, allowed, p);
			lid_rank(c->m, p, order, LID_TOP);
			if (lid_spans_chunk(c, (const unsigned char *)s, n,
			    c->base, order, p) != 0)
				return -1;
		}
	}
	/* The last code points, for the grams across the next cut. */
	len += c->ntail;
	c->ntail = len < LID_ORDER - 1 ? (int)len : LID_ORDER - 1;
	memcpy(c->tail, c->w + len - c->ntail, c->ntail * sizeof(c->w[0]));
	c->open = !last && endsword;
	c->base += n;
	c->chunks++;
	return 0;
}

int
lid_feed(struct lid_ctx *c, const char *s, size_t n)
{
	size_t k, cut;
	char *p;

	if (c->pendcap < 2 * LID_PIECE) {
		if ((p = realloc(c->pend, 2 * LID_PIECE)) == NULL)
			return -1;
		c->pend = p;
		c->pendcap = 2 * LID_PIECE;
	}
	while (n > 0) {
		k = n < c->pendcap - c->npend ? n : c->pendcap - c->npend;
		memcpy(c->pend + c->npend, s, k);
		c->npend += k;
		s += k;
		n -= k;
		/* A chunk only when more is known to follow it. */
		while (c->npend > LID_PIECE) {
			cut = cut_point(c->pend);
			if (chunk(c, c->pend, cut, 0) != 0)
				return -1;
			memmove(c->pend, c->pend + cut, c->npend - cut);
			c->npend -= cut;
		}
	}
	return 0;
}

int
lid_end(struct lid_ctx *c)
{
	if (c->chunks == 0) {
		/* One chunk: as lid_detect, spans included. */
		if (text_normalise(&c->t, c->pend, c->npend) != 0)
			return -1;
		lid_score(c);
		return c->spans ? lid_spans(c, c->pend, c->npend) : 0;
	}
	if (chunk(c, c->pend, c->npend, 1) != 0)
		return -1;
	c->npend = 0;
	finish(c, NULL, 0);
	if (!c->nword || c->und)
		c->nspan = 0;
	return 0;
}
