/*
 * ingest: events and summaries into the unit table and summary list.
 *
 * Raw events follow the rules of abtest(1): a unit joins its experiment at
 * its first "exposure" event, whose variant is its arm (duplicates count
 * once, a second arm is bad data); its value of a metric is the sum of
 * its events of that metric; outcomes of units never exposed are kept in
 * the table but never read.  Both parse paths (ndj_flat_parse and
 * jansson) end in ab_event or ab_summary with the same arguments.
 */
#include <sys/mman.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "abtest.h"
#include "hash.h"

static struct slot *tab_alloc(size_t);

int
names_find(struct names *t, const char *s, size_t len, int add)
{
	int i;
	char **nv;
	size_t *nl;

	for (i = 0; i < t->n; i++)
		if (t->len[i] == len && memcmp(t->v[i], s, len) == 0)
			return i;
	if (!add)
		return -1;
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 16;
		if ((nv = realloc(t->v, t->cap * sizeof *nv)) == NULL)
			return -2;
		t->v = nv;
		if ((nl = realloc(t->len, t->cap * sizeof *nl)) == NULL)
			return -2;
		t->len = nl;
	}
	if ((t->v[t->n] = malloc(len + 1)) == NULL)
		return -2;
	memcpy(t->v[t->n], s, len);
	t->v[t->n][len] = '\0';
	t->len[t->n] = len;
	return t->n++;
}

static void
names_free(struct names *t)
{
	int i;

	for (i = 0; i < t->n; i++)
		free(t->v[i]);
	free(t->v);
	free(t->len);
}

/* Registers a metric named by an option; -1 when out of memory. */
static int
named(struct ab *ab, const char *name)
{
	return names_find(&ab->mets, name, strlen(name), 1) < 0 ? -1 : 0;
}

/*
 * Metrics named by options come first in the metric table, in the order
 * -m, -b, --guardrail, --covariate, -r: they are analysed in every
 * experiment of raw events even where nobody has an event of them (every
 * unit is then 0), and the first -m is the primary metric.
 */
int
ab_init(struct ab *ab, const struct opts *o)
{
	int i, m;

	memset(ab, 0, sizeof *ab);
	ab->o = o;
	ab->last_exp = -1;
	ab->mask = (1 << 16) - 1;
	if ((ab->tab = tab_alloc(ab->mask + 1)) == NULL)
		return -1;
	if (names_find(&ab->mets, "exposure", 8, 1) != 0)
		return -1;
	for (i = 0; i < o->nvariants; i++)
		if (names_find(&ab->vars, o->variants[i],
		    strlen(o->variants[i]), 1) < 0)
			return -1;
	for (i = 0; i < o->nmetrics; i++)
		if (named(ab, o->metrics[i]) < 0)
			return -1;
	for (i = 0; i < o->nbinary; i++) {
		if (named(ab, o->binary[i]) < 0)
			return -1;
		m = names_find(&ab->mets, o->binary[i], strlen(o->binary[i]),
		    0);
		ab->isbin[m] = 1;
	}
	for (i = 0; i < o->nguard; i++)
		if (named(ab, o->guard[i]) < 0)
			return -1;
	if (o->covariate && named(ab, o->covariate) < 0)
		return -1;
	for (i = 0; i < o->nratio; i++)
		if (named(ab, o->ratio_num[i]) < 0 ||
		    named(ab, o->ratio_den[i]) < 0)
			return -1;
	if (ab->mets.n > AB_MAXMET)
		return -1;
	ab->nnamed = ab->mets.n - 1;
	return 0;
}

void
ab_free(struct ab *ab)
{
	int x;

	names_free(&ab->exps);
	names_free(&ab->vars);
	names_free(&ab->mets);
	free(ab->tab);
	free(ab->expvar);
	free(ab->expmet);
	for (x = 0; x < ab->expcap && ab->expat; x++)
		free(ab->expat[x]);
	free(ab->expat);
	free(ab->expkind);
	free(ab->summ);
	free(ab->mh);
}

/* 64-bit FNV-1a, then the splitmix64 finaliser for the low bits. */
static uint64_t
unit_hash(int exp, const char *s, size_t n)
{
	return hash_fmix64(hash_fnv1a(HASH_FNV_INIT ^ (uint64_t)exp *
	    HASH_GOLDEN, s, n));
}

static size_t
slot_of(uint64_t k, size_t mask)
{
	return (size_t)((k * HASH_GOLDEN) >> 20) & mask;
}

/*
 * A zeroed table of n slots.  Big tables are aligned to 2 MB and asked
 * for transparent huge pages: every event touches a random slot, and
 * with 4 kB pages most of those touches would also miss the TLB.
 */
static struct slot *
tab_alloc(size_t n)
{
	size_t bytes = n * sizeof(struct slot);
	void *p;

	if (bytes < (2 << 20))
		return calloc(n, sizeof(struct slot));
	if (posix_memalign(&p, 2 << 20, bytes) != 0)
		return NULL;
#ifdef MADV_HUGEPAGE
	madvise(p, bytes, MADV_HUGEPAGE);
#endif
	memset(p, 0, bytes);
	return p;
}

static int
grow(struct ab *ab)
{
	size_t nmask = ab->mask * 2 + 1, i, j;
	struct slot *nt;

	if ((nt = tab_alloc(nmask + 1)) == NULL)
		return -1;
	for (i = 0; i <= ab->mask; i++) {
		if (ab->tab[i].key == 0)
			continue;
		for (j = slot_of(ab->tab[i].key, nmask); nt[j].key;
		    j = (j + 1) & nmask)
			;
		nt[j] = ab->tab[i];
	}
	free(ab->tab);
	ab->tab = nt;
	ab->mask = nmask;
	return 0;
}

/* Finds key, inserting it with value 0 (and *isnew) when absent. */
static double *
upsert(struct ab *ab, uint64_t k, int *isnew)
{
	size_t j;

	for (j = slot_of(k, ab->mask); ab->tab[j].key; j = (j + 1) & ab->mask)
		if (ab->tab[j].key == k) {
			*isnew = 0;
			return &ab->tab[j].val;
		}
	if (ab->used + 1 > (ab->mask + 1) / 8 * 7) {
		if (grow(ab) < 0)
			return NULL;
		return upsert(ab, k, isnew);
	}
	ab->tab[j].key = k;
	ab->tab[j].val = 0;
	ab->used++;
	*isnew = 1;
	return &ab->tab[j].val;
}

/* The value of key, or NULL. */
double *
ab_lookup(struct ab *ab, uint64_t k)
{
	size_t j;

	for (j = slot_of(k, ab->mask); ab->tab[j].key; j = (j + 1) & ab->mask)
		if (ab->tab[j].key == k)
			return &ab->tab[j].val;
	return NULL;
}

static int
exp_index(struct ab *ab, struct ndj_reader *r, const char *s, size_t n,
    struct rerr *e)
{
	int x;
	void *p;

	if (ab->last_exp >= 0 && n == ab->last_exp_len &&
	    memcmp(s, ab->last_exp_s, n) == 0)
		return ab->last_exp;
	if ((x = names_find(&ab->exps, s, n, 1)) < 0)
		return rerr_set(e, EX_SOFTWARE, ndj_name(r), ndj_line(r),
		    "out of memory"), -1;
	if (x >= AB_MAXEXP)
		return rerr_set(e, EX_DATAERR, ndj_name(r), ndj_line(r),
		    "more than %d experiments", AB_MAXEXP), -1;
	if (x >= ab->expcap) {
		int ncap = ab->expcap ? 2 * ab->expcap : 8;
		if ((p = realloc(ab->expvar, ncap * sizeof *ab->expvar)) == NULL)
			goto nomem;
		ab->expvar = p;
		if ((p = realloc(ab->expmet, ncap * sizeof *ab->expmet)) == NULL)
			goto nomem;
		ab->expmet = p;
		if ((p = realloc(ab->expat, ncap * sizeof *ab->expat)) == NULL)
			goto nomem;
		ab->expat = p;
		if ((p = realloc(ab->expkind, ncap)) == NULL)
			goto nomem;
		ab->expkind = p;
		memset(ab->expkind + ab->expcap, 0, ncap - ab->expcap);
		memset(ab->expvar + ab->expcap, 0,
		    (ncap - ab->expcap) * sizeof *ab->expvar);
		memset(ab->expmet + ab->expcap, 0,
		    (ncap - ab->expcap) * sizeof *ab->expmet);
		memset(ab->expat + ab->expcap, 0,
		    (ncap - ab->expcap) * sizeof *ab->expat);
		ab->expcap = ncap;
	}
	if (ab->expat[x] == NULL) {
		/* Where the experiment starts, for messages about all of it. */
		char buf[64];
		size_t nl;
		snprintf(buf, sizeof buf, ":%ld", (long)ndj_line(r));
		nl = strlen(ndj_name(r));
		if ((ab->expat[x] = malloc(nl + strlen(buf) + 1)) == NULL)
			goto nomem;
		memcpy(ab->expat[x], ndj_name(r), nl);
		strcpy(ab->expat[x] + nl, buf);
	}
	ab->last_exp = x;
	ab->last_exp_s = ab->exps.v[x];
	ab->last_exp_len = n;
	return x;
nomem:
	return rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory"), -1;
}

static int
var_index(struct ab *ab, struct ndj_reader *r, int x, const char *s,
    size_t n, struct rerr *e)
{
	int v;

	v = names_find(&ab->vars, s, n, ab->o->nvariants == 0);
	if (v == -1)
		return rerr_set(e, EX_DATAERR, ndj_name(r), ndj_line(r),
		    "variant '%.*s' is not configured (--variants)", (int)n,
		    s), -1;
	if (v < 0)
		return rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory"), -1;
	if (v >= AB_MAXVAR)
		return rerr_set(e, EX_DATAERR, ndj_name(r), ndj_line(r),
		    "more than %d variants", AB_MAXVAR), -1;
	ab->expvar[x][v] = 1;
	return v;
}

static int
met_index(struct ab *ab, struct ndj_reader *r, int x, const char *s,
    size_t n, struct rerr *e)
{
	int m;

	if ((m = names_find(&ab->mets, s, n, 1)) < 0)
		return rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory"), -1;
	if (m >= AB_MAXMET)
		return rerr_set(e, EX_DATAERR, ndj_name(r), ndj_line(r),
		    "more than %d metrics", AB_MAXMET - 1), -1;
	ab->expmet[x][m] = 1;
	return m;
}

/* The fields of one record, from either parse path. */
struct fields {
	const char *exp, *var, *unit, *met, *with;
	size_t	 explen, varlen, unitlen, metlen, withlen;
	int	 has_value, has_n, has_x, has_mean, has_var, has_look;
	int	 has_pmean, has_pvar, has_cov;
	int	 role;		/* SU_CUPED "covariate", SU_RATIO "denominator" */
	int	 partial;	/* "type":"partial" */
	double	 value, n, x, mean, var_, pmean, pvar, cov;
	const char *wv[2];	/* "covariate", "denominator" as read */
	size_t	 wlen[2];
	long	 look;
	const char *bad;	/* the first field of a wrong type */
};

static int
bad(struct ndj_reader *r, struct rerr *e, const char *fmt, const char *k)
{
	return rerr_set(e, EX_DATAERR, ndj_name(r), ndj_line(r), fmt, k), -1;
}

/* Checks the numbers of a summary record; 0 or -1 with e set. */
static int
summ_check(struct ndj_reader *r, const struct fields *f, int m,
    struct rerr *e)
{
	if (!f->has_n)
		return bad(r, e, "field '%s' is missing (need unit for an "
		    "event, n for a summary)", "n");
	if (!isfinite(f->n) || f->n < 0 || f->n != floor(f->n))
		return bad(r, e, "field '%s' is not a count", "n");
	if (f->has_x && (!isfinite(f->x) || f->x < 0 || f->x > f->n ||
	    f->x != floor(f->x)))
		return bad(r, e, "field '%s' is not a count in [0, n]", "x");
	if (f->has_mean && !isfinite(f->mean))
		return bad(r, e, "field '%s' is not finite", "mean");
	if (f->has_var && (!isfinite(f->var_) || f->var_ < 0))
		return bad(r, e, "field '%s' is not a variance", "var");
	if (f->has_look && f->look < 0)
		return bad(r, e, "field '%s' is negative", "look");
	if (f->with != NULL) {
		if (!f->has_mean || !f->has_var)
			return bad(r, e, "field '%s' is missing (a pair "
			    "summary has mean, var, pair_mean, pair_var and "
			    "covariance)", f->has_mean ? "var" : "mean");
		if (!f->has_pmean || !isfinite(f->pmean))
			return bad(r, e, "field '%s' is missing or not finite",
			    "pair_mean");
		if (!f->has_pvar || !isfinite(f->pvar) || f->pvar < 0)
			return bad(r, e, "field '%s' is missing or not a "
			    "variance", "pair_var");
		if (!f->has_cov || !isfinite(f->cov))
			return bad(r, e, "field '%s' is missing or not finite",
			    "covariance");
		return 0;
	}
	if (m != 0 && !f->has_x && !(f->has_mean && f->has_var))
		return bad(r, e, "field '%s' is missing (a summary has x, or "
		    "mean and var)", f->has_mean ? "var" : "mean");
	return 0;
}

/*
 * A summary record into the summary list.  Without --merge a second
 * record of the same experiment, arm, metric (pair) and look is bad data;
 * with it the two are partials of disjoint units and add up, moments by
 * the update of Chan, Golub and LeVeque (1979).
 */
static int
summary(struct ab *ab, struct ndj_reader *r, struct fields *f, int x, int v,
    int m, struct rerr *e)
{
	struct st_comom c;
	struct summ *s;
	size_t i;
	int w = -1;

	if (summ_check(r, f, m, e) < 0)
		return -1;
	if (f->with != NULL && (w = met_index(ab, r, x, f->with, f->withlen,
	    e)) < 0)
		return -1;
	memset(&c, 0, sizeof c);
	c.n = f->n;
	if (f->has_mean && f->has_var) {
		c.my = f->mean;
		c.m2y = f->n > 1 ? f->var_ * (f->n - 1) : 0;
	}
	if (f->with != NULL) {
		c.mx = f->pmean;
		c.m2x = f->n > 1 ? f->pvar * (f->n - 1) : 0;
		c.cxy = f->n > 1 ? f->cov * (f->n - 1) : 0;
	}
	for (i = 0; i < ab->nsumm; i++) {
		s = &ab->summ[i];
		if (s->exp != x || s->var != v || s->met != m ||
		    s->role != f->role || s->with != w || s->look != f->look)
			continue;
		if (!ab->o->merge)
			return rerr_set(e, EX_DATAERR, ndj_name(r), ndj_line(r),
			    "duplicate summary for '%s' '%s' '%s'%s%s%s (use "
			    "--merge to add partials)", ab->exps.v[x],
			    ab->vars.v[v], ab->mets.v[m], w < 0 ? "" : " by '",
			    w < 0 ? "" : ab->mets.v[w], w < 0 ? "" : "'"), -1;
		if (s->x >= 0 && f->has_x)
			s->x += f->x;
		if (s->hasmom && f->has_mean && f->has_var)
			st_comom_merge(&s->c, &c);
		else
			s->c.n += f->n;
		s->partial |= f->partial;
		break;
	}
	if (i == ab->nsumm) {
		if (ab->nsumm == ab->capsumm) {
			size_t nc = ab->capsumm ? 2 * ab->capsumm : 16;
			void *np = realloc(ab->summ, nc * sizeof *s);
			if (np == NULL)
				return rerr_set(e, EX_SOFTWARE, NULL, 0,
				    "out of memory"), -1;
			ab->summ = np;
			ab->capsumm = nc;
		}
		s = &ab->summ[ab->nsumm++];
		s->exp = x;
		s->var = v;
		s->met = m;
		s->role = f->role;
		s->with = w;
		s->look = f->look;
		s->partial = f->partial;
		s->hasmom = f->has_mean && f->has_var;
		s->x = f->has_x ? f->x : -1;
		s->c = c;
	}
	if (f->has_x && f->with == NULL)
		ab->isbin[m] = 1;
	return 0;
}

static int
ingest(struct ab *ab, struct ndj_reader *r, struct fields *f, struct rerr *e)
{
	const struct opts *o = ab->o;
	int x, v, m, isnew;
	uint64_t h, k;
	double *p;

	if (f->bad)
		return bad(r, e, "field '%s' has the wrong type", f->bad);
	if (f->wv[0] && f->wv[1])
		return bad(r, e, "fields 'covariate' and '%s' are both given",
		    "denominator");
	if (f->wv[0] || f->wv[1]) {
		f->role = f->wv[0] ? SU_CUPED : SU_RATIO;
		f->with = f->wv[f->role - 1];
		f->withlen = f->wlen[f->role - 1];
	}
	if (f->exp == NULL)
		return bad(r, e, "field '%s' is missing", "exp");
	if (o->exp && (strlen(o->exp) != f->explen ||
	    memcmp(o->exp, f->exp, f->explen) != 0)) {
		ab->nskipped++;
		return 0;
	}
	if (f->var == NULL)
		return bad(r, e, "field '%s' is missing", "variant");
	if (f->met == NULL)
		return bad(r, e, "field '%s' is missing", "metric");
	if ((x = exp_index(ab, r, f->exp, f->explen, e)) < 0 ||
	    (v = var_index(ab, r, x, f->var, f->varlen, e)) < 0 ||
	    (m = met_index(ab, r, x, f->met, f->metlen, e)) < 0)
		return -1;
	/* One experiment is analysed from events or from summaries. */
	if (ab->expkind[x] != (f->unit ? 1 : 2)) {
		if (ab->expkind[x] != 0)
			return rerr_set(e, EX_DATAERR, ndj_name(r), ndj_line(r),
			    "experiment '%s' has both events and summaries "
			    "(its first record is at %s)", ab->exps.v[x],
			    ab->expat[x]), -1;
		ab->expkind[x] = f->unit ? 1 : 2;
	}
	if (f->unit == NULL)
		return summary(ab, r, f, x, v, m, e);
	if (!f->has_value && m != 0)
		return bad(r, e, "field '%s' is missing", "value");
	if (f->has_value && !isfinite(f->value))
		return bad(r, e, "field '%s' is not finite", "value");
	h = unit_hash(x, f->unit, f->unitlen) & ~(uint64_t)0xff;
	k = h | (uint64_t)(m + 1);
	ab->nevents++;
	/*
	 * The table is far larger than the caches, so each event's slot is
	 * a miss to memory.  An outcome only adds to its slot, which cannot
	 * fail on the data, so it is done one event late: its slot is
	 * fetched while the next line is parsed.
	 */
	__builtin_prefetch(&ab->tab[slot_of(k, ab->mask)], 1);
	if (ab->pend && ab_flush(ab, e) < 0)
		return -1;
	if (m != 0) {
		ab->pend = 1;
		ab->pend_key = k;
		ab->pend_val = f->value;
		return 0;
	}
	if ((p = upsert(ab, k, &isnew)) == NULL)
		return rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory"), -1;
	/* The exposure's value names experiment and arm. */
	if (isnew)
		*p = (double)x * AB_MAXVAR + v;
	else if (*p != (double)x * AB_MAXVAR + v)
		return rerr_set(e, EX_DATAERR, ndj_name(r), ndj_line(r),
		    "unit '%.*s' exposed to both '%s' and '%s'",
		    (int)f->unitlen, f->unit,
		    ab->vars.v[(long)*p % AB_MAXVAR], ab->vars.v[v]), -1;
	return 0;
}

int
ab_flush(struct ab *ab, struct rerr *e)
{
	double *p;
	int isnew;

	if (!ab->pend)
		return 0;
	if ((p = upsert(ab, ab->pend_key, &isnew)) == NULL)
		return rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory"), -1;
	*p += ab->pend_val;
	ab->pend = 0;
	return 0;
}

#define KEYIS(fl, s)	((fl)->klen == sizeof(s) - 1 && \
	memcmp((fl)->key, s, sizeof(s) - 1) == 0)

/*
 * Of several fields of the wrong type, the one named is the first in this
 * order, whatever their order in the line, so that both parse paths say
 * the same.
 */
static void
setbad(struct fields *f, const char *k)
{
	static const char *const order[] = { "exp", "variant", "unit",
	    "metric", "value", "n", "x", "mean", "var", "look", "pair_mean",
	    "pair_var", "covariance", "covariate", "denominator" };
	size_t i, a = 0, b = 0;

	if (f->bad == NULL) {
		f->bad = k;
		return;
	}
	for (i = 0; i < sizeof order / sizeof order[0]; i++) {
		if (strcmp(order[i], k) == 0)
			a = i;
		if (strcmp(order[i], f->bad) == 0)
			b = i;
	}
	if (a < b)
		f->bad = k;
}

static void
fnum(const struct ndj_field *q, const char *k, int *has, double *d,
    struct fields *f)
{
	if (q->type != NDJ_FINT && q->type != NDJ_FREAL)
		setbad(f, k);
	*has = 1;
	*d = q->num;
}

/* "covariate" or "denominator": the other metric of a pair summary. */
static void
fwith(const struct ndj_field *q, const char *k, int role, struct fields *f)
{
	if (q->type != NDJ_FSTR)
		setbad(f, k);
	f->wv[role - 1] = q->str;
	f->wlen[role - 1] = q->slen;
}

int
ab_flat(struct ab *ab, struct ndj_reader *r, const struct ndj_flat *fl,
    struct rerr *e)
{
	struct fields f;
	const struct ndj_field *q;
	int i;

	memset(&f, 0, sizeof f);
	for (i = 0; i < fl->n; i++) {
		q = &fl->f[i];
		switch (q->klen) {
		case 1:
			if (KEYIS(q, "n") || KEYIS(q, "x")) {
				if (q->type != NDJ_FINT && q->type != NDJ_FREAL)
					setbad(&f, q->key[0] == 'n' ? "n" : "x");
				else if (q->key[0] == 'n') {
					f.has_n = 1;
					f.n = q->num;
				} else {
					f.has_x = 1;
					f.x = q->num;
				}
			}
			continue;
		case 3:
			if (KEYIS(q, "exp")) {
				if (q->type != NDJ_FSTR)
					setbad(&f, "exp");
				f.exp = q->str;
				f.explen = q->slen;
			} else if (KEYIS(q, "var")) {
				if (q->type != NDJ_FINT && q->type != NDJ_FREAL)
					setbad(&f, "var");
				f.has_var = 1;
				f.var_ = q->num;
			}
			continue;
		case 4:
			if (KEYIS(q, "unit")) {
				if (q->type != NDJ_FSTR)
					setbad(&f, "unit");
				f.unit = q->str;
				f.unitlen = q->slen;
			} else if (KEYIS(q, "mean")) {
				if (q->type != NDJ_FINT && q->type != NDJ_FREAL)
					setbad(&f, "mean");
				f.has_mean = 1;
				f.mean = q->num;
			} else if (KEYIS(q, "look")) {
				if (q->type != NDJ_FINT)
					setbad(&f, "look");
				f.has_look = 1;
				f.look = q->i;
			} else if (KEYIS(q, "type")) {
				if (q->type == NDJ_FSTR && q->slen == 7 &&
				    memcmp(q->str, "partial", 7) == 0)
					f.partial = 1;
			}
			continue;
		case 5:
			if (KEYIS(q, "value")) {
				if (q->type != NDJ_FINT && q->type != NDJ_FREAL)
					setbad(&f, "value");
				f.has_value = 1;
				f.value = q->num;
			}
			continue;
		case 6:
			if (KEYIS(q, "metric")) {
				if (q->type != NDJ_FSTR)
					setbad(&f, "metric");
				f.met = q->str;
				f.metlen = q->slen;
			}
			continue;
		case 7:
			if (KEYIS(q, "variant")) {
				if (q->type != NDJ_FSTR)
					setbad(&f, "variant");
				f.var = q->str;
				f.varlen = q->slen;
			}
			continue;
		case 8:
			if (KEYIS(q, "pair_var"))
				fnum(q, "pair_var", &f.has_pvar, &f.pvar, &f);
			continue;
		case 9:
			if (KEYIS(q, "pair_mean"))
				fnum(q, "pair_mean", &f.has_pmean, &f.pmean,
				    &f);
			else if (KEYIS(q, "covariate"))
				fwith(q, "covariate", SU_CUPED, &f);
			continue;
		case 10:
			if (KEYIS(q, "covariance"))
				fnum(q, "covariance", &f.has_cov, &f.cov, &f);
			continue;
		case 11:
			if (KEYIS(q, "denominator"))
				fwith(q, "denominator", SU_RATIO, &f);
			continue;
		}
	}
	return ingest(ab, r, &f, e);
}

static void
jstr(json_t *rec, const char *k, const char **s, size_t *n, struct fields *f)
{
	json_t *v;

	if ((v = json_object_get(rec, k)) == NULL)
		return;
	if (!json_is_string(v)) {
		setbad(f, k);
		return;
	}
	*s = json_string_value(v);
	*n = json_string_length(v);
}

static void
jnumf(json_t *rec, const char *k, int *has, double *d, struct fields *f)
{
	json_t *v;

	if ((v = json_object_get(rec, k)) == NULL)
		return;
	if (!json_is_number(v)) {
		setbad(f, k);
		return;
	}
	*has = 1;
	*d = json_number_value(v);
}

static void
jwith(json_t *rec, const char *k, int role, struct fields *f)
{
	json_t *v;

	if ((v = json_object_get(rec, k)) == NULL)
		return;
	if (!json_is_string(v)) {
		setbad(f, k);
		return;
	}
	f->wv[role - 1] = json_string_value(v);
	f->wlen[role - 1] = json_string_length(v);
}

int
ab_json(struct ab *ab, struct ndj_reader *r, json_t *rec, struct rerr *e)
{
	struct fields f;
	json_t *v;

	memset(&f, 0, sizeof f);
	jstr(rec, "exp", &f.exp, &f.explen, &f);
	jstr(rec, "variant", &f.var, &f.varlen, &f);
	jstr(rec, "unit", &f.unit, &f.unitlen, &f);
	jstr(rec, "metric", &f.met, &f.metlen, &f);
	jnumf(rec, "value", &f.has_value, &f.value, &f);
	jnumf(rec, "n", &f.has_n, &f.n, &f);
	jnumf(rec, "x", &f.has_x, &f.x, &f);
	jnumf(rec, "mean", &f.has_mean, &f.mean, &f);
	jnumf(rec, "var", &f.has_var, &f.var_, &f);
	if ((v = json_object_get(rec, "look")) != NULL) {
		if (!json_is_integer(v))
			setbad(&f, "look");
		f.has_look = 1;
		f.look = json_integer_value(v);
	}
	jnumf(rec, "pair_mean", &f.has_pmean, &f.pmean, &f);
	jnumf(rec, "pair_var", &f.has_pvar, &f.pvar, &f);
	jnumf(rec, "covariance", &f.has_cov, &f.cov, &f);
	jwith(rec, "covariate", SU_CUPED, &f);
	jwith(rec, "denominator", SU_RATIO, &f);
	if ((v = json_object_get(rec, "type")) != NULL &&
	    json_is_string(v) && strcmp(json_string_value(v), "partial") == 0)
		f.partial = 1;
	return ingest(ab, r, &f, e);
}
