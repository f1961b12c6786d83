/*
 * ndj_flat_parse: takes the flat records it should, with jansson's
 * values, and declines (0) everything jansson must judge.
 */
#include <string.h>

#include "harness.h"
#include "ndjson.h"

static int
takes(const char *s)
{
	struct ndj_flat f;

	return ndj_flat_parse(s, strlen(s), &f);
}

TEST(flat_event)
{
	const char *s = "{\"exp\":\"e\",\"unit\":\"u1\",\"value\":12.5,"
	    "\"n\":1000000000,\"ok\":true,\"z\":null}";
	struct ndj_flat f;
	const struct ndj_field *v;

	CHECK(ndj_flat_parse(s, strlen(s), &f) == 1);
	CHECK_INT(f.n, 6);
	CHECK((v = ndj_flat_get(&f, "value")) != NULL);
	CHECK(v->type == NDJ_FREAL && v->num == 12.5);
	CHECK((v = ndj_flat_get(&f, "n")) != NULL);
	CHECK(v->type == NDJ_FINT && v->i == 1000000000);
	CHECK((v = ndj_flat_get(&f, "unit")) != NULL);
	CHECK(v->type == NDJ_FSTR && v->slen == 2 &&
	    memcmp(v->str, "u1", 2) == 0);
	CHECK(ndj_flat_get(&f, "missing") == NULL);
}

TEST(flat_numbers_exact)
{
	struct ndj_flat f;
	const char *s = "{\"a\":0.1,\"b\":-79.26e-3,\"c\":1e-400,"
	    "\"d\":123456789.123456789}";

	CHECK(ndj_flat_parse(s, strlen(s), &f) == 1);
	CHECK(f.f[0].num == 0.1);
	CHECK(f.f[1].num == -79.26e-3);
	CHECK(f.f[2].num == 0);
	CHECK(f.f[3].num == 123456789.123456789);
}

TEST(flat_declines)
{
	CHECK(takes("{}") == 1);
	CHECK(takes(" { \"a\" : 1 } ") == 1);
	CHECK(takes("{\"a\":1,\"a\":2}") == 0);		/* duplicate */
	CHECK(takes("{\"a\":\"\\u00e9\"}") == 0);	/* escape */
	CHECK(takes("{\"a\":\"\xc3\xa9\"}") == 0);	/* UTF-8 */
	CHECK(takes("{\"a\":[1]}") == 0);		/* nested */
	CHECK(takes("{\"a\":01}") == 0);
	CHECK(takes("{\"a\":1.}") == 0);
	CHECK(takes("{\"a\":1e400}") == 0);		/* overflow */
	CHECK(takes("{\"a\":1234567890123456789}") == 0);
	CHECK(takes("{\"a\":1,}") == 0);
	CHECK(takes("{\"a\":1} x") == 0);
	CHECK(takes("[1]") == 0);
	CHECK(takes("{\"a\":tru}") == 0);
}

int
main(void)
{
	struct harness h = { 0 };

	RUN(&h, flat_event);
	RUN(&h, flat_numbers_exact);
	RUN(&h, flat_declines);
	return HARNESS_END(&h);
}
