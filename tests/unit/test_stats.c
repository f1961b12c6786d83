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

TEST(norm_best)
{
	double m[] = { 1, 1.1, 0.9 }, sd[] = { 0.05, 0.08, 0.05 }, best[3];
	double eq[] = { 2, 2, 2 }, one[] = { 1, 1, 1 };

	/* two arms: P(B > A) = Phi((mB - mA) / sqrt(sA^2 + sB^2)) */
	CHECK(st_norm_best(m, sd, 2, best) == 0);
	CHECK(near(best[1], 1 - st_norm_p2(0.1 / hypot(0.05, 0.08)) / 2,
	    1e-9));
	CHECK(near(best[0] + best[1], 1, 1e-9));
	CHECK(st_norm_best(m, sd, 3, best) == 0);
	CHECK(near(best[0] + best[1] + best[2], 1, 1e-9));
	CHECK(st_norm_best(eq, one, 3, best) == 0);
	CHECK(near(best[2], 1.0 / 3, 1e-9));
	/* a zero standard deviation is no posterior to integrate */
	sd[1] = 0;
	CHECK(st_norm_best(m, sd, 3, best) == -1);
}

/* Moments of the integers lo..hi. */
static struct st_mom
range_mom(int lo, int hi)
{
	struct st_mom m = { 0 };
	int i;

	for (i = lo; i <= hi; i++)
		st_mom_add(&m, i);
	return m;
}

TEST(ttest_r)
{
	struct st_mom a = range_mom(7, 20), b = range_mom(1, 10);
	struct st_mom c1 = { 5, 3, 0 }, c2 = { 5, 4, 0 }, one = { 1, 3, 0 };
	struct st_ttest r;

	/* R: t.test(1:10, y = c(7:20)): t = -5.4349, df = 21.982, */
	/* p = 1.855e-05 */
	st_welch(&a, &b, 0.05, &r);
	CHECK(near(r.t, -5.4349, 1e-4));
	CHECK(near(r.df, 21.982, 1e-4));
	CHECK(near(r.p, 1.855e-05, 1e-3));
	/* zero variance in both arms: no standard error, everything null */
	st_welch(&c1, &c2, 0.05, &r);
	CHECK(isnan(r.t) && isnan(r.p) && isnan(r.df) && isnan(r.ci_low));
	st_student(&c1, &c2, 0.05, &r);
	CHECK(isnan(r.t) && isnan(r.p));
	/* zero variance in one arm: Welch's df is the other arm's n - 1 */
	st_welch(&c1, &b, 0.05, &r);
	CHECK(near(r.df, 9, 1e-12) && isfinite(r.p));
	/* one unit: n - 1 = 0 */
	st_welch(&one, &b, 0.05, &r);
	CHECK(isnan(r.t) && isnan(r.p));
	st_student(&one, &b, 0.05, &r);
	CHECK(isfinite(r.t) && near(r.df, 9, 1e-12));
	st_student(&one, &(struct st_mom){ 1, 4, 0 }, 0.05, &r);
	CHECK(isnan(r.t) && isnan(r.df));
}

TEST(prop_edges)
{
	struct st_prop r;
	double a = 40, b = 60, c = 25, d = 75, n = a + b + c + d, y;

	/* Yates' classical form when the correction is the full 1/2 */
	st_prop(c, c + d, a, a + b, 0.05, &r);
	y = fabs(a * d - b * c) - n / 2;
	y = y * y * n / ((a + b) * (c + d) * (a + c) * (b + d));
	CHECK(near(r.chisq[1], y, 1e-12));
	CHECK(near(r.chisq[0], r.z_pooled * r.z_pooled, 1e-12));
	CHECK(near(r.p[0], r.p_pooled, 1e-12));
	/* every unit converts: undefined */
	st_prop(10, 10, 20, 20, 0.05, &r);
	CHECK(isnan(r.z_pooled) && isnan(r.p[1]) && isnan(r.z_unpooled));
	/* none in one arm: pooled z exists, unpooled se too */
	st_prop(0, 100, 10, 100, 0.05, &r);
	CHECK(isfinite(r.z_pooled) && isfinite(r.p[1]));
	CHECK(r.ci_low[1] >= -1 && r.ci_high[1] <= 1);
	/* a tiny difference: the correction shrinks to |d| / (1/nA + 1/nB) */
	st_prop(500, 1000, 501, 1000, 0.05, &r);
	CHECK(near(r.chisq[1], 0, 1e-12) || r.chisq[1] < 1e-20);
}

TEST(padjust_na)
{
	/* R: p.adjust(c(0.01, NA, 0.04), m): NA does not count in n */
	double p[] = { 0.01, NAN, 0.04 }, q[3];

	CHECK(st_padjust(p, 3, ST_HOLM, q) == 0);
	CHECK(near(q[0], 0.02, 1e-15) && isnan(q[1]));
	CHECK(near(q[2], 0.04, 1e-15));
	CHECK(st_padjust(p, 3, ST_BH, q) == 0);
	CHECK(near(q[0], 0.02, 1e-15) && near(q[2], 0.04, 1e-15));
	CHECK(st_padjust(p, 3, ST_BY, q) == 0);
	CHECK(near(q[0], 0.03, 1e-15) && near(q[2], 0.06, 1e-15));
	CHECK(st_padjust(p, 3, ST_BONFERRONI, q) == 0);
	CHECK(near(q[0], 0.02, 1e-15) && near(q[2], 0.08, 1e-15));
	CHECK(st_padjust(p, 0, ST_HOLM, q) == 0);
}

TEST(power_r)
{
	/* R: power.t.test(power = .9, delta = 1, tol = 1e-12)$n */
	CHECK(near(st_power_t_n(1, 1, 0.05, 0.9), 22.0210955701, 1e-9));
	/* R: power.prop.test(p1 = .5, p2 = .75, power = .9, tol = 1e-12)$n */
	CHECK(near(st_power_prop_n(0.5, 0.75, 0.05, 0.9), 76.7069284518, 1e-9));
	/* the power at the solved n is the power asked for */
	CHECK(near(st_power_t(st_power_t_n(0.3, 2, 0.01, 0.8), 0.3, 2, 0.01),
	    0.8, 1e-9));
	CHECK(isnan(st_power_prop_n(0.1, 0.1, 0.05, 0.8)));
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
	RUN(&h, norm_best);
	RUN(&h, ttest_r);
	RUN(&h, prop_edges);
	RUN(&h, padjust_na);
	RUN(&h, power_r);
	return HARNESS_END(&h);
}
