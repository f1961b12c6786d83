/*
 * Unit tests of lib/ndjson: the line reader with its names and numbers,
 * the writer's number format, and the bad-input policy.
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"
#include "ndjson.h"

static FILE *
mem(const char *s)
{
	return fmemopen((void *)s, strlen(s), "r");
}

static char *
dump(const json_t *v)
{
	struct ndj_buf b = { 0 };

	if (ndj_dump(&b, v) != 0)
		return NULL;
	return b.p;
}

TEST(reader_counts_lines)
{
	FILE *fp = mem("{\"a\":1}\n\n  \r\n{\"b\":2}\r\n{\"c\":3}");
	struct ndj_reader *r = ndj_openf(fp, "x.ndjson");
	struct rerr e = { 0 };
	json_t *rec;

	CHECK(ndj_next(r, &rec, &e) == 1);
	CHECK_INT(ndj_line(r), 1);
	json_decref(rec);
	CHECK(ndj_next(r, &rec, &e) == 1);
	CHECK_INT(ndj_line(r), 4);
	CHECK(json_object_get(rec, "b") != NULL);
	json_decref(rec);
	CHECK(ndj_next(r, &rec, &e) == 1);
	CHECK_INT(ndj_line(r), 5);
	json_decref(rec);
	CHECK(ndj_next(r, &rec, &e) == 0);
	ndj_close(r);
	fclose(fp);
}

TEST(reader_reports_bad_json)
{
	FILE *fp = mem("{\"a\":1}\n{\"a\":\n[1,2]\n{\"ok\":true}\n");
	struct ndj_reader *r = ndj_openf(fp, "in.ndjson");
	struct rerr e = { 0 };
	json_t *rec;

	CHECK(ndj_next(r, &rec, &e) == 1);
	json_decref(rec);
	CHECK(ndj_next(r, &rec, &e) == -1);
	CHECK_INT(e.code, EX_DATAERR);
	CHECK_STR(e.file, "in.ndjson");
	CHECK_INT(e.line, 2);
	CHECK(ndj_next(r, &rec, &e) == -1);
	CHECK_STR(e.msg, "record is not a JSON object");
	CHECK_INT(e.line, 3);
	/* The reader goes on after a bad line. */
	CHECK(ndj_next(r, &rec, &e) == 1);
	json_decref(rec);
	ndj_close(r);
	fclose(fp);
}

TEST(reader_long_line)
{
	size_t n = 1 << 20, i;
	char *s = malloc(n + 16);
	FILE *fp;
	struct ndj_reader *r;
	struct rerr e = { 0 };
	json_t *rec;

	strcpy(s, "{\"t\":\"");
	for (i = 6; i < n; i++)
		s[i] = 'x';
	strcpy(s + n, "\"}\n");
	fp = mem(s);
	r = ndj_openf(fp, "big");
	CHECK(ndj_next(r, &rec, &e) == 1);
	CHECK_INT(json_string_length(json_object_get(rec, "t")), n - 6);
	json_decref(rec);
	ndj_close(r);
	fclose(fp);
	free(s);
}

TEST(open_missing_file)
{
	struct rerr e = { 0 };

	CHECK(ndj_open("/nonexistent/file.ndjson", &e) == NULL);
	CHECK_INT(e.code, EX_NOINPUT);
	CHECK_STR(e.file, "/nonexistent/file.ndjson");
}

TEST(writer_numbers)
{
	json_t *o = json_object();
	char *s;

	json_object_set_new(o, "a", json_real(0.1));
	json_object_set_new(o, "b", json_real(2));
	json_object_set_new(o, "c", ndj_real(1.23456789, 3));
	json_object_set_new(o, "d", ndj_real(-0.0001, 3));
	json_object_set_new(o, "e", ndj_real(NAN, 3));
	json_object_set_new(o, "f", json_integer(-42));
	json_object_set_new(o, "g", json_real(1e300));
	json_object_set_new(o, "h", json_real(0.30000000000000004));
	s = dump(o);
	CHECK_STR(s, "{\"a\":0.1,\"b\":2.0,\"c\":1.235,\"d\":0.0,\"e\":null,"
	    "\"f\":-42,\"g\":1e+300,\"h\":0.30000000000000004}");
	free(s);
	json_decref(o);
}

TEST(writer_numbers_in_comma_locale)
{
	json_t *v = json_real(1.5);
	char *s;

	if (setlocale(LC_NUMERIC, "de_DE.UTF-8") == NULL) {
		json_decref(v);
		return;		/* locale not installed: nothing to show */
	}
	s = dump(v);
	setlocale(LC_NUMERIC, "C");
	CHECK_STR(s, "1.5");
	free(s);
	json_decref(v);
}

TEST(writer_strings_and_order)
{
	json_t *o = json_object();
	char *s;

	json_object_set_new(o, "z", json_string("a\"b\\c\nd\te\001\xc3\xa9/"));
	json_object_set_new(o, "a", json_array());
	json_array_append_new(json_object_get(o, "a"), json_true());
	json_array_append_new(json_object_get(o, "a"), json_null());
	json_object_set_new(o, "m", json_object());
	s = dump(o);
	CHECK_STR(s, "{\"z\":\"a\\\"b\\\\c\\nd\\te\\u0001\xc3\xa9/\","
	    "\"a\":[true,null],\"m\":{}}");
	free(s);
	json_decref(o);
}

TEST(writer_passes_fields_through)
{
	const char *in = "{\"type\":\"cue\",\"x\":[1,2.5,{\"y\":\"\xe2\x82\xac\"}],"
	    "\"start\":1.001,\"n\":null}";
	FILE *fp = mem(in);
	struct ndj_reader *r = ndj_openf(fp, "-");
	struct rerr e = { 0 };
	json_t *rec;
	char *s;

	CHECK(ndj_next(r, &rec, &e) == 1);
	s = dump(rec);
	CHECK_STR(s, in);
	free(s);
	json_decref(rec);
	ndj_close(r);
	fclose(fp);
}

TEST(typed_fields)
{
	json_t *o = json_pack("{s:f, s:i, s:s, s:f}", "t", 1.5, "n", 3,
	    "s", "x", "r", 2.5);
	struct rerr e = { 0 };
	double d;
	long long i;
	const char *str;

	CHECK(ndj_get_num(NULL, o, "t", 0, &d, &e) == 0 && d == 1.5);
	CHECK(ndj_get_int(NULL, o, "n", 0, &i, &e) == 0 && i == 3);
	CHECK(ndj_get_str(NULL, o, "s", 0, &str, &e) == 0);
	CHECK(ndj_get_num(NULL, o, "missing", 1, &d, &e) == 1);
	CHECK(ndj_get_num(NULL, o, "missing", 0, &d, &e) == -1);
	CHECK_STR(e.msg, "field 'missing' is missing");
	CHECK(ndj_get_num(NULL, o, "s", 0, &d, &e) == -1);
	CHECK_STR(e.msg, "field 's' is not a number");
	CHECK(ndj_get_int(NULL, o, "r", 0, &i, &e) == -1);
	CHECK_STR(e.msg, "field 'r' is not an integer");
	json_decref(o);
}

TEST(policy)
{
	struct ndj_policy p = NDJ_POLICY_DEFAULT;
	struct rerr e = { 0 };
	int i;

	rerr_set(&e, EX_DATAERR, "f", 3, "bad (expected by the test)");
	CHECK_INT(ndj_policy_bad(&p, &e), EX_DATAERR);

	p = (struct ndj_policy)NDJ_POLICY_DEFAULT;
	p.skip_bad = 1;
	p.max_bad_rate = 0.2;
	for (i = 0; i < 9; i++)
		ndj_policy_ok(&p);
	CHECK_INT(ndj_policy_bad(&p, &e), 0);
	CHECK_INT(ndj_policy_end(&p), 0);		/* 1 of 10 */
	CHECK_INT(ndj_policy_bad(&p, &e), 0);
	CHECK_INT(ndj_policy_bad(&p, &e), 0);
	CHECK_INT(ndj_policy_end(&p), EX_DATAERR);	/* 3 of 12 */
	rerr_set(&e, EX_IOERR, "f", 3, "read error (expected by the test)");
	CHECK_INT(ndj_policy_bad(&p, &e), EX_IOERR);
}

int
main(void)
{
	struct harness h = { 0 };

	cli_init("test_ndjson");
	RUN(&h, reader_counts_lines);
	RUN(&h, reader_reports_bad_json);
	RUN(&h, reader_long_line);
	RUN(&h, open_missing_file);
	RUN(&h, writer_numbers);
	RUN(&h, writer_numbers_in_comma_locale);
	RUN(&h, writer_strings_and_order);
	RUN(&h, writer_passes_fields_through);
	RUN(&h, typed_fields);
	RUN(&h, policy);
	return HARNESS_END(&h);
}
