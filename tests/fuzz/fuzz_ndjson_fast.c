/*
 * Differential fuzz target: ndj_flat_parse (the fast path) against
 * jansson as ndj_parse calls it.  Whenever the fast path takes a line,
 * jansson must accept it too and hold the same keys, in the same order,
 * with the same types and values; lines the fast path declines go to
 * jansson anyway, so the two paths accept and reject the same lines.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ndjson.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ndj_flat fl;
	const struct ndj_field *f;
	json_error_t err;
	json_t *rec, *v;
	const char *k;
	int i;

	if (!ndj_flat_parse((const char *)data, size, &fl))
		return 0;
	rec = json_loadb((const char *)data, size,
	    JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
	if (rec == NULL || !json_is_object(rec))
		abort();	/* fast path took a line jansson rejects */
	if ((int)json_object_size(rec) != fl.n)
		abort();
	i = 0;
	json_object_foreach(rec, k, v) {
		f = &fl.f[i++];
		if (strlen(k) != f->klen || memcmp(k, f->key, f->klen) != 0)
			abort();
		switch (f->type) {
		case NDJ_FNULL:
			if (!json_is_null(v))
				abort();
			break;
		case NDJ_FTRUE:
			if (!json_is_true(v))
				abort();
			break;
		case NDJ_FFALSE:
			if (!json_is_false(v))
				abort();
			break;
		case NDJ_FINT:
			if (!json_is_integer(v) || json_integer_value(v) != f->i)
				abort();
			break;
		case NDJ_FREAL:
			if (!json_is_real(v) || json_real_value(v) != f->num)
				abort();
			break;
		case NDJ_FSTR:
			if (!json_is_string(v) ||
			    json_string_length(v) != f->slen ||
			    memcmp(json_string_value(v), f->str, f->slen) != 0)
				abort();
			break;
		}
	}
	json_decref(rec);
	return 0;
}
