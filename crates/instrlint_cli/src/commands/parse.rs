//! `instrlint debug parse PATH...`: discover and read as `check` does, then
//! parse every file with tree-sitter-go and do nothing else. This is the
//! parse-everything floor the benchmark compares `check` with.
//!
//! With `--prefilter`, generated files are skipped and only the files the
//! prefilter admits are parsed (the prefilter floor): what `check` would
//! cost if it did nothing but parse the files that mention an
//! instrumentation API.

use crate::args::ParseArgs;
use crate::exit;
use instrlint_core::discover::{self, DiscoverOptions};
use instrlint_core::extract;
use rayon::prelude::*;
use std::io::Write;
use std::time::Instant;

pub fn run(args: &ParseArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> i32 {
    let started = Instant::now();
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = args.jobs {
        builder = builder.num_threads(n as usize);
    }
    let pool = match builder.build() {
        Ok(p) => p,
        Err(e) => {
            let _ = writeln!(stderr, "error: cannot start worker threads: {e}");
            return exit::ERROR;
        }
    };
    let opts = DiscoverOptions {
        include_tests: args.include_tests,
        max_file_size: 1 << 20,
        ..DiscoverOptions::default()
    };
    let found = discover::discover(&args.paths, &opts);
    // (bytes, parsed cleanly) per file parsed; unreadable files count as
    // problems; files the prefilter skips are `Some(None)`.
    let results: Vec<Option<Option<(usize, bool)>>> = pool.install(|| {
        found
            .files
            .par_iter()
            .map(|c| {
                let bytes = std::fs::read(&c.abs).ok()?;
                let text = String::from_utf8_lossy(&bytes);
                if args.prefilter
                    && ((!c.explicit && discover::is_generated(&text))
                        || extract::classify(&text) == extract::Trigger::None)
                {
                    return Some(None);
                }
                let clean = extract::parse_only(&text).unwrap_or(false);
                Some(Some((bytes.len(), clean)))
            })
            .collect()
    });
    let skipped = results.iter().flatten().filter(|r| r.is_none()).count();
    let unreadable = results.iter().filter(|r| r.is_none()).count();
    let results: Vec<Option<(usize, bool)>> = results.into_iter().map(Option::flatten).collect();
    let files = results.iter().flatten().count();
    let bytes: usize = results.iter().flatten().map(|r| r.0).sum();
    let errors = results.iter().flatten().filter(|r| !r.1).count();
    let secs = started.elapsed().as_secs_f64();
    let skipped = if args.prefilter {
        format!(", {skipped} skipped by the prefilter or as generated")
    } else {
        String::new()
    };
    let _ = writeln!(
        stdout,
        "parsed {files} files, {bytes} bytes, {errors} with syntax errors, {unreadable} unreadable{skipped} in {secs:.3}s ({:.1} MB/s)",
        bytes as f64 / 1e6 / secs.max(1e-9)
    );
    if unreadable > 0 {
        return exit::ERROR;
    }
    exit::CLEAN
}
