/*
 * Helpers of the langid fuzz targets: a tiny valid model built in memory
 * (three languages, a few grams, one dense row), so the targets do not
 * depend on share/langid.model being present.
 */
#ifndef LANGID_FUZZ_H
#define LANGID_FUZZ_H

#include <stdlib.h>
#include <string.h>

#include "../../cmd/langid/lid_model.h"
#include "../../cmd/langid/lid_script.h"

#define TINY_SLOTS	16

/* A tiny model without its trailing checksum; *len bytes, malloc'd. */
static unsigned char *
tiny_model_body(size_t *len)
{
	static const uint32_t grams[][3] = {
		{ 'a', 0, 0 }, { 'b', 0, 0 }, { ' ', 'a', 0 }, { 'a', 'b', 0 },
		{ 0x3042, 0, 0 },
	};
	const uint32_t nlang = 3, nent = 6, ndense = 1;
	size_t rowlen = LID_ROWLEN(nlang), off, i;
	unsigned char *m;
	uint32_t hdr[4] = { nlang, TINY_SLOTS, nent, LID_ORDER }, slot[2];
	double a = 1, b = 0.5;
	float fl = -8;
	uint16_t ent[6] = { 0 | 40 << 8, 1 | 10 << 8, 1 | 50 << 8, 2 | 30 << 8,
	    0 | 20 << 8, 2 | 60 << 8 };

	*len = LID_DENSEOFF(nlang, TINY_SLOTS, nent) + rowlen * ndense;
	if ((m = calloc(1, *len + 4)) == NULL)
		abort();
	memcpy(m, LID_MAGIC, 8);
	memcpy(m + 8, hdr, 16);
	memcpy(m + 24, &a, 8);
	memcpy(m + 32, &b, 8);
	memcpy(m + 40, &ndense, 4);
	for (i = 0; i < nlang; i++) {
		/* aa and bb are written in Latin, cc in Latin and kana. */
		uint64_t sc = 1ull << LID_SC_LATIN |
		    (i == 2 ? 1ull << LID_SC_KANA : 0);

		memcpy(m + LID_HDR + LID_LANGREC * i, i == 0 ? "aa" : i == 1 ?
		    "bb" : "cc", 2);
		memcpy(m + LID_HDR + LID_LANGREC * i + LID_LABEL, &fl, 4);
		memcpy(m + LID_HDR + LID_LANGREC * i + LID_LABEL + 12, &sc, 8);
	}
	off = LID_SLOTOFF(nlang);
	for (i = 0; i < sizeof(grams) / sizeof(grams[0]); i++) {
		int k = grams[i][1] ? 2 : 1;
		uint32_t cp[2] = { grams[i][0], grams[i][1] };
		uint64_t h = lid_gram_hash(cp, k - 1, k);
		uint32_t s = lid_slot_start(h, TINY_SLOTS - 1);

		while (memcmp(m + off + 4 * lid_key_at(s), "\0\0\0\0", 4) != 0)
			s = (s + 1) & (TINY_SLOTS - 1);
		slot[0] = (uint32_t)(h >> 32) | 1;
		/* Grams 0-3 use two entries each of ent (wrapping), the last
		 * the dense row. */
		slot[1] = i == 4 ? 0 : (uint32_t)((i % 3) * 2) << 8 | 2;
		memcpy(m + off + 4 * lid_key_at(s), &slot[0], 4);
		memcpy(m + off + 4 * (lid_key_at(s) + LID_LINE), &slot[1], 4);
	}
	memcpy(m + off + 8 * TINY_SLOTS, ent, sizeof(ent));
	m[LID_DENSEOFF(nlang, TINY_SLOTS, nent) + 0] = 5;
	m[LID_DENSEOFF(nlang, TINY_SLOTS, nent) + 2] = 70;
	return m;
}

/* The tiny model with its checksum: *len bytes, malloc'd. */
static unsigned char *
tiny_model(size_t *len)
{
	unsigned char *m = tiny_model_body(len);
	uint32_t sum = lid_checksum(m, *len);

	memcpy(m + *len, &sum, 4);
	*len += 4;
	return m;
}

#endif /* LANGID_FUZZ_H */
