/*
 * jansson_parse: the reference of tests/bench/abtest.sh.  Reads NDJSON
 * lines from stdin and parses each with jansson (as ndj_parse does),
 * touching one field so the work is not optimised away; nothing else.
 */
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

int
main(void)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long nrec = 0, nval = 0;
	json_t *rec;
	json_error_t err;

	while ((n = getline(&line, &cap, stdin)) > 0) {
		rec = json_loadb(line, n, JSON_REJECT_DUPLICATES, &err);
		if (rec == NULL) {
			fprintf(stderr, "jansson_parse: %s\n", err.text);
			return 65;
		}
		nval += json_object_get(rec, "value") != NULL;
		nrec++;
		json_decref(rec);
	}
	free(line);
	fprintf(stderr, "jansson_parse: %ld records, %ld values\n", nrec, nval);
	return 0;
}
