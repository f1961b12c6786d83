/*
 * vthumb: the best N thumbnails of a video.  A keyframe-only pass finds
 * candidates cheaply; short windows around the best of them are then
 * decoded frame by frame to step off flashes, fades and cuts and to take
 * the sharpest frame; each pick is decoded once more at full size, cropped
 * around its salient region to each requested aspect ratio and written as
 * an image.  One thumb record per image goes to stdout.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "cli.h"
#include "img.h"
#include "media.h"
#include "ndjson.h"
#include "pick.h"
#include "sheet.h"
#include "sort.h"

#define MAX_ASPECT	8
#define GREY_W		128
#define WINDOW_S	1.6	/* seconds decoded per candidate window */
#define FAST_WIN_S	0.2	/* the same with --fast, for scenes with no
				   usable keyframe */
#define MARGIN_S	0.3	/* kept away from scene boundaries */
#define EDGE_S		0.2	/* and from the keyframe a window starts on */
#define AFTER_S		0.4	/* decoded after a window, for its flashes */

struct opts {
	double	 aspect[MAX_ASPECT];
	char	 aspect_name[MAX_ASPECT][16];
	int	 naspect;
	const char *dir;
	int	 fast;
	enum media_imgfmt fmt;
	long	 max_errors;
	int	 n;
	const char *prefix;
	int	 quality;
	const char *scenes;
	const char *sheet;
	int	 threads;
	int	 verbose;
	int	 width;
	struct ndj_policy pol;
};

enum { OPT_FAST = 0x100, OPT_MAX_ERRORS, OPT_SHEET, OPT_WIDTH };

static const struct option longopts[] = {
	{ "aspect",	required_argument,	NULL, 'a' },
	{ "fast",	no_argument,		NULL, OPT_FAST },
	{ "format",	required_argument,	NULL, 'f' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "max-errors",	required_argument,	NULL, OPT_MAX_ERRORS },
	{ "number",	required_argument,	NULL, 'n' },
	{ "output-dir",	required_argument,	NULL, 'o' },
	{ "prefix",	required_argument,	NULL, 'p' },
	{ "quality",	required_argument,	NULL, 'q' },
	{ "scenes",	required_argument,	NULL, 'S' },
	{ "sheet",	required_argument,	NULL, OPT_SHEET },
	{ "threads",	required_argument,	NULL, 'j' },
	{ "verbose",	no_argument,		NULL, 'v' },
	{ "version",	no_argument,		NULL, 'V' },
	{ "width",	required_argument,	NULL, OPT_WIDTH },
	NDJ_LONGOPTS,
	{ NULL, 0, NULL, 0 }
};

static void
usage(FILE *fp, int status)
{
	fprintf(fp,
"usage: vthumb [-hVv] [-a ratios] [-f format] [-j threads] [-n count]\n"
"              [-o dir] [-p prefix] [-q quality] [-S file] [--fast]\n"
"              [--max-bad-rate rate] [--max-errors n] [--sheet file]\n"
"              [--skip-bad] [--width pixels] file\n");
	if (fp == stdout)
		fprintf(fp, "\n"
"  -a, --aspect LIST    crop ratios, e.g. 16:9,1:1,9:16,4:5 (default 16:9)\n"
"  -f, --format F       jpg (default), png or webp\n"
"  -h, --help           this help\n"
"  -j, --threads N      decoder threads (0: one per core; default 0)\n"
"  -n, --number N       thumbnails to pick (default 3)\n"
"  -o, --output-dir D   where the images go (default .)\n"
"  -p, --prefix P       image name prefix (default thumb)\n"
"  -q, --quality Q      JPEG/WebP quality 1..100 (default 90)\n"
"  -S, --scenes FILE    scene records (default: stdin when it is a pipe)\n"
"  -V, --version        print the version\n"
"  -v, --verbose        libav messages (-vv, -vvv: more)\n"
"      --fast           keyframes only\n"
"      --max-bad-rate R fail when more than R of the records are bad\n"
"      --max-errors N   decode errors tolerated (default: 1%% of the\n"
"                       packets, none when the file is cut short)\n"
"      --sheet FILE     also write a contact sheet, one tile per scene\n"
"      --skip-bad       report bad records and go on\n"
"      --width PIXELS   image width before cropping (default: the video's)\n");
	exit(status);
}

/* Parses "16:9,1:1" into o; exits 64 on a bad list. */
static void
parse_aspects(struct opts *o, const char *s)
{
	const char *p = s;

	o->naspect = 0;
	while (*p != '\0') {
		char *end;
		long a, b;

		if (o->naspect == MAX_ASPECT) {
			cli_warn("-a: at most %d ratios", MAX_ASPECT);
			usage(stderr, EX_USAGE);
		}
		a = strtol(p, &end, 10);
		if (end == p || *end != ':')
			goto bad;
		p = end + 1;
		b = strtol(p, &end, 10);
		if (end == p || (*end != ',' && *end != '\0') || a < 1 ||
		    b < 1 || a > 100 || b > 100)
			goto bad;
		o->aspect[o->naspect] = (double)a / b;
		snprintf(o->aspect_name[o->naspect], 16, "%ld:%ld", a, b);
		o->naspect++;
		p = *end == ',' ? end + 1 : end;
	}
	if (o->naspect > 0)
		return;
bad:
	cli_warn("-a: invalid ratio list: %s", s);
	usage(stderr, EX_USAGE);
}

/* --- scenes ------------------------------------------------------------ */

/*
 * Whether scene records should be read from stdin: only from a pipe
 * ("vscenes F | vthumb F").  A redirected file must be named with -S, so
 * that whatever a cron job leaves on stdin is never taken for records.
 */
static int
stdin_has_records(void)
{
	struct stat sb;

	if (isatty(0) || fstat(0, &sb) != 0)
		return 0;
	return S_ISFIFO(sb.st_mode) || S_ISSOCK(sb.st_mode);
}

/* Reads scene records (others are ignored).  Returns 0 or the status. */
static int
read_scenes(const struct opts *o0, const char *path, struct tscene **sp,
    int *np)
{
	struct opts *o = (struct opts *)o0;
	struct rerr e = { 0 };
	struct ndj_reader *r;
	json_t *rec;
	int k, rv = 0, cap = 0;

	*sp = NULL;
	*np = 0;
	if ((r = ndj_open(path, &e)) == NULL)
		return cli_report(&e);
	while ((k = ndj_next(r, &rec, &e)) != 0) {
		struct tscene s = { 0, 0, 0, 0, 0, 0, -1 };
		const char *type;

		if (k < 0) {
			if (e.code != EX_DATAERR ||
			    (rv = ndj_policy_bad(&o->pol, &e)) != 0)
				goto out;
			continue;
		}
		o->pol.nrec++;
		type = json_string_value(json_object_get(rec, "type"));
		if (type == NULL || strcmp(type, "scene") != 0) {
			json_decref(rec);
			continue;
		}
		if (ndj_get_num(r, rec, "start", 0, &s.start, &e) < 0 ||
		    ndj_get_num(r, rec, "end", 0, &s.end, &e) < 0 ||
		    ndj_get_num(r, rec, "trans_start", 1, &s.tin0, &e) < 0 ||
		    ndj_get_num(r, rec, "trans_end", 1, &s.tin1, &e) < 0 ||
		    ndj_get_num(r, rec, "luma", 1, &s.luma, &e) < 0 ||
		    (s.end <= s.start && rerr_set(&e, EX_DATAERR, ndj_name(r),
		    ndj_line(r), "scene ends before it starts (%g..%g)",
		    s.start, s.end))) {
			json_decref(rec);
			if ((rv = ndj_policy_bad(&o->pol, &e)) != 0)
				goto out;
			continue;
		}
		json_decref(rec);
		if (*np == cap) {
			struct tscene *n2;

			cap = cap ? 2 * cap : 64;
			if ((n2 = realloc(*sp, cap * sizeof(**sp))) == NULL) {
				rv = EX_SOFTWARE;
				cli_warn("out of memory");
				goto out;
			}
			*sp = n2;
		}
		(*sp)[(*np)++] = s;
	}
	rv = ndj_policy_end(&o->pol);
	for (k = 0; k + 1 < *np; k++) {
		(*sp)[k].tout0 = (*sp)[k + 1].tin0;
		(*sp)[k].tout1 = (*sp)[k + 1].tin1;
	}
out:
	if (k < 0 && rv != 0 && e.code != 0 && e.code != EX_DATAERR)
		rv = cli_report(&e);
	ndj_close(r);
	if (rv != 0) {
		free(*sp);
		*sp = NULL;
		*np = 0;
	}
	return rv;
}

/*
 * Without scene records, keyframes stand in: a new scene starts at each
 * keyframe whose colours differ from the last one's.
 */
static int
scenes_from_keyframes(struct tcand *k, int nk, double dur,
    struct tscene **sp, int *np)
{
	int i, n = 0;
	struct tscene *s;

	if ((s = calloc(nk + 1, sizeof(*s))) == NULL)
		return -1;
	for (i = 0; i < nk; i++) {
		if (n == 0 || img_histdist(k[i - 1].hist, k[i].hist) > 0.2) {
			if (n > 0)
				s[n - 1].end = k[i].t;
			s[n].start = n == 0 ? 0 : k[i].t;
			s[n].luma = -1;
			n++;
		}
	}
	if (n > 0)
		s[n - 1].end = dur > s[n - 1].start ? dur : s[n - 1].start + 1;
	*sp = s;
	*np = n;
	return 0;
}

/* --- decoding passes --------------------------------------------------- */

struct clip {
	const char *path;
	struct media_info mi;
	struct tcand *c;
	int	 n, cap;
};

static int
push(struct clip *cl, const struct tcand *c)
{
	if (cl->n == cl->cap) {
		struct tcand *n2;

		cl->cap = cl->cap ? 2 * cl->cap : 64;
		if ((n2 = realloc(cl->c, cl->cap * sizeof(*n2))) == NULL)
			return -1;
		cl->c = n2;
	}
	cl->c[cl->n++] = *c;
	return 0;
}

static int
decode_err(const char *path, struct media *m, long max)
{
	char msg[512];

	if (media_errors_msg(m, msg, sizeof(msg)) == 0)
		return 0;
	cli_warnat(cli_name(path), 0, "%s", msg);
	return media_errors_fatal(m, max) ? EX_DATAERR : 0;
}

/*
 * Decodes [start, start + dur) (dur <= 0: all; keyonly: keyframes only)
 * and appends a candidate with its grey copy per frame.
 */
static int
decode_range(const struct opts *o, struct clip *cl, double start, double dur,
    int keyonly, int report)
{
	struct media_opts mo = MEDIA_OPTS_DEFAULT;
	struct rerr e = { 0 };
	struct media *m;
	struct media_frame f;
	const struct media_info *mi;
	int r, rv = 0;

	mo.threads = o->threads;
	mo.start = start;
	mo.duration = dur;
	mo.skip = keyonly ? MEDIA_SKIP_NONKEY : MEDIA_SKIP_NONE;
	mo.gw = GREY_W;
	mo.max_errors = o->max_errors > 1000 ? o->max_errors : 1000;
	if ((m = media_open(cl->path, &mo, &e)) == NULL)
		return cli_report(&e);
	mi = media_info(m);
	cl->mi = *mi;
	while ((r = media_next(m, &f, &e)) == 1) {
		struct tcand c;

		if (f.kind != MEDIA_VIDEO)
			continue;
		memset(&c, 0, sizeof(c));
		c.t = f.t;
		c.frame = f.index;
		tcand_measure(&c, f.grey, mi->gw, mi->gh, f.rgb, mi->cw,
		    mi->ch);
		if ((c.grey = malloc((size_t)mi->gw * mi->gh)) == NULL ||
		    push(cl, &c) != 0) {
			free(c.grey);
			rv = rerr_set(&e, EX_SOFTWARE, NULL, 0, "out of memory");
			break;
		}
		memcpy(c.grey, f.grey, (size_t)mi->gw * mi->gh);
	}
	if (r < 0 || rv != 0)
		rv = cli_report(&e);
	else if (report)
		rv = decode_err(cl->path, m, o->max_errors);
	media_close(m);
	return rv;
}

/*
 * Decodes the one frame at time t at width w (height by the display
 * aspect): the seek lands on the keyframe before, so this costs at most
 * a GOP.  Returns a malloc'ed RGB24 picture, or NULL after a report.
 */
static uint8_t *
grab_frame(const struct opts *o, const char *path, const struct
    media_info *mi, double t, int w, int *hp, int *status)
{
	struct media_opts mo = MEDIA_OPTS_DEFAULT;
	struct rerr e = { 0 };
	struct media *m;
	struct media_frame f;
	uint8_t *rgb = NULL;
	int h, r;

	h = (int)lrint((double)w * mi->gh / mi->gw / 2) * 2;
	mo.threads = o->threads;
	mo.start = t;
	mo.gw = GREY_W;	/* unused here: only the colour copy is full size */
	mo.cw = w;
	mo.ch = h;
	mo.max_errors = o->max_errors > 1000 ? o->max_errors : 1000;
	*status = 0;
	if ((m = media_open(path, &mo, &e)) == NULL) {
		*status = cli_report(&e);
		return NULL;
	}
	while ((r = media_next(m, &f, &e)) == 1)
		if (f.kind == MEDIA_VIDEO)
			break;
	if (r == 1 && (rgb = malloc((size_t)w * h * 3)) != NULL)
		memcpy(rgb, f.rgb, (size_t)w * h * 3);
	else if (r < 0)
		*status = cli_report(&e);
	else {
		cli_warnat(cli_name(path), 0, "no frame at %.3f s", t);
		*status = r == 1 ? EX_SOFTWARE : EX_DATAERR;
	}
	media_close(m);
	*hp = h;
	return rgb;
}

/* --- output ------------------------------------------------------------ */

static const char *exts[] = { "jpg", "png", "webp" };

static int
write_image(const char *path, const uint8_t *rgb, int w, int h,
    const struct opts *o)
{
	struct rerr e = { 0 };
	struct atomic_file *af;
	int rv;

	if ((af = atomic_open(path, &e)) == NULL)
		return cli_report(&e);
	if ((rv = media_encode_image(atomic_fp(af), rgb, w, h, o->fmt,
	    o->quality, &e)) != 0) {
		atomic_abort(af);
		cli_warnat(path, 0, "%s", e.msg);
		return rv;
	}
	if ((rv = atomic_commit(af, &e)) != 0)
		return cli_report(&e);
	return 0;
}

/* Crops, writes and reports one pick in every aspect ratio. */
static int
emit_pick(const struct opts *o, struct clip *cl, const struct tcand *c,
    int rank)
{
	const struct media_info *mi = &cl->mi;
	int W = o->width > 0 ? o->width : mi->width, H, x, y, cw, ch, i, rv;
	float *sal;
	uint8_t *rgb, *crop;
	char path[4096], tag[16], variant[8];

	if (W > 7680)
		W = 7680;
	W &= ~1;
	if ((rgb = grab_frame(o, cl->path, mi, c->t, W, &H, &rv)) == NULL)
		return rv;
	if ((sal = malloc(sizeof(float) * mi->gw * mi->gh)) == NULL ||
	    (crop = malloc((size_t)W * H * 3)) == NULL ||
	    img_saliency(c->grey, mi->gw, mi->gh, sal) != 0) {
		free(rgb);
		free(sal);
		cli_warn("out of memory");
		return EX_SOFTWARE;
	}
	/* A, B, ... Z, then AA, AB, ... */
	if (rank < 26)
		snprintf(variant, sizeof(variant), "%c", 'A' + rank);
	else
		snprintf(variant, sizeof(variant), "%c%c", 'A' + rank / 26 - 1,
		    'A' + rank % 26);
	for (i = 0, rv = 0; i < o->naspect && rv == 0; i++) {
		json_t *rec;
		char *p;
		int row;

		img_salient_crop(sal, mi->gw, mi->gh, W, H, o->aspect[i], &x,
		    &y, &cw, &ch);
		for (row = 0; row < ch; row++)
			memcpy(crop + (size_t)row * cw * 3, rgb + ((size_t)(y +
			    row) * W + x) * 3, (size_t)cw * 3);
		snprintf(tag, sizeof(tag), "%s", o->aspect_name[i]);
		if ((p = strchr(tag, ':')) != NULL)
			*p = 'x';
		snprintf(path, sizeof(path), "%s/%s-%s-%s.%s", o->dir,
		    o->prefix, variant, tag, exts[o->fmt]);
		if ((rv = write_image(path, crop, cw, ch, o)) != 0)
			break;
		rec = json_pack("{s:s, s:s, s:s, s:i}", "type", "thumb", "src",
		    cl->path, "variant", variant, "rank", rank + 1);
		ndj_set_real(rec, "t", c->t, 3);
		json_object_set_new(rec, "frame", json_integer(c->frame));
		json_object_set_new(rec, "path", json_string(path));
		json_object_set_new(rec, "aspect",
		    json_string(o->aspect_name[i]));
		json_object_set_new(rec, "crop", json_pack("[i,i,i,i]", x, y,
		    cw, ch));
		json_object_set_new(rec, "scene", json_integer(c->scene));
		ndj_set_real(rec, "score", c->score, 4);
		ndj_set_real(rec, "sharp", c->sharp, 4);
		ndj_set_real(rec, "luma", c->luma, 4);
		ndj_set_real(rec, "contrast", c->contrast, 4);
		ndj_set_real(rec, "colour", c->colour, 2);
		ndj_set_real(rec, "saliency", c->focus, 4);
		ndj_write(stdout, rec);
		json_decref(rec);
		if (ferror(stdout))
			rv = EX_IOERR;
	}
	free(crop);
	free(sal);
	free(rgb);
	return rv;
}

/* --- the run ----------------------------------------------------------- */

static void
free_cands(struct tcand *c, int n)
{
	int i;

	for (i = 0; i < n; i++)
		tcand_free(&c[i]);
	free(c);
}

static void
focus_of(struct tcand *c, const struct media_info *mi)
{
	float *sal = malloc(sizeof(float) * mi->gw * mi->gh);

	if (sal != NULL && c->grey != NULL &&
	    img_saliency(c->grey, mi->gw, mi->gh, sal) == 0)
		c->focus = img_saliency_focus(sal, mi->gw, mi->gh);
	free(sal);
}

/*
 * The keyframe a window in scene s decodes from: kidx when the scene has
 * a usable keyframe, else the last keyframe at or before the scene's
 * first usable time, rejected or not (it is only where decoding starts:
 * a scene whose keyframe sits on its cut has no usable keyframe but still
 * decodes cheaply from it).  -1 when there is none.
 */
static int
anchor_of(const struct clip *kf, const struct tscene *s, int kidx)
{
	int i, a = -1;

	if (kidx >= 0)
		return kidx;
	for (i = 0; i < kf->n && kf->c[i].t <= s->start + MARGIN_S + 1e-6;
	    i++)
		a = i;
	return a;
}

/*
 * Refines scene s: decodes a window of win seconds from the frames after
 * its anchor keyframe and keeps the best frame of it.  Decoding starts on
 * the keyframe itself, so a window costs its own frames and no more: a
 * seek to any earlier time would land on the keyframe before, up to a
 * whole GOP back.
 */
static int
refine(const struct opts *o, struct clip *kf, const struct tscene *sc,
    int si, int kidx, double med, double win, struct clip *out)
{
	struct clip w;
	const struct tscene *s = &sc[si];
	double t0, t1, d0, fps = kf->mi.fps;
	int i, best = -1, soft = -1, rv, a = anchor_of(kf, s, kidx);

	memset(&w, 0, sizeof(w));
	w.path = kf->path;
	t0 = s->start + MARGIN_S;
	/*
	 * A usable keyframe is a candidate itself (encoders keep them
	 * sharpest); after a rejected one, the frames right behind it see
	 * too little of what was before to judge flashes.
	 */
	if (a >= 0 && kf->c[a].t + (a == kidx ? 0 : EDGE_S) > t0)
		t0 = kf->c[a].t + (a == kidx ? 0 : EDGE_S);
	/* Past a gradual incoming transition: nothing in it is usable. */
	if (s->tin1 > s->tin0 && t0 < s->tin1 + MARGIN_S)
		t0 = s->tin1 + MARGIN_S;
	t1 = t0 + win;
	if (t1 > s->end - MARGIN_S)
		t1 = s->end - MARGIN_S;
	if (t1 - t0 < 0.04)
		return 0;
	/*
	 * From the keyframe (a hair after its time, so that rounding in the
	 * seek cannot land on the keyframe before) to a little after the
	 * window, to see flashes at its edge.
	 */
	d0 = a >= 0 ? kf->c[a].t + 1e-7 : 0;
	if ((rv = decode_range(o, &w, d0, t1 + AFTER_S - d0, 0, 0)) != 0)
		return rv;
	tcand_window(w.c, w.n, fps);
	for (i = 0; i < w.n; i++) {
		struct tcand *c = &w.c[i];

		c->scene = si;
		if (c->t < t0 - 1e-6 || c->t > t1 + 1e-6)
			c->reject = "outside";
		else if (tscene_edge(s, c->t, MARGIN_S))
			c->reject = "transition";
		tcand_score(c, med);
		if (c->reject == NULL && (best < 0 || c->score >
		    w.c[best].score))
			best = i;
		if (c->reject != NULL && strcmp(c->reject, "blurry") == 0 &&
		    (soft < 0 || c->score > w.c[soft].score))
			soft = i;
	}
	/*
	 * Nothing sharp enough: the best of those that only missed the
	 * sharpness bar goes on, still marked, for run()'s last resort.
	 */
	if (best < 0)
		best = soft;
	if (best >= 0) {
		focus_of(&w.c[best], &w.mi);
		tcand_score(&w.c[best], med);
		if (push(out, &w.c[best]) != 0)
			rv = EX_SOFTWARE;
		else
			w.c[best].grey = NULL;
	}
	free_cands(w.c, w.n);
	return rv;
}

static const double *order_key;

static int
cmp_order(const void *a, const void *b)
{
	double x = order_key[*(const int *)a], y = order_key[*(const int *)b];

	if (x != y)
		return x < y ? 1 : -1;
	return *(const int *)a - *(const int *)b;
}

/*
 * Scene indexes ordered by the score of their best usable keyframe;
 * scenes without one come last, longest first.  Returns a malloc'ed array.
 */
static int *
scene_order(const struct clip *kf, int nsc)
{
	double *key = malloc(nsc * sizeof(double));
	int *ix = malloc(nsc * sizeof(int)), i;

	if (key == NULL || ix == NULL) {
		free(key);
		free(ix);
		return NULL;
	}
	for (i = 0; i < nsc; i++) {
		key[i] = -1;
		ix[i] = i;
	}
	for (i = 0; i < kf->n; i++) {
		const struct tcand *c = &kf->c[i];

		if (c->reject == NULL && c->scene >= 0 && c->score > key[c->scene])
			key[c->scene] = c->score;
	}
	order_key = key;
	qsort(ix, nsc, sizeof(int), cmp_order);
	free(key);
	return ix;
}

static int
run(const struct opts *o, const char *path)
{
	struct clip kf, picks;
	struct tscene *sc = NULL;
	int nsc = 0, i, j, rv, nout, *out = NULL;
	double *v = NULL, med;
	int per_scene, jj, *rank = NULL;

	memset(&kf, 0, sizeof(kf));
	memset(&picks, 0, sizeof(picks));
	kf.path = picks.path = path;
	if (o->scenes != NULL && (rv = read_scenes(o, o->scenes, &sc,
	    &nsc)) != 0)
		return rv;
	if ((rv = decode_range(o, &kf, 0, 0, 1, 1)) != 0)
		goto out;
	if (kf.n == 0) {
		cli_warnat(cli_name(path), 0, "no video frames");
		rv = EX_DATAERR;
		goto out;
	}
	if (nsc == 0 && scenes_from_keyframes(kf.c, kf.n, kf.mi.duration,
	    &sc, &nsc) != 0) {
		rv = EX_SOFTWARE;
		goto out;
	}
	if ((v = malloc(kf.n * sizeof(double))) == NULL) {
		rv = EX_SOFTWARE;
		goto out;
	}
	for (i = 0; i < kf.n; i++)
		v[i] = kf.c[i].sharp;
	med = sort_median(v, kf.n);
	for (i = 0; i < kf.n; i++) {
		struct tcand *c = &kf.c[i];

		c->scene = tscene_find(sc, nsc, c->t);
		if (c->scene < 0 || tscene_edge(&sc[c->scene], c->t, MARGIN_S))
			c->reject = "transition";
		else if (sc[c->scene].luma >= 0 &&
		    c->luma - sc[c->scene].luma > 0.08)
			c->reject = "flash";
		focus_of(c, &kf.mi);
		tcand_score(c, med);
	}
	picks.mi = kf.mi;
	if ((rank = scene_order(&kf, nsc)) == NULL) {
		rv = EX_SOFTWARE;
		goto out;
	}
	if (o->fast) {
		/*
		 * Keyframes only, unless fewer than n scenes have a usable
		 * one (every keyframe on a cut, say): then, for as many
		 * scenes as are missing, a few frames after their keyframe.
		 */
		struct clip extra;
		int nx = 0, have = 0;

		memset(&extra, 0, sizeof(extra));
		extra.path = path;
		for (jj = 0; jj < nsc; jj++) {
			for (i = 0; i < kf.n; i++)
				if (kf.c[i].scene == jj &&
				    kf.c[i].reject == NULL)
					break;
			have += i < kf.n;
		}
		for (jj = 0; jj < nsc && nx < o->n - have; jj++) {
			for (i = 0; i < kf.n; i++)
				if (kf.c[i].scene == rank[jj] &&
				    kf.c[i].reject == NULL)
					break;
			if (i < kf.n)
				continue;
			nx++;
			if ((rv = refine(o, &kf, sc, rank[jj], -1, med,
			    FAST_WIN_S, &extra)) != 0) {
				free_cands(extra.c, extra.n);
				goto out;
			}
		}
		picks = kf;
		kf.c = NULL;
		kf.n = 0;
		for (i = 0; i < extra.n && rv == 0; i++)
			if (push(&picks, &extra.c[i]) != 0)
				rv = EX_SOFTWARE;
			else
				extra.c[i].grey = NULL;
		free_cands(extra.c, extra.n);
		if (rv != 0)
			goto out;
	} else {
		/*
		 * The best keyframes of the 2n most promising scenes (by
		 * their best keyframe), enough for n picks: windows are
		 * what costs, so their number follows n, not the length.
		 */
		per_scene = (o->n + nsc - 1) / nsc;
		for (jj = 0; jj < nsc && jj < 2 * o->n; jj++) {
			int got = 0, used[8], k;

			j = rank[jj];

			while (got < per_scene && got < 8) {
				int best = -1;

				for (i = 0; i < kf.n; i++) {
					if (kf.c[i].scene != j ||
					    kf.c[i].reject != NULL)
						continue;
					for (k = 0; k < got; k++)
						if (used[k] == i)
							break;
					if (k < got)
						continue;
					if (best < 0 || kf.c[i].score >
					    kf.c[best].score)
						best = i;
				}
				if (best < 0 && got > 0)
					break;
				if ((rv = refine(o, &kf, sc, j, best, med,
				    WINDOW_S, &picks)) != 0)
					goto out;
				if (best < 0)
					break;
				used[got++] = best;
			}
		}
	}
	if ((out = malloc(sizeof(int) * (o->n + 1))) == NULL) {
		rv = EX_SOFTWARE;
		goto out;
	}
	nout = tcand_choose(picks.c, picks.n, o->n, out);
	if (nout == 0) {
		/*
		 * Few keyframes (a short clip, a long GOP) make the median a
		 * poor bar: rather than nothing, the best of those that only
		 * missed the sharpness bar.
		 */
		for (i = 0; i < picks.n; i++)
			if (picks.c[i].reject != NULL &&
			    strcmp(picks.c[i].reject, "blurry") == 0)
				picks.c[i].reject = NULL;
		nout = tcand_choose(picks.c, picks.n, o->n, out);
	}
	if (nout == 0) {
		cli_warnat(cli_name(path), 0, "no frame fit for a thumbnail");
		rv = EX_DATAERR;
		goto out;
	}
	for (i = 0; i < nout && rv == 0; i++)
		rv = emit_pick(o, &picks, &picks.c[out[i]], i);
	if (rv == 0 && o->sheet != NULL)
		rv = sheet_write(o->sheet, path, &kf.mi, sc, nsc, o->threads,
		    o->quality);
out:
	free(rank);
	free(out);
	free(v);
	free(sc);
	free_cands(kf.c, kf.n);
	free_cands(picks.c, picks.n);
	return rv;
}

int
main(int argc, char *argv[])
{
	struct opts o = { 0 };
	struct ndj_policy pol = NDJ_POLICY_DEFAULT;
	struct stat sb;
	int ch, rv;

	o.pol = pol;
	o.n = 3;
	o.max_errors = -1;	/* the default policy: media_errors_fatal */
	o.dir = ".";
	o.prefix = "thumb";
	o.quality = 90;
	parse_aspects(&o, "16:9");
	cli_init("vthumb");
	while ((ch = getopt_long(argc, argv, "a:f:hj:n:o:p:q:S:Vv", longopts,
	    NULL)) != -1)
		switch (ch) {
		case 'a':
			parse_aspects(&o, optarg);
			break;
		case 'f':
			if (strcmp(optarg, "jpg") == 0 ||
			    strcmp(optarg, "jpeg") == 0)
				o.fmt = MEDIA_IMG_JPEG;
			else if (strcmp(optarg, "png") == 0)
				o.fmt = MEDIA_IMG_PNG;
			else if (strcmp(optarg, "webp") == 0)
				o.fmt = MEDIA_IMG_WEBP;
			else {
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
		case 'n':
			o.n = (int)cli_int(optarg, 1, 100, "-n");
			break;
		case 'o':
			o.dir = optarg;
			break;
		case 'p':
			o.prefix = optarg;
			break;
		case 'q':
			o.quality = (int)cli_int(optarg, 1, 100, "-q");
			break;
		case 'S':
			o.scenes = optarg;
			break;
		case 'V':
			cli_version();
			break;
		case 'v':
			o.verbose++;
			break;
		case OPT_FAST:
			o.fast = 1;
			break;
		case OPT_MAX_ERRORS:
			o.max_errors = cli_int(optarg, 0, 1000000000,
			    "--max-errors");
			break;
		case OPT_SHEET:
			o.sheet = optarg;
			break;
		case OPT_WIDTH:
			o.width = (int)cli_int(optarg, 16, 7680, "--width");
			break;
		default:
			if (!ndj_policy_opt(&o.pol, ch, optarg))
				usage(stderr, EX_USAGE);
		}
	argc -= optind;
	argv += optind;
	if (argc != 1)
		usage(stderr, EX_USAGE);
	if (stat(o.dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		cli_warnat(o.dir, 0, "%s", stat(o.dir, &sb) != 0 ?
		    strerror(errno) : "not a directory");
		return EX_CANTCREAT;
	}
	if (o.scenes == NULL && stdin_has_records())
		o.scenes = "-";
	media_set_verbosity(o.verbose);
	rv = run(&o, argv[0]);
	return cli_finish(rv);
}
