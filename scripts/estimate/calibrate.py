#!/usr/bin/env python3
"""Calibrate Mixdown's speech-length estimator (SpeechEstimate.swift).

  calibrate.py measure VOICE [--speed S] [--limit N] [--test20] [--fresh]
      Renders corpus.txt with the mixdown binary, one sentence per section (so one clip per
      sentence), and writes lengths-VOICE.csv (or lengths-VOICE@S.csv at another speed):
      index,split,text,samples  -- the trimmed clip length in samples at 48 kHz, read from the
      report's items (endSample - startSample; stretch is checked to be 1).
  calibrate.py fit [VOICE...]
      Least-squares fit (relative error, i.e. rows weighted 1/length) of the per-voice
      coefficients on the training lines (index 0, 2, 4, ... counted from 0; the held-out test
      lines are 1, 3, 5, ...), with the text features computed by SpeechEstimate.swift itself
      (./check features). Writes the models, with their held-out errors, into
      SpeechEstimate.swift between the CALIBRATED-MODELS markers, then runs ./check (the
      error table of results.md).
  calibrate.py all [--fresh]
      measure (every calibrated voice at speed 1; en-us and Piper at 0.8 and 1.2 on 20 test
      lines) + fit. results.md's lengths come from `all --fresh`; its coefficients from `fit`
      on those same lengths, run again after the last feature (sibilants) was added.

Environment: CORPUS (another corpus file, e.g. spotcheck/corpus-de.txt for the
uncalibrated-language spot check), MIXDOWN (the binary, default .build/release/mixdown of this checkout), MIXDOWN_CACHE
(default ./cache; --fresh uses an empty cache so every clip is synthesised).
Only the Python standard library is used.
"""
import csv, json, os, subprocess, sys, tempfile, time, shutil

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
MIXDOWN = os.environ.get("MIXDOWN", os.path.join(REPO, ".build/release/mixdown"))
CORPUS = os.path.join(HERE, "corpus.txt")

def corpus():
    with open(os.environ.get("CORPUS", CORPUS), encoding="utf-8") as f:
        return [line.strip() for line in f if line.strip()]

def split_of(index):
    """Deterministic split: every second line (index 1, 3, 5, ...) is held out for the test."""
    return "test" if index % 2 == 1 else "train"

def lengths_path(voice, speed=1.0):
    return os.path.join(HERE, "lengths-%s.csv" % voice if speed == 1.0 else "lengths-%s@%g.csv" % (voice, speed))

def measure(voice, speed=1.0, limit=None, fresh=False, indices=None):
    lines = corpus()
    chosen = indices if indices is not None else list(range(len(lines)))
    if limit:
        chosen = chosen[:limit]
    script = " ".join("<<sectionName::s%d>> %s" % (i, lines[i]) for i in chosen)
    os.makedirs(os.path.join(HERE, "tmp"), exist_ok=True)
    work = tempfile.mkdtemp(prefix="measure-", dir=os.path.join(HERE, "tmp"))
    production = {"scriptText": script, "voice": voice, "speed": speed, "endFormat": ["wav"]}
    with open(os.path.join(work, "p.json"), "w") as f:
        json.dump(production, f)
    env = dict(os.environ)
    if fresh:
        env["MIXDOWN_CACHE"] = os.path.join(work, "cache")
    else:
        env.setdefault("MIXDOWN_CACHE", os.path.join(HERE, "cache"))
    started = time.time()
    subprocess.run([MIXDOWN, "render", os.path.join(work, "p.json"), "-o", os.path.join(work, "out.wav"),
                    "--report", os.path.join(work, "r.json")], check=True, env=env, cwd=work,
                   stdout=subprocess.DEVNULL)
    seconds = time.time() - started
    report = json.load(open(os.path.join(work, "r.json")))
    rows = []
    by_name = {s["name"]: s for s in report["sections"]}
    for i in chosen:
        items = [it for it in by_name["s%d" % i]["items"] if it["kind"] == "speech"]
        assert len(items) == 1, (i, items)
        assert items[0]["stretch"] == 1, items[0]
        rows.append((i, split_of(i), lines[i], items[0]["endSample"] - items[0]["startSample"]))
    shutil.rmtree(work, ignore_errors=True)
    return rows, seconds, report.get("speech")

def write_lengths(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["index", "split", "text", "samples"])
        for r in rows:
            w.writerow(r)

def read_lengths(path):
    with open(path, encoding="utf-8") as f:
        return [(int(r["index"]), r["split"], r["text"], int(r["samples"])) for r in csv.DictReader(f)]

# ---------------------------------------------------------------- fitting

def check_binary():
    exe = os.path.join(HERE, "check")
    sources = [os.path.join(REPO, "Sources/MixdownSpeech/SpeechEstimate.swift"), os.path.join(HERE, "check.swift")]
    if not os.path.exists(exe) or any(os.path.getmtime(s) > os.path.getmtime(exe) for s in sources):
        subprocess.run(["swiftc", "-O", "-parse-as-library"] + sources + ["-o", exe], check=True)
    return exe

def features(texts):
    """Feature vectors from SpeechEstimate.features (the Swift code is the one definition)."""
    exe = check_binary()
    out = subprocess.run([exe, "features"], input="\n".join(texts) + "\n", capture_output=True, text=True, check=True).stdout
    lines = out.strip().split("\n")
    names = lines[0].split(",")
    return names, [[float(x) for x in l.split(",")] for l in lines[1:]]

def lstsq(X, y, ridge=0.0):
    """Ordinary least squares by the normal equations (Gauss-Jordan with partial pivoting)."""
    n = len(X[0])
    A = [[sum(r[i] * r[j] for r in X) + (ridge if i == j else 0) for j in range(n)] for i in range(n)]
    b = [sum(r[i] * t for r, t in zip(X, y)) for i in range(n)]
    M = [A[i] + [b[i]] for i in range(n)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(M[r][c]))
        M[c], M[p] = M[p], M[c]
        for r in range(n):
            if r != c and M[c][c] != 0:
                f = M[r][c] / M[c][c]
                M[r] = [a - f * bb for a, bb in zip(M[r], M[c])]
    return [M[i][n] / M[i][i] if M[i][i] else 0.0 for i in range(n)]

def fit_relative(X, y):
    """Least squares on relative error: rows weighted by 1/y, so a short clip's error counts as
    much (in percent) as a long one's -- the requirement is in percent."""
    Xw = [[v / t for v in r] for r, t in zip(X, y)]
    yw = [1.0 for _ in y]
    return lstsq(Xw, yw)

COLUMNS = ["phones", "words", "functionWords", "sibilants", "pauses", "sentences", "questions"]
SWIFT_NAMES = ["perPhone", "perWord", "perFunctionWord", "perSibilant", "perPause", "perSentence", "perQuestion", "base"]
CALIBRATED = ["en-us", "en-gb", "en-029", "en-gb-scotland", "en-gb-x-rp", "en-gb-x-gbclan", "en-gb-x-gbcwmd", "en-us-nyc",
              "en_US-joe-medium"]

def sections(idx):
    """Groups of 2, 3, 4, 2, 3, 4, ... consecutive test clips (a last single one joins the group before)."""
    out, i, k = [], 0, 0
    while i < len(idx):
        n = [2, 3, 4][k % 3]
        g = idx[i:i + n]
        if len(g) < 2 and out:
            out[-1] = out[-1] + g
        else:
            out.append(g)
        i += n; k += 1
    return out

def fit(voice, columns=COLUMNS):
    rows = read_lengths(lengths_path(voice))
    names, F = features([r[2] for r in rows])
    # Piper ends a sentence at "Dr." before a capital, espeak-ng does not (SpeechEstimate.Model).
    source = ["piperSentences" if c == "sentences" and "_" in voice else c for c in columns]
    idx = [names.index(c) for c in source]
    X = [[f[i] for i in idx] + [1.0] for f in F]
    y = [r[3] for r in rows]
    train = [k for k, r in enumerate(rows) if r[1] == "train"]
    test = [k for k, r in enumerate(rows) if r[1] == "test"]
    coef = fit_relative([X[k] for k in train], [y[k] for k in train])
    pred = [max(0.0, sum(a * b for a, b in zip(x, coef))) for x in X]
    clip = [abs(pred[k] - y[k]) / y[k] * 100 for k in test]
    sect = [abs(sum(pred[k] for k in g) - sum(y[k] for k in g)) / sum(y[k] for k in g) * 100 for g in sections(test)]
    errors = {"clipMean": sum(clip) / len(clip), "clipWorst": max(clip), "sectionMean": sum(sect) / len(sect), "sectionWorst": max(sect)}
    return dict(zip(columns + ["base"], coef)), errors

def swift_model(voice, coef, errors, calibrated=True):
    law = ".piperLengthScale" if "_" in voice else ".espeakRate"
    values = ", ".join("%s: %.0f" % (n, coef.get(c, 0.0)) for n, c in zip(SWIFT_NAMES, COLUMNS + ["base"]))
    text = "Model(%s, speedLaw: %s" % (values, law)
    if calibrated:
        text += ", calibrated: true, clipMeanError: %.1f, clipWorstError: %.1f, sectionMeanError: %.1f, sectionWorstError: %.1f" % (
            errors["clipMean"], errors["clipWorst"], errors["sectionMean"], errors["sectionWorst"])
    return text + ")"

def write_models(voices):
    """Writes the fitted models into SpeechEstimate.swift (between the CALIBRATED-MODELS markers)
    and the generic espeak model (en-us without the function-word feature)."""
    path = os.path.join(REPO, "Sources/MixdownSpeech/SpeechEstimate.swift")
    src = open(path, encoding="utf-8").read()
    lines = []
    for v in voices:
        coef, errors = fit(v)
        print("%-18s %s  test: clip mean %.1f%% worst %.1f%%, section mean %.1f%% worst %.1f%%" % (
            v, " ".join("%s=%.0f" % kv for kv in coef.items()), errors["clipMean"], errors["clipWorst"], errors["sectionMean"], errors["sectionWorst"]))
        lines.append('        "%s": %s,' % (v, swift_model(v, coef, errors)))
    a = src.index("// CALIBRATED-MODELS-BEGIN") + len("// CALIBRATED-MODELS-BEGIN")
    b = src.index("        // CALIBRATED-MODELS-END")
    src = src[:a] + "\n" + "\n".join(lines) + "\n" + src[b:]
    coef, errors = fit("en-us", ["phones", "words", "sibilants", "pauses", "sentences", "questions"])
    print("generic espeak (en-us data, no function words): %s  test: section worst %.1f%%" % (coef, errors["sectionWorst"]))
    generic = swift_model("en-us", coef, errors, calibrated=False)[len("Model("):-1]
    a = src.index("// GENERIC-MODEL") + len("// GENERIC-MODEL")
    b = src.index(")", src.index("speedLaw", a))
    src = src[:a] + "\n        " + generic + src[b:]
    open(path, "w", encoding="utf-8").write(src)

def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__); return 0
    cmd = argv[0]
    if cmd == "measure":
        voice = argv[1]
        speed = float(argv[argv.index("--speed") + 1]) if "--speed" in argv else 1.0
        limit = int(argv[argv.index("--limit") + 1]) if "--limit" in argv else None
        indices = [i for i in range(len(corpus())) if split_of(i) == "test"][:20] if "--test20" in argv else None
        rows, seconds, speech = measure(voice, speed, limit, fresh="--fresh" in argv, indices=indices)
        path = lengths_path(voice, speed)
        write_lengths(path, rows)
        print("%s: %d clips in %.1f s (%s) -> %s" % (voice, len(rows), seconds, speech, os.path.basename(path)))
        return 0
    if cmd == "fit":
        write_models(argv[1:] or [v for v in CALIBRATED if os.path.exists(lengths_path(v))])
        subprocess.run([check_binary()], check=True, cwd=HERE)
        return 0
    if cmd == "all":
        started = time.time()
        for v in CALIBRATED:
            rows, seconds, speech = measure(v, fresh="--fresh" in argv)
            write_lengths(lengths_path(v), rows)
            print("%s: %d clips in %.1f s (%s)" % (v, len(rows), seconds, speech), flush=True)
        # Speed scaling: the first 20 test lines at 0.8 and 1.2.
        test20 = [i for i in range(len(corpus())) if split_of(i) == "test"][:20]
        for v in ["en-us", "en_US-joe-medium"]:
            for speed in (0.8, 1.2):
                rows, seconds, speech = measure(v, speed, fresh="--fresh" in argv, indices=test20)
                write_lengths(lengths_path(v, speed), rows)
                print("%s @%g: %d clips in %.1f s (%s)" % (v, speed, len(rows), seconds, speech), flush=True)
        write_models(CALIBRATED)
        subprocess.run([check_binary()], check=True, cwd=HERE)
        print("calibration took %.0f s" % (time.time() - started))
        return 0
    print("unknown command %s" % cmd, file=sys.stderr)
    return 2

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
