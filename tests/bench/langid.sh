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

# Each run: /usr/bin/time's user+sys CPU seconds and wall seconds.  The
# machine is shared, so the verdict is on CPU time (what one core spends),
# the median of three runs, langid and CLD2 alternating; wall times are
# printed beside it.
run() {
	/usr/bin/time -f '%U %S %e' -o "$d/time" $pin "$@" < "$d/text" \
	    > /dev/null || return 1
	awk '{ printf "%.3f %.3f\n", $1 + $2, $3 }' "$d/time"
}
: > "$d/runs"
for i in 1 2 3; do
	echo "langid $(run "$REEL_BIN/langid" -t)" >> "$d/runs" || exit 1
	echo "cld2 $(run "$d/cld2-harness")" >> "$d/runs" || exit 1
done
sort -k1,1 -k2,2n "$d/runs" | awk -v mb="$mb" '
	{ cpu[$1] = cpu[$1] " " $2; wall[$1] = wall[$1] " " $3; n[$1]++
	  if (n[$1] == 2) { mc[$1] = $2; mw[$1] = $3 } }
	END {
		r = mc["cld2"] / mc["langid"]
		printf "bench langid: throughput on %s MB of text, one core, CPU time (median of 3): langid %.1f MB/s (%.3f s; runs%s), reference CLD2 %.1f MB/s (%.3f s; runs%s), ratio %.2f (target 1.0) %s\n",
		    mb, mb / mc["langid"], mc["langid"], cpu["langid"],
		    mb / mc["cld2"], mc["cld2"], cpu["cld2"], r,
		    (r >= 1.0 ? "ok" : "MISSED")
		printf "bench langid: wall seconds, for reference: langid%s, CLD2%s\n",
		    wall["langid"], wall["cld2"]
	}'
# Start-up: 20 runs on empty input, the model included: CPU and wall time
# per run.
/usr/bin/time -f '%U %S %e' -o "$d/time" sh -c '
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		"$1" -t < /dev/null > /dev/null || exit 1
	done' sh "$REEL_BIN/langid" || exit 1
awk '{
	cpu = ($1 + $2) / 20 * 1000; wall = $3 / 20 * 1000
	printf "bench langid: start-up: tool %.1f ms CPU (%.1f ms wall), target 20 ms, ratio %.2f (target <= 1.0) %s\n",
	    cpu, wall, cpu / 20, (cpu <= 20 ? "ok" : "MISSED")
}' "$d/time"
exit 0
