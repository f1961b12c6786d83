/*
 * rank: ranked lists with reasons from a reel model.
 *
 * The ranker holds the mapped model and what is derived from it once at
 * start (id lookup tables, normalised popularity, tag idf); score_request
 * fills one request's list and may run on several threads at once, each
 * with its own struct rank_buf.
 */
#ifndef RANK_H
#define RANK_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "event.h"
#include "linalg.h"
#include "model.h"

enum part {
	P_CF,		/* ALS factors (folded in for unknown users) */
	P_ITEM,		/* item neighbours of the seen items */
	P_CONTENT,	/* TF-IDF of tags against the user's history */
	P_TOD,		/* the user's taste at the request's daypart */
	P_FRESH,	/* publish time, halved every fresh_half_life */
	P_POP,		/* all-time popularity */
	P_RECENT,	/* popularity of the last recent_days */
	NPART
};

extern const char *const part_names[NPART];

/*
 * A blend over all items scans first up to RANK_CHUNK chunks with the
 * best collaborative scores of the user and the RANK_HOT with the best
 * item terms, to raise the floors of its heaps early.
 */
#define RANK_HOT	8

struct ranker {
	struct model	 m;
	struct idmap	 users, items;
	double		 w[NPART];
	double		 div;		/* MMR: weight of dissimilarity */
	double		 personal;	/* share of each list kept for the
					   personal parts alone */
	int		 k, keep_seen, threads;
	double		 fresh_half_life;	/* seconds */
	double		 trend_half_life;	/* seconds, 0 = none */
	float		*pop, *recent, *fresh0;	/* normalised, [0, 1] */
	uint32_t	*tstart, *term;	/* per item: tags and title words */
	size_t		 nterm;
	uint32_t	 rare0;		/* the first rare word's term */
	float		*idf;		/* per term */
	float		*inorm;		/* per item: TF-IDF norm */
	float		*fnorm;		/* per item: factor norm */
	float		*zero;		/* per item: 0, for parts not in play */
	double		*yty;		/* k x k, for fold-in */
	float		*vt;		/* item factors transposed, k x nitems */
	float		*cmax[3];	/* fresh, pop, recent: maximum per
					   RANK_CHUNK items */
	/*
	 * Signatures: items with the same tags and the same terms below
	 * rare0 share one, so that a request sums its profile over each
	 * signature once instead of over each item.
	 */
	uint32_t	*sig;		/* per item */
	size_t		 nsig;
	uint32_t	*sctstart, *sct; /* per signature: content terms */
	uint32_t	*sgstart, *sg;	/* per signature: its tags */
	uint32_t	*pstart, *post;	/* per rare word: its items */
	uint32_t	 hot[RANK_HOT];	/* the chunks with the best item
					   terms (pop, recent, fresh) */
	int		 nhot;
};

/*
 * Per-item arrays hold whole chunks of RANK_CHUNK items (padding 0), so
 * the blend runs over whole chunks.
 */
#define RANK_CHUNK	16

/* One request, parsed. */
struct request {
	json_t		*rec;		/* the record to annotate (owned) */
	long		 user;		/* model index or -1 */
	int		 k;
	double		 now;
	uint32_t	*cand;		/* candidate items, or NULL = all */
	size_t		 ncand;
	uint32_t	*hist;		/* items of events in the request */
	float		*histw;		/* their signed weights */
	size_t		 nhist;
	/* results */
	const float	*cfpre;		/* precomputed cf scores, or NULL */
	const float	*cfchunk;	/* their maximum per RANK_CHUNK */
	const uint32_t	*cfseed;	/* RANK_CHUNK chunks with the best */
	float		 cfmin, cfmax;
	uint32_t	*out;
	float		*score;
	float		*parts;		/* nout x NPART, weighted */
	int		 nout;
};

/* Per-thread scratch. */
struct rank_buf {
	float		*cf, *cfown, *item, *tod;
	float		*prof;		/* per term; 0 between requests */
	float		*pw;		/* per term: profile x idf */
	uint32_t	*tterm;		/* the terms in prof and pw */
	size_t		 ntterm;
	float		*sigc, *sigt;	/* per signature: content, tod */
	float		*cacc;		/* per item: content sum with rare
					   words, 0 = none (the items in
					   ctouched) */
	uint32_t	*ctouched;
	size_t		 nctouched;
	float		*block;		/* BLOCK x nchunk x RANK_CHUNK cf scores */
	float		*bmax;		/* BLOCK x nchunk: chunk maxima */
	uint32_t	(*bseed)[RANK_CHUNK];	/* BLOCK: see cf_chunks */
	size_t		 nchunk;
	uint32_t	*touched, *seen;
	size_t		 seencap;
	float		*x;
	double		*a;
	struct la_topk	 top;
	struct la_topk	 ptop;		/* by the personal parts */
};

int	 ranker_init(struct ranker *r, struct rerr *e);
void	 ranker_free(struct ranker *r);
int	 rank_buf_init(struct rank_buf *b, const struct ranker *r, int kmax);
void	 rank_buf_free(struct rank_buf *b);
/*
 * Precomputes the collaborative scores of up to RANK_BLOCK requests of
 * known users over all items, each item's factors read once for the whole
 * block (so the item matrix streams from memory once per block, not once
 * per user).  Sets q->cfpre, cfchunk (the maximum of each RANK_CHUNK
 * items, which lets score_request skip chunks that cannot make its list),
 * cfmin and cfmax of each request it covers.
 */
#define RANK_BLOCK	16
void	 cf_block(const struct ranker *r, struct rank_buf *b,
	    struct request **q, int n);
/* Scores q; fills q->out, score, parts.  Returns 0 or -1 (no memory). */
int	 score_request(const struct ranker *r, struct rank_buf *b,
	    struct request *q);
/* A short human reason for item i of q's list. */
void	 reason(const struct ranker *r, const struct request *q, int at,
	    const uint32_t *seen, size_t nseen, char *buf, size_t sz);
/* The user's seen items (model and request), sorted; into b->seen. */
size_t	 seen_items(const struct ranker *r, struct rank_buf *b,
	    const struct request *q);

#endif /* RANK_H */
