/*
 * libFuzzer target: the ASS reader of lib/sub on arbitrary bytes, every
 * writer on what it read, and the ASS round trip (see sub_fuzz.h).
 */
#include "sub_fuzz.h"

FUZZ_READER(read_ass, sub_read_ass)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_sub(data, size, SUB_ASS, read_ass);
}
