/*
 * lid_out: langid's fields in ndj_dump's form (lid_out.h).
 */
#include <string.h>

#include "text.h"
#include "lid_out.h"

/* Appends a string literal. */
#define LIT(b, s)	ndj_buf_add((b), (s), sizeof(s) - 1)

static int
str(struct ndj_buf *b, const char *s)
{
	return ndj_buf_string(b, s, strlen(s));
}

/* 1 when the text has no answer (no letters, or a script of none). */
static int
no_answer(const struct lid_ctx *c)
{
	return !c->nword || c->und;
}

static int
lang_value(struct ndj_buf *b, const struct lid_ctx *c,
    const struct lid_outopt *o)
{
	if (no_answer(c) || c->p[c->order[0]] < o->min_conf)
		return LIT(b, "\"und\"");
	return str(b, c->m->label[c->order[0]]);
}

static int
conf_value(struct ndj_buf *b, const struct lid_ctx *c)
{
	if (no_answer(c))
		return LIT(b, "0");
	return ndj_buf_real(b, c->p[c->order[0]], 4);
}

static int
alt_value(struct ndj_buf *b, const struct lid_ctx *c,
    const struct lid_outopt *o)
{
	int i, und, e = 0;

	e |= LIT(b, "[");
	if (!no_answer(c)) {
		und = c->p[c->order[0]] < o->min_conf;
		for (i = und ? 0 : 1; i < (int)c->m->nlang &&
		    i < o->nalt + !und && i < c->ntop; i++) {
			if (c->p[c->order[i]] < LID_ALT_MIN)
				break;
			e |= i > !und ? LIT(b, ",{\"lang\":") :
			    LIT(b, "{\"lang\":");
			e |= str(b, c->m->label[c->order[i]]);
			e |= LIT(b, ",\"conf\":");
			e |= ndj_buf_real(b, c->p[c->order[i]], 4);
			e |= LIT(b, "}");
		}
	}
	return e | LIT(b, "]");
}

/* One span object, of field f (-1: the only one). */
static int
span(struct ndj_buf *b, const struct lid_ctx *c, const struct lid_outopt *o,
    const struct lid_span *s, int f, uint64_t start, uint64_t end, int comma)
{
	int e = 0;

	e |= comma ? LIT(b, ",{") : LIT(b, "{");
	if (f >= 0) {
		e |= LIT(b, "\"field\":");
		e |= str(b, o->field[f].spec);
		e |= LIT(b, ",");
	}
	e |= LIT(b, "\"start\":");
	e |= ndj_buf_int(b, (long long)start);
	e |= LIT(b, ",\"end\":");
	e |= ndj_buf_int(b, (long long)end);
	e |= LIT(b, ",\"lang\":");
	if (s->lang < 0 || s->conf < o->min_conf)
		e |= LIT(b, "\"und\"");
	else
		e |= str(b, c->m->label[s->lang]);
	e |= LIT(b, ",\"conf\":");
	e |= s->lang < 0 ? LIT(b, "0") : ndj_buf_real(b, s->conf, 4);
	return e | LIT(b, "}");
}

/*
 * The spans; with several fields each is cut at the fields' bounds into
 * pieces that name their field.
 */
static int
spans_value(struct ndj_buf *b, const struct lid_ctx *c,
    const struct lid_outopt *o)
{
	const struct lid_span *s;
	uint64_t a, z;
	size_t k;
	int f, e = 0, n = 0;

	e |= LIT(b, "[");
	for (k = 0; !no_answer(c) && k < c->nspan; k++) {
		s = &c->span[k];
		if (o->nfield <= 1) {
			e |= span(b, c, o, s, -1, s->start, s->end, n++ > 0);
			continue;
		}
		for (f = 0; f < o->nfield; f++) {
			if (o->fstart[f] == UINT64_MAX)
				continue;
			a = s->start > o->fstart[f] ? s->start : o->fstart[f];
			z = s->end < o->fend[f] ? s->end : o->fend[f];
			if (a < z)
				e |= span(b, c, o, s, f, a - o->fstart[f],
				    z - o->fstart[f], n++ > 0);
		}
	}
	return e | LIT(b, "]");
}

int
lid_out_value(struct ndj_buf *b, const struct lid_ctx *c,
    const struct lid_outopt *o, const char *key)
{
	if (strcmp(key, "lang") == 0)
		return lang_value(b, c, o);
	if (strcmp(key, "conf") == 0)
		return conf_value(b, c);
	if (strcmp(key, "alt") == 0)
		return alt_value(b, c, o);
	return spans_value(b, c, o);
}

int
lid_out_fields(struct ndj_buf *b, const struct lid_ctx *c,
    const struct lid_outopt *o)
{
	int e = 0;

	e |= LIT(b, "\"lang\":");
	e |= lang_value(b, c, o);
	e |= LIT(b, ",\"conf\":");
	e |= conf_value(b, c);
	e |= LIT(b, ",\"alt\":");
	e |= alt_value(b, c, o);
	if (o->spans) {
		e |= LIT(b, ",\"spans\":");
		e |= spans_value(b, c, o);
	}
	return e;
}

int
lid_out_escaped(struct ndj_buf *b, const char *s, size_t n)
{
	size_t at = b->len;

	/* ndj_buf_string's escapes, without its quotes. */
	if (ndj_buf_string(b, s, n) != 0)
		return -1;
	memmove(b->p + at, b->p + at + 1, b->len - at - 2);
	b->len -= 2;
	return 0;
}

size_t
lid_repair(struct ndj_buf *b, const char *s, size_t n, int final)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, run = 0, need;
	uint32_t c;
	int k;

	while (i < n) {
		if (u[i] != 0 && u[i] < 0x80) {
			i++;
			continue;
		}
		if (u[i] != 0) {
			k = text_utf8_next(u + i, n - i, &c);
			if (!(c == 0xFFFD && k == 1)) {
				i += k;
				continue;
			}
			/* An incomplete sequence at the end: wait for more. */
			need = u[i] >= 0xF0 ? 4 : u[i] >= 0xE0 ? 3 : 2;
			if (!final && u[i] >= 0xC2 && u[i] <= 0xF4 &&
			    n - i < need) {
				size_t j;

				for (j = i + 1; j < n && (u[j] & 0xC0) == 0x80;
				    j++)
					;
				if (j == n)
					break;
			}
		}
		if (ndj_buf_add(b, s + run, i - run) != 0 ||
		    ndj_buf_add(b, "\xEF\xBF\xBD", 3) != 0)
			return (size_t)-1;
		run = ++i;
	}
	if (ndj_buf_add(b, s + run, i - run) != 0)
		return (size_t)-1;
	return i;
}
