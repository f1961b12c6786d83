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
 * (solve.c, dp.c).  A gate refuses a reference that holds no speech where
 * the cues are (gate.c); the audio stream is chosen in stream.c; run.c
 * reads, solves and writes.
 */
#include <stdio.h>
#include <stdlib.h>

#include "align.h"
#include "cli.h"
#include "sub.h"

enum {
	O_AUDIOSTREAM = CLI_LONG, O_ALLOWOVERLAP, O_KEEPREMOVED, O_MINCONF,
	O_NOSPLITS, O_REFSUBS, O_REPORT, O_SPLITPEN
};

static const struct cli_opt opts[] = {
	{ 'e', "encoding", "enc", "the subtitles' character encoding "
	    "(iconv name; default: detected)", 0 },
	{ 'f', "format", "fmt", "output format: srt, vtt, ass, ssa, ndjson "
	    "(default: -o's\nextension, else the input's)", 0 },
	CLI_OPT_HELP,
	{ 'i', "input-format", "fmt", "the subtitles' format (default: "
	    "detected)", 0 },
	{ 'o', "output", "file", "write file atomically instead of the "
	    "standard output", 0 },
	{ 'r', "ref", "file", "the reference: an audio or video file (or "
	    "subtitles,\n--ref-subs)", 0 },
	CLI_OPT_VERSION,
	{ 'v', "verbose", NULL, "say which audio stream and why; show "
	    "libav's log", 0 },
	{ O_ALLOWOVERLAP, "allow-overlap", NULL, "accept cues that overlap "
	    "by more than half", 0 },
	{ O_AUDIOSTREAM, "audio-stream", "n", "the reference's audio stream "
	    "n, from 0 (default: the\nsubtitles' language, else the most "
	    "speech)", 0 },
	{ O_KEEPREMOVED, "keep-removed", NULL, "keep cues whose speech is "
	    "not in the reference", 0 },
	{ O_MINCONF, "min-confidence", "c", "refuse below score c (0..1, "
	    "default 0.15)", 0 },
	{ O_NOSPLITS, "no-splits", NULL, "one offset and scale for all cues",
	    0 },
	{ O_REFSUBS, "ref-subs", NULL, "the reference is a subtitle file", 0 },
	{ O_REPORT, "report", "file", "write the align record to file "
	    "(default: stderr)", 0 },
	{ O_SPLITPEN, "split-penalty", "s", "cost of a split, seconds of "
	    "agreement (default 5)", 0 },
	CLI_OPT_END
};

static enum sub_fmt
format(struct cli_getopt *g, const char *opt, const char *name)
{
	enum sub_fmt f = sub_fmt_parse(name);

	if (f == SUB_NONE)
		cli_usage_error(g, "%s: unknown format: %s", opt, name);
	return f;
}

int
main(int argc, char *argv[])
{
	struct cli_getopt g = { .opts = opts, .usage = "[-hVv] -r ref "
	    "[--ref-subs] [--audio-stream n] [-e enc] [-i fmt] [-f fmt] "
	    "[-o file] [--report file] [--min-confidence c] "
	    "[--split-penalty s] [--no-splits] [--allow-overlap] "
	    "[--keep-removed] [subs]" };
	struct align_opts o = ALIGN_OPTS_DEFAULT;
	int ch;

	cli_init("subalign");
	while ((ch = cli_getopt(&g, argc, argv)) != -1) {
		switch (ch) {
		case 'e':
			o.encoding = optarg;
			break;
		case 'f':
			o.to = format(&g, "-f", optarg);
			break;
		case 'i':
			o.from = format(&g, "-i", optarg);
			break;
		case 'o':
			o.output = optarg;
			break;
		case 'r':
			o.ref = optarg;
			break;
		case 'v':
			o.verbose++;
			break;
		case O_ALLOWOVERLAP:
			o.allow_overlap = 1;
			break;
		case O_AUDIOSTREAM:
			o.audio_stream = (int)cli_int(optarg, 0, 255,
			    "--audio-stream");
			break;
		case O_KEEPREMOVED:
			o.keep_removed = 1;
			break;
		case O_MINCONF:
			o.min_conf = cli_num(optarg, 0, 1, "--min-confidence");
			break;
		case O_NOSPLITS:
			o.splits = 0;
			break;
		case O_REFSUBS:
			o.ref_subs = 1;
			break;
		case O_REPORT:
			o.report = optarg;
			break;
		case O_SPLITPEN:
			o.penalty = cli_num(optarg, 0, 1e6, "--split-penalty");
			break;
		}
	}
	argc -= optind;
	argv += optind;
	if (o.ref == NULL)
		cli_usage_error(&g, "-r: a reference is needed");
	if (argc > 1)
		cli_usage_error(&g, "one subtitle file at most");
	o.input = argc == 1 ? argv[0] : "-";
	if (o.to == SUB_NONE && o.output != NULL)
		o.to = sub_fmt_from_path(o.output);
	return cli_finish(align_run(&o));
}
