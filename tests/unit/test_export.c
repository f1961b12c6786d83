/*
 * Unit tests of vscenes' exports: SMPTE timecode, drop-frame at 29.97 and
 * 59.94, and the names of an EDL's further parts.
 */
#include <stdio.h>
#include <string.h>

#include "../../cmd/vscenes/export.h"
#include "harness.h"

static const char *
tc(long f, int rate, int drop)
{
	static char buf[32];

	exp_timecode(f, rate, drop, buf, sizeof(buf));
	return buf;
}

TEST(test_ndf)
{
	CHECK_STR(tc(0, 25, 0), "00:00:00:00");
	CHECK_STR(tc(36, 24, 0), "00:00:01:12");
	CHECK_STR(tc(24 * 3600 + 1, 24, 0), "01:00:00:01");
	/* drop asked at a rate that has none: plain counting */
	CHECK_STR(tc(26, 25, 1), "00:00:01:01");
}

/*
 * 29.97 drop-frame (SMPTE 12M): ;00 and ;01 skipped at each minute but
 * every tenth; 10 minutes are 17982 frames, an hour 107892.
 */
TEST(test_df30)
{
	CHECK_STR(tc(1799, 30, 1), "00:00:59;29");
	CHECK_STR(tc(1800, 30, 1), "00:01:00;02");
	CHECK_STR(tc(3597, 30, 1), "00:01:59;29");
	CHECK_STR(tc(3598, 30, 1), "00:02:00;02");
	CHECK_STR(tc(17981, 30, 1), "00:09:59;29");
	CHECK_STR(tc(17982, 30, 1), "00:10:00;00");
	CHECK_STR(tc(17983, 30, 1), "00:10:00;01");
	CHECK_STR(tc(19781, 30, 1), "00:10:59;29");
	CHECK_STR(tc(19782, 30, 1), "00:11:00;02");
	CHECK_STR(tc(107892, 30, 1), "01:00:00;00");
}

/* 59.94: four labels dropped, 35964 frames per 10 minutes. */
TEST(test_df60)
{
	CHECK_STR(tc(3599, 60, 1), "00:00:59;59");
	CHECK_STR(tc(3600, 60, 1), "00:01:00;04");
	CHECK_STR(tc(35964, 60, 1), "00:10:00;00");
	CHECK_STR(tc(215784, 60, 1), "01:00:00;00");
}

/* Drop-frame labels never repeat and skip only the dropped ones. */
TEST(test_df_monotone)
{
	char prev[32], cur[32];
	long f;

	exp_timecode(0, 30, 1, prev, sizeof(prev));
	for (f = 1; f < 40000; f++) {
		exp_timecode(f, 30, 1, cur, sizeof(cur));
		CHECK(strcmp(cur, prev) > 0);
		/* ;00 and ;01 of a second 00 only in minutes 0, 10, 20 ... */
		if (cur[6] == '0' && cur[7] == '0' && cur[9] == '0' &&
		    cur[10] <= '1')
			CHECK(cur[4] == '0');
		memcpy(prev, cur, sizeof(prev));
	}
}

TEST(test_part_name)
{
	char b[64];

	exp_part_name("movie.edl", 1, b, sizeof(b));
	CHECK_STR(b, "movie.edl");
	exp_part_name("movie.edl", 2, b, sizeof(b));
	CHECK_STR(b, "movie-2.edl");
	exp_part_name("out/a.b/movie", 3, b, sizeof(b));
	CHECK_STR(b, "out/a.b/movie-3");
	exp_part_name("out/.edl", 2, b, sizeof(b));
	CHECK_STR(b, "out/.edl-2");
	exp_part_name("cuts.v2.edl", 12, b, sizeof(b));
	CHECK_STR(b, "cuts.v2-12.edl");
}

int
main(void)
{
	struct harness h = { 0 };

	RUN(&h, test_ndf);
	RUN(&h, test_df30);
	RUN(&h, test_df60);
	RUN(&h, test_df_monotone);
	RUN(&h, test_part_name);
	return HARNESS_END(&h);
}
