/*
 * subconv: convert subtitles between SRT, WebVTT, ASS/SSA, TTML/DFXP,
 * SBV, MicroDVD, SAMI and cue NDJSON.
 *
 * Cue NDJSON to cue NDJSON streams, record by record, in constant memory;
 * anything else is read whole (subtitle files are small next to the
 * memory of any machine that plays them), decoded, parsed into a sub_doc
 * and written in the output format.  Nothing is written when the input
 * is bad: with -o the old file stays; on stdout nothing appears.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "ndjson.h"
#include "sub.h"
#include "subconv.h"

static const struct cli_opt opts[] = {
	SUB_CLI_OPT_ENCODING,
	{ 'f', "format", "format", "output format: srt, vtt, ass, ssa, "
	    "ttml, sbv,\nmicrodvd, sami, ndjson (default: by -o, else "
	    "ndjson)", 0 },
	CLI_OPT_HELP,
	SUB_CLI_OPT_INPUT_FORMAT,
	{ 'o', "output", "file", "write file atomically, not the standard "
	    "output", 0 },
	CLI_OPT_VERSION,
	SUB_CLI_OPT_FPS,
	NDJ_CLI_OPT_MAX_BAD_RATE,
	NDJ_CLI_OPT_SKIP_BAD,
	CLI_OPT_END
};

int
main(int argc, char *argv[])
{
	struct cli_getopt g = { .opts = opts, .usage = "[-hV] [-e encoding] "
	    "[-f format] [-i format] [-o file] [--fps rate] "
	    "[--max-bad-rate rate] [--skip-bad] [file]" };
	struct subconv_opts o = { 0 };
	struct ndj_policy pol = NDJ_POLICY_DEFAULT;
	struct rerr e = { 0 };
	int ch;

	cli_init("subconv");
	while ((ch = cli_getopt(&g, argc, argv)) != -1) {
		int r = ndj_policy_parse(&pol, ch, optarg, &e);

		if (r == 0)
			r = sub_ropts_parse(&o.ro, ch, optarg, &e);
		if (r == 0 && ch == 'f')
			r = sub_fmt_arg(optarg, "-f", &o.to, &e) == 0 ? 1 : -1;
		if (r == 0 && ch == 'o') {
			o.output = optarg;
			r = 1;
		}
		if (r < 0)
			cli_usage_error(&g, "%s", e.msg);
	}
	argc -= optind;
	argv += optind;
	if (argc > 1)
		cli_usage_error(&g, "one input file at most");
	o.input = argc == 1 ? argv[0] : "-";
	if (o.to == SUB_NONE && o.output != NULL)
		o.to = sub_fmt_from_path(o.output);
	if (o.to == SUB_NONE)
		o.to = SUB_NDJSON;
	return cli_finish(subconv_run(&o, &pol));
}
