/*
 * Differential fuzz target: one record through abtest's two ingest paths.
 * ab_flat takes what ndj_flat_parse (the fast path) made of the line,
 * ab_json what jansson made of it; each feeds a fresh run state.  Both
 * must accept the record or both reject it with the same status and
 * message, leave the same unit table and summaries, and report the same
 * bytes.  (fuzz_ndjson_fast shows the two parsers agree on the JSON; this
 * shows abtest reads their results alike: types, missing fields, counts.)
 *
 * The first byte picks options: bit 0 --merge, bit 1 --variants A,B,
 * bit 2 -b click, bit 3 --covariate pre -r revenue/orders, bit 4 --tau2.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../../cmd/abtest/abtest.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
same_state(const struct ab *a, const struct ab *b)
{
	size_t i;

	if (a->mask != b->mask || a->used != b->used ||
	    a->nsumm != b->nsumm || a->exps.n != b->exps.n ||
	    a->vars.n != b->vars.n || a->mets.n != b->mets.n)
		abort();
	for (i = 0; i <= a->mask; i++)
		if (a->tab[i].key != b->tab[i].key ||
		    memcmp(&a->tab[i].val, &b->tab[i].val, sizeof(double)))
			abort();
	for (i = 0; i < a->nsumm; i++) {
		const struct summ *s = &a->summ[i], *t = &b->summ[i];
		if (s->exp != t->exp || s->var != t->var || s->met != t->met ||
		    s->role != t->role || s->with != t->with ||
		    s->partial != t->partial || s->hasmom != t->hasmom ||
		    s->look != t->look || memcmp(&s->x, &t->x, sizeof s->x) ||
		    memcmp(&s->c, &t->c, sizeof s->c))
			abort();
	}
}

/* The report of a run, in a malloc'd string; rv its status. */
static char *
report(struct ab *ab, int *rv, struct rerr *e)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	if ((fp = open_memstream(&buf, &len)) == NULL)
		abort();
	*rv = ab_report(ab, fp, e);
	fclose(fp);
	return buf;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct opts o;
	static char va[] = "A", vb[] = "B", click[] = "click",
	    rev[] = "revenue";
	struct ab a1, a2;
	struct ndj_flat fl;
	struct ndj_reader *r;
	struct rerr e1 = { 0 }, e2 = { 0 };
	json_error_t err;
	json_t *rec;
	const char *line;
	char *out1, *out2;
	size_t len;
	int rv1, rv2;

	if (size < 1)
		return 0;
	line = (const char *)data + 1;
	len = size - 1;
	if (!ndj_flat_parse(line, len, &fl))
		return 0;	/* jansson alone reads it, on both paths */
	rec = json_loadb(line, len, JSON_REJECT_DUPLICATES |
	    JSON_DECODE_ANY, &err);
	if (rec == NULL || !json_is_object(rec))
		abort();	/* fuzz_ndjson_fast's business, but be sure */
	memset(&o, 0, sizeof o);
	o.alpha = 0.05;
	o.srm_alpha = 0.001;
	o.prior_a = o.prior_b = 1;
	o.merge = data[0] & 1;
	if (data[0] & 2) {
		o.variants[0] = va;
		o.variants[1] = vb;
		o.nvariants = 2;
	}
	if (data[0] & 4) {
		o.binary[0] = click;
		o.nbinary = 1;
	}
	if (data[0] & 8) {
		o.covariate = "pre";
		o.ratio_num[0] = rev;
		o.ratio_den[0] = "orders";
		o.nratio = 1;
	}
	if (data[0] & 16)
		o.tau2 = 0.01;
	if (ab_init(&a1, &o) < 0 || ab_init(&a2, &o) < 0)
		abort();
	if ((r = ndj_openf(stdin, "<fuzz>")) == NULL)
		abort();
	rv1 = ab_flat(&a1, r, &fl, &e1);
	rv2 = ab_json(&a2, r, rec, &e2);
	if (rv1 != rv2 || e1.code != e2.code || strcmp(e1.msg, e2.msg) != 0)
		abort();
	if (ab_flush(&a1, &e1) < 0 || ab_flush(&a2, &e2) < 0)
		abort();
	same_state(&a1, &a2);
	if (rv1 == 0) {
		out1 = report(&a1, &rv1, &e1);
		out2 = report(&a2, &rv2, &e2);
		if (rv1 != rv2 || strcmp(out1, out2) != 0 ||
		    strcmp(e1.msg, e2.msg) != 0)
			abort();
		free(out1);
		free(out2);
	}
	ndj_close(r);
	ab_free(&a1);
	ab_free(&a2);
	json_decref(rec);
	return 0;
}
