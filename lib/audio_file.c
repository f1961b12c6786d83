/*
 * audio_file: sound files through libsndfile, as mono float at a chosen
 * rate.  See audio.h for the contract.
 *
 * The resampler is a windowed sinc (J. O. Smith, "Digital Audio
 * Resampling", CCRMA, 2002: bandlimited interpolation with the filter
 * scaled to the lower Nyquist rate when decimating), the taps tabulated
 * for PH phases between input samples and each phase normalised to unit
 * gain at DC.  Output sample k is the input at time k * in / out, so
 * sample 0 of both lines up, as with swresample.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include <sndfile.h>

#include "audio.h"

#define CHUNK	4096		/* frames per sf_readf_float */
#define PH	256		/* tabulated phases */
#define ZC	8		/* zero crossings each side */

struct au_file {
	SNDFILE		*sf;
	SF_INFO		 info;
	float		*raw;		/* CHUNK interleaved frames */
	float		*x;		/* mono input from x0 on */
	size_t		 xn, xcap;
	long long	 x0;		/* input index of x[0] */
	long long	 k;		/* next output sample */
	long long	 nin;		/* input samples read so far */
	double		 step;		/* input samples per output sample */
	int		 eof, same, w;	/* w: half-width, input samples */
	float		*h;		/* (PH + 1) x 2w taps */
	long long	 size;		/* bytes in the file, or -1 */
};

int
au_sndfile_format(const char *path)
{
	unsigned char b[12];
	FILE *fp;
	size_t n;

	if ((fp = fopen(path, "rb")) == NULL)
		return 0;
	n = fread(b, 1, sizeof(b), fp);
	fclose(fp);
	if (n < 12)
		return 0;
	if ((memcmp(b, "RIFF", 4) == 0 || memcmp(b, "RIFX", 4) == 0 ||
	    memcmp(b, "RF64", 4) == 0) && memcmp(b + 8, "WAVE", 4) == 0)
		return 1;
	if (memcmp(b, "fLaC", 4) == 0)
		return 1;
	if (memcmp(b, "FORM", 4) == 0 && (memcmp(b + 8, "AIFF", 4) == 0 ||
	    memcmp(b + 8, "AIFC", 4) == 0))
		return 1;
	if (memcmp(b, "riff", 4) == 0)		/* Sony Wave64 GUID */
		return 1;
	return 0;
}

static int
make_filter(struct au_file *f)
{
	double fc = f->step > 1 ? 0.95 / f->step : 0.95, d, x, w, sum;
	int p, j, n;

	f->w = (int)ceil(ZC / fc);
	n = 2 * f->w;
	if ((f->h = malloc((size_t)(PH + 1) * (size_t)n * sizeof(float)))
	    == NULL)
		return -1;
	for (p = 0; p <= PH; p++) {
		float *t = f->h + (size_t)p * (size_t)n;

		sum = 0;
		for (j = -f->w + 1; j <= f->w; j++) {
			d = (double)p / PH - j;	/* output time - input time */
			x = fc * d;
			w = fabs(d) >= f->w ? 0 : 0.42 + 0.5 * cos(M_PI * d /
			    f->w) + 0.08 * cos(2 * M_PI * d / f->w);
			t[j + f->w - 1] = (float)(w * (x == 0 ? 1 :
			    sin(M_PI * x) / (M_PI * x)));
			sum += t[j + f->w - 1];
		}
		for (j = 0; j < n; j++)
			t[j] = (float)(t[j] / sum);
	}
	return 0;
}

struct au_file *
au_file_open(const char *path, int rate, struct rerr *e)
{
	struct au_file *f;

	if ((f = calloc(1, sizeof(*f))) == NULL) {
		rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
		return NULL;
	}
	if ((f->sf = sf_open(path, SFM_READ, &f->info)) == NULL) {
		if (errno == ENOENT || errno == EACCES)
			rerr_set(e, EX_NOINPUT, path, 0, "%s",
			    strerror(errno));
		else
			rerr_set(e, EX_DATAERR, path, 0, "%s",
			    sf_strerror(NULL));
		free(f);
		return NULL;
	}
	{
		struct stat sb;

		f->size = stat(path, &sb) == 0 ? (long long)sb.st_size : -1;
	}
	if (f->info.channels < 1 || f->info.samplerate < 1) {
		rerr_set(e, EX_DATAERR, path, 0, "no audio in the file");
		au_file_close(f);
		return NULL;
	}
	f->step = (double)f->info.samplerate / rate;
	f->same = f->info.samplerate == rate;
	f->raw = malloc((size_t)CHUNK * (size_t)f->info.channels *
	    sizeof(float));
	if (f->raw == NULL || (!f->same && make_filter(f) != 0)) {
		rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
		au_file_close(f);
		return NULL;
	}
	/* w zeros before the signal, for the first outputs' taps. */
	f->xcap = (size_t)CHUNK + 4 * (size_t)f->w + 16;
	if ((f->x = calloc(f->xcap, sizeof(float))) == NULL) {
		rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
		au_file_close(f);
		return NULL;
	}
	f->xn = (size_t)f->w;
	f->x0 = -f->w;
	return f;
}

/* Reads a chunk, mixed to mono, onto the end of x.  0, or -1 at EOF. */
static int
fill(struct au_file *f, struct rerr *e)
{
	sf_count_t got, i;
	long long keep;
	int c, nc = f->info.channels;

	/* Drop what no future output reaches. */
	keep = (long long)floor((double)f->k * f->step) - f->w;
	if (keep > f->x0 && f->xn > 0) {
		size_t drop = (size_t)(keep - f->x0);

		if (drop > f->xn)
			drop = f->xn;
		memmove(f->x, f->x + drop, (f->xn - drop) * sizeof(float));
		f->xn -= drop;
		f->x0 += (long long)drop;
	}
	got = sf_readf_float(f->sf, f->raw, CHUNK);
	if (got <= 0) {
		double rate = f->info.samplerate;

		if (sf_error(f->sf) != SF_ERR_NO_ERROR) {
			rerr_set(e, EX_DATAERR, NULL, 0, "a decode error at "
			    "%.3f s: %s", (double)f->nin / rate,
			    sf_strerror(f->sf));
			return -2;
		}
		/* Fewer frames than the header promised: cut short. */
		if (f->info.frames > 0 && f->nin + (long long)rate <
		    (long long)f->info.frames) {
			rerr_set(e, EX_DATAERR, NULL, 0, "truncated: the "
			    "audio ends at %.3f s of %.3f s (byte %lld, the "
			    "end of the file)", (double)f->nin / rate,
			    (double)f->info.frames / rate, f->size);
			return -2;
		}
		return -1;
	}
	if (f->xn + (size_t)got + (size_t)f->w >= f->xcap) {
		float *q;

		f->xcap = f->xn + (size_t)got + (size_t)f->w + 16;
		if ((q = realloc(f->x, f->xcap * sizeof(float))) == NULL) {
			rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
			return -2;
		}
		f->x = q;
	}
	for (i = 0; i < got; i++) {
		float s = 0;

		for (c = 0; c < nc; c++)
			s += f->raw[i * nc + c];
		f->x[f->xn++] = s / (float)nc;
	}
	f->nin += got;
	return 0;
}

long
au_file_read(struct au_file *f, float *buf, long n, struct rerr *e)
{
	long m = 0;
	int r;

	while (m < n) {
		double t = (double)f->k * f->step;
		long long base = (long long)floor(t);

		if (f->eof && t >= (double)f->nin)
			break;
		if (!f->eof && base + f->w >= f->x0 + (long long)f->xn) {
			if ((r = fill(f, e)) == -2)
				return -1;
			if (r == -1) {
				/* w zeros after the signal, for the last taps */
				size_t i;

				f->eof = 1;
				if (f->xn + (size_t)f->w + 1 > f->xcap) {
					float *q = realloc(f->x, (f->xn +
					    (size_t)f->w + 1) * sizeof(float));

					if (q == NULL) {
						rerr_set(e, EX_SOFTWARE, NULL,
						    0, "out of memory");
						return -1;
					}
					f->x = q;
					f->xcap = f->xn + (size_t)f->w + 1;
				}
				for (i = 0; i <= (size_t)f->w; i++)
					f->x[f->xn + i] = 0;
				f->xn += (size_t)f->w + 1;
			}
			continue;
		}
		if (f->same) {
			buf[m++] = f->x[base - f->x0];
		} else {
			int p = (int)lround((t - (double)base) * PH), j;
			const float *h = f->h + (size_t)p * 2 * (size_t)f->w;
			const float *x = f->x + (base - f->w + 1 - f->x0);
			float s = 0;

			for (j = 0; j < 2 * f->w; j++)
				s += h[j] * x[j];
			buf[m++] = s;
		}
		f->k++;
	}
	return m;
}

void
au_file_close(struct au_file *f)
{
	if (f == NULL)
		return;
	if (f->sf != NULL)
		sf_close(f->sf);
	free(f->raw);
	free(f->x);
	free(f->h);
	free(f);
}
