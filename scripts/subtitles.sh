#!/bin/sh
# subtitles.sh: video + subtitles in -> aligned, fixed SRT and WebVTT out.
#
#	usage: subtitles.sh [-S] [-l lang] [-p profile] [-s scenes] video subs outbase
#
# 1. subalign moves the cues onto the speech of the video's audio;
# 2. subfix applies the timing and line-break rules of a profile (-p,
#    default netflix-en), snapping to the shot changes of -s SCENES (scene
#    records) or, with -S, of `vscenes video`; frame limits count frames
#    of the video's own rate (its media record from vframes), or of
#    subfix's default rate when it has no video stream; a cue too long for
#    two lines or for the screen is split (subfix --split);
# 3. the language is -l's, else the one langid gives most cues, else "und"
#    (BCP 47: undetermined);
# 4. OUTBASE.LANG.srt and OUTBASE.LANG.vtt are written (the WebVTT with a
#    "Language:" header line), each whole or not at all, and
#    OUTBASE.report.ndjson holds the align record, then subfix's fix and
#    violation records and its summary.
# Nothing is written when a step fails; the step's message and status are
# passed on.
set -eu
usage() {
	echo "usage: subtitles.sh [-S] [-l lang] [-p profile] [-s scenes] video subs outbase" >&2
	exit 64
}
lang= profile=netflix-en scenes= vscenes=0
while getopts l:p:s:S o; do
	case $o in
	l) lang=$OPTARG ;;
	p) profile=$OPTARG ;;
	s) scenes=$OPTARG ;;
	S) vscenes=1 ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 3 ] || usage
video=$1 subs=$2 out=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; rm -f "$out".*.tmp$$' EXIT
if [ "$vscenes" = 1 ]; then
	vscenes -o "$tmp/scenes.ndjson" "$video"
	scenes=$tmp/scenes.ndjson
fi
subalign -r "$video" --report "$tmp/align.ndjson" -f ndjson "$subs" \
    >"$tmp/aligned.ndjson"
# vframes writes the media record first; head closes the pipe after it,
# which stops vframes quietly.  An audio-only input has no frame rate.
fps=$(vframes "$video" 2>/dev/null | head -n 1 | jq -r '.fps // empty')
subfix --split -p "$profile" ${scenes:+--scenes "$scenes"} ${fps:+--fps "$fps"} \
    --report "$tmp/fixes.ndjson" -f ndjson "$tmp/aligned.ndjson" \
    >"$tmp/fixed.ndjson"
if [ -z "$lang" ] && command -v langid >/dev/null 2>&1; then
	lang=$(jq -c 'select(.type == "cue") | {text}' "$tmp/fixed.ndjson" |
	    langid | jq -r '.lang // empty' | sort | uniq -c | sort -rn |
	    awk 'NR == 1 { print $2 }')
fi
lang=${lang:-und}
subconv -f srt -o "$tmp/out.srt" "$tmp/fixed.ndjson"
subconv -f vtt "$tmp/fixed.ndjson" |
    awk -v l="$lang" 'NR == 1 { print; print "Language: " l; next } 1' \
    >"$tmp/out.vtt"
cat "$tmp/align.ndjson" "$tmp/fixes.ndjson" >"$tmp/report.ndjson"
# Into place: copied beside the target first, so each rename is atomic.
for f in "$lang.srt:out.srt" "$lang.vtt:out.vtt" "report.ndjson:report.ndjson"; do
	cp "$tmp/${f#*:}" "$out.${f%%:*}.tmp$$"
	mv "$out.${f%%:*}.tmp$$" "$out.${f%%:*}"
done
