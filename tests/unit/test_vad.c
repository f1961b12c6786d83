/*
 * vad and the libsndfile reader: WAV and FLAC read through libsndfile
 * (lib/audio) and through libavformat (lib/media) give the same speech
 * activity, at several sample rates and channel counts.
 */
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
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", dir);
	}
	return HARNESS_END(&h);
}
