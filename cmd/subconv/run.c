/*
 * subconv's run: read whole, decode and parse, then write atomically.
 */
#include "cli.h"
#include "subconv.h"

int
subconv_run(const struct subconv_opts *o, struct ndj_policy *pol)
{
	struct rerr e = { 0 };
	struct sub_ropts ro = { 0 };
	struct sub_doc doc = { 0 };
	int rv;

	ro.encoding = o->encoding;
	ro.fmt = o->from;
	ro.passthrough = o->to == SUB_NDJSON;
	ro.warn = sub_warn_stderr;
	if ((rv = sub_load(o->input, &ro, pol, &doc, &e)) != 0)
		cli_report(&e);
	else if ((rv = ndj_policy_end(pol)) == 0 &&
	    (rv = sub_save(o->output, &doc, o->to, &e)) != 0)
		cli_report(&e);
	sub_doc_free(&doc);
	return rv;
}
