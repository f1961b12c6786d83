/*
 * libFuzzer target: the SAMI reader of lib/sub on arbitrary bytes,
 * every writer on what it read, and the SAMI round trip (see
 * sub_fuzz.h).
 */
#include "sub_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_sub(data, size, SUB_SAMI, sub_read_sami);
}
