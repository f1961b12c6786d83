/*
 * Unit tests of vscenes' detector on synthetic frame sequences: one of
 * each boundary kind, and the traps (a flash, a strobe, a fast pan) that
 * must not be boundaries.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../cmd/vscenes/detect.h"
#include "harness.h"

struct got {
	struct det_scene s[32];
	int n;
};

static int
collect(const struct det_scene *s, void *arg)
{
	struct got *g = arg;

	if (g->n < 32)
		g->s[g->n++] = *s;
	return 0;
}

/* A picture: smooth colour pattern number p, shifted by dx sig pixels. */
static void
pattern(uint8_t *sig, int p, double dx)
{
	int x, y, k;

	for (y = 0; y < VSIG_H; y++)
		for (x = 0; x < VSIG_W; x++)
			for (k = 0; k < 3; k++) {
				double v = 128 + 90 * sin((x + dx) * (0.5 +
				    0.3 * p) + y * (0.7 - 0.2 * p) + k * (1 +
				    p) + p * 2.1);
				sig[(y * VSIG_W + x) * 3 + k] = (uint8_t)v;
			}
}

static void
mix(uint8_t *out, const uint8_t *a, const uint8_t *b, double al)
{
	int i;

	for (i = 0; i < VSIG_N; i++)
		out[i] = (uint8_t)lrint((1 - al) * a[i] + al * b[i]);
}

static void
push(struct det *d, long n, const uint8_t *sig)
{
	struct vfeat v;
	double s = 0, s2 = 0;
	int i;

	memset(&v, 0, sizeof(v));
	v.frame = n;
	v.pts = n;
	v.t = n / 25.0;
	memcpy(v.sig, sig, VSIG_N);
	v.has_sig = 1;
	for (i = 0; i < VSIG_N; i++) {
		s += sig[i];
		s2 += (double)sig[i] * sig[i];
	}
	v.luma = s / VSIG_N / 255;
	v.contrast = sqrt(fmax(0, s2 / VSIG_N - (s / VSIG_N) *
	    (s / VSIG_N))) / 255;
	det_frame(d, &v);
}

static struct det *
new(struct got *g)
{
	struct det_params p = DET_PARAMS_DEFAULT;

	g->n = 0;
	return det_new(&p, collect, g);
}

TEST(cut)
{
	struct got g;
	struct det *d = new(&g);
	uint8_t s[VSIG_N];
	long n;

	for (n = 0; n < 120; n++) {
		pattern(s, n < 60 ? 0 : 1, n * 0.05);
		push(d, n, s);
	}
	CHECK_INT(det_end(d), 0);
	det_free(d);
	CHECK_INT(g.n, 2);
	CHECK_INT(g.s[1].frame, 60);
	CHECK_INT(g.s[1].in, K_CUT);
	CHECK_INT(g.s[0].frame_end, 60);
	CHECK_INT(g.s[1].frame_end, 120);
}

TEST(flash_and_strobe_are_not_cuts)
{
	struct got g;
	struct det *d = new(&g);
	uint8_t s[VSIG_N];
	long n;
	int i;

	for (n = 0; n < 150; n++) {
		int lit = (n >= 40 && n < 43) ||
		    (n >= 90 && n < 106 && (n - 90) % 4 < 2);

		pattern(s, 0, n * 0.05);
		if (lit)
			for (i = 0; i < VSIG_N; i++)
				s[i] = (uint8_t)(s[i] + (255 - s[i]) * 3 / 4);
		push(d, n, s);
	}
	CHECK_INT(det_end(d), 0);
	det_free(d);
	CHECK_INT(g.n, 1);
}

TEST(fast_pan_is_not_a_cut)
{
	struct got g;
	struct det *d = new(&g);
	uint8_t s[VSIG_N];
	long n;
	double x = 0;

	for (n = 0; n < 120; n++) {
		x += n >= 50 && n < 65 ? 1.5 : 0.05;	/* a whip pan */
		pattern(s, 2, x);
		push(d, n, s);
	}
	CHECK_INT(det_end(d), 0);
	det_free(d);
	CHECK_INT(g.n, 1);
}

TEST(dissolve)
{
	struct got g;
	struct det *d = new(&g);
	uint8_t a[VSIG_N], b[VSIG_N], s[VSIG_N];
	long n;

	pattern(a, 0, 0);
	pattern(b, 1, 0);
	for (n = 0; n < 120; n++) {
		double al = n < 50 ? 0 : n >= 70 ? 1 : (n - 50) / 20.0;

		mix(s, a, b, al);
		push(d, n, s);
	}
	CHECK_INT(det_end(d), 0);
	det_free(d);
	CHECK_INT(g.n, 2);
	CHECK_INT(g.s[1].in, K_DISSOLVE);
	CHECK(g.s[1].frame >= 50 && g.s[1].frame <= 70);
	CHECK(g.s[1].in_f0 <= 55 && g.s[1].in_f1 >= 65);
}

TEST(fade_through_black)
{
	struct got g;
	struct det *d = new(&g);
	uint8_t a[VSIG_N], b[VSIG_N], black[VSIG_N], s[VSIG_N];
	long n;

	pattern(a, 0, 0);
	pattern(b, 3, 0);
	memset(black, 4, sizeof(black));
	for (n = 0; n < 130; n++) {
		if (n < 50)
			memcpy(s, a, VSIG_N);
		else if (n < 62)
			mix(s, a, black, (n - 49) / 12.0);
		else if (n < 66)
			memcpy(s, black, VSIG_N);
		else if (n < 78)
			mix(s, black, b, (n - 65) / 12.0);
		else
			memcpy(s, b, VSIG_N);
		push(d, n, s);
	}
	CHECK_INT(det_end(d), 0);
	det_free(d);
	CHECK_INT(g.n, 2);
	CHECK_INT(g.s[0].out, K_FADE);
	CHECK_INT(g.s[1].in, K_FADE);
	CHECK(g.s[1].frame >= 60 && g.s[1].frame <= 66);
}

TEST(wipe)
{
	struct got g;
	struct det *d = new(&g);
	uint8_t a[VSIG_N], b[VSIG_N], s[VSIG_N];
	long n;
	int x, y;

	pattern(a, 0, 0);
	pattern(b, 1, 0);
	for (n = 0; n < 120; n++) {
		int edge = n < 50 ? VSIG_W : n >= 66 ? 0 : VSIG_W - (n - 50);

		for (y = 0; y < VSIG_H; y++)
			for (x = 0; x < VSIG_W; x++)
				memcpy(s + (y * VSIG_W + x) * 3, (x < edge ? a :
				    b) + (y * VSIG_W + x) * 3, 3);
		push(d, n, s);
	}
	CHECK_INT(det_end(d), 0);
	det_free(d);
	CHECK_INT(g.n, 2);
	CHECK_INT(g.s[1].in, K_WIPE);
	CHECK(g.s[1].frame >= 48 && g.s[1].frame <= 68);
}

TEST(distances)
{
	uint8_t a[VSIG_N], b[VSIG_N];

	pattern(a, 0, 0);
	pattern(b, 0, 1);	/* the same, moved one sig pixel */
	CHECK(det_dist(a, b) > 0.05);
	CHECK(det_dist_mc(a, b) < 0.01);
	CHECK_NEAR(det_dist(a, a), 0, 1e-12);
	CHECK_STR(det_kind_name(K_FADE, 1), "fade-in");
	CHECK_STR(det_kind_name(K_FADE, 0), "fade-out");
}

/*
 * An exposure change is a gain and an offset: no distance left after them.
 * A dissolve's middle is a blend of its ends; a picture with an object
 * the ends do not have is not.
 */
TEST(exposure_and_blend)
{
	uint8_t a[VSIG_N], b[VSIG_N], f[VSIG_N];
	int i, x, y, k;

	pattern(a, 0, 0);
	for (i = 0; i < VSIG_N; i++)
		b[i] = (uint8_t)lrint(0.7 * a[i] + 10);
	CHECK(det_dist(a, b) > 0.1);
	CHECK(det_dist_affine_mc(a, b) < 0.01);
	pattern(b, 1, 0);
	CHECK(det_dist_affine_mc(a, b) > 0.1);
	mix(f, a, b, 0.5);
	CHECK(det_blend_residual(a, b, f) < 0.05);
	/* a grey scene getting darker, a bright box crossing it */
	memset(a, 140, VSIG_N);
	memset(b, 100, VSIG_N);
	memset(f, 120, VSIG_N);
	for (y = 3; y < 6; y++)
		for (k = 0; k < 3; k++) {
			for (x = 1; x < 4; x++)
				a[(y * VSIG_W + x) * 3 + k] = 250;
			for (x = 7; x < 10; x++)
				f[(y * VSIG_W + x) * 3 + k] = 250;
			for (x = 12; x < 15; x++)
				b[(y * VSIG_W + x) * 3 + k] = 250;
		}
	CHECK(det_blend_residual(a, b, f) > 0.5);
}

int
main(void)
{
	struct harness h = { 0 };

	RUN(&h, cut);
	RUN(&h, flash_and_strobe_are_not_cuts);
	RUN(&h, fast_pan_is_not_a_cut);
	RUN(&h, dissolve);
	RUN(&h, fade_through_black);
	RUN(&h, wipe);
	RUN(&h, distances);
	RUN(&h, exposure_and_blend);
	return HARNESS_END(&h);
}
