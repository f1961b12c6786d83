# demo: subalign: put late subtitles back on generated speech
#
# movie.opus is 19 s of espeak-ng speech the repo ships (testdata/man/
# subalign); movie.srt is its subtitles 3 s late.  subalign finds the
# offset from the voice activity, reports it, and writes the fixed file;
# subtitles.sh does the same and adds SRT and tagged WebVTT files.
cp "$REEL_TOP/testdata/man/subalign/movie.opus" \
    "$REEL_TOP/testdata/man/subalign/movie.srt" .

echo "--- the late subtitles, first cue"
head -n 3 movie.srt

echo "--- aligned to the speech (the align record on stderr)"
subalign -r movie.opus -f ndjson movie.srt 2>&1 | head -n 3

echo "--- video + subtitles -> movie.en.srt, movie.en.vtt"
subtitles.sh -l en movie.opus movie.srt movie 2>/dev/null
head -n 6 movie.en.vtt
