# demo: the trailer workflow: trailer.sh makes scenes, A/B thumbnails, a contact sheet and a 10 s trailer of generated footage
#
# Eight shots of 3 s from ffmpeg's test sources, joined by hard cuts, each
# with its own sound: tones at different levels, some with drum-like hits
# every half second (the onsets the trailer cuts on).  320x180, 25 fps.
src() {
	echo "$1,scale=320:180,fps=25,trim=duration=3,setsar=1,format=yuv420p"
}
tone() {
	echo "aevalsrc='$1':s=44100:d=3,aformat=channel_layouts=mono"
}
ffmpeg -v error -nostdin -y \
    -f lavfi -i "$(src testsrc2=s=320x180:r=25)" \
    -f lavfi -i "$(src mandelbrot=s=320x180:r=25)" \
    -f lavfi -i "$(src smptebars=s=320x180:r=25)" \
    -f lavfi -i "$(src life=s=320x180:r=25:mold=10:ratio=0.3:life_color=#f0c030)" \
    -f lavfi -i "$(src 'mptestsrc=t=ring1,hflip')" \
    -f lavfi -i "$(src cellauto=s=320x180:r=25:rule=110)" \
    -f lavfi -i "$(src rgbtestsrc=s=320x180:r=25)" \
    -f lavfi -i "$(src 'testsrc=s=320x180:r=25')" \
    -f lavfi -i "$(tone '0.05*sin(2*PI*220*t)')" \
    -f lavfi -i "$(tone '0.5*sin(2*PI*90*t)*exp(-25*mod(t,0.5))')" \
    -f lavfi -i "$(tone '0.02*sin(2*PI*1000*t)')" \
    -f lavfi -i "$(tone '0.6*sin(2*PI*70*t)*exp(-20*mod(t,0.5))+0.1*sin(2*PI*440*t)')" \
    -f lavfi -i "$(tone '0.08*sin(2*PI*330*t)')" \
    -f lavfi -i "$(tone '0.7*(random(0)-0.5)*exp(-30*mod(t,0.5))')" \
    -f lavfi -i "$(tone '0.03*sin(2*PI*550*t)')" \
    -f lavfi -i "$(tone '0.6*sin(2*PI*110*t)*exp(-15*mod(t,0.25))')" \
    -filter_complex "[0][8][1][9][2][10][3][11][4][12][5][13][6][14][7][15]concat=n=8:v=1:a=1[v][a]" \
    -map "[v]" -map "[a]" -c:v libx264 -preset veryfast -crf 28 -c:a aac -b:a 64k trailer-src.mp4
echo "made trailer-src.mp4: 8 shots of 3 s with hard cuts, each with its own sound"

if command -v vcut >/dev/null 2>&1; then
	trailer.sh -d 10 -n 3 trailer-src.mp4 trailer.d
else
	# Until vcut is built: the same steps as trailer.sh, but the last.
	echo "(vcut is not built yet: every step of trailer.sh but the render)"
	mkdir -p trailer.d
	vframes -a trailer-src.mp4 > trailer.d/frames.ndjson
	vscenes -o trailer.d/scenes.ndjson trailer.d/frames.ndjson
	sed -n '/"type":"audio"/p' trailer.d/frames.ndjson > trailer.d/audio.ndjson
	vthumb -n 3 -a 16:9,1:1,9:16,4:5 -o trailer.d --sheet trailer.d/sheet.jpg \
	    -S trailer.d/scenes.ndjson trailer-src.mp4 > trailer.d/thumbs.ndjson
	vtrailer -d 10 trailer.d/scenes.ndjson trailer.d/audio.ndjson \
	    > trailer.d/segments.ndjson
fi

echo "scenes (trailer.d/scenes.ndjson):"
jq -r '"  \(.index): \(.start)-\(.end) s, in by \(.in), motion \(.motion), loudness \(.loudness) LUFS, hook \(.hook)"' \
    trailer.d/scenes.ndjson
echo "thumbnails (trailer.d/thumbs.ndjson), each in four crops:"
jq -r 'select(.aspect == "16:9") | "  variant \(.variant): \(.t) s, scene \(.scene), score \(.score) -> \(.path)"' \
    trailer.d/thumbs.ndjson
ls trailer.d | grep -c 'thumb-.*\.jpg' | sed 's/^/  images: /'
echo "contact sheet: trailer.d/sheet.jpg," \
    "$(ffprobe -v error -show_entries stream=width,height -of csv=p=0:s=x trailer.d/sheet.jpg)"
echo "trailer shots (trailer.d/segments.ndjson): shorter toward the end, none from the last fifth"
jq -r '"  \(.order): \(.start)-\(.end) s (\(.dur) s) from scene \(.scene), on an onset: \(.snapped)"' \
    trailer.d/segments.ndjson
jq -s '"  total \(map(.dur) | add) s"' -r trailer.d/segments.ndjson
if [ -f trailer.d/trailer.mp4 ]; then
	echo "trailer.d/trailer.mp4:" \
	    "$(ffprobe -v error -show_entries format=duration -of csv=p=0 trailer.d/trailer.mp4) s"
fi
