//! `instrlint explain CODE|NAME`: the rule's embedded Markdown doc.

use crate::args::{ExplainArgs, ListFormat};
use crate::commands::rules::RuleInfo;
use crate::exit;
use crate::output::{rule_url, tool_code};
use instrlint_rules::find_rule;
use serde::Serialize;
use std::io::Write;

#[derive(Serialize)]
struct Explained {
    #[serde(flatten)]
    info: RuleInfo,
    doc: String,
}

pub fn run(args: &ExplainArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> i32 {
    let Some(explained) = lookup(args.rule.trim()) else {
        let _ = writeln!(
            stderr,
            "error: unknown rule `{}`\nhelp: run `instrlint rules` to list the rules",
            args.rule
        );
        return exit::ERROR;
    };
    let out = match args.format {
        ListFormat::Text => {
            let mut doc = explained.doc;
            if !doc.ends_with('\n') {
                doc.push('\n');
            }
            doc
        }
        ListFormat::Json => {
            let mut s = serde_json::to_string_pretty(&explained).expect("plain data serialises");
            s.push('\n');
            s
        }
    };
    match crate::write_stdout(stdout, out.as_bytes()) {
        Ok(()) => exit::CLEAN,
        Err(_) => exit::ERROR,
    }
}

fn lookup(code_or_name: &str) -> Option<Explained> {
    if let Some(rule) = find_rule(code_or_name) {
        return Some(Explained {
            info: RuleInfo::of(rule),
            doc: instrlint_rules::user_doc(rule.doc),
        });
    }
    let t = crate::output::TOOL_CODES
        .iter()
        .find(|t| t.name == code_or_name)
        .or_else(|| tool_code(code_or_name))?;
    Some(Explained {
        info: RuleInfo {
            code: t.code,
            name: t.name,
            group: "tool",
            level: t.level.as_str(),
            default: true,
            summary: t.summary,
            url: rule_url(t.code, t.name),
        },
        doc: format!(
            "# {} {}\n\nReported by instrlint itself: {}.\n",
            t.code, t.name, t.summary
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tool_codes_are_explained() {
        let e = lookup("i002").unwrap();
        assert_eq!(e.info.code, "I002");
        assert!(e.doc.starts_with("# I002 parse-error"));
        assert!(lookup("unused-ignore").is_some());
        assert!(lookup("X999").is_none());
    }

    #[test]
    fn rule_docs_are_shown_without_test_markers() {
        let e = lookup("M105").unwrap();
        assert!(e.doc.starts_with("# M105 counter-missing-total"));
        assert!(e.doc.contains("```go\n"), "{}", e.doc);
        assert!(
            !e.doc.contains("// want") && !e.doc.contains("go bad"),
            "{}",
            e.doc
        );
    }
}
