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

int
ab_init(struct ab *ab, const struct opts *o)
{
	int i;

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
	for (i = 0; i < o->nbinary; i++) {
		int m = names_find(&ab->mets, o->binary[i],
		    strlen(o->binary[i]), 1);
		if (m < 0)
			return -1;
		ab->isbin[m] = 1;
	}
	return 0;
}

void
ab_free(struct ab *ab)
{
	names_free(&ab->exps);
	names_free(&ab->vars);
	names_free(&ab->mets);
	free(ab->tab);
	free(ab->expvar);
	free(ab->expmet);
	free(ab->summ);
}

/* 64-bit FNV-1a, then the splitmix64 finaliser for the low bits. */
static uint64_t
hash_unit(int exp, const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ (uint64_t)exp * 0x9e3779b97f4a7c15ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return h;
}

static size_t
slot_of(uint64_t k, size_t mask)
{
	return (size_t)((k * 0x9e3779b97f4a7c15ULL) >> 20) & mask;
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
			return -1;
		ab->expvar = p;
		if ((p = realloc(ab->expmet, ncap * sizeof *ab->expmet)) == NULL)
			return -1;
		ab->expmet = p;
		memset(ab->expvar + ab->expcap, 0,
		    (ncap - ab->expcap) * sizeof *ab->expvar);
		memset(ab->expmet + ab->expcap, 0,
		    (ncap - ab->expcap) * sizeof *ab->expmet);
		ab->expcap = ncap;
	}
	ab->last_exp = x;
	ab->last_exp_s = ab->exps.v[x];
	ab->last_exp_len = n;
	return x;
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
	const char *exp, *var, *unit, *met;
	size_t	 explen, varlen, unitlen, metlen;
	int	 has_value, has_n, has_x, has_mean, has_var, has_look;
	double	 value, n, x, mean, var_;
	long	 look;
	const char *bad;	/* the first field of a wrong type */
};

static int
bad(struct ndj_reader *r, struct rerr *e, const char *fmt, const char *k)
{
	return rerr_set(e, EX_DATAERR, ndj_name(r), ndj_line(r), fmt, k), -1;
}

static int
ingest(struct ab *ab, struct ndj_reader *r, struct fields *f, struct rerr *e)
{
	const struct opts *o = ab->o;
	int x, v, m, isnew;
	uint64_t h;
	double *p;
	struct summ *s;
	size_t i;

	if (f->bad)
		return bad(r, e, "field '%s' has the wrong type", f->bad);
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
	if (f->unit == NULL) {
		/* A summary. */
		if (!f->has_n)
			return bad(r, e, "field '%s' is missing (need unit "
			    "for an event, n for a summary)", "n");
		if (!isfinite(f->n) || f->n < 0 || f->n != floor(f->n))
			return bad(r, e, "field '%s' is not a count", "n");
		if (f->has_x && (!isfinite(f->x) || f->x < 0 ||
		    f->x > f->n || f->x != floor(f->x)))
			return bad(r, e, "field '%s' is not a count in [0, n]",
			    "x");
		if (f->has_mean && !isfinite(f->mean))
			return bad(r, e, "field '%s' is not finite", "mean");
		if (f->has_var && (!isfinite(f->var_) || f->var_ < 0))
			return bad(r, e, "field '%s' is not a variance", "var");
		if (m != 0 && !f->has_x && !(f->has_mean && f->has_var))
			return bad(r, e, "field '%s' is missing (a summary "
			    "has x, or mean and var)", f->has_mean ? "var" :
			    "mean");
		for (i = 0; i < ab->nsumm; i++) {
			s = &ab->summ[i];
			if (s->exp != x || s->var != v || s->met != m ||
			    s->look != f->look)
				continue;
			if (!o->merge)
				return rerr_set(e, EX_DATAERR, ndj_name(r),
				    ndj_line(r), "duplicate summary for '%s' "
				    "'%s' '%s' (use --merge to add partials)",
				    ab->exps.v[x], ab->vars.v[v],
				    ab->mets.v[m]), -1;
			break;
		}
		if (i == ab->nsumm) {
			if (ab->nsumm == ab->capsumm) {
				size_t nc = ab->capsumm ? 2 * ab->capsumm : 16;
				void *np = realloc(ab->summ, nc * sizeof *s);
				if (np == NULL)
					return -1;
				ab->summ = np;
				ab->capsumm = nc;
			}
			s = &ab->summ[ab->nsumm++];
			s->exp = x;
			s->var = v;
			s->met = m;
			s->look = f->look;
			s->n = f->n;
			s->x = f->has_x ? f->x : -1;
			s->mean = f->has_mean ? f->mean : NAN;
			s->var_ = f->has_var ? f->var_ : NAN;
		} else {
			/* --merge: partials of disjoint units add up. */
			struct st_mom a = { s->n, s->mean, 0 }, b = { f->n,
			    f->mean, 0 };
			if (s->x >= 0 && f->has_x)
				s->x += f->x;
			if (!isnan(s->mean) && f->has_mean) {
				a.m2 = s->var_ * (s->n - 1);
				b.m2 = f->var_ * (f->n - 1);
				st_mom_merge(&a, &b);
				s->mean = a.mean;
				s->var_ = st_mom_var(&a);
			}
			s->n += f->n;
		}
		if (f->has_x)
			ab->isbin[m] = 1;
		return 0;
	}
	if (!f->has_value && m != 0)
		return bad(r, e, "field '%s' is missing", "value");
	if (f->has_value && !isfinite(f->value))
		return bad(r, e, "field '%s' is not finite", "value");
	h = hash_unit(x, f->unit, f->unitlen) & ~(uint64_t)0xff;
	ab->nevents++;
	if ((p = upsert(ab, h | (uint64_t)(m + 1), &isnew)) == NULL)
		return rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory"), -1;
	if (m == 0) {
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
	*p += f->value;
	return 0;
}

#define KEYIS(fl, s)	((fl)->klen == sizeof(s) - 1 && \
	memcmp((fl)->key, s, sizeof(s) - 1) == 0)

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
					f.bad = q->key[0] == 'n' ? "n" : "x";
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
					f.bad = "exp";
				f.exp = q->str;
				f.explen = q->slen;
			} else if (KEYIS(q, "var")) {
				if (q->type != NDJ_FINT && q->type != NDJ_FREAL)
					f.bad = "var";
				f.has_var = 1;
				f.var_ = q->num;
			}
			continue;
		case 4:
			if (KEYIS(q, "unit")) {
				if (q->type != NDJ_FSTR)
					f.bad = "unit";
				f.unit = q->str;
				f.unitlen = q->slen;
			} else if (KEYIS(q, "mean")) {
				if (q->type != NDJ_FINT && q->type != NDJ_FREAL)
					f.bad = "mean";
				f.has_mean = 1;
				f.mean = q->num;
			} else if (KEYIS(q, "look")) {
				if (q->type != NDJ_FINT)
					f.bad = "look";
				f.has_look = 1;
				f.look = q->i;
			}
			continue;
		case 5:
			if (KEYIS(q, "value")) {
				if (q->type != NDJ_FINT && q->type != NDJ_FREAL)
					f.bad = "value";
				f.has_value = 1;
				f.value = q->num;
			}
			continue;
		case 6:
			if (KEYIS(q, "metric")) {
				if (q->type != NDJ_FSTR)
					f.bad = "metric";
				f.met = q->str;
				f.metlen = q->slen;
			}
			continue;
		case 7:
			if (KEYIS(q, "variant")) {
				if (q->type != NDJ_FSTR)
					f.bad = "variant";
				f.var = q->str;
				f.varlen = q->slen;
			}
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
		f->bad = k;
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
		f->bad = k;
		return;
	}
	*has = 1;
	*d = json_number_value(v);
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
			f.bad = "look";
		f.has_look = 1;
		f.look = json_integer_value(v);
	}
	return ingest(ab, r, &f, e);
}
