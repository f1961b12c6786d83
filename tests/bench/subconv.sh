#!/bin/sh
# bench subconv: throughput on a generated SRT of at least 50 MB, both
# directions (SRT -> NDJSON and NDJSON -> SRT), on one core, against cat
# of the same file as the reference.  Target: 20 MB/s each way, on CPU
# time (python3 reads the children's rusage).
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
# run OUT CMD...: runs CMD with stdout to OUT; prints "cpu wall" seconds.
# The rate is taken on CPU time (user + system): on a shared machine the
# wall clock measures the neighbours as much as the tool.
run() {
	python3 - "$@" <<'PY'
import resource, subprocess, sys, time
with open(sys.argv[1], "wb") as out:
    t = time.monotonic()
    subprocess.run(sys.argv[2:], stdout=out, check=True)
    wall = time.monotonic() - t
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print("%.6f %.6f" % (r.ru_utime + r.ru_stime, wall))
PY
}
mb=$(wc -c <"$srt" | awk '{ printf "%.1f", $1 / 1e6 }')

set -- $(run /dev/null cat "$srt"); ref1=$1
set -- $(run "$ndj" $one "$bin/subconv" "$srt"); t1=$1 w1=$2
set -- $(run /dev/null $one "$bin/subconv" -f srt "$ndj"); t2=$1 w2=$2
set -- $(run /dev/null cat "$ndj"); ref2=$1
nmb=$(wc -c <"$ndj" | awk '{ printf "%.1f", $1 / 1e6 }')

report() {	# what MB tool-cpu-seconds wall-seconds ref-cpu-seconds
	awk -v what="$1" -v mb="$2" -v t="$3" -v w="$4" -v r="$5" 'BEGIN {
		rate = mb / t
		ratio = r > 0 ? t / r : 0
		ok = rate >= 20 ? "ok" : "MISSED"
		printf "bench subconv: %s %.1f MB: tool %.3f s CPU " \
		    "(%.1f MB/s on one core, %.3f s wall), reference cat " \
		    "%.3f s CPU, ratio %.1f (target 20 MB/s) %s\n",
		    what, mb, t, rate, w, r, ratio, ok
	}'
}
report "srt->ndjson" "$mb" "$t1" "$w1" "$ref1"
report "ndjson->srt" "$nmb" "$t2" "$w2" "$ref2"
