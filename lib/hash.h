/*
 * hash: the suite's one set of non-cryptographic hashes.
 *
 * FNV-1a 64 (Fowler, Noll and Vo) for bytes: stable across machines and
 * releases, so whatever a tool derives from it (abtest's arm assignment,
 * a shard by user id, a model checksum) never changes under a user.  The
 * splitmix64 mixer (Steele, Lea and Flood 2014) for words: hash_fmix64 is
 * its finaliser alone, hash_mix64 the whole step (add the golden gamma,
 * then finalise), one well-mixed word per input.  hash_unit turns a hash
 * into a double in [0, 1).
 *
 * Header only: these sit in hot loops.  Nothing here allocates.
 */
#ifndef REEL_HASH_H
#define REEL_HASH_H

#include <stddef.h>
#include <stdint.h>

#define HASH_FNV_INIT	0xcbf29ce484222325ULL
#define HASH_FNV_PRIME	0x100000001b3ULL
#define HASH_GOLDEN	0x9e3779b97f4a7c15ULL

/* Continues the FNV-1a hash h (HASH_FNV_INIT to start) over n bytes. */
static inline uint64_t
hash_fnv1a(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n-- > 0)
		h = (h ^ *b++) * HASH_FNV_PRIME;
	return h;
}

/* splitmix64's finaliser: a bijection that spreads every input bit. */
static inline uint64_t
hash_fmix64(uint64_t x)
{
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* One splitmix64 step: the i-th output of the generator seeded 0 is
   hash_mix64(i * HASH_GOLDEN). */
static inline uint64_t
hash_mix64(uint64_t x)
{
	return hash_fmix64(x + HASH_GOLDEN);
}

/* The top 53 bits of h as a double in [0, 1). */
static inline double
hash_unit(uint64_t h)
{
	return (double)(h >> 11) / 9007199254740992.0;
}

#endif /* REEL_HASH_H */
