/*
 * Unit tests of receval's metric kernels on hand-computed fixtures, of
 * its splits, and of lib/event's times and ids.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "event.h"
#include "harness.h"
#include "../../cmd/receval/receval.h"

/*
 * pop = {0, 1, 4, 8} train users of 8: items 1, 2, 3 carry -log2 1/8 = 3,
 * -log2 4/8 = 1 and 0 bits; item 0 has no train user and item 9 is past
 * pop, so both are left out: (3 + 1 + 0) / 3 over the list 0 1 2 3 9;
 * only the first 10 count; a list of unknown items has none.
 */
TEST(novelty)
{
	uint32_t pop[] = { 0, 1, 4, 8 }, list[] = { 0, 1, 2, 3, 9 };
	uint32_t eleven[] = { 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1 };

	CHECK_NEAR(recm_novelty(list, 5, pop, 4, 8), 4.0 / 3, 1e-12);
	CHECK_NEAR(recm_novelty(eleven, 11, pop, 4, 8), 1.0, 1e-12);
	CHECK_NEAR(recm_novelty(list, 1, pop, 4, 8), -1, 0);
}

/*
 * rel = {2, 5, 7}, list = 5 1 2 9: hits at ranks 1 and 3.
 * precision@10 = 2/10; recall@20 = 2/3;
 * DCG = 1/log2(2) + 1/log2(4) = 1.5, IDCG = 1 + 1/log2(3) + 1/log2(4)
 * = 2.1309297536, nDCG = 0.7039180890;
 * AP@10 = (1/1 + 2/3) / min(3, 10) = 0.5555555556.
 */
TEST(metrics_small)
{
	uint32_t rel[] = { 2, 5, 7 }, list[] = { 5, 1, 2, 9 };
	struct recm m;

	recm_user(list, 4, rel, 3, &m);
	CHECK_NEAR(m.prec10, 0.2, 1e-12);
	CHECK_NEAR(m.rec20, 2.0 / 3, 1e-12);
	CHECK_NEAR(m.ndcg10, 0.7039180890, 1e-9);
	CHECK_NEAR(m.map10, 0.5555555556, 1e-9);
}

/*
 * 12 relevant items 100..111; the list hits only at ranks 2, 11 and 20
 * and has 25 entries.  precision@10 = 1/10; recall@20 = 3/12;
 * nDCG@10 = (1/log2 3) / sum_{i=1..10} 1/log2(i+1) = 0.6309297536 /
 * 4.5435593381 = 0.1388556; AP@10 = (1/2) / min(12, 10) = 0.05.
 */
TEST(metrics_cut_at_10_and_20)
{
	uint32_t rel[12], list[25];
	struct recm m;
	int i;

	for (i = 0; i < 12; i++)
		rel[i] = 100 + i;
	for (i = 0; i < 25; i++)
		list[i] = 1000 + i;
	list[1] = 100;
	list[10] = 101;
	list[19] = 102;
	list[22] = 103;		/* past 20: counts nowhere */
	recm_user(list, 25, rel, 12, &m);
	CHECK_NEAR(m.prec10, 0.1, 1e-12);
	CHECK_NEAR(m.rec20, 0.25, 1e-12);
	CHECK_NEAR(m.ndcg10, 0.6309297536 / 4.5435593381, 1e-9);
	CHECK_NEAR(m.map10, 0.05, 1e-12);
}

/* A perfect list scores 1 on nDCG and MAP; an empty list 0 everywhere. */
TEST(metrics_perfect_and_empty)
{
	uint32_t rel[] = { 1, 2 }, list[] = { 2, 1, 3 };
	struct recm m;

	recm_user(list, 3, rel, 2, &m);
	CHECK_NEAR(m.ndcg10, 1, 1e-12);
	CHECK_NEAR(m.map10, 1, 1e-12);
	CHECK_NEAR(m.rec20, 1, 1e-12);
	CHECK_NEAR(m.prec10, 0.2, 1e-12);
	recm_user(list, 0, rel, 2, &m);
	CHECK(m.ndcg10 == 0 && m.map10 == 0 && m.rec20 == 0 && m.prec10 == 0);
}

TEST(iso_times)
{
	double t;
	char buf[32];

	CHECK(ev_parse_iso("1970-01-01T00:00:00Z", &t) == 0);
	CHECK(t == 0);
	CHECK(ev_parse_iso("2013-02-28T14:38:27Z", &t) == 0);
	CHECK(t == 1362062307);
	ev_format_iso(t, buf);
	CHECK_STR(buf, "2013-02-28T14:38:27Z");
	CHECK(ev_parse_iso("2013-02-28T16:38:27+02:00", &t) == 0);
	CHECK(t == 1362062307);
	CHECK(ev_parse_iso("1915", &t) == 0);
	ev_format_iso(t, buf);
	CHECK_STR(buf, "1915-01-01T00:00:00Z");
	CHECK(ev_parse_iso("2000-02-30", &t) == -1);
	CHECK(ev_parse_iso("2000-1-3", &t) == -1);
	CHECK(ev_parse_iso("2013-02-28T14:38:27.5Z", &t) == 0);
	CHECK(t == 1362062307.5);
}

TEST(idmap_interns)
{
	struct idmap m;
	char name[16];
	long i;

	idmap_init(&m);
	for (i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "u%ld", i);
		CHECK(idmap_add(&m, name, strlen(name)) == i);
	}
	CHECK(idmap_add(&m, "u17", 3) == 17);
	CHECK(idmap_find(&m, "u999", 4) == 999);
	CHECK(idmap_find(&m, "u1000", 5) == -1);
	CHECK_STR(idmap_name(&m, 5), "u5");
	idmap_free(&m);
}

static void
add(struct evset *s, const char *u, const char *it, double ts)
{
	struct event ev = { 0 };

	ev.user = (uint32_t)idmap_add(&s->users, u, strlen(u));
	ev.item = (uint32_t)idmap_add(&s->items, it, strlen(it));
	ev.ts = ts;
	ev.seq = (uint32_t)s->n;
	s->ev[s->n++] = ev;
}

/*
 * Events (user item ts): a x 1, a y 2, b x 3, a z 4, b y 5, c w 6, a x 7,
 * b z 8.  Time cut at 0.5: the 5th smallest time, 5; train is the first
 * four; test candidates b y 5 (ok), c w 6 (user and item unknown), a x 7
 * (pair in train), b z 8 (ok).  Leave-last-out: a's last is a x 7 (pair
 * in train: dropped), b's is b z 8 (ok, z in train from a z 4), c has one
 * event (train).
 */
TEST(splits)
{
	struct evset s;
	struct split_opts o = { SPLIT_TIME, 0.5, 0, NULL, NULL };
	struct rerr e = { 0 };
	unsigned char w[8];
	static const unsigned char wt[] = { 1, 1, 1, 1, 2, 0, 0, 2 };
	static const unsigned char wl[] = { 1, 1, 1, 1, 1, 1, 0, 2 };
	double cut;
	int i;

	evset_init(&s);
	s.ev = calloc(8, sizeof(*s.ev));
	s.cap = 8;
	add(&s, "a", "x", 1), add(&s, "a", "y", 2), add(&s, "b", "x", 3);
	add(&s, "a", "z", 4), add(&s, "b", "y", 5), add(&s, "c", "w", 6);
	add(&s, "a", "x", 7), add(&s, "b", "z", 8);
	CHECK(split_assign(&s, &o, w, &cut, &e) == 0);
	CHECK(cut == 5);
	for (i = 0; i < 8; i++)
		CHECK_INT(w[i], wt[i]);
	o.mode = SPLIT_LLO;
	CHECK(split_assign(&s, &o, w, &cut, &e) == 0);
	for (i = 0; i < 8; i++)
		CHECK_INT(w[i], wl[i]);
	evset_free(&s);
}

int
main(void)
{
	struct harness h = { 0 };

	RUN(&h, metrics_small);
	RUN(&h, novelty);
	RUN(&h, metrics_cut_at_10_and_20);
	RUN(&h, metrics_perfect_and_empty);
	RUN(&h, iso_times);
	RUN(&h, idmap_interns);
	RUN(&h, splits);
	return HARNESS_END(&h);
}
