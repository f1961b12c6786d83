/*
 * sheet: the contact sheet.  Each scene is decoded at its middle frame
 * straight to tile size (the seek lands on the keyframe before it), so
 * the sheet costs one short decode per scene.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic.h"
#include "cli.h"
#include "media.h"
#include "sheet.h"

/* A 3 x 5 pixel font for time stamps: rows top down, 3 bits each. */
static const uint8_t glyphs[12][5] = {
	{ 7, 5, 5, 5, 7 }, { 2, 6, 2, 2, 7 }, { 7, 1, 7, 4, 7 },
	{ 7, 1, 7, 1, 7 }, { 5, 5, 7, 1, 1 }, { 7, 4, 7, 1, 7 },
	{ 7, 4, 7, 5, 7 }, { 7, 1, 1, 2, 2 }, { 7, 5, 7, 5, 7 },
	{ 7, 5, 7, 1, 7 }, { 0, 2, 0, 2, 0 }, { 0, 0, 0, 0, 2 }
};

static void
fill(uint8_t *rgb, int w, int h, int x0, int y0, int x1, int y1, int v)
{
	int x, y;

	for (y = y0 < 0 ? 0 : y0; y < y1 && y < h; y++)
		for (x = x0 < 0 ? 0 : x0; x < x1 && x < w; x++)
			memset(rgb + ((size_t)y * w + x) * 3, v, 3);
}

void
sheet_text(uint8_t *rgb, int w, int h, int x, int y, int s, const char *text)
{
	size_t i, n = strlen(text);
	int r, b;

	fill(rgb, w, h, x - s, y - s, x + (int)n * 4 * s, y + 6 * s, 0);
	for (i = 0; i < n; i++) {
		int g = text[i] == ':' ? 10 : text[i] == '.' ? 11 :
		    text[i] >= '0' && text[i] <= '9' ? text[i] - '0' : -1;

		if (g < 0)
			continue;
		for (r = 0; r < 5; r++)
			for (b = 0; b < 3; b++)
				if (glyphs[g][r] & (4 >> b))
					fill(rgb, w, h, x + ((int)i * 4 + b) *
					    s, y + r * s, x + ((int)i * 4 + b +
					    1) * s, y + (r + 1) * s, 255);
	}
}

int
sheet_write(const char *out, const char *path, const struct media_info *mi,
    const struct tscene *sc, int nsc, int threads, int quality)
{
	int tw = SHEET_TILE_W, th, cols, rows, W, H, i, r, rv = 0, gap = 4;
	uint8_t *sheet;
	struct rerr e = { 0 };
	struct atomic_file *af;

	th = (int)lrint((double)tw * mi->gh / mi->gw / 2) * 2;
	cols = nsc < SHEET_COLS ? nsc : SHEET_COLS;
	rows = (nsc + cols - 1) / cols;
	W = (cols * (tw + gap) + gap + 1) & ~1;
	H = (rows * (th + gap) + gap + 1) & ~1;
	if ((sheet = calloc((size_t)W * H, 3)) == NULL) {
		cli_warn("out of memory");
		return EX_SOFTWARE;
	}
	for (i = 0; i < nsc && rv == 0; i++) {
		struct media_opts mo = MEDIA_OPTS_DEFAULT;
		struct media *m;
		struct media_frame f;
		int x0 = gap + (i % cols) * (tw + gap);
		int y0 = gap + (i / cols) * (th + gap), y;
		double t = (sc[i].start + sc[i].end) / 2;
		char ts[32];

		mo.threads = threads;
		mo.start = t;
		mo.gw = tw;
		mo.cw = tw;
		mo.ch = th;
		mo.max_errors = 1000;
		if ((m = media_open(path, &mo, &e)) == NULL) {
			rv = cli_report(&e);
			break;
		}
		while ((r = media_next(m, &f, &e)) == 1 &&
		    f.kind != MEDIA_VIDEO)
			;
		if (r == 1)
			for (y = 0; y < th; y++)
				memcpy(sheet + ((size_t)(y0 + y) * W + x0) * 3,
				    f.rgb + (size_t)y * tw * 3,
				    (size_t)tw * 3);
		else if (r < 0)
			rv = cli_report(&e);
		media_close(m);
		snprintf(ts, sizeof(ts), "%d:%04.1f", (int)(sc[i].start / 60),
		    fmod(sc[i].start, 60));
		sheet_text(sheet, W, H, x0 + 4, y0 + th - 14, 2, ts);
	}
	if (rv == 0) {
		if ((af = atomic_open(out, &e)) == NULL)
			rv = cli_report(&e);
		else if ((rv = media_encode_image(atomic_fp(af), sheet, W, H,
		    MEDIA_IMG_JPEG, quality, &e)) != 0) {
			atomic_abort(af);
			snprintf(e.file, sizeof(e.file), "%s", out);
			cli_report(&e);
		} else if ((rv = atomic_commit(af, &e)) != 0)
			cli_report(&e);
	}
	free(sheet);
	return rv;
}
