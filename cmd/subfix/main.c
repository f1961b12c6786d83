/*
 * subfix: apply the timing and layout rules of a subtitle guideline.
 *
 * A named profile (netflix-en by default) sets the limits: characters per
 * line and lines per cue, reading speed, minimum and maximum duration,
 * minimum gap in frames, the gap that is closed, and the window around a
 * shot change (from vscenes' scene records) inside which a cue starts or
 * ends on the cut.  Every limit is also an option.  Line breaks are chosen
 * anew only for text that does not fit; words and their order never
 * change.  Each change, and each cue that still breaks a rule with the
 * reason, is an NDJSON record on stderr or in --report FILE.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "ndjson.h"
#include "sub.h"
#include "subfix.h"

static void __attribute__((noreturn))
usage(FILE *fp, int status)
{
	size_t i;

	fprintf(fp, "usage: subfix [-hV] [-e encoding] [-f format] "
	    "[-i format] [-o file] [-p profile]\n"
	    "              [-S file] [--report file]\n"
	    "              [--fps rate] [--max-chars n] [--max-lines n] "
	    "[--cps rate]\n"
	    "              [--min-duration s] [--max-duration s] "
	    "[--min-gap frames]\n"
	    "              [--chain s] [--shot-window s] "
	    "[--shot-out frames]\n"
	    "              [--join-lines] [--keep-lines] [--split] "
	    "[--skip-bad]\n"
	    "              [--max-bad-rate rate] [file]\n");
	if (status != 0)
		exit(status);
	fprintf(fp, "\n"
	    "  -e, --encoding NAME     input encoding (iconv name); "
	    "default: detect\n"
	    "  -f, --format FMT        output format: srt, vtt, ass, ssa, "
	    "ttml, sbv,\n"
	    "                          microdvd, sami, ndjson\n"
	    "  -h, --help              show this help\n"
	    "  -i, --input-format FMT  input format; default: detect\n"
	    "  -o, --output FILE       write FILE atomically instead of "
	    "stdout\n"
	    "  -p, --profile NAME      the limits of a guideline (default "
	    "netflix-en)\n"
	    "  -S, --scenes FILE       scene records: the shot changes\n"
	    "  -V, --version           show the version\n"
	    "      --report FILE       the change records (default stderr)\n"
	    "      --fps R             frame rate for frame limits "
	    "(default 25)\n"
	    "      --max-chars N       characters per line\n"
	    "      --max-lines N       lines per cue\n"
	    "      --cps R             reading speed, characters per "
	    "second\n"
	    "      --min-duration S    seconds\n"
	    "      --max-duration S    seconds\n"
	    "      --min-gap F         frames between cues\n"
	    "      --chain S           close gaps up to S seconds\n"
	    "      --shot-window S     snap to a shot change this near\n"
	    "      --shot-out F        end F frames before a shot change\n"
	    "      --join-lines        put text that fits one line on one\n"
	    "      --keep-lines        break lines only where they do not "
	    "fit\n"
	    "      --split             split cues too long for the lines or "
	    "duration\n"
	    "      --skip-bad          report and skip bad records\n"
	    "      --max-bad-rate R    fail above this fraction of bad "
	    "records\n"
	    "\nprofiles:");
	for (i = 0; subfix_profiles[i] != NULL; i++)
		fprintf(fp, " %s", subfix_profiles[i]->name);
	fprintf(fp, "\n");
	exit(0);
}

int
main(int argc, char *argv[])
{
	enum { O_REPORT = 256, O_SCENES, O_FPS, O_CHARS, O_LINES, O_CPS,
	    O_MIND, O_MAXD, O_GAP, O_CHAIN, O_WIN, O_OUT, O_JOIN, O_KEEP,
	    O_SPLIT };
	static const struct option longopts[] = {
		{ "format",		required_argument,	NULL, 'f' },
		{ "help",		no_argument,		NULL, 'h' },
		{ "output",		required_argument,	NULL, 'o' },
		{ "profile",		required_argument,	NULL, 'p' },
		{ "version",		no_argument,		NULL, 'V' },
		{ "report",		required_argument,	NULL, O_REPORT },
		{ "scenes",		required_argument,	NULL, O_SCENES },
		{ "fps",		required_argument,	NULL, O_FPS },
		{ "max-chars",		required_argument,	NULL, O_CHARS },
		{ "max-lines",		required_argument,	NULL, O_LINES },
		{ "cps",		required_argument,	NULL, O_CPS },
		{ "min-duration",	required_argument,	NULL, O_MIND },
		{ "max-duration",	required_argument,	NULL, O_MAXD },
		{ "min-gap",		required_argument,	NULL, O_GAP },
		{ "chain",		required_argument,	NULL, O_CHAIN },
		{ "shot-window",	required_argument,	NULL, O_WIN },
		{ "shot-out",		required_argument,	NULL, O_OUT },
		{ "join-lines",		no_argument,		NULL, O_JOIN },
		{ "keep-lines",		no_argument,		NULL, O_KEEP },
		{ "split",		no_argument,		NULL, O_SPLIT },
		{ "encoding",		required_argument,	NULL, 'e' },
		{ "input-format",	required_argument,	NULL, 'i' },
		NDJ_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	/* Options apply over the profile, whatever their order. */
	struct fix_opts o = { 0 };
	struct ndj_policy pol = NDJ_POLICY_DEFAULT;
	const struct profile *p = profile_find("netflix-en");
	double v[O_OUT - O_CHARS + 1];
	int set[O_OUT - O_CHARS + 1] = { 0 };
	char optn[32];
	int ch, i, join = -1;

	cli_init("subfix");
	o.fps = 25;
	while ((ch = getopt_long(argc, argv, "e:f:hi:o:p:S:V", longopts,
	    NULL)) != -1) {
		if (ndj_policy_opt(&pol, ch, optarg))
			continue;
		switch (ch) {
		case 'f':
			if ((o.to = sub_fmt_parse(optarg)) == SUB_NONE) {
				cli_warn("-f: unknown format: %s", optarg);
				usage(stderr, EX_USAGE);
			}
			break;
		case 'e':
			o.encoding = optarg;
			break;
		case 'h':
			usage(stdout, 0);
		case 'i':
			if ((o.from = sub_fmt_parse(optarg)) == SUB_NONE) {
				cli_warn("-i: unknown format: %s", optarg);
				usage(stderr, EX_USAGE);
			}
			break;
		case 'o':
			o.output = optarg;
			break;
		case 'p':
			if ((p = profile_find(optarg)) == NULL) {
				cli_warn("-p: unknown profile: %s", optarg);
				usage(stderr, EX_USAGE);
			}
			break;
		case 'V':
			cli_version();
		case O_REPORT:
			o.report = optarg;
			break;
		case 'S':
		case O_SCENES:
			o.scenes = optarg;
			break;
		case O_FPS:
			o.fps = cli_num(optarg, 1, 1000, "--fps");
			break;
		case O_CHARS:
		case O_LINES:
			snprintf(optn, sizeof(optn), "--%s",
			    longopts[ch - O_REPORT + 5].name);
			v[ch - O_CHARS] = (double)cli_int(optarg, 1,
			    ch == O_CHARS ? 1000 : 100, optn);
			set[ch - O_CHARS] = 1;
			break;
		case O_CPS:
		case O_MIND:
		case O_MAXD:
		case O_GAP:
		case O_CHAIN:
		case O_WIN:
		case O_OUT:
			snprintf(optn, sizeof(optn), "--%s",
			    longopts[ch - O_REPORT + 5].name);
			v[ch - O_CHARS] = cli_num(optarg, ch == O_CPS ? 0.1 : 0,
			    ch == O_CPS ? 1000 : 3600, optn);
			set[ch - O_CHARS] = 1;
			break;
		case O_JOIN:
		case O_KEEP:
			join = ch == O_JOIN;
			break;
		case O_SPLIT:
			o.split = 1;
			break;
		default:
			usage(stderr, EX_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1)
		usage(stderr, EX_USAGE);
	o.p = *p;
	if (join >= 0)
		o.p.one_line = join;
	for (i = 0; i <= O_OUT - O_CHARS; i++) {
		if (!set[i])
			continue;
		switch (i + O_CHARS) {
		case O_CHARS: o.p.max_chars = (long)v[i]; break;
		case O_LINES: o.p.max_lines = (long)v[i]; break;
		case O_CPS: o.p.cps = v[i]; break;
		case O_MIND: o.p.min_dur = v[i]; break;
		case O_MAXD: o.p.max_dur = v[i]; break;
		case O_GAP: o.p.min_gap = v[i]; break;
		case O_CHAIN: o.p.chain = v[i]; break;
		case O_WIN: o.p.shot_window = v[i]; break;
		case O_OUT: o.p.shot_out = v[i]; break;
		}
	}
	if (o.p.min_dur > o.p.max_dur) {
		cli_warn("--min-duration %g is over --max-duration %g",
		    o.p.min_dur, o.p.max_dur);
		usage(stderr, EX_USAGE);
	}
	o.input = argc == 1 ? argv[0] : "-";
	if (o.to == SUB_NONE && o.output != NULL)
		o.to = sub_fmt_from_path(o.output);
	return cli_finish(fix_run(&o, &pol));
}
