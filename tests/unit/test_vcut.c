/*
 * vcut: the segment plan (pure arithmetic), and renders of clips that
 * ffmpeg's lavfi generates here, at 25 and 24000/1001 fps, checked by
 * decoding the result again:
 *
 *  - the first frame of each segment is the source frame at its start
 *    (PSNR >= 35 dB against it, and well below against its neighbours,
 *    which shows the measure can tell one frame from the next);
 *  - the sound of each segment lines up with the source's to a sample or
 *    two (cross-correlation of white noise);
 *  - the duration is the sum of the segments within one frame, minus the
 *    crossfade overlaps, and ffprobe reads the file without a word;
 *  - a crossfade lasts the frames it was asked for.
 *
 * The renders run bin/vcut ($REEL_BIN) as a user would.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libavutil/frame.h>

#include "harness.h"
#include "media.h"
#include "mux.h"
#include "../../cmd/vcut/render.h"
#include "../../cmd/vcut/seg.h"

static char tmpdir[256];
static char vcut[512];

static int	sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* --- the plan ---------------------------------------------------------- */

static struct seg
mkseg(double a, double b, long line)
{
	struct seg s;

	memset(&s, 0, sizeof(s));
	s.start = a;
	s.end = b;
	s.order = -1;
	s.line = line;
	s.xdur = -1;
	return s;
}

TEST(plan_rounds_running_total)
{
	/* 40 segments of 0.37 s at 24000/1001: each is 8.87 frames. */
	struct seg s[40];
	struct seg_plan_opts o = { 24000, 1001, -1, 48000, 0 };
	struct rerr e = { 0 };
	double fps = 24000.0 / 1001, sum = 0;
	long long a = 0;
	int i;

	for (i = 0; i < 40; i++) {
		s[i] = mkseg(i * 0.5, i * 0.5 + 0.37, i + 1);
		sum += 0.37;
	}
	CHECK(seg_plan(s, 40, &o, "t", &e) == 0);
	CHECK(fabs(seg_frames(s, 40) - sum * fps) <= 0.5);
	for (i = 0; i < 40; i++) {
		CHECK(s[i].n == 8 || s[i].n == 9);
		CHECK_INT(s[i].f0, llround(i * 0.5 * fps));
		a += s[i].an;
	}
	/* The sound is exactly as long as the pictures, to a sample. */
	CHECK(llabs(a - llround(seg_frames(s, 40) / fps * 48000)) <= 1);
	CHECK_INT(seg_samples(s, 40), a);
}

TEST(plan_crossfades)
{
	struct seg s[3] = { mkseg(0, 2, 1), mkseg(3, 5, 2), mkseg(6, 7, 3) };
	struct seg_plan_opts o = { 25, 1, 0.5, 48000, 10 };
	struct rerr e = { 0 };

	CHECK(seg_plan(s, 3, &o, "t", &e) == 0);
	CHECK_INT(s[0].c, 0);
	CHECK_INT(s[1].c, 13);		/* round(12.5) */
	CHECK_INT(s[2].c, 13);
	CHECK_INT(s[1].ac, 24960);	/* 13 frames of 1920 samples */
	CHECK_INT(seg_frames(s, 3), 125 - 26);
	/* From the records: only the one that asks, for its length. */
	s[0] = mkseg(0, 2, 1);
	s[1] = mkseg(3, 5, 2);
	s[2] = mkseg(6, 7, 3);
	s[1].xfade = 1;
	s[2].xfade = 1;
	s[2].xdur = 0.2;
	o.crossfade = -1;
	CHECK(seg_plan(s, 3, &o, "t", &e) == 0);
	CHECK_INT(s[1].c, 13);		/* the default, 0.5 s */
	CHECK_INT(s[2].c, 5);
}

TEST(plan_order)
{
	struct seg s[3] = { mkseg(0, 1, 1), mkseg(2, 3, 2), mkseg(4, 5, 3) };
	struct seg_plan_opts o = { 25, 1, -1, 0, 10 };
	struct rerr e = { 0 };

	s[0].order = 2;
	s[1].order = 0;
	s[2].order = 1;
	CHECK(seg_plan(s, 3, &o, "t", &e) == 0);
	CHECK(s[0].start == 2 && s[1].start == 4 && s[2].start == 0);
	s[0].order = s[1].order = 1;
	CHECK(seg_plan(s, 3, &o, "t", &e) == EX_DATAERR);
	CHECK(strstr(e.msg, "same order") != NULL);
}

TEST(plan_rejects)
{
	struct seg_plan_opts o = { 25, 1, -1, 0, 10 };
	struct rerr e = { 0 };
	struct seg s[2];

	s[0] = mkseg(1, 3, 1);
	s[1] = mkseg(2.5, 4, 2);
	CHECK(seg_plan(s, 2, &o, "t", &e) == EX_DATAERR);
	CHECK(strstr(e.msg, "overlaps") != NULL);
	/* Touching, or a rounding error's overlap, is not overlapping. */
	s[0] = mkseg(1, 3.01, 1);
	s[1] = mkseg(3, 4, 2);
	CHECK(seg_plan(s, 2, &o, "t", &e) == 0);
	s[0] = mkseg(8, 10.1, 1);
	CHECK(seg_plan(s, 1, &o, "t", &e) == EX_DATAERR);
	CHECK(strstr(e.msg, "ends after the video") != NULL);
	CHECK_INT(e.line, 1);
	s[0] = mkseg(1, 1.01, 1);
	CHECK(seg_plan(s, 1, &o, "t", &e) == EX_DATAERR);
	CHECK(strstr(e.msg, "shorter than a frame") != NULL);
	s[0] = mkseg(1, 1.5, 1);
	s[1] = mkseg(3, 4, 2);
	o.crossfade = 0.6;
	CHECK(seg_plan(s, 2, &o, "t", &e) == EX_DATAERR);
	CHECK(strstr(e.msg, "shorter than its crossfades") != NULL);
}

TEST(blend_weights)
{
	struct mux_pic *a = mux_pic_new(16, 8), *b = mux_pic_new(16, 8);
	struct mux_pic *d = mux_pic_new(16, 8);
	int p;

	CHECK(a != NULL && b != NULL && d != NULL);
	for (p = 0; p < 3; p++) {
		memset(a->data[p], 200, (size_t)a->linesize[p] * (p ? 4 : 8));
		memset(b->data[p], 40, (size_t)b->linesize[p] * (p ? 4 : 8));
	}
	render_blend(d, a, b, 0.25);	/* 0.75 * 200 + 0.25 * 40 */
	CHECK_INT(d->data[0][0], 160);
	CHECK_INT(d->data[2][7 + 3 * d->linesize[2]], 160);
	render_blend(d, a, b, 1);
	CHECK_INT(d->data[1][0], 40);
	mux_pic_unref(&a);
	mux_pic_unref(&b);
	mux_pic_unref(&d);
	CHECK(a == NULL);
}

/*
 * media_seek and media_next_raw (added to lib/media for vcut): after a
 * seek to t, the frames start at or before t, at a keyframe, and every
 * frame and sample keeps the time it has in a decode from the start.
 */
TEST(media_seek_raw)
{
	struct media_opts o = MEDIA_OPTS_DEFAULT;
	struct media_params mp;
	struct media_raw r;
	struct rerr e = { 0 };
	struct media *m;
	char path[512];
	double first = -1, prev = -1;
	int nv = 0, na = 0;

	snprintf(path, sizeof(path), "%s/seek.mp4", tmpdir);
	CHECK(sh("ffmpeg -v error -nostdin -y -f lavfi -i testsrc2=s=64x48:"
	    "r=24000/1001:d=6 -f lavfi -i sine=d=6:r=44100 -c:v libx264 "
	    "-preset ultrafast -g 48 -c:a aac %s", path) == 0);
	o.audio_rate = 8000;	/* selects the audio; raw frames ignore it */
	CHECK((m = media_open(path, &o, &e)) != NULL);
	media_params(m, &mp);
	CHECK_INT(mp.fps_num, 24000);
	CHECK_INT(mp.fps_den, 1001);
	CHECK_INT(mp.audio_rate, 44100);
	CHECK_INT(mp.audio_channels, 1);
	CHECK(media_seek(m, 3.5, &e) == 0);
	while (media_next_raw(m, &r, &e) == 1) {
		if (r.kind == MEDIA_VIDEO) {
			double k = r.t * 24000 / 1001;

			if (first < 0) {
				first = r.t;
				CHECK(r.frame->key_frame);
			} else
				CHECK(r.t > prev);
			/* on the frame grid */
			CHECK(fabs(k - lrint(k)) < 1e-6);
			prev = r.t;
			nv++;
		} else {
			double k = r.t * 44100 / 1024;

			CHECK_INT(r.rate, 44100);
			CHECK(r.nsamples == 1024 || r.t > 5.9);
			CHECK(fabs(k - lrint(k)) < 1e-3);
			na++;
		}
		media_frame_free(&r.frame);
		CHECK(r.frame == NULL);
	}
	media_close(m);
	/* the keyframe before 3.5 s: frame 48, at 2.002 s */
	CHECK_NEAR(first, 48 * 1001 / 24000.0, 1e-9);
	CHECK_INT(nv, 144 - 48);
	CHECK(na > 150);
}

/* --- renders ----------------------------------------------------------- */

struct yuv {
	int	 w, h;
	uint8_t	*p;		/* Y then U then V, no padding */
};

/*
 * Decodes path and keeps copies of the frames whose numbers are in want
 * (n of them).  Returns the number of frames in the file, or -1.
 */
static long
grab(const char *path, const long *want, int n, struct yuv *out)
{
	struct media_opts o = MEDIA_OPTS_DEFAULT;
	struct media_raw r;
	struct rerr e = { 0 };
	struct media *m;
	long k = 0;
	int i, pl, y;

	if ((m = media_open(path, &o, &e)) == NULL)
		return -1;
	while (media_next_raw(m, &r, &e) == 1) {
		AVFrame *f = r.frame;

		if (r.kind != MEDIA_VIDEO) {
			media_frame_free(&r.frame);
			continue;
		}
		for (i = 0; i < n; i++) {
			uint8_t *d;

			if (want[i] != k)
				continue;
			out[i].w = f->width;
			out[i].h = f->height;
			d = out[i].p = malloc((size_t)f->width * f->height * 3 /
			    2);
			for (pl = 0; pl < 3; pl++) {
				int w = pl ? f->width / 2 : f->width;
				int h = pl ? f->height / 2 : f->height;

				for (y = 0; y < h; y++, d += w)
					memcpy(d, f->data[pl] + (size_t)y *
					    f->linesize[pl], (size_t)w);
			}
		}
		k++;
		media_frame_free(&r.frame);
	}
	media_close(m);
	return k;
}

static double
psnr(const struct yuv *a, const struct yuv *b)
{
	size_t n = (size_t)a->w * a->h * 3 / 2, i;
	double se = 0;

	if (a->p == NULL || b->p == NULL || a->w != b->w || a->h != b->h)
		return -1;
	for (i = 0; i < n; i++) {
		double d = (double)a->p[i] - b->p[i];

		se += d * d;
	}
	if (se == 0)
		return 99;
	return 10 * log10(255.0 * 255.0 / (se / n));
}

/* Decodes the whole audio track as mono float at rate.  *n samples. */
static float *
audio(const char *path, int rate, long *n)
{
	struct rerr e = { 0 };
	struct media *m = media_open_audio(path, rate, &e);
	long cap = 1 << 20, k;
	float *v;

	*n = 0;
	if (m == NULL || (v = malloc((size_t)cap * sizeof(float))) == NULL)
		return NULL;
	while ((k = media_read_audio(m, v + *n, cap - *n, &e)) > 0) {
		*n += k;
		if (*n == cap) {
			cap *= 2;
			v = realloc(v, (size_t)cap * sizeof(float));
		}
	}
	media_close(m);
	return v;
}

/*
 * The lag (samples, within +-maxlag) at which b[bo...] best matches
 * a[ao...] over len samples.
 */
static int
best_lag(const float *a, long ao, const float *b, long bo, long len,
    int maxlag)
{
	double best = -1e30;
	int lag, arg = 0;
	long i;

	for (lag = -maxlag; lag <= maxlag; lag++) {
		double s = 0;

		for (i = 0; i < len; i++)
			s += (double)a[ao + i] * b[bo + lag + i];
		if (s > best) {
			best = s;
			arg = lag;
		}
	}
	return arg;
}

static int
sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/* Reads one line of a command's output into buf. */
static int
sh_out(char *buf, size_t n, const char *cmd)
{
	FILE *p = popen(cmd, "r");
	size_t k;

	if (p == NULL)
		return -1;
	k = fread(buf, 1, n - 1, p);
	buf[k] = '\0';
	return pclose(p);
}

/*
 * Renders three segments (out of order, not on keyframes) of a generated
 * clip at rate fps and checks pictures, sound, length and the file.
 */
static void
check_render(struct harness *h_, const char *rate, int num, int den,
    int arate, int channels)
{
	static const double seg[3][2] = { { 5.04, 6.0 }, { 1.0, 2.3 },
	    { 3.31, 4.1 } };	/* in output order */
	char src[512], out[512], buf[4096];
	double fps = (double)num / den, sum = 0, run = 0, dur;
	long want_src[9], want_out[9], nframes, total, pos = 0, na, nb;
	struct yuv ys[9], yo[9];
	float *as, *ao;
	int i, lag;

	memset(ys, 0, sizeof(ys));
	memset(yo, 0, sizeof(yo));
	snprintf(src, sizeof(src), "%s/src-%d.mp4", tmpdir, num);
	snprintf(out, sizeof(out), "%s/out-%d.mp4", tmpdir, num);
	/*
	 * Keyframes 2 s apart; white noise (fixed seed), whose
	 * autocorrelation is one sharp peak: a lag cannot be mistaken.
	 */
	CHECK(sh("ffmpeg -v error -nostdin -y -f lavfi -i testsrc2=s=320x240:"
	    "r=%s:d=7 -f lavfi -i anoisesrc=d=7:r=%d:a=0.3:seed=42 "
	    "-c:v libx264 -preset veryfast -crf 10 -g %d -pix_fmt yuv420p "
	    "-c:a aac -b:a 192k -ac %d %s", rate, arate, (int)lrint(2 * fps),
	    channels, src) == 0);
	CHECK(sh("printf '%%s\\n' '{\"type\":\"segment\",\"start\":1.0,"
	    "\"end\":2.3,\"order\":1}' '{\"type\":\"segment\",\"start\":3.31,"
	    "\"end\":4.1,\"order\":2}' '{\"type\":\"segment\",\"start\":5.04,"
	    "\"end\":6.0,\"order\":0}' | %s -p veryfast -o %s %s > %s.ndjson",
	    vcut, out, src, out) == 0);

	/* ffprobe reads it without a word. */
	snprintf(buf, sizeof(buf), "ffprobe -v error %s 2>&1", out);
	CHECK(sh_out(buf, sizeof(buf), buf) == 0);
	CHECK_STR(buf, "");

	/* The length: the sum of the segments, within one frame. */
	for (i = 0; i < 3; i++)
		sum += seg[i][1] - seg[i][0];
	snprintf(buf, sizeof(buf), "ffprobe -v error -show_entries "
	    "format=duration -of csv=p=0 %s", out);
	CHECK(sh_out(buf, sizeof(buf), buf) == 0);
	dur = atof(buf);
	CHECK(fabs(dur - sum) <= 1 / fps);

	/*
	 * The first frame of each segment (at the rounded running total,
	 * as seg.h says) against the source frame at its start and that
	 * frame's two neighbours.
	 */
	for (i = 0; i < 3; i++) {
		long f0 = llround(seg[i][0] * fps);

		want_src[3 * i] = f0;
		want_src[3 * i + 1] = f0 - 1;
		want_src[3 * i + 2] = f0 + 1;
		want_out[3 * i] = want_out[3 * i + 1] = want_out[3 * i + 2] =
		    pos;
		run += seg[i][1] - seg[i][0];
		pos = llround(run * fps);
	}
	total = pos;
	CHECK(grab(src, want_src, 9, ys) > 0);
	nframes = grab(out, want_out, 9, yo);
	CHECK_INT(nframes, total);
	for (i = 0; i < 3; i++) {
		double p = psnr(&yo[3 * i], &ys[3 * i]);
		double before = psnr(&yo[3 * i], &ys[3 * i + 1]);
		double after = psnr(&yo[3 * i], &ys[3 * i + 2]);

		fprintf(stderr, "  %s fps, segment %d (source frame %ld): "
		    "PSNR %.1f dB; against frames -1, +1: %.1f, %.1f dB\n",
		    rate, i, want_src[3 * i], p, before, after);
		CHECK(p >= 35);
		CHECK(before < p - 6 && after < p - 6);
	}
	for (i = 0; i < 9; i++) {
		free(ys[i].p);
		free(yo[i].p);
	}

	/* The sound of each segment lines up with the source's. */
	CHECK((as = audio(src, 16000, &na)) != NULL);
	CHECK((ao = audio(out, 16000, &nb)) != NULL);
	CHECK(fabs(nb / 16000.0 - total / fps) < 0.03);
	run = 0;
	{
		for (i = 0; i < 3; i++) {
			/* 0.2 s from 0.1 s in, past the fade. */
			long so = llround((llround(seg[i][0] * fps) / fps +
			    0.1) * 16000);
			long oo = llround((llround(run * fps) / fps + 0.1) *
			    16000);

			lag = best_lag(as, so, ao, oo, 3200, 40);
			fprintf(stderr, "  %s fps, segment %d: audio lag %d "
			    "samples at 16 kHz\n", rate, i, lag);
			CHECK(abs(lag) <= 2);
			run += seg[i][1] - seg[i][0];
		}
	}
	free(as);
	free(ao);
}

TEST(render_25)
{
	check_render(h_, "25", 25, 1, 48000, 2);
}

TEST(render_23_976)
{
	check_render(h_, "24000/1001", 24000, 1001, 44100, 1);
}

/* RMS of 10 ms of a centred at t seconds (48 kHz). */
static double
rms(const float *a, long n, double t)
{
	long i0 = lrint(t * 48000) - 240, i;
	double s = 0;

	if (i0 < 0)
		i0 = 0;
	for (i = i0; i < i0 + 480 && i < n; i++)
		s += (double)a[i] * a[i];
	return sqrt(s / 480);
}

/* Mean of a plane region, to tell red from blue. */
static double
mean_v(const struct yuv *y)
{
	size_t n = (size_t)(y->w / 2) * (y->h / 2), i;
	const uint8_t *v = y->p + (size_t)y->w * y->h + n;
	double s = 0;

	for (i = 0; i < n; i++)
		s += v[i];
	return s / n;
}

TEST(crossfade_length)
{
	char src[512], out[512], buf[1200];
	long want[200], nf, i, mixed = 0, first = -1;
	struct yuv y[200];
	double red, blue;

	snprintf(src, sizeof(src), "%s/rb.mp4", tmpdir);
	snprintf(out, sizeof(out), "%s/rb-out.mp4", tmpdir);
	/* Red and a 1 kHz tone for 3 s, then blue and silence. */
	CHECK(sh("ffmpeg -v error -nostdin -y -f lavfi -i color=c=red:"
	    "s=64x48:r=25:d=3 -f lavfi -i color=c=blue:s=64x48:r=25:d=3 "
	    "-f lavfi -i \"aevalsrc=if(lt(t\\,3)\\,0.5*sin(2*PI*1000*t)"
	    "\\,0):s=48000:d=6\" -filter_complex '[0][1]concat=n=2[v]' "
	    "-map '[v]' -map 2:a -c:v libx264 -preset veryfast "
	    "-pix_fmt yuv420p -c:a aac -b:a 128k %s", src) == 0);
	CHECK(sh("printf '%%s\\n' '{\"type\":\"segment\",\"start\":0.5,"
	    "\"end\":2}' '{\"type\":\"segment\",\"start\":3.5,\"end\":5}' | "
	    "%s -c 0.6 -p veryfast -o %s %s > /dev/null", vcut, out, src) ==
	    0);
	snprintf(buf, sizeof(buf), "ffprobe -v error %s 2>&1", out);
	CHECK(sh_out(buf, sizeof(buf), buf) == 0);
	CHECK_STR(buf, "");
	for (i = 0; i < 200; i++)
		want[i] = i;
	memset(y, 0, sizeof(y));
	nf = grab(out, want, 200, y);
	/* 3 s of segments less round(0.6 * 25) frames of overlap */
	CHECK_INT(nf, 75 - 15);
	red = mean_v(&y[0]);
	blue = mean_v(&y[nf - 1]);
	CHECK(red > blue + 100);
	for (i = 0; i < nf; i++) {
		double v = mean_v(&y[i]), w = (red - v) / (red - blue);

		/* A frame more than 2 % of the way from one to the other. */
		if (w > 0.02 && w < 0.98) {
			if (first < 0)
				first = i;
			mixed++;
		}
		free(y[i].p);
	}
	fprintf(stderr, "  crossfade: %ld mixed frames from frame %ld\n",
	    mixed, first);
	CHECK_INT(mixed, 15);
	/* the last 15 of the first segment's round(37.5) = 38 frames */
	CHECK_INT(first, 38 - 15);

	/*
	 * The sound over the same 0.6 s, from 0.92 s: the tone at full
	 * level before, cos(pi / 4) of it half way, silence after; and the
	 * 20 ms fade in at the very start.
	 */
	{
		long n;
		float *a = audio(out, 48000, &n);
		double full, mid, after, start, end;

		CHECK(a != NULL);
		CHECK(fabs(n - 60 / 25.0 * 48000) < 2048);
		full = rms(a, n, 0.80);
		mid = rms(a, n, 0.92 + 0.30);
		after = rms(a, n, 0.92 + 0.60 + 0.05);
		start = rms(a, n, 0.005);
		end = rms(a, n, 0.92 - 0.02);
		fprintf(stderr, "  crossfade sound: RMS %.3f before, %.3f "
		    "half way, %.4f after; %.3f in the first 10 ms\n", full,
		    mid, after, start);
		CHECK(fabs(full - 0.5 / sqrt(2)) < 0.03);
		CHECK(fabs(end - full) < 0.03);
		CHECK(fabs(mid / full - cos(M_PI / 4)) < 0.05);
		CHECK(after < 0.01);
		CHECK(start < full / 2);
		free(a);
	}
}

int
main(void)
{
	struct harness h = { 0 };
	const char *bin = getenv("REEL_BIN");

	snprintf(tmpdir, sizeof(tmpdir), "%s/test_vcut.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(tmpdir) == NULL)
		return 70;
	snprintf(vcut, sizeof(vcut), "%s/vcut", bin ? bin : "bin");
	RUN(&h, plan_rounds_running_total);
	RUN(&h, plan_crossfades);
	RUN(&h, plan_order);
	RUN(&h, plan_rejects);
	RUN(&h, blend_weights);
	RUN(&h, media_seek_raw);
	RUN(&h, render_25);
	RUN(&h, render_23_976);
	RUN(&h, crossfade_length);
	sh("rm -rf %s", tmpdir);
	return HARNESS_END(&h);
}
