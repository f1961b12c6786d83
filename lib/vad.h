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

#endif /* REEL_VAD_H */
