#!/bin/sh
# subtitles.sh: video + subtitles in -> aligned SRT and WebVTT out, named
# OUTBASE.LANG.srt and OUTBASE.LANG.vtt, the WebVTT with a "Language:"
# header line.  LANG is -l's, else what a `langid` on PATH says of the
# cue text, else "und" (BCP 47: undetermined).
#
#	usage: subtitles.sh [-l lang] video subs outbase
set -eu
lang=
while getopts l: o; do
	case $o in
	l) lang=$OPTARG ;;
	*) echo "usage: subtitles.sh [-l lang] video subs outbase" >&2; exit 64 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 3 ] || { echo "usage: subtitles.sh [-l lang] video subs outbase" >&2; exit 64; }
video=$1 subs=$2 out=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
subalign -r "$video" --report "$tmp/align.ndjson" -f ndjson "$subs" \
    >"$tmp/aligned.ndjson"
if [ -z "$lang" ] && command -v langid >/dev/null 2>&1; then
	lang=$(jq -c 'select(.type == "cue") | {text}' "$tmp/aligned.ndjson" |
	    langid | jq -r '.lang // empty' | sort | uniq -c | sort -rn |
	    awk 'NR == 1 { print $2 }')
fi
lang=${lang:-und}
subconv -f srt -o "$out.$lang.srt" "$tmp/aligned.ndjson"
subconv -f vtt "$tmp/aligned.ndjson" |
    awk -v l="$lang" 'NR == 1 { print; print "Language: " l; next } 1' \
    >"$tmp/out.vtt"
mv "$tmp/out.vtt" "$out.$lang.vtt"
cat "$tmp/align.ndjson" >&2
