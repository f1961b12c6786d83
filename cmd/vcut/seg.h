/*
 * seg: the segment records vcut renders, and the plan that turns their
 * times into frames and samples.
 *
 * A segment [start, end) of the source is rendered from the source frame
 * nearest start (frame round(start * fps)), for a number of frames chosen
 * so that the running total stays the rounded running sum of the segment
 * lengths: the output is never more than half a frame from the sum of the
 * segments, however many there are.  A crossfade into a segment overlaps
 * round(x * fps) frames of it with the end of the previous one.  The
 * audio of each segment is exactly as long as its frames (rounded so the
 * running totals agree to a sample), so picture and sound stay in step.
 *
 * Ownership: seg_read allocates *sp; the caller frees it.
 */
#ifndef VCUT_SEG_H
#define VCUT_SEG_H

#include "cli.h"
#include "ndjson.h"

enum { SEG_XFADE_DEFAULT_MS = 500 };

struct seg {
	double	 start, end;	/* seconds in the source */
	long long order;	/* output position (the record's "order") */
	long	 line;		/* where the record was, for messages */
	int	 xfade;		/* the record asks for a crossfade into it */
	double	 xdur;		/* its "transition_dur", < 0 if none */
	/* the plan */
	long long f0;		/* first source frame */
	long	 n;		/* frames it contributes, overlap included */
	long	 c;		/* frames of crossfade into it (0: a cut) */
	long long an;		/* audio samples, overlap included */
	long long ac;		/* audio samples of crossfade into it */
};

struct seg_plan_opts {
	int	 fps_num, fps_den;
	double	 crossfade;	/* < 0: as the records say */
	int	 rate;		/* output sample rate, 0 without audio */
	double	 duration;	/* of the video, 0 if unknown */
};

/*
 * Reads segment records (other types are ignored) from r.  src_path is
 * the file being cut: a record whose "src" names another file is an error.
 * Returns 0, or the status with e filled; e->msg is empty when the
 * message has already been printed (by the --skip-bad policy).
 */
int	 seg_read(struct ndj_reader *r, const char *src_path,
	    struct ndj_policy *pol, struct seg **sp, int *np, struct rerr *e);

/*
 * Orders the segments by "order" and plans them (the fields above).
 * Checks what makes a render impossible: overlapping segments, segments
 * outside the video, shorter than a frame, or shorter than their
 * crossfades.  name is the records' file name for messages.  Returns 0 or
 * EX_DATAERR with e filled.
 */
int	 seg_plan(struct seg *s, int n, const struct seg_plan_opts *o,
	    const char *name, struct rerr *e);

/* Output frames and audio samples of the whole plan. */
long	 seg_frames(const struct seg *s, int n);
long long seg_samples(const struct seg *s, int n);

#endif /* VCUT_SEG_H */
