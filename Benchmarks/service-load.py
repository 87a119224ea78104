#!/usr/bin/env python3
"""Load on `mixdown serve` from a second process: CLIENTS clients each post a short production
(5 s over the corporate template, mp3_medium, a different sentence each), poll it to the end
and post the next, until JOBS jobs are done. Prints jobs per second, the time from 202 to
`succeeded` (p50, p99), errors, and the server's memory as the run goes on.

BASE and PID may be comma-separated lists (several front ends): client N talks to server
N mod count, and every server's memory is shown. Prints the ids of the jobs done to IDS_FILE
when it is set (for checks after the run)."""
import json, os, sys, threading, time, urllib.request

bases, key, pids = sys.argv[1].split(","), sys.argv[2], [int(p) for p in sys.argv[3].split(",")]
jobs = int(os.environ.get("JOBS", "500"))
clients = int(os.environ.get("CLIENTS", "4"))

def call(method, path, body=None, base=bases[0]):
    req = urllib.request.Request(base + path, method=method, data=body,
                                 headers={"Authorization": "Bearer " + key, "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return r.status, json.loads(r.read())

def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0

lock = threading.Lock()
taken, latencies, errors, memory, done_ids = [0], [], [], [], []

def client(number):
    base = bases[number % len(bases)]
    while True:
        with lock:
            if taken[0] >= jobs:
                return
            taken[0] += 1
            n = taken[0]
        body = json.dumps({"scriptText": f"<<soundSegment::main>>Hello listener number {n}, thanks for waiting.",
                           "soundTemplate": "corporate", "forceLength": 5, "endFormat": ["mp3_medium"]}).encode()
        try:
            status, created = call("POST", "/v1/productions", body, base)
            t0 = time.monotonic()
            if status != 202:
                raise RuntimeError(f"POST {status}")
            while True:
                _, s = call("GET", "/v1/productions/" + created["id"], None, base)
                if s["status"] not in ("queued", "running"):
                    break
                if time.monotonic() - t0 > 600:
                    raise RuntimeError(f"job {created['id']}: not done in 600 s (lost?)")
                time.sleep(0.02)
            if s["status"] != "succeeded":
                raise RuntimeError(f"job {created['id']}: {s['status']} {s.get('error')}")
            with lock:
                latencies.append(time.monotonic() - t0)
                done_ids.append(created["id"])
                done = len(latencies)
                if done in (1, jobs // 5, jobs // 2, jobs * 4 // 5, jobs):
                    memory.append((done, [rss_mb(pid) for pid in pids]))
        except Exception as e:  # noqa: BLE001 - every failure is counted and shown
            with lock:
                errors.append(str(e))

start = time.monotonic()
threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
for t in threads: t.start()
for t in threads: t.join()
wall = time.monotonic() - start
latencies.sort()
def pct(p): return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] if latencies else float("nan")
print(f"{len(latencies)} jobs done in {wall:.1f} s with {clients} clients: {len(latencies) / wall:.2f} jobs/s")
print(f"202 -> succeeded: p50 {pct(50):.3f} s, p99 {pct(99):.3f} s, max {latencies[-1] if latencies else 0:.3f} s")
print(f"errors: {len(errors)}" + (f" (first: {errors[0]})" if errors else ""))
print("server memory (RSS) after N jobs: " + ", ".join(f"{n}: " + " / ".join(f"{m:.0f}" for m in ms) + " MB" for n, ms in memory))
if os.environ.get("IDS_FILE"):
    with open(os.environ["IDS_FILE"], "w") as f:
        f.write("\n".join(done_ids) + "\n")
