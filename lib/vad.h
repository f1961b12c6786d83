/*
 * vad: voice activity detection on mono audio, for subalign.
 *
 * The signal is analysed at 8 kHz (telephone band: speech is recognisable
 * there and it halves the decode and FFT work) in 32 ms Hann frames every
 * 10 ms.  Each frame's power spectrum is compared, bin by bin, with an
 * adaptive noise floor estimated by minimum statistics (R. Martin, "Noise
 * power spectral density estimation based on optimal smoothing and minimum
 * statistics", IEEE Trans. SAP 9(5), 2001): the floor of a bin is the
 * smallest smoothed power seen in the last ~2 s, so steady noise, hum and
 * held music chords sink into it while syllables, which come and go four
 * or five times a second, rise above it.  The frame's evidence is the mean
 * over the 250-3500 Hz bins of the log power above that floor (bins
 * below it count zero), turned into a speech probability by a logistic.
 *
 * Feed samples with vad_push() in any chunks; vad_finish() returns the
 * per-frame probabilities.  vad_file() does the whole job for a path any
 * format libavformat reads (through lib/media), or libsndfile (WAV, FLAC,
 * AIFF, through lib/audio).
 *
 * Ownership: vad_open returns a handle freed by vad_close; the arrays
 * vad_finish hands out belong to the handle.
 */
#ifndef REEL_VAD_H
#define REEL_VAD_H

#include "cli.h"

#define VAD_RATE	8000	/* Hz, the rate vad_push expects */
#define VAD_HOP		0.01	/* seconds between frames */

struct vad;

struct vad *vad_open(struct rerr *e);
/* Adds n samples at VAD_RATE.  Returns 0, or -1 when out of memory. */
int	 vad_push(struct vad *v, const float *x, long n);
/*
 * Ends the input and returns the number of frames; *prob (speech
 * probability 0..1) and, when not NULL, *score (the raw evidence, dB
 * above the floor) point to per-frame arrays owned by v.
 */
long	 vad_finish(struct vad *v, const float **prob, const float **score);
/*
 * After vad_finish: per frame, the syllable-rate modulation of the level
 * in the second around it, 0..1 (the share of its modulation energy at
 * 2.5-7 Hz; speech about 0.5, music about 0.2: see vad.c).  Owned by v.
 */
const float *vad_modulation(const struct vad *v);
/*
 * After vad_finish: per frame, the spectral flatness of the 250-3500 Hz
 * band, whitened by the noise floor (geometric over arithmetic mean of
 * the power over the floor, 0..1): noise about 0.56 whatever its colour,
 * speech and music 0.05-0.3.  Owned by v.
 */
const float *vad_flatness(const struct vad *v);
void	 vad_close(struct vad *v);

/*
 * Runs the detector over the audio of path (any format libavformat
 * reads).  Returns 0 with *prob (malloc'd, *n frames of VAD_HOP seconds)
 * and *dur (seconds of audio), or a status with e filled: EX_NOINPUT,
 * EX_DATAERR, EX_UNAVAILABLE (no audio stream) as media_open says.
 */
int	 vad_file(const char *path, float **prob, long *n, double *dur,
	    struct rerr *e);

/*
 * The same with the decoder chosen: VAD_AUTO reads WAV, FLAC and AIFF
 * through libsndfile (lib/audio, chosen by the file's first bytes, not its
 * name) and everything else through libavformat; VAD_LIBAV and
 * VAD_SNDFILE force one (tests compare the two).
 */
enum vad_src { VAD_AUTO, VAD_LIBAV, VAD_SNDFILE };
int	 vad_file_with(const char *path, enum vad_src src, float **prob,
	    long *n, double *dur, struct rerr *e);

/*
 * The whole analysis of one audio stream of path: vad_run fills out
 * (arrays malloc'd, freed with vad_out_free) or returns a status with e
 * filled, as vad_file.  A truncated or corrupt input (lib/media's default
 * policy: it ends early, a read fails, or errors in more than 1 % of the
 * packets) is EX_DATAERR naming the time and byte of the first error; a
 * few errors that do not fail the run are described in out->warn.
 * With max_errors >= 0, more errors than that fail it.
 * stream >= 1 needs libavformat: libsndfile's files have one stream.
 */
struct vad_opts {
	enum vad_src	 src;
	int		 stream;	/* audio stream from 0; -1: the best */
	long		 max_errors;	/* decode errors that do not fail the
					   run; -1: lib/media's policy */
};
#define VAD_OPTS_DEFAULT { VAD_AUTO, -1, -1 }

struct vad_out {
	float	*prob;		/* speech probability per frame */
	float	*mod;		/* syllable-rate modulation per frame */
	float	*flat;		/* spectral flatness per frame */
	long	 n;		/* frames of VAD_HOP seconds */
	double	 dur;		/* seconds of audio */
	char	 warn[400];	/* decode errors that did not fail, or "" */
};
int	 vad_run(const char *path, const struct vad_opts *o,
	    struct vad_out *out, struct rerr *e);
void	 vad_out_free(struct vad_out *out);

#endif /* REEL_VAD_H */
