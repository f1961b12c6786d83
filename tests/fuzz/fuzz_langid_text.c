/*
 * Fuzz target: langid on arbitrary text (any bytes, invalid UTF-8
 * included), whole-text and spans.  Uses share/langid.model when it is
 * found ($REEL_TOP/share or ./share), else a tiny model built here.
 * Checks the invariants the man page promises: probabilities that sum
 * to 1, spans in order, inside the text and not overlapping; and that the
 * text fed in two pieces (cut where its first byte says) gets the same
 * answer, bit for bit, as the text in one go.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "langid_fuzz.h"
#include "text.h"
#include "../../cmd/langid/lid_detect.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct lid_model model;
static int loaded;

static void
load(void)
{
	char path[4096];
	const char *top = getenv("REEL_TOP");
	struct rerr e;
	unsigned char *m;
	size_t len;

	snprintf(path, sizeof(path), "%s/share/langid.model",
	    top != NULL ? top : ".");
	if (lid_model_load(&model, path, &e) != 0) {
		m = tiny_model(&len);
		memset(&model, 0, sizeof(model));
		if (lid_model_from_mem(&model, m, len, "tiny", &e) != 0)
			abort();
	}
	loaded = 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lid_ctx c, d;
	const char *s = (const char *)data;
	double sum = 0;
	size_t i, prev = 0, cut = size > 0 ? data[0] % (size + 1) : 0;

	if (!loaded)
		load();
	lid_ctx_init(&c, &model, NULL, 55);
	if (lid_detect(&c, s, size) != 0 || lid_spans(&c, s, size) != 0)
		abort();
	for (i = 0; i < model.nlang; i++)
		sum += c.p[i];
	if (c.nword && !c.und && fabs(sum - 1) > 1e-6)
		abort();
	for (i = 0; i < c.nspan; i++) {
		if (c.span[i].start < prev || c.span[i].end < c.span[i].start ||
		    c.span[i].end > size || c.span[i].lang < -1 ||
		    c.span[i].lang >= (int)model.nlang)
			abort();
		prev = c.span[i].end;
	}
	if ((!c.nword || c.und) && c.nspan != 0)
		abort();
	lid_ctx_init(&d, &model, NULL, 55);
	d.spans = 1;
	lid_begin(&d);
	if (lid_feed(&d, s, cut) != 0 || lid_feed(&d, s + cut, size - cut) ||
	    lid_end(&d) != 0)
		abort();
	if (d.nword != c.nword || d.und != c.und ||
	    memcmp(d.p, c.p, sizeof(c.p)) != 0 || d.nspan != c.nspan)
		abort();
	for (i = 0; i < c.nspan; i++)
		if (d.span[i].start != c.span[i].start ||
		    d.span[i].end != c.span[i].end ||
		    d.span[i].lang != c.span[i].lang)
			abort();
	lid_ctx_free(&d);
	lid_ctx_free(&c);
	return 0;
}
