/*
 * render: the decode-compose-encode loop of vcut.  One pass over the
 * planned segments: seek, decode, pick the frame of each output slot,
 * scale it once per output size, crossfade, fade the audio at the joins,
 * encode every size and the one audio track.
 *
 * Ownership: render opens and closes the muxers of out[]; the files
 * themselves (temporaries from lib/atomic) are the caller's to commit or
 * abort.
 */
#ifndef VCUT_RENDER_H
#define VCUT_RENDER_H

#include <signal.h>

#include "media.h"
#include "mux.h"
#include "seg.h"

#define RENDER_MAXOUT	8

struct render_out {
	const char	*name;		/* the file's final name */
	const char	*tmp;		/* the file written */
	int		 w, h;
	int		 sar_num, sar_den;
	long		 frames;	/* written, after render */
};

struct render_opts {
	struct mux_vopts vo;	/* codec, crf, preset, threads, fps */
	double		 fade;	/* audio fade at cuts, seconds */
	int		 verbose;
	/*
	 * When not NULL, the signal mask to restore once every output file
	 * exists and every encoder thread has started (see main.c).
	 */
	const sigset_t	*mask;
};

/*
 * Renders the n planned segments of s from m into the nout outputs, with
 * audio through a when it is not NULL.  Returns 0 or the status with e
 * filled.
 */
int	 render(struct media *m, const struct seg *s, int n,
	    struct render_out *out, int nout, struct mux_aenc *a,
	    const struct render_opts *o, struct rerr *e);

/*
 * Mixes two pictures of one size into dst: dst = head * w + tail *
 * (1 - w), w in [0, 1].  dst may be neither source.
 */
void	 render_blend(struct mux_pic *dst, const struct mux_pic *tail,
	    const struct mux_pic *head, double w);

#endif /* VCUT_RENDER_H */
