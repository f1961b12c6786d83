/*
 * abtest: experiment statistics from exposure and outcome events, or from
 * per-variant summaries.  See abtest(1).
 *
 * main reads every input through the flat-record fast path of lib/ndjson
 * (jansson for the other lines), feeds ingest.c, and at the end (and
 * with --every N, every N records) prints what analyze.c makes of it.
 * "abtest plan", "abtest assign" and "abtest adjust" live in plan.c.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "abtest.h"

static void __attribute__((noreturn))
usage(FILE *fp, int status)
{
	fputs("usage: abtest [-hV] [-a alpha] [-b metric] [-c control] "
	    "[-e exp] [-m metric]\n"
	    "              [-r num/den] [--allocate] [--covariate metric] "
	    "[--every n]\n"
	    "              [--guardrail metric] [--max-bad-rate rate] "
	    "[--merge] [--partial]\n"
	    "              [--prior a,b] [--skip-bad] [--srm-alpha alpha] "
	    "[--tau2 var]\n"
	    "              [--variance model] [--variants list] "
	    "[--weights list] [file ...]\n"
	    "       abtest plan [-a alpha] [--n n | --power power] "
	    "[--p1 p --p2 p]\n"
	    "              [--delta d --sd sd]\n"
	    "       abtest assign -e exp [--salt salt] [--variants list] "
	    "[--weights list]\n"
	    "              [file ...]\n"
	    "       abtest adjust [file ...]\n", fp);
	if (fp == stdout)
		fputs("\n"
		    "  -a, --alpha alpha      test level; intervals at 1-alpha "
		    "(0.05)\n"
		    "  -b, --binary metric    metric is a conversion: unit "
		    "converts if its sum > 0\n"
		    "  -c, --control name     the control arm (first arm by "
		    "name)\n"
		    "  -e, --exp name         only this experiment\n"
		    "  -m, --metric name      analyse this metric (the first "
		    "is primary)\n"
		    "  -r, --ratio num/den    ratio metric of two per-unit "
		    "sums\n"
		    "  --allocate             Thompson-sampling weights for "
		    "the next period\n"
		    "  --covariate metric     CUPED with this pre-period "
		    "metric\n"
		    "  --every n              print results every n records\n"
		    "  --guardrail metric     metric that must not get worse\n"
		    "  --merge                add up partial summaries\n"
		    "  --partial              print mergeable summaries, not "
		    "results\n"
		    "  --prior a,b            Beta prior (1,1)\n"
		    "  --srm-alpha alpha      level of the SRM test (0.001)\n"
		    "  --tau2 var             mSPRT mixing variance\n"
		    "  --variance model       sample or bernoulli (binary "
		    "mSPRT)\n"
		    "  --variants list        the configured arms, in order\n"
		    "  --weights list         their traffic weights\n"
		    "  --skip-bad             report and skip bad records\n"
		    "  --max-bad-rate rate    fail above this bad fraction\n"
		    "  -h, --help             this help\n"
		    "  -V, --version          the version\n", fp);
	exit(status);
}

enum {
	OPT_ALLOCATE = 0x2000, OPT_COVARIATE, OPT_EVERY, OPT_GUARD, OPT_MERGE,
	OPT_PARTIAL, OPT_PRIOR, OPT_SRM_ALPHA, OPT_TAU2, OPT_VARIANCE,
	OPT_VARIANTS, OPT_WEIGHTS
};

static const struct option longopts[] = {
	{ "alpha",	required_argument,	NULL, 'a' },
	{ "binary",	required_argument,	NULL, 'b' },
	{ "control",	required_argument,	NULL, 'c' },
	{ "exp",	required_argument,	NULL, 'e' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "metric",	required_argument,	NULL, 'm' },
	{ "ratio",	required_argument,	NULL, 'r' },
	{ "version",	no_argument,		NULL, 'V' },
	{ "allocate",	no_argument,		NULL, OPT_ALLOCATE },
	{ "covariate",	required_argument,	NULL, OPT_COVARIATE },
	{ "every",	required_argument,	NULL, OPT_EVERY },
	{ "guardrail",	required_argument,	NULL, OPT_GUARD },
	{ "merge",	no_argument,		NULL, OPT_MERGE },
	{ "partial",	no_argument,		NULL, OPT_PARTIAL },
	{ "prior",	required_argument,	NULL, OPT_PRIOR },
	{ "srm-alpha",	required_argument,	NULL, OPT_SRM_ALPHA },
	{ "tau2",	required_argument,	NULL, OPT_TAU2 },
	{ "variance",	required_argument,	NULL, OPT_VARIANCE },
	{ "variants",	required_argument,	NULL, OPT_VARIANTS },
	{ "weights",	required_argument,	NULL, OPT_WEIGHTS },
	NDJ_LONGOPTS,
	{ NULL, 0, NULL, 0 }
};

/*
 * Splits a comma list into v, pointers into one strdup'd copy (v[0] is
 * that copy, for free); exits on a usage error.
 */
int
ab_split(const char *s, char **v, int max, const char *opt)
{
	char *c, *p, *q;
	int n = 0;

	if ((c = strdup(s)) == NULL)
		cli_die(EX_SOFTWARE, "out of memory");
	for (p = c; (q = strsep(&p, ",")) != NULL; ) {
		if (*q == '\0')
			cli_die(EX_USAGE, "%s: empty name in '%s'", opt, s);
		if (n == max)
			cli_die(EX_USAGE, "%s: more than %d names", opt, max);
		v[n++] = q;
	}
	return n;
}

int
ab_weights(const char *s, double *w, int max, const char *opt)
{
	char *v[AB_MAXVAR];
	int i, n;

	n = ab_split(s, v, max, opt);
	for (i = 0; i < n; i++)
		w[i] = cli_num(v[i], 1e-300, 1e300, opt);
	free(v[0]);	/* the one copy ab_split made */
	return n;
}

static int
add_names(char **dst, int n, const char *arg, const char *opt)
{
	return n + ab_split(arg, dst + n, AB_MAXMET - n, opt);
}

struct run {
	struct ab ab;
	struct opts *o;
	long	 nrec;
};

static int
run_file(const char *path, void *arg)
{
	struct run *ru = arg;
	struct opts *o = ru->o;
	struct ndj_reader *r;
	struct ndj_flat fl;
	struct rerr e = { 0 };
	const char *line;
	size_t len;
	json_t *rec;
	int rv, st = 0;

	if ((r = ndj_open(path, &e)) == NULL)
		return cli_report(&e);
	while ((rv = ndj_getline(r, &line, &len, &e)) > 0) {
		if (ndj_flat_parse(line, len, &fl))
			rv = ab_flat(&ru->ab, r, &fl, &e);
		else if ((rec = ndj_parse(r, line, len, &e)) == NULL)
			rv = -1;
		else {
			rv = ab_json(&ru->ab, r, rec, &e);
			json_decref(rec);
		}
		if (rv < 0) {
			if (e.code != EX_DATAERR) {
				st = cli_report(&e);
				break;
			}
			if ((st = ndj_policy_bad(&o->pol, &e)) != 0)
				break;
			continue;
		}
		ndj_policy_ok(&o->pol);
		if (o->every > 0 && ++ru->nrec % o->every == 0) {
			if ((st = ab_report(&ru->ab, stdout, &e)) != 0) {
				cli_report(&e);
				break;
			}
			fflush(stdout);
		}
	}
	if (rv < 0 && st == 0)
		st = cli_report(&e);
	ndj_close(r);
	return st;
}

int
main(int argc, char *argv[])
{
	static struct opts o;
	struct run ru;
	struct rerr e = { 0 };
	char *sl;
	int ch, rv;

	cli_init("abtest");
	if (argc > 1 && strcmp(argv[1], "plan") == 0)
		return ab_plan(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "assign") == 0)
		return ab_assign(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "adjust") == 0)
		return ab_adjust(argc - 1, argv + 1);
	o.alpha = 0.05;
	o.srm_alpha = 0.001;
	o.prior_a = o.prior_b = 1;
	o.pol = (struct ndj_policy)NDJ_POLICY_DEFAULT;
	while ((ch = getopt_long(argc, argv, "a:b:c:e:hm:r:V", longopts,
	    NULL)) != -1) {
		if (ndj_policy_opt(&o.pol, ch, optarg))
			continue;
		switch (ch) {
		case 'a':
			o.alpha = cli_num(optarg, 1e-300, 0.999999, "-a");
			break;
		case 'b':
			o.nbinary = add_names(o.binary, o.nbinary, optarg,
			    "-b");
			break;
		case 'c':
			o.control = optarg;
			break;
		case 'e':
			o.exp = optarg;
			break;
		case 'h':
			usage(stdout, 0);
		case 'm':
			o.nmetrics = add_names(o.metrics, o.nmetrics, optarg,
			    "-m");
			break;
		case 'r':
			if ((sl = strchr(optarg, '/')) == NULL ||
			    sl == optarg || sl[1] == '\0')
				cli_die(EX_USAGE, "-r: want num/den: %s",
				    optarg);
			if (o.nratio == AB_MAXMET)
				cli_die(EX_USAGE, "-r: too many ratios");
			o.ratio_num[o.nratio] = strndup(optarg, sl - optarg);
			o.ratio_den[o.nratio++] = sl + 1;
			break;
		case 'V':
			cli_version();
		case OPT_ALLOCATE:
			o.allocate = 1;
			break;
		case OPT_COVARIATE:
			o.covariate = optarg;
			break;
		case OPT_EVERY:
			o.every = cli_int(optarg, 1, 1LL << 62, "--every");
			break;
		case OPT_GUARD:
			o.nguard = add_names(o.guard, o.nguard, optarg,
			    "--guardrail");
			break;
		case OPT_MERGE:
			o.merge = 1;
			break;
		case OPT_PARTIAL:
			o.partial = 1;
			break;
		case OPT_PRIOR: {
			double w[2];
			if (ab_weights(optarg, w, 2, "--prior") != 2)
				cli_die(EX_USAGE, "--prior: want a,b: %s",
				    optarg);
			o.prior_a = w[0];
			o.prior_b = w[1];
			break;
		}
		case OPT_SRM_ALPHA:
			o.srm_alpha = cli_num(optarg, 0, 1, "--srm-alpha");
			break;
		case OPT_TAU2:
			o.tau2 = cli_num(optarg, 1e-300, 1e300, "--tau2");
			break;
		case OPT_VARIANCE:
			if (strcmp(optarg, "sample") != 0 &&
			    strcmp(optarg, "bernoulli") != 0)
				cli_die(EX_USAGE, "--variance: want sample or "
				    "bernoulli: %s", optarg);
			o.variance = optarg;
			break;
		case OPT_VARIANTS:
			o.nvariants = ab_split(optarg, o.variants, AB_MAXVAR,
			    "--variants");
			break;
		case OPT_WEIGHTS:
			o.nweights = ab_weights(optarg, o.weights, AB_MAXVAR,
			    "--weights");
			break;
		default:
			usage(stderr, EX_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (o.nweights && o.nweights != o.nvariants)
		cli_die(EX_USAGE, "--weights: %d weights for %d --variants",
		    o.nweights, o.nvariants);
	if (o.partial && (o.allocate || o.every))
		cli_die(EX_USAGE, "--partial does not go with --allocate or "
		    "--every");

	memset(&ru, 0, sizeof ru);
	ru.o = &o;
	if (ab_init(&ru.ab, &o) < 0)
		cli_die(EX_SOFTWARE, "out of memory");
	rv = cli_each_input(argc, argv, run_file, &ru);
	if (rv == 0)
		rv = ndj_policy_end(&o.pol);
	if (rv == 0 && (rv = ab_report(&ru.ab, stdout, &e)) != 0)
		cli_report(&e);
	ab_free(&ru.ab);
	return cli_finish(rv);
}
