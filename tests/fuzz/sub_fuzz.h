/*
 * The body of the subtitle fuzz targets (fuzz_srt, fuzz_vtt, fuzz_ass,
 * fuzz_sbv, fuzz_mdvd, fuzz_sami, fuzz_ttml):
 * decode the bytes as subconv does, read them as one format, write every
 * format, and check the round-trip promise of subconv(1): the normalised
 * output in the same format reads back without error and writes the same
 * bytes again.  A broken promise aborts, which libFuzzer reports.
 */
#ifndef SUB_FUZZ_H
#define SUB_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sub.h"

/* A reader as the newer formats have it (the options, not a name). */
typedef int (*sub_reader)(char *, size_t, const struct sub_ropts *,
    struct ndj_policy *, struct sub_doc *, struct rerr *);

/* The older readers in that form. */
#define FUZZ_READER(fn, rd) \
	static int \
	fn(char *t, size_t n, const struct sub_ropts *o, \
	    struct ndj_policy *p, struct sub_doc *d, struct rerr *e) \
	{ \
		return rd(t, n, o->name, p, d, e); \
	}

/* Writes doc as f into a malloc'd buffer. */
static char *
fuzz_write(const struct sub_doc *doc, enum sub_fmt f, size_t *n)
{
	char *p = NULL;
	FILE *fp = open_memstream(&p, n);

	if (fp == NULL)
		abort();
	sub_write(fp, doc, f);
	fclose(fp);
	return p;
}

static int
fuzz_sub(const uint8_t *data, size_t size, enum sub_fmt f, sub_reader rd)
{
	static FILE *null;
	struct ndj_policy pol = NDJ_POLICY_DEFAULT;
	struct sub_ropts ro = { "fuzz", NULL, SUB_NONE, SUB_NONE, 1, 0, NULL,
		NULL };
	struct sub_doc doc = { 0 }, again = { 0 };
	struct rerr e = { 0 };
	char *text = NULL, *out1, *out2;
	size_t len = 0, n1, n2;

	if (null == NULL && (null = fopen("/dev/null", "w")) == NULL)
		abort();
	/* The read stops at the first bad block; what came before counts. */
	if (sub_decode((const char *)data, size, &ro, f, &text, &len, NULL,
	    &e) != 0)
		return 0;
	rd(text, len, &ro, &pol, &doc, &e);
	free(text);
	sub_write(null, &doc, SUB_SRT);
	sub_write(null, &doc, SUB_VTT);
	sub_write(null, &doc, SUB_SSA);
	sub_write(null, &doc, SUB_TTML);
	sub_write(null, &doc, SUB_SBV);
	sub_write(null, &doc, SUB_MICRODVD);
	sub_write(null, &doc, SUB_SAMI);
	sub_write(null, &doc, SUB_NDJSON);

	out1 = fuzz_write(&doc, f, &n1);
	memset(&e, 0, sizeof(e));
	ro.name = "again";
	if (rd(out1, n1, &ro, &pol, &again, &e) != 0) {
		fprintf(stderr, "normalised output unreadable: line %ld: %s\n"
		    "%s\n", e.line, e.msg, out1);
		abort();
	}
	/* The reader cut out1 into lines: write it again to compare. */
	free(out1);
	out1 = fuzz_write(&doc, f, &n1);
	out2 = fuzz_write(&again, f, &n2);
	if (n1 != n2 || memcmp(out1, out2, n1) != 0) {
		fprintf(stderr, "not idempotent:\n--- first\n%s--- again\n%s",
		    out1, out2);
		abort();
	}
	free(out1);
	free(out2);
	sub_doc_free(&again);
	sub_doc_free(&doc);
	return 0;
}

#endif /* SUB_FUZZ_H */
