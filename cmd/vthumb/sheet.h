/*
 * sheet: vthumb's contact sheet, one tile per scene with its start time
 * printed in the corner, written atomically as a JPEG.
 */
#ifndef VTHUMB_SHEET_H
#define VTHUMB_SHEET_H

#include <stdint.h>

#include "media.h"
#include "pick.h"

#define SHEET_TILE_W	240
#define SHEET_COLS	4

/* Returns 0 or the exit status after a report. */
int	 sheet_write(const char *out, const char *path,
	    const struct media_info *mi, const struct tscene *sc, int nsc,
	    int threads, int quality);
/* Draws text (digits, ':' and '.') at x, y, scale s, white on a dark box. */
void	 sheet_text(uint8_t *rgb, int w, int h, int x, int y, int s,
	    const char *text);

#endif /* VTHUMB_SHEET_H */
