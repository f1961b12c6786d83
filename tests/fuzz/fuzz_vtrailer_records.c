/*
 * Fuzz target: vtrailer's record reader (cmd/vtrailer/film.c) and its
 * choice, on the input as NDJSON lines.  Whatever the records, each is
 * taken or refused as a bad record with the reader usable, the frame
 * rate is 0 or a rate, and a choice that succeeds gives segments in film
 * order.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../cmd/vtrailer/film.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tr_opts o = TR_OPTS_DEFAULT;
	struct rerr e = { 0 };
	struct ndj_reader *r;
	struct tr_film fm = { 0 };
	struct tr_seg *seg = NULL;
	char err[512], warn[256];
	json_t *rec;
	FILE *fp;
	int n, ns, i;

	if (size < 1 || (fp = fmemopen((void *)(data + 1), size - 1, "rb")) ==
	    NULL)
		return 0;
	if ((r = ndj_openf(fp, "fuzz")) == NULL) {
		fclose(fp);
		return 0;
	}
	while ((n = ndj_next(r, &rec, &e)) != 0) {
		if (n > 0) {
			n = tr_film_record(&fm, r, rec, &e);
			json_decref(rec);
		}
		if (n < 0 && e.code != EX_DATAERR)
			break;
	}
	tr_film_end(&fm);
	o.target = 1 + data[0] % 40;
	o.fps = tr_film_fps(&fm);
	if (!(o.fps == 0 || (o.fps >= 1 && o.fps <= 1000)))
		abort();
	if (tr_select(fm.sc, fm.n, fm.a, fm.na, fm.on, fm.no, &o, &seg, &ns,
	    err, sizeof(err), warn, sizeof(warn)) == 0)
		for (i = 1; i < ns; i++)
			if (seg[i].start < seg[i - 1].end - 1e-9)
				abort();
	free(seg);
	tr_film_free(&fm);
	ndj_close(r);
	fclose(fp);
	return 0;
}
