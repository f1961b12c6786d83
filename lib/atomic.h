/*
 * atomic: output files that appear whole or not at all, alone or as a set.
 *
 * One file.  atomic_open checks that the target's directory can be
 * written (so a tool fails at its start, not after an hour of work) and
 * returns a handle whose stream, atomic_fp, creates the temporary beside
 * the target (same directory, so rename(2) is atomic) only when the first
 * bytes are written out: a tool killed before its output begins leaves
 * nothing.  atomic_commit flushes, fsyncs and renames the temporary over
 * the target; atomic_abort removes it.  A temporary still there when the
 * process exits, or when it is killed by SIGINT, SIGTERM, SIGHUP or
 * SIGPIPE, is removed too, so a Makefile never sees half a file and a
 * failed run leaves the old one intact.
 *
 * A target that exists and is not a regular file (/dev/null, a FIFO) is
 * written in place instead: renaming over it would replace the device.
 *
 * Names.  The temporary of DIR/NAME is
 *
 *	DIR/.NAME.reel~TAG.PID.START.SEQ
 *
 * (NAME cut to fit NAME_MAX): TAG is eight hex digits of a hash of the
 * host name and the process's PID namespace, PID and START (its start
 * time, clock ticks after boot, from /proc) name the process that made
 * it, SEQ counts the temporaries of that process.
 *
 * Stale temporaries.  SIGKILL cannot be caught, nor can a power cut: they
 * may leave a temporary behind (never a partial target).  A temporary is
 * stale when its TAG is this host's and namespace's, it belongs to this
 * user, and its process is gone (no process PID, or one that started at
 * another time: the PID was reused).  atomic_open removes the stale
 * temporaries of the directory it writes to (once per directory and
 * process), and atomic_clean (reel-clean(1)) does it on demand.  Nothing
 * else is ever removed: not a file of another program, not a temporary of
 * a live process, of another user, or of another host or container
 * sharing the directory (those are reported as foreign).
 *
 * Several files as one set.  atomic_set_open adds a file to a set; each
 * member is an atomic file as above.  atomic_set_commit first completes
 * every member (flush, fsync, close) and only when all are complete
 * renames them into place, in the order they were added, with SIGINT,
 * SIGTERM, SIGHUP and SIGPIPE held until the last rename is done; if any
 * member fails before that, no target is touched.  So an interrupted or
 * failed run leaves either the whole old set or the whole new one.  Add
 * last the member that readers take as the sign of a complete set (the
 * contact sheet after the thumbnails, the test split after the training
 * split).  Only SIGKILL or a crash inside the renames (microseconds) can
 * leave the first members new and the rest old; each file is still whole.
 *
 * The set of open temporaries is process-wide state, kept here because a
 * signal handler must reach it: the one exception to "no globals".  The
 * functions may be called from several threads.
 *
 * Ownership: atomic_commit and atomic_abort free the handle; a set owns
 * its members, which atomic_set_commit and atomic_set_abort free with the
 * set.  Streams and names returned are borrowed from the handle.
 */
#ifndef REEL_ATOMIC_H
#define REEL_ATOMIC_H

#include <stdio.h>

#include "cli.h"

struct atomic_file;
struct atomic_set;

/*
 * Prepares the output path.  Returns NULL and fills e (EX_CANTCREAT) when
 * its directory cannot be written or path is a directory.  The file will
 * be created with mode 0666 less the umask, as fopen(path, "w") would.
 */
struct atomic_file *atomic_open(const char *path, struct rerr *e);
/*
 * The stream to write to; borrowed, valid until commit or abort.  The
 * temporary is created by the first write that reaches it (a flush).
 * The stream cannot seek, and fileno(3) of it is -1.
 */
FILE	*atomic_fp(struct atomic_file *f);
/*
 * The temporary's path, for writers that open it by name (libavformat):
 * creates the temporary if the stream has not, so call it when output
 * begins.  NULL (errno set) when it cannot be created.
 */
const char *atomic_tmpname(struct atomic_file *f);

/*
 * Completes the file: flushes, fsyncs, closes and renames it to the
 * target (an output with no bytes becomes an empty file).  On failure
 * removes the temporary and fills e (EX_CANTCREAT when the temporary or
 * the rename failed, EX_IOERR for a write error) with the reason of the
 * failed call itself.  Returns 0 or the status.  Not for set members.
 */
int	 atomic_commit(struct atomic_file *f, struct rerr *e);
/*
 * Removes the temporary, leaving any old target untouched; bytes still
 * buffered are dropped, not written.  Keeps errno.  Not for set members.
 */
void	 atomic_abort(struct atomic_file *f);

/*
 * Opens path as an output: "-" or NULL gives stdout (no atomicity needed,
 * *af set to NULL), anything else an atomic file.  Returns the stream or
 * NULL with e filled.  Pair with atomic_close_output.
 */
FILE	*atomic_open_output(const char *path, struct atomic_file **af,
	    struct rerr *e);
/*
 * Commits (ok non-zero) or aborts (ok zero) what atomic_open_output
 * opened; for stdout only flushes.  Returns 0 or the status of a failed
 * commit.  Keeps errno when it aborts.
 */
int	 atomic_close_output(struct atomic_file *af, int ok, struct rerr *e);

/* A new empty set, or NULL when out of memory. */
struct atomic_set *atomic_set_new(void);
/*
 * Adds path to the set as atomic_open does and returns the member (use
 * atomic_fp and atomic_tmpname on it), or NULL with e filled, also when
 * path is already in the set (EX_SOFTWARE).
 */
struct atomic_file *atomic_set_open(struct atomic_set *s, const char *path,
	    struct rerr *e);
/*
 * Completes every member, then renames them all in the order they were
 * added (see above).  On failure removes every temporary not yet renamed
 * and fills e as atomic_commit does; a rename that fails after others were
 * made (the target became a directory meanwhile) leaves those in place.
 * Frees the set.  Returns 0 or the status.
 */
int	 atomic_set_commit(struct atomic_set *s, struct rerr *e);
/* Removes every member's temporary and frees the set; NULL is a no-op. */
void	 atomic_set_abort(struct atomic_set *s);

/* What atomic_clean found. */
enum atomic_tmp {
	ATOMIC_TMP_REMOVED,	/* stale, removed */
	ATOMIC_TMP_STALE,	/* stale, kept: a dry run, or unlink failed */
	ATOMIC_TMP_LIVE,	/* its process runs: kept */
	ATOMIC_TMP_FOREIGN	/* another host, namespace or user: kept */
};
#define ATOMIC_CLEAN_DRYRUN	1	/* find, do not remove */

/*
 * Finds the temporaries of reel in directory dir (not below it) and
 * removes the stale ones.  Calls fn(name, what, pid, arg), when fn is not
 * NULL, for each temporary found, name being its entry in dir; errno
 * tells why a stale one could not be removed (ATOMIC_TMP_STALE without
 * ATOMIC_CLEAN_DRYRUN).  Returns
 * the number removed (or, with ATOMIC_CLEAN_DRYRUN, that would be), or
 * -1 with e filled (EX_NOINPUT: dir cannot be read).
 */
int	 atomic_clean(const char *dir, int flags,
	    void (*fn)(const char *name, enum atomic_tmp what, long pid,
	    void *arg), void *arg, struct rerr *e);

#endif /* REEL_ATOMIC_H */
