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
	struct sub_ropts ro;		/* -e, -i, --fps */
	enum sub_fmt	 to;		/* output format */
};

/*
 * Converts o->input to o->output.  Reports every problem on stderr and
 * returns the exit status; writes nothing when the input is bad.
 */
int	 subconv_run(const struct subconv_opts *o, struct ndj_policy *pol);

#endif /* SUBCONV_H */
