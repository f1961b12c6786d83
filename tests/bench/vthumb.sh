#!/bin/sh
# bench vthumb: picking 5 thumbnails (full mode and --fast) against a bare
# decode of the same file (ffmpeg -f null, video only), in the same run,
# on 60 s of H.264 at 720p and at 1080p (three 20 s sources, x264's
# default GOP of 250 frames plus its scene-cut keyframes).
# Targets (issue 4): <= 1.2x the decode time, <= 0.3x with --fast.
set -u
command -v ffmpeg >/dev/null || { echo "vthumb.sh: no ffmpeg" >&2; exit 77; }
out=$BENCH_DIR/vthumb-out
mkdir -p "$out"
now() { date +%s.%N; }

# bench W H NAME: generates the input (kept between runs) and measures.
bench() {
	in=$BENCH_DIR/vthumb-$3.mp4
	if [ ! -s "$in" ]; then
		ffmpeg -nostdin -v error -y \
		    -f lavfi -i testsrc2=s=$1x$2:r=25:d=20 \
		    -f lavfi -i smptebars=s=$1x$2:r=25:d=20 \
		    -f lavfi -i "mandelbrot=s=$1x$2:r=25,trim=duration=20" \
		    -filter_complex '[0][1][2]concat=n=3,format=yuv420p' \
		    -c:v libx264 -preset veryfast -crf 23 "$in.tmp.mp4" &&
		    mv "$in.tmp.mp4" "$in" || return 77
	fi
	t0=$(now)
	ffmpeg -nostdin -v error -i "$in" -an -f null - || return 1
	t1=$(now)
	vthumb -n 5 -o "$out" "$in" </dev/null >/dev/null || return 1
	t2=$(now)
	vthumb --fast -n 5 -o "$out" "$in" </dev/null >/dev/null || return 1
	t3=$(now)
	awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v n="$3" 'BEGIN {
		dec = b - a; full = c - b; fast = d - c
		printf "bench vthumb: 5 picks, 60 s %s H.264: tool %.2f s, reference %.2f s, ratio %.2f (target 1.2) %s\n", n, full, dec, full / dec, full / dec <= 1.2 ? "ok" : "MISSED"
		printf "bench vthumb: --fast, same file: tool %.2f s, reference %.2f s, ratio %.2f (target 0.3) %s\n", fast, dec, fast / dec, fast / dec <= 0.3 ? "ok" : "MISSED"
	}'
}
bench 1280 720 720p || exit $?
bench 1920 1080 1080p || exit $?
