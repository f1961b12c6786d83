/*
 * media: open, demux, decode, downscale and resample with libavformat,
 * libavcodec, libswscale and libswresample.  See media.h for the contract.
 *
 * The loop follows FFmpeg's decode API (doc/examples/demux_decode.c): a
 * decoder is either waiting for input (send the next packet of its
 * stream), or has frames to give (receive until EAGAIN), or is done
 * (receive said EOF after the NULL flush packet).  The demuxer is read only
 * when no selected decoder has a frame to give.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avstring.h>
#include <libavutil/channel_layout.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>

#include "media.h"

enum dstate { D_OFF, D_INPUT, D_OUTPUT, D_FLUSHED, D_DONE };

struct memsrc {
	const uint8_t	*data;
	size_t		 size, pos;
};

struct media {
	struct media_opts o;
	struct media_info info;
	struct media_errs errs;
	char		 name[256];

	AVFormatContext	*fmt;
	AVIOContext	*avio;		/* custom I/O (memory), else NULL */
	struct memsrc	 mem;
	AVPacket	*pkt;
	AVFrame		*frame;
	int		 eof;		/* demuxer has nothing more */
	int		 ended;		/* past --duration */

	int		 vi;		/* video stream index or -1 */
	AVCodecContext	*vdec;
	enum dstate	 vst;
	AVRational	 vtb;
	long		 vcount;	/* frames decoded so far */
	int64_t		 last_pts;
	double		 last_t;
	int64_t		 frame_dur;	/* one frame in vtb, for missing pts */
	struct SwsContext *sws_grey, *sws_rgb;
	uint8_t		*ydata[4];	/* small YUV: gw x gh */
	int		 ystride[4];
	uint8_t		*rgb;
	uint8_t		*cy, *cu, *cv;	/* colour-size planes */

	int		 ai;
	AVCodecContext	*adec;
	enum dstate	 ast;
	AVRational	 atb;
	SwrContext	*swr;
	int		 swr_fmt, swr_rate;
	AVChannelLayout	 swr_layout;
	float		*abuf;
	int		 acap;
	double		 a_t0;		/* time of the first output sample */
	double		 a_end;		/* where the last frame's pts ends, or -1 */
	long long	 a_out;		/* samples given out so far */
	/* media_read_audio's leftover */
	const float	*left;
	int		 nleft;
};

/* --- logging ----------------------------------------------------------- */

static int log_level = AV_LOG_QUIET;

static void
log_cb(void *avcl, int level, const char *fmt, va_list vl)
{
	char line[1024];
	int pp = 1;
	size_t n;

	if (level > log_level)
		return;
	av_log_format_line2(avcl, level, fmt, vl, line, sizeof(line), &pp);
	n = strlen(line);
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	if (n > 0)
		fprintf(stderr, "%s: libav: %s\n", cli_progname(), line);
}

void
media_set_verbosity(int v)
{
	static const int lv[] = { AV_LOG_QUIET, AV_LOG_WARNING, AV_LOG_INFO,
	    AV_LOG_DEBUG };

	if (v < 0)
		v = 0;
	if (v > 3)
		v = 3;
	log_level = lv[v];
	av_log_set_level(log_level);
	av_log_set_callback(log_cb);
}

/* --- errors ------------------------------------------------------------ */

static const char *
averr(int r, char *buf, size_t n)
{
	/* a decoder's private code has no text: "Error number -5053..." */
	if (av_strerror(r, buf, n) < 0)
		snprintf(buf, n, "undecodable data (error %d)", r);
	return buf;
}

/* The byte position of the packet a frame came from, or -1. */
static int64_t
frame_pos(const AVFrame *f)
{
#if LIBAVUTIL_VERSION_MAJOR < 59
	return f->pkt_pos;
#else
	(void)f;
	return -1;
#endif
}

/* Counts one decode or read error; remembers the first. */
static void
count_error(struct media *m, double t, int64_t pos, const char *what, int r)
{
	char eb[AV_ERROR_MAX_STRING_SIZE];

	if (m->errs.count++ == 0) {
		m->errs.first_t = t;
		m->errs.first_pos = pos;
		if (r != 0)
			snprintf(m->errs.first_msg, sizeof(m->errs.first_msg),
			    "%s: %s", what, averr(r, eb, sizeof(eb)));
		else
			snprintf(m->errs.first_msg, sizeof(m->errs.first_msg),
			    "%s", what);
	}
}

static int
too_many_errors(struct media *m, struct rerr *e)
{
	if (m->errs.count <= m->o.max_errors)
		return 0;
	return rerr_set(e, EX_DATAERR, m->name, 0,
	    "too many decode errors (%ld), the first at %.3f s (byte %lld): %s",
	    m->errs.count, m->errs.first_t, (long long)m->errs.first_pos,
	    m->errs.first_msg);
}

/* --- memory I/O (fuzzing, tests) --------------------------------------- */

static int
mem_read(void *opaque, uint8_t *buf, int size)
{
	struct memsrc *s = opaque;
	size_t n = s->size - s->pos;

	if (n == 0)
		return AVERROR_EOF;
	if ((size_t)size < n)
		n = (size_t)size;
	memcpy(buf, s->data + s->pos, n);
	s->pos += n;
	return (int)n;
}

static int64_t
mem_seek(void *opaque, int64_t off, int whence)
{
	struct memsrc *s = opaque;
	int64_t p;

	switch (whence & ~AVSEEK_FORCE) {
	case AVSEEK_SIZE:
		return (int64_t)s->size;
	case SEEK_SET:
		p = off;
		break;
	case SEEK_CUR:
		p = (int64_t)s->pos + off;
		break;
	case SEEK_END:
		p = (int64_t)s->size + off;
		break;
	default:
		return -1;
	}
	if (p < 0 || p > (int64_t)s->size)
		return -1;
	s->pos = (size_t)p;
	return p;
}

/* --- open -------------------------------------------------------------- */

static int
open_decoder(struct media *m, int idx, const AVCodec *dec, AVCodecContext **cp,
    struct rerr *e)
{
	AVStream *st = m->fmt->streams[idx];
	AVCodecContext *c;
	char eb[AV_ERROR_MAX_STRING_SIZE];
	int r;

	if ((c = avcodec_alloc_context3(dec)) == NULL)
		return rerr_set(e, EX_SOFTWARE, m->name, 0, "out of memory");
	*cp = c;
	if ((r = avcodec_parameters_to_context(c, st->codecpar)) < 0)
		return rerr_set(e, EX_DATAERR, m->name, 0,
		    "bad stream parameters: %s", averr(r, eb, sizeof(eb)));
	c->pkt_timebase = st->time_base;
	if (dec->type == AVMEDIA_TYPE_VIDEO) {
		c->thread_count = m->o.threads;
		c->thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE;
		if (m->o.skip == MEDIA_SKIP_NONKEY)
			c->skip_frame = AVDISCARD_NONKEY;
		else if (m->o.skip == MEDIA_SKIP_NONREF)
			c->skip_frame = AVDISCARD_NONREF;
	}
	if ((r = avcodec_open2(c, dec, NULL)) < 0)
		return rerr_set(e, EX_UNAVAILABLE, m->name, 0,
		    "cannot open the %s decoder: %s", dec->name,
		    averr(r, eb, sizeof(eb)));
	return 0;
}

static int
find_stream(struct media *m, enum AVMediaType type, const char *force,
    int *idx, const AVCodec **decp, struct rerr *e)
{
	const AVCodec *dec = NULL;
	const char *what = type == AVMEDIA_TYPE_VIDEO ? "video" : "audio";
	int r;

	r = -1;
	if (type == AVMEDIA_TYPE_AUDIO && m->o.audio_stream >= 0) {
		unsigned i;
		int k = 0;

		for (i = 0; i < m->fmt->nb_streams; i++)
			if (m->fmt->streams[i]->codecpar->codec_type ==
			    AVMEDIA_TYPE_AUDIO && k++ == m->o.audio_stream)
				r = (int)i;
		if (r < 0)
			return rerr_set(e, EX_UNAVAILABLE, m->name, 0,
			    "no audio stream %d: the file has %d",
			    m->o.audio_stream, k);
	}
	r = av_find_best_stream(m->fmt, type, r, -1, &dec, 0);
	if (r == AVERROR_STREAM_NOT_FOUND || (r >= 0 && type ==
	    AVMEDIA_TYPE_VIDEO && (m->fmt->streams[r]->disposition &
	    AV_DISPOSITION_ATTACHED_PIC)))
		return rerr_set(e, EX_UNAVAILABLE, m->name, 0,
		    "no %s stream", what);
	if (r == AVERROR_DECODER_NOT_FOUND) {
		int i = av_find_best_stream(m->fmt, type, -1, -1, NULL, 0);
		const AVCodecParameters *par = i >= 0 ?
		    m->fmt->streams[i]->codecpar : NULL;
		char tag[AV_FOURCC_MAX_STRING_SIZE] = "";

		if (par != NULL && par->codec_id == AV_CODEC_ID_NONE) {
			av_fourcc_make_string(tag, par->codec_tag);
			return rerr_set(e, EX_UNAVAILABLE, m->name, 0,
			    "no decoder for the %s stream: unknown codec "
			    "(tag '%s')", what, tag);
		}
		return rerr_set(e, EX_UNAVAILABLE, m->name, 0,
		    "no decoder for the %s codec '%s'", what, par ?
		    avcodec_get_name(par->codec_id) : "unknown");
	}
	if (r < 0)
		return rerr_set(e, EX_DATAERR, m->name, 0,
		    "cannot find a %s stream", what);
	if (force != NULL) {
		dec = avcodec_find_decoder_by_name(force);
		if (dec == NULL || dec->type != type)
			return rerr_set(e, EX_UNAVAILABLE, m->name, 0,
			    "no %s decoder named '%s'", what, force);
	}
	*idx = r;
	*decp = dec;
	return 0;
}

static int
setup_video(struct media *m, struct rerr *e)
{
	const AVCodec *dec;
	AVStream *st;
	AVRational fr, sar;
	double aspect;
	int rv, gh;

	if ((rv = find_stream(m, AVMEDIA_TYPE_VIDEO, m->o.decoder, &m->vi,
	    &dec, e)) != 0)
		return rv;
	st = m->fmt->streams[m->vi];
	if ((rv = open_decoder(m, m->vi, dec, &m->vdec, e)) != 0)
		return rv;
	m->vtb = st->time_base;
	m->vst = D_INPUT;
	m->info.has_video = 1;
	m->info.width = st->codecpar->width;
	m->info.height = st->codecpar->height;
	if (m->info.width <= 0 || m->info.height <= 0)
		return rerr_set(e, EX_DATAERR, m->name, 0,
		    "video stream has no picture size");
	m->info.tb_num = st->time_base.num;
	m->info.tb_den = st->time_base.den;
	fr = st->avg_frame_rate;
	if (fr.num <= 0 || fr.den <= 0)
		fr = st->r_frame_rate;
	m->info.fps = fr.num > 0 && fr.den > 0 ? av_q2d(fr) : 0;
	m->info.base_fps = st->r_frame_rate.num > 0 && st->r_frame_rate.den >
	    0 ? av_q2d(st->r_frame_rate) : 0;
	if (m->info.fps > 0)
		m->frame_dur = av_rescale_q(1, av_inv_q(fr), st->time_base);
	if (m->frame_dur <= 0)
		m->frame_dur = 1;
	m->info.start_pts = st->start_time != AV_NOPTS_VALUE ?
	    st->start_time : 0;
	if (st->duration != AV_NOPTS_VALUE && st->duration > 0)
		m->info.duration = st->duration * av_q2d(st->time_base);
	else if (m->fmt->duration > 0)
		m->info.duration = m->fmt->duration / (double)AV_TIME_BASE;
	m->info.nb_frames = st->nb_frames > 0 ? (long)st->nb_frames : 0;
	snprintf(m->info.vcodec, sizeof(m->info.vcodec), "%s", dec->name);

	/* Analysis size: gw wide, the display aspect kept, even height. */
	sar = st->codecpar->sample_aspect_ratio;
	aspect = (double)m->info.width / m->info.height;
	if (sar.num > 0 && sar.den > 0)
		aspect *= av_q2d(sar);
	gh = (int)lrint(m->o.gw / aspect / 2) * 2;
	if (gh < 2)
		gh = 2;
	if (gh > 4 * m->o.gw)
		gh = 4 * m->o.gw;
	m->info.gw = m->o.gw;
	m->info.gh = gh;
	m->info.cw = m->o.cw;
	m->info.ch = m->o.ch;
	if (av_image_alloc(m->ydata, m->ystride, m->o.gw, gh,
	    AV_PIX_FMT_YUV420P, 16) < 0 ||
	    (m->rgb = av_malloc((size_t)m->o.cw * m->o.ch * 3 + 64)) == NULL)
		return rerr_set(e, EX_SOFTWARE, m->name, 0, "out of memory");
	return 0;
}

static int
setup_audio(struct media *m, int required, struct rerr *e)
{
	const AVCodec *dec;
	struct rerr e2 = { 0 };
	int rv;

	if ((rv = find_stream(m, AVMEDIA_TYPE_AUDIO, NULL, &m->ai, &dec,
	    &e2)) != 0) {
		m->ai = -1;
		if (required || rv != EX_UNAVAILABLE ||
		    strstr(e2.msg, "no decoder") != NULL) {
			if (e != NULL)
				*e = e2;
			return rv;
		}
		return 0;	/* a silent video: no audio events */
	}
	if ((rv = open_decoder(m, m->ai, dec, &m->adec, e)) != 0)
		return rv;
	m->atb = m->fmt->streams[m->ai]->time_base;
	m->ast = D_INPUT;
	m->info.has_audio = 1;
	m->info.audio_rate = m->o.audio_rate;
	m->a_t0 = -1;
	m->a_end = -1;
	snprintf(m->info.acodec, sizeof(m->info.acodec), "%s", dec->name);
	if (!m->o.video) {
		AVStream *st = m->fmt->streams[m->ai];

		/* The file's length is the stream's only when it is the
		 * one stream: other streams may run longer. */
		if (st->duration != AV_NOPTS_VALUE && st->duration > 0)
			m->info.duration = st->duration * av_q2d(st->time_base);
		else if (m->fmt->duration > 0 && m->fmt->nb_streams == 1)
			m->info.duration = m->fmt->duration /
			    (double)AV_TIME_BASE;
	}
	return 0;
}

static int
finish_open(struct media *m, struct rerr *e)
{
	char eb[AV_ERROR_MAX_STRING_SIZE];
	unsigned i;
	int r, rv;

	if ((r = avformat_find_stream_info(m->fmt, NULL)) < 0)
		return rerr_set(e, EX_DATAERR, m->name, 0,
		    "cannot read the stream parameters: %s",
		    averr(r, eb, sizeof(eb)));
	m->vi = m->ai = -1;
	if (m->o.video && (rv = setup_video(m, e)) != 0)
		return rv;
	if (m->o.audio_rate > 0 && (rv = setup_audio(m, !m->o.video, e)) != 0)
		return rv;
	for (i = 0; i < m->fmt->nb_streams; i++)
		if ((int)i != m->vi && (int)i != m->ai)
			m->fmt->streams[i]->discard = AVDISCARD_ALL;
	if ((m->pkt = av_packet_alloc()) == NULL ||
	    (m->frame = av_frame_alloc()) == NULL)
		return rerr_set(e, EX_SOFTWARE, m->name, 0, "out of memory");
	m->errs.first_t = -1;
	m->errs.first_pos = -1;
	m->last_pts = AV_NOPTS_VALUE;
	if (m->o.start > 0) {
		int idx = m->vi >= 0 ? m->vi : m->ai;
		AVStream *st = m->fmt->streams[idx];
		int64_t ts = (int64_t)(m->o.start / av_q2d(st->time_base)) +
		    (st->start_time != AV_NOPTS_VALUE ? st->start_time : 0);

		/* A failed seek is not fatal: frames before are dropped. */
		if (av_seek_frame(m->fmt, idx, ts, AVSEEK_FLAG_BACKWARD) < 0)
			avformat_seek_file(m->fmt, -1, INT64_MIN, 0, 0, 0);
	}
	return 0;
}

static struct media *
alloc_media(const char *name, const struct media_opts *o)
{
	struct media *m;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	m->o = *o;
	/* a multiple of 16, so the grey plane's stride is its width */
	m->o.gw = (m->o.gw + 15) / 16 * 16;
	if (m->o.gw < 32)
		m->o.gw = 32;
	if (m->o.cw < 1)
		m->o.cw = 1;
	if (m->o.ch < 1)
		m->o.ch = 1;
	snprintf(m->name, sizeof(m->name), "%s", name);
	m->vi = m->ai = -1;
	return m;
}

struct media *
media_open(const char *path, const struct media_opts *o, struct rerr *e)
{
	struct media *m;
	struct stat sb;
	char eb[AV_ERROR_MAX_STRING_SIZE];
	const char *url = path;
	int r;

	if ((m = alloc_media(cli_name(path), o)) == NULL) {
		rerr_set(e, EX_SOFTWARE, path, 0, "out of memory");
		return NULL;
	}
	if (path == NULL || strcmp(path, "-") == 0)
		url = "pipe:0";
	else if (stat(path, &sb) != 0) {
		rerr_set(e, EX_NOINPUT, m->name, 0, "%s", strerror(errno));
		goto fail;
	} else if (S_ISDIR(sb.st_mode)) {
		rerr_set(e, EX_NOINPUT, m->name, 0, "%s", strerror(EISDIR));
		goto fail;
	} else if (S_ISREG(sb.st_mode) && sb.st_size == 0) {
		rerr_set(e, EX_DATAERR, m->name, 0, "file is empty");
		goto fail;
	}
	if (url == path && strchr(path, ':') != NULL)
		url = NULL;	/* not a protocol: open as "file:" */
	if (url == NULL) {
		char *u = av_asprintf("file:%s", path);

		r = u ? avformat_open_input(&m->fmt, u, NULL, NULL) :
		    AVERROR(ENOMEM);
		av_free(u);
	} else
		r = avformat_open_input(&m->fmt, url, NULL, NULL);
	if (r < 0) {
		if (r == AVERROR(ENOENT) || r == AVERROR(EACCES) ||
		    r == AVERROR(EISDIR))
			rerr_set(e, EX_NOINPUT, m->name, 0, "%s",
			    averr(r, eb, sizeof(eb)));
		else
			rerr_set(e, EX_DATAERR, m->name, 0,
			    "not a media file, or a corrupt one: %s",
			    averr(r, eb, sizeof(eb)));
		goto fail;
	}
	if (finish_open(m, e) != 0)
		goto fail;
	return m;
fail:
	media_close(m);
	return NULL;
}

struct media *
media_open_mem(const uint8_t *data, size_t size, const struct media_opts *o,
    struct rerr *e)
{
	struct media *m;
	uint8_t *iobuf = NULL;
	char eb[AV_ERROR_MAX_STRING_SIZE];
	int r;

	if ((m = alloc_media("<memory>", o)) == NULL) {
		rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
		return NULL;
	}
	if (size == 0) {
		rerr_set(e, EX_DATAERR, m->name, 0, "file is empty");
		goto fail;
	}
	m->mem.data = data;
	m->mem.size = size;
	if ((iobuf = av_malloc(4096)) == NULL ||
	    (m->avio = avio_alloc_context(iobuf, 4096, 0, &m->mem, mem_read,
	    NULL, mem_seek)) == NULL ||
	    (m->fmt = avformat_alloc_context()) == NULL) {
		if (m->avio == NULL)
			av_free(iobuf);
		rerr_set(e, EX_SOFTWARE, m->name, 0, "out of memory");
		goto fail;
	}
	m->fmt->pb = m->avio;
	m->fmt->flags |= AVFMT_FLAG_CUSTOM_IO;
	if ((r = avformat_open_input(&m->fmt, NULL, NULL, NULL)) < 0) {
		/* avformat_open_input frees the context on failure. */
		rerr_set(e, EX_DATAERR, m->name, 0,
		    "not a media file, or a corrupt one: %s",
		    averr(r, eb, sizeof(eb)));
		goto fail;
	}
	if (finish_open(m, e) != 0)
		goto fail;
	return m;
fail:
	media_close(m);
	return NULL;
}

struct media *
media_open_audio(const char *path, int rate, struct rerr *e)
{
	struct media_opts o = MEDIA_OPTS_DEFAULT;

	o.video = 0;
	o.audio_rate = rate > 0 ? rate : 16000;
	return media_open(path, &o, e);
}

int
media_audio_streams(const char *path, struct media_astream *v, int max,
    struct rerr *e)
{
	struct media_opts o = MEDIA_OPTS_DEFAULT;
	struct media *m;
	unsigned i;
	int n = 0;

	o.video = 0;
	o.audio_rate = 8000;
	if ((m = media_open(path, &o, e)) == NULL)
		return -1;
	for (i = 0; i < m->fmt->nb_streams; i++) {
		const AVStream *st = m->fmt->streams[i];
		const AVDictionaryEntry *t;

		if (st->codecpar->codec_type != AVMEDIA_TYPE_AUDIO)
			continue;
		if (n < max) {
			struct media_astream *a = &v[n];

			memset(a, 0, sizeof(*a));
			t = av_dict_get(st->metadata, "language", NULL, 0);
			snprintf(a->lang, sizeof(a->lang), "%s",
			    t != NULL ? t->value : "");
			snprintf(a->codec, sizeof(a->codec), "%s",
			    avcodec_get_name(st->codecpar->codec_id));
			a->channels = st->codecpar->ch_layout.nb_channels;
			a->is_default = (st->disposition &
			    AV_DISPOSITION_DEFAULT) != 0;
		}
		n++;
	}
	media_close(m);
	return n;
}

const struct media_info *
media_info(const struct media *m)
{
	return &m->info;
}

const struct media_errs *
media_errors(const struct media *m)
{
	return &m->errs;
}

long
media_errors_msg(const struct media *m, char *buf, size_t n)
{
	const struct media_errs *x = &m->errs;
	int k;

	if (x->count == 0) {
		snprintf(buf, n, "no errors");
		return 0;
	}
	k = snprintf(buf, n, "%ld decode error%s, the first at %.3f s",
	    x->count, x->count == 1 ? "" : "s",
	    x->first_t < 0 ? 0 : x->first_t);
	if (k > 0 && (size_t)k < n && x->first_pos >= 0)
		k += snprintf(buf + k, n - k, " (byte %lld)",
		    (long long)x->first_pos);
	if (k > 0 && (size_t)k < n)
		k += snprintf(buf + k, n - k, ": %s", x->first_msg);
	if (k > 0 && (size_t)k < n && x->expect_t > 0 &&
	    strncmp(x->first_msg, "the video ends", 14) != 0 &&
	    strncmp(x->first_msg, "the audio ends", 14) != 0)
		snprintf(buf + k, n - k, "; the %s ends at %.3f s of %.3f s",
		    m->vi >= 0 ? "video" : "audio", x->end_t, x->expect_t);
	return x->count;
}

int
media_errors_fatal(const struct media *m, long max)
{
	const struct media_errs *x = &m->errs;

	if (max >= 0)
		return x->count > max;
	return x->truncated || x->count * 100 > x->packets;
}

void
media_close(struct media *m)
{
	if (m == NULL)
		return;
	avcodec_free_context(&m->vdec);
	avcodec_free_context(&m->adec);
	if (m->avio != NULL) {
		avformat_close_input(&m->fmt);
		av_freep(&m->avio->buffer);
		avio_context_free(&m->avio);
	} else
		avformat_close_input(&m->fmt);
	av_packet_free(&m->pkt);
	av_frame_free(&m->frame);
	sws_freeContext(m->sws_grey);
	sws_freeContext(m->sws_rgb);
	av_freep(&m->ydata[0]);
	av_freep(&m->rgb);
	free(m->cy);
	swr_free(&m->swr);
	av_channel_layout_uninit(&m->swr_layout);
	av_freep(&m->abuf);
	free(m);
}

/* --- video ------------------------------------------------------------- */

/*
 * Shrinks an 8-bit plane sw x sh to dw x dh by box averaging.  Each output
 * pixel averages its whole block horizontally but, of the block's rows,
 * only the middle one (blocks of 3 to 15 rows) or two, at a quarter and
 * three quarters of its height (16 rows or more): a tenth of the memory
 * traffic of a full box or less -- the frame comes from another core's
 * cache, so traffic is what costs -- and still far less aliasing than a
 * point or bilinear sampler, which matters for frame differences.
 */
static void
prefetch_row(const uint8_t *src, int sstride, int sw, int r)
{
#if defined(__GNUC__)
	const uint8_t *p = src + (size_t)r * sstride;
	int c;

	for (c = 0; c < sw; c += 64)
		__builtin_prefetch(p + c);
#endif
}

#if defined(__GNUC__) && !defined(__clang__)
/* The row loops are the one hot spot of the analysis: let GCC vectorize. */
__attribute__((optimize("tree-vectorize")))
#endif
static void
shrink(const uint8_t *src, int sstride, int sw, int sh, uint8_t *dst,
    int dw, int dh)
{
	uint16_t acc[8192];
	uint64_t rcp[2][1024];
	int cb[1025], x, y, c, nr;

	if (sw > 8192)
		sw = 8192;	/* wider: the right edge is ignored */
	if (dw > 1024)
		dw = 1024;
	for (x = 0; x <= dw; x++)
		cb[x] = (int)((long)x * sw / dw);
	/*
	 * Every output pixel divides by its box's size, for one row or two:
	 * a multiply by ceil(2^32 / n) instead, exact while sum * n < 2^32.
	 */
	for (x = 0; x < dw; x++) {
		unsigned n = (unsigned)(cb[x + 1] > cb[x] ? cb[x + 1] - cb[x] :
		    1);

		rcp[0][x] = ((1ULL << 32) + n - 1) / n;
		rcp[1][x] = ((1ULL << 32) + 2 * n - 1) / (2 * n);
	}
	for (y = 0; y < dh; y++) {
		int r0 = (int)((long)y * sh / dh), r1 = (int)((long)(y + 1) *
		    sh / dh);
		const uint8_t *p, *q;

		if (r1 <= r0)
			r1 = r0 + 1;
		/*
		 * The rows of the next output row, from memory while this
		 * one is summed: each starts cold (the frame was decoded on
		 * another core), and the hardware prefetcher only follows
		 * a row once it has missed on it a few times.
		 */
		if (y + 1 < dh) {
			int n0 = (int)((long)(y + 1) * sh / dh);
			int n1 = (int)((long)(y + 2) * sh / dh);

			if (n1 <= n0)
				n1 = n0 + 1;
			prefetch_row(src, sstride, sw, n1 - n0 >= 16 ?
			    n0 + (n1 - n0) / 4 : n1 - n0 >= 3 ?
			    (n0 + n1) / 2 : n0);
			if (n1 - n0 >= 16)
				prefetch_row(src, sstride, sw,
				    n0 + 3 * (n1 - n0) / 4);
		}
		if (r1 - r0 >= 16) {
			/* two rows, summed */
			p = src + (size_t)(r0 + (r1 - r0) / 4) * sstride;
			q = src + (size_t)(r0 + 3 * (r1 - r0) / 4) * sstride;
			for (c = 0; c < sw; c++)
				acc[c] = (uint16_t)(p[c] + q[c]);
			nr = 2;
		} else if (r1 - r0 >= 3) {
			/* the middle row */
			p = src + (size_t)((r0 + r1) / 2) * sstride;
			for (c = 0; c < sw; c++)
				acc[c] = p[c];
			nr = 1;
		} else {
			memset(acc, 0, (size_t)sw * sizeof(acc[0]));
			for (nr = 0; nr < r1 - r0; nr++) {
				p = src + (size_t)(r0 + nr) * sstride;
				for (c = 0; c < sw; c++)
					acc[c] = (uint16_t)(acc[c] + p[c]);
			}
		}
		for (x = 0; x < dw; x++) {
			int c0 = cb[x];
			int c1 = cb[x + 1] > c0 ? cb[x + 1] : c0 + 1;
			unsigned sum = 0, n = (unsigned)(nr * (c1 - c0));

			for (c = c0; c < c1; c++)
				sum += acc[c];
			dst[y * dw + x] = (uint8_t)(((uint64_t)(sum + n / 2) *
			    rcp[nr - 1][x]) >> 32);
		}
	}
}

static uint8_t
clip8(double v)
{
	return v < 0 ? 0 : v > 255 ? 255 : (uint8_t)lrint(v);
}

/*
 * The direct path for 8-bit planar YUV: the grey copy is the luma plane
 * shrunk, the colour copy the three planes shrunk and converted with the
 * frame's matrix (BT.709 when it says so or, unspecified, for HD sizes;
 * else BT.601) and range.  Returns 0, or -1 when the format is not one
 * it handles.
 */
static int
downscale_yuv(struct media *m, const AVFrame *f)
{
	const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(f->format);
	int gw = m->info.gw, gh = m->info.gh, cw = m->info.cw, ch = m->info.ch;
	int cwid, chei, i, bt709, full;
	double kr, kb;

	if (d == NULL || !(d->flags & AV_PIX_FMT_FLAG_PLANAR) ||
	    (d->flags & (AV_PIX_FMT_FLAG_RGB | AV_PIX_FMT_FLAG_BE |
	    AV_PIX_FMT_FLAG_HWACCEL | AV_PIX_FMT_FLAG_PAL)) ||
	    d->nb_components < 3 || d->comp[0].depth != 8 ||
	    d->comp[1].plane != 1 || d->comp[2].plane != 2)
		return -1;
	if (m->cy == NULL && (m->cy = malloc((size_t)3 * cw * ch)) == NULL)
		return -1;
	m->cu = m->cy + cw * ch;
	m->cv = m->cu + cw * ch;
	cwid = AV_CEIL_RSHIFT(f->width, d->log2_chroma_w);
	chei = AV_CEIL_RSHIFT(f->height, d->log2_chroma_h);
	shrink(f->data[0], f->linesize[0], f->width, f->height, m->ydata[0],
	    gw, gh);
	shrink(m->ydata[0], gw, gw, gh, m->cy, cw, ch);
	shrink(f->data[1], f->linesize[1], cwid, chei, m->cu, cw, ch);
	shrink(f->data[2], f->linesize[2], cwid, chei, m->cv, cw, ch);
	bt709 = f->colorspace == AVCOL_SPC_BT709 ||
	    (f->colorspace == AVCOL_SPC_UNSPECIFIED && f->height >= 720);
	full = f->color_range == AVCOL_RANGE_JPEG ||
	    f->format == AV_PIX_FMT_YUVJ420P ||
	    f->format == AV_PIX_FMT_YUVJ422P ||
	    f->format == AV_PIX_FMT_YUVJ444P;
	kr = bt709 ? 0.2126 : 0.299;
	kb = bt709 ? 0.0722 : 0.114;
	for (i = 0; i < cw * ch; i++) {
		double y = m->cy[i], u = m->cu[i] - 128.0, v = m->cv[i] - 128.0;

		if (!full) {
			y = (y - 16) * (255.0 / 219);
			u *= 255.0 / 224;
			v *= 255.0 / 224;
		}
		m->rgb[3 * i] = clip8(y + 2 * (1 - kr) * v);
		m->rgb[3 * i + 1] = clip8(y - (2 * kb * (1 - kb) * u +
		    2 * kr * (1 - kr) * v) / (1 - kr - kb));
		m->rgb[3 * i + 2] = clip8(y + 2 * (1 - kb) * u);
	}
	return 0;
}

/*
 * Downscales the decoded picture to the grey and colour analysis copies:
 * directly from 8-bit planar YUV (nearly every video), else with swscale
 * (area averaging) to a small YUV 4:2:0 picture, whose luma plane is the
 * grey copy, and that to the RGB copy.
 */
static int
downscale(struct media *m, const AVFrame *f, struct rerr *e)
{
	const uint8_t *const *src = (const uint8_t *const *)f->data;
	int gw = m->info.gw, gh = m->info.gh;
	uint8_t *dst[4] = { m->rgb };
	int dstride[4] = { 3 * m->info.cw };

	if (downscale_yuv(m, f) == 0)
		return 0;
	m->sws_grey = sws_getCachedContext(m->sws_grey, f->width, f->height,
	    f->format, gw, gh, AV_PIX_FMT_YUV420P, SWS_AREA, NULL, NULL, NULL);
	m->sws_rgb = sws_getCachedContext(m->sws_rgb, gw, gh,
	    AV_PIX_FMT_YUV420P, m->info.cw, m->info.ch, AV_PIX_FMT_RGB24,
	    SWS_AREA, NULL, NULL, NULL);
	if (m->sws_grey == NULL || m->sws_rgb == NULL)
		return rerr_set(e, EX_UNAVAILABLE, m->name, 0,
		    "cannot convert pixel format '%s'",
		    av_get_pix_fmt_name(f->format) ?
		    av_get_pix_fmt_name(f->format) : "none");
	sws_scale(m->sws_grey, src, f->linesize, 0, f->height, m->ydata,
	    m->ystride);
	sws_scale(m->sws_rgb, (const uint8_t *const *)m->ydata, m->ystride, 0,
	    gh, dst, dstride);
	return 0;
}

/*
 * Turns m->frame into an event.  Returns 1 (event), 0 (dropped: before
 * --start), 2 (past --duration), or -1.
 */
static int
video_event(struct media *m, struct media_frame *ev, struct rerr *e)
{
	AVFrame *f = m->frame;
	int64_t pts = f->best_effort_timestamp;
	double t;
	int exact;

	if (pts == AV_NOPTS_VALUE)
		pts = f->pts;
	if (pts == AV_NOPTS_VALUE)
		pts = m->last_pts != AV_NOPTS_VALUE ?
		    m->last_pts + m->frame_dur : m->info.start_pts;
	m->last_pts = pts;
	m->vcount++;
	t = (pts - m->info.start_pts) * av_q2d(m->vtb);
	if (f->decode_error_flags != 0 || (f->flags & AV_FRAME_FLAG_CORRUPT))
		count_error(m, t, f->pkt_pos, "corrupt frame", 0);
	if (m->o.start > 0 && t < m->o.start - 1e-6)
		return 0;
	if (m->o.duration > 0 && t >= m->o.start + m->o.duration - 1e-6)
		return 2;
	if (downscale(m, f, e) != 0)
		return -1;
	exact = m->o.start <= 0 && m->o.skip == MEDIA_SKIP_NONE;
	memset(ev, 0, sizeof(*ev));
	ev->kind = MEDIA_VIDEO;
	ev->index_exact = exact;
	ev->index = exact || m->info.fps <= 0 ? m->vcount - 1 :
	    lrint(t * m->info.fps);
	ev->pts = pts;
	ev->t = t;
	ev->key = f->key_frame || f->pict_type == AV_PICTURE_TYPE_I;
	ev->grey = m->ydata[0];
	ev->rgb = m->rgb;
	m->last_t = t;
	return 1;
}

/* --- audio ------------------------------------------------------------- */

static int
audio_event(struct media *m, struct media_frame *ev, struct rerr *e)
{
	AVFrame *f = m->frame;
	AVChannelLayout in = { 0 };
	char eb[AV_ERROR_MAX_STRING_SIZE];
	int need, n, r;
	double t;

	if (f->ch_layout.nb_channels <= 0)
		return 0;
	if (f->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC)
		av_channel_layout_default(&in, f->ch_layout.nb_channels);
	else if (av_channel_layout_copy(&in, &f->ch_layout) < 0)
		return rerr_set(e, EX_SOFTWARE, m->name, 0, "out of memory");
	if (m->swr == NULL || f->format != m->swr_fmt ||
	    f->sample_rate != m->swr_rate ||
	    av_channel_layout_compare(&in, &m->swr_layout) != 0) {
		AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;

		swr_free(&m->swr);
		r = swr_alloc_set_opts2(&m->swr, &mono, AV_SAMPLE_FMT_FLT,
		    m->o.audio_rate, &in, f->format, f->sample_rate, 0, NULL);
		if (r >= 0)
			r = swr_init(m->swr);
		if (r < 0) {
			av_channel_layout_uninit(&in);
			return rerr_set(e, EX_UNAVAILABLE, m->name, 0,
			    "cannot resample the audio: %s",
			    averr(r, eb, sizeof(eb)));
		}
		m->swr_fmt = f->format;
		m->swr_rate = f->sample_rate;
		av_channel_layout_uninit(&m->swr_layout);
		av_channel_layout_copy(&m->swr_layout, &in);
	}
	av_channel_layout_uninit(&in);
	if (m->a_t0 < 0) {
		int64_t pts = f->best_effort_timestamp;
		AVStream *st = m->fmt->streams[m->ai];
		int64_t s0 = st->start_time != AV_NOPTS_VALUE ?
		    st->start_time : 0;

		m->a_t0 = pts != AV_NOPTS_VALUE ?
		    (pts - s0) * av_q2d(m->atb) : 0;
	}
	/*
	 * A frame that starts well after the last one ended: packets were
	 * lost (a corrupt page dropped by the demuxer).  The samples go on
	 * as if contiguous, so the time after it is off: a decode error.
	 */
	if (f->best_effort_timestamp != AV_NOPTS_VALUE) {
		AVStream *st = m->fmt->streams[m->ai];
		double tp = (f->best_effort_timestamp - (st->start_time !=
		    AV_NOPTS_VALUE ? st->start_time : 0)) * av_q2d(m->atb);

		if (m->a_end >= 0 && tp > m->a_end + 0.2) {
			char msg[96];

			snprintf(msg, sizeof(msg), "the audio jumps from "
			    "%.3f s to %.3f s: data lost", m->a_end, tp);
			count_error(m, m->a_end, frame_pos(f), msg, 0);
		}
		m->a_end = tp + (double)f->nb_samples / f->sample_rate;
	}
	need = (int)av_rescale_rnd(swr_get_delay(m->swr, f->sample_rate) +
	    f->nb_samples, m->o.audio_rate, f->sample_rate, AV_ROUND_UP) + 16;
	if (need > m->acap) {
		av_freep(&m->abuf);
		if ((m->abuf = av_malloc((size_t)need * sizeof(float))) ==
		    NULL)
			return rerr_set(e, EX_SOFTWARE, m->name, 0,
			    "out of memory");
		m->acap = need;
	}
	n = swr_convert(m->swr, (uint8_t **)&m->abuf, m->acap,
	    (const uint8_t **)f->extended_data, f->nb_samples);
	if (n < 0)
		return rerr_set(e, EX_SOFTWARE, m->name, 0,
		    "cannot resample the audio: %s", averr(n, eb, sizeof(eb)));
	t = m->a_t0 + (double)m->a_out / m->o.audio_rate;
	m->a_out += n;
	if (n == 0)
		return 0;
	if (m->o.start > 0 && t + (double)n / m->o.audio_rate < m->o.start)
		return 0;
	if (m->o.duration > 0 && t >= m->o.start + m->o.duration)
		return 2;
	memset(ev, 0, sizeof(*ev));
	ev->kind = MEDIA_AUDIO;
	ev->t = t;
	ev->samples = m->abuf;
	ev->nsamples = n;
	return 1;
}

/* --- the loop ---------------------------------------------------------- */

/*
 * Receives from one decoder.  Returns 1 with an event, 0 to go on, 2 at
 * the end of --duration, -1 on a fatal error.
 */
static int
receive(struct media *m, int video, struct media_frame *ev, struct rerr *e)
{
	AVCodecContext *c = video ? m->vdec : m->adec;
	enum dstate *st = video ? &m->vst : &m->ast;
	int r;

	r = avcodec_receive_frame(c, m->frame);
	if (r == AVERROR(EAGAIN)) {
		*st = *st == D_FLUSHED ? D_DONE : D_INPUT;
		return 0;
	}
	if (r == AVERROR_EOF) {
		*st = D_DONE;
		return 0;
	}
	if (r < 0) {
		count_error(m, video ? m->last_t : -1, -1, video ?
		    "video decode error" : "audio decode error", r);
		return too_many_errors(m, e) ? -1 : 0;
	}
	r = video ? video_event(m, ev, e) : audio_event(m, ev, e);
	av_frame_unref(m->frame);
	return r;
}

/*
 * One step of the input side of the decode loop: read a packet and send
 * it to its decoder, or at the end of the file send each decoder the
 * NULL packet that drains it.  Read and packet errors are counted;
 * returns -1 only when there are too many of them.
 */
static int
feed(struct media *m, struct rerr *e)
{
	int r, video;

	if (m->eof) {
		/* Drain: a NULL packet, then receive until EOF. */
		if (m->vst == D_INPUT) {
			avcodec_send_packet(m->vdec, NULL);
			m->vst = D_FLUSHED;
		}
		if (m->ast == D_INPUT) {
			avcodec_send_packet(m->adec, NULL);
			m->ast = D_FLUSHED;
		}
		return 0;
	}
	r = av_read_frame(m->fmt, m->pkt);
	if (r == AVERROR_EOF || (r < 0 && m->fmt->pb != NULL &&
	    avio_feof(m->fmt->pb) && r != AVERROR(EIO))) {
		m->eof = 1;
		return 0;
	}
	if (r < 0) {
		count_error(m, m->last_t, m->fmt->pb ?
		    avio_tell(m->fmt->pb) : -1, "read error", r);
		m->errs.truncated = 1;
		m->eof = 1;
		return too_many_errors(m, e) ? -1 : 0;
	}
	m->errs.packets++;
	if (m->pkt->stream_index == m->vi && m->vst == D_INPUT)
		video = 1;
	else if (m->pkt->stream_index == m->ai && m->ast == D_INPUT)
		video = 0;
	else {
		av_packet_unref(m->pkt);
		return 0;
	}
	r = avcodec_send_packet(video ? m->vdec : m->adec, m->pkt);
	if (r == AVERROR_EOF) {
		av_packet_unref(m->pkt);
		return 0;
	}
	/* After a corrupt packet too, frames may be waiting. */
	if (video)
		m->vst = D_OUTPUT;
	else
		m->ast = D_OUTPUT;
	if (r < 0 && r != AVERROR(EAGAIN)) {
		AVRational tb = m->fmt->streams[m->pkt->stream_index]->time_base;
		double t = m->pkt->pts != AV_NOPTS_VALUE ?
		    m->pkt->pts * av_q2d(tb) : m->last_t;

		count_error(m, t, m->pkt->pos, video ?
		    "corrupt video packet" : "corrupt audio packet", r);
		av_packet_unref(m->pkt);
		return too_many_errors(m, e) ? -1 : 0;
	}
	av_packet_unref(m->pkt);
	return 0;
}

int
media_next(struct media *m, struct media_frame *ev, struct rerr *e)
{
	int rv;

	if (m->ended)
		return 0;
	for (;;) {
		if (m->vst == D_OUTPUT || m->vst == D_FLUSHED) {
			if ((rv = receive(m, 1, ev, e)) == 1)
				return 1;
			if (rv < 0)
				return -1;
			if (rv == 2)
				goto ended;
			continue;
		}
		if (m->ast == D_OUTPUT || m->ast == D_FLUSHED) {
			if ((rv = receive(m, 0, ev, e)) == 1)
				return 1;
			if (rv < 0)
				return -1;
			if (rv == 2 && m->vi < 0)
				goto ended;
			continue;
		}
		if ((m->vst == D_OFF || m->vst == D_DONE) &&
		    (m->ast == D_OFF || m->ast == D_DONE))
			goto ended;
		if (feed(m, e) < 0)
			return -1;
	}
ended:
	m->ended = 1;
	/*
	 * A stream that stops well before the length its header promised was
	 * cut short: say so, it is a decode error like any other.
	 */
	if (m->vi >= 0 && m->o.duration <= 0 && m->o.skip == MEDIA_SKIP_NONE &&
	    m->info.duration > 0 && m->info.fps > 0 &&
	    m->last_t + 2.0 / m->info.fps < m->info.duration - 1.0) {
		char msg[96];

		snprintf(msg, sizeof(msg), "the video ends at %.3f s of %.3f s",
		    m->last_t, m->info.duration);
		count_error(m, m->last_t, -1, msg, 0);
		m->errs.truncated = 1;
		m->errs.end_t = m->last_t;
		m->errs.expect_t = m->info.duration;
	}
	/* The same for audio-only input, from the samples given out. */
	if (m->vi < 0 && m->ai >= 0 && m->o.duration <= 0 &&
	    m->o.start <= 0 && m->info.duration > 0 && m->a_t0 >= 0) {
		double end = m->a_end >= 0 ? m->a_end : m->a_t0 +
		    (double)m->a_out / m->o.audio_rate;

		if (end < m->info.duration - 1.0) {
			char msg[96];

			snprintf(msg, sizeof(msg), "the audio ends at %.3f s "
			    "of %.3f s", end, m->info.duration);
			count_error(m, end, -1, msg, 0);
			m->errs.truncated = 1;
			m->errs.end_t = end;
			m->errs.expect_t = m->info.duration;
		}
	}
	return 0;
}

long
media_read_audio(struct media *m, float *buf, long n, struct rerr *e)
{
	struct media_frame ev;
	long got = 0;
	int k, r;

	while (got < n) {
		if (m->nleft > 0) {
			k = m->nleft < n - got ? m->nleft : (int)(n - got);
			memcpy(buf + got, m->left, (size_t)k * sizeof(float));
			m->left += k;
			m->nleft -= k;
			got += k;
			continue;
		}
		if ((r = media_next(m, &ev, e)) < 0)
			return -1;
		if (r == 0)
			break;
		if (ev.kind != MEDIA_AUDIO)
			continue;
		m->left = ev.samples;
		m->nleft = ev.nsamples;
	}
	return got;
}

/* --- image encoding ---------------------------------------------------- */

int
media_encode_image(FILE *fp, const uint8_t *rgb, int w, int h,
    enum media_imgfmt fmt, int quality, struct rerr *e)
{
	static const char *names[] = { "mjpeg", "png", "libwebp" };
	static const char *labels[] = { "JPEG", "PNG", "WebP" };
	const AVCodec *enc;
	AVCodecContext *c = NULL;
	AVFrame *f = NULL;
	AVPacket *pkt = NULL;
	struct SwsContext *sws = NULL;
	enum AVPixelFormat pf;
	char eb[AV_ERROR_MAX_STRING_SIZE];
	const uint8_t *src[4] = { rgb };
	int sstride[4] = { 3 * w };
	int r, rv = 0;

	if ((enc = avcodec_find_encoder_by_name(names[fmt])) == NULL)
		return rerr_set(e, EX_UNAVAILABLE, NULL, 0,
		    "this libavcodec has no %s encoder (%s)", labels[fmt],
		    names[fmt]);
	/* Full-range YUV for JPEG, as JFIF expects; WebP's lossy mode is 4:2:0. */
	pf = fmt == MEDIA_IMG_JPEG ? AV_PIX_FMT_YUVJ420P :
	    fmt == MEDIA_IMG_PNG ? AV_PIX_FMT_RGB24 : AV_PIX_FMT_YUV420P;
	if ((c = avcodec_alloc_context3(enc)) == NULL ||
	    (f = av_frame_alloc()) == NULL || (pkt = av_packet_alloc()) ==
	    NULL) {
		rv = rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
		goto out;
	}
	c->width = w;
	c->height = h;
	c->pix_fmt = pf;
	c->time_base = (AVRational){ 1, 25 };
	if (quality < 1)
		quality = 1;
	if (quality > 100)
		quality = 100;
	if (fmt == MEDIA_IMG_JPEG) {
		/* qscale 2 (best) .. 31 (worst), as ffmpeg's -q:v. */
		c->flags |= AV_CODEC_FLAG_QSCALE;
		c->global_quality = FF_QP2LAMBDA * (2 + (100 - quality) * 29 /
		    99);
		c->color_range = AVCOL_RANGE_JPEG;
	} else if (fmt == MEDIA_IMG_WEBP)
		av_opt_set_double(c->priv_data, "quality", quality, 0);
	if ((r = avcodec_open2(c, enc, NULL)) < 0) {
		rv = rerr_set(e, EX_UNAVAILABLE, NULL, 0,
		    "cannot open the %s encoder: %s", labels[fmt],
		    averr(r, eb, sizeof(eb)));
		goto out;
	}
	f->format = pf;
	f->width = w;
	f->height = h;
	if (av_frame_get_buffer(f, 0) < 0) {
		rv = rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
		goto out;
	}
	sws = sws_getContext(w, h, AV_PIX_FMT_RGB24, w, h, pf,
	    SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT, NULL, NULL,
	    NULL);
	if (sws == NULL) {
		rv = rerr_set(e, EX_UNAVAILABLE, NULL, 0,
		    "cannot convert RGB to the %s pixel format", labels[fmt]);
		goto out;
	}
	sws_scale(sws, src, sstride, 0, h, f->data, f->linesize);
	f->pts = 0;
	if ((r = avcodec_send_frame(c, f)) < 0 ||
	    (r = avcodec_send_frame(c, NULL)) < 0) {
		rv = rerr_set(e, EX_SOFTWARE, NULL, 0, "%s encoding: %s",
		    labels[fmt], averr(r, eb, sizeof(eb)));
		goto out;
	}
	while ((r = avcodec_receive_packet(c, pkt)) >= 0) {
		if (fwrite(pkt->data, 1, pkt->size, fp) != (size_t)pkt->size) {
			rv = rerr_set(e, EX_IOERR, NULL, 0, "%s",
			    strerror(errno));
			goto out;
		}
		av_packet_unref(pkt);
	}
	if (r != AVERROR_EOF)
		rv = rerr_set(e, EX_SOFTWARE, NULL, 0, "%s encoding: %s",
		    labels[fmt], averr(r, eb, sizeof(eb)));
out:
	sws_freeContext(sws);
	av_packet_free(&pkt);
	av_frame_free(&f);
	avcodec_free_context(&c);
	return rv;
}

/* --- full pictures and native audio (vcut) ----------------------------- */

/*
 * Receives from one decoder for media_next_raw.  Returns 1 with r filled,
 * 0 to go on, -1 on a fatal error.  In this mode a_t0 holds the time of
 * the next audio sample, for frames that come without a timestamp.
 */
static int
receive_raw(struct media *m, int video, struct media_raw *r, struct rerr *e)
{
	AVCodecContext *c = video ? m->vdec : m->adec;
	enum dstate *st = video ? &m->vst : &m->ast;
	AVFrame *f = m->frame;
	int64_t pts;
	double t;
	int k;

	k = avcodec_receive_frame(c, f);
	if (k == AVERROR(EAGAIN)) {
		*st = *st == D_FLUSHED ? D_DONE : D_INPUT;
		return 0;
	}
	if (k == AVERROR_EOF) {
		*st = D_DONE;
		return 0;
	}
	if (k < 0) {
		count_error(m, video ? m->last_t : -1, -1, "decode error", k);
		return too_many_errors(m, e) ? -1 : 0;
	}
	pts = f->best_effort_timestamp;
	if (pts == AV_NOPTS_VALUE)
		pts = f->pts;
	if (video) {
		if (pts == AV_NOPTS_VALUE)
			pts = m->last_pts != AV_NOPTS_VALUE ?
			    m->last_pts + m->frame_dur : m->info.start_pts;
		m->last_pts = pts;
		m->vcount++;
		t = (pts - m->info.start_pts) * av_q2d(m->vtb);
		m->last_t = t;
	} else {
		AVStream *as = m->fmt->streams[m->ai];
		double origin = m->vi >= 0 ? m->info.start_pts *
		    av_q2d(m->vtb) : (as->start_time != AV_NOPTS_VALUE ?
		    as->start_time * av_q2d(m->atb) : 0);

		if (pts != AV_NOPTS_VALUE)
			t = pts * av_q2d(m->atb) - origin;
		else
			t = m->a_t0 >= 0 ? m->a_t0 : 0;
		if (f->sample_rate > 0)
			m->a_t0 = t + (double)f->nb_samples / f->sample_rate;
	}
	if (f->decode_error_flags != 0 || (f->flags & AV_FRAME_FLAG_CORRUPT))
		count_error(m, t, f->pkt_pos, "corrupt frame", 0);
	if ((r->frame = av_frame_alloc()) == NULL)
		return rerr_set(e, EX_SOFTWARE, m->name, 0, "out of memory");
	av_frame_move_ref(r->frame, f);
	r->kind = video ? MEDIA_VIDEO : MEDIA_AUDIO;
	r->t = t;
	r->nsamples = video ? 0 : r->frame->nb_samples;
	r->rate = video ? 0 : r->frame->sample_rate;
	return 1;
}

int
media_next_raw(struct media *m, struct media_raw *r, struct rerr *e)
{
	int rv;

	r->frame = NULL;
	for (;;) {
		if (m->vst == D_OUTPUT || m->vst == D_FLUSHED) {
			if ((rv = receive_raw(m, 1, r, e)) != 0)
				return rv;
			continue;
		}
		if (m->ast == D_OUTPUT || m->ast == D_FLUSHED) {
			if ((rv = receive_raw(m, 0, r, e)) != 0)
				return rv;
			continue;
		}
		if ((m->vst == D_OFF || m->vst == D_DONE) &&
		    (m->ast == D_OFF || m->ast == D_DONE))
			return 0;
		if (feed(m, e) < 0)
			return -1;
	}
}

void
media_frame_free(struct AVFrame **f)
{
	av_frame_free(f);
}

int
media_seek(struct media *m, double t, struct rerr *e)
{
	char eb[AV_ERROR_MAX_STRING_SIZE];
	int idx = m->vi >= 0 ? m->vi : m->ai;
	AVStream *st;
	int64_t ts, s0;
	int r;

	if (idx < 0)
		return rerr_set(e, EX_SOFTWARE, m->name, 0,
		    "no stream to seek in");
	st = m->fmt->streams[idx];
	s0 = st->start_time != AV_NOPTS_VALUE ? st->start_time : 0;
	ts = s0 + (int64_t)floor(t / av_q2d(st->time_base));
	r = av_seek_frame(m->fmt, idx, ts, AVSEEK_FLAG_BACKWARD);
	if (r < 0)
		r = avformat_seek_file(m->fmt, idx, INT64_MIN, ts, ts, 0);
	if (r < 0)
		return rerr_set(e, EX_DATAERR, m->name, 0,
		    "cannot seek to %.3f s: %s", t, averr(r, eb, sizeof(eb)));
	if (m->vdec != NULL) {
		avcodec_flush_buffers(m->vdec);
		m->vst = D_INPUT;
	}
	if (m->adec != NULL) {
		avcodec_flush_buffers(m->adec);
		m->ast = D_INPUT;
	}
	m->eof = 0;
	m->ended = 0;
	m->last_pts = AV_NOPTS_VALUE;
	m->a_t0 = -1;
	m->a_end = -1;
	m->a_out = 0;
	m->nleft = 0;
	return 0;
}

void
media_params(const struct media *m, struct media_params *p)
{
	memset(p, 0, sizeof(*p));
	p->fps_den = p->sar_den = 1;
	if (m->vi >= 0) {
		AVStream *st = m->fmt->streams[m->vi];
		AVRational fr = st->avg_frame_rate, rf = st->r_frame_rate;

		/*
		 * The average is measured (14385/600 for an NTSC film); the
		 * base rate is the exact fraction (24000/1001) when the two
		 * agree, which is what a constant-rate encoder needs.
		 */
		if (fr.num <= 0 || fr.den <= 0 || (rf.num > 0 && rf.den > 0 &&
		    fabs(av_q2d(rf) / av_q2d(fr) - 1) < 0.005))
			fr = rf;
		if (fr.num > 0 && fr.den > 0) {
			p->fps_num = fr.num;
			p->fps_den = fr.den;
		}
		if (st->codecpar->sample_aspect_ratio.num > 0 &&
		    st->codecpar->sample_aspect_ratio.den > 0) {
			p->sar_num = st->codecpar->sample_aspect_ratio.num;
			p->sar_den = st->codecpar->sample_aspect_ratio.den;
		}
	}
	if (m->ai >= 0) {
		AVCodecParameters *par = m->fmt->streams[m->ai]->codecpar;

		p->audio_rate = par->sample_rate;
		p->audio_channels = par->ch_layout.nb_channels;
	}
}
