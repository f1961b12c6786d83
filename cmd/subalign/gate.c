/*
 * subalign's confidence gate: does the reference hold speech where the
 * aligned cues say it should?  Two measures over the kept cues at their
 * aligned times:
 *
 *  speech	the median, over the cues' frames, of the syllable-rate
 *		modulation of the reference's level (lib/vad): speech rises
 *		and falls four or five times a second, music and noise do
 *		not.  A music-only soundtrack passes the activity detector
 *		(it is loud and it changes), but not this.
 *  flat	the median spectral flatness under the cues: noise made to
 *		come and go at syllable rate passes the first measure, but
 *		its spectrum is flat where speech has harmonics and formants.
 *  contrast	the speech probability inside the cues less that in the
 *		pauses between them (gaps of 0.5-10 s between cues of one
 *		segment, 0.15 s trimmed off each side): the cues' pattern
 *		of talk and pause must be the reference's.  The speech of
 *		another programme, laid under the cues by the best of many
 *		offsets, fills the cues about as much as the pauses.  Taken
 *		only when the pauses add up to GAPMIN seconds or more.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "align.h"

#define GAPLO	50	/* frames: pauses shorter than 0.5 s are not */
#define GAPHI	1000	/* 10 s: longer ones may hold music, titles */
#define GAPTRIM	15	/* frames trimmed off each side of a pause */
#define GAPMIN	10.0	/* seconds of pauses needed for the contrast */

/*
 * Speech evidence of frame i: the speech probability, scaled down where
 * the level does not move at syllable rate (music, a held chord).
 */
#define MOD0	0.35
#define MODW	0.05
static double
evidence(const struct align_ctx *x, long i)
{
	double p = (x->r[i] + 1) / 2;

	if (x->mod == NULL)
		return p;
	return p / (1 + exp(-(x->mod[i] - MOD0) / MODW));
}

static int
cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return x < y ? -1 : x > y;
}

int
align_gate_stats(const struct align_ctx *x, const struct align_result *res,
    struct align_gate *g)
{
	long i, a, b, nf = 0, cap = 0, nin = 0, nout = 0, pe = 0;
	double sin = 0, sout = 0;
	float *v = NULL, *fv = NULL;
	size_t k, prev = SIZE_MAX;

	memset(g, 0, sizeof(*g));
	g->speech = -1;
	g->flat = -1;
	g->contrast = -1;
	for (k = 0; k < x->n; k++) {
		if (res->removed[k])
			continue;
		a = align_cue_a(x, &x->c[k], res->scale) + res->lag[k];
		b = align_cue_b(x, &x->c[k], res->scale) + res->lag[k];
		a = a < 0 ? 0 : a > x->nr ? x->nr : a;
		b = b < 0 ? 0 : b > x->nr ? x->nr : b;
		if (x->mod != NULL && b > a) {
			if (nf + (b - a) > cap) {
				float *q, *q2;

				cap = 2 * cap + (b - a);
				q = realloc(v, (size_t)cap * sizeof(*q));
				if (q != NULL)
					v = q;
				q2 = realloc(fv, (size_t)cap * sizeof(*q2));
				if (q2 != NULL)
					fv = q2;
				if (q == NULL || q2 == NULL) {
					free(v);
					free(fv);
					return -1;
				}
			}
			memcpy(v + nf, x->mod + a, (size_t)(b - a) *
			    sizeof(*v));
			memcpy(fv + nf, x->flat + a, (size_t)(b - a) *
			    sizeof(*fv));
			nf += b - a;
		}
		for (i = a; i < b; i++)
			sin += evidence(x, i);
		nin += b - a;
		/* the pause since the cue kept before, in one segment */
		a = lround(x->c[k].a * res->scale * ALIGN_FPS) + res->lag[k];
		if (prev != SIZE_MAX && res->seg[k] == res->seg[prev] &&
		    a - pe >= GAPLO && a - pe <= GAPHI)
			for (i = pe + GAPTRIM; i < a - GAPTRIM; i++)
				if (i >= 0 && i < x->nr) {
					sout += evidence(x, i);
					nout++;
				}
		b = lround(x->c[k].b * res->scale * ALIGN_FPS) + res->lag[k];
		if (prev == SIZE_MAX || res->seg[k] != res->seg[prev] ||
		    b > pe)
			pe = b;
		prev = k;
	}
	if (nf > 0) {
		qsort(v, (size_t)nf, sizeof(*v), cmp_float);
		g->speech = v[nf / 2];
		qsort(fv, (size_t)nf, sizeof(*fv), cmp_float);
		g->flat = fv[nf / 2];
	}
	free(v);
	free(fv);
	g->in = nin > 0 ? sin / (double)nin : 0;
	g->out = nout > 0 ? sout / (double)nout : 0;
	g->pause = (double)nout / ALIGN_FPS;
	if (g->pause >= GAPMIN)
		g->contrast = g->in - g->out;
	return 0;
}

/*
 * The thresholds, from ../shared/data/subs/perturbed, a 66-min subsynth
 * episode, espeak-ng speech over Big Buck Bunny's soundtrack at 4 and
 * 9 dB SNR, and friday_480p_h264.mp4 (aligned: speech 0.47-0.60,
 * contrast 0.55-0.69) against the same subtitles on Big Buck Bunny's
 * soundtrack, a chord, 4 Hz tremolo noise and the other episodes'
 * speech (refused: speech 0.21-0.34 on music; contrast at most 0.25).
 */
#define SPEECH_MIN	0.40
#define CONTRAST_MIN	0.40
/*
 * Median flatness (of the power over its noise floor) under the cues:
 * speech 0.07-0.26 (the dev episodes, the 66-min episode at 6 dB SNR,
 * friday, speech over music at 4 and 9 dB), music 0.09-0.15; white, pink
 * and brown noise with a 3-5 Hz tremolo 0.555-0.561.
 */
#define FLAT_MAX	0.42

int
align_gate_check(const struct align_gate *g, char *why, size_t n)
{
	if (g->speech >= 0 && g->speech < SPEECH_MIN) {
		snprintf(why, n, "the sound under the cues is not speech: "
		    "its level does not rise and fall at the rate of "
		    "syllables (modulation %.2f, speech has %.2f or more): "
		    "music, noise, or the wrong audio stream", g->speech,
		    SPEECH_MIN);
		return 1;
	}
	if (g->flat > FLAT_MAX) {
		snprintf(why, n, "the sound under the cues is noise: its "
		    "spectrum is flat (flatness %.2f, speech has %.2f or "
		    "less)", g->flat, FLAT_MAX);
		return 1;
	}
	if (g->contrast > -1 && g->contrast < CONTRAST_MIN) {
		snprintf(why, n, "the reference's pauses are not the "
		    "subtitles' pauses: there is about as much speech "
		    "between the cues as in them (contrast %.2f, %.2f or "
		    "more when they match): the wrong programme or audio "
		    "stream", g->contrast, CONTRAST_MIN);
		return 1;
	}
	return 0;
}
