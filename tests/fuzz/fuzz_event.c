/*
 * Differential fuzz target: lib/event's reading of one event record by
 * evset_parse_line (the flat fast path, jansson for what it leaves)
 * against jansson alone (ndj_parse, evset_parse).  Both must accept and
 * reject the same lines with the same messages, and give the same
 * times, ratings, progress, ids and kinds, bit for bit.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "event.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct evset a, b;
	struct event ea, eb;
	struct rerr xa = { 0 }, xb = { 0 };
	struct ndj_reader *r;
	const char *line = (const char *)data;
	json_t *rec;
	int ra, rb;

	if ((r = ndj_openf(stdin, "fuzz")) == NULL)
		return 0;
	evset_init(&a);
	evset_init(&b);
	ra = evset_parse_line(&a, r, line, size, &ea, &xa);
	if ((rec = ndj_parse(r, line, size, &xb)) == NULL)
		rb = -1;
	else {
		rb = evset_parse(&b, r, rec, &eb, &xb) != 0 ? -1 : 0;
		json_decref(rec);
	}
	if (ra != rb || strcmp(xa.msg, xb.msg) != 0 || xa.code != xb.code)
		abort();
	if (ra == 0 && (memcmp(&ea.ts, &eb.ts, sizeof(ea.ts)) != 0 ||
	    memcmp(&ea.rating, &eb.rating, sizeof(ea.rating)) != 0 ||
	    memcmp(&ea.progress, &eb.progress, sizeof(ea.progress)) != 0 ||
	    strcmp(idmap_name(&a.users, ea.user),
	    idmap_name(&b.users, eb.user)) != 0 ||
	    strcmp(idmap_name(&a.items, ea.item),
	    idmap_name(&b.items, eb.item)) != 0 ||
	    strcmp(idmap_name(&a.kinds, ea.kind),
	    idmap_name(&b.kinds, eb.kind)) != 0))
		abort();
	evset_free(&a);
	evset_free(&b);
	ndj_close(r);
	return 0;
}
