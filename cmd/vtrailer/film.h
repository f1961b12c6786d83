/*
 * film: what vtrailer's inputs hold, gathered across files: the scenes
 * (vscenes), the audio windows and onsets (vframes -a), and the media
 * record (vframes), whose frame rate times the trailer.
 *
 * tr_film_record is the per-record function of the record loop; it
 * checks each record at the edge (scenes in order, of one source, with
 * times a film can have) and keeps what the choice needs.  Memory grows
 * with the film: a scene record costs about 100 bytes, an audio window
 * 32, whatever their text.
 *
 * Ownership: the film owns its arrays and src; tr_film_free frees them.
 */
#ifndef VTRAILER_FILM_H
#define VTRAILER_FILM_H

#include <jansson.h>

#include "cli.h"
#include "ndjson.h"
#include "select.h"

/* Times beyond this, in seconds, are no times of a film. */
#define TR_T_MAX	1e7
/* The most scenes and audio windows one run keeps (a week of film). */
#define TR_MAX_SCENES	10000000
#define TR_MAX_AUDIO	(7 * 24 * 36000)

struct tr_film {
	struct tr_scene *sc;
	int	 n, cap;
	struct tr_audio *a;
	int	 na, acap;
	double	*on;
	int	 no, ocap;
	char	*src;		/* of the first scene, or NULL */
	double	 frames, secs;	/* scene frames and seconds, for the rate */
	double	 media_fps;	/* a media record's rate, or 0 */
	double	 last_end;
};

/*
 * Takes one record: scene, audio, onset and media records are kept,
 * others ignored.  Returns 0, or -1 with e filled: EX_DATAERR for a bad
 * record, EX_SOFTWARE when out of memory.
 */
int	 tr_film_record(struct tr_film *fm, struct ndj_reader *r,
	    const json_t *rec, struct rerr *e);
/* After the last record: audio windows and onsets in time order. */
void	 tr_film_end(struct tr_film *fm);
/*
 * The frame rate of the film: a media record's, moved onto the standard
 * rate it prints (23.976 is 24000/1001), or else the rate the scenes'
 * frame numbers imply, moved onto the nearest standard rate when within
 * 0.5 % of it; 0 when neither is known.
 */
double	 tr_film_fps(const struct tr_film *fm);
void	 tr_film_free(struct tr_film *fm);

#endif /* VTRAILER_FILM_H */
