/*
 * model: the reel model file (reel-model(5)), written by cf-train and
 * read by rank.
 *
 * A model file is a 64-byte header, a table of sections, and the sections,
 * each 8-byte aligned, little-endian, so a reader can mmap(2) the file and
 * use the arrays in place.  The header holds a magic, the format version,
 * the file size and a 64-bit FNV-1a checksum of everything after the
 * header.  model_open refuses (EX_DATAERR, with a message) a file that is
 * truncated, of another version, fails its checksum, or whose sections
 * point outside the file or into each other inconsistently; after it
 * succeeds every index in the arrays below is in range, so rank never
 * reads out of bounds.
 *
 * Ownership: struct model owns its mapping (or buffer); model_close
 * unmaps it.  The pointers in struct model point into that mapping.
 * struct model_writer borrows the arrays given to model_add until
 * model_write returns.
 */
#ifndef REEL_MODEL_H
#define REEL_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"

#define MODEL_MAGIC	"REELMODL"
#define MODEL_VERSION	1
#define MODEL_HDRSIZE	64
#define MODEL_DAYPARTS	4	/* 0-6, 6-12, 12-18, 18-24 h UTC */

/* Section ids (reel-model(5) lists each with its element type). */
enum model_sect {
	MS_META = 1,		/* struct model_meta, 1 */
	MS_USER_NAMES,		/* char: NUL-terminated ids */
	MS_USER_OFF,		/* u32 nusers: offset of each id */
	MS_ITEM_NAMES,		/* char */
	MS_ITEM_OFF,		/* u32 nitems */
	MS_USER_FACTORS,	/* f32 nusers x k (implicit ALS) */
	MS_ITEM_FACTORS,	/* f32 nitems x k */
	MS_MF_USER,		/* f32 nusers x (kmf + 1): bias, factors */
	MS_MF_ITEM,		/* f32 nitems x (kmf + 1) */
	MS_SEEN_START,		/* u32 nusers + 1: rows of MS_SEEN_ITEM */
	MS_SEEN_ITEM,		/* u32: each row sorted ascending */
	MS_POP_ALL,		/* f32 nitems: decayed event weight, all time */
	MS_POP_RECENT,		/* f32 nitems: the last recent_days */
	MS_NB_START,		/* u32 nitems + 1: rows of neighbours */
	MS_NB_ITEM,		/* u32: neighbour, best first */
	MS_NB_SIM,		/* f32: its similarity */
	MS_TAG_NAMES,		/* char: tag names */
	MS_TAG_OFF,		/* u32 ntags */
	MS_ITEM_TAG_START,	/* u32 nitems + 1 */
	MS_ITEM_TAG,		/* u32 tag ids */
	MS_ITEM_PUB,		/* f64 nitems: publish time, NaN unknown */
	MS_ITEM_TITLE_OFF,	/* u32 nitems: title in MS_ITEM_TITLES */
	MS_ITEM_TITLES,		/* char */
	MS_UPREF_START,		/* u32 nusers + 1 */
	MS_UPREF_KEY,		/* u32: daypart << 24 | tag */
	MS_UPREF_W,		/* f32: share of the user's weight */
	MS_USER_LAST,		/* f64 nusers: time of the last event */
	MS_SECT_MAX
};

/* Scalars of the model, the MS_META section (80 bytes). */
struct model_meta {
	uint32_t	 nusers, nitems, ntags;
	uint32_t	 k;		/* ALS factors, 0 when absent */
	uint32_t	 kmf;		/* MF factors, 0 when absent */
	uint32_t	 nb;		/* neighbours per item, 0 when absent */
	double		 mean;		/* global mean rating (MF) */
	double		 t_end;		/* latest event time in train */
	double		 half_life;	/* seconds, 0 = no decay */
	double		 recent_days;
	double		 alpha, reg;
	uint32_t	 seed, flags;
};

struct model {
	struct model_meta meta;
	const char	*user_names, *item_names, *tag_names, *titles;
	const uint32_t	*user_off, *item_off, *tag_off, *title_off;
	const float	*uf, *vf;		/* ALS */
	const float	*mfu, *mfi;		/* MF with bias */
	const uint32_t	*seen_start, *seen;
	const float	*pop_all, *pop_recent;
	const uint32_t	*nb_start, *nb_item;
	const float	*nb_sim;
	const uint32_t	*itag_start, *itag;
	const double	*pub;
	const uint32_t	*upref_start, *upref_key;
	const float	*upref_w;
	const double	*ulast;			/* NULL in older files */
	/* the mapping */
	void		*map;
	size_t		 size;
	int		 mapped;
};

/*
 * Maps and checks the file.  Returns 0, or EX_NOINPUT (cannot open) or
 * EX_DATAERR (not a valid model) with e filled.
 */
int	 model_open(struct model *m, const char *path, struct rerr *e);
/*
 * Checks a model held in memory (borrowed; must stay valid and be 8-byte
 * aligned).  name is used in messages.  Returns 0 or EX_DATAERR.
 */
int	 model_from_mem(struct model *m, const void *buf, size_t len,
	    const char *name, struct rerr *e);
void	 model_close(struct model *m);

/* The checksum of the header: 64-bit FNV-1a. */
uint64_t model_hash(const void *p, size_t n, uint64_t h);

struct model_writer {
	struct {
		uint32_t	 id, esize;
		const void	*p;
		uint64_t	 count;
	} s[MS_SECT_MAX];
	int		 n;
};

void	 model_writer_init(struct model_writer *w);
/* Adds a section (borrowed until model_write).  Returns 0 or -1. */
int	 model_add(struct model_writer *w, uint32_t id, const void *p,
	    uint32_t esize, uint64_t count);
/* Writes the file to fp.  Returns 0, or EX_IOERR with e filled. */
int	 model_write(struct model_writer *w, FILE *fp, const char *name,
	    struct rerr *e);

#endif /* REEL_MODEL_H */
