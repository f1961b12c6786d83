/*
 * Unit tests of lib/cli: diagnostics format, option ranges (whose errors
 * exit, so they run in a child), and the close of stdout.
 */
#include <sys/wait.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "harness.h"

/*
 * Runs fn in a child with stderr captured into buf; returns the child's
 * exit status.
 */
static int
in_child(void (*fn)(const char *), const char *arg, char *buf, size_t size)
{
	int pfd[2], status;
	ssize_t n;
	size_t got = 0;
	pid_t pid;

	if (pipe(pfd) != 0)
		return -1;
	if ((pid = fork()) == 0) {
		close(pfd[0]);
		dup2(pfd[1], 2);
		fn(arg);
		_exit(0);
	}
	close(pfd[1]);
	while (got + 1 < size &&
	    (n = read(pfd[0], buf + got, size - 1 - got)) > 0)
		got += n;
	buf[got] = '\0';
	close(pfd[0]);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void
num_0_1(const char *s)
{
	cli_num(s, 0, 1, "-t");
}

static void
int_1_10(const char *s)
{
	cli_int(s, 1, 10, "-n");
}

static void
warnat(const char *s)
{
	cli_warnat("in.srt", 12, "bad timing line '%s'", s);
	cli_warnat("in.srt", 0, "cannot open");
	cli_warn("plain");
}

static void
finish_full(const char *s)
{
	int fd = open("/dev/full", O_WRONLY);

	dup2(fd, 1);
	printf("%s\n", s);
	_exit(cli_finish(0));
}

/* A table with a letter, a long-only option, and two old spellings. */
enum { O_HOP = CLI_LONG, O_START, O_TO };
static const struct cli_opt topts[] = {
	{ 'a', "audio", NULL, "add audio window records", 0 },
	{ 'f', "format", "fmt", "output format:\nndjson or edl", 0 },
	CLI_OPT_HELP,
	{ 's', NULL, "s", NULL, O_START },
	CLI_OPT_VERSION,
	{ O_HOP, "hop", "s", "audio window length (0.1)", 0 },
	{ O_START, "start", "s", "start at s seconds", 0 },
	{ O_TO, "to", "fmt", NULL, 'f' },
	CLI_OPT_END
};

/* Parses the words of s as a command line; prints what it got on stderr. */
static void
parse(const char *s)
{
	struct cli_getopt g = { .opts = topts, .usage = "[-ahV] [-f fmt] "
	    "[--hop s] [--start s] [file ...]\n-h" };
	char buf[256], *argv[16], *w;
	int argc = 0, ch;

	snprintf(buf, sizeof(buf), "%s", s);
	for (w = strtok(buf, " "); w != NULL && argc < 15; w = strtok(NULL, " "))
		argv[argc++] = w;
	argv[argc] = NULL;
	dup2(2, 1);
	optind = 0;
	while ((ch = cli_getopt(&g, argc, argv)) != -1)
		fprintf(stderr, "%d=%s\n", ch, optarg ? optarg : "");
	fprintf(stderr, "rest=%s\n", optind < argc ? argv[optind] : "");
}

TEST(getopt_table)
{
	char buf[1024];

	CHECK_INT(in_child(parse, "t -a --hop 0.5 -s 3 --to edl --start=4 -s 5 "
	    "file", buf, sizeof(buf)), 0);
	CHECK_STR(buf, "97=\n256=0.5\n"
	    "test_cli: -s is an old spelling of --start, which replaces it "
	    "in the next release\n257=3\n"
	    "test_cli: --to is an old spelling of -f, which replaces it "
	    "in the next release\n102=edl\n257=4\n257=5\nrest=file\n");
}

static int
starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

TEST(getopt_errors)
{
	char buf[1024];
	const char *usage = "usage: test_cli [-ahV] [-f fmt] [--hop s] "
	    "[--start s] [file ...]\n       test_cli -h\n";

	CHECK_INT(in_child(parse, "t -x", buf, sizeof(buf)), EX_USAGE);
	CHECK(starts(buf, "test_cli: unknown option -x\nusage: "));
	CHECK_INT(in_child(parse, "t --frob", buf, sizeof(buf)), EX_USAGE);
	CHECK(starts(buf, "test_cli: unknown option --frob\n"));
	CHECK_INT(in_child(parse, "t -f", buf, sizeof(buf)), EX_USAGE);
	CHECK(starts(buf, "test_cli: option -f needs an argument\n"));
	CHECK_INT(in_child(parse, "t --hop", buf, sizeof(buf)), EX_USAGE);
	CHECK(starts(buf, "test_cli: option --hop needs an argument\n"));
	CHECK_STR(strchr(buf, '\n') + 1, usage);
}

TEST(getopt_help)
{
	char buf[2048];

	CHECK_INT(in_child(parse, "t --help", buf, sizeof(buf)), 0);
	CHECK_STR(buf,
	    "usage: test_cli [-ahV] [-f fmt] [--hop s] [--start s] "
	    "[file ...]\n"
	    "       test_cli -h\n"
	    "\n"
	    "  -a, --audio       add audio window records\n"
	    "  -f, --format fmt  output format:\n"
	    "                    ndjson or edl\n"
	    "  -h, --help        print this help and exit\n"
	    "  -V, --version     print the version and exit\n"
	    "      --hop s       audio window length (0.1)\n"
	    "      --start s     start at s seconds\n");
}

TEST(numbers_in_range)
{
	CHECK_NEAR(cli_num("0.25", 0, 1, "-t"), 0.25, 0);
	CHECK_NEAR(cli_num("1e-3", 0, 1, "-t"), 0.001, 1e-18);
	CHECK_INT(cli_int("10", 1, 10, "-n"), 10);
}

TEST(numbers_out_of_range)
{
	char buf[512];

	CHECK_INT(in_child(num_0_1, "7", buf, sizeof(buf)), EX_USAGE);
	CHECK_STR(buf, "test_cli: -t: value is too large: 7\n");
	CHECK_INT(in_child(num_0_1, "-1", buf, sizeof(buf)), EX_USAGE);
	CHECK_STR(buf, "test_cli: -t: value is too small: -1\n");
	CHECK_INT(in_child(num_0_1, "0.5x", buf, sizeof(buf)), EX_USAGE);
	CHECK_STR(buf, "test_cli: -t: value is invalid: 0.5x\n");
	CHECK_INT(in_child(num_0_1, "nan", buf, sizeof(buf)), EX_USAGE);
	CHECK_INT(in_child(int_1_10, "1.5", buf, sizeof(buf)), EX_USAGE);
	CHECK_STR(buf, "test_cli: -n: value is invalid: 1.5\n");
	CHECK_INT(in_child(int_1_10, "99999999999999999999", buf,
	    sizeof(buf)), EX_USAGE);
	CHECK_STR(buf, "test_cli: -n: value is too large: "
	    "99999999999999999999\n");
}

TEST(diagnostics)
{
	char buf[512];

	CHECK_INT(in_child(warnat, "x", buf, sizeof(buf)), 0);
	CHECK_STR(buf, "test_cli: in.srt:12: bad timing line 'x'\n"
	    "test_cli: in.srt: cannot open\ntest_cli: plain\n");
}

TEST(rerr)
{
	struct rerr e = { 0 };

	CHECK_INT(rerr_set(&e, EX_DATAERR, "f", 3, "n=%d", 4), EX_DATAERR);
	CHECK_STR(e.msg, "n=4");
	CHECK_INT(rerr_set(NULL, EX_IOERR, NULL, 0, "x"), EX_IOERR);
	CHECK_STR(cli_name("-"), "<stdin>");
	CHECK_STR(cli_name("a.srt"), "a.srt");
}

TEST(stdout_to_full_device)
{
	char buf[512];

	CHECK_INT(in_child(finish_full, "x", buf, sizeof(buf)), EX_IOERR);
	CHECK_STR(buf, "test_cli: stdout: No space left on device\n");
}

int
main(void)
{
	struct harness h = { 0 };

	cli_init("test_cli");
	RUN(&h, numbers_in_range);
	RUN(&h, numbers_out_of_range);
	RUN(&h, diagnostics);
	RUN(&h, rerr);
	RUN(&h, stdout_to_full_device);
	RUN(&h, getopt_table);
	RUN(&h, getopt_errors);
	RUN(&h, getopt_help);
	return HARNESS_END(&h);
}
