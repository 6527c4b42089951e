//! `instrlint debug parse PATH...`: discover and read as `check` does, then
//! parse every file with tree-sitter-go and do nothing else. This is the
//! parse-everything floor the benchmark compares `check` with.

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
    // (bytes, parsed cleanly) per file; unreadable files count as problems.
    let results: Vec<Option<(usize, bool)>> = pool.install(|| {
        found
            .files
            .par_iter()
            .map(|c| {
                let bytes = std::fs::read(&c.abs).ok()?;
                let text = String::from_utf8_lossy(&bytes);
                let clean = extract::parse_only(&text).unwrap_or(false);
                Some((bytes.len(), clean))
            })
            .collect()
    });
    let files = results.iter().flatten().count();
    let bytes: usize = results.iter().flatten().map(|r| r.0).sum();
    let errors = results.iter().flatten().filter(|r| !r.1).count();
    let unreadable = results.iter().filter(|r| r.is_none()).count();
    let secs = started.elapsed().as_secs_f64();
    let _ = writeln!(
        stdout,
        "parsed {files} files, {bytes} bytes, {errors} with syntax errors, {unreadable} unreadable in {secs:.3}s ({:.1} MB/s)",
        bytes as f64 / 1e6 / secs.max(1e-9)
    );
    if unreadable > 0 {
        return exit::ERROR;
    }
    exit::CLEAN
}
