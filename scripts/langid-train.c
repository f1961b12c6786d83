/*
 * langid-train: build the langid model from per-language training text.
 *
 * usage: langid-train CORPUSDIR OUT
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
 * Calibration: held-out lines (never trained on) are joined into texts
 * of the three lengths the tool meets (<= 30, 31-100, 101-400 code
 * points); the softmax scale cal_a / n^cal_b that minimises their negative
 * log-likelihood is stored.  Held-out accuracy is printed on stderr.
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

#define MINBYTES	6000
#define CAPBYTES	1500000
#define NSLOTS		(1u << 19)
#define MAXGRAMS	(NSLOTS / 10 * 7)
#define ALPHA		0.5
#define PERBUCKET	40
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
	uint32_t	 n;
	double		*ll;
};

static char	*labels[LID_MAXLANG];
static float	 floor_[LID_MAXLANG];
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

/*
 * -log of the posterior of language L in the softmax of lid_posterior_with,
 * by log-sum-exp: the tool rounds posteriors below e^-40 to 0, but the
 * fit needs the true value for texts it gets badly wrong.
 */
static double
neg_log_post(const double *ll, uint32_t n, int L, double a, double b)
{
	double t = a / pow(n > 0 ? n : 1, b), mx = -INFINITY, sum = 0;
	int i;

	for (i = 0; i < nlang; i++)
		if (ll[i] > mx)
			mx = ll[i];
	for (i = 0; i < nlang; i++)
		sum += exp((ll[i] - mx) * t);
	return log(sum) - (ll[L] - mx) * t;
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

/* Appends the hashes of every gram of s to *h. */
static void
hash_text(struct text_norm *t, const char *s, uint64_t **h, size_t *n,
    size_t *cap)
{
	size_t i;

	if (text_normalise(t, s, strlen(s)) != 0)
		cli_die(EX_SOFTWARE, "out of memory");
	if (*n + LID_ORDER * t->n > *cap) {
		*cap = 2 * (*n + LID_ORDER * t->n);
		*h = xrealloc(*h, *cap * sizeof(**h));
	}
	for (i = 0; i < t->n; i++)
		*n += lid_gram_hashes(t->cp, i, *h + *n);
}

static void
put32(FILE *fp, uint32_t v)
{
	unsigned char b[4] = { v, v >> 8, v >> 16, v >> 24 };

	fwrite(b, 1, 4, fp);
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

int
main(int argc, char *argv[])
{
	static const size_t blo[3] = { 1, 31, 101 }, bhi[3] = { 30, 100, 400 };
	char path[4096], **lines, buf[2048];
	struct text_norm t = { 0 };
	struct item *items = NULL, *u;
	struct group *groups = NULL;
	struct sample *smp = NULL;
	struct lid_model m;
	struct dirent *de;
	DIR *dir;
	FILE *fp;
	uint64_t *h = NULL;
	uint32_t *key, *ref, q, s, mask = NSLOTS - 1;
	uint16_t *ent;
	uint8_t *dense = NULL;
	size_t ndense = 0, rowlen;
	double *p, best_a = 1, best_b = 0.5, best = INFINITY, nll, a, b;
	size_t nh, hcap = 0, nitems = 0, nlines, i, j, k, ngroups = 0, nent;
	size_t nsmp = 0, nu, ncorrect[3] = { 0 }, ntot[3] = { 0 }, bk;
	unsigned char *mem;
	long fsz;
	int L, ai, bi, top;

	cli_init("langid-train");
	if (argc != 3) {
		fprintf(stderr, "usage: langid-train corpusdir out\n");
		return EX_USAGE;
	}
	if ((dir = opendir(argv[1])) == NULL)
		cli_die(EX_NOINPUT, "%s: %s", argv[1], strerror(errno));
	while ((de = readdir(dir)) != NULL) {
		size_t l = strlen(de->d_name);

		if (l <= 6 || strcmp(de->d_name + l - 6, ".train") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", argv[1], de->d_name);
		if ((fp = fopen(path, "r")) == NULL)
			continue;
		fseek(fp, 0, SEEK_END);
		fsz = ftell(fp);
		fclose(fp);
		if (fsz < MINBYTES || l - 6 >= LID_LABEL)
			continue;
		if (nlang == LID_MAXLANG)
			cli_die(EX_DATAERR, "too many languages");
		labels[nlang] = strndup(de->d_name, l - 6);
		nlang++;
	}
	closedir(dir);
	qsort(labels, nlang, sizeof(labels[0]), cmp_str);
	fprintf(stderr, "langid-train: %d languages\n", nlang);

	/* Count grams per language. */
	for (L = 0; L < nlang; L++) {
		snprintf(path, sizeof(path), "%s/%s.train", argv[1], labels[L]);
		lines = read_lines(path, CAPBYTES, &nlines);
		nh = 0;
		for (i = 0; i < nlines; i++)
			hash_text(&t, lines[i], &h, &nh, &hcap);
		free_lines(lines, nlines);
		qsort(h, nh, sizeof(*h), cmp_u64);
		nu = 0;
		u = NULL;
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
		/* floor = log(alpha / (N + alpha V)), V the distinct grams. */
		floor_[L] = (float)log(ALPHA / (nh + ALPHA * (double)k));
		qsort(u, nu, sizeof(*u), cmp_count);
		for (i = 0; i < nu; i++)
			u[i].rank = i;
		items = xrealloc(items, (nitems + nu) * sizeof(*items));
		memcpy(items + nitems, u, nu * sizeof(*u));
		nitems += nu;
		free(u);
	}
	free(h);
	qsort(items, nitems, sizeof(*items), cmp_item);
	for (i = 0; i < nitems; i = j) {
		uint32_t r = UINT32_MAX;

		for (j = i; j < nitems && items[j].h == items[i].h; j++)
			if (items[j].rank < r)
				r = items[j].rank;
		groups = xrealloc(groups, (ngroups + 1) * sizeof(*groups));
		groups[ngroups].at = i;
		groups[ngroups].len = j - i;
		groups[ngroups].rank = r;
		groups[ngroups].h = items[i].h;
		ngroups++;
	}
	qsort(groups, ngroups, sizeof(*groups), cmp_group);
	if (ngroups > MAXGRAMS)
		ngroups = MAXGRAMS;
	fprintf(stderr, "langid-train: %zu grams kept (rank < %u)\n", ngroups,
	    ngroups ? groups[ngroups - 1].rank + 1 : 0);
	qsort(groups, ngroups, sizeof(*groups), cmp_group_h);

	/* The table, filled in hash order. */
	rowlen = LID_ROWLEN(nlang);
	key = calloc(NSLOTS, 4);
	ref = calloc(NSLOTS, 4);
	ent = NULL;
	nent = 0;
	for (i = 0; i < ngroups; i++) {
		size_t first = nent;

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
			ent = xrealloc(ent, (nent + 1) * sizeof(*ent));
			ent[nent++] = u->lang | q << 8;
		}
		s = lid_slot_start(groups[i].h, mask);
		while (key[s] != 0)
			s = (s + 1) & mask;
		key[s] = (uint32_t)(groups[i].h >> 32) | 1;
		ref[s] = (uint32_t)first << 8 | (uint32_t)(nent - first);
		if (nent - first >= DENSEMIN) {
			/* A dense row instead of the entries just made. */
			dense = xrealloc(dense, (ndense + 1) * rowlen);
			memset(dense + ndense * rowlen, 0, rowlen);
			for (j = first; j < nent; j++)
				dense[ndense * rowlen + (ent[j] & 0xff)] =
				    ent[j] >> 8;
			ref[s] = (uint32_t)ndense << 8;
			ndense++;
			nent = first;
		}
	}
	free(items);
	free(groups);

	/* The file, calibration zero for now; read back to calibrate. */
	fsz = LID_DENSEOFF(nlang, NSLOTS, nent) + (long)rowlen * ndense + 4;
	if ((mem = calloc(1, fsz)) == NULL)
		cli_die(EX_SOFTWARE, "out of memory");
	memcpy(mem, LID_MAGIC, 8);
	{
		uint32_t hdr[4] = { nlang, NSLOTS, nent, LID_ORDER };
		uint32_t nd = ndense;
		double one = 1, half = 0.5;

		memcpy(mem + 8, hdr, 16);
		memcpy(mem + 24, &one, 8);
		memcpy(mem + 32, &half, 8);
		memcpy(mem + 40, &nd, 4);
	}
	for (L = 0; L < nlang; L++) {
		memcpy(mem + LID_HDR + 16 * L, labels[L], strlen(labels[L]));
		memcpy(mem + LID_HDR + 16 * L + LID_LABEL, &floor_[L], 4);
	}
	k = LID_SLOTOFF(nlang);
	for (s = 0; s < NSLOTS; s++) {
		memcpy(mem + k + 4 * lid_key_at(s), &key[s], 4);
		memcpy(mem + k + 4 * (lid_key_at(s) + LID_LINE), &ref[s], 4);
	}
	memcpy(mem + k + 8 * (size_t)NSLOTS, ent, 2 * nent);
	memcpy(mem + LID_DENSEOFF(nlang, NSLOTS, nent), dense,
	    (size_t)rowlen * ndense);
	free(dense);
	free(key);
	free(ref);
	free(ent);

	{
		unsigned char *copy = malloc(fsz);
		uint32_t hsum = lid_checksum(mem, fsz - 4);
		struct rerr e;

		memcpy(mem + fsz - 4, &hsum, 4);
		memcpy(copy, mem, fsz);
		m.mapped = 0;
		if (lid_model_from_mem(&m, copy, fsz, "model", &e) != 0)
			return cli_report(&e);
	}

	/* Held-out texts of each bucket, scored once. */
	for (L = 0; L < nlang; L++) {
		snprintf(path, sizeof(path), "%s/%s.held", argv[1], labels[L]);
		lines = read_lines(path, SIZE_MAX, &nlines);
		i = 0;
		for (bk = 0; bk < 3; bk++) {
			for (k = 0; k < PERBUCKET && i < nlines; k++) {
				int32_t acc[LID_ACCLEN] = { 0 };

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
				smp = xrealloc(smp, (nsmp + 1) * sizeof(*smp));
				smp[nsmp].lang = L;
				smp[nsmp].bucket = bk;
				smp[nsmp].n = lid_accumulate(&m, t.cp, 0, t.n,
				    acc);
				smp[nsmp].ll = xrealloc(NULL,
				    nlang * sizeof(double));
				lid_loglik(&m, acc, smp[nsmp].n, smp[nsmp].ll);
				nsmp++;
			}
		}
		free_lines(lines, nlines);
	}
	p = xrealloc(NULL, nlang * sizeof(double));
	for (bi = 0; bi <= 20; bi++)
		for (ai = 0; ai <= 40; ai++) {
			b = bi * 0.05;
			a = exp(-4 + ai * 0.2);
			nll = 0;
			for (k = 0; k < nsmp; k++)
				nll += neg_log_post(smp[k].ll, smp[k].n,
				    smp[k].lang, a, b);
			if (nll < best) {
				best = nll;
				best_a = a;
				best_b = b;
			}
		}
	for (k = 0; k < nsmp; k++) {
		top = 0;
		for (L = 1; L < nlang; L++)
			if (smp[k].ll[L] > smp[k].ll[top])
				top = L;
		ntot[smp[k].bucket]++;
		ncorrect[smp[k].bucket] += top == smp[k].lang;
		free(smp[k].ll);
	}
	fprintf(stderr, "langid-train: held-out accuracy short %.3f medium "
	    "%.3f long %.3f (%zu texts); cal_a %g cal_b %g, nll %.4f\n",
	    (double)ncorrect[0] / ntot[0], (double)ncorrect[1] / ntot[1],
	    (double)ncorrect[2] / ntot[2], nsmp, best_a, best_b,
	    best / nsmp);
	free(smp);
	free(p);
	lid_model_free(&m);
	text_norm_free(&t);

	memcpy(mem + 24, &best_a, 8);
	memcpy(mem + 32, &best_b, 8);
	{
		uint32_t hsum = lid_checksum(mem, fsz - 4);

		memcpy(mem + fsz - 4, &hsum, 4);
	}
	snprintf(path, sizeof(path), "%s.tmp", argv[2]);
	if ((fp = fopen(path, "wb")) == NULL ||
	    fwrite(mem, 1, fsz, fp) != (size_t)fsz || fclose(fp) != 0)
		cli_die(EX_CANTCREAT, "%s: %s", path, strerror(errno));
	if (rename(path, argv[2]) != 0)
		cli_die(EX_CANTCREAT, "%s: %s", argv[2], strerror(errno));
	free(mem);
	for (L = 0; L < nlang; L++)
		free(labels[L]);
	(void)put32;
	return 0;
}
