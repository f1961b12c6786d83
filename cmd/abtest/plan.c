/*
 * plan, assign, adjust: the subcommands of abtest that do not analyse
 * events.
 *
 * plan: sample size per arm as R's power.prop.test and power.t.test.
 * assign: deterministic, salted hashing of unit ids into weighted arms.
 * adjust: multiple-testing adjustments of the "p" of every record.
 */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "abtest.h"
#include "hash.h"


static void __attribute__((noreturn))
sub_usage(FILE *fp, int status, const char *u)
{
	fprintf(fp, "usage: %s\n", u);
	exit(status);
}

#define PLAN_USAGE "abtest plan [-a alpha] [--n n | --power power] " \
	"[--p1 p --p2 p]\n              [--delta d --sd sd]"

int
ab_plan(int argc, char *argv[])
{
	static const struct option lo[] = {
		{ "alpha", required_argument, NULL, 'a' },
		{ "delta", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "n", required_argument, NULL, 'n' },
		{ "p1", required_argument, NULL, '1' },
		{ "p2", required_argument, NULL, '2' },
		{ "power", required_argument, NULL, 'p' },
		{ "sd", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	double alpha = 0.05, power = 0.8, p1 = NAN, p2 = NAN, d = NAN, sd = NAN;
	double n = NAN;
	json_t *rec;
	int ch, given_power = 0;

	while ((ch = getopt_long(argc, argv, "a:h", lo, NULL)) != -1)
		switch (ch) {
		case 'a': alpha = cli_num(optarg, 1e-300, 0.999999, "-a"); break;
		case 'd': d = cli_num(optarg, -1e300, 1e300, "--delta"); break;
		case 'n': n = cli_num(optarg, 2, 1e15, "--n"); break;
		case 'p': power = cli_num(optarg, 1e-9, 0.999999999, "--power");
			given_power = 1;
			break;
		case '1': p1 = cli_num(optarg, 1e-300, 0.999999999, "--p1");
			break;
		case '2': p2 = cli_num(optarg, 1e-300, 0.999999999, "--p2");
			break;
		case 's': sd = cli_num(optarg, 1e-300, 1e300, "--sd"); break;
		case 'h': sub_usage(stdout, 0, PLAN_USAGE);
		default: sub_usage(stderr, EX_USAGE, PLAN_USAGE);
		}
	if (optind != argc || isnan(p1) + isnan(p2) == 1 ||
	    isnan(d) + isnan(sd) == 1 || isnan(p1) == isnan(d))
		sub_usage(stderr, EX_USAGE, PLAN_USAGE);
	if (!isnan(n) && given_power)
		cli_die(EX_USAGE, "--n and --power: give one, the other is "
		    "computed");
	rec = json_object();
	json_object_set_new(rec, "type", json_string("plan"));
	if (!isnan(p1)) {
		if (p1 == p2)
			cli_die(EX_USAGE, "--p1 and --p2 are equal: no sample "
			    "size detects no difference");
		if (isnan(n))
			n = st_power_prop_n(p1, p2, alpha, power);
		else
			power = st_power_prop(n, p1, p2, alpha);
		json_object_set_new(rec, "test", json_string("prop"));
		json_object_set_new(rec, "p1", json_real(p1));
		json_object_set_new(rec, "p2", json_real(p2));
	} else {
		if (d == 0)
			cli_die(EX_USAGE, "--delta is 0: no sample size "
			    "detects no difference");
		if (isnan(n))
			n = st_power_t_n(d, sd, alpha, power);
		else
			power = st_power_t(n, d, sd, alpha);
		json_object_set_new(rec, "test", json_string("t"));
		json_object_set_new(rec, "delta", json_real(d));
		json_object_set_new(rec, "sd", json_real(sd));
	}
	json_object_set_new(rec, "alpha", json_real(alpha));
	json_object_set_new(rec, "power", jnum(power));
	json_object_set_new(rec, "n_per_arm", jnum(n));
	json_object_set_new(rec, "n_per_arm_ceil", isfinite(n) ?
	    json_integer((json_int_t)ceil(n)) : json_null());
	ndj_write(stdout, rec);
	json_decref(rec);
	return cli_finish(isfinite(n) && isfinite(power) ? 0 : EX_DATAERR);
}

#define ASSIGN_USAGE "abtest assign -e exp [--salt salt] [--variants list] " \
	"[--weights list]\n              [file ...]"

/*
 * The arm of a unit: u = the top 53 bits of FNV-1a 64 over
 * "salt\0exp\0unit", finalised by splitmix64, as a fraction in [0, 1),
 * placed on the cumulative weights.  The same salt, experiment and unit
 * give the same arm on every machine; a new salt reshuffles.
 */
static int
pick(const char *salt, const char *exp, const char *unit, size_t ulen,
    const double *cum, int k)
{
	uint64_t h = HASH_FNV_INIT;
	double u;
	int a;

	/* Each string with its NUL, as the separator. */
	h = hash_fnv1a(h, salt, strlen(salt) + 1);
	h = hash_fnv1a(h, exp, strlen(exp) + 1);
	h = hash_fmix64(hash_fnv1a(h, unit, ulen));
	u = hash_unit(h) * cum[k - 1];
	for (a = 0; a < k - 1 && u >= cum[a]; a++)
		;
	return a;
}

struct assign {
	const char *salt, *exp;
	char	*v[AB_MAXVAR];
	double	 cum[AB_MAXVAR];
	int	 k;
	struct ndj_policy pol;
};

static int
assign_file(const char *path, void *arg)
{
	struct assign *as = arg;
	struct ndj_reader *r;
	struct rerr e = { 0 };
	const char *unit;
	json_t *rec;
	int rv, st = 0;

	if ((r = ndj_open(path, &e)) == NULL)
		return cli_report(&e);
	while ((rv = ndj_next(r, &rec, &e)) != 0) {
		if (rv < 0) {
			if (e.code != EX_DATAERR ||
			    (st = ndj_policy_bad(&as->pol, &e)) != 0)
				break;
			continue;
		}
		if (ndj_get_str(r, rec, "unit", 0, &unit, &e) < 0) {
			json_decref(rec);
			if ((st = ndj_policy_bad(&as->pol, &e)) != 0)
				break;
			continue;
		}
		ndj_policy_ok(&as->pol);
		json_object_set_new(rec, "exp", json_string(as->exp));
		json_object_set_new(rec, "variant", json_string(as->v[pick(
		    as->salt, as->exp, unit, strlen(unit), as->cum, as->k)]));
		ndj_write(stdout, rec);
		json_decref(rec);
	}
	if (rv < 0 && st == 0)
		st = e.code == EX_DATAERR ? st : cli_report(&e);
	ndj_close(r);
	return st;
}

int
ab_assign(int argc, char *argv[])
{
	static const struct option lo[] = {
		{ "exp", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ "salt", required_argument, NULL, 's' },
		{ "variants", required_argument, NULL, 'v' },
		{ "weights", required_argument, NULL, 'w' },
		NDJ_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct assign as;
	double w[AB_MAXVAR];
	int ch, nw = 0, i, rv, own = 0;

	memset(&as, 0, sizeof as);
	as.salt = "";
	as.pol = (struct ndj_policy)NDJ_POLICY_DEFAULT;
	while ((ch = getopt_long(argc, argv, "e:h", lo, NULL)) != -1) {
		if (ndj_policy_opt(&as.pol, ch, optarg))
			continue;
		switch (ch) {
		case 'e': as.exp = optarg; break;
		case 's': as.salt = optarg; break;
		case 'v':
			if (own)
				free(as.v[0]);
			as.k = ab_split(optarg, as.v, AB_MAXVAR, "--variants");
			own = 1;
			break;
		case 'w': nw = ab_weights(optarg, w, AB_MAXVAR, "--weights");
			break;
		case 'h': sub_usage(stdout, 0, ASSIGN_USAGE);
		default: sub_usage(stderr, EX_USAGE, ASSIGN_USAGE);
		}
	}
	if (as.exp == NULL)
		sub_usage(stderr, EX_USAGE, ASSIGN_USAGE);
	if (as.k == 0) {
		as.v[0] = "A";
		as.v[1] = "B";
		as.k = 2;
	}
	if (nw && nw != as.k)
		cli_die(EX_USAGE, "--weights: %d weights for %d variants", nw,
		    as.k);
	for (i = 0; i < as.k; i++)
		as.cum[i] = (i ? as.cum[i - 1] : 0) + (nw ? w[i] : 1);
	rv = cli_each_input(argc - optind, argv + optind, assign_file, &as);
	if (rv == 0)
		rv = ndj_policy_end(&as.pol);
	if (own)
		free(as.v[0]);
	return cli_finish(rv);
}

/* adjust: reads every record, then writes each with "p_adjust" added. */
int
ab_adjust(int argc, char *argv[])
{
	static const char *name[] = { "bonferroni", "holm", "hochberg", "BH",
	    "BY" };
	struct ndj_reader *r;
	struct rerr e = { 0 };
	json_t **recs = NULL, *rec, *o, *pv;
	double *p = NULL, *q = NULL;
	size_t n = 0, cap = 0, i;
	int k, rv = 0, a;
	const char *path;

	if (argc > 1 && strcmp(argv[1], "-h") == 0)
		sub_usage(stdout, 0, "abtest adjust [file ...]");
	for (a = 1; a < argc || (a == 1 && argc == 1); a++) {
		path = a < argc ? argv[a] : "-";
		if ((r = ndj_open(path, &e)) == NULL)
			return cli_finish(cli_report(&e));
		while ((rv = ndj_next(r, &rec, &e)) > 0) {
			pv = json_object_get(rec, "p");
			if (pv == NULL || !(json_is_number(pv) ||
			    json_is_null(pv)) || (json_is_number(pv) &&
			    !(json_number_value(pv) >= 0 &&
			    json_number_value(pv) <= 1))) {
				rerr_set(&e, EX_DATAERR, ndj_name(r),
				    ndj_line(r), "field 'p' is not a "
				    "probability or null");
				json_decref(rec);
				rv = -1;
				break;
			}
			if (n == cap) {
				cap = cap ? 2 * cap : 64;
				recs = realloc(recs, cap * sizeof *recs);
				p = realloc(p, cap * sizeof *p);
				if (recs == NULL || p == NULL)
					cli_die(EX_SOFTWARE, "out of memory");
			}
			recs[n] = rec;
			p[n++] = json_is_null(pv) ? NAN :
			    json_number_value(pv);
		}
		ndj_close(r);
		if (rv < 0)
			return cli_finish(cli_report(&e));
	}
	if ((q = malloc((n + 1) * sizeof *q)) == NULL)
		cli_die(EX_SOFTWARE, "out of memory");
	for (i = 0; i < n; i++)
		json_object_set_new(recs[i], "p_adjust", json_object());
	for (k = 0; k < 5; k++) {
		if (st_padjust(p, n, k, q) < 0)
			cli_die(EX_SOFTWARE, "out of memory");
		for (i = 0; i < n; i++)
			json_object_set_new(json_object_get(recs[i],
			    "p_adjust"), name[k], jnum(q[i]));
	}
	for (i = 0; i < n; i++) {
		o = recs[i];
		ndj_write(stdout, o);
		json_decref(o);
	}
	free(recs);
	free(p);
	free(q);
	return cli_finish(0);
}
