/*
 * athread: audio analysis on its own thread.  See athread.h.
 *
 * One mutex guards the queue and the thread's state; one condition
 * variable wakes whichever side waits (the main thread for windows, the
 * audio thread for room in the queue).
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "athread.h"
#include "media.h"
#include "vrec.h"

struct athread {
	struct media	*m;
	struct au	*au;
	pthread_t	 th;
	int		 started;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	struct au_win	 q[ATH_QUEUE];
	int		 q0, qn;	/* first queued, how many */
	double		 last_t;	/* start of the last window queued */
	int		 done;		/* the thread has finished */
	int		 stop;		/* the main thread wants it to */
	int		 status;	/* its fatal error, or 0 */
	struct rerr	 e;
};

/* lib/audio's callback, on the audio thread: queue the window. */
static int
enqueue(const struct au_win *w, void *arg)
{
	struct athread *a = arg;
	struct au_win r = *w;

	vrec_audio_round(&r);
	pthread_mutex_lock(&a->mu);
	while (a->qn == ATH_QUEUE && !a->stop)
		pthread_cond_wait(&a->cv, &a->mu);
	if (a->stop) {
		pthread_mutex_unlock(&a->mu);
		return -1;	/* not an error: ath_free is waiting */
	}
	a->q[(a->q0 + a->qn) % ATH_QUEUE] = r;
	a->qn++;
	a->last_t = r.t;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
	return 0;
}

static void *
run(void *arg)
{
	struct athread *a = arg;
	struct media_frame f;
	struct rerr e = { 0 };
	int r, rv = 0;

	while ((r = media_next(a->m, &f, &e)) == 1)
		if (f.kind == MEDIA_AUDIO &&
		    (rv = au_push(a->au, f.samples, f.nsamples, f.t)) != 0)
			break;
	if (r == 0 && rv == 0)
		rv = au_flush(a->au);
	pthread_mutex_lock(&a->mu);
	if (r < 0) {
		a->status = e.code ? e.code : EX_SOFTWARE;
		a->e = e;
	}
	a->done = 1;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
	return NULL;
}

struct athread *
ath_start(const char *path, int rate, double hop, int flags, struct rerr *e)
{
	struct media_opts mo = MEDIA_OPTS_DEFAULT;
	struct athread *a;

	if ((a = calloc(1, sizeof(*a))) == NULL) {
		rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cv, NULL);
	a->last_t = -INFINITY;
	mo.video = 0;
	mo.audio_rate = rate;
	mo.max_errors = 1000;
	if ((a->m = media_open(path, &mo, e)) == NULL) {
		/* a silent video is no error */
		if (e->code == EX_UNAVAILABLE &&
		    strstr(e->msg, "no audio stream") != NULL)
			memset(e, 0, sizeof(*e));
		ath_free(a);
		return NULL;
	}
	if ((a->au = au_open(media_info(a->m)->audio_rate, hop, flags,
	    enqueue, a, e)) == NULL) {
		ath_free(a);
		return NULL;
	}
	if (pthread_create(&a->th, NULL, run, a) != 0) {
		rerr_set(e, EX_OSERR, NULL, 0, "cannot start a thread");
		ath_free(a);
		return NULL;
	}
	a->started = 1;
	return a;
}

int
ath_until(struct athread *a, double t,
    int (*fn)(const struct au_win *, void *), void *arg, struct rerr *e)
{
	struct au_win w;
	int rv;

	pthread_mutex_lock(&a->mu);
	for (;;) {
		if (a->qn > 0 && a->q[a->q0].t <= t) {
			w = a->q[a->q0];
			a->q0 = (a->q0 + 1) % ATH_QUEUE;
			a->qn--;
			pthread_cond_broadcast(&a->cv);
			pthread_mutex_unlock(&a->mu);
			if ((rv = fn(&w, arg)) != 0)
				return rv;
			pthread_mutex_lock(&a->mu);
			continue;
		}
		if (a->status != 0) {
			rv = a->status;
			*e = a->e;
			pthread_mutex_unlock(&a->mu);
			return rv;
		}
		/* nothing more to give up to t, or nothing more at all */
		if (a->qn > 0 || a->done || a->last_t > t)
			break;
		pthread_cond_wait(&a->cv, &a->mu);
	}
	pthread_mutex_unlock(&a->mu);
	return 0;
}

long
ath_errors(struct athread *a, long max, char *msg, size_t n, int *fatal)
{
	long k = media_errors_msg(a->m, msg, n);

	*fatal = k > 0 && media_errors_fatal(a->m, max);
	return k;
}

void
ath_free(struct athread *a)
{
	if (a == NULL)
		return;
	if (a->started) {
		pthread_mutex_lock(&a->mu);
		a->stop = 1;
		pthread_cond_broadcast(&a->cv);
		pthread_mutex_unlock(&a->mu);
		pthread_join(a->th, NULL);
	}
	au_close(a->au);
	media_close(a->m);
	pthread_cond_destroy(&a->cv);
	pthread_mutex_destroy(&a->mu);
	free(a);
}
