/*
 * lid_out: the fields langid adds to a record (lang, conf, alt, spans),
 * written straight into a buffer in the form ndj_dump prints, by every
 * path of main.c (plain lines, fast and jansson records), so that all of
 * them print the same bytes.  And the repair of plain text into what a
 * JSON string may hold.
 *
 * Ownership: the functions append to the caller's buffer.  Each returns 0,
 * or -1 when out of memory.
 */
#ifndef LID_OUT_H
#define LID_OUT_H

#include <stddef.h>
#include <stdint.h>

#include "ndjson.h"
#include "lid_detect.h"
#include "lid_rec.h"

#define LID_ALT_MIN	0.01	/* alternatives below this are left out */

struct lid_outopt {
	int		 nalt;		/* at most this many in alt */
	double		 min_conf;	/* und below it */
	int		 spans;
	/*
	 * The text was the fields field[i] joined by "\n", those present
	 * starting at fstart[i] (fstart[i] == UINT64_MAX when absent);
	 * with more than one field a span names its field, and its offsets
	 * count from that field's start.
	 */
	const struct lid_path *field;
	int		 nfield;
	uint64_t	 fstart[LID_MAXFIELD], fend[LID_MAXFIELD];
};

/* Appends ,"lang":..,"conf":..,"alt":[..] and with o->spans ,"spans":[..]. */
int	 lid_out_fields(struct ndj_buf *b, const struct lid_ctx *c,
	    const struct lid_outopt *o);

/*
 * Appends the value of the field key (lang, conf, alt or spans) alone,
 * for a record that already has that key.
 */
int	 lid_out_value(struct ndj_buf *b, const struct lid_ctx *c,
	    const struct lid_outopt *o, const char *key);

/* Appends s[0..n), valid UTF-8, escaped as inside a JSON string. */
int	 lid_out_escaped(struct ndj_buf *b, const char *s, size_t n);

/*
 * Appends s[0..n) with every invalid UTF-8 sequence and every NUL byte
 * replaced by U+FFFD, so that it is a JSON string langid can read back
 * (jansson refuses \u0000).  When final is 0, an incomplete sequence at
 * the end is held back: returns how many bytes of s were taken, or
 * (size_t)-1 when out of memory.
 */
size_t	 lid_repair(struct ndj_buf *b, const char *s, size_t n, int final);

#endif /* LID_OUT_H */
