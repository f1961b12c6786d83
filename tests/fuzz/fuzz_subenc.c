/*
 * libFuzzer target: the encoding detector and decoder of lib/sub
 * (sub_decode) on arbitrary bytes, as every format but NDJSON is read:
 * the text must come out as valid UTF-8, NUL-terminated at its length,
 * with no CR and no NUL, whatever the bytes were; and decoding the text
 * again (now UTF-8) must give the same text.  A broken promise aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sub.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sub_ropts o = { "fuzz", NULL, SUB_NONE, SUB_NONE, 0, 0, NULL,
		NULL };
	struct rerr e = { 0 };
	char *t = NULL, *u = NULL, enc[SUB_ENC_NAME_MAX];
	size_t n = 0, m = 0;

	if (sub_decode((const char *)data, size, &o, SUB_NONE, &t, &n, enc,
	    &e) != 0)
		return 0;
	if (t[n] != '\0' || memchr(t, '\0', n) != NULL ||
	    memchr(t, '\r', n) != NULL || text_utf8_invalid(t, n) != 0) {
		fprintf(stderr, "bad text from %s\n", enc);
		abort();
	}
	/* UTF-8 with a BOM stays what it is; so does any text decoded. */
	if (sub_decode(t, n, &o, SUB_NONE, &u, &m, NULL, &e) != 0 ||
	    (m != n || memcmp(t, u, n) != 0)) {
		if (!(n >= 3 && memcmp(t, "\xef\xbb\xbf", 3) == 0) &&
		    !(n >= 2 && (memcmp(t, "\xff\xfe", 2) == 0 ||
		    memcmp(t, "\xfe\xff", 2) == 0))) {
			fprintf(stderr, "decoding UTF-8 again changed it\n");
			abort();
		}
	}
	free(t);
	free(u);
	return 0;
}
