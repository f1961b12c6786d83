/*
 * libFuzzer target: the YouTube SBV reader of lib/sub on arbitrary bytes,
 * every writer on what it read, and the SBV round trip (see
 * sub_fuzz.h).
 */
#include "sub_fuzz.h"

FUZZ_READER(read_sbv, sub_read_sbv)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_sub(data, size, SUB_SBV, read_sbv);
}
