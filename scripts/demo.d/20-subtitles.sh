# demo: subtitles: convert one file between SRT, WebVTT, ASS and NDJSON
#
# Writes a small SRT in the style of old Windows tools (CP1252, CRLF, a
# wrong index, one-digit milliseconds), then converts it to records, to
# WebVTT and to ASS, shifts the records with jq, and comes back.
printf '1\r\n00:00:01,5 --> 00:00:03,000\r\nCaf\351 au lait, <i>s\222il vous pla\356t</i>.\r\n\r\n9\r\n00:00:04,000 --> 00:00:06,250\r\nTwo lines\r\nof dialogue\r\n\r\n' >old.srt

echo "--- old.srt as cue records"
subconv old.srt | tee cues.ndjson

echo "--- as WebVTT"
subconv -o cues.vtt cues.ndjson
cat cues.vtt

echo "--- records shifted 1 s later with jq, as SRT"
jq -c 'if .type == "cue" then .start += 1 | .end += 1 else . end' \
    cues.ndjson | subconv -f srt

echo "--- as ASS (the events)"
subconv -o cues.ass old.srt
sed -n '/^\[Events\]/,$p' cues.ass

echo "--- ASS back to SRT: normalised, UTF-8, numbered from 1"
subconv -f srt cues.ass | tee new.srt

echo "--- round trip SRT -> NDJSON -> SRT is byte for byte"
subconv new.srt | subconv -f srt | cmp - new.srt && echo identical
