/*
 * Unit tests of langid's marker layer (cmd/langid/lid_markers.c) on
 * hand-written sentences: the word table, the reweighting within a group
 * and its conditions, and, with share/langid.model, whole detections.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "text.h"
#include "../../cmd/langid/lid_detect.h"

#define HR	(1u << LID_MK_HR)
#define BS	(1u << LID_MK_BS)
#define SR	(1u << LID_MK_SR)
#define ID	(1u << LID_MK_ID)
#define MS	(1u << LID_MK_MS)

/* The marker mask of one word, through the normalisation langid uses. */
static unsigned
word(const char *w)
{
	struct text_norm t;
	unsigned m;

	memset(&t, 0, sizeof(t));
	if (text_normalise(&t, w, strlen(w)) != 0 || t.n < 3)
		return 0xff;
	m = lid_markers_word(t.cp + 1, t.n - 2);	/* inside the breaks */
	text_norm_free(&t);
	return m;
}

TEST(table)
{
	CHECK_INT(lid_markers_bad(), 0);
	CHECK_INT(word("tko"), HR);
	CHECK_INT(word("Tko"), HR);		/* folded like the model's text */
	CHECK_INT(word("ko"), BS | SR);
	CHECK_INT(word("mlijeko"), HR | BS);
	CHECK_INT(word("mleko"), SR);
	CHECK_INT(word("tjednu"), HR);		/* a stem: tjed* */
	CHECK_INT(word("hiljadu"), BS | SR);
	CHECK_INT(word("historija"), BS);
	CHECK_INT(word("ljekarna"), HR);	/* longer stem than ljekar* */
	CHECK_INT(word("ljekar"), BS);
	CHECK_INT(word("organizirati"), HR | BS);
	CHECK_INT(word("organizovati"), BS | SR);
	CHECK_INT(word("karena"), ID);
	CHECK_INT(word("KERANA"), MS);
	CHECK_INT(word("juni"), BS | SR | ID);	/* a month in both groups */
	/* Common to both sides, so not markers. */
	CHECK_INT(word("video"), 0);
	CHECK_INT(word("svet"), 0);
	CHECK_INT(word("boleh"), 0);
	CHECK_INT(word("kuća"), 0);
}

/*
 * Languages 0-4 are hr bs sr-Latn id ms as in lid_markers.h, 5 is another
 * language; the posterior p is normalised text t's.
 */
static int
apply(const char *s, double *p, int best)
{
	struct lid_markers mk;
	struct text_norm t;
	int i, r;

	lid_markers_init(&mk, NULL);
	for (i = 0; i < LID_MK_N; i++)
		mk.lang[i] = i;
	memset(&t, 0, sizeof(t));
	if (text_normalise(&t, s, strlen(s)) != 0)
		return -1;
	r = lid_markers_apply(&mk, 6, t.cp, t.n, best, -1, p);
	text_norm_free(&t);
	return r;
}

TEST(reweighting)
{
	double p[6] = { 0.5, 0.3, 0.15, 0, 0, 0.05 };

	/* Two hr markers (tko, tisuća): bs and sr fall 10^2 behind. */
	CHECK_INT(apply("Tko zna koliko je tisuća ljudi bilo tamo?", p, 0),
	    1);
	CHECK_NEAR(p[0] + p[1] + p[2], 0.95, 1e-12);	/* group mass kept */
	CHECK_NEAR(p[5], 0.05, 0);			/* others untouched */
	CHECK_NEAR(p[0] / p[1], 0.5 / 0.3 * 100, 1e-9);
	CHECK_NEAR(p[0] / p[2], 0.5 / 0.15 * 100, 1e-9);
	/* Four ekavian words: the others at most 10^3 behind sr. */
	p[0] = 0.5, p[1] = 0.3, p[2] = 0.15;
	CHECK_INT(apply("Gde je reka? Uvek posle podne idemo do nje.", p, 0),
	    1);
	CHECK(p[2] > 0.94);
	CHECK_NEAR(p[2] / p[0], 0.15 / 0.5 * 1000, 1e-9);
	/* Ijekavian and Bosnian: hr|bs for vrijeme, bs and sr for hiljadu. */
	p[0] = 0.5, p[1] = 0.3, p[2] = 0.15;
	CHECK_INT(apply("Prije hiljadu godina vrijeme je bilo drugo.", p, 0),
	    1);
	CHECK(p[1] > p[0] && p[1] > p[2]);
	/* The future tense: apart in hr and bs, in one word in sr. */
	p[0] = 0.2, p[1] = 0.2, p[2] = 0.55;
	CHECK_INT(apply("Sutra radit ću cijeli dan.", p, 2), 1);
	CHECK(p[0] > p[2] && p[1] > p[2]);
	p[0] = 0.5, p[1] = 0.3, p[2] = 0.15;
	CHECK_INT(apply("Sutra radićemo do podne.", p, 0), 1);
	CHECK(p[2] > p[0]);
	/* Malay and Indonesian. */
	p[0] = p[1] = p[2] = 0, p[3] = 0.6, p[4] = 0.35, p[5] = 0.05;
	CHECK_INT(apply("Saya tidak mahu pergi kerana hujan.", p, 3), 1);
	CHECK(p[4] > 0.9 && p[3] < 0.05);
	CHECK_NEAR(p[3] + p[4], 0.95, 1e-12);
	p[3] = 0.35, p[4] = 0.6;
	CHECK_INT(apply("Saya tidak mau pergi karena hujan.", p, 4), 1);
	CHECK(p[3] > 0.9);
}

TEST(conditions)
{
	double p[6];

	/* The runner-up outside the group: left alone. */
	p[0] = 0.6, p[1] = 0.05, p[2] = 0, p[3] = 0, p[4] = 0, p[5] = 0.35;
	CHECK_INT(apply("Ko zna koliko je hiljada ljudi tu bilo.", p, 0), 0);
	CHECK_NEAR(p[0], 0.6, 0);
	/* The best in no group. */
	p[0] = 0.3, p[1] = 0.2, p[5] = 0.5;
	CHECK_INT(apply("Ko zna koliko je hiljada ljudi tu bilo.", p, 5), 0);
	/* No markers, or as many for each: nothing moves. */
	p[0] = 0.5, p[1] = 0.45, p[5] = 0.05;
	CHECK_INT(apply("Dobar dan, kako ste danas?", p, 0), 0);
	CHECK_INT(apply("Tko ne zna šta je to?", p, 0), 0);	/* 1 : 1 : 1 */
	CHECK_INT(apply("Tko zna gdje je mlijeko?", p, 0), 1);	/* 3 : 2 : 0 */
	CHECK_NEAR(p[0] / p[1], 0.5 / 0.45 * 10, 1e-9);
	/* A language another group's marker names counts for nothing. */
	p[0] = 0, p[1] = 0, p[2] = 0, p[3] = 0.5, p[4] = 0.45, p[5] = 0.05;
	CHECK_INT(apply("Tko zna mleko reka uvek.", p, 3), 0);
	CHECK_NEAR(p[3], 0.5, 0);
	/* Empty and letterless text. */
	CHECK_INT(apply("", p, 3), 0);
	CHECK_INT(apply("12 34 !!", p, 3), 0);
}

/* With the real model: hand-written sentences of each language. */
TEST(real_model)
{
	static const struct {
		const char *s, *lang;
	} cases[] = {
		{ "Tko zna koliko je tisuća ljudi prošlog tjedna bilo u "
		    "kazalištu.", "hr" },
		{ "Ko zna koliko je hiljada ljudi prošle nedelje bilo u "
		    "pozorištu, uvek je isto.", "sr-Latn" },
		{ "Ko zna koliko je hiljada ljudi prošle sedmice bilo u "
		    "pozorištu, historija se ponavlja.", "bs" },
		{ "Saya tidak mahu pergi ke pejabat kerana hujan lebat.",
		    "ms" },
		{ "Saya tidak mau pergi ke kantor karena hujan deras.",
		    "id" },
	};
	struct lid_model m;
	struct lid_ctx c;
	struct rerr e;
	char path[4096];
	const char *top = getenv("REEL_TOP");
	size_t i;

	snprintf(path, sizeof(path), "%s/share/langid.model",
	    top != NULL ? top : ".");
	if (lid_model_load(&m, path, &e) != 0)
		return;		/* not run from the source tree */
	lid_ctx_init(&c, &m, NULL, 55);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK(lid_detect(&c, cases[i].s, strlen(cases[i].s)) == 0);
		CHECK_STR(m.label[c.order[0]], cases[i].lang);
		CHECK(lid_spans(&c, cases[i].s, strlen(cases[i].s)) == 0);
		CHECK_INT(c.nspan, 1);
		CHECK_STR(m.label[c.span[0].lang], cases[i].lang);
	}
	lid_ctx_free(&c);
	lid_model_free(&m);
}

int
main(void)
{
	struct harness h = { 0 };

	RUN(&h, table);
	RUN(&h, reweighting);
	RUN(&h, conditions);
	RUN(&h, real_model);
	return HARNESS_END(&h);
}
