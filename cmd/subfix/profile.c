/*
 * The profiles: the limits of published subtitle guidelines.  Each figure
 * says where it comes from; where a guideline gives none, the value is
 * ours and says so.
 */
#include <string.h>

#include "subfix.h"

/*
 * Netflix, "Timed Text Style Guide: General Requirements" (partner help
 * centre, article 215758617): minimum duration 5/6 s, maximum 7 s, a gap
 * of at least 2 frames regardless of frame rate, at most 2 lines.
 * "English (USA) Timed Text Style Guide": 42 characters per line; reading
 * speed up to 20 characters per second for adult programmes, 17 for
 * children's; "always keep the text on one line, unless it exceeds the
 * character limitation".  "Subtitle Timing Guidelines" (article 360051554394): gaps
 * of 12 frames (half a second at 24 fps) or fewer are closed to 2 frames
 * ("chaining"); an in-time within 12 frames of a shot change goes onto
 * it; an out-time near a shot change goes 2 frames before it, else it
 * stays at least 12 frames away.
 */
static const struct profile netflix_en = {
	"netflix-en", 42, 2, 20, 5.0 / 6, 7, 2, 0.5, 0.5, 2, 1
};
static const struct profile netflix_en_kids = {
	"netflix-en-kids", 42, 2, 17, 5.0 / 6, 7, 2, 0.5, 0.5, 2, 1
};

/*
 * BBC, "Subtitle Guidelines" (bbc.github.io/subtitle-guidelines): lines
 * of about 37 characters (68 % of a 16:9 picture, the Teletext width), two
 * lines at most; 160-180 words per minute, which at the 5.5 characters of
 * an average English word with its space and punctuation is 15-17
 * characters per second (we take 17); subtitles start on the first frame
 * of a shot and end on its last (so no frames before the cut).  The
 * guidelines give no figures for the minimum and maximum duration, the
 * gap or the shot-change window: those are Netflix's above.
 */
static const struct profile bbc = {
	"bbc", 37, 2, 17, 5.0 / 6, 7, 2, 0.5, 0.5, 0, 0
};

const struct profile *const subfix_profiles[] = {
	&netflix_en, &netflix_en_kids, &bbc, NULL
};

const struct profile *
profile_find(const char *name)
{
	size_t i;

	for (i = 0; subfix_profiles[i] != NULL; i++)
		if (strcmp(subfix_profiles[i]->name, name) == 0)
			return subfix_profiles[i];
	return NULL;
}
