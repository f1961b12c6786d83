/*
 * subconv's run.  Cue NDJSON to cue NDJSON is a record filter: each
 * record is checked and its times rounded as the document path would,
 * then written at once, so the memory does not grow with the input and
 * the output answers as the input arrives.  Every other conversion reads
 * the document whole and writes it atomically.
 */
#include <errno.h>
#include <string.h>

#include "atomic.h"
#include "cli.h"
#include "subconv.h"

struct stream {
	const char	*path;		/* -o, or NULL */
	FILE		*out;		/* NULL until the first record */
	struct atomic_file *af;
	long		 n;		/* records written */
};

static int
stream_rec(void *arg, struct ndj_reader *r, json_t *rec, struct rerr *e)
{
	struct stream *s = arg;

	if (sub_ndj_check(r, rec, e) != 0)
		return -1;
	/* The output begins with the first good record. */
	if (s->out == NULL && (s->out = atomic_open_output(s->path, &s->af,
	    e)) == NULL)
		return -1;
	if (ndj_write(s->out, rec) != 0)
		return rerr_set(e, EX_IOERR, NULL, 0, "write error: %s",
		    strerror(errno)), -1;
	s->n++;
	return 0;
}

static int
stream_idle(void *arg, struct rerr *e)
{
	struct stream *s = arg;

	if (s->out != NULL && fflush(s->out) != 0 && s->out != stdout)
		return rerr_set(e, EX_IOERR, NULL, 0, "write error: %s",
		    strerror(errno)), -1;
	return 0;
}

/* NDJSON to NDJSON, record by record, into o->output. */
static int
stream(const struct subconv_opts *o, struct sub_input *in,
    struct ndj_policy *pol)
{
	struct ndj_loop l = { NULL, NULL, NULL, NULL, NULL, 0, NULL, 0 };
	struct stream s = { NULL, NULL, NULL, 0 };
	struct rerr e = { 0 };
	int rv;

	s.path = o->output;
	l.rec = stream_rec;
	l.idle = stream_idle;
	l.pol = pol;
	l.arg = &s;
	rv = sub_input_each(in, &l);
	if (rv == 0 && s.n == 0 && pol->nbad == 0) {
		rerr_set(&e, EX_DATAERR, in->name, 0, "empty input");
		rv = cli_report(&e);
	}
	if (rv == 0)
		rv = ndj_policy_end(pol);
	if (s.out != NULL && atomic_close_output(s.af, rv == 0, &e) != 0 &&
	    rv == 0)
		rv = cli_report(&e);
	return rv;
}

int
subconv_run(const struct subconv_opts *o, struct ndj_policy *pol)
{
	struct sub_ropts ro = o->ro;
	struct sub_input in;
	struct sub_doc doc = { 0 };
	struct rerr e = { 0 };
	int rv;

	ro.passthrough = o->to == SUB_NDJSON;
	ro.warn = sub_warn_stderr;
	if ((rv = sub_input_open(&in, o->input, &e)) != 0)
		return cli_report(&e);
	if (o->to == SUB_NDJSON && sub_input_ndjson(&in, &ro))
		rv = stream(o, &in, pol);
	else if ((rv = sub_load_input(&in, &ro, pol, &doc)) == 0 &&
	    (rv = ndj_policy_end(pol)) == 0) {
		if (doc.fps == 0)
			doc.fps = ro.fps;
		if ((rv = sub_save(o->output, &doc, o->to, &e)) != 0)
			cli_report(&e);
	}
	sub_input_close(&in);
	sub_doc_free(&doc);
	return rv;
}
