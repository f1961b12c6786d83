/*
 * reel-clean: remove the stale temporaries reel's tools left behind.
 *
 * A tool killed by SIGKILL, or a machine that crashed, can leave the
 * hidden temporary of an output (reel(7) OUTPUT FILES).  The next run
 * that writes into the same directory removes those, so this is for the
 * directories nothing writes to again, and for cron.  lib/atomic decides
 * what is stale; this reports each temporary as a record.
 */
#define _XOPEN_SOURCE 700	/* nftw */
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "atomic.h"
#include "cli.h"
#include "ndjson.h"

struct clean_opts {
	int	 dryrun;
	int	 recursive;
	int	 verbose;
};

/* One directory's walk: where it is, and the worst status so far. */
struct clean_run {
	const struct clean_opts *o;
	const char *dir;
	int	 rv;
};

static void __attribute__((noreturn))
usage(FILE *fp, int status)
{
	fputs("usage: reel-clean [-v] [--dry-run] [--recursive] [dir ...]\n",
	    fp);
	if (fp == stdout)
		fputs("\n"
		    "  -h, --help          this help\n"
		    "  -V, --version       print the version\n"
		    "  -v, --verbose       also report the temporaries kept\n"
		    "  --dry-run           report, remove nothing\n"
		    "  --recursive         the directories below too\n", fp);
	exit(status);
}

static const char *const state[] = {
	[ATOMIC_TMP_REMOVED] = "removed",
	[ATOMIC_TMP_STALE] = "stale",
	[ATOMIC_TMP_LIVE] = "live",
	[ATOMIC_TMP_FOREIGN] = "foreign",
};

/* atomic_clean's report of one temporary: a record, or a warning. */
static void
clean_found(const char *name, enum atomic_tmp what, long pid, void *arg)
{
	struct clean_run *r = arg;
	char path[4096];
	json_t *rec;
	int err = errno;

	snprintf(path, sizeof(path), "%s%s%s", r->dir,
	    r->dir[strlen(r->dir) - 1] == '/' ? "" : "/", name);
	if (what == ATOMIC_TMP_STALE && !r->o->dryrun) {
		cli_warnat(path, 0, "cannot remove: %s", strerror(err));
		r->rv = EX_IOERR;
		return;
	}
	if (!r->o->verbose &&
	    (what == ATOMIC_TMP_LIVE || what == ATOMIC_TMP_FOREIGN))
		return;
	rec = json_object();
	json_object_set_new(rec, "type", json_string("temp"));
	json_object_set_new(rec, "path", json_string(path));
	json_object_set_new(rec, "pid", json_integer(pid));
	json_object_set_new(rec, "state", json_string(state[what]));
	if (ndj_write(stdout, rec) != 0 && r->rv == 0)
		r->rv = EX_IOERR;
	json_decref(rec);
}

static int
clean_dir(const char *dir, struct clean_run *r)
{
	struct rerr e = { 0 };

	r->dir = dir;
	if (atomic_clean(dir, r->o->dryrun ? ATOMIC_CLEAN_DRYRUN : 0,
	    clean_found, r, &e) < 0) {
		cli_report(&e);
		if (r->rv == 0)
			r->rv = e.code;
	}
	return 0;
}

/* nftw has no argument for its function: the walk in progress. */
static struct clean_run *walking;

static int
clean_visit(const char *path, const struct stat *st, int type,
    struct FTW *ftw)
{
	if (type == FTW_D)
		return clean_dir(path, walking);
	if (type == FTW_DNR) {
		cli_warnat(path, 0, "cannot read directory");
		if (walking->rv == 0)
			walking->rv = EX_NOINPUT;
	}
	return 0;
}

static int
clean_one(const char *dir, void *arg)
{
	struct clean_run r = { arg, NULL, 0 };

	if (!r.o->recursive)
		clean_dir(dir, &r);
	else {
		walking = &r;
		if (nftw(dir, clean_visit, 16, FTW_PHYS) != 0) {
			cli_warnat(dir, 0, "%s", strerror(errno));
			r.rv = EX_NOINPUT;
		}
	}
	fflush(stdout);
	return r.rv;
}

enum { OPT_DRYRUN = 0x100, OPT_RECURSIVE };

static const struct option longopts[] = {
	{ "dry-run",	no_argument,	NULL, OPT_DRYRUN },
	{ "help",	no_argument,	NULL, 'h' },
	{ "recursive",	no_argument,	NULL, OPT_RECURSIVE },
	{ "verbose",	no_argument,	NULL, 'v' },
	{ "version",	no_argument,	NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

int
main(int argc, char *argv[])
{
	struct clean_opts o = { 0, 0, 0 };
	char *dot[] = { (char *)".", NULL };
	int ch;

	cli_init("reel-clean");
	while ((ch = getopt_long(argc, argv, "hVv", longopts, NULL)) != -1)
		switch (ch) {
		case OPT_DRYRUN:
			o.dryrun = 1;
			break;
		case OPT_RECURSIVE:
			o.recursive = 1;
			break;
		case 'v':
			o.verbose = 1;
			break;
		case 'h':
			usage(stdout, 0);
		case 'V':
			cli_version();
		default:
			usage(stderr, EX_USAGE);
		}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		argc = 1;
		argv = dot;
	}
	return cli_finish(cli_each_input(argc, argv, clean_one, &o));
}
