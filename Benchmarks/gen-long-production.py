#!/usr/bin/env python3
"""Deterministic long productions for Benchmarks/long-render.sh (standard library only).

  gen-long-production.py narration --minutes 60 --out DIR   -> DIR/narration.{txt,json}
  gen-long-production.py bed --minutes 120 --out DIR        -> DIR/bed.{txt,json}, DIR/bed-warm.json

narration: a script of about WPM words per target minute, cut into sections of 2-3 minutes
(<<sectionName::partN>>), each with a <<soundSegment::main>> tag, every fifth one (and the
first) <<soundSegment::intro>>. Paragraphs are 3-6 sentences recombined from
Examples/narration-5min/narration.txt with a seeded generator, so every paragraph (and
so every speech clip) is distinct, and the same arguments always give the same files.

bed: a few sentences in two sections under "forceLength": minutes * 60. bed-warm.json is the
same script without forceLength, to fill the speech cache cheaply.
"""
import argparse
import json
import os
import random
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE = os.path.join(ROOT, "Examples", "narration-5min", "narration.txt")


def sentences():
    text = open(SOURCE, encoding="utf-8").read()
    text = re.sub(r"<<[^>]*>>", " ", text)          # section and segment tags
    text = re.sub(r"<break[^>]*/>", " ", text)      # breaks
    text = re.sub(r"\s+", " ", text).strip()
    out = [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]
    # Keep sentences that read well on their own, in any order.
    return [s for s in out if len(s.split()) >= 4]


def production(script, template, force_length=None):
    p = {
        "scriptFile": script,
        "voice": "en-gb",
        "speed": 1.0,
        "soundTemplate": template,
        "masteringPreset": "balanced",
        "loudnessPreset": "podcast",
        "endFormat": ["mp3_high", "wav"],
    }
    if force_length is not None:
        p["forceLength"] = force_length
    return p


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def narration(args):
    rng = random.Random(args.seed)
    pool = sentences()
    deck = []

    def draw():
        if not deck:
            deck.extend(pool)
            rng.shuffle(deck)
        return deck.pop()

    target = int(round(args.minutes * args.wpm))
    seen = set()
    lines, words, section = [], 0, 0
    while words < target:
        section += 1
        budget = min(int(rng.uniform(2.0, 3.0) * args.wpm), target - words)
        segment = "intro" if section % 5 == 1 else "main"
        if lines:
            lines.append("")
        lines.append(f"<<soundSegment::{segment}>>")
        lines.append(f"<<sectionName::part{section}>>")
        in_section, first = 0, True
        while in_section < budget:
            # 3-6 sentences, fewer when the section's budget runs out; never a repeat.
            para, want = [], rng.randint(3, 6)
            while True:
                para.append(draw())
                key = " ".join(para)
                full = len(para) >= want or in_section + len(key.split()) >= budget
                if full and key not in seen:
                    break
            seen.add(key)
            n = len(key.split())
            if not first:
                lines.append('<break time="600ms"/>' if rng.random() < 0.3 else "")
            lines.append(key)
            in_section += n
            first = False
        words += in_section
    write(os.path.join(args.out, "narration.txt"), "\n".join(lines) + "\n")
    write(os.path.join(args.out, "narration.json"),
          json.dumps(production("narration.txt", args.template), indent=2) + "\n")
    print(f"narration: {section} sections, {words} words (target {target}: {args.minutes:g} min at {args.wpm:g} wpm)")


def bed(args):
    script = "\n".join([
        "<<soundSegment::intro>>",
        "<<sectionName::opening>>",
        "Welcome to this long listening session. Sit back, relax, and let the music play.",
        "",
        "<<soundSegment::main>>",
        "<<sectionName::bed>>",
        "The programme continues after this short message. "
        "Everything you hear next is music only, held to the exact length the producer asked for.",
    ]) + "\n"
    write(os.path.join(args.out, "bed.txt"), script)
    seconds = int(round(args.minutes * 60))
    write(os.path.join(args.out, "bed.json"),
          json.dumps(production("bed.txt", args.template, seconds), indent=2) + "\n")
    write(os.path.join(args.out, "bed-warm.json"),
          json.dumps(production("bed.txt", args.template), indent=2) + "\n")
    print(f"bed: forceLength {seconds} s ({args.minutes:g} min), {len(script.split())} words")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("kind", choices=["narration", "bed"])
    ap.add_argument("--minutes", type=float, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--wpm", type=float, default=160, help="words per target minute (narration)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--template", default="corporate", help="soundTemplate: a name or a folder")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    (narration if args.kind == "narration" else bed)(args)


if __name__ == "__main__":
    main()
