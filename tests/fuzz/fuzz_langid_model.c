/*
 * Fuzz target: the langid model loader.  The input is tried as a whole
 * model file, and again with the right checksum appended, so that the
 * fuzzer gets past the checksum to the structural checks; whatever
 * loads is then used to score a few texts, which must not read outside
 * the model.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "langid_fuzz.h"
#include "../../cmd/langid/lid_detect.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
try(const uint8_t *data, size_t size, int fix)
{
	static const char *texts[] = { "ab a ba", "\xE3\x81\x82 x", "", "1 2" };
	struct lid_model m;
	struct lid_ctx c;
	struct rerr e;
	unsigned char *mem;
	uint32_t sum;
	size_t i;

	if ((mem = malloc(size + 4)) == NULL)
		abort();
	memcpy(mem, data, size);
	if (fix) {
		sum = lid_checksum(mem, size);
		memcpy(mem + size, &sum, 4);
		size += 4;
	}
	memset(&m, 0, sizeof(m));
	if (lid_model_from_mem(&m, mem, size, "fuzz", &e) != 0)
		return;
	lid_ctx_init(&c, &m, NULL, 10);
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		if (lid_detect(&c, texts[i], strlen(texts[i])) != 0 ||
		    lid_spans(&c, texts[i], strlen(texts[i])) != 0)
			abort();
	}
	lid_ctx_free(&c);
	lid_model_free(&m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	try(data, size, 0);
	try(data, size, 1);
	return 0;
}
