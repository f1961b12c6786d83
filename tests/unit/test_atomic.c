/*
 * Unit tests of lib/atomic: the target appears only on commit, an abort or
 * a signal leaves the old target intact and no temporary behind.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"
#include "harness.h"

static char dir[] = "/tmp/reel-test-atomic.XXXXXX";

static int
count_entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
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

TEST(commit_creates_target)
{
	char path[256];
	struct rerr e = { 0 };
	struct atomic_file *f;
	struct stat st;

	snprintf(path, sizeof(path), "%s/out.txt", dir);
	f = atomic_open(path, &e);
	CHECK(f != NULL);
	fputs("hello\n", atomic_fp(f));
	CHECK(access(path, F_OK) != 0);		/* not there before commit */
	CHECK(strstr(atomic_tmpname(f), "/.out.txt.") != NULL);
	CHECK_INT(atomic_commit(f, &e), 0);
	CHECK_STR(slurp(path), "hello\n");
	CHECK(stat(path, &st) == 0);
	CHECK((st.st_mode & 0777) == (0666 & ~022) || (st.st_mode & 0600));
	CHECK_INT(count_entries(), 1);
	unlink(path);
}

TEST(abort_keeps_old_target)
{
	char path[256];
	struct rerr e = { 0 };
	struct atomic_file *f;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/keep.txt", dir);
	fp = fopen(path, "w");
	fputs("old\n", fp);
	fclose(fp);
	f = atomic_open(path, &e);
	CHECK(f != NULL);
	fputs("new\n", atomic_fp(f));
	atomic_abort(f);
	CHECK_STR(slurp(path), "old\n");
	CHECK_INT(count_entries(), 1);
	unlink(path);
}

TEST(signal_removes_temporary)
{
	char path[256];
	pid_t pid;
	int status;

	snprintf(path, sizeof(path), "%s/sig.txt", dir);
	if ((pid = fork()) == 0) {
		struct rerr e = { 0 };
		struct atomic_file *f = atomic_open(path, &e);

		fputs("partial", atomic_fp(f));
		fflush(atomic_fp(f));
		raise(SIGTERM);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
	CHECK(access(path, F_OK) != 0);
	CHECK_INT(count_entries(), 0);
}

TEST(exit_removes_temporary)
{
	char path[256];
	pid_t pid;
	int status;

	snprintf(path, sizeof(path), "%s/exit.txt", dir);
	if ((pid = fork()) == 0) {
		struct rerr e = { 0 };
		struct atomic_file *f = atomic_open(path, &e);

		fputs("partial", atomic_fp(f));
		exit(3);
	}
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 3);
	CHECK_INT(count_entries(), 0);
}

TEST(unwritable_directory)
{
	struct rerr e = { 0 };

	CHECK(atomic_open("/nonexistent-dir/out.txt", &e) == NULL);
	CHECK_INT(e.code, EX_CANTCREAT);
	CHECK_STR(e.file, "/nonexistent-dir/out.txt");
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
}

TEST(stdout_output)
{
	struct rerr e = { 0 };
	struct atomic_file *af = (void *)1;

	CHECK(atomic_open_output("-", &af, &e) == stdout);
	CHECK(af == NULL);
	CHECK_INT(atomic_close_output(af, 1, &e), 0);
}

int
main(void)
{
	struct harness h = { 0 };

	cli_init("test_atomic");
	if (mkdtemp(dir) == NULL)
		return 1;
	RUN(&h, commit_creates_target);
	RUN(&h, abort_keeps_old_target);
	RUN(&h, signal_removes_temporary);
	RUN(&h, exit_removes_temporary);
	RUN(&h, unwritable_directory);
	RUN(&h, device_written_in_place);
	RUN(&h, stdout_output);
	rmdir(dir);
	return HARNESS_END(&h);
}
