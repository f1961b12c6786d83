/*
 * lid_lines: plain text lines for langid -t, read a piece at a time so
 * that a line of any length costs a buffer of LID_LINEBUF bytes.
 *
 * Every line counts, empty ones too: one record a line, so the output
 * lines up with the input.  A line ends at "\n" (a "\r" before it is
 * dropped, and so is one at the end of input); the last line needs no
 * "\n".  A UTF-8 byte order mark at the start of the input is dropped.
 * Before a read that would block (a pipe, a terminal) the idle function
 * is called, so that what was read so far is answered first.
 *
 * Ownership: pieces point into the reader's buffer and are valid until
 * the next call.
 */
#ifndef LID_LINES_H
#define LID_LINES_H

#include <stddef.h>

#include "cli.h"

#define LID_LINEBUF	((size_t)1 << 20)

struct lid_lines {
	int		 fd, own, regular, eof, started;
	int		 partial;	/* the last piece did not end its line */
	const char	*name;
	char		*buf;
	size_t		 cap;		/* LID_LINEBUF; a test may set less */
	size_t		 beg, end;	/* unread bytes: buf[beg..end) */
	int		(*idle)(void *, struct rerr *);
	void		*arg;
};

/*
 * Opens path ("-": the standard input).  Returns 0, or fills e
 * (EX_NOINPUT: cannot open it, or a directory; EX_SOFTWARE: out of
 * memory).
 */
int	 lid_lines_open(struct lid_lines *r, const char *path, struct rerr *e);
void	 lid_lines_close(struct lid_lines *r);

/*
 * The next piece of the current line: returns 1 with s[0..n), *more set
 * when the line goes on in the next piece; 0 at the end of input; -1
 * with e filled (EX_IOERR, or whatever idle returned).
 */
int	 lid_lines_next(struct lid_lines *r, const char **s, size_t *n,
	    int *more, struct rerr *e);

#endif /* LID_LINES_H */
