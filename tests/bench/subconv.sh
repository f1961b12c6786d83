#!/bin/sh
# bench subconv: throughput on a generated SRT of at least 50 MB, both
# directions (SRT -> NDJSON and NDJSON -> SRT), on one core, against cat
# of the same file as the reference.  Target: 20 MB/s each way.
set -eu
bin=${REEL_BIN:-bin}
dir=${BENCH_DIR:-build/bench}
mkdir -p "$dir"
srt=$dir/subconv-big.srt
ndj=$dir/subconv-big.ndjson
if [ ! -s "$srt" ]; then
	# 400000 cues of two lines with tags, accents and CRLF: ~52 MB.
	awk 'BEGIN {
		for (i = 0; i < 400000; i++) {
			t = i * 2500
			printf "%d\r\n%02d:%02d:%02d,%03d --> %02d:%02d:%02d,%03d\r\n",
			    i + 1, t / 3600000, t / 60000 % 60, t / 1000 % 60,
			    t % 1000, (t + 2000) / 3600000,
			    (t + 2000) / 60000 % 60, (t + 2000) / 1000 % 60,
			    (t + 2000) % 1000
			printf "<i>Line %d</i> of the caf\303\251 scene, with a " \
			    "\"quote\"\r\nand a second line of dialogue, " \
			    "somewhat longer %d\r\n\r\n", i, i * 7
		}
	}' >"$srt"
fi
one=
command -v taskset >/dev/null && one="taskset -c 0"
now() { date +%s.%N; }
mb=$(wc -c <"$srt" | awk '{ printf "%.1f", $1 / 1e6 }')

t0=$(now); cat "$srt" >/dev/null; t1=$(now)
$one "$bin/subconv" "$srt" >"$ndj"; t2=$(now)
$one "$bin/subconv" -f srt "$ndj" >/dev/null; t3=$(now)
t4=$(now); cat "$ndj" >/dev/null; t5=$(now)
nmb=$(wc -c <"$ndj" | awk '{ printf "%.1f", $1 / 1e6 }')

report() {	# what MB tool-seconds ref-seconds
	awk -v what="$1" -v mb="$2" -v t="$3" -v r="$4" 'BEGIN {
		rate = mb / t
		ratio = r > 0 ? t / r : 0
		ok = rate >= 20 ? "ok" : "MISSED"
		printf "bench subconv: %s %.1f MB: tool %.3f s (%.1f MB/s), " \
		    "reference cat %.3f s, ratio %.1f (target 20 MB/s) %s\n",
		    what, mb, t, rate, r, ratio, ok
	}'
}
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", a - b }'; }
report "srt->ndjson" "$mb" "$(sub "$t2" "$t1")" "$(sub "$t1" "$t0")"
report "ndjson->srt" "$nmb" "$(sub "$t3" "$t2")" "$(sub "$t5" "$t4")"
