#!/usr/bin/env python3
"""The ecosystem check: instrlint's findings on real Go code against verdicts.

    ecosystem.py check FINDINGS.json [--verdicts FILE] [--accuracy FILE]
    ecosystem.py accuracy [--verdicts FILE] [--write FILE]
    ecosystem.py prune FINDINGS.json [--verdicts FILE]

FINDINGS.json is `instrlint check CORPUS --format json --fail-on never`. Paths
are made relative to the corpus root (the directory holding one directory per
Debian package), so they read `golang-etcd-server-dev/go.etcd.io/etcd/...`.

`check` pairs every finding with an entry of verdicts.tsv and fails when
- a finding has no entry, or its entry's verdict is `?` (not judged yet): the
  lines to paste are printed, with verdict `?` and reason `TODO`;
- an entry has no finding any more (stale): a true finding was lost, or a
  false one fixed; either way the file must say so (`prune` drops the stale
  false entries);
- ACCURACY.md's table is not the one the verdicts give.
Entries judged false whose finding still fires are listed as known false
positives; they do not fail the check.

`accuracy` prints the per-rule table (or rewrites it between the markers of
ACCURACY.md with --write).

Keying (also in the header of verdicts.tsv): an entry matches a finding with
the same path, code and message; the line is a hint. Among several entries
with one key, findings are paired in line order, so entries survive edits
that shift lines. Only Python's standard library is used.
"""

import argparse
import collections
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
VERDICTS = os.path.join(HERE, "verdicts.tsv")
ACCURACY = os.path.join(HERE, "..", "..", "ACCURACY.md")
TABLE_START = "<!-- accuracy:start -->"
TABLE_END = "<!-- accuracy:end -->"
VERDICT_VALUES = ("true", "false", "?")

Entry = collections.namedtuple("Entry", "verdict code path line message reason lineno")
Finding = collections.namedtuple("Finding", "code path line message")


def fail(msg):
    print(f"ecosystem.py: {msg}", file=sys.stderr)
    sys.exit(2)


def read_verdicts(path):
    entries = []
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            cells = line.split("\t")
            if len(cells) != 6:
                fail(f"{path}:{n}: expected 6 tab-separated cells, found {len(cells)}")
            verdict, code, fpath, lno, message, reason = cells
            if verdict not in VERDICT_VALUES:
                fail(f"{path}:{n}: verdict must be true, false or ?, not `{verdict}`")
            if not lno.isdigit():
                fail(f"{path}:{n}: line `{lno}` is not a number")
            if verdict != "?" and (not reason.strip() or reason.strip() == "TODO"):
                fail(f"{path}:{n}: a judged entry needs a one-line reason")
            entries.append(Entry(verdict, code, fpath, int(lno), message, reason, n))
    return entries


def corpus_root(paths):
    """The directory above the first `golang-*` package directory."""
    for p in paths:
        parts = p.split("/")
        for i, part in enumerate(parts):
            if part.startswith("golang-"):
                return "/".join(parts[:i])
    return ""


def read_findings(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    raw = data["findings"]
    root = corpus_root(d["path"] for d in raw)
    out = []
    for d in raw:
        p = d["path"]
        if root and p.startswith(root + "/"):
            p = p[len(root) + 1 :]
        out.append(Finding(d["code"], p, d["start"]["line"], d["message"]))
    return out


def pair(entries, findings):
    """(matched [(entry, finding)], unjudged findings, stale entries)."""
    by_key = collections.defaultdict(list)
    for e in entries:
        by_key[(e.path, e.code, e.message)].append(e)
    found = collections.defaultdict(list)
    for f in findings:
        found[(f.path, f.code, f.message)].append(f)
    matched, unjudged, stale = [], [], []
    for key in sorted(set(by_key) | set(found)):
        es = sorted(by_key.get(key, []), key=lambda e: e.line)
        fs = sorted(found.get(key, []), key=lambda f: f.line)
        # Pair in line order; when counts differ, drop from whichever side
        # the other's lines are farthest from.
        while len(es) > len(fs):
            worst = max(es, key=lambda e: min((abs(e.line - f.line) for f in fs), default=0))
            es.remove(worst)
            stale.append(worst)
        while len(fs) > len(es):
            worst = max(fs, key=lambda f: min((abs(f.line - e.line) for e in es), default=0))
            fs.remove(worst)
            unjudged.append(worst)
        matched.extend(zip(es, fs))
    return matched, unjudged, stale


def tsv(verdict, code, path, line, message, reason):
    return "\t".join([verdict, code, path, str(line), message, reason])


def per_rule(entries):
    """{code: (findings, judged true)} over judged entries."""
    counts = collections.defaultdict(lambda: [0, 0])
    for e in entries:
        if e.verdict == "?":
            continue
        counts[e.code][0] += 1
        counts[e.code][1] += e.verdict == "true"
    return counts


def accuracy_table(entries):
    counts = per_rule(entries)
    lines = [
        "| Rule | Findings | Judged true | Precision |",
        "|---|---:|---:|---:|",
    ]
    total, true = 0, 0
    order = lambda c: ("MLTRSCQO".index(c[0]) if c[0] in "MLTRSCQO" else 9, c)
    for code in sorted(counts, key=order):
        n, t = counts[code]
        total += n
        true += t
        lines.append(f"| {code} | {n} | {t} | {100 * t / n:.0f}% |")
    pct = f"{100 * true / total:.1f}%" if total else "n/a"
    lines.append(f"| **all** | **{total}** | **{true}** | **{pct}** |")
    return "\n".join(lines) + "\n"


def table_in(text):
    if TABLE_START not in text or TABLE_END not in text:
        return None
    start = text.index(TABLE_START) + len(TABLE_START)
    return text[start : text.index(TABLE_END)].strip("\n") + "\n"


def write_table(path, table):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if table_in(text) is None:
        fail(f"{path} has no `{TABLE_START}` … `{TABLE_END}` block")
    start = text.index(TABLE_START) + len(TABLE_START)
    end = text.index(TABLE_END)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text[:start] + "\n" + table + text[end:])


def cmd_check(args):
    entries = read_verdicts(args.verdicts)
    findings = read_findings(args.findings)
    matched, unjudged, stale = pair(entries, findings)
    pending = [(e, f) for e, f in matched if e.verdict == "?"]
    known_false = [(e, f) for e, f in matched if e.verdict == "false"]
    ok = True
    print(f"{len(findings)} findings, {len(entries)} verdicts: "
          f"{len(matched) - len(pending)} judged, {len(pending) + len(unjudged)} not judged, "
          f"{len(stale)} stale")
    if known_false:
        print(f"\nknown false positives ({len(known_false)}), judged false and still reported:")
        for e, f in known_false:
            print(f"  {f.path}:{f.line}: {f.code} {f.message}\n      ({e.reason})")
    moved = [(e, f) for e, f in matched if e.line != f.line]
    if moved:
        print(f"\n{len(moved)} entries match findings on other lines (hints only; "
              "`prune` rewrites them)")
    if unjudged or pending:
        ok = False
        print(f"\nNOT JUDGED ({len(unjudged) + len(pending)}): read the code around each "
              "finding, then put `true` or `false` and a one-line reason in verdicts.tsv.")
        if unjudged:
            print("Lines to add (tab-separated):")
            for f in sorted(unjudged, key=lambda f: (f.path, f.line)):
                print(tsv("?", f.code, f.path, f.line, f.message, "TODO"))
        for e, f in pending:
            print(f"verdicts.tsv:{e.lineno}: still `?`: {f.path}:{f.line}: {f.code} {f.message}")
    if stale:
        ok = False
        lost = [e for e in stale if e.verdict == "true"]
        print(f"\nSTALE ({len(stale)}): entries no finding matches any more.")
        if lost:
            print(f"{len(lost)} judged TRUE: a true finding is lost (a recall regression), "
                  "unless the rule changed on purpose; then delete the entry:")
            for e in lost:
                print(f"  verdicts.tsv:{e.lineno}: {e.path}:{e.line}: {e.code} {e.message}")
        fixed = [e for e in stale if e.verdict != "true"]
        if fixed:
            print(f"{len(fixed)} judged false or not judged: fixed; `ecosystem.py prune` drops them:")
            for e in fixed:
                print(f"  verdicts.tsv:{e.lineno}: {e.path}:{e.line}: {e.code} {e.message}")
    if args.accuracy:
        with open(args.accuracy, encoding="utf-8") as f:
            have = table_in(f.read())
        want = accuracy_table(entries)
        if have != want:
            ok = False
            print(f"\n{args.accuracy}: the table is not the one verdicts.tsv gives; run "
                  "`tests/ecosystem/ecosystem.py accuracy --write ACCURACY.md`")
    print("\necosystem check: " + ("ok" if ok else "FAILED"))
    return 0 if ok else 1


def cmd_accuracy(args):
    table = accuracy_table(read_verdicts(args.verdicts))
    if args.write:
        write_table(args.write, table)
    else:
        sys.stdout.write(table)
    return 0


def cmd_prune(args):
    """Drop stale entries that are not judged true, and refresh line hints."""
    entries = read_verdicts(args.verdicts)
    matched, _, stale = pair(entries, read_findings(args.findings))
    drop = {e.lineno for e in stale if e.verdict != "true"}
    lines_of = {e.lineno: f.line for e, f in matched}
    out = []
    with open(args.verdicts, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            if n in drop:
                continue
            if n in lines_of:
                cells = raw.rstrip("\n").split("\t")
                cells[3] = str(lines_of[n])
                raw = "\t".join(cells) + "\n"
            out.append(raw)
    header = [l for l in out if l.startswith("#") or not l.strip()]
    body = sorted((l for l in out if l not in header), key=lambda l: (l.split("\t")[2], int(l.split("\t")[3]), l.split("\t")[1]))
    with open(args.verdicts, "w", encoding="utf-8") as f:
        f.writelines(header + body)
    print(f"dropped {len(drop)} stale entries; line hints refreshed")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("check")
    c.add_argument("findings")
    c.add_argument("--verdicts", default=VERDICTS)
    c.add_argument("--accuracy", default=ACCURACY, help="ACCURACY.md to keep in step ('' to skip)")
    a = sub.add_parser("accuracy")
    a.add_argument("--verdicts", default=VERDICTS)
    a.add_argument("--write", metavar="FILE")
    p = sub.add_parser("prune")
    p.add_argument("findings")
    p.add_argument("--verdicts", default=VERDICTS)
    args = ap.parse_args()
    return {"check": cmd_check, "accuracy": cmd_accuracy, "prune": cmd_prune}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
