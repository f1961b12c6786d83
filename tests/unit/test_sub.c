/*
 * Unit tests of lib/sub: timestamps, decoding, format detection, the SRT,
 * WebVTT, ASS and NDJSON readers, the writers and markup conversion.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "sub.h"

/* Reads s (len bytes, or strlen) as format f (SUB_NONE: detect). */
static int
rd(const char *s, size_t len, enum sub_fmt f, int skip, struct sub_doc *d,
    struct rerr *e)
{
	struct sub_ropts o = { "t", NULL, f, SUB_NONE, 1, 0, NULL, NULL };
	struct ndj_policy pol = NDJ_POLICY_DEFAULT;

	memset(d, 0, sizeof(*d));
	memset(e, 0, sizeof(*e));
	pol.skip_bad = skip;
	return sub_read(s, len ? len : strlen(s), &o, &pol, d, e);
}

/* sub_decode with an explicit encoding (or NULL) and no warnings. */
static int
dec(const char *s, size_t len, const char *enc, enum sub_fmt f, char **t,
    size_t *n, char *used, struct rerr *e)
{
	struct sub_ropts o = { "t", enc, SUB_NONE, SUB_NONE, 1, 0, NULL,
		NULL };

	return sub_decode(s, len, &o, f, t, n, used, e);
}

/* Writes d as f into a malloc'd string. */
static char *
wr(const struct sub_doc *d, enum sub_fmt f)
{
	char *p = NULL;
	size_t n = 0;
	FILE *fp = open_memstream(&p, &n);

	sub_write(fp, d, f);
	fclose(fp);
	return p;
}

/* The i-th cue of d, or NULL. */
static const struct sub_item *
cue(const struct sub_doc *d, int i)
{
	size_t k;

	for (k = 0; k < d->n; k++)
		if (d->v[k].type == SUB_CUE && i-- == 0)
			return &d->v[k];
	return NULL;
}

static int
ncues(const struct sub_doc *d)
{
	int n = 0;

	while (cue(d, n) != NULL)
		n++;
	return n;
}

TEST(times_format)
{
	char b[32];

	sub_fmt_time(b, 0, ',');
	CHECK_STR(b, "00:00:00,000");
	sub_fmt_time(b, 360001500, '.');
	CHECK_STR(b, "100:00:01.500");
	sub_fmt_asstime(b, 3723455);
	CHECK_STR(b, "1:02:03.46");	/* rounded to centiseconds */
	sub_fmt_asstime(b, 994);
	CHECK_STR(b, "0:00:00.99");
}

TEST(vtt_timestamps)
{
	const char *s;
	int64_t ms;

	s = "00:01.500 x";
	CHECK(sub_parse_vtt_time(&s, &ms) == 0 && ms == 1500);
	CHECK_STR(s, " x");
	s = "01:02:03.004";
	CHECK(sub_parse_vtt_time(&s, &ms) == 0 && ms == 3723004);
	s = "120:00.000";	/* vtt.js: hours:minutes when over 59 */
	CHECK(sub_parse_vtt_time(&s, &ms) == 0 && ms == 432000000);
	s = "000:00.000";
	CHECK(sub_parse_vtt_time(&s, &ms) == 0 && ms == 0);
	s = "00:00.00";
	CHECK(sub_parse_vtt_time(&s, &ms) != 0);
	s = "00:000.000";
	CHECK(sub_parse_vtt_time(&s, &ms) != 0);
	s = "00.00.000";
	CHECK(sub_parse_vtt_time(&s, &ms) != 0);
	s = "00:00:01,000";
	CHECK(sub_parse_vtt_time(&s, &ms) != 0);
	s = "00:01.000line:1";	/* settings right after the time */
	CHECK(sub_parse_vtt_time(&s, &ms) == 0 && ms == 1000);
	CHECK_STR(s, "line:1");
}

TEST(decode_boms_and_fallbacks)
{
	struct rerr e = { 0 };
	char enc[SUB_ENC_NAME_MAX];
	char *t;
	size_t n;

	CHECK(dec("\xef\xbb\xbf" "a\r\nb\rc", 9, NULL, SUB_NONE,
	    &t, &n, enc, &e) == 0);
	CHECK_STR(t, "a\nb\nc");
	free(t);
	CHECK(dec("\xff\xfe" "a\0\xe9\0\n\0", 8, NULL, SUB_NONE,
	    &t, &n, enc, &e) == 0);
	CHECK_STR(t, "a\xc3\xa9\n");
	CHECK_STR(enc, "UTF-16LE");
	free(t);
	CHECK(dec("\0a\0b\0c\0d", 8, NULL, SUB_NONE, &t, &n, enc, &e) == 0);
	CHECK_STR(t, "abcd");
	CHECK_STR(enc, "UTF-16BE");
	free(t);
	CHECK(dec("\xff\xfe\0\0" "A\0\0\0" "\x00\xf6\x01\0", 12, NULL,
	    SUB_NONE, &t, &n, enc, &e) == 0);
	CHECK_STR(t, "A\xf0\x9f\x98\x80");
	free(t);
	/* Not UTF-8: a Windows code page, whose 0x80 is the euro sign
	 * (uchardet cannot tell 1250 from 1252 on so little). */
	CHECK(dec("caf\xe9 \x80", 6, NULL, SUB_NONE, &t, &n, enc, &e) == 0);
	CHECK_STR(t, "caf\xc3\xa9 \xe2\x82\xac");
	CHECK(strncmp(enc, "WINDOWS-125", 11) == 0);
	free(t);
	/* WebVTT is UTF-8: a bad byte is U+FFFD, so is NUL. */
	CHECK(dec("a\xe9" "b\0", 4, NULL, SUB_VTT, &t, &n, enc, &e) == 0);
	CHECK_STR(t, "a\xef\xbf\xbd" "b\xef\xbf\xbd");
	free(t);
	CHECK(dec("\xe1", 1, "ISO-8859-7", SUB_NONE, &t, &n, enc, &e) == 0);
	CHECK_STR(t, "\xce\xb1");
	free(t);
	CHECK(dec("x", 1, "NO-SUCH", SUB_NONE, &t, &n, enc, &e) == EX_USAGE);
}

TEST(detect)
{
	CHECK_INT(sub_detect("\n\nWEBVTT\n", 9, SUB_NONE), SUB_VTT);
	CHECK_INT(sub_detect("1\n00:00:01,000 --> 00:00:02,000\n", 32,
	    SUB_NONE), SUB_SRT);
	CHECK_INT(sub_detect("[Script Info]\nScriptType: v4.00+\n", 33,
	    SUB_NONE), SUB_ASS);
	CHECK_INT(sub_detect("[Script Info]\n[V4 Styles]\n", 26, SUB_NONE),
	    SUB_SSA);
	CHECK_INT(sub_detect("{\"type\":\"cue\"}\n", 15, SUB_NONE),
	    SUB_NDJSON);
	CHECK_INT(sub_detect("hello\n", 6, SUB_NONE), SUB_NONE);
	CHECK_INT(sub_detect("hello\n", 6, SUB_SRT), SUB_SRT);
	CHECK_INT(sub_fmt_from_path("a.b/x.VTT"), SUB_VTT);
	CHECK_INT(sub_fmt_from_path("a.srt/x"), SUB_NONE);
}

TEST(srt_tolerant)
{
	struct sub_doc d;
	struct rerr e;

	CHECK(rd("\n\n7\r\n0:0:1,5 --> 0:0:3.25\r\nA\r\nB\r\n\r\n\r\n"
	    "00:00:04:100->00:01:05,000  X1:1 Y1:2\nC\n\n"
	    "100:00:00,000-->100:00:01,000\nD", 0, SUB_SRT, 0, &d, &e) == 0);
	CHECK_INT(ncues(&d), 3);
	CHECK_INT(cue(&d, 0)->start, 1500);
	CHECK_INT(cue(&d, 0)->end, 3250);
	CHECK_STR(cue(&d, 0)->text, "A\nB");
	CHECK_INT(cue(&d, 1)->start, 4100);
	CHECK_INT(cue(&d, 1)->end, 65000);
	CHECK_STR(cue(&d, 1)->settings, "X1:1 Y1:2");
	CHECK_INT(cue(&d, 2)->start, 360000000);
	CHECK_STR(cue(&d, 2)->text, "D");
	sub_doc_free(&d);
}

TEST(srt_bad_blocks)
{
	struct sub_doc d;
	struct rerr e;
	const char *s = "1\n00:00:01,000 --> 00:00:02,000\nok\n\n"
	    "garbage\n\n2\n-00:00:01,000 --> 00:00:02,000\nneg\n\n"
	    "3\n00:00:03,000 --> 00:00:04,000\nok\n";

	CHECK(rd(s, 0, SUB_SRT, 0, &d, &e) == EX_DATAERR);
	CHECK_INT(e.line, 5);
	CHECK_STR(e.file, "t");
	CHECK_STR(e.msg, "no timing line in block");
	sub_doc_free(&d);
	fprintf(stderr, "(the next two messages are expected by the test)\n");
	CHECK(rd(s, 0, SUB_SRT, 1, &d, &e) == 0);
	CHECK_INT(ncues(&d), 2);
	CHECK_STR(cue(&d, 1)->text, "ok");
	sub_doc_free(&d);
}

TEST(srt_run_together)
{
	struct sub_doc d;
	struct rerr e;
	char *s;

	/* No blank lines: a timing line starts a cue, a digits line or a
	 * block's first line before it is its index, and a line that only
	 * has an arrow is text. */
	CHECK(rd("1\n00:00:01,000 --> 00:00:02,000\nA -> B\n2\n"
	    "00:00:03,000 --> 00:00:04,000\nC\n00:00:05,000 --> "
	    "00:00:06,000\nD\nE\n\nid\n00:00:07,000 --> 00:00:08,000\n",
	    0, SUB_SRT, 0, &d, &e) == 0);
	CHECK_INT(ncues(&d), 4);
	CHECK_STR(cue(&d, 0)->text, "A -> B");
	CHECK_STR(cue(&d, 1)->text, "C");
	CHECK_STR(cue(&d, 2)->text, "D\nE");
	CHECK_STR(cue(&d, 3)->text, "");
	CHECK_INT(cue(&d, 3)->start, 7000);
	/* Text that reads as a timing line is written so it stays text. */
	{
		struct sub_item *it = (struct sub_item *)cue(&d, 3);

		free(it->text);
		it->text = strdup("00:00:09,000 --> 00:00:10,000");
	}
	s = wr(&d, SUB_SRT);
	sub_doc_free(&d);
	CHECK(rd(s, 0, SUB_SRT, 0, &d, &e) == 0);
	CHECK_INT(ncues(&d), 4);
	CHECK_STR(cue(&d, 3)->text,
	    "\xe2\x81\xa0" "00:00:09,000 --> 00:00:10,000");
	free(s);
	sub_doc_free(&d);
}

TEST(sbv_read_write)
{
	struct sub_doc d;
	struct rerr e;
	char *s;

	CHECK(rd("0:00:01.000,0:00:02.500\nHello\nthere\n\n"
	    "0:01:03.250,0:01:04.000\n<i>Bye</i>\n", 0, SUB_NONE, 0, &d,
	    &e) == 0);
	CHECK_INT(d.fmt, SUB_SBV);
	CHECK_INT(ncues(&d), 2);
	CHECK_INT(cue(&d, 1)->start, 63250);
	CHECK_STR(cue(&d, 0)->text, "Hello\nthere");
	s = wr(&d, SUB_SBV);
	/* SBV is plain text: the tags go. */
	CHECK_STR(s, "0:00:01.000,0:00:02.500\nHello\nthere\n\n"
	    "0:01:03.250,0:01:04.000\nBye\n\n");
	free(s);
	s = wr(&d, SUB_SRT);
	CHECK(strstr(s, "<i>Bye</i>") != NULL);
	free(s);
	sub_doc_free(&d);
}

TEST(markup_ttml)
{
	struct sub_buf b = { 0 };

	/* Mis-nested SRT tags still make well-formed spans. */
	sub_markup(&b, "<i>a <b>b</i> c</b> & <x", SUB_SRT, SUB_TTML);
	CHECK_STR(b.p, "<span tts:fontStyle=\"italic\">a <span "
	    "tts:fontWeight=\"bold\">b</span></span><span "
	    "tts:fontWeight=\"bold\"> c</span> &amp; &lt;x");
	b.len = 0;
	sub_markup(&b, "</i>never opened<font color=\"#ff0000\">red",
	    SUB_SRT, SUB_TTML);
	CHECK_STR(b.p, "never opened<span tts:color=\"#ff0000\">red</span>");
	b.len = 0;
	sub_markup(&b, "{\\i1}it{\\i0} &", SUB_ASS, SUB_TTML);
	CHECK_STR(b.p, "<span tts:fontStyle=\"italic\">it</span> &amp;");
	b.len = 0;
	sub_markup(&b, "x &lt;&amp;&gt; &nbsp;y", SUB_VTT, SUB_TTML);
	CHECK_STR(b.p, "x &lt;&amp;&gt; \xc2\xa0y");
	/* And back: italic, bold, underline, colour; references decoded. */
	b.len = 0;
	sub_markup(&b, "<span tts:fontStyle=\"italic\" tts:color=\"red\">"
	    "a<span tts:fontWeight=\"bold\">b</span></span> &amp; c",
	    SUB_TTML, SUB_SRT);
	CHECK_STR(b.p, "<font color=\"red\"><i>a<b>b</b></i></font> & c");
	b.len = 0;
	sub_markup(&b, "<span tts:color=\"yellow\">y</span> &lt;",
	    SUB_TTML, SUB_ASS);
	CHECK_STR(b.p, "{\\c&H00ffff&}y{\\c} <");
	b.len = 0;
	sub_markup(&b, "<span tts:textDecoration=\"underline\">u</span> "
	    "&lt;", SUB_TTML, SUB_VTT);
	CHECK_STR(b.p, "<u>u</u> &lt;");
	b.len = 0;
	sub_markup(&b, "<span tts:fontStyle=\"italic\">plain</span>",
	    SUB_TTML, SUB_SBV);
	CHECK_STR(b.p, "plain");
	sub_buf_free(&b);
}

TEST(ttml_read_write)
{
	struct sub_doc d;
	struct rerr e;
	char *s;

	CHECK(rd("<tt xmlns=\"http://www.w3.org/ns/ttml\" xml:lang=\"de\">"
	    "<body><div><p begin=\"1s\" end=\"00:00:02.5\" xml:id=\"a\">"
	    "Hallo\n  Welt<br/>zwei</p></div></body></tt>", 0, SUB_NONE, 0,
	    &d, &e) == 0);
	CHECK_INT(d.fmt, SUB_TTML);
	CHECK_INT(ncues(&d), 1);
	CHECK_INT(cue(&d, 0)->start, 1000);
	CHECK_INT(cue(&d, 0)->end, 2500);
	CHECK_STR(cue(&d, 0)->id, "a");
	CHECK_STR(cue(&d, 0)->text, "Hallo Welt\nzwei");
	s = wr(&d, SUB_TTML);
	CHECK(strstr(s, "xml:lang=\"de\"") != NULL);
	CHECK(strstr(s, "<p begin=\"00:00:01.000\" end=\"00:00:02.500\" "
	    "xml:id=\"a\">Hallo Welt<br/>zwei</p>") != NULL);
	free(s);
	sub_doc_free(&d);
	/* Hand-made markup that is not XML is written as plain text. */
	CHECK(rd("{\"type\":\"header\",\"format\":\"ttml\"}\n"
	    "{\"type\":\"cue\",\"start\":1,\"end\":2,"
	    "\"text\":\"<span>open\"}\n", 0, SUB_NONE, 0, &d, &e) == 0);
	s = wr(&d, SUB_TTML);
	CHECK(strstr(s, ">open</p>") != NULL);
	free(s);
	sub_doc_free(&d);
}

TEST(srt_write_renumbers)
{
	struct sub_doc d;
	struct rerr e;
	char *s;

	CHECK(rd("5\n00:00:01,000 --> 00:00:02,000\nA\n\n"
	    "9\n00:00:03,000 --> 00:00:04,000\n\n", 0, SUB_SRT, 0, &d,
	    &e) == 0);
	s = wr(&d, SUB_SRT);
	CHECK_STR(s, "1\n00:00:01,000 --> 00:00:02,000\nA\n\n"
	    "2\n00:00:03,000 --> 00:00:04,000\n\n");
	free(s);
	sub_doc_free(&d);
}

TEST(vtt_blocks)
{
	struct sub_doc d;
	struct rerr e;
	const char *s = "WEBVTT foo\nKind: captions\n\nSTYLE\n::cue {}\n\n"
	    "NOTE hi\n\nREGION\nid:r width:40% lines:2 scroll:up\n\n"
	    "id1\n00:01.000 --> 00:02.000 region:r size:50% align:bogus\n"
	    "<b>x</b> &amp;\n00:03.000 --> 00:04.000\ny\n";
	char *out;

	CHECK(rd(s, 0, SUB_NONE, 0, &d, &e) == 0);
	CHECK_INT(d.fmt, SUB_VTT);
	CHECK_INT(d.n, 6);
	CHECK_STR(d.v[0].text, "WEBVTT foo\nKind: captions");
	CHECK_INT(d.v[1].type, SUB_STYLE);
	CHECK_INT(d.v[2].type, SUB_NOTE);
	CHECK_INT(d.v[3].type, SUB_REGION);
	CHECK_STR(d.v[3].id, "r");
	CHECK(d.v[3].reg.width == 40 && d.v[3].reg.lines == 2 &&
	    d.v[3].reg.scroll_up);
	CHECK_STR(cue(&d, 0)->id, "id1");
	CHECK_STR(cue(&d, 0)->settings, "region:r size:50%");
	CHECK_STR(cue(&d, 0)->region, "r");
	CHECK_STR(cue(&d, 0)->text, "<b>x</b> &amp;");
	/* A timing line in the text starts the next cue. */
	CHECK_INT(cue(&d, 1)->start, 3000);
	out = wr(&d, SUB_VTT);
	CHECK_STR(out, "WEBVTT foo\nKind: captions\n\nSTYLE\n::cue {}\n\n"
	    "NOTE hi\n\nREGION\nid:r width:40% lines:2 scroll:up\n\n"
	    "id1\n00:00:01.000 --> 00:00:02.000 region:r size:50%\n"
	    "<b>x</b> &amp;\n\n00:00:03.000 --> 00:00:04.000\ny\n");
	free(out);
	sub_doc_free(&d);
}

TEST(vtt_settings_rules)
{
	struct sub_buf b = { 0 };
	char *region;

	sub_vtt_settings(&b, "line:42%,left position:101% size:42.5% "
	    "align:START vertical:lr line:1 align: x:y :z", NULL, &region);
	CHECK_STR(b.p, "line:42% size:42.5% vertical:lr");
	CHECK(region == NULL);
	b.len = 0;
	sub_vtt_settings(&b, "line:-0000 position:0%,line-right "
	    "align:middle region:r", NULL, &region);
	CHECK_STR(b.p, "line:-0000 position:0%,line-right align:middle");
	sub_buf_free(&b);
}

TEST(vtt_bad)
{
	struct sub_doc d;
	struct rerr e;

	CHECK(rd("WEBVTTX\n", 0, SUB_VTT, 0, &d, &e) == EX_DATAERR);
	CHECK_INT(e.line, 1);
	sub_doc_free(&d);
	CHECK(rd("WEBVTT\n\n00:01.000 --> 00:02,000\nbad\n", 0, SUB_VTT, 0,
	    &d, &e) == EX_DATAERR);
	CHECK_INT(e.line, 3);
	sub_doc_free(&d);
	/* A bad cue takes its whole block, "-->" lines included. */
	fprintf(stderr, "(the next message is expected by the test)\n");
	CHECK(rd("WEBVTT\n\n-->\n00:01.000 --> 00:02.000\nx\n\n"
	    "00:03.000 --> 00:04.000\ny\n", 0, SUB_VTT, 1, &d, &e) == 0);
	CHECK_INT(ncues(&d), 1);
	CHECK_STR(cue(&d, 0)->text, "y");
	sub_doc_free(&d);
}

TEST(vtt_legacy_header_region)
{
	struct sub_doc d;
	struct rerr e;

	CHECK(rd("WEBVTT\nRegion: id=fred--> width=40% regionanchor=1%,2%\n"
	    "\n00:00.000 --> 00:01.000 region:fred-->\nT\n", 0, SUB_VTT, 0,
	    &d, &e) == 0);
	CHECK_INT(d.v[1].type, SUB_REGION);
	CHECK(d.v[1].reg.in_header);
	CHECK_STR(d.v[1].id, "fred-->");
	CHECK(d.v[1].reg.width == 40 && d.v[1].reg.ra_x == 1 &&
	    d.v[1].reg.ra_y == 2);
	CHECK_STR(cue(&d, 0)->region, "fred-->");
	sub_doc_free(&d);
}

TEST(ass_read_write)
{
	struct sub_doc d;
	struct rerr e;
	const char *s = "\xef\xbb\xbf[Script Info]\r\nScriptType: v4.00+\r\n"
	    "\r\n[Events]\r\n"
	    "Format: Start, End, Text, Style, Layer, Name, MarginL, MarginR,"
	    " MarginV, Effect\r\n"
	    "Dialogue: 0:00:01.5,0:00:02.123,a, b\\Nc,Sign,2,Al,1,2,3,fx\r\n"
	    "Comment: 0:00:03.00,0:00:04.00,hidden,Default,0,,0,0,0,\r\n"
	    "\r\n[Fonts]\r\nfontname: x.ttf\r\n\r\n";
	char *out;

	CHECK(rd(s, 0, SUB_NONE, 0, &d, &e) == 0);
	CHECK_INT(d.fmt, SUB_ASS);
	CHECK_STR(d.v[0].text, "[Script Info]\nScriptType: v4.00+");
	CHECK_INT(cue(&d, 0)->start, 1500);
	CHECK_INT(cue(&d, 0)->end, 2123);
	CHECK_STR(cue(&d, 0)->text, "a, b\nc");
	CHECK_STR(cue(&d, 0)->style, "Sign");
	CHECK_STR(cue(&d, 0)->actor, "Al");
	CHECK_INT(cue(&d, 0)->layer, 2);
	CHECK_INT(cue(&d, 0)->margin_v, 3);
	CHECK_INT(d.v[2].type, SUB_COMMENT);
	CHECK_INT(d.v[3].type, SUB_SECTION);
	CHECK_STR(d.v[3].text, "[Fonts]\nfontname: x.ttf");
	out = wr(&d, SUB_ASS);
	CHECK_STR(out, "[Script Info]\nScriptType: v4.00+\n\n[Events]\n"
	    "Format: Layer, Start, End, Style, Name, MarginL, MarginR, "
	    "MarginV, Effect, Text\n"
	    "Dialogue: 2,0:00:01.50,0:00:02.12,Sign,Al,1,2,3,fx,a, b\\Nc\n"
	    "Comment: 0,0:00:03.00,0:00:04.00,Default,,0,0,0,,hidden\n"
	    "\n[Fonts]\nfontname: x.ttf\n");
	free(out);
	sub_doc_free(&d);
	CHECK(rd("[Script Info]\n[Events]\nDialogue: 0,0:00:01.00\n", 0,
	    SUB_ASS, 0, &d, &e) == EX_DATAERR);
	CHECK_INT(e.line, 3);
	sub_doc_free(&d);
}

TEST(ndjson_records)
{
	struct sub_doc d;
	struct rerr e;
	char *out;
	const char *s = "{\"type\":\"header\",\"format\":\"vtt\"}\n"
	    "{\"type\":\"cue\",\"start\":1.2345,\"end\":2,\"text\":\"a &amp; "
	    "<i>b</i>\",\"x\":[1]}\n{\"type\":\"other\"}\n";

	CHECK(rd(s, 0, SUB_NONE, 0, &d, &e) == 0);
	CHECK_INT(d.markup, SUB_VTT);
	CHECK_INT(cue(&d, 0)->start, 1235);
	out = wr(&d, SUB_NDJSON);
	CHECK_STR(out, "{\"type\":\"header\",\"format\":\"vtt\"}\n"
	    "{\"type\":\"cue\",\"start\":1.235,\"end\":2.0,\"text\":\"a &amp; "
	    "<i>b</i>\",\"x\":[1]}\n{\"type\":\"other\"}\n");
	free(out);
	/* WebVTT markup to SRT and ASS. */
	out = wr(&d, SUB_SRT);
	CHECK_STR(out, "1\n00:00:01,235 --> 00:00:02,000\na & <i>b</i>\n\n");
	free(out);
	out = wr(&d, SUB_ASS);
	CHECK(strstr(out, ",,0,0,0,,a & {\\i1}b{\\i0}\n") != NULL);
	free(out);
	sub_doc_free(&d);
	CHECK(rd("{\"type\":\"cue\",\"start\":-1,\"end\":2}\n", 0,
	    SUB_NDJSON, 0, &d, &e) == EX_DATAERR);
	CHECK_INT(e.line, 1);
	sub_doc_free(&d);
	CHECK(rd("{\"start\":1,\"end\":2}\n", 0, SUB_NDJSON, 0, &d, &e) ==
	    EX_DATAERR);
	sub_doc_free(&d);
}

TEST(markup)
{
	struct sub_buf b = { 0 };

	sub_markup(&b, "{\\an8\\i1}x{\\i0} \\h<y>&", SUB_ASS, SUB_VTT);
	CHECK_STR(b.p, "<i>x</i> \xc2\xa0&lt;y&gt;&amp;");
	b.len = 0;
	sub_markup(&b, "<font color=red><i>a</i></font> & b", SUB_SRT,
	    SUB_VTT);
	CHECK_STR(b.p, "<i>a</i> &amp; b");
	b.len = 0;
	sub_markup(&b, "<c.x><b.y>a</b></c> <00:01.000>&lt;", SUB_VTT,
	    SUB_SRT);
	CHECK_STR(b.p, "<b>a</b> <");
	b.len = 0;
	sub_markup(&b, "{\\pos(1,2)\\p1}m 0 0 l 9 9{\\p0}x{\\pbo2}y", SUB_ASS,
	    SUB_SRT);
	CHECK_STR(b.p, "xy");	/* a drawing is no text */
	b.len = 0;
	sub_markup(&b, "same", SUB_SSA, SUB_ASS);
	CHECK_STR(b.p, "same");
	sub_buf_free(&b);
}

int
main(void)
{
	struct harness h = { 0 };

	cli_init("test_sub");

	RUN(&h, times_format);
	RUN(&h, vtt_timestamps);
	RUN(&h, decode_boms_and_fallbacks);
	RUN(&h, detect);
	RUN(&h, srt_tolerant);
	RUN(&h, srt_bad_blocks);
	RUN(&h, srt_run_together);
	RUN(&h, sbv_read_write);
	RUN(&h, markup_ttml);
	RUN(&h, ttml_read_write);
	RUN(&h, srt_write_renumbers);
	RUN(&h, vtt_blocks);
	RUN(&h, vtt_settings_rules);
	RUN(&h, vtt_bad);
	RUN(&h, vtt_legacy_header_region);
	RUN(&h, ass_read_write);
	RUN(&h, ndjson_records);
	RUN(&h, markup);
	return HARNESS_END(&h);
}
