/*
 * libFuzzer target: the SRT reader of lib/sub on arbitrary bytes, every
 * writer on what it read, and the SRT round trip (see sub_fuzz.h).
 */
#include "sub_fuzz.h"

FUZZ_READER(read_srt, sub_read_srt)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_sub(data, size, SUB_SRT, read_srt);
}
