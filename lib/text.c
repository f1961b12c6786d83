/*
 * text: UTF-8 decoding, case folding and word classes (see text.h).
 *
 * The case table covers the ranges where the Unicode lower-case mapping
 * is a fixed offset or an even/odd pair (UnicodeData.txt, Unicode 15);
 * the rare exceptions of those blocks are listed.  The classes treat as
 * non-word: ASCII and Latin-1 punctuation and digits, the General
 * Punctuation to Miscellaneous Symbols blocks (U+2000-2BFF), CJK
 * punctuation, the decimal digits of the scripts a language model meets,
 * the script-specific full stops and commas, and emoji.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

int
text_utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c = s[0], min;
	int len, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2; c &= 0x1F; min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3; c &= 0x0F; min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4; c &= 0x07; min = 0x10000;
	} else
		goto bad;
	if ((size_t)len > n)
		goto bad;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			goto bad;
		c = c << 6 | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		goto bad;
	*cp = c;
	return len;
bad:
	*cp = 0xFFFD;
	return 1;
}

size_t
text_utf8_invalid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, bad = 0;
	uint32_t c;
	int k;

	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		k = text_utf8_next(p + i, n - i, &c);
		if (c == 0xFFFD && k == 1)
			bad++;
		i += k;
	}
	return bad;
}

int
text_utf8_repair(const char *s, size_t n, char **out, size_t *outlen)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0;
	char *b;
	uint32_t c;
	int k;

	/* Each bad byte grows to at most three. */
	if ((b = malloc(3 * n + 1)) == NULL)
		return -1;
	while (i < n) {
		if (p[i] < 0x80) {
			b[o++] = p[i++];
			continue;
		}
		k = text_utf8_next(p + i, n - i, &c);
		if (c == 0xFFFD && k == 1) {
			memcpy(b + o, "\xEF\xBF\xBD", 3);
			o += 3;
		} else {
			memcpy(b + o, p + i, k);
			o += k;
		}
		i += k;
	}
	b[o] = '\0';
	*out = b;
	*outlen = o;
	return 0;
}

uint32_t
text_fold(uint32_t c)
{
	if (c < 0x80)
		return c >= 'A' && c <= 'Z' ? c + 32 : c;
	if (c < 0x100)
		return c >= 0xC0 && c <= 0xDE && c != 0xD7 ? c + 32 : c;
	if (c < 0x180) {
		if (c == 0x130)
			return 'i';
		if (c == 0x178)
			return 0xFF;
		if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E))
			return c & 1 ? c + 1 : c;
		if (c == 0x138 || c == 0x149 || c == 0x17F)
			return c;
		return c | 1;
	}
	if (c >= 0x1E00 && c <= 0x1EFF)
		return c <= 0x1E95 || c >= 0x1EA0 ? c | 1 : c;
	if (c >= 0x200 && c <= 0x233)
		return c | 1;
	if (c >= 0x370 && c <= 0x3FF) {
		if (c >= 0x391 && c <= 0x3AB && c != 0x3A2)
			return c + 32;
		if (c == 0x386)
			return 0x3AC;
		if (c >= 0x388 && c <= 0x38A)
			return c + 37;
		if (c == 0x38C)
			return 0x3CC;
		if (c == 0x38E || c == 0x38F)
			return c + 63;
		if (c == 0x3C2)
			return 0x3C3;	/* final sigma: one letter */
		return c;
	}
	if (c >= 0x400 && c <= 0x52F) {
		if (c <= 0x40F)
			return c + 80;
		if (c <= 0x42F)
			return c + 32;
		if ((c >= 0x460 && c <= 0x481) || (c >= 0x48A && c <= 0x4BF) ||
		    (c >= 0x4D0 && c <= 0x52F))
			return c | 1;
		if (c >= 0x4C1 && c <= 0x4CE)
			return c & 1 ? c + 1 : c;
		if (c == 0x4C0)
			return 0x4CF;
		return c;
	}
	if (c >= 0x531 && c <= 0x556)
		return c + 48;
	if (c >= 0x10A0 && c <= 0x10C5)
		return c + 0x1C60;	/* Georgian Asomtavruli to Nuskhuri */
	if (c >= 0x1C90 && c <= 0x1CBF)
		return c - 0x0BC0;	/* Georgian Mtavruli to Mkhedruli */
	if (c >= 0xFF21 && c <= 0xFF3A)
		return c - 0xFF21 + 'a';
	if (c >= 0xFF41 && c <= 0xFF5A)
		return c - 0xFF41 + 'a';
	return c;
}

/* Decimal digits and sentence punctuation of other scripts: [lo, hi]. */
static const uint32_t nonword[][2] = {
	{ 0x0589, 0x058A }, { 0x05BE, 0x05BE }, { 0x05C0, 0x05C0 },
	{ 0x05C3, 0x05C3 }, { 0x05F3, 0x05F4 }, { 0x0600, 0x060F },
	{ 0x061B, 0x061F }, { 0x0660, 0x066D }, { 0x06D4, 0x06D4 },
	{ 0x06F0, 0x06F9 }, { 0x0964, 0x096F }, { 0x09E6, 0x09EF },
	{ 0x0A66, 0x0A6F }, { 0x0AE6, 0x0AEF }, { 0x0B66, 0x0B6F },
	{ 0x0BE6, 0x0BEF }, { 0x0C66, 0x0C6F }, { 0x0CE6, 0x0CEF },
	{ 0x0D66, 0x0D6F }, { 0x0DE6, 0x0DEF }, { 0x0E50, 0x0E59 },
	{ 0x0ED0, 0x0ED9 }, { 0x0F20, 0x0F33 }, { 0x104A, 0x104F },
	{ 0x10FB, 0x10FB }, { 0x1360, 0x137C }, { 0x166D, 0x166E },
	{ 0x17D4, 0x17DA }, { 0x17E0, 0x17E9 }, { 0x1800, 0x180A },
	{ 0x1810, 0x1819 }, { 0x2000, 0x2BFF }, { 0x2E00, 0x2E7F },
	{ 0x3000, 0x3004 }, { 0x3008, 0x3020 }, { 0x30FB, 0x30FB },
	{ 0xFD3E, 0xFD3F }, { 0xFE10, 0xFE1F }, { 0xFE30, 0xFE6F },
	{ 0xFEFF, 0xFEFF }, { 0xFF00, 0xFF20 }, { 0xFF3B, 0xFF40 },
	{ 0xFF5B, 0xFF65 }, { 0xFFE0, 0xFFFF }, { 0x1F000, 0x1FAFF },
	{ 0xE0000, 0x10FFFF },
};

int
text_is_word(uint32_t c)
{
	size_t lo, hi, mid;

	if (c < 0x80)
		return (c | 32) >= 'a' && (c | 32) <= 'z';
	if (c < 0xC0)
		return c == 0xAA || c == 0xB5 || c == 0xBA;
	if (c < 0x250)
		return c != 0xD7 && c != 0xF7;
	if (c >= 0xD800 && c <= 0xF8FF)
		return 0;	/* surrogates and private use */
	lo = 0;
	hi = sizeof(nonword) / sizeof(nonword[0]);
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (c < nonword[mid][0])
			hi = mid;
		else if (c > nonword[mid][1])
			lo = mid + 1;
		else
			return 0;
	}
	return 1;
}

static int
grow(struct text_norm *t, size_t need)
{
	size_t cap = t->cap ? t->cap : 64;
	uint32_t *a, *b;

	if (need <= t->cap)
		return 0;
	while (cap < need)
		cap *= 2;
	if ((a = realloc(t->cp, cap * sizeof(*a))) == NULL)
		return -1;
	t->cp = a;
	if ((b = realloc(t->off, cap * sizeof(*b))) == NULL)
		return -1;
	t->off = b;
	t->cap = cap;
	return 0;
}

/*
 * Word class and folding of U+0080..U+07FF (the two-byte sequences:
 * Latin, Greek, Cyrillic, Armenian, Hebrew, Arabic, Syriac, Thaana, NKo)
 * in one table, built once: the folded code point, or 0 for a non-word
 * character.  Most non-ASCII text of most languages is there, and the
 * table saves the class search and the folding chain for each letter.
 */
static uint16_t two[0x800 - 0x80];
/* The same for U+0800..U+2FFF (Indic, Thai, Georgian, Latin extended). */
static uint16_t three[0x3000 - 0x800];
static pthread_once_t two_once = PTHREAD_ONCE_INIT;

static void
two_init(void)
{
	uint32_t c;

	for (c = 0x80; c < 0x800; c++)
		two[c - 0x80] = text_is_word(c) ? (uint16_t)text_fold(c) : 0;
	for (c = 0x800; c < 0x3000; c++)
		three[c - 0x800] = text_is_word(c) ? (uint16_t)text_fold(c) :
		    0;
}

int
text_normalise(struct text_norm *t, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0, nword = 0;
	uint32_t c, *cp, *off;
	int k, inbreak = 1;

	/* At most one code point per byte, plus the two edge breaks. */
	if (grow(t, n + 2) != 0)
		return -1;
	pthread_once(&two_once, two_init);
	cp = t->cp;
	off = t->off;
	t->nbad = 0;
	cp[o] = ' ';
	off[o++] = 0;
	while (i < n) {
		c = p[i];
		if (c < 0x80) {
			/* ASCII, most of most text: inline. */
			if ((c | 32) - 'a' <= 'z' - 'a') {
				cp[o] = c | 32;
				off[o++] = (uint32_t)i;
				nword++;
				inbreak = 0;
			} else if (!inbreak) {
				cp[o] = ' ';
				off[o++] = (uint32_t)i;
				inbreak = 1;
			}
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF && i + 1 < n &&
		    (p[i + 1] & 0xC0) == 0x80) {
			c = two[((c & 0x1F) << 6 | (p[i + 1] & 0x3F)) - 0x80];
			k = 2;
		} else if (c >= 0xE0 && c <= 0xEF && i + 2 < n &&
		    (p[i + 1] & 0xC0) == 0x80 && (p[i + 2] & 0xC0) == 0x80 &&
		    (c = (c & 0x0F) << 12 | (p[i + 1] & 0x3F) << 6 |
		    (p[i + 2] & 0x3F)) >= 0x800 && (c < 0xD800 || c > 0xDFFF)) {
			/*
			 * Three bytes: below U+3000 the table; CJK, kana
			 * and Hangul (U+3021-D7FF but the katakana middle
			 * dot) are letters without case; the rest is
			 * looked up.
			 */
			if (c < 0x3000)
				c = three[c - 0x800];
			else if (c >= 0x3021 && c <= 0xD7FF && c != 0x30FB)
				;
			else
				c = text_is_word(c) ? text_fold(c) : 0;
			k = 3;
		} else {
			k = text_utf8_next(p + i, n - i, &c);
			if (c == 0xFFFD && k == 1)
				t->nbad++;
			c = text_is_word(c) ? text_fold(c) : 0;
		}
		if (c != 0) {
			cp[o] = c;
			off[o++] = (uint32_t)i;
			nword++;
			inbreak = 0;
		} else if (!inbreak) {
			cp[o] = ' ';
			off[o++] = (uint32_t)i;
			inbreak = 1;
		}
		i += k;
	}
	if (!inbreak) {
		cp[o] = ' ';
		off[o++] = (uint32_t)n;
	}
	t->n = o;
	t->nword = nword;
	return 0;
}

void
text_norm_free(struct text_norm *t)
{
	free(t->cp);
	free(t->off);
	memset(t, 0, sizeof(*t));
}
