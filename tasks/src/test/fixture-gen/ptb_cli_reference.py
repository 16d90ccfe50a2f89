#!/usr/bin/env python3
"""Reference outputs of coco-caption's PTB tokenization for tricky captions.

Runs Stanford CoreNLP 3.4.1's PTBTokenizer command line exactly as pycocoevalcap's
tokenizer/ptbtokenizer.py does: the captions of one tokenize() call, newlines inside a caption
replaced by spaces, are joined by '\n' (no line end after the last one) and written UTF-8 to a
temporary file, then

    java -cp stanford-corenlp-3.4.1.jar edu.stanford.nlp.process.PTBTokenizer \
        -preserveLines -lowerCase <file>

runs on it; its UTF-8 output is split on '\n', line i belongs to caption i, and each line becomes
' '.join(w for w in line.rstrip().split(' ') if w not in PUNCTUATIONS).

Calls written to the fixture:
  - every caption alone (so it is both the first and the last line of its call);
  - all captions in one call, in order (each one followed by a line end but the last);
  - the same call reversed (so a different caption ends it);
  - for each caption, a call where it follows and precedes a lower-case caption, and one where
    it follows and precedes a capitalised sentence (a few rules look past the line end: "etc."
    before a capital letter on the next line keeps a sentence-final period);
  - pairs whose second caption could change how the first ends.
Captions holding a character that CoreNLP treats as a line break ('\r', form feed, vertical tab,
U+2028, U+2029) split into several output lines in the reference and shift every later caption
of the call; they are written only as calls of their own, with "line_breaks": true and every
output line kept (vleval keeps such a caption on one line: its tokens are those of all its lines).

Usage: python3 ptb_cli_reference.py [CORENLP_JAR] > ../resources/ptb/ptb_cli_reference.json
(default jar: ~/.m2/repository/edu/stanford/nlp/stanford-corenlp/3.4.1/stanford-corenlp-3.4.1.jar)
"""

import json
import os
import subprocess
import sys
import tempfile

PUNCTUATIONS = ["''", "'", "``", "`", "-LRB-", "-RRB-", "-LCB-", "-RCB-",
                ".", "?", "!", ",", ":", "-", "--", "...", ";"]

LINE_BREAKS = ["\r", "\x0b", "\x0c", "\u2028", "\u2029"]

CAPTIONS = [
    # emoticons at the start, in the middle and at the end of a caption
    "A DOG IN A FIELD. :)",
    ":) a dog in a field",
    "a dog :) in a field",
    "a happy dog :-)",
    ":-) a happy dog",
    "a dog winking ;)",
    ";) winking",
    "a laughing dog :D",
    ":D laughing",
    "a cool dog 8)",
    "8) cool dog",
    "i <3 dogs",
    "dogs <3",
    "<3 dogs",
    "a sad dog :(",
    "a dog :P",
    "a dog ;-)",
    "a dog =)",
    "a dog :-(",
    "a dog XD",
    "a dog ^_^",
    "great!:)",
    "a dog (:",
    # URLs, e-mail addresses, handles
    "see http://example.com/a?b=1&c=2.",
    "a sign reading www.example.com",
    "https://example.org/path)",
    "mail foo@bar.com now",
    "#dog @user",
    # times and other colons
    "a clock showing 10:30",
    "at 10:30 am",
    "at 5:00.",
    "a ratio of 3:2",
    "12:30:45",
    "10:30pm",
    "a:b",
    # brackets
    "a dog (brown) runs",
    "(a cat)",
    "a cat (",
    "[square] {curly}",
    "(800) 555-1212",
    # quotes and contractions
    "\"hello\" he said",
    "a \"quoted word\" here",
    "'single' quotes",
    "it's a dog",
    "don't can't won't cannot gonna",
    "the dogs' bones",
    "\u201ccurly\u201d quotes",
    "\u2018single curly\u2019",
    # ellipses
    "a dog...",
    "wait... what",
    "a dog . . . runs",
    "a dog\u2026",
    "...a dog",
    # non-ASCII
    "caf\u00e9 cr\u00e8me br\u00fbl\u00e9e",
    "na\u00efve Z\u00fcrich",
    "\u65e5\u672c\u8a9e\u306e\u30ad\u30e3\u30d7\u30b7\u30e7\u30f3",
    "emoji \U0001F600 dog",
    "\u00c6\u00d8\u00c5 STRASSE Stra\u00dfe",
    "\u0130STANBUL",
    "\u039f\u0394\u039f\u03a3",
    "a\u00a0dog",
    "3\u00a01/2 cups",
    "\uff21\uff22\uff23",
    "e\u0301t\u00e9",
    "a dog \u2014 running",
    # several sentences in one caption
    "A dog runs. A cat sleeps.",
    "Two dogs! One cat? No.",
    "Mr. Smith's dog. It runs.",
    "A dog in the U.S.",
    "a dog on St. Mark's Place etc.",
    # numbers, symbols, dashes
    "1,000 dogs",
    "3.5 inches",
    "$5.00 each",
    "50% off",
    "1/2 cup",
    "a dog--running",
    "well-known dog",
    "a - b",
    "AT&T and a & b",
    "<b>bold</b> &amp; text",
    "and/or",
    "?!",
    "!!!",
    # whitespace
    "  leading and trailing  ",
    "tabs\tand  double  spaces",
    "a line\nbreak inside",
    "x\u0085y",
]

PAIRS = [
    ["a dog etc.", "A cat"],
    ["a dog etc.", "a cat"],
    ["in the U.S.", "A cat"],
    ["Mr.", "Smith"],
    ["a \"quoted", "word\" here"],
    ["he said \"", "hello\""],
    ["a dog :)", "8"],
    ["a dog :", ") b"],
    ["don", "'t"],
    ["a dog <a", "href=x> b"],
    ["a *NL* b", "c"],
    ["", "a dog"],
]

BROKEN = ["one\rtwo", "one\x0ctwo", "one\x0btwo", "one\u2028two", "one\u2029two"]

# An empty caption is never the last of a call: the reference drops the last empty line.
EMPTY = ""


def jar_path():
    if len(sys.argv) > 1:
        return os.path.abspath(sys.argv[1])
    return os.path.expanduser(
        "~/.m2/repository/edu/stanford/nlp/stanford-corenlp/3.4.1/stanford-corenlp-3.4.1.jar")


def run_call(jar, captions):
    """pycocoevalcap's PTBTokenizer.tokenize for one call: the output lines, not yet filtered."""
    sentences = "\n".join(c.replace("\n", " ") for c in captions)
    directory = tempfile.mkdtemp()
    path = os.path.join(directory, "captions")
    with open(path, "wb") as f:
        f.write(sentences.encode())
    cmd = ["java", "-cp", jar, "edu.stanford.nlp.process.PTBTokenizer",
           "-preserveLines", "-lowerCase", os.path.basename(path)]
    p = subprocess.run(cmd, cwd=directory, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       check=True)
    os.remove(path)
    os.rmdir(directory)
    return p.stdout.decode().split("\n")


def strip_punctuation(line):
    return " ".join(w for w in line.rstrip().split(" ") if w not in PUNCTUATIONS)


def call(jar, name, captions):
    lines = run_call(jar, captions)
    if len(lines) < len(captions):
        raise SystemExit("%s: %d lines for %d captions" % (name, len(lines), len(captions)))
    return {"name": name, "captions": captions,
            "tokenized": [strip_punctuation(l) for l in lines[:len(captions)]]}


def main():
    jar = jar_path()
    for c in CAPTIONS:
        assert not any(b in c for b in LINE_BREAKS), c
    calls = []
    for i, c in enumerate(CAPTIONS):
        calls.append(call(jar, "alone %d" % i, [c]))
    for i, c in enumerate(CAPTIONS):
        calls.append(call(jar, "between %d" % i, ["a dog", c, "a cat"]))
    for i, c in enumerate(CAPTIONS):
        calls.append(call(jar, "between capitals %d" % i, ["A dog.", c, "A cat."]))
    for i, pair in enumerate(PAIRS):
        calls.append(call(jar, "pair %d" % i, pair))
    everything = CAPTIONS[:10] + [EMPTY] + CAPTIONS[10:]
    calls.append(call(jar, "all", everything))
    calls.append(call(jar, "all reversed", list(reversed(everything))))
    broken = []
    for i, c in enumerate(BROKEN):
        lines = run_call(jar, [c])
        broken.append({"name": "line break %d" % i, "caption": c,
                       "lines": [strip_punctuation(l) for l in lines]})
    java = subprocess.run(["java", "-version"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          check=True).stdout.decode().splitlines()[0]
    json.dump({
        "description": "pycocoevalcap's PTB tokenization (CoreNLP 3.4.1 command line, "
                       "-preserveLines -lowerCase, one caption a line, no line end after the "
                       "last, punctuation tokens removed) of tricky captions; generated by "
                       "src/test/fixture-gen/ptb_cli_reference.py",
        "command": "java -cp stanford-corenlp-3.4.1.jar edu.stanford.nlp.process.PTBTokenizer "
                   "-preserveLines -lowerCase FILE",
        "java": java,
        "calls": calls,
        "line_breaks": broken,
    }, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
