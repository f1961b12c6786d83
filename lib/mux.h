/*
 * mux: encoding and muxing with libavcodec, libavformat, libswscale and
 * libswresample, for the tools that write video (vcut).  lib/media decodes;
 * this module turns decoded frames into files.
 *
 * The pieces, each independent of the others:
 *
 *	struct mux_pic		an 8-bit YUV 4:2:0 picture, reference counted
 *				(the encoders' input; planes open for blending);
 *	struct mux_scaler	a decoded frame of any size and pixel format to
 *				a mux_pic of one output size;
 *	struct mux_resampler	decoded audio of any format, rate and layout to
 *				float planar at the encoder's rate and layout;
 *	struct mux_aenc		one audio encoder (AAC by default) that buffers
 *				samples into the encoder's frame size; its
 *				packets go to every output, so several sizes
 *				share one audio encode;
 *	struct mux		one output file: a muxer and its video encoder
 *				(libx264 by default) and, when given an audio
 *				encoder, an audio stream fed from it.
 *
 * Timestamps are the caller's frame and sample counts: video frame n of an
 * output has pts n in the time base 1/fps, audio sample s pts s in 1/rate,
 * so the output's timeline is continuous whatever the input's was.
 *
 * Errors: EX_UNAVAILABLE (no such encoder or format, or it refuses the
 * parameters), EX_CANTCREAT (cannot open the output), EX_IOERR (a write
 * failed), EX_SOFTWARE (out of memory, an encoder failed).
 *
 * Ownership: every *_new/open returns a handle freed by the matching
 * *_free/close (NULL is accepted).  A mux_pic from mux_scale or
 * mux_pic_new is the caller's; mux_pic_ref adds a reference;
 * mux_pic_unref drops one.  Frames passed in are borrowed.
 */
#ifndef REEL_MUX_H
#define REEL_MUX_H

#include <stdint.h>

#include "cli.h"

struct AVFrame;

struct mux_pic {
	uint8_t	*data[3];	/* Y, U, V */
	int	 linesize[3];
	int	 w, h;		/* the chroma planes are (w+1)/2 x (h+1)/2 */
	int	 writable;	/* 0: shared (e.g. the decoder's own frame) */
	struct AVFrame *f;	/* the owner */
};

/* A new picture of w x h (even sizes), contents undefined.  NULL: ENOMEM. */
struct mux_pic *mux_pic_new(int w, int h);
struct mux_pic *mux_pic_ref(const struct mux_pic *p);
void	 mux_pic_unref(struct mux_pic **p);

/* --- video scaling ---------------------------------------------------- */

struct mux_scaler;

/* A scaler to w x h (even).  NULL: ENOMEM. */
struct mux_scaler *mux_scaler_new(int w, int h);
/*
 * Converts the decoded picture src to the scaler's size in YUV 4:2:0
 * (bicubic).  A source already in that size and format is passed through
 * without a copy (the picture is then not writable).  Returns 0 with *out
 * set, or the status with e filled.
 */
int	 mux_scale(struct mux_scaler *s, const struct AVFrame *src,
	    struct mux_pic **out, struct rerr *e);
void	 mux_scaler_free(struct mux_scaler *s);

/* --- audio ------------------------------------------------------------ */

/* The audio encoder's choice of rate for a source rate (AAC: a rate it
 * supports, else 48000). */
struct mux_aenc;

/*
 * Opens the audio encoder codec ("aac" when NULL) for audio like the
 * source's: the source rate when the encoder supports it (else the
 * nearest higher one it does), mono for mono and stereo for anything else.
 * bitrate is in bits per second (0: 64000 per channel).
 */
struct mux_aenc *mux_aenc_open(const char *codec, int src_rate,
	    int src_channels, long bitrate, struct rerr *e);
int	 mux_aenc_rate(const struct mux_aenc *a);
int	 mux_aenc_channels(const struct mux_aenc *a);

struct mux;

/*
 * Encodes n samples (float planar, mux_aenc_channels planes) and writes
 * the packets to the nout outputs.  Samples are buffered to the encoder's
 * frame size; mux_aenc_flush sends the rest and drains the encoder.
 * Returns 0 or the status.
 */
int	 mux_aenc_write(struct mux_aenc *a, const float *const *pl, int n,
	    struct mux **out, int nout, struct rerr *e);
int	 mux_aenc_flush(struct mux_aenc *a, struct mux **out, int nout,
	    struct rerr *e);
/* Samples given to the encoder so far. */
long long mux_aenc_samples(const struct mux_aenc *a);
void	 mux_aenc_close(struct mux_aenc *a);

struct mux_resampler;

/* A resampler to the encoder's rate and layout.  NULL: ENOMEM. */
struct mux_resampler *mux_resampler_new(int rate, int channels);
/*
 * Converts the samples [from, to) of the decoded audio frame src (src NULL:
 * drains what the resampler holds).  *pl is set to mux_resampler's own
 * float planes, valid until the next call; returns the number of samples
 * in them, or -1 with e filled.
 */
int	 mux_resample(struct mux_resampler *r, const struct AVFrame *src,
	    int from, int to, const float *const **pl, struct rerr *e);
/* Same for n samples of silence at the source's format (gaps). */
int	 mux_resample_silence(struct mux_resampler *r, int n,
	    const float *const **pl, struct rerr *e);
/* Forgets the held samples (a new stretch of audio begins). */
void	 mux_resampler_reset(struct mux_resampler *r);
/* The sample rate of the last source frame (0 before the first). */
int	 mux_resampler_src_rate(const struct mux_resampler *r);
void	 mux_resampler_free(struct mux_resampler *r);

/* --- outputs ---------------------------------------------------------- */

struct mux_vopts {
	const char *codec;	/* "libx264" when NULL */
	int	 width, height;
	int	 fps_num, fps_den;
	int	 sar_num, sar_den;	/* 0/0: square */
	int	 crf;		/* < 0: the encoder's default */
	const char *preset;	/* NULL: the encoder's default */
	int	 threads;	/* 0: automatic */
	int	 faststart;	/* MP4/MOV: index at the front (rewrites the
				   file at the end, so a regular file only) */
	/* colour tags (AVColorSpace etc.), 0 = unspecified */
	int	 colorspace, primaries, trc, range;
};

/* Copies the colour tags of a decoded picture into vo. */
void	 mux_vopts_colour(struct mux_vopts *vo, const struct AVFrame *f);

/*
 * Opens an output.  path is the file to write (a temporary, see
 * lib/atomic); name is the name the file will have, from which the
 * container is chosen (".mp4", ".mkv", ".mov" ...; MP4 for a name without
 * an extension, such as /dev/null).  a, when not NULL, adds an audio
 * stream fed by mux_aenc_write.
 */
struct mux *mux_open(const char *path, const char *name,
	    const struct mux_vopts *vo, const struct mux_aenc *a,
	    struct rerr *e);
/* Encodes the next picture (pts = pictures written before).  Borrows p. */
int	 mux_video(struct mux *m, const struct mux_pic *p, struct rerr *e);
/* Pictures written so far. */
long	 mux_frames(const struct mux *m);
/* Drains the video encoder and writes the trailer.  Returns 0/status. */
int	 mux_finish(struct mux *m, struct rerr *e);
void	 mux_close(struct mux *m);

#endif /* REEL_MUX_H */
