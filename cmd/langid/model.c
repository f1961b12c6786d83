/*
 * model: loading the langid model file and scoring grams (see model.h).
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the langid model is read in place and is little-endian"
#endif

uint64_t
lid_gram_hash(const uint32_t *cp, size_t i, int k)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ (uint64_t)k;
	int j;

	for (j = 0; j < k; j++)
		h = (h ^ cp[i - j]) * 0x100000001b3ULL;
	/* The 64-bit finaliser of MurmurHash3 spreads the FNV state. */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static uint32_t
rd32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

uint32_t
lid_checksum(const unsigned char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL, w;
	size_t i;

	/* FNV-1a over 64-bit words, so a start-up reads 8 MB in a moment. */
	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0x100000001b3ULL;
	}
	for (; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return (uint32_t)(h ^ h >> 32);
}

static int
bad(struct lid_model *m, struct rerr *e, const char *name, const char *why)
{
	lid_model_free(m);
	return rerr_set(e, EX_DATAERR, name, 0, "not a langid model: %s", why);
}

int
lid_model_from_mem(struct lid_model *m, unsigned char *mem, size_t len,
    const char *name, struct rerr *e)
{
	size_t need;
	uint32_t i;
	const unsigned char *p;

	if (!m->mapped) {
		memset(m, 0, sizeof(*m));
		m->mem = mem;
		m->size = len;
	}
	if (len < LID_HDR + 4 || memcmp(mem, "REELLID1", 8) != 0)
		return bad(m, e, name, "bad magic");
	m->nlang = rd32(mem + 8);
	m->nslots = rd32(mem + 12);
	m->nent = rd32(mem + 16);
	m->order = rd32(mem + 20);
	m->ndense = rd32(mem + 40);
	memcpy(&m->cal_a, mem + 24, 8);
	memcpy(&m->cal_b, mem + 32, 8);
	if (m->nlang == 0 || m->nlang > LID_MAXLANG)
		return bad(m, e, name, "bad language count");
	if (m->nslots == 0 || (m->nslots & (m->nslots - 1)) != 0 ||
	    m->nslots > (1u << 26) || m->nent > (1u << 24) ||
	    m->ndense > (1u << 20))
		return bad(m, e, name, "bad table size");
	if (m->order != LID_ORDER)
		return bad(m, e, name, "unsupported n-gram order");
	if (!(m->cal_a > 0 && m->cal_a < 1e6) ||
	    !(m->cal_b >= 0 && m->cal_b <= 2))
		return bad(m, e, name, "bad calibration");
	need = LID_HDR + 16 * (size_t)m->nlang + 8 * (size_t)m->nslots +
	    2 * (size_t)m->nent +
	    (size_t)LID_ROWLEN(m->nlang) * m->ndense + 4;
	if (len != need)
		return bad(m, e, name, "wrong size");
	if (lid_checksum(mem, len - 4) != rd32(mem + len - 4))
		return bad(m, e, name, "checksum mismatch");
	for (i = 0; i < m->nlang; i++) {
		p = mem + LID_HDR + 16 * i;
		if (p[0] == '\0' || memchr(p, '\0', LID_LABEL) == NULL)
			return bad(m, e, name, "bad label");
		m->label[i] = (const char *)p;
		memcpy(&m->floor[i], p + LID_LABEL, 4);
		if (!(m->floor[i] < 0 && m->floor[i] > -100))
			return bad(m, e, name, "bad floor");
	}
	p = mem + LID_HDR + 16 * (size_t)m->nlang;
	m->slot = (const uint32_t *)p;
	m->rowlen = LID_ROWLEN(m->nlang);
	m->ent = (const uint16_t *)(p + 8 * (size_t)m->nslots);
	m->dense = (const uint8_t *)(p + 8 * (size_t)m->nslots +
	    2 * (size_t)m->nent);
	/*
	 * References are not walked here: that would touch every slot at
	 * each start.  probe() checks each one it meets against nent and
	 * ndense, and a language byte of an entry or row indexes an
	 * accumulator of LID_ACCLEN, so no model can make a lookup read or
	 * write out of bounds.
	 */
	return 0;
}

int
lid_model_load(struct lid_model *m, const char *path, struct rerr *e)
{
	struct stat st;
	unsigned char *mem;
	ssize_t k;
	size_t got;
	int fd;

	memset(m, 0, sizeof(*m));
	if ((fd = open(path, O_RDONLY)) == -1)
		return rerr_set(e, EX_NOINPUT, path, 0, "cannot open model: %s",
		    strerror(errno));
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) || st.st_size <= 0) {
		close(fd);
		return rerr_set(e, EX_DATAERR, path, 0,
		    "not a langid model: not a regular file");
	}
	mem = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd,
	    0);
	if (mem != MAP_FAILED) {
		close(fd);
		m->mem = mem;
		m->size = st.st_size;
		m->mapped = 1;
		return lid_model_from_mem(m, mem, st.st_size, path, e);
	}
	if ((mem = malloc(st.st_size)) == NULL) {
		close(fd);
		return rerr_set(e, EX_SOFTWARE, path, 0, "out of memory");
	}
	for (got = 0; got < (size_t)st.st_size; got += k)
		if ((k = read(fd, mem + got, st.st_size - got)) <= 0) {
			free(mem);
			close(fd);
			return rerr_set(e, EX_IOERR, path, 0, "read error: %s",
			    k == 0 ? "file shrank" : strerror(errno));
		}
	close(fd);
	return lid_model_from_mem(m, mem, st.st_size, path, e);
}

void
lid_model_free(struct lid_model *m)
{
	if (m->mem != NULL) {
		if (m->mapped)
			munmap(m->mem, m->size);
		else
			free(m->mem);
	}
	memset(m, 0, sizeof(*m));
}

int
lid_model_find(const struct lid_model *m, const char *label)
{
	uint32_t i;

	for (i = 0; i < m->nlang; i++)
		if (strcmp(m->label[i], label) == 0)
			return (int)i;
	return -1;
}

/*
 * Grams are looked up a batch at a time, their slots and then their
 * entries prefetched: the table is megabytes, and waiting for one cache
 * miss after another would be most of the cost of a lookup.
 */
#define BATCH	64

#ifdef __SSE2__
#include <emmintrin.h>

/* acc[0..len) += row[0..len), len a multiple of 16. */
static void
add_row(int32_t *acc, const uint8_t *row, uint32_t len)
{
	const __m128i z = _mm_setzero_si128();
	__m128i b, lo, hi;
	uint32_t i;

	for (i = 0; i < len; i += 16) {
		b = _mm_loadu_si128((const __m128i *)(row + i));
		lo = _mm_unpacklo_epi8(b, z);
		hi = _mm_unpackhi_epi8(b, z);
#define ADD4(off, v) _mm_storeu_si128((__m128i *)(acc + i + (off)),	\
	_mm_add_epi32(_mm_loadu_si128((const __m128i *)(acc + i + (off))), (v)))
		ADD4(0, _mm_unpacklo_epi16(lo, z));
		ADD4(4, _mm_unpackhi_epi16(lo, z));
		ADD4(8, _mm_unpacklo_epi16(hi, z));
		ADD4(12, _mm_unpackhi_epi16(hi, z));
#undef ADD4
	}
}
#else
static void
add_row(int32_t *acc, const uint8_t *row, uint32_t len)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		acc[i] += row[i];
}
#endif

/* The ref of the gram with hash h, or 0 when the table has no such gram. */
static uint32_t
probe(const struct lid_model *m, uint64_t h)
{
	const uint32_t mask = m->nslots - 1;
	uint32_t key = (uint32_t)(h >> 32) | 1, s;

	uint32_t r, probes = 0;

	for (s = (uint32_t)h & mask; m->slot[2 * s] != 0 && probes++ < mask;
	    s = (s + 1) & mask) {
		if (m->slot[2 * s] != key)
			continue;
		r = m->slot[2 * s + 1];
		if ((r & 0xff) == 0 ? (r >> 8) >= m->ndense :
		    (r >> 8) + (r & 0xff) > m->nent)
			return 0;	/* a damaged model: ignore the gram */
		return r | 1u << 31;
	}
	return 0;
}

static void
apply(const struct lid_model *m, uint32_t r, int32_t *acc)
{
	uint32_t j;

	r &= ~(1u << 31);
	if ((r & 0xff) == 0) {
		add_row(acc, m->dense + (size_t)(r >> 8) * m->rowlen,
		    m->rowlen);
		return;
	}
	for (j = r >> 8; j < (r >> 8) + (r & 0xff); j++)
		acc[m->ent[j] & 0xff] += m->ent[j] >> 8;
}

static const void *
target(const struct lid_model *m, uint32_t r)
{
	r &= ~(1u << 31);
	if ((r & 0xff) == 0)
		return m->dense + (size_t)(r >> 8) * m->rowlen;
	return m->ent + (r >> 8);
}

uint32_t
lid_accumulate(const struct lid_model *m, const uint32_t *cp, size_t from,
    size_t to, int32_t *acc)
{
	const uint32_t mask = m->nslots - 1;
	uint64_t h[BATCH + LID_ORDER];
	uint32_t n = 0, r[BATCH + LID_ORDER];
	size_t i, nh, j;
	int k;

	for (i = from; i < to;) {
		nh = 0;
		for (; i < to && nh + LID_ORDER <= BATCH; i++)
			for (k = 1; k <= LID_ORDER && (size_t)k <= i + 1; k++) {
				if (k == 1 && cp[i] == ' ')
					continue;
				h[nh++] = lid_gram_hash(cp, i, k);
			}
		/*
		 * Three passes, so that the misses of a batch overlap: fetch
		 * every slot, then find every ref and fetch what it names,
		 * then add.
		 */
		for (j = 0; j < nh; j++)
			__builtin_prefetch(&m->slot[2 * ((uint32_t)h[j] & mask)]);
		for (j = 0; j < nh; j++)
			if ((r[j] = probe(m, h[j])) != 0)
				__builtin_prefetch(target(m, r[j]));
		for (j = 0; j < nh; j++)
			if (r[j] != 0) {
				apply(m, r[j], acc);
				n++;
			}
	}
	return n;
}

void
lid_loglik(const struct lid_model *m, const int32_t *acc, uint32_t n,
    double *ll)
{
	uint32_t i;

	for (i = 0; i < m->nlang; i++)
		ll[i] = acc[i] / LID_QSCALE + n * (double)m->floor[i];
}

void
lid_posterior_with(const struct lid_model *m, const double *ll, uint32_t n,
    const unsigned char *allow, double a, double b, double *p)
{
	double t, mx = -INFINITY, sum = 0;
	uint32_t i;

	t = a / pow(n > 0 ? n : 1, b);
	for (i = 0; i < m->nlang; i++)
		if ((allow == NULL || allow[i]) && ll[i] > mx)
			mx = ll[i];
	for (i = 0; i < m->nlang; i++) {
		if (allow != NULL && !allow[i]) {
			p[i] = 0;
			continue;
		}
		p[i] = exp((ll[i] - mx) * t);
		sum += p[i];
	}
	for (i = 0; i < m->nlang; i++)
		p[i] /= sum;
}

void
lid_posterior(const struct lid_model *m, const double *ll, uint32_t n,
    const unsigned char *allow, double *p)
{
	lid_posterior_with(m, ll, n, allow, m->cal_a, m->cal_b, p);
}
