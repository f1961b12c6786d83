/*
 * atomic: temporary files beside their targets, renamed when complete,
 * alone or as a set; stale temporaries recognised and removed.  See
 * atomic.h for the contract.
 *
 * The stream a caller writes to is a stdio stream on our own write
 * function (fopencookie(3)), so that the temporary is created by the
 * first write that reaches it, not when the tool starts.
 *
 * The open temporaries are kept in a fixed table so that the signal
 * handler can remove them without allocating or locking; the handler then
 * restores the default action and re-raises, so the exit status still
 * tells the signal (the method of git's lockfile and tempfile).  While a
 * set is being renamed into place the handler only notes the signal, and
 * the commit re-raises it when the last rename is done.
 */
#define _GNU_SOURCE	/* fopencookie */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"

#define ATOMIC_MAX	1024	/* temporaries open at once */
#define ATOMIC_DIRS	32	/* directories cleaned, remembered */
#define ATOMIC_BUF	65536	/* the stream's buffer */
#define ATOMIC_MARK	".reel~"

struct atomic_file {
	FILE	*fp;
	int	 fd;		/* the temporary; -1 until created */
	volatile sig_atomic_t created;
	int	 direct;	/* not a regular file: written in place */
	int	 dropping;	/* aborting: writes are discarded */
	int	 err;		/* errno of the first failed create or write */
	int	 create_err;	/* that failure was the create */
	int	 slot;		/* in pending[], or -1 */
	char	*path;		/* the target */
	char	*tmp;		/* the temporary's name, once created */
	char	*dir;		/* the target's directory */
	char	*base;		/* the target's last component */
	struct atomic_file *next;	/* in its set */
	struct atomic_set *set;
};

struct atomic_set {
	struct atomic_file *head, **tail;
};

/* Files whose temporary to remove on exit or signal; NULL slots are free. */
static struct atomic_file *volatile pending[ATOMIC_MAX];
static volatile sig_atomic_t committing, deferred;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int installed;

/* This process, as temporaries name it; see atomic.h. */
static struct {
	long		 pid;	/* 0 until known, and again after a fork */
	unsigned long long start;
	char		 tag[9];
	unsigned long	 seq;
	struct { dev_t dev; ino_t ino; } cleaned[ATOMIC_DIRS];
	int		 ncleaned;
} self;


/*
 * Removes the temporaries still pending.  A child process (after fork)
 * leaves its parent's alone.  Called from the signal handler: only
 * async-signal-safe calls.
 */
static void
cleanup(void)
{
	int i;

	if ((long)getpid() != self.pid)
		return;
	for (i = 0; i < ATOMIC_MAX; i++)
		if (pending[i] != NULL && pending[i]->created)
			unlink(pending[i]->tmp);
}

static void
on_signal(int sig)
{
	if (committing) {
		deferred = sig;
		return;
	}
	cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };

static void
install(void)
{
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

/*
 * The start time of process pid in clock ticks after boot (field 22 of
 * /proc/PID/stat), or 0 when it cannot be read.  The second field, the
 * command, may hold spaces and parentheses: fields are counted after its
 * last ')'.
 */
static unsigned long long
proc_start(long pid)
{
	char path[64], buf[1024], *p;
	unsigned long long v = 0;
	int fd, i;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) == NULL)
		return 0;
	/* The space before field i, for i = 3 (after ")") to 22. */
	for (i = 3; i <= 22 && p != NULL; i++)
		p = strchr(p + 1, ' ');
	if (p != NULL)
		v = strtoull(p + 1, NULL, 10);
	return v;
}

/*
 * FNV-1a 64 over n bytes, continuing h.  (To be replaced by hash_fnv1a
 * of lib/hash.h when that lands: issue 17.)
 */
static uint64_t
tag_hash(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n-- > 0)
		h = (h ^ *b++) * 0x100000001b3ULL;
	return h;
}

/* Fills self for this process; called with lock held. */
static void
know_self(void)
{
	char host[256] = "", ns[64] = "";
	uint64_t h;
	ssize_t k;

	if (self.pid == (long)getpid())
		return;
	self.pid = (long)getpid();
	self.start = proc_start(self.pid);
	self.ncleaned = 0;
	gethostname(host, sizeof(host) - 1);
	if ((k = readlink("/proc/self/ns/pid", ns, sizeof(ns) - 1)) > 0)
		ns[k] = '\0';
	h = tag_hash(0xcbf29ce484222325ULL, host, strlen(host) + 1);
	h = tag_hash(h, ns, strlen(ns));
	snprintf(self.tag, sizeof(self.tag), "%08x",
	    (unsigned)((h >> 32) ^ h));
}

/*
 * Parses the ".reel~TAG.PID.START.SEQ" ending of a directory entry.
 * Returns 1 with tag, pid and start filled, 0 for any other name.
 */
static int
parse_tmpname(const char *name, char tag[9], long *pid,
    unsigned long long *start)
{
	const char *m = NULL, *p;
	unsigned long long v[3];
	char *end;
	int i;

	if (name[0] != '.')
		return 0;
	for (p = name; (p = strstr(p, ATOMIC_MARK)) != NULL; p++)
		m = p;
	if (m == NULL)
		return 0;
	m += strlen(ATOMIC_MARK);
	for (i = 0; i < 8; i++)
		if (!((m[i] >= '0' && m[i] <= '9') ||
		    (m[i] >= 'a' && m[i] <= 'f')))
			return 0;
	memcpy(tag, m, 8);
	tag[8] = '\0';
	p = m + 8;
	for (i = 0; i < 3; i++) {
		if (*p != '.' || !(p[1] >= '0' && p[1] <= '9'))
			return 0;
		errno = 0;
		v[i] = strtoull(p + 1, &end, 10);
		if (errno != 0)
			return 0;
		p = end;
	}
	if (*p != '\0' || v[0] == 0 || v[0] > LONG_MAX)
		return 0;
	*pid = (long)v[0];
	*start = v[1];
	return 1;
}

/*
 * Whether the process that made a temporary is gone.  A process that
 * exists with the same start time is alive; one we may not signal and
 * whose start we cannot read is taken to be alive.
 */
static int
owner_gone(long pid, unsigned long long start)
{
	unsigned long long now;

	if (kill((pid_t)pid, 0) != 0 && errno == ESRCH)
		return 1;
	if (start == 0)
		return 0;
	now = proc_start(pid);
	return now != 0 && now != start;
}

int
atomic_clean(const char *dir, int flags,
    void (*fn)(const char *, enum atomic_tmp, long, void *), void *arg,
    struct rerr *e)
{
	DIR *d;
	struct dirent *de;
	struct stat st;
	unsigned long long start;
	enum atomic_tmp what;
	char tag[9];
	long pid;
	int n = 0, dfd;

	pthread_mutex_lock(&lock);
	know_self();
	pthread_mutex_unlock(&lock);
	if ((d = opendir(dir)) == NULL)
		return rerr_set(e, EX_NOINPUT, dir, 0, "%s",
		    strerror(errno)), -1;
	dfd = dirfd(d);
	while ((de = readdir(d)) != NULL) {
		if (!parse_tmpname(de->d_name, tag, &pid, &start) ||
		    fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		if (strcmp(tag, self.tag) != 0 ||
		    (st.st_uid != geteuid() && geteuid() != 0))
			what = ATOMIC_TMP_FOREIGN;
		else if (!owner_gone(pid, start))
			what = ATOMIC_TMP_LIVE;
		else if (flags & ATOMIC_CLEAN_DRYRUN)
			what = ATOMIC_TMP_STALE;
		else if (unlinkat(dfd, de->d_name, 0) == 0 || errno == ENOENT)
			what = ATOMIC_TMP_REMOVED;
		else
			what = ATOMIC_TMP_STALE;
		if (what == ATOMIC_TMP_REMOVED ||
		    ((flags & ATOMIC_CLEAN_DRYRUN) && what == ATOMIC_TMP_STALE))
			n++;
		if (fn != NULL)
			fn(de->d_name, what, pid, arg);
	}
	closedir(d);
	return n;
}

/*
 * Removes the stale temporaries of dir, once per directory and process
 * (known by device and inode; past ATOMIC_DIRS directories, every time).
 * Best effort: a directory that cannot be read is left alone.
 */
static void
clean_once(const char *dir)
{
	struct stat st;
	int i, seen = 0;

	if (stat(dir, &st) != 0)
		return;
	pthread_mutex_lock(&lock);
	know_self();
	for (i = 0; i < self.ncleaned; i++)
		if (self.cleaned[i].dev == st.st_dev &&
		    self.cleaned[i].ino == st.st_ino)
			seen = 1;
	if (!seen && self.ncleaned < ATOMIC_DIRS) {
		self.cleaned[self.ncleaned].dev = st.st_dev;
		self.cleaned[self.ncleaned].ino = st.st_ino;
		self.ncleaned++;
	}
	pthread_mutex_unlock(&lock);
	if (!seen)
		atomic_clean(dir, 0, NULL, NULL, NULL);
}

/*
 * Creates the temporary of f: the next free name of this process (see
 * atomic.h), opened exclusively.  Returns 0, or -1 with f->err and errno
 * set.
 */
static int
create(struct atomic_file *f)
{
	size_t room, blen;
	char suffix[96];
	int tries, fd;

	if (f->fd >= 0)
		return 0;
	if (f->err != 0) {
		errno = f->err;
		return -1;
	}
	for (tries = 0; tries < 100; tries++) {
		pthread_mutex_lock(&lock);
		know_self();
		snprintf(suffix, sizeof(suffix), "%s%s.%ld.%llu.%lu",
		    ATOMIC_MARK, self.tag, self.pid, self.start, ++self.seq);
		pthread_mutex_unlock(&lock);
		/* The target's name, cut (at a character) to fit NAME_MAX. */
		room = NAME_MAX - 1 - strlen(suffix);
		blen = strlen(f->base);
		if (blen > room) {
			blen = room;
			while (blen > 0 &&
			    ((unsigned char)f->base[blen] & 0xc0) == 0x80)
				blen--;
		}
		sprintf(f->tmp, "%s/.%.*s%s", f->dir, (int)blen, f->base,
		    suffix);
		fd = open(f->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		    0666);
		if (fd >= 0) {
			f->fd = fd;
			f->created = 1;
			return 0;
		}
		if (errno != EEXIST)
			break;
	}
	f->err = errno;
	f->create_err = 1;
	return -1;
}

/* The stream's write function: creates the temporary, then writes all. */
static ssize_t
cookie_write(void *c, const char *buf, size_t n)
{
	struct atomic_file *f = c;
	size_t done = 0;
	ssize_t k;

	if (f->dropping)
		return (ssize_t)n;
	if (create(f) != 0)
		return 0;
	while (done < n) {
		if ((k = write(f->fd, buf + done, n - done)) < 0) {
			if (errno == EINTR)
				continue;
			if (f->err == 0)
				f->err = errno;
			return (ssize_t)done;
		}
		done += (size_t)k;
	}
	return (ssize_t)n;
}

static int
cookie_close(void *c)
{
	struct atomic_file *f = c;
	int rv = 0;

	if (f->fd >= 0 && close(f->fd) != 0 && f->err == 0 && !f->dropping)
		f->err = errno, rv = -1;
	f->fd = -1;
	return rv;
}

static void
release(struct atomic_file *f)
{
	if (f->slot >= 0)
		pending[f->slot] = NULL;
	free(f->path);
	free(f->tmp);
	free(f->dir);
	free(f);
}

/* Opens a target that is a device or FIFO in place. */
static struct atomic_file *
open_direct(struct atomic_file *f, struct rerr *e)
{
	f->direct = 1;
	if ((f->fp = fopen(f->path, "w")) == NULL) {
		rerr_set(e, EX_CANTCREAT, f->path, 0, "%s", strerror(errno));
		release(f);
		return NULL;
	}
	return f;
}

/*
 * Splits f->path into f->dir and f->base and checks that the directory
 * can be written.  Returns 0 or the status with e filled.
 */
static int
check_target(struct atomic_file *f, struct rerr *e)
{
	char *slash;
	struct stat st;

	if ((f->dir = strdup(f->path)) == NULL)
		return rerr_set(e, EX_SOFTWARE, f->path, 0, "out of memory");
	if ((slash = strrchr(f->dir, '/')) == NULL) {
		free(f->dir);
		f->dir = strdup(".");
		f->base = f->path;
	} else {
		f->base = f->path + (slash - f->dir) + 1;
		if (slash == f->dir)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
	if (f->dir == NULL)
		return rerr_set(e, EX_SOFTWARE, f->path, 0, "out of memory");
	if (*f->base == '\0' || (stat(f->path, &st) == 0 &&
	    S_ISDIR(st.st_mode)))
		return rerr_set(e, EX_CANTCREAT, f->path, 0, "%s",
		    strerror(EISDIR));
	if (stat(f->dir, &st) != 0)
		return rerr_set(e, EX_CANTCREAT, f->path, 0, "%s",
		    strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return rerr_set(e, EX_CANTCREAT, f->path, 0, "%s",
		    strerror(ENOTDIR));
	if (access(f->dir, W_OK | X_OK) != 0)
		return rerr_set(e, EX_CANTCREAT, f->path, 0, "%s",
		    strerror(errno));
	return 0;
}

struct atomic_file *
atomic_open(const char *path, struct rerr *e)
{
	static const cookie_io_functions_t io = {
		NULL, cookie_write, NULL, cookie_close
	};
	struct atomic_file *f;
	struct stat st;
	int slot;

	if ((f = calloc(1, sizeof(*f))) == NULL ||
	    (f->path = strdup(path)) == NULL) {
		free(f);
		rerr_set(e, EX_SOFTWARE, path, 0, "out of memory");
		return NULL;
	}
	f->fd = -1;
	f->slot = -1;
	/*
	 * A device, FIFO or socket (/dev/null, /dev/stdout, a named pipe) is
	 * written in place: renaming over it would replace the device.
	 */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) &&
	    !S_ISDIR(st.st_mode))
		return open_direct(f, e);
	if (check_target(f, e) != 0) {
		release(f);
		return NULL;
	}
	if ((f->tmp = malloc(strlen(f->dir) + NAME_MAX + 2)) == NULL) {
		rerr_set(e, EX_SOFTWARE, path, 0, "out of memory");
		release(f);
		return NULL;
	}
	clean_once(f->dir);
	pthread_mutex_lock(&lock);
	install();
	for (slot = 0; slot < ATOMIC_MAX; slot++)
		if (pending[slot] == NULL)
			break;
	if (slot < ATOMIC_MAX) {
		f->slot = slot;
		pending[slot] = f;
	}
	pthread_mutex_unlock(&lock);
	if (slot == ATOMIC_MAX) {
		rerr_set(e, EX_SOFTWARE, path, 0, "too many open outputs");
		release(f);
		return NULL;
	}
	if ((f->fp = fopencookie(f, "w", io)) == NULL) {
		rerr_set(e, EX_SOFTWARE, path, 0, "out of memory");
		release(f);
		return NULL;
	}
	setvbuf(f->fp, NULL, _IOFBF, ATOMIC_BUF);
	return f;
}

FILE *
atomic_fp(struct atomic_file *f)
{
	return f->fp;
}

const char *
atomic_tmpname(struct atomic_file *f)
{
	if (f->direct)
		return f->path;
	return create(f) == 0 ? f->tmp : NULL;
}

/*
 * Everything but the rename: flush, create (an empty output), fsync,
 * close.  Returns 0 or the status with e filled; f's stream is closed
 * either way.
 */
static int
finish(struct atomic_file *f, struct rerr *e)
{
	int rv = 0, bad;

	bad = fflush(f->fp) != 0 || ferror(f->fp);
	if (!bad && !f->direct && (create(f) != 0 || fsync(f->fd) != 0) &&
	    f->err == 0)
		f->err = errno;
	if (f->direct && bad && f->err == 0)
		f->err = errno ? errno : EIO;
	if (fclose(f->fp) != 0 && f->err == 0)
		f->err = errno;
	f->fp = NULL;
	if (f->create_err)
		rv = rerr_set(e, EX_CANTCREAT, f->path, 0, "%s",
		    strerror(f->err));
	else if (bad || f->err != 0)
		rv = rerr_set(e, EX_IOERR, f->path, 0, "write error: %s",
		    strerror(f->err ? f->err : EIO));
	return rv;
}

/* Renames f's temporary over its target.  Returns 0 or EX_CANTCREAT. */
static int
put_in_place(struct atomic_file *f, struct rerr *e)
{
	if (f->direct)
		return 0;
	if (rename(f->tmp, f->path) != 0)
		return rerr_set(e, EX_CANTCREAT, f->path, 0, "%s",
		    strerror(errno));
	f->created = 0;
	return 0;
}

/* Removes f's temporary (if made) and frees f; keeps errno. */
static void
discard(struct atomic_file *f)
{
	int saved = errno;

	if (f->fp != NULL) {
		f->dropping = 1;
		fclose(f->fp);
	}
	if (f->created) {
		f->created = 0;
		unlink(f->tmp);
	}
	release(f);
	errno = saved;
}

int
atomic_commit(struct atomic_file *f, struct rerr *e)
{
	int rv;

	if (f->set != NULL)
		return rerr_set(e, EX_SOFTWARE, f->path, 0,
		    "atomic_commit of a member of a set");
	if ((rv = finish(f, e)) == 0)
		rv = put_in_place(f, e);
	discard(f);
	return rv;
}

void
atomic_abort(struct atomic_file *f)
{
	if (f != NULL && f->set == NULL)
		discard(f);
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

struct atomic_set *
atomic_set_new(void)
{
	struct atomic_set *s = calloc(1, sizeof(*s));

	if (s != NULL)
		s->tail = &s->head;
	return s;
}

struct atomic_file *
atomic_set_open(struct atomic_set *s, const char *path, struct rerr *e)
{
	struct atomic_file *f;

	for (f = s->head; f != NULL; f = f->next)
		if (strcmp(f->path, path) == 0) {
			rerr_set(e, EX_SOFTWARE, path, 0,
			    "named twice in one set of outputs");
			return NULL;
		}
	if ((f = atomic_open(path, e)) == NULL)
		return NULL;
	f->set = s;
	*s->tail = f;
	s->tail = &f->next;
	return f;
}

/*
 * The renames of a complete set, with the signals that would remove
 * temporaries held: blocked in this thread, and noted (not acted on) by
 * the handler in any other.  A signal that came is re-raised after.
 */
static int
rename_all(struct atomic_set *s, struct rerr *e)
{
	struct atomic_file *f;
	sigset_t block, old;
	size_t i;
	int rv = 0, sig;

	sigemptyset(&block);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&block, sigs[i]);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	committing = 1;
	for (f = s->head; f != NULL && rv == 0; f = f->next)
		rv = put_in_place(f, e);
	committing = 0;
	sig = deferred;
	deferred = 0;
	if (sig != 0) {
		/* As on_signal: what is not in place goes, then we die. */
		cleanup();
		signal(sig, SIG_DFL);
		raise(sig);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rv;
}

int
atomic_set_commit(struct atomic_set *s, struct rerr *e)
{
	struct atomic_file *f, *next;
	int rv = 0;

	for (f = s->head; f != NULL; f = f->next)
		if (rv == 0)
			rv = finish(f, e);
	if (rv == 0)
		rv = rename_all(s, e);
	for (f = s->head; f != NULL; f = next) {
		next = f->next;
		discard(f);
	}
	free(s);
	return rv;
}

void
atomic_set_abort(struct atomic_set *s)
{
	struct atomic_file *f, *next;

	if (s == NULL)
		return;
	for (f = s->head; f != NULL; f = next) {
		next = f->next;
		discard(f);
	}
	free(s);
}
