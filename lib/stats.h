/*
 * stats: distributions, tests and intervals for experiment analysis, on
 * libgsl, and the mergeable sufficient statistics they start from.
 *
 * Moments are kept the way Welford (1962) and Chan, Golub and LeVeque
 * (1979) keep them: count, mean and the sum of squared deviations, so a
 * variance of values near 1e7 with a spread of 0.2 keeps its digits, and
 * two partial results (from two shards of the units) merge exactly as if
 * one pass had seen all the values.
 *
 * Every function returns NAN for a quantity that is mathematically
 * undefined (0/0, n - 1 = 0, a zero standard error); the writer turns NAN
 * into JSON null.  Tests are two-sided; differences are treatment minus
 * control ("B - A"); intervals are at level 1 - alpha.
 *
 * GSL's default error handler aborts the process; the functions here turn
 * it off (gsl_set_error_handler_off) and check results themselves.
 *
 * Ownership: nothing here allocates except st_padjust's scratch, which it
 * frees.  No function prints or exits.
 */
#ifndef REEL_STATS_H
#define REEL_STATS_H

#include <stddef.h>

/* Count, mean and sum of squared deviations of one variable. */
struct st_mom {
	double	 n, mean, m2;
};
/* The same for a pair (x, y), with the sum of co-deviations. */
struct st_comom {
	double	 n, mx, my, m2x, m2y, cxy;
};

void	 st_mom_add(struct st_mom *m, double v);
/* Adds b into a (Chan et al. pairwise update). */
void	 st_mom_merge(struct st_mom *a, const struct st_mom *b);
/* Sample variance (n - 1 denominator); NAN when n < 2. */
double	 st_mom_var(const struct st_mom *m);
void	 st_comom_add(struct st_comom *c, double x, double y);
void	 st_comom_merge(struct st_comom *a, const struct st_comom *b);
/* Sample covariance of x and y (n - 1 denominator); NAN when n < 2. */
double	 st_comom_cov(const struct st_comom *c);
double	 st_comom_varx(const struct st_comom *c);
double	 st_comom_vary(const struct st_comom *c);

/*
 * Tail probabilities.  Each two-sided p-value is computed from an upper
 * tail function (erfc, the regularised incomplete beta and gamma
 * functions), never as 1 - cdf, so it keeps its relative precision down
 * to the smallest double; the log10 variants stay finite below that.
 */
double	 st_norm_p2(double z);		/* 2 * P(Z > |z|) */
double	 st_norm_log10p2(double z);
double	 st_t_p2(double t, double df);	/* 2 * P(T_df > |t|) */
double	 st_t_log10p2(double t, double df);
double	 st_chisq_q(double x, double df);	/* P(X^2_df > x) */
double	 st_chisq_log10q(double x, double df);
double	 st_norm_q(double p);		/* upper quantile: P(Z > q) = p */
double	 st_t_q(double p, double df);	/* upper quantile of T_df */

/* Cumulative distribution of the noncentral t (AS 243, Lenth 1989). */
double	 st_nct_cdf(double t, double df, double ncp);

/* Welch's or Student's two-sample t test of B - A. */
struct st_ttest {
	double	 diff, se, t, df, p, log10_p, ci_low, ci_high;
};
void	 st_welch(const struct st_mom *a, const struct st_mom *b,
	    double alpha, struct st_ttest *r);
void	 st_student(const struct st_mom *a, const struct st_mom *b,
	    double alpha, struct st_ttest *r);

/* Two proportions, B - A: z tests and R's prop.test. */
struct st_prop {
	double	 p_a, p_b, diff;
	double	 z_pooled, p_pooled, log10_p_pooled;
	double	 z_unpooled, p_unpooled, ci_low_unpooled, ci_high_unpooled;
	double	 chisq[2], p[2], ci_low[2], ci_high[2];	/* [0] no cc, [1] Yates */
};
void	 st_prop(double x_a, double n_a, double x_b, double n_b, double alpha,
	    struct st_prop *r);

/*
 * Absolute and relative lift of means with normal intervals; the relative
 * lift's variance by the delta method:
 * var(mB/mA - 1) = vB/(nB mA^2) + mB^2 vA/(nA mA^4).
 */
struct st_lift {
	double	 abs_diff, abs_se, abs_ci_low, abs_ci_high, abs_p;
	double	 rel_lift, rel_se, rel_ci_low, rel_ci_high, rel_p;
};
void	 st_lift(double m_a, double v_a, double n_a, double m_b, double v_b,
	    double n_b, double alpha, struct st_lift *r);

/*
 * A ratio metric sum(Y)/sum(Z) over units, with the delta-method
 * variance of Deng, Knoblich and Lu (2018):
 * var(R) = (sY^2/Zb^2 - 2 Yb sYZ/Zb^3 + Yb^2 sZ^2/Zb^4) / n.
 * c holds (x = Z, y = Y) per unit.  Returns R and sets *var.
 */
double	 st_ratio(const struct st_comom *c, double *var);

/* Sample-ratio mismatch: Pearson chi-square against weights w. */
struct st_srm {
	double	 chisq, df, p, log10_p;
};
void	 st_srm(const double *counts, const double *w, int k, struct st_srm *r);

/*
 * Beta posteriors.  st_beta_gt returns P(X > Y) for X ~ Beta(a1, b1) and
 * Y ~ Beta(a2, b2); st_beta_best sets best[i] = P(arm i has the largest
 * rate) for k arms.  Both integrate numerically (GSL QAG, relative error
 * 1e-12).  Return 0, or -1 when the integration fails.
 */
int	 st_beta_gt(double a1, double b1, double a2, double b2, double *p);
int	 st_beta_best(const double *a, const double *b, int k, double *best);
double	 st_beta_q(double p, double a, double b);	/* lower quantile */
/*
 * The same for k normals N(mean[i], sd[i]^2), every sd > 0: best[i] =
 * integral of phi_i(x) prod_{j != i} Phi_j(x).  0, or -1 when the
 * integration fails.
 */
int	 st_norm_best(const double *mean, const double *sd, int k,
	    double *best);

/* Multiple testing, as R's p.adjust defines each method. */
enum st_adj { ST_BONFERRONI, ST_HOLM, ST_HOCHBERG, ST_BH, ST_BY };
/* Sets out[i] to the adjusted p[i]; NAN inputs stay NAN and don't count. */
int	 st_padjust(const double *p, size_t n, enum st_adj m, double *out);

/*
 * Sample size per arm as R's power.prop.test and power.t.test (two-sided,
 * strict = FALSE, two samples) solve for it.  NAN when impossible.
 */
double	 st_power_prop_n(double p1, double p2, double alpha, double power);
double	 st_power_t_n(double delta, double sd, double alpha, double power);
/* The power of those tests at n per arm. */
double	 st_power_prop(double n, double p1, double p2, double alpha);
double	 st_power_t(double n, double delta, double sd, double alpha);

/*
 * mSPRT of Johari, Koomen, Pekelis and Walsh (2017), normal mixture with
 * variance tau2 on the difference: for theta = mB - mA and V = its
 * variance, log Lambda = 0.5 ln(V/(V+tau2)) + theta^2 tau2/(2V(V+tau2)).
 */
double	 st_msprt_loglambda(double theta, double v, double tau2);

#endif /* REEL_STATS_H */
