/*
 * analyze: sufficient statistics per experiment, arm and metric, and the
 * records made of them: one "srm" record per experiment, then one
 * "result" record per experiment x metric x (arm other than control).
 *
 * Per-unit values come from one pass over the unit table; summaries give
 * the same statistics directly.  Every statistic is computed by lib/stats;
 * here is only the bookkeeping, the multiple-testing family and the
 * decision rule of abtest(1).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "abtest.h"

json_t *
jnum(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *
jcount(double v)
{
	return json_integer((json_int_t)v);
}

#define SETN(o, k, v)	json_object_set_new((o), (k), jnum(v))

/* The statistics of one experiment. */
struct expst {
	int	 x;
	int	 arms[AB_MAXVAR], k, ctl;
	double	 counts[AB_MAXVAR];
	int	 summary;		/* from summary records */
	int	 partial;		/* ... of --partial output */
	int	 cuped, ratio;		/* those sections can be computed */
	int	 nm;			/* metrics (ab->mets.n) */
	int	 order[AB_MAXMET], no;	/* metrics in output order */
	struct st_mom *mom;		/* [arm * nm + met] */
	double	*conv;			/* converting units, binary metrics */
	struct st_comom *cov;		/* (covariate, metric) per arm */
	struct st_comom *rat;		/* [arm * nratio + r] (den, num) */
	/*
	 * Moments of raw events are taken of y - shift, the shift being the
	 * first value seen: values near 1e7 that differ by 0.2 then keep
	 * all their digits in the sums (the subtraction is exact).
	 */
	double	*shift;
	unsigned char *shifted;
	int	 covm, num[AB_MAXMET], den[AB_MAXMET];
};

static int
namecmp(const void *a, const void *b, void *names)
{
	const struct names *t = names;

	return strcmp(t->v[*(const int *)a], t->v[*(const int *)b]);
}

/* Insertion sort of arm indices by name (few arms). */
static void
sort_arms(int *v, int k, const struct names *t)
{
	int i, j, x;

	for (i = 1; i < k; i++) {
		x = v[i];
		for (j = i; j > 0 && namecmp(&v[j - 1], &x, (void *)t) > 0;
		    j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

static int
arm_of(const struct expst *s, int var)
{
	int i;

	for (i = 0; i < s->k; i++)
		if (s->arms[i] == var)
			return i;
	return -1;
}

static int
met_by_name(struct ab *ab, const char *name)
{
	return names_find(&ab->mets, name, strlen(name), 0);
}

static int
setup(struct ab *ab, int x, struct expst *s, struct rerr *e)
{
	const struct opts *o = ab->o;
	size_t i;
	int v, r, m;

	memset(s, 0, sizeof *s);
	s->x = x;
	s->nm = ab->mets.n;
	if (o->nvariants)
		for (v = 0; v < o->nvariants; v++)
			s->arms[s->k++] = v;
	else {
		for (v = 0; v < ab->vars.n && v < AB_MAXVAR; v++)
			if (ab->expvar[x][v])
				s->arms[s->k++] = v;
		sort_arms(s->arms, s->k, &ab->vars);
	}
	s->ctl = 0;
	if (o->control) {
		/* A control without data is an empty arm, not an error. */
		v = names_find(&ab->vars, o->control, strlen(o->control),
		    o->nvariants == 0);
		if (v < 0)
			return rerr_set(e, EX_DATAERR, NULL, 0, "control '%s' is "
			    "not configured (--variants)", o->control);
		if ((s->ctl = arm_of(s, v)) < 0) {
			if (v >= AB_MAXVAR)
				return rerr_set(e, EX_DATAERR, NULL, 0,
				    "more than %d variants", AB_MAXVAR);
			s->arms[s->k++] = v;
			if (o->nvariants == 0)
				sort_arms(s->arms, s->k, &ab->vars);
			s->ctl = arm_of(s, v);
		}
	}
	if (s->k < 2)
		return rerr_set(e, EX_DATAERR, NULL, 0,
		    "%s: experiment '%s' has only one arm ('%s'): nothing to "
		    "compare", ab->expat[x], ab->exps.v[x],
		    s->k ? ab->vars.v[s->arms[0]] : "");
	for (i = 0; i < ab->nsumm; i++)
		if (ab->summ[i].exp == x) {
			s->summary = 1;
			s->partial |= ab->summ[i].partial;
		}
	/* Raw events: a named metric nobody has an event of is all 0. */
	if (!s->summary)
		for (m = 1; m <= ab->nnamed; m++)
			ab->expmet[x][m] = 1;
	s->covm = o->covariate ? met_by_name(ab, o->covariate) : -1;
	if (s->covm > 0 && !ab->expmet[x][s->covm])
		s->covm = -1;
	for (r = 0; r < o->nratio; r++) {
		s->num[r] = met_by_name(ab, o->ratio_num[r]);
		s->den[r] = met_by_name(ab, o->ratio_den[r]);
	}
	s->cuped = s->covm > 0 && !s->summary;
	s->ratio = !s->summary;
	/* Named metrics in the order named, then the others by name. */
	for (m = 1; m < s->nm; m++)
		s->order[s->no++] = m;
	for (i = ab->nnamed + 1; (int)i < s->no; i++) {
		int j, t = s->order[i];
		for (j = i; j > ab->nnamed && strcmp(ab->mets.v[s->order[j -
		    1]], ab->mets.v[t]) > 0; j--)
			s->order[j] = s->order[j - 1];
		s->order[j] = t;
	}
	s->mom = calloc((size_t)s->k * s->nm, sizeof *s->mom);
	s->conv = calloc((size_t)s->k * s->nm, sizeof *s->conv);
	s->cov = calloc((size_t)s->k * s->nm, sizeof *s->cov);
	s->rat = calloc((size_t)s->k * (o->nratio + 1), sizeof *s->rat);
	s->shift = calloc((size_t)s->k * s->nm, sizeof *s->shift);
	s->shifted = calloc((size_t)s->k * s->nm, 1);
	if (!s->mom || !s->conv || !s->cov || !s->rat || !s->shift ||
	    !s->shifted)
		return rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
	return 0;
}

static void
expst_free(struct expst *s)
{
	free(s->mom);
	free(s->conv);
	free(s->cov);
	free(s->rat);
	free(s->shift);
	free(s->shifted);
}

/* One pass over the exposures of the table, for every experiment. */
static void
collect_units(struct ab *ab, struct expst *st, int nexp)
{
	const struct opts *o = ab->o;
	size_t j;
	uint64_t h;
	double *p, y, c, val[AB_MAXMET];
	long code;
	int x, a, m, r, nm = ab->mets.n;
	struct expst *s;

	for (j = 0; j <= ab->mask; j++) {
		if ((ab->tab[j].key & 0xff) != 1)
			continue;
		h = ab->tab[j].key & ~(uint64_t)0xff;
		code = (long)ab->tab[j].val;
		x = code / AB_MAXVAR;
		if (x >= nexp)
			continue;
		s = &st[x];
		if (s->summary || s->mom == NULL ||
		    (a = arm_of(s, code % AB_MAXVAR)) < 0)
			continue;
		s->counts[a]++;
		for (m = 1; m < nm; m++) {
			if (!ab->expmet[x][m])
				continue;
			p = ab_lookup(ab, h | (uint64_t)(m + 1));
			val[m] = p ? *p : 0;
			y = ab->isbin[m] ? val[m] > 0 : val[m];
			if (!s->shifted[a * nm + m]) {
				s->shifted[a * nm + m] = 1;
				s->shift[a * nm + m] = y;
			}
			st_mom_add(&s->mom[a * nm + m],
			    y - s->shift[a * nm + m]);
			s->conv[a * nm + m] += val[m] > 0;
		}
		if (s->covm > 0 && ab->expmet[x][s->covm]) {
			c = val[s->covm];
			for (m = 1; m < nm; m++)
				if (ab->expmet[x][m] && m != s->covm)
					st_comom_add(&s->cov[a * nm + m], c,
					    ab->isbin[m] ? val[m] > 0 : val[m]);
		}
		for (r = 0; r < o->nratio; r++)
			if (s->num[r] > 0 && s->den[r] > 0 &&
			    ab->expmet[x][s->num[r]] &&
			    ab->expmet[x][s->den[r]])
				st_comom_add(&s->rat[a * (o->nratio + 1) + r],
				    val[s->den[r]], val[s->num[r]]);
	}
}

/*
 * The moments of the units of t that are not in its part p (Chan et al.
 * run backwards); r->n = 0 when there are none.
 */
static void
mom_rest(double tn, double tmean, double tm2, double pn, double pmean,
    double pm2, struct st_comom *r)
{
	double d;

	memset(r, 0, sizeof *r);
	if (tn - pn <= 0)
		return;
	r->n = tn - pn;
	r->mx = (tn * tmean - pn * pmean) / r->n;
	d = r->mx - pmean;
	r->m2x = fmax(0, tm2 - pm2 - d * d * pn * r->n / tn);
}

/*
 * The statistics of a summary experiment: the latest look of each (arm,
 * metric), and the pair summaries of CUPED and ratio metrics.
 *
 * Partials (--partial) describe every exposed unit of their shard, but a
 * shard writes only the metrics it has seen (and those named by options).
 * A metric some shards never saw is 0 for their units, so where a merged
 * metric covers fewer units than the arm's exposures the rest are zeros;
 * in a CUPED pair those units have metric 0 and the covariate values
 * that the covariate's own summary holds beyond the pair's.
 */
static void
collect_summ(struct ab *ab, struct expst *s)
{
	const struct opts *o = ab->o;
	struct summ *u, *best[AB_MAXVAR][AB_MAXMET];
	struct st_comom g, *c;
	struct st_mom *mo, z;
	size_t i;
	int a, m, r, nm = ab->mets.n, first = -1, ex[AB_MAXVAR];
	double pad;

	memset(best, 0, sizeof best);
	memset(ex, 0, sizeof ex);
	for (i = 0; i < ab->nsumm; i++) {
		u = &ab->summ[i];
		if (u->exp != s->x || (a = arm_of(s, u->var)) < 0)
			continue;
		if (u->role == SU_CUPED && u->with == s->covm) {
			s->cov[a * nm + u->met] = u->c;
			s->cuped = 1;
		} else if (u->role == SU_RATIO) {
			for (r = 0; r < o->nratio; r++)
				if (s->num[r] == u->met &&
				    s->den[r] == u->with) {
					s->rat[a * (o->nratio + 1) + r] = u->c;
					s->ratio = 1;
				}
		} else if (u->role == SU_PLAIN && (best[a][u->met] == NULL ||
		    best[a][u->met]->look < u->look))
			best[a][u->met] = u;
	}
	for (a = 0; a < s->k; a++)
		for (m = 0; m < nm; m++) {
			if ((u = best[a][m]) == NULL)
				continue;
			if (m == 0) {
				s->counts[a] = u->c.n;
				ex[a] = 1;
				continue;
			}
			if (first < 0)
				first = m;
			mo = &s->mom[a * nm + m];
			mo->n = u->c.n;
			if (u->x >= 0) {
				s->conv[a * nm + m] = u->x;
				mo->mean = u->c.n > 0 ? u->x / u->c.n : 0;
				mo->m2 = u->c.n > 0 ?
				    u->x * (u->c.n - u->x) / u->c.n : 0;
			} else {
				mo->mean = u->c.my;
				mo->m2 = u->c.m2y;
			}
		}
	for (a = 0; a < s->k; a++) {
		if (!ex[a] && first > 0)
			s->counts[a] = s->mom[a * nm + first].n;
		if (!s->partial || !ex[a])
			continue;
		for (m = 1; m < nm; m++) {
			mo = &s->mom[a * nm + m];
			if (!ab->expmet[s->x][m] ||
			    (pad = s->counts[a] - mo->n) <= 0)
				continue;
			z = (struct st_mom){ pad, 0, 0 };
			st_mom_merge(mo, &z);
		}
		for (m = 1; m < nm && s->cuped; m++) {
			c = &s->cov[a * nm + m];
			if (!ab->expmet[s->x][m] || m == s->covm ||
			    c->n >= s->counts[a])
				continue;
			mo = &s->mom[a * nm + s->covm];
			mom_rest(mo->n, mo->mean, mo->m2, c->n, c->mx, c->m2x,
			    &g);
			st_comom_merge(c, &g);
		}
		for (r = 0; r < o->nratio && s->ratio; r++) {
			c = &s->rat[a * (o->nratio + 1) + r];
			if ((pad = s->counts[a] - c->n) <= 0)
				continue;
			g = (struct st_comom){ pad, 0, 0, 0, 0, 0 };
			st_comom_merge(c, &g);
		}
	}
}

static json_t *
jarr_names(struct ab *ab, const struct expst *s)
{
	json_t *v = json_array();
	int a;

	for (a = 0; a < s->k; a++)
		json_array_append_new(v, json_string(ab->vars.v[s->arms[a]]));
	return v;
}

static json_t *
srm_record(struct ab *ab, const struct expst *s, int *detected)
{
	const struct opts *o = ab->o;
	double w[AB_MAXVAR];
	struct st_srm r;
	json_t *rec, *c, *wv;
	int a;

	for (a = 0; a < s->k; a++)
		w[a] = o->nweights ? o->weights[s->arms[a]] : 1;
	st_srm(s->counts, w, s->k, &r);
	rec = json_object();
	json_object_set_new(rec, "type", json_string("srm"));
	json_object_set_new(rec, "exp", json_string(ab->exps.v[s->x]));
	json_object_set_new(rec, "variants", jarr_names(ab, s));
	wv = json_array();
	c = json_array();
	for (a = 0; a < s->k; a++) {
		json_array_append_new(wv, jnum(w[a]));
		json_array_append_new(c, jcount(s->counts[a]));
	}
	json_object_set_new(rec, "weights", wv);
	json_object_set_new(rec, "counts", c);
	SETN(rec, "chisq", r.chisq);
	json_object_set_new(rec, "df", isnan(r.df) ? json_null() :
	    json_integer((json_int_t)r.df));
	SETN(rec, "p", r.p);
	SETN(rec, "log10_p", r.log10_p);
	*detected = r.p < o->srm_alpha;
	json_object_set_new(rec, "srm_detected", isnan(r.p) ? json_null() :
	    json_boolean(*detected));
	return rec;
}

static json_t *
ttest_obj(const struct st_ttest *t)
{
	json_t *o = json_object();

	SETN(o, "t", t->t);
	SETN(o, "df", t->df);
	SETN(o, "p", t->p);
	SETN(o, "log10_p", t->log10_p);
	SETN(o, "ci_low", t->ci_low);
	SETN(o, "ci_high", t->ci_high);
	return o;
}

static json_t *
lift_obj(const struct st_lift *l)
{
	json_t *o = json_object();

	SETN(o, "abs_diff", l->abs_diff);
	SETN(o, "abs_se", l->abs_se);
	SETN(o, "abs_ci_low", l->abs_ci_low);
	SETN(o, "abs_ci_high", l->abs_ci_high);
	SETN(o, "abs_p", l->abs_p);
	SETN(o, "rel_lift", l->rel_lift);
	SETN(o, "rel_se", l->rel_se);
	SETN(o, "rel_ci_low", l->rel_ci_low);
	SETN(o, "rel_ci_high", l->rel_ci_high);
	SETN(o, "rel_p", l->rel_p);
	return o;
}

static json_t *
pair(double a, double b)
{
	json_t *v = json_array();

	json_array_append_new(v, jnum(a));
	json_array_append_new(v, jnum(b));
	return v;
}

static json_t *
prop_obj(const struct st_prop *p)
{
	static const char *nm[2] = { "nocc", "yates" };
	char k[64];
	json_t *o = json_object();
	int i;

	SETN(o, "p_A", p->p_a);
	SETN(o, "p_B", p->p_b);
	SETN(o, "diff", p->diff);
	SETN(o, "z_pooled", p->z_pooled);
	SETN(o, "p_pooled", p->p_pooled);
	SETN(o, "log10_p_pooled", p->log10_p_pooled);
	SETN(o, "z_unpooled", p->z_unpooled);
	SETN(o, "p_unpooled", p->p_unpooled);
	SETN(o, "ci_low_unpooled", p->ci_low_unpooled);
	SETN(o, "ci_high_unpooled", p->ci_high_unpooled);
	for (i = 0; i < 2; i++) {
		snprintf(k, sizeof k, "prop_test_%s_chisq", nm[i]);
		SETN(o, k, p->chisq[i]);
		snprintf(k, sizeof k, "prop_test_%s_p", nm[i]);
		SETN(o, k, p->p[i]);
		snprintf(k, sizeof k, "prop_test_%s_ci_low", nm[i]);
		SETN(o, k, p->ci_low[i]);
		snprintf(k, sizeof k, "prop_test_%s_ci_high", nm[i]);
		SETN(o, k, p->ci_high[i]);
	}
	return o;
}

/*
 * Beta-binomial posteriors; the expected losses follow from P(B > A)
 * identities (Stucchio 2015): E[max(pA - pB, 0)] =
 * mA P(A' > B) - mB P(A > B'), where A' ~ Beta(aA + 1, bA), B' likewise.
 */
static json_t *
bayes_obj(const struct opts *o, double xa, double na, double xb, double nb)
{
	double aa = o->prior_a + xa, ba = o->prior_b + na - xa;
	double ab = o->prior_a + xb, bb = o->prior_b + nb - xb;
	double ma = aa / (aa + ba), mb = ab / (ab + bb);
	double pba = NAN, pab = NAN, g1 = NAN, g2 = NAN, lb, la;
	json_t *j = json_object();

	if (st_beta_gt(ab, bb, aa, ba, &pba) < 0)
		pba = NAN;
	if (st_beta_gt(aa, ba, ab, bb, &pab) < 0)
		pab = NAN;
	if (st_beta_gt(aa + 1, ba, ab, bb, &g1) < 0)
		g1 = NAN;
	if (st_beta_gt(aa, ba, ab + 1, bb, &g2) < 0)
		g2 = NAN;
	lb = ma * g1 - mb * g2;
	la = mb - ma + lb;
	json_object_set_new(j, "post_A", pair(aa, ba));
	json_object_set_new(j, "post_B", pair(ab, bb));
	SETN(j, "mean_A", ma);
	SETN(j, "mean_B", mb);
	SETN(j, "p_B_gt_A", pba);
	SETN(j, "p_A_gt_B", pab);
	SETN(j, "loss_choose_B", lb);
	SETN(j, "loss_choose_A", la);
	json_object_set_new(j, "cri_A", pair(st_beta_q(o->alpha / 2, aa, ba),
	    st_beta_q(1 - o->alpha / 2, aa, ba)));
	json_object_set_new(j, "cri_B", pair(st_beta_q(o->alpha / 2, ab, bb),
	    st_beta_q(1 - o->alpha / 2, ab, bb)));
	return j;
}

static json_t *
pbest_obj(struct ab *ab, const struct expst *s, int m, double *best)
{
	const struct opts *o = ab->o;
	double a[AB_MAXVAR], b[AB_MAXVAR];
	json_t *j, *p, *w;
	int i, rc;

	for (i = 0; i < s->k; i++) {
		a[i] = o->prior_a + s->conv[i * s->nm + m];
		b[i] = o->prior_b + s->mom[i * s->nm + m].n -
		    s->conv[i * s->nm + m];
	}
	rc = st_beta_best(a, b, s->k, best);
	j = json_object();
	json_object_set_new(j, "variants", jarr_names(ab, s));
	p = json_array();
	w = json_array();
	for (i = 0; i < s->k; i++) {
		if (rc < 0)
			best[i] = NAN;
		json_array_append_new(p, jnum(best[i]));
		json_array_append_new(w, jnum(best[i]));
	}
	json_object_set_new(j, "p_best", p);
	json_object_set_new(j, "thompson_weights", w);
	return j;
}

/*
 * CUPED (Deng, Xu, Kohavi, Walker 2013) with theta = cov(y, x) / var(x)
 * over all units of both arms; the adjusted difference is
 * diff - theta (xbar_B - xbar_A), its variance from each arm's variance
 * of y - theta x = var(y) - 2 theta cov(x, y) + theta^2 var(x).
 */
static json_t *
cuped_obj(const struct st_comom *ca, const struct st_comom *cb,
    double alpha)
{
	struct st_comom all = *ca;
	double theta, va, vb, se, sea, diff, adj, z, q;
	json_t *j = json_object();

	st_comom_merge(&all, cb);
	theta = st_comom_cov(&all) / st_comom_varx(&all);
	va = st_comom_vary(ca) - 2 * theta * st_comom_cov(ca) +
	    theta * theta * st_comom_varx(ca);
	vb = st_comom_vary(cb) - 2 * theta * st_comom_cov(cb) +
	    theta * theta * st_comom_varx(cb);
	diff = cb->my - ca->my;
	adj = diff - theta * (cb->mx - ca->mx);
	se = sqrt(st_comom_vary(ca) / ca->n + st_comom_vary(cb) / cb->n);
	sea = sqrt(va / ca->n + vb / cb->n);
	z = sea > 0 ? adj / sea : NAN;
	q = st_norm_q(alpha / 2);
	SETN(j, "theta", theta);
	SETN(j, "mean_A", ca->my);
	SETN(j, "mean_B", cb->my);
	SETN(j, "cov_mean_A", ca->mx);
	SETN(j, "cov_mean_B", cb->mx);
	SETN(j, "diff", diff);
	SETN(j, "se", se);
	SETN(j, "diff_adj", adj);
	SETN(j, "se_adj", sea);
	SETN(j, "z_adj", z);
	SETN(j, "p_adj", st_norm_p2(z));
	SETN(j, "ci_low_adj", adj - q * sea);
	SETN(j, "ci_high_adj", adj + q * sea);
	SETN(j, "var_reduction", 1 - sea * sea / (se * se));
	return j;
}

static json_t *
ratio_obj(const struct st_comom *ca, const struct st_comom *cb,
    double alpha)
{
	double ra, rb, va, vb, q, se, rel, rse;
	json_t *j = json_object();

	ra = st_ratio(ca, &va);
	rb = st_ratio(cb, &vb);
	q = st_norm_q(alpha / 2);
	se = sqrt(va + vb);
	if (!(se > 0))
		se = NAN;
	rel = rb / ra - 1;
	/* delta method for rb/ra with independent arms */
	rse = sqrt(vb / (ra * ra) + rb * rb * va / (ra * ra * ra * ra));
	if (!(rse > 0))
		rse = NAN;
	SETN(j, "ratio_A", ra);
	SETN(j, "ratio_B", rb);
	SETN(j, "se_ratio_A", sqrt(va));
	SETN(j, "se_ratio_B", sqrt(vb));
	SETN(j, "abs_diff", rb - ra);
	SETN(j, "abs_se", se);
	SETN(j, "abs_ci_low", rb - ra - q * se);
	SETN(j, "abs_ci_high", rb - ra + q * se);
	SETN(j, "abs_p", st_norm_p2((rb - ra) / se));
	SETN(j, "rel_lift", rel);
	SETN(j, "rel_se", rse);
	SETN(j, "rel_ci_low", rel - q * rse);
	SETN(j, "rel_ci_high", rel + q * rse);
	SETN(j, "rel_p", st_norm_p2(rel / rse));
	return j;
}

/* Moments of one arm at one look, with the variance --variance asks. */
static void
look_mom(const struct opts *o, int bin, const struct summ *u, double *n,
    double *mean, double *var)
{
	*n = u->c.n;
	if (u->x >= 0) {
		*mean = u->x / u->c.n;
		if (o->variance && strcmp(o->variance, "sample") == 0)
			*var = u->x * (u->c.n - u->x) /
			    (u->c.n * (u->c.n - 1));
		else
			*var = *mean * (1 - *mean);
	} else {
		*mean = u->c.my;
		*var = u->c.n > 1 ? u->c.m2y / (u->c.n - 1) : NAN;
	}
}

struct look {
	long	 look;
	double	 theta, v, ll, p;
};

/* The look history of one (experiment, metric, arm); NULL: no memory. */
static struct mhist *
mhist_get(struct ab *ab, int x, int m, int var)
{
	struct mhist *h;
	size_t i;

	for (i = 0; i < ab->nmh; i++)
		if (ab->mh[i].exp == x && ab->mh[i].met == m &&
		    ab->mh[i].var == var)
			return &ab->mh[i];
	if (ab->nmh == ab->capmh) {
		size_t nc = ab->capmh ? 2 * ab->capmh : 16;
		if ((h = realloc(ab->mh, nc * sizeof *h)) == NULL)
			return NULL;
		ab->mh = h;
		ab->capmh = nc;
	}
	h = &ab->mh[ab->nmh++];
	memset(h, 0, sizeof *h);
	h->exp = x;
	h->met = m;
	h->var = var;
	h->p = 1;
	return h;
}

static json_t *
msprt_obj(struct ab *ab, const struct expst *s, int m, int arm,
    double *plast)
{
	const struct opts *o = ab->o;
	struct look lk[512];
	struct mhist *h = NULL;
	const struct summ *ua, *ub;
	double na, ma, va, nb, mb, vb, p = 1;
	json_t *j, *arr, *l;
	json_t *stop = json_null();
	int nl = 0, i, bin = ab->isbin[m], nm = s->nm;
	size_t si, sj;
	const struct st_mom *a = &s->mom[s->ctl * nm + m];
	const struct st_mom *b = &s->mom[arm * nm + m];

	if (s->summary && !s->partial) {
		/* Looks of summaries; merged partials are one look. */
		for (si = 0; si < ab->nsumm && nl < 512; si++) {
			ua = &ab->summ[si];
			if (ua->exp != s->x || ua->met != m ||
			    ua->var != s->arms[s->ctl] || ua->role != SU_PLAIN)
				continue;
			for (sj = 0; sj < ab->nsumm; sj++) {
				ub = &ab->summ[sj];
				if (ub->exp == s->x && ub->met == m &&
				    ub->var == s->arms[arm] &&
				    ub->role == SU_PLAIN &&
				    ub->look == ua->look)
					break;
			}
			if (sj == ab->nsumm)
				continue;
			look_mom(o, bin, ua, &na, &ma, &va);
			look_mom(o, bin, ub, &nb, &mb, &vb);
			lk[nl].look = ua->look;
			lk[nl].theta = mb - ma;
			lk[nl].v = va / na + vb / nb;
			nl++;
		}
		/* looks in order */
		for (i = 1; i < nl; i++) {
			struct look t = lk[i];
			int k2 = i;
			while (k2 > 0 && lk[k2 - 1].look > t.look) {
				lk[k2] = lk[k2 - 1];
				k2--;
			}
			lk[k2] = t;
		}
	} else {
		double vva, vvb;
		if (bin && !(o->variance && strcmp(o->variance, "sample") == 0)) {
			vva = a->mean * (1 - a->mean);
			vvb = b->mean * (1 - b->mean);
		} else {
			vva = st_mom_var(a);
			vvb = st_mom_var(b);
		}
		lk[0].look = 1;
		lk[0].theta = b->mean - a->mean;
		lk[0].v = vva / a->n + vvb / b->n;
		nl = 1;
		/* Each report of new events is the next look. */
		if ((h = mhist_get(ab, s->x, m, s->arms[arm])) != NULL) {
			if (h->look == 0 || h->nev != ab->nevents) {
				h->p0 = h->p;
				h->stop0 = h->stop;
				h->look++;
				h->nev = ab->nevents;
			}
			p = h->p0;
			if (h->stop0)
				stop = json_integer(h->stop0);
			lk[0].look = h->look;
		}
	}
	j = json_object();
	arr = json_array();
	for (i = 0; i < nl; i++) {
		lk[i].ll = st_msprt_loglambda(lk[i].theta, lk[i].v, o->tau2);
		if (!isnan(lk[i].ll))
			p = fmin(p, exp(-lk[i].ll));
		lk[i].p = isnan(lk[i].ll) ? NAN : p;
		l = json_object();
		json_object_set_new(l, "look", json_integer(lk[i].look));
		SETN(l, "theta_hat", lk[i].theta);
		SETN(l, "V", lk[i].v);
		SETN(l, "log_lambda", lk[i].ll);
		SETN(l, "p_always_valid", lk[i].p);
		json_array_append_new(arr, l);
		if (json_is_null(stop) && lk[i].p <= o->alpha)
			stop = json_integer(lk[i].look);
	}
	json_object_set_new(j, "looks", arr);
	json_object_set_new(j, "stop_at_look", stop);
	*plast = nl ? lk[nl - 1].p : NAN;
	if (h != NULL) {
		h->p = p;
		if (json_is_integer(stop))
			h->stop = json_integer_value(stop);
	}
	return j;
}

/* What the decision rule needs of one result. */
struct res {
	json_t	*rec;
	int	 m, arm;
	double	 diff, p, pav;	/* pav: mSPRT always-valid p, NAN if none */
};

static int
wanted(struct ab *ab, const struct expst *s, int m)
{
	const struct opts *o = ab->o;
	int i;

	if (m == 0 || m == s->covm || !ab->expmet[s->x][m])
		return 0;
	if (o->nmetrics == 0)
		return 1;
	for (i = 0; i < o->nmetrics; i++)
		if (strcmp(o->metrics[i], ab->mets.v[m]) == 0)
			return 1;
	for (i = 0; i < o->nguard; i++)
		if (strcmp(o->guard[i], ab->mets.v[m]) == 0)
			return 1;
	return 0;
}

static json_t *
result_head(struct ab *ab, const struct expst *s, const char *metric,
    const char *agg, int arm)
{
	json_t *rec = json_object();

	json_object_set_new(rec, "type", json_string("result"));
	json_object_set_new(rec, "exp", json_string(ab->exps.v[s->x]));
	json_object_set_new(rec, "metric", json_string(metric));
	json_object_set_new(rec, "agg", json_string(agg));
	json_object_set_new(rec, "control",
	    json_string(ab->vars.v[s->arms[s->ctl]]));
	json_object_set_new(rec, "variant",
	    json_string(ab->vars.v[s->arms[arm]]));
	return rec;
}

static json_t *
metric_result(struct ab *ab, const struct expst *s, int m, int arm,
    struct res *r)
{
	const struct opts *o = ab->o;
	const struct st_mom *a = &s->mom[s->ctl * s->nm + m];
	const struct st_mom *b = &s->mom[arm * s->nm + m];
	int bin = ab->isbin[m];
	double xa = s->conv[s->ctl * s->nm + m], xb = s->conv[arm * s->nm + m];
	double best[AB_MAXVAR];
	struct st_ttest w, t;
	struct st_lift l;
	struct st_prop p;
	json_t *rec;

	rec = result_head(ab, s, ab->mets.v[m], bin ? "binary" :
	    s->summary && !s->partial ? "mean" : "sum", arm);
	json_object_set_new(rec, "n_A", jcount(a->n));
	json_object_set_new(rec, "n_B", jcount(b->n));
	if (bin) {
		json_object_set_new(rec, "x_A", jcount(xa));
		json_object_set_new(rec, "x_B", jcount(xb));
	}
	SETN(rec, "mean_A", a->n ? a->mean : NAN);
	SETN(rec, "mean_B", b->n ? b->mean : NAN);
	SETN(rec, "var_A", st_mom_var(a));
	SETN(rec, "var_B", st_mom_var(b));
	SETN(rec, "diff", a->n && b->n ? b->mean - a->mean : NAN);
	st_welch(a, b, o->alpha, &w);
	st_student(a, b, o->alpha, &t);
	json_object_set_new(rec, "welch", ttest_obj(&w));
	json_object_set_new(rec, "student", ttest_obj(&t));
	st_lift(a->mean, st_mom_var(a), a->n, b->mean, st_mom_var(b), b->n,
	    o->alpha, &l);
	json_object_set_new(rec, "lift", lift_obj(&l));
	r->diff = a->n && b->n ? b->mean - a->mean : NAN;
	r->p = w.p;
	r->pav = NAN;
	if (bin) {
		st_prop(xa, a->n, xb, b->n, o->alpha, &p);
		json_object_set_new(rec, "prop", prop_obj(&p));
		json_object_set_new(rec, "bayes", bayes_obj(o, xa, a->n, xb,
		    b->n));
		json_object_set_new(rec, "pbest", pbest_obj(ab, s, m, best));
		r->p = p.p_pooled;
	}
	if (s->cuped)
		json_object_set_new(rec, "cuped", cuped_obj(
		    &s->cov[s->ctl * s->nm + m], &s->cov[arm * s->nm + m],
		    o->alpha));
	if (o->tau2 > 0)
		json_object_set_new(rec, "msprt", msprt_obj(ab, s, m, arm,
		    &r->pav));
	r->rec = rec;
	r->m = m;
	r->arm = arm;
	return rec;
}

static int
is_guard(const struct opts *o, const char *name)
{
	int i;

	for (i = 0; i < o->nguard; i++)
		if (strcmp(o->guard[i], name) == 0)
			return 1;
	return 0;
}

/*
 * The decision of one arm, on the record of the primary metric: no-ship
 * on a sample-ratio mismatch or a guardrail significantly worse (raw p <
 * alpha, difference < 0); otherwise by the primary metric's always-valid
 * p when --tau2 is given, else its Holm-adjusted p: ship when <= alpha
 * and better, no-ship when <= alpha and worse, else continue.
 */
static void
decide(struct ab *ab, struct res *rs, int nr, int srm, int primary,
    int arm)
{
	const struct opts *o = ab->o;
	struct res *pr = NULL;
	json_t *g, *gi, *adj;
	const char *dec = NULL;
	char why[512] = "";
	double p;
	int i, ok;

	for (i = 0; i < nr; i++)
		if (rs[i].m == primary && rs[i].arm == arm)
			pr = &rs[i];
	if (pr == NULL)
		return;
	g = json_array();
	for (i = 0; i < nr; i++) {
		if (rs[i].arm != arm || !is_guard(o, ab->mets.v[rs[i].m]))
			continue;
		ok = !(rs[i].p < o->alpha && rs[i].diff < 0);
		gi = json_object();
		json_object_set_new(gi, "metric",
		    json_string(ab->mets.v[rs[i].m]));
		SETN(gi, "diff", rs[i].diff);
		SETN(gi, "p", rs[i].p);
		json_object_set_new(gi, "ok", json_boolean(ok));
		json_array_append_new(g, gi);
		if (!ok && dec == NULL) {
			dec = "no-ship";
			snprintf(why, sizeof why, "guardrail '%s' is worse "
			    "(p %.3g < alpha %g)", ab->mets.v[rs[i].m],
			    rs[i].p, o->alpha);
		}
	}
	if (srm) {
		dec = "no-ship";
		snprintf(why, sizeof why, "sample ratio mismatch: the arms' "
		    "sizes do not match the weights");
	}
	if (dec == NULL) {
		adj = json_object_get(json_object_get(pr->rec, "p_adjust"),
		    "holm");
		p = isnan(pr->pav) ? (json_is_number(adj) ?
		    json_number_value(adj) : NAN) : pr->pav;
		if (isnan(p)) {
			dec = "continue";
			snprintf(why, sizeof why, "'%s': p undefined",
			    ab->mets.v[primary]);
		} else if (p <= o->alpha) {
			dec = pr->diff > 0 ? "ship" : "no-ship";
			snprintf(why, sizeof why, "'%s' %s: %s p %.3g <= %g",
			    ab->mets.v[primary], pr->diff > 0 ? "better" :
			    "worse", isnan(pr->pav) ? "Holm-adjusted" :
			    "always-valid", p, o->alpha);
		} else {
			dec = "continue";
			snprintf(why, sizeof why, "'%s' not significant: %s "
			    "p %.3g > %g", ab->mets.v[primary],
			    isnan(pr->pav) ? "Holm-adjusted" : "always-valid",
			    p, o->alpha);
		}
	}
	json_object_set_new(pr->rec, "decision", json_string(dec));
	json_object_set_new(pr->rec, "reason", json_string(why));
	json_object_set_new(pr->rec, "guardrails", g);
}

static void
adjust(struct res *rs, int nr)
{
	static const char *name[] = { "bonferroni", "holm", "hochberg", "BH",
	    "BY" };
	double *p, *q;
	json_t *o;
	int i, k;

	p = malloc((nr + 1) * sizeof *p);
	q = malloc((nr + 1) * sizeof *q);
	if (p == NULL || q == NULL)
		goto out;
	for (i = 0; i < nr; i++) {
		p[i] = rs[i].p;
		o = json_object();
		SETN(o, "p", p[i]);
		json_object_set_new(rs[i].rec, "p_adjust", o);
	}
	for (k = 0; k < 5; k++) {
		if (st_padjust(p, nr, k, q) < 0)
			break;
		for (i = 0; i < nr; i++)
			SETN(json_object_get(rs[i].rec, "p_adjust"), name[k],
			    q[i]);
	}
out:
	free(p);
	free(q);
}

static json_t *
partial_head(struct ab *ab, const struct expst *s, int a, int m)
{
	json_t *rec = json_object();

	json_object_set_new(rec, "type", json_string(s->summary &&
	    !s->partial ? "summary" : "partial"));
	json_object_set_new(rec, "exp", json_string(ab->exps.v[s->x]));
	json_object_set_new(rec, "variant",
	    json_string(ab->vars.v[s->arms[a]]));
	json_object_set_new(rec, "metric", json_string(ab->mets.v[m]));
	return rec;
}

/* A pair summary: moments of (x = with, y = metric) over the same units. */
static void
pair_fields(json_t *rec, const char *role, const char *with,
    const struct st_comom *c)
{
	double n1 = c->n - 1;

	json_object_set_new(rec, role, json_string(with));
	json_object_set_new(rec, "n", jcount(c->n));
	SETN(rec, "mean", c->n ? c->my : 0);
	SETN(rec, "var", c->n > 1 ? c->m2y / n1 : 0);
	SETN(rec, "pair_mean", c->n ? c->mx : 0);
	SETN(rec, "pair_var", c->n > 1 ? c->m2x / n1 : 0);
	SETN(rec, "covariance", c->n > 1 ? c->cxy / n1 : 0);
}

/*
 * --partial: the sufficient statistics of every arm, as records --merge
 * adds up: the exposures, each metric's count with its conversions or
 * mean and variance, and the pairs CUPED (metric, covariate) and ratio
 * metrics (numerator, denominator) need.
 */
static int
partials(struct ab *ab, const struct expst *s, FILE *out)
{
	const struct opts *o = ab->o;
	json_t *rec;
	int a, i, m, r;

	for (a = 0; a < s->k; a++) {
		rec = partial_head(ab, s, a, 0);
		json_object_set_new(rec, "n", jcount(s->counts[a]));
		ndj_write(out, rec);
		json_decref(rec);
		for (i = 0; i < s->no; i++) {
			const struct st_mom *mo;
			m = s->order[i];
			mo = &s->mom[a * s->nm + m];
			if (!ab->expmet[s->x][m])
				continue;
			rec = partial_head(ab, s, a, m);
			json_object_set_new(rec, "n", jcount(mo->n));
			if (ab->isbin[m])
				json_object_set_new(rec, "x",
				    jcount(s->conv[a * s->nm + m]));
			else {
				SETN(rec, "mean", mo->n ? mo->mean : 0);
				SETN(rec, "var", mo->n > 1 ? st_mom_var(mo) :
				    0);
			}
			ndj_write(out, rec);
			json_decref(rec);
		}
		for (i = 0; i < s->no && s->cuped; i++) {
			m = s->order[i];
			if (!ab->expmet[s->x][m] || m == s->covm)
				continue;
			rec = partial_head(ab, s, a, m);
			pair_fields(rec, "covariate", o->covariate,
			    &s->cov[a * s->nm + m]);
			ndj_write(out, rec);
			json_decref(rec);
		}
		for (r = 0; r < o->nratio && s->ratio; r++) {
			if (s->num[r] <= 0 || s->den[r] <= 0)
				continue;
			rec = partial_head(ab, s, a, s->num[r]);
			pair_fields(rec, "denominator", o->ratio_den[r],
			    &s->rat[a * (o->nratio + 1) + r]);
			ndj_write(out, rec);
			json_decref(rec);
		}
	}
	return 0;
}

/*
 * Thompson sampling's traffic weights (Thompson 1933; Scott 2010, "A
 * modern Bayesian look at the multi-armed bandit"): each arm's posterior
 * probability of being the best.  Binary metrics have Beta(prior + x,
 * prior + n - x) posteriors; other metrics the normal posterior of the
 * mean under a flat prior with the sample variance plugged in,
 * N(mean, var/n).  Both are integrated numerically, so the weights are
 * the same on every run without a random seed.
 */
static void
allocation(struct ab *ab, const struct expst *s, int m, FILE *out)
{
	double best[AB_MAXVAR], mean[AB_MAXVAR], sd[AB_MAXVAR];
	const struct st_mom *mo;
	json_t *j = NULL, *rec;
	int a, ok = 1;

	if (ab->isbin[m])
		j = pbest_obj(ab, s, m, best);
	else {
		for (a = 0; a < s->k; a++) {
			mo = &s->mom[a * s->nm + m];
			mean[a] = mo->mean;
			sd[a] = sqrt(st_mom_var(mo) / mo->n);
			if (!(sd[a] > 0) || !isfinite(mean[a]))
				ok = 0;
		}
		if (!ok || st_norm_best(mean, sd, s->k, best) < 0)
			for (a = 0; a < s->k; a++)
				best[a] = NAN;
	}
	for (a = 0; a < s->k; a++) {
		rec = json_object();
		json_object_set_new(rec, "type", json_string("allocation"));
		json_object_set_new(rec, "exp", json_string(ab->exps.v[s->x]));
		json_object_set_new(rec, "metric", json_string(ab->mets.v[m]));
		json_object_set_new(rec, "variant",
		    json_string(ab->vars.v[s->arms[a]]));
		json_object_set_new(rec, "posterior", json_string(
		    ab->isbin[m] ? "beta" : "normal"));
		SETN(rec, "weight", best[a]);
		ndj_write(out, rec);
		json_decref(rec);
	}
	json_decref(j);
}

static int
report_exp(struct ab *ab, struct expst *s, FILE *out, struct rerr *e)
{
	const struct opts *o = ab->o;
	struct res *rs;
	json_t *rec;
	int i, m, a, r, nr = 0, srm, primary = -1;
	struct st_comom *ca, *cb;

	if (o->partial)
		return partials(ab, s, out);
	for (i = 0; i < s->no; i++) {
		m = s->order[i];
		if (wanted(ab, s, m) && !is_guard(o, ab->mets.v[m])) {
			primary = m;
			break;
		}
	}
	if (o->allocate) {
		if (primary < 0)
			return rerr_set(e, EX_DATAERR, NULL, 0,
			    "%s: experiment '%s' has no metric to allocate by",
			    ab->expat[s->x], ab->exps.v[s->x]);
		allocation(ab, s, primary, out);
		return 0;
	}
	rec = srm_record(ab, s, &srm);
	ndj_write(out, rec);
	json_decref(rec);
	rs = calloc((size_t)s->nm * s->k + 1, sizeof *rs);
	if (rs == NULL)
		return rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
	for (i = 0; i < s->no; i++) {
		m = s->order[i];
		if (!wanted(ab, s, m))
			continue;
		for (a = 0; a < s->k; a++)
			if (a != s->ctl) {
				metric_result(ab, s, m, a, &rs[nr]);
				nr++;
			}
	}
	adjust(rs, nr);
	for (a = 0; a < s->k; a++)
		if (a != s->ctl && primary > 0)
			decide(ab, rs, nr, srm, primary, a);
	for (r = 0; r < nr; r++) {
		ndj_write(out, rs[r].rec);
		json_decref(rs[r].rec);
	}
	free(rs);
	/* ratio metrics, from event input */
	for (r = 0; r < o->nratio && s->ratio; r++) {
		char name[512];
		if (s->num[r] <= 0 || s->den[r] <= 0)
			continue;
		snprintf(name, sizeof name, "%s/%s", o->ratio_num[r],
		    o->ratio_den[r]);
		for (a = 0; a < s->k; a++) {
			if (a == s->ctl)
				continue;
			ca = &s->rat[s->ctl * (o->nratio + 1) + r];
			cb = &s->rat[a * (o->nratio + 1) + r];
			rec = result_head(ab, s, name, "ratio", a);
			json_object_set_new(rec, "n_A", jcount(ca->n));
			json_object_set_new(rec, "n_B", jcount(cb->n));
			json_object_set_new(rec, "ratio",
			    ratio_obj(ca, cb, o->alpha));
			ndj_write(out, rec);
			json_decref(rec);
		}
	}
	return 0;
}

int
ab_report(struct ab *ab, FILE *out, struct rerr *e)
{
	struct expst *st;
	int x, nexp = ab->exps.n, rv = 0;
	size_t i;

	if (ab_flush(ab, e) < 0)
		return e->code;
	if (nexp == 0) {
		if (ab->o->exp)
			return rerr_set(e, EX_DATAERR, NULL, 0,
			    "no records of experiment '%s'", ab->o->exp);
		return 0;
	}
	if ((st = calloc(nexp, sizeof *st)) == NULL)
		return rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
	for (x = 0; x < nexp && rv == 0; x++)
		rv = setup(ab, x, &st[x], e);
	if (rv == 0) {
		collect_units(ab, st, nexp);
		for (x = 0; x < nexp; x++)
			for (i = 0; i < (size_t)st[x].k * st[x].nm; i++)
				st[x].mom[i].mean += st[x].shift[i];
		for (x = 0; x < nexp && rv == 0; x++) {
			if (st[x].summary)
				collect_summ(ab, &st[x]);
			rv = report_exp(ab, &st[x], out, e);
		}
	}
	for (x = 0; x < nexp; x++)
		expst_free(&st[x]);
	free(st);
	return rv;
}
