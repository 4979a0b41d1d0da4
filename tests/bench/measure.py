#!/usr/bin/env python3
"""Start-up time and idle memory of Herald next to the floor (a bare Tauri window built the same
way). Run through run.sh, which builds both in release mode and provides a display and a
Secret Service session.

Start-up: wall time from spawn to the app's "HERALD_READY" line, printed when the web view has
rendered its first screen (Herald: the accounts grid or its empty state; floor: a static page).
Memory: after the first render plus 10 s idle, the resident set (RSS) and proportional set
(PSS, shared pages split between processes) summed over the app and every process it spawned
(WebKitWebProcess, WebKitNetworkProcess).
"""
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time

RUNS = int(os.environ.get("BENCH_RUNS", "7"))
IDLE_SECONDS = 10


def descendants(pid):
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry))
        except (OSError, IndexError, ValueError):
            pass
    out, stack = [], [pid]
    while stack:
        p = stack.pop()
        out.append(p)
        stack.extend(children.get(p, []))
    return out


def memory_kib(pids):
    rss = pss = 0
    names = []
    for p in pids:
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
            with open(f"/proc/{p}/comm") as f:
                names.append(f.read().strip())
        except OSError:
            pass
    return rss, pss, names


def launch(binary, data_dir):
    env = dict(os.environ, HERALD_BENCH="1", HERALD_DATA_DIR=data_dir, HERALD_DEMO="1", HERALD_LOG="warn")
    start = time.perf_counter()
    proc = subprocess.Popen([binary], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
                            start_new_session=True, text=True)
    for line in proc.stdout:
        if line.startswith("HERALD_READY"):
            return proc, (time.perf_counter() - start) * 1000
    raise RuntimeError(f"{binary} exited before rendering (code {proc.wait()})")


def stop(proc):
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def measure(name, binary):
    data_dir = tempfile.mkdtemp(prefix=f"bench-{name}-")
    proc, _ = launch(binary, data_dir)  # warm-up: page cache, database creation
    stop(proc)
    starts = []
    for _ in range(RUNS):
        proc, ms = launch(binary, data_dir)
        starts.append(ms)
        stop(proc)
    proc, _ = launch(binary, data_dir)
    time.sleep(IDLE_SECONDS)
    rss, pss, names = memory_kib(descendants(proc.pid))
    stop(proc)
    return {"name": name, "start_ms": starts, "start_median_ms": statistics.median(starts),
            "rss_kib": rss, "pss_kib": pss, "processes": names}


def main():
    herald, floor = sys.argv[1], sys.argv[2]
    results = [measure("floor", floor), measure("herald", herald)]
    f, h = results
    print(f"{'':8} {'start median (ms)':>18} {'runs (ms)':>40} {'RSS MiB':>9} {'PSS MiB':>9}")
    for r in results:
        runs = " ".join(f"{x:.0f}" for x in r["start_ms"])
        print(f"{r['name']:8} {r['start_median_ms']:18.0f} {runs:>40} {r['rss_kib']/1024:9.1f} {r['pss_kib']/1024:9.1f}")
    ratios = {
        "start": h["start_median_ms"] / f["start_median_ms"],
        "rss": h["rss_kib"] / f["rss_kib"],
        "pss": h["pss_kib"] / f["pss_kib"],
    }
    print(f"herald/floor: start {ratios['start']:.2f}x, RSS {ratios['rss']:.2f}x, PSS {ratios['pss']:.2f}x (targets ≤ 1.30x)")
    print(f"processes: floor {f['processes']}, herald {h['processes']}")
    os.makedirs(os.path.join(os.path.dirname(__file__), "results"), exist_ok=True)
    with open(os.path.join(os.path.dirname(__file__), "results", "latest.json"), "w") as out:
        json.dump({"results": results, "ratios": ratios}, out, indent=2)


if __name__ == "__main__":
    main()
