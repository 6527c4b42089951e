#!/usr/bin/env python3
"""Measure `instrlint server` as an editor sees it (Python standard library only).

    python3 bench/lsp.py BIN FILE [--runs N] [--edits N]

first   N fresh servers: initialize, initialized, then the time from sending
        didOpen of FILE (its text read from disk, the rest of its package too)
        to the first publishDiagnostics for it, and the CPU time the server's
        threads spent meanwhile (what the wall time would be on an idle core:
        one package is linted on one thread). Min, median, max.
edits   one server: didOpen, then N didChange edits (incremental: a comment
        added at the end of the file, then removed, alternately), each waited
        for (its own publishDiagnostics, by version), so every edit is a lint
        run. RSS (VmRSS) after the first edit and after the last, and the time
        from each didChange to its diagnostics (the server waits 100 ms for
        typing to pause before it lints).
"""
import json
import os
import statistics
import subprocess
import sys
import time


class Server:
    def __init__(self, bin_path):
        self.p = subprocess.Popen(
            [bin_path, "server"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        self.next_id = 0

    def send(self, message):
        body = json.dumps(dict(message, jsonrpc="2.0")).encode()
        self.p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.p.stdin.flush()

    def recv(self):
        length = None
        while True:
            line = self.p.stdout.readline()
            if not line:
                raise EOFError("the server closed its output")
            if not line.strip():
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return json.loads(self.p.stdout.read(length))

    def request(self, method, params):
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        while True:
            m = self.recv()
            if m.get("id") == self.next_id and "method" not in m:
                return m.get("result")

    def initialize(self):
        caps = {"general": {"positionEncodings": ["utf-16"]}}
        self.request("initialize", {"capabilities": caps})
        self.send({"method": "initialized", "params": {}})

    def diagnostics(self, uri, version=None):
        while True:
            m = self.recv()
            if m.get("method") != "textDocument/publishDiagnostics":
                continue
            p = m["params"]
            if p["uri"] == uri and (version is None or p.get("version") == version):
                return p["diagnostics"]

    def rss_kib(self):
        with open("/proc/%d/status" % self.p.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def cpu_ns(self):
        """On-CPU time of the server's threads alive now (schedstat, ns)."""
        total = 0
        tasks = "/proc/%d/task" % self.p.pid
        for t in os.listdir(tasks):
            try:
                with open("%s/%s/schedstat" % (tasks, t)) as f:
                    total += int(f.read().split()[0])
            except OSError:
                pass
        return total

    def close(self):
        self.request("shutdown", None)
        self.send({"method": "exit"})
        return self.p.wait(10)


def open_params(uri, text):
    return {"textDocument": {"uri": uri, "languageId": "go", "version": 1, "text": text}}


def first(bin_path, path, runs):
    text = open(path).read()
    uri = "file://" + os.path.abspath(path)
    times = []
    cpu = []
    for _ in range(runs):
        s = Server(bin_path)
        s.initialize()
        cpu_before = s.cpu_ns()
        started = time.perf_counter()
        s.send({"method": "textDocument/didOpen", "params": open_params(uri, text)})
        found = s.diagnostics(uri)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((s.cpu_ns() - cpu_before) / 1e6)
        assert s.close() == 0
    print(
        "first diagnostics after didOpen (%d fresh servers, %d findings): "
        "wall min %.1f ms, median %.1f ms, max %.1f ms; "
        "server CPU time min %.1f ms, median %.1f ms, max %.1f ms"
        % (
            runs,
            len(found),
            min(times),
            statistics.median(times),
            max(times),
            min(cpu),
            statistics.median(cpu),
            max(cpu),
        )
    )


def edits(bin_path, path, count):
    text = open(path).read()
    uri = "file://" + os.path.abspath(path)
    lines = text.split("\n")
    end = {"line": len(lines) - 1, "character": len(lines[-1])}
    comment = "\n// edited"
    after = {"line": end["line"] + 1, "character": len("// edited")}
    s = Server(bin_path)
    s.initialize()
    s.send({"method": "textDocument/didOpen", "params": open_params(uri, text)})
    s.diagnostics(uri)
    rss = []
    latencies = []
    samples = {1, 10, 100, count // 2, count}
    for version in range(2, count + 2):
        if version % 2 == 0:
            change = {"range": {"start": end, "end": end}, "text": comment}
        else:
            change = {"range": {"start": end, "end": after}, "text": ""}
        started = time.perf_counter()
        s.send(
            {
                "method": "textDocument/didChange",
                "params": {
                    "textDocument": {"uri": uri, "version": version},
                    "contentChanges": [change],
                },
            }
        )
        s.diagnostics(uri, version)
        latencies.append((time.perf_counter() - started) * 1000)
        edit = version - 1
        if edit in samples:
            # The run's pool threads end just after it publishes: let them.
            time.sleep(0.5)
            rss.append((edit, s.rss_kib()))
    assert s.close() == 0
    first_rss = rss[0][1]
    print(
        "RSS after edit "
        + ", ".join(
            "%d: %.1f MiB (%+.1f%%)" % (e, r / 1024, (r - first_rss) * 100 / first_rss)
            for e, r in rss
        )
    )
    print(
        "didChange to diagnostics over %d edits: median %.1f ms, max %.1f ms "
        "(100 ms of it the debounce)" % (count, statistics.median(latencies), max(latencies))
    )


def main():
    args = sys.argv[1:]
    runs, count = 20, 1000
    if "--runs" in args:
        i = args.index("--runs")
        runs = int(args[i + 1])
        del args[i : i + 2]
    if "--edits" in args:
        i = args.index("--edits")
        count = int(args[i + 1])
        del args[i : i + 2]
    bin_path, path = args
    first(bin_path, path, runs)
    edits(bin_path, path, count)


if __name__ == "__main__":
    main()
