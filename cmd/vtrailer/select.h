/*
 * select: the choice of trailer segments from scored scenes, apart from
 * any I/O, so the unit tests can drive it with made-up scenes.
 *
 * The plan, in order:
 *  1. Each scene gets a usable span: its start and end less a margin
 *     (and less its gradual transitions), clipped at the spoiler guard.
 *     Spans shorter than the minimum length are dropped; long ones are
 *     split into pieces of at most twice the maximum length, so a long
 *     scene can give more than one shot.
 *  2. Each scene gets an interest score in [0, 1]: the percentile of its
 *     motion (and motion peak) and of its loudness among the usable
 *     scenes, and its hook score, weighted 0.45, 0.35 and 0.20; black
 *     scenes count less, and a non-zero seed scales each score by a
 *     pseudo-random factor in [0.5, 1.5) (another seed, another variant
 *     for an A/B test).  With audio windows, each piece of a scene gains
 *     up to 0.15 for its loudness.
 *  3. Nominal lengths fall linearly from the maximum length towards the
 *     minimum (rising pacing); their number k is the largest for which
 *     the last is still at least the minimum.
 *  4. The eligible part of the film is cut into k equal bins; each bin
 *     gives its most interesting piece long enough for its slot
 *     (diversity across the film, and chronological order).  When the
 *     chosen pieces cannot hold the target, the piece that adds the most
 *     room joins, until they can.
 *  5. Final lengths: min(e_i, s d_i), where d_i is the nominal ramp, e_i
 *     the smallest capacity of the slots up to i (so lengths never grow
 *     along the trailer) and s the scale that makes them sum to the
 *     target (plus what crossfades overlap, so the rendered trailer has
 *     the target length).  Lengths are whole frames when the frame rate
 *     is known (else whole milliseconds), apportioned so the sum is the
 *     target rounded to that unit: the documented tolerance is half a
 *     frame (half a millisecond).
 *  6. Each segment sits in its piece where the sound is loudest (the
 *     middle without audio windows), then moves by at most the snap
 *     distance so it starts on the nearest strong audio onset.
 *
 * Ownership: tr_select returns a malloc'ed array the caller frees.
 */
#ifndef VTRAILER_SELECT_H
#define VTRAILER_SELECT_H

#include <stddef.h>

struct tr_scene {
	long	 index;
	double	 start, end;
	double	 tin0, tin1;	/* gradual incoming transition, or -1 */
	double	 motion, motion_peak;	/* motion_peak < 0: absent */
	double	 loud;		/* LUFS or dBFS; NAN: no sound data */
	double	 hook;		/* 0..1, < 0: absent */
	double	 luma;		/* 0..1, < 0: absent */
};

/* A window of sound: its time, length, level (dBFS) and onset strength. */
struct tr_audio {
	double	 t, dur;
	double	 rms;
	double	 onset;
};

struct tr_speech;

struct tr_opts {
	double	 target;	/* seconds */
	double	 min_len, max_len;
	double	 guard;		/* fraction of the film kept out, 0..1 */
	double	 snap;		/* seconds a segment may move to an onset */
	double	 fps;		/* > 0: lengths in whole frames */
	unsigned long long seed;	/* 0: no jitter */
	double	 xfade;		/* crossfade overlapping the shots, s */
	const struct tr_speech *speech;	/* where speech is, or NULL */
};
#define TR_OPTS_DEFAULT { 30, 1.0, 4.0, 0.2, 0.3, 0, 0, 0, NULL }

struct tr_seg {
	double	 start, end;
	long	 scene;		/* the scene's index field */
	double	 score;		/* its interest */
	int	 snapped;	/* starts on an onset */
};

/*
 * Selects segments from the n scenes sc (sorted by start, not
 * overlapping) with the na audio windows a (sorted by t; may be 0) and
 * the no extra onset times on (sorted; may be 0).  Returns 0 with *out
 * (chronological, lengths non-increasing) and *nout set, or -1 with a
 * message in err: no usable scenes, or a target longer than the usable
 * material.  *warn is set to a message (else "") when the result had to
 * bend a rule (lengths that cannot fall monotonically).
 */
int	 tr_select(const struct tr_scene *sc, int n, const struct tr_audio *a,
	    int na, const double *on, int no, const struct tr_opts *o,
	    struct tr_seg **out, int *nout, char *err, size_t errlen,
	    char *warn, size_t warnlen);

/*
 * The strong onsets of the windows: local maxima of onset strength at
 * least twice the median and a third of the 95th percentile.  Writes
 * their times to t (room for na) and returns their number.
 */
int	 tr_onsets(const struct tr_audio *a, int na, double *t);

/* Linear ramp of k lengths from a down to b, into d. */
void	 tr_ramp(double a, double b, int k, double *d);

#endif /* VTRAILER_SELECT_H */
