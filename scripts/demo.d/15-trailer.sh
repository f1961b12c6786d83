# demo: the trailer workflow on real footage: trailer.sh makes scenes, A/B thumbnails, a contact sheet and a 12 s trailer
#
# The footage is OpenCV's sample videos, from Debian's opencv-doc package
# (Apache-2.0 AND BSD-3-Clause, see footage/COPYRIGHT), fetched and
# unpacked once by scripts/fetch-footage: 11 s of an animated dialogue
# scene (Megamind.avi, four shots), a hand turning a box (box.mp4), people
# walking past a still camera (vtest.avi, no sound), a hand with a cup
# (cup.mp4) and a tree (tree.avi, no sound), joined here by hard cuts
# into one 48 s film at 640x480, 25 fps.
footage=$REEL_TOP/build/footage
fetch-footage "$footage" ||
    { echo "demo: no footage (scripts/fetch-footage needs apt and the Debian archive)" >&2; exit 69; }
shot() {	# shot INPUT START DUR: video and sound of one shot
	printf '%s' "-ss $2 -t $3 -i $footage/$1"
}
v() {
	echo "[$1:v]fps=25,scale=640:480:force_original_aspect_ratio=increase,crop=640:480,setsar=1,format=yuv420p,trim=duration=$2,setpts=PTS-STARTPTS[v$1]"
}
a() {	# the shot's sound, or silence for a shot without
	if [ "$2" = - ]; then
		echo "anullsrc=r=48000:cl=mono,atrim=duration=$3[a$1]"
	else
		echo "[$1:a]aresample=48000,aformat=channel_layouts=mono,atrim=duration=$3,asetpts=PTS-STARTPTS,apad=whole_dur=$3[a$1]"
	fi
}
# shellcheck disable=SC2046
ffmpeg -v error -nostdin -y $(shot Megamind.avi 0 11.2) $(shot box.mp4 0 8) \
    $(shot vtest.avi 10 10) $(shot cup.mp4 0.2 7.6) $(shot tree.avi 0 11.2) \
    -filter_complex "$(v 0 11.2);$(v 1 8);$(v 2 10);$(v 3 7.6);$(v 4 11.2);
	$(a 0 + 11.2);$(a 1 + 8);$(a 2 - 10);$(a 3 + 7.6);$(a 4 - 11.2);
	[v0][a0][v1][a1][v2][a2][v3][a3][v4][a4]concat=n=5:v=1:a=1[v][a]" \
    -map "[v]" -map "[a]" -c:v libx264 -preset veryfast -crf 23 \
    -c:a aac -b:a 96k film.mp4 2>&1 | grep -v -e 'non-intra slice' -e decode_slice_header >&2 || true
echo "made film.mp4 from OpenCV's sample videos (opencv-doc): $(ffprobe -v error -show_entries format=duration -of csv=p=0 film.mp4) s"

trailer.sh -d 12 -n 3 film.mp4 trailer.d

echo "scenes (trailer.d/scenes.ndjson):"
jq -r '"  \(.index): \(.start)-\(.end) s, in by \(.in), motion \(.motion), loudness \(.loudness // "none") LUFS, hook \(.hook)"' \
    trailer.d/scenes.ndjson
echo "thumbnails (trailer.d/thumbs.ndjson), each in four crops:"
jq -r 'select(.aspect == "16:9") | "  variant \(.variant): \(.t) s, scene \(.scene), score \(.score) -> \(.path)"' \
    trailer.d/thumbs.ndjson
echo "contact sheet: trailer.d/sheet.jpg," \
    "$(ffprobe -v error -show_entries stream=width,height -of csv=p=0:s=x trailer.d/sheet.jpg)"
echo "trailer shots (trailer.d/segments.ndjson): joins in pauses of speech, no dead air, none from the last fifth"
jq -r '"  \(.order): \(.start)-\(.end) s (\(.dur) s) from scene \(.scene), on an onset: \(.snapped)"' \
    trailer.d/segments.ndjson
jq -s '"  total \(map(.dur) | add) s"' -r trailer.d/segments.ndjson
echo "trailer.d/trailer.mp4:" \
    "$(ffprobe -v error -show_entries format=duration -of csv=p=0 trailer.d/trailer.mp4) s"
