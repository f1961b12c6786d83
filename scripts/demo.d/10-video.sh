# demo: video analysis: vframes | vscenes on a generated clip with a cut, a dissolve and a fade
#
# Four shots from ffmpeg's test sources (16 s, 640x360, 25 fps, a tone
# that gets louder): a hard cut at 4 s, a one-second dissolve centred on
# 8 s, a fade through black centred on 12 s, and a camera-flash-like
# burst of white at 14 s that is not a boundary.
ffmpeg -v error -nostdin -y \
    -f lavfi -i "testsrc2=s=640x360:r=25:d=4" \
    -f lavfi -i "mandelbrot=s=640x360:r=25,trim=duration=4.5" \
    -f lavfi -i "smptehdbars=s=640x360:r=25:d=4.5" \
    -f lavfi -i "life=s=640x360:r=25:mold=10:ratio=0.2:death_color=#203040:life_color=#f0c030,trim=duration=4.5" \
    -f lavfi -i "sine=f=330:d=16,volume='0.1+0.05*t':eval=frame" \
    -filter_complex "
	[0]settb=1/25,setpts=N,format=yuv420p[a];
	[1]settb=1/25,setpts=N,format=yuv420p[b];
	[2]settb=1/25,setpts=N,format=yuv420p[c];
	[3]settb=1/25,setpts=N,format=yuv420p[d];
	[a][b]concat,settb=1/25,setpts=N[ab];
	[ab][c]xfade=transition=fade:duration=1:offset=7.5,settb=1/25[abc];
	[abc][d]xfade=transition=fadeblack:duration=1:offset=11.5,
	    eq=brightness=0.7:enable='between(n,350,352)'[v]" \
    -map "[v]" -map 4:a -c:v libx264 -preset veryfast -crf 26 -c:a aac \
    demo-video.mp4
echo "made demo-video.mp4: cut at 4 s, dissolve 7.5-8.5 s, fade 11.5-12.5 s, flash at 14 s"

vframes -a demo-video.mp4 > demo-frames.ndjson
echo "vframes: $(grep -c '"type":"frame"' demo-frames.ndjson) frame records," \
    "$(grep -c '"type":"audio"' demo-frames.ndjson) audio records; one of them:"
sed -n 2p demo-frames.ndjson | cut -c 1-200

echo "vscenes (from the records):"
vscenes demo-frames.ndjson > demo-scenes.ndjson
jq -r '"  scene \(.index): \(.start)-\(.end) s, in by \(.in) (conf \(.conf)), motion \(.motion), loudness \(.loudness) LUFS, hook \(.hook)"' \
    demo-scenes.ndjson

echo "the same scenes as chapters (vscenes -f ffmetadata, decoding the file itself):"
vscenes -f ffmetadata demo-video.mp4 > demo-chapters.txt
grep -c '^\[CHAPTER\]' demo-chapters.txt
