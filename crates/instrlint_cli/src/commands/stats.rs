//! `instrlint check --stats`: where the time went, on standard error.

use crate::pipeline::Stats;
use std::fmt::Write;
use std::time::Duration;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The `--stats` report: one line per stage (wall milliseconds), then the
/// prefilter's counts. Parse and facts split the extraction's wall time in
/// proportion to the thread time spent inside tree-sitter.
pub fn report(stats: &Stats) -> String {
    let t = &stats.timings;
    let parse_share = if t.extract_cpu.is_zero() {
        0.0
    } else {
        (t.parse_cpu.as_secs_f64() / t.extract_cpu.as_secs_f64()).min(1.0)
    };
    let parse = t.extract.mul_f64(parse_share);
    let facts = t.extract.saturating_sub(parse);
    let mut out = String::new();
    let _ = writeln!(out, "stats: stage        wall ms");
    let rows: [(&str, Duration); 9] = [
        ("walk", t.walk),
        ("read", t.read),
        ("prefilter", t.prefilter),
        ("parse", parse),
        ("facts", facts),
        ("link", t.link),
        ("rules", t.rules),
        ("filter", t.filter),
        ("output", t.output),
    ];
    for (name, d) in rows {
        let _ = writeln!(out, "stats: {name:<12} {:>8.1}", ms(d));
    }
    let _ = writeln!(
        out,
        "stats: total        {:>8.1}",
        ms(stats.elapsed + t.output)
    );
    let _ = writeln!(
        out,
        "stats: extraction thread time {:.1} ms, of which tree-sitter {:.1} ms ({} trees, {} given up at --parse-timeout), {} extractions given up at --parse-timeout",
        ms(t.extract_cpu),
        ms(t.parse_cpu),
        t.trees,
        t.parses_given_up,
        t.extractions_given_up
    );
    let _ = writeln!(
        out,
        "stats: prefilter: {} files read, {} passed, {} skipped without parsing; {} trees built (siblings included)",
        stats.files_checked,
        stats.files_parsed,
        stats.files_checked.saturating_sub(stats.files_parsed),
        t.trees
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_names_every_stage() {
        let mut stats = Stats {
            files_checked: 10,
            files_parsed: 3,
            ..Stats::default()
        };
        stats.timings.extract = Duration::from_millis(10);
        stats.timings.extract_cpu = Duration::from_millis(20);
        stats.timings.parse_cpu = Duration::from_millis(10);
        let r = report(&stats);
        for stage in [
            "walk",
            "read",
            "prefilter",
            "parse",
            "facts",
            "rules",
            "output",
        ] {
            assert!(r.contains(&format!("stats: {stage} ")), "{stage}: {r}");
        }
        assert!(
            r.lines()
                .any(|l| l.starts_with("stats: parse ") && l.trim_end().ends_with(" 5.0")),
            "{r}"
        );
        assert!(r.contains("7 skipped without parsing"), "{r}");
    }
}
