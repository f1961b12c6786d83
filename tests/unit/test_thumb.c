/*
 * Unit tests of the saliency crop (lib/img) and vthumb's scoring parts:
 * a bright object on a flat background must stay inside the crop for
 * every aspect ratio and every place of the object.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "img.h"
#include "../../cmd/vthumb/pick.h"

#define GW	128
#define GH	72

/* A flat grey frame with one bright square of side sz at (ox, oy). */
static void
scene(uint8_t *g, int ox, int oy, int sz)
{
	int x, y;

	memset(g, 60, GW * GH);
	for (y = oy; y < oy + sz; y++)
		for (x = ox; x < ox + sz; x++)
			g[y * GW + x] = 230;
}

TEST(crop_keeps_object)
{
	static const double aspects[] = { 16.0 / 9, 1, 9.0 / 16, 4.0 / 5,
	    21.0 / 9 };
	static const int pos[][2] = { { 4, 30 }, { 100, 10 }, { 60, 50 },
	    { 115, 60 }, { 0, 0 }, { 30, 5 } };
	uint8_t g[GW * GH];
	float sal[GW * GH];
	int W = 1280, H = 720, sz = 10;
	size_t a, p;

	for (p = 0; p < sizeof(pos) / sizeof(pos[0]); p++) {
		int ox = pos[p][0], oy = pos[p][1];

		if (ox + sz > GW)
			ox = GW - sz;
		if (oy + sz > GH)
			oy = GH - sz;
		scene(g, ox, oy, sz);
		CHECK(img_saliency(g, GW, GH, sal) == 0);
		for (a = 0; a < sizeof(aspects) / sizeof(aspects[0]); a++) {
			int x, y, cw, ch;
			/* The object in picture pixels. */
			int X0 = ox * W / GW, X1 = (ox + sz) * W / GW;
			int Y0 = oy * H / GH, Y1 = (oy + sz) * H / GH;

			img_salient_crop(sal, GW, GH, W, H, aspects[a], &x, &y,
			    &cw, &ch);
			CHECK(x >= 0 && y >= 0 && x + cw <= W && y + ch <= H);
			CHECK(fabs((double)cw / ch - aspects[a]) < 0.02);
			CHECK(x <= X0 && X1 <= x + cw);
			CHECK(y <= Y0 && Y1 <= y + ch);
		}
	}
}

TEST(saliency_peaks_on_object)
{
	uint8_t g[GW * GH];
	float sal[GW * GH];
	double in = 0, out = 0;
	int x, y, nin = 0, nout = 0;
	unsigned seed = 1;
	double focus;

	scene(g, 90, 20, 12);
	CHECK(img_saliency(g, GW, GH, sal) == 0);
	for (y = 0; y < GH; y++)
		for (x = 0; x < GW; x++)
			if (x >= 86 && x < 106 && y >= 16 && y < 36)
				in += sal[y * GW + x], nin++;
			else
				out += sal[y * GW + x], nout++;
	CHECK(in / nin > 4 * (out / nout));
	focus = img_saliency_focus(sal, GW, GH);
	/* Texture all over (an LCG's noise) has no subject to focus on. */
	for (x = 0; x < GW * GH; x++) {
		seed = seed * 1103515245u + 12345u;
		g[x] = (uint8_t)(seed >> 24);
	}
	CHECK(img_saliency(g, GW, GH, sal) == 0);
	CHECK(focus > img_saliency_focus(sal, GW, GH) + 0.05);
}

TEST(flat_frame_is_rejected)
{
	struct tcand c;
	uint8_t g[GW * GH], rgb[32 * 18 * 3];

	memset(&c, 0, sizeof(c));
	memset(g, 5, sizeof(g));
	memset(rgb, 5, sizeof(rgb));
	tcand_measure(&c, g, GW, GH, rgb, 32, 18);
	tcand_score(&c, 0.05);
	CHECK(c.reject != NULL && strcmp(c.reject, "black") == 0);
}

TEST(flash_in_window_is_rejected)
{
	struct tcand w[50];
	int i;

	memset(w, 0, sizeof(w));
	for (i = 0; i < 50; i++) {
		w[i].luma = 0.4;
		w[i].t = i / 25.0;
	}
	w[30].luma = w[31].luma = 0.9;
	tcand_window(w, 50, 25);
	CHECK(w[30].reject != NULL && w[20].reject != NULL);
	CHECK(w[2].reject == NULL);
}

int
main(void)
{
	struct harness h = { 0 };

	RUN(&h, crop_keeps_object);
	RUN(&h, saliency_peaks_on_object);
	RUN(&h, flat_frame_is_rejected);
	RUN(&h, flash_in_window_is_rejected);
	return HARNESS_END(&h);
}
