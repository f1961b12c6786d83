#!/bin/sh
# trailer.sh: scenes, thumbnails and a trailer of one video, in one command.
#
#	trailer.sh [-d seconds] [-n count] [-s seed] FILE OUTDIR
#
# Writes into OUTDIR:
#	scenes.ndjson	the shots of FILE (vframes -a | vscenes)
#	audio.ndjson	its audio windows (onsets for the cuts) and media record (the rate)
#	thumbs.ndjson	-n thumbnails (default 3) as A/B variants, each in
#			16:9, 1:1, 9:16 and 4:5, the images beside it
#	sheet.jpg	a contact sheet, one tile per scene
#	segments.ndjson	the trailer's shots (vtrailer -d, default 30 s)
#	trailer.mp4	the trailer (vcut), and render.ndjson, what vcut made
# Every output appears whole or not at all (written under a temporary
# name and renamed), so a failed run leaves the previous files in place;
# any failed step ends the run with that step's status.  Only one run per
# OUTDIR at a time (a lock, OUTDIR/.lock; a second run exits 75 at once).
set -eu
dur=30
n=3
seed=0
usage() {
	echo "usage: trailer.sh [-d seconds] [-n count] [-s seed] FILE OUTDIR" >&2
	exit 64
}
while getopts d:n:s: ch; do
	case $ch in
	d) dur=$OPTARG ;;
	n) n=$OPTARG ;;
	s) seed=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 2 ] || usage
in=$1 out=$2
for t in vframes vscenes vthumb vtrailer vcut; do
	command -v $t >/dev/null 2>&1 ||
	    { echo "trailer.sh: $t: command not found" >&2; exit 69; }
done
[ -r "$in" ] || { echo "trailer.sh: $in: cannot read" >&2; exit 66; }
mkdir -p "$out" || exit 73

exec 9>"$out/.lock"
if ! flock -n 9; then
	echo "trailer.sh: $out: another run holds the lock" >&2
	exit 75
fi
work=$(mktemp -d "$out/.work.XXXXXX") || exit 73
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP

# step NAME CMD...: runs one step, naming it when it fails.
step() {
	name=$1
	shift
	"$@" || { rc=$?; echo "trailer.sh: $name failed (exit $rc)" >&2; exit $rc; }
}
# publish FILE...: moves finished files from the work directory to OUTDIR.
publish() {
	for f in "$@"; do
		mv -f "$work/$f" "$out/$f"
	done
}

# One decode for the shots and the sound: frame and audio records.
step vframes vframes -a "$in" >"$work/frames.ndjson"
step vscenes vscenes -o "$work/scenes.ndjson" "$work/frames.ndjson"
sed -n '/"type":"\(audio\|media\)"/p' "$work/frames.ndjson" >"$work/audio.ndjson"
rm -f "$work/frames.ndjson"

# Thumbnails: the images go straight to OUTDIR (vthumb writes each one
# atomically), their records through the work directory.
step vthumb vthumb -n "$n" -a 16:9,1:1,9:16,4:5 -o "$out" \
    --sheet "$work/sheet.jpg" -S "$work/scenes.ndjson" "$in" \
    >"$work/thumbs.ndjson"

step vtrailer vtrailer -d "$dur" -s "$seed" "$work/scenes.ndjson" \
    "$work/audio.ndjson" >"$work/segments.ndjson"
publish scenes.ndjson audio.ndjson thumbs.ndjson sheet.jpg segments.ndjson
# vcut writes the video atomically itself, so its render record names the
# final path.
step vcut vcut -o "$out/trailer.mp4" -s "$out/segments.ndjson" "$in" \
    >"$work/render.ndjson"
publish render.ndjson
