// lingua.js: Lingua (npm @bluzzi/lingua, built by scripts/install-lingua)
// over NDJSON records {"text": ...} on stdin: one {"lang": ...} line per
// record on stdout, the language as langid labels it (ISO 639-1), or "und"
// when Lingua does not answer.  Lingua calls Chinese one language, and
// Serbian too: "zh" and "sr", which a comparison counts right for both
// scripts of each.
//
// usage: node tests/bench/lingua.js LINGUADIR < records > answers
'use strict';
const path = require('path');
const readline = require('readline');
const lingua = require(path.resolve(process.argv[2],
    'node_modules/@bluzzi/lingua'));

// Lingua's 75 language names -> ISO 639-1.
const CODE = {
  Afrikaans: 'af', Albanian: 'sq', Arabic: 'ar', Armenian: 'hy',
  Azerbaijani: 'az', Basque: 'eu', Belarusian: 'be', Bengali: 'bn',
  Bokmal: 'nb', Bosnian: 'bs', Bulgarian: 'bg', Catalan: 'ca',
  Chinese: 'zh', Croatian: 'hr', Czech: 'cs', Danish: 'da', Dutch: 'nl',
  English: 'en', Esperanto: 'eo', Estonian: 'et', Finnish: 'fi',
  French: 'fr', Ganda: 'lg', Georgian: 'ka', German: 'de', Greek: 'el',
  Gujarati: 'gu', Hebrew: 'he', Hindi: 'hi', Hungarian: 'hu',
  Icelandic: 'is', Indonesian: 'id', Irish: 'ga', Italian: 'it',
  Japanese: 'ja', Kazakh: 'kk', Korean: 'ko', Latin: 'la', Latvian: 'lv',
  Lithuanian: 'lt', Macedonian: 'mk', Malay: 'ms', Maori: 'mi',
  Marathi: 'mr', Mongolian: 'mn', Nynorsk: 'nn', Persian: 'fa',
  Polish: 'pl', Portuguese: 'pt', Punjabi: 'pa', Romanian: 'ro',
  Russian: 'ru', Serbian: 'sr', Shona: 'sn', Slovak: 'sk', Slovene: 'sl',
  Somali: 'so', Sotho: 'st', Spanish: 'es', Swahili: 'sw', Swedish: 'sv',
  Tagalog: 'tl', Tamil: 'ta', Telugu: 'te', Thai: 'th', Tsonga: 'ts',
  Tswana: 'tn', Turkish: 'tr', Ukrainian: 'uk', Urdu: 'ur',
  Vietnamese: 'vi', Welsh: 'cy', Xhosa: 'xh', Yoruba: 'yo', Zulu: 'zu',
};

const det = lingua.LanguageDetectorBuilder.fromAllLanguages().build();
const out = [];
const rl = readline.createInterface({ input: process.stdin });
rl.on('line', (line) => {
  if (line.trim() === '') return;
  const name = det.detectLanguageOf(JSON.parse(line).text);
  const code = name === undefined ? 'und' : CODE[name];
  if (code === undefined) throw new Error('lingua.js: unknown name ' + name);
  out.push(JSON.stringify({ lang: code }));
});
rl.on('close', () => { process.stdout.write(out.join('\n') + '\n'); });
