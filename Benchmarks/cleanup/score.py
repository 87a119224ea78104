#!/usr/bin/env python3
"""Scores for the recording clean-up benchmark (Benchmarks/cleanup), as functions (imported by
run.py and make_set.py) and as a command line. Run from the project's .venv:

  .venv/bin/python Benchmarks/cleanup/score.py sisdr CLEAN PROCESSED   SI-SDR (dB), lag, STOI
  .venv/bin/python Benchmarks/cleanup/score.py condition SETDIR INPUT PROCESSED
      scores PROCESSED against the condition INPUT (a file named in SETDIR/manifest.json) the
      way run.py does: noise -> SI-SDR and STOI, hum -> per-harmonic hum levels, level ->
      per-phrase loudness spread, trim -> phrases intact and pauses, clicks -> click residual.

Every score prints as JSON. All of it expects 48 kHz audio (K-weighting coefficients are
the 48 kHz ones of ITU-R BS.1770); multichannel files are averaged to mono.

Measures:
- SI-SDR: Le Roux et al. 2019 (zero-mean signals, scale-invariant target alpha*s), after
  aligning PROCESSED to CLEAN by cross-correlation within +-50 ms, since processors may add
  latency (the lag found is reported; positive = PROCESSED is late).
- STOI: pystoi.stoi(clean, processed, 48000, extended=False) on the aligned signals.
- Hum: power in k*f0 +- 1.5 Hz (k = 1..6, widened to cover the hum's own drift at the upper
  harmonics) from one Hann-windowed FFT over the whole file, in dB re a full-scale sine.
  The clean reference's power in the same bands is the floor a perfect dehum reaches; the
  same bands of the residual (signal minus the scaled, aligned clean reference) show the hum
  itself without the speech under it.
- Loudness: BS.1770-4 gated integrated loudness (K-weighting, 400 ms blocks, 75 % overlap,
  -70 LUFS absolute and -10 LU relative gates) of each phrase; spread = max - min in LU.
- Trim: each clean phrase is looked for in the output by normalised cross-correlation; it is
  intact when the whole phrase correlates >= 0.9 and, at that place, no more than 10 ms of its
  speech (5 ms frames within 40 dB of its loudest) is missing (more than 20 dB down). The
  correlation alone hides a clipped first or last word: cutting 80 ms of a soft onset still
  correlates 0.995. Pauses are read off the phrases' positions.
- Clicks: peak of the 1 kHz high-passed residual (signal minus the scaled, aligned clean
  reference) from 1 ms before to 3 ms after each click, in dBFS, input against output.
"""
import json
import sys

import numpy as np
import scipy.io.wavfile
import scipy.signal

SR = 48000
MAX_LAG_S = 0.050


# --- audio files -----------------------------------------------------------------------------

def read_wav(path):
    """(float64 mono samples in -1..1, sample rate) of any PCM or float WAV scipy reads."""
    sr, x = scipy.io.wavfile.read(path)
    if x.dtype == np.uint8:
        x = (x.astype(np.float64) - 128) / 128
    elif np.issubdtype(x.dtype, np.integer):
        # scipy returns integer PCM left-justified in the smallest type (24-bit in int32).
        x = x.astype(np.float64) / float(-np.iinfo(x.dtype).min)
    else:
        x = x.astype(np.float64)
    if x.ndim == 2:
        x = x.mean(axis=1)
    return x, sr


def write_wav(path, x, sr=SR):
    """A 32-bit float WAV (IEEE float, format 3)."""
    scipy.io.wavfile.write(str(path), sr, np.asarray(x, dtype=np.float32))


# --- levels ------------------------------------------------------------------------------------

def frame_power(x, frame):
    n = len(x) // frame
    return (x[: n * frame].reshape(n, frame) ** 2).mean(axis=1)


def active_power(x, sr=SR, floor_db=40.0):
    """Mean power of the active speech: 20 ms frames within floor_db of the loudest frame
    (a simple stand-in for ITU-T P.56; the references are noise-free, so the pauses are
    far below the threshold)."""
    p = frame_power(x, int(0.02 * sr))
    active = p > p.max() * 10 ** (-floor_db / 10)
    return float(p[active].mean())


def db(p, floor=1e-20):
    return float(10 * np.log10(max(p, floor)))


# --- alignment, SI-SDR, STOI ------------------------------------------------------------------

def find_lag(ref, sig, max_lag):
    """The lag l in [-max_lag, max_lag] maximising sum ref[n] * sig[n + l]."""
    n = max(len(ref), len(sig)) + max_lag
    size = 1 << int(np.ceil(np.log2(n + max_lag + 1)))
    c = np.fft.irfft(np.conj(np.fft.rfft(ref, size)) * np.fft.rfft(sig, size), size)
    lags = np.arange(-max_lag, max_lag + 1)
    return int(lags[np.argmax(c[lags % size])])


def shift(sig, lag, length):
    """sig advanced by lag samples (out[n] = sig[n + lag]), cut or zero-padded to length."""
    out = np.zeros(length)
    lo, hi = max(0, -lag), min(length, len(sig) - lag)
    if hi > lo:
        out[lo:hi] = sig[lo + lag:hi + lag]
    return out


def align(ref, sig, sr=SR, max_lag_s=MAX_LAG_S):
    lag = find_lag(ref, sig, int(max_lag_s * sr))
    return shift(sig, lag, len(ref)), lag


def si_sdr(ref, est):
    """Scale-invariant SDR in dB (Le Roux et al., 'SDR - half-baked or well done?', 2019)."""
    s = ref - ref.mean()
    e = est - est.mean()
    alpha = np.dot(e, s) / np.dot(s, s)
    target = alpha * s
    return db(np.dot(target, target)) - db(np.dot(e - target, e - target))


def stoi(ref, est, sr=SR):
    from pystoi import stoi as pystoi_stoi  # imported late: only this measure needs it
    return float(pystoi_stoi(ref, est, sr, extended=False))


def score_denoise(clean, processed, sr=SR, with_stoi=True):
    est, lag = align(clean, processed, sr)
    out = {"sisdr": si_sdr(clean, est), "lag": lag}
    if with_stoi:
        out["stoi"] = stoi(clean, est, sr)
    return out


def residual(clean, sig, sr=SR):
    """sig aligned to clean minus the least-squares scaled clean: what a processor left or
    added beside the speech (a gain change alone leaves nothing)."""
    est, lag = align(clean, sig, sr)
    alpha = np.dot(est, clean) / np.dot(clean, clean)
    return est - alpha * clean, lag


# --- hum ---------------------------------------------------------------------------------------

def hum_halfwidth(k, drift=0.3):
    """+-1.5 Hz, widened where the k-th harmonic's drift (k * drift Hz) plus the Hann main
    lobe would leave it."""
    return max(1.5, k * drift + 0.5)


def hum_bands(x, f0, harmonics=6, sr=SR, drift=0.3):
    """Power at k*f0 (k = 1..harmonics) in dB re a full-scale sine, from one Hann FFT of x."""
    w = np.hanning(len(x))
    spec = np.abs(np.fft.rfft(x * w)) ** 2
    freqs = np.fft.rfftfreq(len(x), 1 / sr)
    scale = 2 / (len(x) * np.dot(w, w))  # one-sided band sum -> mean power of the component
    out = []
    for k in range(1, harmonics + 1):
        hw = hum_halfwidth(k, drift)
        band = (freqs >= k * f0 - hw) & (freqs <= k * f0 + hw)
        out.append(db(spec[band].sum() * scale / 0.5))
    return out


def score_hum(clean, noisy, processed, f0, sr=SR, hum_free=None):
    """Per harmonic: input, output and clean-floor band levels, and the residual's (hum only).
    With hum_free (the input without its hum: speech and noise), the hum itself before and
    after: input minus hum_free, and the output (aligned) minus hum_free. That is what
    "hum down by N dB" means: the noise under the hum is not dehum's to take, and in the
    clean-reference residual it hides the upper harmonics' depth (harmonic 6 sits 30 dB under
    the fundamental, near the noise in its few-hertz band)."""
    out_aligned, lag = align(clean, processed, sr)
    res_in, _ = residual(clean, noisy, sr)
    res_out, _ = residual(clean, processed, sr)
    b_in, b_out, b_clean = hum_bands(noisy, f0, sr=sr), hum_bands(out_aligned, f0, sr=sr), hum_bands(clean, f0, sr=sr)
    r_in, r_out = hum_bands(res_in, f0, sr=sr), hum_bands(res_out, f0, sr=sr)
    result = {
        "lag": lag,
        "inputDb": b_in, "outputDb": b_out, "cleanDb": b_clean,
        "reductionDb": [a - b for a, b in zip(b_in, b_out)],
        "residualInDb": r_in, "residualOutDb": r_out,
        "residualReductionDb": [a - b for a, b in zip(r_in, r_out)],
        "sisdrIn": si_sdr(clean, noisy), "sisdrOut": si_sdr(clean, out_aligned),
    }
    if hum_free is not None:
        n = min(len(hum_free), len(noisy))
        h_in = hum_bands(noisy[:n] - hum_free[:n], f0, sr=sr)
        m = min(n, len(out_aligned))
        h_out = hum_bands(out_aligned[:m] - hum_free[:m], f0, sr=sr)
        result.update({"humInDb": h_in, "humOutDb": h_out,
                       "humReductionDb": [a - b for a, b in zip(h_in, h_out)]})
    return result


# --- loudness (ITU-R BS.1770-4) ---------------------------------------------------------------

# K-weighting at 48 kHz: the pre-filter (high shelf) and the RLB high-pass, as given in BS.1770.
K_SHELF = ([1.53512485958697, -2.69169618940638, 1.19839281085285], [1.0, -1.69065929318241, 0.73248077421585])
K_HIGHPASS = ([1.0, -2.0, 1.0], [1.0, -1.99004745483398, 0.99007225036621])


def k_weight(x, sr=SR):
    if sr != 48000:
        raise ValueError("K-weighting coefficients here are for 48 kHz")
    return scipy.signal.lfilter(*K_HIGHPASS, scipy.signal.lfilter(*K_SHELF, x))


def gated_loudness(kw, sr=SR):
    """Integrated loudness (LUFS) of K-weighted samples kw; one block if shorter than 400 ms."""
    block, step = int(0.4 * sr), int(0.1 * sr)
    if len(kw) < block:
        ms = np.array([np.mean(kw ** 2)])
    else:
        starts = np.arange(0, len(kw) - block + 1, step)
        c = np.concatenate([[0.0], np.cumsum(kw ** 2)])
        ms = (c[starts + block] - c[starts]) / block
    lk = -0.691 + 10 * np.log10(np.maximum(ms, 1e-20))
    ms = ms[lk > -70]
    if len(ms) == 0:
        return -70.0
    rel = -0.691 + 10 * np.log10(ms.mean()) - 10
    lk = -0.691 + 10 * np.log10(ms)
    return float(-0.691 + 10 * np.log10(ms[lk > rel].mean()))


def phrase_loudness(x, phrases, offset=0, sr=SR):
    """Loudness (LUFS) of each (start, end) phrase of x, the phrases moved by offset samples."""
    kw = k_weight(x, sr)
    return [gated_loudness(kw[max(0, s + offset):max(0, e + offset)], sr) for s, e in phrases]


def score_level(noisy, processed, phrases, clean=None, sr=SR):
    """Phrase loudness in the input and (aligned to the input) in the output; spread = max - min."""
    lag = find_lag(noisy, processed, int(MAX_LAG_S * sr))
    l_in = phrase_loudness(noisy, phrases, 0, sr)
    l_out = phrase_loudness(processed, phrases, lag, sr)
    out = {"lag": lag, "inputLufs": l_in, "outputLufs": l_out,
           "spreadIn": max(l_in) - min(l_in), "spreadOut": max(l_out) - min(l_out)}
    if clean is not None:
        l_clean = phrase_loudness(clean, phrases, 0, sr)
        out["cleanLufs"], out["spreadClean"] = l_clean, max(l_clean) - min(l_clean)
    return out


# --- trim --------------------------------------------------------------------------------------

def ncc_search(template, y):
    """(position, normalised correlation) of the best match of template inside y."""
    n = len(template)
    if len(y) < n:
        return 0, 0.0
    num = scipy.signal.correlate(y, template, mode="valid", method="fft")
    c = np.concatenate([[0.0], np.cumsum(y ** 2)])
    energy = np.maximum(c[n:] - c[:-n], 1e-20)
    ncc = num / (np.linalg.norm(template) * np.sqrt(energy))
    pos = int(np.argmax(ncc))
    return pos, float(ncc[pos])


def ncc_at(template, y, pos):
    seg = y[pos:pos + len(template)]
    if len(seg) < len(template):
        return 0.0
    d = np.linalg.norm(template) * np.linalg.norm(seg)
    return float(np.dot(template, seg) / d) if d > 0 else 0.0


def lost_ms(template, y, pos, sr=SR, frame_ms=5, active_db=40.0, drop_db=20.0):
    """Milliseconds of template's speech missing from y at pos: 5 ms frames where the template
    is within active_db of its loudest frame but y (scaled by least squares) is drop_db lower."""
    seg = np.zeros(len(template))
    part = y[pos:pos + len(template)]
    seg[:len(part)] = part
    alpha = np.dot(seg, template) / np.dot(template, template)
    if alpha <= 0:
        return len(template) * 1000.0 / sr
    f = int(frame_ms * sr / 1000)
    et, es = frame_power(template, f), frame_power(seg / alpha, f)
    lost = (et > et.max() * 10 ** (-active_db / 10)) & (es < et * 10 ** (-drop_db / 10))
    return float(lost.sum() * frame_ms)


def score_trim(clean, noisy, processed, phrases, sr=SR, threshold=0.9, max_lost_ms=10.0):
    """phrases: dicts with refStart/refEnd (in clean) and start/end (in the input)."""
    found = []
    for p in phrases:
        t = clean[p["refStart"]:p["refEnd"]]
        pos, ncc = ncc_search(t, processed)
        lost = lost_ms(t, processed, pos, sr)
        found.append({"start": pos, "end": pos + len(t), "ncc": ncc, "lostMs": lost,
                      "intact": bool(ncc >= threshold and lost <= max_lost_ms)})
    in_order = all(a["end"] <= b["start"] for a, b in zip(found, found[1:]))
    speech = sum(p["end"] - p["start"] for p in phrases)
    gaps_in = [b["start"] - a["end"] for a, b in zip(phrases, phrases[1:])]
    gaps_out = [b["start"] - a["end"] for a, b in zip(found, found[1:])]
    return {
        "phrases": found, "intact": sum(f["intact"] for f in found), "count": len(found), "inOrder": in_order,
        "pauseInS": (len(noisy) - speech) / sr, "pauseOutS": (len(processed) - speech) / sr,
        "gapsInS": [g / sr for g in gaps_in], "gapsOutS": [g / sr for g in gaps_out],
        "leadInS": phrases[0]["start"] / sr, "leadOutS": found[0]["start"] / sr,
        "tailInS": (len(noisy) - phrases[-1]["end"]) / sr, "tailOutS": (len(processed) - found[-1]["end"]) / sr,
        "lengthInS": len(noisy) / sr, "lengthOutS": len(processed) / sr,
    }


# --- clicks ------------------------------------------------------------------------------------

def click_peaks(res, clicks, sr=SR):
    sos = scipy.signal.butter(4, 1000, "highpass", fs=sr, output="sos")
    hp = scipy.signal.sosfiltfilt(sos, res)
    before, after = int(0.001 * sr), int(0.003 * sr)
    return [db(np.max(np.abs(hp[max(0, c["pos"] - before):c["pos"] + c["len"] + after])) ** 2) for c in clicks]


def score_clicks(clean, noisy, processed, clicks, sr=SR):
    res_in, _ = residual(clean, noisy, sr)
    res_out, lag = residual(clean, processed, sr)
    p_in, p_out = click_peaks(res_in, clicks, sr), click_peaks(res_out, clicks, sr)
    red = [a - b for a, b in zip(p_in, p_out)]
    return {
        "lag": lag, "count": len(clicks),
        "peakInDbfs": float(np.mean(p_in)), "peakOutDbfs": float(np.mean(p_out)),
        "reductionDbMedian": float(np.median(red)), "reducedBy10Db": int(sum(r >= 10 for r in red)),
        "sisdrIn": si_sdr(clean, noisy), "sisdrOut": si_sdr(clean, align(clean, processed, sr)[0]),
    }


# --- by condition ------------------------------------------------------------------------------

def score_condition(setdir, cond, processed, sr=SR, with_stoi=True):
    """Scores a processed file for one manifest condition (a dict from manifest.json)."""
    import os
    clean, _ = read_wav(os.path.join(setdir, cond["clean"]))
    noisy, _ = read_wav(os.path.join(setdir, cond["file"]))
    side = json.load(open(os.path.join(setdir, cond["sidecar"]))) if cond.get("sidecar") else None
    kind = cond["kind"]
    if kind == "noise":
        return score_denoise(clean, processed, sr, with_stoi)
    if kind == "hum":
        free = read_wav(os.path.join(setdir, cond["humFree"]))[0] if cond.get("humFree") else None
        return score_hum(clean, noisy, processed, cond["f0"], sr, free)
    if kind == "level":
        return score_level(noisy, processed, [(p["start"], p["end"]) for p in side["phrases"]], clean, sr)
    if kind == "trim":
        return score_trim(clean, noisy, processed, side["phrases"], sr)
    if kind == "clicks":
        return score_clicks(clean, noisy, processed, side["clicks"], sr)
    raise ValueError("unknown condition kind " + kind)


def main(argv):
    if len(argv) == 3 and argv[0] == "sisdr":
        clean, sr = read_wav(argv[1])
        proc, sr2 = read_wav(argv[2])
        if sr != sr2:
            sys.exit("sample rates differ: %d and %d" % (sr, sr2))
        print(json.dumps(score_denoise(clean, proc, sr)))
    elif len(argv) == 4 and argv[0] == "condition":
        import os
        setdir = argv[1]
        manifest = json.load(open(os.path.join(setdir, "manifest.json")))
        rel = os.path.relpath(os.path.abspath(argv[2]), os.path.abspath(setdir))
        cond = next((c for c in manifest["conditions"] if c["file"] == rel), None)
        if cond is None:
            sys.exit("%s is not a condition of %s/manifest.json" % (argv[2], setdir))
        proc, sr = read_wav(argv[3])
        if sr != SR:
            sys.exit("%s: %d Hz, expected %d" % (argv[3], sr, SR))
        print(json.dumps(score_condition(setdir, cond, proc)))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
