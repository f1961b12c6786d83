/*
 * Fuzz target: langid's fast record path (cmd/langid/lid_rec.c) against
 * jansson.  The input is one line; the first byte picks the field paths.
 * Whenever lid_rec_scan takes the line, jansson (as ndj_parse runs it)
 * must accept it too, ndj_dump must print it back byte for byte, none of
 * langid's keys may be in it, and every field found must be what jansson
 * finds there, its string decoded to the same bytes.  So the fast path
 * accepts no line jansson refuses and prints what the jansson path would.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ndjson.h"
#include "../../cmd/langid/lid_rec.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *specs[] = { "text", "a.b", "title", "a", "x.y.z", "" };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lid_path path[3];
	struct lid_val val[3];
	struct ndj_buf b = { 0 };
	json_error_t jerr;
	json_t *rec, *f;
	char *copy;
	int np = 0, i, d;

	if (size < 1)
		return 0;
	for (i = 0; i < 3; i++)
		if (lid_path_parse(&path[np], specs[(data[0] >> (2 * i)) % 6])
		    == 0)
			np++;
	data++;
	size--;
	if (!lid_rec_scan((const char *)data, size, path, np, val))
		return 0;
	rec = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES |
	    JSON_DECODE_ANY, &jerr);
	if (rec == NULL || !json_is_object(rec))
		abort();
	if (ndj_dump(&b, rec) != 0 || b.len != size ||
	    memcmp(b.p, data, size) != 0)
		abort();
	if (json_object_get(rec, "lang") || json_object_get(rec, "conf") ||
	    json_object_get(rec, "alt") || json_object_get(rec, "spans"))
		abort();
	for (i = 0; i < np; i++) {
		for (f = rec, d = 0; f != NULL && d < path[i].n; d++)
			f = json_is_object(f) ? json_object_getn(f,
			    path[i].name[d], path[i].len[d]) : NULL;
		switch (val[i].type) {
		case LID_V_ABSENT:
			if (f != NULL)
				abort();
			break;
		case LID_V_NULL:
			if (!json_is_null(f))
				abort();
			break;
		case LID_V_STRING:
			if (!json_is_string(f) || (copy = malloc(val[i].n +
			    1)) == NULL)
				abort();
			memcpy(copy, val[i].p, val[i].n);
			if (lid_rec_decode(copy, val[i].n) !=
			    json_string_length(f) || memcmp(copy,
			    json_string_value(f), json_string_length(f)) != 0)
				abort();
			free(copy);
			break;
		case LID_V_OTHER:
			if (f == NULL || json_is_null(f) || json_is_string(f))
				abort();
			break;
		}
	}
	json_decref(rec);
	ndj_buf_free(&b);
	return 0;
}
