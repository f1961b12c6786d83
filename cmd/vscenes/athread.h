/*
 * athread: the audio of a file decoded and analysed on a thread of its
 * own, overlapped with the video decode of the main thread.
 *
 * The thread opens the file a second time for its audio only (the video
 * packets are skipped by the demuxer, not decoded), resamples it to mono,
 * cuts it into lib/audio windows rounded as their records print
 * (vrec_audio_round), and queues them.  The main thread takes them in
 * time order with ath_until(): every window that starts at or before a
 * time, waiting for the thread when it is behind.  Handing the detector
 * all windows up to each frame's time before the frame gives it what the
 * record path ("vframes -a | vscenes") gives it, so both agree to the bit.
 *
 * The queue is bounded (ATH_QUEUE windows): the thread waits when it is
 * that far ahead of the video.
 *
 * Ownership: ath_start returns a running thread that ath_free stops and
 * frees (after ath_end or not).
 */
#ifndef VSCENES_ATHREAD_H
#define VSCENES_ATHREAD_H

#include "audio.h"
#include "cli.h"

#define ATH_QUEUE	1024

struct athread;

/*
 * Starts the audio thread on path at rate Hz with windows of hop
 * seconds, analysed with lib/audio flags.  Returns NULL with e->code 0
 * when the file has no audio stream, NULL with e filled when it cannot be
 * opened for its audio (e.g. EX_UNAVAILABLE: no decoder for it).
 */
struct athread *ath_start(const char *path, int rate, double hop, int flags,
	    struct rerr *e);
/*
 * Calls fn for every window starting at or before t (seconds) not yet
 * given, in order; with t = INFINITY, for all that remain once the thread
 * has finished.  Returns 0, fn's first non-zero value, or the thread's
 * fatal error status with e filled.
 */
int	 ath_until(struct athread *a, double t,
	    int (*fn)(const struct au_win *, void *), void *arg,
	    struct rerr *e);
/*
 * After ath_until(a, INFINITY, ...): the decode errors of the audio, as
 * media_errors_msg() and media_errors_fatal(max) say.  Returns the count.
 */
long	 ath_errors(struct athread *a, long max, char *msg, size_t n,
	    int *fatal);
void	 ath_free(struct athread *a);

#endif /* VSCENES_ATHREAD_H */
