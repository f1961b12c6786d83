/*
 * lid_model: the langid model file and the scoring of text against it.
 *
 * The model is a naive Bayes classifier over character n-grams (orders 1
 * to LID_ORDER, code points of text_normalise output, so word edges are
 * part of the grams).  For language L and text with n grams g:
 *
 *	log P(text | L) = sum over g of boost(g, L) / LID_QSCALE + n * floor(L)
 *
 * where floor(L) = log(alpha / (N_L + alpha * V_L)) is the smoothed
 * log-probability of a gram L never showed in training and
 * boost(g, L) = log((count(g, L) + alpha) / alpha), quantised.  A gram
 * is found through a 64-bit hash (lid_gram_hashes); the table stores 32
 * bits of it as the key, in lines of LID_LINE slots (lid_slot_start).
 * conf is the softmax of those log-likelihoods scaled by cal_a / n^cal_b,
 * plus each language's bias (a log prior, <= 0), over the languages
 * written in the text's main script (lid_script.h): the three are fitted
 * on held-out training text by langid-train.  The loader checks every
 * ref once and finds the unigrams and a-z bigrams ahead (direct[]), so
 * that scoring needs neither checks nor, for those, lookups.
 *
 * File layout (all integers little-endian, see lid_model_load):
 *
 *	0	8	magic LID_MAGIC
 *	8	4	nlang (<= LID_MAXLANG)
 *	12	4	nslots (a power of two)
 *	16	4	nent (entries)
 *	20	4	order (LID_ORDER)
 *	24	8	cal_a (IEEE double)
 *	32	8	cal_b (IEEE double)
 *	40	4	ndense (dense rows)
 *	44	4	reserved, zero
 *	48	32*nlang	per language (LID_LANGREC): label (12 bytes,
 *			NUL-padded), floor (IEEE float), bias (IEEE
 *			float), 4 bytes zero, scripts (64-bit mask of
 *			the lid_script values it is written in)
 *	...		zeros up to LID_SLOTOFF(nlang), a multiple of 64
 *	...	8*nslots	slots, in lines of LID_LINE: the keys of the
 *			line (0 = empty), then their refs: first entry
 *			<< 8 | number of entries
 *	...	2*nent	entries: language | boost << 8
 *	...		zeros up to LID_DENSEOFF(nlang, nslots, nent)
 *	...	nlang*ndense	dense rows: the boost of each language,
 *			padded to a multiple of 16 bytes
 *
 * A ref whose count is 0 names dense row (ref >> 8) instead: grams
 * common to many languages are added as a whole row, 16 languages an
 * instruction, rather than entry by entry.
 *	...	4	lid_checksum of all bytes before it
 *
 * Ownership: a loaded model owns its bytes (mapped or read);
 * lid_model_free releases them.  Scoring allocates nothing.
 */
#ifndef LID_MODEL_H
#define LID_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "hash.h"

#define LID_MAGIC	"REELLID3"
#define LID_ORDER	4
#ifndef LID_MINORDER
#define LID_MINORDER	1
#endif
#define LID_LINE	8	/* slots in a 64-byte cache line */
#define LID_MAXLANG	255
#define LID_ACCLEN	256	/* length of an accumulator array */
#define LID_ROWLEN(nlang)	(((nlang) + 15) & ~15u)
#define LID_QSCALE	16.0
#define LID_HDR		48
#define LID_LABEL	12
#define LID_LANGREC	32	/* bytes of a language's record */
/*
 * The slots and the dense rows start on 64-byte boundaries, so that a line
 * of slots is a cache line and a row of 128 languages two.
 */
#define LID_ALIGN64(x)	(((size_t)(x) + 63) & ~(size_t)63)
#define LID_SLOTOFF(nlang)	LID_ALIGN64(LID_HDR + LID_LANGREC * (size_t)(nlang))
#define LID_DENSEOFF(nlang, nslots, nent)	LID_ALIGN64(LID_SLOTOFF(nlang) + \
	8 * (size_t)(nslots) + 2 * (size_t)(nent))

struct lid_model {
	unsigned char	*mem;		/* the file's bytes */
	size_t		 size;
	int		 mapped;
	uint32_t	 nlang, nslots, nent, order, ndense, rowlen;
	double		 cal_a, cal_b;
	/* Languages padded to whole rows: acc arrays have LID_ACCLEN. */
	const char	*label[LID_MAXLANG];
	float		 floor[LID_MAXLANG];
	float		 bias[LID_MAXLANG];
	uint64_t	 scripts[LID_MAXLANG];
	/*
	 * Found at load: for each lid_script s, scall + s * LID_ACCLEN
	 * holds 1 for each language that may be the answer for text mainly
	 * in s (written in s; for Han, not also in kana or Hangul when
	 * another language is Han alone), and scany[s] whether any may.
	 */
	unsigned char	*scall;
	unsigned char	 scany[64];
	const uint32_t	*slot;		/* lines: LID_LINE keys, LID_LINE refs */
	const uint16_t	*ent;
	const uint8_t	*dense;
	/*
	 * Found at load, for the commonest grams: the ref (bit 31 set; 0
	 * when absent) of the unigram of each code point below LID_DIRECT,
	 * then of each bigram of two of a-z and the break (LID_BIGRAM).
	 */
	uint32_t	*direct;
	/* cal_a / n^cal_b for n below LID_NTEMP, also found at load. */
	double		*temp;
};

#define LID_NTEMP	2048

#define LID_DIRECT	0x3000
/*
 * Index in direct[] of the bigram c1 c0 (c0 last), both LID_ISABC: a-z
 * or the break, the only code points below 128 of text_normalise.
 */
#define LID_ISABC(c)	((c) == ' ' || ((c) >= 'a' && (c) <= 'z'))
#define LID_BIGRAM(c1, c0)	(LID_DIRECT + 27 * ((c1) == ' ' ? 26 : \
	(c1) - 'a') + ((c0) == ' ' ? 26 : (c0) - 'a'))

/*
 * The hash of every gram ending at each position of cp[from..to) (grams
 * may start before from, never before 0).  fn is called with the hash.
 */
uint64_t lid_gram_hash(const uint32_t *cp, size_t i, int k);

/*
 * The finaliser of a gram's FNV-1a hash (lib/hash.h's constants, over
 * code points): one multiply-xorshift, enough to spread FNV's weak low
 * bits over the slot index, and half the cost of hash_fmix64 in the
 * loop that runs four times a code point.  Part of the model format.
 */
static inline uint64_t
lid_fin(uint64_t h)
{
	h ^= h >> 32;
	h *= 0xd6e8feb86659fd93ULL;
	h ^= h >> 32;
	return h;
}

/*
 * The hashes of the grams ending at cp[i] (orders LID_MINORDER to
 * LID_ORDER, none reaching before cp[0], no unigram of a break) into out;
 * returns how many.  out[j] == lid_gram_hash(cp, i, k) for the gram of
 * order k.  Inline: it runs for every code point of every text.
 */
static inline int
lid_gram_hashes(const uint32_t *cp, size_t i, uint64_t *out)
{
	uint64_t h = HASH_FNV_INIT;
	int k, n = 0;

	if (i + 1 >= LID_ORDER) {
		for (k = 1; k <= LID_ORDER; k++) {
			h = (h ^ cp[i - k + 1]) * HASH_FNV_PRIME;
			if (k >= LID_MINORDER && (k > 1 || cp[i] != ' '))
				out[n++] = lid_fin(h);
		}
		return n;
	}
	for (k = 1; (size_t)k <= i + 1; k++) {
		h = (h ^ cp[i - k + 1]) * HASH_FNV_PRIME;
		if (k >= LID_MINORDER && (k > 1 || cp[i] != ' '))
			out[n++] = lid_fin(h);
	}
	return n;
}

/*
 * The first slot of the line where the gram with hash h is looked up
 * (mask = nslots - 1): a gram lives in that line of LID_LINE slots (one
 * 64-byte cache line) or, when it is full, in the next ones.
 */
static inline uint32_t
lid_slot_start(uint64_t h, uint32_t mask)
{
	return (uint32_t)h & mask & ~(uint32_t)(LID_LINE - 1);
}

/* Where the key of slot s is in the slot array (its ref is LID_LINE on). */
static inline size_t
lid_key_at(uint32_t s)
{
	return 2 * (size_t)(s & ~(uint32_t)(LID_LINE - 1)) + (s & (LID_LINE - 1));
}

/*
 * Loads a model from path (mmap, falling back to read).  Returns 0, or
 * fills e: EX_NOINPUT when it cannot be opened, EX_DATAERR when it is not
 * a valid model.
 */
int	 lid_model_load(struct lid_model *m, const char *path, struct rerr *e);

/*
 * Checks and adopts len bytes at mem (malloc'd; the model frees it).
 * Returns 0, or EX_DATAERR with e filled (mem is freed either way).
 */
int	 lid_model_from_mem(struct lid_model *m, unsigned char *mem,
	    size_t len, const char *name, struct rerr *e);
void	 lid_model_free(struct lid_model *m);

/* FNV-1a over the 64-bit little-endian words of p in four lanes, folded. */
uint32_t lid_checksum(const unsigned char *p, size_t n);

/* The index of label in m, or -1. */
int	 lid_model_find(const struct lid_model *m, const char *label);

/*
 * Adds the boosts of the grams ending at cp[from..to) to acc[0..nlang)
 * and returns how many grams there were.  A gram adds at most 255 to a
 * language and a code point ends at most LID_ORDER grams, so acc cannot
 * overflow while to - from <= LID_CHUNK and acc started from 0: longer
 * text is scored in chunks whose sums are added up in 64 bits.
 */
#define LID_CHUNK	((size_t)1 << 20)
uint32_t lid_accumulate(const struct lid_model *m, const uint32_t *cp,
	    size_t from, size_t to, int32_t *acc);

/*
 * lid_accumulate that also appends to out each gram it finds: its ref
 * (bit 31 clear) and the index of the code point it ends at, in no
 * particular order.  out must have room for LID_ORDER * (to - from) more.
 */
struct lid_refs {
	uint32_t	*ref, *pos;
	size_t		 n, cap;
};
uint32_t lid_accumulate_refs(const struct lid_model *m, const uint32_t *cp,
	    size_t from, size_t to, int32_t *acc, struct lid_refs *out);

/*
 * Adds the boosts of the gram with ref r (bit 31 clear) for the nl
 * languages lang[0..nl) to acc[0..nl), which[L] being x for the languages
 * of lang[] and -1 for every other.
 */
static inline void
lid_ref_add(const struct lid_model *m, uint32_t r, const int *lang, int nl,
    const signed char *which, int32_t *acc)
{
	const uint8_t *row;
	uint32_t j;
	int x;

	if ((r & 0xff) == 0) {
		row = m->dense + (size_t)(r >> 8) * m->rowlen;
		for (x = 0; x < nl; x++)
			acc[x] += row[lang[x]];
		return;
	}
	for (j = r >> 8; j < (r >> 8) + (r & 0xff); j++)
		if ((x = which[m->ent[j] & 0xff]) >= 0)
			acc[x] += m->ent[j] >> 8;
}

/*
 * lid_accumulate for the nl languages lang[0..nl) only, for short texts
 * (the words of spans): acc[x] gets the sum of language lang[x]; which[L]
 * is x for the languages of lang[], -1 for every other.  Returns what
 * lid_accumulate would, and acc[x] is its acc[lang[x]].
 */
uint32_t lid_accumulate_some(const struct lid_model *m, const uint32_t *cp,
	    size_t from, size_t to, const int *lang, int nl,
	    const signed char *which, int32_t *acc);

/* log P(text | L) for each L from the sums acc and the gram count n. */
void	 lid_loglik(const struct lid_model *m, const int64_t *acc,
	    uint64_t n, double *ll);

/*
 * The calibrated posterior over the languages with allow[L] set (all
 * when allow is NULL) from log-likelihoods ll of a text of n grams,
 * with each language's bias: fills p[0..nlang) (0 for languages not
 * allowed).  allow must allow at least one language.
 */
void	 lid_posterior(const struct lid_model *m, const double *ll,
	    uint64_t n, const unsigned char *allow, double *p);
/* The same with the scale a / n^b instead of the model's. */
void	 lid_posterior_with(const struct lid_model *m, const double *ll,
	    uint64_t n, const unsigned char *allow, double a, double b,
	    double *p);

#endif /* LID_MODEL_H */
