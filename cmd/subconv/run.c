/*
 * subconv's run: read whole, decode and parse, then write atomically.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic.h"
#include "cli.h"
#include "subconv.h"

int
subconv_run(const struct subconv_opts *o, struct ndj_policy *pol)
{
	struct rerr e = { 0 };
	struct sub_ropts ro = { 0 };
	struct sub_doc doc = { 0 };
	struct atomic_file *af = NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *out;
	int rv;

	if ((rv = cli_slurp(o->input, &buf, &len, &e)) != 0)
		return cli_report(&e);
	ro.name = cli_name(o->input);
	ro.encoding = o->encoding;
	ro.fmt = o->from;
	ro.hint = sub_fmt_from_path(o->input);
	ro.passthrough = o->to == SUB_NDJSON;
	rv = sub_read(buf, len, &ro, pol, &doc, &e);
	free(buf);
	if (rv != 0) {
		cli_report(&e);
		goto out;
	}
	if ((rv = ndj_policy_end(pol)) != 0)
		goto out;
	if ((out = atomic_open_output(o->output, &af, &e)) == NULL) {
		rv = cli_report(&e);
		goto out;
	}
	if (sub_write(out, &doc, o->to) != 0) {
		int err = errno;

		if (af != NULL) {
			atomic_close_output(af, 0, &e);
			cli_warn("%s: %s", o->output, strerror(err));
			rv = EX_IOERR;
		}
		/* On stdout, cli_finish reports the error. */
		goto out;
	}
	if (atomic_close_output(af, 1, &e) != 0)
		rv = cli_report(&e);
out:
	sub_doc_free(&doc);
	return rv;
}
