#!/bin/sh
# bench langid: throughput against CLD2 (Debian's libcld2) on the same
# text in the same run, one core each, and langid's start-up time.
#
# Text: the texts of ../shared/data/langid/dev.ndjson (all lengths, 178
# languages), repeated to about 8 MB, one a line.  langid -t reads the
# lines and writes an NDJSON record each; the CLD2 harness reads the same
# lines and prints its top three for each.  Both are pinned to one CPU.
set -u
: "${BENCH_DIR:?}" "${REEL_BIN:?}" "${REEL_TOP:?}"
dev=${REEL_SHARED:-$REEL_TOP/../shared}/data/langid/dev.ndjson
if [ ! -f "$dev" ]; then
	echo "bench langid: $dev absent" >&2
	exit 77
fi
if [ ! -f /usr/include/cld2/public/compact_lang_det.h ] ||
    ! command -v c++ >/dev/null 2>&1; then
	echo "bench langid: libcld2-dev or c++ missing" >&2
	exit 77
fi
d=$BENCH_DIR/langid
mkdir -p "$d"
# Without --no-as-needed the linker drops libcld2_full, whose constructor
# registers the full language tables, and CLD2 knows far fewer languages.
c++ -O2 -o "$d/cld2-harness" "$REEL_TOP/tests/bench/cld2-harness.cc" \
    -Wl,--no-as-needed -lcld2_full -lcld2 || exit 1
if [ ! -s "$d/text" ]; then
	python3 -c '
import json, sys
lines = [json.loads(l)["text"].replace("\n", " ") for l in open(sys.argv[1])]
out = open(sys.argv[2], "w")
n = 0
while n < 8 << 20:
	for t in lines:
		out.write(t + "\n")
		n += len(t.encode()) + 1
' "$dev" "$d/text" || exit 1
fi
mb=$(wc -c < "$d/text" | awk '{ printf "%.2f", $1 / 1048576 }')
pin=
command -v taskset >/dev/null 2>&1 && pin="taskset -c 0"

secs() {
	# Best of three wall-clock runs of "$@" < text > /dev/null.
	best=
	for i in 1 2 3; do
		t0=$(date +%s.%N)
		$pin "$@" < "$d/text" > /dev/null || return 1
		t1=$(date +%s.%N)
		t=$(echo "$t1 - $t0" | bc -l)
		if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then
			best=$t
		fi
	done
	echo "$best"
}
tl=$(secs "$REEL_BIN/langid" -t) || exit 1
tc=$(secs "$d/cld2-harness") || exit 1
awk -v tl="$tl" -v tc="$tc" -v mb="$mb" 'BEGIN {
	r = (mb / tl) / (mb / tc)
	printf "bench langid: throughput on %s MB of text, one core: langid %.1f MB/s (%.3f s), reference CLD2 %.1f MB/s (%.3f s), ratio %.2f (target 1.0) %s\n",
	    mb, mb / tl, tl, mb / tc, tc, r, (r >= 1.0 ? "ok" : "MISSED")
}'
# Start-up: mean wall time of 20 runs on empty input, the model included.
t0=$(date +%s.%N)
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	"$REEL_BIN/langid" -t < /dev/null > /dev/null || exit 1
done
t1=$(date +%s.%N)
awk -v t0="$t0" -v t1="$t1" 'BEGIN {
	ms = (t1 - t0) / 20 * 1000
	printf "bench langid: start-up: tool %.1f ms, reference 20 ms, ratio %.2f (target <= 1.0) %s\n",
	    ms, ms / 20, (ms <= 20 ? "ok" : "MISSED")
}'
exit 0
