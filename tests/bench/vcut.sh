#!/bin/sh
# bench vcut: rendering 8 segments of a 60 s 720p H.264/AAC file into one
# MP4, and into three sizes at once, against ffmpeg doing the same cut and
# encode in the same run: each segment an input seeked with -ss/-t (so
# ffmpeg, too, decodes from the keyframe before each start), joined by the
# concat filter (split and scaled for the three sizes), with the same
# libx264 preset and CRF, AAC at the same rate, and fast start.  vcut also
# fades the sound at every join, which ffmpeg is not asked to do.
# The verdict is on CPU time (user + sys), which a shared machine disturbs
# far less than wall time (also shown).  Target: vcut costs no more than
# ffmpeg (ratio <= 1.1).
set -u
command -v ffmpeg >/dev/null || { echo "vcut.sh: no ffmpeg" >&2; exit 77; }
[ -x /usr/bin/time ] || { echo "vcut.sh: no /usr/bin/time" >&2; exit 77; }
in=$BENCH_DIR/vcut-720p.mp4
if [ ! -s "$in" ]; then
	ffmpeg -nostdin -v error -y \
	    -f lavfi -i testsrc2=s=1280x720:r=25:d=60 \
	    -f lavfi -i "anoisesrc=d=60:c=pink:a=0.2" \
	    -c:v libx264 -preset veryfast -crf 23 -pix_fmt yuv420p \
	    -c:a aac -b:a 128k -ac 2 "$in.tmp.mp4" &&
	    mv "$in.tmp.mp4" "$in" || exit 77
fi
out=$BENCH_DIR/vcut-out
mkdir -p "$out"
# start and length of each segment, in output order
segs="41.3 2.5
3.1 3.0
17.72 2.0
55.0 2.6
9.4 2.2
29.04 3.1
47.6 1.9
35.5 2.3"
echo "$segs" | awk '{ printf "{\"type\":\"segment\",\"start\":%s,\"end\":%.2f,\"order\":%d}\n", $1, $1 + $2, NR }' >"$out/segments.ndjson"
ins=$(echo "$segs" | awk -v f="$in" '{ printf " -ss %s -t %s -i %s", $1, $2, f }')
pairs=$(echo "$segs" | awk '{ printf "[%d:v][%d:a]", NR - 1, NR - 1 }')
enc="-c:v libx264 -preset veryfast -crf 23 -pix_fmt yuv420p -c:a aac -b:a 128k -movflags +faststart"

# Prints "wall cpu" of a command.
timed() {
	/usr/bin/time -f '%e %U %S' -o "$out/time" "$@" >/dev/null || return 1
	awk '{ printf "%.2f %.2f\n", $1, $2 + $3 }' "$out/time"
}
ref1=$(timed ffmpeg -nostdin -v error -y $ins -filter_complex \
    "${pairs}concat=n=8:v=1:a=1[v][a]" -map '[v]' -map '[a]' $enc \
    "$out/ffmpeg.mp4") || exit 1
tool1=$(timed vcut -p veryfast -q 23 -s "$out/segments.ndjson" \
    -o "$out/vcut.mp4" "$in") || exit 1
ref3=$(timed ffmpeg -nostdin -v error -y $ins -filter_complex \
    "${pairs}concat=n=8:v=1:a=1[v][a];[v]split=3[v1][v2][v3];[v2]scale=-2:480[s2];[v3]scale=-2:360[s3];[a]asplit=3[a1][a2][a3]" \
    -map '[v1]' -map '[a1]' $enc "$out/ffmpeg-720.mp4" \
    -map '[s2]' -map '[a2]' $enc "$out/ffmpeg-480.mp4" \
    -map '[s3]' -map '[a3]' $enc "$out/ffmpeg-360.mp4") || exit 1
tool3=$(timed vcut -p veryfast -q 23 --size 720,480,360 \
    -s "$out/segments.ndjson" -o "$out/vcut.mp4" "$in") || exit 1
echo "$ref1 $tool1 $ref3 $tool3" | awk '{
	printf "bench vcut: 8 segments of 720p into MP4, CPU time: tool %.2f s, reference %.2f s, ratio %.2f (target 1.1) %s; wall %.2f s vs %.2f s\n", $4, $2, $4 / $2, $4 / $2 <= 1.1 ? "ok" : "MISSED", $3, $1
	printf "bench vcut: same at 720, 480 and 360 from one decode, CPU time: tool %.2f s, reference %.2f s, ratio %.2f (target 1.1) %s; wall %.2f s vs %.2f s\n", $8, $6, $8 / $6, $8 / $6 <= 1.1 ? "ok" : "MISSED", $7, $5
}'
