/*
 * vtrailer: highlight segments for a trailer, chosen from scene records
 * (vscenes) and, when given, the audio windows of vframes --audio, whose
 * onsets the cuts are snapped to.  Reads every input to the end (the
 * choice needs the whole film), then writes one segment record per shot,
 * in trailer order, for vcut.
 */
#include <sys/stat.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "film.h"
#include "ndjson.h"
#include "select.h"
#include "speech.h"

struct opts {
	struct tr_opts tr;
	const char *media;	/* whose sound gives the pauses of speech */
	int	 nospeech;
	const char *src;
	const char *transition;
	int	 verbose;
};

enum {
	OPT_FPS = CLI_LONG, OPT_MAX_LENGTH, OPT_MIN_LENGTH, OPT_SNAP,
	OPT_GUARD, OPT_SRC, OPT_TRANSITION, OPT_XFADE, OPT_MEDIA, OPT_NOSPEECH
};

static const struct cli_opt opts[] = {
	{ 'd', "duration", "seconds",
	    "length of the trailer in seconds (default 30)", 0 },
	CLI_OPT_HELP,
	{ 's', "seed", "seed", "vary the choice; 0 (default) ranks plainly",
	    0 },
	CLI_OPT_VERSION,
	{ 'v', "verbose", NULL, "a summary on stderr", 0 },
	{ OPT_FPS, "fps", "rate",
	    "frame rate (default: the media record's, or the\n"
	    "scenes' frames')", 0 },
	NDJ_CLI_OPT_MAX_BAD_RATE,
	{ OPT_MAX_LENGTH, "max-length", "seconds", "longest shot (default 4)",
	    0 },
	{ OPT_MEDIA, "media", "file",
	    "the film, whose speech the joins avoid (default:\n"
	    "the scenes' src)", 0 },
	{ OPT_MIN_LENGTH, "min-length", "seconds", "shortest shot (default 1)",
	    0 },
	{ OPT_NOSPEECH, "no-speech", NULL,
	    "do not look for speech in the film's sound", 0 },
	NDJ_CLI_OPT_SKIP_BAD,
	{ OPT_SNAP, "snap", "seconds",
	    "move a shot up to this to start on an onset (0.3)", 0 },
	{ OPT_GUARD, "spoiler-guard", "fraction",
	    "leave out the last fraction of the film (0.2)", 0 },
	{ OPT_SRC, "src", "name",
	    "the src of the segments (default: the scenes')", 0 },
	{ OPT_TRANSITION, "transition", "transition",
	    "cut (default) or crossfade between shots", 0 },
	{ OPT_XFADE, "xfade", "seconds",
	    "crossfade length with --transition crossfade (0.5)", 0 },
	/* old spellings (issue 17) */
	{ 'M', NULL, "seconds", NULL, OPT_MAX_LENGTH },
	{ 'm', NULL, "seconds", NULL, OPT_MIN_LENGTH },
	{ 't', NULL, "transition", NULL, OPT_TRANSITION },
	{ 'x', NULL, "seconds", NULL, OPT_XFADE },
	CLI_OPT_END
};

/* ndj_each's per-record function. */
static int
record(void *arg, struct ndj_reader *r, json_t *rec, struct rerr *e)
{
	return tr_film_record(arg, r, rec, e);
}

static int
emit(const struct opts *o, const struct tr_film *fm, const struct tr_seg *s,
    int n)
{
	const char *src = o->src != NULL ? o->src : fm->src;
	int i;

	for (i = 0; i < n; i++) {
		json_t *rec = json_object();

		json_object_set_new(rec, "type", json_string("segment"));
		if (src != NULL)
			json_object_set_new(rec, "src", json_string(src));
		ndj_set_real(rec, "start", s[i].start, 6);
		ndj_set_real(rec, "end", s[i].end, 6);
		ndj_set_real(rec, "dur", s[i].end - s[i].start, 6);
		json_object_set_new(rec, "order", json_integer(i));
		json_object_set_new(rec, "transition",
		    json_string(i == 0 ? "cut" : o->transition));
		if (i > 0 && o->tr.xfade > 0)
			ndj_set_real(rec, "transition_dur", o->tr.xfade, 6);
		json_object_set_new(rec, "scene", json_integer(s[i].scene));
		ndj_set_real(rec, "score", s[i].score, 4);
		json_object_set_new(rec, "snapped",
		    json_boolean(s[i].snapped));
		ndj_write(stdout, rec);
		json_decref(rec);
		if (ferror(stdout))
			return EX_IOERR;
	}
	return 0;
}

/*
 * The pauses of speech in the film's sound: --media, or else the scenes'
 * src when it names a regular file.  A film named but unreadable is an
 * error; one without sound has no speech.  Returns 0 or the status.
 */
static int
find_speech(const struct opts *o, const struct tr_film *fm,
    struct tr_speech *sp)
{
	const char *path = o->media;
	struct rerr e = { 0 };
	struct stat sb;
	int rv;

	if (o->nospeech)
		return 0;
	if (path == NULL && (fm->src == NULL || stat(fm->src, &sb) != 0 ||
	    !S_ISREG(sb.st_mode)))
		return 0;
	if (path == NULL)
		path = fm->src;
	if ((rv = tr_speech_file(path, sp, &e)) == 0 ||
	    rv == EX_UNAVAILABLE)
		return 0;
	return cli_report(&e);
}

/* Options into o; exits on a usage error. */
static void
parse_opts(struct cli_getopt *g, int argc, char *argv[], struct opts *o,
    struct ndj_policy *pol)
{
	struct rerr e = { 0 };
	double xfade = 0.5;
	int ch, k;

	while ((ch = cli_getopt(g, argc, argv)) != -1) {
		if ((k = ndj_policy_parse(pol, ch, optarg, &e)) != 0) {
			if (k < 0)
				cli_usage_error(g, "%s", e.msg);
			continue;
		}
		switch (ch) {
		case 'd':
			o->tr.target = cli_num(optarg, 0.1, 86400, "-d");
			break;
		case 's':
			o->tr.seed = (unsigned long long)cli_int(optarg, 0,
			    (long long)1 << 62, "-s");
			break;
		case 'v':
			o->verbose++;
			break;
		case OPT_FPS:
			o->tr.fps = cli_num(optarg, 1, 1000, "--fps");
			break;
		case OPT_GUARD:
			o->tr.guard = cli_num(optarg, 0, 0.9,
			    "--spoiler-guard");
			break;
		case OPT_MAX_LENGTH:
			o->tr.max_len = cli_num(optarg, 0.1, 600,
			    "--max-length");
			break;
		case OPT_MIN_LENGTH:
			o->tr.min_len = cli_num(optarg, 0.04, 600,
			    "--min-length");
			break;
		case OPT_SNAP:
			o->tr.snap = cli_num(optarg, 0, 10, "--snap");
			break;
		case OPT_SRC:
			o->src = optarg;
			break;
		case OPT_MEDIA:
			o->media = optarg;
			break;
		case OPT_NOSPEECH:
			o->nospeech = 1;
			break;
		case OPT_TRANSITION:
			if (strcmp(optarg, "cut") != 0 &&
			    strcmp(optarg, "crossfade") != 0)
				cli_usage_error(g, "--transition: unknown "
				    "transition: %s", optarg);
			o->transition = optarg;
			break;
		case OPT_XFADE:
			xfade = cli_num(optarg, 0.04, 10, "--xfade");
			break;
		}
	}
	if (o->tr.min_len > o->tr.max_len)
		cli_usage_error(g, "--min-length: the shortest shot (%g s) is "
		    "longer than the longest (%g s)", o->tr.min_len,
		    o->tr.max_len);
	if (strcmp(o->transition, "crossfade") == 0) {
		/* vcut needs a shot as long as its crossfades in and out. */
		if (o->tr.min_len < 2 * xfade)
			cli_usage_error(g, "--min-length: the shortest shot "
			    "(%g s) is shorter than two crossfades (%g s)",
			    o->tr.min_len, 2 * xfade);
		o->tr.xfade = xfade;
	}
}

int
main(int argc, char *argv[])
{
	struct opts o;
	struct tr_opts tdef = TR_OPTS_DEFAULT;
	struct ndj_policy pol = NDJ_POLICY_DEFAULT;
	struct cli_getopt g = { .opts = opts, .usage = "[-hVv] [-d seconds] "
	    "[-s seed] [--fps rate] [--max-bad-rate rate] "
	    "[--max-length seconds] [--media file] [--min-length seconds] "
	    "[--no-speech] [--skip-bad] "
	    "[--snap seconds] [--spoiler-guard fraction] [--src name] "
	    "[--transition transition] [--xfade seconds] [file ...]" };
	struct tr_film fm;
	struct tr_speech sp = { 0 };
	struct tr_seg *seg = NULL;
	struct ndj_loop l = { .rec = record, .pol = &pol, .arg = &fm };
	char err[512], warn[256];
	const char *last;
	int rv, nseg = 0, i, nsnap = 0;

	memset(&o, 0, sizeof(o));
	memset(&fm, 0, sizeof(fm));
	o.tr = tdef;
	o.transition = "cut";
	cli_init("vtrailer");
	parse_opts(&g, argc, argv, &o, &pol);
	argc -= optind;
	argv += optind;
	if ((rv = ndj_each_input(argc, argv, &l)) != 0)
		goto out;
	tr_film_end(&fm);
	if (o.tr.fps == 0)
		o.tr.fps = tr_film_fps(&fm);
	if ((rv = find_speech(&o, &fm, &sp)) != 0)
		goto out;
	o.tr.speech = sp.n > 0 ? &sp : NULL;
	last = cli_name(argc > 0 ? argv[argc - 1] : "-");
	if (tr_select(fm.sc, fm.n, fm.a, fm.na, fm.on, fm.no, &o.tr, &seg,
	    &nseg, err, sizeof(err), warn, sizeof(warn)) != 0) {
		if (argc <= 1)
			cli_warnat(last, 0, "%s", err);
		else
			cli_warn("%s", err);
		rv = strcmp(err, "out of memory") == 0 ? EX_SOFTWARE :
		    EX_DATAERR;
		goto out;
	}
	if (*warn != '\0')
		cli_warn("%s", warn);
	rv = emit(&o, &fm, seg, nseg);
	if (o.verbose) {
		double sum = 0;

		for (i = 0; i < nseg; i++) {
			sum += seg[i].end - seg[i].start;
			nsnap += seg[i].snapped;
		}
		cli_warn("%d segments, %.3f s from %d scenes, %d on onsets, "
		    "frame rate %.3f, %.1f s of speech", nseg, sum, fm.n, nsnap,
		    o.tr.fps, sp.total);
	}
out:
	free(seg);
	tr_speech_free(&sp);
	tr_film_free(&fm);
	return cli_finish(rv);
}
