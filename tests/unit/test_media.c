/*
 * Unit tests of lib/media: the decode loop on the committed fixtures
 * (testdata/video, made by scripts/mkfixtures) and on clips generated here
 * with ffmpeg's lavfi sources: frame counts, timestamps (a variable frame
 * rate clip), seeking, skip modes, audio resampling, memory input, and the
 * exit statuses of each kind of bad input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "media.h"

static char clip[1024], tmpdir[256];

static const char *
fixture(const char *name)
{
	static char buf[1024];
	const char *td = getenv("TESTDATA");

	snprintf(buf, sizeof(buf), "%s/video/%s", td ? td : "testdata", name);
	return buf;
}

/* Counts the video and audio events of a file. */
static int
count(const char *path, const struct media_opts *o, long *nv, long *na,
    double *first_t, double *last_t)
{
	struct rerr e = { 0 };
	struct media *m = media_open(path, o, &e);
	struct media_frame f;
	int r;

	*nv = *na = 0;
	*first_t = *last_t = -1;
	if (m == NULL)
		return -e.code;
	while ((r = media_next(m, &f, &e)) == 1) {
		if (f.kind == MEDIA_VIDEO) {
			if (*nv == 0)
				*first_t = f.t;
			*last_t = f.t;
			++*nv;
		} else
			*na += f.nsamples;
	}
	media_close(m);
	return r;
}

TEST(decodes_every_frame)
{
	struct media_opts o = MEDIA_OPTS_DEFAULT;
	long nv, na;
	double t0, t1;

	o.audio_rate = 16000;
	CHECK_INT(count(clip, &o, &nv, &na, &t0, &t1), 0);
	CHECK_INT(nv, 155);
	CHECK_NEAR(t0, 0, 1e-9);
	CHECK_NEAR(t1, 154 / 25.0, 1e-6);
	/* 6 s of tone at 16 kHz, give or take the codec's padding */
	CHECK(na > 6 * 16000 - 1600 && na < 6 * 16000 + 3200);
}

TEST(info_and_analysis_size)
{
	struct media_opts o = MEDIA_OPTS_DEFAULT;
	struct rerr e = { 0 };
	struct media *m = media_open(clip, &o, &e);
	const struct media_info *mi;
	struct media_frame f;

	CHECK(m != NULL);
	mi = media_info(m);
	CHECK_INT(mi->width, 160);
	CHECK_INT(mi->height, 90);
	CHECK_INT(mi->gw, 128);
	CHECK_INT(mi->gh, 72);
	CHECK_NEAR(mi->fps, 25, 1e-9);
	CHECK_STR(mi->vcodec, "h264");
	CHECK_INT(mi->has_audio, 0);	/* not asked for */
	CHECK_INT(media_next(m, &f, &e), 1);
	CHECK_INT(f.kind, MEDIA_VIDEO);
	CHECK_INT(f.key, 1);
	CHECK_INT(f.index, 0);
	CHECK(f.grey != NULL && f.rgb != NULL);
	media_close(m);
}

TEST(seek_and_duration)
{
	struct media_opts o = MEDIA_OPTS_DEFAULT;
	long nv, na;
	double t0, t1;

	o.start = 2.0;
	o.duration = 1.0;
	CHECK_INT(count(clip, &o, &nv, &na, &t0, &t1), 0);
	CHECK_NEAR(t0, 2.0, 1e-6);
	CHECK_NEAR(t1, 2.96, 1e-6);
	CHECK_INT(nv, 25);
}

TEST(keyframes_only)
{
	struct media_opts o = MEDIA_OPTS_DEFAULT;
	struct rerr e = { 0 };
	struct media *m;
	struct media_frame f;
	long n = 0;

	o.skip = MEDIA_SKIP_NONKEY;
	CHECK((m = media_open(clip, &o, &e)) != NULL);
	while (media_next(m, &f, &e) == 1) {
		CHECK(f.key);
		CHECK_INT(f.index_exact, 0);
		n++;
	}
	media_close(m);
	CHECK(n >= 3 && n < 20);
}

/*
 * A variable frame rate clip: 10 frames 40 ms apart, then 10 frames
 * 120 ms apart.  The times must be the pts, not frame / fps.
 */
TEST(vfr_timestamps)
{
	char path[512], cmd[1024];
	struct media_opts o = MEDIA_OPTS_DEFAULT;
	struct rerr e = { 0 };
	struct media *m;
	struct media_frame f;
	double want;
	long n = 0;

	snprintf(path, sizeof(path), "%s/vfr.mkv", tmpdir);
	snprintf(cmd, sizeof(cmd), "ffmpeg -v error -nostdin -y -f lavfi -i "
	    "testsrc=s=64x36:r=25:d=0.8 -vf \"setpts='(N + 2 * max(N - 9, 0))"
	    "/25/TB'\" -vsync vfr -c:v libx264 -preset ultrafast %s", path);
	CHECK(system(cmd) == 0);
	CHECK((m = media_open(path, &o, &e)) != NULL);
	while (media_next(m, &f, &e) == 1) {
		want = n < 10 ? n * 0.04 : 0.36 + (n - 9) * 0.12;
		CHECK_NEAR(f.t, want, 0.0015);
		CHECK_INT(f.index, n);
		n++;
	}
	media_close(m);
	CHECK_INT(n, 20);
}

TEST(audio_only_reader)
{
	struct rerr e = { 0 };
	struct media *m = media_open_audio(fixture("audio-only.m4a"), 8000, &e);
	float buf[1000];
	long n, total = 0;
	double ss = 0;
	int i;

	CHECK(m != NULL);
	CHECK_INT(media_info(m)->has_video, 0);
	while ((n = media_read_audio(m, buf, 1000, &e)) > 0) {
		for (i = 0; i < n; i++)
			ss += (double)buf[i] * buf[i];
		total += n;
	}
	CHECK_INT(n, 0);
	media_close(m);
	CHECK(total > 7000 && total < 9000);
	/* lavfi's sine has amplitude 1/8: RMS 0.088 */
	CHECK_NEAR(sqrt(ss / total), 0.125 / sqrt(2), 0.01);
}

TEST(memory_input)
{
	struct media_opts o = MEDIA_OPTS_DEFAULT;
	struct rerr e = { 0 };
	struct media *m;
	struct media_frame f;
	FILE *fp = fopen(clip, "rb");
	static uint8_t data[200000];
	size_t n;
	long nv = 0;

	CHECK(fp != NULL);
	n = fread(data, 1, sizeof(data), fp);
	fclose(fp);
	CHECK((m = media_open_mem(data, n, &o, &e)) != NULL);
	while (media_next(m, &f, &e) == 1)
		nv++;
	media_close(m);
	CHECK_INT(nv, 155);
}

TEST(bad_inputs)
{
	struct media_opts o = MEDIA_OPTS_DEFAULT;
	struct rerr e = { 0 };
	char path[512];
	FILE *fp;

	CHECK(media_open("/nonexistent/x.mp4", &o, &e) == NULL);
	CHECK_INT(e.code, EX_NOINPUT);
	snprintf(path, sizeof(path), "%s/empty.mp4", tmpdir);
	fp = fopen(path, "w");
	fclose(fp);
	CHECK(media_open(path, &o, &e) == NULL);
	CHECK_INT(e.code, EX_DATAERR);
	CHECK_STR(e.msg, "file is empty");
	CHECK(media_open(fixture("audio-only.m4a"), &o, &e) == NULL);
	CHECK_INT(e.code, EX_UNAVAILABLE);
	CHECK(media_open(fixture("a64.nut"), &o, &e) == NULL);
	CHECK_INT(e.code, EX_UNAVAILABLE);
	o.decoder = "nosuchdecoder";
	CHECK(media_open(clip, &o, &e) == NULL);
	CHECK_INT(e.code, EX_UNAVAILABLE);
	CHECK(media_open_mem((const uint8_t *)"not a video", 11,
	    &(struct media_opts)MEDIA_OPTS_DEFAULT, &e) == NULL);
	CHECK_INT(e.code, EX_DATAERR);
}

TEST(errors_are_counted_not_fatal)
{
	struct media_opts o = MEDIA_OPTS_DEFAULT;
	struct rerr e = { 0 };
	struct media *m;
	struct media_frame f;
	char msg[512];
	long nv = 0;

	CHECK((m = media_open(fixture("corrupt.mp4"), &o, &e)) != NULL);
	while (media_next(m, &f, &e) == 1)
		nv++;
	CHECK(nv > 140);
	CHECK(media_errors(m)->count > 0);
	CHECK(media_errors(m)->first_t > 0);
	CHECK(media_errors_msg(m, msg, sizeof(msg)) > 0);
	CHECK(strstr(msg, "decode error") != NULL);
	media_close(m);

	/* truncated: what is there decodes, and the shortfall is an error */
	CHECK((m = media_open(fixture("truncated.mp4"), &o, &e)) != NULL);
	nv = 0;
	while (media_next(m, &f, &e) == 1)
		nv++;
	CHECK(nv > 20 && nv < 100);
	CHECK(media_errors(m)->truncated);
	media_close(m);

	/* and above the threshold the loop stops */
	o.max_errors = 0;
	CHECK((m = media_open(fixture("corrupt.mp4"), &o, &e)) != NULL);
	while (media_next(m, &f, &e) == 1)
		;
	CHECK_INT(e.code, EX_DATAERR);
	media_close(m);
}

int
main(void)
{
	struct harness h = { 0 };
	char cmd[600];

	snprintf(tmpdir, sizeof(tmpdir), "%s/test_media.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(tmpdir) == NULL)
		return 1;
	media_set_verbosity(0);
	snprintf(clip, sizeof(clip), "%s", fixture("clip.mp4"));
	RUN(&h, decodes_every_frame);
	RUN(&h, info_and_analysis_size);
	RUN(&h, seek_and_duration);
	RUN(&h, keyframes_only);
	RUN(&h, vfr_timestamps);
	RUN(&h, audio_only_reader);
	RUN(&h, memory_input);
	RUN(&h, bad_inputs);
	RUN(&h, errors_are_counted_not_fatal);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
	return HARNESS_END(&h);
}
