/*
 * text: UTF-8 decoding and the normalisation text classifiers share.
 *
 * text_norm turns a byte string into a sequence of code points fit for
 * character n-grams: letters (and other word characters of any script)
 * are kept, upper case folded to lower case for the bicameral scripts
 * (Latin, Greek, Cyrillic, Armenian, fullwidth Latin); everything else
 * (digits, punctuation, symbols, emoji, controls, invalid bytes) becomes a
 * word break.  Runs of breaks collapse into one U+0020 and the sequence
 * starts and ends with one, so word edges are visible to n-grams.  Each
 * code point remembers the byte offset of the character it came from, so
 * results can be mapped back to the input.
 *
 * The folding and the classes are tables in this file, not the C
 * library's locale, so every machine normalises the same way (a model
 * trained on one is read on another).
 *
 * Ownership: a struct text_norm owns its arrays; text_norm_free releases
 * them.  Nothing here prints or exits.
 */
#ifndef REEL_TEXT_H
#define REEL_TEXT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decodes one UTF-8 sequence at s (n > 0 bytes available).  Returns its
 * length (1-4) and sets *cp, or returns 1 and sets *cp to U+FFFD for an
 * invalid, overlong, surrogate or truncated sequence.
 */
int	 text_utf8_next(const unsigned char *s, size_t n, uint32_t *cp);

/* Number of invalid sequences in s (0 when s is valid UTF-8). */
size_t	 text_utf8_invalid(const char *s, size_t n);

/*
 * Writes s with each invalid sequence replaced by U+FFFD into a new
 * NUL-terminated string (*out, caller frees) of *outlen bytes.  Returns 0,
 * or -1 when out of memory.
 */
int	 text_utf8_repair(const char *s, size_t n, char **out, size_t *outlen);

/* The lower-case form of cp for the scripts named above, else cp. */
uint32_t text_fold(uint32_t cp);

/* 1 when cp is a word character (a letter or mark of some script). */
int	 text_is_word(uint32_t cp);

struct text_norm {
	uint32_t	*cp;	/* normalised code points */
	uint32_t	*off;	/* byte offset in the input of each */
	size_t		 n;	/* code points in cp */
	size_t		 nword;	/* word characters among them */
	size_t		 nbad;	/* invalid UTF-8 sequences in the input */
	size_t		 cap;
};

/*
 * Normalises s (n bytes, any content) into t, reusing its arrays.
 * A break's offset is that of the first non-word character of its run
 * (or n at the end).  Counts the invalid sequences of s in t->nbad, as
 * text_utf8_invalid does.  Returns 0, or -1 when out of memory.
 */
int	 text_normalise(struct text_norm *t, const char *s, size_t n);
void	 text_norm_free(struct text_norm *t);

#endif /* REEL_TEXT_H */
