/*
 * records: vscenes on frame, audio and media records (vframes' output).
 *
 * Validation at the edge: a frame record must follow the one before it
 * from the same source (a larger frame index, a later time), carry a
 * frame index in [0, VSC_FRAME_MAX] and a time within VSC_T_MAX seconds,
 * and features in their ranges (lib/vrec checks those); anything else is
 * a bad record, so that no record can make the detector see time run
 * backwards or a scene of negative length.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vrec.h"
#include "vscenes.h"

/* The detector's callback: a finished scene to the exporter. */
static int
emit(const struct det_scene *s, void *arg)
{
	struct vsc *c = arg;

	return exp_scene(&c->x, s, &c->err);
}

void
vsc_init(struct vsc *c, const struct vsc_opts *o)
{
	memset(c, 0, sizeof(*c));
	c->o = o;
}

void
vsc_free(struct vsc *c)
{
	det_free(c->det);
	c->det = NULL;
	free(c->src);
	c->src = NULL;
}

/* A new detector for the current source. */
static int
new_det(struct vsc *c, struct rerr *e)
{
	det_free(c->det);
	if ((c->det = det_new(&c->o->dp, emit, c)) == NULL)
		return rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory"), -1;
	return 0;
}

int
vsc_new_det(struct vsc *c, struct rerr *e)
{
	return new_det(c, e) == 0 ? 0 : e->code;
}

/* A status from the detector (its callback's) as -1 with e. */
static int
det_status(struct vsc *c, int rv, struct rerr *e)
{
	if (rv == 0)
		return 0;
	if (c->err.code != 0)
		*e = c->err;
	else if (rv == EX_SOFTWARE)
		rerr_set(e, rv, NULL, 0, "out of memory");
	else {
		/* a write error on stdout, which cli_finish reports */
		memset(e, 0, sizeof(*e));
		e->code = rv;
	}
	return -1;
}

int
vsc_end(struct vsc *c, struct rerr *e)
{
	int rv = 0;

	if (c->det != NULL)
		rv = det_end(c->det);
	det_free(c->det);
	c->det = NULL;
	c->have_frame = 0;
	return det_status(c, rv, e);
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
	if (fabs(w->t) > VSC_T_MAX || w->dur < 0 || w->dur > 3600)
		return rerr_set(e, EX_DATAERR, ndj_name(r), ndj_line(r),
		    "audio window at %g s of %g s is no audio window", w->t,
		    w->dur), -1;
	return 0;
}

/* A media record: the rates and time base the exports count in. */
static int
media_rec(struct vsc *c, struct ndj_reader *r, const json_t *rec,
    struct rerr *e)
{
	const char *tb = NULL;
	double fps = 0, base = 0;
	int num, den;

	if (ndj_get_num(r, rec, "fps", 1, &fps, e) < 0 ||
	    ndj_get_num(r, rec, "base_fps", 1, &base, e) < 0 ||
	    ndj_get_str(r, rec, "tb", 1, &tb, e) < 0)
		return -1;
	if (fps < 0 || fps > 1e6 || base < 0 || base > 1e6)
		return rerr_set(e, EX_DATAERR, ndj_name(r), ndj_line(r),
		    "frame rate %g is out of range", fps < 0 || fps > 1e6 ?
		    fps : base), -1;
	c->x.fps = fps;
	c->x.base_fps = base;
	c->have_rate = fps > 0;
	c->x.tb_num = c->x.tb_den = 0;
	if (tb != NULL && sscanf(tb, "%d/%d", &num, &den) == 2 && num > 0 &&
	    den > 0) {
		c->x.tb_num = num;
		c->x.tb_den = den;
	}
	return 0;
}

/* A frame record, checked to follow the one before. */
static int
frame_rec(struct vsc *c, struct ndj_reader *r, const json_t *rec,
    struct rerr *e)
{
	struct vfeat v;

	if (vrec_frame_parse(r, rec, &v, e) < 0)
		return -1;
	if (v.frame < 0 || v.frame > VSC_FRAME_MAX)
		return rerr_set(e, EX_DATAERR, ndj_name(r), ndj_line(r),
		    "frame index %ld is out of range", v.frame), -1;
	if (!(fabs(v.t) <= VSC_T_MAX))
		return rerr_set(e, EX_DATAERR, ndj_name(r), ndj_line(r),
		    "frame time %g s is out of range", v.t), -1;
	if (c->have_frame && (v.frame <= c->last_frame ||
	    v.t <= c->last_t))
		return rerr_set(e, EX_DATAERR, ndj_name(r), ndj_line(r),
		    "frame %ld at %.6f s does not follow frame %ld at %.6f s "
		    "(line %ld): frame records must advance", v.frame, v.t,
		    c->last_frame, c->last_t, c->line), -1;
	/*
	 * Without a media record the exports count frames at the rate the
	 * frames show, as measured until the first scene is written.
	 */
	if (!c->have_frame) {
		c->first_frame = v.frame;
		c->first_t = v.t;
	} else if (!c->have_rate && c->x.count == 0)
		c->x.fps = (v.frame - c->first_frame) / (v.t - c->first_t);
	c->have_frame = 1;
	c->last_frame = v.frame;
	c->last_t = v.t;
	c->line = ndj_line(r);
	return det_status(c, det_frame(c->det, &v), e);
}

int
vsc_record(struct vsc *c, struct ndj_reader *r, const json_t *rec,
    struct rerr *e)
{
	const char *type = NULL, *src = NULL;
	struct au_win w;

	if (ndj_get_str(r, rec, "type", 0, &type, e) < 0 ||
	    ndj_get_str(r, rec, "src", 1, &src, e) < 0)
		return -1;
	if (strcmp(type, "frame") != 0 && strcmp(type, "audio") != 0 &&
	    strcmp(type, "media") != 0)
		return 0;
	/* A new src: the scenes of the previous one end. */
	if (src != NULL && (c->src == NULL || strcmp(src, c->src) != 0)) {
		char *s;

		if (c->det != NULL && vsc_end(c, e) != 0)
			return -1;
		if ((s = strdup(src)) == NULL)
			return rerr_set(e, EX_SOFTWARE, NULL, 0,
			    "out of memory"), -1;
		free(c->src);
		c->src = s;
		c->x.src = s;
		c->have_rate = 0;
	}
	if (c->det == NULL && new_det(c, e) != 0)
		return -1;
	if (strcmp(type, "media") == 0)
		return media_rec(c, r, rec, e);
	if (strcmp(type, "frame") == 0)
		return frame_rec(c, r, rec, e);
	memset(&w, 0, sizeof(w));
	if (audio_parse(r, rec, &w, e) < 0)
		return -1;
	return det_status(c, det_audio(c->det, &w), e);
}
