//! Rule docs (`rules/*.md`): their executable ```` ```go bad ```` /
//! ```` ```go good ```` blocks, the prelude, and the required sections.

use crate::fixture::{self, Expected, Found};
use crate::want;
use std::path::{Path, PathBuf};

/// The prelude for a block without a `package` line, used only when
/// `rules/README.md` documents none (see [`prelude`]).
pub const DEFAULT_PRELUDE: &str = "package example

import (
\t\"context\"
\t\"errors\"
\t\"fmt\"
\t\"net/http\"
\t\"strconv\"
\t\"strings\"
\t\"time\"

\t\"github.com/prometheus/client_golang/prometheus\"
\t\"github.com/prometheus/client_golang/prometheus/promauto\"
)

";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Bad,
    Good,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Bad => "bad",
            Kind::Good => "good",
        }
    }
}

/// One executable block of a doc.
#[derive(Clone, Debug)]
pub struct Block {
    pub kind: Kind,
    /// 1-based among the doc's blocks of this kind.
    pub index: usize,
    /// 1-based line, in the Markdown file, of the block's first code line.
    pub md_line: u32,
    pub source: String,
}

/// The fenced blocks with info string `go bad` / `go good` (other `go`
/// blocks are prose). Unterminated fences end at the end of the file.
pub fn blocks(md: &str) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    let mut open: Option<(Option<Kind>, u32, String, String)> = None; // kind, line, fence, body
    for (i, line) in md.lines().enumerate() {
        let t = line.trim_start();
        match &mut open {
            None => {
                let fence_len = t.chars().take_while(|c| *c == '`' || *c == '~').count();
                if fence_len >= 3 {
                    let fence = t[..fence_len].to_string();
                    let info: Vec<&str> = t[fence_len..].split_whitespace().collect();
                    let kind = match info.as_slice() {
                        ["go", "bad", ..] => Some(Kind::Bad),
                        ["go", "good", ..] => Some(Kind::Good),
                        _ => None,
                    };
                    open = Some((kind, i as u32 + 2, fence, String::new()));
                }
            }
            Some((kind, start, fence, body)) => {
                if t.trim_end() == fence.as_str() {
                    if let Some(k) = *kind {
                        let index = out.iter().filter(|b| b.kind == k).count() + 1;
                        out.push(Block {
                            kind: k,
                            index,
                            md_line: *start,
                            source: std::mem::take(body),
                        });
                    }
                    open = None;
                } else {
                    body.push_str(line);
                    body.push('\n');
                }
            }
        }
    }
    out
}

/// The doc's code: from its first line `# CODE name`, else from the file
/// name `CODE-name.md`.
pub fn doc_code(path: &Path, text: &str) -> Option<String> {
    let from_title = text
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("# "))
        .and_then(|l| l.split_whitespace().next())
        .filter(|c| want::is_code(c));
    let from_name = path
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.split('-').next())
        .filter(|c| want::is_code(c));
    from_title.or(from_name).map(String::from)
}

/// The prelude documented in `rules/README.md`: the first ```` ```go ````
/// block after a heading that mentions "prelude" (or a block fenced
/// ```` ```go prelude ```` anywhere). Without one, [`DEFAULT_PRELUDE`].
pub fn prelude(rules_dir: &Path) -> String {
    std::fs::read_to_string(rules_dir.join("README.md"))
        .ok()
        .and_then(|readme| documented_prelude(&readme))
        .unwrap_or_else(|| DEFAULT_PRELUDE.to_string())
}

/// The prelude block of a `rules/README.md` text, ending in a blank line.
pub fn documented_prelude(readme: &str) -> Option<String> {
    let mut in_section = false;
    let mut inside = false;
    let mut body = String::new();
    for line in readme.lines() {
        let t = line.trim();
        if inside {
            if t == "```" {
                if !body.ends_with("\n\n") {
                    body.push('\n');
                }
                return Some(body);
            }
            body.push_str(line);
            body.push('\n');
        } else if t.starts_with('#') {
            in_section = t.to_ascii_lowercase().contains("prelude");
        } else if t == "```go prelude" || (in_section && t == "```go") {
            inside = true;
        }
    }
    None
}

/// The Go file a block becomes, and how many prelude lines precede it.
pub fn materialize(block: &Block, prelude: &str) -> (String, u32) {
    let has_package = block
        .source
        .lines()
        .any(|l| l.trim_start().starts_with("package "));
    if has_package {
        (block.source.clone(), 0)
    } else {
        let shift = prelude.lines().count() as u32;
        (format!("{prelude}{}", block.source), shift)
    }
}

/// Every `rules/*.md` except `README.md`, sorted.
pub fn doc_files(rules_dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(rules_dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "md"))
                .filter(|p| p.file_name().is_some_and(|n| n != "README.md"))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Lint one block and check it: a `bad` block must produce exactly its
/// markers and at least one of `code`; a `good` block has no markers and no
/// finding of `code`. Line numbers in failures are the Markdown file's.
pub fn run_block(
    md_path: &Path,
    code: &str,
    block: &Block,
    prelude: &str,
) -> Result<Vec<Found>, String> {
    let (text, shift) = materialize(block, prelude);
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    std::fs::write(dir.path().join("example.go"), &text).map_err(|e| e.to_string())?;
    // An empty configuration: the default settings, and no `instrlint.toml`
    // from above the temporary directory.
    std::fs::write(dir.path().join("instrlint.toml"), "").map_err(|e| e.to_string())?;
    let markers = fixture::expected(dir.path())?;
    // The doc's own rule runs even when it is off by default (C605).
    let outcome = instrlint_cli::lint(&instrlint_cli::LintOptions {
        paths: vec![dir.path().to_path_buf()],
        extend_select: vec![code.to_string()],
        ..Default::default()
    })
    .map_err(|e| format!("lint failed: {e}"))?;
    let found = fixture::findings(&outcome, dir.path());

    // Report in Markdown coordinates: `rules/M105-….md:23`.
    let md_name = md_path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let to_md = |line: u32| -> u32 {
        if line > shift {
            block.md_line + (line - shift - 1)
        } else {
            0 // inside the prelude
        }
    };
    let md_found: Vec<Found> = found
        .iter()
        .map(|f| Found {
            file: md_name.clone(),
            line: to_md(f.line),
            ..f.clone()
        })
        .collect();
    let md_markers: Vec<Expected> = markers
        .iter()
        .map(|e| {
            let mut m = e.marker.clone();
            m.line = to_md(m.line);
            m.comment_line = to_md(m.comment_line);
            Expected {
                file: md_name.clone(),
                marker: m,
            }
        })
        .collect();

    match block.kind {
        Kind::Bad => {
            let compared = fixture::compare(&md_markers, &md_found);
            if !md_markers.iter().any(|e| e.marker.code == code) {
                return Err(format!(
                    "{md_name}:{}: a `go bad` block must carry at least one `// want {code}`\n{}",
                    block.md_line,
                    compared.err().unwrap_or_default()
                ));
            }
            compared?;
        }
        Kind::Good => {
            if !md_markers.is_empty() {
                return Err(format!(
                    "{md_name}:{}: a `go good` block carries `// want` markers",
                    block.md_line
                ));
            }
            let own: Vec<String> = md_found
                .iter()
                .filter(|f| f.code == code)
                .map(|f| f.to_string())
                .collect();
            if !own.is_empty() {
                return Err(format!(
                    "a `go good` block produced {code}:\n  {}",
                    own.join("\n  ")
                ));
            }
        }
    }
    Ok(found)
}

/// What is missing from a rule doc: the title `# CODE name`, the sections
/// `## What it does`, `## Why is this bad?`, `## Example` (with a `go bad`
/// block) and `## Use instead` (with a `go good` block), in that order.
pub fn doc_problems(code: &str, name: &str, doc: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let title = format!("# {code} {name}");
    if doc.lines().next().map(str::trim_end) != Some(title.as_str()) {
        problems.push(format!("first line must be `{title}`"));
    }
    let sections: Vec<(usize, &str)> = doc
        .lines()
        .enumerate()
        .filter_map(|(i, l)| l.strip_prefix("## ").map(|s| (i, s.trim())))
        .collect();
    let required = ["What it does", "Why is this bad?", "Example", "Use instead"];
    let mut last = None;
    for r in required {
        match sections.iter().position(|(_, s)| *s == r) {
            None => problems.push(format!("missing section `## {r}`")),
            Some(p) => {
                if last.is_some_and(|l| p < l) {
                    problems.push(format!("section `## {r}` is out of order"));
                }
                last = Some(p);
            }
        }
    }
    // The block kind each section must hold.
    let lines: Vec<&str> = doc.lines().collect();
    for (section, kind) in [("Example", "go bad"), ("Use instead", "go good")] {
        let Some(i) = sections.iter().position(|(_, s)| *s == section) else {
            continue;
        };
        let from = sections[i].0;
        let to = sections.get(i + 1).map(|s| s.0).unwrap_or(lines.len());
        let has = lines[from..to].iter().any(|l| {
            let t = l.trim_start().trim_start_matches('`');
            t.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .starts_with(kind)
                && l.trim_start().starts_with("```")
        });
        if !has {
            problems.push(format!(
                "section `## {section}` has no ```` ```{kind} ```` block"
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "# M105 counter-missing-total\n\
Level: warning\n\
\n\
## What it does\nx\n\
## Why is this bad?\ny\n\
## Example\n\
```go bad\n\
var c = 1 // want M105\n\
```\n\
## Use instead\n\
```go good\n\
var c = 2\n\
```\n\
```go\n\
prose\n\
```\n";

    #[test]
    fn finds_blocks_with_md_lines() {
        let b = blocks(DOC);
        assert_eq!(b.len(), 2);
        assert_eq!((b[0].kind, b[0].index, b[0].md_line), (Kind::Bad, 1, 10));
        assert_eq!(b[0].source, "var c = 1 // want M105\n");
        assert_eq!((b[1].kind, b[1].md_line), (Kind::Good, 14));
    }

    #[test]
    fn prelude_shift_is_the_prelude_line_count() {
        let b = &blocks(DOC)[0];
        let (text, shift) = materialize(b, DEFAULT_PRELUDE);
        let marker_line = text.lines().position(|l| l.contains("want")).unwrap() as u32 + 1;
        assert_eq!(marker_line, shift + 1);
        assert!(text.starts_with("package example\n"));
        let with_pkg = Block {
            source: "package x\nvar c = 1\n".into(),
            ..b.clone()
        };
        assert_eq!(materialize(&with_pkg, DEFAULT_PRELUDE).1, 0);
    }

    #[test]
    fn well_formed_doc_has_no_problems() {
        assert_eq!(
            doc_problems("M105", "counter-missing-total", DOC),
            Vec::<String>::new()
        );
        let broken = DOC
            .replace("## Why is this bad?", "## Why")
            .replace("go good", "go");
        let p = doc_problems("M105", "counter-missing-total", &broken);
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(!doc_problems("M106", "counter-missing-total", DOC).is_empty());
    }

    #[test]
    fn prelude_from_the_rules_readme_section() {
        let readme = "# Docs\n```go\nnot this\n```\n### The prelude\ntext\n\n```go\npackage example\n\nimport \"fmt\"\n```\n## Markers\n";
        assert_eq!(
            documented_prelude(readme).as_deref(),
            Some("package example\n\nimport \"fmt\"\n\n")
        );
        assert_eq!(documented_prelude("# Docs\n```go\nx\n```\n"), None);
        assert_eq!(
            documented_prelude("```go prelude\npackage p\n```\n").as_deref(),
            Some("package p\n\n")
        );
    }

    #[test]
    fn doc_code_from_title_or_file_name() {
        assert_eq!(
            doc_code(Path::new("rules/M105-x.md"), "# M105 x").as_deref(),
            Some("M105")
        );
        assert_eq!(
            doc_code(Path::new("rules/M106-x.md"), "# placeholder").as_deref(),
            Some("M106")
        );
        assert_eq!(doc_code(Path::new("rules/notes.md"), "# notes"), None);
    }
}
