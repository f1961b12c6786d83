/*
 * sub_enc: subtitle bytes to UTF-8 text with '\n' line ends.
 *
 * Order of evidence: an explicit --encoding (iconv), a byte order mark
 * (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE), UTF-16 without a BOM when every
 * other byte of the start is NUL, valid UTF-8, and last single-byte text
 * as CP1252 (a superset of the printable Latin-1 that old Windows subtitle
 * tools wrote).  WebVTT is UTF-8 by definition, so for it invalid bytes
 * become U+FFFD instead.  CRLF and lone CR become LF; NUL becomes U+FFFD.
 */
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "sub.h"

/* CP1252 0x80..0x9f; the five undefined bytes map to their C1 codes. */
static const unsigned short cp1252[32] = {
	0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f,
	0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
};

/* Appends code point c as UTF-8, and line ends as '\n'. */
struct out {
	char	*p;
	size_t	 len, cap;
	int	 cr;		/* last code point was CR */
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

static int
utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0, k;
	unsigned long c;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((k = utf8_seq(s + i, n - i, &c)) == 0)
			return 0;
		i += k;
	}
	return 1;
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

static int
decode_iconv(const char *buf, size_t len, const char *enc, struct out *o,
    const char *name, struct rerr *e)
{
	iconv_t cd = iconv_open("UTF-8", enc);
	char *in = (char *)buf, tmp[4096];
	size_t inleft = len;

	if (cd == (iconv_t)-1)
		return rerr_set(e, EX_USAGE, NULL, 0,
		    "unknown encoding '%s'", enc);
	while (inleft > 0) {
		char *op = tmp;
		size_t oleft = sizeof(tmp), r;

		r = iconv(cd, &in, &inleft, &op, &oleft);
		if (r == (size_t)-1 && errno != E2BIG) {
			iconv_close(cd);
			return rerr_set(e, EX_DATAERR, name, 0,
			    "invalid %s at byte %zu", enc,
			    (size_t)(in - buf));
		}
		/* Re-decode the UTF-8 to normalise line ends and NULs. */
		{
			const unsigned char *s = (const unsigned char *)tmp;
			size_t n = (size_t)(op - tmp), i = 0, k;
			unsigned long c;

			if (out_grow(o, n * 2) != 0) {
				iconv_close(cd);
				return rerr_set(e, EX_SOFTWARE, name, 0,
				    "out of memory");
			}
			while (i < n) {
				k = utf8_seq(s + i, n - i, &c);
				if (k == 0)	/* cut at buffer end: rare */
					k = 1, c = 0xfffd;
				out_cp(o, c);
				i += k;
			}
		}
	}
	iconv_close(cd);
	return 0;
}

int
sub_decode(const char *buf, size_t len, const char *encoding,
    enum sub_fmt fmt, const char *name, char **out, size_t *outlen,
    const char **used, struct rerr *e)
{
	const unsigned char *s = (const unsigned char *)buf;
	struct out o = { 0 };
	const char *enc = "UTF-8";
	size_t i;
	int le;

	if (encoding != NULL) {
		int rv = decode_iconv(buf, len, encoding, &o, name, e);

		if (rv != 0) {
			free(o.p);
			return rv;
		}
		enc = encoding;
		/* A BOM the conversion kept. */
		if (o.len >= 3 && memcmp(o.p, "\xef\xbb\xbf", 3) == 0) {
			memmove(o.p, o.p + 3, o.len - 3);
			o.len -= 3;
		}
		goto done;
	}
	if (out_grow(&o, len * 3 + 16) != 0)
		return rerr_set(e, EX_SOFTWARE, name, 0, "out of memory");
	if ((len >= 4 && memcmp(s, "\xff\xfe\0\0", 4) == 0) ||
	    (len >= 4 && memcmp(s, "\0\0\xfe\xff", 4) == 0)) {
		int little = s[0] == 0xff;

		enc = little ? "UTF-32LE" : "UTF-32BE";
		if (out_grow(&o, len) != 0)
			goto oom;
		for (i = 4; i + 4 <= len; i += 4) {
			unsigned long c = little ?
			    (unsigned long)s[i] | (unsigned long)s[i + 1] << 8 |
			    (unsigned long)s[i + 2] << 16 |
			    (unsigned long)s[i + 3] << 24 :
			    (unsigned long)s[i + 3] | (unsigned long)s[i + 2] << 8 |
			    (unsigned long)s[i + 1] << 16 |
			    (unsigned long)s[i] << 24;
			out_cp(&o, c);
		}
		if (i < len)
			out_cp(&o, 0xfffd);
		goto done;
	}
	le = -1;
	if (len >= 2 && s[0] == 0xff && s[1] == 0xfe)
		le = 1, i = 2;
	else if (len >= 2 && s[0] == 0xfe && s[1] == 0xff)
		le = 0, i = 2;
	else if (utf16_evident(s, len, &le))
		i = 0;
	if (le >= 0) {
		enc = le ? "UTF-16LE" : "UTF-16BE";
		for (; i + 2 <= len; i += 2) {
			unsigned long c = le ? (unsigned long)s[i] |
			    (unsigned long)s[i + 1] << 8 :
			    (unsigned long)s[i + 1] | (unsigned long)s[i] << 8;

			if (c >= 0xd800 && c <= 0xdbff && i + 4 <= len) {
				unsigned long d = le ?
				    (unsigned long)s[i + 2] |
				    (unsigned long)s[i + 3] << 8 :
				    (unsigned long)s[i + 3] |
				    (unsigned long)s[i + 2] << 8;

				if (d >= 0xdc00 && d <= 0xdfff) {
					c = 0x10000 + ((c - 0xd800) << 10) +
					    (d - 0xdc00);
					i += 2;
				}
			}
			out_cp(&o, c);
		}
		if (i < len)
			out_cp(&o, 0xfffd);
		goto done;
	}
	i = 0;
	if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	if (fmt == SUB_VTT || utf8_valid(s + i, len - i)) {
		/* UTF-8; for WebVTT invalid bytes become U+FFFD. */
		while (i < len) {
			unsigned long c;
			size_t k;

			if (s[i] < 0x80 && s[i] != '\r' && s[i] != 0 &&
			    !o.cr) {
				o.p[o.len++] = (char)s[i++];
				continue;
			}
			if ((k = utf8_seq(s + i, len - i, &c)) == 0)
				k = 1, c = 0xfffd;
			out_cp(&o, c);
			i += k;
		}
		goto done;
	}
	enc = "CP1252";
	for (; i < len; i++)
		out_cp(&o, s[i] >= 0x80 && s[i] < 0xa0 ?
		    cp1252[s[i] - 0x80] : s[i]);
done:
	if (out_grow(&o, 1) != 0)
		goto oom;
	o.p[o.len] = '\0';
	*out = o.p;
	*outlen = o.len;
	if (used != NULL)
		*used = enc;
	return 0;
oom:
	free(o.p);
	return rerr_set(e, EX_SOFTWARE, name, 0, "out of memory");
}
