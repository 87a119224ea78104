#!/usr/bin/env python3
"""The recording clean-up benchmark: makes the test set (make_set.py, once, in OUT/set), tunes
ffmpeg's two broadband denoisers on a subset, runs them and (when MIXDOWN is set) `mixdown
clean` over the set, scores everything (score.py), prints tables and writes OUT/results.json.

  .venv/bin/python Benchmarks/cleanup/run.py [--out DIR] [--remake]      (or Benchmarks/cleanup.sh)
  MIXDOWN=.build/release/mixdown Benchmarks/cleanup.sh                    adds the Mixdown column

MIXDOWN is a command (split like a shell would): `$MIXDOWN clean IN -o OUT --cleanup JSON`,
with JSON switching on only the stage under test (CLEANUP below). A failed or unreadable
Mixdown output is recorded as an error for that file, not a harness failure: the exit status
is non-zero only when the harness itself breaks (a tool it relies on, a missing file).

Denoising (noisy/): ffmpeg afftdn and anlmdn, each tuned by a grid search on a tuning subset
(one 4 s excerpt, from the start, per noise type x SNR, the reference rotating: 12 excerpts,
48 s) for the largest mean SI-SDR improvement. Reported per tool: the single best setting
("afftdn", "anlmdn") and the best setting per SNR ("afftdn/snr": an oracle that knows the
SNR, an upper bound on what one knob could do). afftdn's grid is full factorial (100
settings); anlmdn is ~10x slower, so its grid is staged (13 settings): strength at the
default patch/research/smooth, then patch x research at the best strength, then smooth. The
tuning excerpts are part of the set (the first 4 s of 12 of its 36 files): a small overlap,
with at most 4 parameters fitted.

Dehum, level, trim and declick have no tuned ffmpeg competitor; cheap, untuned ffmpeg
reference points run beside Mixdown (notches at the known hum frequencies, dynaudnorm,
silenceremove, adeclick) so the figures have a scale and every scorer is exercised.
Realtime factor = wall time / audio length per file: ffmpeg two files at a time (one
single-threaded process per file, so one core each on 2 cores), Mixdown one at a time with
nothing else running. Scoring comes after all processing.
"""
import argparse
import concurrent.futures
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ beside the scripts
sys.path.insert(0, HERE)
import make_set  # noqa: E402
import score  # noqa: E402
from score import SR, read_wav, write_wav  # noqa: E402

OFF = {"denoise": False, "dehum": False, "level": False, "trimPauses": False, "declick": False}
CLEANUP = {  # the --cleanup JSON per condition kind: only the stage under test
    "noise": dict(OFF, denoise=1),
    "hum": dict(OFF, dehum="auto"),
    "level": dict(OFF, level=True),
    "trim": dict(OFF, trimPauses=0.8),
    "clicks": dict(OFF, declick=True),
}

TUNE_SECONDS = 4.0  # 6 s cost 50 % more and the run is meant to stay under 10 minutes on 2 cores
AFFTDN_GRID = [{"nr": nr, "nf": nf, "tn": tn, "nt": nt}
               for nr in (6, 12, 20, 30, 40) for nf in (-20, -30, -40, -50, -60)
               for tn in (0, 1) for nt in ("w", "v")]
# anlmdn strength: the default (1e-5) and anything up to 1 leave speech at -26 dBFS untouched
# (SI-SDR change 0.00 dB); the useful range is 10..10000, above the 0.00001..10 first planned.
# smooth (m) changes little above 11 (30 gave the same output as 11).
ANLMDN_STAGE1 = [{"s": s} for s in (10, 30, 100, 300, 1000, 3000, 10000)]
ANLMDN_PATCH = (0.001, 0.002, 0.004)
ANLMDN_RESEARCH = (0.003, 0.006)  # 0.012 doubles the cost and 0.003 already beat 0.006
ANLMDN_SMOOTH = (3, 11)
ANLMDN_GRID_TEXT = ("stage 1: s {10,30,100,300,1000,3000,10000} (p 0.002, r 0.006, m 11); stage 2 at the best s: "
                    "p {0.001,0.002,0.004} x r {0.003,0.006}; stage 3 at the best of those: m {3,11}")
AFFTDN_GRID_TEXT = "nr {6,12,20,30,40} x nf {-20,-30,-40,-50,-60} x tn {0,1} x nt {w,v}, full factorial"


def filter_string(tool, params):
    return tool + "=" + ":".join("%s=%s" % (k, params[k]) for k in params)


def hum_notches(f0):
    """Reference dehum: a notch (RBJ band-reject) at each known harmonic, as wide as the band
    the hum is measured in."""
    return ",".join("bandreject=f=%g:width_type=h:w=%g" % (k * f0, 2 * score.hum_halfwidth(k)) for k in range(1, 7))


REFERENCE_FILTERS = {  # untuned reference points, one setting each
    "level": ("dynaudnorm", "dynaudnorm=f=250:g=9:p=0.5:m=10"),
    "trim": ("silenceremove", "silenceremove=stop_periods=-1:stop_duration=1:stop_threshold=-50dB"),
    "clicks": ("adeclick", "adeclick"),
}


# --- running tools -----------------------------------------------------------------------------

def ffmpeg(inp, outputs, filters):
    """One single-threaded ffmpeg process: inp through each filter chain (asplit when several)
    to the matching output, 48 kHz float. Several settings of a cheap filter in one process
    cost a fifth of as many processes (afftdn); anlmdn runs 2x slower that way, so it gets a
    process per setting."""
    args = ["ffmpeg", "-v", "error", "-nostdin", "-y", "-threads", "1", "-filter_threads", "1", "-i", inp]
    if len(filters) == 1:
        args += ["-af", filters[0], "-ar", str(SR), "-c:a", "pcm_f32le", outputs[0]]
    else:
        graph = "[0:a]asplit=%d" % len(filters) + "".join("[s%d]" % k for k in range(len(filters)))
        graph += "".join(";[s%d]%s[o%d]" % (k, f, k) for k, f in enumerate(filters))
        args += ["-filter_complex", graph]
        for k, o in enumerate(outputs):
            args += ["-map", "[o%d]" % k, "-ar", str(SR), "-c:a", "pcm_f32le", o]
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("ffmpeg failed on %s (%s): %s" % (inp, filters[0], r.stderr.strip()[-500:]))


def run_mixdown(mixdown, inp, out, kind):
    """(seconds, error or None)."""
    cmd = shlex.split(mixdown) + ["clean", inp, "-o", out, "--cleanup", json.dumps(CLEANUP[kind])]
    t0 = time.monotonic()
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as e:
        return time.monotonic() - t0, str(e)
    dt = time.monotonic() - t0
    if r.returncode != 0:
        return dt, "exit %d: %s" % (r.returncode, (r.stderr or r.stdout).strip()[-300:])
    if not os.path.isfile(out):
        return dt, "no output file"
    return dt, None


def score_file(setdir, cond, path, lenient=False):
    """Runs in the scoring process. A bad output (unreadable, wrong rate) is an error entry;
    lenient (Mixdown's outputs): so is any failure to score it (too short, silent...), which
    for ffmpeg's outputs would be the harness's own fault and stops the run."""
    try:
        y, sr = read_wav(path)
    except Exception as e:  # noqa: BLE001 - a processor's broken file, not ours
        return {"error": "unreadable output: %s" % e}
    if sr != SR:
        return {"error": "output is %d Hz, expected %d" % (sr, SR)}
    if not lenient:
        return score.score_condition(setdir, cond, y, SR)
    try:
        return score.score_condition(setdir, cond, y, SR)
    except Exception as e:  # noqa: BLE001
        return {"error": "cannot score the output: %r" % e}


# --- grid search -------------------------------------------------------------------------------

def make_tuning_set(setdir, manifest, tunedir):
    """12 excerpts: one per (noise, SNR), the reference rotating, first TUNE_SECONDS."""
    os.makedirs(tunedir, exist_ok=True)
    n = int(TUNE_SECONDS * SR)
    items = []
    noisy = [c for c in manifest["conditions"] if c["kind"] == "noise"]
    for j, noise in enumerate(make_set.NOISES):
        for i, snr in enumerate(make_set.SNRS):
            ref = make_set.REFS[(i + j) % len(make_set.REFS)]
            c = next(c for c in noisy if c["ref"] == ref and c["noise"] == noise and c["snr"] == snr)
            clean = read_wav(os.path.join(setdir, c["clean"]))[0][:n]
            x = read_wav(os.path.join(setdir, c["file"]))[0][:n]
            path = os.path.join(tunedir, os.path.basename(c["file"]))
            write_wav(path, x)
            items.append({"path": path, "clean": clean, "snr": snr, "noise": noise, "ref": ref,
                          "sisdrIn": score.si_sdr(clean, x)})
    return items


def gain(item, path):
    """SI-SDR improvement of one processed excerpt."""
    return score.score_denoise(item["clean"], read_wav(path)[0], with_stoi=False)["sisdr"] - item["sisdrIn"]


def summarise(tool, params, imp, items):
    per_snr = {str(s): float(np.mean([v for v, it in zip(imp, items) if it["snr"] == s])) for s in make_set.SNRS}
    return {"tool": tool, "params": params, "filter": filter_string(tool, params), "mean": float(np.mean(imp)),
            "perSnr": per_snr, "improvement": [float(v) for v in imp]}


def grid_split(tool, settings, items, workdir, pool):
    """Every setting on an excerpt in one process (asplit); returns a summary per setting."""
    filters = [filter_string(tool, p) for p in settings]

    def one(item):
        d = tempfile.mkdtemp(dir=workdir)
        outs = [os.path.join(d, "%d.wav" % k) for k in range(len(filters))]
        ffmpeg(item["path"], outs, filters)
        imp = [gain(item, o) for o in outs]
        shutil.rmtree(d, ignore_errors=True)
        return imp

    per_item = list(pool.map(one, items))
    return [summarise(tool, p, [imp[k] for imp in per_item], items) for k, p in enumerate(settings)]


def grid_each(tool, settings, items, workdir, pool):
    """A process per (setting, excerpt)."""
    def one(job):
        params, item = job
        fd, out = tempfile.mkstemp(suffix=".wav", dir=workdir)
        os.close(fd)
        ffmpeg(item["path"], [out], [filter_string(tool, params)])
        v = gain(item, out)
        os.remove(out)
        return v

    imps = list(pool.map(one, [(p, it) for p in settings for it in items]))
    return [summarise(tool, p, imps[k * len(items):(k + 1) * len(items)], items) for k, p in enumerate(settings)]


def tune(items, workdir, jobs):
    out = {}
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:  # the work is in ffmpeg processes
        t0 = time.monotonic()
        a = grid_split("afftdn", AFFTDN_GRID, items, workdir, pool)
        out["afftdn"] = {"results": a, "seconds": time.monotonic() - t0, "grid": AFFTDN_GRID_TEXT}
        print("  afftdn: %d settings, %.0f s" % (len(a), out["afftdn"]["seconds"]), flush=True)
        t0 = time.monotonic()
        done = grid_each("anlmdn", ANLMDN_STAGE1, items, workdir, pool)
        best = lambda: max(done, key=lambda r: r["mean"])["params"]  # noqa: E731
        s = best()["s"]
        stage2 = [{"s": s, "p": p, "r": r} for p in ANLMDN_PATCH for r in ANLMDN_RESEARCH if (p, r) != (0.002, 0.006)]
        done += grid_each("anlmdn", stage2, items, workdir, pool)
        b = best()
        stage3 = [{"s": b["s"], "p": b.get("p", 0.002), "r": b.get("r", 0.006), "m": m} for m in ANLMDN_SMOOTH if m != 11]
        done += grid_each("anlmdn", stage3, items, workdir, pool)
        out["anlmdn"] = {"results": done, "seconds": time.monotonic() - t0, "grid": ANLMDN_GRID_TEXT}
        print("  anlmdn: %d settings, %.0f s" % (len(done), out["anlmdn"]["seconds"]), flush=True)
    for tool, g in out.items():
        g["best"] = max(g["results"], key=lambda r: r["mean"])
        g["bestPerSnr"] = {str(s): max(g["results"], key=lambda r: r["perSnr"][str(s)]) for s in make_set.SNRS}
    return out


# --- the runs ----------------------------------------------------------------------------------

class Runner:
    """The processing jobs: ffmpeg's run two at a time (each single-threaded, timed on its
    own), Mixdown's one at a time with nothing else running (it may use every core); then
    every output is scored in a pool of processes."""

    def __init__(self, setdir, outdir, mixdown):
        self.setdir, self.outdir, self.mixdown = setdir, outdir, mixdown
        self.jobs = []

    def out_path(self, variant, cond):
        d = os.path.join(self.outdir, variant.replace("/", "-").replace(" ", "-"), os.path.dirname(cond["file"]))
        os.makedirs(d, exist_ok=True)
        return os.path.join(d, os.path.basename(cond["file"]))

    def add(self, variant, cond, setting=None, reuse=None):
        """setting: an ffmpeg filter chain, or None for Mixdown; reuse: the variant whose output
        for cond this one shares (the same setting)."""
        self.jobs.append({"variant": variant, "cond": cond, "setting": setting, "reuse": reuse,
                          "output": self.out_path(variant, cond), "seconds": None, "error": None})

    def _ffmpeg(self, job):
        t0 = time.monotonic()
        ffmpeg(os.path.join(self.setdir, job["cond"]["file"]), [job["output"]], [job["setting"]])
        job["seconds"] = time.monotonic() - t0

    def _mixdown(self, job):
        kind = job["cond"]["kind"]
        job["setting"] = json.dumps(CLEANUP[kind])
        job["seconds"], job["error"] = run_mixdown(self.mixdown, os.path.join(self.setdir, job["cond"]["file"]),
                                                   job["output"], kind)

    def process(self, jobs):
        todo = [j for j in self.jobs if j["reuse"] is None]
        with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
            list(pool.map(self._ffmpeg, [j for j in todo if j["variant"] != "mixdown"]))
        for j in todo:
            if j["variant"] == "mixdown":
                self._mixdown(j)
        for j in self.jobs:
            if j["reuse"] is not None:
                src = next(o for o in self.jobs if o["variant"] == j["reuse"] and o["cond"] is j["cond"])
                j.update({k: src[k] for k in ("output", "seconds", "error", "setting")})

    def score(self, pool):
        futures = [None if j["error"] else pool.submit(score_file, self.setdir, j["cond"], j["output"],
                                                       j["variant"] == "mixdown") for j in self.jobs]
        rows = []
        for j, fut in zip(self.jobs, futures):
            c = j["cond"]
            rows.append({"variant": j["variant"], "file": c["file"], "kind": c["kind"], "ref": c["ref"],
                         "setting": j["setting"], "output": j["output"], "seconds": j["seconds"],
                         "audioSeconds": c["seconds"], "scores": fut.result() if fut else {"error": j["error"]},
                         **{k: c[k] for k in ("noise", "snr", "f0") if k in c}})
        return rows


# --- tables ------------------------------------------------------------------------------------

def mean(values):
    values = [v for v in values if v is not None]
    return float(np.mean(values)) if values else None


def fmt(v, spec="%6.2f", width=6):
    return spec % v if v is not None else "-".rjust(width)


def denoise_tables(rows, inputs, variants):
    """Per noise x SNR (mean over the references): input SI-SDR and STOI, each variant's
    SI-SDR improvement and STOI; then the means per SNR."""
    def cell(variant, noise, snr, key):
        vals = []
        for r in rows:
            if r["variant"] == variant and r["snr"] == snr and (noise is None or r["noise"] == noise):
                s = r["scores"]
                if "error" in s:
                    continue
                if key == "delta":
                    vals.append(s["sisdr"] - inputs[r["file"]]["sisdr"])
                else:
                    vals.append(s[key])
        return mean(vals)

    def inp(noise, snr, key):
        return mean([v[key] for f, v in inputs.items() if v["snr"] == snr and (noise is None or v["noise"] == noise)])

    head = "%-7s %4s | %7s %5s |" % ("noise", "SNR", "SI-SDR", "STOI") + "".join(" %-18s|" % v[:18] for v in variants)
    sub = "%-7s %4s | %7s %5s |" % ("", "dB", "in dB", "in") + " ΔSI-SDR   STOI   |" * len(variants)
    lines = [head, sub, "-" * len(head)]
    summary = {}
    for noise in make_set.NOISES + [None]:
        if noise is None:
            lines.append("-" * len(head))
        for snr in make_set.SNRS:
            line = "%-7s %4d | %7.2f %5.3f |" % (noise or "mean", snr, inp(noise, snr, "sisdr"), inp(noise, snr, "stoi"))
            for v in variants:
                d, st = cell(v, noise, snr, "delta"), cell(v, noise, snr, "stoi")
                line += " %7s  %6s   |" % (fmt(d, "%+.2f", 5), fmt(st, "%.3f", 5))
                summary.setdefault(v, {}).setdefault(noise or "mean", {})[str(snr)] = {"sisdrImprovement": d, "stoi": st}
            lines.append(line)
    return lines, summary


def print_grid(g):
    for tool in ("afftdn", "anlmdn"):
        t = g[tool]
        ranked = sorted(t["results"], key=lambda r: -r["mean"])
        print("%s grid (%s): %d settings, %.0f s" % (tool, t["grid"], len(t["results"]), t["seconds"]))
        print("  top settings by mean SI-SDR improvement on the tuning subset (dB; per SNR 0/5/10/20):")
        for r in ranked[:5]:
            print("    %-40s %+6.2f   %s" % (r["filter"], r["mean"], " ".join("%+6.2f" % r["perSnr"][str(s)] for s in make_set.SNRS)))
        print("  best per SNR:")
        for s in make_set.SNRS:
            r = t["bestPerSnr"][str(s)]
            print("    %2d dB: %-40s %+6.2f" % (s, r["filter"], r["perSnr"][str(s)]))


def other_tables(rows, variants):
    out = []
    by = lambda kind, v: [r for r in rows if r["kind"] == kind and r["variant"] == v]  # noqa: E731
    ok = lambda r: "error" not in r["scores"]  # noqa: E731
    for v in variants["hum"]:
        out.append("hum, %s: reduction per harmonic k=1..6, dB (band: signal's power at k*f0; residual: "
                   "after subtracting the clean speech, so speech removed with the hum counts against; hum "
                   "itself: output minus the hum-free input, the noise under the hum not counted)" % v)
        for r in by("hum", v):
            s = r["scores"]
            if not ok(r):
                out.append("  %-16s error: %s" % (r["file"], s["error"]))
                continue
            out.append("  %-16s band %s   residual %s   hum itself %s   SI-SDR %.1f -> %.1f dB" % (
                os.path.basename(r["file"]), " ".join("%+5.1f" % x for x in s["reductionDb"]),
                " ".join("%+5.1f" % x for x in s["residualReductionDb"]),
                " ".join("%+5.1f" % x for x in s.get("humReductionDb", [])), s["sisdrIn"], s["sisdrOut"]))
    for v in variants["level"]:
        out.append("level, %s: phrase loudness spread (max - min, LU): clean / input -> output" % v)
        for r in by("level", v):
            s = r["scores"]
            out.append("  %-16s " % os.path.basename(r["file"]) + (
                "%.1f / %.1f -> %.1f" % (s["spreadClean"], s["spreadIn"], s["spreadOut"]) if ok(r) else "error: " + s["error"]))
    for v in variants["trim"]:
        out.append("trim, %s: phrases intact, total pause in -> out (s), gaps out (s)" % v)
        for r in by("trim", v):
            s = r["scores"]
            out.append("  %-16s " % os.path.basename(r["file"]) + (
                "%d/%d%s  %.1f -> %.1f   %s" % (s["intact"], s["count"], "" if s["inOrder"] else " (out of order)",
                                                s["pauseInS"], s["pauseOutS"], " ".join("%.2f" % g for g in s["gapsOutS"]))
                if ok(r) else "error: " + s["error"]))
    for v in variants["clicks"]:
        out.append("clicks, %s: mean peak of the high-passed residual at the clicks in -> out (dBFS), "
                   "median reduction, clicks reduced >= 10 dB, SI-SDR in -> out" % v)
        for r in by("clicks", v):
            s = r["scores"]
            out.append("  %-16s " % os.path.basename(r["file"]) + (
                "%.1f -> %.1f   %.1f dB   %d/%d   %.1f -> %.1f dB" % (
                    s["peakInDbfs"], s["peakOutDbfs"], s["reductionDbMedian"], s["reducedBy10Db"], s["count"],
                    s["sisdrIn"], s["sisdrOut"]) if ok(r) else "error: " + s["error"]))
    return out


def other_summary(rows, variants):
    """Per kind and variant, over the references: what a test would check."""
    out = {}
    for kind, vs in variants.items():
        for v in vs:
            rs = [r for r in rows if r["kind"] == kind and r["variant"] == v]
            ok = [r["scores"] for r in rs if "error" not in r["scores"]]
            d = {"files": len(rs), "errors": len(rs) - len(ok)}
            if ok and kind == "hum":
                d.update({k: [float(x) for x in np.mean([s[k] for s in ok], axis=0)]
                          for k in ("reductionDb", "residualReductionDb", "humReductionDb") if all(k in s for s in ok)})
                d.update({k: mean([s[k] for s in ok]) for k in ("sisdrIn", "sisdrOut")})
            elif ok and kind == "level":
                d.update({k: mean([s[k] for s in ok]) for k in ("spreadClean", "spreadIn", "spreadOut")})
                d["spreadOutMax"] = max(s["spreadOut"] for s in ok)
            elif ok and kind == "trim":
                d.update({k: sum(s[k] for s in ok) for k in ("intact", "count", "pauseInS", "pauseOutS")})
                d["inOrder"] = all(s["inOrder"] for s in ok)
            elif ok and kind == "clicks":
                d.update({k: mean([s[k] for s in ok]) for k in ("peakInDbfs", "peakOutDbfs", "reductionDbMedian", "sisdrIn", "sisdrOut")})
                d.update({k: sum(s[k] for s in ok) for k in ("reducedBy10Db", "count")})
            out.setdefault(kind, {})[v] = d
    return out


# --- main --------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.dirname(HERE)), ".build", "bench", "cleanup"))
    ap.add_argument("--remake", action="store_true", help="make the test set again even if it is current")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="parallel ffmpeg runs and scoring processes")
    ap.add_argument("--mixdown-only", action="store_true",
                    help="skip ffmpeg (grid and runs): Mixdown's figures alone, for tuning it quickly")
    args = ap.parse_args()
    args.out = os.path.abspath(args.out)
    sys.stdout.reconfigure(line_buffering=True)  # progress lines show up when piped to a log
    mixdown = os.environ.get("MIXDOWN") or None
    t_start = time.monotonic()
    timing = {}

    setdir = os.path.join(args.out, "set")
    manifest_path = os.path.join(setdir, "manifest.json")
    manifest = json.load(open(manifest_path)) if os.path.exists(manifest_path) else None
    t0 = time.monotonic()
    if args.remake or not manifest or manifest.get("generator") != make_set.generator_hash():
        print("== making the test set in %s" % setdir, flush=True)
        shutil.rmtree(setdir, ignore_errors=True)
        manifest = make_set.build(setdir)
    else:
        print("== test set: %s (current)" % setdir)
    timing["set"] = time.monotonic() - t0
    conds = manifest["conditions"]
    for c in conds:
        c["seconds"] = manifest["references"][c["ref"]]["seconds"] if c["kind"] != "trim" else None
        if c["seconds"] is None:
            c["seconds"] = len(read_wav(os.path.join(setdir, c["file"]))[0]) / SR

    work = os.path.join(args.out, "work")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    outdir = os.path.join(args.out, "out")
    shutil.rmtree(outdir, ignore_errors=True)

    if args.mixdown_only and not mixdown:
        sys.exit("--mixdown-only needs MIXDOWN (the mixdown binary to run)")
    g = None
    if not args.mixdown_only:
        print("== grid search on the tuning subset (%d jobs)" % args.jobs, flush=True)
        t0 = time.monotonic()
        items = make_tuning_set(setdir, manifest, os.path.join(work, "tune"))
        g = tune(items, work, args.jobs)
        timing["grid"] = time.monotonic() - t0
        print_grid(g)

    noisy = [c for c in conds if c["kind"] == "noise"]
    variants = (["afftdn", "afftdn/snr", "anlmdn", "anlmdn/snr"] if g else []) + (["mixdown"] if mixdown else [])
    runner = Runner(setdir, outdir, mixdown)
    for tool in (("afftdn", "anlmdn") if g else ()):
        best = g[tool]["best"]["filter"]
        for c in noisy:
            runner.add(tool, c, best)
            f = g[tool]["bestPerSnr"][str(c["snr"])]["filter"]
            runner.add(tool + "/snr", c, f, reuse=tool if f == best else None)
    # Dehum, level, trim, declick: an ffmpeg reference point each, then Mixdown.
    other_variants = {"hum": ["notch (known f0)"], "level": [], "trim": [], "clicks": []}
    for c in (conds if g else []):
        if c["kind"] == "hum":
            runner.add("notch (known f0)", c, hum_notches(c["f0"]))
        elif c["kind"] in REFERENCE_FILTERS:
            name, f = REFERENCE_FILTERS[c["kind"]]
            runner.add(name, c, f)
            if name not in other_variants[c["kind"]]:
                other_variants[c["kind"]].append(name)
    if mixdown:
        for c in conds:
            runner.add("mixdown", c)
        for k in other_variants:
            other_variants[k].append("mixdown")
    print("== processing: denoising %d files (%s), %d other conditions" % (
        len(noisy), ", ".join(variants), len(conds) - len(noisy)), flush=True)
    t0 = time.monotonic()
    runner.process(args.jobs)
    timing["processing"] = time.monotonic() - t0
    print("== scoring", flush=True)
    t0 = time.monotonic()
    with concurrent.futures.ProcessPoolExecutor(args.jobs) as pool:
        futs = {c["file"]: pool.submit(score_file, setdir, c, os.path.join(setdir, c["file"])) for c in noisy}
        rows = runner.score(pool)
        inputs = {c["file"]: dict(futs[c["file"]].result(), snr=c["snr"], noise=c["noise"], ref=c["ref"]) for c in noisy}
    timing["scoring"] = time.monotonic() - t0

    print("== denoising: SI-SDR improvement (dB) and STOI, mean over the 3 references")
    print("   (afftdn/anlmdn: best single setting; /snr: best setting per SNR, an oracle)")
    lines, summary = denoise_tables([r for r in rows if r["kind"] == "noise"], inputs, variants)
    print("\n".join(lines))
    rtf = {}
    for v in variants + [x for k in other_variants.values() for x in k]:
        for kind in (["noise", "hum", "level", "trim", "clicks"] if v == "mixdown" else [None]):
            rs = [r for r in rows if r["variant"] == v and kind in (None, r["kind"]) and "error" not in r["scores"]]
            if rs:  # Mixdown per stage (its denoiser and, say, its trimmer cost differently)
                rtf[v + (" " + kind if kind else "")] = sum(r["seconds"] for r in rs) / sum(r["audioSeconds"] for r in rs)
    print("realtime factor (wall / audio; ffmpeg two files at a time, single-threaded; Mixdown alone): " +
          "   ".join("%s %.3f" % (v, x) for v, x in rtf.items()))
    for tool in (("afftdn", "anlmdn") if g else ()):
        print("  %s best single setting: %s" % (tool, g[tool]["best"]["filter"]))
    print("== dehum, level, trim pauses, declick" + ("" if mixdown else " (MIXDOWN unset: ffmpeg reference points only)"))
    print("\n".join(other_tables(rows, other_variants)))
    errors = [r for r in rows if "error" in r["scores"]]
    if errors:
        print("== %d outputs could not be scored (see results.json): %s" % (len(errors), ", ".join(
            "%s %s" % (r["variant"], r["file"]) for r in errors[:5])))

    timing["total"] = time.monotonic() - t_start
    results = {
        "mixdown": mixdown, "cleanup": CLEANUP, "setDir": os.path.abspath(setdir),
        "snrDefinition": manifest["snrDefinition"],
        "grid": {tool: {k: v for k, v in t.items()} for tool, t in (g or {}).items()},
        "tuningSubset": [{k: it[k] for k in ("path", "snr", "noise", "ref", "sisdrIn")} for it in (items if g else [])],
        "inputs": inputs, "denoiseSummary": summary, "otherSummary": other_summary(rows, other_variants),
        "rtf": rtf, "runs": rows, "timing": timing,
    }
    path = os.path.join(args.out, "results.json")
    with open(path, "w") as f:
        json.dump(results, f, indent=1)
    shutil.rmtree(work, ignore_errors=True)
    print("== results: %s   (%.0f s: set %.0f, grid search %.0f, processing %.0f, scoring %.0f)" % (
        path, timing["total"], timing["set"], timing.get("grid", 0), timing["processing"], timing["scoring"]))


if __name__ == "__main__":
    main()
