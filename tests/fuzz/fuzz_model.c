/*
 * libFuzzer target: model_from_mem on arbitrary bytes must refuse or
 * accept without reading out of bounds, and an accepted model's arrays
 * must be walkable as rank walks them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct model m;
	struct rerr e = { 0 };
	void *buf = aligned_alloc(8, (size + 8) & ~(size_t)7);
	volatile uint64_t sink = 0;
	uint32_t u, q;

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	if (model_from_mem(&m, buf, size, "fuzz", &e) == 0) {
		for (u = 0; u < m.meta.nusers; u++) {
			sink += strlen(m.user_names + m.user_off[u]);
			for (q = m.seen_start[u]; q < m.seen_start[u + 1]; q++)
				sink += strlen(m.item_names +
				    m.item_off[m.seen[q]]);
		}
		if (m.meta.nb > 0)
			for (u = 0; u < m.meta.nitems; u++)
				for (q = m.nb_start[u]; q < m.nb_start[u + 1];
				    q++)
					sink += m.nb_item[q] < m.meta.nitems;
	}
	free(buf);
	return 0;
}
