/*
 * Unit tests of lib/atomic: the target appears only on commit; the
 * temporary only once output begins; an abort, a signal or a failed
 * member leaves the old target (or the old set) intact and no temporary
 * behind; the reason of a failure is the failed call's own; stale
 * temporaries of killed processes are recognised and removed, and
 * nothing else is.
 */
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"
#include "harness.h"

static char dir[] = "/tmp/reel-test-atomic.XXXXXX";

/* The path of dir/rel, in one of four static buffers. */
static const char *
at(const char *rel)
{
	static char buf[4][PATH_MAX];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, rel);
	return buf[k];
}

/* The number of entries in dir/sub ("" for dir), and the first's name. */
static int
entries(const char *sub, char *first, size_t size)
{
	DIR *d = opendir(*sub ? at(sub) : dir);
	struct dirent *de;
	int n = 0;

	if (first != NULL)
		*first = '\0';
	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			if (n++ == 0 && first != NULL)
				snprintf(first, size, "%s", de->d_name);
		}
	closedir(d);
	return n;
}

static char *
slurp(const char *path)
{
	static char buf[256];
	FILE *fp = fopen(path, "r");
	size_t n;

	if (fp == NULL)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static void
put(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	if (fp != NULL) {
		fputs(text, fp);
		fclose(fp);
	}
}

TEST(commit_creates_target)
{
	struct rerr e = { 0 };
	struct atomic_file *f;
	struct stat st;
	const char *tmp;

	f = atomic_open(at("out.txt"), &e);
	CHECK(f != NULL);
	fputs("hello\n", atomic_fp(f));
	CHECK(access(at("out.txt"), F_OK) != 0);	/* not before commit */
	tmp = atomic_tmpname(f);
	CHECK(tmp != NULL);
	CHECK(strstr(tmp, "/.out.txt.reel~") != NULL);
	CHECK_INT(atomic_commit(f, &e), 0);
	CHECK_STR(slurp(at("out.txt")), "hello\n");
	/* The mode fopen would give: 0666 less the umask (022, set in main). */
	CHECK(stat(at("out.txt"), &st) == 0);
	CHECK_INT(st.st_mode & 0777, 0644);
	CHECK_INT(entries("", NULL, 0), 1);
	unlink(at("out.txt"));
}

/* Nothing exists until bytes reach the file: a kill before leaves none. */
TEST(temporary_only_when_output_begins)
{
	struct rerr e = { 0 };
	struct atomic_file *f;
	char name[NAME_MAX + 1];
	int i;

	f = atomic_open(at("late.txt"), &e);
	CHECK(f != NULL);
	CHECK_INT(entries("", NULL, 0), 0);
	fputs("small, still buffered\n", atomic_fp(f));
	CHECK_INT(entries("", NULL, 0), 0);
	CHECK(fflush(atomic_fp(f)) == 0);
	CHECK_INT(entries("", name, sizeof(name)), 1);
	CHECK(strncmp(name, ".late.txt.reel~", 15) == 0);
	for (i = 0; i < 100000; i++)
		fputs("more\n", atomic_fp(f));
	CHECK_INT(atomic_commit(f, &e), 0);
	CHECK_INT(entries("", name, sizeof(name)), 1);
	CHECK_STR(name, "late.txt");
	unlink(at("late.txt"));
}

TEST(empty_output_is_an_empty_file)
{
	struct rerr e = { 0 };
	struct atomic_file *f;
	struct stat st;

	put(at("empty.txt"), "old\n");
	f = atomic_open(at("empty.txt"), &e);
	CHECK(f != NULL);
	CHECK_INT(atomic_commit(f, &e), 0);
	CHECK(stat(at("empty.txt"), &st) == 0 && st.st_size == 0);
	CHECK_INT(entries("", NULL, 0), 1);
	unlink(at("empty.txt"));
}

TEST(abort_keeps_old_target)
{
	struct rerr e = { 0 };
	struct atomic_file *f;

	put(at("keep.txt"), "old\n");
	f = atomic_open(at("keep.txt"), &e);
	CHECK(f != NULL);
	fputs("new\n", atomic_fp(f));
	fflush(atomic_fp(f));
	CHECK_INT(entries("", NULL, 0), 2);
	errno = ENOSPC;
	atomic_abort(f);
	CHECK_INT(errno, ENOSPC);		/* kept for the caller's message */
	CHECK_STR(slurp(at("keep.txt")), "old\n");
	CHECK_INT(entries("", NULL, 0), 1);
	unlink(at("keep.txt"));
}

TEST(long_name_is_cut_to_fit)
{
	struct rerr e = { 0 };
	struct atomic_file *f;
	char name[NAME_MAX + 1];
	const char *tmp;

	memset(name, 'x', 250);
	strcpy(name + 250, ".txt");
	f = atomic_open(at(name), &e);
	CHECK(f != NULL);
	CHECK((tmp = atomic_tmpname(f)) != NULL);
	CHECK(strlen(strrchr(tmp, '/') + 1) <= NAME_MAX);
	CHECK(strstr(tmp, ".reel~") != NULL);
	fputs("long\n", atomic_fp(f));
	CHECK_INT(atomic_commit(f, &e), 0);
	CHECK_STR(slurp(at(name)), "long\n");
	unlink(at(name));
}

TEST(signal_removes_temporary)
{
	pid_t pid;
	int status;

	if ((pid = fork()) == 0) {
		struct rerr e = { 0 };
		struct atomic_file *f = atomic_open(at("sig.txt"), &e);

		fputs("partial", atomic_fp(f));
		fflush(atomic_fp(f));
		raise(SIGTERM);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
	CHECK(access(at("sig.txt"), F_OK) != 0);
	CHECK_INT(entries("", NULL, 0), 0);
}

TEST(exit_removes_temporary)
{
	pid_t pid;
	int status;

	if ((pid = fork()) == 0) {
		struct rerr e = { 0 };
		struct atomic_file *f = atomic_open(at("exit.txt"), &e);

		fputs("partial", atomic_fp(f));
		fflush(atomic_fp(f));
		exit(3);
	}
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 3);
	CHECK_INT(entries("", NULL, 0), 0);
}

TEST(unwritable_directory)
{
	struct rerr e = { 0 };

	CHECK(atomic_open("/nonexistent-dir/out.txt", &e) == NULL);
	CHECK_INT(e.code, EX_CANTCREAT);
	CHECK_STR(e.file, "/nonexistent-dir/out.txt");
	CHECK_STR(e.msg, strerror(ENOENT));
	CHECK(atomic_open(dir, &e) == NULL);
	CHECK_INT(e.code, EX_CANTCREAT);
	CHECK_STR(e.msg, strerror(EISDIR));
}

/* The directory went away between open and the first write. */
TEST(create_failure_is_reported_at_commit)
{
	struct rerr e = { 0 };
	struct atomic_file *f;

	mkdir(at("gone"), 0777);
	f = atomic_open(at("gone/x.txt"), &e);
	CHECK(f != NULL);
	/* Moved away, not removed: a new directory could reuse its inode. */
	rename(at("gone"), at("moved"));
	fputs("text\n", atomic_fp(f));
	CHECK_INT(atomic_commit(f, &e), EX_CANTCREAT);
	CHECK_STR(e.file, at("gone/x.txt"));
	CHECK_STR(e.msg, strerror(ENOENT));
}

/*
 * A write that fails (here: past RLIMIT_FSIZE) is reported with its own
 * errno, whatever the calls after it did to errno.
 */
TEST(write_error_keeps_its_reason)
{
	pid_t pid;
	int status;

	if ((pid = fork()) == 0) {
		struct rlimit rl = { 4096, 4096 };
		struct rerr e = { 0 };
		struct atomic_file *f;
		int i;

		signal(SIGXFSZ, SIG_IGN);
		setrlimit(RLIMIT_FSIZE, &rl);
		f = atomic_open(at("big.txt"), &e);
		for (i = 0; i < 100000; i++)
			fputs("0123456789\n", atomic_fp(f));
		if (atomic_commit(f, &e) != EX_IOERR)
			_exit(1);
		if (strcmp(e.msg, "write error: File too large") != 0)
			_exit(2);
		_exit(access(at("big.txt"), F_OK) == 0 ? 3 : 0);
	}
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status));
	CHECK_INT(WEXITSTATUS(status), 0);
	CHECK_INT(entries("", NULL, 0), 0);
}

/* Renaming over /dev/null would replace the device with a file. */
TEST(device_written_in_place)
{
	struct rerr e = { 0 };
	struct atomic_file *f;
	struct stat st;

	f = atomic_open("/dev/null", &e);
	CHECK(f != NULL);
	fputs("discarded\n", atomic_fp(f));
	CHECK_INT(atomic_commit(f, &e), 0);
	CHECK(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode));
	f = atomic_open("/dev/full", &e);
	CHECK(f != NULL);
	fputs("no room\n", atomic_fp(f));
	CHECK_INT(atomic_commit(f, &e), EX_IOERR);
	CHECK_STR(e.msg, "write error: No space left on device");
}

TEST(stdout_output)
{
	struct rerr e = { 0 };
	struct atomic_file *af = (void *)1;

	CHECK(atomic_open_output("-", &af, &e) == stdout);
	CHECK(af == NULL);
	CHECK_INT(atomic_close_output(af, 1, &e), 0);
}

TEST(set_commits_all)
{
	struct rerr e = { 0 };
	struct atomic_set *s = atomic_set_new();
	struct atomic_file *a, *b, *c;

	put(at("a.txt"), "old a\n");
	put(at("b.txt"), "old b\n");
	CHECK(s != NULL);
	CHECK((a = atomic_set_open(s, at("a.txt"), &e)) != NULL);
	CHECK((b = atomic_set_open(s, at("b.txt"), &e)) != NULL);
	CHECK((c = atomic_set_open(s, at("c.txt"), &e)) != NULL);
	CHECK(atomic_set_open(s, at("b.txt"), &e) == NULL);
	CHECK_INT(e.code, EX_SOFTWARE);
	fputs("new a\n", atomic_fp(a));
	fputs("new b\n", atomic_fp(b));
	/* c is written by name, as libavformat does. */
	put(atomic_tmpname(c), "new c\n");
	CHECK_INT(atomic_commit(a, &e), EX_SOFTWARE);	/* the set's job */
	CHECK_INT(atomic_set_commit(s, &e), 0);
	CHECK_STR(slurp(at("a.txt")), "new a\n");
	CHECK_STR(slurp(at("b.txt")), "new b\n");
	CHECK_STR(slurp(at("c.txt")), "new c\n");
	CHECK_INT(entries("", NULL, 0), 3);
	unlink(at("a.txt"));
	unlink(at("b.txt"));
	unlink(at("c.txt"));
}

/* One member fails: no target of the set is touched. */
TEST(set_failure_touches_nothing)
{
	struct rerr e = { 0 };
	struct atomic_set *s = atomic_set_new();
	struct atomic_file *a, *b;

	put(at("a.txt"), "old a\n");
	CHECK((a = atomic_set_open(s, at("a.txt"), &e)) != NULL);
	CHECK((b = atomic_set_open(s, "/dev/full", &e)) != NULL);
	fputs("new a\n", atomic_fp(a));
	fflush(atomic_fp(a));
	fputs("no room\n", atomic_fp(b));
	CHECK_INT(atomic_set_commit(s, &e), EX_IOERR);
	CHECK_STR(e.file, "/dev/full");
	CHECK_STR(slurp(at("a.txt")), "old a\n");
	CHECK_INT(entries("", NULL, 0), 1);
	unlink(at("a.txt"));
}

/* A signal before the commit leaves the whole old set. */
TEST(set_signal_keeps_old_set)
{
	pid_t pid;
	int status;

	put(at("train"), "old train\n");
	put(at("test"), "old test\n");
	if ((pid = fork()) == 0) {
		struct rerr e = { 0 };
		struct atomic_set *s = atomic_set_new();
		struct atomic_file *a = atomic_set_open(s, at("train"), &e);
		struct atomic_file *b = atomic_set_open(s, at("test"), &e);

		fputs("new train\n", atomic_fp(a));
		fflush(atomic_fp(a));
		fputs("new test\n", atomic_fp(b));
		fflush(atomic_fp(b));
		raise(SIGINT);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT);
	CHECK_STR(slurp(at("train")), "old train\n");
	CHECK_STR(slurp(at("test")), "old test\n");
	CHECK_INT(entries("", NULL, 0), 2);
	unlink(at("train"));
	unlink(at("test"));
}

/* Runs a child that starts writing sub/name and is killed by SIGKILL. */
static void
killed_writer(const char *sub, const char *name)
{
	char path[PATH_MAX];
	pid_t pid;
	int status;

	snprintf(path, sizeof(path), "%s/%s", at(sub), name);
	if ((pid = fork()) == 0) {
		struct rerr e = { 0 };
		struct atomic_file *f = atomic_open(path, &e);

		fputs("partial", atomic_fp(f));
		fflush(atomic_fp(f));
		raise(SIGKILL);
		_exit(0);
	}
	waitpid(pid, &status, 0);
}

struct seen {
	int	 n[4];
	long	 pid;
};

static void
note(const char *name, enum atomic_tmp what, long pid, void *arg)
{
	struct seen *s = arg;

	s->n[what]++;
	s->pid = pid;
}

TEST(stale_temporary_removed)
{
	struct rerr e = { 0 };
	struct seen s = { { 0 }, 0 };

	mkdir(at("stale"), 0777);
	killed_writer("stale", "out.ndjson");
	CHECK_INT(entries("stale", NULL, 0), 1);
	CHECK_INT(atomic_clean(at("stale"), ATOMIC_CLEAN_DRYRUN, note, &s,
	    &e), 1);
	CHECK_INT(s.n[ATOMIC_TMP_STALE], 1);
	CHECK_INT(entries("stale", NULL, 0), 1);
	CHECK_INT(atomic_clean(at("stale"), 0, note, &s, &e), 1);
	CHECK_INT(s.n[ATOMIC_TMP_REMOVED], 1);
	CHECK(s.pid > 0 && s.pid != (long)getpid());
	CHECK_INT(entries("stale", NULL, 0), 0);
	rmdir(at("stale"));
}

/* The next run that writes into the directory removes them itself. */
TEST(next_run_removes_stale)
{
	struct rerr e = { 0 };
	struct atomic_file *f;
	char name[NAME_MAX + 1];

	mkdir(at("next"), 0777);
	killed_writer("next", "a.ndjson");
	CHECK_INT(entries("next", NULL, 0), 1);
	/* The second run removed the first's; its own is left. */
	killed_writer("next", "b.ndjson");
	CHECK_INT(entries("next", name, sizeof(name)), 1);
	CHECK(strncmp(name, ".b.ndjson.reel~", 15) == 0);
	f = atomic_open(at("next/a.ndjson"), &e);
	CHECK(f != NULL);
	CHECK_INT(entries("next", NULL, 0), 0);
	fputs("whole\n", atomic_fp(f));
	CHECK_INT(atomic_commit(f, &e), 0);
	CHECK_INT(entries("next", name, sizeof(name)), 1);
	CHECK_STR(name, "a.ndjson");
	unlink(at("next/a.ndjson"));
	rmdir(at("next"));
}

/*
 * A live process's temporary, another host's, and files that only look
 * like temporaries are left alone; our PID with another start time (a
 * reused PID) is stale.
 */
TEST(clean_touches_nothing_else)
{
	struct rerr e = { 0 };
	struct seen s = { { 0 }, 0 };
	struct atomic_file *mine;
	char name[NAME_MAX + 1], tag[16];
	const char *t, *live;
	int n;

	mkdir(at("other"), 0777);
	mine = atomic_open(at("other/mine.txt"), &e);
	CHECK(mine != NULL);
	CHECK((live = atomic_tmpname(mine)) != NULL);
	t = strstr(live, ".reel~") + 6;
	snprintf(tag, sizeof(tag), "%.8s", t);
	/* Our PID, another start time: a PID reused after a reboot. */
	snprintf(name, sizeof(name), "other/.x.reel~%s.%ld.1.1", tag,
	    (long)getpid());
	put(at(name), "stale");
	/* Another host's or container's tag. */
	snprintf(name, sizeof(name), "other/.y.reel~%08x.1.1.1",
	    (unsigned)strtoul(tag, NULL, 16) ^ 1u);
	put(at(name), "foreign");
	put(at("other/.z.XXXXXX"), "not ours");
	put(at("other/.w.reel~0000000g.1.1.1"), "not a temporary name");
	put(at("other/v.reel~"), "not hidden");
	snprintf(name, sizeof(name), "other/.d.reel~%s.999999999.1.1", tag);
	mkdir(at(name), 0777);			/* not a regular file */
	n = entries("other", NULL, 0);
	CHECK_INT(atomic_clean(at("other"), 0, note, &s, &e), 1);
	CHECK_INT(s.n[ATOMIC_TMP_REMOVED], 1);
	CHECK_INT(s.n[ATOMIC_TMP_LIVE], 1);
	CHECK_INT(s.n[ATOMIC_TMP_FOREIGN], 1);
	CHECK_INT(entries("other", NULL, 0), n - 1);
	CHECK(access(live, F_OK) == 0);
	atomic_abort(mine);
	rmdir(at(name));
	CHECK_INT(atomic_clean(at("other"), 0, NULL, NULL, &e), 0);
	CHECK_INT(atomic_clean(at("no-such-dir"), 0, NULL, NULL, &e), -1);
	CHECK_INT(e.code, EX_NOINPUT);
	CHECK(system("rm -rf \"$REEL_TEST_DIR\"/other") == 0);
}

int
main(void)
{
	struct harness h = { 0 };
	char cmd[PATH_MAX + 16];

	cli_init("test_atomic");
	umask(022);
	if (mkdtemp(dir) == NULL)
		return 1;
	setenv("REEL_TEST_DIR", dir, 1);
	RUN(&h, commit_creates_target);
	RUN(&h, temporary_only_when_output_begins);
	RUN(&h, empty_output_is_an_empty_file);
	RUN(&h, abort_keeps_old_target);
	RUN(&h, long_name_is_cut_to_fit);
	RUN(&h, signal_removes_temporary);
	RUN(&h, exit_removes_temporary);
	RUN(&h, unwritable_directory);
	RUN(&h, write_error_keeps_its_reason);
	RUN(&h, device_written_in_place);
	RUN(&h, stdout_output);
	RUN(&h, set_commits_all);
	RUN(&h, set_failure_touches_nothing);
	RUN(&h, set_signal_keeps_old_set);
	RUN(&h, stale_temporary_removed);
	RUN(&h, next_run_removes_stale);
	RUN(&h, clean_touches_nothing_else);
	/* Last: it leaves a directory behind. */
	RUN(&h, create_failure_is_reported_at_commit);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "test_atomic: could not remove %s\n", dir);
	return HARNESS_END(&h);
}
