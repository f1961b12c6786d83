/*
 * subalign's parts: the signals, the search and the run.
 */
#ifndef SUBALIGN_ALIGN_H
#define SUBALIGN_ALIGN_H

#include "sub.h"

struct align_opts {
	const char	*input, *ref, *output, *report;
	int		 ref_subs, splits, allow_overlap;
	enum sub_fmt	 to;		/* SUB_NONE: the input's format */
	double		 min_conf, penalty;
};
#define ALIGN_OPTS_DEFAULT { NULL, NULL, NULL, NULL, 0, 1, 0, SUB_NONE, \
	0.15, 5.0 }

/* One cue's interval in 10 ms frames, before alignment. */
struct align_cue {
	double	 a, b;		/* seconds */
	size_t	 item;		/* index in the sub_doc */
};

struct align_result {
	double	 scale;
	long	*lag;		/* per cue (sorted order), frames */
	long	*seg;		/* the offset of the cue's segment */
	double	*conf;		/* per cue, 0..1 */
	double	 score;		/* agreement of the aligned cues, -1..1 */
	int	 nsplit;
};

/*
 * Aligns n cues (sorted by start) to the reference signal r (nr frames,
 * -1..1).  Returns 0 or -1 when out of memory.
 */
int	 align_solve(const float *r, long nr, const struct align_cue *c,
	    size_t n, const struct align_opts *o, struct align_result *res);
int	 align_run(const struct align_opts *o);

#endif
