/*
 * vtrailer: highlight segments for a trailer, chosen from scene records
 * (vscenes) and, when given, the audio windows of vframes --audio, whose
 * onsets the cuts are snapped to.  Reads every input to the end (the
 * choice needs the whole film), then writes one segment record per shot,
 * in trailer order, for vcut.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ndjson.h"
#include "select.h"
#include "sort.h"

struct opts {
	struct tr_opts tr;
	const char *src;
	const char *transition;
	int	 verbose;
	struct ndj_policy pol;
};

/* What the inputs held, gathered across files. */
struct film {
	struct tr_scene *sc;
	int	 n, cap;
	struct tr_audio *a;
	int	 na, acap;
	double	*on;
	int	 no, ocap;
	char	*src;		/* of the first scene, or NULL */
	double	 frames, secs;	/* for the frame rate */
	double	 last_end;
};

enum { OPT_FPS = 0x100, OPT_GUARD, OPT_SNAP, OPT_SRC };

static const struct option longopts[] = {
	{ "duration",	required_argument,	NULL, 'd' },
	{ "fps",	required_argument,	NULL, OPT_FPS },
	{ "help",	no_argument,		NULL, 'h' },
	{ "max-length",	required_argument,	NULL, 'M' },
	{ "min-length",	required_argument,	NULL, 'm' },
	{ "seed",	required_argument,	NULL, 's' },
	{ "snap",	required_argument,	NULL, OPT_SNAP },
	{ "spoiler-guard", required_argument,	NULL, OPT_GUARD },
	{ "src",	required_argument,	NULL, OPT_SRC },
	{ "transition",	required_argument,	NULL, 't' },
	{ "xfade",	required_argument,	NULL, 'x' },
	{ "verbose",	no_argument,		NULL, 'v' },
	{ "version",	no_argument,		NULL, 'V' },
	NDJ_LONGOPTS,
	{ NULL, 0, NULL, 0 }
};

static void
usage(FILE *fp, int status)
{
	fprintf(fp,
"usage: vtrailer [-hVv] [-d seconds] [-M seconds] [-m seconds] [-s seed]\n"
"                [-t transition] [-x seconds] [--fps rate]\n"
"                [--max-bad-rate rate] [--skip-bad] [--snap seconds]\n"
"                [--spoiler-guard fraction] [--src name] [file ...]\n");
	if (fp == stdout)
		fprintf(fp, "\n"
"  -d, --duration S     length of the trailer in seconds (default 30)\n"
"  -h, --help           this help\n"
"  -M, --max-length S   longest shot (default 4)\n"
"  -m, --min-length S   shortest shot (default 1)\n"
"  -s, --seed N         vary the choice; 0 (default) ranks plainly\n"
"  -t, --transition T   cut (default) or crossfade between shots\n"
"  -V, --version        print the version\n"
"  -v, --verbose        a summary on stderr\n"
"  -x, --xfade S        crossfade length with -t crossfade (default 0.5)\n"
"      --fps R          frame rate (default: from the scenes' frames)\n"
"      --max-bad-rate R fail when more than R of the records are bad\n"
"      --skip-bad       report bad records and go on\n"
"      --snap S         move a shot up to S to start on an onset (0.3)\n"
"      --spoiler-guard F  leave out the last F of the film (0.2)\n"
"      --src NAME       the src of the segments (default: the scenes')\n");
	exit(status);
}

static int
grow(void **p, int *cap, int n, size_t size)
{
	void *q;

	if (n < *cap)
		return 0;
	*cap = *cap ? 2 * *cap : 256;
	if ((q = realloc(*p, *cap * size)) == NULL)
		return -1;
	*p = q;
	return 0;
}

/* Takes a scene record.  Returns 0, or -1 with e filled. */
static int
add_scene(struct film *fm, struct ndj_reader *r, const json_t *rec,
    struct rerr *e)
{
	struct tr_scene s;
	const char *src = NULL;
	long long idx = fm->n, f0 = -1, f1 = -1;
	double v;

	s.tin0 = s.tin1 = -1;
	s.motion = 0;
	s.motion_peak = s.hook = s.luma = -1;
	s.loud = NAN;
	if (ndj_get_num(r, rec, "start", 0, &s.start, e) < 0 ||
	    ndj_get_num(r, rec, "end", 0, &s.end, e) < 0 ||
	    ndj_get_int(r, rec, "index", 1, &idx, e) < 0 ||
	    ndj_get_num(r, rec, "trans_start", 1, &s.tin0, e) < 0 ||
	    ndj_get_num(r, rec, "trans_end", 1, &s.tin1, e) < 0 ||
	    ndj_get_num(r, rec, "motion", 1, &s.motion, e) < 0 ||
	    ndj_get_num(r, rec, "motion_peak", 1, &s.motion_peak, e) < 0 ||
	    ndj_get_num(r, rec, "hook", 1, &s.hook, e) < 0 ||
	    ndj_get_num(r, rec, "luma", 1, &s.luma, e) < 0 ||
	    ndj_get_int(r, rec, "frame", 1, &f0, e) < 0 ||
	    ndj_get_int(r, rec, "frame_end", 1, &f1, e) < 0 ||
	    ndj_get_str(r, rec, "src", 1, &src, e) < 0)
		return -1;
	if (json_object_get(rec, "loudness") != NULL) {
		if (ndj_get_num(r, rec, "loudness", 0, &v, e) < 0)
			return -1;
		s.loud = v;
	} else if (json_object_get(rec, "audio_rms") != NULL) {
		if (ndj_get_num(r, rec, "audio_rms", 0, &v, e) < 0)
			return -1;
		s.loud = v;
	}
	if (!isfinite(s.start) || !isfinite(s.end) || s.start < 0 ||
	    s.end <= s.start) {
		rerr_set(e, EX_DATAERR, ndj_name(r), ndj_line(r),
		    "scene ends before it starts (%g..%g)", s.start, s.end);
		return -1;
	}
	if (fm->n > 0 && s.start < fm->last_end - 1e-3) {
		rerr_set(e, EX_DATAERR, ndj_name(r), ndj_line(r),
		    "scene starts at %g, before the one before ends (%g): "
		    "scenes must be in order", s.start, fm->last_end);
		return -1;
	}
	if (src != NULL && fm->src != NULL && strcmp(src, fm->src) != 0) {
		rerr_set(e, EX_DATAERR, ndj_name(r), ndj_line(r),
		    "scene of a second source '%s' (the first was '%s'): "
		    "one trailer is made from one source", src, fm->src);
		return -1;
	}
	if (src != NULL && fm->src == NULL && (fm->src = strdup(src)) == NULL)
		return rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory"), -1;
	if (grow((void **)&fm->sc, &fm->cap, fm->n, sizeof(s)) != 0)
		return rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory"), -1;
	s.index = (long)idx;
	if (f0 >= 0 && f1 > f0) {
		fm->frames += (double)(f1 - f0);
		fm->secs += s.end - s.start;
	}
	fm->last_end = s.end;
	fm->sc[fm->n++] = s;
	return 0;
}

/* Takes an audio window or an onset record. */
static int
add_audio(struct film *fm, struct ndj_reader *r, const json_t *rec,
    int onset, struct rerr *e)
{
	struct tr_audio a = { 0, 0, -120, 0 };

	if (ndj_get_num(r, rec, "t", 0, &a.t, e) < 0)
		return -1;
	if (onset) {
		if (grow((void **)&fm->on, &fm->ocap, fm->no,
		    sizeof(double)) != 0)
			return rerr_set(e, EX_SOFTWARE, NULL, 0,
			    "out of memory"), -1;
		fm->on[fm->no++] = a.t;
		return 0;
	}
	if (ndj_get_num(r, rec, "dur", 1, &a.dur, e) < 0 ||
	    ndj_get_num(r, rec, "rms", 1, &a.rms, e) < 0 ||
	    ndj_get_num(r, rec, "onset", 1, &a.onset, e) < 0)
		return -1;
	if (grow((void **)&fm->a, &fm->acap, fm->na, sizeof(a)) != 0)
		return rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory"), -1;
	fm->a[fm->na++] = a;
	return 0;
}

struct ctx {
	struct opts *o;
	struct film *fm;
};

/* Reads one input into the film.  Returns 0 or the status. */
static int
read_input(const char *path, void *arg)
{
	struct ctx *c = arg;
	struct rerr e = { 0 };
	struct ndj_reader *r;
	json_t *rec;
	int k, rv = 0;

	if ((r = ndj_open(path, &e)) == NULL)
		return cli_report(&e);
	while ((k = ndj_next(r, &rec, &e)) != 0) {
		const char *type;
		int bad = 0;

		if (k < 0) {
			if (e.code != EX_DATAERR) {
				rv = cli_report(&e);
				break;
			}
			if ((rv = ndj_policy_bad(&c->o->pol, &e)) != 0)
				break;
			continue;
		}
		type = json_string_value(json_object_get(rec, "type"));
		if (type == NULL)
			bad = 0;
		else if (strcmp(type, "scene") == 0)
			bad = add_scene(c->fm, r, rec, &e);
		else if (strcmp(type, "audio") == 0)
			bad = add_audio(c->fm, r, rec, 0, &e);
		else if (strcmp(type, "onset") == 0)
			bad = add_audio(c->fm, r, rec, 1, &e);
		json_decref(rec);
		if (bad == 0) {
			ndj_policy_ok(&c->o->pol);
			continue;
		}
		if (e.code != EX_DATAERR) {
			rv = cli_report(&e);
			break;
		}
		if ((rv = ndj_policy_bad(&c->o->pol, &e)) != 0)
			break;
	}
	ndj_close(r);
	return rv;
}

static int
cmp_audio(const void *a, const void *b)
{
	double x = ((const struct tr_audio *)a)->t;
	double y = ((const struct tr_audio *)b)->t;

	return x < y ? -1 : x > y;
}

/*
 * The frame rate the scenes imply, moved onto a standard rate when it is
 * within 0.5% of one, or 0 when they carry no frame numbers.
 */
static double
scene_fps(const struct film *fm)
{
	static const double std[] = { 24000.0 / 1001, 24, 25, 30000.0 / 1001,
	    30, 48, 50, 60000.0 / 1001, 60 };
	double f;
	size_t i;

	if (fm->secs <= 0)
		return 0;
	f = fm->frames / fm->secs;
	for (i = 0; i < sizeof(std) / sizeof(std[0]); i++)
		if (fabs(f - std[i]) <= 0.005 * std[i])
			return std[i];
	return f;
}

static int
emit(const struct opts *o, const struct film *fm, const struct tr_seg *s,
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

int
main(int argc, char *argv[])
{
	struct opts o;
	struct tr_opts tdef = TR_OPTS_DEFAULT;
	struct ndj_policy pol = NDJ_POLICY_DEFAULT;
	struct film fm;
	struct ctx c;
	struct tr_seg *seg = NULL;
	char err[512], warn[256];
	const char *last;
	double xfade = 0.5;
	int ch, rv, nseg = 0, i, nsnap = 0;

	memset(&o, 0, sizeof(o));
	memset(&fm, 0, sizeof(fm));
	o.tr = tdef;
	o.pol = pol;
	o.transition = "cut";
	cli_init("vtrailer");
	while ((ch = getopt_long(argc, argv, "d:hM:m:s:t:Vvx:", longopts,
	    NULL)) != -1)
		switch (ch) {
		case 'd':
			o.tr.target = cli_num(optarg, 0.1, 86400, "-d");
			break;
		case 'h':
			usage(stdout, 0);
			break;
		case 'M':
			o.tr.max_len = cli_num(optarg, 0.1, 600, "-M");
			break;
		case 'm':
			o.tr.min_len = cli_num(optarg, 0.04, 600, "-m");
			break;
		case 's':
			o.tr.seed = (unsigned long long)cli_int(optarg, 0,
			    (long long)1 << 62, "-s");
			break;
		case 't':
			if (strcmp(optarg, "cut") != 0 &&
			    strcmp(optarg, "crossfade") != 0) {
				cli_warn("-t: unknown transition: %s", optarg);
				usage(stderr, EX_USAGE);
			}
			o.transition = optarg;
			break;
		case 'V':
			cli_version();
			break;
		case 'v':
			o.verbose++;
			break;
		case 'x':
			xfade = cli_num(optarg, 0.04, 10, "-x");
			break;
		case OPT_FPS:
			o.tr.fps = cli_num(optarg, 1, 1000, "--fps");
			break;
		case OPT_GUARD:
			o.tr.guard = cli_num(optarg, 0, 0.9,
			    "--spoiler-guard");
			break;
		case OPT_SNAP:
			o.tr.snap = cli_num(optarg, 0, 10, "--snap");
			break;
		case OPT_SRC:
			o.src = optarg;
			break;
		default:
			if (!ndj_policy_opt(&o.pol, ch, optarg))
				usage(stderr, EX_USAGE);
		}
	argc -= optind;
	argv += optind;
	if (o.tr.min_len > o.tr.max_len) {
		cli_warn("-m: the shortest shot (%g s) is longer than the "
		    "longest (%g s)", o.tr.min_len, o.tr.max_len);
		usage(stderr, EX_USAGE);
	}
	if (strcmp(o.transition, "crossfade") == 0) {
		/* vcut needs a shot as long as its crossfades in and out. */
		if (o.tr.min_len < 2 * xfade) {
			cli_warn("-m: the shortest shot (%g s) is shorter than "
			    "two crossfades (%g s)", o.tr.min_len, 2 * xfade);
			usage(stderr, EX_USAGE);
		}
		o.tr.xfade = xfade;
	}
	c.o = &o;
	c.fm = &fm;
	if ((rv = cli_each_input(argc, argv, read_input, &c)) != 0)
		goto out;
	if ((rv = ndj_policy_end(&o.pol)) != 0)
		goto out;
	if (fm.na > 0)
		qsort(fm.a, fm.na, sizeof(*fm.a), cmp_audio);
	if (fm.no > 0)
		qsort(fm.on, fm.no, sizeof(*fm.on), sort_cmp_double);
	if (o.tr.fps == 0)
		o.tr.fps = scene_fps(&fm);
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
		    "frame rate %.3f", nseg, sum, fm.n, nsnap, o.tr.fps);
	}
out:
	free(seg);
	free(fm.sc);
	free(fm.a);
	free(fm.on);
	free(fm.src);
	return cli_finish(rv);
}
