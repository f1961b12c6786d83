/*
 * subalign's choice of the reference's audio stream, when the file has
 * several and --audio-stream does not say: the stream whose language tag
 * is the subtitles' language (the "lang" field of their cue records, as
 * langid(1) adds it), or else the one with the most speech, which takes
 * one analysis of every stream.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "align.h"
#include "audio.h"
#include "media.h"
#include "vad.h"

#define MAXSTREAMS	16

/*
 * ISO 639-2 codes (bibliographic and terminology) of the languages
 * films are most often dubbed in, with their ISO 639-1 code: container
 * tags use the three-letter codes, langid the two-letter ones.
 */
static const char *const iso639[][3] = {
	{ "ar", "ara", "ara" }, { "bg", "bul", "bul" }, { "ca", "cat", "cat" },
	{ "cs", "cze", "ces" }, { "da", "dan", "dan" }, { "de", "ger", "deu" },
	{ "el", "gre", "ell" }, { "en", "eng", "eng" }, { "es", "spa", "spa" },
	{ "et", "est", "est" }, { "fa", "per", "fas" }, { "fi", "fin", "fin" },
	{ "fr", "fre", "fra" }, { "he", "heb", "heb" }, { "hi", "hin", "hin" },
	{ "hr", "hrv", "hrv" }, { "hu", "hun", "hun" }, { "id", "ind", "ind" },
	{ "it", "ita", "ita" }, { "ja", "jpn", "jpn" }, { "ko", "kor", "kor" },
	{ "lt", "lit", "lit" }, { "lv", "lav", "lav" }, { "ms", "may", "msa" },
	{ "nl", "dut", "nld" }, { "no", "nor", "nor" }, { "pl", "pol", "pol" },
	{ "pt", "por", "por" }, { "ro", "rum", "ron" }, { "ru", "rus", "rus" },
	{ "sk", "slo", "slk" }, { "sl", "slv", "slv" }, { "sr", "srp", "srp" },
	{ "sv", "swe", "swe" }, { "ta", "tam", "tam" }, { "th", "tha", "tha" },
	{ "tr", "tur", "tur" }, { "uk", "ukr", "ukr" }, { "vi", "vie", "vie" },
	{ "zh", "chi", "zho" }
};

/* The two-letter code of a tag ("eng", "en-GB", "pt_BR"), or "". */
static void
lang_norm(const char *tag, char out[4])
{
	char t[4] = "";
	size_t i, k;

	for (i = 0; i < 3 && isalpha((unsigned char)tag[i]); i++)
		t[i] = (char)tolower((unsigned char)tag[i]);
	t[i] = '\0';
	out[0] = '\0';
	if (i == 2) {
		memcpy(out, t, 3);
		return;
	}
	if (i != 3 || isalpha((unsigned char)tag[3]))
		return;
	for (k = 0; k < sizeof(iso639) / sizeof(iso639[0]); k++)
		if (strcmp(t, iso639[k][1]) == 0 ||
		    strcmp(t, iso639[k][2]) == 0) {
			memcpy(out, iso639[k][0], 3);
			return;
		}
}

/* The language most cues of doc carry in a "lang" field, or "". */
static void
subs_lang(const struct sub_doc *doc, char out[4])
{
	char best[4] = "", l[4];
	size_t i, j, n, bn = 0;

	for (i = 0; i < doc->n; i++) {
		const json_t *v = doc->v[i].rec != NULL ?
		    json_object_get(doc->v[i].rec, "lang") : NULL;

		if (doc->v[i].type != SUB_CUE || !json_is_string(v))
			continue;
		lang_norm(json_string_value(v), l);
		if (l[0] == '\0' || strcmp(l, best) == 0)
			continue;
		/* count this language (quadratic only in its first cues) */
		for (j = i, n = 0; j < doc->n; j++) {
			const json_t *w = doc->v[j].rec != NULL ?
			    json_object_get(doc->v[j].rec, "lang") : NULL;
			char m[4];

			if (json_is_string(w)) {
				lang_norm(json_string_value(w), m);
				n += strcmp(m, l) == 0;
			}
		}
		if (n > bn) {
			bn = n;
			memcpy(best, l, 4);
		}
		if (2 * bn > doc->n)
			break;
	}
	memcpy(out, best, 4);
}

/* Seconds of speech in an analysis: probability where it moves at
 * syllable rate (see gate.c). */
static double
speech_seconds(const struct vad_out *v)
{
	double s = 0;
	long i;

	for (i = 0; i < v->n; i++)
		s += v->prob[i] / (1 + exp(-(v->mod[i] - 0.35) / 0.05));
	return s * VAD_HOP;
}

int
align_reference_audio(const struct align_opts *o, const struct sub_doc *doc,
    struct vad_out *out, int *stream, struct rerr *e)
{
	struct vad_opts vo = VAD_OPTS_DEFAULT;
	struct media_astream as[MAXSTREAMS];
	struct vad_out v;
	char want[4], l[4];
	double best = -1, sp;
	int ns, i, match = -1, nmatch = 0, rv;

	vo.max_errors = 0;	/* a hole in the reference moves what follows */
	*stream = o->audio_stream;
	ns = o->audio_stream >= 0 || au_sndfile_format(o->ref) ? 1 :
	    media_audio_streams(o->ref, as, MAXSTREAMS, e);
	if (ns <= 1) {
		vo.stream = o->audio_stream;
		memset(e, 0, sizeof(*e));
		return vad_run(o->ref, &vo, out, e);
	}
	if (ns > MAXSTREAMS)
		ns = MAXSTREAMS;
	subs_lang(doc, want);
	for (i = 0; i < ns && want[0] != '\0'; i++) {
		lang_norm(as[i].lang, l);
		if (strcmp(l, want) == 0) {
			match = i;
			nmatch++;
		}
	}
	if (nmatch == 1) {
		if (o->verbose)
			cli_warn("%s: audio stream %d: its language (%s) is "
			    "the subtitles'", o->ref, match, as[match].lang);
		vo.stream = *stream = match;
		return vad_run(o->ref, &vo, out, e);
	}
	memset(out, 0, sizeof(*out));
	for (i = 0; i < ns; i++) {
		vo.stream = i;
		if ((rv = vad_run(o->ref, &vo, &v, e)) != 0) {
			vad_out_free(out);
			return rv;
		}
		sp = speech_seconds(&v);
		if (o->verbose)
			cli_warn("%s: audio stream %d (%s): %.1f s of speech",
			    o->ref, i, as[i].lang[0] ? as[i].lang : "no "
			    "language tag", sp);
		if (sp > best) {
			vad_out_free(out);
			*out = v;
			best = sp;
			*stream = i;
		} else
			vad_out_free(&v);
	}
	return 0;
}
