#!/bin/sh
# video.sh: vframes and vscenes against a bare decode of the same file with
# the same thread count, in one run:
#	reference	ffmpeg -threads N -i FILE -an -f null -
#	vframes		vframes -j N FILE > /dev/null	(throughput, target >= 0.9x)
#	vscenes		vscenes -j N FILE > /dev/null	(time, target <= 1.15x;
#			it decodes the audio too and analyses it, on a thread
#			of its own besides the N video decoder threads: the
#			CPU time line shows the whole cost)
# Each command runs REPS times, interleaved so that load from other users
# of the machine falls on all three alike; the fastest run of each counts.
# Peak memory (max RSS, /usr/bin/time) and CPU time are reported too.
# FILE: the labeled 720p clip of the shared data when present (real
# footage, 160 s), else a 60 s 720p clip generated from lavfi sources.
set -u
: "${BENCH_DIR:=build/bench}"
REPS=${REPS:-5}
N=${THREADS:-$(nproc 2>/dev/null || echo 2)}
command -v ffmpeg >/dev/null || { echo "video: no ffmpeg" >&2; exit 77; }
[ -x /usr/bin/time ] || { echo "video: no /usr/bin/time" >&2; exit 77; }
file=${REEL_SHARED:-../shared}/data/video/labeled/long_seed2_720p.mp4
if [ ! -f "$file" ]; then
	file=$BENCH_DIR/video-720p.mp4
	if [ ! -f "$file" ]; then
		ffmpeg -v error -nostdin -y -f lavfi \
		    -i "testsrc2=s=1280x720:r=25:d=30" -f lavfi \
		    -i "mandelbrot=s=1280x720:r=25,trim=duration=30" \
		    -f lavfi -i "sine=f=220:d=60" -filter_complex \
		    "[0:v][1:v]concat=n=2:v=1:a=0,noise=alls=12:allf=t[v]" \
		    -map "[v]" -map 2:a -c:v libx264 -preset veryfast \
		    -crf 23 -c:a aac "$file" || exit 77
	fi
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-video.XXXXXX") || exit 70
trap 'rm -rf "$tmp"' EXIT

# run NAME CMD...: appends "elapsed maxrss_kb" to $tmp/NAME
run() {
	name=$1
	shift
	/usr/bin/time -f "%e %M %U %S" -o "$tmp/t" "$@" >/dev/null 2>"$tmp/err" ||
	    { echo "video: $name failed: $(tail -n 2 "$tmp/err")" >&2; exit 1; }
	cat "$tmp/t" >>"$tmp/$name"
}
i=0
while [ $i -lt "$REPS" ]; do
	run ref ffmpeg -nostdin -v error -threads "$N" -i "$file" -an -f null -
	run vframes vframes -j "$N" "$file"
	run vscenes vscenes -j "$N" "$file"
	i=$((i + 1))
done
best() { sort -n "$tmp/$1" | head -n 1 | cut -d' ' -f1; }
cpu() { awk '{ c = $3 + $4; if (NR == 1 || c < m) m = c } END { print m }' "$tmp/$1"; }
peak() { sort -k2 -n "$tmp/$1" | tail -n 1 | cut -d' ' -f2; }
ref=$(best ref) vf=$(best vframes) vs=$(best vscenes)
echo "bench video: $file, $N threads, best of $REPS"
# CPU time (user + sys) too: on a shared machine it is steadier than
# elapsed time, and it shows what the analysis adds to the decode.
awk -v r="$(cpu ref)" -v f="$(cpu vframes)" -v s="$(cpu vscenes)" 'BEGIN {
	printf "bench video: cpu time: ffmpeg %.2f s, vframes %.2f s (%.2fx), vscenes %.2f s (%.2fx)\n",
	    r, f, f / r, s, s / r }'

awk -v r="$ref" -v t="$vf" -v m="$(peak vframes)" -v rm="$(peak ref)" 'BEGIN {
	x = r / t
	printf "bench vframes: throughput vs bare decode: tool %.2f s, reference %.2f s, ratio %.2f (target >= 0.90) %s; peak memory %d MB (ffmpeg %d MB)\n",
	    t, r, x, (x >= 0.90 ? "ok" : "MISSED"), m / 1024, rm / 1024 }'
awk -v r="$ref" -v t="$vs" -v m="$(peak vscenes)" 'BEGIN {
	x = t / r
	printf "bench vscenes: time vs bare decode: tool %.2f s, reference %.2f s, ratio %.2f (target <= 1.15) %s; peak memory %d MB\n",
	    t, r, x, (x <= 1.15 ? "ok" : "MISSED"), m / 1024 }'
