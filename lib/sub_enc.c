/*
 * sub_enc: subtitle bytes to UTF-8 text with '\n' line ends.
 *
 * Order of evidence, over the whole file:
 *  1. an explicit encoding (-e, any iconv(3) name);
 *  2. a byte order mark (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE);
 *  3. UTF-16 without a BOM, when every other byte of the start is NUL;
 *  4. UTF-8: valid UTF-8; or UTF-8 with a few invalid bytes, when the
 *     valid multi-byte sequences outnumber the invalid bytes four to one
 *     (a stray byte in a UTF-8 file, not a legacy file that happens to
 *     hold a valid pair); WebVTT is UTF-8 by definition whatever it holds;
 *  5. uchardet(3), Mozilla's universal charset detector, over all the
 *     bytes: CP1251, CP1250, GBK/GB18030, Shift-JIS, Big5, EUC-KR,
 *     ISO-8859-7 and the rest of what it knows;
 *  6. CP1252 when uchardet has no answer (what old Windows subtitle tools
 *     wrote; a superset of the printable Latin-1, which is read as CP1252
 *     too, since its C1 controls never mean anything in a subtitle).
 * Bytes invalid in the encoding chosen become U+FFFD, each line with one
 * reported through o->warn with its line number (the first few, then a
 * count).  CRLF and lone CR become LF; NUL becomes U+FFFD.
 */
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <uchardet.h>

#include "sub.h"

/* Lines with invalid bytes reported one by one; the rest are counted. */
#define SUB_ENC_WARN_LINES	5

/* The decoded text: code points in as UTF-8, line ends as '\n'. */
struct out {
	char	*p;
	size_t	 len, cap;
	int	 cr;		/* last code point was CR */
	long	 line;		/* current output line, from 1 */
	long	 badline;	/* last line with an invalid byte reported */
	long	 nbadlines;	/* lines with invalid bytes */
	const struct sub_ropts *o;
	const char *enc;
};

static int
out_grow(struct out *o, size_t n)
{
	if (o->len + n + 1 > o->cap) {
		size_t cap = o->cap ? o->cap : 4096;
		char *p;

		while (cap < o->len + n + 1)
			cap *= 2;
		if ((p = realloc(o->p, cap)) == NULL)
			return -1;
		o->p = p;
		o->cap = cap;
	}
	return 0;
}

/* Appends c; room for 4 bytes must have been made. */
static void
out_cp(struct out *o, unsigned long c)
{
	char *p;

	if (c == '\n' && o->cr) {
		o->cr = 0;
		return;
	}
	o->cr = c == '\r';
	if (c == '\r')
		c = '\n';
	if (c == '\n')
		o->line++;
	if (c == 0 || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		c = 0xfffd;
	p = o->p + o->len;
	if (c < 0x80) {
		*p = (char)c;
		o->len += 1;
	} else if (c < 0x800) {
		p[0] = (char)(0xc0 | (c >> 6));
		p[1] = (char)(0x80 | (c & 0x3f));
		o->len += 2;
	} else if (c < 0x10000) {
		p[0] = (char)(0xe0 | (c >> 12));
		p[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		p[2] = (char)(0x80 | (c & 0x3f));
		o->len += 3;
	} else {
		p[0] = (char)(0xf0 | (c >> 18));
		p[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		p[2] = (char)(0x80 | ((c >> 6) & 0x3f));
		p[3] = (char)(0x80 | (c & 0x3f));
		o->len += 4;
	}
}

/* An invalid byte b at the current line: U+FFFD, and a warning. */
static void
out_bad(struct out *o, unsigned b)
{
	out_cp(o, 0xfffd);
	if (o->badline == o->line)
		return;
	o->badline = o->line;
	if (++o->nbadlines <= SUB_ENC_WARN_LINES && o->o->warn != NULL) {
		struct rerr w = { 0 };

		rerr_set(&w, EX_DATAERR, o->o->name, o->line,
		    "invalid %s byte 0x%02X replaced by U+FFFD", o->enc, b);
		o->o->warn(o->o->warn_arg, &w);
	}
}

/*
 * Length of the valid UTF-8 sequence at s (at most n bytes) and its code
 * point, or 0 when invalid (overlong, surrogate, past U+10FFFF, cut).
 */
static size_t
utf8_seq(const unsigned char *s, size_t n, unsigned long *cp)
{
	unsigned long c;
	size_t k, i;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		k = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		k = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		k = 4, c = s[0] & 0x07;
	else
		return 0;
	if (n < k)
		return 0;
	for (i = 1; i < k; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((k == 3 && c < 0x800) || (k == 4 && (c < 0x10000 ||
	    c > 0x10ffff)) || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return k;
}

/* Counts valid multi-byte sequences and invalid bytes of s. */
static void
utf8_census(const unsigned char *s, size_t n, size_t *good, size_t *bad)
{
	size_t i = 0, k;
	unsigned long c;

	*good = *bad = 0;
	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((k = utf8_seq(s + i, n - i, &c)) == 0) {
			(*bad)++;
			i++;
		} else {
			(*good)++;
			i += k;
		}
	}
}

/* UTF-16 without BOM: NULs at one parity in most of the first 4 KiB. */
static int
utf16_evident(const unsigned char *s, size_t n, int *le)
{
	size_t i, lim = n < 4096 ? n : 4096, z[2] = { 0, 0 };

	if (lim < 4)
		return 0;
	for (i = 0; i < lim; i++)
		if (s[i] == 0)
			z[i & 1]++;
	if (z[1] * 10 >= lim / 2 * 7 && z[0] * 10 <= lim / 2) {
		*le = 1;
		return 1;
	}
	if (z[0] * 10 >= lim / 2 * 7 && z[1] * 10 <= lim / 2) {
		*le = 0;
		return 1;
	}
	return 0;
}

/* UTF-8 from s, invalid bytes as U+FFFD. */
static int
decode_utf8(const unsigned char *s, size_t len, struct out *o)
{
	size_t i = 0, k;
	unsigned long c;

	if (out_grow(o, len * 3 + 4) != 0)
		return -1;
	while (i < len) {
		if (s[i] < 0x80 && s[i] != '\r' && s[i] != '\n' && s[i] != 0 &&
		    !o->cr) {
			o->p[o->len++] = (char)s[i++];
			continue;
		}
		if ((k = utf8_seq(s + i, len - i, &c)) == 0) {
			out_bad(o, s[i]);
			i++;
			continue;
		}
		out_cp(o, c);
		i += k;
	}
	return 0;
}

/* UTF-16 (le or big endian) or UTF-32 (width 4) from s. */
static int
decode_utf16_32(const unsigned char *s, size_t len, int le, int width,
    struct out *o)
{
	size_t i;

	if (out_grow(o, len * 2 + 4) != 0)
		return -1;
	for (i = 0; i + (size_t)width <= len; i += (size_t)width) {
		unsigned long c, d;

		if (width == 4) {
			c = le ? (unsigned long)s[i] |
			    (unsigned long)s[i + 1] << 8 |
			    (unsigned long)s[i + 2] << 16 |
			    (unsigned long)s[i + 3] << 24 :
			    (unsigned long)s[i + 3] |
			    (unsigned long)s[i + 2] << 8 |
			    (unsigned long)s[i + 1] << 16 |
			    (unsigned long)s[i] << 24;
			out_cp(o, c);
			continue;
		}
		c = le ? (unsigned long)s[i] | (unsigned long)s[i + 1] << 8 :
		    (unsigned long)s[i + 1] | (unsigned long)s[i] << 8;
		if (c >= 0xd800 && c <= 0xdbff && i + 4 <= len) {
			d = le ? (unsigned long)s[i + 2] |
			    (unsigned long)s[i + 3] << 8 :
			    (unsigned long)s[i + 3] |
			    (unsigned long)s[i + 2] << 8;
			if (d >= 0xdc00 && d <= 0xdfff) {
				c = 0x10000 + ((c - 0xd800) << 10) +
				    (d - 0xdc00);
				i += 2;
			}
		}
		out_cp(o, c);
	}
	if (i < len)
		out_bad(o, s[i]);
	return 0;
}

/*
 * Converts with iconv(3); a byte the encoding does not allow becomes
 * U+FFFD and the conversion goes on.  Returns 0, or a status with e
 * filled (an unknown encoding is a usage error).
 */
static int
decode_iconv(const char *buf, size_t len, const char *enc, struct out *o,
    struct rerr *e)
{
	iconv_t cd = iconv_open("UTF-8", enc);
	char *in = (char *)buf, tmp[4096];
	size_t inleft = len;
	int rv = 0;

	if (cd == (iconv_t)-1)
		return rerr_set(e, EX_USAGE, NULL, 0,
		    "unknown encoding '%s'", enc);
	while (inleft > 0) {
		char *op = tmp;
		size_t oleft = sizeof(tmp), r, n, i = 0, k;
		const unsigned char *s = (const unsigned char *)tmp;
		unsigned long c;
		int bad = 0;

		r = iconv(cd, &in, &inleft, &op, &oleft);
		if (r == (size_t)-1 && errno != E2BIG)
			bad = errno == EINVAL ? 2 : 1;	/* 2: cut at the end */
		/* Re-decode the UTF-8 to normalise line ends and NULs. */
		n = (size_t)(op - tmp);
		if (out_grow(o, n * 3 + 8) != 0) {
			rv = -1;
			break;
		}
		while (i < n) {
			if ((k = utf8_seq(s + i, n - i, &c)) == 0)
				k = 1, c = 0xfffd;
			out_cp(o, c);
			i += k;
		}
		if (bad) {
			out_bad(o, (unsigned char)*in);
			if (bad == 2)
				break;
			in++;
			inleft--;
			iconv(cd, NULL, NULL, NULL, NULL);
		}
	}
	iconv_close(cd);
	return rv;
}

/*
 * The charset uchardet finds in all of s, as an iconv name, or NULL when
 * it has no answer.  Latin-1 is read as CP1252 (see the top).
 */
static const char *
detect(const char *s, size_t n, char *name, size_t size)
{
	uchardet_t u = uchardet_new();
	const char *cs;

	if (u == NULL)
		return NULL;
	if (uchardet_handle_data(u, s, n) != 0) {
		uchardet_delete(u);
		return NULL;
	}
	uchardet_data_end(u);
	cs = uchardet_get_charset(u);
	if (cs == NULL || *cs == '\0' || strcasecmp(cs, "ASCII") == 0)
		cs = NULL;
	else if (strcasecmp(cs, "ISO-8859-1") == 0)
		cs = "CP1252";
	if (cs != NULL)
		snprintf(name, size, "%s", cs);
	uchardet_delete(u);
	return cs != NULL ? name : NULL;
}

int
sub_decode(const char *buf, size_t len, const struct sub_ropts *ro,
    enum sub_fmt fmt, char **out, size_t *outlen, char *used,
    struct rerr *e)
{
	static const char *const names[] = { "UTF-8", "UTF-16LE",
		"UTF-16BE", "UTF-32LE", "UTF-32BE", "CP1252" };
	const unsigned char *s = (const unsigned char *)buf;
	const char *name = ro->name ? ro->name : CLI_STDIN_NAME;
	struct out o = { 0 };
	char det[64];
	const char *enc = names[0];
	size_t good, bad;
	int rv = 0, le;

	o.line = 1;
	o.o = ro;
	if (ro->encoding != NULL) {
		o.enc = enc = ro->encoding;
		rv = decode_iconv(buf, len, enc, &o, e);
		if (rv > 0) {
			free(o.p);
			return rv;
		}
		/* A BOM the conversion kept. */
		if (rv == 0 && o.len >= 3 &&
		    memcmp(o.p, "\xef\xbb\xbf", 3) == 0) {
			memmove(o.p, o.p + 3, o.len - 3);
			o.len -= 3;
		}
		goto done;
	}
	if (len >= 4 && (memcmp(s, "\xff\xfe\0\0", 4) == 0 ||
	    memcmp(s, "\0\0\xfe\xff", 4) == 0)) {
		o.enc = enc = names[s[0] == 0xff ? 3 : 4];
		rv = decode_utf16_32(s + 4, len - 4, s[0] == 0xff, 4, &o);
		goto done;
	}
	if (len >= 2 && ((s[0] == 0xff && s[1] == 0xfe) ||
	    (s[0] == 0xfe && s[1] == 0xff))) {
		o.enc = enc = names[s[0] == 0xff ? 1 : 2];
		rv = decode_utf16_32(s + 2, len - 2, s[0] == 0xff, 2, &o);
		goto done;
	}
	if (utf16_evident(s, len, &le)) {
		o.enc = enc = names[le ? 1 : 2];
		rv = decode_utf16_32(s, len, le, 2, &o);
		goto done;
	}
	if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
		o.enc = enc;
		rv = decode_utf8(s + 3, len - 3, &o);
		goto done;
	}
	utf8_census(s, len, &good, &bad);
	if (bad == 0 || fmt == SUB_VTT || good >= 4 * bad) {
		o.enc = enc;
		rv = decode_utf8(s, len, &o);
		goto done;
	}
	if ((enc = detect(buf, len, det, sizeof(det))) == NULL)
		enc = names[5];
	o.enc = enc;
	if (strcasecmp(enc, "UTF-8") == 0)
		rv = decode_utf8(s, len, &o);
	else if ((rv = decode_iconv(buf, len, enc, &o, e)) > 0 &&
	    enc != names[5]) {
		/* iconv does not know what uchardet named: CP1252. */
		o.len = 0;
		o.line = 1;
		o.cr = 0;
		o.enc = enc = names[5];
		rv = decode_iconv(buf, len, enc, &o, e);
	}
	if (rv > 0) {
		free(o.p);
		return rv;
	}
done:
	if (rv != 0 || out_grow(&o, 1) != 0) {
		free(o.p);
		return rerr_set(e, EX_SOFTWARE, name, 0, "out of memory");
	}
	if (o.nbadlines > SUB_ENC_WARN_LINES && ro->warn != NULL) {
		struct rerr w = { 0 };

		rerr_set(&w, EX_DATAERR, name, 0, "invalid %s bytes on %ld "
		    "more lines replaced by U+FFFD", o.enc,
		    o.nbadlines - SUB_ENC_WARN_LINES);
		ro->warn(ro->warn_arg, &w);
	}
	o.p[o.len] = '\0';
	*out = o.p;
	*outlen = o.len;
	if (used != NULL)
		snprintf(used, SUB_ENC_NAME_MAX, "%s", enc);
	return 0;
}
