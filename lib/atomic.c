/*
 * atomic: temporary file beside the target, renamed when complete.
 * See atomic.h for the contract.
 *
 * The open temporaries are kept in a fixed table so that the signal
 * handler can remove them without allocating; the handler then restores
 * the default action and re-raises, so the exit status still tells the
 * signal (the method of git's lockfile and tempfile).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"

#define ATOMIC_MAX	64

struct atomic_file {
	FILE	*fp;
	int	 direct;	/* not a regular file: written in place */
	char	*path;		/* the target */
	char	*tmp;		/* the temporary beside it */
	int	 slot;
};

/* Files whose temporary to remove on exit or signal; NULL slots are free. */
static struct atomic_file *volatile pending[ATOMIC_MAX];
static int installed;

static void
cleanup(void)
{
	int i;

	for (i = 0; i < ATOMIC_MAX; i++)
		if (pending[i] != NULL)
			unlink(pending[i]->tmp);
}

static void
on_signal(int sig)
{
	cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
install(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
	struct sigaction sa, old;
	size_t i;

	if (installed)
		return;
	installed = 1;
	atexit(cleanup);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		/* Leave alone a signal the parent told us to ignore. */
		if (sigaction(sigs[i], NULL, &old) == 0 &&
		    old.sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
}

struct atomic_file *
atomic_open(const char *path, struct rerr *e)
{
	struct atomic_file *f;
	char *dcopy = NULL, *bcopy = NULL;
	struct stat st;
	mode_t mask;
	int fd = -1, slot;

	/*
	 * A device, FIFO or socket (/dev/null, /dev/stdout, a named pipe) is
	 * written in place: renaming over it would replace the device.
	 */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if ((f = calloc(1, sizeof(*f))) == NULL ||
		    (f->path = strdup(path)) == NULL) {
			free(f);
			rerr_set(e, EX_SOFTWARE, path, 0, "out of memory");
			return NULL;
		}
		f->direct = 1;
		f->slot = -1;
		if ((f->fp = fopen(path, "w")) == NULL) {
			rerr_set(e, EX_CANTCREAT, path, 0, "%s",
			    strerror(errno));
			free(f->path);
			free(f);
			return NULL;
		}
		return f;
	}
	for (slot = 0; slot < ATOMIC_MAX; slot++)
		if (pending[slot] == NULL)
			break;
	if (slot == ATOMIC_MAX) {
		rerr_set(e, EX_SOFTWARE, path, 0, "too many open outputs");
		return NULL;
	}
	if ((f = calloc(1, sizeof(*f))) == NULL ||
	    (f->path = strdup(path)) == NULL ||
	    (dcopy = strdup(path)) == NULL || (bcopy = strdup(path)) == NULL)
		goto nomem;
	if ((f->tmp = malloc(strlen(path) + 16)) == NULL)
		goto nomem;
	sprintf(f->tmp, "%s/.%s.XXXXXX", dirname(dcopy), basename(bcopy));
	install();
	/*
	 * Registered before mkstemp, so that a signal arriving (in any
	 * thread) once the file exists finds it; until then the handler
	 * only unlinks the template's name, which names no file.
	 */
	f->slot = slot;
	pending[slot] = f;
	if ((fd = mkstemp(f->tmp)) < 0) {
		rerr_set(e, EX_CANTCREAT, path, 0, "%s", strerror(errno));
		pending[slot] = NULL;
		goto fail;
	}
	/* mkstemp makes 0600; give the file the mode fopen would. */
	mask = umask(0);
	umask(mask);
	fchmod(fd, 0666 & ~mask);
	if ((f->fp = fdopen(fd, "w")) == NULL) {
		rerr_set(e, EX_CANTCREAT, path, 0, "%s", strerror(errno));
		close(fd);
		unlink(f->tmp);
		pending[slot] = NULL;
		goto fail;
	}
	free(dcopy);
	free(bcopy);
	return f;
nomem:
	rerr_set(e, EX_SOFTWARE, path, 0, "out of memory");
fail:
	free(dcopy);
	free(bcopy);
	if (f != NULL) {
		free(f->path);
		free(f->tmp);
		free(f);
	}
	return NULL;
}

FILE *
atomic_fp(struct atomic_file *f)
{
	return f->fp;
}

const char *
atomic_tmpname(const struct atomic_file *f)
{
	return f->direct ? f->path : f->tmp;
}

static void
release(struct atomic_file *f)
{
	if (f->slot >= 0)
		pending[f->slot] = NULL;
	free(f->path);
	free(f->tmp);
	free(f);
}

int
atomic_commit(struct atomic_file *f, struct rerr *e)
{
	int rv = 0;

	if (f->direct) {
		if (fflush(f->fp) != 0 || ferror(f->fp))
			rv = rerr_set(e, EX_IOERR, f->path, 0,
			    "write error: %s", strerror(errno ? errno : EIO));
		if (fclose(f->fp) != 0 && rv == 0)
			rv = rerr_set(e, EX_IOERR, f->path, 0,
			    "write error: %s", strerror(errno));
		release(f);
		return rv;
	}
	if (fflush(f->fp) != 0 || ferror(f->fp) || fsync(fileno(f->fp)) != 0)
		rv = rerr_set(e, EX_IOERR, f->path, 0, "write error: %s",
		    strerror(errno ? errno : EIO));
	if (fclose(f->fp) != 0 && rv == 0)
		rv = rerr_set(e, EX_IOERR, f->path, 0, "write error: %s",
		    strerror(errno));
	if (rv == 0 && rename(f->tmp, f->path) != 0)
		rv = rerr_set(e, EX_CANTCREAT, f->path, 0, "%s",
		    strerror(errno));
	if (rv != 0)
		unlink(f->tmp);
	release(f);
	return rv;
}

void
atomic_abort(struct atomic_file *f)
{
	if (f == NULL)
		return;
	fclose(f->fp);
	if (!f->direct)
		unlink(f->tmp);
	release(f);
}

FILE *
atomic_open_output(const char *path, struct atomic_file **af, struct rerr *e)
{
	*af = NULL;
	if (path == NULL || strcmp(path, "-") == 0)
		return stdout;
	if ((*af = atomic_open(path, e)) == NULL)
		return NULL;
	return atomic_fp(*af);
}

int
atomic_close_output(struct atomic_file *af, int ok, struct rerr *e)
{
	if (af == NULL) {
		/* stdout: cli_finish checks and reports its errors. */
		fflush(stdout);
		return 0;
	}
	if (!ok) {
		atomic_abort(af);
		return 0;
	}
	return atomic_commit(af, e);
}
