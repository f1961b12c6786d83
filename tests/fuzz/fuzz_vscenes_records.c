/*
 * Fuzz target: vscenes' record reader (cmd/vscenes/records.c) and
 * everything behind it -- the detector and the exporters -- on the input
 * as NDJSON lines.  The first byte picks the output format and whether
 * bad records are skipped; output goes to /dev/null.  Whatever the
 * records, the reader either takes each one, or refuses it as a bad
 * record (EX_DATAERR) and stays usable.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../cmd/vscenes/vscenes.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct vsc_opts o = { DET_PARAMS_DEFAULT, 1, 1, -1, 0 };
	struct rerr e = { 0 };
	struct ndj_reader *r;
	struct vsc c;
	json_t *rec;
	FILE *fp;
	int n, rv = 0;

	if (size < 1 || (fp = fmemopen((void *)(data + 1), size - 1, "rb")) ==
	    NULL)
		return 0;
	if ((r = ndj_openf(fp, "fuzz")) == NULL) {
		fclose(fp);
		return 0;
	}
	vsc_init(&c, &o);
	c.x.fmt = data[0] % 5;
	c.x.tc = (data[0] >> 3) % 3;
	c.x.path = "/dev/null";
	while (rv == 0 && (n = ndj_next(r, &rec, &e)) != 0) {
		if (n > 0) {
			n = vsc_record(&c, r, rec, &e);
			json_decref(rec);
			if (n == 0)
				continue;
		}
		/* a bad record leaves the reader usable; skip it */
		if (e.code != EX_DATAERR)
			rv = e.code;
	}
	if (rv == 0)
		vsc_end(&c, &e);
	vsc_free(&c);
	exp_close(&c.x, rv == 0, &e);
	ndj_close(r);
	fclose(fp);
	return 0;
}
