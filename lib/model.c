/*
 * model: writing, mapping and checking reel model files (reel-model(5)).
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hash.h"
#include "model.h"

#define TABENT	24	/* id u32, esize u32, offset u64, count u64 */

uint64_t
model_hash(const void *p, size_t n, uint64_t h)
{
	return hash_fnv1a(h, p, n);
}


static uint32_t
rd32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint64_t
rd64(const unsigned char *p)
{
	return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static void
wr32(unsigned char *p, uint32_t v)
{
	p[0] = v, p[1] = v >> 8, p[2] = v >> 16, p[3] = v >> 24;
}

static void
wr64(unsigned char *p, uint64_t v)
{
	wr32(p, (uint32_t)v);
	wr32(p + 4, (uint32_t)(v >> 32));
}

static int
little_endian(void)
{
	uint32_t x = 1;

	return *(unsigned char *)&x == 1;
}

void
model_writer_init(struct model_writer *w)
{
	memset(w, 0, sizeof(*w));
}

int
model_add(struct model_writer *w, uint32_t id, const void *p, uint32_t esize,
    uint64_t count)
{
	if (w->n == MS_SECT_MAX || (count > 0 && p == NULL))
		return -1;
	w->s[w->n].id = id;
	w->s[w->n].esize = esize;
	w->s[w->n].p = p;
	w->s[w->n].count = count;
	w->n++;
	return 0;
}

static uint64_t
align8(uint64_t x)
{
	return (x + 7) & ~(uint64_t)7;
}

int
model_write(struct model_writer *w, FILE *fp, const char *name,
    struct rerr *e)
{
	static const unsigned char zero[8];
	unsigned char hdr[MODEL_HDRSIZE], *tab;
	uint64_t off, h = HASH_FNV_INIT, size;
	size_t tlen = (size_t)w->n * TABENT;
	int i;

	if (!little_endian())
		return rerr_set(e, EX_SOFTWARE, name, 0,
		    "model files are little-endian; this host is not");
	if ((tab = calloc(1, tlen + 8)) == NULL)
		return rerr_set(e, EX_SOFTWARE, name, 0, "out of memory");
	off = align8(MODEL_HDRSIZE + tlen);
	for (i = 0; i < w->n; i++) {
		wr32(tab + i * TABENT, w->s[i].id);
		wr32(tab + i * TABENT + 4, w->s[i].esize);
		wr64(tab + i * TABENT + 8, off);
		wr64(tab + i * TABENT + 16, w->s[i].count);
		off = align8(off + w->s[i].count * w->s[i].esize);
	}
	size = off;
	/* The checksum covers the table, the padding and every section. */
	h = model_hash(tab, tlen, h);
	off = MODEL_HDRSIZE + tlen;
	h = model_hash(zero, align8(off) - off, h);
	for (i = 0; i < w->n; i++) {
		uint64_t n = w->s[i].count * w->s[i].esize;

		h = model_hash(w->s[i].p, n, h);
		h = model_hash(zero, align8(n) - n, h);
	}
	memset(hdr, 0, sizeof(hdr));
	memcpy(hdr, MODEL_MAGIC, 8);
	wr32(hdr + 8, MODEL_VERSION);
	wr32(hdr + 12, (uint32_t)w->n);
	wr64(hdr + 16, size);
	wr64(hdr + 24, h);
	wr32(hdr + 32, MODEL_HDRSIZE);
	fwrite(hdr, 1, sizeof(hdr), fp);
	fwrite(tab, 1, tlen, fp);
	fwrite(zero, 1, align8(off) - off, fp);
	for (i = 0; i < w->n; i++) {
		uint64_t n = w->s[i].count * w->s[i].esize;

		if (n > 0)
			fwrite(w->s[i].p, 1, n, fp);
		fwrite(zero, 1, align8(n) - n, fp);
	}
	free(tab);
	if (fflush(fp) != 0 || ferror(fp))
		return rerr_set(e, EX_IOERR, name, 0, "write error: %s",
		    strerror(errno));
	return 0;
}

/* The element size each known section must have. */
static uint32_t
esize_of(uint32_t id)
{
	switch (id) {
	case MS_META:
		return sizeof(struct model_meta);
	case MS_USER_NAMES: case MS_ITEM_NAMES: case MS_TAG_NAMES:
	case MS_ITEM_TITLES:
		return 1;
	case MS_ITEM_PUB: case MS_USER_LAST:
		return 8;
	default:
		return 4;
	}
}

struct view {
	const unsigned char *p;
	uint64_t	 count;
	int		 present;
};

static int
bad(struct rerr *e, const char *name, const char *what)
{
	return rerr_set(e, EX_DATAERR, name, 0, "not a valid model: %s",
	    what);
}

/* A names blob: ends with NUL, and every offset falls inside it. */
static int
names_ok(const struct view *blob, const struct view *off, uint64_t n)
{
	const uint32_t *o = (const uint32_t *)off->p;
	uint64_t i;

	if (off->count != n)
		return 0;
	if (n == 0)
		return 1;
	if (blob->count == 0 || blob->p[blob->count - 1] != '\0')
		return 0;
	for (i = 0; i < n; i++)
		if (o[i] >= blob->count)
			return 0;
	return 1;
}

/* Compressed rows: n + 1 monotone starts from 0 to the count of vals. */
static int
rows_ok(const struct view *start, uint64_t n, uint64_t nval,
    const struct view *val, uint64_t limit, uint32_t mask)
{
	const uint32_t *s = (const uint32_t *)start->p;
	const uint32_t *v = val ? (const uint32_t *)val->p : NULL;
	uint64_t i;

	if (start->count != n + 1 || s[0] != 0 || s[n] != nval)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i + 1] < s[i])
			return 0;
	if (v != NULL)
		for (i = 0; i < nval; i++)
			if ((v[i] & mask) >= limit)
				return 0;
	return 1;
}

int
model_from_mem(struct model *m, const void *buf, size_t len,
    const char *name, struct rerr *e)
{
	const unsigned char *b = buf;
	struct view v[MS_SECT_MAX];
	const struct model_meta *mt;
	uint64_t size, nsect, i, nu, ni, nt;

	memset(v, 0, sizeof(v));
	memset(m, 0, sizeof(*m));
	if (!little_endian())
		return rerr_set(e, EX_SOFTWARE, name, 0,
		    "model files are little-endian; this host is not");
	if (len < MODEL_HDRSIZE || memcmp(b, MODEL_MAGIC, 8) != 0)
		return bad(e, name, len < 8 ? "file too short" :
		    "no model magic");
	if (rd32(b + 8) != MODEL_VERSION)
		return rerr_set(e, EX_DATAERR, name, 0,
		    "model format version %u; this rank reads version %d",
		    (unsigned)rd32(b + 8), MODEL_VERSION);
	size = rd64(b + 16);
	nsect = rd32(b + 12);
	if (size != len)
		return rerr_set(e, EX_DATAERR, name, 0,
		    "not a valid model: %zu bytes, the header says %llu "
		    "(truncated?)", len, (unsigned long long)size);
	if (rd32(b + 32) != MODEL_HDRSIZE || nsect > MS_SECT_MAX ||
	    MODEL_HDRSIZE + nsect * TABENT > len)
		return bad(e, name, "bad section table");
	if (model_hash(b + MODEL_HDRSIZE, len - MODEL_HDRSIZE, HASH_FNV_INIT) !=
	    rd64(b + 24))
		return bad(e, name, "checksum mismatch");
	for (i = 0; i < nsect; i++) {
		const unsigned char *t = b + MODEL_HDRSIZE + i * TABENT;
		uint32_t id = rd32(t), es = rd32(t + 4);
		uint64_t off = rd64(t + 8), cnt = rd64(t + 16);

		if (id == 0 || id >= MS_SECT_MAX)
			continue;	/* a section of a later minor revision */
		if (es != esize_of(id) || v[id].present || off % 8 != 0 ||
		    off > len || cnt > (len - off) / es)
			return bad(e, name, "section out of bounds");
		v[id].p = b + off;
		v[id].count = cnt;
		v[id].present = 1;
	}
	if (!v[MS_META].present || v[MS_META].count != 1)
		return bad(e, name, "no meta section");
	mt = (const struct model_meta *)v[MS_META].p;
	m->meta = *mt;
	nu = mt->nusers, ni = mt->nitems, nt = mt->ntags;
	if (!names_ok(&v[MS_USER_NAMES], &v[MS_USER_OFF], nu) ||
	    !names_ok(&v[MS_ITEM_NAMES], &v[MS_ITEM_OFF], ni))
		return bad(e, name, "bad id tables");
	if (!rows_ok(&v[MS_SEEN_START], nu, v[MS_SEEN_ITEM].count,
	    &v[MS_SEEN_ITEM], ni, ~0u))
		return bad(e, name, "bad seen items");
	if (v[MS_POP_ALL].count != ni || v[MS_POP_RECENT].count != ni)
		return bad(e, name, "bad popularity");
	if (mt->k > 4096 || mt->kmf > 4096 || mt->nb > 1u << 20)
		return bad(e, name, "bad sizes");
	if (mt->k > 0 && (v[MS_USER_FACTORS].count != nu * mt->k ||
	    v[MS_ITEM_FACTORS].count != ni * mt->k))
		return bad(e, name, "bad factors");
	if (mt->kmf > 0 && (v[MS_MF_USER].count != nu * (mt->kmf + 1) ||
	    v[MS_MF_ITEM].count != ni * (mt->kmf + 1)))
		return bad(e, name, "bad rating factors");
	if (mt->nb > 0 && (!rows_ok(&v[MS_NB_START], ni, v[MS_NB_ITEM].count,
	    &v[MS_NB_ITEM], ni, ~0u) || v[MS_NB_SIM].count != v[MS_NB_ITEM].count))
		return bad(e, name, "bad neighbours");
	if (nt > 0 && (!names_ok(&v[MS_TAG_NAMES], &v[MS_TAG_OFF], nt) ||
	    !rows_ok(&v[MS_ITEM_TAG_START], ni,
	    v[MS_ITEM_TAG].count,
	    &v[MS_ITEM_TAG], nt, ~0u)))
		return bad(e, name, "bad tags");
	if (nt > 0 && (!rows_ok(&v[MS_UPREF_START], nu, v[MS_UPREF_KEY].count,
	    &v[MS_UPREF_KEY], nt, 0xffffff) || v[MS_UPREF_W].count !=
	    v[MS_UPREF_KEY].count))
		return bad(e, name, "bad user preferences");
	if (nt > 0)
		for (i = 0; i < v[MS_UPREF_KEY].count; i++)
			if ((((const uint32_t *)v[MS_UPREF_KEY].p)[i] >> 24) >=
			    MODEL_DAYPARTS)
				return bad(e, name, "bad user preferences");
	if (v[MS_ITEM_PUB].present && v[MS_ITEM_PUB].count != ni)
		return bad(e, name, "bad publish times");
	if (v[MS_USER_LAST].present && v[MS_USER_LAST].count != nu)
		return bad(e, name, "bad user activity times");
	if (v[MS_ITEM_TITLE_OFF].present &&
	    !names_ok(&v[MS_ITEM_TITLES], &v[MS_ITEM_TITLE_OFF], ni))
		return bad(e, name, "bad titles");
#define P(f, id, T)	m->f = v[id].count ? (const T *)v[id].p : NULL
	P(user_names, MS_USER_NAMES, char);
	P(item_names, MS_ITEM_NAMES, char);
	P(tag_names, MS_TAG_NAMES, char);
	P(titles, MS_ITEM_TITLES, char);
	P(user_off, MS_USER_OFF, uint32_t);
	P(item_off, MS_ITEM_OFF, uint32_t);
	P(tag_off, MS_TAG_OFF, uint32_t);
	P(title_off, MS_ITEM_TITLE_OFF, uint32_t);
	P(uf, MS_USER_FACTORS, float);
	P(vf, MS_ITEM_FACTORS, float);
	P(mfu, MS_MF_USER, float);
	P(mfi, MS_MF_ITEM, float);
	P(seen_start, MS_SEEN_START, uint32_t);
	P(seen, MS_SEEN_ITEM, uint32_t);
	P(pop_all, MS_POP_ALL, float);
	P(pop_recent, MS_POP_RECENT, float);
	P(ulast, MS_USER_LAST, double);
	P(nb_start, MS_NB_START, uint32_t);
	P(nb_item, MS_NB_ITEM, uint32_t);
	P(nb_sim, MS_NB_SIM, float);
	P(itag_start, MS_ITEM_TAG_START, uint32_t);
	P(itag, MS_ITEM_TAG, uint32_t);
	P(pub, MS_ITEM_PUB, double);
	P(upref_start, MS_UPREF_START, uint32_t);
	P(upref_key, MS_UPREF_KEY, uint32_t);
	P(upref_w, MS_UPREF_W, float);
#undef P
	if (nt == 0)
		m->itag_start = m->upref_start = NULL;
	return 0;
}

int
model_open(struct model *m, const char *path, struct rerr *e)
{
	struct stat st;
	void *p;
	int fd, rv;

	if ((fd = open(path, O_RDONLY)) < 0)
		return rerr_set(e, EX_NOINPUT, path, 0, "%s", strerror(errno));
	if (fstat(fd, &st) != 0) {
		rv = rerr_set(e, EX_NOINPUT, path, 0, "%s", strerror(errno));
		close(fd);
		return rv;
	}
	if (st.st_size < MODEL_HDRSIZE) {
		close(fd);
		return bad(e, path, "file too short");
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return rerr_set(e, EX_NOINPUT, path, 0, "mmap: %s",
		    strerror(errno));
	if ((rv = model_from_mem(m, p, (size_t)st.st_size, path, e)) != 0) {
		munmap(p, (size_t)st.st_size);
		return rv;
	}
	m->map = p;
	m->size = (size_t)st.st_size;
	m->mapped = 1;
	return 0;
}

void
model_close(struct model *m)
{
	if (m->mapped)
		munmap(m->map, m->size);
	memset(m, 0, sizeof(*m));
}
