/*
 * Explicit matrix factorisation with user and item biases,
 *	r_ui ~ mean + b_u + b_i + x_u . y_i + p_u . g_i,
 * learned by alternating ridge regressions: with the items fixed, each
 * user's [b_u, x_u, p_u] is the exact least-squares solution (Cholesky)
 * of its ratings, then each item's [b_i, y_i].  Only events with a
 * "rating" count.
 *
 * Two terms use the items file (--items) besides the latent factors:
 *  - g_i spreads 1 / sqrt(n) over the item's n tags (of the most rated
 *    ones), so p_u is the user's taste for each tag: a user who rates
 *    comedies low is told from one who rates everything low.
 *  - b_i shrinks toward a prior, not toward 0: a ridge regression of the
 *    items' mean residuals on their tags, publish age and number of
 *    ratings.  Weighting each item by n b / (n + b) (n ratings, b the
 *    bias regularisation) is what the two-level model "b_i = w . f_i +
 *    d_i, d_i ~ N(0, s2 / b)" gives after integrating d_i out.  On the
 *    sparse MovieTweetings data, old titles are rated about a point
 *    higher than new releases, and an item with two ratings is better
 *    told by that than by 0.  Without --items the prior still has its
 *    mean and the number of ratings.
 * The latent factors gain nothing on MovieTweetings (a median of two
 * ratings per user): with the regularisation that predicts best on its
 * validation split they stay near 0, and less regularisation overfits.
 * In the model file both extras are factor columns: rank predicts with
 * mean + b_u + b_i + the dot product of the rows, whatever they hold.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cftrain.h"
#include "linalg.h"
#include "sort.h"

#define NAGE		11	/* publish-age buckets, the last: unknown */
#define NCNT		7	/* rating-count buckets, the first: none */
#define PRIOR_REG	100	/* ridge on the prior's weights */

struct rrows {
	uint32_t	*start, *col;
	float		*r;
};

/*
 * One side's sweep: each row of self solves for its first nsolve columns
 * (bias, latent factors; the whole row for users) against the rows of
 * other; self's columns from nsolve on are fixed (an item's tags), and
 * their product with other's is taken off the ratings.
 */
struct mf_side {
	const struct rrows *m;
	const float	*other;
	float		*self;
	int		 n, nsolve;	/* row length, columns solved */
	const double	*reg;		/* nsolve regularisations */
	const double	*prior;		/* NULL, or what b shrinks toward */
	double		 mean;
	double		*work;		/* n * n + 3 * n per thread */
};

/* One fit's state, rebuilt for each cut. */
struct mfit {
	struct rrows	 ru, ri;
	int		 k, nt, n;	/* latent, tag columns, 1 + k + nt */
	int		*col;		/* tag -> column, or -1 */
	unsigned char	*fage, *fcnt;	/* each item's buckets */
	double		*prior;		/* each item's bias prior */
	double		*reg_u, *reg_i;
};

static void
mf_rows(size_t lo, size_t hi, int tid, void *arg)
{
	const struct mf_side *s = arg;
	int n = s->n, m = s->nsolve, i, j, p, nz, c;
	double *a = s->work + (size_t)tid * (n * n + 3 * n), *b = a + m * m;
	double *f = b + m;
	int *nzi = (int *)(f + m), *used = nzi + m;
	size_t r;
	uint32_t q;

	for (r = lo; r < hi; r++) {
		float *x = s->self + r * n;

		memset(a, 0, sizeof(*a) * m * m);
		memset(b, 0, sizeof(*b) * m);
		memset(used, 0, sizeof(*used) * m);
		for (q = s->m->start[r]; q < s->m->start[r + 1]; q++) {
			const float *y = s->other + (size_t)s->m->col[q] * n;
			double t = s->m->r[q] - s->mean - y[0];

			for (i = m; i < n; i++)
				t -= (double)x[i] * y[i];
			/* Only the nonzero features: an item's row has few
			 * of its tag columns set. */
			f[0] = 1;
			nzi[0] = 0;
			for (nz = 1, i = 1; i < m; i++)
				if ((f[i] = y[i]) != 0)
					nzi[nz++] = i;
			for (p = 0; p < nz; p++) {
				i = nzi[p];
				used[i] = 1;
				b[i] += t * f[i];
				for (j = 0; j <= p; j++)
					a[i * m + nzi[j]] += f[i] * f[nzi[j]];
			}
		}
		/*
		 * A column no rating touched has only its regularisation on
		 * the diagonal and 0 on the right: its solution is 0.  The
		 * others (the bias always) are packed in place, ascending,
		 * into a c x c system, so a user with a few ratings solves a
		 * few columns, not every tag's; the result is the same.
		 */
		used[0] = 1;
		for (c = 0, i = 0; i < m; i++)
			if (used[i])
				nzi[c++] = i;
		for (p = 0; p < c; p++) {
			for (j = 0; j <= p; j++)
				a[p * c + j] = a[nzi[p] * m + nzi[j]];
			b[p] = b[nzi[p]];
		}
		for (p = 0; p < c; p++) {
			for (j = 0; j < p; j++)
				a[j * c + p] = a[p * c + j];
			a[p * c + p] += s->reg[nzi[p]];
		}
		if (s->prior != NULL)
			b[0] += s->reg[0] * s->prior[r];
		if (la_cholesky(a, c) != 0)
			continue;	/* cannot happen with reg > 0 */
		la_chol_solve(a, c, b);
		for (i = 0; i < m; i++)
			x[i] = 0;
		for (p = 0; p < c; p++)
			x[nzi[p]] = (float)b[p];
	}
}

/* Rows of ratings by row key (user or item), of events before cut. */
static int
rrows_build(struct rrows *m, const struct evset *s, uint32_t nrows,
    int byuser, double cut)
{
	size_t i;
	uint32_t *pos;

	m->start = calloc((size_t)nrows + 1, sizeof(*m->start));
	m->col = malloc((s->n + 1) * sizeof(*m->col));
	m->r = malloc((s->n + 1) * sizeof(*m->r));
	pos = malloc(((size_t)nrows + 1) * sizeof(*pos));
	if (!m->start || !m->col || !m->r || !pos) {
		free(pos);
		return -1;
	}
	for (i = 0; i < s->n; i++)
		if (!isnan(s->ev[i].rating) && s->ev[i].ts < cut)
			m->start[(byuser ? s->ev[i].user : s->ev[i].item) + 1]++;
	for (i = 0; i < nrows; i++)
		m->start[i + 1] += m->start[i];
	memcpy(pos, m->start, ((size_t)nrows + 1) * sizeof(*pos));
	for (i = 0; i < s->n; i++) {
		const struct event *ev = &s->ev[i];
		uint32_t at;

		if (isnan(ev->rating) || !(ev->ts < cut))
			continue;
		at = pos[byuser ? ev->user : ev->item]++;
		m->col[at] = byuser ? ev->item : ev->user;
		m->r[at] = ev->rating;
	}
	free(pos);
	return 0;
}

/* Number of tags of d->itag, 0 without an items file. */
static uint32_t
ntags(const struct tdata *d)
{
	return d->itag_start != NULL ? d->tags.n : 0;
}

/*
 * The tag columns: at most o->mf_tags tags, those on the most ratings
 * (ties: the first named), into col[tag]; returns how many.
 */
static int
tag_columns(const struct tdata *d, const struct train_opts *o, int *col)
{
	uint32_t nt = ntags(d), t, q;
	double *cnt;
	size_t i;
	int n = 0;

	for (t = 0; t < nt; t++)
		col[t] = -1;
	if (nt == 0 || o->mf_tags == 0)
		return 0;
	if ((cnt = calloc(nt, sizeof(*cnt))) == NULL)
		return -1;
	for (i = 0; i < d->s.n; i++) {
		const struct event *ev = &d->s.ev[i];

		if (isnan(ev->rating))
			continue;
		for (q = d->itag_start[ev->item];
		    q < d->itag_start[ev->item + 1]; q++)
			cnt[d->itag[q]]++;
	}
	while (n < o->mf_tags) {
		uint32_t best = nt;

		for (t = 0; t < nt; t++)
			if (col[t] < 0 && cnt[t] > 0 &&
			    (best == nt || cnt[t] > cnt[best]))
				best = t;
		if (best == nt)
			break;
		col[best] = n++;
	}
	free(cnt);
	return n;
}

/* Bucket of a publish age in seconds: log-spaced from a week to 40 years. */
static int
age_bucket(double age)
{
	static const double days[NAGE - 2] = { 7, 30, 91, 365, 730, 1826,
	    3652, 7305, 14610 };
	int b;

	if (isnan(age))
		return NAGE - 1;
	for (b = 0; b < NAGE - 2; b++)
		if (age < days[b] * 86400)
			break;
	return b;
}

/* Bucket of a number of ratings: none, 1, 2-3, 4-15, 16-63, 64-255, more. */
static int
count_bucket(uint32_t n)
{
	static const uint32_t from[NCNT] = { 0, 1, 2, 4, 16, 64, 256 };
	int b;

	for (b = NCNT - 1; n < from[b]; b--)
		;
	return b;
}

/*
 * The distinct tag columns of item i into out (room for f->nt); returns
 * how many.  Tags are sorted by item then tag, so repeats are adjacent.
 */
static int
item_cols(const struct tdata *d, const struct mfit *f, uint32_t i, int *out)
{
	uint32_t q;
	int n = 0;

	if (f->nt == 0)
		return 0;
	for (q = d->itag_start[i]; q < d->itag_start[i + 1]; q++)
		if (f->col[d->itag[q]] >= 0 && (q == d->itag_start[i] ||
		    d->itag[q] != d->itag[q - 1]))
			out[n++] = f->col[d->itag[q]];
	return n;
}

/*
 * The prior of every item's bias: the weighted ridge regression of the
 * items' mean residuals (all but b_i) on their features: a constant, the
 * age and count buckets, the tag columns.
 */
static int
prior_fit(const struct tdata *d, struct mfit *f, const float *mfu,
    const float *mfi, double mean, double breg)
{
	int np = 1 + NAGE + NCNT + f->nt, n = f->n, a, c, nact, *act;
	double *A, *w;
	uint32_t i, q;
	int rv = -1;

	A = calloc((size_t)np * np, sizeof(*A));
	w = calloc(np, sizeof(*w));
	act = malloc(np * sizeof(*act));
	if (A == NULL || w == NULL || act == NULL)
		goto out;
	for (i = 0; i < d->nitems; i++) {
		const float *y = mfi + (size_t)i * n;
		uint32_t cnt = f->ri.start[i + 1] - f->ri.start[i];
		double s = 0, om, mr;

		if (cnt == 0)
			continue;
		nact = 3 + item_cols(d, f, i, act + 3);
		for (a = 3; a < nact; a++)
			act[a] += 1 + NAGE + NCNT;
		act[0] = 0;
		act[1] = 1 + f->fage[i];
		act[2] = 1 + NAGE + f->fcnt[i];
		for (q = f->ri.start[i]; q < f->ri.start[i + 1]; q++) {
			const float *x = mfu + (size_t)f->ri.col[q] * n;

			s += f->ri.r[q] - mean - x[0] - la_dot(x + 1, y + 1,
			    n - 1);
		}
		mr = s / cnt;
		om = cnt * breg / (cnt + breg);
		for (a = 0; a < nact; a++) {
			w[act[a]] += om * mr;
			for (c = 0; c < nact; c++)
				A[act[a] * np + act[c]] += om;
		}
	}
	for (a = 0; a < np; a++)
		A[a * np + a] += PRIOR_REG;
	if (la_cholesky(A, np) != 0)
		goto out;
	la_chol_solve(A, np, w);
	for (i = 0; i < d->nitems; i++) {
		double p = w[0] + w[1 + f->fage[i]] + w[1 + NAGE + f->fcnt[i]];

		nact = item_cols(d, f, i, act);
		for (a = 0; a < nact; a++)
			p += w[1 + NAGE + NCNT + act[a]];
		f->prior[i] = p;
	}
	rv = 0;
out:
	free(A), free(w), free(act);
	return rv;
}

static void
mfit_free(struct mfit *f)
{
	free(f->ru.start), free(f->ru.col), free(f->ru.r);
	free(f->ri.start), free(f->ri.col), free(f->ri.r);
	free(f->fage), free(f->fcnt), free(f->prior);
	free(f->reg_u), free(f->reg_i);
}

/*
 * The sweeps on the ratings before cut, from the seeded start, as if
 * the time were now (publish ages).  Rows of mfu and mfi are f->n long.
 */
static int
fit(const struct tdata *d, const struct train_opts *o, struct mfit *f,
    double cut, double now, double mean, float *mfu, float *mfi,
    double *work)
{
	struct mf_side s;
	int n = f->n, it, j, nc, *cols, rv = -1;
	uint32_t i;

	f->fage = malloc((size_t)d->nitems + 1);
	f->fcnt = malloc((size_t)d->nitems + 1);
	f->prior = malloc(((size_t)d->nitems + 1) * sizeof(*f->prior));
	f->reg_u = malloc(n * sizeof(*f->reg_u));
	f->reg_i = malloc(n * sizeof(*f->reg_i));
	cols = malloc((f->nt + 1) * sizeof(*cols));
	if (cols == NULL || f->fage == NULL || f->fcnt == NULL ||
	    f->prior == NULL || f->reg_u == NULL || f->reg_i == NULL ||
	    rrows_build(&f->ru, &d->s, d->nusers, 1, cut) ||
	    rrows_build(&f->ri, &d->s, d->nitems, 0, cut))
		goto out;
	for (j = 0; j < n; j++) {
		f->reg_u[j] = j == 0 ? o->reg_bias : j <= f->k ? o->reg_mf :
		    o->reg_tag;
		f->reg_i[j] = j == 0 ? o->reg_bias : o->reg_mf;
	}
	for (i = 0; i < d->nusers; i++)
		for (j = 0; j < n; j++)
			mfu[(size_t)i * n + j] = j >= 1 && j <= f->k ?
			    0.1f * gauss(o->seed, 3, (size_t)i * n + j) : 0;
	for (i = 0; i < d->nitems; i++) {
		float *y = mfi + (size_t)i * n;

		for (j = 0; j < n; j++)
			y[j] = j >= 1 && j <= f->k ?
			    0.1f * gauss(o->seed, 4, (size_t)i * n + j) : 0;
		nc = item_cols(d, f, i, cols);
		for (j = 0; j < nc; j++)
			y[1 + f->k + cols[j]] = (float)(1 / sqrt(nc));
		f->fage[i] = (unsigned char)age_bucket(d->pub != NULL ?
		    now - d->pub[i] : NAN);
		f->fcnt[i] = (unsigned char)count_bucket(f->ri.start[i + 1] -
		    f->ri.start[i]);
		f->prior[i] = 0;
	}
	s.work = work;
	s.n = n;
	s.mean = mean;
	for (it = 0; it < o->iters; it++) {
		s.m = &f->ru, s.other = mfi, s.self = mfu;
		s.nsolve = n, s.reg = f->reg_u, s.prior = NULL;
		la_parallel_for(d->nusers, o->threads, mf_rows, &s);
		if (prior_fit(d, f, mfu, mfi, mean, o->reg_bias) != 0)
			goto out;
		s.m = &f->ri, s.other = mfu, s.self = mfi;
		s.nsolve = 1 + f->k, s.reg = f->reg_i, s.prior = f->prior;
		la_parallel_for(d->nitems, o->threads, mf_rows, &s);
	}
	rv = 0;
out:
	free(cols);
	return rv;
}

/*
 * The drift of ratings: fitted on the first 80 % of the rating times, the
 * model's mean error on the last 20 % (pairs whose user and item both
 * rated before).  Ratings of a title fall after its first weeks, so a
 * model fitted on the past predicts the future too high; on MovieTweetings
 * this offset, learned inside the training part, is about -0.16 and
 * holds on the validation split after it.  0 with under 100 such ratings.
 *
 * The fall is steepest for new titles (-0.26 under a year old there,
 * -0.05 over twenty years) and for titles with many ratings, so the
 * error is also taken per publish-age bucket and then, of what is left,
 * per rating-count bucket: dr->age and dr->cnt, each shrunk toward 0 as
 * if DRIFT_SHRINK more ratings had no error.
 */
#define DRIFT_SHRINK	500

struct drift {
	double		 off, age[NAGE], cnt[NCNT];
};

static int
drift(const struct tdata *d, const struct train_opts *o, struct mfit *f,
    double mean, float *mfu, float *mfi, double *work, struct drift *dr)
{
	int n = f->n, pass, b;
	double *ts, *err = NULL, cut, sum = 0, s[NAGE + NCNT], c[NAGE + NCNT];
	size_t i, m = 0, cnt = 0;
	int rv = -1;

	memset(dr, 0, sizeof(*dr));
	ts = malloc((d->s.n + 1) * sizeof(*ts));
	err = malloc((d->s.n + 1) * sizeof(*err));
	if (ts == NULL || err == NULL)
		goto out;
	for (i = 0; i < d->s.n; i++)
		if (!isnan(d->s.ev[i].rating))
			ts[m++] = d->s.ev[i].ts;
	if (m < 500) {
		rv = 0;
		goto out;
	}
	qsort(ts, m, sizeof(*ts), sort_cmp_double);
	cut = ts[m * 8 / 10];
	if (fit(d, o, f, cut, cut, mean, mfu, mfi, work) != 0)
		goto out;
	for (i = 0; i < d->s.n; i++) {
		const struct event *ev = &d->s.ev[i];
		const float *x = mfu + (size_t)ev->user * n;
		const float *y = mfi + (size_t)ev->item * n;

		err[i] = NAN;
		if (isnan(ev->rating) || ev->ts < cut ||
		    f->ru.start[ev->user + 1] == f->ru.start[ev->user] ||
		    f->ri.start[ev->item + 1] == f->ri.start[ev->item])
			continue;
		err[i] = ev->rating - (mean + x[0] + y[0] +
		    la_dot(x + 1, y + 1, n - 1));
		sum += err[i];
		cnt++;
	}
	if (cnt < 100) {
		rv = 0;
		goto out;
	}
	dr->off = sum / cnt;
	for (pass = 0; pass < 2; pass++) {
		memset(s, 0, sizeof(s));
		memset(c, 0, sizeof(c));
		for (i = 0; i < d->s.n; i++) {
			uint32_t it = d->s.ev[i].item;

			if (isnan(err[i]))
				continue;
			b = pass == 0 ? f->fage[it] : NAGE + f->fcnt[it];
			s[b] += err[i] - dr->off - (pass == 0 ? 0 :
			    dr->age[f->fage[it]]);
			c[b]++;
		}
		for (b = 0; b < NAGE; b++)
			if (pass == 0)
				dr->age[b] = s[b] / (c[b] + DRIFT_SHRINK);
		for (b = 0; b < NCNT; b++)
			if (pass == 1)
				dr->cnt[b] = s[NAGE + b] /
				    (c[NAGE + b] + DRIFT_SHRINK);
	}
	rv = 0;
out:
	free(ts), free(err);
	return rv;
}

int
mf_train(const struct tdata *d, const struct train_opts *o, float **mfu,
    float **mfi, uint32_t *kmf, double *mean, struct rerr *e)
{
	struct mfit f;
	struct drift dr;
	double sum = 0, *work = NULL;
	size_t i, cnt = 0;
	int rv = 0;

	memset(&f, 0, sizeof(f));
	memset(&dr, 0, sizeof(dr));
	*mfu = *mfi = NULL;
	*kmf = 0;
	if ((f.col = malloc((ntags(d) + 1) * sizeof(*f.col))) == NULL ||
	    (f.nt = tag_columns(d, o, f.col)) < 0)
		goto nomem;
	f.k = o->kmf;
	f.n = 1 + f.k + f.nt;
	if (f.n == 1)
		goto done;	/* no columns: no model */
	for (i = 0; i < d->s.n; i++)
		if (!isnan(d->s.ev[i].rating)) {
			sum += d->s.ev[i].rating;
			cnt++;
		}
	*mean = cnt ? sum / cnt : 0;
	*mfu = malloc((size_t)d->nusers * f.n * sizeof(float) + 4);
	*mfi = malloc((size_t)d->nitems * f.n * sizeof(float) + 4);
	work = malloc(sizeof(double) * (f.n * f.n + 3 * f.n) *
	    (o->threads + 1));
	if (*mfu == NULL || *mfi == NULL || work == NULL)
		goto nomem;
	if (o->mf_drift) {
		if (drift(d, o, &f, *mean, *mfu, *mfi, work, &dr) != 0)
			goto nomem;
		mfit_free(&f);
		f.ru = f.ri = (struct rrows){ 0 };
		f.fage = f.fcnt = NULL;
		f.prior = f.reg_u = f.reg_i = NULL;
	}
	if (fit(d, o, &f, INFINITY, d->t_end, *mean, *mfu, *mfi, work) != 0)
		goto nomem;
	/* The biases stay centred on the mean of the past; the offsets
	 * move predictions, which are all rank makes of the mean and
	 * of b_i, by the buckets the items are in now. */
	*mean += dr.off;
	for (i = 0; i < d->nitems; i++)
		(*mfi)[i * f.n] += (float)(dr.age[f.fage[i]] +
		    dr.cnt[f.fcnt[i]]);
	*kmf = (uint32_t)(f.n - 1);
	goto done;
nomem:
	free(*mfu), free(*mfi);
	*mfu = *mfi = NULL;
	rv = rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
done:
	mfit_free(&f);
	free(f.col), free(work);
	return rv;
}
