/*
 * lid_model: loading the langid model file and scoring grams (lid_model.h).
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lid_model.h"
#include "lid_script.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the langid model is read in place and is little-endian"
#endif

/*
 * The grams ending at one position share their FNV-1a prefix: the gram of
 * order k extends that of order k - 1 by one code point to the left, so
 * all LID_ORDER hashes of a position cost LID_ORDER multiplications and a
 * short finaliser each (a multiply-xorshift, as in splitmix64, to spread
 * FNV's weak low bits over the bucket index).
 */

uint64_t
lid_gram_hash(const uint32_t *cp, size_t i, int k)
{
	uint64_t h = HASH_FNV_INIT;
	int j;

	for (j = 0; j < k; j++)
		h = (h ^ cp[i - j]) * HASH_FNV_PRIME;
	return lid_fin(h);
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
	uint64_t h[4], w;
	size_t i;
	int j;

	/*
	 * FNV-1a over 64-bit words in four interleaved lanes, folded: four
	 * independent multiply chains run in parallel, so checking a 9 MB
	 * model at each start takes a fraction of a millisecond.
	 */
	for (j = 0; j < 4; j++)
		h[j] = HASH_FNV_INIT + (uint64_t)j;
	for (i = 0; i + 32 <= n; i += 32)
		for (j = 0; j < 4; j++) {
			memcpy(&w, p + i + 8 * j, 8);
			h[j] = (h[j] ^ w) * HASH_FNV_PRIME;
		}
	for (; i < n; i++)
		h[0] = (h[0] ^ p[i]) * HASH_FNV_PRIME;
	for (j = 1; j < 4; j++)
		h[0] = (h[0] ^ lid_fin(h[j])) * HASH_FNV_PRIME;
	return (uint32_t)(h[0] ^ h[0] >> 32);
}

static uint32_t	probe(const struct lid_model *, uint64_t);

static int
bad(struct lid_model *m, struct rerr *e, const char *name, const char *why)
{
	lid_model_free(m);
	return rerr_set(e, EX_DATAERR, name, 0, "not a langid model: %s", why);
}

/*
 * The languages that may answer for text mainly in each script: those
 * written in it; for Han alone, the languages written in Han and neither
 * kana nor Hangul (Chinese), unless the model has none.
 */
static void
script_sets(struct lid_model *m)
{
	const uint64_t jk = 1ull << LID_SC_KANA | 1ull << LID_SC_HANGUL;
	unsigned char *a;
	uint32_t L, s, n;

	for (s = 1; s < LID_SC_N; s++) {
		a = m->scall + (size_t)s * LID_ACCLEN;
		for (L = n = 0; L < m->nlang; L++)
			n += a[L] = (m->scripts[L] >> s & 1) &&
			    (s != LID_SC_HAN || !(m->scripts[L] & jk));
		if (n == 0 && s == LID_SC_HAN)
			for (L = 0; L < m->nlang; L++)
				n += a[L] = m->scripts[L] >> s & 1;
		m->scany[s] = n > 0;
	}
}

/*
 * Looks up the unigrams and the a-z bigrams once (a millisecond), so that
 * scoring finds them without hashing and probing: they are a third of
 * the grams of a text, and the same few again and again.  And computes
 * the posterior's scale for the gram counts of most texts.
 */
static int
fill_direct(struct lid_model *m, const char *name, struct rerr *e)
{
	uint32_t c, d, g[2];

	if ((m->direct = malloc((LID_DIRECT + 27 * 27) *
	    sizeof(m->direct[0]))) == NULL ||
	    (m->temp = malloc(LID_NTEMP * sizeof(m->temp[0]))) == NULL ||
	    (m->scall = calloc(LID_SC_N, LID_ACCLEN)) == NULL) {
		lid_model_free(m);
		return rerr_set(e, EX_SOFTWARE, name, 0, "out of memory");
	}
	script_sets(m);
	/* The softmax scale of each short text's gram count: one pow. */
	for (c = 0; c < LID_NTEMP; c++)
		m->temp[c] = m->cal_a / pow(c > 0 ? c : 1, m->cal_b);
	for (c = 0; c < LID_DIRECT; c++)
		m->direct[c] = probe(m, lid_gram_hash(&c, 0, 1));
	for (c = 'a'; c <= 'z' + 1; c++)
		for (d = 'a'; d <= 'z' + 1; d++) {
			g[0] = c > 'z' ? ' ' : c;
			g[1] = d > 'z' ? ' ' : d;
			m->direct[LID_BIGRAM(g[0], g[1])] =
			    probe(m, lid_gram_hash(g, 1, 2));
		}
	return 0;
}

int
lid_model_from_mem(struct lid_model *m, unsigned char *mem, size_t len,
    const char *name, struct rerr *e)
{
	size_t need;
	uint32_t i, nempty = 0;
	const unsigned char *p;

	if (!m->mapped) {
		memset(m, 0, sizeof(*m));
		m->mem = mem;
		m->size = len;
	}
	if (len < LID_HDR + 4 || memcmp(mem, LID_MAGIC, 8) != 0)
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
	/* nent <= 2^23 keeps every ref below 2^31: probe() marks a find */
	/* with bit 31. */
	if (m->nslots < LID_LINE || (m->nslots & (m->nslots - 1)) != 0 ||
	    m->nslots > (1u << 26) || m->nent > (1u << 23) ||
	    m->ndense > (1u << 20))
		return bad(m, e, name, "bad table size");
	if (m->order != LID_ORDER)
		return bad(m, e, name, "unsupported n-gram order");
	if (!(m->cal_a > 0 && m->cal_a < 1e6) ||
	    !(m->cal_b >= 0 && m->cal_b <= 2))
		return bad(m, e, name, "bad calibration");
	need = LID_DENSEOFF(m->nlang, m->nslots, m->nent) +
	    (size_t)LID_ROWLEN(m->nlang) * m->ndense + 4;
	if (len != need)
		return bad(m, e, name, "wrong size");
	if (lid_checksum(mem, len - 4) != rd32(mem + len - 4))
		return bad(m, e, name, "checksum mismatch");
	for (i = 0; i < m->nlang; i++) {
		p = mem + LID_HDR + LID_LANGREC * i;
		if (p[0] == '\0' || memchr(p, '\0', LID_LABEL) == NULL)
			return bad(m, e, name, "bad label");
		m->label[i] = (const char *)p;
		memcpy(&m->floor[i], p + LID_LABEL, 4);
		memcpy(&m->bias[i], p + LID_LABEL + 4, 4);
		memcpy(&m->scripts[i], p + LID_LABEL + 12, 8);
		if (!(m->floor[i] < 0 && m->floor[i] > -100))
			return bad(m, e, name, "bad floor");
		if (!(m->bias[i] <= 0 && m->bias[i] >= -30))
			return bad(m, e, name, "bad bias");
		if (m->scripts[i] >> LID_SC_N != 0)
			return bad(m, e, name, "bad script mask");
	}
	p = mem + LID_SLOTOFF(m->nlang);
	m->slot = (const uint32_t *)p;
	m->rowlen = LID_ROWLEN(m->nlang);
	m->ent = (const uint16_t *)(p + 8 * (size_t)m->nslots);
	m->dense = mem + LID_DENSEOFF(m->nlang, m->nslots, m->nent);
	/*
	 * Every reference in range and at least one empty slot, checked
	 * once here (a fraction of a millisecond) so that a lookup needs no
	 * checks: with a language byte of an entry or row indexing an
	 * accumulator of LID_ACCLEN, no model can make scoring read or
	 * write out of bounds, and a probe ends at the empty slot.
	 */
	for (i = 0; i < m->nslots; i++) {
		uint32_t key = m->slot[lid_key_at(i)];
		uint32_t r = m->slot[lid_key_at(i) + LID_LINE];

		if (key == 0)
			nempty++;
		else if ((r & 0xff) == 0 ? (r >> 8) >= m->ndense :
		    (r >> 8) + (r & 0xff) > m->nent)
			return bad(m, e, name, "reference out of range");
	}
	if (nempty == 0)
		return bad(m, e, name, "no empty slot");
	return fill_direct(m, name, e);
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
	free(m->direct);
	free(m->temp);
	free(m->scall);
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
 * Grams are looked up a batch at a time, their slot lines and then their
 * entries prefetched: the table is megabytes, and waiting for one cache
 * miss after another would be most of the cost of a lookup.
 *
 * The boosts are summed into 16-bit lanes, eight languages an SSE2
 * addition, and moved to the 32-bit accumulator before they can overflow:
 * a gram adds at most 255 to a language, so FLUSH grams add at most
 * 255 * FLUSH < 65536.
 */
#define BATCH	64
#define FLUSH	256

#ifdef __SSE2__
#include <emmintrin.h>

/* a[0..len) += row[0..len), len a multiple of 16. */
static inline void
add_row(uint16_t *a, const uint8_t *row, uint32_t len)
{
	const __m128i z = _mm_setzero_si128();
	__m128i b, *v;
	uint32_t i;

	for (i = 0; i < len; i += 16) {
		b = _mm_loadu_si128((const __m128i *)(row + i));
		v = (__m128i *)(a + i);
		v[0] = _mm_add_epi16(v[0], _mm_unpacklo_epi8(b, z));
		v[1] = _mm_add_epi16(v[1], _mm_unpackhi_epi8(b, z));
	}
}

/*
 * The ref of key in the line at ln (LID_LINE keys, then their refs):
 * bit 31 set when found; 0 when the line has an empty slot (the key is not
 * in the table: a line fills from its first slot on); 1 when the line is
 * full without it (look in the next line).
 */
static inline uint32_t
scan_line(const uint32_t *ln, uint32_t key)
{
	const __m128i k = _mm_set1_epi32((int)key), z = _mm_setzero_si128();
	__m128i a = _mm_loadu_si128((const __m128i *)ln);
	__m128i b = _mm_loadu_si128((const __m128i *)(ln + 4));
	int hit, empty;

	hit = _mm_movemask_epi8(_mm_packs_epi16(_mm_packs_epi32(
	    _mm_cmpeq_epi32(a, k), _mm_cmpeq_epi32(b, k)), z));
	if (hit)
		return ln[LID_LINE + __builtin_ctz(hit)] | 1u << 31;
	empty = _mm_movemask_epi8(_mm_packs_epi16(_mm_packs_epi32(
	    _mm_cmpeq_epi32(a, z), _mm_cmpeq_epi32(b, z)), z));
	return empty ? 0 : 1;
}
#else
static inline void
add_row(uint16_t *a, const uint8_t *row, uint32_t len)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		a[i] += row[i];
}

static inline uint32_t
scan_line(const uint32_t *ln, uint32_t key)
{
	int i;

	for (i = 0; i < LID_LINE; i++) {
		if (ln[i] == key)
			return ln[LID_LINE + i] | 1u << 31;
		if (ln[i] == 0)
			return 0;
	}
	return 1;
}
#endif

/*
 * The ref of the gram with hash h with bit 31 set, or 0 when the table
 * has no such gram.  The loader made sure that the table has an empty
 * slot, so that the loop ends, and that every ref is in range.
 */
static inline uint32_t
probe(const struct lid_model *m, uint64_t h)
{
	const uint32_t mask = m->nslots - 1;
	uint32_t key = (uint32_t)(h >> 32) | 1, s, r;

	for (s = lid_slot_start(h, mask);; s = (s + LID_LINE) & mask)
		if ((r = scan_line(m->slot + 2 * s, key)) != 1)
			return r;
}

static inline void
apply(const struct lid_model *m, uint32_t r, uint16_t *a)
{
	uint32_t j;

	if ((r & 0xff) == 0) {
		add_row(a, m->dense + (size_t)(r >> 8) * m->rowlen,
		    m->rowlen);
		return;
	}
	for (j = r >> 8; j < (r >> 8) + (r & 0xff); j++)
		a[m->ent[j] & 0xff] += m->ent[j] >> 8;
}

static inline const void *
target(const struct lid_model *m, uint32_t r)
{
	if ((r & 0xff) == 0)
		return m->dense + (size_t)(r >> 8) * m->rowlen;
	return m->ent + (r >> 8);
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang_analyzer__)
#define HAVE_AVX2_PATH 1
#include <immintrin.h>

/*
 * The adding pass of a batch for CPUs with AVX2: the dense sums of the
 * first 128 languages stay in eight registers for the whole batch, so
 * that part of a row costs eight loads with zero-extension and eight
 * additions; the languages past 128 are added 16 at a time in memory.
 * Sparse entries go to sa[].  Integer sums, so the result is the same as
 * the portable pass.
 */
__attribute__((target("avx2"))) static void
apply_batch_avx2(const struct lid_model *m, const uint32_t *r, size_t nr,
    uint16_t *da, uint16_t *sa)
{
	__m256i v0, v1, v2, v3, v4, v5, v6, v7, *dv;
	const uint8_t *row;
	const uint32_t rl = m->rowlen, reg = rl >= 128 ? 128 : 0;
	uint32_t x, j, e;
	size_t i;

#define LD(k) v##k = _mm256_loadu_si256((const __m256i *)(da + 16 * (k)))
#define ST(k) _mm256_storeu_si256((__m256i *)(da + 16 * (k)), v##k)
#define AD(k) v##k = _mm256_add_epi16(v##k, _mm256_cvtepu8_epi16(	\
	_mm_loadu_si128((const __m128i *)(row + 16 * (k)))))
	if (reg) {
		LD(0); LD(1); LD(2); LD(3); LD(4); LD(5); LD(6); LD(7);
	} else
		v0 = v1 = v2 = v3 = v4 = v5 = v6 = v7 = _mm256_setzero_si256();
	for (i = 0; i < nr; i++) {
		x = r[i];
		if ((x & 0xff) != 0) {
			for (j = x >> 8, e = j + (x & 0xff); j < e; j++)
				sa[m->ent[j] & 0xff] += m->ent[j] >> 8;
			continue;
		}
		row = m->dense + (size_t)(x >> 8) * rl;
		if (reg) {
			AD(0); AD(1); AD(2); AD(3); AD(4); AD(5); AD(6);
			AD(7);
		}
		for (j = reg; j < rl; j += 16) {
			dv = (__m256i *)(da + j);
			_mm256_storeu_si256(dv, _mm256_add_epi16(
			    _mm256_loadu_si256(dv), _mm256_cvtepu8_epi16(
			    _mm_loadu_si128((const __m128i *)(row + j)))));
		}
	}
	if (reg) {
		ST(0); ST(1); ST(2); ST(3); ST(4); ST(5); ST(6); ST(7);
	}
#undef LD
#undef ST
#undef AD
}
#endif

uint32_t
lid_accumulate_some(const struct lid_model *m, const uint32_t *cp,
    size_t from, size_t to, const int *lang, int nl,
    const signed char *which, int32_t *acc)
{
	uint64_t h[LID_ORDER];
	uint32_t n = 0, r;
	size_t i;
	int k, g;

	for (i = from; i < to; i++) {
		k = lid_gram_hashes(cp, i, h);
		for (g = 0; g < k; g++) {
			/* The unigram and a-z bigram from direct[]. */
			if (g == 0 && cp[i] != ' ' && cp[i] < LID_DIRECT)
				r = m->direct[cp[i]];
			else if (g == (cp[i] != ' ') && i > 0 &&
			    (cp[i] | cp[i - 1]) < 128 && LID_ISABC(cp[i]) &&
			    LID_ISABC(cp[i - 1]))
				r = m->direct[LID_BIGRAM(cp[i - 1], cp[i])];
			else
				r = probe(m, h[g]);
			if (r == 0)
				continue;
			n++;
			lid_ref_add(m, r & ~(1u << 31), lang, nl, which, acc);
		}
	}
	return n;
}

#ifdef HAVE_AVX2_PATH
/* acc[0..LID_ACCLEN) += a[] + da[], eight at a time. */
__attribute__((target("avx2"))) static void
flush_avx2(int32_t *acc, const uint16_t *a, const uint16_t *da)
{
	__m256i *v;
	uint32_t j;

	for (j = 0; j < LID_ACCLEN; j += 8) {
		v = (__m256i *)(acc + j);
		_mm256_storeu_si256(v, _mm256_add_epi32(_mm256_loadu_si256(v),
		    _mm256_add_epi32(_mm256_cvtepu16_epi32(_mm_loadu_si128(
		    (const __m128i *)(a + j))), _mm256_cvtepu16_epi32(
		    _mm_loadu_si128((const __m128i *)(da + j))))));
	}
}
#endif

/* Moves the 16-bit sums a[] and da[] on to acc[]. */
static inline void
flush(int32_t *acc, const uint16_t *a, const uint16_t *da, int wide)
{
	uint32_t j;

#ifdef HAVE_AVX2_PATH
	if (wide) {
		flush_avx2(acc, a, da);
		return;
	}
#endif
	for (j = 0; j < LID_ACCLEN; j++)
		acc[j] += a[j] + da[j];
}

uint32_t
lid_accumulate(const struct lid_model *m, const uint32_t *cp, size_t from,
    size_t to, int32_t *acc)
{
	return lid_accumulate_refs(m, cp, from, to, acc, NULL);
}

uint32_t
lid_accumulate_refs(const struct lid_model *m, const uint32_t *cp,
    size_t from, size_t to, int32_t *acc, struct lid_refs *out)
{
	const uint32_t mask = m->nslots - 1;
	uint16_t a[LID_ACCLEN] __attribute__((aligned(16)));
	uint16_t da[LID_ACCLEN] __attribute__((aligned(32)));
	uint64_t h[BATCH + LID_ORDER], g;
	uint32_t n = 0, pending = 0, r[BATCH + LID_ORDER], x, c0, c1;
	uint32_t rp[BATCH + LID_ORDER], hp[BATCH + LID_ORDER];
	size_t i, nh, nr, j, k;
	int wide = 0;

	memset(a, 0, sizeof(a));
	memset(da, 0, sizeof(da));
#ifdef HAVE_AVX2_PATH
	wide = __builtin_cpu_supports("avx2");
#endif
	for (i = from; i < to;) {
		/*
		 * Three passes, so that the misses of a batch overlap: hash
		 * and fetch every slot line, then find the refs of the grams
		 * the table has and fetch what they name, then add.
		 */
		nh = nr = 0;
		for (; i < to && nh + nr + LID_ORDER <= BATCH; i++) {
#if LID_ORDER == 4 && LID_MINORDER == 1
			if (i >= 3) {
				/*
				 * lid_gram_hashes, the unigram and the a-z
				 * bigram from m->direct.
				 */
				c0 = cp[i];
				c1 = cp[i - 1];
				g = (HASH_FNV_INIT ^ c0) * HASH_FNV_PRIME;
				if (c0 == ' ')
					;
				else if (c0 < LID_DIRECT) {
					r[nr] = x = m->direct[c0] & ~(1u << 31);
					rp[nr] = (uint32_t)i;
					nr += x != m->direct[c0];
				} else {
					hp[nh] = (uint32_t)i;
					h[nh++] = lid_fin(g);
				}
				g = (g ^ c1) * HASH_FNV_PRIME;
				if ((c0 | c1) < 128 && LID_ISABC(c0) &&
				    LID_ISABC(c1)) {
					x = m->direct[LID_BIGRAM(c1, c0)];
					r[nr] = x & ~(1u << 31);
					rp[nr] = (uint32_t)i;
					nr += x != 0;
				} else {
					hp[nh] = (uint32_t)i;
					h[nh++] = lid_fin(g);
				}
				g = (g ^ cp[i - 2]) * HASH_FNV_PRIME;
				hp[nh] = (uint32_t)i;
				h[nh++] = lid_fin(g);
				g = (g ^ cp[i - 3]) * HASH_FNV_PRIME;
				hp[nh] = (uint32_t)i;
				h[nh++] = lid_fin(g);
				for (j = nh - 2; j < nh; j++)
					__builtin_prefetch(&m->slot[2 *
					    lid_slot_start(h[j], mask)]);
				continue;
			}
#endif
			k = lid_gram_hashes(cp, i, h + nh);
			for (j = nh; j < nh + k; j++) {
				hp[j] = (uint32_t)i;
				__builtin_prefetch(&m->slot[2 *
				    lid_slot_start(h[j], mask)]);
			}
			nh += k;
		}
		for (j = 0; j < nh; j++)
			if ((x = probe(m, h[j])) != 0) {
				rp[nr] = hp[j];
				r[nr++] = x &= ~(1u << 31);
				__builtin_prefetch(target(m, x));
				if ((x & 0xff) == 0)
					__builtin_prefetch(m->dense +
					    (size_t)(x >> 8) * m->rowlen + 64);
			}
		if (out != NULL) {
			memcpy(out->ref + out->n, r, nr * sizeof(r[0]));
			memcpy(out->pos + out->n, rp, nr * sizeof(rp[0]));
			out->n += nr;
		}
		/* Move the 16-bit sums on before they could overflow. */
		if (pending + nr > FLUSH) {
			flush(acc, a, da, wide);
			memset(a, 0, sizeof(a));
			memset(da, 0, sizeof(da));
			pending = 0;
		}
		pending += nr;
		n += nr;
#ifdef HAVE_AVX2_PATH
		if (wide) {
			apply_batch_avx2(m, r, nr, da, a);
			continue;
		}
#endif
		for (j = 0; j < nr; j++)
			apply(m, r[j], a);
	}
	flush(acc, a, da, wide);
	return n;
}

void
lid_loglik(const struct lid_model *m, const int64_t *acc, uint64_t n,
    double *ll)
{
	double nd = (double)n;
	uint32_t i;

	/* LID_QSCALE is a power of two: dividing is multiplying exactly. */
	for (i = 0; i < m->nlang; i++)
		ll[i] = (double)acc[i] / LID_QSCALE + nd * (double)m->floor[i];
}

/*
 * e^x for -40 <= x <= 0, within two units in the last place: x = k ln 2
 * + r with |r| <= ln 2 / 2 (Cody and Waite's reduction, ln 2 in two
 * parts), e^r by its Taylor series to r^13 (the first term left out is
 * below 5e-18), times 2^k.  Plain multiplications and additions in a
 * fixed order, so exp4_avx2 below, doing the same four at a time, gives
 * the same bits, and so does every machine (the build does not contract
 * them into fused multiply-adds: -std=c11).  The posterior takes an
 * exponential for most languages of every text, and libm's one at a time
 * was a tenth of langid's time.
 */
#define EXP_MAGIC	6755399441055744.0	/* 1.5 * 2^52: rounds */
#define EXP_LOG2E	1.4426950408889634
#define EXP_LN2HI	0.693147180369123816490	/* ln 2, 32 bits */
#define EXP_LN2LO	1.90821492927058770002e-10	/* ln 2 - EXP_LN2HI */
static const double exp_c[14] = {
	1.0 / 6227020800, 1.0 / 479001600, 1.0 / 39916800, 1.0 / 3628800,
	1.0 / 362880, 1.0 / 40320, 1.0 / 5040, 1.0 / 720, 1.0 / 120,
	1.0 / 24, 1.0 / 6, 1.0 / 2, 1, 1
};

static double
exp_neg(double x)
{
	double k, r, q, s;
	int64_t bits;
	int i;

	k = (x * EXP_LOG2E + EXP_MAGIC) - EXP_MAGIC;
	r = (x - k * EXP_LN2HI) - k * EXP_LN2LO;
	q = exp_c[0];
	for (i = 1; i < 14; i++)
		q = q * r + exp_c[i];
	bits = ((int64_t)k + 1023) << 52;
	memcpy(&s, &bits, 8);
	return q * s;
}

#ifdef HAVE_AVX2_PATH
/* exp_neg of x[0..4) into y[0..4). */
__attribute__((target("avx2"))) static void
exp4_avx2(const double *x, double *y)
{
	const __m256d mg = _mm256_set1_pd(EXP_MAGIC);
	__m256d v = _mm256_loadu_pd(x), k, r, q;
	__m256i e;
	int i;

	k = _mm256_sub_pd(_mm256_add_pd(_mm256_mul_pd(v,
	    _mm256_set1_pd(EXP_LOG2E)), mg), mg);
	r = _mm256_sub_pd(_mm256_sub_pd(v, _mm256_mul_pd(k,
	    _mm256_set1_pd(EXP_LN2HI))), _mm256_mul_pd(k,
	    _mm256_set1_pd(EXP_LN2LO)));
	q = _mm256_set1_pd(exp_c[0]);
	for (i = 1; i < 14; i++)
		q = _mm256_add_pd(_mm256_mul_pd(q, r),
		    _mm256_set1_pd(exp_c[i]));
	e = _mm256_slli_epi64(_mm256_add_epi64(_mm256_cvtepi32_epi64(
	    _mm256_cvtpd_epi32(k)), _mm256_set1_epi64x(1023)), 52);
	_mm256_storeu_pd(y, _mm256_mul_pd(q, _mm256_castsi256_pd(e)));
}
#endif

#ifdef HAVE_AVX2_PATH
/*
 * The exponentials of posterior_t, four at a time: x[i] = (ll[i] - mx) *
 * t + bias[i] by the same operations on the same numbers, so the same
 * bits; x[i] is -inf for a language not allowed.
 */
__attribute__((target("avx2"))) static void
expo_avx2(const struct lid_model *m, const double *ll, double mx, double t,
    const unsigned char *allow, double *p)
{
	const __m256d t4 = _mm256_set1_pd(t), mx4 = _mm256_set1_pd(mx);
	const __m256d lim = _mm256_set1_pd(-40);
	__m256d v, ok;
	double x[4];
	uint32_t i, j, nv = m->nlang & ~3u;
	int32_t al;

	for (i = 0; i < nv; i += 4) {
		v = _mm256_add_pd(_mm256_mul_pd(_mm256_sub_pd(
		    _mm256_loadu_pd(ll + i), mx4), t4),
		    _mm256_cvtps_pd(_mm_loadu_ps(m->bias + i)));
		ok = _mm256_cmp_pd(v, lim, _CMP_GE_OQ);
		if (allow != NULL) {
			memcpy(&al, allow + i, 4);
			ok = _mm256_and_pd(ok, _mm256_castsi256_pd(
			    _mm256_cmpgt_epi64(_mm256_cvtepu8_epi64(
			    _mm_cvtsi32_si128(al)), _mm256_setzero_si256())));
		}
		if (_mm256_movemask_pd(ok) == 0) {
			_mm256_storeu_pd(p + i, _mm256_setzero_pd());
			continue;
		}
		_mm256_storeu_pd(x, v);
		exp4_avx2(x, p + i);
		_mm256_storeu_pd(p + i, _mm256_and_pd(_mm256_loadu_pd(p + i),
		    ok));
	}
	for (j = i; j < m->nlang; j++) {
		x[0] = (ll[j] - mx) * t + m->bias[j];
		p[j] = (allow != NULL && !allow[j]) || x[0] < -40 ? 0 :
		    exp_neg(x[0]);
	}
}
#endif

/*
 * The softmax of ll scaled by t plus the biases, over the allowed
 * languages, into p.
 */
static void
posterior_t(const struct lid_model *m, const double *ll, double t,
    const unsigned char *allow, double *p)
{
	double x, mx = -INFINITY, sum = 0;
	uint32_t i;

	for (i = 0; i < m->nlang; i++)
		if ((allow == NULL || allow[i]) && ll[i] > mx)
			mx = ll[i];
#ifdef HAVE_AVX2_PATH
	if (__builtin_cpu_supports("avx2"))
		expo_avx2(m, ll, mx, t, allow, p);
	else
#endif
	for (i = 0; i < m->nlang; i++) {
		/*
		 * Below e^-40 a language adds nothing a 4-decimal conf
		 * can show: 0.  The biases are <= 0, so the best
		 * language's x is at least its bias, and the sum is never
		 * 0 nor lost to underflow.
		 */
		x = (ll[i] - mx) * t + m->bias[i];
		p[i] = (allow != NULL && !allow[i]) || x < -40 ? 0 :
		    exp_neg(x);
	}
	for (i = 0; i < m->nlang; i++)
		sum += p[i];
	for (i = 0; i < m->nlang; i++)
		p[i] /= sum;
}

void
lid_posterior_with(const struct lid_model *m, const double *ll, uint64_t n,
    const unsigned char *allow, double a, double b, double *p)
{
	posterior_t(m, ll, a / pow(n > 0 ? (double)n : 1, b), allow, p);
}

void
lid_posterior(const struct lid_model *m, const double *ll, uint64_t n,
    const unsigned char *allow, double *p)
{
	if (n < LID_NTEMP && m->temp != NULL)
		posterior_t(m, ll, m->temp[n], allow, p);
	else
		lid_posterior_with(m, ll, n, allow, m->cal_a, m->cal_b, p);
}
