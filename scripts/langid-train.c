/*
 * langid-train: build the langid model from per-language training text.
 *
 * usage: langid-train CORPUSDIR OUT [REPORT]
 *
 * CORPUSDIR holds LABEL.train and LABEL.held, one string a line, as
 * scripts/langid-corpus writes them.  Labels with less than MINBYTES of
 * training text are left out (too little to learn a language from);
 * of the others at most CAPBYTES of lines is used, so the big languages do
 * not drown the small ones.  See cmd/langid/lid_model.h for the model and
 * its file.  Everything is sorted or taken in file order, and no clock,
 * randomness or address enters the output: the same corpus always gives
 * the same bytes.
 *
 * Gram selection: in each language the grams seen at least twice are
 * ranked by count; a gram's rank is its best rank in any language, and
 * the MAXGRAMS best-ranked grams are kept, so every language keeps its
 * most frequent grams whatever its size.
 *
 * Scripts: a language is written in every script (lid_script.h) that has
 * at least SCRIPTSHARE of the units of its training text, counted as the
 * tool counts them to find a text's main script (a run of letters, a Han
 * or kana character): the English product names of a Chinese catalog
 * then do not make Chinese a language written in Latin.
 *
 * Calibration: held-out lines (never trained on) are joined into texts
 * of the three lengths the tool meets (<= 30, 31-100, 101-400 code
 * points), PERBUCKET of each per language.  The softmax scale cal_a /
 * n^cal_b and each language's bias (a log prior, shifted so that the
 * largest is 0) are fitted to minimise their negative log-likelihood,
 * each text scored among the languages of its main script as the tool
 * does, with a Gaussian prior of variance BIASVAR on the biases.  A
 * language that wins texts of others more often than the held-out data
 * bear out (a small one, whose flat model costs unseen text little) gets
 * a bias below 0; that is the evidence rare languages need.  Held-out
 * accuracy is printed on stderr, per language in REPORT when given.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "text.h"
#include "../cmd/langid/lid_model.h"
#include "../cmd/langid/lid_script.h"

#define MINBYTES	15000
#define CAPBYTES	1500000
#define NSLOTS		(1u << 19)
#define MAXGRAMS	(NSLOTS / 10 * 7)
#define ALPHA		0.5
#define PERBUCKET	40
#define SCRIPTSHARE	0.2
#define BIASVAR		1.0
#ifndef MAXENT
#define MAXENT		255
#endif
#ifndef DENSEMIN
#define DENSEMIN	12
#endif

struct item {
	uint64_t	 h;
	uint32_t	 c;
	uint32_t	 rank;
	uint8_t		 lang;
};

struct group {
	size_t		 at, len;
	uint32_t	 rank;
	uint64_t	 h;
};

struct sample {
	uint8_t		 lang;
	uint8_t		 bucket;
	uint8_t		 script;
	uint32_t	 n;
	double		*ll;
};

struct table {
	uint32_t	*key, *ref;
	uint16_t	*ent;
	size_t		 nent;
	uint8_t		*dense;
	size_t		 ndense;
};

static char	*labels[LID_MAXLANG];
static float	 floor_[LID_MAXLANG];
static double	 bias[LID_MAXLANG];
static uint64_t	 scripts[LID_MAXLANG];
static int	 nlang;

static void *
xrealloc(void *p, size_t n)
{
	if ((p = realloc(p, n ? n : 1)) == NULL)
		cli_die(EX_SOFTWARE, "out of memory");
	return p;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int
cmp_count(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	if (x->c != y->c)
		return x->c > y->c ? -1 : 1;
	return x->h < y->h ? -1 : x->h > y->h;
}

static int
cmp_item(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	if (x->h != y->h)
		return x->h < y->h ? -1 : 1;
	return x->lang - y->lang;
}

/* By log P(gram | language) descending; ties by language. */
static int
cmp_boost(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	double px = log((x->c + ALPHA) / ALPHA) + floor_[x->lang];
	double py = log((y->c + ALPHA) / ALPHA) + floor_[y->lang];

	if (px != py)
		return px > py ? -1 : 1;
	return x->lang - y->lang;
}

static int
cmp_group(const void *a, const void *b)
{
	const struct group *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return x->h < y->h ? -1 : x->h > y->h;
}

static int
cmp_group_h(const void *a, const void *b)
{
	const struct group *x = a, *y = b;

	return x->h < y->h ? -1 : x->h > y->h;
}

/* Reads up to cap bytes of whole lines of path into a NUL-separated list. */
static char **
read_lines(const char *path, size_t cap, size_t *nout)
{
	FILE *fp;
	char *line = NULL, **v = NULL;
	size_t sz = 0, n = 0, total = 0;
	ssize_t len;

	if ((fp = fopen(path, "r")) == NULL)
		cli_die(EX_NOINPUT, "%s: %s", path, strerror(errno));
	while ((len = getline(&line, &sz, fp)) > 0 && total < cap) {
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		v = xrealloc(v, (n + 1) * sizeof(*v));
		if ((v[n++] = strdup(line)) == NULL)
			cli_die(EX_SOFTWARE, "out of memory");
		total += len + 1;
	}
	free(line);
	fclose(fp);
	*nout = n;
	return v;
}

static void
free_lines(char **v, size_t n)
{
	while (n-- > 0)
		free(v[n]);
	free(v);
}

/* The labels with enough training text, sorted, into labels[]. */
static void
find_labels(const char *dirname)
{
	char path[4096];
	struct dirent *de;
	DIR *dir;
	FILE *fp;
	long fsz;

	if ((dir = opendir(dirname)) == NULL)
		cli_die(EX_NOINPUT, "%s: %s", dirname, strerror(errno));
	while ((de = readdir(dir)) != NULL) {
		size_t l = strlen(de->d_name);

		if (l <= 6 || strcmp(de->d_name + l - 6, ".train") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dirname, de->d_name);
		if ((fp = fopen(path, "r")) == NULL)
			continue;
		fseek(fp, 0, SEEK_END);
		fsz = ftell(fp);
		fclose(fp);
		if (fsz < MINBYTES || l - 6 >= LID_LABEL)
			continue;
		if (nlang == LID_MAXLANG)
			cli_die(EX_DATAERR, "too many languages");
		labels[nlang++] = strndup(de->d_name, l - 6);
	}
	closedir(dir);
	qsort(labels, nlang, sizeof(labels[0]), cmp_str);
	fprintf(stderr, "langid-train: %d languages\n", nlang);
}

/*
 * The grams of language L seen at least twice, ranked by count, appended
 * to *items; sets floor_[L] and scripts[L].
 */
static void
count_grams(const char *dirname, int L, struct item **items, size_t *nitems)
{
	char path[4096], **lines;
	struct text_norm t = { 0 };
	struct lid_sc_count sc;
	uint64_t *h = NULL, units[LID_SC_N], total = 0;
	size_t nh = 0, hcap = 0, nlines, i, j, k, nu = 0;
	struct item *u = NULL;
	int s;

	snprintf(path, sizeof(path), "%s/%s.train", dirname, labels[L]);
	lines = read_lines(path, CAPBYTES, &nlines);
	memset(units, 0, sizeof(units));
	for (i = 0; i < nlines; i++) {
		if (text_normalise(&t, lines[i], strlen(lines[i])) != 0)
			cli_die(EX_SOFTWARE, "out of memory");
		if (nh + LID_ORDER * t.n > hcap) {
			hcap = 2 * (nh + LID_ORDER * t.n);
			h = xrealloc(h, hcap * sizeof(*h));
		}
		for (j = 0; j < t.n; j++)
			nh += lid_gram_hashes(t.cp, j, h + nh);
		lid_sc_reset(&sc);
		lid_sc_count(&sc, t.cp, t.n);
		for (s = 1; s < LID_SC_N; s++) {
			units[s] += sc.units[s];
			total += sc.units[s];
		}
	}
	free_lines(lines, nlines);
	text_norm_free(&t);
	for (s = 1; s < LID_SC_N; s++)
		if (units[s] >= SCRIPTSHARE * total)
			scripts[L] |= 1ull << s;
	qsort(h, nh, sizeof(*h), cmp_u64);
	for (i = 0, k = 0; i < nh; i = j) {
		for (j = i; j < nh && h[j] == h[i]; j++)
			;
		k++;
		if (j - i < 2)
			continue;
		u = xrealloc(u, (nu + 1) * sizeof(*u));
		u[nu].h = h[i];
		u[nu].c = j - i;
		u[nu].lang = L;
		nu++;
	}
	free(h);
	/* floor = log(alpha / (N + alpha V)), V the distinct grams. */
	floor_[L] = (float)log(ALPHA / (nh + ALPHA * (double)k));
	qsort(u, nu, sizeof(*u), cmp_count);
	for (i = 0; i < nu; i++)
		u[i].rank = i;
	*items = xrealloc(*items, (*nitems + nu) * sizeof(**items));
	memcpy(*items + *nitems, u, nu * sizeof(*u));
	*nitems += nu;
	free(u);
}

/* The MAXGRAMS best-ranked grams (groups of items of one hash). */
static struct group *
select_grams(struct item *items, size_t nitems, size_t *ngroups)
{
	struct group *groups = NULL;
	size_t i, j, n = 0;

	qsort(items, nitems, sizeof(*items), cmp_item);
	for (i = 0; i < nitems; i = j) {
		uint32_t r = UINT32_MAX;

		for (j = i; j < nitems && items[j].h == items[i].h; j++)
			if (items[j].rank < r)
				r = items[j].rank;
		groups = xrealloc(groups, (n + 1) * sizeof(*groups));
		groups[n].at = i;
		groups[n].len = j - i;
		groups[n].rank = r;
		groups[n].h = items[i].h;
		n++;
	}
	qsort(groups, n, sizeof(*groups), cmp_group);
	if (n > MAXGRAMS)
		n = MAXGRAMS;
	fprintf(stderr, "langid-train: %zu grams kept (rank < %u)\n", n,
	    n ? groups[n - 1].rank + 1 : 0);
	qsort(groups, n, sizeof(*groups), cmp_group_h);
	*ngroups = n;
	return groups;
}

/* The hash table of the grams, filled in hash order. */
static void
build_table(struct item *items, struct group *groups, size_t ngroups,
    struct table *tb)
{
	const uint32_t mask = NSLOTS - 1;
	size_t rowlen = LID_ROWLEN(nlang), i, j;
	struct item *u;
	uint32_t q, s;

	memset(tb, 0, sizeof(*tb));
	tb->key = calloc(NSLOTS, 4);
	tb->ref = calloc(NSLOTS, 4);
	if (tb->key == NULL || tb->ref == NULL)
		cli_die(EX_SOFTWARE, "out of memory");
	for (i = 0; i < ngroups; i++) {
		size_t first = tb->nent;

		/*
		 * At most MAXENT languages per gram, those it is most
		 * frequent in: the rest score as if they had never seen it.
		 * Common grams are shared by a hundred languages, and
		 * walking all of them is most of the time of a lookup.
		 */
		qsort(items + groups[i].at, groups[i].len, sizeof(*items),
		    cmp_boost);
		if (groups[i].len > MAXENT)
			groups[i].len = MAXENT;
		qsort(items + groups[i].at, groups[i].len, sizeof(*items),
		    cmp_item);
		for (j = 0; j < groups[i].len; j++) {
			u = &items[groups[i].at + j];
			q = (uint32_t)lround(LID_QSCALE * log((u->c + ALPHA) /
			    ALPHA));
			if (q > 255)
				q = 255;
			tb->ent = xrealloc(tb->ent, (tb->nent + 1) *
			    sizeof(*tb->ent));
			tb->ent[tb->nent++] = u->lang | q << 8;
		}
		s = lid_slot_start(groups[i].h, mask);
		while (tb->key[s] != 0)
			s = (s + 1) & mask;
		tb->key[s] = (uint32_t)(groups[i].h >> 32) | 1;
		tb->ref[s] = (uint32_t)first << 8 | (uint32_t)(tb->nent - first);
		if (tb->nent - first >= DENSEMIN) {
			/* A dense row instead of the entries just made. */
			tb->dense = xrealloc(tb->dense, (tb->ndense + 1) *
			    rowlen);
			memset(tb->dense + tb->ndense * rowlen, 0, rowlen);
			for (j = first; j < tb->nent; j++)
				tb->dense[tb->ndense * rowlen +
				    (tb->ent[j] & 0xff)] = tb->ent[j] >> 8;
			tb->ref[s] = (uint32_t)tb->ndense << 8;
			tb->ndense++;
			tb->nent = first;
		}
	}
}

/* The language records: label, floor, bias, scripts. */
static void
put_langs(unsigned char *mem)
{
	unsigned char *p;
	float b;
	int L;

	for (L = 0; L < nlang; L++) {
		p = mem + LID_HDR + LID_LANGREC * L;
		memset(p, 0, LID_LANGREC);
		memcpy(p, labels[L], strlen(labels[L]));
		memcpy(p + LID_LABEL, &floor_[L], 4);
		b = (float)bias[L];
		memcpy(p + LID_LABEL + 4, &b, 4);
		memcpy(p + LID_LABEL + 12, &scripts[L], 8);
	}
}

/* The model file's bytes (*fsz), its checksum filled in. */
static unsigned char *
layout(const struct table *tb, double cal_a, double cal_b, long *fsz)
{
	size_t rowlen = LID_ROWLEN(nlang), k;
	unsigned char *mem;
	uint32_t hdr[4] = { nlang, NSLOTS, tb->nent, LID_ORDER };
	uint32_t nd = tb->ndense, s, sum;

	*fsz = LID_DENSEOFF(nlang, NSLOTS, tb->nent) + (long)rowlen *
	    tb->ndense + 4;
	if ((mem = calloc(1, *fsz)) == NULL)
		cli_die(EX_SOFTWARE, "out of memory");
	memcpy(mem, LID_MAGIC, 8);
	memcpy(mem + 8, hdr, 16);
	memcpy(mem + 24, &cal_a, 8);
	memcpy(mem + 32, &cal_b, 8);
	memcpy(mem + 40, &nd, 4);
	put_langs(mem);
	k = LID_SLOTOFF(nlang);
	for (s = 0; s < NSLOTS; s++) {
		memcpy(mem + k + 4 * lid_key_at(s), &tb->key[s], 4);
		memcpy(mem + k + 4 * (lid_key_at(s) + LID_LINE), &tb->ref[s], 4);
	}
	memcpy(mem + k + 8 * (size_t)NSLOTS, tb->ent, 2 * tb->nent);
	memcpy(mem + LID_DENSEOFF(nlang, NSLOTS, tb->nent), tb->dense,
	    rowlen * tb->ndense);
	sum = lid_checksum(mem, *fsz - 4);
	memcpy(mem + *fsz - 4, &sum, 4);
	return mem;
}

/* Code points in s. */
static size_t
ulen(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += (*s & 0xC0) != 0x80;
	return n;
}

/* Cuts s after at most max code points, at a space when there is one. */
static void
ucut(char *s, size_t max)
{
	size_t n = 0, i, sp = 0;

	for (i = 0; s[i]; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			if (n == max) {
				s[sp ? sp : i] = '\0';
				return;
			}
			n++;
		}
		if (s[i] == ' ')
			sp = i;
	}
}

/*
 * The held-out texts of every language, PERBUCKET of each bucket, scored
 * once: their log-likelihoods, gram counts and main scripts.
 */
static struct sample *
held_out(const char *dirname, const struct lid_model *m, size_t *nout)
{
	static const size_t blo[3] = { 1, 31, 101 }, bhi[3] = { 30, 100, 400 };
	char path[4096], **lines, buf[2048];
	struct text_norm t = { 0 };
	struct lid_sc_count sc;
	struct sample *smp = NULL;
	size_t nsmp = 0, nlines, i, k, bk;
	int L;

	for (L = 0; L < nlang; L++) {
		snprintf(path, sizeof(path), "%s/%s.held", dirname, labels[L]);
		lines = read_lines(path, SIZE_MAX, &nlines);
		i = 0;
		for (bk = 0; bk < 3; bk++) {
			for (k = 0; k < PERBUCKET && i < nlines; k++) {
				int32_t acc[LID_ACCLEN] = { 0 };
				int64_t sum[LID_ACCLEN];
				uint32_t j;

				buf[0] = '\0';
				while (i < nlines && ulen(buf) < blo[bk]) {
					if (strlen(buf) + strlen(lines[i]) + 2 >
					    sizeof(buf))
						break;
					if (buf[0] != '\0')
						strcat(buf, " ");
					strcat(buf, lines[i++]);
				}
				ucut(buf, bhi[bk]);
				if (ulen(buf) < blo[bk])
					break;
				text_normalise(&t, buf, strlen(buf));
				lid_sc_reset(&sc);
				lid_sc_count(&sc, t.cp, t.n);
				/*
				 * A text in a script its language is not
				 * written in (English words in a Japanese
				 * catalog) is left out: the tool would not
				 * even consider that language for it.
				 */
				if (!m->scall[(size_t)lid_sc_main(&sc) *
				    LID_ACCLEN + L])
					continue;
				smp = xrealloc(smp, (nsmp + 1) * sizeof(*smp));
				smp[nsmp].lang = L;
				smp[nsmp].bucket = bk;
				smp[nsmp].script = lid_sc_main(&sc);
				smp[nsmp].n = lid_accumulate(m, t.cp, 0, t.n,
				    acc);
				for (j = 0; j < m->nlang; j++)
					sum[j] = acc[j];
				smp[nsmp].ll = xrealloc(NULL,
				    nlang * sizeof(double));
				lid_loglik(m, sum, smp[nsmp].n, smp[nsmp].ll);
				nsmp++;
			}
		}
		free_lines(lines, nlines);
	}
	text_norm_free(&t);
	*nout = nsmp;
	return smp;
}

/*
 * The posterior of sample k over the languages of its script (by
 * log-sum-exp: the tool rounds posteriors below e^-40 to 0, but the fit
 * needs the true values for texts it gets badly wrong) into p; returns
 * -log p[true language].
 */
static double
post(const struct lid_model *m, const struct sample *k, double a, double b,
    double *p)
{
	const unsigned char *al = m->scall + (size_t)k->script * LID_ACCLEN;
	double t = a / pow(k->n > 0 ? k->n : 1, b), mx = -INFINITY, sum = 0;
	double x;
	int i;

	for (i = 0; i < nlang; i++)
		if (al[i] && k->ll[i] * t + bias[i] > mx)
			mx = k->ll[i] * t + bias[i];
	for (i = 0; i < nlang; i++) {
		x = k->ll[i] * t + bias[i] - mx;
		sum += p[i] = al[i] && x > -60 ? exp(x) : 0;
	}
	for (i = 0; i < nlang; i++)
		p[i] /= sum;
	return log(sum) - (k->ll[k->lang] * t + bias[k->lang] - mx);
}

static double
total_nll(const struct lid_model *m, const struct sample *smp, size_t nsmp,
    double a, double b)
{
	double nll = 0, p[LID_MAXLANG];
	size_t k;

	for (k = 0; k < nsmp; k++)
		nll += post(m, &smp[k], a, b, p);
	return nll;
}

/* The scale a / n^b of least NLL on a grid, biases as they are. */
static double
fit_scale(const struct lid_model *m, const struct sample *smp, size_t nsmp,
    double *best_a, double *best_b)
{
	double best = INFINITY, nll, a, b;
	int ai, bi;

	for (bi = 0; bi <= 20; bi++)
		for (ai = 0; ai <= 40; ai++) {
			b = bi * 0.05;
			a = exp(-4 + ai * 0.2);
			nll = total_nll(m, smp, nsmp, a, b);
			if (nll < best) {
				best = nll;
				*best_a = a;
				*best_b = b;
			}
		}
	return best;
}

/*
 * The biases of least NLL plus sum b^2 / (2 BIASVAR), a and b fixed:
 * Newton steps on each bias with the diagonal of the Hessian, all at
 * once, then shifted so that the largest is 0.
 */
static void
fit_bias(const struct lid_model *m, const struct sample *smp, size_t nsmp,
    double a, double b)
{
	static double g[LID_MAXLANG], hs[LID_MAXLANG], p[LID_MAXLANG];
	double mx, step;
	size_t k;
	int it, i;

	for (it = 0; it < 40; it++) {
		for (i = 0; i < nlang; i++) {
			g[i] = bias[i] / BIASVAR;
			hs[i] = 1 / BIASVAR;
		}
		for (k = 0; k < nsmp; k++) {
			post(m, &smp[k], a, b, p);
			for (i = 0; i < nlang; i++) {
				g[i] += p[i];
				hs[i] += p[i] * (1 - p[i]);
			}
			g[smp[k].lang] -= 1;
		}
		for (i = 0; i < nlang; i++) {
			step = g[i] / hs[i];
			bias[i] -= step > 1 ? 1 : step < -1 ? -1 : step;
		}
	}
	for (mx = -INFINITY, i = 0; i < nlang; i++)
		if (bias[i] > mx)
			mx = bias[i];
	for (i = 0; i < nlang; i++) {
		bias[i] -= mx;
		if (bias[i] < -30)
			bias[i] = -30;
	}
}

/* Held-out accuracy, overall and per language, on stderr and in rep. */
static void
report(const struct lid_model *m, const struct sample *smp, size_t nsmp,
    double a, double b, FILE *rep)
{
	static const char *bname[3] = { "short", "medium", "long" };
	size_t (*ok)[3] = calloc(nlang, sizeof(*ok));
	size_t (*tot)[3] = calloc(nlang, sizeof(*tot));
	size_t *won = calloc(nlang, sizeof(*won)), c[3] = { 0 }, n[3] = { 0 };
	double p[LID_MAXLANG];
	size_t k;
	int i, top, bk;

	if (ok == NULL || tot == NULL || won == NULL)
		cli_die(EX_SOFTWARE, "out of memory");
	for (k = 0; k < nsmp; k++) {
		post(m, &smp[k], a, b, p);
		for (top = 0, i = 1; i < nlang; i++)
			if (p[i] > p[top])
				top = i;
		tot[smp[k].lang][smp[k].bucket]++;
		ok[smp[k].lang][smp[k].bucket] += top == smp[k].lang;
		won[top] += top != smp[k].lang;
		n[smp[k].bucket]++;
		c[smp[k].bucket] += top == smp[k].lang;
	}
	fprintf(stderr, "langid-train: held-out accuracy short %.3f medium "
	    "%.3f long %.3f (%zu texts); cal_a %g cal_b %g\n",
	    (double)c[0] / n[0], (double)c[1] / n[1], (double)c[2] / n[2],
	    nsmp, a, b);
	if (rep != NULL) {
		fprintf(rep, "# label short medium long (held-out texts right/"
		    "all), bias, wrongly won, scripts\n");
		for (i = 0; i < nlang; i++) {
			fprintf(rep, "%-8s", labels[i]);
			for (bk = 0; bk < 3; bk++)
				fprintf(rep, " %s %zu/%zu", bname[bk],
				    ok[i][bk], tot[i][bk]);
			fprintf(rep, " bias %.3f won %zu scripts", bias[i],
			    won[i]);
			for (bk = 1; bk < LID_SC_N; bk++)
				if (scripts[i] >> bk & 1)
					fprintf(rep, " %s", lid_script_name(bk));
			fprintf(rep, "\n");
		}
	}
	free(ok);
	free(tot);
	free(won);
}

/* Writes mem to path through a temporary file. */
static void
write_model(const char *path, const unsigned char *mem, long fsz)
{
	char tmp[4096];
	FILE *fp;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((fp = fopen(tmp, "wb")) == NULL ||
	    fwrite(mem, 1, fsz, fp) != (size_t)fsz || fclose(fp) != 0)
		cli_die(EX_CANTCREAT, "%s: %s", tmp, strerror(errno));
	if (rename(tmp, path) != 0)
		cli_die(EX_CANTCREAT, "%s: %s", path, strerror(errno));
}

int
main(int argc, char *argv[])
{
	struct item *items = NULL;
	struct group *groups;
	struct sample *smp;
	struct table tb;
	struct lid_model m;
	struct rerr e;
	unsigned char *mem;
	double a = 1, b = 0.5, nll;
	size_t nitems = 0, ngroups, nsmp, k;
	long fsz;
	FILE *rep = NULL;
	int L, round;

	cli_init("langid-train");
	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: langid-train corpusdir out [report]\n");
		return EX_USAGE;
	}
	find_labels(argv[1]);
	for (L = 0; L < nlang; L++)
		count_grams(argv[1], L, &items, &nitems);
	groups = select_grams(items, nitems, &ngroups);
	build_table(items, groups, ngroups, &tb);
	free(items);
	free(groups);

	/* The model with bias 0 read back, to score the held-out texts. */
	mem = layout(&tb, a, b, &fsz);
	memset(&m, 0, sizeof(m));
	if (lid_model_from_mem(&m, mem, fsz, "model", &e) != 0)
		return cli_report(&e);
	smp = held_out(argv[1], &m, &nsmp);
	for (round = 0; round < 3; round++) {
		nll = fit_scale(&m, smp, nsmp, &a, &b);
		fprintf(stderr, "langid-train: round %d: cal_a %g cal_b %g, "
		    "nll %.4f\n", round, a, b, nll / nsmp);
		fit_bias(&m, smp, nsmp, a, b);
	}
	nll = fit_scale(&m, smp, nsmp, &a, &b);
	fprintf(stderr, "langid-train: final: cal_a %g cal_b %g, nll %.4f\n",
	    a, b, nll / nsmp);
	if (argc == 4 && (rep = fopen(argv[3], "w")) == NULL)
		cli_die(EX_CANTCREAT, "%s: %s", argv[3], strerror(errno));
	report(&m, smp, nsmp, a, b, rep);
	if (rep != NULL && fclose(rep) != 0)
		cli_die(EX_IOERR, "%s: %s", argv[3], strerror(errno));
	for (k = 0; k < nsmp; k++)
		free(smp[k].ll);
	free(smp);
	lid_model_free(&m);

	mem = layout(&tb, a, b, &fsz);
	write_model(argv[2], mem, fsz);
	free(mem);
	free(tb.key);
	free(tb.ref);
	free(tb.ent);
	free(tb.dense);
	for (L = 0; L < nlang; L++)
		free(labels[L]);
	return 0;
}
