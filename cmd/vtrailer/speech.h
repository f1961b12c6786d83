/*
 * speech: where a trailer may join shots, from the sound of the source.
 *
 * A join (a shot's start or end) may fall in a pause of speech, never in
 * a word: lib/vad's voice activity, per 10 ms, on the source's audio,
 * made into runs of speech (a frame above probability 0.5; gaps shorter
 * than SP_GAP within a phrase are bridged, runs shorter than SP_MIN are
 * noise) and widened by SP_GUARD on each side, so that a join keeps
 * clear of the first and last sound of a word.  Where there is no speech
 * the choice is free; select.c prefers onsets there.
 *
 * Ownership: tr_speech_file fills a struct the caller frees with
 * tr_speech_free.
 */
#ifndef VTRAILER_SPEECH_H
#define VTRAILER_SPEECH_H

#include "cli.h"

#define SP_GAP		0.15	/* seconds: a shorter pause is within a phrase */
#define SP_MIN		0.08	/* seconds: shorter speech is a click */
#define SP_GUARD	0.04	/* seconds kept from a word's edge */

struct tr_speech {
	unsigned char *in;	/* per hop: 1 inside speech (widened) */
	long	 n;
	double	 hop;		/* seconds per entry */
	double	 total;		/* seconds of speech found */
};

/*
 * Runs the voice activity detector over the sound of path.  Returns 0,
 * or a status with e filled (EX_NOINPUT, EX_DATAERR, EX_UNAVAILABLE for
 * a file without sound, EX_SOFTWARE).
 */
int	 tr_speech_file(const char *path, struct tr_speech *sp, struct rerr *e);
/*
 * Makes the runs from per-hop speech probabilities (for the unit tests
 * and for tr_speech_file).  Returns 0, or -1 when out of memory.
 */
int	 tr_speech_runs(const float *prob, long n, double hop,
	    struct tr_speech *sp);
/* Whether time t (seconds) is inside speech; 0 outside the audio. */
int	 tr_speech_at(const struct tr_speech *sp, double t);
void	 tr_speech_free(struct tr_speech *sp);

#endif /* VTRAILER_SPEECH_H */
