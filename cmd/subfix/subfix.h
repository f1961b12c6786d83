/*
 * subfix's parts: the profiles, the layout of a cue's text, the timing
 * rules and the run.
 *
 * All times are integer milliseconds, as in lib/sub; limits given in
 * frames are turned into milliseconds at --fps once, in fix_limits().
 */
#ifndef SUBFIX_H
#define SUBFIX_H

#include <stdint.h>

#include <jansson.h>

#include "ndjson.h"
#include "sub.h"

/* A profile: the limits of one published guideline (profile.c). */
struct profile {
	const char	*name;
	long		 max_chars;	/* visible characters per line */
	long		 max_lines;	/* lines per cue */
	double		 cps;		/* reading speed, characters/second */
	double		 min_dur;	/* seconds */
	double		 max_dur;	/* seconds */
	double		 min_gap;	/* frames between cues */
	double		 chain;		/* seconds: close gaps up to this */
	double		 shot_window;	/* seconds: snap or keep this far */
	double		 shot_out;	/* frames: end this much before a cut */
	int		 one_line;	/* text that fits one line goes on one */
};

/* The named profile, or NULL; subfix_profiles lists them (NULL-ended). */
const struct profile *profile_find(const char *name);
extern const struct profile *const subfix_profiles[];

struct fix_opts {
	const char	*input, *output, *report, *scenes;
	const char	*lang;		/* --lang, NULL: the profile's */
	struct sub_ropts ro;		/* -e, -i; fps from --fps */
	enum sub_fmt	 to;		/* SUB_NONE: the input's format */
	double		 fps;
	int		 split;		/* --split */
	struct profile	 p;		/* the profile with options applied */
};

/* The limits in milliseconds. */
struct fix_limits {
	long		 max_chars, max_lines;
	int		 one_line;
	double		 cps;
	int64_t		 min_dur, max_dur, gap, chain, window, out;
};
void	 fix_limits(const struct fix_opts *o, struct fix_limits *l);

/*
 * Layout (layout.c).  Text is in the markup m (SUB_SRT, SUB_VTT or
 * SUB_ASS), lines separated by '\n'.
 */
/* Visible characters of one line or of the whole text (breaks not
 * counted): tags and override blocks are invisible, a character
 * reference is one character, a UTF-8 sequence is one. */
long	 lay_chars(const char *s, size_t n, enum sub_fmt m);
/* The longest line's visible length and the number of lines. */
void	 lay_measure(const char *text, enum sub_fmt m, long *longest,
	    long *lines);
/*
 * Breaks text anew when a line is longer than max_chars or there are more
 * than max_lines lines: the words (markup kept with them) are laid out on
 * the fewest lines that fit, with breaks after punctuation and before
 * conjunctions and prepositions preferred, a break after an article,
 * a pronoun or an auxiliary avoided, and lines of even length.  Dialogue
 * (lines that start with a dash) keeps one line per speaker.  With
 * one_line, text broken over lines that would fit on one is joined.
 * Returns a
 * malloc'd new text, or NULL when the text is left as it is.  The new
 * text differs from the old only in which spaces are line breaks (runs of
 * white space become one space or one break).
 */
char	*lay_rebreak(const char *text, enum sub_fmt m, long max_chars,
	    long max_lines, int one_line);

/*
 * --split: the fewest parts (at least min_parts) of text that each fit
 * max_lines lines of max_chars, split where lines would be (sentence ends
 * first, then clause punctuation, a new speaker's dash best of all) into
 * parts of similar length.  A tag open across a split is closed at the
 * end of one part and opened again at the start of the next, so the
 * visible text and its styling are unchanged; text with ASS override
 * blocks, whose state a later part would lose, is not split.  Returns
 * the number of parts; when more than 1, *parts holds them (malloc'd, the
 * words joined by single spaces, lines to be broken by lay_rebreak).
 * Returns 1 and leaves *parts NULL when the text is kept whole: it fits,
 * or no split would fit (a word wider than a line).
 */
size_t	 lay_split(const char *text, enum sub_fmt m, long max_chars,
	    long max_lines, size_t min_parts, char ***parts);

/* One cue as the timing rules see it (timing.c). */
struct fix_cue {
	size_t		 item;		/* index in the sub_doc */
	long		 num;		/* 1-based cue number in file order */
	long		 line;		/* input line */
	int64_t		 start, end;
	long		 chars;		/* visible characters */
	int		 snapped;	/* start is on a shot change */
};

/* Where the changes and remaining problems go (run.c). */
struct fix_report {
	FILE		*fp;
	long		 changes, problems;
};
void	 rep_change(struct fix_report *r, const struct fix_cue *c,
	    const char *rule, const char *field, int64_t from, int64_t to);
void	 rep_text(struct fix_report *r, const struct fix_cue *c,
	    const char *rule, const char *from, const char *to);
void	 rep_problem(struct fix_report *r, const struct fix_cue *c,
	    const char *rule, double value, double limit, const char *why);

/*
 * Applies the timing rules to the n cues (sorted by start, ties in file
 * order) with the shot changes shots (ns, sorted), reporting every change.
 */
void	 fix_timing(struct fix_cue *c, size_t n, const int64_t *shots,
	    size_t ns, const struct fix_limits *l, struct fix_report *r);
/*
 * Checks every timing rule and reports each cue that still breaks one
 * with the reason.  Returns the number of problems.
 */
long	 fix_verify(const struct fix_cue *c, size_t n, const int64_t *shots,
	    size_t ns, const struct fix_limits *l, struct fix_report *r);

int	 fix_run(const struct fix_opts *o, struct ndj_policy *pol);

#endif /* SUBFIX_H */
