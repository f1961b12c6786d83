/*
 * pick: the thumbnail candidates of vthumb and how they are scored,
 * rejected and chosen.  Pure computation on analysis frames; decoding
 * stays in main.c.
 *
 * Ownership: a struct tcand owns its grey copy (tcand_free).
 */
#ifndef VTHUMB_PICK_H
#define VTHUMB_PICK_H

#include <stdint.h>

#include "img.h"

/* A scene: [start, end) seconds; [tin0, tin1] its incoming transition. */
struct tscene {
	double	 start, end;
	double	 tin0, tin1;	/* tin1 <= tin0: none */
	double	 tout0, tout1;	/* the next scene's incoming one */
	double	 luma;		/* mean luma, or < 0 when unknown */
};

struct tcand {
	double	 t;
	long	 frame;
	int	 scene;
	double	 luma, contrast, sharp, colour, focus;
	double	 s_sharp, s_expo, s_contrast, s_colour, s_focus, score;
	const char *reject;	/* why it was rejected, or NULL */
	float	 hist[3 * IMG_HBINS];
	uint8_t	*grey;		/* gw x gh copy, or NULL */
};

/* Features of an analysis frame (grey gw x gh, rgb cw x ch). */
void	 tcand_measure(struct tcand *c, const uint8_t *grey, int gw, int gh,
	    const uint8_t *rgb, int cw, int ch);
/*
 * The quality parts and score; med_sharp is the clip's median sharpness.
 * Sets c->reject for black and blurry frames.
 */
void	 tcand_score(struct tcand *c, double med_sharp);
/* Index of the scene holding t, or -1. */
int	 tscene_find(const struct tscene *s, int n, double t);
/*
 * Whether t is too near a boundary or inside a transition of scene s to
 * make a thumbnail (margin in seconds).
 */
int	 tscene_edge(const struct tscene *s, double t, double margin);
/*
 * Marks the frames of a decoded window (n consecutive candidates) that
 * lie in a flash, strobe or fade, or next to a cut: a frame whose luma
 * stands out from the window's median, every frame within about 0.7 s of
 * one, frames where the luma ramps, and frames beside a large change.
 */
void	 tcand_window(struct tcand *w, int n, double fps);
/*
 * Chooses up to k of the n candidates (sorted by score, rejects skipped):
 * first the best of each scene, then the next best that differ from all
 * chosen (histogram distance or time).  Writes indexes to out; returns
 * the count.
 */
int	 tcand_choose(struct tcand *c, int n, int k, int *out);
void	 tcand_free(struct tcand *c);

#endif /* VTHUMB_PICK_H */
