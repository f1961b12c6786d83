/*
 * Unit tests of lib/ndjson: the line reader with its names and numbers,
 * the writer's number format, and the bad-input policy.
 */
#include <sys/wait.h>

#include <fcntl.h>
#include <locale.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

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

/* The record loop: counts per record, and a record that asks to stop. */
struct each_count {
	int	 recs, idles;
	long	 lines[8];
};

static int
each_rec(void *arg, struct ndj_reader *r, json_t *rec, struct rerr *e)
{
	struct each_count *c = arg;

	if (json_object_get(rec, "bad") != NULL)
		return rerr_set(e, EX_DATAERR, ndj_name(r), ndj_line(r),
		    "field 'bad' is present"), -1;
	if (json_object_get(rec, "fatal") != NULL)
		return rerr_set(e, EX_SOFTWARE, NULL, 0, "stop"), -1;
	if (c->recs < 8)
		c->lines[c->recs] = ndj_line(r);
	c->recs++;
	return 0;
}

static int
each_idle(void *arg, struct rerr *e)
{
	((struct each_count *)arg)->idles++;
	return 0;
}

/* Writes s to a new file in the current directory; returns its name. */
static const char *
tmpfile_with(const char *name, const char *s)
{
	FILE *fp = fopen(name, "w");

	fputs(s, fp);
	fclose(fp);
	return name;
}

TEST(each_policy)
{
	struct ndj_policy pol = NDJ_POLICY_DEFAULT;
	struct each_count c = { 0 };
	struct ndj_loop l = { .rec = each_rec, .idle = each_idle, .pol = &pol,
	    .arg = &c };
	const char *f = tmpfile_with("each.ndjson",
	    "\xef\xbb\xbf{\"a\":1}\n{\"bad\":1}\nnot json\n\n{\"a\":2}\n");
	char *argv[] = { (char *)f, (char *)"missing.ndjson", (char *)f };

	/* By default the first bad record stops the run. */
	CHECK_INT(ndj_each(f, &l), EX_DATAERR);
	CHECK_INT(c.recs, 1);
	CHECK_INT(c.idles, 1);
	CHECK_INT(pol.nrec, 2);
	/* With --skip-bad: every input, the missing one too, then the rate. */
	memset(&c, 0, sizeof(c));
	pol = (struct ndj_policy)NDJ_POLICY_DEFAULT;
	pol.skip_bad = 1;
	pol.max_bad_rate = 0.5;
	CHECK_INT(ndj_each_input(3, argv, &l), EX_NOINPUT);
	CHECK_INT(c.recs, 4);
	CHECK_INT(c.lines[0], 1);
	CHECK_INT(c.lines[1], 5);
	CHECK_INT(pol.nrec, 8);
	CHECK_INT(pol.nbad, 4);
	pol.max_bad_rate = 0.4;
	CHECK_INT(ndj_policy_end(&pol), EX_DATAERR);
	/* Any other error stops the run, bad-record policy or not. */
	tmpfile_with("fatal.ndjson", "{\"a\":1}\n{\"fatal\":1}\n{\"a\":2}\n");
	memset(&c, 0, sizeof(c));
	CHECK_INT(ndj_each("fatal.ndjson", &l), EX_SOFTWARE);
	CHECK_INT(c.recs, 1);
	/* A directory is an input that cannot be opened. */
	CHECK_INT(ndj_each(".", &l), EX_NOINPUT);
	unlink("each.ndjson");
	unlink("fatal.ndjson");
}

static int
long_line(void *arg, struct ndj_reader *r, const char *line, size_t len,
    struct rerr *e)
{
	((struct each_count *)arg)->recs++;
	return 0;
}

TEST(each_long_line)
{
	struct ndj_policy pol = NDJ_POLICY_DEFAULT;
	struct each_count c = { 0 };
	struct ndj_loop l = { .line = long_line, .pol = &pol, .arg = &c,
	    .max_line = 100 };
	FILE *fp = fopen("long.ndjson", "w");
	int i;

	fputs("{\"a\":1}\n", fp);
	for (i = 0; i < 200000; i++)
		fputc('x', fp);
	fputs("\n{\"a\":2}\n", fp);
	fclose(fp);
	pol.skip_bad = 1;
	pol.max_bad_rate = 1;
	CHECK_INT(ndj_each("long.ndjson", &l), 0);
	CHECK_INT(c.recs, 2);
	CHECK_INT(pol.nbad, 1);
	unlink("long.ndjson");
}

static int
echo_rec(void *arg, struct ndj_reader *r, json_t *rec, struct rerr *e)
{
	json_object_set_new(rec, "seen", json_integer(ndj_line(r)));
	ndj_write(stdout, rec);
	return 0;
}

/* Reads what is there on fd within ms milliseconds. */
static int
read_within(int fd, char *buf, size_t n, int ms)
{
	struct pollfd p = { fd, POLLIN, 0 };
	ssize_t k;

	if (poll(&p, 1, ms) != 1)
		return -1;
	if ((k = read(fd, buf, n - 1)) < 0)
		return -1;
	buf[k] = '\0';
	return (int)k;
}

/*
 * A filter answers as it reads: a record written into a pipe that stays
 * open is answered before the input ends (a coprocess).
 */
TEST(each_answers_as_it_reads)
{
	int in[2], out[2], status;
	char buf[256];
	pid_t pid;

	CHECK(pipe(in) == 0 && pipe(out) == 0);
	if ((pid = fork()) == 0) {
		struct ndj_policy pol = NDJ_POLICY_DEFAULT;
		struct ndj_loop l = { .rec = echo_rec, .pol = &pol };

		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[0]), close(in[1]), close(out[0]), close(out[1]);
		_exit(ndj_each("-", &l));
	}
	close(in[0]);
	close(out[1]);
	CHECK(write(in[1], "{\"q\":1}\n", 8) == 8);
	CHECK_INT(read_within(out[0], buf, sizeof(buf), 2000), 17);
	CHECK_STR(buf, "{\"q\":1,\"seen\":1}\n");
	CHECK(write(in[1], "{\"q\":2}\n\n{\"q\":3}", 16) == 16);
	CHECK_INT(read_within(out[0], buf, sizeof(buf), 2000), 17);
	CHECK_STR(buf, "{\"q\":2,\"seen\":2}\n");
	close(in[1]);
	CHECK_INT(read_within(out[0], buf, sizeof(buf), 2000), 17);
	CHECK_STR(buf, "{\"q\":3,\"seen\":4}\n");
	close(out[0]);
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
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
	RUN(&h, each_policy);
	RUN(&h, each_long_line);
	RUN(&h, each_answers_as_it_reads);
	return HARNESS_END(&h);
}
