#!/usr/bin/env python3
"""Generate a synthetic Go tree for the --diff-base benchmark.

    python3 bench/gen-tree.py DEST [FILES]

FILES (default 10000) files in packages of 20 files; every tenth file
registers Prometheus metrics and starts spans, the rest are plain Go code
(types, functions, errors, string handling) of about 2 KB each.
"""
import os
import sys

dest = sys.argv[1]
total = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
per_pkg = 20

PLAIN = '''package {pkg}

import (
\t"errors"
\t"fmt"
\t"strings"
)

// Item{n} is a record of file {n}.
type Item{n} struct {{
\tName  string
\tCount int
\tTags  []string
}}

var errEmpty{n} = errors.New("empty item {n}")

// Normalize{n} cleans an item.
func Normalize{n}(it *Item{n}) error {{
\tif it == nil || it.Name == "" {{
\t\treturn errEmpty{n}
\t}}
\tit.Name = strings.ToLower(strings.TrimSpace(it.Name))
\tfor i, t := range it.Tags {{
\t\tit.Tags[i] = strings.TrimSpace(t)
\t}}
\treturn nil
}}

// Describe{n} renders an item.
func Describe{n}(it Item{n}) string {{
\tvar b strings.Builder
\tfmt.Fprintf(&b, "%s (%d)", it.Name, it.Count)
\tfor _, t := range it.Tags {{
\t\tb.WriteString(" #")
\t\tb.WriteString(t)
\t}}
\treturn b.String()
}}

// Merge{n} adds the counts of items with the same name.
func Merge{n}(items []Item{n}) map[string]int {{
\tout := make(map[string]int, len(items))
\tfor _, it := range items {{
\t\tif err := Normalize{n}(&it); err != nil {{
\t\t\tcontinue
\t\t}}
\t\tout[it.Name] += it.Count
\t}}
\treturn out
}}
'''

INSTR = '''package {pkg}

import (
\t"context"
\t"net/http"

\t"github.com/prometheus/client_golang/prometheus"
\t"go.opentelemetry.io/otel"
)

var requests{n} = prometheus.NewCounterVec(prometheus.CounterOpts{{
\tName: "app_requests_{n}_total",
\tHelp: "Requests handled by handler {n}.",
}}, []string{{"code", "method"}})

func init() {{
\tprometheus.MustRegister(requests{n})
}}

// Handle{n} serves one request.
func Handle{n}(w http.ResponseWriter, r *http.Request) {{
\tctx, span := otel.Tracer("app").Start(r.Context(), "handle{n}")
\tdefer span.End()
\twork{n}(ctx)
\trequests{n}.WithLabelValues("200", r.Method).Inc()
}}

func work{n}(ctx context.Context) {{
\t_ = ctx
}}
'''

for i in range(total):
    pkg = f"pkg{i // per_pkg:04d}"
    d = os.path.join(dest, pkg)
    os.makedirs(d, exist_ok=True)
    body = (INSTR if i % 10 == 0 else PLAIN).format(pkg=pkg, n=i)
    with open(os.path.join(d, f"file{i:05d}.go"), "w") as f:
        f.write(body)
