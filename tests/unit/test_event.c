/*
 * Unit tests of lib/event's reader: the fast path for flat records
 * (ndj_flat_parse) and the jansson path must accept and reject the same
 * event records, with the same values and the same messages.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "event.h"
#include "harness.h"

/*
 * Each line is read twice: as it is (flat: the fast path takes it) and
 * with an escaped key "\u0078" ("x") put first, which the fast path
 * declines, so jansson parses it; the record means the same.
 */
static const char *lines[] = {
	"{\"user\":\"u1\",\"item\":\"i1\",\"ts\":1700000000}",
	"{\"user\":\"u1\",\"item\":\"i2\",\"ts\":\"2013-02-28T14:38:27Z\","
	    "\"event\":\"watch\",\"progress\":0.875}",
	"{\"user\":17,\"item\":-4,\"ts\":1.5e9,\"rating\":7}",
	"{\"user\":\"u2\",\"item\":\"i1\",\"ts\":\"1915\",\"rating\":null,"
	    "\"progress\":null}",
	"{\"user\":\"u2\",\"item\":\"i3\",\"ts\":12.25,\"rating\":8.5,"
	    "\"progress\":1}",
	"{\"user\":\"u3\",\"item\":\"i3\",\"ts\":\"2013-02-28T14:38:27."
	    "1234567890123456789012345678901234567890123456789012345Z\"}",
	"{\"user\":\"\",\"item\":\"i1\",\"ts\":1}",
	"{\"user\":1.5,\"item\":\"i1\",\"ts\":1}",
	"{\"item\":\"i1\",\"ts\":1}",
	"{\"user\":\"u1\",\"item\":true,\"ts\":1}",
	"{\"user\":\"u1\",\"item\":\"i1\"}",
	"{\"user\":\"u1\",\"item\":\"i1\",\"ts\":\"yesterday\"}",
	"{\"user\":\"u1\",\"item\":\"i1\",\"ts\":null}",
	"{\"user\":\"u1\",\"item\":\"i1\",\"ts\":1,\"event\":3}",
	"{\"user\":\"u1\",\"item\":\"i1\",\"ts\":1,\"rating\":\"5\"}",
	"{\"user\":\"u1\",\"item\":\"i1\",\"ts\":1,\"progress\":1.01}",
	"{\"user\":\"u1\",\"item\":\"i1\",\"ts\":1,\"progress\":false}",
	"{\"user\":\"u1\",\"item\":\"i1\",\"ts\":1,\"progress\":-0.0}",
	"{\"user\":123456789012345678,\"item\":\"i1\",\"ts\":1}",
};

/* Reads text from a file with --skip-bad; stderr's text into err. */
static int
read_text(const char *path, const char *text, struct evset *s, char *err,
    size_t errsz)
{
	struct ndj_policy p = { 1, 1.0, 0, 0 };
	struct rerr e = { 0 };
	FILE *f, *cap;
	int fd, rv;
	size_t n;

	if ((f = fopen(path, "w")) == NULL)
		return -1;
	fputs(text, f);
	fclose(f);
	if ((cap = tmpfile()) == NULL)
		return -1;
	fflush(stderr);
	fd = dup(2);
	dup2(fileno(cap), 2);
	evset_init(s);
	rv = evset_read(s, path, &p, &e);
	fflush(stderr);
	dup2(fd, 2);
	close(fd);
	rewind(cap);
	n = fread(err, 1, errsz - 1, cap);
	err[n] = '\0';
	fclose(cap);
	return rv;
}

TEST(flat_and_jansson_agree)
{
	char path[] = "/tmp/test_event.XXXXXX", line[512];
	char *a = NULL, *b = NULL, ea[8192], eb[8192];
	size_t alen = 0, blen = 0, i;
	struct evset sa, sb;
	FILE *fa, *fb;
	int fd;

	CHECK((fd = mkstemp(path)) >= 0);
	close(fd);
	fa = open_memstream(&a, &alen);
	fb = open_memstream(&b, &blen);
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		fprintf(fa, "%s\n", lines[i]);
		snprintf(line, sizeof(line), "{\"\\u0078\":0,%s", lines[i] + 1);
		fprintf(fb, "%s\n", line);
	}
	fclose(fa);
	fclose(fb);
	CHECK(read_text(path, a, &sa, ea, sizeof(ea)) == 0);
	CHECK(read_text(path, b, &sb, eb, sizeof(eb)) == 0);
	unlink(path);
	CHECK_STR(ea, eb);
	CHECK(strstr(ea, ":7: field 'user' is missing or not a string") !=
	    NULL);
	CHECK(strstr(ea, ":16: field 'progress' is not a number in [0, 1]") !=
	    NULL);
	CHECK_INT(sa.n, 8);
	CHECK_INT(sb.n, sa.n);
	for (i = 0; i < sa.n; i++) {
		const struct event *x = &sa.ev[i], *y = &sb.ev[i];

		CHECK(memcmp(&x->ts, &y->ts, sizeof(x->ts)) == 0);
		CHECK(memcmp(&x->rating, &y->rating, sizeof(x->rating)) == 0);
		CHECK(memcmp(&x->progress, &y->progress,
		    sizeof(x->progress)) == 0);
		CHECK_STR(idmap_name(&sa.users, x->user),
		    idmap_name(&sb.users, y->user));
		CHECK_STR(idmap_name(&sa.items, x->item),
		    idmap_name(&sb.items, y->item));
		CHECK_STR(idmap_name(&sa.kinds, x->kind),
		    idmap_name(&sb.kinds, y->kind));
	}
	CHECK_STR(idmap_name(&sa.users, sa.ev[2].user), "17");
	CHECK_STR(idmap_name(&sa.items, sa.ev[2].item), "-4");
	CHECK(sa.ev[1].progress == 0.875f && isnan(sa.ev[0].rating));
	CHECK_STR(idmap_name(&sa.kinds, sa.ev[0].kind), "view");
	evset_free(&sa);
	evset_free(&sb);
	free(a);
	free(b);
}

int
main(void)
{
	struct harness h = { 0 };

	RUN(&h, flat_and_jansson_agree);
	return HARNESS_END(&h);
}
