/*
 * libFuzzer target: the VTT reader of lib/sub on arbitrary bytes, every
 * writer on what it read, and the VTT round trip (see sub_fuzz.h).
 */
#include "sub_fuzz.h"

FUZZ_READER(read_vtt, sub_read_vtt)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_sub(data, size, SUB_VTT, read_vtt);
}
