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
 *	lufs_m	EBU R128 momentary loudness (400 ms), LUFS (libebur128)
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

/* rate in Hz (8000..192000), hop in seconds.  NULL with e on failure. */
struct au *au_open(int rate, double hop, au_emit_fn emit, void *arg,
	    struct rerr *e);
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

#endif /* REEL_AUDIO_H */
