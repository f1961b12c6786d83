/*
 * img: statistics, hashes and distances of small analysis images.  See
 * img.h for the contract.  Everything is integer or double arithmetic on
 * at most a few thousand pixels per call: cheap next to a decode.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <fftw3.h>

#include "img.h"
#include "sort.h"

void
img_mean_std(const uint8_t *g, int w, int h, double *mean, double *sd)
{
	size_t i, n = (size_t)w * h;
	uint64_t s = 0, s2 = 0;
	double m, v;

	for (i = 0; i < n; i++) {
		s += g[i];
		s2 += (uint32_t)g[i] * g[i];
	}
	m = (double)s / n;
	v = (double)s2 / n - m * m;
	*mean = m / 255;
	*sd = v > 0 ? sqrt(v) / 255 : 0;
}

double
img_sharpness(const uint8_t *g, int w, int h)
{
	uint64_t s = 0;
	int x, y;

	if (w < 3 || h < 3)
		return 0;
	for (y = 1; y < h - 1; y++) {
		const uint8_t *r = g + (size_t)y * w;

		for (x = 1; x < w - 1; x++) {
			int l = 4 * r[x] - r[x - 1] - r[x + 1] - r[x - w] -
			    r[x + w];

			s += (uint32_t)abs(l);
		}
	}
	return (double)s / ((double)(w - 2) * (h - 2)) / 255;
}

double
img_colourfulness(const uint8_t *rgb, int w, int h)
{
	size_t i, n = (size_t)w * h;
	double srg = 0, srg2 = 0, syb = 0, syb2 = 0, mrg, myb, vrg, vyb;

	for (i = 0; i < n; i++) {
		double r = rgb[3 * i], g = rgb[3 * i + 1], b = rgb[3 * i + 2];
		double rg = r - g, yb = 0.5 * (r + g) - b;

		srg += rg;
		srg2 += rg * rg;
		syb += yb;
		syb2 += yb * yb;
	}
	mrg = srg / n;
	myb = syb / n;
	vrg = srg2 / n - mrg * mrg;
	vyb = syb2 / n - myb * myb;
	return sqrt((vrg > 0 ? vrg : 0) + (vyb > 0 ? vyb : 0)) +
	    0.3 * sqrt(mrg * mrg + myb * myb);
}

void
img_box(const uint8_t *src, int w, int h, int c, uint8_t *dst, int dw, int dh)
{
	int x, y, k, sx, sy;

	/* the common case, halving */
	if (c == 1 && dw * 2 == w && dh * 2 == h) {
		for (y = 0; y < dh; y++) {
			const uint8_t *p = src + (size_t)2 * y * w, *q = p + w;

			for (x = 0; x < dw; x++)
				dst[y * dw + x] = (uint8_t)((p[2 * x] +
				    p[2 * x + 1] + q[2 * x] + q[2 * x + 1] +
				    2) >> 2);
		}
		return;
	}
	for (y = 0; y < dh; y++) {
		int y0 = (int)((long)y * h / dh), y1 = (int)((long)(y + 1) * h /
		    dh);

		if (y1 <= y0)
			y1 = y0 + 1;
		for (x = 0; x < dw; x++) {
			int x0 = (int)((long)x * w / dw),
			    x1 = (int)((long)(x + 1) * w / dw);

			if (x1 <= x0)
				x1 = x0 + 1;
			for (k = 0; k < c; k++) {
				unsigned s = 0, n = 0;

				for (sy = y0; sy < y1; sy++)
					for (sx = x0; sx < x1; sx++) {
						s += src[((size_t)sy * w +
						    sx) * c + k];
						n++;
					}
				dst[((size_t)y * dw + x) * c + k] =
				    (uint8_t)((s + n / 2) / n);
			}
		}
	}
}

uint64_t
img_phash(const uint8_t *g, int w, int h)
{
	static const double pi = 3.14159265358979323846;
	uint8_t s[32 * 32];
	double row[32][8], c[64], sorted[63], med, cs[8][32];
	uint64_t bits = 0;
	int u, v, x, y;

	img_box(g, w, h, 1, s, 32, 32);
	for (u = 0; u < 8; u++)
		for (x = 0; x < 32; x++)
			cs[u][x] = cos((2 * x + 1) * u * pi / 64);
	/* Separable DCT-II, only the 8 lowest frequencies each way. */
	for (y = 0; y < 32; y++)
		for (u = 0; u < 8; u++) {
			double a = 0;

			for (x = 0; x < 32; x++)
				a += s[y * 32 + x] * cs[u][x];
			row[y][u] = a;
		}
	for (v = 0; v < 8; v++)
		for (u = 0; u < 8; u++) {
			double a = 0;

			for (y = 0; y < 32; y++)
				a += row[y][u] * cs[v][y];
			c[v * 8 + u] = a;
		}
	memcpy(sorted, c + 1, sizeof(sorted));
	qsort(sorted, 63, sizeof(double), sort_cmp_double);
	med = sorted[31];
	for (u = 1; u < 64; u++)
		if (c[u] > med)
			bits |= (uint64_t)1 << (u - 1);
	return bits;
}

int
img_hamming(uint64_t a, uint64_t b)
{
	return __builtin_popcountll(a ^ b);
}

double
img_absdiff(const uint8_t *a, const uint8_t *b, size_t n)
{
	uint64_t s = 0;
	size_t i;

	for (i = 0; i < n; i++)
		s += (uint32_t)abs(a[i] - b[i]);
	return n ? (double)s / n / 255 : 0;
}

void
img_hist(const uint8_t *rgb, int w, int h, float hist[3 * IMG_HBINS])
{
	unsigned cnt[3 * IMG_HBINS] = { 0 };
	size_t i, n = (size_t)w * h;
	int k;

	for (i = 0; i < n; i++)
		for (k = 0; k < 3; k++)
			cnt[k * IMG_HBINS + rgb[3 * i + k] * IMG_HBINS / 256]++;
	for (k = 0; k < 3 * IMG_HBINS; k++)
		hist[k] = n ? (float)cnt[k] / n : 0;
}

double
img_histdist(const float *a, const float *b)
{
	double s = 0;
	int k;

	for (k = 0; k < 3 * IMG_HBINS; k++)
		s += fabs((double)a[k] - b[k]);
	return s / 6;
}

/* Sum of absolute differences of an 8 x 8 block at two places. */
static unsigned
sad8(const uint8_t *a, const uint8_t *b, int stride)
{
	unsigned s = 0;
	int x, y;

	for (y = 0; y < 8; y++, a += stride, b += stride)
		for (x = 0; x < 8; x++)
			s += (unsigned)abs(a[x] - b[x]);
	return s;
}

double
img_motion(const uint8_t *prev, const uint8_t *cur, int w, int h)
{
	enum { R = 4, MAXW = 256, MAXH = 256 };
	uint8_t p[MAXW * MAXH], c[MAXW * MAXH];
	int hw = w / 2, hh = h / 2, bx, by, dx, dy, nb = 0;
	double sum = 0;

	if (hw > MAXW)
		hw = MAXW;
	if (hh > MAXH)
		hh = MAXH;
	if (hw < 8 + 2 * R || hh < 8 + 2 * R)
		return 0;
	img_box(prev, w, h, 1, p, hw, hh);
	img_box(cur, w, h, 1, c, hw, hh);
	for (by = R; by + 8 + R <= hh; by += 8)
		for (bx = R; bx + 8 + R <= hw; bx += 8) {
			const uint8_t *cb = c + by * hw + bx;
			unsigned best, zero, s;
			int bdx = 0, bdy = 0, lo = 255, hi = 0, x, y;

			for (y = 0; y < 8; y++)
				for (x = 0; x < 8; x++) {
					int v = cb[y * hw + x];
					lo = v < lo ? v : lo;
					hi = v > hi ? v : hi;
				}
			nb++;
			if (hi - lo < 12)
				continue;	/* flat: motion unobservable */
			zero = best = sad8(cb, p + by * hw + bx, hw);
			for (dy = -R; dy <= R; dy++)
				for (dx = -R; dx <= R; dx++) {
					if (dx == 0 && dy == 0)
						continue;
					s = sad8(cb, p + (by + dy) * hw + bx +
					    dx, hw);
					if (s < best) {
						best = s;
						bdx = dx;
						bdy = dy;
					}
				}
			/* Prefer no motion unless a shift is clearly better. */
			if (best * 10 >= zero * 9)
				continue;
			sum += sqrt((double)(bdx * bdx + bdy * bdy));
		}
	return nb ? sum / nb / hw : 0;
}

static const char b64c[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void
img_b64(const uint8_t *in, size_t n, char *out)
{
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | in[i + 1] << 8 | in[i + 2];

		*out++ = b64c[v >> 18];
		*out++ = b64c[(v >> 12) & 63];
		*out++ = b64c[(v >> 6) & 63];
		*out++ = b64c[v & 63];
	}
	if (i < n) {
		uint32_t v = (uint32_t)in[i] << 16 |
		    (i + 1 < n ? in[i + 1] << 8 : 0);

		*out++ = b64c[v >> 18];
		*out++ = b64c[(v >> 12) & 63];
		*out++ = i + 1 < n ? b64c[(v >> 6) & 63] : '=';
		*out++ = '=';
	}
	*out = '\0';
}

long
img_unb64(const char *in, uint8_t *out, size_t cap)
{
	uint32_t v = 0;
	size_t n = 0;
	int bits = 0;
	const char *p;

	for (; *in != '\0' && *in != '='; in++) {
		if ((p = strchr(b64c, *in)) == NULL)
			return -1;
		v = v << 6 | (uint32_t)(p - b64c);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n >= cap)
				return -1;
			out[n++] = (uint8_t)(v >> bits);
		}
	}
	return (long)n;
}

/* --- saliency and salient crops ---------------------------------------- */


/* Separable mean filter of radius r over a w x h float map, in place. */
static void
blur_box(float *m, float *tmp, int w, int h, int r)
{
	int x, y, k;

	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++) {
			double s = 0;
			int n = 0;

			for (k = -r; k <= r; k++)
				if (x + k >= 0 && x + k < w) {
					s += m[y * w + x + k];
					n++;
				}
			tmp[y * w + x] = (float)(s / n);
		}
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++) {
			double s = 0;
			int n = 0;

			for (k = -r; k <= r; k++)
				if (y + k >= 0 && y + k < h) {
					s += tmp[(y + k) * w + x];
					n++;
				}
			m[y * w + x] = (float)(s / n);
		}
}

/*
 * For output position i of n, resampled from a source of sn samples
 * (centres aligned): sets the two source taps, clamped to the edges, and
 * returns the weight of the second.
 */
static double
bilinear_tap(int i, int n, int sn, int *i0, int *i1)
{
	double f = (i + 0.5) * sn / n - 0.5;
	int a = (int)floor(f);
	double w = f - a;

	*i0 = a < 0 ? 0 : a > sn - 1 ? sn - 1 : a;
	*i1 = a + 1 > sn - 1 ? sn - 1 : a + 1;
	return w;
}

int
img_saliency(const uint8_t *g, int w, int h, float *sal)
{
	int sw = w < IMG_SAL_W ? w : IMG_SAL_W;
	int sh = (int)lrint((double)h * sw / w);
	int x, y, i, n, rv = -1;
	uint8_t *small = NULL;
	double *la = NULL, *lab = NULL;
	fftw_complex *buf = NULL;
	fftw_plan fwd = NULL, inv = NULL;
	float *map = NULL, *tmp = NULL, *cm = NULL;
	double mx, mean;

	if (sh < 4)
		sh = 4;
	n = sw * sh;
	small = malloc((size_t)n);
	buf = fftw_malloc(sizeof(fftw_complex) * n);
	la = malloc(sizeof(double) * n);
	lab = malloc(sizeof(double) * n);
	map = malloc(sizeof(float) * n);
	tmp = malloc(sizeof(float) * n);
	cm = malloc(sizeof(float) * n);
	if (cm == NULL || small == NULL || buf == NULL || la == NULL || lab == NULL ||
	    map == NULL || tmp == NULL)
		goto out;
	/*
	 * A complex transform of the whole spectrum, so that the 3 x 3 mean
	 * can wrap in both directions and the result stays the transform of
	 * a real picture.  Plans are made with FFTW_ESTIMATE before the data
	 * is filled in: measuring would overwrite it and cost more than the
	 * transform of a 64-pixel picture.
	 */
	fwd = fftw_plan_dft_2d(sh, sw, buf, buf, FFTW_FORWARD, FFTW_ESTIMATE);
	inv = fftw_plan_dft_2d(sh, sw, buf, buf, FFTW_BACKWARD,
	    FFTW_ESTIMATE);
	if (fwd == NULL || inv == NULL)
		goto out;
	img_box(g, w, h, 1, small, sw, sh);
	for (i = 0; i < n; i++) {
		buf[i][0] = small[i] / 255.0;
		buf[i][1] = 0;
	}
	fftw_execute(fwd);
	for (i = 0; i < n; i++)
		la[i] = log(1e-9 + hypot(buf[i][0], buf[i][1]));
	for (y = 0; y < sh; y++)
		for (x = 0; x < sw; x++) {
			double s = 0;
			int dx, dy;

			for (dy = -1; dy <= 1; dy++)
				for (dx = -1; dx <= 1; dx++)
					s += la[((y + dy + sh) % sh) * sw +
					    (x + dx + sw) % sw];
			lab[y * sw + x] = s / 9;
		}
	/* exp(residual + i phase): scale each coefficient to that amplitude. */
	for (i = 0; i < n; i++) {
		double a = hypot(buf[i][0], buf[i][1]);
		double r = exp(la[i] - lab[i]);

		if (a > 1e-12) {
			buf[i][0] *= r / a;
			buf[i][1] *= r / a;
		} else
			buf[i][0] = r, buf[i][1] = 0;
	}
	fftw_execute(inv);
	for (i = 0; i < n; i++)
		map[i] = (float)(buf[i][0] * buf[i][0] + buf[i][1] * buf[i][1]);
	/* Hou and Zhang blur with a Gaussian; two box passes come close. */
	blur_box(map, tmp, sw, sh, sw / 32 + 1);
	blur_box(map, tmp, sw, sh, sw / 32 + 1);
	/*
	 * The residual alone rings on sharp-edged synthetic shapes (it
	 * answers at offsets of the object as well as on it), so it is
	 * weighted by a global-contrast map, each pixel's distance from the
	 * mean grey level blurred the same way: their product keeps what
	 * both see.
	 */
	mean = 0;
	for (i = 0; i < n; i++)
		mean += small[i];
	mean /= n;
	for (i = 0; i < n; i++)
		cm[i] = (float)fabs(small[i] - mean);
	blur_box(cm, tmp, sw, sh, sw / 32 + 1);
	blur_box(cm, tmp, sw, sh, sw / 32 + 1);
	mx = 0;
	for (i = 0; i < n; i++) {
		map[i] *= cm[i];
		if (map[i] > mx)
			mx = map[i];
	}
	for (i = 0; i < n; i++)
		map[i] = mx > 0 ? (float)(map[i] / mx) : 0;
	/* Bilinear back to w x h. */
	for (y = 0; y < h; y++) {
		int y0, y1;
		double ay = bilinear_tap(y, h, sh, &y0, &y1);
		for (x = 0; x < w; x++) {
			int x0, x1;
			double ax = bilinear_tap(x, w, sw, &x0, &x1);
			sal[(size_t)y * w + x] = (float)(
			    (1 - ay) * ((1 - ax) * map[y0 * sw + x0] +
			    ax * map[y0 * sw + x1]) +
			    ay * ((1 - ax) * map[y1 * sw + x0] +
			    ax * map[y1 * sw + x1]));
		}
	}
	rv = 0;
out:
	if (fwd != NULL)
		fftw_destroy_plan(fwd);
	if (inv != NULL)
		fftw_destroy_plan(inv);
	fftw_free(buf);
	free(small);
	free(la);
	free(lab);
	free(map);
	free(tmp);
	free(cm);
	return rv;
}

/*
 * The start (in 0..len - win) of the window of win cells over the n-cell
 * profile p, scaled to len picture pixels, that holds the greatest sum;
 * ties to the centre.
 */
static int
best_window(const double *p, int n, int len, int win)
{
	double best = -1, s;
	int i, pos, bestpos = (len - win) / 2, steps = len - win;
	double cdist = 1e300;

	if (steps <= 0)
		return 0;
	/* Step in picture pixels, at most 256 positions. */
	for (i = 0; i <= 256; i++) {
		double a, b;
		int k, ka, kb;

		pos = (int)((long)steps * i / 256);
		a = (double)pos * n / len;
		b = (double)(pos + win) * n / len;
		ka = (int)floor(a);
		kb = (int)ceil(b);
		s = 0;
		for (k = ka; k < kb && k < n; k++) {
			double lo = k < a ? a : k, hi = k + 1 > b ? b : k + 1;

			if (hi > lo)
				s += p[k] * (hi - lo);
		}
		if (s > best + 1e-9 || (fabs(s - best) <= 1e-9 &&
		    fabs(pos - steps / 2.0) < cdist)) {
			best = s;
			bestpos = pos;
			cdist = fabs(pos - steps / 2.0);
		}
	}
	return bestpos;
}

void
img_salient_crop(const float *sal, int w, int h, int W, int H,
    double aspect, int *x, int *y, int *cw, int *ch)
{
	double *p;
	int i, j;

	if ((double)W / H > aspect) {
		*ch = H & ~1;
		*cw = (int)((*ch) * aspect) & ~1;
	} else {
		*cw = W & ~1;
		*ch = (int)((*cw) / aspect) & ~1;
	}
	if (*cw < 2)
		*cw = 2;
	if (*ch < 2)
		*ch = 2;
	*x = (W - *cw) / 2 & ~1;
	*y = (H - *ch) / 2 & ~1;
	if ((p = calloc((size_t)(w > h ? w : h), sizeof(double))) == NULL)
		return;	/* the centre crop is a fine fallback */
	if (*cw < W - 1) {
		for (i = 0; i < w; i++)
			for (j = 0; j < h; j++)
				p[i] += sal[(size_t)j * w + i];
		*x = best_window(p, w, W, *cw) & ~1;
	} else if (*ch < H - 1) {
		for (j = 0; j < h; j++)
			for (i = 0; i < w; i++)
				p[j] += sal[(size_t)j * w + i];
		*y = best_window(p, h, H, *ch) & ~1;
	}
	free(p);
}

double
img_saliency_focus(const float *sal, int w, int h)
{
	size_t n = (size_t)w * h, i, k = n / 10 > 0 ? n / 10 : 1;
	float *s;
	double top = 0, all = 0, share;

	if (n == 0 || (s = malloc(n * sizeof(float))) == NULL)
		return 0;
	memcpy(s, sal, n * sizeof(float));
	qsort(s, n, sizeof(float), sort_cmp_float_desc);
	for (i = 0; i < n; i++) {
		all += s[i];
		if (i < k)
			top += s[i];
	}
	free(s);
	if (all <= 0)
		return 0;
	share = top / all;
	/* An even map holds a tenth in its top tenth. */
	share = (share - 0.1) / 0.9;
	return share < 0 ? 0 : share > 1 ? 1 : share;
}
