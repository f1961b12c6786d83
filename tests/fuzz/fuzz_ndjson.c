/*
 * Fuzz target: the NDJSON reader and writer.  The input is read as a
 * stream of lines; every record that parses is written out and read back,
 * which must give the same JSON value (the writer's shortest round-trip
 * reals make that exact).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "ndjson.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ndj_reader *r;
	struct ndj_buf b = { 0 };
	struct rerr e;
	json_t *rec, *back;
	FILE *fp;
	int rv;

	if (size == 0 || (fp = fmemopen((void *)data, size, "r")) == NULL)
		return 0;
	r = ndj_openf(fp, "fuzz");
	while ((rv = ndj_next(r, &rec, &e)) != 0) {
		if (rv < 0)
			continue;
		b.len = 0;
		if (ndj_dump(&b, rec) != 0)
			abort();
		back = json_loadb(b.p, b.len, JSON_DECODE_ANY, NULL);
		if (back == NULL || !json_equal(rec, back))
			abort();
		json_decref(back);
		json_decref(rec);
	}
	ndj_buf_free(&b);
	ndj_close(r);
	fclose(fp);
	return 0;
}
