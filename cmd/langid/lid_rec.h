/*
 * lid_rec: langid's fast path over NDJSON records, and the field paths
 * (--field a.b) it and the jansson path share.
 *
 * A record line that is already in the form ndj_dump prints (compact, no
 * duplicate keys, every string and number written as ndj_dump writes it:
 * the canonical form most reel tools emit) is annotated without a jansson
 * tree: lid_rec_scan checks the whole line and finds the fields, and the
 * output is the line with langid's fields added before its closing brace,
 * byte for byte what the jansson path prints.  Any other line, and a line
 * that already has one of langid's fields, is handed to jansson, which
 * accepts or rejects it; so both paths accept the same lines and print
 * the same bytes (tests/fuzz/fuzz_langid_rec.c checks it).
 *
 * Ownership: lid_rec_scan borrows the line; the values it finds point
 * into it.
 */
#ifndef LID_REC_H
#define LID_REC_H

#include <stddef.h>

#define LID_MAXFIELD	8	/* --field options */
#define LID_PATHDEPTH	8	/* names in one --field path */

/* A field path: the names of a.b.c. */
struct lid_path {
	const char	*name[LID_PATHDEPTH];
	size_t		 len[LID_PATHDEPTH];
	int		 n;
	const char	*spec;		/* as given */
};

/*
 * Parses spec ("a.b": the field b of the object a) into p, pointing into
 * spec.  Returns 0, or -1 for an empty name or more than LID_PATHDEPTH.
 */
int	 lid_path_parse(struct lid_path *p, const char *spec);

enum lid_vtype { LID_V_ABSENT, LID_V_NULL, LID_V_STRING, LID_V_OTHER };

/* A field's value as lid_rec_scan found it. */
struct lid_val {
	enum lid_vtype	 type;
	const char	*p;		/* a string: its bytes inside the quotes */
	size_t		 n;
};

/*
 * Checks that line (len bytes) is a JSON object in ndj_dump's form, has
 * none of the keys langid adds (lang, conf, alt, spans), and finds the
 * value of each of the npath paths into val[].  Returns 1 when all holds,
 * else 0.
 */
int	 lid_rec_scan(const char *line, size_t len, const struct lid_path *path,
	    int npath, struct lid_val *val);

/*
 * Decodes in place the n bytes of a string as lid_rec_scan found it (the
 * escapes of ndj_dump's form undone).  Returns the decoded length.
 */
size_t	 lid_rec_decode(char *s, size_t n);

#endif /* LID_REC_H */
