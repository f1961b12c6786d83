/*
 * audio: RMS, peak, EBU R128 loudness (libebur128) and spectral flux
 * (fftw3f) over fixed windows.  See audio.h for the contract.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <ebur128.h>
#include <fftw3.h>

#include "audio.h"

#define FFTN	1024
#define FFTHOP	512
#define NBIN	(FFTN / 2 + 1)
#define FLUXHIST 64		/* frame fluxes remembered for onsets */

struct au {
	int		 rate;
	long		 hop;		/* samples per window */
	au_emit_fn	 emit;
	void		*arg;
	ebur128_state	*r128;
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
	long long	 done;		/* samples in completed windows */
	/* the window being filled */
	long		 n;
	double		 ss, pk, fsum, fmax;
	int		 nfr;
	long		 since_frame;
};

double
au_db(double amp)
{
	return amp > 1e-6 ? 20 * log10(amp) : -120;
}

struct au *
au_open(int rate, double hop, au_emit_fn emit, void *arg, struct rerr *e)
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
	a->r128 = ebur128_init(1, (unsigned long)rate, EBUR128_MODE_S);
	a->in = fftwf_alloc_real(FFTN);
	a->out = fftwf_alloc_complex(NBIN);
	if (a->r128 == NULL || a->in == NULL || a->out == NULL) {
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
	double l;

	if (a->n == 0)
		return 0;
	w.t = a->t0 + (double)a->done / a->rate;
	w.dur = (double)a->n / a->rate;
	w.rms = au_db(sqrt(a->ss / a->n));
	w.peak = au_db(a->pk);
	w.lufs_m = ebur128_loudness_momentary(a->r128, &l) == EBUR128_SUCCESS
	    && isfinite(l) && l > -120 ? l : -120;
	w.lufs_s = ebur128_loudness_shortterm(a->r128, &l) == EBUR128_SUCCESS
	    && isfinite(l) && l > -120 ? l : -120;
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
		ebur128_add_frames_float(a->r128, x, (size_t)k);
		for (i = 0; i < k; i++) {
			float v = x[i];

			a->ss += (double)v * v;
			if (fabsf(v) > a->pk)
				a->pk = fabsf(v);
			a->ring[a->ringn++ % FFTN] = v;
			if (++a->since_frame >= FFTHOP && a->ringn >= FFTN) {
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
	if (a->r128 != NULL)
		ebur128_destroy(&a->r128);
	free(a);
}
