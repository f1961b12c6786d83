/*
 * lid_detect: whole-text language identification and mixed-language spans on
 * top of the model (lid_model.h), for one text at a time.
 *
 * Ownership: a struct lid_ctx holds the scratch buffers of one thread;
 * results point into it and are valid until the next call.
 */
#ifndef LID_DETECT_H
#define LID_DETECT_H

#include "lid_markers.h"
#include "lid_model.h"
#include "text.h"

#define LID_CAND	12	/* candidate languages for spans */
#define LID_TOP		16	/* languages ranked in order[] */

struct lid_span {
	size_t		 start, end;	/* byte offsets, end exclusive */
	int		 lang;
	double		 conf;
};

struct lid_ctx {
	const struct lid_model *m;
	const unsigned char *allow;	/* NULL: every language */
	struct lid_markers mk;		/* within-group prior (markers.h) */
	double		 switch_cost;	/* nats per language change */
	struct text_norm t;
	double		 p[LID_MAXLANG];	/* posterior of the last text */
	int		 ntop;		/* order[] ranks this many (default */
					/* LID_TOP, which lid_spans needs) */
	int		 order[LID_MAXLANG];	/* the ntop best, in order */
	int		 nword;			/* 0: no letters at all */
	/* Spans scratch. */
	double		*tll;		/* per token x candidate log-lik */
	uint32_t	*tn;		/* grams per token */
	int32_t		*tacc;		/* per token x candidate boosts */
	size_t		*tbeg, *tend;	/* token code point ranges */
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
 * when s has no letters (then p is meaningless).  Returns 0, or -1 when
 * out of memory.
 */
int	 lid_detect(struct lid_ctx *c, const char *s, size_t n);

/* lid_detect of the text that text_normalise has just put in c->t. */
void	 lid_score(struct lid_ctx *c);

/*
 * After lid_detect on the same s: splits it into stretches of one
 * language (c->span[0..nspan)), covering s from its first to its last
 * non-space byte.  Returns 0, or -1 when out of memory.
 */
int	 lid_spans(struct lid_ctx *c, const char *s, size_t n);

#endif /* LID_DETECT_H */
