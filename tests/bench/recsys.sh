#!/bin/sh
# bench recsys: cf-train's implicit ALS and rank's top-10 on a synthetic
# matrix of 50,000 users, 20,000 items and 1,000,000 watch events, k = 32,
# 2 threads, against the targets of issue 7 (the anchors of PROTOCOL.md:
# implicit 0.7.3 trained in 4.1-4.5 CPU-s and 98 MB; scored 3.3K-11.5K
# users/s).
#
# Input: ../shared's gen_synth.py, exactly as the issue gives it (it needs
# Debian's python3-numpy, in scripts/install-deps); the bench skips without
# it.  The target holds for the whole cf-train -n 15 run, parsing and
# writing included; ALS alone is that minus cf-train -n 0 in the same run,
# for information.  Peak memory is the whole -n 15 process.
set -eu
dir=$BENCH_DIR/recsys
mkdir -p "$dir"
gen=$REEL_SHARED/data/recsys/gen_synth.py
# The stamp tells gen_synth.py's output from inputs an older bench made
# with scripts/gen-events, which are regenerated.
args="--users 50000 --items 20000 --events 1000000 --seed 7"
if [ ! -s "$dir/events.ndjson" ] || [ ! -s "$dir/items.ndjson" ] ||
    [ "$(cat "$dir/input.stamp" 2>/dev/null)" != "gen_synth.py $args" ]; then
	[ -f "$gen" ] || { echo "bench recsys: $gen absent" >&2; exit 77; }
	/usr/bin/python3 -c 'import numpy' 2>/dev/null || {
		echo "bench recsys: python3-numpy absent (scripts/install-deps)" >&2
		exit 77
	}
	rm -f "$dir/input.stamp"
	/usr/bin/python3 "$gen" "$dir" $args >/dev/null
	echo "gen_synth.py $args" >"$dir/input.stamp"
fi
[ -x /usr/bin/time ] || { echo "bench recsys: /usr/bin/time absent" >&2; exit 77; }
cpu() {	# CPU seconds and peak KB of a command: "user+sys maxkb"
	/usr/bin/time -f '%U %S %M' -o "$dir/time" "$@" >/dev/null
	awk '{ printf "%.2f %d\n", $1 + $2, $3 }' "$dir/time"
}
set -- $(cpu cf-train -t 2 -k 32 -n 15 -s 7 --items "$dir/items.ndjson" \
    -o "$dir/model.reel" "$dir/events.ndjson")
full=$1 kb=$2
set -- $(cpu cf-train -t 2 -k 32 -n 0 -s 7 --items "$dir/items.ndjson" \
    -o "$dir/model0.reel" "$dir/events.ndjson")
base=$1
awk -v f="$full" -v b="$base" -v kb="$kb" 'BEGIN {
	printf "bench cf-train: whole run (parse, rows, ALS 15 iterations " \
	    "k=32 2 threads, write): tool %.2f CPU-s, ratio %.2f " \
	    "(target 4.5 CPU-s) %s\n", f, f / 4.5, f <= 4.5 ? "ok" : "MISSED"
	printf "bench cf-train: ALS alone (-n 15 minus -n 0): tool %.2f " \
	    "CPU-s (parse+rows+write %.2f)\n", f - b, b
	printf "bench cf-train: peak memory: tool %.1f MB, ratio %.2f (target 100 MB) %s\n",
	    kb / 1024, kb / 1024 / 100, kb / 1024 <= 100 ? "ok" : "MISSED"
}'
sed -n 's/.*"user":"\([^"]*\)".*/\1/p' "$dir/events.ndjson" | sort -u >"$dir/users"
n=$(wc -l <"$dir/users")
# rank twice, both over all 20,000 items with seen items filtered: with
# collaborative filtering alone (the kernel), and with the default blend
# of every part (collaborative, item neighbours, content, time of day,
# popularity, recent popularity, personal slots) that users get.
rank_bench() {	# what, then rank's options
	what=$1
	shift
	start=$(date +%s.%N)
	/usr/bin/time -f '%U %S' -o "$dir/time" rank -t 2 \
	    -m "$dir/model.reel" "$@" <"$dir/users" >/dev/null
	end=$(date +%s.%N)
	awk -v n="$n" -v s="$start" -v e="$end" -v t="$(cat "$dir/time")" \
	    -v what="$what" 'BEGIN {
		split(t, c, " ")
		cpu = c[1] + c[2]
		ups = n / (e - s)
		upc = n / cpu * 2
		verdict = upc >= 15000 ? "ok" : "MISSED"
		fmt = "bench rank: top-10 over all items, seen filtered, "
		fmt = fmt "%s, 2 threads: tool %.0f users/s wall, "
		fmt = fmt "%.0f users/s per 2 CPU-s, ratio %.2f "
		fmt = fmt "(target 15000) %s\n"
		printf fmt, what, ups, upc, upc / 15000, verdict
	}'
}
rank_bench "collaborative only" \
    --weights cf=1,item=0,content=0,tod=0,fresh=0,pop=0,recent=0 \
    --diversity 0
rank_bench "default blend"
