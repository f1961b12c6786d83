/*
 * mux: pictures and samples into encoded files.  See mux.h for the
 * contract.
 *
 * The encode side of FFmpeg's send/receive API (doc/examples/mux.c,
 * transcode.c): send a frame, receive packets until EAGAIN; at the end
 * send NULL and receive until EOF.  Packets are rescaled from the
 * encoder's time base to the stream's and handed to the interleaving
 * writer, which keeps the file in dts order across streams.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/audio_fifo.h>
#include <libavutil/avstring.h>
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>

#include "mux.h"

static const char *
averr(int r, char *buf, size_t n)
{
	av_strerror(r, buf, n);
	return buf;
}

/* --- pictures ---------------------------------------------------------- */

static struct mux_pic *
wrap(AVFrame *f, int writable)
{
	struct mux_pic *p;
	int i;

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		av_frame_free(&f);
		return NULL;
	}
	for (i = 0; i < 3; i++) {
		p->data[i] = f->data[i];
		p->linesize[i] = f->linesize[i];
	}
	p->w = f->width;
	p->h = f->height;
	p->writable = writable;
	p->f = f;
	return p;
}

struct mux_pic *
mux_pic_new(int w, int h)
{
	AVFrame *f;

	if ((f = av_frame_alloc()) == NULL)
		return NULL;
	f->format = AV_PIX_FMT_YUV420P;
	f->width = w;
	f->height = h;
	if (av_frame_get_buffer(f, 0) < 0) {
		av_frame_free(&f);
		return NULL;
	}
	return wrap(f, 1);
}

struct mux_pic *
mux_pic_ref(const struct mux_pic *p)
{
	AVFrame *f;

	if ((f = av_frame_clone(p->f)) == NULL)
		return NULL;
	return wrap(f, 0);
}

void
mux_pic_unref(struct mux_pic **pp)
{
	if (*pp == NULL)
		return;
	av_frame_free(&(*pp)->f);
	free(*pp);
	*pp = NULL;
}

/* --- scaling ----------------------------------------------------------- */

struct mux_scaler {
	int	 w, h;
	struct SwsContext *sws;
};

struct mux_scaler *
mux_scaler_new(int w, int h)
{
	struct mux_scaler *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->w = w;
	s->h = h;
	return s;
}

int
mux_scale(struct mux_scaler *s, const struct AVFrame *src,
    struct mux_pic **out, struct rerr *e)
{
	struct mux_pic *p;
	AVFrame *f;

	*out = NULL;
	if (src->format == AV_PIX_FMT_YUV420P && src->width == s->w &&
	    src->height == s->h) {
		/* The common case: the decoder's picture as it is. */
		if ((f = av_frame_clone(src)) == NULL ||
		    (*out = wrap(f, 0)) == NULL)
			return rerr_set(e, EX_SOFTWARE, NULL, 0,
			    "out of memory");
		return 0;
	}
	s->sws = sws_getCachedContext(s->sws, src->width, src->height,
	    src->format, s->w, s->h, AV_PIX_FMT_YUV420P, SWS_BICUBIC, NULL,
	    NULL, NULL);
	if (s->sws == NULL)
		return rerr_set(e, EX_UNAVAILABLE, NULL, 0,
		    "cannot convert %dx%d %s pictures to %dx%d yuv420p",
		    src->width, src->height,
		    av_get_pix_fmt_name(src->format) ?
		    av_get_pix_fmt_name(src->format) : "?", s->w, s->h);
	if ((p = mux_pic_new(s->w, s->h)) == NULL)
		return rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
	sws_scale(s->sws, (const uint8_t *const *)src->data, src->linesize,
	    0, src->height, p->data, p->linesize);
	*out = p;
	return 0;
}

void
mux_scaler_free(struct mux_scaler *s)
{
	if (s == NULL)
		return;
	sws_freeContext(s->sws);
	free(s);
}

/* --- resampling -------------------------------------------------------- */

struct mux_resampler {
	int		 rate, channels;
	SwrContext	*swr;
	int		 in_fmt, in_rate;
	AVChannelLayout	 in_layout;
	float		*buf[2];
	int		 cap;
	uint8_t		*sil;		/* silence in the source format */
	int		 silcap;
};

struct mux_resampler *
mux_resampler_new(int rate, int channels)
{
	struct mux_resampler *r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->rate = rate;
	r->channels = channels < 2 ? 1 : 2;
	return r;
}

static int
grow(struct mux_resampler *r, int n, struct rerr *e)
{
	int c;

	if (n <= r->cap)
		return 0;
	n += n / 2 + 256;
	for (c = 0; c < r->channels; c++) {
		av_freep(&r->buf[c]);
		if ((r->buf[c] = av_malloc((size_t)n * sizeof(float))) ==
		    NULL)
			return rerr_set(e, EX_SOFTWARE, NULL, 0,
			    "out of memory");
	}
	r->cap = n;
	return 0;
}

/* Makes the converter match src's format, rate and layout. */
static int
setup_swr(struct mux_resampler *r, const AVFrame *src, struct rerr *e)
{
	AVChannelLayout in = { 0 }, out = { 0 };
	char eb[AV_ERROR_MAX_STRING_SIZE];
	int k;

	if (src->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC ||
	    src->ch_layout.nb_channels <= 0)
		av_channel_layout_default(&in, src->ch_layout.nb_channels > 0 ?
		    src->ch_layout.nb_channels : 1);
	else if (av_channel_layout_copy(&in, &src->ch_layout) < 0)
		return rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
	if (r->swr != NULL && src->format == r->in_fmt &&
	    src->sample_rate == r->in_rate &&
	    av_channel_layout_compare(&in, &r->in_layout) == 0) {
		av_channel_layout_uninit(&in);
		return 0;
	}
	swr_free(&r->swr);
	av_channel_layout_default(&out, r->channels);
	k = swr_alloc_set_opts2(&r->swr, &out, AV_SAMPLE_FMT_FLTP, r->rate,
	    &in, src->format, src->sample_rate, 0, NULL);
	if (k >= 0)
		k = swr_init(r->swr);
	if (k < 0) {
		av_channel_layout_uninit(&in);
		return rerr_set(e, EX_UNAVAILABLE, NULL, 0,
		    "cannot resample the audio: %s", averr(k, eb, sizeof(eb)));
	}
	r->in_fmt = src->format;
	r->in_rate = src->sample_rate;
	av_channel_layout_uninit(&r->in_layout);
	r->in_layout = in;
	return 0;
}

static int
convert(struct mux_resampler *r, const uint8_t **in, int n,
    const float *const **pl, struct rerr *e)
{
	char eb[AV_ERROR_MAX_STRING_SIZE];
	int k;

	if (grow(r, swr_get_out_samples(r->swr, n) + 16, e) != 0)
		return -1;
	k = swr_convert(r->swr, (uint8_t **)r->buf, r->cap, in, n);
	if (k < 0) {
		rerr_set(e, EX_SOFTWARE, NULL, 0, "cannot resample the "
		    "audio: %s", averr(k, eb, sizeof(eb)));
		return -1;
	}
	*pl = (const float *const *)r->buf;
	return k;
}

int
mux_resample(struct mux_resampler *r, const struct AVFrame *src, int from,
    int to, const float *const **pl, struct rerr *e)
{
	const uint8_t *in[AV_NUM_DATA_POINTERS];
	int c, nch, bps, planar;

	*pl = (const float *const *)r->buf;
	if (src == NULL) {
		if (r->swr == NULL)
			return 0;
		return convert(r, NULL, 0, pl, e);
	}
	if (to <= from)
		return 0;
	if (setup_swr(r, src, e) != 0)
		return -1;
	nch = src->ch_layout.nb_channels > 0 ? src->ch_layout.nb_channels : 1;
	bps = av_get_bytes_per_sample(src->format);
	planar = av_sample_fmt_is_planar(src->format);
	if (planar && nch > AV_NUM_DATA_POINTERS)
		return rerr_set(e, EX_UNAVAILABLE, NULL, 0,
		    "too many audio channels (%d)", nch), -1;
	if (planar)
		for (c = 0; c < nch; c++)
			in[c] = src->extended_data[c] + (size_t)from * bps;
	else
		in[0] = src->extended_data[0] + (size_t)from * bps * nch;
	return convert(r, in, to - from, pl, e);
}

int
mux_resample_silence(struct mux_resampler *r, int n,
    const float *const **pl, struct rerr *e)
{
	uint8_t *in[AV_NUM_DATA_POINTERS];
	int nch, c, ls;

	*pl = (const float *const *)r->buf;
	if (n <= 0)
		return 0;
	if (r->swr == NULL) {
		/* Nothing decoded yet: silence at our own rate. */
		if (grow(r, n, e) != 0)
			return -1;
		for (c = 0; c < r->channels; c++)
			memset(r->buf[c], 0, (size_t)n * sizeof(float));
		return n;
	}
	nch = r->in_layout.nb_channels;
	if (n > r->silcap) {
		av_freep(&r->sil);
		if (av_samples_alloc(&r->sil, &ls, 1, n * nch, r->in_fmt, 0) <
		    0)
			return rerr_set(e, EX_SOFTWARE, NULL, 0,
			    "out of memory"), -1;
		r->silcap = n;
	}
	/* One buffer, read as packed or as consecutive planes. */
	av_samples_set_silence(&r->sil, 0, n * nch, 1, r->in_fmt);
	if (av_sample_fmt_is_planar(r->in_fmt))
		for (c = 0; c < nch && c < AV_NUM_DATA_POINTERS; c++)
			in[c] = r->sil + (size_t)c * n *
			    av_get_bytes_per_sample(r->in_fmt);
	else
		in[0] = r->sil;
	return convert(r, (const uint8_t **)in, n, pl, e);
}

void
mux_resampler_reset(struct mux_resampler *r)
{
	if (r->swr != NULL)
		swr_init(r->swr);
}

int
mux_resampler_src_rate(const struct mux_resampler *r)
{
	return r->in_rate;
}

void
mux_resampler_free(struct mux_resampler *r)
{
	if (r == NULL)
		return;
	swr_free(&r->swr);
	av_channel_layout_uninit(&r->in_layout);
	av_freep(&r->buf[0]);
	av_freep(&r->buf[1]);
	av_freep(&r->sil);
	free(r);
}

/* --- outputs ----------------------------------------------------------- */

struct mux {
	AVFormatContext	*oc;
	AVCodecContext	*venc;
	AVStream	*vst, *ast;
	AVPacket	*pkt;
	long		 frames;
	int		 header;
};

/* Writes pkt (consumed) to m's stream st from time base tb. */
static int
write_packet(struct mux *m, AVStream *st, AVPacket *pkt, AVRational tb,
    struct rerr *e)
{
	char eb[AV_ERROR_MAX_STRING_SIZE];
	int k;

	pkt->stream_index = st->index;
	av_packet_rescale_ts(pkt, tb, st->time_base);
	if ((k = av_interleaved_write_frame(m->oc, pkt)) < 0)
		return rerr_set(e, EX_IOERR, NULL, 0, "write error: %s",
		    averr(k, eb, sizeof(eb)));
	return 0;
}

/* Receives the video encoder's packets until it wants more input. */
static int
drain_video(struct mux *m, struct rerr *e)
{
	char eb[AV_ERROR_MAX_STRING_SIZE];
	int k;

	for (;;) {
		k = avcodec_receive_packet(m->venc, m->pkt);
		if (k == AVERROR(EAGAIN) || k == AVERROR_EOF)
			return 0;
		if (k < 0)
			return rerr_set(e, EX_SOFTWARE, NULL, 0,
			    "video encoding failed: %s",
			    averr(k, eb, sizeof(eb)));
		if (write_packet(m, m->vst, m->pkt, m->venc->time_base, e) != 0)
			return e->code;
	}
}

void
mux_vopts_colour(struct mux_vopts *vo, const struct AVFrame *f)
{
	vo->colorspace = f->colorspace;
	vo->primaries = f->color_primaries;
	vo->trc = f->color_trc;
	/* Only a picture passed through unconverted keeps a full range. */
	vo->range = f->format == AV_PIX_FMT_YUV420P ? (int)f->color_range :
	    AVCOL_RANGE_MPEG;
}

struct mux_aenc {
	AVCodecContext	*c;
	AVAudioFifo	*fifo;
	AVFrame		*frame;
	AVPacket	*pkt;
	long long	 pts;
	int		 fs;		/* samples per encoder frame */
	float		*tmp[2];	/* interleaved encoders: one frame,
					   planar, from the FIFO */
};

struct mux *
mux_open(const char *path, const char *name, const struct mux_vopts *vo,
    const struct mux_aenc *a, struct rerr *e)
{
	const AVOutputFormat *ofmt;
	const AVCodec *enc;
	const char *cname = vo->codec != NULL ? vo->codec : "libx264", *base;
	AVDictionary *opts = NULL;
	char eb[AV_ERROR_MAX_STRING_SIZE], *url = NULL;
	struct mux *m;
	int k, ok;

	if ((m = calloc(1, sizeof(*m))) == NULL) {
		rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
		return NULL;
	}
	base = strrchr(name, '/') != NULL ? strrchr(name, '/') + 1 : name;
	if ((ofmt = av_guess_format(NULL, name, NULL)) == NULL &&
	    strchr(base, '.') == NULL)
		ofmt = av_guess_format("mp4", NULL, NULL);
	if (ofmt == NULL) {
		rerr_set(e, EX_USAGE, name, 0, "unknown container for this "
		    "name; use .mp4, .mov, .mkv or .webm");
		goto fail;
	}
	if ((url = av_asprintf("file:%s", path)) == NULL ||
	    avformat_alloc_output_context2(&m->oc, ofmt, NULL, url) < 0 ||
	    (m->pkt = av_packet_alloc()) == NULL) {
		rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
		goto fail;
	}

	if ((enc = avcodec_find_encoder_by_name(cname)) == NULL ||
	    enc->type != AVMEDIA_TYPE_VIDEO) {
		rerr_set(e, EX_UNAVAILABLE, NULL, 0,
		    "this libavcodec has no video encoder '%s'", cname);
		goto fail;
	}
	ok = enc->pix_fmts == NULL;
	for (k = 0; enc->pix_fmts != NULL && enc->pix_fmts[k] != -1; k++)
		if (enc->pix_fmts[k] == AV_PIX_FMT_YUV420P)
			ok = 1;
	if (!ok) {
		rerr_set(e, EX_UNAVAILABLE, NULL, 0,
		    "the encoder '%s' does not take yuv420p pictures", cname);
		goto fail;
	}
	if ((m->venc = avcodec_alloc_context3(enc)) == NULL) {
		rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
		goto fail;
	}
	m->venc->width = vo->width;
	m->venc->height = vo->height;
	m->venc->pix_fmt = AV_PIX_FMT_YUV420P;
	m->venc->time_base = (AVRational){ vo->fps_den, vo->fps_num };
	m->venc->framerate = (AVRational){ vo->fps_num, vo->fps_den };
	if (vo->sar_num > 0 && vo->sar_den > 0)
		m->venc->sample_aspect_ratio =
		    (AVRational){ vo->sar_num, vo->sar_den };
	m->venc->thread_count = vo->threads;
	m->venc->colorspace = vo->colorspace;
	m->venc->color_primaries = vo->primaries;
	m->venc->color_trc = vo->trc;
	m->venc->color_range = vo->range;
	if (ofmt->flags & AVFMT_GLOBALHEADER)
		m->venc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
	/*
	 * Constant quality: no bit rate besides (libvpx and libaom read
	 * one as a cap; libx264 ignores it with crf).  libvpx at its
	 * default speed is far slower than x264's medium: cpu-used 4 and
	 * row threads are what its guide suggests for good-quality
	 * encoding at a usable speed.
	 */
	if (vo->crf >= 0) {
		av_opt_set_int(m->venc->priv_data, "crf", vo->crf, 0);
		m->venc->bit_rate = 0;
	}
	if (strncmp(cname, "libvpx", 6) == 0) {
		av_opt_set_int(m->venc->priv_data, "cpu-used", 4, 0);
		av_opt_set_int(m->venc->priv_data, "row-mt", 1, 0);
	}
	if (vo->preset != NULL &&
	    av_opt_set(m->venc->priv_data, "preset", vo->preset, 0) < 0) {
		rerr_set(e, EX_USAGE, NULL, 0, "the encoder '%s' has no "
		    "presets", cname);
		goto fail;
	}
	if ((k = avcodec_open2(m->venc, enc, NULL)) < 0) {
		rerr_set(e, k == AVERROR(EINVAL) && vo->preset != NULL ?
		    EX_USAGE : EX_UNAVAILABLE, NULL, 0,
		    "cannot open the %s encoder%s%s%s: %s", cname,
		    vo->preset != NULL ? " (preset '" : "",
		    vo->preset != NULL ? vo->preset : "",
		    vo->preset != NULL ? "')" : "", averr(k, eb, sizeof(eb)));
		goto fail;
	}
	if ((m->vst = avformat_new_stream(m->oc, NULL)) == NULL ||
	    avcodec_parameters_from_context(m->vst->codecpar, m->venc) < 0) {
		rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
		goto fail;
	}
	m->vst->time_base = m->venc->time_base;
	m->vst->avg_frame_rate = m->venc->framerate;
	m->vst->sample_aspect_ratio = m->venc->sample_aspect_ratio;
	if (a != NULL) {
		if ((m->ast = avformat_new_stream(m->oc, NULL)) == NULL ||
		    avcodec_parameters_from_context(m->ast->codecpar, a->c) <
		    0) {
			rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
			goto fail;
		}
		m->ast->time_base = a->c->time_base;
	}
	if ((k = avio_open(&m->oc->pb, url, AVIO_FLAG_WRITE)) < 0) {
		rerr_set(e, EX_CANTCREAT, NULL, 0, "%s",
		    averr(k, eb, sizeof(eb)));
		goto fail;
	}
	if (vo->faststart && (strstr(ofmt->name, "mp4") != NULL ||
	    strstr(ofmt->name, "mov") != NULL))
		av_dict_set(&opts, "movflags", "+faststart", 0);
	/* Reproducible bytes: no encoder version string, no dates. */
	m->oc->flags |= AVFMT_FLAG_BITEXACT;
	k = avformat_write_header(m->oc, &opts);
	av_dict_free(&opts);
	if (k < 0) {
		rerr_set(e, EX_IOERR, NULL, 0, "cannot write the header: %s",
		    averr(k, eb, sizeof(eb)));
		goto fail;
	}
	m->header = 1;
	av_free(url);
	return m;
fail:
	av_free(url);
	mux_close(m);
	return NULL;
}

int
mux_video(struct mux *m, const struct mux_pic *p, struct rerr *e)
{
	char eb[AV_ERROR_MAX_STRING_SIZE];
	AVFrame *f;
	int k;

	if ((f = av_frame_clone(p->f)) == NULL)
		return rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
	f->pts = m->frames++;
	/* A decoder's frame type would force the encoder's hand. */
	f->pict_type = AV_PICTURE_TYPE_NONE;
	f->key_frame = 0;
	f->sample_aspect_ratio = m->venc->sample_aspect_ratio;
	k = avcodec_send_frame(m->venc, f);
	av_frame_free(&f);
	if (k < 0)
		return rerr_set(e, EX_SOFTWARE, NULL, 0,
		    "video encoding failed: %s", averr(k, eb, sizeof(eb)));
	return drain_video(m, e);
}

long
mux_frames(const struct mux *m)
{
	return m->frames;
}

int
mux_finish(struct mux *m, struct rerr *e)
{
	char eb[AV_ERROR_MAX_STRING_SIZE];
	int k;

	if ((k = avcodec_send_frame(m->venc, NULL)) < 0)
		return rerr_set(e, EX_SOFTWARE, NULL, 0,
		    "video encoding failed: %s", averr(k, eb, sizeof(eb)));
	if (drain_video(m, e) != 0)
		return e->code;
	if ((k = av_write_trailer(m->oc)) < 0 ||
	    (k = m->oc->pb->error) < 0)
		return rerr_set(e, EX_IOERR, NULL, 0, "write error: %s",
		    averr(k, eb, sizeof(eb)));
	m->header = 0;
	avio_flush(m->oc->pb);
	if ((k = m->oc->pb->error) < 0 || (k = avio_closep(&m->oc->pb)) < 0)
		return rerr_set(e, EX_IOERR, NULL, 0, "write error: %s",
		    averr(k, eb, sizeof(eb)));
	return 0;
}

void
mux_close(struct mux *m)
{
	if (m == NULL)
		return;
	if (m->oc != NULL) {
		if (m->oc->pb != NULL)
			avio_closep(&m->oc->pb);
		avformat_free_context(m->oc);
	}
	avcodec_free_context(&m->venc);
	av_packet_free(&m->pkt);
	free(m);
}

/* --- audio encoding ---------------------------------------------------- */

struct mux_aenc *
mux_aenc_open(const char *codec, int src_rate, int src_channels,
    long bitrate, struct rerr *e)
{
	const AVCodec *enc;
	const char *cname = codec != NULL ? codec : "aac";
	char eb[AV_ERROR_MAX_STRING_SIZE];
	struct mux_aenc *a;
	int k, rate, best, ok, ch = src_channels < 2 ? 1 : 2;

	if ((enc = avcodec_find_encoder_by_name(cname)) == NULL ||
	    enc->type != AVMEDIA_TYPE_AUDIO) {
		rerr_set(e, EX_UNAVAILABLE, NULL, 0,
		    "this libavcodec has no audio encoder '%s'", cname);
		return NULL;
	}
	/* Float samples, planar or else interleaved (libopus). */
	ok = AV_SAMPLE_FMT_NONE;
	for (k = 0; enc->sample_fmts != NULL && enc->sample_fmts[k] != -1; k++)
		if (enc->sample_fmts[k] == AV_SAMPLE_FMT_FLTP ||
		    (enc->sample_fmts[k] == AV_SAMPLE_FMT_FLT &&
		    ok == AV_SAMPLE_FMT_NONE))
			ok = enc->sample_fmts[k];
	if (ok == AV_SAMPLE_FMT_NONE) {
		rerr_set(e, EX_UNAVAILABLE, NULL, 0, "the encoder '%s' does "
		    "not take float samples", cname);
		return NULL;
	}
	/* The source rate if supported, else the nearest higher one. */
	rate = src_rate > 0 ? src_rate : 48000;
	if (enc->supported_samplerates != NULL) {
		best = 0;
		for (k = 0; enc->supported_samplerates[k] != 0; k++) {
			int s = enc->supported_samplerates[k];

			if (s == rate) {
				best = s;
				break;
			}
			if (s > rate && (best == 0 || s < best))
				best = s;
		}
		rate = best != 0 ? best : 48000;
	}
	if ((a = calloc(1, sizeof(*a))) == NULL ||
	    (a->c = avcodec_alloc_context3(enc)) == NULL ||
	    (a->frame = av_frame_alloc()) == NULL ||
	    (a->pkt = av_packet_alloc()) == NULL) {
		rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
		goto fail;
	}
	a->c->sample_fmt = ok;
	a->c->sample_rate = rate;
	av_channel_layout_default(&a->c->ch_layout, ch);
	a->c->bit_rate = bitrate > 0 ? bitrate : 64000L * ch;
	a->c->time_base = (AVRational){ 1, rate };
	/* MP4, MOV and Matroska keep the codec setup out of band. */
	a->c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
	a->c->flags |= AV_CODEC_FLAG_BITEXACT;
	if ((k = avcodec_open2(a->c, enc, NULL)) < 0) {
		rerr_set(e, EX_UNAVAILABLE, NULL, 0,
		    "cannot open the %s encoder: %s", cname,
		    averr(k, eb, sizeof(eb)));
		goto fail;
	}
	a->fs = a->c->frame_size > 0 ? a->c->frame_size : 1024;
	if (ok == AV_SAMPLE_FMT_FLT)
		for (k = 0; k < ch; k++)
			if ((a->tmp[k] = malloc((size_t)a->fs *
			    sizeof(float))) == NULL) {
				rerr_set(e, EX_SOFTWARE, NULL, 0,
				    "out of memory");
				goto fail;
			}
	if ((a->fifo = av_audio_fifo_alloc(AV_SAMPLE_FMT_FLTP, ch,
	    a->fs * 4)) == NULL) {
		rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
		goto fail;
	}
	return a;
fail:
	mux_aenc_close(a);
	return NULL;
}

int
mux_aenc_rate(const struct mux_aenc *a)
{
	return a->c->sample_rate;
}

int
mux_aenc_channels(const struct mux_aenc *a)
{
	return a->c->ch_layout.nb_channels;
}

long long
mux_aenc_samples(const struct mux_aenc *a)
{
	return a->pts + av_audio_fifo_size(a->fifo);
}

/* Receives the audio packets and writes a copy to every output. */
static int
drain_audio(struct mux_aenc *a, struct mux **out, int nout, struct rerr *e)
{
	char eb[AV_ERROR_MAX_STRING_SIZE];
	int i, k;

	for (;;) {
		k = avcodec_receive_packet(a->c, a->pkt);
		if (k == AVERROR(EAGAIN) || k == AVERROR_EOF)
			return 0;
		if (k < 0)
			return rerr_set(e, EX_SOFTWARE, NULL, 0,
			    "audio encoding failed: %s",
			    averr(k, eb, sizeof(eb)));
		for (i = 0; i < nout; i++) {
			AVPacket *p;

			if (out[i]->ast == NULL)
				continue;
			if ((p = av_packet_clone(a->pkt)) == NULL) {
				av_packet_unref(a->pkt);
				return rerr_set(e, EX_SOFTWARE, NULL, 0,
				    "out of memory");
			}
			k = write_packet(out[i], out[i]->ast, p, a->c->time_base,
			    e);
			av_packet_free(&p);
			if (k != 0) {
				av_packet_unref(a->pkt);
				return k;
			}
		}
		av_packet_unref(a->pkt);
	}
}

/* Encodes n samples from the FIFO as one frame. */
static int
encode_audio(struct mux_aenc *a, int n, struct mux **out, int nout,
    struct rerr *e)
{
	char eb[AV_ERROR_MAX_STRING_SIZE];
	int k;

	int ch = a->c->ch_layout.nb_channels, i, c;

	av_frame_unref(a->frame);
	a->frame->nb_samples = n;
	a->frame->format = a->c->sample_fmt;
	a->frame->sample_rate = a->c->sample_rate;
	if (av_channel_layout_copy(&a->frame->ch_layout, &a->c->ch_layout) <
	    0 || av_frame_get_buffer(a->frame, 0) < 0)
		return rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
	if (a->c->sample_fmt == AV_SAMPLE_FMT_FLTP) {
		if (av_audio_fifo_read(a->fifo, (void **)a->frame->data, n) !=
		    n)
			return rerr_set(e, EX_SOFTWARE, NULL, 0,
			    "audio FIFO");
	} else {
		float *d = (float *)a->frame->data[0];

		if (av_audio_fifo_read(a->fifo, (void **)a->tmp, n) != n)
			return rerr_set(e, EX_SOFTWARE, NULL, 0,
			    "audio FIFO");
		for (i = 0; i < n; i++)
			for (c = 0; c < ch; c++)
				*d++ = a->tmp[c][i];
	}
	a->frame->pts = a->pts;
	a->pts += n;
	if ((k = avcodec_send_frame(a->c, a->frame)) < 0)
		return rerr_set(e, EX_SOFTWARE, NULL, 0,
		    "audio encoding failed: %s", averr(k, eb, sizeof(eb)));
	return drain_audio(a, out, nout, e);
}

int
mux_aenc_write(struct mux_aenc *a, const float *const *pl, int n,
    struct mux **out, int nout, struct rerr *e)
{
	if (n <= 0)
		return 0;
	if (av_audio_fifo_write(a->fifo, (void **)pl, n) < n)
		return rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
	while (av_audio_fifo_size(a->fifo) >= a->fs)
		if (encode_audio(a, a->fs, out, nout, e) != 0)
			return e->code;
	return 0;
}

int
mux_aenc_flush(struct mux_aenc *a, struct mux **out, int nout,
    struct rerr *e)
{
	char eb[AV_ERROR_MAX_STRING_SIZE];
	int n = av_audio_fifo_size(a->fifo), k;

	if (n > 0 && !(a->c->codec->capabilities &
	    AV_CODEC_CAP_SMALL_LAST_FRAME)) {
		/* Pad the last frame with silence. */
		float *z[2];
		int c;

		for (c = 0; c < 2; c++)
			if ((z[c] = calloc((size_t)(a->fs - n), sizeof(float))) ==
			    NULL) {
				free(z[0]);
				return rerr_set(e, EX_SOFTWARE, NULL, 0,
				    "out of memory");
			}
		k = av_audio_fifo_write(a->fifo, (void **)z, a->fs - n);
		free(z[0]);
		free(z[1]);
		if (k < a->fs - n)
			return rerr_set(e, EX_SOFTWARE, NULL, 0,
			    "out of memory");
		n = a->fs;
	}
	if (n > 0 && encode_audio(a, n, out, nout, e) != 0)
		return e->code;
	if ((k = avcodec_send_frame(a->c, NULL)) < 0)
		return rerr_set(e, EX_SOFTWARE, NULL, 0,
		    "audio encoding failed: %s", averr(k, eb, sizeof(eb)));
	return drain_audio(a, out, nout, e);
}

void
mux_aenc_close(struct mux_aenc *a)
{
	if (a == NULL)
		return;
	avcodec_free_context(&a->c);
	av_frame_free(&a->frame);
	av_packet_free(&a->pkt);
	if (a->fifo != NULL)
		av_audio_fifo_free(a->fifo);
	free(a->tmp[0]);
	free(a->tmp[1]);
	free(a);
}
