/*
 * Unit tests of lib/model (a model written and read back; truncated,
 * other-version and corrupted files refused) and lib/linalg (Cholesky,
 * CG and top-k against hand-computed answers).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "linalg.h"
#include "model.h"

/* A two-user, three-item model with factors, in a malloc'd buffer. */
static unsigned char *
small_model(size_t *len)
{
	static struct model_meta meta;
	static const char unames[] = "a\0b", inames[] = "x\0y\0z";
	static const uint32_t uoff[] = { 0, 2 }, ioff[] = { 0, 2, 4 };
	static const uint32_t sstart[] = { 0, 1, 3 }, seen[] = { 2, 0, 1 };
	static const float pop[] = { 3, 2, 1 }, rec[] = { 1, 0, 0 };
	static const float uf[] = { 1, 0, 0, 1 }, vf[] = { 1, 0, 0, 1, 1, 1 };
	struct model_writer w;
	struct rerr e = { 0 };
	char *buf = NULL;
	unsigned char *al;
	size_t n = 0;
	FILE *fp = open_memstream(&buf, &n);

	memset(&meta, 0, sizeof(meta));
	meta.nusers = 2, meta.nitems = 3, meta.k = 2;
	model_writer_init(&w);
	model_add(&w, MS_META, &meta, sizeof(meta), 1);
	model_add(&w, MS_USER_NAMES, unames, 1, sizeof(unames));
	model_add(&w, MS_USER_OFF, uoff, 4, 2);
	model_add(&w, MS_ITEM_NAMES, inames, 1, sizeof(inames));
	model_add(&w, MS_ITEM_OFF, ioff, 4, 3);
	model_add(&w, MS_SEEN_START, sstart, 4, 3);
	model_add(&w, MS_SEEN_ITEM, seen, 4, 3);
	model_add(&w, MS_POP_ALL, pop, 4, 3);
	model_add(&w, MS_POP_RECENT, rec, 4, 3);
	model_add(&w, MS_USER_FACTORS, uf, 4, 4);
	model_add(&w, MS_ITEM_FACTORS, vf, 4, 6);
	if (model_write(&w, fp, "mem", &e) != 0)
		return NULL;
	fclose(fp);
	/* model_from_mem wants 8-byte alignment, as mmap gives. */
	al = aligned_alloc(8, (n + 7) & ~(size_t)7);
	memcpy(al, buf, n);
	free(buf);
	*len = n;
	return al;
}

TEST(model_round_trip)
{
	struct model m;
	struct rerr e = { 0 };
	size_t n;
	unsigned char *b = small_model(&n);

	CHECK(b != NULL);
	CHECK_INT(model_from_mem(&m, b, n, "mem", &e), 0);
	CHECK_INT(m.meta.nitems, 3);
	CHECK_STR(m.item_names + m.item_off[2], "z");
	CHECK(m.vf[4] == 1 && m.seen[m.seen_start[1]] == 0);
	free(b);
}

TEST(model_refuses_truncated_and_versions)
{
	struct model m;
	struct rerr e = { 0 };
	size_t n, cut;
	unsigned char *b = small_model(&n);

	CHECK(b != NULL);
	for (cut = 0; cut < n; cut += 8) {
		CHECK_INT(model_from_mem(&m, b, cut, "mem", &e), EX_DATAERR);
	}
	CHECK(strstr(e.msg, "truncated") != NULL);
	b[8] = 2;	/* version 2 */
	CHECK_INT(model_from_mem(&m, b, n, "mem", &e), EX_DATAERR);
	CHECK(strstr(e.msg, "version 2") != NULL);
	b[8] = 1;
	b[n - 5] ^= 1;	/* a flipped bit in the data */
	CHECK_INT(model_from_mem(&m, b, n, "mem", &e), EX_DATAERR);
	CHECK(strstr(e.msg, "checksum") != NULL);
	free(b);
}

/* [[4, 2], [2, 3]] x = [2, 1]: x = [0.5, 0]. */
TEST(cholesky_and_cg)
{
	double a[] = { 4, 2, 2, 3 }, b[] = { 2, 1 };

	CHECK_INT(la_cholesky(a, 2), 0);
	CHECK_NEAR(a[0], 2, 1e-12);
	CHECK_NEAR(a[2], 1, 1e-12);
	CHECK_NEAR(a[3], 1.4142135623730951, 1e-12);
	la_chol_solve(a, 2, b);
	CHECK_NEAR(b[0], 0.5, 1e-12);
	CHECK_NEAR(b[1], 0, 1e-12);
	double np[] = { 1, 2, 2, 1 };
	CHECK_INT(la_cholesky(np, 2), -1);
}

static void
mv(const float *x, float *out, void *arg)
{
	(void)arg;
	out[0] = 4 * x[0] + 2 * x[1];
	out[1] = 2 * x[0] + 3 * x[1];
}

TEST(cg_converges)
{
	float b[] = { 2, 1 }, x[] = { 0, 0 }, work[6];

	/* CG solves an n x n system in at most n steps. */
	la_cg(2, mv, NULL, b, x, 2, work);
	CHECK_NEAR(x[0], 0.5, 1e-6);
	CHECK_NEAR(x[1], 0, 1e-6);
}

TEST(topk_keeps_best)
{
	struct la_topk t;
	float v[] = { 0.5f, 3, 1, 3, -1, 2, 0 };
	uint32_t i;

	CHECK_INT(la_topk_init(&t, 3), 0);
	for (i = 0; i < 7; i++)
		la_topk_push(&t, i, v[i]);
	la_topk_sort(&t);
	CHECK_INT(t.n, 3);
	/* Ties go to the smaller index. */
	CHECK_INT(t.idx[0], 1);
	CHECK_INT(t.idx[1], 3);
	CHECK_INT(t.idx[2], 5);
	la_topk_free(&t);
}

int
main(void)
{
	struct harness h = { 0 };

	RUN(&h, model_round_trip);
	RUN(&h, model_refuses_truncated_and_versions);
	RUN(&h, cholesky_and_cg);
	RUN(&h, cg_converges);
	RUN(&h, topk_keeps_best);
	return HARNESS_END(&h);
}
