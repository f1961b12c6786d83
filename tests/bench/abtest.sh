#!/bin/sh
# bench abtest: 10 million events over 2 million units (one experiment,
# two arms, an exposure per unit, 2% duplicated, outcomes of two metrics,
# shuffled in blocks), analysed by abtest from a file and through a pipe,
# against a C loop that only parses each line with jansson.  Targets:
# >= 2M events/s on one core, <= 150 bytes of memory (max RSS) per unit.
set -u
: "${BENCH_DIR:?}" "${REEL_BIN:?}" "${REEL_TOP:?}"
command -v /usr/bin/time >/dev/null || { echo "no /usr/bin/time" >&2; exit 77; }
ev=$BENCH_DIR/abtest-events.ndjson
ref=$BENCH_DIR/jansson_parse
units=2000000
if [ ! -s "$ev" ]; then
	# shuf draws from a fixed byte stream, so the file is the same each time
	yes reel-abtest-bench | head -c 100000000 >"$BENCH_DIR/abtest-seed"
	awk -v units=$units 'BEGIN {
		srand(7); n = 0
		for (u = 0; u < units; u++) {
			v = (u % 2) ? "B" : "A"
			printf "{\"exp\":\"bench\",\"variant\":\"%s\",\"unit\":\"u%d\",\"metric\":\"exposure\",\"value\":1}\n", v, u
			n++
			if (u % 50 == 0) {
				printf "{\"exp\":\"bench\",\"variant\":\"%s\",\"unit\":\"u%d\",\"metric\":\"exposure\",\"value\":1}\n", v, u
				n++
			}
			for (j = 0; j < 4; j++) {
				m = (j == 0) ? "click" : "watch_s"
				val = (m == "click") ? 1 : int(rand() * 10000) / 100
				printf "{\"exp\":\"bench\",\"variant\":\"%s\",\"unit\":\"u%d\",\"metric\":\"%s\",\"value\":%s}\n", v, u, m, val
				n++
			}
		}
	}' | shuf --random-source="$BENCH_DIR/abtest-seed" >"$ev.tmp" &&
	mv "$ev.tmp" "$ev" || exit 1
fi
cc -O2 -o "$ref" "$REEL_TOP/tests/bench/jansson_parse.c" \
    $(pkg-config --cflags --libs jansson) || exit 1
nev=$(wc -l <"$ev")

# The machine is shared, so the rates are of CPU time (user + system, the
# time on one core); elapsed time is printed beside them.
secs() {	# secs CMD...: print CPU seconds, max RSS (kB), elapsed seconds
	/usr/bin/time -f '%U %S %M %e' -o "$BENCH_DIR/time.out" "$@" \
	    >/dev/null ||
	    return 1
	awk '{ printf "%.2f %d %s\n", $1 + $2, $3, $4 }' "$BENCH_DIR/time.out"
}
set -- $(secs "$ref" <"$ev") || exit 1
rt=$1 rw=$3
set -- $(secs "$REEL_BIN/abtest" -b click "$ev") || exit 1
ft=$1 frss=$2 fw=$3
# through a pipe: the time and memory of abtest alone, reading from cat
set -- $(cat "$ev" | secs "$REEL_BIN/abtest" -b click) || exit 1
pt=$1 prss=$2 pw=$3
rate() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.2f", n / t / 1e6 }'; }
r_ref=$(rate "$nev" "$rt")
r_file=$(rate "$nev" "$ft")
r_pipe=$(rate "$nev" "$pt")
b_file=$((frss * 1024 / units))
b_pipe=$((prss * 1024 / units))
verdict() { awk -v x="$1" -v t="$2" -v op="$3" 'BEGIN {
	print ((op == ">=" ? x >= t : x <= t) ? "ok" : "MISSED") }'; }
echo "bench abtest: $nev events over $units units from a file: tool $ft s CPU" \
    "($fw s elapsed, ${r_file}M events/s), reference jansson parse $rt s" \
    "CPU ($rw s elapsed, ${r_ref}M/s)," \
    "ratio $(awk -v a="$rt" -v b="$ft" 'BEGIN { printf "%.2f", a / b }')" \
    "(target >= 2M events/s) $(verdict "$r_file" 2 '>=')"
echo "bench abtest: through a pipe: tool $pt s CPU ($pw s elapsed," \
    "${r_pipe}M events/s)" \
    "(target >= 2M events/s) $(verdict "$r_pipe" 2 '>=')"
echo "bench abtest: memory: $b_file bytes/unit from a file, $b_pipe through" \
    "a pipe (target <= 150) $(verdict "$b_file" 150 '<=')" \
    "$(verdict "$b_pipe" 150 '<=')"
