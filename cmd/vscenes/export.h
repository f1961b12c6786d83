/*
 * export: scene records and the editor formats of -f: NDJSON scene
 * records, CMX 3600 EDL, FFmpeg ffmetadata chapters, WebVTT and CSV.
 * Each scene is written as soon as it is decided; a format's header goes
 * out with the first.
 *
 * The output (-o) is opened when the first scene is written, not before,
 * so a run that fails before any output leaves no temporary behind; an
 * EDL of more than 999 events goes on in a file of its own per 999 (see
 * exp_part_name), all of them committed together by exp_close.
 *
 * Ownership: the exporter borrows src and path; exp_close releases what
 * it opened.
 */
#ifndef VSCENES_EXPORT_H
#define VSCENES_EXPORT_H

#include <stdio.h>

#include "cli.h"
#include "detect.h"

enum exp_fmt { EXP_NDJSON, EXP_EDL, EXP_FFMETA, EXP_VTT, EXP_CSV };

/* Timecode: drop-frame at 29.97 and 59.94 (auto), or never, or always. */
enum exp_tc { EXP_TC_AUTO, EXP_TC_NDF, EXP_TC_DF };

/* The most events in one EDL file (three digits of event number). */
#define EXP_EDL_EVENTS	999

struct atomic_file;

struct exporter {
	enum exp_fmt fmt;
	enum exp_tc tc;
	const char *path;	/* -o, or NULL for stdout */
	const char *src;	/* for "src" and titles; may be NULL */
	double	 fps;		/* average rate */
	double	 base_fps;	/* the stream's base rate, 0 if unknown */
	int	 tb_num, tb_den;	/* pts time base, 0 if unknown */
	/* state */
	FILE	*fp;		/* the current part, once opened */
	struct atomic_file **af;	/* the parts written to files */
	int	 naf;
	long	 count;		/* scenes written */
	long	 events;	/* EDL events in the current part */
};

/* Parses a -f name; returns -1 when unknown. */
int	 exp_parse(const char *name);
/* Parses a --timecode name (auto, ndf, df); returns -1 when unknown. */
int	 exp_tc_parse(const char *name);

/*
 * Writes one scene, opening the output first when it is the first.
 * Returns 0, or a status with e filled (EX_CANTCREAT, EX_IOERR).
 */
int	 exp_scene(struct exporter *x, const struct det_scene *s,
	    struct rerr *e);

/*
 * Ends the output.  With ok, a run that wrote no scene still writes the
 * format's empty form (a header, or nothing), and every part is committed;
 * without, every part is removed.  Returns 0 or a status with e filled.
 */
int	 exp_close(struct exporter *x, int ok, struct rerr *e);

/*
 * The name of part n (from 1) of an EDL written to path: path itself for
 * the first, then "stem-N.ext" ("movie-2.edl").  Returns the length
 * snprintf would.
 */
int	 exp_part_name(const char *path, int n, char *buf, size_t len);

/*
 * HH:MM:SS:FF for frame f at the nominal integer rate, or HH:MM:SS;FF
 * drop-frame (frame numbers 0 and 1, at 59.94 0 to 3, skipped at every
 * minute but each tenth) when drop is set and rate is 30 or 60.
 */
void	 exp_timecode(long f, int rate, int drop, char *buf, size_t n);

#endif /* VSCENES_EXPORT_H */
