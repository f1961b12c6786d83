/*
 * The layout of a cue's text: counting what the viewer sees and choosing
 * line breaks.
 *
 * Line breaking is a small dynamic programme over the words: the cost of
 * a layout is the spread of its line lengths plus a cost for each break
 * that depends on the words beside it.  The preferences are the ones the
 * Netflix and BBC guidelines state: break after punctuation and before
 * conjunctions and prepositions; do not separate an article from its noun,
 * a subject pronoun from its verb, an auxiliary or a negation from its
 * verb; keep lines of similar length, the lower one rather the longer.
 * The word lists are English; in other languages only punctuation and
 * balance count.
 */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "subfix.h"

/* Is the tag or override block starting at s closed?  Returns its end. */
static const char *
tag_end(const char *s, const char *e, enum sub_fmt m)
{
	char close;

	if (m == SUB_ASS ? *s != '{' : *s != '<')
		return NULL;
	close = m == SUB_ASS ? '}' : '>';
	for (s++; s < e; s++)
		if (*s == close)
			return s + 1;
		else if (*s == '\n')
			return NULL;
	return NULL;
}

long
lay_chars(const char *s, size_t n, enum sub_fmt m)
{
	const char *e = s + n, *t;
	long c = 0;

	while (s < e) {
		if ((t = tag_end(s, e, m)) != NULL) {
			s = t;
			continue;
		}
		if (*s == '\n') {
			s++;
			continue;
		}
		if (m == SUB_VTT && *s == '&') {
			for (t = s + 1; t < e && t - s < 32 &&
			    (isalnum((unsigned char)*t) || *t == '#'); t++)
				;
			if (t < e && *t == ';' && t > s + 1) {
				c++;
				s = t + 1;
				continue;
			}
		}
		if (m == SUB_ASS && *s == '\\' && s + 1 < e &&
		    (s[1] == 'h' || s[1] == 'n' || s[1] == 'N')) {
			c += s[1] == 'h';
			s += 2;
			continue;
		}
		if (((unsigned char)*s & 0xc0) != 0x80)
			c++;
		s++;
	}
	return c;
}

void
lay_measure(const char *text, enum sub_fmt m, long *longest, long *lines)
{
	const char *s = text, *nl;
	long c;

	*longest = 0;
	*lines = 0;
	for (;;) {
		nl = strchr(s, '\n');
		c = lay_chars(s, nl ? (size_t)(nl - s) : strlen(s), m);
		if (c > *longest)
			*longest = c;
		(*lines)++;
		if (nl == NULL)
			break;
		s = nl + 1;
	}
}

struct word {
	const char	*p;
	size_t		 len;
	long		 vis;		/* visible characters */
	int		 dash;		/* starts a dialogue line */
	int		 nl;		/* a line break came before it */
	double		 bc;		/* cost of a break before it */
	long		 pre;		/* span(0, this word) */
	char		 bare[16];	/* lower-case letters, for the lists */
};

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/* Splits text into words; spaces inside tags do not separate. */
static size_t
words_of(const char *text, enum sub_fmt m, struct word **out)
{
	const char *s = text, *e = text + strlen(text), *t;
	struct word *w;
	size_t n = 0, cap = 16, k;
	int nl = 0;

	if ((w = malloc(cap * sizeof(*w))) == NULL)
		abort();
	for (;;) {
		while (s < e && is_space(*s))
			nl |= *s++ == '\n';
		if (s == e)
			break;
		if (n == cap && (w = realloc(w, (cap *= 2) * sizeof(*w)))
		    == NULL)
			abort();
		memset(&w[n], 0, sizeof(w[n]));
		w[n].p = s;
		w[n].nl = nl && n > 0;
		nl = 0;
		while (s < e && !is_space(*s))
			s = (t = tag_end(s, e, m)) != NULL ? t : s + 1;
		w[n].len = (size_t)(s - w[n].p);
		w[n].vis = lay_chars(w[n].p, w[n].len, m);
		/* The letters, for the word lists; tags skipped. */
		for (t = w[n].p, k = 0; t < s && k + 1 < sizeof(w[n].bare);) {
			const char *te = tag_end(t, s, m);

			if (te != NULL) {
				t = te;
				continue;
			}
			if (k == 0 && (*t == '-' || (unsigned char)*t == 0xe2))
				w[n].dash = *t == '-' ||
				    strncmp(t, "\xe2\x80\x93", 3) == 0;
			if (isalpha((unsigned char)*t) || *t == '\'')
				w[n].bare[k++] = (char)tolower(
				    (unsigned char)*t);
			else if (k == 0 && (*t == '-' || *t == '"'))
				;
			else if (k > 0 || !ispunct((unsigned char)*t))
				break;
			t++;
		}
		w[n].bare[k] = '\0';
		n++;
	}
	*out = w;
	return n;
}

static int
in_list(const char *w, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(w, *list) == 0)
			return 1;
	return 0;
}

/* Words a line may start with: conjunctions and prepositions. */
static const char *const conjs[] = {
	"and", "but", "or", "nor", "so", "yet", "because", "although",
	"though", "while", "when", "where", "if", "that", "which", "who",
	"unless", "until", "since", "than", "whether", "before", "after",
	NULL
};
static const char *const prep[] = {
	"to", "of", "in", "on", "at", "for", "with", "from", "by", "about",
	"into", "over", "under", "between", "through", "without", "against",
	"during", "like", "onto", "across", "behind", "toward", "towards",
	NULL
};
/* Words a line should not end with. */
static const char *const glue[] = {
	"a", "an", "the", "this", "these", "those", "my", "your", "his",
	"her", "its", "our", "their", "some", "any", "no", "every", "each",
	"i", "you", "he", "she", "we", "they", "it", "i'm", "you're",
	"he's", "she's", "we're", "they're", "it's", "i'll", "i've", "i'd",
	"am", "is", "are", "was", "were", "be", "been", "will", "would",
	"can", "could", "shall", "should", "may", "might", "must", "do",
	"does", "did", "have", "has", "had", "not", "don't", "doesn't",
	"didn't", "won't", "can't", "to", "mr", "mrs", "ms", "dr",
	NULL
};

/* The cost of breaking between words a and b (a ends the line). */
static double
break_cost(const struct word *a, const struct word *b)
{
	unsigned char last = (unsigned char)a->p[a->len - 1];
	double c = 0;
	const char *q = a->p + a->len;

	/* The last visible character: skip closing tags. */
	while (q > a->p && (q[-1] == '>' || q[-1] == '}')) {
		while (q > a->p && q[-1] != '<' && q[-1] != '{')
			q--;
		if (q > a->p)
			q--;
	}
	last = q > a->p ? (unsigned char)q[-1] : last;
	if (last == '.' || last == '?' || last == '!')
		c -= 500;
	else if (last == ',' || last == ';' || last == ':')
		c -= 350;
	else if (in_list(b->bare, conjs))
		c -= 120;
	else if (in_list(b->bare, prep))
		c -= 80;
	if (last != ',' && last != '.' && in_list(a->bare, glue))
		c += 400;
	return c;
}

/* Visible length of words [i, j) on one line (j > i). */
static long
span(const struct word *w, size_t i, size_t j)
{
	return w[j - 1].pre + w[j - 1].vis - w[i].pre;
}

/* Fills each word's bc and pre, so the programme does no string work. */
static void
prepare(struct word *w, size_t n)
{
	size_t i;
	long at = 0;

	for (i = 0; i < n; i++) {
		w[i].pre = at;
		at += w[i].vis + 1;
		w[i].bc = i > 0 ? break_cost(&w[i - 1], &w[i]) : 0;
	}
}

/*
 * Lays words [0, n) on exactly k lines at minimum cost; brk[l] is the
 * first word of line l.  Returns the cost.
 */
static double
best_layout(const struct word *w, size_t n, long k, long max, size_t *brk)
{
	double *cost, best, c, mean = (double)span(w, 0, n) / (double)k;
	size_t *from, i, j, l, L = (size_t)k;
	long len;

	cost = malloc((n + 1) * (L + 1) * sizeof(*cost));
	from = malloc((n + 1) * (L + 1) * sizeof(*from));
	if (cost == NULL || from == NULL)
		abort();
#define AT(j, l)	((j) * (L + 1) + (l))
	for (i = 0; i <= n; i++)
		for (l = 0; l <= L; l++)
			cost[AT(i, l)] = 1e300;
	cost[AT(0, 0)] = 0;
	for (l = 1; l <= L; l++)
		for (j = l; j <= n; j++)	/* line l ends before word j */
			for (i = l - 1; i < j; i++) {
				if (cost[AT(i, l - 1)] >= 1e300)
					continue;
				len = span(w, i, j);
				c = cost[AT(i, l - 1)] +
				    (len - mean) * (len - mean);
				if (len > max)
					c += 1e6 * (double)(len - max);
				if (i > 0) {
					c += w[i].bc;
					/* The lower line rather the longer. */
					if (l == L && span(w, from[AT(i, l - 1)],
					    i) > len)
						c += 20;
				}
				if (c < cost[AT(j, l)]) {
					cost[AT(j, l)] = c;
					from[AT(j, l)] = i;
				}
			}
	best = cost[AT(n, L)];
	for (j = n, l = L; l > 0; l--) {
		brk[l - 1] = from[AT(j, l)];
		j = brk[l - 1];
	}
#undef AT
	free(cost);
	free(from);
	return best;
}

static char *
join(const struct word *w, size_t n, const size_t *brk, long k)
{
	struct sub_buf b = { 0 };
	size_t i;
	long l = 1;

	for (i = 0; i < n; i++) {
		if (i > 0) {
			if (l < k && brk[l] == i) {
				sub_buf_putc(&b, '\n');
				l++;
			} else
				sub_buf_putc(&b, ' ');
		}
		sub_buf_add(&b, w[i].p, w[i].len);
	}
	sub_buf_putc(&b, '\0');
	return b.p;
}

char *
lay_rebreak(const char *text, enum sub_fmt m, long max_chars,
    long max_lines, int one_line)
{
	struct word *w;
	size_t n, i, *brk = NULL;
	long longest, lines, k, nd = 0;
	char *out = NULL;

	lay_measure(text, m, &longest, &lines);
	if (longest <= max_chars && lines <= max_lines &&
	    (!one_line || lines == 1 ||
	    lay_chars(text, strlen(text), m) + lines - 1 > max_chars))
		return NULL;
	n = words_of(text, m, &w);
	if (n == 0)
		goto out;
	if ((brk = calloc(n + 1, sizeof(*brk))) == NULL)
		abort();
	/* Dialogue: a line other than the first starts with a dash. */
	for (i = 1; i < n; i++)
		if (w[i].nl && w[i].dash)
			brk[++nd] = i;
	if (nd > 0) {
		out = join(w, n, brk, nd + 1);
		goto out;
	}
	prepare(w, n);
	/* The fewest lines that fit, a few over the limit rather than
	 * lines too wide for the screen; else the limit, overflowing. */
	for (k = 1; k <= max_lines + 3 && (size_t)k <= n; k++)
		if (best_layout(w, n, k, max_chars, brk) < 1e6)
			break;
	if (k > max_lines + 3 || (size_t)k > n) {
		k = max_lines < (long)n ? max_lines : (long)n;
		best_layout(w, n, k, max_chars, brk);
	}
	out = join(w, n, brk, k);
out:
	if (out != NULL && strcmp(out, text) == 0) {
		free(out);
		out = NULL;
	}
	free(brk);
	free(w);
	return out;
}

/* The tags open at a point of the text, outermost first. */
#define MAXOPEN 8
struct open_tags {
	int		 n;		/* -1: too many to track */
	const char	*p[MAXOPEN];	/* the opening tag */
	size_t		 len[MAXOPEN], name[MAXOPEN];	/* its length, its
							   name's */
};

/*
 * Updates t with the tags of word w: an opening tag is pushed, a closing
 * one pops its match.  WebVTT timestamp tags (<00:01.000>) and
 * self-closing tags open nothing.
 */
static void
tags_after(const struct word *w, struct open_tags *t)
{
	const char *s = w->p, *e = w->p + w->len, *te;
	size_t nl;
	int k;

	for (; s < e && t->n >= 0; s++) {
		if (*s != '<' || (te = memchr(s, '>', (size_t)(e - s))) == NULL)
			continue;
		if (s[1] == '/') {
			nl = strcspn(s + 2, " .>");
			for (k = t->n - 1; k >= 0; k--)
				if (t->name[k] == nl &&
				    strncmp(t->p[k] + 1, s + 2, nl) == 0)
					break;
			if (k >= 0)
				t->n = k;	/* closes it and any inside */
		} else if (!isdigit((unsigned char)s[1]) && te[-1] != '/') {
			if (t->n == MAXOPEN) {
				t->n = -1;
				break;
			}
			t->p[t->n] = s;
			t->len[t->n] = (size_t)(te + 1 - s);
			t->name[t->n] = strcspn(s + 1, " .>");
			t->n++;
		}
		s = te;
	}
}

/* Lines words [i, j) need at max chars a line: filled greedily, which
 * needs the fewest; a new speaker's dash starts a line.  A word wider
 * than a line fits on none. */
static long
lines_needed(const struct word *w, size_t i, size_t j, long max)
{
	long lines = 1, len = w[i].vis;
	size_t k;

	for (k = i; k < j; k++)
		if (w[k].vis > max)
			return LONG_MAX;
	for (k = i + 1; k < j; k++) {
		if ((w[k].nl && w[k].dash) || len + 1 + w[k].vis > max) {
			lines++;
			len = w[k].vis;
		} else
			len += 1 + w[k].vis;
	}
	return lines;
}

size_t
lay_split(const char *text, enum sub_fmt m, long max_chars, long max_lines,
    size_t min_parts, char ***parts)
{
	struct word *w;
	size_t n, i, j, p, P = 0, *from = NULL, *cut;
	double *cost = NULL, mean, c;
	char *ok = NULL, **out;
	struct sub_buf b;
	struct open_tags *ot = NULL, t = { 0 };
	int found = 0, k;

	*parts = NULL;
	/* An ASS override block sets state for the rest of the text: a
	 * later part would lose it. */
	if (m == SUB_ASS && strchr(text, '{') != NULL)
		return 1;
	n = words_of(text, m, &w);
	if (n < 2)
		goto out;
	/* Markup that is not whole tags (a '<' with no '>' in its word)
	 * could become a tag, or stop being one, in a part: keep it whole. */
	for (i = 0; i < n; i++) {
		const char *q = w[i].p, *e = w[i].p + w[i].len, *lt;

		while ((lt = memchr(q, '<', (size_t)(e - q))) != NULL) {
			if ((q = memchr(lt, '>', (size_t)(e - lt))) == NULL)
				goto out;
			q++;
		}
	}
	prepare(w, n);
	if (min_parts < 1)
		min_parts = 1;
	if (min_parts == 1 && lines_needed(w, 0, n, max_chars) <= max_lines)
		goto out;
	/*
	 * ot[j]: the tags open before word j, which a part ending there
	 * closes and the next one opens again (an italic cue split in two
	 * is two italic cues); ok[j]: a part may start at word j.
	 */
	if ((ok = calloc(n + 1, 1)) == NULL ||
	    (ot = calloc(n + 1, sizeof(*ot))) == NULL)
		abort();
	for (j = 1; j < n; j++) {
		tags_after(&w[j - 1], &t);
		ot[j] = t;
		ok[j] = t.n >= 0;
	}
	ok[0] = ok[n] = 1;
	/*
	 * cost[p][j]: the best split of words [0, j) into p parts, each of
	 * which fits; the fewest parts first, then break costs as between
	 * lines (a new speaker is the best place of all) and parts of
	 * similar length, weighed so a sentence end wins over a modest
	 * imbalance.
	 */
	for (P = min_parts; P <= n && P <= 16; P++) {
		free(cost);
		free(from);
		cost = malloc((P + 1) * (n + 1) * sizeof(*cost));
		from = malloc((P + 1) * (n + 1) * sizeof(*from));
		if (cost == NULL || from == NULL)
			abort();
#define AT(p, j)	((p) * (n + 1) + (j))
		for (i = 0; i < (P + 1) * (n + 1); i++)
			cost[i] = 1e300;
		cost[AT(0, 0)] = 0;
		mean = (double)span(w, 0, n) / (double)P;
		for (p = 1; p <= P; p++)
			for (j = p; j <= n; j++) {
				if (!ok[j] || (p == P) != (j == n))
					continue;
				for (i = p - 1; i < j; i++) {
					double len;

					if (cost[AT(p - 1, i)] >= 1e300 ||
					    lines_needed(w, i, j, max_chars) >
					    max_lines)
						continue;
					len = (double)span(w, i, j);
					c = cost[AT(p - 1, i)] + 0.25 *
					    (len - mean) * (len - mean);
					if (i > 0)
						c += w[i].nl && w[i].dash ?
						    -600 : w[i].bc;
					if (c < cost[AT(p, j)]) {
						cost[AT(p, j)] = c;
						from[AT(p, j)] = i;
					}
				}
			}
		if (cost[AT(P, n)] < 1e300) {
			found = 1;
			break;
		}
	}
	if (!found) {
		P = 1;		/* no split fits (a word wider than a line) */
		goto out;
	}
	if ((cut = calloc(P + 1, sizeof(*cut))) == NULL ||
	    (out = calloc(P, sizeof(*out))) == NULL)
		abort();
	cut[P] = n;
	for (p = P, j = n; p > 0; p--)
		j = cut[p - 1] = from[AT(p, j)];
#undef AT
	for (p = 0; p < P; p++) {
		const struct open_tags *o = &ot[cut[p]], *e = &ot[cut[p + 1]];

		memset(&b, 0, sizeof(b));
		for (k = 0; p > 0 && k < o->n; k++)
			sub_buf_add(&b, o->p[k], o->len[k]);
		for (i = cut[p]; i < cut[p + 1]; i++) {
			if (i > cut[p])
				sub_buf_putc(&b, ' ');
			sub_buf_add(&b, w[i].p, w[i].len);
		}
		for (k = p + 1 < P ? e->n - 1 : -1; k >= 0; k--) {
			sub_buf_add(&b, "</", 2);
			sub_buf_add(&b, e->p[k] + 1, e->name[k]);
			sub_buf_putc(&b, '>');
		}
		sub_buf_putc(&b, '\0');
		out[p] = b.p;
	}
	free(cut);
	*parts = out;
out:
	free(ok);
	free(ot);
	free(cost);
	free(from);
	free(w);
	return P > 1 ? P : 1;
}
