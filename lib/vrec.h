/*
 * vrec: the frame and audio records of the video tools, defined once.
 * vframes computes and writes them; vscenes reads them, or computes them
 * itself when it decodes a file, through the same functions, so that
 * "vframes F | vscenes" and "vscenes F" see the same numbers.
 *
 * A frame record (all but sig rounded to a fixed precision):
 *	frame	frame number		pts	pts in the stream time base
 *	t	seconds			key	keyframe (boolean)
 *	luma	mean grey level 0..1	contrast  grey standard deviation 0..1
 *	sharp	mean |Laplacian| 0..8	colour	Hasler-Suesstrunk colourfulness
 *	phash	64-bit DCT hash, 16 hex digits
 *	diff	mean |grey difference| to the previous record's frame, 0..1
 *	hdiff	colour histogram distance to it, 0..1
 *	motion	block-matching motion, fraction of the width per frame
 *	sig	16 x 9 RGB thumbnail, base64 (what vscenes compares)
 *
 * Ownership: vrec_*_json return a new reference.  A vfeat_ctx is owned
 * by its caller (vfeat_init / vfeat_free).
 */
#ifndef REEL_VREC_H
#define REEL_VREC_H

#include <stdint.h>

#include <jansson.h>

#include "audio.h"
#include "cli.h"
#include "img.h"
#include "media.h"
#include "ndjson.h"

#define VSIG_W	16
#define VSIG_H	9
#define VSIG_N	(VSIG_W * VSIG_H * 3)

struct vfeat {
	long	 frame;
	int64_t	 pts;
	double	 t;
	int	 key;
	double	 luma, contrast, sharp, colour, diff, hdiff, motion;
	uint64_t phash;
	int	 has_sig;
	uint8_t	 sig[VSIG_N];
};

/* What is kept of the previous frame, for diff, hdiff and motion. */
struct vfeat_ctx {
	int	 gw, gh;
	int	 have_prev;
	uint8_t	*prev;
	float	 prev_hist[3 * IMG_HBINS];
};

int	 vfeat_init(struct vfeat_ctx *c, int gw, int gh);
void	 vfeat_free(struct vfeat_ctx *c);
/* Computes every feature of a decoded, downscaled frame. */
void	 vfeat_compute(struct vfeat_ctx *c, const struct media_frame *f,
	    int cw, int ch, struct vfeat *out);

/* The records.  src may be NULL (no "src" field). */
json_t	*vrec_frame_json(const struct vfeat *v, const char *src, int sig);
json_t	*vrec_audio_json(const struct au_win *w, const char *src);
json_t	*vrec_media_json(const struct media_info *mi, const char *src);
/*
 * Rounds the fields of w to the precision its record prints, so that a
 * tool using w directly sees what a reader of the record would.
 */
void	 vrec_audio_round(struct au_win *w);

/*
 * Reads a frame record into v.  Returns 0, or -1 with e filled (EX_DATAERR
 * at the reader's file:line) for a missing or mistyped field, or a value
 * outside what the field can mean (luma, contrast, diff and hdiff
 * outside [0, 1], sharp outside [0, 8], a negative colour or motion).
 * The order of frames and the range of frame and t are the reader's to
 * check.
 */
int	 vrec_frame_parse(struct ndj_reader *r, const json_t *rec,
	    struct vfeat *v, struct rerr *e);

#endif /* REEL_VREC_H */
