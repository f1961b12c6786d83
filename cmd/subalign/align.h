/*
 * subalign's parts: the correlator (xcorr.c), the search (solve.c) and
 * the run (run.c).
 */
#ifndef SUBALIGN_ALIGN_H
#define SUBALIGN_ALIGN_H

#include <stdint.h>

#include <fftw3.h>

#include "sub.h"

#define ALIGN_FPS	100.0	/* frames per second of the signals */

struct align_opts {
	const char	*input, *ref, *output, *report;
	const char	*encoding;	/* of the input, NULL: detect */
	int		 ref_subs, splits, allow_overlap, keep_removed;
	int		 audio_stream;	/* -1: choose */
	int		 verbose;
	enum sub_fmt	 from;		/* SUB_NONE: detect */
	enum sub_fmt	 to;		/* SUB_NONE: the input's format */
	double		 min_conf, penalty;
};
#define ALIGN_OPTS_DEFAULT { NULL, NULL, NULL, NULL, NULL, 0, 1, 0, 0, -1, \
	0, SUB_NONE, SUB_NONE, 0.15, 5.0 }

/* One cue's interval, before alignment. */
struct align_cue {
	double	 a, b;		/* seconds */
	size_t	 item;		/* index in the sub_doc */
};

struct align_result {
	double	 scale;
	long	*lag;		/* per cue (sorted order), frames */
	long	*seg;		/* the offset of the cue's segment */
	double	*conf;		/* per cue, 0..1 */
	unsigned char *removed;	/* per cue: its speech is not in the reference */
	double	 score;		/* agreement of the kept cues, -1..1 */
	int	 nsplit;
	size_t	 nremoved;
};

/*
 * The problem: the reference signal r (nr frames at ALIGN_FPS, -1..1, with
 * its prefix sums pre[0..nr]) and n cues sorted by start.  lead and tail
 * trim each cue's evidence (see solve.c); 0 when the reference is
 * subtitles too.
 */
struct align_ctx {
	const float	*r;
	const float	*mod;		/* syllable-rate modulation per frame
					   (lib/vad), or NULL */
	const float	*flat;		/* spectral flatness per frame, or
					   NULL */
	const double	*pre;
	long		 nr;
	const struct align_cue *c;
	size_t		 n;
	double		 lead, tail;
	const struct align_opts *o;
};

/*
 * Aligns the cues of ctx.  res's arrays are the caller's, n long.
 * Returns 0 or -1 when out of memory.
 */
int	 align_solve(const struct align_ctx *x, struct align_result *res);
int	 align_run(const struct align_opts *o);

/*
 * Analyses the reference's audio (stream.c): the stream o->audio_stream,
 * or when that is -1 and the file has several, the one in the language
 * of doc's cues or else the one with the most speech (*stream says which,
 * -1 for a file of one).  Returns 0 with out filled (vad_out_free), or a
 * status with e filled.
 */
struct vad_out;
int	 align_reference_audio(const struct align_opts *o,
	    const struct sub_doc *doc, struct vad_out *out, int *stream,
	    struct rerr *e);

/*
 * The gate's measures of an alignment (gate.c): speech, the median
 * syllable-rate modulation under the kept cues (-1 without audio); flat,
 * the median spectral flatness there (-1 without audio);
 * in and out, the mean speech probability inside the cues and in the
 * pauses between them; pause, the seconds of pause measured; contrast,
 * in - out, or -1 when the pauses are too few to tell.  Returns 0, or -1
 * when out of memory.
 */
struct align_gate {
	double	 speech, flat, contrast, in, out, pause;
};
int	 align_gate_stats(const struct align_ctx *x,
	    const struct align_result *res, struct align_gate *g);
/* Returns 1 with the reason in why when g says the reference holds no
 * speech where the cues are, else 0. */
int	 align_gate_check(const struct align_gate *g, char *why, size_t n);

/*
 * The dynamic programme (dp.c): cue k's candidate lags are the sorted
 * lag[off[k] .. off[k + 1]) at scale s.  Sets res->seg (the lag of each
 * kept cue) and res->removed.  Returns 0, or -1 when out of memory.
 */
int	 align_dp(const struct align_ctx *x, double s, const size_t *off,
	    const int32_t *lag, struct align_result *res);

/* The evidence interval of cue c at scale s, in frames (solve.c). */
long	 align_cue_a(const struct align_ctx *x, const struct align_cue *c,
	    double s);
long	 align_cue_b(const struct align_ctx *x, const struct align_cue *c,
	    double s);
/* Sum of r over frames [a, b); frames outside the reference count -1. */
double	 align_rsum(const struct align_ctx *x, long a, long b);

/*
 * Cross-correlation by FFT (xcorr.c).
 *
 * A whole-file correlator at 1/d of the frame rate: align_xc_run
 * correlates the cue signal at scale s with all of the reference and
 * leaves buf[lag mod L] = sum_t c(t) r(t + lag), lag in units of d frames.
 * Single precision: sums of at most a few hundred thousand terms of
 * magnitude 1.
 */
struct align_xc {
	long		 L, nr, d;
	float		*buf;
	fftwf_complex	*R, *C;
	fftwf_plan	 fwd, inv;
};
int	 align_xc_init(struct align_xc *xc, const struct align_ctx *x,
	    long ncf, long d);
/* Returns the best lag in frames and its value (frame units) in *best. */
long	 align_xc_run(struct align_xc *xc, const struct align_ctx *x,
	    double s, double *best);
/*
 * The k best peaks of the last run, at least sep frames apart, into
 * lag[] (frames) and val[]; destroys buf.  Returns how many.
 */
int	 align_xc_peaks(struct align_xc *xc, int k, long sep, long *lag,
	    double *val);
void	 align_xc_free(struct align_xc *xc);

/*
 * A windowed correlator: one stretch of the cue signal against chosen lag
 * ranges of the reference, in fixed-size FFT blocks (overlap-save), so
 * the cost is that of the lags searched, not of the whole reference.
 */
struct align_wxc {
	long		 L, d, m;	/* FFT length, decimation, window */
	float		*rd;		/* reference at 1/d rate */
	long		 nrd;
	float		*buf;
	fftwf_complex	*X, *Y;
	fftwf_plan	 fwd, inv;
};
int	 align_wxc_init(struct align_wxc *w, const struct align_ctx *x,
	    long d, long m);
/*
 * Sets the window: cue frames (at scale s) in [t0, t0 + m * d).
 */
void	 align_wxc_window(struct align_wxc *w, const struct align_ctx *x,
	    double s, long t0);
/*
 * Correlation for lags lo..hi (units of d frames, hi - lo + 1 values)
 * into out.  t0 is the window's start in units of d.
 */
void	 align_wxc_corr(struct align_wxc *w, long t0, long lo, long hi,
	    float *out);
void	 align_wxc_free(struct align_wxc *w);

#endif
