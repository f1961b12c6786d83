/*
 * pick: scoring, rejection and choice of thumbnail candidates.  See
 * pick.h.  The scales of the quality parts come from what the analysis
 * features measure on real footage: mean |Laplacian| of a sharp 128-pixel
 * picture sits near 0.05..0.12, a well-spread picture has a grey standard
 * deviation near 0.25, and Hasler-Suesstrunk colourfulness of "quite
 * colourful" pictures is about 60..80.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "img.h"
#include "pick.h"
#include "sort.h"

void
tcand_measure(struct tcand *c, const uint8_t *grey, int gw, int gh,
    const uint8_t *rgb, int cw, int ch)
{
	img_mean_std(grey, gw, gh, &c->luma, &c->contrast);
	c->sharp = img_sharpness(grey, gw, gh);
	c->colour = img_colourfulness(rgb, cw, ch);
	img_hist(rgb, cw, ch, c->hist);
}

static double
clamp01(double x)
{
	return x < 0 ? 0 : x > 1 ? 1 : x;
}

void
tcand_score(struct tcand *c, double med_sharp)
{
	c->s_sharp = clamp01(c->sharp / (2 * (med_sharp > 0.005 ? med_sharp :
	    0.005)));
	/* Mid-grey is best; half-way to black or white scores 0.5. */
	c->s_expo = clamp01(1 - fabs(c->luma - 0.45) / 0.45);
	c->s_contrast = clamp01(c->contrast / 0.25);
	c->s_colour = clamp01(c->colour / 80);
	c->s_focus = clamp01(c->focus);
	c->score = 0.35 * c->s_sharp + 0.2 * c->s_expo + 0.15 * c->s_contrast +
	    0.15 * c->s_colour + 0.15 * c->s_focus;
	if (c->reject != NULL)
		return;
	if (c->luma < 0.08 || c->contrast < 0.03)
		c->reject = "black";
	else if (c->luma > 0.92)
		c->reject = "white";
	/*
	 * Sharper than the clip's median frame, estimated from keyframes
	 * (which encoders keep sharper than the frames between), with room.
	 */
	else if (c->sharp < 1.25 * med_sharp)
		c->reject = "blurry";
}

int
tscene_find(const struct tscene *s, int n, double t)
{
	int i;

	for (i = 0; i < n; i++)
		if (t >= s[i].start - 1e-6 && t < s[i].end - 1e-6)
			return i;
	return n > 0 && t >= s[n - 1].end - 1e-6 ? n - 1 : -1;
}

int
tscene_edge(const struct tscene *s, double t, double margin)
{
	if (s->tin1 > s->tin0 && t >= s->tin0 - margin &&
	    t <= s->tin1 + margin)
		return 1;
	if (s->tout1 > s->tout0 && t >= s->tout0 - margin &&
	    t <= s->tout1 + margin)
		return 1;
	return t < s->start + margin || t > s->end - margin;
}

void
tcand_window(struct tcand *w, int n, double fps)
{
	double *l, med;
	int i, j, reach = (int)lrint(0.7 * (fps > 0 ? fps : 25));
	int ramp = (int)lrint(0.08 * (fps > 0 ? fps : 25)) + 1;
	int drift = (int)lrint(0.2 * (fps > 0 ? fps : 25));

	if (n <= 0 || (l = malloc(n * sizeof(double))) == NULL)
		return;
	for (i = 0; i < n; i++)
		l[i] = w[i].luma;
	med = sort_median(l, n);
	free(l);
	for (i = 0; i < n; i++) {
		int up = i > 0 && w[i].luma - w[i - 1].luma > 0.05;

		if (w[i].luma - med > 0.06 || up) {
			for (j = i - reach; j <= i + reach; j++)
				if (j >= 0 && j < n)
					w[j].reject = "flash";
		}
	}
	for (i = 0; i < n; i++) {
		int a = i - ramp < 0 ? 0 : i - ramp;
		int b = i + ramp >= n ? n - 1 : i + ramp;

		if (w[i].reject == NULL && b > a &&
		    fabs(w[b].luma - w[a].luma) > 0.02 * (b - a))
			w[i].reject = "fade";
	}
	/*
	 * A dissolve changes the colours steadily: frames a fifth of a second
	 * apart differ although neighbours do not.
	 */
	for (i = 0; i < n; i++) {
		int a = i - drift < 0 ? 0 : i - drift;
		int b = i + drift >= n ? n - 1 : i + drift;

		if (w[i].reject == NULL &&
		    img_histdist(w[a].hist, w[b].hist) > 0.12)
			w[i].reject = "transition";
	}
	for (i = 1; i < n; i++) {
		if (img_histdist(w[i - 1].hist, w[i].hist) < 0.25)
			continue;
		for (j = i - 3; j <= i + 2; j++)
			if (j >= 0 && j < n && w[j].reject == NULL)
				w[j].reject = "transition";
	}
}

static int
cmp_score(const void *a, const void *b)
{
	const struct tcand *x = a, *y = b;

	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return x->t < y->t ? -1 : x->t > y->t;
}

int
tcand_choose(struct tcand *c, int n, int k, int *out)
{
	int i, j, m = 0, pass;

	qsort(c, n, sizeof(*c), cmp_score);
	for (pass = 0; pass < 2 && m < k; pass++)
		for (i = 0; i < n && m < k; i++) {
			int clash = 0;

			if (c[i].reject != NULL)
				continue;
			for (j = 0; j < m; j++) {
				const struct tcand *p = &c[out[j]];

				if (p == &c[i] || (pass == 0 &&
				    p->scene == c[i].scene) || (pass == 1 &&
				    fabs(p->t - c[i].t) < 1.0 &&
				    img_histdist(p->hist, c[i].hist) < 0.1))
					clash = 1;
			}
			if (!clash)
				out[m++] = i;
		}
	return m;
}

void
tcand_free(struct tcand *c)
{
	free(c->grey);
	c->grey = NULL;
}
