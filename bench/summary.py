#!/usr/bin/env python3
"""Print the benchmark summary from the files bench/run.sh wrote (hyperfine
JSON exports and rss.tsv)."""
import json
import os
import sys

work, total_bytes, src_bytes, rss_kb, tree_bytes = sys.argv[1:6]
total_bytes, src_bytes, tree_bytes = int(total_bytes), int(src_bytes), int(tree_bytes)

USER = {}


def medians(name):
    p = os.path.join(work, name)
    if not os.path.exists(p):
        return {}
    try:
        with open(p) as f:
            results = json.load(f)["results"]
    except (OSError, ValueError, KeyError):
        return {}  # a run that did not finish
    for r in results:
        USER[r["command"]] = r.get("user", 0.0)
    return {r["command"]: r["median"] for r in results}


def rss():
    out = {}
    p = os.path.join(work, "rss.tsv")
    if os.path.exists(p):
        with open(p) as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) >= 2 and parts[1]:
                    out[parts[0]] = (int(parts[1]) / 1024, parts[2] if len(parts) > 2 else "")
    return out


runs = {}
for name in ("all.json", "corpus.json", "astgrep.json"):
    runs.update(medians(name))
twice, diff = medians("twice.json"), medians("diff.json")
peaks = rss()

print()
print(f"{'run (whole corpus)':<34} {'median s':>9} {'user s':>7} {'MB/s':>7}")
for name, secs in runs.items():
    print(f"{name:<34} {secs:>9.3f} {USER.get(name, 0):>7.2f} {total_bytes / 1e6 / secs:>7.1f}")
for name, secs in twice.items():
    print(f"{name + ' (all files)':<34} {secs:>9.3f} {USER.get(name, 0):>7.2f}")
for name, secs in diff.items():
    print(f"{name:<34} {secs:>9.3f} {USER.get(name, 0):>7.2f}")
for name, (mib, wall) in peaks.items():
    print(f"{'peak RSS ' + name:<34} {mib:>8.1f} MiB  (wall {wall})")
print()


def row(label, value, target, ok):
    print(f"{label:<46} {value:>22} {target:>12} {'met' if ok else 'NOT MET'}")


def ratio(a, b):
    return a / b if a and b else None


print(f"{'issue 16 target':<46} {'measured':>22} {'goal':>12}")
for j in ("2", "1"):
    floor, check = runs.get(f"prefilter floor -j {j}"), runs.get(f"check all files -j {j}")
    r = ratio(floor, check)
    if r:
        ru = ratio(USER.get(f"prefilter floor -j {j}"), USER.get(f"check all files -j {j}"))
        row(f"floor / whole catalog, all files, -j {j}", f"{r:.2f}x (user {ru:.2f}x)", ">= 1.0x", r >= 1.0)
once, tw = twice.get("check -j 2 once"), twice.get("check -j 2 twice")
if once and tw:
    ru = ratio(USER.get("check -j 2 twice"), USER.get("check -j 2 once"))
    row("corpus twice / once, all files, -j 2", f"{tw / once:.2f}x (user {ru:.2f}x)", "2x (<= 2.1)", (ru or 9) <= 2.1)
for name, limit in (("check all files -j 2", 64), ("check all files -j 1", 64), ("check -j 2", 64)):
    if name in peaks:
        row(f"peak RSS, {name}", f"{peaks[name][0]:.1f} MiB", f"<= {limit} MiB", peaks[name][0] <= limit)
if "50 MB generated file" in peaks:
    mib = peaks["50 MB generated file"][0]
    row("peak RSS, 50 MB generated file named", f"{mib:.0f} MiB", "<= 1024 MiB", mib <= 1024)
d = next(iter(diff.values()), None)
if d:
    row("--diff-base, 10 of 10,000 files", f"{d * 1000:.0f} ms", "<= 150 ms", d <= 0.150)
sg, allc = runs.get("ast-grep all files -j 2"), runs.get("check all files -j 2")
if sg and allc:
    print(f"{'ast-grep (5 rules) / instrlint (catalog), all files, -j 2':<60} {sg / allc:>8.2f}x")

print()
print(f"{'issue 7 target (default flags)':<46} {'measured':>22} {'goal':>12}")
j1, j2, parse = runs.get("check -j 1"), runs.get("check -j 2"), runs.get("parse -j 2")
if j2:
    row("throughput, whole catalog, -j 2", f"{total_bytes / 1e6 / j2:.1f} MB/s", ">= 43 MB/s", total_bytes / 1e6 / j2 >= 43)
if j2 and parse:
    row("speed-up over parse-everything (-j 2)", f"{parse / j2:.2f}x", ">= 3x", parse / j2 >= 3)
if j1 and j2:
    row("-j 2 over -j 1", f"{j1 / j2:.2f}x", ">= 1.8x", j1 / j2 >= 1.8)
load = os.getloadavg()[0]
print(f"load average at the end: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
if load > (os.cpu_count() or 1):
    print(f"warning: load average {load:.1f} on {os.cpu_count()} cores: wall times and the "
          "-j ratio are unreliable; compare user CPU or callgrind instruction counts")
