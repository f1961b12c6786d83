/*
 * Unit tests of the piecewise writer of lib/ndjson (ndj_buf_*): the same
 * bytes as ndj_dump of the jansson values they stand for.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ndjson.h"

/* ndj_buf_real against ndj_dump(ndj_real(v, d)); 1 when equal. */
static int
same_real(double v, int d)
{
	struct ndj_buf a = { 0 }, b = { 0 };
	json_t *j = ndj_real(v, d);
	int ok;

	ndj_dump(&a, j);
	json_decref(j);
	ndj_buf_real(&b, v, d);
	ok = a.len == b.len && memcmp(a.p, b.p, a.len) == 0;
	if (!ok)
		fprintf(stderr, "real %.17g %d: dump %s buf %s\n", v, d, a.p,
		    b.p);
	ndj_buf_free(&a);
	ndj_buf_free(&b);
	return ok;
}

TEST(reals_as_dump)
{
	static const double v[] = { 0, -0.0, 1, -1, 0.5, 0.00004, 0.00005,
	    -0.00004, 0.99996, 0.12345, 123456789.98765, -987654321.5, 1e9,
	    -1e9, 3.14159, 1e-300, NAN, INFINITY };
	unsigned int seed = 1;
	size_t i;
	int d, bad = 0;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		for (d = 0; d <= 6; d++)
			bad += !same_real(v[i], d);
	/* Probabilities, as langid prints them, and wider values. */
	for (i = 0; i < 200000; i++) {
		double x = (double)rand_r(&seed) / RAND_MAX;

		bad += !same_real(x, 4);
		bad += !same_real((x - 0.5) * 2e6, (int)(i % 5));
	}
	CHECK_INT(bad, 0);
}

TEST(strings_and_ints)
{
	struct ndj_buf a = { 0 }, b = { 0 };
	json_t *j = json_stringn("a\"b\\\n\x01 \xc3\xa9", 10);

	ndj_dump(&a, j);
	json_decref(j);
	ndj_buf_string(&b, "a\"b\\\n\x01 \xc3\xa9", 10);
	CHECK_STR(b.p, a.p);
	ndj_buf_free(&b);
	ndj_buf_int(&b, -1234567890123LL);
	ndj_buf_add(&b, ",", 1);
	CHECK_STR(b.p, "-1234567890123,");
	ndj_buf_free(&a);
	ndj_buf_free(&b);
}

int
main(void)
{
	struct harness h = { 0 };

	RUN(&h, reals_as_dump);
	RUN(&h, strings_and_ints);
	return HARNESS_END(&h);
}
