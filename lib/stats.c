/*
 * stats: moments, tail probabilities, tests, intervals, Bayesian
 * posteriors, multiple-testing adjustments and power, on libgsl.
 *
 * Sources of the formulas are cited at each function; where R defines
 * the behaviour (prop.test, p.adjust, power.*.test) the comment says which
 * part of R's definition is followed.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_roots.h>
#include <gsl/gsl_sf_erf.h>
#include <gsl/gsl_sf_gamma.h>

#include "stats.h"

#define LN10	2.302585092994045684

/* --- moments ------------------------------------------------------- */

void
st_mom_add(struct st_mom *m, double v)
{
	double d;

	m->n += 1;
	d = v - m->mean;
	m->mean += d / m->n;
	m->m2 += d * (v - m->mean);
}

void
st_mom_merge(struct st_mom *a, const struct st_mom *b)
{
	double n, d;

	if (b->n == 0)
		return;
	if (a->n == 0) {
		*a = *b;
		return;
	}
	n = a->n + b->n;
	d = b->mean - a->mean;
	a->mean += d * b->n / n;
	a->m2 += b->m2 + d * d * a->n * b->n / n;
	a->n = n;
}

double
st_mom_var(const struct st_mom *m)
{
	return m->n < 2 ? NAN : m->m2 / (m->n - 1);
}

void
st_comom_add(struct st_comom *c, double x, double y)
{
	double dx, dy;

	c->n += 1;
	dx = x - c->mx;
	dy = y - c->my;
	c->mx += dx / c->n;
	c->my += dy / c->n;
	c->m2x += dx * (x - c->mx);
	c->m2y += dy * (y - c->my);
	c->cxy += dx * (y - c->my);
}

void
st_comom_merge(struct st_comom *a, const struct st_comom *b)
{
	double n, dx, dy, f;

	if (b->n == 0)
		return;
	if (a->n == 0) {
		*a = *b;
		return;
	}
	n = a->n + b->n;
	dx = b->mx - a->mx;
	dy = b->my - a->my;
	f = a->n * b->n / n;
	a->mx += dx * b->n / n;
	a->my += dy * b->n / n;
	a->m2x += b->m2x + dx * dx * f;
	a->m2y += b->m2y + dy * dy * f;
	a->cxy += b->cxy + dx * dy * f;
	a->n = n;
}

double
st_comom_cov(const struct st_comom *c)
{
	return c->n < 2 ? NAN : c->cxy / (c->n - 1);
}

double
st_comom_varx(const struct st_comom *c)
{
	return c->n < 2 ? NAN : c->m2x / (c->n - 1);
}

double
st_comom_vary(const struct st_comom *c)
{
	return c->n < 2 ? NAN : c->m2y / (c->n - 1);
}

/* --- tails --------------------------------------------------------- */

/*
 * Continued fraction of the incomplete beta function (modified Lentz),
 * as in Numerical Recipes 6.4; converges fast for x < (a+1)/(a+b+2),
 * which holds in the far tails where it is used here.
 */
static double
betacf(double x, double a, double b)
{
	double c, d, h, aa, del;
	int m, m2;
	const double tiny = 1e-300;

	c = 1;
	d = 1 - (a + b) * x / (a + 1);
	if (fabs(d) < tiny)
		d = tiny;
	d = 1 / d;
	h = d;
	for (m = 1; m <= 10000; m++) {
		m2 = 2 * m;
		aa = m * (b - m) * x / ((a - 1 + m2) * (a + m2));
		d = 1 + aa * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1 / d;
		h *= d * c;
		aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + 1 + m2));
		d = 1 + aa * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1 / d;
		del = d * c;
		h *= del;
		if (fabs(del - 1) < 1e-15)
			break;
	}
	return h;
}

/* ln I_x(a, b) for small x, where the value may underflow a double. */
static double
log_betainc_tail(double x, double omx, double a, double b)
{
	return a * log(x) + b * log(omx) - (lgamma(a) + lgamma(b) -
	    lgamma(a + b)) - log(a) + log(betacf(x, a, b));
}

/* Continued fraction for ln Q(a, x), x > a + 1 (Numerical Recipes 6.2). */
static double
log_gammaq_tail(double a, double x)
{
	double b, c, d, h, an, del;
	int i;
	const double tiny = 1e-300;

	b = x + 1 - a;
	c = 1 / tiny;
	d = 1 / b;
	h = d;
	for (i = 1; i <= 10000; i++) {
		an = -i * (i - a);
		b += 2;
		d = an * d + b;
		if (fabs(d) < tiny)
			d = tiny;
		c = b + an / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1 / d;
		del = d * c;
		h *= del;
		if (fabs(del - 1) < 1e-15)
			break;
	}
	return -x + a * log(x) - lgamma(a) + log(h);
}

double
st_norm_p2(double z)
{
	gsl_set_error_handler_off();
	if (!isfinite(z))
		return isnan(z) ? NAN : 0;
	return gsl_sf_erfc(fabs(z) / M_SQRT2);
}

double
st_norm_log10p2(double z)
{
	if (isnan(z))
		return NAN;
	return gsl_sf_log_erfc(fabs(z) / M_SQRT2) / LN10;
}

/* 2 P(T > |t|) = I_{df/(df+t^2)}(df/2, 1/2). */
double
st_t_p2(double t, double df)
{
	double t2;

	gsl_set_error_handler_off();
	if (isnan(t) || isnan(df) || df <= 0)
		return NAN;
	t2 = t * t;
	return gsl_sf_beta_inc(df / 2, 0.5, df / (df + t2));
}

double
st_t_log10p2(double t, double df)
{
	double p, t2;

	p = st_t_p2(t, df);
	if (isnan(p))
		return NAN;
	if (p > 1e-290)
		return log10(p);
	t2 = t * t;
	return log_betainc_tail(df / (df + t2), t2 / (df + t2), df / 2,
	    0.5) / LN10;
}

double
st_chisq_q(double x, double df)
{
	gsl_set_error_handler_off();
	if (isnan(x) || isnan(df) || df <= 0)
		return NAN;
	if (x <= 0)
		return 1;
	return gsl_sf_gamma_inc_Q(df / 2, x / 2);
}

double
st_chisq_log10q(double x, double df)
{
	double p;

	p = st_chisq_q(x, df);
	if (isnan(p))
		return NAN;
	if (p > 1e-290 || x / 2 <= df / 2 + 1)
		return log10(p);
	return log_gammaq_tail(df / 2, x / 2) / LN10;
}

double
st_norm_q(double p)
{
	gsl_set_error_handler_off();
	return gsl_cdf_ugaussian_Qinv(p);
}

double
st_t_q(double p, double df)
{
	gsl_set_error_handler_off();
	if (isnan(df) || df <= 0)
		return NAN;
	return gsl_cdf_tdist_Qinv(p, df);
}

/*
 * The noncentral t distribution function by the series of Lenth (1989),
 * Applied Statistics algorithm AS 243: a Poisson-weighted sum of
 * incomplete beta functions, summed until the bound on the remainder is
 * below 1e-12.
 */
double
st_nct_cdf(double t, double df, double ncp)
{
	double x, lambda, p, q, s, a, b, rxb, lbeta, xodd, godd, xeven;
	double geven, tnc, del, errbd;
	int neg, it;

	gsl_set_error_handler_off();
	if (isnan(t) || isnan(df) || isnan(ncp) || df <= 0)
		return NAN;
	if (t >= 0) {
		neg = 0;
		del = ncp;
	} else {
		neg = 1;
		t = -t;
		del = -ncp;
	}
	x = t * t / (t * t + df);
	tnc = 0;
	if (x > 0) {
		lambda = del * del;
		p = 0.5 * exp(-0.5 * lambda);
		q = sqrt(2 / M_PI) * p * del;
		s = 0.5 - p;
		if (s < 1e-7)
			s = -0.5 * expm1(-0.5 * lambda);
		a = 0.5;
		b = 0.5 * df;
		rxb = pow(1 - x, b);
		lbeta = 0.5 * log(M_PI) + lgamma(b) - lgamma(0.5 + b);
		xodd = gsl_sf_beta_inc(a, b, x);
		godd = 2 * rxb * exp(a * log(x) - lbeta);
		xeven = b * x < 2.2e-16 ? b * x : 1 - rxb;
		geven = b * x * rxb;
		tnc = p * xodd + q * xeven;
		for (it = 1; it <= 2000; it++) {
			a += 1;
			xodd -= godd;
			xeven -= geven;
			godd *= x * (a + b - 1) / a;
			geven *= x * (a + b - 0.5) / (a + 0.5);
			p *= lambda / (2 * it);
			q *= lambda / (2 * it + 1);
			tnc += p * xodd + q * xeven;
			s -= p;
			if (s <= 0 && it > 1)
				break;
			errbd = 2 * s * (xodd - godd);
			if (fabs(errbd) < 1e-12)
				break;
		}
	}
	tnc += gsl_cdf_ugaussian_P(-del);
	if (tnc > 1)
		tnc = 1;
	return neg ? 1 - tnc : tnc;
}

/* --- tests --------------------------------------------------------- */

/*
 * R's t.test stops with "data are essentially constant" when the standard
 * error is below 10 DBL_EPSILON max(|mA|, |mB|): at that size it is the
 * rounding of the sums, not spread in the data (values of 2 decimals
 * summed per unit are not exact in binary).  Such a test is undefined.
 */
static int
constant(double se, double ma, double mb)
{
	return se < 10 * DBL_EPSILON * fmax(fabs(ma), fabs(mb));
}

static void
ttest_finish(struct st_ttest *r, double alpha)
{
	double q;

	if (!(r->se > 0) || isnan(r->df)) {
		r->t = r->df = r->p = r->log10_p = NAN;
		r->ci_low = r->ci_high = NAN;
		return;
	}
	r->t = r->diff / r->se;
	r->p = st_t_p2(r->t, r->df);
	r->log10_p = st_t_log10p2(r->t, r->df);
	q = st_t_q(alpha / 2, r->df);
	r->ci_low = r->diff - q * r->se;
	r->ci_high = r->diff + q * r->se;
}

/* Welch (1947); Satterthwaite degrees of freedom, as R's t.test. */
void
st_welch(const struct st_mom *a, const struct st_mom *b, double alpha,
    struct st_ttest *r)
{
	double va, vb, ua, ub;

	r->diff = b->mean - a->mean;
	if (a->n == 0 || b->n == 0)
		r->diff = NAN;
	va = st_mom_var(a);
	vb = st_mom_var(b);
	ua = va / a->n;
	ub = vb / b->n;
	r->se = sqrt(ua + ub);
	r->df = (ua + ub) * (ua + ub) /
	    (ua * ua / (a->n - 1) + ub * ub / (b->n - 1));
	if (constant(r->se, a->mean, b->mean))
		r->se = NAN;
	ttest_finish(r, alpha);
}

/* Student's t with the pooled variance, df = nA + nB - 2. */
void
st_student(const struct st_mom *a, const struct st_mom *b, double alpha,
    struct st_ttest *r)
{
	double df, sp;

	r->diff = b->mean - a->mean;
	if (a->n == 0 || b->n == 0)
		r->diff = NAN;
	df = a->n + b->n - 2;
	r->df = df > 0 ? df : NAN;
	sp = (a->m2 + b->m2) / df;
	r->se = df > 0 ? sqrt(sp * (1 / a->n + 1 / b->n)) : NAN;
	if (constant(r->se, a->mean, b->mean))
		r->se = NAN;
	ttest_finish(r, alpha);
}

/*
 * z tests: pooled (score) and unpooled (Wald).  prop.test as R 4.2
 * defines it for prop.test(c(xB, xA), c(nB, nA), correct): Yates'
 * correction min(0.5, |d| / (1/nA + 1/nB)), the chi-square of the 2x2
 * table with the correction subtracted from every |O - E|, and the Wald
 * interval widened by the same correction, clipped to [-1, 1].
 */
void
st_prop(double xa, double na, double xb, double nb, double alpha,
    struct st_prop *r)
{
	double pbar, se, z, o[4], e[4], yates, w, chi;
	int cc, i;

	z = st_norm_q(alpha / 2);
	r->p_a = xa / na;
	r->p_b = xb / nb;
	r->diff = r->p_b - r->p_a;
	pbar = (xa + xb) / (na + nb);
	se = sqrt(pbar * (1 - pbar) * (1 / na + 1 / nb));
	r->z_pooled = se > 0 ? r->diff / se : NAN;
	r->p_pooled = st_norm_p2(r->z_pooled);
	r->log10_p_pooled = st_norm_log10p2(r->z_pooled);
	se = sqrt(r->p_a * (1 - r->p_a) / na + r->p_b * (1 - r->p_b) / nb);
	r->z_unpooled = se > 0 ? r->diff / se : NAN;
	r->p_unpooled = st_norm_p2(r->z_unpooled);
	r->ci_low_unpooled = se > 0 ? r->diff - z * se : NAN;
	r->ci_high_unpooled = se > 0 ? r->diff + z * se : NAN;

	o[0] = xb; o[1] = nb - xb; o[2] = xa; o[3] = na - xa;
	e[0] = nb * pbar; e[1] = nb * (1 - pbar);
	e[2] = na * pbar; e[3] = na * (1 - pbar);
	for (cc = 0; cc < 2; cc++) {
		yates = 0;
		if (cc) {
			yates = fabs(r->diff) / (1 / na + 1 / nb);
			if (yates > 0.5)
				yates = 0.5;
		}
		chi = 0;
		for (i = 0; i < 4; i++) {
			w = fabs(o[i] - e[i]) - yates;
			chi += w * w / e[i];	/* 0/0 when E = 0: NAN */
		}
		r->chisq[cc] = chi;
		r->p[cc] = isnan(chi) ? NAN : st_norm_p2(sqrt(chi));
		w = yates * (1 / na + 1 / nb) + z * se;
		r->ci_low[cc] = fmax(r->diff - w, -1);
		r->ci_high[cc] = fmin(r->diff + w, 1);
	}
}

void
st_lift(double ma, double va, double na, double mb, double vb, double nb,
    double alpha, struct st_lift *r)
{
	double z;

	z = st_norm_q(alpha / 2);
	r->abs_diff = mb - ma;
	r->abs_se = sqrt(va / na + vb / nb);
	if (!(r->abs_se > 0) || constant(r->abs_se, ma, mb))
		r->abs_se = NAN;
	r->abs_ci_low = r->abs_diff - z * r->abs_se;
	r->abs_ci_high = r->abs_diff + z * r->abs_se;
	r->abs_p = st_norm_p2(r->abs_diff / r->abs_se);
	r->rel_lift = ma != 0 ? mb / ma - 1 : NAN;
	r->rel_se = ma != 0 ? sqrt(vb / (nb * ma * ma) +
	    mb * mb * va / (na * ma * ma * ma * ma)) : NAN;
	if (!(r->rel_se > 0))
		r->rel_se = NAN;
	r->rel_ci_low = r->rel_lift - z * r->rel_se;
	r->rel_ci_high = r->rel_lift + z * r->rel_se;
	r->rel_p = st_norm_p2(r->rel_lift / r->rel_se);
}

double
st_ratio(const struct st_comom *c, double *var)
{
	double y, z, sy, sz, syz;

	y = c->my;
	z = c->mx;
	sy = st_comom_vary(c);
	sz = st_comom_varx(c);
	syz = st_comom_cov(c);
	if (z == 0) {
		*var = NAN;
		return NAN;
	}
	*var = (sy / (z * z) - 2 * y * syz / (z * z * z) +
	    y * y * sz / (z * z * z * z)) / c->n;
	return y / z;
}

/* Pearson's chi-square goodness of fit, as R's chisq.test(x, p = w). */
void
st_srm(const double *counts, const double *w, int k, struct st_srm *r)
{
	double n = 0, sw = 0, e, d;
	int i;

	for (i = 0; i < k; i++) {
		n += counts[i];
		sw += w[i];
	}
	r->chisq = 0;
	for (i = 0; i < k; i++) {
		e = n * w[i] / sw;
		d = counts[i] - e;
		r->chisq += d * d / e;
	}
	r->df = k - 1;
	if (k < 2 || n == 0) {
		r->chisq = r->df = r->p = r->log10_p = NAN;
		return;
	}
	r->p = st_chisq_q(r->chisq, r->df);
	r->log10_p = st_chisq_log10q(r->chisq, r->df);
}

/* --- Beta posteriors ----------------------------------------------- */

struct best_arg {
	const double *a, *b;
	int	 k, i;
	int	 normal;	/* every a and b > BETA_NORMAL */
};

/*
 * Above this many pseudo-counts on both sides, GSL's incomplete beta
 * loses its digits; a Beta is then within O(1/sqrt(a)) of the normal with
 * its mean and variance, which is what is used.
 */
#define BETA_NORMAL	1e6

static double
beta_sd(double a, double b)
{
	return sqrt(a * b / ((a + b) * (a + b) * (a + b + 1)));
}

static double
beta_logpdf(double x, double a, double b)
{
	return (a - 1) * log(x) + (b - 1) * log1p(-x) -
	    (lgamma(a) + lgamma(b) - lgamma(a + b));
}

/* f_i(x) * prod over j != i of P(X_j < x). */
static double
best_integrand(double x, void *p)
{
	const struct best_arg *ba = p;
	double v;
	int j;

	if (x <= 0 || x >= 1)
		return 0;
	if (ba->normal) {
		const double *a = ba->a, *b = ba->b;
		double sd = beta_sd(a[ba->i], b[ba->i]);
		v = gsl_ran_gaussian_pdf(x - a[ba->i] / (a[ba->i] + b[ba->i]),
		    sd);
		for (j = 0; j < ba->k && v > 0; j++)
			if (j != ba->i)
				v *= gsl_cdf_gaussian_P(x - a[j] / (a[j] +
				    b[j]), beta_sd(a[j], b[j]));
		return v;
	}
	v = exp(beta_logpdf(x, ba->a[ba->i], ba->b[ba->i]));
	for (j = 0; j < ba->k && v > 0; j++)
		if (j != ba->i)
			v *= gsl_sf_beta_inc(ba->a[j], ba->b[j], x);
	return v;
}

static int
dblcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * P(arm i is best) = integral of f_i(x) prod_{j != i} I_x(a_j, b_j) dx,
 * over arm i's support cut to its mean +- 40 sd (the rest holds less
 * than 1e-300 of its mass), split at every arm's mean and a few of arm
 * i's standard deviations so each piece is smooth for QAGS.
 */
static int
beta_best1(const double *a, const double *b, int k, int i, double *out,
    gsl_integration_workspace *w)
{
	struct best_arg ba = { a, b, k, i, 1 };
	gsl_function f = { best_integrand, &ba };
	double pts[64], m, sd, lo, hi, sum = 0, r, err;
	static const double sds[] = { -10, -5, -2, -1, 1, 2, 5, 10 };
	int np = 0, j, rc;

	for (j = 0; j < k; j++)
		if (!(a[j] > BETA_NORMAL && b[j] > BETA_NORMAL))
			ba.normal = 0;
	m = a[i] / (a[i] + b[i]);
	sd = beta_sd(a[i], b[i]);
	lo = fmax(0, m - 40 * sd);
	hi = fmin(1, m + 40 * sd);
	pts[np++] = lo;
	pts[np++] = hi;
	for (j = 0; j < 8; j++)
		pts[np++] = m + sds[j] * sd;
	for (j = 0; j < k && np < 64; j++)
		pts[np++] = a[j] / (a[j] + b[j]);
	qsort(pts, np, sizeof pts[0], dblcmp);
	for (j = 0; j + 1 < np; j++) {
		if (pts[j] < lo || pts[j + 1] > hi || pts[j + 1] <= pts[j])
			continue;
		rc = gsl_integration_qags(&f, pts[j], pts[j + 1], 0, 1e-12,
		    1000, w, &r, &err);
		if (rc != 0 && rc != GSL_EROUND && rc != GSL_ETOL)
			return -1;
		sum += r;
	}
	*out = fmin(sum, 1);
	return 0;
}

int
st_beta_best(const double *a, const double *b, int k, double *best)
{
	gsl_integration_workspace *w;
	int i, rv = 0;

	gsl_set_error_handler_off();
	if ((w = gsl_integration_workspace_alloc(1000)) == NULL)
		return -1;
	for (i = 0; i < k && rv == 0; i++)
		rv = beta_best1(a, b, k, i, &best[i], w);
	gsl_integration_workspace_free(w);
	return rv;
}

int
st_beta_gt(double a1, double b1, double a2, double b2, double *p)
{
	double a[2] = { a1, a2 }, b[2] = { b1, b2 };
	gsl_integration_workspace *w;
	int rv;

	gsl_set_error_handler_off();
	if ((w = gsl_integration_workspace_alloc(1000)) == NULL)
		return -1;
	rv = beta_best1(a, b, 2, 0, p, w);
	gsl_integration_workspace_free(w);
	return rv;
}

struct nbest_arg {
	const double *m, *sd;
	int	 k, i;
};

static double
nbest_integrand(double x, void *p)
{
	const struct nbest_arg *na = p;
	double v;
	int j;

	v = gsl_ran_gaussian_pdf(x - na->m[na->i], na->sd[na->i]);
	for (j = 0; j < na->k && v > 0; j++)
		if (j != na->i)
			v *= gsl_cdf_gaussian_P(x - na->m[j], na->sd[j]);
	return v;
}

/*
 * As beta_best1, on arm i's mean +- 40 sd (beyond lies less than 1e-300
 * of its mass), split at every arm's mean and at a few of arm i's
 * standard deviations.
 */
int
st_norm_best(const double *mean, const double *sd, int k, double *best)
{
	struct nbest_arg na = { mean, sd, k, 0 };
	gsl_function f = { nbest_integrand, &na };
	gsl_integration_workspace *w;
	static const double sds[] = { -10, -5, -2, -1, 0, 1, 2, 5, 10 };
	double pts[80], lo, hi, sum, r, err;
	int i, j, np, rc, rv = 0;

	gsl_set_error_handler_off();
	for (i = 0; i < k; i++)
		if (!(sd[i] > 0) || !isfinite(mean[i]) || !isfinite(sd[i]))
			return -1;
	if ((w = gsl_integration_workspace_alloc(1000)) == NULL)
		return -1;
	for (i = 0; i < k && rv == 0; i++) {
		na.i = i;
		lo = mean[i] - 40 * sd[i];
		hi = mean[i] + 40 * sd[i];
		np = 0;
		pts[np++] = lo;
		pts[np++] = hi;
		for (j = 0; j < 9; j++)
			pts[np++] = mean[i] + sds[j] * sd[i];
		for (j = 0; j < k && np < 80; j++)
			pts[np++] = mean[j];
		qsort(pts, np, sizeof pts[0], dblcmp);
		sum = 0;
		for (j = 0; j + 1 < np; j++) {
			if (pts[j] < lo || pts[j + 1] > hi ||
			    pts[j + 1] <= pts[j])
				continue;
			rc = gsl_integration_qags(&f, pts[j], pts[j + 1], 0,
			    1e-12, 1000, w, &r, &err);
			if (rc != 0 && rc != GSL_EROUND && rc != GSL_ETOL) {
				rv = -1;
				break;
			}
			sum += r;
		}
		best[i] = fmin(sum, 1);
	}
	gsl_integration_workspace_free(w);
	return rv;
}

/*
 * GSL's inverse gives up for very large a and b (a billion trials); then
 * the quantile is found by bisection on the distribution function within
 * the mean +- 50 sd, where all of the mass is.
 */
double
st_beta_q(double p, double a, double b)
{
	double q, m, sd, lo, hi;
	int i;

	m = a / (a + b);
	sd = beta_sd(a, b);
	if (a > BETA_NORMAL && b > BETA_NORMAL)
		return m + gsl_cdf_gaussian_Pinv(p, sd);
	gsl_set_error_handler_off();
	q = gsl_cdf_beta_Pinv(p, a, b);
	if (!(q >= 0 && q <= 1) || fabs(gsl_cdf_beta_P(q, a, b) - p) > 1e-9 * p) {
		lo = fmax(0, m - 50 * sd);
		hi = fmin(1, m + 50 * sd);
		for (i = 0; i < 200 && hi - lo > 4e-16 * hi; i++) {
			q = lo + (hi - lo) / 2;
			if (gsl_cdf_beta_P(q, a, b) < p)
				lo = q;
			else
				hi = q;
		}
		q = lo + (hi - lo) / 2;
	}
	return q;
}

/* --- multiple testing ---------------------------------------------- */

struct pidx {
	double	 p;
	size_t	 i;
};

/* Ascending p; ties keep their input order, as R's order() does. */
static int
pidx_cmp(const void *a, const void *b)
{
	const struct pidx *x = a, *y = b;

	if (x->p != y->p)
		return x->p < y->p ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

/*
 * R's p.adjust: Holm steps down with a running maximum of (n-i+1) p(i);
 * Hochberg steps up with a running minimum of the same; BH steps up with
 * n/i p(i); BY multiplies BH by sum_{k<=n} 1/k.  All are capped at 1.
 */
int
st_padjust(const double *p, size_t n, enum st_adj m, double *out)
{
	struct pidx *v;
	size_t k = 0, i, j;
	double run, q = 0, x;

	if ((v = malloc((n ? n : 1) * sizeof *v)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		out[i] = NAN;
		if (!isnan(p[i])) {
			v[k].p = p[i];
			v[k].i = i;
			k++;
		}
	}
	qsort(v, k, sizeof *v, pidx_cmp);
	for (i = 1; i <= k; i++)
		q += 1.0 / i;
	switch (m) {
	case ST_BONFERRONI:
		for (i = 0; i < k; i++)
			out[v[i].i] = fmin(1, k * v[i].p);
		break;
	case ST_HOLM:
		run = 0;
		for (i = 0; i < k; i++) {
			x = (k - i) * v[i].p;
			run = fmax(run, x);
			out[v[i].i] = fmin(1, run);
		}
		break;
	case ST_HOCHBERG:
	case ST_BH:
	case ST_BY:
		run = INFINITY;
		for (j = k; j > 0; j--) {
			i = j - 1;
			if (m == ST_HOCHBERG)
				x = (k - i) * v[i].p;
			else
				x = (double)k / (i + 1) * v[i].p *
				    (m == ST_BY ? q : 1);
			run = fmin(run, x);
			out[v[i].i] = fmin(1, run);
		}
		break;
	}
	free(v);
	return 0;
}

/* --- power --------------------------------------------------------- */

/*
 * R's power.prop.test, strict = FALSE:
 * power = Phi((sqrt(n)|p1-p2| - z_{a/2} sqrt((p1+p2)(q1+q2)/2)) /
 * sqrt(p1 q1 + p2 q2)), which solves for sqrt(n) in closed form.
 */
double
st_power_prop(double n, double p1, double p2, double alpha)
{
	double q1 = 1 - p1, q2 = 1 - p2;

	return gsl_cdf_ugaussian_P((sqrt(n) * fabs(p1 - p2) -
	    st_norm_q(alpha / 2) * sqrt((p1 + p2) * (q1 + q2) / 2)) /
	    sqrt(p1 * q1 + p2 * q2));
}

double
st_power_prop_n(double p1, double p2, double alpha, double power)
{
	double q1 = 1 - p1, q2 = 1 - p2, s;

	if (p1 == p2 || p1 <= 0 || p1 >= 1 || p2 <= 0 || p2 >= 1)
		return NAN;
	s = (st_norm_q(alpha / 2) * sqrt((p1 + p2) * (q1 + q2) / 2) +
	    st_norm_q(1 - power) * sqrt(p1 * q1 + p2 * q2)) / fabs(p1 - p2);
	return s * s;
}

/*
 * R's power.t.test, two samples, strict = FALSE: with nu = 2(n - 1),
 * power = P(T'_{nu, ncp} > t_{nu, a/2}), ncp = sqrt(n/2) delta/sd.
 */
double
st_power_t(double n, double delta, double sd, double alpha)
{
	double nu = 2 * (n - 1);

	return 1 - st_nct_cdf(st_t_q(alpha / 2, nu), nu,
	    sqrt(n / 2) * fabs(delta) / sd);
}

struct pt_arg {
	double	 delta, sd, alpha, power;
};

static double
pt_root(double n, void *p)
{
	const struct pt_arg *a = p;

	return st_power_t(n, a->delta, a->sd, a->alpha) - a->power;
}

/* Solves power(n) = power for n in [2, 1e9] by Brent's method. */
double
st_power_t_n(double delta, double sd, double alpha, double power)
{
	struct pt_arg a = { delta, sd, alpha, power };
	gsl_function f = { pt_root, &a };
	gsl_root_fsolver *s;
	double lo = 2, hi = 1e9, r = NAN;
	int i, st;

	if (delta == 0 || !(sd > 0) || pt_root(lo, &a) > 0 ||
	    pt_root(hi, &a) < 0)
		return NAN;
	gsl_set_error_handler_off();
	if ((s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent)) == NULL)
		return NAN;
	gsl_root_fsolver_set(s, &f, lo, hi);
	for (i = 0; i < 500; i++) {
		if (gsl_root_fsolver_iterate(s) != 0)
			break;
		r = gsl_root_fsolver_root(s);
		lo = gsl_root_fsolver_x_lower(s);
		hi = gsl_root_fsolver_x_upper(s);
		st = gsl_root_test_interval(lo, hi, 1e-12, 0);
		if (st == GSL_SUCCESS)
			break;
	}
	gsl_root_fsolver_free(s);
	return r;
}

double
st_msprt_loglambda(double theta, double v, double tau2)
{
	if (!(v > 0) || isnan(theta))
		return NAN;
	return 0.5 * log(v / (v + tau2)) +
	    theta * theta * tau2 / (2 * v * (v + tau2));
}
