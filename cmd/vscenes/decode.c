/*
 * decode: vscenes on a video file, decoded in the same process.  The
 * frames go through the same feature code as vframes' records (lib/vrec)
 * and the audio windows are rounded as their records print, so that
 * "vscenes FILE" and "vframes -a FILE | vscenes" give the same scenes.
 */
#include <sys/stat.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "athread.h"
#include "audio.h"
#include "media.h"
#include "vrec.h"
#include "vscenes.h"

#define AUDIO_RATE	22050

/*
 * Audio windows go to the detector rounded as vframes prints them, so the
 * decoding path and the records path agree to the bit.
 */
static int
audio_to_det(const struct au_win *w, void *arg)
{
	struct vsc *c = arg;
	struct au_win r = *w;

	vrec_audio_round(&r);
	return det_audio(c->det, &r);
}

/* The audio thread's windows, rounded already. */
static int
win_to_det(const struct au_win *w, void *arg)
{
	struct vsc *c = arg;

	return det_audio(c->det, w);
}

/* The decode errors of m and of the audio thread, reported at the end. */
static int
decode_errors(struct vsc *c, const char *path, struct media *m,
    struct athread *ath)
{
	char msg[512];
	int fatal, rv = 0;

	if (media_errors_msg(m, msg, sizeof(msg)) > 0) {
		cli_warnat(path, 0, "%s", msg);
		if (media_errors_fatal(m, c->o->max_errors))
			rv = EX_DATAERR;
	}
	if (ath != NULL && ath_errors(ath, c->o->max_errors, msg, sizeof(msg),
	    &fatal) > 0) {
		cli_warnat(path, 0, "%s", msg);
		if (fatal)
			rv = EX_DATAERR;
	}
	return rv;
}

/*
 * The loop over decoded frames and samples: each frame's features, the
 * audio up to it first (as vframes -a orders its records), then the
 * frame to the detector.
 */
static int
decode_loop(struct vsc *c, struct media *m, struct au *au,
    struct athread *ath, struct rerr *e)
{
	const struct media_info *mi = media_info(m);
	struct cli_progress pg;
	struct media_frame f;
	struct vfeat_ctx vc;
	struct vfeat v;
	int r, rv = 0;

	if (vfeat_init(&vc, mi->gw, mi->gh) != 0)
		return rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
	cli_progress_init(&pg, "s");
	if (!c->o->progress)
		pg.on = 0;
	while ((r = media_next(m, &f, e)) == 1) {
		if (f.kind == MEDIA_AUDIO) {
			rv = au_push(au, f.samples, f.nsamples, f.t);
		} else {
			vfeat_compute(&vc, &f, mi->cw, mi->ch, &v);
			if (ath != NULL && (rv = ath_until(ath, v.t,
			    win_to_det, c, e)) != 0)
				break;
			rv = det_frame(c->det, &v);
			cli_progress(&pg, v.t, mi->duration);
		}
		if (rv != 0)
			break;
	}
	cli_progress_end(&pg);
	vfeat_free(&vc);
	if (r < 0)
		return e->code;
	if (rv == 0 && au != NULL)
		rv = au_flush(au);
	if (rv == 0 && ath != NULL)
		rv = ath_until(ath, INFINITY, win_to_det, c, e);
	return rv;
}

/*
 * The audio of a regular file is decoded and analysed on a thread of its
 * own (see athread.h); that of anything else (a FIFO cannot be opened
 * twice) in the same loop as the video.
 */
int
vsc_decode(struct vsc *c, const char *path)
{
	const struct vsc_opts *o = c->o;
	struct media_opts mo = MEDIA_OPTS_DEFAULT;
	struct rerr e = { 0 };
	const struct media_info *mi;
	struct media *m;
	struct au *au = NULL;
	struct athread *ath = NULL;
	struct stat sb;
	int rv = 0, threaded;

	threaded = !o->noaudio && stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
	mo.audio_rate = o->noaudio || threaded ? 0 : AUDIO_RATE;
	mo.threads = o->threads;
	mo.max_errors = o->max_errors > 1000 ? o->max_errors : 1000;
	if ((m = media_open(path, &mo, &e)) == NULL)
		return cli_report(&e);
	mi = media_info(m);
	free(c->src);
	if ((c->src = strdup(path)) == NULL) {
		rv = rerr_set(&e, EX_SOFTWARE, NULL, 0, "out of memory");
		goto out;
	}
	c->x.src = c->src;
	c->x.fps = mi->fps;
	c->x.base_fps = mi->base_fps;
	c->x.tb_num = mi->tb_num;
	c->x.tb_den = mi->tb_den;
	if ((rv = vsc_new_det(c, &e)) != 0)
		goto out;
	/* the detector uses levels and loudness, not the spectrum */
	if (threaded && (ath = ath_start(path, AUDIO_RATE, 0.1,
	    AU_NOSPECTRUM, &e)) == NULL && e.code != 0) {
		rv = e.code;
		goto out;
	}
	if (mi->has_audio && (au = au_open(mi->audio_rate, 0.1, AU_NOSPECTRUM,
	    audio_to_det, c, &e)) == NULL) {
		rv = e.code;
		goto out;
	}
	if ((rv = decode_loop(c, m, au, ath, &e)) != 0)
		goto out;
	if (vsc_end(c, &e) != 0) {
		rv = e.code;
		goto out;
	}
	rv = decode_errors(c, path, m, ath);
out:
	if (rv != 0 && e.code != 0 && e.msg[0] != '\0')
		cli_report(&e);
	else if (rv != 0 && c->err.code != 0)
		cli_report(&c->err);
	ath_free(ath);
	au_close(au);
	det_free(c->det);
	c->det = NULL;
	media_close(m);
	return rv;
}
