/*
 * lib/stats against known values: R 4.2.2 results quoted as constants
 * (the expression that produced each is beside it), closed forms, and
 * identities between functions.
 */
#include <math.h>

#include "harness.h"
#include "stats.h"

static int
near(double got, double want, double rtol)
{
	return fabs(got - want) <= rtol * fabs(want);
}

TEST(welford_precision)
{
	/* values near 1e7 differing by 0.1: the naive sum of squares fails */
	double v[] = { 1e7 + 0.1, 1e7 + 0.2, 1e7 + 0.3, 1e7 + 0.4 };
	struct st_mom a = { 0 }, b = { 0 }, all = { 0 };
	int i;

	for (i = 0; i < 4; i++) {
		st_mom_add(i < 2 ? &a : &b, v[i] - 1e7);
		st_mom_add(&all, v[i]);
	}
	st_mom_merge(&a, &b);
	/* shifted and merged: the digits the data hold (0.1 is inexact) */
	CHECK(near(st_mom_var(&a), 0.1 * 0.1 * 5 / 3, 1e-8));
	CHECK(near(a.mean + 1e7, all.mean, 1e-15));
	/* Welford unshifted still keeps about 7 digits */
	CHECK(near(st_mom_var(&all), 0.1 * 0.1 * 5 / 3, 1e-6));
	CHECK(isnan(st_mom_var(&(struct st_mom){ 1, 3, 0 })));
}

TEST(tails)
{
	/* 2 * pnorm(-1.959963984540054) = 0.05 */
	CHECK(near(st_norm_p2(1.959963984540054), 0.05, 1e-12));
	/* 2 * pt(-2, 10) = 0.07338803477074... */
	CHECK(near(st_t_p2(2, 10), 0.0733880347707404, 1e-9));
	/* pchisq(3.841458820694124, 1, lower = FALSE) = 0.05 */
	CHECK(near(st_chisq_q(3.841458820694124, 1), 0.05, 1e-12));
	/* pchisq(x, 2, lower = FALSE) = exp(-x/2), also far below 1e-308 */
	CHECK(near(st_chisq_q(100, 2), exp(-50), 1e-12));
	CHECK(near(st_chisq_log10q(2000, 2), -1000 / log(10), 1e-10));
}

TEST(far_tail_log10)
{
	/*
	 * 2 Q(z) = 2 phi(z)/z (1 - 1/z^2 + 3/z^4 - 15/z^6 ...) for large z:
	 * at z = 40, p ~ 7e-350, below the smallest double.
	 */
	double z = 40, l;

	l = (log(2) - z * z / 2 - 0.5 * log(2 * M_PI) - log(z) +
	    log(1 - 1 / (z * z) + 3 / pow(z, 4) - 15 / pow(z, 6))) / log(10);
	CHECK(st_norm_p2(z) == 0);
	CHECK(near(st_norm_log10p2(z), l, 1e-12));
	/* t with huge df is the normal */
	CHECK(near(st_t_log10p2(40, 1e12), l, 1e-6));
}

TEST(nct)
{
	/* ncp = 0 is the central t */
	CHECK(near(st_nct_cdf(1.5, 7, 0), 1 - st_t_p2(1.5, 7) / 2, 1e-10));
	/* R: power.t.test(delta = .2, sd = 1, power = .8)$n = 393.4057 */
	CHECK(near(st_power_t_n(0.2, 1, 0.05, 0.8), 393.4057, 1e-5));
	/* R: power.prop.test(p1 = .1, p2 = .12, power = .8)$n = 3840.847 */
	CHECK(near(st_power_prop_n(0.1, 0.12, 0.05, 0.8), 3840.847, 1e-6));
}

TEST(padjust)
{
	/* R: p.adjust(c(0.01, 0.04, 0.03, 0.005), m) */
	double p[] = { 0.01, 0.04, 0.03, 0.005 }, q[4];
	double holm[] = { 0.03, 0.06, 0.06, 0.02 };
	double bh[] = { 0.02, 0.04, 0.04, 0.02 };
	double hoch[] = { 0.03, 0.04, 0.04, 0.02 };
	int i;

	st_padjust(p, 4, ST_HOLM, q);
	for (i = 0; i < 4; i++)
		CHECK(near(q[i], holm[i], 1e-12));
	st_padjust(p, 4, ST_BH, q);
	for (i = 0; i < 4; i++)
		CHECK(near(q[i], bh[i], 1e-12));
	st_padjust(p, 4, ST_HOCHBERG, q);
	for (i = 0; i < 4; i++)
		CHECK(near(q[i], hoch[i], 1e-12));
	st_padjust(p, 4, ST_BY, q);
	for (i = 0; i < 4; i++)
		CHECK(near(q[i], fmin(1, bh[i] * (1 + 0.5 + 1.0 / 3 + 0.25)),
		    1e-12));
}

TEST(beta)
{
	double p, best[3];
	double a[] = { 5, 5, 5 }, b[] = { 10, 10, 10 };

	/* symmetric: P(X > Y) = 1/2, each of three equal arms 1/3 */
	CHECK(st_beta_gt(3, 7, 3, 7, &p) == 0);
	CHECK(near(p, 0.5, 1e-10));
	CHECK(st_beta_best(a, b, 3, best) == 0);
	CHECK(near(best[0], 1.0 / 3, 1e-9));
	/* Beta(1,1) vs Beta(2,1): P(X2 > X1) = 2/3 */
	CHECK(st_beta_gt(2, 1, 1, 1, &p) == 0);
	CHECK(near(p, 2.0 / 3, 1e-10));
	CHECK(near(st_beta_q(0.5, 1, 1), 0.5, 1e-12));
}

TEST(prop_r)
{
	struct st_prop r;

	/* R: prop.test(c(120, 88), c(1000, 1000)) X-squared = 5.156465 */
	st_prop(88, 1000, 120, 1000, 0.05, &r);
	CHECK(near(r.chisq[1], 5.156465, 1e-6));
	CHECK(near(r.chisq[0], 5.494505, 1e-6));
	/* no conversions at all: undefined, not 0 */
	st_prop(0, 10, 0, 10, 0.05, &r);
	CHECK(isnan(r.z_pooled) && isnan(r.p[0]));
}

int
main(void)
{
	struct harness h = { 0 };

	RUN(&h, welford_precision);
	RUN(&h, tails);
	RUN(&h, far_tail_log10);
	RUN(&h, nct);
	RUN(&h, padjust);
	RUN(&h, beta);
	RUN(&h, prop_r);
	return HARNESS_END(&h);
}
