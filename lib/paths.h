/*
 * paths: where reel finds its data files (langid's model, the workflow
 * Makefiles) at run time.
 *
 * The data directory is share/reel under the install prefix, and it is
 * found from where the running binary is, so a tree installed under any
 * prefix (make install PREFIX=/opt/reel, a .deb under /usr, a copied or
 * moved tree) works without rebuilding.  For a file NAME the places are,
 * in order:
 *
 *	1. $REEL_DATADIR/NAME, when REEL_DATADIR is set and not empty: an
 *	   override, used as given (a missing file there is an error, not a
 *	   reason to look elsewhere, so a typo cannot pick another model);
 *	2. PREFIX/share/reel/NAME for a running binary PREFIX/bin/TOOL
 *	   (/proc/self/exe, symbolic links resolved): the installed tree
 *	   the binary belongs to;
 *	3. TOP/share/NAME when the binary lies one to four levels below a
 *	   reel source tree TOP (bin/, build/san/bin/, build/tests/bin/),
 *	   recognised by TOP/lib/paths.h: a checkout uses its own data, never
 *	   that of an older installation;
 *	4. the compile-time data directory (REEL_DATADIR, config.mk's
 *	   DATADIR), for a binary copied away from its tree.
 *
 * Ownership: the caller owns the buffer; nothing is allocated.
 */
#ifndef REEL_PATHS_H
#define REEL_PATHS_H

#include <stddef.h>

#include "cli.h"

#ifndef REEL_DATADIR
#define REEL_DATADIR "/usr/local/share/reel"
#endif

/*
 * Finds the data file name in the places above, for the running binary.
 * Returns 0 with its path in buf (size bytes), or EX_NOINPUT with e
 * naming the file and every place looked in (EX_SOFTWARE when buf is too
 * small for a path).
 */
int	 paths_data(const char *name, char *buf, size_t size, struct rerr *e);

/*
 * The same search for a binary at exe (an absolute path, or NULL when
 * unknown: places 2 and 3 are then skipped); paths_data passes
 * /proc/self/exe.  For tests, and for tools that run another binary.
 */
int	 paths_data_for(const char *exe, const char *name, char *buf,
	    size_t size, struct rerr *e);

#endif /* REEL_PATHS_H */
