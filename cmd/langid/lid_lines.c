/*
 * lid_lines: plain text lines a piece at a time (lid_lines.h).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lid_lines.h"

int
lid_lines_open(struct lid_lines *r, const char *path, struct rerr *e)
{
	struct stat st;

	memset(r, 0, sizeof(*r));
	r->name = cli_name(path);
	if (path == NULL || strcmp(path, "-") == 0)
		r->fd = STDIN_FILENO;
	else if ((r->fd = open(path, O_RDONLY)) == -1)
		return rerr_set(e, EX_NOINPUT, r->name, 0, "%s",
		    strerror(errno));
	else
		r->own = 1;
	if (fstat(r->fd, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			lid_lines_close(r);
			return rerr_set(e, EX_NOINPUT, cli_name(path), 0,
			    "is a directory");
		}
		r->regular = S_ISREG(st.st_mode);
	}
	r->cap = LID_LINEBUF;
	return 0;
}

void
lid_lines_close(struct lid_lines *r)
{
	if (r->own && r->fd >= 0)
		close(r->fd);
	free(r->buf);
	memset(r, 0, sizeof(*r));
	r->fd = -1;
}

/* Reads more into the buffer after moving what is unread to its start. */
static int
fill(struct lid_lines *r, struct rerr *e)
{
	struct pollfd pfd;
	ssize_t k;

	if (r->buf == NULL && (r->buf = malloc(r->cap)) == NULL) {
		rerr_set(e, EX_SOFTWARE, r->name, 0, "out of memory");
		return -1;
	}
	if (r->beg > 0) {
		memmove(r->buf, r->buf + r->beg, r->end - r->beg);
		r->end -= r->beg;
		r->beg = 0;
	}
	if (!r->regular && r->idle != NULL) {
		pfd.fd = r->fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 0) == 0 && r->idle(r->arg, e) != 0)
			return -1;
	}
	do
		k = read(r->fd, r->buf + r->end, r->cap - r->end);
	while (k < 0 && errno == EINTR);
	if (k < 0) {
		rerr_set(e, EX_IOERR, r->name, 0, "read error: %s",
		    strerror(errno));
		return -1;
	}
	if (k == 0)
		r->eof = 1;
	r->end += k;
	if (!r->started && (r->end >= 3 || r->eof)) {
		r->started = 1;
		if (r->end >= 3 && memcmp(r->buf, "\xEF\xBB\xBF", 3) == 0)
			r->beg = 3;
	}
	return 0;
}

int
lid_lines_next(struct lid_lines *r, const char **s, size_t *n, int *more,
    struct rerr *e)
{
	char *nl;

	for (;;) {
		if (r->started && (nl = memchr(r->buf + r->beg, '\n',
		    r->end - r->beg)) != NULL) {
			*s = r->buf + r->beg;
			*n = nl - *s;
			if (*n > 0 && nl[-1] == '\r')
				(*n)--;
			*more = r->partial = 0;
			r->beg = nl + 1 - r->buf;
			return 1;
		}
		if (r->eof) {
			/* The end of input ends a line begun in pieces. */
			if (r->beg == r->end && !r->partial)
				return 0;
			*s = r->buf + r->beg;
			*n = r->end - r->beg;
			if (*n > 0 && (*s)[*n - 1] == '\r')
				(*n)--;
			*more = r->partial = 0;
			r->beg = r->end;
			return 1;
		}
		if (r->started && r->end - r->beg == r->cap) {
			/* A long line: this much of it, a "\r" kept back. */
			*s = r->buf + r->beg;
			*n = r->end - r->beg;
			if ((*s)[*n - 1] == '\r')
				(*n)--;
			*more = r->partial = 1;
			r->beg += *n;
			return 1;
		}
		if (fill(r, e) != 0)
			return -1;
	}
}
