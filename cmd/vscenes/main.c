/*
 * vscenes: shot boundaries and scene scores, from frame records (vframes)
 * or from a video file decoded in the same process.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "athread.h"
#include "atomic.h"
#include "audio.h"
#include "cli.h"
#include "detect.h"
#include "export.h"
#include "media.h"
#include "ndjson.h"
#include "vrec.h"

#define AUDIO_RATE	22050

struct opts {
	struct det_params dp;
	int	 fmt;
	int	 noaudio;
	const char *out;
	struct ndj_policy pol;
	int	 threads;
	int	 verbose;
	long	 max_errors;
};

enum { OPT_MAX_ERRORS = 0x100, OPT_NOAUDIO, OPT_TO };

static const struct option longopts[] = {
	{ "cut",	required_argument,	NULL, 'c' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "max-errors",	required_argument,	NULL, OPT_MAX_ERRORS },
	{ "min-scene",	required_argument,	NULL, 'm' },
	{ "no-audio",	no_argument,		NULL, OPT_NOAUDIO },
	{ "output",	required_argument,	NULL, 'o' },
	{ "threads",	required_argument,	NULL, 'j' },
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
"usage: vscenes [-hVv] [-c threshold] [-j threads] [-m frames] [-o file]\n"
"               [--max-bad-rate rate] [--max-errors n] [--no-audio]\n"
"               [--skip-bad] [--to format] [file]\n");
	if (fp == stdout)
		fprintf(fp, "\n"
"  -c, --cut T          least frame distance for a cut (default 0.06)\n"
"  -h, --help           this help\n"
"  -j, --threads N      decoder threads (0: one per core; default 0)\n"
"  -m, --min-scene N    shortest scene in frames (default 8)\n"
"  -o, --output FILE    write to FILE (whole or not at all)\n"
"  -V, --version        print the version\n"
"  -v, --verbose        libav messages (-vv, -vvv: more)\n"
"      --max-bad-rate R fail when more than R of the records are bad\n"
"      --max-errors N   decode errors tolerated (default: 1%% of the\n"
"                       packets, none when the file is cut short)\n"
"      --no-audio       do not decode the audio of FILE\n"
"      --skip-bad       report bad records and go on\n"
"      --to FORMAT      ndjson (default), edl, ffmetadata, vtt or csv\n");
	exit(status);
}

struct ctx {
	const struct opts *o;
	struct exporter x;
	struct det *det;
	char	 src[256];
	int	 have_src;
};

static int
emit(const struct det_scene *s, void *arg)
{
	struct ctx *c = arg;

	return exp_scene(&c->x, s);
}

/*
 * Audio windows go to the detector rounded as vframes prints them, so the
 * decoding path and the records path agree to the bit.
 */
static int
audio_to_det(const struct au_win *w, void *arg)
{
	struct ctx *c = arg;
	struct au_win r = *w;

	vrec_audio_round(&r);
	return det_audio(c->det, &r);
}

/* The audio thread's windows, rounded already. */
static int
win_to_det(const struct au_win *w, void *arg)
{
	struct ctx *c = arg;

	return det_audio(c->det, w);
}

static int
new_det(struct ctx *c)
{
	if ((c->det = det_new(&c->o->dp, emit, c)) == NULL) {
		cli_warn("out of memory");
		return EX_SOFTWARE;
	}
	return 0;
}

/*
 * Decodes a video file and runs the detector on its frames.  The audio of
 * a regular file is decoded and analysed on a thread of its own (see
 * athread.h); that of anything else (a FIFO cannot be opened twice) in
 * the same loop as the video.
 */
static int
run_media(struct ctx *c, const char *path)
{
	const struct opts *o = c->o;
	struct media_opts mo = MEDIA_OPTS_DEFAULT;
	struct rerr e = { 0 };
	const struct media_info *mi;
	char msg[512];
	struct media *m;
	struct media_frame f;
	struct vfeat_ctx vc = { 0 };
	struct vfeat v;
	struct au *au = NULL;
	struct athread *ath = NULL;
	struct stat sb;
	int r, rv = 0, fatal, threaded;

	threaded = !o->noaudio && stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
	mo.audio_rate = o->noaudio || threaded ? 0 : AUDIO_RATE;
	mo.threads = o->threads;
	mo.max_errors = o->max_errors > 1000 ? o->max_errors : 1000;
	if ((m = media_open(path, &mo, &e)) == NULL)
		return cli_report(&e);
	mi = media_info(m);
	snprintf(c->src, sizeof(c->src), "%s", path);
	c->x.src = c->src;
	c->x.fps = mi->fps;
	c->x.base_fps = mi->base_fps;
	c->x.tb_num = mi->tb_num;
	c->x.tb_den = mi->tb_den;
	if (vfeat_init(&vc, mi->gw, mi->gh) != 0 || (rv = new_det(c)) != 0) {
		rv = rv ? rv : EX_SOFTWARE;
		goto out;
	}
	/* the detector uses levels and loudness, not the spectrum */
	if (threaded && (ath = ath_start(path, AUDIO_RATE, 0.1,
	    AU_NOSPECTRUM, &e)) == NULL && e.code != 0) {
		rv = cli_report(&e);
		goto out;
	}
	if (mi->has_audio && (au = au_open(mi->audio_rate, 0.1, AU_NOSPECTRUM,
	    audio_to_det, c, &e)) == NULL) {
		rv = cli_report(&e);
		goto out;
	}
	while ((r = media_next(m, &f, &e)) == 1) {
		if (f.kind == MEDIA_AUDIO)
			rv = au_push(au, f.samples, f.nsamples, f.t);
		else {
			vfeat_compute(&vc, &f, mi->cw, mi->ch, &v);
			/* the audio up to this frame first, as vframes -a has it */
			if (ath != NULL && (rv = ath_until(ath, v.t, win_to_det, c,
			    &e)) != 0) {
				if (e.code != 0)
					rv = cli_report(&e);
				goto out;
			}
			rv = det_frame(c->det, &v);
		}
		if (rv != 0 || ferror(c->x.fp))
			goto out;
	}
	if (r < 0) {
		rv = cli_report(&e);
		goto out;
	}
	if (au != NULL && (rv = au_flush(au)) != 0)
		goto out;
	if (ath != NULL && (rv = ath_until(ath, INFINITY, win_to_det, c,
	    &e)) != 0) {
		if (e.code != 0)
			rv = cli_report(&e);
		goto out;
	}
	if ((rv = det_end(c->det)) != 0)
		goto out;
	if (media_errors_msg(m, msg, sizeof(msg)) > 0) {
		cli_warnat(path, 0, "%s", msg);
		if (media_errors_fatal(m, o->max_errors))
			rv = EX_DATAERR;
	}
	if (ath != NULL && ath_errors(ath, o->max_errors, msg, sizeof(msg),
	    &fatal) > 0) {
		cli_warnat(path, 0, "%s", msg);
		if (fatal)
			rv = EX_DATAERR;
	}
out:
	ath_free(ath);
	au_close(au);
	vfeat_free(&vc);
	det_free(c->det);
	c->det = NULL;
	media_close(m);
	return rv;
}

/* Reads an audio record's fields into w.  Returns 0 or -1 with e. */
static int
audio_parse(struct ndj_reader *r, const json_t *rec, struct au_win *w,
    struct rerr *e)
{
	if (ndj_get_num(r, rec, "t", 0, &w->t, e) < 0 ||
	    ndj_get_num(r, rec, "dur", 0, &w->dur, e) < 0 ||
	    ndj_get_num(r, rec, "rms", 0, &w->rms, e) < 0 ||
	    ndj_get_num(r, rec, "peak", 1, &w->peak, e) < 0 ||
	    ndj_get_num(r, rec, "lufs_m", 1, &w->lufs_m, e) < 0 ||
	    ndj_get_num(r, rec, "lufs_s", 1, &w->lufs_s, e) < 0)
		return -1;
	return 0;
}

/* Reads frame, audio and media records; other records are ignored. */
static int
run_records(struct ctx *c, struct ndj_reader *r, struct ndj_policy *pol)
{
	struct rerr e = { 0 };
	json_t *rec;
	int n, rv = 0;

	while ((n = ndj_next(r, &rec, &e)) != 0) {
		const char *type = NULL, *src = NULL;

		if (n < 0) {
			if (e.code != EX_DATAERR)
				return cli_report(&e);
			if ((rv = ndj_policy_bad(pol, &e)) != 0)
				return rv;
			continue;
		}
		if (ndj_get_str(r, rec, "type", 0, &type, &e) < 0 ||
		    ndj_get_str(r, rec, "src", 1, &src, &e) < 0) {
			json_decref(rec);
			if ((rv = ndj_policy_bad(pol, &e)) != 0)
				return rv;
			continue;
		}
		if (strcmp(type, "frame") != 0 && strcmp(type, "audio") != 0 &&
		    strcmp(type, "media") != 0) {
			json_decref(rec);
			continue;
		}
		/* A new src: the scenes of the previous one end. */
		if (src != NULL && c->have_src && strcmp(src, c->src) != 0 &&
		    c->det != NULL) {
			if ((rv = det_end(c->det)) != 0) {
				json_decref(rec);
				return rv;
			}
			det_free(c->det);
			c->det = NULL;
		}
		if (src != NULL) {
			snprintf(c->src, sizeof(c->src), "%s", src);
			c->have_src = 1;
			c->x.src = c->src;
		}
		if (c->det == NULL && (rv = new_det(c)) != 0) {
			json_decref(rec);
			return rv;
		}
		if (strcmp(type, "media") == 0) {
			const char *tb = NULL;
			double fps = 0;

			if (ndj_get_num(r, rec, "fps", 1, &fps, &e) >= 0)
				c->x.fps = fps;
			fps = 0;
			if (ndj_get_num(r, rec, "base_fps", 1, &fps, &e) >= 0)
				c->x.base_fps = fps;
			if (ndj_get_str(r, rec, "tb", 1, &tb, &e) >= 0 && tb &&
			    sscanf(tb, "%d/%d", &c->x.tb_num,
			    &c->x.tb_den) != 2)
				c->x.tb_num = c->x.tb_den = 0;
			ndj_policy_ok(pol);
		} else if (strcmp(type, "frame") == 0) {
			struct vfeat v;

			if (vrec_frame_parse(r, rec, &v, &e) < 0) {
				json_decref(rec);
				if ((rv = ndj_policy_bad(pol, &e)) != 0)
					return rv;
				continue;
			}
			ndj_policy_ok(pol);
			rv = det_frame(c->det, &v);
		} else {
			struct au_win w = { 0 };

			if (audio_parse(r, rec, &w, &e) < 0) {
				json_decref(rec);
				if ((rv = ndj_policy_bad(pol, &e)) != 0)
					return rv;
				continue;
			}
			ndj_policy_ok(pol);
			rv = det_audio(c->det, &w);
		}
		json_decref(rec);
		if (rv != 0 || ferror(c->x.fp))
			return rv;
	}
	if (c->det != NULL) {
		rv = det_end(c->det);
		det_free(c->det);
		c->det = NULL;
		if (rv != 0)
			return rv;
	}
	return ndj_policy_end(pol);
}

/*
 * Whether a file holds records: it starts like NDJSON (a '{' after white
 * space), or it is a pipe, which cannot be peeked at without losing what
 * is read ("vscenes <(vframes -a movie.mp4)"); records are what pipes
 * carry between the tools.
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
	return ch == '{';
}

int
main(int argc, char *argv[])
{
	struct opts o = { DET_PARAMS_DEFAULT, EXP_NDJSON, 0, NULL,
	    NDJ_POLICY_DEFAULT, 0, 0, -1 };
	struct atomic_file *af = NULL;
	struct rerr e = { 0 };
	struct ctx c;
	int ch, rv;

	cli_init("vscenes");
	while ((ch = getopt_long(argc, argv, "c:hj:m:o:Vv", longopts,
	    NULL)) != -1) {
		if (ndj_policy_opt(&o.pol, ch, optarg))
			continue;
		switch (ch) {
		case 'c':
			o.dp.cut = cli_num(optarg, 0.001, 1, "-c");
			break;
		case 'h':
			usage(stdout, 0);
			break;
		case 'j':
			o.threads = (int)cli_int(optarg, 0, 64, "-j");
			break;
		case 'm':
			o.dp.min_scene = (int)cli_int(optarg, 1, 100000, "-m");
			break;
		case 'o':
			o.out = optarg;
			break;
		case 'V':
			cli_version();
			break;
		case 'v':
			o.verbose++;
			break;
		case OPT_MAX_ERRORS:
			o.max_errors = cli_int(optarg, 0, 1000000000,
			    "--max-errors");
			break;
		case OPT_NOAUDIO:
			o.noaudio = 1;
			break;
		case OPT_TO:
			if ((o.fmt = exp_parse(optarg)) < 0) {
				cli_warn("--to: unknown format: %s", optarg);
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
	media_set_verbosity(o.verbose);
	memset(&c, 0, sizeof(c));
	c.o = &o;
	c.x.fmt = o.fmt;
	if ((c.x.fp = atomic_open_output(o.out, &af, &e)) == NULL)
		return cli_finish(cli_report(&e));
	if (argc == 1 && strcmp(argv[0], "-") != 0 && !looks_ndjson(argv[0]))
		rv = run_media(&c, argv[0]);
	else {
		struct ndj_reader *r = ndj_open(argc ? argv[0] : "-", &e);

		if (r == NULL)
			rv = cli_report(&e);
		else {
			rv = run_records(&c, r, &o.pol);
			ndj_close(r);
		}
	}
	if (c.det != NULL)
		det_free(c.det);
	if (af != NULL) {
		if (atomic_close_output(af, rv == 0, &e) != 0 && rv == 0)
			rv = cli_report(&e);
	}
	return cli_finish(rv);
}
