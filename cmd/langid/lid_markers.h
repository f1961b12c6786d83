/*
 * lid_markers: prior linguistic knowledge for the languages the n-gram model
 * cannot tell apart from its training text (hr/bs/sr-Latn, id/ms), as a
 * table of standard lexical and orthographic markers; see lid_markers.c.
 *
 * The layer is not trained: its words and its one weight are fixed a
 * priori.  It runs after the posterior, only when the best two languages
 * are in one group, and moves probability between the members of that
 * group only, so the mass of the group (and every other language's
 * probability) is the model's.
 *
 * Ownership: struct lid_markers is plain data (the model indices of the
 * marker languages); the word table is static and read-only once built.
 * Nothing allocates.
 */
#ifndef LID_MARKERS_H
#define LID_MARKERS_H

#include <stddef.h>
#include <stdint.h>

#include "lid_model.h"

enum { LID_MK_HR, LID_MK_BS, LID_MK_SR, LID_MK_ID, LID_MK_MS, LID_MK_N };

struct lid_markers {
	int	lang[LID_MK_N];	/* model index of each, -1 if absent */
};

/* Finds the marker languages in m (labels hr bs sr-Latn id ms). */
void	 lid_markers_init(struct lid_markers *mk, const struct lid_model *m);

/*
 * The marker languages (bit LID_MK_*) the word cp[0..n) (folded code
 * points, no break) is a marker of; 0 for none.
 */
unsigned lid_markers_word(const uint32_t *cp, size_t n);

/*
 * When language best (a model index) and the most probable other
 * language in p[0..nlang) (second, or -1 to look for it) are in one
 * marker group, reweights the
 * members of the group by the markers among the words of cp[0..n)
 * (normalised text: words between U+0020 breaks), keeping the group's
 * total.  Returns 1 when p changed, else 0.
 */
int	 lid_markers_apply(const struct lid_markers *mk, uint32_t nlang,
	    const uint32_t *cp, size_t n, int best, int second, double *p);

/*
 * lid_markers_apply in two steps, for text scored a piece at a time:
 * lid_markers_count adds to cnt[0..LID_MK_N) the marker words of each
 * marker language among the words of cp[0..n); lid_markers_reweight
 * then reweights p as lid_markers_apply does, from those counts.
 */
void	 lid_markers_count(const uint32_t *cp, size_t n, int *cnt);
int	 lid_markers_reweight(const struct lid_markers *mk, uint32_t nlang,
	    const int *cnt, int best, int second, double *p);

/*
 * The member of lang's marker group with the highest p (lang itself when
 * it is in no group).
 */
int	 lid_markers_best(const struct lid_markers *mk, int lang,
	    const double *p);

/* Entries of the word table left out as malformed or twice (0). */
int	 lid_markers_bad(void);

#endif /* LID_MARKERS_H */
