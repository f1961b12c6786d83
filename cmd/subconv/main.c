/*
 * subconv: convert subtitles between SRT, WebVTT, ASS/SSA and cue NDJSON.
 *
 * The input is read whole (subtitle files are small next to the memory of
 * any machine that plays them), decoded, parsed into a sub_doc and written
 * in the output format.  Nothing is written when the input is bad: with
 * -o the old file stays; on stdout nothing appears.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic.h"
#include "cli.h"
#include "ndjson.h"
#include "sub.h"
#include "subconv.h"

static void __attribute__((noreturn))
usage(FILE *fp, int status)
{
	fprintf(fp, "usage: subconv [-hV] [-e encoding] [-f format] "
	    "[-i format] [-o file] [--skip-bad]\n"
	    "               [--max-bad-rate rate] [file]\n");
	if (status == 0)
		fprintf(fp, "\n"
		    "  -e, --encoding NAME   input encoding (iconv name); "
		    "default: detect\n"
		    "  -f, --format FMT      output format: srt, vtt, ass, "
		    "ssa, ndjson\n"
		    "  -h, --help            show this help\n"
		    "  -i, --input-format FMT  input format; default: detect\n"
		    "  -o, --output FILE     write FILE atomically instead of "
		    "stdout\n"
		    "  -V, --version         show the version\n"
		    "      --skip-bad        report and skip unreadable "
		    "blocks\n"
		    "      --max-bad-rate R  fail when more than R of the "
		    "blocks were bad\n");
	exit(status);
}

static enum sub_fmt
fmt_opt(const char *s, const char *opt)
{
	enum sub_fmt f = sub_fmt_parse(s);

	if (f == SUB_NONE) {
		cli_warn("%s: unknown format: %s", opt, s);
		usage(stderr, EX_USAGE);
	}
	return f;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "encoding",		required_argument,	NULL, 'e' },
		{ "format",		required_argument,	NULL, 'f' },
		{ "help",		no_argument,		NULL, 'h' },
		{ "input-format",	required_argument,	NULL, 'i' },
		{ "output",		required_argument,	NULL, 'o' },
		{ "version",		no_argument,		NULL, 'V' },
		NDJ_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct subconv_opts o = { 0 };
	struct ndj_policy pol = NDJ_POLICY_DEFAULT;
	int ch;

	cli_init("subconv");
	while ((ch = getopt_long(argc, argv, "e:f:hi:o:V", longopts,
	    NULL)) != -1) {
		if (ndj_policy_opt(&pol, ch, optarg))
			continue;
		switch (ch) {
		case 'e':
			o.encoding = optarg;
			break;
		case 'f':
			o.to = fmt_opt(optarg, "-f");
			break;
		case 'h':
			usage(stdout, 0);
		case 'i':
			o.from = fmt_opt(optarg, "-i");
			break;
		case 'o':
			o.output = optarg;
			break;
		case 'V':
			cli_version();
		default:
			usage(stderr, EX_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1)
		usage(stderr, EX_USAGE);
	o.input = argc == 1 ? argv[0] : "-";
	if (o.to == SUB_NONE && o.output != NULL)
		o.to = sub_fmt_from_path(o.output);
	if (o.to == SUB_NONE)
		o.to = SUB_NDJSON;
	return cli_finish(subconv_run(&o, &pol));
}
