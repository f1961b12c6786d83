/*
 * libFuzzer target: the TTML/DFXP reader of lib/sub on arbitrary bytes,
 * every writer on what it read, and the TTML round trip (see
 * sub_fuzz.h).
 */
#include "sub_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_sub(data, size, SUB_TTML, sub_read_ttml);
}
