/*
 * vad and the libsndfile reader: WAV and FLAC read through libsndfile
 * (lib/audio) and through libavformat (lib/media) give the same speech
 * activity, at several sample rates and channel counts; the speech
 * evidence (syllable-rate modulation, whitened flatness) on signals made
 * here.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sndfile.h>

#include "harness.h"
#include "audio.h"
#include "media.h"
#include "vad.h"

static char dir[256];

/* movie.opus decoded by lib/media at rate, written with libsndfile. */
static int
write_copy(const char *name, int rate, int channels, int format)
{
	char src[512], path[512];
	const char *td = getenv("TESTDATA");
	struct rerr e = { 0 };
	struct media *m;
	SF_INFO info = { 0 };
	SNDFILE *sf;
	float buf[4096], *st;
	long got, i;
	int c;

	snprintf(src, sizeof(src), "%s/man/subalign/movie.opus",
	    td ? td : "testdata");
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((m = media_open_audio(src, rate, &e)) == NULL)
		return -1;
	info.samplerate = rate;
	info.channels = channels;
	info.format = format;
	if ((sf = sf_open(path, SFM_WRITE, &info)) == NULL) {
		media_close(m);
		return -1;
	}
	st = malloc(sizeof(buf) * (size_t)channels);
	while ((got = media_read_audio(m, buf, 4096, &e)) > 0) {
		for (i = 0; i < got; i++)
			for (c = 0; c < channels; c++)
				st[i * channels + c] = buf[i] * (c ? 0.5f : 1);
		sf_writef_float(sf, st, got);
	}
	free(st);
	sf_close(sf);
	media_close(m);
	return got < 0 ? -1 : 0;
}

/* Share of frames where the two paths agree on speech / no speech. */
static double
agree(const char *name, long *n1, long *n2)
{
	char path[512];
	struct rerr e = { 0 };
	float *a = NULL, *b = NULL;
	double d1, d2;
	long i, same = 0, n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (vad_file_with(path, VAD_LIBAV, &a, n1, &d1, &e) != 0 ||
	    vad_file_with(path, VAD_SNDFILE, &b, n2, &d2, &e) != 0) {
		fprintf(stderr, "%s: %s\n", name, e.msg);
		free(a);
		return -1;
	}
	n = *n1 < *n2 ? *n1 : *n2;
	for (i = 0; i < n; i++)
		same += (a[i] > 0.5f) == (b[i] > 0.5f);
	free(a);
	free(b);
	return n > 0 ? (double)same / (double)n : -1;
}

TEST(format_by_content)
{
	char path[512];
	FILE *fp;

	CHECK(write_copy("a.wav", 16000, 1, SF_FORMAT_WAV |
	    SF_FORMAT_PCM_16) == 0);
	snprintf(path, sizeof(path), "%s/a.wav", dir);
	CHECK(au_sndfile_format(path));
	/* The name does not matter: a WAV called .mp3 is still a WAV. */
	snprintf(path, sizeof(path), "%s/a.mp3", dir);
	CHECK(write_copy("a.mp3", 16000, 1, SF_FORMAT_WAV |
	    SF_FORMAT_PCM_16) == 0);
	CHECK(au_sndfile_format(path));
	snprintf(path, sizeof(path), "%s/not.wav", dir);
	fp = fopen(path, "w");
	CHECK(fp != NULL);
	fputs("OggS and then something else", fp);
	fclose(fp);
	CHECK(!au_sndfile_format(path));
}

TEST(same_activity_wav16k)
{
	long n1, n2;

	CHECK(write_copy("m16.wav", 16000, 1, SF_FORMAT_WAV |
	    SF_FORMAT_PCM_16) == 0);
	CHECK(agree("m16.wav", &n1, &n2) >= 0.99);
	CHECK(labs(n1 - n2) <= 1);
}

TEST(same_activity_flac44k_stereo)
{
	long n1, n2;

	CHECK(write_copy("m44.flac", 44100, 2, SF_FORMAT_FLAC |
	    SF_FORMAT_PCM_16) == 0);
	CHECK(agree("m44.flac", &n1, &n2) >= 0.99);
	CHECK(labs(n1 - n2) <= 1);
}

TEST(same_activity_wav8k)
{
	long n1, n2;

	CHECK(write_copy("m8.wav", 8000, 1, SF_FORMAT_WAV |
	    SF_FORMAT_FLOAT) == 0);
	CHECK(agree("m8.wav", &n1, &n2) >= 0.99);
	CHECK(labs(n1 - n2) <= 1);
}

TEST(resampler_passes_a_tone)
{
	char path[512];
	struct rerr e = { 0 };
	SF_INFO info = { 0 };
	SNDFILE *sf;
	struct au_file *f;
	static float x[48000], y[9000];
	double rms = 0;
	long i, n;

	/* 1 kHz at 48 kHz, 1 s: 8000 samples of the same tone at 8 kHz. */
	for (i = 0; i < 48000; i++)
		x[i] = 0.5f * (float)sin(2 * M_PI * 1000 * i / 48000.0);
	snprintf(path, sizeof(path), "%s/tone.wav", dir);
	info.samplerate = 48000;
	info.channels = 1;
	info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
	CHECK((sf = sf_open(path, SFM_WRITE, &info)) != NULL);
	sf_writef_float(sf, x, 48000);
	sf_close(sf);
	CHECK((f = au_file_open(path, 8000, &e)) != NULL);
	n = au_file_read(f, y, 9000, &e);
	au_file_close(f);
	CHECK_INT(n, 8000);
	for (i = 100; i < 7900; i++) {
		double want = 0.5 * sin(2 * M_PI * 1000 * i / 8000.0);

		rms += (y[i] - want) * (y[i] - want);
	}
	CHECK(sqrt(rms / 7800) < 0.005);
}

/* A deterministic uniform noise sample in -1..1 (xorshift32). */
static float
noise(unsigned *st)
{
	*st ^= *st << 13;
	*st ^= *st >> 17;
	*st ^= *st << 5;
	return (float)(*st / 2147483648.0 - 1);
}

/*
 * Runs the detector over 10 s of a signal made by fn(i) at 8 kHz; the
 * median modulation over frames 100..899 and the median flatness of
 * those the detector takes for speech.
 */
static void
evidence(float (*fn)(long, unsigned *), double *mod, double *flat)
{
	struct rerr e = { 0 };
	struct vad *v = vad_open(&e);
	static float x[80000];
	float m[800], f[800], t;
	const float *p;
	unsigned st = 12345;
	long i, j, n, nf = 0;

	for (i = 0; i < 80000; i++)
		x[i] = fn(i, &st);
	vad_push(v, x, 80000);
	n = vad_finish(v, &p, NULL);
	for (i = 0; i < 800 && 100 + i < n; i++) {
		m[i] = vad_modulation(v)[100 + i];
		if (p[100 + i] > 0.5f)
			f[nf++] = vad_flatness(v)[100 + i];
	}
	for (i = 1; i < 800; i++)	/* insertion sort: 800 values */
		for (j = i; j > 0 && m[j] < m[j - 1]; j--) {
			t = m[j]; m[j] = m[j - 1]; m[j - 1] = t;
		}
	for (i = 1; i < nf; i++)
		for (j = i; j > 0 && f[j] < f[j - 1]; j--) {
			t = f[j]; f[j] = f[j - 1]; f[j - 1] = t;
		}
	*mod = m[400];
	*flat = nf > 0 ? f[nf / 2] : -1;
	vad_close(v);
}

/* Vowel-like bursts: a pulse train at a pitch that moves from syllable
 * to syllable (100-200 Hz) and within it, harmonics to 3.5 kHz, on for
 * 120 ms and off for 100 ms (4.5 a second), over faint noise. */
static float
syllables(long i, unsigned *st)
{
	double t = i / 8000.0, s = 0, f0, ph;
	long syl = (long)(t / 0.22);
	int k;

	if (fmod(t, 0.22) >= 0.12)
		return (float)(0.003 * noise(st));
	f0 = 100 + (double)((syl * 37) % 100);
	/* the phase of a pitch gliding down 20 % over the syllable */
	ph = f0 * (fmod(t, 0.22) - 0.8 * fmod(t, 0.22) * fmod(t, 0.22));
	for (k = 1; k * f0 < 3500; k++)
		s += sin(2 * M_PI * k * ph) / k;
	return (float)(0.3 * s + 0.003 * noise(st));
}

/* A held chord: no syllables. */
static float
chord(long i, unsigned *st)
{
	double t = i / 8000.0;

	return (float)(0.2 * (sin(2 * M_PI * 220 * t) + sin(2 * M_PI * 277.2 *
	    t) + sin(2 * M_PI * 329.6 * t)) + 0.003 * noise(st));
}

/* White noise made to come and go 4.5 times a second. */
static float
tremolo_noise(long i, unsigned *st)
{
	double t = i / 8000.0;

	return (float)((fmod(t, 0.22) < 0.12 ? 0.3 : 0.03) * noise(st));
}

TEST(evidence_of_syllables)
{
	double mod, flat;

	evidence(syllables, &mod, &flat);
	CHECK(mod > 0.5);
	CHECK(flat >= 0 && flat < 0.3);
}

TEST(evidence_of_a_chord)
{
	double mod, flat;

	evidence(chord, &mod, &flat);
	CHECK(mod < 0.3);
}

TEST(evidence_of_tremolo_noise)
{
	double mod, flat;

	evidence(tremolo_noise, &mod, &flat);
	CHECK(mod > 0.5);	/* it does move at syllable rate ... */
	CHECK(flat > 0.45);	/* ... but its spectrum is flat */
}

int
main(void)
{
	struct harness h = { 0 };
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/test_vad.XXXXXX", tmp ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		return 1;
	RUN(&h, format_by_content);
	RUN(&h, same_activity_wav16k);
	RUN(&h, same_activity_flac44k_stereo);
	RUN(&h, same_activity_wav8k);
	RUN(&h, resampler_passes_a_tone);
	RUN(&h, evidence_of_syllables);
	RUN(&h, evidence_of_a_chord);
	RUN(&h, evidence_of_tremolo_noise);
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", dir);
	}
	return HARNESS_END(&h);
}
