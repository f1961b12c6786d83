/*
 * Unit tests of lib/text: UTF-8 decoding, repair, folding, classes and
 * the normalisation the langid model is trained and read with.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "text.h"

TEST(utf8_decoding)
{
	uint32_t c;

	CHECK_INT(text_utf8_next((const unsigned char *)"a", 1, &c), 1);
	CHECK_INT(c, 'a');
	CHECK_INT(text_utf8_next((const unsigned char *)"\xC3\xA9", 2, &c), 2);
	CHECK_INT(c, 0xE9);
	CHECK_INT(text_utf8_next((const unsigned char *)"\xF0\x9F\x98\x80", 4,
	    &c), 4);
	CHECK_INT(c, 0x1F600);
	/* Overlong, surrogate, truncated, stray continuation. */
	CHECK_INT(text_utf8_next((const unsigned char *)"\xC0\xAF", 2, &c), 1);
	CHECK_INT(c, 0xFFFD);
	CHECK_INT(text_utf8_next((const unsigned char *)"\xED\xA0\x80", 3, &c),
	    1);
	CHECK_INT(c, 0xFFFD);
	CHECK_INT(text_utf8_next((const unsigned char *)"\xE2\x82", 2, &c), 1);
	CHECK_INT(c, 0xFFFD);
	CHECK_INT(text_utf8_next((const unsigned char *)"\x80", 1, &c), 1);
	CHECK_INT(c, 0xFFFD);
}

TEST(utf8_repair)
{
	char *out;
	size_t n;

	CHECK_INT(text_utf8_invalid("caf\xC3\xA9", 5), 0);
	CHECK_INT(text_utf8_invalid("caf\xE9 \xFF", 6), 2);
	CHECK(text_utf8_repair("caf\xE9!", 5, &out, &n) == 0);
	CHECK_STR(out, "caf\xEF\xBF\xBD!");
	CHECK_INT(n, 7);
	free(out);
}

TEST(folding)
{
	CHECK_INT(text_fold('A'), 'a');
	CHECK_INT(text_fold(0xC9), 0xE9);		/* É */
	CHECK_INT(text_fold(0x17D), 0x17E);		/* Ž */
	CHECK_INT(text_fold(0x130), 'i');		/* İ */
	CHECK_INT(text_fold(0x1E9E), 0x1E9E);		/* capital sharp s */
	CHECK_INT(text_fold(0x1EA0), 0x1EA1);		/* Ạ */
	CHECK_INT(text_fold(0x3A3), 0x3C3);		/* Σ */
	CHECK_INT(text_fold(0x3C2), 0x3C3);		/* final ς */
	CHECK_INT(text_fold(0x386), 0x3AC);		/* Ά */
	CHECK_INT(text_fold(0x410), 0x430);		/* А */
	CHECK_INT(text_fold(0x404), 0x454);		/* Є */
	CHECK_INT(text_fold(0x490), 0x491);		/* Ґ */
	CHECK_INT(text_fold(0x531), 0x561);		/* Ա */
	CHECK_INT(text_fold(0xFF21), 'a');		/* fullwidth A */
	CHECK_INT(text_fold(0x4E2D), 0x4E2D);		/* 中 */
}

TEST(classes)
{
	CHECK(text_is_word('z'));
	CHECK(!text_is_word('5'));
	CHECK(!text_is_word('\''));
	CHECK(text_is_word(0xDF));			/* ß */
	CHECK(!text_is_word(0xD7));			/* × */
	CHECK(!text_is_word(0x2019));			/* ’ */
	CHECK(!text_is_word(0x3002));			/* 。 */
	CHECK(text_is_word(0x3042));			/* あ */
	CHECK(!text_is_word(0x0664));			/* Arabic-Indic 4 */
	CHECK(text_is_word(0x0628));			/* ب */
	CHECK(!text_is_word(0x1F600));			/* emoji */
	CHECK(!text_is_word(0xFFFD));
}

TEST(normalise)
{
	struct text_norm t = { 0 };
	static const uint32_t want[] = { ' ', 0xE9, 't', 0xE9, ' ', 'a', 'b',
	    ' ' };
	size_t i;

	CHECK(text_normalise(&t, "  \xC3\x89T\xC3\x89, 42 ab!", 15) == 0);
	CHECK_INT(t.n, 8);
	for (i = 0; i < t.n; i++)
		CHECK_INT(t.cp[i], want[i]);
	CHECK_INT(t.nword, 5);
	CHECK_INT(t.off[1], 2);		/* É at byte 2 */
	CHECK_INT(t.off[4], 7);		/* the break at ',' */
	CHECK_INT(t.off[5], 12);	/* a */
	CHECK_INT(t.off[7], 14);	/* the final break at '!' */
	CHECK(text_normalise(&t, "", 0) == 0);
	CHECK_INT(t.n, 1);
	CHECK_INT(t.nword, 0);
	CHECK(text_normalise(&t, "\xFF\xFE 123", 6) == 0);
	CHECK_INT(t.nword, 0);
	text_norm_free(&t);
}

/*
 * Every code point alone between two letters: the normalisation's tables
 * and fast paths agree with text_is_word and text_fold, and invalid
 * sequences are counted as text_utf8_invalid counts them.
 */
TEST(normalise_every_code_point)
{
	struct text_norm t = { 0 };
	unsigned char b[8];
	uint32_t c, want;
	size_t n;

	for (c = 1; c < 0x110000; c++) {
		n = 0;
		b[n++] = 'x';
		if (c < 0x80)
			b[n++] = c;
		else if (c < 0x800) {
			b[n++] = 0xC0 | c >> 6;
			b[n++] = 0x80 | (c & 63);
		} else if (c < 0x10000) {
			b[n++] = 0xE0 | c >> 12;
			b[n++] = 0x80 | (c >> 6 & 63);
			b[n++] = 0x80 | (c & 63);
		} else {
			b[n++] = 0xF0 | c >> 18;
			b[n++] = 0x80 | (c >> 12 & 63);
			b[n++] = 0x80 | (c >> 6 & 63);
			b[n++] = 0x80 | (c & 63);
		}
		b[n++] = 'y';
		CHECK(text_normalise(&t, (const char *)b, n) == 0);
		CHECK_INT(t.nbad, text_utf8_invalid((const char *)b, n));
		if (c >= 0xD800 && c <= 0xDFFF) {
			/* Three invalid bytes, three U+FFFD: one break. */
			CHECK_INT(t.nbad, 3);
			CHECK_INT(t.n, 5);
			continue;
		}
		want = text_is_word(c) ? text_fold(c) : ' ';
		if (want == ' ') {
			CHECK_INT(t.n, 5);
			CHECK_INT(t.cp[2], ' ');
			CHECK_INT(t.nword, 2);
		} else {
			CHECK_INT(t.n, 5);
			CHECK_INT(t.cp[2], want);
			CHECK_INT(t.nword, 3);
		}
		CHECK_INT(t.off[2], 1);
		CHECK_INT(t.off[3], n - 1);
	}
	/*
	 * Truncated sequences in the middle and at the end of text: each
	 * of their bytes is one invalid sequence.
	 */
	CHECK(text_normalise(&t, "a\xC3 \xE2\x82 \xCE\xB1\xF0\x9F", 10) == 0);
	CHECK_INT(t.nbad, 5);
	CHECK_INT(t.nword, 2);
	text_norm_free(&t);
}

int
main(void)
{
	struct harness h = { 0 };

	RUN(&h, utf8_decoding);
	RUN(&h, utf8_repair);
	RUN(&h, folding);
	RUN(&h, classes);
	RUN(&h, normalise);
	RUN(&h, normalise_every_code_point);
	return HARNESS_END(&h);
}
