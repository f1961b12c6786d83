/*
 * Unit tests of langid's model loader, scoring and spans, on the tiny
 * model of tests/fuzz/langid_fuzz.h and on share/langid.model when the
 * source tree has it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "../fuzz/langid_fuzz.h"
#include "../../cmd/langid/lid_detect.h"

static int
load_tiny(struct lid_model *m, size_t cut, int flip)
{
	struct rerr e;
	unsigned char *mem;
	size_t len;

	mem = tiny_model(&len);
	if (flip)
		mem[LID_HDR + 20] ^= 1;
	memset(m, 0, sizeof(*m));
	return lid_model_from_mem(m, mem, len - cut, "tiny", &e);
}

TEST(loader_checks)
{
	struct lid_model m;
	struct lid_ctx c;
	unsigned char *mem;
	struct rerr e;
	size_t len, i;

	CHECK_INT(load_tiny(&m, 0, 0), 0);
	CHECK_INT(m.nlang, 3);
	CHECK_STR(m.label[1], "bb");
	CHECK_INT(lid_model_find(&m, "cc"), 2);
	CHECK_INT(lid_model_find(&m, "dd"), -1);
	lid_model_free(&m);
	/* Truncated, or one bit changed: rejected (expected by the test). */
	CHECK_INT(load_tiny(&m, 1, 0), EX_DATAERR);
	CHECK_INT(load_tiny(&m, 0, 1), EX_DATAERR);
	/*
	 * Damage behind a valid checksum: a language byte past nlang loads,
	 * and scoring stays in bounds (the SAN=1 build checks that).
	 */
	mem = tiny_model_body(&len);
	memset(mem + LID_SLOTOFF(3) + 8 * TINY_SLOTS, 0xff, 2);
	{
		uint32_t sum = lid_checksum(mem, len);

		memcpy(mem + len, &sum, 4);
	}
	memset(&m, 0, sizeof(m));
	CHECK_INT(lid_model_from_mem(&m, mem, len + 4, "tiny", &e), 0);
	lid_ctx_init(&c, &m, NULL, 10);
	CHECK(lid_detect(&c, "ab ba \xE3\x81\x82", 9) == 0);
	CHECK(lid_spans(&c, "ab ba \xE3\x81\x82", 9) == 0);
	lid_ctx_free(&c);
	lid_model_free(&m);
	/*
	 * A reference out of range, or a table without an empty slot, is
	 * rejected at load (expected by the test): lookups do not check.
	 */
	mem = tiny_model_body(&len);
	for (i = 0; i < TINY_SLOTS; i++)
		if (memcmp(mem + LID_SLOTOFF(3) + 4 * lid_key_at(i), "\0\0\0\0",
		    4)) {
			memset(mem + LID_SLOTOFF(3) + 4 * (lid_key_at(i) +
			    LID_LINE) + 1, 0xff, 3);
			break;
		}
	{
		uint32_t sum = lid_checksum(mem, len);

		memcpy(mem + len, &sum, 4);
	}
	memset(&m, 0, sizeof(m));
	CHECK_INT(lid_model_from_mem(&m, mem, len + 4, "tiny", &e), EX_DATAERR);
	CHECK(strstr(e.msg, "reference out of range") != NULL);
	mem = tiny_model_body(&len);
	for (i = 0; i < TINY_SLOTS; i++)
		if (memcmp(mem + LID_SLOTOFF(3) + 4 * lid_key_at(i), "\0\0\0\0",
		    4) == 0)
			memcpy(mem + LID_SLOTOFF(3) + 4 * lid_key_at(i),
			    "\x01\0\0\0", 4);
	{
		uint32_t sum = lid_checksum(mem, len);

		memcpy(mem + len, &sum, 4);
	}
	memset(&m, 0, sizeof(m));
	CHECK_INT(lid_model_from_mem(&m, mem, len + 4, "tiny", &e), EX_DATAERR);
	CHECK(strstr(e.msg, "no empty slot") != NULL);
	CHECK_INT(lid_model_load(&m, "/nonexistent/langid.model", &e),
	    EX_NOINPUT);
}

TEST(scoring)
{
	struct lid_model m;
	struct lid_ctx c;
	double sum = 0;
	uint32_t i;

	CHECK_INT(load_tiny(&m, 0, 0), 0);
	lid_ctx_init(&c, &m, NULL, 10);
	CHECK(lid_detect(&c, "ab", 2) == 0);
	CHECK(c.nword);
	for (i = 0; i < m.nlang; i++)
		sum += c.p[i];
	CHECK_NEAR(sum, 1, 1e-9);
	CHECK(c.p[c.order[0]] >= c.p[c.order[1]]);
	CHECK(c.p[c.order[1]] >= c.p[c.order[2]]);
	CHECK(lid_detect(&c, "12 !", 4) == 0);
	CHECK(!c.nword);
	CHECK(lid_spans(&c, "12 !", 4) == 0);
	CHECK_INT(c.nspan, 0);
	lid_ctx_free(&c);
	lid_model_free(&m);
}

TEST(restricted)
{
	static const unsigned char allow[LID_MAXLANG] = { 0, 1, 1 };
	struct lid_model m;
	struct lid_ctx c;

	CHECK_INT(load_tiny(&m, 0, 0), 0);
	lid_ctx_init(&c, &m, allow, 10);
	CHECK(lid_detect(&c, "a a a", 5) == 0);
	CHECK(c.p[0] == 0);
	CHECK(c.order[0] != 0);
	CHECK_NEAR(c.p[1] + c.p[2], 1, 1e-9);
	lid_ctx_free(&c);
	lid_model_free(&m);
}

/*
 * The posterior: the fast path (every language allowed) and the general
 * one give the same bits, and both agree with libm's exp.
 */
TEST(posterior_paths)
{
	struct lid_model m;
	static unsigned char all[LID_MAXLANG];
	double ll[LID_MAXLANG], p[LID_MAXLANG], q[LID_MAXLANG], r[LID_MAXLANG];
	double t, mx = -INFINITY, sum = 0;
	uint32_t i, n = 57;
	int nl;

	for (nl = 1; nl <= LID_MAXLANG; nl += 7) {
		memset(&m, 0, sizeof(m));
		m.nlang = nl;
		for (i = 0; i < m.nlang; i++) {
			ll[i] = -400 - 37.0 * ((i * 7919) % 61) + sin(i) * 3;
			all[i] = 1;
		}
		lid_posterior_with(&m, ll, n, NULL, 1.3, 0.6, p);
		lid_posterior_with(&m, ll, n, all, 1.3, 0.6, q);
		CHECK(memcmp(p, q, m.nlang * sizeof(p[0])) == 0);
		t = 1.3 / pow(n, 0.6);
		mx = -INFINITY;
		sum = 0;
		for (i = 0; i < m.nlang; i++)
			if (ll[i] > mx)
				mx = ll[i];
		for (i = 0; i < m.nlang; i++) {
			r[i] = (ll[i] - mx) * t < -40 ? 0 : exp((ll[i] - mx) * t);
			sum += r[i];
		}
		for (i = 0; i < m.nlang; i++)
			CHECK_NEAR(p[i], r[i] / sum, 1e-15 + 1e-14 * p[i]);
	}
	/* lid_loglik: the formula of lid_model.h, bit for bit. */
	{
		int64_t acc[LID_ACCLEN];

		for (i = 0; i < LID_MAXLANG; i++) {
			acc[i] = (int32_t)(i * 104729 % 99991) - 5000;
			m.floor[i] = -8.5f - (float)(i % 13) / 7;
		}
		m.nlang = LID_MAXLANG;
		lid_loglik(&m, acc, 1234, ll);
		for (i = 0; i < m.nlang; i++) {
			r[i] = acc[i] / LID_QSCALE + 1234 * (double)m.floor[i];
			CHECK(memcmp(&ll[i], &r[i], sizeof(r[i])) == 0);
		}
	}
}

/* With the real model: two sentences, two spans at the sentence end. */
TEST(real_spans)
{
	static const char *s = "  Toda persona tiene derecho a la educación "
	    "y a la cultura. Everyone has the right to freedom of thought "
	    "and of religion.  ";
	struct lid_model m;
	struct lid_ctx c;
	struct rerr e;
	char path[4096];
	const char *top = getenv("REEL_TOP");

	snprintf(path, sizeof(path), "%s/share/langid.model",
	    top != NULL ? top : ".");
	if (lid_model_load(&m, path, &e) != 0)
		return;		/* not run from the source tree */
	lid_ctx_init(&c, &m, NULL, 55);
	CHECK(lid_detect(&c, s, strlen(s)) == 0);
	CHECK(lid_spans(&c, s, strlen(s)) == 0);
	CHECK_INT(c.nspan, 2);
	CHECK_STR(m.label[c.span[0].lang], "es");
	CHECK_STR(m.label[c.span[1].lang], "en");
	CHECK_INT(c.span[0].start, 2);
	CHECK_INT(c.span[0].end, 60);	/* after "cultura." */
	CHECK_INT(c.span[1].start, 61);
	CHECK_INT(c.span[1].end, strlen(s) - 2);
	CHECK(c.span[0].conf > 0.5 && c.span[0].conf <= 1);
	lid_ctx_free(&c);
	lid_model_free(&m);
}

int
main(void)
{
	struct harness h = { 0 };

	RUN(&h, loader_checks);
	RUN(&h, scoring);
	RUN(&h, restricted);
	RUN(&h, posterior_paths);
	RUN(&h, real_spans);
	return HARNESS_END(&h);
}
