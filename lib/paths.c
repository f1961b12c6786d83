/*
 * paths: the data directory found at run time.  See paths.h for the
 * order of the places and why.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "paths.h"

/* How many directories above the binary a source tree may be. */
#define PATHS_MAXUP	4

/*
 * Sets buf to "dir/name" and returns 1 when that is a readable file; 0
 * when it is not or does not fit, with *toolong set in the second case.
 */
static int
try(char *buf, size_t size, const char *dir, const char *name, int *toolong)
{
	int n = snprintf(buf, size, "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= size) {
		*toolong = 1;
		return 0;
	}
	return access(buf, R_OK) == 0;
}

/* Appends ", s" (or s when list is empty) to list; what does not fit is cut. */
static void
note(char *list, size_t size, const char *s)
{
	size_t k = strlen(list), n = strlen(s);

	if (k > 0 && k + 2 < size) {
		memcpy(list + k, ", ", 2);
		k += 2;
	}
	if (k + n >= size)
		n = size - k - 1;
	memcpy(list + k, s, n);
	list[k + n] = '\0';
}

int
paths_data_for(const char *exe, const char *name, char *buf, size_t size,
    struct rerr *e)
{
	char dir[PATH_MAX], top[PATH_MAX], tried[768] = "";
	const char *env;
	char *slash;
	int toolong = 0, up;

	if ((env = getenv("REEL_DATADIR")) != NULL && *env != '\0') {
		if (try(buf, size, env, name, &toolong))
			return 0;
		if (toolong)
			goto toolong;
		return rerr_set(e, EX_NOINPUT, name, 0,
		    "not found in REEL_DATADIR (%s)", env);
	}
	if (exe != NULL && *exe == '/' && strlen(exe) < sizeof(dir)) {
		strcpy(dir, exe);
		*strrchr(dir, '/') = '\0';
		/* 2: the installed tree, PREFIX/share/reel for PREFIX/bin. */
		if ((slash = strrchr(dir, '/')) != NULL) {
			snprintf(top, sizeof(top), "%.*s/share/reel",
			    (int)(slash - dir), dir);
			if (try(buf, size, top, name, &toolong))
				return 0;
			note(tried, sizeof(tried), top);
		}
		/* 3: a source tree the binary was built in. */
		for (up = 1; up <= PATHS_MAXUP; up++) {
			if ((slash = strrchr(dir, '/')) == NULL)
				break;
			*slash = '\0';
			if (try(top, sizeof(top), *dir ? dir : "/",
			    "lib/paths.h", &toolong)) {
				snprintf(top, sizeof(top), "%s/share", dir);
				if (try(buf, size, top, name, &toolong))
					return 0;
				note(tried, sizeof(tried), top);
				break;
			}
		}
	}
	/* 4: where make install put it when the binary was built. */
	if (try(buf, size, REEL_DATADIR, name, &toolong))
		return 0;
	if (toolong)
		goto toolong;
	note(tried, sizeof(tried), REEL_DATADIR);
	return rerr_set(e, EX_NOINPUT, name, 0, "not found in %s (set "
	    "REEL_DATADIR to the directory that holds it)", tried);
toolong:
	return rerr_set(e, EX_SOFTWARE, name, 0, "path too long");
}

int
paths_data(const char *name, char *buf, size_t size, struct rerr *e)
{
	char exe[PATH_MAX];
	ssize_t k;

	k = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (k <= 0)
		return paths_data_for(NULL, name, buf, size, e);
	exe[k] = '\0';
	return paths_data_for(exe, name, buf, size, e);
}
