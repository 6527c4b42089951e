#!/usr/bin/env python3
"""Print the benchmark summary from the hyperfine JSON files bench/run.sh wrote."""
import json
import os
import sys

work, total_bytes, src_bytes, rss_kb, tree_bytes = sys.argv[1:6]
total_bytes, src_bytes, tree_bytes = int(total_bytes), int(src_bytes), int(tree_bytes)


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


USER = {}


corpus, twice, diff = medians("corpus.json"), medians("twice.json"), medians("diff.json")
corpus.update(medians("astgrep.json"))
print()
print(f"{'run':<48} {'median s':>9} {'MB/s':>7} {'user s':>7}")
for name, secs in corpus.items():
    print(f"{name:<48} {secs:>9.3f} {total_bytes / 1e6 / secs:>7.1f} {USER.get(name, 0):>7.2f}")
for name, secs in twice.items():
    b = total_bytes * (2 if "twice" in name else 1)
    print(f"{name:<48} {secs:>9.3f} {b / 1e6 / secs:>7.1f}")
for name, secs in diff.items():
    print(f"{name:<48} {secs:>9.3f} {tree_bytes / 1e6 / secs:>7.1f}")
print()
rss_mib = int(rss_kb or 0) / 1024
j1, j2 = corpus.get("check -j 1"), corpus.get("check -j 2")
parse, sg = corpus.get("parse -j 2"), corpus.get("ast-grep -j 2")
once, tw = twice.get("check -j 2 once"), twice.get("check -j 2 twice")
d = next(iter(diff.values()), None)


def row(label, value, target, ok):
    print(f"{label:<44} {value:>14} {target:>12} {'met' if ok else 'NOT MET'}")


print(f"{'target':<44} {'measured':>14} {'goal':>12}")
if j2:
    row("throughput, whole catalog, -j 2", f"{total_bytes / 1e6 / j2:.1f} MB/s", ">= 43 MB/s", total_bytes / 1e6 / j2 >= 43)
if j2 and parse:
    row("speed-up over parse-everything (-j 2)", f"{parse / j2:.2f}x", ">= 3x", parse / j2 >= 3)
row("peak RSS, -j 2", f"{rss_mib:.1f} MiB", "<= 64 MiB", rss_mib <= 64)
if j1 and j2:
    row("-j 2 over -j 1", f"{j1 / j2:.2f}x", ">= 1.8x", j1 / j2 >= 1.8)
if once and tw:
    row("corpus twice / once", f"{tw / once:.2f}x", "<= 2.1x", tw / once <= 2.1)
if d:
    row("--diff-base, 10 of 10,000 files", f"{d * 1000:.0f} ms", "<= 150 ms", d <= 0.150)
if sg and j2:
    print(f"{'ast-grep (5 rules) / instrlint (catalog), -j 2':<44} {sg / j2:>13.2f}x")
load = os.getloadavg()[0]
if load > (os.cpu_count() or 1):
    print(f"warning: load average {load:.1f} on {os.cpu_count()} cores: wall times and the "
          "-j ratio are unreliable; compare user CPU or callgrind instruction counts")
