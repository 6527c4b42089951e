//! `instrlint check`: lint, render, write, summarise, choose the exit code.

use crate::args::{CheckArgs, ColorChoice, FailOn, Format, Report};
use crate::exit;
use crate::gate::{baseline::Baseline, diff, DiffLines};
use crate::output::{self, text::TextOptions, Counts};
use crate::pipeline::{lint, Buffer, LintError, LintOptions, LintOutcome, PARSE_ERROR};
use instrlint_core::Level;
use std::io::{Read, Write};

pub fn run(
    args: &CheckArgs,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
    stdout_is_terminal: bool,
) -> i32 {
    let opts = match options(args) {
        Ok(o) => o,
        Err(message) => {
            let _ = writeln!(stderr, "error: {message}");
            return exit::ERROR;
        }
    };
    let mut outcome = match lint(&opts) {
        Ok(o) => o,
        Err(e) => {
            let _ = stderr.write_all(lint_error(&e).as_bytes());
            return exit::ERROR;
        }
    };
    if let Some(path) = &args.write_baseline {
        let base = output::repository_base();
        let written = Baseline::of(&outcome.diagnostics, &outcome.files, &base);
        if let Err(e) = crate::atomic::write(path, written.to_json().as_bytes()) {
            let _ = writeln!(stderr, "error: cannot write {}: {e}", path.display());
            return exit::ERROR;
        }
        let _ = writeln!(
            stderr,
            "wrote {} baseline entries to {}",
            written.findings.len(),
            path.display()
        );
        let all = std::mem::take(&mut outcome.diagnostics);
        outcome.diagnostics = written.apply(all, &outcome.files, &base).0;
    }
    if args.report_unused_ignores {
        for e in &outcome.baseline_unused {
            let _ = writeln!(
                stderr,
                "warning: baseline entry matches no finding: {} {}: `{}` (occurrence {}); \
                 rewrite the baseline with --write-baseline",
                e.code, e.path, e.line, e.occurrence
            );
        }
    }
    let terminal = stdout_is_terminal && args.output.is_none();
    let output_clock = std::time::Instant::now();
    let rendered = render_bytes(&outcome, args.format, text_options(args.color, terminal));
    // Reports to files first: the full ones while the outcome holds every
    // finding, then the others.
    let mut report_error = write_reports(&mut outcome, &args.full_report, true);
    if report_error.is_none() {
        report_error = write_reports(&mut outcome, &args.report, false);
    }

    let written = match &args.output {
        Some(path) => crate::atomic::write(path, &rendered)
            .map_err(|e| format!("cannot write {}: {e}", path.display())),
        None => crate::write_stdout(stdout, &rendered)
            .map_err(|e| format!("cannot write the report: {e}")),
    };
    for p in &outcome.problems {
        let _ = writeln!(stderr, "error: {}: {}", p.path, p.message);
    }
    for w in &outcome.warnings {
        let _ = writeln!(stderr, "warning: {}: {}", w.path, w.message);
    }
    outcome.stats.timings.output = output_clock.elapsed();
    let counts = Counts::of(&outcome.diagnostics);
    let _ = writeln!(stderr, "{}", output::summary::line(&outcome.stats, counts));
    if args.stats {
        let _ = stderr.write_all(crate::commands::stats::report(&outcome.stats).as_bytes());
    }

    if let Err(message) = written {
        let _ = writeln!(stderr, "error: {message}");
        return exit::ERROR;
    }
    if let Some(message) = report_error {
        let _ = writeln!(stderr, "error: {message}");
        return exit::ERROR;
    }
    if !outcome.problems.is_empty() {
        return exit::ERROR;
    }
    exit_code(&outcome, args.fail_on, args.fail_on_parse_errors)
}

/// The lint options of `args`: reads the baseline, standard input
/// (`--stdin-filename`) and the git diff (`--diff-base`).
fn options(args: &CheckArgs) -> Result<LintOptions, String> {
    let selectors = |v: &[String]| -> Vec<String> {
        v.iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    };
    let buffers = match &args.stdin_filename {
        Some(path) => {
            let others = args
                .paths
                .iter()
                .any(|p| p != std::path::Path::new(".") && p != std::path::Path::new("-"));
            if others {
                return Err("--stdin-filename lints one file: give no other PATH".to_string());
            }
            // Bytes, as a file is read: text that is not UTF-8 is linted too.
            let mut bytes = Vec::new();
            std::io::stdin()
                .read_to_end(&mut bytes)
                .map_err(|e| format!("cannot read standard input: {e}"))?;
            vec![Buffer::from_bytes(path.clone(), bytes)]
        }
        None => Vec::new(),
    };
    let baseline = match (&args.baseline, &args.write_baseline) {
        // Writing a baseline starts from every current finding.
        (_, Some(_)) | (None, None) => None,
        (Some(path), None) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read baseline {}: {e}", path.display()))?;
            Some(
                Baseline::parse(&text)
                    .map_err(|e| format!("invalid baseline {}: {e}", path.display()))?,
            )
        }
    };
    // git reads the changed lines while the tree is walked and read.
    let report_lines = match &args.diff_base {
        Some(rev) => {
            let cwd = std::env::current_dir()
                .map_err(|e| format!("cannot read the current directory: {e}"))?;
            let rev = rev.clone();
            Some(DiffLines::spawn(move || diff::changed_lines(&rev, &cwd)))
        }
        None => None,
    };
    Ok(LintOptions {
        paths: args.paths.clone(),
        config_path: args.config.clone(),
        select: selectors(&args.select),
        extend_select: selectors(&args.extend_select),
        ignore: selectors(&args.ignore),
        include_tests: args.include_tests,
        jobs: args.jobs.map(|n| n as usize),
        max_file_size: args.max_file_size,
        parse_time_limit: std::time::Duration::from_secs(args.parse_timeout),
        report_unused_ignores: args.report_unused_ignores,
        buffers,
        parse_every_file: args.fail_on_parse_errors,
        report_lines,
        baseline,
        cancel: None,
        keep_ungated: !args.full_report.is_empty(),
        force_exclude: args.force_exclude,
    })
}

/// Write `reports` (`--report`, or with `full` `--full-report`: every
/// finding before `--diff-base`); the first error, if any.
fn write_reports(outcome: &mut LintOutcome, reports: &[Report], full: bool) -> Option<String> {
    if reports.is_empty() {
        return None;
    }
    let swapped = full && outcome.ungated.is_some();
    if swapped {
        swap_ungated(outcome);
    }
    let mut error = None;
    for r in reports {
        let plain = TextOptions {
            color: false,
            terminal: false,
            hyperlinks: false,
        };
        let text = render_bytes(outcome, r.format, plain);
        if let Err(e) = crate::atomic::write(&r.path, &text) {
            error = Some(format!("cannot write {}: {e}", r.path.display()));
            break;
        }
    }
    if swapped {
        swap_ungated(outcome);
    }
    error
}

/// The report in `format`; the text format names files by their own bytes.
fn render_bytes(outcome: &LintOutcome, format: Format, options: TextOptions) -> Vec<u8> {
    let rendered = render(outcome, format, options);
    match format {
        Format::Text => output::with_raw_names(rendered, &outcome.files),
        _ => rendered.into_bytes(),
    }
}

fn swap_ungated(outcome: &mut LintOutcome) {
    if let Some(ungated) = outcome.ungated.as_mut() {
        std::mem::swap(&mut outcome.diagnostics, ungated);
    }
}

fn text_options(color: ColorChoice, terminal: bool) -> TextOptions {
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    text_options_in(
        color,
        terminal,
        &var,
        supports_hyperlinks::supports_hyperlinks(),
    )
}

/// `--color auto`: `NO_COLOR` (not empty) turns colour off; otherwise
/// `FORCE_COLOR` or `CLICOLOR_FORCE` (not empty, not `0`) turn it on, even
/// when not writing to a terminal; otherwise `CLICOLOR=0` or `TERM=dumb`
/// turn it off; otherwise colour follows the terminal. Rule links are
/// OSC 8 hyperlinks only on a terminal known to support them
/// (`supports-hyperlinks`: `FORCE_HYPERLINK`, `TERM_PROGRAM`, …); elsewhere
/// the URL is printed.
fn text_options_in(
    color: ColorChoice,
    terminal: bool,
    var: &dyn Fn(&str) -> Option<String>,
    terminal_supports_links: bool,
) -> TextOptions {
    let on = |k: &str| var(k).is_some_and(|v| v != "0" && !v.eq_ignore_ascii_case("false"));
    let color = match color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            if var("NO_COLOR").is_some() {
                false
            } else if on("FORCE_COLOR") || on("CLICOLOR_FORCE") {
                true
            } else {
                terminal
                    && var("CLICOLOR").as_deref() != Some("0")
                    && var("TERM").as_deref() != Some("dumb")
            }
        }
    };
    let hyperlinks = (terminal || var("FORCE_HYPERLINK").is_some()) && terminal_supports_links;
    TextOptions {
        color,
        terminal,
        hyperlinks,
    }
}

pub fn render(outcome: &LintOutcome, format: Format, text: TextOptions) -> String {
    match format {
        Format::Text => output::text::render(outcome, text),
        Format::Concise => output::concise::render(outcome),
        Format::Json => output::json::render(outcome),
        Format::Sarif => output::sarif::render(outcome, &output::repository_base()),
        Format::Github => output::github::render(outcome, &output::repository_base()),
        Format::Markdown => output::markdown::render(
            outcome,
            &output::repository_base(),
            github_blob_base().as_deref(),
        ),
    }
}

/// `$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/blob/$GITHUB_SHA` inside GitHub Actions.
fn github_blob_base() -> Option<String> {
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    Some(format!(
        "{}/{}/blob/{}",
        var("GITHUB_SERVER_URL")?,
        var("GITHUB_REPOSITORY")?,
        var("GITHUB_SHA")?
    ))
}

fn lint_error(e: &LintError) -> String {
    match e {
        LintError::Config(c) => output::config_error::render(c),
        LintError::UnknownSelector(selectors) => {
            let mut out = String::new();
            for s in selectors {
                out.push_str(&format!("error: {s}\n"));
            }
            out.push_str(
                "help: select rules by code (`M105`) or group letter (`M`); \
                 `instrlint rules` lists the codes\n",
            );
            out
        }
        LintError::ThreadPool(_) | LintError::Cancelled | LintError::DiffBase(_) => {
            format!("error: {e}\n")
        }
    }
}

/// Parse errors (I002) fail a run only with `--fail-on-parse-errors`
/// (`parse_errors`), and then whatever the `--fail-on` level.
pub fn exit_code(outcome: &LintOutcome, fail_on: FailOn, parse_errors: bool) -> i32 {
    let is_parse_error = |d: &instrlint_core::Diagnostic| d.code == PARSE_ERROR.0;
    if parse_errors && outcome.diagnostics.iter().any(is_parse_error) {
        return exit::FINDINGS;
    }
    let threshold = match fail_on {
        FailOn::Error => Level::Error,
        FailOn::Warning => Level::Warning,
        FailOn::Note => Level::Note,
        FailOn::Never => return exit::CLEAN,
    };
    let failing = outcome
        .diagnostics
        .iter()
        .any(|d| !is_parse_error(d) && d.level >= threshold);
    if failing {
        exit::FINDINGS
    } else {
        exit::CLEAN
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::testutil::outcome;

    #[test]
    fn fail_on_thresholds_ignore_parse_errors() {
        let mut o = outcome();
        assert_eq!(exit_code(&o, FailOn::Error, false), exit::FINDINGS);
        assert_eq!(exit_code(&o, FailOn::Never, false), exit::CLEAN);
        o.diagnostics.retain(|d| d.code == "I002");
        assert!(!o.diagnostics.is_empty());
        assert_eq!(exit_code(&o, FailOn::Note, false), exit::CLEAN);
        // --fail-on-parse-errors: any I002 fails, even with --fail-on never.
        assert_eq!(exit_code(&o, FailOn::Never, true), exit::FINDINGS);
        assert_eq!(exit_code(&o, FailOn::Error, true), exit::FINDINGS);
        o.diagnostics.clear();
        assert_eq!(exit_code(&o, FailOn::Warning, false), exit::CLEAN);
    }

    fn options(
        color: ColorChoice,
        terminal: bool,
        env: &[(&str, &str)],
        links: bool,
    ) -> TextOptions {
        let var = |k: &str| {
            env.iter()
                .find(|(name, _)| *name == k)
                .map(|(_, v)| v.to_string())
                .filter(|v| !v.is_empty())
        };
        text_options_in(color, terminal, &var, links)
    }

    #[test]
    fn colour_follows_the_flag_then_the_environment_then_the_terminal() {
        use ColorChoice::*;
        assert!(options(Auto, true, &[], false).color);
        assert!(!options(Auto, false, &[], false).color);
        assert!(options(Auto, false, &[("FORCE_COLOR", "1")], false).color);
        assert!(options(Auto, false, &[("CLICOLOR_FORCE", "1")], false).color);
        assert!(!options(Auto, false, &[("FORCE_COLOR", "0")], false).color);
        assert!(!options(Auto, false, &[("FORCE_COLOR", "")], false).color);
        assert!(!options(Auto, true, &[("NO_COLOR", "1")], false).color);
        assert!(
            !options(
                Auto,
                true,
                &[("NO_COLOR", "1"), ("FORCE_COLOR", "1")],
                false
            )
            .color
        );
        assert!(options(Auto, true, &[("NO_COLOR", "")], false).color);
        assert!(!options(Auto, true, &[("CLICOLOR", "0")], false).color);
        assert!(!options(Auto, true, &[("TERM", "dumb")], false).color);
        assert!(options(Always, false, &[("NO_COLOR", "1")], false).color);
        assert!(!options(Never, true, &[("FORCE_COLOR", "1")], false).color);
    }

    #[test]
    fn hyperlinks_only_on_terminals_that_support_them() {
        use ColorChoice::*;
        assert!(options(Auto, true, &[], true).hyperlinks);
        assert!(!options(Auto, true, &[], false).hyperlinks);
        assert!(!options(Auto, false, &[], true).hyperlinks);
        assert!(options(Auto, false, &[("FORCE_HYPERLINK", "1")], true).hyperlinks);
    }

    #[test]
    fn warnings_pass_fail_on_error() {
        let mut o = outcome();
        o.diagnostics.retain(|d| d.level == Level::Warning);
        assert_eq!(exit_code(&o, FailOn::Error, false), exit::CLEAN);
        assert_eq!(exit_code(&o, FailOn::Warning, false), exit::FINDINGS);
    }
}
