/*
 * event: viewing events as the recommendation tools read them.
 *
 * An event record is {"user", "item", "ts", "event", "rating", "progress"}:
 * user and item are strings (integers are accepted and used as their
 * decimal text), ts is seconds since the epoch or an ISO 8601 date/time
 * ("2013-02-28T14:38:27Z", "2013-02-28", "1915"), event names the kind
 * ("watch", "rate", "click", "skip"; "view" when absent), rating and
 * progress are optional numbers (progress in [0, 1]).
 *
 * struct idmap interns names: each distinct string gets the next dense
 * index, so models and evaluators work on arrays.  struct evset holds a
 * whole event stream read into memory, with the interned users, items and
 * kinds, and (on request) each record's text as it was read.
 *
 * Ownership: an idmap or evset owns all its memory; *_free releases it.
 * Names returned by idmap_name stay valid until the next idmap_add.
 */
#ifndef REEL_EVENT_H
#define REEL_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "cli.h"
#include "ndjson.h"

struct idmap {
	char		*blob;		/* names, each NUL-terminated */
	size_t		 blen, bcap;
	uint32_t	*off;		/* name i starts at blob + off[i] */
	uint32_t	 n, cap;
	uint32_t	*slot;		/* open addressing: index + 1, 0 = empty */
	uint32_t	 nslot;		/* a power of two */
};

void	 idmap_init(struct idmap *m);
void	 idmap_free(struct idmap *m);
/* Returns the index of s (adding it when new), or -1 when out of memory. */
long	 idmap_add(struct idmap *m, const char *s, size_t len);
/* Returns the index of s, or -1 when absent. */
long	 idmap_find(const struct idmap *m, const char *s, size_t len);
const char *idmap_name(const struct idmap *m, uint32_t i);
/* The 32-bit FNV-1a hash used for the table, exposed for the model file. */
uint32_t idmap_hash(const char *s, size_t len);

/*
 * Converts an ISO 8601 date or date-time in UTC (or with a +hh:mm offset)
 * to seconds since the epoch.  Accepts "YYYY", "YYYY-MM", "YYYY-MM-DD",
 * then optionally "THH:MM", ":SS", ".fraction" and "Z" or an offset; a
 * space may stand for the "T".  Returns 0, or -1 when s is not such a time.
 */
int	 ev_parse_iso(const char *s, double *t);
/* Seconds from a JSON number or ISO string.  Returns 0 or -1. */
int	 ev_time(const json_t *v, double *t);
/* Formats t as "YYYY-MM-DDTHH:MM:SSZ" into buf (32 bytes). */
void	 ev_format_iso(double t, char *buf);

/* The part (0 .. nparts - 1) of the UTC day that t falls in. */
int	 ev_daypart(double t, int nparts);

/* Reads user or item ids: a string, or an integer as its decimal text. */
int	 ev_id(const json_t *v, const char **s, size_t *len, char *tmp,
	    size_t tmpsz);

struct event {
	double		 ts;
	uint32_t	 user, item;
	float		 rating;	/* NaN when absent */
	float		 progress;	/* NaN when absent */
	uint32_t	 kind;		/* index into evset.kinds */
	uint32_t	 seq;		/* 0-based position in the stream */
};

struct evset {
	struct idmap	 users, items, kinds;
	struct event	*ev;
	size_t		 n, cap;
	int		 keep_text;	/* set before reading to keep lines */
	char		*text;		/* record i is text + toff[i] */
	size_t		 tlen, tcap;
	size_t		*toff;
};

void	 evset_init(struct evset *s);
void	 evset_free(struct evset *s);

/*
 * Reads every event of path ("-" is stdin) into s, appending.  Bad records
 * go through the policy p (reported with file:line).  Returns 0, or an
 * EX_* status with e filled; e->msg is empty when the policy has reported
 * the error already.
 */
int	 evset_read(struct evset *s, const char *path, struct ndj_policy *p,
	    struct rerr *e);

/*
 * Parses one event record into *ev, interning its names in s.  Returns 0,
 * or -1 with e filled (EX_DATAERR at the reader's line).
 */
int	 evset_parse(struct evset *s, struct ndj_reader *r, const json_t *rec,
	    struct event *ev, struct rerr *e);

/*
 * Parses one line of r as an event record into *ev, interning its names
 * in s: by ndj_flat_parse when the fast path takes the line, else by
 * jansson (ndj_parse, evset_parse); both accept and reject the same lines
 * with the same messages (tests/fuzz/fuzz_event.c).  Returns 0, or -1
 * with e filled.
 */
int	 evset_parse_line(struct evset *s, struct ndj_reader *r,
	    const char *line, size_t len, struct event *ev, struct rerr *e);

#endif /* REEL_EVENT_H */
