/*
 * vscenes' run: the state shared by its two inputs, records (records.c)
 * and a video file decoded in the same process (decode.c), both feeding
 * one detector (detect.h) whose scenes go to one exporter (export.h).
 *
 * Ownership: vsc_init and vsc_free pair; the run owns its detector and a
 * copy of the current src.
 */
#ifndef VSCENES_VSCENES_H
#define VSCENES_VSCENES_H

#include <jansson.h>

#include "cli.h"
#include "detect.h"
#include "export.h"
#include "ndjson.h"

/* The largest frame index a record may carry (2^40: 1000 fps for 34 y). */
#define VSC_FRAME_MAX	1099511627776LL
/* Times beyond this many seconds, either way, are no times of a video. */
#define VSC_T_MAX	1e9

struct vsc_opts {
	struct det_params dp;
	int	 noaudio;
	int	 threads;
	long	 max_errors;
	int	 progress;	/* show a meter on a terminal */
};

struct vsc {
	const struct vsc_opts *o;
	struct exporter x;
	struct det *det;
	char	*src;		/* the current source, or NULL */
	/* the last frame record of the current source, for order */
	int	 have_frame;
	long	 last_frame;
	double	 last_t;
	long	 line;		/* its line */
	int	 have_rate;	/* a media record gave the frame rate */
	long	 first_frame;	/* else it is estimated from the frames */
	double	 first_t;
	struct rerr err;	/* an output error met in the detector's callback */
};

void	 vsc_init(struct vsc *c, const struct vsc_opts *o);
void	 vsc_free(struct vsc *c);

/*
 * Takes one record: frame, audio and media records drive the detector,
 * others are ignored.  Returns 0, or -1 with e filled: EX_DATAERR for a
 * bad record (a missing or mistyped field, a value no such field can
 * hold, a frame that does not follow the one before), the reader staying
 * usable; any other code ends the run.
 */
int	 vsc_record(struct vsc *c, struct ndj_reader *r, const json_t *rec,
	    struct rerr *e);
/*
 * A new detector for the current source, its scenes to the exporter.
 * Returns 0 or the status with e filled.
 */
int	 vsc_new_det(struct vsc *c, struct rerr *e);
/*
 * Ends the scenes of the current source.  Returns 0 or -1 with e.  An
 * error with an empty message is a write error on stdout, which
 * cli_finish reports.
 */
int	 vsc_end(struct vsc *c, struct rerr *e);

/*
 * Decodes the video file path and writes its scenes.  Returns 0 or the
 * exit status, the error reported.
 */
int	 vsc_decode(struct vsc *c, const char *path);

#endif /* VSCENES_VSCENES_H */
