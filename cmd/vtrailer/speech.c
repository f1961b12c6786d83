/*
 * speech: runs of speech from lib/vad, for the joins of a trailer.  See
 * speech.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "speech.h"
#include "vad.h"

int
tr_speech_runs(const float *prob, long n, double hop, struct tr_speech *sp)
{
	long i, j, gap = lrint(SP_GAP / hop), min = lrint(SP_MIN / hop);
	long guard = lrint(SP_GUARD / hop);
	unsigned char *raw;

	memset(sp, 0, sizeof(*sp));
	sp->hop = hop;
	if ((raw = calloc(n > 0 ? n : 1, 1)) == NULL ||
	    (sp->in = calloc(n > 0 ? n : 1, 1)) == NULL) {
		free(raw);
		return -1;
	}
	sp->n = n;
	for (i = 0; i < n; i++)
		raw[i] = prob[i] > 0.5f;
	/* bridge the short gaps within a phrase */
	for (i = 0; i < n; i = j) {
		for (j = i; j < n && raw[j] == raw[i]; j++)
			;
		if (!raw[i] && i > 0 && j < n && j - i < gap)
			memset(raw + i, 1, (size_t)(j - i));
	}
	/* drop clicks, widen the rest by the guard */
	for (i = 0; i < n; i = j) {
		for (j = i; j < n && raw[j] == raw[i]; j++)
			;
		if (raw[i] && j - i >= min) {
			long a = i - guard < 0 ? 0 : i - guard;
			long b = j + guard > n ? n : j + guard;

			memset(sp->in + a, 1, (size_t)(b - a));
			sp->total += (j - i) * hop;
		}
	}
	free(raw);
	return 0;
}

int
tr_speech_file(const char *path, struct tr_speech *sp, struct rerr *e)
{
	float *prob = NULL;
	double dur;
	long n;
	int rv;

	memset(sp, 0, sizeof(*sp));
	if ((rv = vad_file(path, &prob, &n, &dur, e)) != 0)
		return rv;
	rv = tr_speech_runs(prob, n, VAD_HOP, sp);
	free(prob);
	if (rv != 0)
		return rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
	return 0;
}

int
tr_speech_at(const struct tr_speech *sp, double t)
{
	long i;

	if (sp == NULL || sp->n == 0 || !(t >= 0))
		return 0;
	i = (long)floor(t / sp->hop);
	return i < sp->n ? sp->in[i] : 0;
}

void
tr_speech_free(struct tr_speech *sp)
{
	free(sp->in);
	memset(sp, 0, sizeof(*sp));
}
