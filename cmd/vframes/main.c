/*
 * vframes: decode video files and emit one frame record per frame (or per
 * sampled frame) with cheap features of a downscaled copy, and with
 * --audio, audio window records.  Records are defined in lib/vrec.h.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audio.h"
#include "cli.h"
#include "media.h"
#include "ndjson.h"
#include "vrec.h"

#define AUDIO_RATE	22050

struct opts {
	int	 audio;
	double	 duration;
	const char *decoder;
	long	 every;
	double	 fps;
	double	 hop;
	int	 keyframes;
	long	 max_errors;
	int	 nonref;
	int	 nosig;
	double	 start;
	int	 threads;
	int	 verbose;
	int	 width;
};

enum {
	OPT_DECODER = 0x100, OPT_HOP, OPT_MAX_ERRORS, OPT_NONREF, OPT_NOSIG,
	OPT_WIDTH
};

static const struct option longopts[] = {
	{ "audio",	no_argument,		NULL, 'a' },
	{ "decoder",	required_argument,	NULL, OPT_DECODER },
	{ "duration",	required_argument,	NULL, 'd' },
	{ "every",	required_argument,	NULL, 'e' },
	{ "fps",	required_argument,	NULL, 'r' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "hop",	required_argument,	NULL, OPT_HOP },
	{ "keyframes",	no_argument,		NULL, 'k' },
	{ "max-errors",	required_argument,	NULL, OPT_MAX_ERRORS },
	{ "no-sig",	no_argument,		NULL, OPT_NOSIG },
	{ "nonref",	no_argument,		NULL, OPT_NONREF },
	{ "start",	required_argument,	NULL, 's' },
	{ "threads",	required_argument,	NULL, 'j' },
	{ "verbose",	no_argument,		NULL, 'v' },
	{ "version",	no_argument,		NULL, 'V' },
	{ "width",	required_argument,	NULL, OPT_WIDTH },
	{ NULL, 0, NULL, 0 }
};

static void
usage(FILE *fp, int status)
{
	fprintf(fp,
"usage: vframes [-ahkVv] [-d seconds] [-e n] [-j threads] [-r fps]\n"
"               [-s seconds] [--decoder name] [--hop seconds]\n"
"               [--max-errors n] [--no-sig] [--nonref] [--width pixels]\n"
"               [file ...]\n");
	if (fp == stdout)
		fprintf(fp, "\n"
"  -a, --audio          add audio window records\n"
"  -d, --duration S     stop S seconds after the start\n"
"  -e, --every N        one record every N decoded frames\n"
"  -h, --help           this help\n"
"  -j, --threads N      decoder threads (0: one per core; default 0)\n"
"  -k, --keyframes      decode and emit keyframes only\n"
"  -r, --fps R          at most R records per second of video\n"
"  -s, --start S        start at S seconds (seek)\n"
"  -V, --version        print the version\n"
"  -v, --verbose        libav messages (-vv, -vvv: more)\n"
"      --decoder NAME   use this video decoder\n"
"      --hop S          audio window length (default 0.1)\n"
"      --max-errors N   decode errors tolerated (default: 1%% of the\n"
"                       packets, none when the file is cut short)\n"
"      --no-sig         leave out the sig field\n"
"      --nonref         skip non-reference frames\n"
"      --width PIXELS   analysis width (default 128)\n");
	exit(status);
}

struct audio_out {
	const char *src;
};

static int
emit_audio(const struct au_win *w, void *arg)
{
	struct audio_out *ao = arg;
	json_t *o = vrec_audio_json(w, ao->src);

	ndj_write(stdout, o);
	json_decref(o);
	return ferror(stdout) ? EX_IOERR : 0;
}

/* Whether frame f is one the sampling options keep. */
static int
keep(const struct opts *o, const struct media_frame *f, long n,
    double *next_t)
{
	if (o->every > 1 && n % o->every != 0)
		return 0;
	if (o->fps > 0) {
		if (f->t + 1e-6 < *next_t)
			return 0;
		*next_t = (floor(f->t * o->fps + 1e-6) + 1) / o->fps;
	}
	return 1;
}

/* Reports the decode errors of a finished file; returns its status. */
static int
report_errors(const char *name, const struct media *m, long max)
{
	char msg[512];

	if (media_errors_msg(m, msg, sizeof(msg)) == 0)
		return 0;
	cli_warnat(name, 0, "%s", msg);
	return media_errors_fatal(m, max) ? EX_DATAERR : 0;
}

static int
run(const char *path, void *arg)
{
	const struct opts *o = arg;
	struct media_opts mo = MEDIA_OPTS_DEFAULT;
	struct rerr e = { 0 };
	struct media *m;
	const struct media_info *mi;
	struct media_frame f;
	struct vfeat_ctx vc = { 0 };
	struct vfeat v;
	struct au *au = NULL;
	struct audio_out ao;
	const char *name = cli_name(path);
	double next_t = -1e300;
	long n = 0;
	int r, rv = 0;
	json_t *rec;

	mo.audio_rate = o->audio ? AUDIO_RATE : 0;
	mo.threads = o->threads;
	mo.start = o->start;
	mo.duration = o->duration;
	mo.skip = o->keyframes ? MEDIA_SKIP_NONKEY :
	    o->nonref ? MEDIA_SKIP_NONREF : MEDIA_SKIP_NONE;
	mo.gw = o->width;
	mo.decoder = o->decoder;
	mo.max_errors = o->max_errors > 1000 ? o->max_errors : 1000;
	if ((m = media_open(path, &mo, &e)) == NULL)
		return cli_report(&e);
	mi = media_info(m);
	if (vfeat_init(&vc, mi->gw, mi->gh) != 0) {
		rv = cli_report((rerr_set(&e, EX_SOFTWARE, NULL, 0,
		    "out of memory"), &e));
		goto out;
	}
	ao.src = name;
	if (mi->has_audio && (au = au_open(mi->audio_rate, o->hop, 0,
	    emit_audio, &ao, &e)) == NULL) {
		rv = cli_report(&e);
		goto out;
	}
	rec = vrec_media_json(mi, name);
	ndj_write(stdout, rec);
	json_decref(rec);
	while ((r = media_next(m, &f, &e)) == 1) {
		if (f.kind == MEDIA_AUDIO) {
			if ((rv = au_push(au, f.samples, f.nsamples, f.t)) != 0)
				goto out;
			continue;
		}
		if (!keep(o, &f, n++, &next_t))
			continue;
		vfeat_compute(&vc, &f, mi->cw, mi->ch, &v);
		rec = vrec_frame_json(&v, name, !o->nosig);
		ndj_write(stdout, rec);
		json_decref(rec);
		if (ferror(stdout)) {
			rv = EX_IOERR;	/* cli_finish says why */
			goto out;
		}
	}
	if (r < 0) {
		rv = cli_report(&e);
		goto out;
	}
	if (au != NULL && (rv = au_flush(au)) != 0)
		goto out;
	rv = report_errors(name, m, o->max_errors);
out:
	au_close(au);
	vfeat_free(&vc);
	media_close(m);
	return rv;
}

int
main(int argc, char *argv[])
{
	struct opts o = { 0 };
	int ch, rv;

	o.hop = 0.1;
	o.max_errors = -1;	/* the default policy: media_errors_fatal */
	o.width = 128;
	cli_init("vframes");
	while ((ch = getopt_long(argc, argv, "ad:e:hj:kr:s:Vv", longopts,
	    NULL)) != -1)
		switch (ch) {
		case 'a':
			o.audio = 1;
			break;
		case 'd':
			o.duration = cli_num(optarg, 0.001, 1e9, "-d");
			break;
		case 'e':
			o.every = cli_int(optarg, 1, 1000000, "-e");
			break;
		case 'h':
			usage(stdout, 0);
			break;
		case 'j':
			o.threads = (int)cli_int(optarg, 0, 64, "-j");
			break;
		case 'k':
			o.keyframes = 1;
			break;
		case 'r':
			o.fps = cli_num(optarg, 0.001, 1000, "-r");
			break;
		case 's':
			o.start = cli_num(optarg, 0, 1e9, "-s");
			break;
		case 'V':
			cli_version();
			break;
		case 'v':
			o.verbose++;
			break;
		case OPT_DECODER:
			o.decoder = optarg;
			break;
		case OPT_HOP:
			o.hop = cli_num(optarg, 0.01, 10, "--hop");
			break;
		case OPT_MAX_ERRORS:
			o.max_errors = cli_int(optarg, 0, 1000000000,
			    "--max-errors");
			break;
		case OPT_NONREF:
			o.nonref = 1;
			break;
		case OPT_NOSIG:
			o.nosig = 1;
			break;
		case OPT_WIDTH:
			o.width = (int)cli_int(optarg, 32, 256, "--width");
			break;
		default:
			usage(stderr, EX_USAGE);
		}
	argc -= optind;
	argv += optind;
	media_set_verbosity(o.verbose);
	rv = cli_each_input(argc, argv, run, &o);
	return cli_finish(rv);
}
