//! The command line, as clap derive types.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const EXIT_STATUS: &str = "Exit status: 0 clean; 1 findings at or above --fail-on; \
2 usage, configuration or I/O error.\nRules and docs: https://github.com/instrlint/instrlint";

/// The most worker threads `-j` accepts: each worker may hold a parse thread
/// too, and thousands of threads stall the run far more than they help it.
pub const MAX_JOBS: i64 = 256;

/// A linter for Go instrumentation: Prometheus metrics, OpenTelemetry spans and
/// metrics, and request contexts.
#[derive(Debug, Parser)]
#[command(name = "instrlint", version, after_help = EXIT_STATUS)]
#[command(propagate_version = true, arg_required_else_help = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint Go files and directories (default: the current directory).
    #[command(after_help = EXIT_STATUS)]
    Check(Box<CheckArgs>),
    /// List the rules of the catalog.
    Rules(RulesArgs),
    /// Print the documentation of a rule, by code (`M105`) or name.
    Explain(ExplainArgs),
    /// Run the language server for editors (LSP over standard input and output).
    #[command(after_help = SERVER_EXIT_STATUS)]
    Server(ServerArgs),
    /// Developer tools for writing and reviewing rules.
    #[command(hide = true, subcommand)]
    Debug(DebugCommand),
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files and directories to lint.
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Write the report to FILE (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Also write the findings in FORMAT to FILE, from this same run (the
    /// findings --format reports). Repeatable: `--report sarif=out.sarif`.
    #[arg(long, value_name = "FORMAT=FILE", value_parser = parse_report)]
    pub report: Vec<Report>,

    /// Also write every finding, before --diff-base selects those a change
    /// introduced, in FORMAT to FILE (code scanning wants the branch's whole
    /// state). Repeatable; --baseline still applies.
    #[arg(long, value_name = "FORMAT=FILE", value_parser = parse_report)]
    pub full_report: Vec<Report>,

    /// Configuration file (default: `instrlint.toml` searched upwards from the first PATH).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Only run these rules: codes (`M105`) or group letters (`M`); comma-separated, repeatable.
    #[arg(long, value_name = "CODES", value_delimiter = ',')]
    pub select: Vec<String>,

    /// Also run these rules, on top of the selection (`--extend-select C605`
    /// turns on a rule that is off by default); comma-separated, repeatable.
    #[arg(long, value_name = "CODES", value_delimiter = ',')]
    pub extend_select: Vec<String>,

    /// Do not run these rules: codes or group letters; comma-separated, repeatable.
    #[arg(long, value_name = "CODES", value_delimiter = ',')]
    pub ignore: Vec<String>,

    /// Exit with 1 when a finding at or above this level is reported (parse
    /// errors, I002, count only with --fail-on-parse-errors).
    #[arg(long, value_enum, default_value_t = FailOn::Warning, value_name = "LEVEL")]
    pub fail_on: FailOn,

    /// Also exit with 1 when a file does not parse as Go (I002), whatever --fail-on says.
    #[arg(long)]
    pub fail_on_parse_errors: bool,

    /// Number of worker threads (default: one per core; at most 256).
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=MAX_JOBS))]
    pub jobs: Option<u32>,

    /// Lint `_test.go` files too.
    #[arg(long)]
    pub include_tests: bool,

    /// Skip files named on the command line where walking a directory would
    /// skip them: `exclude` globs, `vendor/`, `testdata/`, hidden
    /// directories, generated files, tests (without --include-tests) and
    /// files over --max-file-size. For hooks and editors, which name files.
    #[arg(long)]
    pub force_exclude: bool,

    /// Skip files larger than this many bytes (files named explicitly are always linted).
    #[arg(long, value_name = "BYTES", default_value_t = 1 << 20)]
    pub max_file_size: u64,

    /// Give up on a file tree-sitter has not parsed after this many seconds
    /// (reported as I002; the file is not linted).
    #[arg(long, value_name = "SECONDS", default_value_t = instrlint_core::extract::DEFAULT_PARSE_TIME_LIMIT.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..))]
    pub parse_timeout: u64,

    /// Report suppression comments that silence nothing (I001).
    #[arg(long)]
    pub report_unused_ignores: bool,

    /// Colour in the text format.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Report only findings whose location or a related location is on a line
    /// added or changed since the merge base of REV and HEAD (working tree
    /// included; new files entirely). Needs git.
    #[arg(long, value_name = "REV")]
    pub diff_base: Option<String>,

    /// Do not report the findings this baseline file accepts.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Write every current finding to FILE as a baseline, and report none of them.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    /// Read the file's text from standard input and lint it as PATH (its
    /// package siblings are read from disk). Takes no other paths.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,

    /// Print where the time went (walk, read, prefilter, parse, facts, rules,
    /// output) and how many files the prefilter skipped, on standard error.
    #[arg(long)]
    pub stats: bool,
}

const SERVER_EXIT_STATUS: &str = "Exit status: 0 after the client's `shutdown` and `exit`; \
1 for an `exit` without `shutdown`, or input that ends or breaks the protocol.";

#[derive(Debug, Args)]
pub struct ServerArgs {
    /// Report suppression comments that silence nothing (I001, tagged unnecessary).
    #[arg(long)]
    pub report_unused_ignores: bool,

    /// Give up on a file tree-sitter has not parsed after this many seconds
    /// (reported as I002; the file is not linted).
    #[arg(long, value_name = "SECONDS", default_value_t = instrlint_core::extract::DEFAULT_PARSE_TIME_LIMIT.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..))]
    pub parse_timeout: u64,

    /// Number of worker threads of one run (default: one per core).
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub jobs: Option<u32>,
}

/// One more report of a run: `FORMAT=FILE`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub format: Format,
    pub path: PathBuf,
}

fn parse_report(value: &str) -> Result<Report, String> {
    let (name, path) = value
        .split_once('=')
        .ok_or_else(|| format!("expected FORMAT=FILE (`sarif=out.sarif`), not `{value}`"))?;
    let format = Format::from_str(name.trim(), true).map_err(|_| {
        let names: Vec<String> = Format::value_variants()
            .iter()
            .filter_map(|f| f.to_possible_value().map(|v| v.get_name().to_string()))
            .collect();
        format!("unknown format `{name}`: one of {}", names.join(", "))
    })?;
    if path.is_empty() {
        return Err(format!("no FILE after `{name}=`"));
    }
    Ok(Report {
        format,
        path: PathBuf::from(path),
    })
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule code (`M105`) or name (`counter-missing-total`).
    #[arg(value_name = "CODE|NAME")]
    pub rule: String,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

#[derive(Debug, Subcommand)]
pub enum DebugCommand {
    /// Print the facts extracted from every package as JSON.
    Facts(FactsArgs),
    /// Parse every discovered file with tree-sitter and nothing else (the
    /// benchmark floor); prints files, bytes, trees with errors and the time.
    Parse(ParseArgs),
}

#[derive(Debug, Args)]
pub struct ParseArgs {
    /// Files and directories.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,

    /// Include `_test.go` files.
    #[arg(long)]
    pub include_tests: bool,

    /// Number of worker threads (default: one per core; at most 256).
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=MAX_JOBS))]
    pub jobs: Option<u32>,

    /// Parse only the files `check` would consider: generated files skipped
    /// and the prefilter applied (the prefilter floor: no rules, no gate,
    /// no package siblings).
    #[arg(long)]
    pub prefilter: bool,
}

#[derive(Debug, Args)]
pub struct FactsArgs {
    /// Files and directories.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,

    /// Include `_test.go` files.
    #[arg(long)]
    pub include_tests: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human-readable reports with source snippets.
    Text,
    /// A stable JSON document (schema version 1).
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// A Markdown summary table by rule and file (for `$GITHUB_STEP_SUMMARY`).
    Markdown,
    /// One line per finding, `path:line:col: CODE message`, for editors'
    /// error formats and reviewdog.
    Concise,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Note,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}
