/*
 * lid_spans: mixed-language spans of a text (lid_detect.h).
 *
 * A chunk of text is cut into words (runs of word characters).  Each word
 * gets the log-likelihood of its grams (those ending inside it or at the
 * break after it) under each of the LID_CAND languages most likely for the
 * chunk.  A Viterbi pass then labels the words so that the total
 * log-likelihood minus switch_cost per change of language is largest: a
 * second language has to explain its stretch better than the first by
 * more than switch_cost nats before it appears, which keeps
 * single-language text in one span.  Each stretch then gets the language
 * its own text is most likely in, among those written in its main script
 * (none: und).  A text of several chunks gets the spans of each, joined
 * where the language goes on.
 */
#include <stdlib.h>
#include <string.h>

#include "lid_detect.h"

static int
grow(struct lid_ctx *c, size_t ntok)
{
	size_t cap = c->tcap ? c->tcap : 16;

	if (ntok <= c->tcap)
		return 0;
	while (cap < ntok)
		cap *= 2;
#define G(f, sz) do {							\
	void *p_ = realloc(c->f, cap * (sz));				\
	if (p_ == NULL)							\
		return -1;						\
	c->f = p_;							\
} while (0)
	G(tll, LID_CAND * sizeof(double));
	G(tacc, LID_CAND * sizeof(int32_t));
	G(tn, sizeof(uint32_t));
	G(tbeg, sizeof(size_t));
	G(tend, sizeof(size_t));
	G(back, LID_CAND * sizeof(int));
#undef G
	c->tcap = cap;
	return 0;
}

static int
is_space(const unsigned char *s, size_t n, size_t i, size_t *len)
{
	*len = 1;
	if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' ||
	    s[i] == '\v' || s[i] == '\f')
		return 1;
	if (i + 1 < n && s[i] == 0xC2 && s[i + 1] == 0xA0) {
		*len = 2;
		return 1;
	}
	if (i + 2 < n && s[i] == 0xE3 && s[i + 1] == 0x80 && s[i + 2] == 0x80) {
		*len = 3;
		return 1;
	}
	return 0;
}

/*
 * Appends the span [start, end) of lang to c->span, or extends the last
 * span when it has the same language (its conf then is that of the
 * larger part).
 */
static int
add_span(struct lid_ctx *c, uint64_t start, uint64_t end, int lang,
    double conf, uint64_t ngram)
{
	struct lid_span *p;
	size_t cap;

	if (c->nspan > 0 && c->span[c->nspan - 1].lang == lang) {
		p = &c->span[c->nspan - 1];
		p->end = end;
		if (ngram > p->ngram) {
			p->conf = conf;
			p->ngram = ngram;
		}
		return 0;
	}
	if (c->nspan == c->spancap) {
		cap = c->spancap ? 2 * c->spancap : 4;
		if ((p = realloc(c->span, cap * sizeof(*p))) == NULL)
			return -1;
		c->span = p;
		c->spancap = cap;
	}
	p = &c->span[c->nspan++];
	p->start = start;
	p->end = end;
	p->lang = lang;
	p->conf = conf;
	p->ngram = ngram;
	return 0;
}

/*
 * Appends up to n of order[0..ntop) (not yet in cand, p > 0) to cand.
 */
static void
add_cand(const struct lid_ctx *c, int *cand, int *ncand, const int *order,
    const double *p, int n, int ntop)
{
	int i, j, added = 0;

	for (i = 0; i < (int)c->m->nlang && i < ntop && added < n &&
	    *ncand < LID_CAND; i++) {
		if (!(p[order[i]] > 0))
			break;
		for (j = 0; j < *ncand && cand[j] != order[i]; j++)
			;
		if (j == *ncand) {
			cand[(*ncand)++] = order[i];
			added++;
		}
	}
}

/*
 * The posterior of the text of code points [from, to) of c->t over the
 * languages written in its main script (among those of -l) into p; the
 * number of its grams into *ng.  Returns 0, or -1 when no language is
 * written in that script.
 */
static int
range_posterior(struct lid_ctx *c, size_t from, size_t to, double *p,
    uint64_t *ng, const int64_t *have, uint64_t hng)
{
	const struct lid_model *m = c->m;
	struct lid_sc_count k;
	unsigned char allowed[LID_ACCLEN];
	const unsigned char *a;
	int32_t acc[LID_ACCLEN];
	int64_t sum[LID_ACCLEN];
	double ll[LID_MAXLANG];
	uint32_t L, n = 0;
	int s;

	lid_sc_reset(&k);
	lid_sc_count(&k, c->t.cp + from, to - from);
	s = lid_sc_main(&k);
	if (s == LID_SC_NONE || !m->scany[s])
		return -1;
	a = m->scall + (size_t)s * LID_ACCLEN;
	for (L = 0; L < m->nlang; L++)
		n += allowed[L] = a[L] && (c->allow == NULL || c->allow[L]);
	if (n == 0)
		return -1;
	if (have != NULL) {
		*ng = hng;
		lid_loglik(m, have, *ng, ll);
	} else {
		memset(acc, 0, sizeof(acc));
		*ng = lid_accumulate(m, c->t.cp, from, to, acc);
		for (L = 0; L < m->nlang; L++)
			sum[L] = acc[L];
		lid_loglik(m, sum, *ng, ll);
	}
	lid_posterior(m, ll, *ng, allowed, p);
	return 0;
}

/*
 * The language of tokens [a, b), which the Viterbi pass labelled lang,
 * and its posterior (*conf): the best for the stretch's own text, so that
 * a stretch in another script than its neighbours gets a language of its
 * script (or -1, und, when the model has none), and the markers may move
 * it to another member of its group, as they do for the whole text.
 */
static int
span_lang(struct lid_ctx *c, int lang, size_t a, size_t b, double *conf,
    uint64_t *ng)
{
	const struct lid_model *m = c->m;
	double p[LID_MAXLANG];
	size_t from = c->tbeg[a], to = c->tend[b - 1] + 1;
	uint32_t L;
	int best;

	*conf = 0;
	*ng = 0;
	if (c->whole && a == 0 && b == c->ntok && lang == c->order[0]) {
		/* The whole text in one piece: its own posterior. */
		*conf = c->p[lang];
		*ng = c->ng;
		return lang;
	}
	if (range_posterior(c, from, to, p, ng, NULL, 0) != 0)
		return -1;
	if (!(p[lang] > 0)) {
		for (best = 0, L = 1; L < m->nlang; L++)
			if (p[L] > p[best])
				best = (int)L;
		lang = best;
	}
	if (lid_markers_apply(&c->mk, m->nlang, c->t.cp + from, to - from,
	    lang, -1, p))
		lang = lid_markers_best(&c->mk, lang, p);
	*conf = p[lang];
	return lang;
}

/* 1 when the bytes before token a (after token a - 1) end a sentence. */
static int
sentence_end(const struct lid_ctx *c, const unsigned char *u, size_t n,
    size_t a)
{
	size_t i;

	for (i = c->t.off[c->tend[a - 1]]; i < c->t.off[c->tbeg[a]]; i++)
		if (u[i] == '.' || u[i] == '!' || u[i] == '?' || u[i] == ';')
			return 1;
		else if (i + 2 < n && ((u[i] == 0xE3 && u[i + 1] == 0x80 &&
		    u[i + 2] == 0x82) || (u[i] == 0xEF && u[i + 1] == 0xBC &&
		    (u[i + 2] == 0x81 || u[i + 2] == 0x9F)) ||
		    (u[i] == 0xD8 && u[i + 1] == 0x9F) ||
		    (u[i] == 0xE0 && u[i + 1] == 0xA5 && u[i + 2] == 0xA4)))
			return 1;
	return 0;
}

/*
 * Moves each change of language to the sentence end (. ! ? ; and their
 * CJK, Arabic and Devanagari forms) within SNAP words of it that best
 * splits the words between the two languages, when there is one: the
 * likelihoods of a few words either side rarely tell where a switch is,
 * and switches happen between sentences far more often than inside them.
 */
#define SNAP	6
static void
snap(struct lid_ctx *c, const unsigned char *u, size_t n, int *lab,
    size_t ntok)
{
	size_t i, j, lo, hi, best, a;
	double sc, bestsc;
	int l1, l2, found;

	for (i = 1; i < ntok; i++) {
		if (lab[i] == lab[i - 1])
			continue;
		l1 = lab[i - 1];
		l2 = lab[i];
		for (lo = i - 1; lo > 0 && lab[lo - 1] == l1; lo--)
			;
		for (hi = i + 1; hi < ntok && lab[hi] == l2; hi++)
			;
		found = 0;
		best = i;
		bestsc = 0;
		for (j = i > SNAP ? i - SNAP : 1; j <= i + SNAP && j < hi;
		    j++) {
			if (j <= lo || !sentence_end(c, u, n, j))
				continue;
			sc = 0;
			for (a = lo; a < hi; a++)
				sc += c->tll[a * LID_CAND + (a < j ? l1 : l2)];
			if (!found || sc > bestsc) {
				found = 1;
				best = j;
				bestsc = sc;
			}
		}
		for (a = lo; a < hi; a++)
			lab[a] = a < best ? l1 : l2;
	}
}

/*
 * The candidates of a chunk of ntok tokens: the best languages of the
 * whole chunk (order) and, from LID_QUARTERS_MIN words on, of each quarter of
 * its words, so that a language that fills only part of the text is
 * among them even when the mixture as a whole looks like a third
 * language.  (A shorter text has no room for a second language that
 * would pay its switch_cost.)
 */
#define QUARTER_TOP	4	/* ranked in a quarter */
static int
candidates(struct lid_ctx *c, const int *order, const double *p, size_t ntok,
    int *cand)
{
	double pw[LID_MAXLANG];
	int ncand = 0, w, ord[LID_MAXLANG];
	uint64_t ng;

	add_cand(c, cand, &ncand, order, p, 3, LID_TOP);
	for (w = 0; w < 4 && ntok >= LID_QUARTERS_MIN; w++) {
		/* Summed by lid_score already when the chunk is the text. */
		if (c->whole && c->nq == 4 ?
		    range_posterior(c, c->qcut[w], c->qcut[w + 1], pw, &ng,
		    c->qsum[w], c->qng[w]) != 0 :
		    range_posterior(c, c->tbeg[w * ntok / 4],
		    c->tend[(w + 1) * ntok / 4 - 1] + 1, pw, &ng, NULL, 0) != 0)
			continue;
		lid_rank(c->m, pw, ord, QUARTER_TOP);
		add_cand(c, cand, &ncand, ord, pw, 2, QUARTER_TOP);
	}
	add_cand(c, cand, &ncand, order, p, LID_CAND, LID_TOP);
	return ncand;
}

/*
 * The Viterbi labels (candidate indices) of the ntok tokens into lab.
 * The best way into label k comes from k itself or, paying switch_cost,
 * from the best label of all (the first of the best on a tie): one pass
 * over the candidates a token.
 */
static void
viterbi(struct lid_ctx *c, int ncand, size_t ntok, int *lab)
{
	double v[LID_CAND], mx, from;
	int k, bestk, jm;
	size_t a;

	for (k = 0; k < ncand; k++)
		v[k] = c->tll[k];
	for (a = 1; a < ntok; a++) {
		for (jm = 0, k = 1; k < ncand; k++)
			if (v[k] > v[jm])
				jm = k;
		mx = v[jm] - c->switch_cost;
		for (k = 0; k < ncand; k++) {
			from = k != jm && mx > v[k] ? mx : v[k];
			c->back[a * LID_CAND + k] = k != jm && mx > v[k] ? jm :
			    k;
			v[k] = from + c->tll[a * LID_CAND + k];
		}
	}
	bestk = 0;
	for (k = 1; k < ncand; k++)
		if (v[k] > v[bestk])
			bestk = k;
	for (a = ntok; a-- > 0;) {
		lab[a] = bestk;
		if (a > 0)
			bestk = c->back[a * LID_CAND + bestk];
	}
}

/*
 * The sums of the candidates and the gram counts of each word, into
 * c->tacc and c->tn: from the grams the whole text's scoring found when
 * the chunk is the text (c->refs), else word by word.  Returns 0, or -1
 * when out of memory.
 */
static int
word_sums(struct lid_ctx *c, size_t ntok, const int *cand, int ncand,
    const signed char *which)
{
	const struct lid_model *m = c->m;
	size_t a, i;
	uint32_t t;

	memset(c->tacc, 0, ntok * LID_CAND * sizeof(c->tacc[0]));
	memset(c->tn, 0, ntok * sizeof(c->tn[0]));
	if (!c->whole || !c->hasrefs) {
		for (a = 0; a < ntok; a++)
			c->tn[a] = lid_accumulate_some(m, c->t.cp, c->tbeg[a],
			    c->tend[a] + 1, cand, ncand, which,
			    c->tacc + a * LID_CAND);
		return 0;
	}
	if (c->tokcap < c->t.n) {
		uint32_t *p = realloc(c->tokof, c->t.n * sizeof(*p));

		if (p == NULL)
			return -1;
		c->tokof = p;
		c->tokcap = c->t.n;
	}
	/* A word's grams end inside it or at the break after it. */
	for (i = 0; i < c->t.n; i++)
		c->tokof[i] = UINT32_MAX;
	for (a = 0; a < ntok; a++)
		for (i = c->tbeg[a]; i <= c->tend[a]; i++)
			c->tokof[i] = (uint32_t)a;
	for (i = 0; i < c->refs.n; i++) {
		if ((t = c->tokof[c->refs.pos[i]]) == UINT32_MAX)
			continue;
		c->tn[t]++;
		lid_ref_add(m, c->refs.ref[i], cand, ncand, which,
		    c->tacc + (size_t)t * LID_CAND);
	}
	return 0;
}

int
lid_spans_chunk(struct lid_ctx *c, const unsigned char *u, size_t n,
    uint64_t base, const int *order, const double *p)
{
	const struct lid_model *m = c->m;
	const uint32_t *cp = c->t.cp;
	int cand[LID_CAND], ncand, k, lang, *lab;
	signed char which[LID_ACCLEN];
	double conf;
	size_t ntok = 0, i, a, first, last, start, end, sl, sfirst = 0;
	size_t nspan0 = c->nspan;
	uint64_t ng;

	for (first = 0; first < n && is_space(u, n, first, &sl); first += sl)
		;
	for (last = n; last > first && (u[last - 1] == ' ' ||
	    u[last - 1] == '\t' || u[last - 1] == '\n' || u[last - 1] == '\r');
	    last--)
		;
	/* Tokens: cp[tbeg, tend) word characters, cp[tend] a break. */
	for (i = 1; i < c->t.n; i++) {
		if (cp[i] == ' ')
			continue;
		if (grow(c, ntok + 1) != 0)
			return -1;
		c->tbeg[ntok] = i;
		while (cp[i] != ' ')
			i++;
		c->tend[ntok] = i;
		ntok++;
	}
	if (ntok == 0)
		return 0;
	c->ntok = ntok;
	c->whole = order == c->order;
	ncand = candidates(c, order, p, ntok, cand);
	memset(which, -1, sizeof(which));
	for (k = 0; k < ncand; k++)
		which[cand[k]] = (signed char)k;
	if (word_sums(c, ntok, cand, ncand, which) != 0)
		return -1;
	for (a = 0; a < ntok; a++)
		for (k = 0; k < ncand; k++)
			c->tll[a * LID_CAND + k] = c->tacc[a * LID_CAND + k] /
			    LID_QSCALE + c->tn[a] * (double)m->floor[cand[k]];
	if ((lab = malloc(ntok * sizeof(*lab))) == NULL)
		return -1;
	viterbi(c, ncand, ntok, lab);
	snap(c, u, n, lab, ntok);
	start = first;
	for (a = 0; a < ntok; a = i) {
		for (i = a + 1; i < ntok && lab[i] == lab[a]; i++)
			;
		if (i == ntok)
			end = last;
		else {
			/*
			 * The stretch ends after the punctuation that follows
			 * its last word, at the space before the next one; the
			 * next starts at its first non-space byte.
			 */
			size_t nxt = c->t.off[c->tbeg[i]];

			end = c->t.off[c->tend[i - 1]];
			while (end < nxt && !is_space(u, n, end, &sl))
				end++;
		}
		lang = span_lang(c, cand[lab[a]], a, i, &conf, &ng);
		if (c->nspan > nspan0 && c->span[c->nspan - 1].lang == lang) {
			/* Two stretches the markers gave one language. */
			c->span[c->nspan - 1].end = base + end;
			if (span_lang(c, lang, sfirst, i, &conf, &ng) == lang) {
				c->span[c->nspan - 1].conf = conf;
				c->span[c->nspan - 1].ngram = ng;
			}
		} else if (add_span(c, base + start, base + end, lang, conf,
		    ng) != 0) {
			free(lab);
			return -1;
		} else
			sfirst = a;
		if (i < ntok) {
			start = end;
			while (start < n && is_space(u, n, start, &sl))
				start += sl;
		}
	}
	free(lab);
	return 0;
}

int
lid_spans(struct lid_ctx *c, const char *s, size_t n)
{
	if (c->chunks > 1)
		return 0;
	c->nspan = 0;
	if (!c->nword || c->und)
		return 0;
	return lid_spans_chunk(c, (const unsigned char *)s, n, 0, c->order,
	    c->p);
}
