/*
 * Unit tests of vtrailer's selection (cmd/vtrailer/select.c) on made-up
 * films: the durations sum to the target within half a frame, segments
 * are chronological, inside their scenes and clear of transitions, the
 * spoiler guard holds, shot lengths never grow, the choice follows the
 * scores and the seed, and a cut snaps to a strong onset.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "../../cmd/vtrailer/select.h"
#include "../../cmd/vtrailer/speech.h"

#define NSC	60

/* A deterministic pseudo-random number in [0, 1) (a 32-bit LCG). */
static double
rnd(unsigned *s)
{
	*s = *s * 1664525u + 1013904223u;
	return (*s >> 8) / 16777216.0;
}

/*
 * NSC scenes of 1.5 to 8 s with scattered scores; every seventh begins
 * with a 0.8 s dissolve.  Returns the film's length.
 */
static double
film(struct tr_scene *sc)
{
	unsigned s = 12345;
	double t = 0;
	int i;

	for (i = 0; i < NSC; i++) {
		memset(&sc[i], 0, sizeof(sc[i]));
		sc[i].index = i;
		sc[i].start = t;
		t += 1.5 + 6.5 * rnd(&s);
		t = round(t * 25) / 25;
		sc[i].end = t;
		sc[i].tin0 = sc[i].tin1 = -1;
		if (i > 0 && i % 7 == 0) {
			sc[i].tin0 = sc[i].start - 0.4;
			sc[i].tin1 = sc[i].start + 0.4;
		}
		sc[i].motion = 0.03 * rnd(&s);
		sc[i].motion_peak = sc[i].motion * (1 + rnd(&s));
		sc[i].loud = -40 + 30 * rnd(&s);
		sc[i].hook = rnd(&s);
		sc[i].luma = 0.2 + 0.5 * rnd(&s);
	}
	return t;
}

static int
pick(const struct tr_scene *sc, int n, const struct tr_opts *o,
    struct tr_seg **seg, int *ns)
{
	char err[256], warn[256];

	return tr_select(sc, n, NULL, 0, NULL, 0, o, seg, ns, err,
	    sizeof(err), warn, sizeof(warn));
}

/* The scene (array index) holding t, or -1. */
static int
scene_at(const struct tr_scene *sc, int n, double t)
{
	int i;

	for (i = 0; i < n; i++)
		if (t >= sc[i].start - 1e-9 && t < sc[i].end)
			return i;
	return -1;
}

TEST(sum_is_target)
{
	static const double targets[] = { 5, 10, 30, 45.5, 60 };
	static const double rates[] = { 25, 24000.0 / 1001, 0 };
	struct tr_scene sc[NSC];
	struct tr_opts o = TR_OPTS_DEFAULT;
	struct tr_seg *seg;
	size_t i, j;
	int n, k;

	film(sc);
	for (i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
		for (j = 0; j < sizeof(rates) / sizeof(rates[0]); j++) {
			double sum = 0, u;

			o.target = targets[i];
			o.fps = rates[j];
			u = o.fps > 0 ? 1 / o.fps : 0.001;
			CHECK(pick(sc, NSC, &o, &seg, &n) == 0);
			CHECK(n > 0);
			for (k = 0; k < n; k++)
				sum += seg[k].end - seg[k].start;
			free(seg);
			/* The documented tolerance: half a frame. */
			CHECK_NEAR(sum, o.target, u / 2 + 1e-6);
		}
}

/*
 * With crossfades, the shots are longer by what the crossfades overlap
 * (whole frames, rounded as vcut rounds them), so the rendered trailer
 * has the target length.
 */
TEST(crossfades_add_their_overlap)
{
	struct tr_scene sc[NSC];
	struct tr_opts o = TR_OPTS_DEFAULT;
	struct tr_seg *seg;
	double sum = 0;
	int n, k;

	film(sc);
	o.target = 30;
	o.fps = 25;
	o.xfade = 0.5;		/* 12.5 frames: vcut overlaps 13 */
	CHECK(pick(sc, NSC, &o, &seg, &n) == 0);
	for (k = 0; k < n; k++)
		sum += seg[k].end - seg[k].start;
	for (k = 0; k < n; k++)
		if (seg[k].end - seg[k].start < 2 * 0.52 - 1e-9)
			break;
	free(seg);
	CHECK_INT(k, n);
	CHECK_NEAR(sum - (n - 1) * 0.52, 30, 0.02 + 1e-9);
}

TEST(chronological_inside_scenes)
{
	struct tr_scene sc[NSC];
	struct tr_opts o = TR_OPTS_DEFAULT;
	struct tr_seg *seg;
	int n, k, i;

	film(sc);
	o.fps = 25;
	CHECK(pick(sc, NSC, &o, &seg, &n) == 0);
	for (k = 0; k < n; k++) {
		int a = scene_at(sc, NSC, seg[k].start);

		CHECK(a >= 0);
		/* The whole segment lies in one scene. */
		CHECK(seg[k].end <= sc[a].end + 1e-9);
		CHECK_INT(seg[k].scene, sc[a].index);
		if (k > 0)
			CHECK(seg[k].start >= seg[k - 1].end - 1e-9);
		/* Clear of every gradual transition. */
		for (i = 0; i < NSC; i++)
			if (sc[i].tin0 >= 0)
				CHECK(seg[k].end <= sc[i].tin0 ||
				    seg[k].start >= sc[i].tin1);
	}
	free(seg);
}

TEST(spoiler_guard_holds)
{
	static const double guards[] = { 0.2, 0.5, 0.7 };
	struct tr_scene sc[NSC];
	struct tr_opts o = TR_OPTS_DEFAULT;
	struct tr_seg *seg;
	double len = film(sc);
	size_t i;
	int n, k, late = 0;

	o.target = 20;
	for (i = 0; i < sizeof(guards) / sizeof(guards[0]); i++) {
		o.guard = guards[i];
		CHECK(pick(sc, NSC, &o, &seg, &n) == 0);
		for (k = 0; k < n; k++)
			CHECK(seg[k].end <= (1 - o.guard) * len + 1e-9);
		free(seg);
	}
	/* Without the guard the last fifth is used (the test sees it). */
	o.guard = 0;
	CHECK(pick(sc, NSC, &o, &seg, &n) == 0);
	for (k = 0; k < n; k++)
		if (seg[k].end > 0.8 * len)
			late = 1;
	free(seg);
	CHECK(late);
}

TEST(pacing_rises)
{
	static const double targets[] = { 10, 30, 60 };
	struct tr_scene sc[NSC];
	struct tr_opts o = TR_OPTS_DEFAULT;
	struct tr_seg *seg;
	size_t i;
	int n, k;

	film(sc);
	o.fps = 25;
	for (i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
		o.target = targets[i];
		CHECK(pick(sc, NSC, &o, &seg, &n) == 0);
		CHECK(n >= 3);
		for (k = 1; k < n; k++)
			CHECK(seg[k].end - seg[k].start <=
			    seg[k - 1].end - seg[k - 1].start + 1e-9);
		/* It falls: the last shot is clearly shorter. */
		CHECK(seg[n - 1].end - seg[n - 1].start <
		    0.75 * (seg[0].end - seg[0].start));
		for (k = 0; k < n; k++) {
			CHECK(seg[k].end - seg[k].start <= o.max_len + 1e-9);
			CHECK(seg[k].end - seg[k].start >= o.min_len - 0.04 -
			    1e-9);
		}
		free(seg);
	}
}

TEST(ramp_endpoints)
{
	double d[5];

	tr_ramp(4, 1, 5, d);
	CHECK_NEAR(d[0], 4, 1e-12);
	CHECK_NEAR(d[2], 2.5, 1e-12);
	CHECK_NEAR(d[4], 1, 1e-12);
}

TEST(best_scene_wins)
{
	struct tr_scene sc[10];
	struct tr_opts o = TR_OPTS_DEFAULT;
	struct tr_seg *seg;
	int i, n;

	for (i = 0; i < 10; i++) {
		memset(&sc[i], 0, sizeof(sc[i]));
		sc[i].index = i;
		sc[i].start = 10 * i;
		sc[i].end = 10 * i + 10;
		sc[i].tin0 = sc[i].tin1 = -1;
		sc[i].motion = 0.001 * i;
		sc[i].motion_peak = 0.002 * i;
		sc[i].loud = -40;
		sc[i].hook = 0.1;
		sc[i].luma = 0.5;
	}
	sc[4].motion = 0.05;
	sc[4].motion_peak = 0.1;
	sc[4].loud = -12;
	sc[4].hook = 0.9;
	o.target = 3;		/* one shot: from the single best scene */
	CHECK(pick(sc, 10, &o, &seg, &n) == 0);
	CHECK_INT(n, 1);
	CHECK_INT(seg[0].scene, 4);
	free(seg);
	/* A black scene, however loud, is not chosen. */
	sc[4].luma = 0.01;
	CHECK(pick(sc, 10, &o, &seg, &n) == 0);
	CHECK(seg[0].scene != 4);
	free(seg);
}

TEST(spread_across_film)
{
	struct tr_scene sc[NSC];
	struct tr_opts o = TR_OPTS_DEFAULT;
	struct tr_seg *seg;
	double len = film(sc), g;
	int n, k, quarter[4] = { 0, 0, 0, 0 };

	o.target = 30;
	CHECK(pick(sc, NSC, &o, &seg, &n) == 0);
	g = (1 - o.guard) * len;
	for (k = 0; k < n; k++) {
		int q = (int)((seg[k].start + seg[k].end) / 2 / g * 4);

		quarter[q > 3 ? 3 : q]++;
		if (k > 0)
			CHECK(seg[k].scene != seg[k - 1].scene);
	}
	free(seg);
	/* Every quarter of the eligible film gives at least one shot. */
	for (k = 0; k < 4; k++)
		CHECK(quarter[k] > 0);
}

TEST(seed_is_deterministic)
{
	struct tr_scene sc[NSC];
	struct tr_opts o = TR_OPTS_DEFAULT;
	struct tr_seg *a, *b;
	int na, nb, s, differs = 0;

	film(sc);
	o.target = 20;
	o.seed = 7;
	CHECK(pick(sc, NSC, &o, &a, &na) == 0);
	CHECK(pick(sc, NSC, &o, &b, &nb) == 0);
	CHECK_INT(na, nb);
	CHECK(memcmp(a, b, na * sizeof(*a)) == 0);
	free(b);
	for (s = 1; s <= 5 && !differs; s++) {
		o.seed = s;
		CHECK(pick(sc, NSC, &o, &b, &nb) == 0);
		differs = na != nb || memcmp(a, b, na * sizeof(*a)) != 0;
		free(b);
	}
	free(a);
	CHECK(differs);
}

TEST(snaps_to_onset)
{
	struct tr_scene sc[1];
	struct tr_audio a[200];
	struct tr_opts o = TR_OPTS_DEFAULT;
	struct tr_seg *seg;
	double on[200];
	char err[256], warn[256];
	int i, n;

	memset(sc, 0, sizeof(sc));
	sc[0].end = 20;
	sc[0].tin0 = sc[0].tin1 = sc[0].hook = sc[0].luma = -1;
	sc[0].motion_peak = -1;
	sc[0].loud = NAN;
	/* Loud from 10 to 13 s, a strong onset at 10.13 s. */
	for (i = 0; i < 200; i++) {
		a[i].t = i * 0.1;
		a[i].dur = 0.1;
		a[i].rms = a[i].t >= 10 - 1e-9 && a[i].t < 13 - 1e-9 ? -10 :
		    -40;
		a[i].onset = 0.001;
	}
	a[101].t = 10.13;
	a[101].onset = 0.5;
	CHECK_INT(tr_onsets(a, 200, on), 1);
	CHECK_NEAR(on[0], 10.13, 1e-12);
	o.target = 3;
	o.guard = 0;
	o.fps = 25;
	CHECK(tr_select(sc, 1, a, 200, NULL, 0, &o, &seg, &n, err,
	    sizeof(err), warn, sizeof(warn)) == 0);
	CHECK_INT(n, 1);
	/* The first frame at or after the onset. */
	CHECK_NEAR(seg[0].start, 10.16, 1e-9);
	CHECK_NEAR(seg[0].end - seg[0].start, 3, 1e-9);
	CHECK(seg[0].snapped);
	free(seg);
	/* With --snap 0 it stays where the sound is loudest. */
	o.snap = 0;
	CHECK(tr_select(sc, 1, a, 200, NULL, 0, &o, &seg, &n, err,
	    sizeof(err), warn, sizeof(warn)) == 0);
	CHECK(!seg[0].snapped);
	CHECK(fabs(seg[0].start - 10) < 0.06);
	free(seg);
}

/*
 * A short scene first would hold every later shot to its length (lengths
 * never grow); it is left out and the shots fall from the longest.
 */
TEST(short_first_scene_left_out)
{
	static const double b[] = { 0, 1.4, 6, 7.4, 12, 20 };
	struct tr_scene sc[5];
	struct tr_opts o = TR_OPTS_DEFAULT;
	struct tr_seg *seg;
	double sum = 0;
	int i, n;

	for (i = 0; i < 5; i++) {
		memset(&sc[i], 0, sizeof(sc[i]));
		sc[i].index = i;
		sc[i].start = b[i];
		sc[i].end = b[i + 1];
		sc[i].tin0 = sc[i].tin1 = sc[i].hook = sc[i].luma = -1;
		sc[i].motion_peak = -1;
		sc[i].loud = NAN;
	}
	o.target = 8.5;
	CHECK(pick(sc, 5, &o, &seg, &n) == 0);
	CHECK(n >= 2);
	CHECK(seg[0].scene != 0);
	CHECK_NEAR(seg[0].end - seg[0].start, 4, 1e-9);
	for (i = 0; i < n; i++) {
		sum += seg[i].end - seg[i].start;
		if (i > 0)
			CHECK(seg[i].end - seg[i].start <
			    seg[i - 1].end - seg[i - 1].start);
	}
	CHECK_NEAR(sum, 8.5, 0.0005);
	free(seg);
}

TEST(errors)
{
	struct tr_scene sc[NSC];
	struct tr_opts o = TR_OPTS_DEFAULT;
	struct tr_seg *seg;
	char err[256], warn[256];
	int n;

	memset(sc, 0, sizeof(sc));
	CHECK(tr_select(sc, 0, NULL, 0, NULL, 0, &o, &seg, &n, err,
	    sizeof(err), warn, sizeof(warn)) == -1);
	CHECK_STR(err, "no scene records");
	film(sc);
	o.target = 10000;
	CHECK(tr_select(sc, NSC, NULL, 0, NULL, 0, &o, &seg, &n, err,
	    sizeof(err), warn, sizeof(warn)) == -1);
	CHECK(strstr(err, "longer than the usable material") != NULL);
	CHECK(seg == NULL);
}

/*
 * Speech: phrases of 1.4 to 2.6 s with pauses of 0.3 to 0.6 s between,
 * over the whole film.  Every join falls in a pause, and the total stays
 * the target to the frame.
 */
TEST(joins_in_pauses)
{
	static struct tr_scene sc[NSC];
	static float prob[40000];
	struct tr_opts o = TR_OPTS_DEFAULT;
	struct tr_speech sp;
	struct tr_seg *seg;
	unsigned r = 99;
	double len = film(sc), sum = 0;
	long i = 0, k;
	int n, j;

	while (i < 40000) {
		long talk = 140 + (long)(120 * rnd(&r));
		long gap = 30 + (long)(30 * rnd(&r));

		for (k = 0; k < talk && i < 40000; k++)
			prob[i++] = 0.9f;
		for (k = 0; k < gap && i < 40000; k++)
			prob[i++] = 0.05f;
	}
	CHECK(len < 400);
	CHECK(tr_speech_runs(prob, 40000, 0.01, &sp) == 0);
	o.fps = 25;
	o.speech = &sp;
	CHECK(pick(sc, NSC, &o, &seg, &n) == 0);
	for (j = 0; j < n; j++) {
		CHECK(!tr_speech_at(&sp, seg[j].start));
		CHECK(!tr_speech_at(&sp, seg[j].end));
		/* and a word never ends within 0.04 s of a join */
		CHECK(prob[lrint(seg[j].start * 100)] < 0.5);
		CHECK(prob[lrint(seg[j].end * 100)] < 0.5);
		sum += seg[j].end - seg[j].start;
	}
	CHECK_NEAR(sum, o.target, 0.5 / 25 + 1e-9);
	free(seg);
	tr_speech_free(&sp);
}

/* The runs: short gaps bridged, clicks dropped, edges widened. */
TEST(speech_runs)
{
	float prob[200];
	struct tr_speech sp;
	int i;

	for (i = 0; i < 200; i++)
		prob[i] = (i >= 20 && i < 60) || (i >= 70 && i < 100) ||
		    (i >= 150 && i < 155) ? 0.9f : 0.1f;
	CHECK(tr_speech_runs(prob, 200, 0.01, &sp) == 0);
	CHECK(!tr_speech_at(&sp, 0.15));
	CHECK(tr_speech_at(&sp, 0.17));		/* widened by 0.04 s */
	CHECK(tr_speech_at(&sp, 0.65));		/* a 0.1 s gap bridged */
	CHECK(tr_speech_at(&sp, 1.03));
	CHECK(!tr_speech_at(&sp, 1.05));
	CHECK(!tr_speech_at(&sp, 1.52));	/* a 0.05 s click */
	CHECK(!tr_speech_at(&sp, 5.0));		/* past the end */
	CHECK_NEAR(sp.total, 0.8, 1e-9);
	tr_speech_free(&sp);
}

int
main(void)
{
	struct harness h = { 0 };

	RUN(&h, sum_is_target);
	RUN(&h, crossfades_add_their_overlap);
	RUN(&h, chronological_inside_scenes);
	RUN(&h, spoiler_guard_holds);
	RUN(&h, pacing_rises);
	RUN(&h, ramp_endpoints);
	RUN(&h, best_scene_wins);
	RUN(&h, spread_across_film);
	RUN(&h, seed_is_deterministic);
	RUN(&h, snaps_to_onset);
	RUN(&h, short_first_scene_left_out);
	RUN(&h, errors);
	RUN(&h, joins_in_pauses);
	RUN(&h, speech_runs);
	return HARNESS_END(&h);
}
