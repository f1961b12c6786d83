/*
 * vcut: render segment records cut from a video into a new video, H.264
 * and AAC in MP4 by default (VP9 and Opus in WebM), at one or several
 * sizes from one decode.
 * Each output is written to a temporary beside it and renamed when
 * complete; one render record per output goes to stdout.
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "atomic.h"
#include "cli.h"
#include "media.h"
#include "mux.h"
#include "ndjson.h"
#include "render.h"
#include "seg.h"

struct size {
	int	 w, h;		/* w 0: from the aspect ratio */
	char	 label[24];	/* as given, for the file name */
};

struct opts {
	double	 crossfade;	/* < 0: as the records say */
	double	 fade;
	int	 crf;		/* < 0: the encoder's usual (crf_for) */
	const char *vcodec, *acodec;	/* NULL: for the container */
	long	 max_errors;
	int	 noaudio;
	const char *output;
	const char *preset;
	const char *segments;
	struct size size[RENDER_MAXOUT];
	int	 nsize;
	int	 threads;
	int	 verbose;
	struct ndj_policy pol;
};

enum { OPT_AUDIO_FADE = 0x100, OPT_MAX_ERRORS, OPT_NO_AUDIO, OPT_SIZE,
    OPT_VCODEC, OPT_ACODEC };

static const struct option longopts[] = {
	{ "acodec",	required_argument,	NULL, OPT_ACODEC },
	{ "audio-fade",	required_argument,	NULL, OPT_AUDIO_FADE },
	{ "crf",	required_argument,	NULL, 'q' },
	{ "crossfade",	required_argument,	NULL, 'c' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "max-errors",	required_argument,	NULL, OPT_MAX_ERRORS },
	{ "no-audio",	no_argument,		NULL, OPT_NO_AUDIO },
	{ "output",	required_argument,	NULL, 'o' },
	{ "preset",	required_argument,	NULL, 'p' },
	{ "segments",	required_argument,	NULL, 's' },
	{ "size",	required_argument,	NULL, OPT_SIZE },
	{ "threads",	required_argument,	NULL, 'j' },
	{ "vcodec",	required_argument,	NULL, OPT_VCODEC },
	{ "verbose",	no_argument,		NULL, 'v' },
	{ "version",	no_argument,		NULL, 'V' },
	NDJ_LONGOPTS,
	{ NULL, 0, NULL, 0 }
};

static void
usage(FILE *fp, int status)
{
	fprintf(fp,
"usage: vcut [-hVv] [-c seconds] [-j threads] [-p preset] [-q crf]\n"
"            [-s file] [--acodec name] [--audio-fade seconds]\n"
"            [--max-bad-rate rate] [--max-errors n] [--no-audio]\n"
"            [--size list] [--skip-bad] [--vcodec name] -o file file\n");
	if (fp == stdout)
		fprintf(fp, "\n"
"  -c, --crossfade S    crossfade every join for S seconds (0: cut all)\n"
"  -h, --help           this help\n"
"  -j, --threads N      decoder threads (0: one per core; default 0)\n"
"  -o, --output FILE    the video to write (.mp4, .mov, .mkv, .webm)\n"
"  -p, --preset NAME    encoder speed preset (x264, x265: medium)\n"
"  -q, --crf N          quality, 0 (best) .. 51 or 63 (x264: 23)\n"
"  -s, --segments FILE  segment records (default: stdin)\n"
"  -V, --version        print the version\n"
"  -v, --verbose        libav messages (-vv, -vvv: more)\n"
"      --acodec NAME    audio encoder (aac; libopus for .webm)\n"
"      --audio-fade S   fade at each cut, seconds (default 0.02)\n"
"      --max-bad-rate R fail when more than R of the records are bad\n"
"      --max-errors N   decode errors tolerated (default 0)\n"
"      --no-audio       leave the sound out\n"
"      --size LIST      output heights or WxH sizes, e.g. 1080,720,480\n"
"      --skip-bad       report bad records and go on\n"
"      --vcodec NAME    video encoder (libx264; libvpx-vp9 for .webm)\n");
	exit(status);
}

/* Parses "1080,720,1280x720" into o; exits 64 on a bad list. */
static void
parse_sizes(struct opts *o, const char *s)
{
	const char *p = s;
	int i, j;

	o->nsize = 0;
	while (*p != '\0') {
		struct size z = { 0, 0, "" };
		char *end;
		long a, b = 0;
		size_t len;

		if (o->nsize == RENDER_MAXOUT) {
			cli_warn("--size: at most %d sizes", RENDER_MAXOUT);
			usage(stderr, EX_USAGE);
		}
		a = strtol(p, &end, 10);
		if (end == p || a < 16 || a > 8192)
			goto bad;
		if (*end == 'x') {
			const char *q = end + 1;

			b = strtol(q, &end, 10);
			if (end == q || b < 16 || b > 8192)
				goto bad;
			z.w = (int)(a + 1) / 2 * 2;
			z.h = (int)(b + 1) / 2 * 2;
		} else
			z.h = (int)(a + 1) / 2 * 2;
		if (*end != ',' && *end != '\0')
			goto bad;
		len = (size_t)(end - p);
		if (len >= sizeof(z.label))
			goto bad;
		memcpy(z.label, p, len);
		z.label[len] = '\0';
		o->size[o->nsize++] = z;
		p = *end == ',' ? end + 1 : end;
	}
	for (i = 0; i < o->nsize; i++)
		for (j = 0; j < i; j++)
			if (strcmp(o->size[i].label, o->size[j].label) == 0) {
				cli_warn("--size: %s given twice",
				    o->size[i].label);
				usage(stderr, EX_USAGE);
			}
	if (o->nsize > 0)
		return;
bad:
	cli_warn("--size: invalid size list: %s", s);
	usage(stderr, EX_USAGE);
}

/*
 * The name of the output of one size: with several sizes, "-LABEL" goes
 * before the extension (out.mp4: out-720.mp4), else the name as given.
 */
static char *
output_name(const char *path, const char *label, int several)
{
	const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
	size_t n;
	char *s;

	if (!several)
		return strdup(path);
	if (dot == NULL || (slash != NULL && dot < slash) || dot == path ||
	    (slash != NULL && dot == slash + 1))
		dot = path + strlen(path);
	n = strlen(path) + strlen(label) + 2;
	if ((s = malloc(n)) == NULL)
		return NULL;
	snprintf(s, n, "%.*s-%s%s", (int)(dot - path), path, label, dot);
	return s;
}

static long
gcd(long a, long b)
{
	while (b != 0) {
		long t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/* Fills the outputs' sizes and names from the options and the source. */
static int
plan_outputs(const struct opts *o, const struct media_info *mi,
    const struct media_params *mp, struct render_out *out, int *nout)
{
	double dar = (double)mi->width * mp->sar_num / mp->sar_den /
	    mi->height;
	int i, n = o->nsize > 0 ? o->nsize : 1;

	for (i = 0; i < n; i++) {
		struct render_out *r = &out[i];

		memset(r, 0, sizeof(*r));
		r->sar_num = r->sar_den = 1;
		if (o->nsize == 0) {
			r->w = (mi->width + 1) / 2 * 2;
			r->h = (mi->height + 1) / 2 * 2;
			r->sar_num = mp->sar_num;
			r->sar_den = mp->sar_den;
		} else if (o->size[i].w == 0) {
			r->h = o->size[i].h;
			r->w = (int)lrint(r->h * dar / 2) * 2;
			if (r->w < 2)
				r->w = 2;
		} else {
			long g, sn, sd;

			r->w = o->size[i].w;
			r->h = o->size[i].h;
			/* Keep the picture's shape: pixels take up the rest. */
			sn = (long)mi->width * mp->sar_num * r->h;
			sd = (long)mi->height * mp->sar_den * r->w;
			g = gcd(sn, sd);
			r->sar_num = (int)(sn / g);
			r->sar_den = (int)(sd / g);
		}
		if ((r->name = output_name(o->output, o->nsize > 0 ?
		    o->size[i].label : "", o->nsize > 1)) == NULL)
			return cli_report(&(struct rerr){ EX_SOFTWARE, "", 0,
			    "out of memory" });
	}
	*nout = n;
	return 0;
}

/* libx264's presets (x264.h x264_preset_names), which x265 shares;
 * checked here, since x264 prints its own complaint before libavcodec's
 * log can stop it. */
static int
known_preset(const char *p)
{
	static const char *names[] = { "ultrafast", "superfast", "veryfast",
	    "faster", "fast", "medium", "slow", "slower", "veryslow",
	    "placebo" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(p, names[i]) == 0)
			return 1;
	return 0;
}

/* Encoders whose quality scale and presets are x264's. */
static int
x264_like(const char *codec)
{
	return strcmp(codec, "libx264") == 0 || strcmp(codec, "libx265") == 0;
}

/*
 * The constant quality each encoder's documentation suggests as its
 * default: x264 23 and x265 28 (their own defaults), libvpx-vp9 31 (the
 * WebM project's VOD settings for 1080p), libaom 30 and SVT-AV1 35
 * (their own).  -1: the encoder has no crf; its default applies.
 */
static int
crf_for(const char *codec)
{
	static const struct {
		const char *name;
		int	 crf;
	} t[] = {
		{ "libx264", 23 }, { "libx265", 28 }, { "libvpx-vp9", 31 },
		{ "libvpx", 10 }, { "libaom-av1", 30 }, { "libsvtav1", 35 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(codec, t[i].name) == 0)
			return t[i].crf;
	return -1;
}

static int
emit_record(const char *src, const struct render_out *r, double fps,
    int nseg)
{
	json_t *rec = json_object();
	char size[32];
	int rv;

	snprintf(size, sizeof(size), "%dx%d", r->w, r->h);
	json_object_set_new(rec, "type", json_string("render"));
	json_object_set_new(rec, "src", json_string(src));
	json_object_set_new(rec, "path", json_string(r->name));
	json_object_set_new(rec, "size", json_string(size));
	json_object_set_new(rec, "width", json_integer(r->w));
	json_object_set_new(rec, "height", json_integer(r->h));
	ndj_set_real(rec, "fps", fps, 6);
	json_object_set_new(rec, "frames", json_integer(r->frames));
	ndj_set_real(rec, "duration", r->frames / fps, 6);
	json_object_set_new(rec, "segments", json_integer(nseg));
	rv = ndj_write(stdout, rec);
	json_decref(rec);
	return rv;
}

static int
run(const char *path, struct opts *o)
{
	struct media_opts mo = MEDIA_OPTS_DEFAULT;
	struct media_params mp;
	const struct media_info *mi;
	struct render_out out[RENDER_MAXOUT];
	struct atomic_file *af[RENDER_MAXOUT] = { NULL };
	struct render_opts ro;
	struct seg_plan_opts po;
	struct rerr e = { 0 };
	struct stat sb;
	sigset_t block, mask;
	struct ndj_reader *r = NULL;
	struct media *m = NULL;
	struct mux_aenc *a = NULL;
	struct seg *s = NULL;
	int i, nseg = 0, nout = 0, rv = 0;

	memset(out, 0, sizeof(out));
	/*
	 * The decoder and encoder threads must never run lib/atomic's signal
	 * handler: it removes the temporaries, and main could be creating
	 * one of them (the muxer opens it by name) at that very moment, so
	 * it would outlive the process.  Threads inherit the mask of the one
	 * that creates them: block the signals until every thread has been
	 * made and every file opened, then only main takes them.
	 */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &block, &mask);
	mo.audio_rate = o->noaudio ? 0 : 48000;
	mo.threads = o->threads;
	mo.max_errors = o->max_errors;
	mo.gw = 32;
	mo.cw = mo.ch = 1;
	if ((m = media_open(path, &mo, &e)) == NULL) {
		rv = cli_report(&e);
		goto out;
	}
	mi = media_info(m);
	media_params(m, &mp);
	if (mp.fps_num <= 0) {
		cli_warn("%s: unknown frame rate, taking 25", cli_name(path));
		mp.fps_num = 25;
		mp.fps_den = 1;
	}
	if ((r = ndj_open(o->segments, &e)) == NULL ||
	    (rv = seg_read(r, path, &o->pol, &s, &nseg, &e)) != 0) {
		rv = e.msg[0] != '\0' ? cli_report(&e) : e.code;
		goto out;
	}
	if (mi->has_audio && !o->noaudio &&
	    (a = mux_aenc_open(o->acodec, mp.audio_rate, mp.audio_channels, 0,
	    &e)) == NULL) {
		rv = cli_report(&e);
		goto out;
	}
	po.fps_num = mp.fps_num;
	po.fps_den = mp.fps_den;
	po.crossfade = o->crossfade;
	po.rate = a != NULL ? mux_aenc_rate(a) : 0;
	po.duration = mi->duration;
	if ((rv = seg_plan(s, nseg, &po, ndj_name(r), &e)) != 0) {
		rv = cli_report(&e);
		goto out;
	}
	if ((rv = plan_outputs(o, mi, &mp, out, &nout)) != 0)
		goto out;
	for (i = 0; i < nout; i++) {
		if ((af[i] = atomic_open(out[i].name, &e)) == NULL) {
			rv = cli_report(&e);
			goto out;
		}
		if ((out[i].tmp = atomic_tmpname(af[i])) == NULL) {
			cli_warnat(out[i].name, 0, "%s", strerror(errno));
			rv = EX_CANTCREAT;
			goto out;
		}
	}
	memset(&ro, 0, sizeof(ro));
	ro.vo.codec = o->vcodec;
	ro.vo.crf = o->crf;
	ro.vo.preset = o->preset;
	ro.vo.fps_num = mp.fps_num;
	ro.vo.fps_den = mp.fps_den;
	ro.vo.faststart = stat(o->output, &sb) != 0 || S_ISREG(sb.st_mode);
	ro.fade = o->fade;
	ro.verbose = o->verbose;
	ro.mask = &mask;
	if ((rv = render(m, s, nseg, out, nout, a, &ro, &e)) != 0) {
		if (e.file[0] == '\0')
			snprintf(e.file, sizeof(e.file), "%s", cli_name(path));
		rv = cli_report(&e);
		goto out;
	}
	if (media_errors(m)->count > 0) {
		char msg[512];

		media_errors_msg(m, msg, sizeof(msg));
		cli_warnat(cli_name(path), 0, "%s", msg);
	}
	/* All or nothing: commit only when every output is complete. */
	for (i = 0; i < nout; i++) {
		rv = atomic_commit(af[i], &e);
		af[i] = NULL;
		if (rv != 0) {
			rv = cli_report(&e);
			goto out;
		}
	}
	for (i = 0; i < nout; i++)
		emit_record(path, &out[i], (double)mp.fps_num / mp.fps_den,
		    nseg);
out:
	for (i = 0; i < RENDER_MAXOUT; i++) {
		atomic_abort(af[i]);
		free((char *)out[i].name);
	}
	/* A signal held back meanwhile is taken now, by this thread. */
	pthread_sigmask(SIG_SETMASK, &mask, NULL);
	mux_aenc_close(a);
	free(s);
	if (r != NULL)
		ndj_close(r);
	media_close(m);
	return rv;
}

int
main(int argc, char *argv[])
{
	struct opts o;
	int ch, webm;

	memset(&o, 0, sizeof(o));
	o.crossfade = -1;
	o.fade = 0.02;
	o.crf = -1;
	o.pol = (struct ndj_policy)NDJ_POLICY_DEFAULT;
	cli_init("vcut");
	while ((ch = getopt_long(argc, argv, "c:hj:o:p:q:s:Vv", longopts,
	    NULL)) != -1)
		switch (ch) {
		case 'c':
			o.crossfade = cli_num(optarg, 0, 60, "-c");
			break;
		case 'h':
			usage(stdout, 0);
			break;
		case 'j':
			o.threads = (int)cli_int(optarg, 0, 64, "-j");
			break;
		case 'o':
			o.output = optarg;
			break;
		case 'p':
			o.preset = optarg;
			break;
		case 'q':
			o.crf = (int)cli_int(optarg, 0, 63, "-q");
			break;
		case 's':
			o.segments = optarg;
			break;
		case 'V':
			cli_version();
			break;
		case 'v':
			o.verbose++;
			break;
		case OPT_AUDIO_FADE:
			o.fade = cli_num(optarg, 0, 10, "--audio-fade");
			break;
		case OPT_MAX_ERRORS:
			o.max_errors = (long)cli_int(optarg, 0, 1000000000,
			    "--max-errors");
			break;
		case OPT_NO_AUDIO:
			o.noaudio = 1;
			break;
		case OPT_SIZE:
			parse_sizes(&o, optarg);
			break;
		case OPT_VCODEC:
			o.vcodec = optarg;
			break;
		case OPT_ACODEC:
			o.acodec = optarg;
			break;
		default:
			if (!ndj_policy_opt(&o.pol, ch, optarg))
				usage(stderr, EX_USAGE);
		}
	argc -= optind;
	argv += optind;
	if (argc != 1) {
		cli_warn(argc == 0 ? "no input file" : "one input file only");
		usage(stderr, EX_USAGE);
	}
	if (o.output == NULL) {
		cli_warn("no output: -o file is required");
		usage(stderr, EX_USAGE);
	}
	if (strcmp(o.output, "-") == 0) {
		/* MP4 seeks back to write its index: no pipes. */
		cli_warn("-o: cannot write a video to standard output");
		usage(stderr, EX_USAGE);
	}
	/* WebM holds VP8, VP9 or AV1 with Opus or Vorbis only. */
	webm = strlen(o.output) >= 5 &&
	    strcasecmp(o.output + strlen(o.output) - 5, ".webm") == 0;
	if (o.vcodec == NULL)
		o.vcodec = webm ? "libvpx-vp9" : "libx264";
	if (o.acodec == NULL)
		o.acodec = webm ? "libopus" : "aac";
	if (o.crf < 0)
		o.crf = crf_for(o.vcodec);
	if (x264_like(o.vcodec)) {
		if (o.crf > 51) {
			cli_warn("-q: %s's range is 0 .. 51: %d", o.vcodec,
			    o.crf);
			usage(stderr, EX_USAGE);
		}
		if (o.preset == NULL)
			o.preset = "medium";
		if (!known_preset(o.preset)) {
			cli_warn("-p: unknown preset: %s (ultrafast, superfast, "
			    "veryfast, faster, fast, medium, slow, slower, "
			    "veryslow, placebo)", o.preset);
			usage(stderr, EX_USAGE);
		}
	}
	media_set_verbosity(o.verbose);
	return cli_finish(run(argv[0], &o));
}
