//! Lint a directory and compare what instrlint found with the `// want`
//! markers of its Go files.

use crate::want::{self, Marker};
use instrlint_cli::{lint, LintOptions, LintOutcome};
use instrlint_core::LineIndex;
use std::path::{Path, PathBuf};

/// A finding, located for comparison and messages.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Found {
    /// Path relative to the linted root, `/`-separated.
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub code: String,
    pub message: String,
}

impl std::fmt::Display for Found {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: {} {}",
            self.file, self.line, self.code, self.message
        )
    }
}

/// A marker and the file (relative to the linted root) it was found in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expected {
    pub file: String,
    pub marker: Marker,
}

impl std::fmt::Display for Expected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: {}",
            self.file, self.marker.line, self.marker.code
        )?;
        if let Some(t) = &self.marker.text {
            write!(f, " \"{t}\"")?;
        }
        if self.marker.comment_line != self.marker.line {
            write!(f, " (marker on line {})", self.marker.comment_line)?;
        }
        Ok(())
    }
}

/// `a/b/c.go` relative to `root`, with `/` separators.
pub fn relative(path: &Path, root: &Path) -> String {
    let canon = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let (p, r) = (canon(path), canon(root));
    let rel = p.strip_prefix(&r).map(Path::to_path_buf).unwrap_or(p);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// Every finding of `outcome`, with paths relative to `root`.
pub fn findings(outcome: &LintOutcome, root: &Path) -> Vec<Found> {
    let mut found: Vec<Found> = outcome
        .diagnostics
        .iter()
        .map(|d| {
            let file = outcome.file(d.primary.file);
            let pos = LineIndex::new(&file.text).line_col(&file.text, d.primary.start);
            Found {
                file: relative(&file.abs_path, root),
                line: pos.line,
                column: pos.column,
                code: d.code.to_string(),
                message: d.message.clone(),
            }
        })
        .collect();
    found.sort();
    found
}

/// All `.go` files under `dir` (recursively, sorted), test files and
/// `vendor/`/`testdata/` included: markers are read everywhere, so a marker in
/// a file instrlint must skip fails loudly.
pub fn go_files(dir: &Path) -> Vec<PathBuf> {
    files_under(dir, &["go"])
}

/// All `.yml`/`.yaml` files under `dir` (recursively, sorted): Prometheus
/// rule files carry `# want` markers.
pub fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    files_under(dir, &["yml", "yaml"])
}

/// The files under `dir` (recursively, sorted) with one of `extensions`.
fn files_under(dir: &Path, extensions: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p
                .extension()
                .is_some_and(|x| extensions.iter().any(|e| x == *e))
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The markers of every Go file (`// want`) and YAML file (`# want`) under `root`.
pub fn expected(root: &Path) -> Result<Vec<Expected>, String> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let go = go_files(root).into_iter().map(|p| (p, false));
    for (path, yaml) in go.chain(yaml_files(root).into_iter().map(|p| (p, true))) {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let file = relative(&path, root);
        let parsed = if yaml {
            want::parse_yaml(&text)
        } else {
            want::parse(&text)
        };
        match parsed {
            Ok(ms) => out.extend(ms.into_iter().map(|marker| Expected {
                file: file.clone(),
                marker,
            })),
            Err(es) => errors.extend(es.into_iter().map(|e| format!("{file}:{e}"))),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(format!("malformed markers:\n  {}", errors.join("\n  ")))
    }
}

/// Pair markers with findings. Each marker consumes one finding of its code
/// whose primary span starts on its line (and whose message contains its
/// text). Fails listing every unmet marker and every unexpected finding.
pub fn compare(expected: &[Expected], found: &[Found]) -> Result<(), String> {
    let mut used = vec![false; found.len()];
    let mut unmet = Vec::new();
    // Markers with a text first, so a bare marker cannot steal their finding.
    let mut order: Vec<&Expected> = expected.iter().collect();
    order.sort_by_key(|e| e.marker.text.is_none());
    for e in order {
        let hit = found.iter().enumerate().position(|(i, f)| {
            !used[i]
                && f.file == e.file
                && f.line == e.marker.line
                && f.code == e.marker.code
                && e.marker.text.as_ref().is_none_or(|t| f.message.contains(t))
        });
        match hit {
            Some(i) => used[i] = true,
            None => {
                let near: Vec<String> = found
                    .iter()
                    .filter(|f| f.file == e.file && f.line == e.marker.line)
                    .map(|f| format!("{} {}", f.code, f.message))
                    .collect();
                let mut s = format!("{e}");
                if !near.is_empty() {
                    s.push_str(&format!(" (found on that line: {})", near.join("; ")));
                }
                unmet.push(s);
            }
        }
    }
    let unexpected: Vec<String> = found
        .iter()
        .zip(&used)
        .filter(|(_, u)| !**u)
        .map(|(f, _)| f.to_string())
        .collect();
    if unmet.is_empty() && unexpected.is_empty() {
        return Ok(());
    }
    let mut msg = String::new();
    if !unexpected.is_empty() {
        msg.push_str(&format!(
            "{} finding(s) without a `// want` marker:\n  {}\n",
            unexpected.len(),
            unexpected.join("\n  ")
        ));
    }
    if !unmet.is_empty() {
        msg.push_str(&format!(
            "{} `// want` marker(s) without a finding:\n  {}\n",
            unmet.len(),
            unmet.join("\n  ")
        ));
    }
    Err(msg)
}

/// The lint options of a case directory: its own path, plus the flags of its
/// optional `args` file (one flag per line; `#` starts a comment).
pub fn case_options(dir: &Path) -> Result<LintOptions, String> {
    let mut opts = LintOptions {
        paths: vec![dir.to_path_buf()],
        ..Default::default()
    };
    let args_path = dir.join("args");
    let Ok(text) = std::fs::read_to_string(&args_path) else {
        return Ok(opts);
    };
    for (i, raw) in text.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let (flag, value) = match line.split_once(['=', ' ']) {
            Some((f, v)) => (f, Some(v.trim().to_string())),
            None => (line, None),
        };
        let bad = || format!("{}:{}: cannot use `{line}`", args_path.display(), i + 1);
        match (flag, value) {
            ("--report-unused-ignores", None) => opts.report_unused_ignores = true,
            ("--include-tests", None) => opts.include_tests = true,
            ("--select", Some(v)) => opts.select.extend(split_codes(&v)),
            ("--extend-select", Some(v)) => opts.extend_select.extend(split_codes(&v)),
            ("--ignore", Some(v)) => opts.ignore.extend(split_codes(&v)),
            ("--max-file-size", Some(v)) => opts.max_file_size = v.parse().map_err(|_| bad())?,
            _ => return Err(bad()),
        }
    }
    Ok(opts)
}

fn split_codes(v: &str) -> impl Iterator<Item = String> + '_ {
    v.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
}

/// Lint `dir` as a fixture case and compare with its markers.
pub fn run_case(dir: &Path) -> Result<Vec<Found>, String> {
    if go_files(dir).is_empty() && yaml_files(dir).is_empty() {
        return Err(format!("{} holds no .go or .yml file", dir.display()));
    }
    let opts = case_options(dir)?;
    let expected = expected(dir)?;
    let outcome = lint(&opts).map_err(|e| format!("lint failed: {e}"))?;
    if !outcome.problems.is_empty() {
        let p: Vec<String> = outcome
            .problems
            .iter()
            .map(|p| format!("{}: {}", p.path, p.message))
            .collect();
        return Err(format!("I/O problems:\n  {}", p.join("\n  ")));
    }
    let found = findings(&outcome, dir);
    compare(&expected, &found)?;
    Ok(found)
}

/// One fixture case.
#[derive(Clone, Debug)]
pub struct Case {
    /// `group/CODE/case` or `group/case`, `/`-separated.
    pub name: String,
    pub dir: PathBuf,
    /// The rule the case belongs to, for `group/CODE/case`.
    pub code: Option<String>,
}

/// Every case under `fixtures`: `<group>/<CODE>/<case>/` when the group's
/// subdirectories are named by code, `<group>/<case>/` otherwise
/// (`suppress/`, `discover/`, …).
pub fn cases(fixtures: &Path) -> Vec<Case> {
    let mut out = Vec::new();
    for group in subdirs(fixtures) {
        let gname = file_name(&group);
        for sub in subdirs(&group) {
            let sname = file_name(&sub);
            if want::is_code(&sname) {
                for case in subdirs(&sub) {
                    out.push(Case {
                        name: format!("{gname}/{sname}/{}", file_name(&case)),
                        dir: case,
                        code: Some(sname.clone()),
                    });
                }
            } else {
                out.push(Case {
                    name: format!("{gname}/{sname}"),
                    dir: sub,
                    code: None,
                });
            }
        }
    }
    out
}

fn subdirs(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(line: u32, code: &str, message: &str) -> Found {
        Found {
            file: "a.go".into(),
            line,
            column: 1,
            code: code.into(),
            message: message.into(),
        }
    }

    fn exp(line: u32, code: &str, text: Option<&str>) -> Expected {
        Expected {
            file: "a.go".into(),
            marker: Marker {
                line,
                code: code.into(),
                text: text.map(Into::into),
                comment_line: line,
            },
        }
    }

    #[test]
    fn exact_match_passes() {
        let f = [found(3, "M105", "counter `x` does not end in `_total`")];
        assert!(compare(&[exp(3, "M105", Some("does not end"))], &f).is_ok());
    }

    #[test]
    fn every_mismatch_is_listed() {
        let f = [found(3, "M105", "counter"), found(9, "M111", "no help")];
        let err = compare(&[exp(3, "M105", Some("gauge")), exp(5, "M104", None)], &f).unwrap_err();
        assert!(err.contains("a.go:3: M105 counter"), "{err}");
        assert!(err.contains("a.go:9: M111 no help"), "{err}");
        assert!(err.contains("a.go:3: M105 \"gauge\""), "{err}");
        assert!(err.contains("a.go:5: M104"), "{err}");
    }

    #[test]
    fn one_marker_consumes_one_finding() {
        let f = [found(3, "M113", "a"), found(3, "M113", "b")];
        assert!(compare(&[exp(3, "M113", None)], &f).is_err());
        assert!(compare(&[exp(3, "M113", None), exp(3, "M113", None)], &f).is_ok());
    }

    #[test]
    fn args_file_flags() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("args"),
            "# flags\n--report-unused-ignores\n--include-tests\n--select M105,M111\n",
        )
        .unwrap();
        let o = case_options(dir.path()).unwrap();
        assert!(o.report_unused_ignores && o.include_tests);
        assert_eq!(o.select, vec!["M105", "M111"]);
        std::fs::write(dir.path().join("args"), "--frobnicate\n").unwrap();
        assert!(case_options(dir.path()).is_err());
    }
}
