/*
 * subfix's layout and timing parts: line breaks keep every word in order
 * and fit the limits when the text can fit; the timing passes leave no
 * rule broken without a report.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "../../cmd/subfix/subfix.h"

/* text with every run of white space made one space */
static char *
joined(const char *s)
{
	char *o = malloc(strlen(s) + 1), *p = o;
	int sp = 0;

	for (; *s; s++) {
		if (*s == ' ' || *s == '\n' || *s == '\t') {
			sp = p > o;
			continue;
		}
		if (sp)
			*p++ = ' ';
		sp = 0;
		*p++ = *s;
	}
	*p = '\0';
	return o;
}

TEST(breaks_at_punctuation)
{
	char *t = lay_rebreak("I told you already, the money is gone and "
	    "nobody knows where.", SUB_SRT, 42, 2, 0);

	CHECK_STR(t, "I told you already,\nthe money is gone and nobody "
	    "knows where.");
	free(t);
}

TEST(not_after_article)
{
	char *t = lay_rebreak("We walked all the way down to the old "
	    "harbour in the rain", SUB_SRT, 30, 2, 0);
	const char *nl;

	CHECK(t != NULL);
	nl = strchr(t, '\n');
	CHECK(nl != NULL);
	CHECK(strncmp(nl - 4, " the", 4) != 0);
	CHECK(strncmp(nl - 3, " to", 3) != 0);
	free(t);
}

TEST(fits_untouched)
{
	CHECK(lay_rebreak("Short line.\nAnother.", SUB_SRT, 42, 2, 0) == NULL);
}

TEST(one_line_when_it_fits)
{
	char *t = lay_rebreak("Short line.\nAnother.", SUB_SRT, 42, 2, 1);

	CHECK_STR(t, "Short line. Another.");
	free(t);
	/* Dialogue stays on two lines. */
	CHECK(lay_rebreak("- Yes?\n- No.", SUB_SRT, 42, 2, 1) == NULL);
}

TEST(dialogue_kept)
{
	char *t = lay_rebreak("- Where were you last night, when it all "
	    "happened?\n- Home.", SUB_SRT, 42, 2, 0);

	/* Nothing better exists: one line per speaker stays. */
	CHECK(t == NULL);
}

TEST(tags_are_invisible)
{
	const char *a = "<i>caf\xc3\xa9</i>", *b = "{\\i1}a\\hb{\\i0}";

	CHECK_INT(lay_chars(a, strlen(a), SUB_SRT), 4);
	CHECK_INT(lay_chars(b, strlen(b), SUB_ASS), 3);
	CHECK_INT(lay_chars("a &amp; b", 9, SUB_VTT), 5);
}

TEST(tag_with_space_not_split)
{
	char *t = lay_rebreak("<font color=\"red\">one two three four five "
	    "six seven</font>", SUB_SRT, 20, 2, 0);

	CHECK(t != NULL);
	CHECK(strstr(t, "<font color=\"red\">") != NULL);
	free(t);
}

/* Random texts: the words never change, the limits hold when possible. */
TEST(random_texts_keep_words)
{
	static const char *w[] = { "the", "a", "man", "said,", "and",
	    "<i>really</i>", "extraordinarily", "to", "go.", "I", "don't",
	    "know", "caf\xc3\xa9", "what?", "we", "<b>will</b>", "see" };
	char buf[1024], *t, *a, *b;
	long longest, lines, total;
	int it, k, n;

	srand(7);
	for (it = 0; it < 2000; it++) {
		buf[0] = '\0';
		n = 1 + rand() % 18;
		for (k = 0; k < n; k++) {
			strcat(buf, w[rand() % (sizeof(w) / sizeof(w[0]))]);
			if (k + 1 < n)
				strcat(buf, rand() % 5 ? " " : "\n");
		}
		t = lay_rebreak(buf, SUB_SRT, 42, 2, 0);
		if (t == NULL)
			continue;
		a = joined(buf);
		b = joined(t);
		CHECK_STR(a, b);
		free(a);
		free(b);
		total = lay_chars(t, strlen(t), SUB_SRT);
		lay_measure(t, SUB_SRT, &longest, &lines);
		if (total + 1 <= 2 * 42 - 15) {
			CHECK(longest <= 42);
			CHECK(lines <= 2);
		}
		free(t);
	}
}

static void
free_parts(char **p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(p[i]);
	free(p);
}

/* A cue too long for two lines splits at the sentence end. */
TEST(split_at_sentence_end)
{
	char **p;
	size_t n = lay_split("I told you already that I was never going to "
	    "the city again. You know why? Because the last time I went "
	    "there, everything went wrong.", SUB_SRT, 42, 2, 1, &p);

	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_STR(p[0], "I told you already that I was never going "
		    "to the city again.");
		CHECK_STR(p[1], "You know why? Because the last time I went "
		    "there, everything went wrong.");
		free_parts(p, n);
	}
	/* What fits is kept whole. */
	CHECK_INT(lay_split("Short line.\nAnother.", SUB_SRT, 42, 2, 1, &p),
	    1);
	CHECK(p == NULL);
	/* A word wider than a line cannot fit in any split. */
	CHECK_INT(lay_split("Supercalifragilisticexpialidocious! it is",
	    SUB_SRT, 20, 1, 1, &p), 1);
}

/* Dialogue splits between the speakers; a duration asks for parts. */
TEST(split_dialogue_and_duration)
{
	char **p;
	size_t n = lay_split("- Where were you last night, and who were you "
	    "with?\n- I was at home all evening with my sister.", SUB_SRT,
	    42, 2, 1, &p);

	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_STR(p[0], "- Where were you last night, and who were "
		    "you with?");
		CHECK_STR(p[1], "- I was at home all evening with my sister.");
		free_parts(p, n);
	}
	n = lay_split("Short, but on screen, for far too long.", SUB_SRT, 42,
	    2, 2, &p);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_STR(p[0], "Short, but on screen,");
		CHECK_STR(p[1], "for far too long.");
		free_parts(p, n);
	}
}

/* Tags open across a split are closed and opened again; ASS override
 * blocks are not split. */
TEST(split_keeps_tags)
{
	char **p;
	size_t n = lay_split("<i>one two <font color=\"red\">three four "
	    "five six</font> seven eight.</i>", SUB_SRT, 12, 2, 1, &p);

	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_STR(p[0], "<i>one two <font color=\"red\">three "
		    "four</font></i>");
		CHECK_STR(p[1], "<i><font color=\"red\">five six</font> "
		    "seven eight.</i>");
		free_parts(p, n);
	}
	CHECK_INT(lay_split("{\\i1}one two three four five six seven eight",
	    SUB_ASS, 12, 2, 1, &p), 1);
}

/* Random texts: the parts, joined, are the text (tags put back aside);
 * each part fits when a split was made. */
TEST(random_splits_keep_words)
{
	static const char *w[] = { "the", "a", "man", "said,", "and",
	    "really", "extraordinary", "to", "go.", "I", "don't", "know",
	    "caf\xc3\xa9", "what?", "we", "will", "see", "- Yes" };
	char buf[1024], all[2048], **p, *a, *b;
	long longest, lines;
	size_t n, i;
	int it, k, m;

	srand(11);
	for (it = 0; it < 2000; it++) {
		buf[0] = '\0';
		m = 1 + rand() % 40;
		for (k = 0; k < m; k++) {
			strcat(buf, w[rand() % (sizeof(w) / sizeof(w[0]))]);
			if (k + 1 < m)
				strcat(buf, rand() % 7 ? " " : "\n");
		}
		n = lay_split(buf, SUB_SRT, 30, 2, 1 + rand() % 2, &p);
		if (n == 1)
			continue;
		all[0] = '\0';
		for (i = 0; i < n; i++) {
			if (i > 0)
				strcat(all, " ");
			strcat(all, p[i]);
			lay_measure(p[i], SUB_SRT, &longest, &lines);
			CHECK(lines == 1);
			CHECK(strlen(p[i]) > 0);
		}
		a = joined(buf);
		b = joined(all);
		CHECK_STR(a, b);
		free(a);
		free(b);
		free_parts(p, n);
	}
}

static void
quiet(struct fix_report *r)
{
	r->fp = fopen("/dev/null", "w");
}

/* Tiny gaps are chained, overlaps cut, short cues lengthened. */
TEST(timing_rules)
{
	struct fix_opts o = { 0 };
	struct fix_limits l;
	struct fix_report r = { 0 };
	struct fix_cue c[3] = {
		{ 0, 1, 1, 1000, 1500, 10, 0 },
		{ 1, 2, 5, 1800, 2600, 10, 0 },	/* overlaps the next */
		{ 2, 3, 9, 2500, 2600, 30, 0 },
	};
	int64_t shots[1] = { 1850 };

	o.fps = 25;
	o.p = *profile_find("netflix-en");
	fix_limits(&o, &l);
	CHECK_INT(l.gap, 80);
	quiet(&r);
	fix_timing(c, 3, shots, 1, &l, &r);
	CHECK_INT(c[0].end, 1770);	/* chained to 2 frames before */
	CHECK_INT(c[1].start, 1850);	/* onto the shot change */
	CHECK_INT(c[1].end, 2420);	/* 2 frames before cue 3 */
	CHECK_INT(c[2].end, 2500 + 1500);	/* 30 chars at 20 cps */
	CHECK(fix_verify(c, 3, shots, 1, &l, &r) == r.problems);
	fclose(r.fp);
}

int
main(void)
{
	struct harness h = { 0 };

	RUN(&h, breaks_at_punctuation);
	RUN(&h, not_after_article);
	RUN(&h, fits_untouched);
	RUN(&h, one_line_when_it_fits);
	RUN(&h, dialogue_kept);
	RUN(&h, tags_are_invisible);
	RUN(&h, tag_with_space_not_split);
	RUN(&h, random_texts_keep_words);
	RUN(&h, split_at_sentence_end);
	RUN(&h, split_dialogue_and_duration);
	RUN(&h, split_keeps_tags);
	RUN(&h, random_splits_keep_words);
	RUN(&h, timing_rules);
	return HARNESS_END(&h);
}
