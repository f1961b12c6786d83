#!/usr/bin/env python3
# lingua-compare: langid against Lingua on the dev texts of Lingua's 75
# languages, per length bucket (issue 15: langid >= Lingua in every one).
# Used by tests/suites/langid-dev and tests/bench/langid.sh.
#
# usage: lingua-compare.py DEV LANGID-ANSWERS LINGUA-ANSWERS
# Each answers file has one record {"lang": ...} per dev line, in order
# (tests/bench/lingua.js writes Lingua's).  Lingua calls Chinese and
# Serbian one language each ("zh", "sr"): that answer counts right for
# either script's label, which favours Lingua.
import json
import sys

LINGUA = set("af sq ar hy az eu be bn nb bs bg ca zh hr cs da nl en eo et "
             "fi fr lg ka de el gu he hi hu is id ga it ja kk ko la lv lt mk "
             "ms mi mr mn nn fa pl pt pa ro ru sr sn sk sl so st es sw sv tl "
             "ta te th ts tn tr uk ur vi cy xh yo zu".split())
BUCKETS = ("short", "medium", "long", "all")


def lingua_label(label):
    """The label as Lingua names it (zh-Hans -> zh, sr-Latn -> sr)."""
    return label.split("-")[0] if label.split("-")[0] in ("zh", "sr") \
        else label


def compare(truth, langid, lingua):
    """{bucket: (n, langid right, lingua right)} over Lingua's languages."""
    res = {b: [0, 0, 0] for b in BUCKETS}
    for t, a, b in zip(truth, langid, lingua):
        if lingua_label(t["lang"]) not in LINGUA:
            continue
        for k in (t["bucket"], "all"):
            res[k][0] += 1
            res[k][1] += a["lang"] == t["lang"]
            res[k][2] += b["lang"] == lingua_label(t["lang"])
    return res


def lines(path):
    return [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]


def main():
    truth, a, b = (lines(p) for p in sys.argv[1:4])
    if not (len(truth) == len(a) == len(b)):
        sys.exit("lingua-compare: answer files differ in length")
    res = compare(truth, a, b)
    for k in BUCKETS:
        n, x, y = res[k]
        print("dev, Lingua's languages, %s: langid %.1f%%, reference "
              "Lingua %.1f%% (%d texts) %s" % (
                  k, 100.0 * x / n, 100.0 * y / n, n,
                  "ok" if x >= y else "MISSED"))


if __name__ == "__main__":
    main()
