/*
 * lid_script: scripts of code points, and the main script of a text
 * (lid_script.h).  The ranges are Unicode's blocks (Blocks.txt), each
 * given the script of its letters (Scripts.txt); blocks of symbols,
 * punctuation and combining marks of no one script are LID_SC_NONE.
 */
#include <pthread.h>
#include <string.h>

#include "lid_script.h"

static const struct range {
	uint32_t	 lo, hi;
	uint8_t		 sc;
} ranges[] = {
	{ 0x0000, 0x02FF, LID_SC_LATIN },
	{ 0x0300, 0x036F, LID_SC_NONE },
	{ 0x0370, 0x03FF, LID_SC_GREEK },
	{ 0x0400, 0x052F, LID_SC_CYRILLIC },
	{ 0x0530, 0x058F, LID_SC_ARMENIAN },
	{ 0x0590, 0x05FF, LID_SC_HEBREW },
	{ 0x0600, 0x06FF, LID_SC_ARABIC },
	{ 0x0700, 0x074F, LID_SC_SYRIAC },
	{ 0x0750, 0x077F, LID_SC_ARABIC },
	{ 0x0780, 0x07BF, LID_SC_THAANA },
	{ 0x07C0, 0x07FF, LID_SC_NKO },
	{ 0x0800, 0x085F, LID_SC_OTHER },	/* Samaritan, Mandaic */
	{ 0x0860, 0x086F, LID_SC_SYRIAC },
	{ 0x0870, 0x08FF, LID_SC_ARABIC },
	{ 0x0900, 0x097F, LID_SC_DEVANAGARI },
	{ 0x0980, 0x09FF, LID_SC_BENGALI },
	{ 0x0A00, 0x0A7F, LID_SC_GURMUKHI },
	{ 0x0A80, 0x0AFF, LID_SC_GUJARATI },
	{ 0x0B00, 0x0B7F, LID_SC_ORIYA },
	{ 0x0B80, 0x0BFF, LID_SC_TAMIL },
	{ 0x0C00, 0x0C7F, LID_SC_TELUGU },
	{ 0x0C80, 0x0CFF, LID_SC_KANNADA },
	{ 0x0D00, 0x0D7F, LID_SC_MALAYALAM },
	{ 0x0D80, 0x0DFF, LID_SC_SINHALA },
	{ 0x0E00, 0x0E7F, LID_SC_THAI },
	{ 0x0E80, 0x0EFF, LID_SC_LAO },
	{ 0x0F00, 0x0FFF, LID_SC_TIBETAN },
	{ 0x1000, 0x109F, LID_SC_MYANMAR },
	{ 0x10A0, 0x10FF, LID_SC_GEORGIAN },
	{ 0x1100, 0x11FF, LID_SC_HANGUL },
	{ 0x1200, 0x139F, LID_SC_ETHIOPIC },
	{ 0x13A0, 0x13FF, LID_SC_CHEROKEE },
	{ 0x1400, 0x167F, LID_SC_CANADIAN },
	{ 0x1680, 0x169F, LID_SC_OGHAM },
	{ 0x16A0, 0x16FF, LID_SC_RUNIC },
	{ 0x1700, 0x177F, LID_SC_OTHER },	/* Philippine scripts */
	{ 0x1780, 0x17FF, LID_SC_KHMER },
	{ 0x1800, 0x18AF, LID_SC_MONGOLIAN },
	{ 0x18B0, 0x18FF, LID_SC_CANADIAN },
	{ 0x1900, 0x194F, LID_SC_LIMBU },
	{ 0x1950, 0x197F, LID_SC_TAILE },
	{ 0x1980, 0x19DF, LID_SC_NEWTAILUE },
	{ 0x19E0, 0x19FF, LID_SC_KHMER },
	{ 0x1A00, 0x1A1F, LID_SC_BUGINESE },
	{ 0x1A20, 0x1AAF, LID_SC_OTHER },	/* Tai Tham */
	{ 0x1AB0, 0x1AFF, LID_SC_NONE },
	{ 0x1B00, 0x1B7F, LID_SC_BALINESE },
	{ 0x1B80, 0x1BBF, LID_SC_SUNDANESE },
	{ 0x1BC0, 0x1C4F, LID_SC_OTHER },	/* Batak, Lepcha */
	{ 0x1C50, 0x1C7F, LID_SC_OLCHIKI },
	{ 0x1C80, 0x1C8F, LID_SC_CYRILLIC },
	{ 0x1C90, 0x1CBF, LID_SC_GEORGIAN },
	{ 0x1CC0, 0x1CCF, LID_SC_SUNDANESE },
	{ 0x1CD0, 0x1CFF, LID_SC_NONE },
	{ 0x1D00, 0x1DBF, LID_SC_LATIN },
	{ 0x1DC0, 0x1DFF, LID_SC_NONE },
	{ 0x1E00, 0x1EFF, LID_SC_LATIN },
	{ 0x1F00, 0x1FFF, LID_SC_GREEK },
	{ 0x2000, 0x2BFF, LID_SC_NONE },
	{ 0x2C00, 0x2C5F, LID_SC_OTHER },	/* Glagolitic */
	{ 0x2C60, 0x2C7F, LID_SC_LATIN },
	{ 0x2C80, 0x2CFF, LID_SC_OTHER },	/* Coptic */
	{ 0x2D00, 0x2D2F, LID_SC_GEORGIAN },
	{ 0x2D30, 0x2D7F, LID_SC_TIFINAGH },
	{ 0x2D80, 0x2DDF, LID_SC_ETHIOPIC },
	{ 0x2DE0, 0x2DFF, LID_SC_CYRILLIC },
	{ 0x2E00, 0x2E7F, LID_SC_NONE },
	{ 0x2E80, 0x2FDF, LID_SC_HAN },
	{ 0x2FE0, 0x2FFF, LID_SC_NONE },
	{ 0x3000, 0x303F, LID_SC_HAN },
	{ 0x3040, 0x30FF, LID_SC_KANA },
	{ 0x3100, 0x312F, LID_SC_HAN },		/* Bopomofo */
	{ 0x3130, 0x318F, LID_SC_HANGUL },
	{ 0x3190, 0x31EF, LID_SC_HAN },
	{ 0x31F0, 0x31FF, LID_SC_KANA },
	{ 0x3200, 0x4DBF, LID_SC_HAN },
	{ 0x4DC0, 0x4DFF, LID_SC_NONE },
	{ 0x4E00, 0x9FFF, LID_SC_HAN },
	{ 0xA000, 0xA4CF, LID_SC_YI },
	{ 0xA4D0, 0xA4FF, LID_SC_OTHER },	/* Lisu */
	{ 0xA500, 0xA63F, LID_SC_VAI },
	{ 0xA640, 0xA69F, LID_SC_CYRILLIC },
	{ 0xA6A0, 0xA6FF, LID_SC_BAMUM },
	{ 0xA700, 0xA7FF, LID_SC_LATIN },
	{ 0xA800, 0xA82F, LID_SC_SYLOTI },
	{ 0xA830, 0xA83F, LID_SC_NONE },
	{ 0xA840, 0xA8DF, LID_SC_OTHER },	/* Phags-pa, Saurashtra */
	{ 0xA8E0, 0xA8FF, LID_SC_DEVANAGARI },
	{ 0xA900, 0xA95F, LID_SC_OTHER },	/* Kayah Li, Rejang */
	{ 0xA960, 0xA97F, LID_SC_HANGUL },
	{ 0xA980, 0xA9DF, LID_SC_JAVANESE },
	{ 0xA9E0, 0xA9FF, LID_SC_MYANMAR },
	{ 0xAA00, 0xAA5F, LID_SC_CHAM },
	{ 0xAA60, 0xAA7F, LID_SC_MYANMAR },
	{ 0xAA80, 0xAADF, LID_SC_OTHER },	/* Tai Viet */
	{ 0xAAE0, 0xAAFF, LID_SC_MEETEI },
	{ 0xAB00, 0xAB2F, LID_SC_ETHIOPIC },
	{ 0xAB30, 0xAB6F, LID_SC_LATIN },
	{ 0xAB70, 0xABBF, LID_SC_CHEROKEE },
	{ 0xABC0, 0xABFF, LID_SC_MEETEI },
	{ 0xAC00, 0xD7FF, LID_SC_HANGUL },
	{ 0xD800, 0xF8FF, LID_SC_NONE },	/* surrogates, private use */
	{ 0xF900, 0xFAFF, LID_SC_HAN },
	{ 0xFB00, 0xFB12, LID_SC_LATIN },
	{ 0xFB13, 0xFB1C, LID_SC_ARMENIAN },
	{ 0xFB1D, 0xFB4F, LID_SC_HEBREW },
	{ 0xFB50, 0xFDFF, LID_SC_ARABIC },
	{ 0xFE00, 0xFE6F, LID_SC_NONE },
	{ 0xFE70, 0xFEFF, LID_SC_ARABIC },
	{ 0xFF00, 0xFF65, LID_SC_LATIN },	/* fullwidth forms */
	{ 0xFF66, 0xFF9F, LID_SC_KANA },
	{ 0xFFA0, 0xFFDF, LID_SC_HANGUL },
	{ 0xFFE0, 0xFFFF, LID_SC_NONE },
	{ 0x10000, 0x167FF, LID_SC_OTHER },
	{ 0x16800, 0x16A3F, LID_SC_BAMUM },
	{ 0x16A40, 0x1AFFF, LID_SC_OTHER },
	{ 0x1B000, 0x1B16F, LID_SC_KANA },
	{ 0x1B170, 0x1FFFF, LID_SC_OTHER },
	{ 0x20000, 0x3FFFF, LID_SC_HAN },
};

static const char *names[LID_SC_N] = {
	"Zyyy", "Latn", "Grek", "Cyrl", "Armn", "Hebr", "Arab", "Syrc",
	"Thaa", "Nkoo", "Deva", "Beng", "Guru", "Gujr", "Orya", "Taml",
	"Telu", "Knda", "Mlym", "Sinh", "Thai", "Laoo", "Tibt", "Mymr",
	"Geor", "Hang", "Ethi", "Cher", "Cans", "Ogam", "Runr", "Khmr",
	"Mong", "Hani", "Kana", "Yiii", "Olck", "Tfng", "Vaii", "Bamu",
	"Java", "Bali", "Sund", "Tale", "Talu", "Bugi", "Limb", "Sylo",
	"Mtei", "Cham", "Zzzz",
};

/* The script of each 16 code points below U+3400, from ranges[]. */
#define TAB16	(0x3400 >> 4)
static uint8_t tab16[TAB16];
static pthread_once_t tab_once = PTHREAD_ONCE_INIT;

static enum lid_script
search(uint32_t c)
{
	size_t lo = 0, hi = sizeof(ranges) / sizeof(ranges[0]), mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (c < ranges[mid].lo)
			hi = mid;
		else if (c > ranges[mid].hi)
			lo = mid + 1;
		else
			return (enum lid_script)ranges[mid].sc;
	}
	return LID_SC_OTHER;
}

static void
tab_init(void)
{
	uint32_t i;

	for (i = 0; i < TAB16; i++)
		tab16[i] = (uint8_t)search(i << 4);
}

enum lid_script
lid_script_of(uint32_t c)
{
	if (c < 0x250)
		return LID_SC_LATIN;
	if (c < 0x3400) {
		pthread_once(&tab_once, tab_init);
		return (enum lid_script)tab16[c >> 4];
	}
	return search(c);
}

const char *
lid_script_name(enum lid_script s)
{
	return (unsigned)s < LID_SC_N ? names[s] : "Zzzz";
}

void
lid_sc_reset(struct lid_sc_count *k)
{
	memset(k, 0, sizeof(*k));
}

void
lid_sc_count(struct lid_sc_count *k, const uint32_t *cp, size_t n)
{
	size_t i;
	int sc;

	pthread_once(&tab_once, tab_init);
	for (i = 0; i < n; i++) {
		if (cp[i] == ' ') {
			k->prev = 0;
			continue;
		}
		sc = cp[i] < 0x250 ? LID_SC_LATIN : cp[i] < 0x3400 ?
		    tab16[cp[i] >> 4] : (int)search(cp[i]);
		if (sc == LID_SC_HAN || sc == LID_SC_KANA) {
			k->units[sc]++;
			k->prev = 0;
			continue;
		}
		if (sc == LID_SC_NONE)
			continue;
		if (sc != k->prev) {
			k->units[sc]++;
			k->prev = sc;
			k->runlen = 0;
		} else if (++k->runlen == LID_SC_RUNLEN) {
			k->units[sc]++;
			k->runlen = 0;
		}
	}
}

enum lid_script
lid_sc_main(const struct lid_sc_count *k)
{
	uint64_t best = 0, cjk = k->units[LID_SC_HAN] + k->units[LID_SC_KANA];
	int s, main = LID_SC_NONE;

	for (s = 1; s < LID_SC_N; s++) {
		if (s == LID_SC_HAN || s == LID_SC_KANA)
			continue;
		if (k->units[s] > best) {
			best = k->units[s];
			main = s;
		}
	}
	if (cjk > 0 && cjk >= best)
		return k->units[LID_SC_KANA] > 0 ? LID_SC_KANA : LID_SC_HAN;
	return (enum lid_script)main;
}
