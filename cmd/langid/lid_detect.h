/*
 * lid_detect: whole-text language identification and mixed-language spans
 * on top of the model (lid_model.h), for one text at a time.
 *
 * A text is detected in one go (lid_detect) or fed a piece at a time
 * (lid_begin, lid_feed, lid_end), which is how a text of any length is
 * read in bounded memory: the pieces are cut again at word breaks into
 * chunks of at most LID_PIECE bytes, each normalised and scored on its own
 * (the grams across a cut are scored with the code points before it), and
 * the sums of all chunks decide.  A text of at most LID_PIECE bytes is one
 * chunk, and lid_feed gives it the same answer as lid_detect.
 *
 * Script first: the answer is always a language written in the text's
 * main script (lid_script.h); when the model has none, the text is und.
 *
 * Spans (lid_detect.c, lid_spans.c): the words of a chunk are labelled
 * with the languages most likely for the chunk by a Viterbi pass that pays
 * switch_cost nats for every change of language; the spans of successive
 * chunks are joined where the language goes on.
 *
 * Ownership: a struct lid_ctx holds the scratch buffers of one thread;
 * results point into it and are valid until the next text.  Its memory is
 * bounded by LID_PIECE, whatever the length of the text, but for the
 * spans themselves (a few dozen bytes each, one per change of language).
 */
#ifndef LID_DETECT_H
#define LID_DETECT_H

#include "lid_markers.h"
#include "lid_model.h"
#include "lid_script.h"
#include "text.h"

#define LID_CAND	12	/* candidate languages for spans */
#define LID_TOP		16	/* languages ranked in order[] */
#define LID_PIECE	((size_t)256 << 10)	/* bytes of a chunk, at most */
#define LID_CUTBACK	4096	/* how far back a chunk's end looks for a break */
#define LID_QUARTERS_MIN 8	/* words from which spans look at quarters */

struct lid_span {
	uint64_t	 start, end;	/* byte offsets, end exclusive */
	int		 lang;
	double		 conf;
	uint64_t	 ngram;		/* grams behind conf */
};

struct lid_ctx {
	const struct lid_model *m;
	const unsigned char *allow;	/* NULL: every language */
	struct lid_markers mk;		/* within-group prior (markers.h) */
	double		 switch_cost;	/* nats per language change */
	int		 spans;		/* lid_feed makes spans as it goes */
	struct text_norm t;		/* the text (the last chunk) normalised */
	double		 p[LID_MAXLANG];	/* posterior of the last text */
	int		 ntop;		/* order[] ranks this many (default */
					/* LID_TOP, which lid_spans needs) */
	int		 order[LID_MAXLANG];	/* the ntop best, in order */
	int		 nword;		/* 0: no letters at all */
	int		 und;		/* letters, in a script no language */
					/* of the model (or -l) is written in */
	int		 script;	/* the main script (enum lid_script) */
	unsigned char	 allowed[LID_ACCLEN];	/* languages of the answer */
	/* Sums of the text so far. */
	int64_t		 sum[LID_ACCLEN];
	uint64_t	 ng;
	struct lid_sc_count sc;
	int		 mkcnt[LID_MK_N];
	/* Feeding. */
	char		*pend;		/* bytes not yet scored */
	size_t		 npend, pendcap;
	uint64_t	 base;		/* offset of pend[0] in the text */
	int		 chunks;	/* chunks scored so far */
	int		 open;		/* the text so far ends inside a word */
	uint32_t	 tail[LID_ORDER];	/* its last code points */
	int		 ntail;
	uint32_t	*w;		/* tail and a chunk's code points */
	size_t		 wcap;
	/* Spans scratch. */
	double		*tll;		/* per token x candidate log-lik */
	int32_t		*tacc;		/* per token x candidate sums */
	uint32_t	*tokof;		/* the token of each code point */
	size_t		 tokcap;
	uint32_t	*tn;		/* grams per token */
	size_t		*tbeg, *tend;	/* token code point ranges */
	size_t		 ntok;
	int		 whole;		/* the tokens are the whole text */
	/*
	 * With spans, lid_score sums a text of LID_QUARTERS_MIN words and
	 * more by quarters of its words (code points qcut[w] to qcut[w + 1]),
	 * which lid_spans needs, and adds them up for the whole.
	 */
	int		 nq;		/* 4, or 0 */
	struct lid_refs	 refs;		/* its grams, for its words' sums */
	int		 hasrefs;
	size_t		 qcut[5];
	int64_t		 qsum[4][LID_ACCLEN];
	uint64_t	 qng[4];
	int		*back;
	size_t		 tcap;
	struct lid_span	*span;
	size_t		 nspan, spancap;
};

void	 lid_ctx_init(struct lid_ctx *c, const struct lid_model *m,
	    const unsigned char *allow, double switch_cost);
void	 lid_ctx_free(struct lid_ctx *c);

/*
 * Identifies the language of s (n bytes, any bytes).  After the call
 * c->order[0] is the best language and c->p its posterior; c->nword is 0
 * when s has no letters, and c->und is set when it has letters but the
 * model has no language for their script (then p is meaningless).
 * Returns 0, or -1 when out of memory.
 */
int	 lid_detect(struct lid_ctx *c, const char *s, size_t n);

/* lid_detect of the text that text_normalise has just put in c->t. */
void	 lid_score(struct lid_ctx *c);

/*
 * The same a piece at a time: lid_begin, lid_feed for each piece (any
 * bytes, cut anywhere; offsets of spans count from the first byte fed),
 * then lid_end.  With c->spans set, lid_feed makes the spans of a text
 * longer than LID_PIECE as it goes (shorter ones after lid_end with
 * lid_spans, as for lid_detect).  Each returns 0, or -1 when out of
 * memory.
 */
void	 lid_begin(struct lid_ctx *c);
int	 lid_feed(struct lid_ctx *c, const char *s, size_t n);
int	 lid_end(struct lid_ctx *c);

/*
 * After lid_detect (or lid_end of a text of one chunk) on s: splits it
 * into stretches of one language (c->span[0..nspan)), covering s from its
 * first to its last non-space byte.  Returns 0, or -1 when out of memory.
 * For a text of several chunks lid_feed has made them already, and this
 * does nothing.
 */
int	 lid_spans(struct lid_ctx *c, const char *s, size_t n);

/*
 * The spans of the chunk normalised in c->t (its text u, n bytes, starting
 * at offset base of the whole), with order and p its ranking and
 * posterior: appended to c->span, the first joined to the last one there
 * when they have one language.  Returns 0, or -1 when out of memory.
 */
int	 lid_spans_chunk(struct lid_ctx *c, const unsigned char *u, size_t n,
	    uint64_t base, const int *order, const double *p);

/*
 * Puts the ntop (<= LID_TOP) most probable languages in order[0..ntop),
 * most probable first (ties by index); the rest of order[] is undefined.
 */
void	 lid_rank(const struct lid_model *m, const double *p, int *order,
	    int ntop);

#endif /* LID_DETECT_H */
