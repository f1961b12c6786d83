#!/bin/sh
# bench subalign: one hour of speech (18.8 s of espeak-ng speech, from
# testdata/man/subalign, looped 180 times and encoded to Opus), with its
# subtitles 3 s late, against ffmpeg decoding the same file to 8 kHz mono
# s16 (the least any aligner must do).  Targets: at most 1.5 times the
# ffmpeg time, and under 10 s per hour of audio.
set -eu
bin=${REEL_BIN:-bin}
dir=${BENCH_DIR:-build/bench}
src=testdata/man/subalign
command -v ffmpeg >/dev/null || { echo "bench subalign: no ffmpeg" >&2; exit 77; }
mkdir -p "$dir"
audio=$dir/subalign-1h.opus
subs=$dir/subalign-1h.srt
if [ ! -s "$audio" ]; then
	ffmpeg -v error -y -stream_loop 179 -i "$src/movie.opus" -c:a libopus \
	    -b:a 24k "$audio"
fi
if [ ! -s "$subs" ]; then
	# The 4 cues of movie.srt, again every 18.849 s (the length of
	# movie.opus).  (An awk version of this lost the first cue of each
	# copy: mawk reads "1\n00:00:04,500" differently.)
	python3 - "$src/movie.srt" >"$subs" <<'PY'
import sys
cues = []
for b in open(sys.argv[1], encoding="utf-8-sig").read().strip().split("\n\n"):
    l = b.split("\n")
    t = [sum(float(x) * m for x, m in zip(s.replace(",", ".").split(":"),
                                           (3600, 60, 1)))
         for s in l[1].split(" --> ")]
    cues.append((t[0], t[1], "\n".join(l[2:])))
def fmt(t):
    ms = int(round(t * 1000))
    return "%02d:%02d:%02d,%03d" % (ms // 3600000, ms // 60000 % 60,
                                    ms // 1000 % 60, ms % 1000)
k = 0
for r in range(180):
    for a, b, txt in cues:
        k += 1
        print("%d\n%s --> %s\n%s\n" % (k, fmt(a + r * 18.849),
                                       fmt(b + r * 18.849), txt))
PY
fi
now() { date +%s.%N; }
# Wall time is what the targets are about; CPU time (user + sys, from
# time(1)) is printed too, as it is steadier on a loaded machine.
cpu() { awk '{ print $1 + $2 }' "$1"; }
t0=$(now)
/usr/bin/time -f '%U %S' -o "$dir/ffmpeg.cpu" \
    ffmpeg -v error -i "$audio" -ac 1 -ar 8000 -f s16le - >/dev/null
t1=$(now)
/usr/bin/time -f '%U %S' -o "$dir/subalign.cpu" \
    "$bin/subalign" -r "$audio" --report "$dir/subalign-1h.align" "$subs" \
    >/dev/null
t2=$(now)
hours=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$audio" |
    awk '{ print $1 / 3600 }')
awk -v r="$(echo "$t1 - $t0" | bc)" -v t="$(echo "$t2 - $t1" | bc)" \
    -v h="$hours" -v rc="$(cpu "$dir/ffmpeg.cpu")" \
    -v tc="$(cpu "$dir/subalign.cpu")" 'BEGIN {
	ratio = t / r
	ok = ratio <= 1.5 && t / h < 10 ? "ok" : "MISSED"
	printf "bench subalign: %.2f h of speech: tool %.2f s (%.2f s/h; " \
	    "cpu %.2f s), reference ffmpeg %.2f s (cpu %.2f s), ratio %.2f " \
	    "(cpu %.2f) (target 1.5, < 10 s/h) %s\n",
	    h, t, t / h, tc, r, rc, ratio, tc / rc, ok
}'

# The same on a long programme with breaks and a framerate change: the
# 65-min episode of the subalign-long suite (seed 102: 8 ad breaks, 3
# cuts, SNR 5 dB), its subtitles at 25 -> 23.976 fps and 3 s early.
ep=$(tests/subalign-episode 65 102 5 \
    0.07:40,0.16:90,0.27:60,0.38:120,0.49:45,0.61:30,0.72:90,0.86:60 \
    0.21:20,0.55:35,0.8:25) || { echo "bench subalign: no long episode" >&2; exit 0; }
python3 "${REEL_SHARED:-../shared}/data/subs/subsynth.py" perturb \
    --input "$ep/orig.srt" --truth "$ep/orig_truth.ndjson" --offset -3 \
    --scale 0.95904 --jitter 0.03 --seed 102 --output "$dir/long.srt" \
    --truth-out "$dir/long.truth"
t0=$(now)
/usr/bin/time -f '%U %S' -o "$dir/ffmpeg.cpu" \
    ffmpeg -v error -i "$ep/audio.opus" -ac 1 -ar 8000 -f s16le - >/dev/null
t1=$(now)
/usr/bin/time -f '%U %S %M' -o "$dir/subalign.cpu" \
    "$bin/subalign" -r "$ep/audio.opus" --report "$dir/long.align" \
    "$dir/long.srt" >/dev/null 2>&1
t2=$(now)
hours=$(ffprobe -v error -show_entries format=duration -of csv=p=0 \
    "$ep/audio.opus" | awk '{ print $1 / 3600 }')
awk -v r="$(echo "$t1 - $t0" | bc)" -v t="$(echo "$t2 - $t1" | bc)" \
    -v h="$hours" -v rc="$(cpu "$dir/ffmpeg.cpu")" \
    -v tc="$(cpu "$dir/subalign.cpu")" \
    -v rss="$(awk '{ print $3 }' "$dir/subalign.cpu")" 'BEGIN {
	ratio = t / r
	ok = ratio <= 1.5 ? "ok" : "MISSED"
	printf "bench subalign: %.2f h episode, 11 edits, 25->23.976: tool " \
	    "%.2f s (cpu %.2f s, %.0f MB), reference ffmpeg %.2f s (cpu " \
	    "%.2f s), ratio %.2f (cpu %.2f) (target 1.5) %s\n",
	    h, t, tc, rss / 1024, r, rc, ratio, tc / rc, ok
}'
