# demo: langid: the language of subtitle cues, and of mixed-language lines
# Cue records in several languages get lang, conf and alt; a line that
# switches language half-way gets one span per language.
cat > cues.ndjson <<'CUES'
{"type":"cue","start":1.0,"end":2.5,"text":"Where were you last night?"}
{"type":"cue","start":3.0,"end":4.8,"text":"¿Dónde estabas anoche? Te estuve buscando."}
{"type":"cue","start":5.2,"end":7.0,"text":"Je t'ai cherché partout, tu sais."}
{"type":"cue","start":7.5,"end":9.0,"text":"Ich war bei meiner Schwester in Berlin."}
{"type":"cue","start":9.5,"end":11.0,"text":"Почему ты мне не позвонил?"}
{"type":"cue","start":11.5,"end":12.0,"text":"…"}
CUES
langid -a 1 cues.ndjson | tee cues-lang.ndjson
echo "--- per language:"
jq -r .lang cues-lang.ndjson | sort | uniq -c
echo "--- spans of a mixed line:"
echo 'Toda persona tiene derecho a la educación. Everyone has the right to education.' |
    langid -t -s | jq -c '.spans[]'
