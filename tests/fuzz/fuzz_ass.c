/*
 * libFuzzer target: the ASS reader of lib/sub on arbitrary bytes (after
 * the same decoding subconv does), then every writer on what it read.
 * The read stops at the first bad block; what it read so far is written.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "sub.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	struct ndj_policy pol = NDJ_POLICY_DEFAULT;
	struct sub_doc doc = { 0 };
	struct rerr e = { 0 };
	char *text = NULL;
	size_t len = 0;

	if (null == NULL && (null = fopen("/dev/null", "w")) == NULL)
		abort();
	/* Skipping would print each bad block; stop at the first instead. */
	pol.skip_bad = 0;
	if (sub_decode((const char *)data, size, NULL, SUB_ASS, "fuzz", &text,
	    &len, NULL, &e) != 0)
		return 0;
	sub_read_ass(text, len, "fuzz", &pol, &doc, &e);
	sub_write(null, &doc, SUB_SRT);
	sub_write(null, &doc, SUB_VTT);
	sub_write(null, &doc, SUB_ASS);
	sub_write(null, &doc, SUB_SSA);
	sub_write(null, &doc, SUB_NDJSON);
	sub_doc_free(&doc);
	free(text);
	return 0;
}
