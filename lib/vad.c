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
	/* outputs */
	float		*score, *prob, *lvl, *mod, *flat;
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
grow1(float **a, long cap)
{
	float *p = realloc(*a, (size_t)cap * sizeof(*p));

	if (p == NULL)
		return -1;
	*a = p;
	return 0;
}

static int
grow(struct vad *v)
{
	long cap = v->cap ? v->cap * 2 : 4096;

	if (grow1(&v->score, cap) != 0 || grow1(&v->prob, cap) != 0 ||
	    grow1(&v->lvl, cap) != 0 || grow1(&v->mod, cap) != 0 ||
	    grow1(&v->flat, cap) != 0)
		return -1;
	v->cap = cap;
	return 0;
}

/* Analyses the frame in the ring. */
static int
frame(struct vad *v)
{
	float p, fl;
	double sum = 0, lvl = 0, lsum = 0, psum = 0;
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
		/* the power relative to the floor: whitened, so only the
		 * fine structure (harmonics, formants) is measured */
		lsum += logf(p / fl);
		psum += p / fl;
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
	v->lvl[v->n] = 10 * log10f((float)lvl + 1e-10f);
	/* spectral flatness: geometric over arithmetic mean */
	v->flat[v->n] = (float)(exp(lsum / (HI - LO + 1)) /
	    (psum / (HI - LO + 1)));
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

/*
 * Syllable-rate modulation: in every second of audio (a block of MB
 * frames every MH), the share of the level's modulation energy (the band
 * level in dB, its mean removed, Hann-windowed) that lies at 2.5-7 Hz
 * among 0.5-20 Hz.  Speech rises and falls with its syllables, four or
 * five a second, and its pauses fall to the floor; music holds its notes
 * and moves with its beat.  On the dev episodes (espeak-ng speech over a
 * chord and pink noise at 6-15 dB SNR) the median second of speech scores
 * 0.51-0.59; espeak-ng speech over Big Buck Bunny's soundtrack at 4 and
 * 9 dB 0.55 and 0.58, the dialogue of friday_480p_h264.mp4 0.51, the
 * soundtrack alone 0.22 (../shared/data/video; measured on 1 s blocks).
 * Each frame gets the value of the block centred nearest to it.
 */
#define MB	100
#define MH	50
static void
modulation(struct vad *v)
{
	double c[MB], sn[MB], w[MB], x[MB], mean, re, im, in, all, m;
	long b, nb, i, t0;
	int j, k;

	for (j = 0; j < MB; j++) {
		c[j] = cos(2 * M_PI * j / MB);
		sn[j] = sin(2 * M_PI * j / MB);
		w[j] = 0.5 - 0.5 * cos(2 * M_PI * j / (MB - 1));
	}
	nb = v->n > MB ? (v->n - MB) / MH + 1 : 1;
	for (b = 0; b < nb; b++) {
		t0 = b * MH;
		mean = 0;
		for (j = 0; j < MB; j++)
			mean += t0 + j < v->n ? v->lvl[t0 + j] : 0;
		mean /= MB;
		for (j = 0; j < MB; j++)
			x[j] = ((t0 + j < v->n ? v->lvl[t0 + j] : mean) -
			    mean) * w[j];
		in = all = 0;
		for (k = 1; k <= 20; k++) {
			re = im = 0;
			for (j = 0; j < MB; j++) {
				re += x[j] * c[(j * k) % MB];
				im -= x[j] * sn[(j * k) % MB];
			}
			all += re * re + im * im;
			if (k >= 3 && k <= 7)
				in += re * re + im * im;
		}
		m = all > 0 ? in / all : 0;
		/* frames nearest this block's centre */
		for (i = b == 0 ? 0 : t0 + MB / 2 - MH / 2;
		    i < (b == nb - 1 ? v->n : t0 + MB / 2 + MH / 2); i++)
			v->mod[i] = (float)m;
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
	modulation(v);
	*prob = v->prob;
	if (score != NULL)
		*score = v->score;
	return v->n;
}

const float *
vad_modulation(const struct vad *v)
{
	return v->mod;
}

const float *
vad_flatness(const struct vad *v)
{
	return v->flat;
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
	free(v->lvl);
	free(v->mod);
	free(v->flat);
	free(v);
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

/* The decode errors of the input: "" or what they were. */
static int
decode_errors(struct feed *f, long max, char *warn, size_t n,
    struct rerr *e)
{
	char msg[400];

	warn[0] = '\0';
	if (f->m == NULL)
		return 0;
	if (media_errors_fatal(f->m, max) || media_errors_fatal(f->m, -1)) {
		media_errors_msg(f->m, msg, sizeof(msg));
		return rerr_set(e, EX_DATAERR, NULL, 0, "%s", msg);
	}
	if (media_errors(f->m)->count > 0)
		media_errors_msg(f->m, warn, n);
	return 0;
}

static int
open_input(struct feed *f, const char *path, const struct vad_opts *o,
    struct rerr *e)
{
	enum vad_src src = o->src;

	if (src == VAD_AUTO)
		src = o->stream <= 0 && au_sndfile_format(path) ?
		    VAD_SNDFILE : VAD_LIBAV;
	if (src == VAD_SNDFILE) {
		if (o->stream > 0)
			return rerr_set(e, EX_UNAVAILABLE, path, 0,
			    "no audio stream %d: the file has 1", o->stream);
		f->af = au_file_open(path, VAD_RATE, e);
		return f->af != NULL ? 0 : e->code;
	} else {
		struct media_opts mo = MEDIA_OPTS_DEFAULT;

		mo.video = 0;
		mo.audio_rate = VAD_RATE;
		mo.audio_stream = o->stream;
		f->m = media_open(path, &mo, e);
		return f->m != NULL ? 0 : e->code;
	}
}

int
vad_run(const char *path, const struct vad_opts *o, struct vad_out *out,
    struct rerr *e)
{
	struct feed *f;
	struct vad *v = NULL;
	const float *p;
	pthread_t th;
	long got, total = 0;
	int rv = 0, started = 0;

	memset(out, 0, sizeof(*out));
	if ((f = calloc(1, sizeof(*f))) == NULL)
		return rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
	if (open_input(f, path, o, e) != 0 || (v = vad_open(e)) == NULL)
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
	if (decode_errors(f, o->max_errors, out->warn, sizeof(out->warn),
	    e) != 0)
		goto fail;
	out->n = vad_finish(v, &p, NULL);
	out->prob = malloc((size_t)(out->n > 0 ? out->n : 1) * sizeof(float));
	out->mod = malloc((size_t)(out->n > 0 ? out->n : 1) * sizeof(float));
	out->flat = malloc((size_t)(out->n > 0 ? out->n : 1) * sizeof(float));
	if (out->prob == NULL || out->mod == NULL || out->flat == NULL) {
		rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
		goto fail;
	}
	memcpy(out->prob, p, (size_t)out->n * sizeof(float));
	if (out->n > 0) {
		memcpy(out->mod, vad_modulation(v), (size_t)out->n *
		    sizeof(float));
		memcpy(out->flat, vad_flatness(v), (size_t)out->n *
		    sizeof(float));
	}
	out->dur = (double)total / VAD_RATE;
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
	vad_out_free(out);
	return e->code;
}

void
vad_out_free(struct vad_out *out)
{
	free(out->prob);
	free(out->mod);
	free(out->flat);
	out->prob = out->mod = out->flat = NULL;
	out->n = 0;
}

int
vad_file_with(const char *path, enum vad_src src, float **prob, long *n,
    double *dur, struct rerr *e)
{
	struct vad_opts o = VAD_OPTS_DEFAULT;
	struct vad_out out;
	int rv;

	o.src = src;
	if ((rv = vad_run(path, &o, &out, e)) != 0)
		return rv;
	*prob = out.prob;
	*n = out.n;
	*dur = out.dur;
	free(out.mod);
	free(out.flat);
	return 0;
}

int
vad_file(const char *path, float **prob, long *n, double *dur,
    struct rerr *e)
{
	return vad_file_with(path, VAD_AUTO, prob, n, dur, e);
}
