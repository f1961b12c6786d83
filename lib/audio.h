/*
 * audio: windowed features of a mono float signal, for the audio records
 * of vframes and the audio scores of vscenes.
 *
 * Feed samples with au_push() in any chunk sizes; every hop seconds of
 * signal completes one struct au_win, handed to the caller's callback in
 * time order.  au_flush() completes a last, partial window.
 *
 * Per window:
 *	rms	RMS level of the window, dBFS (-120 for silence)
 *	peak	sample peak, dBFS
 *	lufs_m	EBU R128 momentary loudness (400 ms), LUFS (ITU-R BS.1770 K-weighting)
 *	lufs_s	EBU R128 short-term loudness (3 s), LUFS
 *	flux	spectral flux: mean over the window's 1024-point FFT frames
 *		(hop 512) of the summed positive rise of log(1 + |X|)
 *		per bin, divided by the bin count
 *	onset	onset strength: the largest frame flux of the window less
 *		the mean frame flux of the second before, at least 0
 * Loudness below the gate is -120, like rms, so every field is a number.
 *
 * Ownership: au_open returns a handle freed by au_close; the FFT plan is
 * made once per handle (FFTW_ESTIMATE, fftw3f).
 */
#ifndef REEL_AUDIO_H
#define REEL_AUDIO_H

#include "cli.h"

struct au_win {
	double	 t, dur;		/* seconds */
	double	 rms, peak, lufs_m, lufs_s, flux, onset;
};

typedef int (*au_emit_fn)(const struct au_win *w, void *arg);

struct au;

/* Flags of au_open. */
#define AU_NOSPECTRUM	0x1	/* no FFT: flux and onset stay 0 */

/*
 * rate in Hz (8000..192000), hop in seconds, flags AU_*.  NULL with e on
 * failure.
 */
struct au *au_open(int rate, double hop, int flags, au_emit_fn emit,
	    void *arg, struct rerr *e);
/*
 * Adds n samples whose first is at time t (seconds; only the first call's
 * t is used, later samples are taken as contiguous).  Returns 0, or the
 * first non-zero value the callback returned.
 */
int	 au_push(struct au *a, const float *x, long n, double t);
int	 au_flush(struct au *a);
void	 au_close(struct au *a);

/* Level of a linear amplitude in dBFS, floored at -120. */
double	 au_db(double amp);

/*
 * Sound files through libsndfile (audio_file.c): WAV (RIFF, RF64), W64,
 * FLAC and AIFF, read as mono float at a chosen rate (the channels
 * averaged, then a windowed-sinc resampler: Blackman window, 8 zero
 * crossings, cut-off at 0.95 of the lower Nyquist frequency).
 *
 * au_sndfile_format says, from the first bytes of path, whether it is one
 * of those formats, so a caller can choose this reader by the file's
 * format rather than its name.  au_file_open returns a handle freed by
 * au_file_close, or NULL with e filled (EX_NOINPUT, EX_DATAERR).
 * au_file_read fills up to n samples and returns how many, 0 at the end,
 * -1 with e filled; it fills short only at the end.
 */
struct au_file;

int	 au_sndfile_format(const char *path);
struct au_file *au_file_open(const char *path, int rate, struct rerr *e);
long	 au_file_read(struct au_file *f, float *buf, long n, struct rerr *e);
void	 au_file_close(struct au_file *f);

#endif /* REEL_AUDIO_H */
