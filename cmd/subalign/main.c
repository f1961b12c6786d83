/*
 * subalign: align subtitles to the speech of a reference (the audio of a
 * media file, or another subtitle file with --ref-subs).
 *
 * Both sides become activity signals at 10 ms (reference: speech
 * probability mapped to -1..1; subtitles: 1 inside a cue, 0 outside).  The
 * framerate ratio is chosen among the standard ones and refined by a fine
 * search, each trial scored by the peak of an FFT cross-correlation; each
 * window of the programme finds its own candidate offsets by a local
 * correlation; then a dynamic programme over the cues in time order gives
 * each cue one of them or marks it removed, paying a penalty for every
 * change, so an inserted ad break becomes a split and a cut a removal
 * (solve.c, dp.c).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "align.h"
#include "atomic.h"
#include "cli.h"
#include "ndjson.h"
#include "sub.h"
#include "vad.h"

static void __attribute__((noreturn))
usage(FILE *fp, int status)
{
	fprintf(fp, "usage: subalign [-hVv] -r ref [--ref-subs] "
	    "[--audio-stream n] [-f format] [-o file]\n"
	    "                [--report file] [--min-confidence c] "
	    "[--split-penalty s] [--no-splits]\n"
	    "                [--allow-overlap] [--keep-removed] [subs]\n");
	if (status == 0)
		fprintf(fp, "\n"
		    "  -f, --format FMT        output format: srt, vtt, ass, "
		    "ssa, ndjson\n"
		    "  -h, --help              show this help\n"
		    "  -o, --output FILE       write FILE atomically\n"
		    "  -r, --ref FILE          reference: audio or video file\n"
		    "  -V, --version           show the version\n"
		    "  -v, --verbose           say which audio stream, show "
		    "libav's log\n"
		    "      --audio-stream N    the reference's audio stream N "
		    "(from 0)\n"
		    "      --ref-subs          the reference is a subtitle "
		    "file\n"
		    "      --report FILE       write the align record to FILE "
		    "(default stderr)\n"
		    "      --min-confidence C  refuse below C (0..1, default "
		    "0.15)\n"
		    "      --split-penalty S   cost of a split, seconds of "
		    "agreement (default 5)\n"
		    "      --no-splits         one offset and scale for all "
		    "cues\n"
		    "      --allow-overlap     accept cues that overlap by more "
		    "than half\n"
		    "      --keep-removed      keep cues whose speech is not in "
		    "the reference\n");
	exit(status);
}

int
main(int argc, char *argv[])
{
	enum { O_REFSUBS = 256, O_REPORT, O_MINCONF, O_PEN, O_NOSPLIT, O_OVERLAP,
	    O_KEEPRM, O_STREAM };
	static const struct option longopts[] = {
		{ "format",		required_argument,	NULL, 'f' },
		{ "help",		no_argument,		NULL, 'h' },
		{ "output",		required_argument,	NULL, 'o' },
		{ "ref",		required_argument,	NULL, 'r' },
		{ "version",		no_argument,		NULL, 'V' },
		{ "verbose",		no_argument,		NULL, 'v' },
		{ "audio-stream",	required_argument,	NULL, O_STREAM },
		{ "ref-subs",		no_argument,		NULL, O_REFSUBS },
		{ "report",		required_argument,	NULL, O_REPORT },
		{ "min-confidence",	required_argument,	NULL, O_MINCONF },
		{ "split-penalty",	required_argument,	NULL, O_PEN },
		{ "no-splits",		no_argument,		NULL, O_NOSPLIT },
		{ "allow-overlap",	no_argument,		NULL, O_OVERLAP },
		{ "keep-removed",	no_argument,		NULL, O_KEEPRM },
		{ NULL, 0, NULL, 0 }
	};
	struct align_opts o = ALIGN_OPTS_DEFAULT;
	int ch;

	cli_init("subalign");
	while ((ch = getopt_long(argc, argv, "f:ho:r:Vv", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'f':
			if ((o.to = sub_fmt_parse(optarg)) == SUB_NONE) {
				cli_warn("-f: unknown format: %s", optarg);
				usage(stderr, EX_USAGE);
			}
			break;
		case 'h':
			usage(stdout, 0);
		case 'o':
			o.output = optarg;
			break;
		case 'r':
			o.ref = optarg;
			break;
		case 'V':
			cli_version();
		case O_REFSUBS:
			o.ref_subs = 1;
			break;
		case O_REPORT:
			o.report = optarg;
			break;
		case O_MINCONF:
			o.min_conf = cli_num(optarg, 0, 1, "--min-confidence");
			break;
		case O_PEN:
			o.penalty = cli_num(optarg, 0, 1e6, "--split-penalty");
			break;
		case O_NOSPLIT:
			o.splits = 0;
			break;
		case O_OVERLAP:
			o.allow_overlap = 1;
			break;
		case O_KEEPRM:
			o.keep_removed = 1;
			break;
		case O_STREAM:
			o.audio_stream = (int)cli_num(optarg, 0, 255,
			    "--audio-stream");
			break;
		case 'v':
			o.verbose++;
			break;
		default:
			usage(stderr, EX_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1 || o.ref == NULL)
		usage(stderr, EX_USAGE);
	o.input = argc == 1 ? argv[0] : "-";
	if (o.to == SUB_NONE && o.output != NULL)
		o.to = sub_fmt_from_path(o.output);
	return cli_finish(align_run(&o));
}
