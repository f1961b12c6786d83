/*
 * libFuzzer target: subconv's whole read path on arbitrary bytes (format
 * detection, decoding, any of the readers, NDJSON cue records included),
 * then every writer on what it read.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sub.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	struct sub_ropts o = { "fuzz", NULL, SUB_NONE, SUB_NONE, 1, 0, NULL,
		NULL };
	struct sub_doc doc = { 0 };
	struct rerr e = { 0 };
	char *buf;

	if (null == NULL && (null = fopen("/dev/null", "w")) == NULL)
		abort();
	/* sub_read wants what subconv gives it: a NUL after the bytes. */
	if ((buf = malloc(size + 1)) == NULL)
		abort();
	memcpy(buf, data, size);
	buf[size] = '\0';
	sub_read(buf, size, &o, NULL, &doc, &e);
	sub_write(null, &doc, SUB_SRT);
	sub_write(null, &doc, SUB_VTT);
	sub_write(null, &doc, SUB_ASS);
	sub_write(null, &doc, SUB_SSA);
	sub_write(null, &doc, SUB_NDJSON);
	sub_doc_free(&doc);
	free(buf);
	return 0;
}
