/*
 * export: writers of scene records and editor formats.
 *
 * Frame exactness: EDL and CSV timecodes count frames (the scene's frame
 * numbers) at the nominal integer rate -- 24 for 23.976, 30 for 29.97 --
 * drop-frame at 29.97 and 59.94 (as SMPTE 12M labels them, so that the
 * timecode keeps to the clock), so every cut lands on its frame
 * (variable-rate streams are counted in frames of their base rate);
 * ffmetadata chapters use the stream's own time base and pts, exact for
 * variable frame rates too; WebVTT uses the first millisecond within each
 * scene's first frame; CSV the frame times to the microsecond, as the
 * records do, and the frame numbers and pts.
 *
 * An EDL event is a cut ("C"), or, for a scene that begins with a
 * gradual transition, the CMX 3600 pair: a zero-length cut of the
 * outgoing material where the transition starts, then the incoming
 * material with "D" (dissolve, and fade through black or white) or
 * "W001" (wipe) and the transition's length in frames.  The program is
 * the source itself, so record and source times are the same.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic.h"
#include "export.h"
#include "ndjson.h"

int
exp_parse(const char *name)
{
	static const char *names[] = { "ndjson", "edl", "ffmetadata", "vtt",
	    "csv" };
	int i;

	for (i = 0; i < 5; i++)
		if (strcmp(name, names[i]) == 0)
			return i;
	return -1;
}

int
exp_tc_parse(const char *name)
{
	if (strcmp(name, "auto") == 0)
		return EXP_TC_AUTO;
	if (strcmp(name, "ndf") == 0)
		return EXP_TC_NDF;
	if (strcmp(name, "df") == 0)
		return EXP_TC_DF;
	return -1;
}

static int
is_gradual(enum det_kind k)
{
	return k == K_DISSOLVE || k == K_WIPE || k == K_FADE;
}

static json_t *
scene_json(const struct exporter *x, const struct det_scene *s)
{
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "type", json_string("scene"));
	if (x->src != NULL)
		json_object_set_new(o, "src", json_string(x->src));
	json_object_set_new(o, "index", json_integer(s->index));
	ndj_set_real(o, "start", s->start, 6);
	ndj_set_real(o, "end", s->end, 6);
	ndj_set_real(o, "dur", s->end - s->start, 6);
	json_object_set_new(o, "frame", json_integer(s->frame));
	json_object_set_new(o, "frame_end", json_integer(s->frame_end));
	json_object_set_new(o, "pts", json_integer(s->pts));
	json_object_set_new(o, "pts_end", json_integer(s->pts_end));
	json_object_set_new(o, "in", json_string(det_kind_name(s->in, 1)));
	json_object_set_new(o, "out", json_string(det_kind_name(s->out, 0)));
	ndj_set_real(o, "conf", s->in_conf, 3);
	if (is_gradual(s->in)) {
		ndj_set_real(o, "trans_start", s->in_t0, 6);
		ndj_set_real(o, "trans_end", s->in_t1, 6);
		json_object_set_new(o, "trans_frame", json_integer(s->in_f0));
		json_object_set_new(o, "trans_frame_end",
		    json_integer(s->in_f1));
	}
	if (s->in == K_FADE)
		json_object_set_new(o, "from",
		    json_string(s->in_white ? "white" : "black"));
	if (s->out == K_FADE)
		json_object_set_new(o, "to",
		    json_string(s->out_white ? "white" : "black"));
	ndj_set_real(o, "motion", s->motion, 4);
	ndj_set_real(o, "motion_peak", s->motion_peak, 4);
	ndj_set_real(o, "luma", s->luma, 4);
	ndj_set_real(o, "contrast", s->contrast, 4);
	ndj_set_real(o, "colour", s->colour, 2);
	ndj_set_real(o, "sharp", s->sharp, 4);
	if (s->has_audio) {
		ndj_set_real(o, "audio_rms", s->audio_rms, 2);
		ndj_set_real(o, "audio_peak", s->audio_peak, 2);
		ndj_set_real(o, "loudness", s->loudness, 2);
	}
	ndj_set_real(o, "hook", s->hook, 3);
	return o;
}

void
exp_timecode(long f, int rate, int drop, char *buf, size_t n)
{
	long s;

	if (f < 0)
		f = 0;
	if (drop && (rate == 30 || rate == 60)) {
		/* D labels dropped per minute, none in each tenth minute */
		long d = rate / 15, fpm = rate * 60L - d;
		long fp10 = rate * 600L - 9 * d, tens = f / fp10, rem = f % fp10;

		f += 9 * d * tens + (rem > d ? d * ((rem - d) / fpm) : 0);
	} else
		drop = 0;
	s = f / rate;
	snprintf(buf, n, "%02ld:%02ld:%02ld%c%02ld", s / 3600, s / 60 % 60,
	    s % 60, drop ? ';' : ':', f % rate);
}

/*
 * The timecode clock of x: the nominal integer rate, whether its labels
 * drop frames, and whether frames are counted from times (a variable
 * rate stream, whose base rate is above its average: every frame falls
 * on the base rate's grid) rather than taken from the frame numbers.
 */
struct tclock {
	int	 rate, drop, vfr;
	double	 base;
};

static struct tclock
tc_clock(const struct exporter *x)
{
	struct tclock c;
	double r;

	c.vfr = x->base_fps > 0 && x->fps > 0 && x->base_fps > x->fps * 1.001;
	r = c.vfr ? x->base_fps : x->fps > 0 ? x->fps : 25;
	c.base = r;
	c.rate = (int)lrint(r);
	if (c.rate < 1)
		c.rate = 1;
	c.drop = 0;
	if (c.rate == 30 || c.rate == 60) {
		if (x->tc == EXP_TC_DF)
			c.drop = 1;
		else if (x->tc == EXP_TC_AUTO)
			c.drop = fabs(r - c.rate * 1000.0 / 1001) < 0.001 * r;
	}
	return c;
}

/* The timecode of a frame given by its number f and time t. */
static void
tc_of(const struct tclock *c, long f, double t, char *buf, size_t n)
{
	exp_timecode(c->vfr ? lrint(t * c->base) : f, c->rate, c->drop, buf,
	    n);
}

int
exp_part_name(const char *path, int n, char *buf, size_t len)
{
	const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');

	if (n <= 1)
		return snprintf(buf, len, "%s", path);
	/* a dot that starts the name (".edl") or a directory's is no suffix */
	if (dot == NULL || (slash != NULL && dot < slash) || dot == path ||
	    dot[-1] == '/')
		return snprintf(buf, len, "%s-%d", path, n);
	return snprintf(buf, len, "%.*s-%d%s", (int)(dot - path), path, n,
	    dot);
}

/* Opens the next output part (the first, or the next EDL file). */
static int
open_part(struct exporter *x, struct rerr *e)
{
	struct atomic_file **v, *af;
	char name[4096];

	if (x->path == NULL || strcmp(x->path, "-") == 0) {
		x->fp = stdout;
		return 0;
	}
	if (exp_part_name(x->path, x->naf + 1, name, sizeof(name)) >=
	    (int)sizeof(name))
		return rerr_set(e, EX_CANTCREAT, x->path, 0,
		    "output name too long");
	if ((v = realloc(x->af, (x->naf + 1) * sizeof(*v))) == NULL)
		return rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
	x->af = v;
	if ((af = atomic_open(name, e)) == NULL)
		return e->code;
	x->af[x->naf++] = af;
	x->fp = atomic_fp(af);
	return 0;
}

static void
edl_header(struct exporter *x, const struct tclock *c)
{
	const char *title = x->src ? x->src : "scenes";
	int part = (int)(x->count / EXP_EDL_EVENTS) + 1;

	if (part > 1)
		fprintf(x->fp, "TITLE: %s (part %d)\n", title, part);
	else
		fprintf(x->fp, "TITLE: %s\n", title);
	fprintf(x->fp, "FCM: %s\n\n", c->drop ? "DROP FRAME" : "NON-DROP FRAME");
}

/* One EDL event: a cut, or the pair of a gradual transition. */
static int
edl_scene(struct exporter *x, const struct det_scene *s, struct rerr *e)
{
	struct tclock c = tc_clock(x);
	char a[32], b[32];
	long ev;
	int rv;

	if (x->count > 0 && x->count % EXP_EDL_EVENTS == 0) {
		/* the next 999: a new file, or a new EDL on stdout */
		if (x->naf > 0 && (rv = open_part(x, e)) != 0)
			return rv;
		if (x->naf == 0)
			fputc('\n', x->fp);
		x->events = 0;
	}
	if (x->events == 0)
		edl_header(x, &c);
	ev = ++x->events;
	tc_of(&c, s->out_f0, s->out_t0, b, sizeof(b));
	if (is_gradual(s->in) && s->in_f1 > s->in_f0) {
		long dur = s->in_f1 - s->in_f0;
		const char *from = s->index == 0 ? "BL" : "AX";

		if (c.vfr)
			dur = lrint((s->in_t1 - s->in_t0) * c.base);
		if (dur > 999)
			dur = 999;
		tc_of(&c, s->in_f0, s->in_t0, a, sizeof(a));
		fprintf(x->fp, "%03ld  %-8s V     C        %s %s %s %s\n", ev,
		    from, a, a, a, a);
		fprintf(x->fp, "%03ld  AX       V     %-4s %03ld %s %s %s %s\n",
		    ev, s->in == K_WIPE ? "W001" : "D", dur, a, b, a, b);
	} else {
		tc_of(&c, s->frame, s->start, a, sizeof(a));
		fprintf(x->fp, "%03ld  AX       V     C        %s %s %s %s\n",
		    ev, a, b, a, b);
	}
	fprintf(x->fp, "* FROM CLIP NAME: %s\n* SCENE %ld: %s%s\n\n",
	    x->src ? x->src : "scenes", s->index, det_kind_name(s->in, 1),
	    s->in == K_FADE ? s->in_white ? " (through white)" :
	    " (through black)" : "");
	return 0;
}

/*
 * HH:MM:SS.mmm of a frame's time t: the first millisecond at or after it,
 * which lies within the frame (frames last 4 ms or more) -- rounding to
 * the nearest could land on the frame before, 1.5015 s (frame 36 at 23.976
 * fps) becoming 1.501 s, still frame 35.  t is in whole microseconds.
 */
static void
vtt_time(double t, char *buf, size_t n)
{
	long ms = (long)ceil(t * 1000 - 1e-6);

	if (ms < 0)
		ms = 0;
	snprintf(buf, n, "%02ld:%02ld:%02ld.%03ld", ms / 3600000,
	    ms / 60000 % 60, ms / 1000 % 60, ms % 1000);
}

/* The header of a format, before its first scene or for an empty run. */
static void
header(struct exporter *x)
{
	switch (x->fmt) {
	case EXP_NDJSON:
		break;
	case EXP_EDL: {
		struct tclock c = tc_clock(x);

		edl_header(x, &c);
		break;
	}
	case EXP_FFMETA:
		fprintf(x->fp, ";FFMETADATA1\n");
		break;
	case EXP_VTT:
		fprintf(x->fp, "WEBVTT\n");
		break;
	case EXP_CSV:
		fprintf(x->fp, "index,start,end,frame,frame_end,pts,"
		    "pts_end,in,conf,motion,luma,audio_rms,hook,timecode,"
		    "timecode_end\n");
		break;
	}
}

static void
csv_scene(struct exporter *x, const struct det_scene *s)
{
	struct tclock c = tc_clock(x);
	char a[32], b[32];

	tc_of(&c, s->frame, s->start, a, sizeof(a));
	tc_of(&c, s->frame_end, s->end, b, sizeof(b));
	fprintf(x->fp, "%ld,%.6f,%.6f,%ld,%ld,%lld,%lld,%s,%.3f,%.4f,%.4f,"
	    "%.2f,%.3f,%s,%s\n", s->index, s->start, s->end, s->frame,
	    s->frame_end, s->pts, s->pts_end, det_kind_name(s->in, 1),
	    s->in_conf, s->motion, s->luma, s->has_audio ? s->audio_rms : -120,
	    s->hook, a, b);
}

int
exp_scene(struct exporter *x, const struct det_scene *s, struct rerr *e)
{
	char a[64], b[64];
	json_t *o;
	int rv;

	if (x->fp == NULL) {
		if ((rv = open_part(x, e)) != 0)
			return rv;
		if (x->fmt != EXP_EDL)
			header(x);
	}
	switch (x->fmt) {
	case EXP_NDJSON:
		if ((o = scene_json(x, s)) == NULL)
			return rerr_set(e, EX_SOFTWARE, NULL, 0,
			    "out of memory");
		ndj_write(x->fp, o);
		json_decref(o);
		break;
	case EXP_EDL:
		if ((rv = edl_scene(x, s, e)) != 0)
			return rv;
		break;
	case EXP_FFMETA:
		if (x->tb_num > 0 && x->tb_den > 0)
			fprintf(x->fp, "\n[CHAPTER]\nTIMEBASE=%d/%d\n"
			    "START=%lld\nEND=%lld\ntitle=Scene %ld\n",
			    x->tb_num, x->tb_den,
			    s->pts, s->pts_end, s->index + 1);
		else
			fprintf(x->fp, "\n[CHAPTER]\nTIMEBASE=1/1000\n"
			    "START=%ld\nEND=%ld\ntitle=Scene %ld\n",
			    lrint(s->start * 1000), lrint(s->end * 1000),
			    s->index + 1);
		break;
	case EXP_VTT:
		vtt_time(s->start, a, sizeof(a));
		vtt_time(s->end, b, sizeof(b));
		fprintf(x->fp, "\n%ld\n%s --> %s\nScene %ld (%s)\n",
		    s->index + 1, a, b, s->index + 1, det_kind_name(s->in, 1));
		break;
	case EXP_CSV:
		csv_scene(x, s);
		break;
	}
	x->count++;
	/* stdout's error is cli_finish's to report */
	if (ferror(x->fp))
		return x->naf > 0 ? rerr_set(e, EX_IOERR, x->path, 0,
		    "write error") : EX_IOERR;
	return 0;
}

int
exp_close(struct exporter *x, int ok, struct rerr *e)
{
	int i, rv = 0;

	if (ok && x->fp == NULL && (rv = open_part(x, e)) == 0)
		header(x);
	if (rv != 0)
		ok = 0;
	for (i = 0; i < x->naf; i++) {
		if (ok && rv == 0)
			rv = atomic_commit(x->af[i], e);
		else
			atomic_abort(x->af[i]);
	}
	free(x->af);
	x->af = NULL;
	x->naf = 0;
	x->fp = NULL;
	return rv;
}
