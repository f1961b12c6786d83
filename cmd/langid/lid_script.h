/*
 * lid_script: the writing system of each letter, and which one a text is
 * mainly written in, so that a text is only ever given a language that is
 * written in its script (langid.1, SCRIPTS).
 *
 * Scripts are those of Unicode's Scripts.txt, at the granularity of
 * blocks of 16 code points below U+3400 and of whole blocks above (every
 * script boundary of the letters that text_normalise keeps falls there).
 * Hiragana and katakana are one script here (kana): Japanese mixes them
 * freely.  Combining marks of no one script (U+0300-036F and the like)
 * belong to none.
 *
 * The main script of a text is the one with the most units: a run of
 * letters of an alphabetic script is one unit, and one more for every
 * LID_SC_RUNLEN letters in it; each Han or kana character is a unit of its
 * own, since those scripts write a word in one to three characters
 * without spaces.  So a Japanese sentence with an English product name in
 * it is Japanese, and an English one that names a Chinese city is English.
 * Han and kana count together (CJK); the text is then kana, that is
 * Japanese, as soon as one kana character is in it, else Han.
 *
 * Ownership: plain functions over static tables; nothing allocates.
 */
#ifndef LID_SCRIPT_H
#define LID_SCRIPT_H

#include <stddef.h>
#include <stdint.h>

enum lid_script {
	LID_SC_NONE, LID_SC_LATIN, LID_SC_GREEK, LID_SC_CYRILLIC,
	LID_SC_ARMENIAN, LID_SC_HEBREW, LID_SC_ARABIC, LID_SC_SYRIAC,
	LID_SC_THAANA, LID_SC_NKO, LID_SC_DEVANAGARI, LID_SC_BENGALI,
	LID_SC_GURMUKHI, LID_SC_GUJARATI, LID_SC_ORIYA, LID_SC_TAMIL,
	LID_SC_TELUGU, LID_SC_KANNADA, LID_SC_MALAYALAM, LID_SC_SINHALA,
	LID_SC_THAI, LID_SC_LAO, LID_SC_TIBETAN, LID_SC_MYANMAR,
	LID_SC_GEORGIAN, LID_SC_HANGUL, LID_SC_ETHIOPIC, LID_SC_CHEROKEE,
	LID_SC_CANADIAN, LID_SC_OGHAM, LID_SC_RUNIC, LID_SC_KHMER,
	LID_SC_MONGOLIAN, LID_SC_HAN, LID_SC_KANA, LID_SC_YI, LID_SC_OLCHIKI,
	LID_SC_TIFINAGH, LID_SC_VAI, LID_SC_BAMUM, LID_SC_JAVANESE,
	LID_SC_BALINESE, LID_SC_SUNDANESE, LID_SC_TAILE, LID_SC_NEWTAILUE,
	LID_SC_BUGINESE, LID_SC_LIMBU, LID_SC_SYLOTI, LID_SC_MEETEI,
	LID_SC_CHAM, LID_SC_OTHER,
	LID_SC_N
};

#define LID_SC_RUNLEN	8

/* The script of code point c (folded or not). */
enum lid_script lid_script_of(uint32_t c);

/* The short name of script s ("Latn", "Hani", ... as ISO 15924). */
const char *lid_script_name(enum lid_script s);

/*
 * Units per script of a text, counted as it is normalised (text.h's code
 * points: letters and U+0020 breaks) a piece at a time: lid_sc_count
 * continues the count over cp[0..n), the run left open by the last piece
 * going on into this one.
 */
struct lid_sc_count {
	uint64_t	 units[LID_SC_N];
	int		 prev;		/* script of the run going on, or 0 */
	uint32_t	 runlen;
};

void	 lid_sc_reset(struct lid_sc_count *k);
void	 lid_sc_count(struct lid_sc_count *k, const uint32_t *cp, size_t n);

/*
 * The main script of the units counted (LID_SC_NONE when there are none),
 * with CJK resolved to LID_SC_KANA or LID_SC_HAN as said above.
 */
enum lid_script lid_sc_main(const struct lid_sc_count *k);

#endif /* LID_SCRIPT_H */
