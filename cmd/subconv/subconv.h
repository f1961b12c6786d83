/*
 * subconv's parts: one run from input file to output.
 */
#ifndef SUBCONV_H
#define SUBCONV_H

#include "ndjson.h"
#include "sub.h"

struct subconv_opts {
	const char	*input;		/* path, "-" for stdin */
	const char	*output;	/* -o path, NULL for stdout */
	const char	*encoding;	/* -e, NULL to detect */
	enum sub_fmt	 from;		/* -i, SUB_NONE to detect */
	enum sub_fmt	 to;		/* output format */
};

/*
 * Reads o->input whole into *buf (malloc'd) and *len.  Returns 0, or a
 * status with e filled (EX_NOINPUT, EX_IOERR).
 */
int	 subconv_slurp(const char *path, char **buf, size_t *len,
	    struct rerr *e);

/*
 * Converts o->input to o->output.  Reports every problem on stderr and
 * returns the exit status; writes nothing when the input is bad.
 */
int	 subconv_run(const struct subconv_opts *o, struct ndj_policy *pol);

#endif /* SUBCONV_H */
