/*
 * Unit tests of lib/img and lib/audio: statistics, hash, distances and
 * motion on synthetic pictures; levels, loudness and onsets on synthetic
 * signals.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audio.h"
#include "harness.h"
#include "img.h"

#define W 128
#define H 72

/* A smooth random-looking texture, shifted by dx pixels. */
static void
texture(uint8_t *g, int dx, int bright)
{
	int x, y;

	for (y = 0; y < H; y++)
		for (x = 0; x < W; x++) {
			double v = 128 + 50 * sin((x + dx) * 0.31) *
			    cos(y * 0.23) + 40 * sin((x + dx + y) * 0.11);
			v += bright;
			g[y * W + x] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
		}
}

TEST(flat_picture)
{
	static uint8_t g[W * H], rgb[W * H * 3];
	double m, sd;

	memset(g, 51, sizeof(g));
	memset(rgb, 90, sizeof(rgb));
	img_mean_std(g, W, H, &m, &sd);
	CHECK_NEAR(m, 0.2, 1e-9);
	CHECK_NEAR(sd, 0, 1e-9);
	CHECK_NEAR(img_sharpness(g, W, H), 0, 1e-12);
	CHECK_NEAR(img_colourfulness(rgb, W, H), 0, 1e-9);
}

TEST(colourfulness_orders)
{
	static uint8_t dull[32 * 18 * 3], vivid[32 * 18 * 3];
	int i;

	for (i = 0; i < 32 * 18; i++) {
		dull[3 * i] = 120 + i % 7;
		dull[3 * i + 1] = 118;
		dull[3 * i + 2] = 115;
		vivid[3 * i] = i % 2 ? 250 : 10;
		vivid[3 * i + 1] = i % 3 ? 20 : 230;
		vivid[3 * i + 2] = i % 5 ? 30 : 240;
	}
	CHECK(img_colourfulness(vivid, 32, 18) > 80);
	CHECK(img_colourfulness(dull, 32, 18) < 10);
}

TEST(phash_is_robust_to_brightness)
{
	static uint8_t a[W * H], b[W * H], c[W * H];
	int i;

	texture(a, 0, 0);
	texture(b, 0, 30);		/* brighter */
	for (i = 0; i < W * H; i++)	/* something else entirely */
		c[i] = (uint8_t)((i / W) * 3 + (i % W > 64 ? 60 : 0));
	CHECK(img_hamming(img_phash(a, W, H), img_phash(b, W, H)) <= 4);
	CHECK(img_hamming(img_phash(a, W, H), img_phash(c, W, H)) >= 16);
	CHECK_INT(img_hamming(0, ~(uint64_t)0), 64);
}

TEST(differences)
{
	static uint8_t a[W * H], b[W * H], rgb1[300], rgb2[300];
	float h1[3 * IMG_HBINS], h2[3 * IMG_HBINS];

	memset(a, 0, sizeof(a));
	memset(b, 255, sizeof(b));
	CHECK_NEAR(img_absdiff(a, b, W * H), 1, 1e-12);
	CHECK_NEAR(img_absdiff(a, a, W * H), 0, 1e-12);
	memset(rgb1, 0, sizeof(rgb1));
	memset(rgb2, 255, sizeof(rgb2));
	img_hist(rgb1, 10, 10, h1);
	img_hist(rgb2, 10, 10, h2);
	CHECK_NEAR(img_histdist(h1, h2), 1, 1e-6);
	CHECK_NEAR(img_histdist(h1, h1), 0, 1e-12);
}

TEST(motion_sees_a_pan)
{
	static uint8_t a[W * H], b[W * H];
	double m;

	texture(a, 0, 0);
	texture(b, 0, 0);
	CHECK_NEAR(img_motion(a, b, W, H), 0, 1e-12);
	/* 4 px at full size: 2 px on the halved image */
	texture(b, 4, 0);
	m = img_motion(a, b, W, H);
	CHECK_NEAR(m, 2.0 / (W / 2), 0.01);
}

TEST(box_and_base64)
{
	uint8_t src[4 * 4], dst[4], back[16];
	char b64[32];
	int i;

	for (i = 0; i < 16; i++)
		src[i] = (uint8_t)(i < 8 ? 10 : 30);
	img_box(src, 4, 4, 1, dst, 2, 2);
	CHECK_INT(dst[0], 10);
	CHECK_INT(dst[3], 30);
	img_b64((const uint8_t *)"reel!", 5, b64);
	CHECK_STR(b64, "cmVlbCE=");
	CHECK_INT(img_unb64(b64, back, sizeof(back)), 5);
	CHECK(memcmp(back, "reel!", 5) == 0);
	CHECK_INT(img_unb64("a*b", back, sizeof(back)), -1);
}

/* --- audio ------------------------------------------------------------ */

struct wins {
	struct au_win w[200];
	int n;
};

static int
collect(const struct au_win *w, void *arg)
{
	struct wins *ws = arg;

	if (ws->n < 200)
		ws->w[ws->n++] = *w;
	return 0;
}

TEST(audio_levels)
{
	static float x[48000];
	struct wins ws = { .n = 0 };
	struct rerr e = { 0 };
	struct au *a = au_open(16000, 0.1, 0, collect, &ws, &e);
	int i;

	CHECK(a != NULL);
	for (i = 0; i < 48000; i++)	/* 1 kHz at half scale, 3 s */
		x[i] = 0.5f * (float)sin(2 * M_PI * 1000 * i / 16000.0);
	CHECK_INT(au_push(a, x, 20000, 0.0), 0);
	CHECK_INT(au_push(a, x + 20000, 28000, 99), 0);
	CHECK_INT(au_flush(a), 0);
	au_close(a);
	CHECK_INT(ws.n, 30);
	CHECK_NEAR(ws.w[29].t, 2.9, 1e-9);
	CHECK_NEAR(ws.w[10].rms, 20 * log10(0.5 / sqrt(2)), 0.05);
	CHECK_NEAR(ws.w[10].peak, 20 * log10(0.5), 0.05);
	/* a 1 kHz sine at -9 dBFS RMS reads about -9 LUFS (K-weighting ~0) */
	CHECK_NEAR(ws.w[29].lufs_s, -9.0, 1.0);
	CHECK_NEAR(ws.w[29].lufs_m, -9.0, 1.0);
}

/*
 * BS.1770-4's calibration: a 997 Hz sine at 0 dBFS in one channel reads
 * -3.01 LUFS (libebur128 reads the same at every rate); and the silence after it reads as
 * silence, however loud it was.
 */
TEST(audio_loudness_calibration)
{
	static const int rates[] = { 48000, 22050, 16000 };
	static float x[48000 * 4];
	int r;

	for (r = 0; r < 3; r++) {
		struct wins ws = { .n = 0 };
		struct rerr e = { 0 };
		int rate = rates[r], i, n = 4 * rate;
		double tol;
		struct au *a = au_open(rate, 0.1, AU_NOSPECTRUM, collect, &ws,
		    &e);

		CHECK(a != NULL);
		for (i = 0; i < n; i++)
			x[i] = (float)sin(2 * M_PI * 997 * i / rate);
		CHECK_INT(au_push(a, x, n, 0.0), 0);
		memset(x, 0, sizeof(x));
		CHECK_INT(au_push(a, x, n, 0.0), 0);
		au_close(a);
		CHECK_INT(ws.n, 80);
		/* below 48 kHz the bilinear design bends the shelf a little */
		tol = rate == 48000 ? 0.005 : 0.05;
		CHECK_NEAR(ws.w[35].lufs_m, -3.01, tol);
		CHECK_NEAR(ws.w[35].lufs_s, -3.01, tol);
		CHECK_NEAR(ws.w[79].lufs_m, -120, 1e-9);
		CHECK_NEAR(ws.w[79].lufs_s, -120, 1e-9);
	}
}

TEST(audio_silence_and_onset)
{
	static float x[32000];
	struct wins ws = { .n = 0 };
	struct rerr e = { 0 };
	struct au *a = au_open(16000, 0.1, 0, collect, &ws, &e);
	int i, loud = -1;
	double best = 0;

	CHECK(a != NULL);
	for (i = 16000; i < 32000; i++)	/* silence, then noise bursts */
		x[i] = (float)((rand() % 2001 - 1000) / 2000.0);
	CHECK_INT(au_push(a, x, 32000, 0.0), 0);
	au_close(a);
	CHECK_INT(ws.n, 20);
	CHECK_NEAR(ws.w[3].rms, -120, 1e-9);
	CHECK_NEAR(ws.w[3].lufs_m, -120, 1e-9);
	for (i = 0; i < ws.n; i++)
		if (ws.w[i].onset > best) {
			best = ws.w[i].onset;
			loud = i;
		}
	CHECK(loud == 10 || loud == 11);	/* the noise starts at 1.0 s */
}

int
main(void)
{
	struct harness h = { 0 };

	RUN(&h, flat_picture);
	RUN(&h, colourfulness_orders);
	RUN(&h, phash_is_robust_to_brightness);
	RUN(&h, differences);
	RUN(&h, motion_sees_a_pan);
	RUN(&h, box_and_base64);
	RUN(&h, audio_levels);
	RUN(&h, audio_loudness_calibration);
	RUN(&h, audio_silence_and_onset);
	return HARNESS_END(&h);
}
