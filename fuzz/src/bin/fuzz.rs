//! `instrlint-fuzz TARGET SECONDS [SEED]`: a time-boxed, coverage-guided
//! mutation campaign on one target of `instrlint_fuzz` (see `fuzz/run.sh`,
//! which builds this with coverage instrumentation).
//!
//! Corpus: `fuzz/corpus/TARGET/` (kept between runs, not committed), seeded
//! from the fixtures, the examples and `fuzz/regressions/TARGET/`. A panic
//! saves the input to `fuzz/crashes/TARGET/` and the campaign goes on; an
//! abort (stack overflow) or a hang (> 20 s) leaves the input in
//! `fuzz/crashes/TARGET/current` for `run.sh` to keep.

use instrlint_fuzz::coverage::Coverage;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What one execution of the target found.
enum Exec {
    /// It reached code no earlier input had: a parent for mutations.
    NewCoverage,
    Known,
    /// tree-sitter's parse was given up at the time limit (I002).
    SlowParse,
    /// It panicked.
    Crash,
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const GO_DICT: &[&str] = &[
    "package p\n",
    "import \"github.com/prometheus/client_golang/prometheus\"\n",
    "prometheus.NewCounter(prometheus.CounterOpts{Name: \"a_total\", Help: \"h\"})",
    "prometheus.NewHistogramVec(",
    "prometheus.NewGaugeVec(",
    "[]string{\"user_id\"}",
    ".WithLabelValues(",
    ".With(prometheus.Labels{",
    "promauto.With(reg).",
    "MustRegister(",
    "Namespace:",
    "Subsystem:",
    "Name:",
    "ConstLabels:",
    "Buckets:",
    "tracer.Start(ctx, ",
    "span.End()",
    "defer ",
    "otel.Tracer(\"x\")",
    "meter.Int64Counter(",
    "metric.WithUnit(",
    "attribute.String(",
    "context.Background()",
    "func (s *S) ",
    "func f(ctx context.Context) {",
    "const name = ",
    "var ",
    " + ",
    "fmt.Sprintf(",
    "\"%s_total\"",
    "`raw`",
    "//instrlint:ignore M105",
    "// nolint",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "\"",
    "`",
    "'",
    "\n",
    "\r\n",
    "\u{feff}",
    "\0",
    "\u{e9}",
    "\u{1f600}",
    "/*",
    "*/",
    ":=",
    "=",
    ",",
    ";",
    "...",
    "go ",
    "switch ",
    "case ",
    "type T struct{",
    "interface{",
    "chan ",
    "<-",
    "iota",
    "0x",
    "1e9",
    "1<<62",
    "-1",
    "_",
];
const CONFIG_DICT: &[&str] = &[
    "min_name_parts = ",
    "namespaces = [",
    "exclude = [",
    "[rules]\n",
    "select = [",
    "ignore = [",
    "[rules.level]\n",
    "M105 = \"off\"\n",
    "[spans]\n",
    "extra_generic_names = [",
    "generic_names = [",
    "name_pattern = '",
    "[[spans.require]]\n",
    "names = [",
    "paths = [",
    "attributes = [",
    "[labels]\n",
    "high_cardinality = [",
    "extra_high_cardinality = [",
    "allow = [",
    "extra_allow = [",
    "short_lived = [",
    "extra_short_lived = [",
    "\"",
    "'",
    "'''",
    "\"\"\"",
    "]",
    "[",
    "\n",
    "=",
    ",",
    "**",
    "*",
    "{",
    "}",
    "(",
    ")",
    "\\",
    "^",
    "$",
    "1",
    "-1",
    "99999999999999999999",
    "true",
    "1979-05-27",
    "{a = 1}",
    "\u{e9}",
    "#",
];
const PROMQL_DICT: &[&str] = &[
    "rate(",
    "irate(",
    "increase(",
    "sum by (job) (",
    "sum without (le) (",
    "histogram_quantile(0.99, ",
    "avg_over_time(",
    "[5m]",
    "[1h:5m]",
    "offset 5m",
    "@ 1609746000",
    "{job=\"api\"}",
    "{__name__=~\"x.*\"}",
    "=~",
    "!~",
    "!=",
    " and ",
    " or ",
    " unless ",
    " on(job) ",
    " ignoring(le) ",
    " group_left ",
    "_total",
    "_bucket",
    "_count",
    "_sum",
    "_seconds",
    "http_requests_total",
    "le",
    "1e3",
    "Inf",
    "NaN",
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    "\"",
    "'",
    "`",
    ",",
    " ",
    "\n",
    "#",
    "-",
    "+",
    "*",
    "/",
    "%",
    "^",
    "topk(5, ",
    "label_replace(",
    "absent(",
    "count_values(\"x\", ",
    "vector(1)",
    "time()",
];

fn dict(target: &str) -> &'static [&'static str] {
    match target {
        "config" => CONFIG_DICT,
        "promql" => PROMQL_DICT,
        _ => GO_DICT,
    }
}

fn max_len(target: &str) -> usize {
    match target {
        "source" => 64 << 10,
        _ => 4 << 10,
    }
}

fn mutate(rng: &mut Rng, input: &[u8], corpus: &[Vec<u8>], target: &str) -> Vec<u8> {
    let mut v = input.to_vec();
    let rounds = 1 + rng.below(4);
    for _ in 0..rounds {
        let len = v.len();
        match rng.below(10) {
            0 if len > 0 => {
                let i = rng.below(len);
                v[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                v[i] = rng.next() as u8;
            }
            2 if len > 0 => {
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(64));
                v.drain(i..i + n);
            }
            3 if len > 0 => {
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(256));
                let chunk = v[i..i + n].to_vec();
                let at = rng.below(len + 1);
                v.splice(at..at, chunk);
            }
            4 if !corpus.is_empty() => {
                let other = &corpus[rng.below(corpus.len())];
                if !other.is_empty() {
                    let i = rng.below(other.len());
                    let n = 1 + rng.below((other.len() - i).min(512));
                    let at = rng.below(len + 1);
                    v.splice(at..at, other[i..i + n].iter().copied());
                }
            }
            5 if len > 0 => {
                v.truncate(rng.below(len));
            }
            6 => {
                let at = rng.below(len + 1);
                let n = 1 + rng.below(8);
                let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
                v.splice(at..at, bytes);
            }
            7 if len > 0 => {
                // Repeat a short chunk many times: deep nesting, long lines.
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(8));
                let chunk = v[i..i + n].to_vec();
                let times = 1 + rng.below(200);
                let at = rng.below(len + 1);
                v.splice(at..at, chunk.iter().copied().cycle().take(n * times));
            }
            _ => {
                let words = dict(target);
                let w = words[rng.below(words.len())].as_bytes();
                let at = rng.below(len + 1);
                v.splice(at..at, w.iter().copied());
            }
        }
    }
    v.truncate(max_len(target));
    v
}

fn files_under(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = rd.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files_under(&p, ext, out);
        } else if ext.is_empty() || p.to_string_lossy().ends_with(ext) {
            out.push(p);
        }
    }
}

fn seeds(target: &str, fuzz_dir: &Path) -> Vec<Vec<u8>> {
    let root = fuzz_dir.parent().unwrap();
    let mut paths = Vec::new();
    match target {
        "source" => {
            files_under(&root.join("tests/fixtures"), ".go", &mut paths);
            files_under(&root.join("examples"), ".go", &mut paths);
        }
        "config" => {
            files_under(&root.join("tests/fixtures"), ".toml", &mut paths);
            files_under(&root.join("examples"), ".toml", &mut paths);
        }
        _ => {}
    }
    files_under(&fuzz_dir.join("regressions").join(target), "", &mut paths);
    files_under(&fuzz_dir.join("corpus").join(target), "", &mut paths);
    let mut out: Vec<Vec<u8>> = paths
        .iter()
        .filter_map(|p| std::fs::read(p).ok())
        .filter(|b| b.len() <= max_len(target))
        .collect();
    if target == "config" {
        out.push(b"min_name_parts = 3\nnamespaces = [\"shop\"]\n[rules]\nselect = [\"M\"]\n[spans]\nname_pattern = '^[a-z]+$'\n".to_vec());
    }
    if target == "promql" {
        for q in [
            "sum by (le) (rate(http_request_duration_seconds_bucket{job=\"api\"}[5m]))",
            "histogram_quantile(0.99, sum(rate(x_bucket[5m])) by (le))",
            "rate(fuzz_requests_total[1m]) / ignoring(code) group_left sum(up)",
            "increase(fuzz_requests[5m]) offset 1h",
            "topk(3, count by (user_id) (fuzz_requests_total))",
        ] {
            out.push(q.as_bytes().to_vec());
        }
    }
    out.push(Vec::new());
    out
}

fn hash(data: &[u8]) -> u64 {
    let mut h = DefaultHasher::new();
    data.hash(&mut h);
    h.finish()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 || !instrlint_fuzz::TARGETS.contains(&args[1].as_str()) {
        eprintln!(
            "usage: instrlint-fuzz TARGET SECONDS [SEED]; targets: {:?}",
            instrlint_fuzz::TARGETS
        );
        std::process::exit(2);
    }
    let target = args[1].clone();
    let seconds: u64 = args[2].parse().expect("SECONDS is a number");
    let seed: u64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1)
    }) | 1;
    let fuzz_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let corpus_dir = fuzz_dir.join("corpus").join(&target);
    let crash_dir = fuzz_dir.join("crashes").join(&target);
    std::fs::create_dir_all(&corpus_dir).unwrap();
    std::fs::create_dir_all(&crash_dir).unwrap();
    let current = crash_dir.join("current");

    // Every input is parsed, however many abandoned parses spin: the
    // campaign keeps slow parses apart itself (a refused parse would test
    // nothing, silently).
    instrlint_core::extract::set_max_abandoned_parses(usize::MAX);

    // Quiet panics: the campaign reports them itself.
    std::panic::set_hook(Box::new(|_| {}));

    // Watchdog: an input running over 20 s is a hang; abort and leave it in
    // `current`.
    let started_exec = Arc::new(AtomicU64::new(0));
    let epoch = Instant::now();
    {
        let started_exec = Arc::clone(&started_exec);
        std::thread::spawn(move || loop {
            std::thread::sleep(Duration::from_secs(1));
            let s = started_exec.load(Ordering::Relaxed);
            // Saturating: `s` can be a millisecond ahead of this reading, and
            // an overflow panic (overflow checks are on) would end the watchdog.
            if s != 0 && (epoch.elapsed().as_millis() as u64).saturating_sub(s) > 20_000 {
                eprintln!("HANG: an input ran over 20 s; it is in crashes/.../current");
                std::process::abort();
            }
        });
    }

    let mut cov = Coverage::new();
    let mut rng = Rng(seed);
    let mut corpus: Vec<Vec<u8>> = Vec::new();
    let mut crashes = 0usize;
    let mut execs = 0u64;
    let mut slow_parses = 0usize;
    let mut run_one = |data: &[u8], cov: &mut Coverage, execs: &mut u64| -> Exec {
        std::fs::write(&current, data).ok();
        cov.reset();
        let given_up = instrlint_core::extract::parses_given_up();
        started_exec.store(epoch.elapsed().as_millis() as u64 + 1, Ordering::Relaxed);
        let result = std::panic::catch_unwind(|| instrlint_fuzz::run(&target, data));
        started_exec.store(0, Ordering::Relaxed);
        *execs += 1;
        if result.is_err() {
            return Exec::Crash;
        }
        if instrlint_core::extract::parses_given_up() > given_up {
            // instrlint coped (I002); the input is kept for a tree-sitter report.
            let p = crash_dir.join(format!("slow-parse-{:016x}", hash(data)));
            std::fs::write(&p, data).ok();
            slow_parses += 1;
            eprintln!("SLOW PARSE: {} ({} bytes)", p.display(), data.len());
            return Exec::SlowParse;
        }
        if cov.update() {
            Exec::NewCoverage
        } else {
            Exec::Known
        }
    };

    let seeds = seeds(&target, &fuzz_dir);
    eprintln!(
        "fuzz {target}: {} s, seed {seed}, {} seeds, {} instrumented edges{}",
        seconds,
        seeds.len(),
        cov.edges(),
        if cov.edges() == 0 {
            " (not instrumented: blind mutation; use fuzz/run.sh)"
        } else {
            ""
        }
    );
    let save_crash = |data: &[u8], crashes: &mut usize| {
        let p = crash_dir.join(format!("crash-{:016x}", hash(data)));
        std::fs::write(&p, data).unwrap();
        *crashes += 1;
        eprintln!("CRASH: {} ({} bytes)", p.display(), data.len());
    };
    for s in &seeds {
        match run_one(s, &mut cov, &mut execs) {
            Exec::SlowParse => {
                // Kept in crashes/ as slow-parse-*; not a seed again.
                let _ = std::fs::remove_file(corpus_dir.join(format!("{:016x}", hash(s))));
            }
            Exec::NewCoverage | Exec::Known => corpus.push(s.clone()),
            Exec::Crash => save_crash(s, &mut crashes),
        }
    }
    let deadline = epoch + Duration::from_secs(seconds);
    let mut last_report = Instant::now();
    while Instant::now() < deadline {
        let parent = corpus[rng.below(corpus.len())].clone();
        let child = mutate(&mut rng, &parent, &corpus, &target);
        match run_one(&child, &mut cov, &mut execs) {
            Exec::NewCoverage => {
                std::fs::write(corpus_dir.join(format!("{:016x}", hash(&child))), &child).ok();
                corpus.push(child);
            }
            // A slow parse is no parent: its abandoned parse keeps a core busy
            // for the rest of the campaign, and so would its children's.
            Exec::Known | Exec::SlowParse => {}
            Exec::Crash => save_crash(&child, &mut crashes),
        }
        if last_report.elapsed() > Duration::from_secs(30) {
            last_report = Instant::now();
            eprintln!(
                "  {:>5} s: {execs} execs, corpus {}, features {}, crashes {crashes}",
                epoch.elapsed().as_secs(),
                corpus.len(),
                cov.features()
            );
        }
    }
    let _ = std::fs::remove_file(&current);
    eprintln!(
        "done {target}: {} s, {execs} execs, corpus {}, features {}, crashes {crashes}, slow parses {slow_parses}",
        epoch.elapsed().as_secs(),
        corpus.len(),
        cov.features()
    );
    std::process::exit(if crashes == 0 { 0 } else { 1 });
}
