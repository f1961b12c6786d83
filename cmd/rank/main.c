/*
 * rank: for each request, a ranked list of items with the parts of each
 * score and a short reason, from a model written by cf-train.
 */
#include <ctype.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "event.h"
#include "linalg.h"
#include "model.h"
#include "ndjson.h"
#include "rank.h"

#define BATCH	512
#define KMAX	1000

static void __attribute__((noreturn))
usage(FILE *fp, int status)
{
	fputs("usage: rank [-hV] [-k count] [-t threads] [--diversity d] "
	    "[--fresh-half-life days]\n"
	    "\t[--keep-seen] [--max-bad-rate rate] [--personal share] "
	    "[--skip-bad]\n"
	    "\t[--trend-half-life days] [--weights part=w,...] "
	    "-m model [file]\n", fp);
	if (fp == stdout)
		fputs("\n"
		    "  -k count            items per list (10)\n"
		    "  -m model            the model file (cf-train -o)\n"
		    "  -t threads          threads (online CPUs)\n"
		    "  --diversity d       MMR weight of dissimilarity, "
		    "0..1 (0)\n"
		    "  --fresh-half-life days  freshness halves every days "
		    "(30)\n"
		    "  --keep-seen         do not drop items the user has seen\n"
		    "  --personal share    share of each list for the user's "
		    "own taste (0.2)\n"
		    "  --trend-half-life days  recent popularity halves per "
		    "day of absence (15)\n"
		    "  --weights part=w,...  cf item content tod fresh pop "
		    "recent\n"
		    "  --skip-bad          report bad requests and go on\n"
		    "  --max-bad-rate rate fail above this fraction\n"
		    "  -h, --help          this help\n"
		    "  -V, --version       print the version\n", fp);
	exit(status);
}

enum {
	OPT_DIV = 0x100, OPT_FRESH, OPT_KEEP, OPT_PERSONAL, OPT_TREND,
	OPT_WEIGHTS
};

static const struct option longopts[] = {
	{ "diversity",		required_argument,	NULL, OPT_DIV },
	{ "fresh-half-life",	required_argument,	NULL, OPT_FRESH },
	{ "help",		no_argument,		NULL, 'h' },
	{ "keep-seen",		no_argument,		NULL, OPT_KEEP },
	{ "model",		required_argument,	NULL, 'm' },
	{ "personal",		required_argument,	NULL, OPT_PERSONAL },
	{ "threads",		required_argument,	NULL, 't' },
	{ "trend-half-life",	required_argument,	NULL, OPT_TREND },
	{ "version",		no_argument,		NULL, 'V' },
	{ "weights",		required_argument,	NULL, OPT_WEIGHTS },
	NDJ_LONGOPTS,
	{ NULL, 0, NULL, 0 }
};

static void
parse_weights(double *w, const char *arg)
{
	char *s = strdup(arg), *p, *tok;
	int j;

	if (s == NULL)
		cli_die(EX_SOFTWARE, "out of memory");
	for (p = s; (tok = strsep(&p, ",")) != NULL;) {
		char *eq = strchr(tok, '=');

		if (eq == NULL)
			cli_die(EX_USAGE, "--weights: want part=weight: %s",
			    tok);
		*eq = '\0';
		for (j = 0; j < NPART; j++)
			if (strcmp(tok, part_names[j]) == 0)
				break;
		if (j == NPART)
			cli_die(EX_USAGE, "--weights: unknown part: %s", tok);
		w[j] = cli_num(eq + 1, -1e6, 1e6, "--weights");
	}
	free(s);
}

/* Looks up an id in map; -1 when absent or not an id. */
static long
lookup(const struct idmap *map, const json_t *v)
{
	const char *s;
	char tmp[32];
	size_t len;

	if (ev_id(v, &s, &len, tmp, sizeof(tmp)) != 0)
		return -1;
	return idmap_find(map, s, len);
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static void
request_clear(struct request *q)
{
	json_decref(q->rec);
	free(q->cand), free(q->hist), free(q->histw);
	free(q->out), free(q->score), free(q->parts);
	memset(q, 0, sizeof(*q));
}

/* Parses one line into q.  Returns 0, or -1 with e filled. */
static int
parse_request(const struct ranker *r, struct ndj_reader *rd, const char *line,
    size_t len, struct request *q, struct rerr *e)
{
	const char *name = ndj_name(rd), *s;
	long ln = ndj_line(rd), v;
	json_t *rec, *f, *x;
	char tmp[32];
	size_t i, idlen;

	memset(q, 0, sizeof(*q));
	if (line[0] == '{') {
		if ((rec = ndj_parse(rd, line, len, e)) == NULL)
			return -1;
	} else {
		/* A bare user id: a JSON string or number, or plain text. */
		json_t *id = NULL;

		/* No JSON string or number starts with a letter. */
		if (!isalpha((unsigned char)line[0]))
			id = json_loadb(line, len, JSON_DECODE_ANY, NULL);

		if (id == NULL || !(json_is_string(id) ||
		    json_is_integer(id))) {
			json_decref(id);
			id = json_stringn(line, len);
		}
		rec = json_object();
		json_object_set_new(rec, "type", json_string("rec"));
		json_object_set_new(rec, "user", id);
	}
	q->rec = rec;
	if (json_object_get(rec, "type") == NULL)
		json_object_set_new(rec, "type", json_string("rec"));
	if (ev_id(json_object_get(rec, "user"), &s, &idlen, tmp,
	    sizeof(tmp)) != 0)
		return rerr_set(e, EX_DATAERR, name, ln,
		    "field 'user' is missing or not a string"), -1;
	q->user = idmap_find(&r->users, s, idlen);
	q->k = r->k;
	if ((f = json_object_get(rec, "k")) != NULL) {
		if (!json_is_integer(f) || json_integer_value(f) < 1 ||
		    json_integer_value(f) > KMAX)
			return rerr_set(e, EX_DATAERR, name, ln,
			    "field 'k' is not an integer in 1..%d", KMAX), -1;
		q->k = (int)json_integer_value(f);
	}
	q->now = r->m.meta.t_end;
	if ((f = json_object_get(rec, "context")) != NULL &&
	    (x = json_object_get(f, "ts")) != NULL &&
	    ev_time(x, &q->now) != 0)
		return rerr_set(e, EX_DATAERR, name, ln,
		    "field 'context.ts' is not a time"), -1;
	if ((f = json_object_get(rec, "candidates")) != NULL) {
		size_t n = 0, j;

		if (!json_is_array(f))
			return rerr_set(e, EX_DATAERR, name, ln,
			    "field 'candidates' is not an array"), -1;
		if ((q->cand = malloc((json_array_size(f) + 1) *
		    sizeof(*q->cand))) == NULL)
			goto nomem;
		json_array_foreach(f, i, x)
			if ((v = lookup(&r->items, x)) >= 0)
				q->cand[n++] = (uint32_t)v;
		qsort(q->cand, n, sizeof(*q->cand), cmp_u32);
		for (i = j = 0; i < n; i++)
			if (j == 0 || q->cand[i] != q->cand[j - 1])
				q->cand[j++] = q->cand[i];
		q->ncand = j;
	}
	if ((f = json_object_get(rec, "events")) != NULL) {
		if (!json_is_array(f))
			return rerr_set(e, EX_DATAERR, name, ln,
			    "field 'events' is not an array"), -1;
		q->hist = malloc((json_array_size(f) + 1) * sizeof(*q->hist));
		q->histw = malloc((json_array_size(f) + 1) *
		    sizeof(*q->histw));
		if (q->hist == NULL || q->histw == NULL)
			goto nomem;
		json_array_foreach(f, i, x) {
			json_t *kind = json_object_get(x, "event");
			json_t *prog = json_object_get(x, "progress");
			float w = 1;

			if ((v = lookup(&r->items, json_is_object(x) ?
			    json_object_get(x, "item") : x)) < 0)
				continue;
			if (json_is_string(kind) &&
			    (strcmp(json_string_value(kind), "skip") == 0 ||
			    strcmp(json_string_value(kind), "dislike") == 0))
				w = -1;
			if (json_is_number(prog) && json_number_value(prog) <
			    0.1)
				w = -1;
			q->hist[q->nhist] = (uint32_t)v;
			q->histw[q->nhist++] = w;
		}
	}
	q->out = malloc(q->k * sizeof(*q->out));
	q->score = malloc(q->k * sizeof(*q->score));
	q->parts = malloc(q->k * NPART * sizeof(*q->parts));
	if (q->out == NULL || q->score == NULL || q->parts == NULL)
		goto nomem;
	return 0;
nomem:
	return rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory"), -1;
}

/* The predicted rating of the MF model, NaN without one. */
static double
predict(const struct ranker *r, long u, uint32_t i)
{
	const struct model *m = &r->m;
	size_t n = m->meta.kmf + 1;
	const float *y;
	double s;

	if (m->meta.kmf == 0)
		return NAN;
	y = m->mfi + i * n;
	s = m->meta.mean + y[0];
	if (u >= 0) {
		const float *x = m->mfu + (size_t)u * n;

		s += x[0] + la_dot(x + 1, y + 1, (int)m->meta.kmf);
	}
	return s;
}

/*
 * Cuts s back to whole UTF-8 sequences: snprintf may have cut a title
 * in the middle of one, and a JSON string must be valid UTF-8.
 */
static void
utf8_trim(char *s)
{
	size_t n = strlen(s), i = n, need;
	unsigned char c;

	while (i > 0 && ((unsigned char)s[i - 1] & 0xc0) == 0x80 &&
	    n - i < 3)
		i--;
	if (i == 0 || !((unsigned char)s[i - 1] & 0x80))
		return;
	c = (unsigned char)s[i - 1];
	need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
	if (n - (i - 1) < need)
		s[i - 1] = '\0';
}

/*
 * q's output line, newline included, into out: the request record with
 * its list added as "items".  The list is written piece by piece (the
 * bytes ndj_dump gives for the same tree, see ndj_buf_real); a record
 * that already has "items" goes through jansson, which replaces the
 * field where it stands.  Runs on the scoring threads.  Returns 0 or -1
 * (no memory).
 */
static int
emit(const struct ranker *r, struct rank_buf *b, struct request *q,
    struct ndj_buf *out)
{
	const struct model *m = &r->m;
	size_t nseen = seen_items(r, b, q);
	char why[256];
	int t, j, first, rc = 0;
	double pr;

	out->len = 0;
	if (json_object_get(q->rec, "items") != NULL) {
		json_t *items = json_array();

		for (t = 0; t < q->nout; t++) {
			json_t *it = json_object(), *parts = json_object();
			uint32_t i = q->out[t];

			json_object_set_new(it, "item", json_string(
			    m->item_names + m->item_off[i]));
			ndj_set_real(it, "score", q->score[t], 4);
			for (j = 0; j < NPART; j++)
				if (r->w[j] != 0)
					ndj_set_real(parts, part_names[j],
					    q->parts[t * NPART + j], 4);
			json_object_set_new(it, "parts", parts);
			if (!isnan(pr = predict(r, q->user, i)))
				ndj_set_real(it, "rating", pr, 3);
			reason(r, q, t, b->seen, nseen, why, sizeof(why));
			utf8_trim(why);
			json_object_set_new(it, "reason", json_string(why));
			json_array_append_new(items, it);
		}
		json_object_set_new(q->rec, "items", items);
		return ndj_dump(out, q->rec) | ndj_buf_add(out, "\n", 1);
	}
	/* The record without its closing brace, then the list. */
	if (ndj_dump(out, q->rec) != 0)
		return -1;
	out->len--;
	rc |= ndj_buf_add(out, ",\"items\":[", 10);
	for (t = 0; t < q->nout; t++) {
		const char *name = m->item_names + m->item_off[q->out[t]];

		rc |= ndj_buf_add(out, t > 0 ? ",{\"item\":" : "{\"item\":",
		    t > 0 ? 9 : 8);
		rc |= ndj_buf_string(out, name, strlen(name));
		rc |= ndj_buf_add(out, ",\"score\":", 9);
		rc |= ndj_buf_real(out, q->score[t], 4);
		rc |= ndj_buf_add(out, ",\"parts\":{", 10);
		for (j = 0, first = 1; j < NPART; j++) {
			if (r->w[j] == 0)
				continue;
			if (!first)
				rc |= ndj_buf_add(out, ",", 1);
			first = 0;
			rc |= ndj_buf_string(out, part_names[j],
			    strlen(part_names[j]));
			rc |= ndj_buf_add(out, ":", 1);
			rc |= ndj_buf_real(out, q->parts[t * NPART + j], 4);
		}
		rc |= ndj_buf_add(out, "}", 1);
		if (!isnan(pr = predict(r, q->user, q->out[t]))) {
			rc |= ndj_buf_add(out, ",\"rating\":", 10);
			rc |= ndj_buf_real(out, pr, 3);
		}
		reason(r, q, t, b->seen, nseen, why, sizeof(why));
		utf8_trim(why);
		rc |= ndj_buf_add(out, ",\"reason\":", 10);
		rc |= ndj_buf_string(out, why, strlen(why));
		rc |= ndj_buf_add(out, "}", 1);
	}
	return rc | ndj_buf_add(out, "]}\n", 3);
}

struct batch {
	const struct ranker *r;
	struct rank_buf	*bufs;
	struct request	*q;
	struct ndj_buf	*lines;		/* per request: its output */
	int		 failed;
};

static void
score_batch(size_t lo, size_t hi, int tid, void *arg)
{
	struct batch *bt = arg;
	const struct ranker *r = bt->r;
	struct rank_buf *b = &bt->bufs[tid];
	struct request *blk[RANK_BLOCK];
	size_t i, j;
	int n;

	for (i = lo; i < hi; i = j) {
		/* Known users ranked over all items share one pass of cf. */
		for (j = i, n = 0; j < hi && n < RANK_BLOCK; j++) {
			struct request *q = &bt->q[j];

			q->cfpre = NULL;
			q->cfchunk = NULL;
			q->cfseed = NULL;
			if (q->user >= 0 && q->cand == NULL &&
			    r->m.meta.k > 0 && r->w[P_CF] != 0)
				blk[n++] = q;
		}
		if (n > 1)
			cf_block(r, b, blk, n);
		for (; i < j; i++)
			if (score_request(r, b, &bt->q[i]) != 0 ||
			    emit(r, b, &bt->q[i], &bt->lines[i]) != 0)
				bt->failed = 1;
	}
}

static int
run(struct ranker *r, const char *path, struct ndj_policy *pol)
{
	struct request *q = calloc(BATCH, sizeof(*q));
	struct rank_buf *bufs = calloc(r->threads, sizeof(*bufs));
	struct ndj_buf *lines = calloc(BATCH, sizeof(*lines));
	struct ndj_reader *rd;
	struct batch bt;
	struct rerr e = { 0 };
	const char *line;
	size_t len, n = 0, i;
	int rc, rv = 0, t, eof = 0;

	if (q == NULL || bufs == NULL || lines == NULL)
		return cli_report(&(struct rerr){ EX_SOFTWARE, "", 0,
		    "out of memory" });
	for (t = 0; t < r->threads; t++)
		if (rank_buf_init(&bufs[t], r, KMAX * 3) != 0) {
			rv = rerr_set(&e, EX_SOFTWARE, NULL, 0,
			    "out of memory");
			goto out;
		}
	if ((rd = ndj_open(path, &e)) == NULL) {
		rv = e.code;
		goto out;
	}
	bt.r = r, bt.bufs = bufs, bt.q = q, bt.lines = lines, bt.failed = 0;
	while (!eof) {
		n = 0;
		while (n < BATCH) {
			if ((rc = ndj_getline(rd, &line, &len, &e)) < 0) {
				rv = e.code;
				goto close;
			}
			if (rc == 0) {
				eof = 1;
				break;
			}
			if (parse_request(r, rd, line, len, &q[n], &e) != 0) {
				request_clear(&q[n]);
				if (e.code == EX_SOFTWARE ||
				    (rv = ndj_policy_bad(pol, &e)) != 0) {
					rv = e.code;
					goto flush;
				}
				continue;
			}
			ndj_policy_ok(pol);
			n++;
		}
flush:
		la_parallel_for(n, n < 64 ? 1 : r->threads, score_batch, &bt);
		if (bt.failed) {
			rv = rerr_set(&e, EX_SOFTWARE, NULL, 0,
			    "out of memory");
			goto close;
		}
		for (i = 0; i < n; i++) {
			if (!ferror(stdout))
				fwrite(lines[i].p, 1, lines[i].len, stdout);
			request_clear(&q[i]);
		}
		n = 0;
		if (rv != 0 || ferror(stdout))
			break;
	}
	if (rv == 0)
		rv = ndj_policy_end(pol);
	else if (rv != EX_DATAERR)
		cli_report(&e);
	goto closed;
close:
	cli_report(&e);
closed:
	for (i = 0; i < n; i++)
		request_clear(&q[i]);
	ndj_close(rd);
out:
	for (t = 0; t < r->threads; t++)
		rank_buf_free(&bufs[t]);
	free(bufs);
	for (i = 0; lines != NULL && i < BATCH; i++)
		ndj_buf_free(&lines[i]);
	free(lines);
	free(q);
	return rv;
}

int
main(int argc, char *argv[])
{
	/*
	 * Chosen on validation splits of the training part of MovieTweetings
	 * (time and leave-last-out, never the test events): what is popular
	 * this week leads for users active now (recent 200 against cf 1,
	 * halving every 15 days of a user's absence), and the last fifth of
	 * each list goes to the user's own taste (--personal).
	 */
	static const double defw[NPART] = {
		[P_CF] = 1, [P_ITEM] = 1, [P_CONTENT] = 0.2, [P_TOD] = 0.2,
		[P_FRESH] = 0, [P_POP] = 0.2, [P_RECENT] = 200
	};
	struct ranker r;
	struct ndj_policy pol = NDJ_POLICY_DEFAULT;
	struct rerr e = { 0 };
	const char *mpath = NULL;
	long ncpu;
	int ch, rv;

	cli_init("rank");
	memset(&r, 0, sizeof(r));
	memcpy(r.w, defw, sizeof(r.w));
	r.k = 10;
	r.div = 0;
	r.personal = 0.2;
	r.fresh_half_life = 30 * 86400.0;
	r.trend_half_life = 15 * 86400.0;
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	r.threads = ncpu > 0 ? (ncpu > 64 ? 64 : (int)ncpu) : 1;
	while ((ch = getopt_long(argc, argv, "hk:m:t:V", longopts, NULL)) !=
	    -1) {
		if (ndj_policy_opt(&pol, ch, optarg))
			continue;
		switch (ch) {
		case 'k':
			r.k = (int)cli_int(optarg, 1, KMAX, "-k");
			break;
		case 'm':
			mpath = optarg;
			break;
		case 't':
			r.threads = (int)cli_int(optarg, 1, 64, "-t");
			break;
		case OPT_DIV:
			r.div = cli_num(optarg, 0, 1, "--diversity");
			break;
		case OPT_FRESH:
			r.fresh_half_life = cli_num(optarg, 1e-6, 1e6,
			    "--fresh-half-life") * 86400;
			break;
		case OPT_PERSONAL:
			r.personal = cli_num(optarg, 0, 1, "--personal");
			break;
		case OPT_TREND:
			r.trend_half_life = cli_num(optarg, 0, 1e6,
			    "--trend-half-life") * 86400;
			break;
		case OPT_KEEP:
			r.keep_seen = 1;
			break;
		case OPT_WEIGHTS:
			parse_weights(r.w, optarg);
			break;
		case 'h':
			usage(stdout, 0);
		case 'V':
			cli_version();
		default:
			usage(stderr, EX_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (mpath == NULL) {
		cli_warn("-m is required");
		usage(stderr, EX_USAGE);
	}
	if (argc > 1)
		usage(stderr, EX_USAGE);
	if ((rv = model_open(&r.m, mpath, &e)) != 0 ||
	    (rv = ranker_init(&r, &e)) != 0) {
		cli_report(&e);
		ranker_free(&r);
		return rv;
	}
	rv = run(&r, argc ? argv[0] : "-", &pol);
	ranker_free(&r);
	return cli_finish(rv);
}
