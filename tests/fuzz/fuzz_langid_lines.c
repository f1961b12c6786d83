/*
 * Fuzz target: langid's plain line reader (cmd/langid/lid_lines.c), a
 * piece at a time.  The input is a file read with a buffer of 4 to 67
 * bytes (its first byte says), so that lines cross the buffer; the lines
 * the pieces make must be those of the file split at "\n", a "\r" before
 * it (or at the end) dropped, a byte order mark at the start dropped, the
 * last line kept without its "\n".
 */
#define _GNU_SOURCE
#include <sys/mman.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../cmd/langid/lid_lines.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lid_lines r;
	struct rerr e;
	char path[64], *got, *want;
	const char *s;
	size_t n, ng = 0, nw = 0, i, b;
	int fd, more, st;

	if (size < 1)
		return 0;
	if ((fd = memfd_create("lines", 0)) < 0)
		return 0;
	if (write(fd, data + 1, size - 1) != (ssize_t)(size - 1))
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (lid_lines_open(&r, path, &e) != 0)
		abort();
	r.cap = 4 + data[0] % 64;
	if ((got = malloc(2 * size + 2)) == NULL ||
	    (want = malloc(2 * size + 2)) == NULL)
		abort();
	/* The lines as the pieces make them, each ended by '\n'. */
	while ((st = lid_lines_next(&r, &s, &n, &more, &e)) == 1) {
		memcpy(got + ng, s, n);
		ng += n;
		if (!more)
			got[ng++] = '\n';
	}
	if (st != 0)
		abort();
	lid_lines_close(&r);
	close(fd);
	/* The same by splitting the file. */
	data++;
	size--;
	i = size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	while (i < size) {
		for (b = i; b < size && data[b] != '\n'; b++)
			;
		n = b - i;
		if (n > 0 && data[i + n - 1] == '\r')
			n--;
		memcpy(want + nw, data + i, n);
		nw += n;
		want[nw++] = '\n';
		i = b + 1;
	}
	if (ng != nw || memcmp(got, want, ng) != 0)
		abort();
	free(got);
	free(want);
	return 0;
}
