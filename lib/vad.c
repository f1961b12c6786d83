/*
 * vad: spectral voice activity detection with a minimum-statistics noise
 * floor.  See vad.h for the method and the contract.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <fftw3.h>

#include "audio.h"
#include "media.h"
#include "vad.h"

#define N	256		/* FFT frame: 32 ms at 8 kHz */
#define HOP	80		/* 10 ms */
#define NB	(N / 2 + 1)
#define LO	8		/* 250 Hz: bins are 31.25 Hz wide */
#define HI	112		/* 3500 Hz */
#define SUBW	25		/* frames per minimum-statistics sub-window */
#define NSUB	8		/* sub-windows: 8 x 250 ms = 2 s memory */
#define ALPHA	0.8f		/* recursive smoothing of the power, ~50 ms */
#define BIAS	1.8f		/* minimum of smoothed exponential power is
				   this much below its mean (Martin 2001) */

struct vad {
	fftwf_plan	 plan;
	float		*in;
	fftwf_complex	*out;
	float		 win[N];
	float		 ring[N];	/* last N samples, oldest first */
	long long	 pushed;	/* samples so far */
	long long	 next_end;	/* sample count that completes a frame */
	float		 ps[NB];	/* smoothed power */
	float		 curmin[NB];
	float		 submin[NSUB][NB];
	int		 nsub, subpos, infr;
	float		 lvl_prev;	/* for the level modulation */
	/* outputs */
	float		*score, *prob;
	long		 n, cap;
};

struct vad *
vad_open(struct rerr *e)
{
	struct vad *v;
	int i;

	if ((v = calloc(1, sizeof(*v))) == NULL) {
		rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
		return NULL;
	}
	v->in = fftwf_alloc_real(N);
	v->out = fftwf_alloc_complex(NB);
	if (v->in == NULL || v->out == NULL) {
		rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
		vad_close(v);
		return NULL;
	}
	v->plan = fftwf_plan_dft_r2c_1d(N, v->in, v->out, FFTW_ESTIMATE);
	for (i = 0; i < N; i++)
		v->win[i] = (float)(0.5 - 0.5 * cos(2 * M_PI * i / N));
	/* Frame k is centred on the start of its 10 ms: it ends 128 - 40
	 * samples after k * HOP + HOP / 2. */
	v->next_end = N / 2 + HOP / 2;
	for (i = 0; i < NB; i++)
		v->curmin[i] = INFINITY;
	return v;
}

static int
grow(struct vad *v)
{
	float *s, *p;
	long cap = v->cap ? v->cap * 2 : 4096;

	if ((s = realloc(v->score, (size_t)cap * sizeof(*s))) == NULL)
		return -1;
	v->score = s;
	if ((p = realloc(v->prob, (size_t)cap * sizeof(*p))) == NULL)
		return -1;
	v->prob = p;
	v->cap = cap;
	return 0;
}

/* Analyses the frame in the ring. */
static int
frame(struct vad *v)
{
	float p, fl;
	double sum = 0, lvl = 0;
	int k, j;

	for (k = 0; k < N; k++)
		v->in[k] = v->ring[k] * v->win[k];
	fftwf_execute(v->plan);
	for (k = LO; k <= HI; k++) {
		p = v->out[k][0] * v->out[k][0] + v->out[k][1] * v->out[k][1]
		    + 1e-10f;
		v->ps[k] = v->infr || v->nsub ? ALPHA * v->ps[k] +
		    (1 - ALPHA) * p : p;
		/* The first frames are partly the zeros before the signal:
		 * their power would drag the floor down for 2 s. */
		if (v->ps[k] < v->curmin[k] && v->next_end >= N)
			v->curmin[k] = v->ps[k];
		fl = v->curmin[k];
		for (j = 0; j < v->nsub && j < NSUB; j++)
			if (v->submin[j][k] < fl)
				fl = v->submin[j][k];
		fl *= BIAS;
		/* Only power above the floor counts: no log for the rest. */
		if (v->ps[k] > fl)
			sum += 10 * log10f(v->ps[k] / fl);
		lvl += v->ps[k];
	}
	if (++v->infr == SUBW) {
		memcpy(v->submin[v->subpos], v->curmin, sizeof(v->curmin));
		v->subpos = (v->subpos + 1) % NSUB;
		v->nsub++;
		v->infr = 0;
		for (k = 0; k < NB; k++)
			v->curmin[k] = INFINITY;
	}
	if (v->n == v->cap && grow(v) != 0)
		return -1;
	v->score[v->n] = (float)(sum / (HI - LO + 1));
	v->n++;
	return 0;
}

int
vad_push(struct vad *v, const float *x, long n)
{
	long i = 0, k;

	while (i < n) {
		k = (long)(v->next_end - v->pushed);
		if (k > n - i)
			k = n - i;
		if (k >= N) {
			memcpy(v->ring, x + i + k - N, sizeof(v->ring));
		} else {
			memmove(v->ring, v->ring + k,
			    (size_t)(N - k) * sizeof(float));
			memcpy(v->ring + N - k, x + i,
			    (size_t)k * sizeof(float));
		}
		i += k;
		v->pushed += k;
		if (v->pushed == v->next_end) {
			if (frame(v) != 0)
				return -1;
			v->next_end += HOP;
		}
	}
	return 0;
}

/*
 * Turns the evidence into probabilities: a logistic around 3 dB of mean
 * excess over the floor.  On the dev episodes (15 and 10 dB SNR over
 * music and pink noise) the median non-speech frame scores under 2 dB and
 * nine speech frames in ten over 6 dB.
 */
static void
decide(struct vad *v)
{
	long i;

	for (i = 0; i < v->n; i++) {
		float z = (v->score[i] - 3.0f) / 0.7f;

		v->prob[i] = 1 / (1 + expf(-z));
	}
}

long
vad_finish(struct vad *v, const float **prob, const float **score)
{
	float z[N] = { 0 };
	long long real = v->pushed;

	/* Flush: every frame whose centre is within the signal. */
	while (v->next_end - N / 2 < real)
		if (vad_push(v, z, (long)(v->next_end - v->pushed)) != 0)
			break;
	decide(v);
	*prob = v->prob;
	if (score != NULL)
		*score = v->score;
	return v->n;
}

void
vad_close(struct vad *v)
{
	if (v == NULL)
		return;
	if (v->plan != NULL)
		fftwf_destroy_plan(v->plan);
	fftwf_free(v->in);
	fftwf_free(v->out);
	free(v->score);
	free(v->prob);
	free(v);
}

int
vad_file(const char *path, float **prob, long *n, double *dur,
    struct rerr *e)
{
	return vad_file_with(path, VAD_AUTO, prob, n, dur, e);
}

/*
 * The decoder runs in a thread of its own, a few blocks ahead of the
 * detector: decoding and resampling are three quarters of the work, and
 * the detector's quarter then costs no wall time on a second core.
 */
#define QBLK	8192		/* samples per block */
#define QN	8		/* blocks in flight */

struct feed {
	struct media	*m;
	struct au_file	*af;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	float		 blk[QN][QBLK];
	long		 len[QN];	/* samples, 0 at the end, -1 error */
	int		 head, count, stop;
	struct rerr	 e;
};

static void *
feeder(void *arg)
{
	struct feed *f = arg;
	int tail = 0;
	long got;

	for (;;) {
		pthread_mutex_lock(&f->mu);
		while (f->count == QN && !f->stop)
			pthread_cond_wait(&f->cv, &f->mu);
		pthread_mutex_unlock(&f->mu);
		if (f->stop)
			break;
		/* Slot tail is ours until count says it is full. */
		got = f->af != NULL ? au_file_read(f->af, f->blk[tail], QBLK,
		    &f->e) : media_read_audio(f->m, f->blk[tail], QBLK, &f->e);
		pthread_mutex_lock(&f->mu);
		f->len[tail] = got;
		f->count++;
		pthread_cond_broadcast(&f->cv);
		pthread_mutex_unlock(&f->mu);
		tail = (tail + 1) % QN;
		if (got <= 0)
			break;
	}
	return NULL;
}

int
vad_file_with(const char *path, enum vad_src src, float **prob, long *n,
    double *dur, struct rerr *e)
{
	struct feed *f;
	struct vad *v = NULL;
	const float *p;
	pthread_t th;
	long got, total = 0;
	int rv = 0, started = 0;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
	if (src == VAD_AUTO)
		src = au_sndfile_format(path) ? VAD_SNDFILE : VAD_LIBAV;
	if (src == VAD_SNDFILE) {
		if ((f->af = au_file_open(path, VAD_RATE, e)) == NULL)
			goto fail;
	} else if ((f->m = media_open_audio(path, VAD_RATE, e)) == NULL)
		goto fail;
	if ((v = vad_open(e)) == NULL)
		goto fail;
	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->cv, NULL);
	if (pthread_create(&th, NULL, feeder, f) != 0) {
		rerr_set(e, EX_SOFTWARE, NULL, 0, "cannot start a thread");
		goto fail;
	}
	started = 1;
	for (;;) {
		pthread_mutex_lock(&f->mu);
		while (f->count == 0)
			pthread_cond_wait(&f->cv, &f->mu);
		got = f->len[f->head];
		pthread_mutex_unlock(&f->mu);
		if (got <= 0)
			break;
		total += got;
		rv = vad_push(v, f->blk[f->head], got);
		pthread_mutex_lock(&f->mu);
		f->head = (f->head + 1) % QN;
		f->count--;
		if (rv != 0)
			f->stop = 1;
		pthread_cond_broadcast(&f->cv);
		pthread_mutex_unlock(&f->mu);
		if (rv != 0) {
			rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
			goto fail;
		}
	}
	pthread_join(th, NULL);
	started = 0;
	if (got < 0) {
		*e = f->e;
		goto fail;
	}
	*n = vad_finish(v, &p, NULL);
	if ((*prob = malloc((size_t)(*n > 0 ? *n : 1) * sizeof(float)))
	    == NULL) {
		rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
		goto fail;
	}
	memcpy(*prob, p, (size_t)*n * sizeof(float));
	*dur = (double)total / VAD_RATE;
	vad_close(v);
	media_close(f->m);
	au_file_close(f->af);
	pthread_mutex_destroy(&f->mu);
	pthread_cond_destroy(&f->cv);
	free(f);
	return 0;
fail:
	if (started)
		pthread_join(th, NULL);
	vad_close(v);
	media_close(f->m);
	au_file_close(f->af);
	free(f);
	return e->code;
}
