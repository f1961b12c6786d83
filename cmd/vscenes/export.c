/*
 * export: writers of scene records and editor formats.
 *
 * Frame exactness: EDL timecodes count frames (the scene's frame numbers)
 * at the nominal integer rate, non-drop-frame, so 23.976 fps material is
 * timed at 24 and every cut lands on its frame (variable-rate streams are
 * counted in frames of their base rate); ffmetadata chapters use
 * the stream's own time base and pts, exact for variable frame rates too;
 * WebVTT uses the first millisecond within each scene's first frame; CSV
 * the frame times to the microsecond, as the records do, and the frame
 * numbers and pts.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

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

static int
is_gradual(enum det_kind k)
{
	return k == K_DISSOLVE || k == K_WIPE || k == K_FADE;
}

static json_t *
scene_json(const struct exporter *x, const struct det_scene *s)
{
	json_t *o = json_object();

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

/* HH:MM:SS:FF of a frame count at an integer rate. */
static void
timecode(long f, int rate, char *buf, size_t n)
{
	long s = f / rate;

	snprintf(buf, n, "%02ld:%02ld:%02ld:%02ld", s / 3600, s / 60 % 60,
	    s % 60, f % rate);
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

int
exp_scene(struct exporter *x, const struct det_scene *s)
{
	char a[64], b[64];
	int rate, vfr;
	json_t *o;

	switch (x->fmt) {
	case EXP_NDJSON:
		o = scene_json(x, s);
		ndj_write(x->fp, o);
		json_decref(o);
		break;
	case EXP_EDL:
		/*
		 * Constant rate: the frame numbers, at the rate rounded (24
		 * for 23.976).  Variable rate (the base rate above the
		 * average): frame numbers are no times, so the times are
		 * counted in frames of the base rate, on which every frame of
		 * the stream falls.
		 */
		vfr = x->base_fps > 0 && x->fps > 0 &&
		    x->base_fps > x->fps * 1.001;
		rate = (int)lrint(vfr ? x->base_fps : x->fps > 0 ? x->fps :
		    25);
		if (rate < 1)
			rate = 1;
		if (!x->started)
			fprintf(x->fp, "TITLE: %s\nFCM: NON-DROP FRAME\n\n",
			    x->src ? x->src : "scenes");
		timecode(vfr ? lrint(s->start * x->base_fps) : s->frame, rate,
		    a, sizeof(a));
		timecode(vfr ? lrint(s->end * x->base_fps) : s->frame_end,
		    rate, b, sizeof(b));
		fprintf(x->fp, "%03ld  AX       V     C        %s %s %s %s\n",
		    s->index + 1, a, b, a, b);
		fprintf(x->fp, "* FROM CLIP NAME: %s\n* SCENE %ld: %s\n\n",
		    x->src ? x->src : "scenes", s->index + 1,
		    det_kind_name(s->in, 1));
		break;
	case EXP_FFMETA:
		if (!x->started)
			fprintf(x->fp, ";FFMETADATA1\n");
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
		if (!x->started)
			fprintf(x->fp, "WEBVTT\n");
		vtt_time(s->start, a, sizeof(a));
		vtt_time(s->end, b, sizeof(b));
		fprintf(x->fp, "\n%ld\n%s --> %s\nScene %ld (%s)\n",
		    s->index + 1, a, b, s->index + 1, det_kind_name(s->in, 1));
		break;
	case EXP_CSV:
		if (!x->started)
			fprintf(x->fp, "index,start,end,frame,frame_end,pts,"
			    "pts_end,in,conf,motion,luma,audio_rms,hook\n");
		fprintf(x->fp, "%ld,%.6f,%.6f,%ld,%ld,%lld,%lld,%s,%.3f,%.4f,"
		    "%.4f,%.2f,%.3f\n", s->index, s->start, s->end, s->frame,
		    s->frame_end, s->pts, s->pts_end, det_kind_name(s->in, 1),
		    s->in_conf, s->motion, s->luma,
		    s->has_audio ? s->audio_rms : -120, s->hook);
		break;
	}
	x->started = 1;
	x->count++;
	return ferror(x->fp) ? EX_IOERR : 0;
}
