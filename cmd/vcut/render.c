/*
 * render: decode the planned segments once and encode them at every size.
 * See render.h and seg.h for the plan.
 *
 * Pictures.  Segment k fills n output slots; slot j stands for source
 * time tau_j = (f0 + j) / fps and shows the last decoded frame whose time
 * is at most tau_j + half a frame.  For a constant-rate source that is
 * frame f0 + j exactly; a variable-rate source has frames repeated or
 * dropped to the constant output rate, as a player would show them.  A
 * frame is scaled only when a slot shows it, once per output size.
 * Crossfades: the last c slots of a segment are kept instead of written,
 * and the first c slots of the next are mixed with them, the new one
 * weighing (j + 1) / (c + 1).
 *
 * Sound.  The source samples of [tau_0, tau_0 + an / rate) are trimmed
 * sample-exactly from the decoded frames (gaps become silence), resampled
 * to the encoder's format, and made exactly an samples long.  A hard cut
 * gets a short linear fade out and in; a crossfade mixes the overlap with
 * equal-power gains (cos, sin), which keeps the loudness of two
 * uncorrelated sounds constant.
 */
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

#define MAX_PENDING	256	/* audio frames held until the first picture */
#define ACHUNK		4096	/* samples per write to the encoder */
#define MAX_TRIES	8	/* seeks back before starting from 0 */

struct ctx {
	struct media	*m;
	const struct seg *s;
	int		 n, k;
	struct render_out *out;
	int		 nout;
	struct mux	*mux[RENDER_MAXOUT];
	struct mux_scaler *sc[RENDER_MAXOUT];
	const struct render_opts *o;
	double		 fps;

	/* the frame the slots show now, and its scaled copies */
	struct media_raw cur;
	struct mux_pic	*pic[RENDER_MAXOUT];
	/* kept for a crossfade: [slot * nout + output] */
	struct mux_pic	**vin, **vout;
	long		 nvin, nvout;

	struct mux_aenc	*a;
	struct mux_resampler *rs;
	int		 rate, ch;
	float		*ain[2], *aout[2];	/* crossfade tails */
	long long	 nain, naout;
	float		*abuf[2];
	int		 nabuf;
	long long	 apos;		/* samples of this segment so far */

	struct cli_progress prog;	/* on a terminal only */
	long		 slots, total;
};

void
render_blend(struct mux_pic *dst, const struct mux_pic *tail,
    const struct mux_pic *head, double w)
{
	int wi = (int)lrint(w * 256), p, x, y;

	if (wi < 0)
		wi = 0;
	if (wi > 256)
		wi = 256;
	for (p = 0; p < 3; p++) {
		int pw = p ? (dst->w + 1) / 2 : dst->w;
		int ph = p ? (dst->h + 1) / 2 : dst->h;

		for (y = 0; y < ph; y++) {
			const uint8_t *a = tail->data[p] + (size_t)y *
			    tail->linesize[p];
			const uint8_t *b = head->data[p] + (size_t)y *
			    head->linesize[p];
			uint8_t *d = dst->data[p] + (size_t)y * dst->linesize[p];

			for (x = 0; x < pw; x++)
				d[x] = (uint8_t)((b[x] * wi + a[x] * (256 - wi) +
				    128) >> 8);
		}
	}
}

/* --- pictures ---------------------------------------------------------- */

static void
drop_cur(struct ctx *c)
{
	int i;

	for (i = 0; i < c->nout; i++)
		mux_pic_unref(&c->pic[i]);
	media_frame_free(&c->cur.frame);
}

static void
set_cur(struct ctx *c, struct media_raw *r)
{
	drop_cur(c);
	c->cur = *r;
	r->frame = NULL;
}

static void
free_tail(struct mux_pic ***v, long *nv, int nout)
{
	long i;

	for (i = 0; *v != NULL && i < *nv * nout; i++)
		mux_pic_unref(&(*v)[i]);
	free(*v);
	*v = NULL;
	*nv = 0;
}

static int	open_all(struct ctx *, struct mux_vopts *, struct rerr *);

/*
 * Opens every output, the first picture giving the colour tags; then lets
 * the signals through that main blocked while threads were being made.
 */
static int
open_outputs(struct ctx *c, const struct media_raw *first, struct rerr *e)
{
	struct mux_vopts vo = c->o->vo;
	int rv;

	if (c->mux[0] != NULL)
		return 0;
	mux_vopts_colour(&vo, first->frame);
	rv = open_all(c, &vo, e);
	if (c->o->mask != NULL)
		pthread_sigmask(SIG_SETMASK, c->o->mask, NULL);
	return rv;
}

/* Opens the muxer and scaler of every output. */
static int
open_all(struct ctx *c, struct mux_vopts *vo0, struct rerr *e)
{
	struct mux_vopts vo = *vo0;
	int i;

	for (i = 0; i < c->nout; i++) {
		vo.width = c->out[i].w;
		vo.height = c->out[i].h;
		vo.sar_num = c->out[i].sar_num;
		vo.sar_den = c->out[i].sar_den;
		if ((c->mux[i] = mux_open(c->out[i].tmp, c->out[i].name, &vo,
		    c->a, e)) == NULL) {
			if (e->file[0] == '\0')
				snprintf(e->file, sizeof(e->file), "%s",
				    c->out[i].name);
			return e->code;
		}
		if ((c->sc[i] = mux_scaler_new(c->out[i].w, c->out[i].h)) ==
		    NULL)
			return rerr_set(e, EX_SOFTWARE, NULL, 0,
			    "out of memory");
	}
	return 0;
}

/* Writes slot j of the current segment from the current frame. */
static int
emit(struct ctx *c, long j, struct rerr *e)
{
	const struct seg *sg = &c->s[c->k];
	long keep = c->k + 1 < c->n ? c->s[c->k + 1].c : 0;
	int i;

	cli_progress(&c->prog, (double)++c->slots, (double)c->total);
	for (i = 0; i < c->nout; i++)
		if (c->pic[i] == NULL &&
		    mux_scale(c->sc[i], c->cur.frame, &c->pic[i], e) != 0)
			return e->code;
	if (j >= sg->n - keep) {
		long t = j - (sg->n - keep);

		for (i = 0; i < c->nout; i++)
			if ((c->vout[t * c->nout + i] = mux_pic_ref(c->pic[i])) ==
			    NULL)
				return rerr_set(e, EX_SOFTWARE, NULL, 0,
				    "out of memory");
		return 0;
	}
	for (i = 0; i < c->nout; i++) {
		struct mux_pic *d;
		int rv;

		if (j >= sg->c || j >= c->nvin) {
			if (mux_video(c->mux[i], c->pic[i], e) != 0)
				return e->code;
			continue;
		}
		if ((d = mux_pic_new(c->out[i].w, c->out[i].h)) == NULL)
			return rerr_set(e, EX_SOFTWARE, NULL, 0,
			    "out of memory");
		render_blend(d, c->vin[j * c->nout + i], c->pic[i],
		    (j + 1.0) / (sg->c + 1.0));
		rv = mux_video(c->mux[i], d, e);
		mux_pic_unref(&d);
		if (rv != 0)
			return rv;
	}
	return 0;
}

/* --- sound ------------------------------------------------------------- */

static int
flush_abuf(struct ctx *c, struct rerr *e)
{
	int rv;

	if (c->nabuf == 0)
		return 0;
	rv = mux_aenc_write(c->a, (const float *const *)c->abuf, c->nabuf,
	    c->mux, c->nout, e);
	c->nabuf = 0;
	return rv;
}

/*
 * Takes cnt samples (pl NULL: silence) at the next positions of the
 * current segment: fades, crossfades and keeps the tail; samples past the
 * segment's length are dropped.
 */
static int
audio_push(struct ctx *c, const float *const *pl, int cnt, struct rerr *e)
{
	const struct seg *sg = &c->s[c->k];
	long long an = sg->an, ain = sg->ac, fd, fin, fout, p;
	long long aout = c->k + 1 < c->n ? c->s[c->k + 1].ac : 0;
	int cut_in = sg->c == 0, cut_out = aout == 0, q, ch;

	fd = llround(c->o->fade * c->rate);
	fin = fout = fd < an / 2 ? fd : an / 2;
	for (q = 0; q < cnt && c->apos < an; q++) {
		double g = 1, x = 0;

		p = c->apos++;
		if (cut_in && p < fin)
			g *= (p + 0.5) / fin;
		if (cut_out && p >= an - fout)
			g *= (an - p - 0.5) / fout;
		if (p >= an - aout) {
			for (ch = 0; ch < c->ch; ch++)
				c->aout[ch][p - (an - aout)] = pl ? pl[ch][q] : 0;
			continue;
		}
		if (p < ain && p < c->nain)
			x = (p + 0.5) / ain * M_PI / 2;
		for (ch = 0; ch < c->ch; ch++) {
			double v = pl ? pl[ch][q] : 0;

			if (p < ain && p < c->nain)
				v = c->ain[ch][p] * cos(x) + v * sin(x);
			else
				v *= g;
			c->abuf[ch][c->nabuf] = (float)v;
		}
		if (++c->nabuf == ACHUNK && flush_abuf(c, e) != 0)
			return e->code;
	}
	return 0;
}

static int
push_silence(struct ctx *c, long long n, struct rerr *e)
{
	while (n > 0) {
		int k = n > ACHUNK ? ACHUNK : (int)n;

		if (audio_push(c, NULL, k, e) != 0)
			return e->code;
		n -= k;
	}
	return 0;
}

/* Where one segment's audio stands, in source samples. */
struct afeed {
	double	 t0;
	long long pos;		/* source samples taken so far */
	int	 done;
};

/* Takes what the segment needs from one decoded audio frame. */
static int
feed_audio(struct ctx *c, struct afeed *f, const struct media_raw *r,
    struct rerr *e)
{
	const struct seg *sg = &c->s[c->k];
	const float *const *pl;
	long long win, ps, j0, j1, gap;
	int k;

	if (f->done || r->rate <= 0 || r->nsamples <= 0)
		return 0;
	win = llround((double)sg->an * r->rate / c->rate);
	ps = llround((r->t - f->t0) * r->rate);
	/* Timestamps rounded to the container's clock: a sample or two. */
	if (llabs(ps - f->pos) <= 2)
		ps = f->pos;
	if (ps >= win) {
		f->done = 1;
		return 0;
	}
	if (ps > f->pos) {
		gap = ps - f->pos;
		while (gap > 0) {
			int g = gap > 65536 ? 65536 : (int)gap;

			if ((k = mux_resample_silence(c->rs, g, &pl, e)) < 0 ||
			    audio_push(c, pl, k, e) != 0)
				return e->code;
			gap -= g;
		}
		f->pos = ps;
	}
	j0 = f->pos - ps;
	j1 = win - ps < r->nsamples ? win - ps : r->nsamples;
	if (j1 > j0) {
		if ((k = mux_resample(c->rs, r->frame, (int)j0, (int)j1, &pl,
		    e)) < 0 || audio_push(c, pl, k, e) != 0)
			return e->code;
		f->pos = ps + j1;
	}
	if (f->pos >= win)
		f->done = 1;
	return 0;
}

/* Ends the segment's audio: what the resampler holds, then silence. */
static int
end_audio(struct ctx *c, struct rerr *e)
{
	const float *const *pl;
	int k;

	if ((k = mux_resample(c->rs, NULL, 0, 0, &pl, e)) < 0 ||
	    audio_push(c, pl, k, e) != 0)
		return e->code;
	if (c->apos < c->s[c->k].an &&
	    push_silence(c, c->s[c->k].an - c->apos, e) != 0)
		return e->code;
	mux_resampler_reset(c->rs);
	return flush_abuf(c, e);
}

/* --- segments ---------------------------------------------------------- */

/* Moves the kept tails to "in" and makes room for this segment's. */
static int
begin_segment(struct ctx *c, struct rerr *e)
{
	long keep = c->k + 1 < c->n ? c->s[c->k + 1].c : 0;
	long long akeep = c->k + 1 < c->n ? c->s[c->k + 1].ac : 0;
	int ch;

	free_tail(&c->vin, &c->nvin, c->nout);
	c->vin = c->vout;
	c->nvin = c->nvout;
	c->vout = NULL;
	c->nvout = 0;
	if (keep > 0) {
		if ((c->vout = calloc((size_t)keep * c->nout,
		    sizeof(*c->vout))) == NULL)
			return rerr_set(e, EX_SOFTWARE, NULL, 0,
			    "out of memory");
		c->nvout = keep;
	}
	if (c->a == NULL)
		return 0;
	for (ch = 0; ch < 2; ch++) {
		free(c->ain[ch]);
		c->ain[ch] = c->aout[ch];
		c->aout[ch] = NULL;
	}
	c->nain = c->naout;
	c->naout = 0;
	if (akeep > 0) {
		for (ch = 0; ch < c->ch; ch++)
			if ((c->aout[ch] = calloc((size_t)akeep,
			    sizeof(float))) == NULL)
				return rerr_set(e, EX_SOFTWARE, NULL, 0,
				    "out of memory");
		c->naout = akeep;
	}
	c->apos = 0;
	return 0;
}

/*
 * Seeks again, 1, 2, 4 ... seconds before t0 (at last to the start),
 * forgetting the audio held so far.
 */
static int
seek_back(struct ctx *c, double t0, double *seek_t, int *tries,
    struct media_raw *pend, int *npend, struct rerr *e)
{
	int i;

	for (i = 0; i < *npend; i++)
		media_frame_free(&pend[i].frame);
	*npend = 0;
	*seek_t = t0 - (double)(1 << (*tries)++);
	if (*seek_t < 0 || *tries == MAX_TRIES)
		*seek_t = 0;
	return media_seek(c->m, *seek_t, e);
}

static int
do_segment(struct ctx *c, struct rerr *e)
{
	const struct seg *sg = &c->s[c->k];
	struct media_raw r, pend[MAX_PENDING];
	struct afeed af;
	double half = 0.5 / c->fps, t0 = sg->f0 / c->fps, seek_t = t0;
	long j = 0;
	int npend = 0, tries = 0, seen = 0, k, i, rv = 0;

	r.frame = NULL;
	memset(&af, 0, sizeof(af));
	af.t0 = t0;
	af.done = c->a == NULL;
	if ((rv = begin_segment(c, e)) != 0 ||
	    (rv = media_seek(c->m, seek_t, e)) != 0)
		return rv;
	while (j < sg->n || !af.done) {
		if ((k = media_next_raw(c->m, &r, e)) < 0) {
			rv = e->code;
			goto out;
		}
		if (k == 0 && !seen && seek_t > 0 && tries < MAX_TRIES) {
			/*
			 * Not one picture: the demuxer landed where the
			 * decoder cannot start (MPEG-TS seeks by time, not to
			 * keyframes).  Go back further.
			 */
			if ((rv = seek_back(c, t0, &seek_t, &tries, pend,
			    &npend, e)) != 0)
				goto out;
			continue;
		}
		if (k == 0)
			break;
		if (r.kind == MEDIA_AUDIO) {
			if (!seen && !af.done && npend < MAX_PENDING) {
				pend[npend++] = r;	/* until a picture */
				r.frame = NULL;
				continue;
			}
			rv = feed_audio(c, &af, &r, e);
			media_frame_free(&r.frame);
			if (rv != 0)
				goto out;
			continue;
		}
		if (!seen) {
			/*
			 * A demuxer that landed after the start: go back
			 * further, by 1, 2, 4 ... seconds.
			 */
			if (r.t > t0 + half && seek_t > 0 && tries < MAX_TRIES) {
				media_frame_free(&r.frame);
				if ((rv = seek_back(c, t0, &seek_t, &tries, pend,
				    &npend, e)) != 0)
					goto out;
				continue;
			}
			seen = 1;
			if ((rv = open_outputs(c, &r, e)) != 0)
				goto out;
			for (i = 0; i < npend && rv == 0; i++)
				rv = feed_audio(c, &af, &pend[i], e);
			if (rv != 0)
				goto out;
		}
		if (j >= sg->n) {
			/*
			 * Pictures 2 s past the segment and still no sound for
			 * its end: the audio track stops early (the rest is
			 * silence), rather than decode on to the end of file.
			 */
			if (!af.done && r.t > t0 + (double)sg->an / c->rate +
			    2.0)
				af.done = 1;
			media_frame_free(&r.frame);
			continue;
		}
		if (c->cur.frame == NULL)
			set_cur(c, &r);
		while (j < sg->n && r.t > t0 + j / c->fps + half)
			if ((rv = emit(c, j++, e)) != 0)
				goto out;
		if (r.frame != NULL)
			set_cur(c, &r);
	}
	if (j < sg->n) {
		/* The video ended first: at most a frame or two is fine. */
		if (c->cur.frame == NULL || sg->n - j > 2) {
			rv = rerr_set(e, EX_DATAERR, NULL, 0,
			    "the video ends at %.3f s, inside the segment "
			    "%g .. %g s", c->cur.frame ? c->cur.t : t0,
			    sg->start, sg->end);
			goto out;
		}
		while (j < sg->n)
			if ((rv = emit(c, j++, e)) != 0)
				goto out;
	}
	if (c->a != NULL)
		rv = end_audio(c, e);
out:
	for (i = 0; i < npend; i++)
		media_frame_free(&pend[i].frame);
	media_frame_free(&r.frame);
	drop_cur(c);
	return rv;
}

int
render(struct media *m, const struct seg *s, int n, struct render_out *out,
    int nout, struct mux_aenc *a, const struct render_opts *o,
    struct rerr *e)
{
	struct ctx c;
	int i, rv = 0;

	memset(&c, 0, sizeof(c));
	c.m = m;
	c.s = s;
	c.n = n;
	c.out = out;
	c.nout = nout;
	c.o = o;
	c.a = a;
	c.fps = (double)o->vo.fps_num / o->vo.fps_den;
	for (i = 0; i < n; i++)
		c.total += s[i].n;
	cli_progress_init(&c.prog, "frames");
	if (a != NULL) {
		c.rate = mux_aenc_rate(a);
		c.ch = mux_aenc_channels(a);
		if ((c.rs = mux_resampler_new(c.rate, c.ch)) == NULL ||
		    (c.abuf[0] = malloc(ACHUNK * sizeof(float))) == NULL ||
		    (c.abuf[1] = malloc(ACHUNK * sizeof(float))) == NULL) {
			rv = rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
			goto out;
		}
	}
	for (c.k = 0; c.k < n; c.k++)
		if ((rv = do_segment(&c, e)) != 0)
			goto out;
	if (a != NULL && (rv = mux_aenc_flush(a, c.mux, nout, e)) != 0)
		goto out;
	for (i = 0; i < nout; i++) {
		if ((rv = mux_finish(c.mux[i], e)) != 0) {
			snprintf(e->file, sizeof(e->file), "%s", out[i].name);
			goto out;
		}
		out[i].frames = mux_frames(c.mux[i]);
	}
out:
	cli_progress_end(&c.prog);
	for (i = 0; i < nout; i++) {
		mux_close(c.mux[i]);
		mux_scaler_free(c.sc[i]);
	}
	drop_cur(&c);
	free_tail(&c.vin, &c.nvin, nout);
	free_tail(&c.vout, &c.nvout, nout);
	mux_resampler_free(c.rs);
	for (i = 0; i < 2; i++) {
		free(c.ain[i]);
		free(c.aout[i]);
		free(c.abuf[i]);
	}
	return rv;
}
