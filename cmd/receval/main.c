/*
 * receval: split event streams for offline evaluation, and score ranked
 * lists against the held-out events.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "event.h"
#include "ndjson.h"
#include "receval.h"

static void __attribute__((noreturn))
usage(FILE *fp, int status)
{
	fputs("usage: receval split --time q|time | --leave-last-out "
	    "--train file --test file\n"
	    "\t[--skip-bad] [--max-bad-rate rate] [file]\n"
	    "       receval score [--min-rating r] --train file --test file\n"
	    "\t[--skip-bad] [--max-bad-rate rate] [file]\n"
	    "       receval -h | -V\n", fp);
	if (fp == stdout)
		fputs("\n"
		    "split: write train and test event streams\n"
		    "  --time q|time       cut at the q quantile of times, "
		    "or at an ISO 8601 time\n"
		    "  --leave-last-out    each user's latest event is test\n"
		    "  --train file        train events out (split), in (score)\n"
		    "  --test file         test events out (split), in (score)\n"
		    "score: read ranked lists and write metric records\n"
		    "  --min-rating r      only test ratings >= r are relevant\n"
		    "  --skip-bad          report bad records and go on\n"
		    "  --max-bad-rate rate fail above this fraction of bad "
		    "records\n"
		    "  -h, --help          this help\n"
		    "  -V, --version       print the version\n", fp);
	exit(status);
}

enum { OPT_TIME = 0x100, OPT_LLO, OPT_TRAIN, OPT_TEST, OPT_MINR };

static const struct option longopts[] = {
	{ "help",		no_argument,		NULL, 'h' },
	{ "leave-last-out",	no_argument,		NULL, OPT_LLO },
	{ "min-rating",		required_argument,	NULL, OPT_MINR },
	{ "test",		required_argument,	NULL, OPT_TEST },
	{ "time",		required_argument,	NULL, OPT_TIME },
	{ "train",		required_argument,	NULL, OPT_TRAIN },
	{ "version",		no_argument,		NULL, 'V' },
	NDJ_LONGOPTS,
	{ NULL, 0, NULL, 0 }
};

int
main(int argc, char *argv[])
{
	struct split_opts so = { -1, 0, 0, NULL, NULL };
	struct score_opts sc = { NULL, NULL, NAN };
	struct ndj_policy pol = NDJ_POLICY_DEFAULT;
	const char *cmd, *train = NULL, *test = NULL, *timearg = NULL;
	int ch, rv, llo = 0;
	double t;
	char *end;

	cli_init("receval");
	if (argc >= 2 && argv[1][0] != '-') {
		cmd = argv[1];
		argc--, argv++;
		argv[0] = (char *)"receval";	/* getopt's messages */
	} else
		cmd = NULL;
	while ((ch = getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
		if (ndj_policy_opt(&pol, ch, optarg))
			continue;
		switch (ch) {
		case OPT_LLO:
			llo = 1;
			break;
		case OPT_MINR:
			sc.min_rating = cli_num(optarg, -1e300, 1e300,
			    "--min-rating");
			break;
		case OPT_TEST:
			test = optarg;
			break;
		case OPT_TIME:
			timearg = optarg;
			break;
		case OPT_TRAIN:
			train = optarg;
			break;
		case 'h':
			usage(stdout, 0);
		case 'V':
			cli_version();
		default:
			usage(stderr, EX_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (cmd == NULL || argc > 1 || train == NULL || test == NULL) {
		if (cmd != NULL && (train == NULL || test == NULL))
			cli_warn("--train and --test are required");
		usage(stderr, EX_USAGE);
	}
	if (strcmp(cmd, "split") == 0) {
		if ((timearg != NULL) == llo) {
			cli_warn("give one of --time and --leave-last-out");
			usage(stderr, EX_USAGE);
		}
		if (sc.min_rating == sc.min_rating)
			usage(stderr, EX_USAGE);
		so.mode = llo ? SPLIT_LLO : SPLIT_TIME;
		so.train = train;
		so.test = test;
		if (timearg != NULL) {
			t = strtod(timearg, &end);
			if (*end == '\0' && end != timearg && t > 0 && t < 1)
				so.frac = t;
			else if (ev_parse_iso(timearg, &so.cut) != 0)
				cli_die(EX_USAGE, "--time: not a fraction in "
				    "(0, 1) or an ISO 8601 time: %s", timearg);
		}
		rv = receval_split(&so, argc ? argv[0] : "-", &pol);
	} else if (strcmp(cmd, "score") == 0) {
		if (timearg != NULL || llo)
			usage(stderr, EX_USAGE);
		sc.train = train;
		sc.test = test;
		rv = receval_score(&sc, argc ? argv[0] : "-", &pol);
	} else {
		cli_warn("unknown command: %s", cmd);
		usage(stderr, EX_USAGE);
	}
	return cli_finish(rv);
}
