/*
 * Unit tests of langid's input and output parts: scripts (lid_script.c),
 * the canonical-form record scanner (lid_rec.c), plain lines a piece at
 * a time (lid_lines.c), the repair of plain text and the escaping of
 * pieces (lid_out.c), and text fed in pieces against text in one go.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "../fuzz/langid_fuzz.h"
#include "../../cmd/langid/lid_detect.h"
#include "../../cmd/langid/lid_lines.h"
#include "../../cmd/langid/lid_out.h"
#include "../../cmd/langid/lid_rec.h"

/* The main script of s. */
static int
main_script(const char *s)
{
	struct text_norm t = { 0 };
	struct lid_sc_count k;

	text_normalise(&t, s, strlen(s));
	lid_sc_reset(&k);
	lid_sc_count(&k, t.cp, t.n);
	text_norm_free(&t);
	return lid_sc_main(&k);
}

TEST(scripts)
{
	CHECK_INT(lid_script_of('a'), LID_SC_LATIN);
	CHECK_INT(lid_script_of(0x0416), LID_SC_CYRILLIC);	/* Ж */
	CHECK_INT(lid_script_of(0x0301), LID_SC_NONE);	/* combining acute */
	CHECK_INT(lid_script_of(0x0E9E), LID_SC_LAO);
	CHECK_INT(lid_script_of(0x3042), LID_SC_KANA);	/* あ */
	CHECK_INT(lid_script_of(0x30AB), LID_SC_KANA);	/* カ */
	CHECK_INT(lid_script_of(0x4EAC), LID_SC_HAN);	/* 京 */
	CHECK_INT(lid_script_of(0xAC00), LID_SC_HANGUL);
	CHECK_INT(lid_script_of(0x1C5A), LID_SC_OLCHIKI);
	CHECK_INT(lid_script_of(0x20000), LID_SC_HAN);
	CHECK_STR(lid_script_name(LID_SC_HAN), "Hani");
	CHECK_INT(main_script("Der Hund"), LID_SC_LATIN);
	CHECK_INT(main_script("1234 !?"), LID_SC_NONE);
	/* One kana character makes Han text Japanese. */
	CHECK_INT(main_script("北京"), LID_SC_HAN);
	CHECK_INT(main_script("Profiler を使用"), LID_SC_KANA);
	/* A Chinese name in English, an English word in Korean. */
	CHECK_INT(main_script("I visited 北京 last year"), LID_SC_LATIN);
	CHECK_INT(main_script("Samsung 갤럭시 사용법"), LID_SC_HANGUL);
	/* Long runs count more than short ones. */
	CHECK_INT(main_script("internationalisation Мир"), LID_SC_LATIN);
}

TEST(rec_scan)
{
	struct lid_path p[2];
	struct lid_val v[2];
	char buf[64];
	size_t n;

#define SCAN(s, np) lid_rec_scan((s), strlen(s), p, (np), v)
	CHECK_INT(lid_path_parse(&p[0], "text"), 0);
	CHECK_INT(lid_path_parse(&p[1], "a.b"), 0);
	CHECK_INT(lid_path_parse(&p[1], "a..b"), -1);
	CHECK_INT(lid_path_parse(&p[1], ""), -1);
	CHECK_INT(lid_path_parse(&p[1], "a.b"), 0);
	CHECK_INT(p[1].n, 2);
	CHECK_INT(SCAN("{\"text\":\"x\\ny\",\"a\":{\"b\":null}}", 2), 1);
	CHECK_INT(v[0].type, LID_V_STRING);
	CHECK_INT(v[1].type, LID_V_NULL);
	memcpy(buf, v[0].p, v[0].n);
	n = lid_rec_decode(buf, v[0].n);
	CHECK_INT(n, 3);
	CHECK(memcmp(buf, "x\ny", 3) == 0);
	CHECK_INT(SCAN("{\"a\":5}", 2), 1);
	CHECK_INT(v[0].type, LID_V_ABSENT);
	CHECK_INT(v[1].type, LID_V_ABSENT);	/* a is no object */
	CHECK_INT(SCAN("{\"text\":7,\"t\":[1,2.5,-3,true,{}]}", 1), 1);
	CHECK_INT(v[0].type, LID_V_OTHER);
	CHECK_INT(SCAN("{}", 1), 1);
	/* Not canonical, or not sure: jansson's. */
	CHECK_INT(SCAN("{\"text\": \"x\"}", 1), 0);
	CHECK_INT(SCAN("{\"text\":\"\\u00e9\"}", 1), 0);
	CHECK_INT(SCAN("{\"text\":\"\\/\"}", 1), 0);
	CHECK_INT(SCAN("{\"text\":\"\\u0000\"}", 1), 0);
	CHECK_INT(SCAN("{\"t\":1.50}", 1), 0);
	CHECK_INT(SCAN("{\"t\":1e2}", 1), 0);
	CHECK_INT(SCAN("{\"t\":-0}", 1), 0);
	CHECK_INT(SCAN("{\"t\":1,\"t\":2}", 1), 0);
	CHECK_INT(SCAN("{\"text\":\"x\",\"lang\":\"de\"}", 1), 0);
	CHECK_INT(SCAN("{\"text\":\"\xff\"}", 1), 0);
	CHECK_INT(SCAN("[1]", 1), 0);
	CHECK_INT(SCAN("{\"t\":1} ", 1), 0);
	CHECK_INT(SCAN("{\"t\":1", 1), 0);
#undef SCAN
}

TEST(repair)
{
	struct ndj_buf b = { 0 };

	/* Invalid bytes and NUL become U+FFFD, one each. */
	CHECK_INT(lid_repair(&b, "a\xff" "b\0c", 5, 1), 5);
	CHECK_INT(b.len, 9);
	CHECK(memcmp(b.p, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c", 9) == 0);
	/* An incomplete sequence at the end waits, unless final. */
	b.len = 0;
	CHECK_INT(lid_repair(&b, "ab\xC3", 3, 0), 2);
	CHECK_INT(b.len, 2);
	b.len = 0;
	CHECK_INT(lid_repair(&b, "ab\xC3", 3, 1), 3);
	CHECK_INT(b.len, 5);
	b.len = 0;
	CHECK_INT(lid_out_escaped(&b, "a\"b\n", 4), 0);
	CHECK_INT(b.len, 6);
	CHECK(memcmp(b.p, "a\\\"b\\n", 6) == 0);
	ndj_buf_free(&b);
}

TEST(lines)
{
	static const char in[] = "\xEF\xBB\xBFone\r\n\ntwo\nthree\r";
	struct lid_lines r;
	struct rerr e;
	char path[] = "/tmp/test_langid_io.XXXXXX", got[64] = "";
	const char *s;
	size_t n;
	int fd, more, k = 0;

	CHECK((fd = mkstemp(path)) >= 0);
	CHECK(write(fd, in, sizeof(in) - 1) == (ssize_t)sizeof(in) - 1);
	close(fd);
	CHECK_INT(lid_lines_open(&r, path, &e), 0);
	while (lid_lines_next(&r, &s, &n, &more, &e) == 1) {
		CHECK_INT(more, 0);
		strncat(got, s, n);
		strcat(got, "|");
		k++;
	}
	lid_lines_close(&r);
	unlink(path);
	CHECK_INT(k, 4);
	CHECK_STR(got, "one||two|three|");
	CHECK_INT(lid_lines_open(&r, "/", &e), EX_NOINPUT);
	CHECK_INT(lid_lines_open(&r, "/nonexistent/x", &e), EX_NOINPUT);
}

/* With the tiny model: text fed in pieces, a byte at a time, as one go. */
TEST(feed)
{
	static const char *texts[] = { "ab ba abab", "  a b ", "", "12 !",
	    "\xE3\x81\x82\xE3\x81\x82 ab", "ab\xff" "ba" };
	struct lid_model m;
	struct lid_ctx c, d;
	struct rerr e;
	unsigned char *mem;
	size_t len, i, j, n;

	mem = tiny_model(&len);
	memset(&m, 0, sizeof(m));
	CHECK_INT(lid_model_from_mem(&m, mem, len, "tiny", &e), 0);
	lid_ctx_init(&c, &m, NULL, 10);
	lid_ctx_init(&d, &m, NULL, 10);
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		n = strlen(texts[i]);
		CHECK(lid_detect(&c, texts[i], n) == 0);
		lid_begin(&d);
		for (j = 0; j < n; j++)
			CHECK(lid_feed(&d, texts[i] + j, 1) == 0);
		CHECK(lid_end(&d) == 0);
		CHECK_INT(d.nword, c.nword);
		CHECK_INT(d.und, c.und);
		CHECK(memcmp(d.p, c.p, m.nlang * sizeof(c.p[0])) == 0);
	}
	lid_ctx_free(&c);
	lid_ctx_free(&d);
	lid_model_free(&m);
}

/*
 * A text of several chunks: the grams across each cut are those of the
 * text in one piece, so the sums are the same whatever the cuts.
 */
TEST(chunks)
{
	struct lid_model m;
	struct lid_ctx c;
	struct text_norm t = { 0 };
	struct rerr e;
	unsigned char *mem;
	int32_t acc[LID_ACCLEN];
	char *s;
	size_t len, n = 3 * LID_PIECE + 12345, i;
	uint32_t ng;

	mem = tiny_model(&len);
	memset(&m, 0, sizeof(m));
	CHECK_INT(lid_model_from_mem(&m, mem, len, "tiny", &e), 0);
	CHECK((s = malloc(n)) != NULL);
	/* Words of a and b, and a stretch without any break at all. */
	for (i = 0; i < n; i++)
		s[i] = i > LID_PIECE && i < 2 * LID_PIECE + 100 ? 'a' :
		    "ab ba abb a"[i % 11];
	CHECK(text_normalise(&t, s, n) == 0);
	memset(acc, 0, sizeof(acc));
	ng = lid_accumulate(&m, t.cp, 0, t.n, acc);
	lid_ctx_init(&c, &m, NULL, 10);
	CHECK(lid_detect(&c, s, n) == 0);
	CHECK(c.chunks > 1);
	CHECK_INT(c.ng, ng);
	for (i = 0; i < m.nlang; i++)
		CHECK(c.sum[i] == acc[i]);
	lid_ctx_free(&c);
	lid_model_free(&m);
	text_norm_free(&t);
	free(s);
}

int
main(void)
{
	struct harness h = { 0 };

	RUN(&h, scripts);
	RUN(&h, rec_scan);
	RUN(&h, repair);
	RUN(&h, lines);
	RUN(&h, feed);
	RUN(&h, chunks);
	return HARNESS_END(&h);
}
