/*
 * libFuzzer target: subfix's line breaking and timing on arbitrary input.
 * The first bytes choose the markup and the limits; the rest is cue text.
 * Checks that a new layout differs from the old only in white space, that
 * --split's parts hold the same visible text as the cue (tags aside) and
 * each fits when there are several, and
 * that the timing passes keep every cue's start before its end and the
 * shot-change and gap arithmetic in range.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../cmd/subfix/subfix.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *
joined(const char *s)
{
	char *o = malloc(strlen(s) + 1), *p = o;
	int sp = 0;

	if (o == NULL)
		abort();
	for (; *s; s++) {
		if (*s == ' ' || *s == '\n' || *s == '\t') {
			sp = p > o;
			continue;
		}
		if (sp)
			*p++ = ' ';
		sp = 0;
		*p++ = *s;
	}
	*p = '\0';
	return o;
}

/* s without its <...> spans, in place. */
static char *
untagged(char *s)
{
	char *r = s, *w = s, *gt;

	while (*r != '\0')
		if (*r == '<' && (gt = strchr(r, '>')) != NULL)
			r = gt + 1;
		else
			*w++ = *r++;
	*w = '\0';
	return s;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum sub_fmt mk[] = { SUB_SRT, SUB_VTT, SUB_ASS };
	struct fix_opts o = { 0 };
	struct fix_limits l;
	struct fix_report r = { 0 };
	struct fix_cue c[16];
	int64_t shots[8];
	char *text, *t, *a, *b, **parts;
	size_t i, n, ns, np;
	long longest, lines;

	if (size < 4 || size > 4096)
		return 0;
	text = malloc(size - 3);
	memcpy(text, data + 3, size - 4);
	text[size - 4] = '\0';
	t = lay_rebreak(text, mk[data[0] % 3], 5 + data[1] % 60,
	    1 + data[2] % 3, data[0] / 3 % 2);
	if (t != NULL) {
		a = joined(text);
		b = joined(t);
		if (strcmp(a, b) != 0)
			abort();
		free(a);
		free(b);
		free(t);
	}
	np = lay_split(text, mk[data[0] % 3], 5 + data[1] % 60,
	    1 + data[2] % 3, 1 + data[2] / 3 % 3, &parts);
	if (np > 1) {
		struct sub_buf all = { 0 };

		for (i = 0; i < np; i++) {
			lay_measure(parts[i], mk[data[0] % 3], &longest, &lines);
			if (parts[i][0] == '\0' || lines != 1)
				abort();
			if (i > 0)
				sub_buf_putc(&all, ' ');
			sub_buf_puts(&all, parts[i]);
			free(parts[i]);
		}
		sub_buf_putc(&all, '\0');
		/* The same words: tags closed and opened again aside. */
		a = untagged(joined(text));
		b = untagged(joined(all.p));
		if (strcmp(a, b) != 0)
			abort();
		free(a);
		free(b);
		free(all.p);
		free(parts);
	}
	free(text);

	/* Timing: cues and shot changes from the same bytes. */
	o.fps = 10 + data[0] % 50;
	o.p = *subfix_profiles[data[1] % 3];
	fix_limits(&o, &l);
	n = (size - 3) / 4 < 16 ? (size - 3) / 4 : 16;
	for (i = 0; i < n; i++) {
		const uint8_t *q = data + 3 + 4 * i;

		memset(&c[i], 0, sizeof(c[i]));
		c[i].num = (long)i + 1;
		c[i].start = (i ? c[i - 1].start : 0) + q[0] * 40;
		c[i].end = c[i].start + q[1] * 40;
		c[i].chars = q[2];
	}
	ns = n < 8 ? n : 8;
	for (i = 0; i < ns; i++)
		shots[i] = (i ? shots[i - 1] : 0) + 1 + data[3 + i] * 97;
	if ((r.fp = fopen("/dev/null", "w")) == NULL)
		return 0;
	fix_timing(c, n, shots, ns, &l, &r);
	for (i = 0; i < n; i++)
		if (c[i].end < c[i].start || c[i].start < 0)
			abort();
	fix_verify(c, n, shots, ns, &l, &r);
	fclose(r.fp);
	return 0;
}
