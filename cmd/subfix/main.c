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
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ndjson.h"
#include "sub.h"
#include "subfix.h"

enum { O_REPORT = CLI_LONG, O_FPS, O_JOIN, O_KEEP, O_SPLIT, O_LANG,
	O_LIMIT };	/* O_LIMIT + i: the limits of limits[] */

/*
 * The limits that are options over the profile: where each goes in a
 * struct profile, its range, and whether it is a count.
 */
static const struct limit {
	const char	*name, *arg, *help;
	size_t		 off;
	double		 lo, hi;
	int		 count;
} limits[] = {
	{ "max-chars", "n", "characters a line",
	    offsetof(struct profile, max_chars), 1, 1000, 1 },
	{ "max-lines", "n", "lines a cue",
	    offsetof(struct profile, max_lines), 1, 100, 1 },
	{ "cps", "rate", "reading speed, characters a second",
	    offsetof(struct profile, cps), 0.1, 1000, 0 },
	{ "min-duration", "s", "shortest cue, seconds",
	    offsetof(struct profile, min_dur), 0, 3600, 0 },
	{ "max-duration", "s", "longest cue, seconds",
	    offsetof(struct profile, max_dur), 0, 3600, 0 },
	{ "min-gap", "frames", "frames between cues",
	    offsetof(struct profile, min_gap), 0, 3600, 0 },
	{ "chain", "s", "close gaps up to s seconds",
	    offsetof(struct profile, chain), 0, 3600, 0 },
	{ "shot-window", "s", "snap to a shot change this near, seconds",
	    offsetof(struct profile, shot_window), 0, 3600, 0 },
	{ "shot-out", "frames", "end this many frames before a shot change",
	    offsetof(struct profile, shot_out), 0, 3600, 0 },
};
#define NLIMITS	(sizeof(limits) / sizeof(limits[0]))

static const struct cli_opt fixed_opts[] = {
	SUB_CLI_OPT_ENCODING,
	{ 'f', "format", "format", "output format: srt, vtt, ass, ssa, ttml, "
	    "sbv,\nmicrodvd, sami, ndjson (default: by -o, else as\nthe "
	    "input)", 0 },
	CLI_OPT_HELP,
	SUB_CLI_OPT_INPUT_FORMAT,
	{ 'o', "output", "file", "write file atomically, not the standard "
	    "output", 0 },
	{ 'p', "profile", "profile", "the limits of a guideline (default "
	    "netflix-en)", 0 },
	{ 'S', "scenes", "file", "scene records: the shot changes", 0 },
	CLI_OPT_VERSION,
	{ O_REPORT, "report", "file", "the change records (default: standard "
	    "error)", 0 },
	{ O_FPS, "fps", "rate", "video frame rate, for limits in frames and "
	    "MicroDVD\n(default 25)", 0 },
	{ O_LANG, "lang", "code", "language of cues without a lang field\n"
	    "(default: the profile's)", 0 },
	{ O_JOIN, "join-lines", NULL, "put text that fits one line on one",
	    0 },
	{ O_KEEP, "keep-lines", NULL, "break lines only where they do not "
	    "fit", 0 },
	{ O_SPLIT, "split", NULL, "split cues too long for the lines or the "
	    "duration", 0 },
	NDJ_CLI_OPT_MAX_BAD_RATE,
	NDJ_CLI_OPT_SKIP_BAD,
};
#define NFIXED	(sizeof(fixed_opts) / sizeof(fixed_opts[0]))

static const char usage_text[] = "[-hV] [-e encoding] [-f format] "
    "[-i format] [-o file] [-p profile] [-S file] [--report file] "
    "[--fps rate] [--lang code] [--max-chars n] [--max-lines n] "
    "[--cps rate] [--min-duration s] [--max-duration s] "
    "[--min-gap frames] [--chain s] [--shot-window s] "
    "[--shot-out frames] [--join-lines] [--keep-lines] [--split] "
    "[--max-bad-rate rate] [--skip-bad] [file]";

int
main(int argc, char *argv[])
{
	struct cli_opt opts[NFIXED + NLIMITS + 1];
	struct cli_getopt g = { .opts = opts, .usage = usage_text };
	struct fix_opts o = { 0 };
	struct ndj_policy pol = NDJ_POLICY_DEFAULT;
	const struct profile *p = profile_find("netflix-en");
	double v[NLIMITS];
	int set[NLIMITS] = { 0 }, ch, join = -1;
	char trailer[256] = "profiles:";
	struct rerr e = { 0 };
	size_t i;

	cli_init("subfix");
	/* The table: the fixed options, the limits before the policy. */
	memcpy(opts, fixed_opts, (NFIXED - 2) * sizeof(opts[0]));
	for (i = 0; i < NLIMITS; i++)
		opts[NFIXED - 2 + i] = (struct cli_opt){ O_LIMIT + (int)i,
		    limits[i].name, limits[i].arg, limits[i].help, 0 };
	opts[NFIXED + NLIMITS - 2] = fixed_opts[NFIXED - 2];
	opts[NFIXED + NLIMITS - 1] = fixed_opts[NFIXED - 1];
	opts[NFIXED + NLIMITS] = (struct cli_opt)CLI_OPT_END;
	for (i = 0; subfix_profiles[i] != NULL; i++) {
		strncat(trailer, " ", sizeof(trailer) - strlen(trailer) - 1);
		strncat(trailer, subfix_profiles[i]->name,
		    sizeof(trailer) - strlen(trailer) - 1);
	}
	g.trailer = trailer;
	o.fps = 25;
	while ((ch = cli_getopt(&g, argc, argv)) != -1) {
		int r = ndj_policy_parse(&pol, ch, optarg, &e);

		if (r == 0)
			r = sub_ropts_parse(&o.ro, ch, optarg, &e);
		if (r < 0)
			cli_usage_error(&g, "%s", e.msg);
		if (r > 0)
			continue;
		if (ch >= O_LIMIT && ch < O_LIMIT + (int)NLIMITS) {
			const struct limit *lm = &limits[ch - O_LIMIT];
			char name[32];

			snprintf(name, sizeof(name), "--%s", lm->name);
			v[ch - O_LIMIT] = lm->count ? (double)cli_int(optarg,
			    (long long)lm->lo, (long long)lm->hi, name) :
			    cli_num(optarg, lm->lo, lm->hi, name);
			set[ch - O_LIMIT] = 1;
			continue;
		}
		switch (ch) {
		case 'f':
			if (sub_fmt_arg(optarg, "-f", &o.to, &e) != 0)
				cli_usage_error(&g, "%s", e.msg);
			break;
		case 'o':
			o.output = optarg;
			break;
		case 'p':
			if ((p = profile_find(optarg)) == NULL)
				cli_usage_error(&g, "-p: unknown profile: %s",
				    optarg);
			break;
		case 'S':
			o.scenes = optarg;
			break;
		case O_REPORT:
			o.report = optarg;
			break;
		case O_FPS:
			o.fps = cli_num(optarg, 1, 1000, "--fps");
			break;
		case O_LANG:
			o.lang = optarg;
			break;
		case O_JOIN:
		case O_KEEP:
			join = ch == O_JOIN;
			break;
		case O_SPLIT:
			o.split = 1;
			break;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1)
		cli_usage_error(&g, "one input file at most");
	o.p = *p;
	if (join >= 0)
		o.p.one_line = join;
	for (i = 0; i < NLIMITS; i++) {
		char *field = (char *)&o.p + limits[i].off;

		if (!set[i])
			continue;
		if (limits[i].count)
			*(long *)(void *)field = (long)v[i];
		else
			*(double *)(void *)field = v[i];
	}
	if (o.p.min_dur > o.p.max_dur)
		cli_usage_error(&g, "--min-duration %g is over --max-duration "
		    "%g", o.p.min_dur, o.p.max_dur);
	o.ro.fps = o.fps;
	o.input = argc == 1 ? argv[0] : "-";
	if (o.to == SUB_NONE && o.output != NULL)
		o.to = sub_fmt_from_path(o.output);
	return cli_finish(fix_run(&o, &pol));
}
