/*
 * vadruns: the runs of speech vtrailer's joins keep out of, for the test
 * suites: lib/vad's voice activity over the sound of a file, made into
 * runs as cmd/vtrailer/speech.c does.  Prints "START END" (seconds) per
 * run.
 *
 *	vadruns FILE
 */
#include <stdio.h>

#include "../../cmd/vtrailer/speech.h"

int
main(int argc, char *argv[])
{
	struct tr_speech sp;
	struct rerr e = { 0 };
	long i, j;

	if (argc != 2) {
		fprintf(stderr, "usage: vadruns file\n");
		return 64;
	}
	if (tr_speech_file(argv[1], &sp, &e) != 0) {
		fprintf(stderr, "vadruns: %s: %s\n", argv[1], e.msg);
		return e.code;
	}
	for (i = 0; i < sp.n; i = j) {
		for (j = i; j < sp.n && sp.in[j] == sp.in[i]; j++)
			;
		if (sp.in[i])
			printf("%.2f %.2f\n", i * sp.hop, j * sp.hop);
	}
	tr_speech_free(&sp);
	return 0;
}
