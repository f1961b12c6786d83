# demo: subalign and subfix: put late subtitles back on speech, then fix them to a guideline
#
# movie.opus is 19 s of espeak-ng speech the repo ships (testdata/man/
# subalign); movie.srt is its subtitles 3 s late.  subalign finds the
# offset from the voice activity and reports it; subfix applies the
# Netflix English rules (line length, reading speed, gaps, shot changes)
# and reports each change; subtitles.sh does all of it and tags the
# language langid finds.
cp "$REEL_TOP/testdata/man/subalign/movie.opus" \
    "$REEL_TOP/testdata/man/subalign/movie.srt" .

echo "--- the late subtitles, first cue"
head -n 3 movie.srt

echo "--- aligned to the speech (the align record on stderr)"
subalign -r movie.opus -f ndjson movie.srt 2>&1 >aligned.ndjson
head -n 2 aligned.ndjson

echo "--- fixed to netflix-en, with a shot change at 9.2 s: what changed"
echo '{"type":"scene","start":9.2,"in":"cut"}' >scenes.ndjson
subfix --scenes scenes.ndjson --report fixes.ndjson -f srt aligned.ndjson \
    >fixed.srt
jq -c 'select(.type == "fix") | [.cue, .rule, .field, .from, .to]' fixes.ndjson
head -n 4 fixed.srt

echo "--- video + subtitles -> movie.LANG.srt, movie.LANG.vtt (language from langid)"
subtitles.sh -s scenes.ndjson movie.opus movie.srt movie
ls movie.*.srt movie.*.vtt
head -n 6 movie.*.vtt
jq -c 'select(.type == "align" or .type == "subfix")' movie.report.ndjson
