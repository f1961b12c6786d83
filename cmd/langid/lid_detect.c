/*
 * lid_detect: the best language of a text and its mixed-language spans.
 *
 * Spans: the text is cut into words (runs of word characters).  Each word
 * gets the log-likelihood of its grams (those ending inside it or at the
 * break after it) under each of the LID_CAND languages most likely for the
 * whole text.  A Viterbi pass then labels the words so that the total
 * log-likelihood minus switch_cost per change of language is largest: a
 * second language has to explain its stretch better than the first by
 * more than switch_cost nats before it appears, which keeps single-language
 * text in one span.
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
	free(c->tll);
	free(c->tn);
	free(c->tacc);
	free(c->tbeg);
	free(c->tend);
	free(c->back);
	free(c->span);
	memset(c, 0, sizeof(*c));
}

/*
 * Puts the ntop (<= LID_TOP) most probable languages in order[0..ntop),
 * most probable first (ties by index); the rest of order[] is undefined.
 * A full sort of every language for every record would cost more than
 * the scoring of a short text.
 */
static void
rank(const struct lid_model *m, const double *p, int *order, int ntop)
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

int
lid_detect(struct lid_ctx *c, const char *s, size_t n)
{
	if (text_normalise(&c->t, s, n) != 0)
		return -1;
	lid_score(c);
	return 0;
}

void
lid_score(struct lid_ctx *c)
{
	int32_t acc[LID_ACCLEN];
	double ll[LID_MAXLANG];
	uint32_t ng;

	c->nword = c->t.nword > 0;
	memset(acc, 0, sizeof(acc));
	ng = lid_accumulate(c->m, c->t.cp, 0, c->t.n, acc);
	lid_loglik(c->m, acc, ng, ll);
	lid_posterior(c->m, ll, ng, c->allow, c->p);
	rank(c->m, c->p, c->order, c->ntop);
	if (c->nword && lid_markers_apply(&c->mk, c->m->nlang, c->t.cp,
	    c->t.n, c->order[0], c->ntop > 1 ? c->order[1] : -1, c->p))
		rank(c->m, c->p, c->order, c->ntop);
}

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

static int
add_span(struct lid_ctx *c, size_t start, size_t end, int lang, double conf)
{
	struct lid_span *p;
	size_t cap;

	if (c->nspan == c->spancap) {
		cap = c->spancap ? 2 * c->spancap : 4;
		if ((p = realloc(c->span, cap * sizeof(*p))) == NULL)
			return -1;
		c->span = p;
		c->spancap = cap;
	}
	c->span[c->nspan].start = start;
	c->span[c->nspan].end = end;
	c->span[c->nspan].lang = lang;
	c->span[c->nspan].conf = conf;
	c->nspan++;
	return 0;
}

/* Appends up to n of order[] (allowed, not yet in cand) to cand. */
static void
add_cand(struct lid_ctx *c, int *cand, int *ncand, const int *order, int n)
{
	int i, j, added = 0;

	for (i = 0; i < (int)c->m->nlang && i < LID_TOP && added < n &&
	    *ncand < LID_CAND; i++) {
		if (c->allow != NULL && !c->allow[order[i]])
			break;
		for (j = 0; j < *ncand && cand[j] != order[i]; j++)
			;
		if (j == *ncand) {
			cand[(*ncand)++] = order[i];
			added++;
		}
	}
}

/* The languages ranked for the code points [from, to). */
static void
window_order(struct lid_ctx *c, size_t from, size_t to, int *order)
{
	const struct lid_model *m = c->m;
	int32_t acc[LID_ACCLEN];
	double ll[LID_MAXLANG], p[LID_MAXLANG];
	uint32_t ng;

	memset(acc, 0, sizeof(acc));
	ng = lid_accumulate(m, c->t.cp, from, to, acc);
	lid_loglik(m, acc, ng, ll);
	lid_posterior(m, ll, ng, c->allow, p);
	rank(m, p, order, LID_TOP);
}

/*
 * The language of tokens [a, b), which the Viterbi pass labelled lang,
 * and its posterior (*conf): the markers may move it to another member of
 * its group, as they do for the whole text in lid_detect.
 */
static int
span_lang(struct lid_ctx *c, int lang, size_t a, size_t b, double *conf)
{
	const struct lid_model *m = c->m;
	int32_t acc[LID_ACCLEN];
	double ll[LID_MAXLANG], p[LID_MAXLANG];
	size_t from = c->tbeg[a], to = c->tend[b - 1] + 1;
	uint32_t ng;

	memset(acc, 0, sizeof(acc));
	ng = lid_accumulate(m, c->t.cp, from, to, acc);
	lid_loglik(m, acc, ng, ll);
	lid_posterior(m, ll, ng, c->allow, p);
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

int
lid_spans(struct lid_ctx *c, const char *s, size_t n)
{
	const struct lid_model *m = c->m;
	const unsigned char *u = (const unsigned char *)s;
	const uint32_t *cp = c->t.cp;
	int cand[LID_CAND], ncand = 0, k, j, bestk, w, lang;
	int32_t acc[LID_ACCLEN];
	double v[LID_CAND], nv[LID_CAND], conf;
	size_t ntok = 0, i, a, first, last, start, end, sl, sfirst = 0;
	int *lab;

	c->nspan = 0;
	for (first = 0; first < n && is_space(u, n, first, &sl); first += sl)
		;
	for (last = n; last > first && (u[last - 1] == ' ' ||
	    u[last - 1] == '\t' || u[last - 1] == '\n' || u[last - 1] == '\r');
	    last--)
		;
	if (!c->nword)
		return 0;
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
	/*
	 * Candidates: the best languages of the whole text and of each
	 * quarter of its words, so that a language that fills only part
	 * of the text is among them even when the mixture as a whole
	 * looks like a third language.
	 */
	add_cand(c, cand, &ncand, c->order, 3);
	for (w = 0; w < 4 && ntok >= 4; w++) {
		int order[LID_MAXLANG];

		window_order(c, c->tbeg[w * ntok / 4],
		    c->tend[(w + 1) * ntok / 4 - 1] + 1, order);
		add_cand(c, cand, &ncand, order, 2);
	}
	add_cand(c, cand, &ncand, c->order, LID_CAND);
	for (a = 0; a < ntok; a++) {
		memset(acc, 0, sizeof(acc));
		c->tn[a] = lid_accumulate(m, cp, c->tbeg[a], c->tend[a] + 1,
		    acc);
		for (k = 0; k < ncand; k++)
			c->tll[a * LID_CAND + k] = acc[cand[k]] / LID_QSCALE +
			    c->tn[a] * (double)m->floor[cand[k]];
	}
	/* Viterbi. */
	for (k = 0; k < ncand; k++)
		v[k] = c->tll[k];
	for (a = 1; a < ntok; a++) {
		for (k = 0; k < ncand; k++) {
			bestk = k;
			for (j = 0; j < ncand; j++)
				if (v[j] - (j != k) * c->switch_cost >
				    v[bestk] - (bestk != k) * c->switch_cost)
					bestk = j;
			nv[k] = v[bestk] - (bestk != k) * c->switch_cost +
			    c->tll[a * LID_CAND + k];
			c->back[a * LID_CAND + k] = bestk;
		}
		memcpy(v, nv, sizeof(v));
	}
	bestk = 0;
	for (k = 1; k < ncand; k++)
		if (v[k] > v[bestk])
			bestk = k;
	/* Labels back to front, kept in back[a * LID_CAND] slots' spare. */
	lab = malloc(ntok * sizeof(*lab));
	if (lab == NULL)
		return -1;
	for (a = ntok; a-- > 0;) {
		lab[a] = bestk;
		if (a > 0)
			bestk = c->back[a * LID_CAND + bestk];
	}
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
		lang = span_lang(c, cand[lab[a]], a, i, &conf);
		if (c->nspan > 0 && c->span[c->nspan - 1].lang == lang) {
			/* Two stretches the markers gave one language. */
			c->span[c->nspan - 1].end = end;
			if (span_lang(c, lang, sfirst, i, &conf) == lang)
				c->span[c->nspan - 1].conf = conf;
		} else if (add_span(c, start, end, lang, conf) != 0) {
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
