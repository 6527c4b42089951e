//! Edge coverage on the stable toolchain: built with
//! `-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-inline-8bit-counters`
//! (see `run.sh`), LLVM gives every instrumented module an array of 8-bit
//! counters, bumped inline on every edge, and registers it at start-up by
//! calling [`__sanitizer_cov_8bit_counters_init`]. The fuzzer reads the
//! counters after each input and keeps inputs that reach a new (edge, hit
//! count bucket) pair, as libFuzzer and AFL do.
//!
//! Built without those flags (the ordinary `cargo test` build) nothing
//! registers, [`Coverage::edges`] is 0 and the fuzzer degrades to blind
//! mutation.

#![allow(unsafe_code)]

use std::sync::Mutex;

static REGIONS: Mutex<Vec<(usize, usize)>> = Mutex::new(Vec::new());

/// Called by the sancov module constructors, once per instrumented module,
/// before `main`.
///
/// # Safety
/// `start..stop` must be a live, writable counter array (LLVM's contract).
#[no_mangle]
pub unsafe extern "C" fn __sanitizer_cov_8bit_counters_init(start: *mut u8, stop: *mut u8) {
    if let Ok(mut r) = REGIONS.lock() {
        if (start as usize) < (stop as usize) {
            r.push((start as usize, stop as usize));
        }
    }
}

/// What has been seen so far: one bit per hit-count bucket per edge.
pub struct Coverage {
    regions: Vec<(usize, usize)>,
    seen: Vec<u8>,
}

fn bucket(hits: u8) -> u8 {
    match hits {
        0 => 0,
        1 => 1,
        2 => 2,
        3 => 4,
        4..=7 => 8,
        8..=15 => 16,
        16..=31 => 32,
        32..=127 => 64,
        _ => 128,
    }
}

impl Default for Coverage {
    fn default() -> Self {
        Self::new()
    }
}

impl Coverage {
    pub fn new() -> Self {
        let regions = REGIONS.lock().map(|r| r.clone()).unwrap_or_default();
        let total = regions.iter().map(|(a, b)| b - a).sum();
        let mut c = Coverage {
            regions,
            seen: vec![0; total],
        };
        c.reset();
        c
    }

    /// Instrumented edges (0 without instrumentation).
    pub fn edges(&self) -> usize {
        self.seen.len()
    }

    /// (edge, bucket) pairs seen so far.
    pub fn features(&self) -> usize {
        self.seen.iter().map(|b| b.count_ones() as usize).sum()
    }

    fn counters(&self) -> impl Iterator<Item = &'static mut [u8]> + '_ {
        self.regions.iter().map(|&(start, stop)| {
            // SAFETY: registered by LLVM's module constructor; the arrays live
            // for the whole process. Only the fuzzing thread reads them, after
            // the input has run (the lint runs on one worker it joins).
            unsafe { std::slice::from_raw_parts_mut(start as *mut u8, stop - start) }
        })
    }

    /// Zero the counters (before running an input).
    pub fn reset(&mut self) {
        for c in self.counters() {
            c.fill(0);
        }
    }

    /// Fold the counters of the input just run into what was seen; true if
    /// it reached something new. Zeroes the counters.
    pub fn update(&mut self) -> bool {
        let mut new = false;
        let mut i = 0;
        let regions: Vec<&'static mut [u8]> = self.counters().collect();
        for counters in regions {
            for hits in counters.iter_mut() {
                if *hits != 0 {
                    let b = bucket(*hits);
                    if self.seen[i] & b == 0 {
                        self.seen[i] |= b;
                        new = true;
                    }
                    *hits = 0;
                }
                i += 1;
            }
        }
        new
    }
}
