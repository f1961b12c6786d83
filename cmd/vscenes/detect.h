/*
 * detect: shot-boundary detection and per-scene scores over a stream of
 * frame features (lib/vrec.h) and audio windows (lib/audio.h).
 *
 * Feed frames in order with det_frame() and audio windows with
 * det_audio(); each finished scene is handed to the callback as soon as no
 * later frame can change it (about 4 s of video after its end), and the
 * rest at det_end().  Memory is bounded: a ring of recent frames and the
 * audio windows of the scene being built.
 *
 * How boundaries are found (all distances are on the 16 x 9 RGB sig of
 * each frame, mean absolute difference on a 0..1 scale, "mc" meaning the
 * smallest over shifts of up to 2 x 1 sig pixels, so that camera motion
 * does not count as change):
 *
 *	cut	the mc distance between two consecutive frames stands out from
 *		the distances around it (a local, adaptive threshold, so fast
 *		motion raises the bar), and the frames after it stay unlike
 *		the frames before it: a camera flash or a strobe, which return
 *		to the old picture within a few frames, are not cuts;
 *	dissolve  a frame is, pixel by pixel, a blend (1 - a) A + a B of the
 *		frames h before and h after it, with a well inside (0, 1); A
 *		and B are unlike even after motion compensation, nearly all
 *		over the picture, and the change starts and ends (frames h
 *		further out differ less), which a moving object does not;
 *		and A and B are unlike after a gain and offset per channel
 *		too, and what F has besides A's and B's exposure is a blend
 *		of them as well: a camera's auto-exposure drifting while a
 *		car drives in is no dissolve;
 *	wipe	a frame is, pixel by pixel, either A or B, in two sizable
 *		parts;
 *	fade	a run of nearly uniform black (or white) frames between two
 *		shots, reached and left gradually: fade-out before it, fade-in
 *		after it; gradual on one side only, it is a fade-out then a
 *		cut (or a cut then a fade-in).  A blend out of the opening
 *		black is the first scene's fade-in.
 *
 * Ownership: the callback borrows the scene.
 */
#ifndef VSCENES_DETECT_H
#define VSCENES_DETECT_H

#include "audio.h"
#include "vrec.h"

struct det_params {
	double	 cut;		/* least mc distance for a cut */
	double	 cut_ratio;	/* and times the local level */
	double	 grad;		/* least A-B mc distance for a gradual */
	int	 min_scene;	/* frames; closer boundaries merge */
	double	 hook_secs;	/* span of the hook score */
};
#define DET_PARAMS_DEFAULT { 0.06, 3.0, 0.07, 8, 3.0 }

/* How a scene begins or ends. */
enum det_kind {
	K_START, K_END, K_CUT, K_DISSOLVE, K_WIPE, K_FADE
};

struct det_scene {
	long	 index;
	long	 frame, frame_end;	/* [frame, frame_end) */
	long long pts, pts_end;
	double	 start, end;		/* seconds */
	enum det_kind in, out;
	int	 in_white, out_white;	/* fades through white */
	double	 in_conf;
	double	 in_t0, in_t1;		/* span of the incoming transition */
	long	 in_f0, in_f1;
	double	 out_t0;		/* where the outgoing transition starts */
	long	 out_f0;		/* (= end, frame_end after a cut) */
	/* scores */
	double	 motion, motion_peak, luma, contrast, colour, sharp;
	int	 has_audio;
	double	 audio_rms, audio_peak, loudness;
	double	 hook;
};

typedef int (*det_emit_fn)(const struct det_scene *s, void *arg);

struct det;

struct det *det_new(const struct det_params *p, det_emit_fn emit, void *arg);
/* Both return 0 or the callback's first non-zero value. */
int	 det_frame(struct det *d, const struct vfeat *v);
int	 det_audio(struct det *d, const struct au_win *w);
int	 det_end(struct det *d);
void	 det_free(struct det *d);

/* "cut", "dissolve", "fade-in" ... as the records name them. */
const char *det_kind_name(enum det_kind k, int in);

/* Distances between two sigs (exported for the unit tests). */
double	 det_dist(const uint8_t *a, const uint8_t *b);
double	 det_dist_mc(const uint8_t *a, const uint8_t *b);
double	 det_dist_affine_mc(const uint8_t *a, const uint8_t *b);
double	 det_blend_residual(const uint8_t *a, const uint8_t *b,
	    const uint8_t *f);

#endif /* VSCENES_DETECT_H */
