/*
 * cf-train: learn a recommendation model from viewing events and write it
 * as one model file (reel-model(5)) for rank.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"
#include "cftrain.h"
#include "cli.h"
#include "model.h"
#include "ndjson.h"

static void __attribute__((noreturn))
usage(FILE *fp, int status)
{
	fputs("usage: cf-train [-hV] [-k factors] [-m model[,model ...]] "
	    "[-n iterations]\n"
	    "\t[-s seed] [-t threads] [--alpha a] [--cg-steps n]\n"
	    "\t[--half-life days] [--import-factors users,items] "
	    "[--items file]\n"
	    "\t[--max-bad-rate rate] [--mf-bias-reg r] [--mf-factors n] "
	    "[--mf-reg r]\n\t"
	    "[--mf-tag-reg r] [--mf-tags n] [--neg-progress p] "
	    "[--neg-rating r]\n\t[--neighbours n] "
	    "[--no-mf-drift] [--recent-days days] [--reg r]\n"
	    "\t[--similarity cosine|bm25] [--skip-bad] "
	    "[--weight event=w ...]\n"
	    "\t-o model [file]\n", fp);
	if (fp == stdout)
		fputs("\n"
		    "  -k factors          ALS factors (32)\n"
		    "  -m model,...        als, mf, knn (als)\n"
		    "  -n iterations       ALS and MF sweeps (15)\n"
		    "  -o model            the model file to write\n"
		    "  -s seed             random seed (1)\n"
		    "  -t threads          threads (online CPUs)\n"
		    "  --alpha a           confidence per unit weight (5)\n"
		    "  --cg-steps n        CG steps per ALS solve (3)\n"
		    "  --half-life days    decay of old events (none)\n"
		    "  --import-factors u,i  Spark ALS factors as JSON lines\n"
		    "  --items file        item records: tags, title, "
		    "published\n"
		    "  --mf-bias-reg r     MF bias regularisation (3)\n"
		    "  --mf-factors n      MF factors (1)\n"
		    "  --mf-reg r          MF regularisation (50)\n"
		    "  --mf-tag-reg r      MF tag taste regularisation (15)\n"
		    "  --mf-tags n         MF tag columns, at most (32)\n"
		    "  --neg-progress p    progress below p is negative (0.1)\n"
		    "  --neg-rating r      ratings below r are negative (none)\n"
		    "  --neighbours n      item neighbours kept (50)\n"
		    "  --no-mf-drift       do not learn MF's drift of ratings\n"
		    "  --recent-days days  window of recent popularity (7)\n"
		    "  --reg r             ALS regularisation (0.05)\n"
		    "  --similarity s      neighbour weighting (cosine)\n"
		    "  --weight event=w    weight of an event kind\n"
		    "  --skip-bad          report bad records and go on\n"
		    "  --max-bad-rate rate fail above this fraction\n"
		    "  -h, --help          this help\n"
		    "  -V, --version       print the version\n", fp);
	exit(status);
}

enum {
	OPT_ALPHA = 0x100, OPT_BREG, OPT_CG, OPT_HALF, OPT_IMPORT, OPT_ITEMS, OPT_MFK,
	OPT_MFREG, OPT_NEGP, OPT_NEGR, OPT_NB, OPT_RECENT, OPT_REG, OPT_SIM,
	OPT_WEIGHT, OPT_NODRIFT, OPT_MFTREG, OPT_MFTAGS
};

static const struct option longopts[] = {
	{ "alpha",		required_argument,	NULL, OPT_ALPHA },
	{ "cg-steps",		required_argument,	NULL, OPT_CG },
	{ "factors",		required_argument,	NULL, 'k' },
	{ "half-life",		required_argument,	NULL, OPT_HALF },
	{ "help",		no_argument,		NULL, 'h' },
	{ "import-factors",	required_argument,	NULL, OPT_IMPORT },
	{ "items",		required_argument,	NULL, OPT_ITEMS },
	{ "iterations",		required_argument,	NULL, 'n' },
	{ "mf-bias-reg",	required_argument,	NULL, OPT_BREG },
	{ "mf-factors",		required_argument,	NULL, OPT_MFK },
	{ "mf-reg",		required_argument,	NULL, OPT_MFREG },
	{ "mf-tag-reg",		required_argument,	NULL, OPT_MFTREG },
	{ "mf-tags",		required_argument,	NULL, OPT_MFTAGS },
	{ "model",		required_argument,	NULL, 'm' },
	{ "neg-progress",	required_argument,	NULL, OPT_NEGP },
	{ "neg-rating",		required_argument,	NULL, OPT_NEGR },
	{ "neighbours",		required_argument,	NULL, OPT_NB },
	{ "no-mf-drift",	no_argument,		NULL, OPT_NODRIFT },
	{ "output",		required_argument,	NULL, 'o' },
	{ "recent-days",	required_argument,	NULL, OPT_RECENT },
	{ "reg",		required_argument,	NULL, OPT_REG },
	{ "seed",		required_argument,	NULL, 's' },
	{ "similarity",		required_argument,	NULL, OPT_SIM },
	{ "threads",		required_argument,	NULL, 't' },
	{ "version",		no_argument,		NULL, 'V' },
	{ "weight",		required_argument,	NULL, OPT_WEIGHT },
	NDJ_LONGOPTS,
	{ NULL, 0, NULL, 0 }
};

static void
parse_models(struct train_opts *o, const char *arg)
{
	char *s = strdup(arg), *p, *tok;

	if (s == NULL)
		cli_die(EX_SOFTWARE, "out of memory");
	o->als = o->mf = o->knn = 0;
	for (p = s; (tok = strsep(&p, ",")) != NULL;) {
		if (strcmp(tok, "als") == 0)
			o->als = 1;
		else if (strcmp(tok, "mf") == 0)
			o->mf = 1;
		else if (strcmp(tok, "knn") == 0)
			o->knn = 1;
		else
			cli_die(EX_USAGE, "-m: unknown model: %s", tok);
	}
	free(s);
}

static void
parse_weight(struct train_opts *o, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char *kind;

	if (eq == NULL || eq == arg)
		cli_die(EX_USAGE, "--weight: want event=weight: %s", arg);
	if (o->nkind == MAXKINDS)
		cli_die(EX_USAGE, "--weight: at most %d kinds", MAXKINDS);
	if ((kind = strndup(arg, eq - arg)) == NULL)
		cli_die(EX_SOFTWARE, "out of memory");
	o->kind[o->nkind] = kind;
	o->kw[o->nkind++] = cli_num(eq + 1, -1e6, 1e6, "--weight");
}

/* Everything the model file holds, owned here until it is written. */
struct built {
	float		*uf, *vf, *mfu, *mfi, *pop_all, *pop_recent;
	uint32_t	*nb_start, *nb_item, *up_start, *up_key;
	float		*nb_sim, *up_w;
	double		*ulast;
	struct model_meta meta;
};

static int
write_model(const struct tdata *d, const struct built *b, const char *path,
    struct rerr *e)
{
	struct model_writer w;
	struct atomic_file *af;
	FILE *fp;
	int rv;

	model_writer_init(&w);
	model_add(&w, MS_META, &b->meta, sizeof(b->meta), 1);
	model_add(&w, MS_USER_NAMES, d->s.users.blob, 1, d->s.users.blen);
	model_add(&w, MS_USER_OFF, d->s.users.off, 4, d->nusers);
	model_add(&w, MS_ITEM_NAMES, d->s.items.blob, 1, d->s.items.blen);
	model_add(&w, MS_ITEM_OFF, d->s.items.off, 4, d->nitems);
	model_add(&w, MS_SEEN_START, d->byuser.start, 4, d->nusers + 1);
	model_add(&w, MS_SEEN_ITEM, d->byuser.col, 4,
	    d->byuser.start[d->nusers]);
	model_add(&w, MS_POP_ALL, b->pop_all, 4, d->nitems);
	model_add(&w, MS_POP_RECENT, b->pop_recent, 4, d->nitems);
	model_add(&w, MS_USER_LAST, b->ulast, 8, d->nusers);
	if (b->meta.k > 0) {
		model_add(&w, MS_USER_FACTORS, b->uf, 4,
		    (uint64_t)d->nusers * b->meta.k);
		model_add(&w, MS_ITEM_FACTORS, b->vf, 4,
		    (uint64_t)d->nitems * b->meta.k);
	}
	if (b->meta.kmf > 0) {
		model_add(&w, MS_MF_USER, b->mfu, 4,
		    (uint64_t)d->nusers * (b->meta.kmf + 1));
		model_add(&w, MS_MF_ITEM, b->mfi, 4,
		    (uint64_t)d->nitems * (b->meta.kmf + 1));
	}
	if (b->meta.nb > 0) {
		model_add(&w, MS_NB_START, b->nb_start, 4, d->nitems + 1);
		model_add(&w, MS_NB_ITEM, b->nb_item, 4, b->nb_start[d->nitems]);
		model_add(&w, MS_NB_SIM, b->nb_sim, 4, b->nb_start[d->nitems]);
	}
	if (d->pub != NULL) {
		model_add(&w, MS_ITEM_PUB, d->pub, 8, d->nitems);
		model_add(&w, MS_ITEM_TITLES, d->titleblob, 1, d->titlelen);
		model_add(&w, MS_ITEM_TITLE_OFF, d->title_off, 4, d->nitems);
	}
	if (b->meta.ntags > 0) {
		model_add(&w, MS_TAG_NAMES, d->tags.blob, 1, d->tags.blen);
		model_add(&w, MS_TAG_OFF, d->tags.off, 4, d->tags.n);
		model_add(&w, MS_ITEM_TAG_START, d->itag_start, 4,
		    d->nitems + 1);
		model_add(&w, MS_ITEM_TAG, d->itag, 4,
		    d->itag_start[d->nitems]);
		model_add(&w, MS_UPREF_START, b->up_start, 4, d->nusers + 1);
		model_add(&w, MS_UPREF_KEY, b->up_key, 4,
		    b->up_start[d->nusers]);
		model_add(&w, MS_UPREF_W, b->up_w, 4, b->up_start[d->nusers]);
	}
	if ((fp = atomic_open_output(path, &af, e)) == NULL)
		return e->code;
	if ((rv = model_write(&w, fp, path, e)) != 0) {
		atomic_close_output(af, 0, e);
		return rv;
	}
	return atomic_close_output(af, 1, e);
}

static int
has_ratings(const struct evset *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!isnan(s->ev[i].rating))
			return 1;
	return 0;
}

static int
train(const struct train_opts *o, const char *events, const char *out,
    struct ndj_policy *pol)
{
	struct tdata d;
	struct built b;
	struct rerr e = { 0 };
	int rv, k = 0;

	memset(&d, 0, sizeof(d));
	memset(&b, 0, sizeof(b));
	evset_init(&d.s);
	if ((rv = evset_read(&d.s, events, pol, &e)) != 0)
		goto out;
	if ((rv = ndj_policy_end(pol)) != 0)
		goto done;
	if (d.s.n == 0) {
		rv = rerr_set(&e, EX_DATAERR, cli_name(events), 0,
		    "no events");
		goto out;
	}
	d.nusers = d.s.users.n;
	d.nitems = d.s.items.n;
	if (o->import != NULL &&
	    (rv = import_factors(&d, o->import, &k, &b.uf, &b.vf, &e)) != 0)
		goto out;
	if (o->items != NULL) {
		struct ndj_policy ip = *pol;
		uint32_t before = d.nitems;

		ip.nrec = ip.nbad = 0;
		if ((rv = read_items(&d, o->items, &ip, &e)) != 0)
			goto out;
		if (b.vf != NULL && d.nitems > before) {
			float *v = realloc(b.vf, (size_t)d.nitems * k *
			    sizeof(*v));

			if (v == NULL)
				goto nomem;
			memset(v + (size_t)before * k, 0,
			    (size_t)(d.nitems - before) * k * sizeof(*v));
			b.vf = v;
		}
	}
	if ((rv = build_rows(&d, o, &e)) != 0)
		goto out;
	b.meta.nusers = d.nusers;
	b.meta.nitems = d.nitems;
	b.meta.ntags = o->items != NULL ? d.tags.n : 0;
	b.meta.t_end = d.t_end;
	b.meta.half_life = o->half_life;
	b.meta.recent_days = o->recent_days;
	b.meta.alpha = o->alpha;
	b.meta.reg = o->reg;
	b.meta.seed = (uint32_t)o->seed;
	if (o->import != NULL)
		b.meta.k = k;
	else if (o->als) {
		b.meta.k = o->k;
		b.uf = malloc((size_t)d.nusers * o->k * sizeof(float) + 4);
		b.vf = malloc((size_t)d.nitems * o->k * sizeof(float) + 4);
		if (b.uf == NULL || b.vf == NULL)
			goto nomem;
		if ((rv = als_train(&d, o, b.uf, b.vf, &e)) != 0)
			goto out;
	}
	if (o->mf && has_ratings(&d.s) && (rv = mf_train(&d, o, &b.mfu,
	    &b.mfi, &b.meta.kmf, &b.meta.mean, &e)) != 0)
		goto out;
	if (o->knn) {
		b.meta.nb = o->nb;
		if ((rv = knn_train(&d, o, &b.nb_start, &b.nb_item, &b.nb_sim,
		    &e)) != 0)
			goto out;
	}
	b.pop_all = malloc((size_t)d.nitems * sizeof(float) + 4);
	b.pop_recent = malloc((size_t)d.nitems * sizeof(float) + 4);
	if (b.pop_all == NULL || b.pop_recent == NULL)
		goto nomem;
	popularity(&d, o, b.pop_all, b.pop_recent);
	if ((b.ulast = malloc(((size_t)d.nusers + 1) * sizeof(double))) ==
	    NULL)
		goto nomem;
	last_activity(&d, b.ulast);
	if (b.meta.ntags > 0 && (rv = user_prefs(&d, o, &b.up_start,
	    &b.up_key, &b.up_w, &e)) != 0)
		goto out;
	if ((rv = write_model(&d, &b, out, &e)) != 0)
		goto out;
	goto done;
nomem:
	rv = rerr_set(&e, EX_SOFTWARE, NULL, 0, "out of memory");
out:
	if (e.msg[0] != '\0')
		cli_report(&e);
done:
	free(b.uf), free(b.vf), free(b.mfu), free(b.mfi);
	free(b.pop_all), free(b.pop_recent), free(b.ulast);
	free(b.nb_start), free(b.nb_item), free(b.nb_sim);
	free(b.up_start), free(b.up_key), free(b.up_w);
	csr_free(&d.byuser), csr_free(&d.byitem);
	idmap_free(&d.tags);
	free(d.itag_start), free(d.itag), free(d.pub), free(d.title_off);
	free(d.titleblob), free(d.kindw);
	evset_free(&d.s);
	return rv;
}

int
main(int argc, char *argv[])
{
	struct train_opts o;
	struct ndj_policy pol = NDJ_POLICY_DEFAULT;
	const char *out = NULL;
	long ncpu;
	int ch, rv;

	cli_init("cf-train");
	memset(&o, 0, sizeof(o));
	o.als = 1;
	o.k = 32;
	o.kmf = 1;
	o.iters = 15;
	o.cg_steps = 3;
	o.nb = 50;
	o.alpha = 5;
	o.reg = 0.05;
	o.reg_mf = 50;
	o.reg_bias = 3;
	o.reg_tag = 15;
	o.mf_tags = 32;
	o.mf_drift = 1;
	o.recent_days = 7;
	o.neg_progress = 0.1;
	o.neg_rating = NAN;
	o.seed = 1;
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	o.threads = ncpu > 0 ? (ncpu > 64 ? 64 : (int)ncpu) : 1;
	while ((ch = getopt_long(argc, argv, "hk:m:n:o:s:t:V", longopts,
	    NULL)) != -1) {
		if (ndj_policy_opt(&pol, ch, optarg))
			continue;
		switch (ch) {
		case 'k':
			o.k = (int)cli_int(optarg, 1, 1024, "-k");
			break;
		case 'm':
			parse_models(&o, optarg);
			break;
		case 'n':
			o.iters = (int)cli_int(optarg, 0, 10000, "-n");
			break;
		case 'o':
			out = optarg;
			break;
		case 's':
			o.seed = (unsigned long)cli_int(optarg, 0, 4294967295LL,
			    "-s");
			break;
		case 't':
			o.threads = (int)cli_int(optarg, 1, 64, "-t");
			break;
		case OPT_ALPHA:
			o.alpha = cli_num(optarg, 0, 1e9, "--alpha");
			break;
		case OPT_BREG:
			o.reg_bias = cli_num(optarg, 1e-9, 1e9, "--mf-bias-reg");
			break;
		case OPT_CG:
			o.cg_steps = (int)cli_int(optarg, 1, 1000, "--cg-steps");
			break;
		case OPT_HALF:
			o.half_life = cli_num(optarg, 0, 1e6, "--half-life") *
			    86400;
			break;
		case OPT_IMPORT:
			o.import = optarg;
			break;
		case OPT_ITEMS:
			o.items = optarg;
			break;
		case OPT_MFK:
			o.kmf = (int)cli_int(optarg, 0, 1024, "--mf-factors");
			break;
		case OPT_MFREG:
			o.reg_mf = cli_num(optarg, 1e-9, 1e9, "--mf-reg");
			break;
		case OPT_MFTREG:
			o.reg_tag = cli_num(optarg, 1e-9, 1e9, "--mf-tag-reg");
			break;
		case OPT_MFTAGS:
			o.mf_tags = (int)cli_int(optarg, 0, 1024, "--mf-tags");
			break;
		case OPT_NEGP:
			o.neg_progress = cli_num(optarg, 0, 1, "--neg-progress");
			break;
		case OPT_NEGR:
			o.neg_rating = cli_num(optarg, -1e9, 1e9,
			    "--neg-rating");
			break;
		case OPT_NODRIFT:
			o.mf_drift = 0;
			break;
		case OPT_NB:
			o.nb = (int)cli_int(optarg, 1, 10000, "--neighbours");
			break;
		case OPT_RECENT:
			o.recent_days = cli_num(optarg, 0, 1e6,
			    "--recent-days");
			break;
		case OPT_REG:
			o.reg = cli_num(optarg, 1e-9, 1e9, "--reg");
			break;
		case OPT_SIM:
			if (strcmp(optarg, "cosine") == 0)
				o.bm25 = 0;
			else if (strcmp(optarg, "bm25") == 0)
				o.bm25 = 1;
			else
				cli_die(EX_USAGE, "--similarity: want cosine "
				    "or bm25: %s", optarg);
			break;
		case OPT_WEIGHT:
			parse_weight(&o, optarg);
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
	if (out == NULL) {
		cli_warn("-o is required");
		usage(stderr, EX_USAGE);
	}
	if (argc > 1)
		usage(stderr, EX_USAGE);
	rv = train(&o, argc ? argv[0] : "-", out, &pol);
	return cli_finish(rv);
}
