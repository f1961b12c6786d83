/*
 * Unit tests of lib/paths: the data file is found in an installed tree
 * beside the binary, in the source tree a binary was built in, through
 * REEL_DATADIR, and a miss names every place looked in.  The trees are
 * made in a temporary directory; the binaries in them need not exist,
 * since only their path is used.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "paths.h"

static char dir[] = "/tmp/reel-test-paths.XXXXXX";

/* Creates dir/rel and the directories above it, holding text. */
static void
put(const char *rel, const char *text)
{
	char path[512], *p;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	for (p = path + strlen(dir) + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		mkdir(path, 0777);
		*p = '/';
	}
	if ((fp = fopen(path, "w")) != NULL) {
		fputs(text, fp);
		fclose(fp);
	}
}

/* The path of dir/rel, in a static buffer. */
static const char *
at(const char *rel)
{
	static char buf[2][512];
	static int k;

	k = !k;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, rel);
	return buf[k];
}

TEST(installed_tree)
{
	char buf[512];
	struct rerr e = { 0 };

	put("opt/share/reel/f.dat", "installed");
	CHECK_INT(paths_data_for(at("opt/bin/tool"), "f.dat", buf,
	    sizeof(buf), &e), 0);
	CHECK_STR(buf, at("opt/share/reel/f.dat"));
}

TEST(source_tree)
{
	char buf[512];
	struct rerr e = { 0 };

	put("src/lib/paths.h", "");
	put("src/share/f.dat", "checkout");
	CHECK_INT(paths_data_for(at("src/bin/tool"), "f.dat", buf,
	    sizeof(buf), &e), 0);
	CHECK_STR(buf, at("src/share/f.dat"));
	CHECK_INT(paths_data_for(at("src/build/san/bin/tool"), "f.dat", buf,
	    sizeof(buf), &e), 0);
	CHECK_STR(buf, at("src/share/f.dat"));
	CHECK_INT(paths_data_for(at("src/build/san/tests/bin/t"), "f.dat",
	    buf, sizeof(buf), &e), 0);
	CHECK_STR(buf, at("src/share/f.dat"));
	/* Five levels down is not a build of this tree. */
	CHECK_INT(paths_data_for(at("src/a/b/c/d/bin/tool"), "f.dat", buf,
	    sizeof(buf), &e), EX_NOINPUT);
}

/* A share/ directory without the marker is not a source tree. */
TEST(no_marker_no_source_tree)
{
	char buf[512];
	struct rerr e = { 0 };

	put("plain/share/f.dat", "not ours");
	CHECK_INT(paths_data_for(at("plain/bin/tool"), "f.dat", buf,
	    sizeof(buf), &e), EX_NOINPUT);
}

/* An installed tree inside a checkout (make install PREFIX=$PWD/inst). */
TEST(installed_before_source)
{
	char buf[512];
	struct rerr e = { 0 };

	put("both/lib/paths.h", "");
	put("both/share/f.dat", "checkout");
	put("both/inst/share/reel/f.dat", "installed");
	CHECK_INT(paths_data_for(at("both/inst/bin/tool"), "f.dat", buf,
	    sizeof(buf), &e), 0);
	CHECK_STR(buf, at("both/inst/share/reel/f.dat"));
}

TEST(environment_overrides)
{
	char buf[512];
	struct rerr e = { 0 };

	put("env/f.dat", "override");
	setenv("REEL_DATADIR", at("env"), 1);
	CHECK_INT(paths_data_for(at("opt/bin/tool"), "f.dat", buf,
	    sizeof(buf), &e), 0);
	CHECK_STR(buf, at("env/f.dat"));
	/* Used as given: a miss there does not fall back to opt/. */
	setenv("REEL_DATADIR", at("nowhere"), 1);
	CHECK_INT(paths_data_for(at("opt/bin/tool"), "f.dat", buf,
	    sizeof(buf), &e), EX_NOINPUT);
	CHECK_STR(e.file, "f.dat");
	CHECK(strstr(e.msg, "REEL_DATADIR") != NULL);
	CHECK(strstr(e.msg, at("nowhere")) != NULL);
	/* Empty is unset. */
	setenv("REEL_DATADIR", "", 1);
	CHECK_INT(paths_data_for(at("opt/bin/tool"), "f.dat", buf,
	    sizeof(buf), &e), 0);
	CHECK_STR(buf, at("opt/share/reel/f.dat"));
	unsetenv("REEL_DATADIR");
}

TEST(miss_names_every_place)
{
	char buf[512];
	struct rerr e = { 0 };

	CHECK_INT(paths_data_for(at("src/bin/tool"), "no-such.dat", buf,
	    sizeof(buf), &e), EX_NOINPUT);
	CHECK_STR(e.file, "no-such.dat");
	CHECK(strstr(e.msg, at("src/share/reel")) != NULL);
	CHECK(strstr(e.msg, at("src/share")) != NULL);
	CHECK(strstr(e.msg, REEL_DATADIR) != NULL);
	/* Without a binary path only the compile-time place is left. */
	CHECK_INT(paths_data_for(NULL, "no-such.dat", buf, sizeof(buf), &e),
	    EX_NOINPUT);
	CHECK(strstr(e.msg, "not found in " REEL_DATADIR " (") != NULL);
}

TEST(buffer_too_small)
{
	char buf[8];
	struct rerr e = { 0 };

	CHECK_INT(paths_data_for(at("opt/bin/tool"), "f.dat", buf,
	    sizeof(buf), &e), EX_SOFTWARE);
}

/* This binary is build/tests/bin/test_paths of the checkout. */
TEST(running_binary_finds_checkout_model)
{
	char buf[4096];
	struct rerr e = { 0 };

	CHECK_INT(paths_data("langid.model", buf, sizeof(buf), &e), 0);
	CHECK(strlen(buf) > strlen("/share/langid.model"));
	CHECK_STR(buf + strlen(buf) - strlen("/share/langid.model"),
	    "/share/langid.model");
}

int
main(void)
{
	struct harness h = { 0 };
	char cmd[600];

	cli_init("test_paths");
	unsetenv("REEL_DATADIR");
	if (mkdtemp(dir) == NULL)
		return 1;
	RUN(&h, installed_tree);
	RUN(&h, source_tree);
	RUN(&h, no_marker_no_source_tree);
	RUN(&h, installed_before_source);
	RUN(&h, environment_overrides);
	RUN(&h, miss_names_every_place);
	RUN(&h, buffer_too_small);
	RUN(&h, running_binary_finds_checkout_model);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "test_paths: could not remove %s\n", dir);
	return HARNESS_END(&h);
}
