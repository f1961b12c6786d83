/*
 * export: scene records and the editor formats of --to: NDJSON scene
 * records, CMX 3600 EDL, FFmpeg ffmetadata chapters, WebVTT and CSV.
 * Each scene is written as soon as it is decided; a format's header goes
 * out with the first.
 */
#ifndef VSCENES_EXPORT_H
#define VSCENES_EXPORT_H

#include <stdio.h>

#include "detect.h"

enum exp_fmt { EXP_NDJSON, EXP_EDL, EXP_FFMETA, EXP_VTT, EXP_CSV };

struct exporter {
	FILE	*fp;
	enum exp_fmt fmt;
	const char *src;	/* for "src" and titles; may be NULL */
	double	 fps;		/* average rate */
	double	 base_fps;	/* the stream's base rate, 0 if unknown */
	int	 tb_num, tb_den;	/* pts time base, 0 if unknown */
	int	 started;
	long	 count;
};

/* Parses a --to name; returns -1 when unknown. */
int	 exp_parse(const char *name);
int	 exp_scene(struct exporter *x, const struct det_scene *s);

#endif /* VSCENES_EXPORT_H */
