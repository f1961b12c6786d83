/*
 * vscenes: shot boundaries and scene scores, from frame records (vframes)
 * or from a video file decoded in the same process.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "media.h"
#include "ndjson.h"
#include "vscenes.h"

enum {
	OPT_CUT = CLI_LONG, OPT_MAX_ERRORS, OPT_MIN_SCENE, OPT_NOAUDIO,
	OPT_TIMECODE, OPT_TO
};

static const struct cli_opt opts[] = {
	{ 'f', "format", "format",
	    "ndjson (default), edl, ffmetadata, vtt or csv", 0 },
	CLI_OPT_HELP,
	{ 'j', "threads", "threads",
	    "decoder threads (0: one per core; default 0)", 0 },
	{ 'o', "output", "file", "write to file (whole or not at all)", 0 },
	{ 'q', "quiet", NULL, "no progress meter", 0 },
	CLI_OPT_VERSION,
	{ 'v', "verbose", NULL, "libav messages (-vv, -vvv: more)", 0 },
	{ OPT_CUT, "cut", "threshold",
	    "least frame distance for a cut (default 0.06)", 0 },
	NDJ_CLI_OPT_MAX_BAD_RATE,
	{ OPT_MAX_ERRORS, "max-errors", "n",
	    "decode errors tolerated (default: 1% of the packets,\n"
	    "none when the file is cut short)", 0 },
	{ OPT_MIN_SCENE, "min-scene", "frames",
	    "shortest scene in frames (default 8)", 0 },
	{ OPT_NOAUDIO, "no-audio", NULL, "do not decode the audio of file", 0 },
	NDJ_CLI_OPT_SKIP_BAD,
	{ OPT_TIMECODE, "timecode", "mode",
	    "EDL and CSV timecode: auto (default: drop-frame at\n"
	    "29.97 and 59.94), ndf or df", 0 },
	/* old spellings (issue 17) */
	{ 'c', NULL, "threshold", NULL, OPT_CUT },
	{ 'm', NULL, "frames", NULL, OPT_MIN_SCENE },
	{ OPT_TO, "to", "format", NULL, 'f' },
	CLI_OPT_END
};

/*
 * Whether a file holds records: it starts like NDJSON (a '{' after white
 * space), holds nothing but white space (no records: no scenes, as from
 * an empty pipe), or it is a pipe, which cannot be peeked at without
 * losing what is read ("vscenes <(vframes -a movie.mp4)"); records are
 * what pipes carry between the tools.
 */
static int
looks_ndjson(const char *path)
{
	struct stat sb;
	FILE *fp;
	int ch;

	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode) &&
	    !S_ISDIR(sb.st_mode))
		return 1;
	if ((fp = fopen(path, "rb")) == NULL)
		return 0;
	while ((ch = getc(fp)) != EOF && isspace(ch))
		;
	fclose(fp);
	return ch == '{' || ch == EOF;
}

/* ndj_each's per-record function. */
static int
record(void *arg, struct ndj_reader *r, json_t *rec, struct rerr *e)
{
	return vsc_record(arg, r, rec, e);
}

/* The loop over the records of path, then the end of the last source. */
static int
run_records(struct vsc *c, const char *path, struct ndj_policy *pol)
{
	struct ndj_loop l = { .rec = record, .pol = pol, .arg = c };
	struct rerr e = { 0 };
	int rv;

	if ((rv = ndj_each(path, &l)) != 0)
		return rv;
	if (vsc_end(c, &e) != 0)
		return e.msg[0] != '\0' ? cli_report(&e) : e.code;
	return ndj_policy_end(pol);
}

int
main(int argc, char *argv[])
{
	struct vsc_opts o = { DET_PARAMS_DEFAULT, 0, 0, -1, 1 };
	struct ndj_policy pol = NDJ_POLICY_DEFAULT;
	struct rerr e = { 0 };
	struct vsc c;
	struct cli_getopt g = { .opts = opts, .usage = "[-hqVv] [-f format] "
	    "[-j threads] [-o file] [--cut threshold] [--max-bad-rate rate] "
	    "[--max-errors n] [--min-scene frames] [--no-audio] [--skip-bad] "
	    "[--timecode mode] [file]" };
	int ch, k, rv, fmt = EXP_NDJSON, tc = EXP_TC_AUTO, verbose = 0;
	const char *out = NULL;

	cli_init("vscenes");
	while ((ch = cli_getopt(&g, argc, argv)) != -1) {
		if ((k = ndj_policy_parse(&pol, ch, optarg, &e)) != 0) {
			if (k < 0)
				cli_usage_error(&g, "%s", e.msg);
			continue;
		}
		switch (ch) {
		case 'f':
			if ((fmt = exp_parse(optarg)) < 0)
				cli_usage_error(&g, "-f: unknown format: %s",
				    optarg);
			break;
		case 'j':
			o.threads = (int)cli_int(optarg, 0, 64, "-j");
			break;
		case 'o':
			out = optarg;
			break;
		case 'q':
			o.progress = 0;
			break;
		case 'v':
			verbose++;
			break;
		case OPT_CUT:
			o.dp.cut = cli_num(optarg, 0.001, 1, "--cut");
			break;
		case OPT_MAX_ERRORS:
			o.max_errors = cli_int(optarg, 0, 1000000000,
			    "--max-errors");
			break;
		case OPT_MIN_SCENE:
			o.dp.min_scene = (int)cli_int(optarg, 1, 100000,
			    "--min-scene");
			break;
		case OPT_NOAUDIO:
			o.noaudio = 1;
			break;
		case OPT_TIMECODE:
			if ((tc = exp_tc_parse(optarg)) < 0)
				cli_usage_error(&g, "--timecode: unknown "
				    "mode: %s", optarg);
			break;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1)
		cli_usage_error(&g, "one input at most");
	media_set_verbosity(verbose);
	vsc_init(&c, &o);
	c.x.fmt = fmt;
	c.x.tc = tc;
	c.x.path = out;
	if (argc == 1 && strcmp(argv[0], "-") != 0 && !looks_ndjson(argv[0]))
		rv = vsc_decode(&c, argv[0]);
	else
		rv = run_records(&c, argc ? argv[0] : "-", &pol);
	vsc_free(&c);
	if (exp_close(&c.x, rv == 0, &e) != 0 && rv == 0)
		rv = cli_report(&e);
	return cli_finish(rv);
}
