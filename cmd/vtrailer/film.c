/*
 * film: vtrailer's records in, checked at the edge.  See film.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "film.h"
#include "sort.h"

static int
grow(void **p, int *cap, int n, size_t size, int max)
{
	void *q;
	int nc;

	if (n < *cap)
		return 0;
	if (n >= max)
		return -1;
	nc = *cap ? 2 * *cap : 256;
	if (nc > max)
		nc = max;
	if ((q = realloc(*p, (size_t)nc * size)) == NULL)
		return -1;
	*p = q;
	*cap = nc;
	return 0;
}

static int
bad(struct ndj_reader *r, struct rerr *e, const char *what, double v)
{
	return rerr_set(e, EX_DATAERR, ndj_name(r), ndj_line(r),
	    "field '%s' is out of range: %g", what, v), -1;
}

/* The optional fields of a scene record. */
static int
scene_fields(struct ndj_reader *r, const json_t *rec, struct tr_scene *s,
    long long *f0, long long *f1, struct rerr *e)
{
	double v;

	s->tin0 = s->tin1 = -1;
	s->motion = 0;
	s->motion_peak = s->hook = s->luma = -1;
	s->loud = NAN;
	if (ndj_get_num(r, rec, "trans_start", 1, &s->tin0, e) < 0 ||
	    ndj_get_num(r, rec, "trans_end", 1, &s->tin1, e) < 0 ||
	    ndj_get_num(r, rec, "motion", 1, &s->motion, e) < 0 ||
	    ndj_get_num(r, rec, "motion_peak", 1, &s->motion_peak, e) < 0 ||
	    ndj_get_num(r, rec, "hook", 1, &s->hook, e) < 0 ||
	    ndj_get_num(r, rec, "luma", 1, &s->luma, e) < 0 ||
	    ndj_get_int(r, rec, "frame", 1, f0, e) < 0 ||
	    ndj_get_int(r, rec, "frame_end", 1, f1, e) < 0)
		return -1;
	if (json_object_get(rec, "loudness") != NULL) {
		if (ndj_get_num(r, rec, "loudness", 0, &v, e) < 0)
			return -1;
		s->loud = v;
	} else if (json_object_get(rec, "audio_rms") != NULL) {
		if (ndj_get_num(r, rec, "audio_rms", 0, &v, e) < 0)
			return -1;
		s->loud = v;
	}
	if (!(s->motion >= 0 && s->motion <= 100))
		return bad(r, e, "motion", s->motion);
	if (!(fabs(s->tin0) <= TR_T_MAX) || !(fabs(s->tin1) <= TR_T_MAX))
		return bad(r, e, "trans_start", s->tin0);
	if (!isnan(s->loud) && !(s->loud >= -200 && s->loud <= 100))
		return bad(r, e, "loudness", s->loud);
	return 0;
}

/* Takes a scene record.  Returns 0, or -1 with e filled. */
static int
add_scene(struct tr_film *fm, struct ndj_reader *r, const json_t *rec,
    struct rerr *e)
{
	struct tr_scene s;
	const char *src = NULL;
	long long idx = fm->n, f0 = -1, f1 = -1;

	if (ndj_get_num(r, rec, "start", 0, &s.start, e) < 0 ||
	    ndj_get_num(r, rec, "end", 0, &s.end, e) < 0 ||
	    ndj_get_int(r, rec, "index", 1, &idx, e) < 0 ||
	    ndj_get_str(r, rec, "src", 1, &src, e) < 0 ||
	    scene_fields(r, rec, &s, &f0, &f1, e) < 0)
		return -1;
	if (!(s.start >= 0 && s.end <= TR_T_MAX && s.end > s.start))
		return rerr_set(e, EX_DATAERR, ndj_name(r), ndj_line(r),
		    "scene ends before it starts (%g..%g)", s.start, s.end),
		    -1;
	if (fm->n > 0 && s.start < fm->last_end - 1e-3)
		return rerr_set(e, EX_DATAERR, ndj_name(r), ndj_line(r),
		    "scene starts at %g, before the one before ends (%g): "
		    "scenes must be in order", s.start, fm->last_end), -1;
	if (src != NULL && fm->src != NULL && strcmp(src, fm->src) != 0)
		return rerr_set(e, EX_DATAERR, ndj_name(r), ndj_line(r),
		    "scene of a second source '%s' (the first was '%s'): "
		    "one trailer is made from one source", src, fm->src), -1;
	if (idx < 0 || idx > TR_MAX_SCENES)
		return bad(r, e, "index", (double)idx);
	if (src != NULL && fm->src == NULL && (fm->src = strdup(src)) == NULL)
		return rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory"), -1;
	if (grow((void **)&fm->sc, &fm->cap, fm->n, sizeof(s),
	    TR_MAX_SCENES) != 0)
		return rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory"), -1;
	s.index = (long)idx;
	if (f0 >= 0 && f1 > f0 && f1 - f0 < 1e9) {
		fm->frames += (double)(f1 - f0);
		fm->secs += s.end - s.start;
	}
	fm->last_end = s.end;
	fm->sc[fm->n++] = s;
	return 0;
}

/* Takes an audio window or an onset record. */
static int
add_audio(struct tr_film *fm, struct ndj_reader *r, const json_t *rec,
    int onset, struct rerr *e)
{
	struct tr_audio a = { 0, 0, -120, 0 };

	if (ndj_get_num(r, rec, "t", 0, &a.t, e) < 0)
		return -1;
	if (!(fabs(a.t) <= TR_T_MAX))
		return bad(r, e, "t", a.t);
	if (onset) {
		if (grow((void **)&fm->on, &fm->ocap, fm->no,
		    sizeof(double), TR_MAX_AUDIO) != 0)
			return rerr_set(e, EX_SOFTWARE, NULL, 0,
			    "out of memory"), -1;
		fm->on[fm->no++] = a.t;
		return 0;
	}
	if (ndj_get_num(r, rec, "dur", 1, &a.dur, e) < 0 ||
	    ndj_get_num(r, rec, "rms", 1, &a.rms, e) < 0 ||
	    ndj_get_num(r, rec, "onset", 1, &a.onset, e) < 0)
		return -1;
	if (!(a.dur >= 0 && a.dur <= 3600))
		return bad(r, e, "dur", a.dur);
	if (!(a.rms >= -200 && a.rms <= 100))
		return bad(r, e, "rms", a.rms);
	if (!(a.onset >= 0 && a.onset <= 1e6))
		return bad(r, e, "onset", a.onset);
	if (grow((void **)&fm->a, &fm->acap, fm->na, sizeof(a),
	    TR_MAX_AUDIO) != 0)
		return rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory"), -1;
	fm->a[fm->na++] = a;
	return 0;
}

/* A media record: the exact frame rate. */
static int
add_media(struct tr_film *fm, struct ndj_reader *r, const json_t *rec,
    struct rerr *e)
{
	double fps = 0;

	if (ndj_get_num(r, rec, "fps", 1, &fps, e) < 0)
		return -1;
	if (!(fps >= 0 && fps <= 1000))
		return bad(r, e, "fps", fps);
	if (fm->media_fps == 0)
		fm->media_fps = fps;
	return 0;
}

int
tr_film_record(struct tr_film *fm, struct ndj_reader *r, const json_t *rec,
    struct rerr *e)
{
	const char *type = json_string_value(json_object_get(rec, "type"));

	if (type == NULL)
		return 0;
	if (strcmp(type, "scene") == 0)
		return add_scene(fm, r, rec, e);
	if (strcmp(type, "audio") == 0)
		return add_audio(fm, r, rec, 0, e);
	if (strcmp(type, "onset") == 0)
		return add_audio(fm, r, rec, 1, e);
	if (strcmp(type, "media") == 0)
		return add_media(fm, r, rec, e);
	return 0;
}

static int
cmp_audio(const void *a, const void *b)
{
	double x = ((const struct tr_audio *)a)->t;
	double y = ((const struct tr_audio *)b)->t;

	return x < y ? -1 : x > y;
}

void
tr_film_end(struct tr_film *fm)
{
	if (fm->na > 0)
		qsort(fm->a, fm->na, sizeof(*fm->a), cmp_audio);
	if (fm->no > 0)
		qsort(fm->on, fm->no, sizeof(*fm->on), sort_cmp_double);
}

/* The standard rates, and the nearest to f within tol (relative), or 0. */
static double
nearest_std(double f, double tol)
{
	static const double std[] = { 24000.0 / 1001, 24, 25, 30000.0 / 1001,
	    30, 48, 50, 60000.0 / 1001, 60, 120000.0 / 1001, 120 };
	double best = 0, bd = INFINITY;
	size_t i;

	for (i = 0; i < sizeof(std) / sizeof(std[0]); i++)
		if (fabs(f - std[i]) < bd) {
			bd = fabs(f - std[i]);
			best = std[i];
		}
	return bd <= tol * best ? best : 0;
}

double
tr_film_fps(const struct tr_film *fm)
{
	double f, s;

	/* a media record prints 6 decimals: 23.976024 is 24000/1001 */
	if (fm->media_fps > 0)
		return (s = nearest_std(fm->media_fps, 1e-6)) > 0 ? s :
		    fm->media_fps;
	if (fm->secs <= 0)
		return 0;
	f = fm->frames / fm->secs;
	return (s = nearest_std(f, 0.005)) > 0 ? s : f;
}

void
tr_film_free(struct tr_film *fm)
{
	free(fm->sc);
	free(fm->a);
	free(fm->on);
	free(fm->src);
	memset(fm, 0, sizeof(*fm));
}
