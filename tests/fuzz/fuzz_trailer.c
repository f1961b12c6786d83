/*
 * Fuzz target: vtrailer's selection (cmd/vtrailer/select.c) on films made
 * from the input bytes: options from the first bytes, then four bytes per
 * scene (length, motion, loudness, hook) and audio windows from what is
 * left.  Whatever the film, a choice that succeeds must keep the
 * contract: shots in film order, not overlapping, inside the film and
 * before the spoiler guard, each at least a frame, adding up to the
 * target (plus crossfade overlaps) within half a frame unless the scenes
 * could not hold it, and never growing when no warning was given.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../cmd/vtrailer/select.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define MAXSC	256

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tr_scene sc[MAXSC];
	static struct tr_audio a[1024];
	struct tr_opts o = TR_OPTS_DEFAULT;
	struct tr_seg *seg;
	char err[512], warn[256];
	double t = 0, sum = 0, u, x, guard_t;
	size_t p = 6;
	int n = 0, na = 0, ns, i;

	if (size < 6)
		return 0;
	o.target = 1 + data[0] % 60;
	o.min_len = 0.2 + (data[1] % 16) * 0.1;
	o.max_len = o.min_len + (data[2] % 32) * 0.25;
	o.guard = (data[3] % 10) * 0.09;
	o.fps = data[4] % 3 == 0 ? 0 : data[4] % 3 == 1 ? 25 : 30000.0 / 1001;
	o.seed = data[5] >> 4;
	o.xfade = data[5] & 1 ? 0.2 : 0;
	if (o.xfade > 0 && o.min_len < 2 * o.xfade)
		o.min_len = 2 * o.xfade;
	if (o.max_len < o.min_len)
		o.max_len = o.min_len;
	while (p + 4 <= size && n < MAXSC && data[p] != 0xff) {
		memset(&sc[n], 0, sizeof(sc[n]));
		sc[n].index = n;
		sc[n].start = t;
		t += 0.1 + data[p] * 0.05;
		sc[n].end = t;
		sc[n].tin0 = sc[n].tin1 = -1;
		if (n > 0 && data[p] % 5 == 0) {
			sc[n].tin0 = sc[n].start - 0.2;
			sc[n].tin1 = sc[n].start + 0.2;
		}
		sc[n].motion = data[p + 1] / 2550.0;
		sc[n].motion_peak = data[p + 2] % 2 ? -1 : sc[n].motion * 2;
		sc[n].loud = data[p + 2] == 0 ? NAN : -80 + data[p + 2] / 4.0;
		sc[n].hook = data[p + 3] == 0 ? -1 : data[p + 3] / 255.0;
		sc[n].luma = data[p + 3] / 255.0;
		n++;
		p += 4;
	}
	for (p++; p + 2 <= size && na < 1024; p += 2) {
		a[na].t = na * 0.1;
		a[na].dur = 0.1;
		a[na].rms = -90 + data[p] / 3.0;
		a[na].onset = data[p + 1] / 255.0;
		na++;
	}
	if (tr_select(sc, n, a, na, NULL, 0, &o, &seg, &ns, err, sizeof(err),
	    warn, sizeof(warn)) != 0) {
		if (seg != NULL || ns != 0 || err[0] == '\0')
			abort();
		return 0;
	}
	u = o.fps > 0 ? 1 / o.fps : 0.001;
	x = o.fps > 0 ? round(o.xfade * o.fps) / o.fps : o.xfade;
	guard_t = (1 - o.guard) * t;
	for (i = 0; i < ns; i++) {
		double len = seg[i].end - seg[i].start;

		if (len < u - 1e-9 || seg[i].start < -1e-9 ||
		    seg[i].end > guard_t + 1e-6 ||
		    (i > 0 && seg[i].start < seg[i - 1].end - 1e-9))
			abort();
		if (warn[0] == '\0' && i > 0 &&
		    len > seg[i - 1].end - seg[i - 1].start + 1e-9)
			abort();
		sum += len;
	}
	/*
	 * Never long; short only when the pieces could not hold the target
	 * even with lengths free to vary (then a warning says so).
	 */
	if (ns == 0 || sum > o.target + (ns - 1) * x + u / 2 + 1e-6 ||
	    (warn[0] == '\0' && sum < o.target + (ns - 1) * x - u / 2 - 1e-6))
		abort();
	free(seg);
	return 0;
}
