/*
 * vrec: frame features and the frame, audio and media records.  See
 * vrec.h for the fields.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vrec.h"

static double
rnd(double v, double scale)
{
	return round(v * scale) / scale;
}

int
vfeat_init(struct vfeat_ctx *c, int gw, int gh)
{
	memset(c, 0, sizeof(*c));
	c->gw = gw;
	c->gh = gh;
	c->prev = malloc((size_t)gw * gh);
	return c->prev == NULL ? -1 : 0;
}

void
vfeat_free(struct vfeat_ctx *c)
{
	free(c->prev);
	c->prev = NULL;
}

void
vfeat_compute(struct vfeat_ctx *c, const struct media_frame *f, int cw,
    int ch, struct vfeat *v)
{
	size_t n = (size_t)c->gw * c->gh;
	float hist[3 * IMG_HBINS];

	v->frame = f->index;
	v->pts = f->pts;
	v->t = f->t;
	v->key = f->key;
	img_mean_std(f->grey, c->gw, c->gh, &v->luma, &v->contrast);
	v->sharp = img_sharpness(f->grey, c->gw, c->gh);
	v->colour = img_colourfulness(f->rgb, cw, ch);
	v->phash = img_phash(f->grey, c->gw, c->gh);
	img_hist(f->rgb, cw, ch, hist);
	if (c->have_prev) {
		v->diff = img_absdiff(c->prev, f->grey, n);
		v->hdiff = img_histdist(c->prev_hist, hist);
		v->motion = img_motion(c->prev, f->grey, c->gw, c->gh);
	} else
		v->diff = v->hdiff = v->motion = 0;
	img_box(f->rgb, cw, ch, 3, v->sig, VSIG_W, VSIG_H);
	v->has_sig = 1;
	/*
	 * Round to the precision the record prints, so that a tool working
	 * on these values directly computes what it would from the record.
	 */
	v->t = rnd(v->t, 1e6);
	v->luma = rnd(v->luma, 1e4);
	v->contrast = rnd(v->contrast, 1e4);
	v->sharp = rnd(v->sharp, 1e4);
	v->colour = rnd(v->colour, 1e2);
	v->diff = rnd(v->diff, 1e4);
	v->hdiff = rnd(v->hdiff, 1e4);
	v->motion = rnd(v->motion, 1e4);
	memcpy(c->prev, f->grey, n);
	memcpy(c->prev_hist, hist, sizeof(hist));
	c->have_prev = 1;
}

json_t *
vrec_frame_json(const struct vfeat *v, const char *src, int sig)
{
	json_t *o = json_object();
	char hex[17], b64[4 * ((VSIG_N + 2) / 3) + 1];

	json_object_set_new(o, "type", json_string("frame"));
	if (src != NULL)
		json_object_set_new(o, "src", json_string(src));
	json_object_set_new(o, "frame", json_integer(v->frame));
	json_object_set_new(o, "pts", json_integer(v->pts));
	ndj_set_real(o, "t", v->t, 6);
	json_object_set_new(o, "key", json_boolean(v->key));
	ndj_set_real(o, "luma", v->luma, 4);
	ndj_set_real(o, "contrast", v->contrast, 4);
	ndj_set_real(o, "sharp", v->sharp, 4);
	ndj_set_real(o, "colour", v->colour, 2);
	snprintf(hex, sizeof(hex), "%016" PRIx64, v->phash);
	json_object_set_new(o, "phash", json_string(hex));
	ndj_set_real(o, "diff", v->diff, 4);
	ndj_set_real(o, "hdiff", v->hdiff, 4);
	ndj_set_real(o, "motion", v->motion, 4);
	if (sig && v->has_sig) {
		img_b64(v->sig, VSIG_N, b64);
		json_object_set_new(o, "sig", json_string(b64));
	}
	return o;
}

json_t *
vrec_audio_json(const struct au_win *w, const char *src)
{
	json_t *o = json_object();

	json_object_set_new(o, "type", json_string("audio"));
	if (src != NULL)
		json_object_set_new(o, "src", json_string(src));
	ndj_set_real(o, "t", w->t, 6);
	ndj_set_real(o, "dur", w->dur, 6);
	ndj_set_real(o, "rms", w->rms, 2);
	ndj_set_real(o, "peak", w->peak, 2);
	ndj_set_real(o, "lufs_m", w->lufs_m, 2);
	ndj_set_real(o, "lufs_s", w->lufs_s, 2);
	ndj_set_real(o, "flux", w->flux, 5);
	ndj_set_real(o, "onset", w->onset, 5);
	return o;
}

void
vrec_audio_round(struct au_win *w)
{
	/* as ndj_real: no "-0" */
	w->t = rnd(w->t, 1e6) + 0.0;
	w->dur = rnd(w->dur, 1e6) + 0.0;
	w->rms = rnd(w->rms, 1e2) + 0.0;
	w->peak = rnd(w->peak, 1e2) + 0.0;
	w->lufs_m = rnd(w->lufs_m, 1e2) + 0.0;
	w->lufs_s = rnd(w->lufs_s, 1e2) + 0.0;
	w->flux = rnd(w->flux, 1e5) + 0.0;
	w->onset = rnd(w->onset, 1e5) + 0.0;
}

json_t *
vrec_media_json(const struct media_info *mi, const char *src)
{
	json_t *o = json_object();
	char tb[48];

	json_object_set_new(o, "type", json_string("media"));
	if (src != NULL)
		json_object_set_new(o, "src", json_string(src));
	json_object_set_new(o, "width", json_integer(mi->width));
	json_object_set_new(o, "height", json_integer(mi->height));
	ndj_set_real(o, "fps", mi->fps, 6);
	if (mi->base_fps > 0)
		ndj_set_real(o, "base_fps", mi->base_fps, 6);
	snprintf(tb, sizeof(tb), "%d/%d", mi->tb_num, mi->tb_den);
	json_object_set_new(o, "tb", json_string(tb));
	ndj_set_real(o, "duration", mi->duration, 6);
	json_object_set_new(o, "vcodec", json_string(mi->vcodec));
	if (mi->has_audio)
		json_object_set_new(o, "acodec", json_string(mi->acodec));
	return o;
}

/* Whether x is a number in [0, 1]. */
static int
in01(double x)
{
	return x >= 0 && x <= 1;
}

int
vrec_frame_parse(struct ndj_reader *r, const json_t *rec, struct vfeat *v,
    struct rerr *e)
{
	const char *s;
	long long n;
	int rv;

	memset(v, 0, sizeof(*v));
	if (ndj_get_int(r, rec, "frame", 0, &n, e) < 0)
		return -1;
	v->frame = (long)n;
	if (ndj_get_num(r, rec, "t", 0, &v->t, e) < 0)
		return -1;
	n = lrint(v->t * 1000);
	if ((rv = ndj_get_int(r, rec, "pts", 1, &n, e)) < 0)
		return -1;
	v->pts = n;
	v->key = json_is_true(json_object_get(rec, "key"));
	if (ndj_get_num(r, rec, "luma", 0, &v->luma, e) < 0 ||
	    ndj_get_num(r, rec, "contrast", 1, &v->contrast, e) < 0 ||
	    ndj_get_num(r, rec, "sharp", 1, &v->sharp, e) < 0 ||
	    ndj_get_num(r, rec, "colour", 1, &v->colour, e) < 0 ||
	    ndj_get_num(r, rec, "diff", 1, &v->diff, e) < 0 ||
	    ndj_get_num(r, rec, "hdiff", 1, &v->hdiff, e) < 0 ||
	    ndj_get_num(r, rec, "motion", 1, &v->motion, e) < 0)
		return -1;
	/* values no such field can hold */
	if (!in01(v->luma) || !in01(v->contrast) || !in01(v->diff) ||
	    !in01(v->hdiff) || !(v->sharp >= 0 && v->sharp <= 8) ||
	    !(v->colour >= 0) || !(v->motion >= 0 && v->motion <= 100))
		return rerr_set(e, EX_DATAERR, ndj_name(r), ndj_line(r),
		    "field '%s' is out of range", !in01(v->luma) ? "luma" :
		    !in01(v->contrast) ? "contrast" : !in01(v->diff) ?
		    "diff" : !in01(v->hdiff) ? "hdiff" : !(v->sharp >= 0 &&
		    v->sharp <= 8) ? "sharp" : !(v->colour >= 0) ? "colour" :
		    "motion"), -1;
	s = NULL;
	if (ndj_get_str(r, rec, "phash", 1, &s, e) < 0)
		return -1;
	if (s != NULL)
		v->phash = strtoull(s, NULL, 16);
	s = NULL;
	if (ndj_get_str(r, rec, "sig", 1, &s, e) < 0)
		return -1;
	if (s != NULL) {
		if (img_unb64(s, v->sig, sizeof(v->sig)) != VSIG_N)
			return rerr_set(e, EX_DATAERR, ndj_name(r), ndj_line(r),
			    "field 'sig' is not %d base64 bytes", VSIG_N), -1;
		v->has_sig = 1;
	}
	return 0;
}
