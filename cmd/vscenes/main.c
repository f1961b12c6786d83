/*
 * vscenes: shot boundaries and scene scores, from frame records (vframes)
 * or from a video file decoded in the same process.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "media.h"
#include "ndjson.h"
#include "vscenes.h"

enum { OPT_MAX_ERRORS = 0x100, OPT_NOAUDIO, OPT_TO, OPT_TIMECODE, OPT_CUT,
	OPT_MIN_SCENE };

static const struct option longopts[] = {
	{ "cut",	required_argument,	NULL, OPT_CUT },
	{ "format",	required_argument,	NULL, 'f' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "max-errors",	required_argument,	NULL, OPT_MAX_ERRORS },
	{ "min-scene",	required_argument,	NULL, OPT_MIN_SCENE },
	{ "no-audio",	no_argument,		NULL, OPT_NOAUDIO },
	{ "output",	required_argument,	NULL, 'o' },
	{ "quiet",	no_argument,		NULL, 'q' },
	{ "threads",	required_argument,	NULL, 'j' },
	{ "timecode",	required_argument,	NULL, OPT_TIMECODE },
	{ "to",		required_argument,	NULL, OPT_TO },
	{ "verbose",	no_argument,		NULL, 'v' },
	{ "version",	no_argument,		NULL, 'V' },
	NDJ_LONGOPTS,
	{ NULL, 0, NULL, 0 }
};

static void
usage(FILE *fp, int status)
{
	fprintf(fp,
"usage: vscenes [-hqVv] [-f format] [-j threads] [-o file] [--cut threshold]\n"
"               [--max-bad-rate rate] [--max-errors n] [--min-scene frames]\n"
"               [--no-audio] [--skip-bad] [--timecode mode] [file]\n");
	if (fp == stdout)
		fprintf(fp, "\n"
"  -f, --format FORMAT  ndjson (default), edl, ffmetadata, vtt or csv\n"
"  -h, --help           this help\n"
"  -j, --threads N      decoder threads (0: one per core; default 0)\n"
"  -o, --output FILE    write to FILE (whole or not at all)\n"
"  -q, --quiet          no progress meter\n"
"  -V, --version        print the version\n"
"  -v, --verbose        libav messages (-vv, -vvv: more)\n"
"      --cut T          least frame distance for a cut (default 0.06)\n"
"      --max-bad-rate R fail when more than R of the records are bad\n"
"      --max-errors N   decode errors tolerated (default: 1%% of the\n"
"                       packets, none when the file is cut short)\n"
"      --min-scene N    shortest scene in frames (default 8)\n"
"      --no-audio       do not decode the audio of FILE\n"
"      --skip-bad       report bad records and go on\n"
"      --timecode MODE  EDL and CSV timecode: auto (default: drop-frame\n"
"                       at 29.97 and 59.94), ndf or df\n");
	exit(status);
}

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

/* The loop over the records of path. */
static int
run_records(struct vsc *c, const char *path, struct ndj_policy *pol)
{
	struct rerr e = { 0 };
	struct ndj_reader *r;
	json_t *rec;
	int n, rv = 0;

	if ((r = ndj_open(path, &e)) == NULL)
		return cli_report(&e);
	while (rv == 0 && (n = ndj_next(r, &rec, &e)) != 0) {
		if (n > 0) {
			n = vsc_record(c, r, rec, &e);
			json_decref(rec);
			if (n == 0) {
				ndj_policy_ok(pol);
				continue;
			}
		}
		if (e.code != EX_DATAERR)
			rv = e.msg[0] != '\0' ? cli_report(&e) : e.code;
		else
			rv = ndj_policy_bad(pol, &e);
	}
	ndj_close(r);
	if (rv == 0 && vsc_end(c, &e) != 0)
		rv = e.msg[0] != '\0' ? cli_report(&e) : e.code;
	return rv != 0 ? rv : ndj_policy_end(pol);
}

int
main(int argc, char *argv[])
{
	struct vsc_opts o = { DET_PARAMS_DEFAULT, 0, 0, -1, 1 };
	struct ndj_policy pol = NDJ_POLICY_DEFAULT;
	struct rerr e = { 0 };
	struct vsc c;
	int ch, rv, fmt = EXP_NDJSON, tc = EXP_TC_AUTO, verbose = 0;
	const char *out = NULL;

	cli_init("vscenes");
	while ((ch = getopt_long(argc, argv, "c:f:hj:m:o:qVv", longopts,
	    NULL)) != -1) {
		if (ndj_policy_opt(&pol, ch, optarg))
			continue;
		switch (ch) {
		case 'c':
			cli_warn("-c is an old spelling of --cut");
			/* FALLTHROUGH */
		case OPT_CUT:
			o.dp.cut = cli_num(optarg, 0.001, 1, "--cut");
			break;
		case OPT_TO:
			cli_warn("--to is an old spelling of -f");
			/* FALLTHROUGH */
		case 'f':
			if ((fmt = exp_parse(optarg)) < 0) {
				cli_warn("-f: unknown format: %s", optarg);
				usage(stderr, EX_USAGE);
			}
			break;
		case 'h':
			usage(stdout, 0);
			break;
		case 'j':
			o.threads = (int)cli_int(optarg, 0, 64, "-j");
			break;
		case 'm':
			cli_warn("-m is an old spelling of --min-scene");
			/* FALLTHROUGH */
		case OPT_MIN_SCENE:
			o.dp.min_scene = (int)cli_int(optarg, 1, 100000,
			    "--min-scene");
			break;
		case 'o':
			out = optarg;
			break;
		case 'q':
			o.progress = 0;
			break;
		case 'V':
			cli_version();
			break;
		case 'v':
			verbose++;
			break;
		case OPT_MAX_ERRORS:
			o.max_errors = cli_int(optarg, 0, 1000000000,
			    "--max-errors");
			break;
		case OPT_NOAUDIO:
			o.noaudio = 1;
			break;
		case OPT_TIMECODE:
			if ((tc = exp_tc_parse(optarg)) < 0) {
				cli_warn("--timecode: unknown mode: %s",
				    optarg);
				usage(stderr, EX_USAGE);
			}
			break;
		default:
			usage(stderr, EX_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1)
		usage(stderr, EX_USAGE);
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
