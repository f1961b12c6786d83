/*
 * audio: RMS, peak, EBU R128 loudness and spectral flux (fftw3f) over
 * fixed windows.  See audio.h for the contract.
 *
 * Loudness follows ITU-R BS.1770-4 for one channel: the signal through the
 * K-weighting filter (a high shelf, then a high pass), mean square over
 * the last 400 ms (momentary) or 3 s (short-term), L = -0.691 + 10 log10
 * of it.  The two biquads are designed for any sample rate from their
 * analogue prototypes (f0, gain and Q as published by B. De Man,
 * "Evaluation of implementations of the EBU R128 loudness measurement",
 * AES 145, 2018), which reproduce the standard's 48 kHz coefficients.  The
 * squares are kept as integers (units of 2^-36), so the sliding sums over
 * both spans cost one addition and one subtraction a sample and never
 * drift: silence after a loud passage reads as silence.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <stdint.h>
#include <fftw3.h>

#include "audio.h"

#define FFTN	1024
#define FFTHOP	512
#define NBIN	(FFTN / 2 + 1)
#define FLUXHIST 64		/* frame fluxes remembered for onsets */
#define QSCALE	68719476736.0	/* 2^36: units of a stored square */

struct au {
	int		 rate;
	long		 hop;		/* samples per window */
	au_emit_fn	 emit;
	void		*arg;
	/* K-weighting: two biquads (b0 b1 b2 a1 a2) and their states */
	double		 kf[2][5], kz[2][2];
	int64_t		*sq;		/* the last nsq squares, a ring */
	long		 nsq, nm;	/* 3 s and 400 ms of samples */
	long		 pos, posm;	/* next square, first out of 400 ms */
	int64_t		 sum_m, sum_s;	/* sums over the two spans */
	fftwf_plan	 plan;
	float		*in;		/* FFTN, windowed frame */
	fftwf_complex	*out;
	float		 win[FFTN];
	float		 ring[FFTN];	/* last FFTN samples */
	long		 ringn;		/* samples ever pushed into ring */
	float		 lmag[NBIN];	/* previous frame's log magnitudes */
	int		 have_prev;
	double		 fhist[FLUXHIST];
	int		 nfh, fh0;	/* frame fluxes: count, oldest */
	int		 hist_max;	/* frames in one second */
	double		 t0;
	int		 started;
	int		 nospec;
	long long	 done;		/* samples in completed windows */
	/* the window being filled */
	long		 n;
	double		 ss, pk, fsum, fmax;
	int		 nfr;
	long		 since_frame;
};

/* The K-weighting filter for rate (BS.1770-4 prototypes, see above). */
static void
kweight_design(double kf[2][5], int rate)
{
	double f0 = 1681.974450955533, g = 3.999843853973347;
	double q = 0.7071752369554196, k, vh, vb, a0;

	k = tan(M_PI * f0 / rate);
	vh = pow(10, g / 20);
	vb = pow(vh, 0.4996667741545416);
	a0 = 1 + k / q + k * k;
	kf[0][0] = (vh + vb * k / q + k * k) / a0;
	kf[0][1] = 2 * (k * k - vh) / a0;
	kf[0][2] = (vh - vb * k / q + k * k) / a0;
	kf[0][3] = 2 * (k * k - 1) / a0;
	kf[0][4] = (1 - k / q + k * k) / a0;
	f0 = 38.13547087602444;
	q = 0.5003270373238773;
	k = tan(M_PI * f0 / rate);
	a0 = 1 + k / q + k * k;
	kf[1][0] = 1;
	kf[1][1] = -2;
	kf[1][2] = 1;
	kf[1][3] = 2 * (k * k - 1) / a0;
	kf[1][4] = (1 - k / q + k * k) / a0;
}

/* One sample through the K-weighting, its square into the sliding sums. */
static void
kweight(struct au *a, float x)
{
	double y = x, v;
	int64_t q;
	int i;

	for (i = 0; i < 2; i++) {	/* transposed direct form II */
		const double *c = a->kf[i];
		double *z = a->kz[i];

		v = c[0] * y + z[0];
		z[0] = c[1] * y - c[3] * v + z[1];
		z[1] = c[2] * y - c[4] * v;
		y = v;
	}
	/*
	 * In silence the states decay into denormals, which cost a hundred
	 * times a normal multiply: below -600 dB they are zero.
	 */
	if (fabs(a->kz[0][0]) + fabs(a->kz[1][0]) < 1e-30)
		memset(a->kz, 0, sizeof(a->kz));
	v = y * y;
	q = (int64_t)(v < 1e3 ? v * QSCALE + 0.5 : 1e3 * QSCALE);
	/* the ring starts as zeros: silence before the first sample */
	a->sum_s += q - a->sq[a->pos];
	a->sum_m += q - a->sq[a->posm];
	a->sq[a->pos] = q;
	if (++a->pos == a->nsq)
		a->pos = 0;
	if (++a->posm == a->nsq)
		a->posm = 0;
}

/* Loudness of a sum of n squares, LUFS, -120 for silence. */
static double
lufs(int64_t sum, long n)
{
	double ms = (double)sum / QSCALE / n;
	double l = ms > 0 ? -0.691 + 10 * log10(ms) : -120;

	return l > -120 ? l : -120;
}

double
au_db(double amp)
{
	return amp > 1e-6 ? 20 * log10(amp) : -120;
}

struct au *
au_open(int rate, double hop, int flags, au_emit_fn emit, void *arg,
    struct rerr *e)
{
	struct au *a;
	int i;

	if ((a = calloc(1, sizeof(*a))) == NULL) {
		rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
		return NULL;
	}
	a->rate = rate;
	a->hop = lrint(hop * rate);
	if (a->hop < 1)
		a->hop = 1;
	a->emit = emit;
	a->arg = arg;
	a->nospec = flags & AU_NOSPECTRUM;
	kweight_design(a->kf, rate);
	a->nsq = 3L * rate;
	a->nm = lrint(0.4 * rate);
	a->sq = calloc((size_t)a->nsq, sizeof(a->sq[0]));
	a->posm = a->nsq - a->nm;
	a->in = fftwf_alloc_real(FFTN);
	a->out = fftwf_alloc_complex(NBIN);
	if (a->sq == NULL || a->in == NULL || a->out == NULL) {
		rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
		au_close(a);
		return NULL;
	}
	a->plan = fftwf_plan_dft_r2c_1d(FFTN, a->in, a->out, FFTW_ESTIMATE);
	for (i = 0; i < FFTN; i++)	/* Hann */
		a->win[i] = (float)(0.5 - 0.5 * cos(2 * M_PI * i / FFTN));
	a->hist_max = rate / FFTHOP;
	if (a->hist_max > FLUXHIST)
		a->hist_max = FLUXHIST;
	if (a->hist_max < 1)
		a->hist_max = 1;
	a->pk = 0;
	return a;
}

/* One FFT frame over the ring: its flux goes into the window's sums. */
static void
fft_frame(struct au *a)
{
	long start = a->ringn % FFTN;	/* oldest sample in the ring */
	double flux = 0, mean = 0;
	int i;

	for (i = 0; i < FFTN; i++)
		a->in[i] = a->ring[(start + i) % FFTN] * a->win[i];
	fftwf_execute(a->plan);
	for (i = 0; i < NBIN; i++) {
		float re = a->out[i][0], im = a->out[i][1];
		float l = log1pf(sqrtf(re * re + im * im));

		if (a->have_prev && l > a->lmag[i])
			flux += l - a->lmag[i];
		a->lmag[i] = l;
	}
	if (!a->have_prev) {
		a->have_prev = 1;
		return;
	}
	flux /= NBIN;
	for (i = 0; i < a->nfh; i++)
		mean += a->fhist[(a->fh0 + i) % FLUXHIST];
	mean = a->nfh ? mean / a->nfh : flux;
	a->fsum += flux;
	a->nfr++;
	if (flux - mean > a->fmax)
		a->fmax = flux - mean;
	if (a->nfh < a->hist_max)
		a->fhist[(a->fh0 + a->nfh++) % FLUXHIST] = flux;
	else {
		a->fhist[a->fh0] = flux;
		a->fh0 = (a->fh0 + 1) % a->hist_max;
	}
}

static int
complete(struct au *a)
{
	struct au_win w;

	if (a->n == 0)
		return 0;
	w.t = a->t0 + (double)a->done / a->rate;
	w.dur = (double)a->n / a->rate;
	w.rms = au_db(sqrt(a->ss / a->n));
	w.peak = au_db(a->pk);
	w.lufs_m = lufs(a->sum_m, a->nm);
	w.lufs_s = lufs(a->sum_s, a->nsq);
	w.flux = a->nfr ? a->fsum / a->nfr : 0;
	w.onset = a->fmax;
	a->done += a->n;
	a->n = 0;
	a->ss = a->pk = a->fsum = a->fmax = 0;
	a->nfr = 0;
	return a->emit(&w, a->arg);
}

int
au_push(struct au *a, const float *x, long n, double t)
{
	long i, k;
	int rv;

	if (!a->started) {
		a->t0 = t;
		a->started = 1;
	}
	while (n > 0) {
		k = a->hop - a->n;
		if (k > n)
			k = n;
		for (i = 0; i < k; i++) {
			float v = x[i];

			kweight(a, v);
			a->ss += (double)v * v;
			if (fabsf(v) > a->pk)
				a->pk = fabsf(v);
			a->ring[a->ringn++ % FFTN] = v;
			if (!a->nospec && ++a->since_frame >= FFTHOP &&
			    a->ringn >= FFTN) {
				a->since_frame = 0;
				fft_frame(a);
			}
		}
		a->n += k;
		x += k;
		n -= k;
		if (a->n == a->hop && (rv = complete(a)) != 0)
			return rv;
	}
	return 0;
}

int
au_flush(struct au *a)
{
	return complete(a);
}

void
au_close(struct au *a)
{
	if (a == NULL)
		return;
	if (a->plan != NULL)
		fftwf_destroy_plan(a->plan);
	fftwf_free(a->in);
	fftwf_free(a->out);
	free(a->sq);
	free(a);
}
