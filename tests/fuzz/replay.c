/*
 * replay: a main for the fuzz targets outside libFuzzer.  Runs
 * LLVMFuzzerTestOneInput once on each file named, so that "make check"
 * (and make check SAN=1) replays every seed and every past crash kept in
 * testdata/fuzz/<target>/ with the ordinary compiler.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
main(int argc, char *argv[])
{
	int i, n = 0;

	for (i = 1; i < argc; i++) {
		FILE *fp = fopen(argv[i], "rb");
		uint8_t *buf = NULL;
		size_t len = 0, cap = 0, r;

		if (fp == NULL) {
			perror(argv[i]);
			return 66;
		}
		do {
			if (len == cap) {
				cap = cap ? 2 * cap : 4096;
				if ((buf = realloc(buf, cap)) == NULL)
					return 70;
			}
			r = fread(buf + len, 1, cap - len, fp);
			len += r;
		} while (r > 0);
		fclose(fp);
		LLVMFuzzerTestOneInput(buf, len);
		free(buf);
		n++;
	}
	printf("replayed %d inputs\n", n);
	return 0;
}
