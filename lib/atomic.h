/*
 * atomic: output files that appear whole or not at all.
 *
 * atomic_open creates a temporary file beside the target (same directory,
 * so rename(2) is atomic), named ".NAME.XXXXXX".  atomic_commit flushes,
 * syncs and renames it over the target; atomic_abort removes it.  A file
 * still open when the process exits, or when it is killed by SIGINT,
 * SIGTERM, SIGHUP or SIGPIPE, is removed too, so a Makefile never sees half
 * a file and a failed run leaves the old one intact.  (SIGKILL cannot be
 * caught: it may leave the hidden temporary behind, never a partial
 * target.)
 *
 * A target that exists and is not a regular file (/dev/null, a FIFO) is
 * written in place instead: renaming over it would replace the device.
 *
 * The set of open temporaries is process-wide state, kept here because a
 * signal handler must reach it: the one exception to "no globals".
 *
 * Ownership: atomic_commit and atomic_abort free the handle.
 */
#ifndef REEL_ATOMIC_H
#define REEL_ATOMIC_H

#include <stdio.h>

#include "cli.h"

struct atomic_file;

/*
 * Creates the temporary for path.  Returns NULL and fills e (EX_CANTCREAT)
 * when it cannot.  The file is created with mode 0666 less the umask, as
 * fopen(path, "w") would.
 */
struct atomic_file *atomic_open(const char *path, struct rerr *e);
/* The stream to write to; borrowed, valid until commit or abort. */
FILE	*atomic_fp(struct atomic_file *f);
/* The temporary's path (for writers that need a name, e.g. libavformat). */
const char *atomic_tmpname(const struct atomic_file *f);

/*
 * Completes the file: flushes, fsyncs, closes and renames it to the
 * target.  On failure removes the temporary and fills e (EX_IOERR for a
 * write error, EX_CANTCREAT for the rename).  Returns 0 or the status.
 */
int	 atomic_commit(struct atomic_file *f, struct rerr *e);
/* Removes the temporary, leaving any old target untouched. */
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
 * commit.
 */
int	 atomic_close_output(struct atomic_file *af, int ok, struct rerr *e);

#endif /* REEL_ATOMIC_H */
