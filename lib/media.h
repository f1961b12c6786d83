/*
 * media: the one decode loop of reel.  Every libav* call of the suite lives
 * in media.c.
 *
 * A struct media is one open input with at most one video and one audio
 * stream selected.  media_next() runs the demux/decode loop (send packet,
 * receive frames until EAGAIN, flush with a NULL packet at the end) and
 * hands back one event at a time:
 *
 *	MEDIA_VIDEO	a decoded picture, already downscaled to the analysis
 *			size: a grey plane (gw x gh) and a small packed RGB24
 *			colour copy (cw x ch), with its best-effort pts in the
 *			stream time base and its time in seconds;
 *	MEDIA_AUDIO	a run of mono float samples at the requested rate.
 *
 * Events come in decode order, which for a normally muxed file keeps video
 * and audio within a fraction of a second of each other.
 *
 * Decode errors (corrupt packets, read errors, a truncated file) are
 * counted and reported through media_errors() with the time and byte
 * position of the first one; they never stop decoding until there are more
 * than opts.max_errors of them, when media_next() fails with EX_DATAERR.
 * Whether a few errors make the run fail is the caller's decision.
 *
 * Errors from media_open(): EX_NOINPUT (cannot open the file), EX_DATAERR
 * (empty file, not a media file, corrupt header), EX_UNAVAILABLE (no
 * stream of the wanted kind, or no decoder for it).  An audio-only input
 * whose audio ends more than a second before the length its header
 * gives is truncated, counted as a decode error.
 *
 * Ownership: media_open() returns a handle the caller frees with
 * media_close().  The planes and samples of an event are owned by the
 * handle and valid until the next media_next() or media_close().
 */
#ifndef REEL_MEDIA_H
#define REEL_MEDIA_H

#include <stdint.h>
#include <stdio.h>

#include "cli.h"

/* Which frames the decoder may skip (the codec's skip_frame). */
enum media_skip {
	MEDIA_SKIP_NONE = 0,	/* decode every frame */
	MEDIA_SKIP_NONREF,	/* skip frames no other frame refers to */
	MEDIA_SKIP_NONKEY	/* decode keyframes only */
};

struct media_opts {
	int	 video;		/* select the video stream */
	int	 audio_rate;	/* > 0: select audio, resampled to mono at this rate */
	int	 threads;	/* decoder threads, 0 = one per core */
	double	 start;		/* seconds; seek there, drop what is before */
	double	 duration;	/* seconds after start; <= 0: to the end */
	enum media_skip skip;
	int	 gw;		/* grey width, rounded up to a multiple of 16;
				   the height follows the aspect ratio */
	int	 cw, ch;	/* colour copy size, fixed (aspect not kept) */
	long	 max_errors;	/* decode errors tolerated before failing */
	const char *decoder;	/* force this video decoder by name, or NULL */
	int	 audio_stream;	/* >= 0: the n-th audio stream (from 0);
				   -1: the one libavformat thinks best */
};
#define MEDIA_OPTS_DEFAULT { 1, 0, 0, 0.0, 0.0, MEDIA_SKIP_NONE, 128, 32, 18, \
	100, NULL, -1 }

/* What media_open() found. */
struct media_info {
	int	 has_video, has_audio;
	int	 width, height;		/* coded picture size */
	int	 gw, gh;		/* grey analysis size */
	int	 cw, ch;		/* colour analysis size */
	int	 tb_num, tb_den;	/* video stream time base */
	double	 fps;			/* average frame rate, 0 if unknown */
	double	 duration;		/* seconds, 0 if unknown */
	int64_t	 start_pts;		/* pts of t = 0, in the time base */
	long	 nb_frames;		/* from the container, 0 if unknown */
	char	 vcodec[32], acodec[32];
	int	 audio_rate;		/* rate of MEDIA_AUDIO samples */
	double	 base_fps;		/* the stream's base rate (r_frame_rate,
					   the least that times every frame;
					   above fps for variable rates), or 0 */
};

enum media_kind { MEDIA_VIDEO = 1, MEDIA_AUDIO = 2 };

struct media_frame {
	enum media_kind kind;
	/* MEDIA_VIDEO */
	long	 index;		/* frame number from the start of the stream */
	int	 index_exact;	/* 0 when estimated from t (seeks, skips) */
	int64_t	 pts;		/* best-effort pts, video time base */
	double	 t;		/* seconds from the stream start */
	int	 key;
	const uint8_t *grey;	/* gw x gh, stride gw */
	const uint8_t *rgb;	/* cw x ch x 3, stride 3 * cw */
	/* MEDIA_AUDIO (t is the time of the first sample) */
	const float *samples;
	int	 nsamples;
};

struct media_errs {
	long	 count;		/* decode and read errors so far */
	double	 first_t;	/* time of the first, seconds, or -1 */
	int64_t	 first_pos;	/* its byte position, or -1 */
	char	 first_msg[128];
	int	 truncated;	/* the input ended early */
	double	 end_t, expect_t;	/* where it ended, what the header said */
	long	 packets;	/* packets read, for a rate */
};

struct media;

struct media *media_open(const char *path, const struct media_opts *o,
	    struct rerr *e);
/*
 * Opens path for its audio only, as mono float at rate: a shorthand for
 * media_open with video off.  Read with media_read_audio.
 */
struct media *media_open_audio(const char *path, int rate, struct rerr *e);
const struct media_info *media_info(const struct media *m);

/*
 * The audio streams of path, in file order (the n of opts.audio_stream):
 * up to max of them into v.  lang is the stream's language tag as the
 * container gives it ("eng", "fr", "" when none).  Returns how many
 * there are (possibly more than max), or -1 with e filled as media_open.
 */
struct media_astream {
	char	 lang[16];
	char	 codec[32];
	int	 channels;
	int	 is_default;	/* the container's default disposition */
};
int	 media_audio_streams(const char *path, struct media_astream *v,
	    int max, struct rerr *e);

/*
 * Decodes up to the next event.  Returns 1 with *f filled, 0 at the end of
 * the input (or of --duration), -1 with e filled on a fatal error.
 */
int	 media_next(struct media *m, struct media_frame *f, struct rerr *e);

/*
 * Reads up to n mono samples into buf (audio-only handles).  Returns the
 * number read, 0 at the end, -1 with e filled.  Fills short only at the
 * end.
 */
long	 media_read_audio(struct media *m, float *buf, long n, struct rerr *e);

const struct media_errs *media_errors(const struct media *m);
/*
 * Describes the errors so far in one line ("3 decode errors, the first at
 * 1.080 s (byte 17652): corrupt packet: ...; the video ends at 1.84 s of
 * 6.00 s").  Returns the count.
 */
long	 media_errors_msg(const struct media *m, char *buf, size_t n);
void	 media_close(struct media *m);
/*
 * Whether the decode errors so far should fail the run (the caller's exit
 * 65): more than max of them when max >= 0; when max < 0, the default
 * policy, a truncated input (it ends early, or a read fails) or errors in
 * more than 1 % of the packets read.  A few corrupt packets in a whole
 * file are warnings, not failures.
 */
int	 media_errors_fatal(const struct media *m, long max);

/*
 * Routes libav*'s log to stderr as "tool: libav: message" at a verbosity:
 * 0 quiet (reel reports errors itself), 1 errors and warnings, 2 info,
 * 3 debug.  Process-wide, as FFmpeg's log is.
 */
void	 media_set_verbosity(int v);

/*
 * Builds a media from a memory buffer (for the fuzzer and tests); the
 * buffer is borrowed until media_close.
 */
struct media *media_open_mem(const uint8_t *data, size_t size,
	    const struct media_opts *o, struct rerr *e);

/*
 * Image encoding through libavcodec, for thumbnails and contact sheets.
 * Encodes the packed RGB24 picture rgb (w x h, stride 3 * w, even sizes
 * for JPEG and WebP) in format fmt and writes it to fp.  quality is
 * 1..100 (ignored for PNG).  Returns 0, or the status with e filled:
 * EX_UNAVAILABLE when this libavcodec has no such encoder, EX_IOERR for a
 * write error.
 */
enum media_imgfmt { MEDIA_IMG_JPEG, MEDIA_IMG_PNG, MEDIA_IMG_WEBP };
int	 media_encode_image(FILE *fp, const uint8_t *rgb, int w, int h,
	    enum media_imgfmt fmt, int quality, struct rerr *e);

/*
 * Full pictures and native audio, for tools that re-encode (vcut).
 *
 * media_next_raw runs the same demux/decode loop as media_next, with the
 * same error accounting, but hands out the decoded frame itself: the
 * picture at its coded size and pixel format, the audio in its own sample
 * format, rate and channel layout, neither downscaled nor resampled.  Its
 * time t is in seconds from the start of the video stream for both kinds,
 * so audio and video share one clock (audio-only handles: from the audio
 * stream's start).  Options start and duration are not applied: the
 * caller trims.  Do not mix media_next and media_next_raw on one handle.
 *
 * Ownership: r->frame is a new reference the caller frees with
 * media_frame_free().
 */
struct AVFrame;
struct media_raw {
	enum media_kind kind;
	double	 t;		/* seconds; of the first sample for audio */
	int	 nsamples, rate;	/* audio: samples in frame, their rate */
	struct AVFrame *frame;
};
int	 media_next_raw(struct media *m, struct media_raw *r, struct rerr *e);
void	 media_frame_free(struct AVFrame **f);

/*
 * Seeks to the keyframe at or before t seconds (from the video stream's
 * start) and flushes the decoders: the next frames media_next_raw gives
 * are those from that keyframe on, so a caller that drops frames before
 * t is frame-exact.  Some demuxers land after t; the caller sees that in
 * the first frame's time and may seek earlier.  Returns 0, or EX_DATAERR
 * with e filled when the input cannot seek at all.
 */
int	 media_seek(struct media *m, double t, struct rerr *e);

/*
 * What an encoder needs to match the input: the exact frame rate and
 * sample aspect ratio as fractions (0/1 when unknown), and the native
 * audio rate and channel count (0 without audio).
 */
struct media_params {
	int	 fps_num, fps_den;
	int	 sar_num, sar_den;
	int	 audio_rate, audio_channels;
};
void	 media_params(const struct media *m, struct media_params *p);

#endif /* REEL_MEDIA_H */
