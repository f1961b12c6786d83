#!/bin/sh
# bench langid: throughput against CLD2 (Debian's libcld2) on the same
# text in the same run, one core each; accuracy against Lingua (npm
# @bluzzi/lingua, scripts/install-lingua) on dev; start-up time; the peak
# memory of a 200 MB line (issues 6, 15 and 18).
#
# Text: the texts of ../shared/data/langid/dev.ndjson (all lengths, 178
# languages), repeated to about 8 MB, one a line, and the same texts as
# records {"text":...}.  langid reads the lines (-t), the records (NDJSON,
# the usual input), and the records with --spans; CLD2's harness reads the
# lines and prints its top three for each.  All are pinned to one CPU.
set -u
: "${BENCH_DIR:?}" "${REEL_BIN:?}" "${REEL_TOP:?}"
data=${REEL_SHARED:-$REEL_TOP/../shared}/data/langid
dev=$data/dev.ndjson
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
if [ ! -s "$d/text.ndjson" ]; then
	python3 -c '
import json, sys
lines = [json.loads(l)["text"].replace("\n", " ") for l in open(sys.argv[1])]
out = open(sys.argv[2], "w")
rec = open(sys.argv[3], "w")
n = 0
while n < 8 << 20:
	for t in lines:
		out.write(t + "\n")
		rec.write(json.dumps({"text": t}, ensure_ascii=False,
		    separators=(",", ":")) + "\n")
		n += len(t.encode()) + 1
' "$dev" "$d/text" "$d/text.ndjson" || exit 1
fi
mb=$(wc -c < "$d/text" | awk '{ printf "%.2f", $1 / 1048576 }')
pin=
command -v taskset >/dev/null 2>&1 && pin="taskset -c 0"

# Each run: /usr/bin/time's user+sys CPU seconds and wall seconds.  The
# machine is shared, so the verdict is on CPU time (what one core spends),
# the median of three runs, langid and CLD2 alternating; wall times are
# printed beside it.
run() {
	in=$1
	shift
	/usr/bin/time -f '%U %S %e' -o "$d/time" $pin "$@" < "$in" \
	    > /dev/null || return 1
	awk '{ printf "%.3f %.3f\n", $1 + $2, $3 }' "$d/time"
}
: > "$d/runs"
for i in 1 2 3; do
	echo "plain $(run "$d/text" "$REEL_BIN/langid" -t)" >> "$d/runs" ||
	    exit 1
	echo "cld2 $(run "$d/text" "$d/cld2-harness")" >> "$d/runs" || exit 1
	echo "ndjson $(run "$d/text.ndjson" "$REEL_BIN/langid")" >> \
	    "$d/runs" || exit 1
	echo "spans $(run "$d/text.ndjson" "$REEL_BIN/langid" --spans)" >> \
	    "$d/runs" || exit 1
done
sort -k1,1 -k2,2n "$d/runs" | awk -v mb="$mb" '
	{ cpu[$1] = cpu[$1] " " $2; wall[$1] = wall[$1] " " $3; n[$1]++
	  if (n[$1] == 2) { mc[$1] = $2; mw[$1] = $3 } }
	function line(k, what, target) {
		r = mc["cld2"] / mc[k]
		printf "bench langid: %s on %s MB of text, one core, CPU time (median of 3): langid %.1f MB/s (%.3f s; runs%s), reference CLD2 %.1f MB/s (%.3f s; runs%s), ratio %.2f (target %.1f) %s\n",
		    what, mb, mb / mc[k], mc[k], cpu[k], mb / mc["cld2"],
		    mc["cld2"], cpu["cld2"], r, target,
		    (r >= target ? "ok" : "MISSED")
	}
	END {
		line("plain", "plain lines (-t)", 1.0)
		line("ndjson", "NDJSON records", 1.0)
		line("spans", "NDJSON records with --spans", 0.5)
		printf "bench langid: wall seconds, for reference: -t%s, NDJSON%s, --spans%s, CLD2%s\n",
		    wall["plain"], wall["ndjson"], wall["spans"], wall["cld2"]
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
# A line of 200 MB (the bench text joined), with and without --spans: the
# peak resident memory, target 200 MB (issue 18).
if [ ! -s "$d/long" ]; then
	python3 -c '
import sys
t = open(sys.argv[1], "rb").read().replace(b"\n", b" ")
out = open(sys.argv[2], "wb")
n = 0
while n < 200 << 20:
	out.write(t)
	n += len(t)
out.write(b"\n")
' "$d/text" "$d/long" || exit 1
fi
for opt in "" --spans; do
	/usr/bin/time -f '%M %U %S' -o "$d/time" "$REEL_BIN/langid" -t $opt \
	    < "$d/long" > "$d/long.out" || exit 1
	lang=$(tail -c 200000 "$d/long.out" | grep -o '"lang":"[^"]*","conf"' |
	    tail -n 1)
	rm -f "$d/long.out"
	awk -v opt="${opt:-(no option)}" -v lang="$lang" '{
		mb = $1 / 1024
		printf "bench langid: one line of 200 MB, -t %s: peak %.0f MB (%.1f s CPU; %s), target 200 MB %s\n",
		    opt, mb, $2 + $3, lang, (mb <= 200 ? "ok" : "MISSED")
	}' "$d/time"
done
# Accuracy on dev against Lingua, on the texts of Lingua's 75 languages.
if "$REEL_TOP/scripts/install-lingua" "$BENCH_DIR/lingua" &&
    command -v node >/dev/null 2>&1; then
	"$REEL_BIN/langid" < "$dev" > "$d/dev.langid" || exit 1
	node "$REEL_TOP/tests/bench/lingua.js" "$BENCH_DIR/lingua" < "$dev" \
	    > "$d/dev.lingua" || exit 1
	python3 "$REEL_TOP/tests/suites/lingua-compare.py" "$dev" \
	    "$d/dev.langid" "$d/dev.lingua" | sed 's/^/bench langid: /'
else
	echo "bench langid: Lingua not installed (scripts/install-lingua);" \
	    "accuracy against it skipped"
fi
exit 0
