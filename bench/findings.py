#!/usr/bin/env python3
"""Compare instrlint findings across commits (the corpus findings must not move).

    python3 bench/findings.py digest REPORT.json       # sha256 + count of the finding set
    python3 bench/findings.py diff BEFORE.json AFTER.json  # lost / new findings; exit 1 if any

REPORT.json is `instrlint check --format json`. A finding is identified by
(code, path, start, end, message); `related` sites are included in the digest.
"""
import hashlib
import json
import sys


def findings(path):
    with open(path) as f:
        doc = json.load(f)
    out = set()
    for d in doc["findings"]:
        rel = tuple(
            (r["path"], r["start"]["line"], r["start"]["column"], r["message"])
            for r in d.get("related", [])
        )
        out.add(
            (
                d["code"],
                d["path"],
                d["start"]["line"],
                d["start"]["column"],
                d["end"]["line"],
                d["end"]["column"],
                d["message"],
                rel,
            )
        )
    return out


def main():
    if sys.argv[1] == "digest":
        fs = sorted(findings(sys.argv[2]))
        h = hashlib.sha256(repr(fs).encode()).hexdigest()[:16]
        print(f"{len(fs)} findings sha256:{h}")
        return 0
    before, after = findings(sys.argv[2]), findings(sys.argv[3])
    lost, new = sorted(before - after), sorted(after - before)
    for f in lost:
        print("- " + " ".join(map(str, f[:7])))
    for f in new:
        print("+ " + " ".join(map(str, f[:7])))
    print(f"{len(before)} before, {len(after)} after, {len(lost)} lost, {len(new)} new")
    return 1 if lost or new else 0


sys.exit(main())
