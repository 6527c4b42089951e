//! Registry-wide invariants: the registry, the catalog, the rule docs, the
//! fixtures, the message style and the README table agree.

use instrlint_rules::{find_rule, RULES};
use instrlint_tests::catalog::{self, message_problems};
use instrlint_tests::{docs, fixture, fixtures_dir, repo_root, tests_dir, want};
use std::collections::BTreeSet;

fn catalog() -> Vec<catalog::Entry> {
    let text = std::fs::read_to_string(tests_dir().join("data/RULES.md"))
        .expect("tests/data/RULES.md (the catalog copy) is readable");
    catalog::parse(&text)
}

#[test]
fn catalog_copy_parses() {
    let entries = catalog();
    // The contract has eight groups; M alone has 13 rules.
    assert!(entries.len() >= 40, "only {} catalog rows", entries.len());
    assert_eq!(
        entries.iter().filter(|e| e.code.starts_with('M')).count(),
        13
    );
    let codes: BTreeSet<&str> = entries.iter().map(|e| e.code.as_str()).collect();
    assert_eq!(codes.len(), entries.len(), "duplicate code in the catalog");
    for e in &entries {
        for l in &e.levels {
            assert!(
                ["error", "warning", "note"].contains(&l.as_str()),
                "{}: level `{l}`",
                e.code
            );
        }
    }
}

#[test]
fn codes_unique_and_in_catalog_order() {
    let entries = catalog();
    let mut last: Option<usize> = None;
    let mut seen = BTreeSet::new();
    for r in RULES {
        let code = r.meta.code;
        assert!(seen.insert(code), "{code} is registered twice");
        let pos = entries
            .iter()
            .position(|e| e.code == code)
            .unwrap_or_else(|| panic!("{code} is not in the catalog (tests/data/RULES.md)"));
        if let Some(l) = last {
            assert!(
                pos > l,
                "{code} is registered after {}: keep the registry in catalog order",
                entries[l].code
            );
        }
        last = Some(pos);
    }
}

#[test]
fn registry_matches_catalog_rows() {
    let entries = catalog();
    let mut problems = Vec::new();
    for r in RULES {
        let m = &r.meta;
        let Some(e) = entries.iter().find(|e| e.code == m.code) else {
            problems.push(format!("{}: not in the catalog", m.code));
            continue;
        };
        if e.name != m.name {
            problems.push(format!(
                "{}: name `{}`, catalog says `{}`",
                m.code, m.name, e.name
            ));
        }
        if !e.levels.iter().any(|l| l == m.level.as_str()) {
            problems.push(format!(
                "{}: level `{}`, catalog allows {}",
                m.code,
                m.level,
                e.levels.join(" / ")
            ));
        }
        if e.default_on != r.default_on {
            problems.push(format!(
                "{}: on by default is {}, the catalog says {}",
                m.code, r.default_on, e.default_on
            ));
        }
        if !m.code.starts_with(m.group.letter()) {
            problems.push(format!(
                "{}: group {:?} has letter {}",
                m.code,
                m.group,
                m.group.letter()
            ));
        }
        if m.since.is_empty() {
            problems.push(format!("{}: empty `since`", m.code));
        }
        for p in message_problems(m.summary) {
            problems.push(format!("{}: summary `{}` {p}", m.code, m.summary));
        }
        for prefix in catalog::FIX_PREFIXES {
            if m.name.starts_with(prefix) {
                problems.push(format!(
                    "{}: name `{}` describes a fix (`{prefix}`), not the problem",
                    m.code, m.name
                ));
            }
        }
        if find_rule(m.code).map(|f| f.meta.code) != Some(m.code)
            || find_rule(m.name).map(|f| f.meta.code) != Some(m.code)
        {
            problems.push(format!("{}: find_rule does not find it", m.code));
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

#[test]
fn every_rule_has_a_complete_doc() {
    let mut problems = Vec::new();
    for r in RULES {
        for p in docs::doc_problems(r.meta.code, r.meta.name, r.doc) {
            problems.push(format!("{} doc: {p}", r.meta.code));
        }
        // The embedded doc is the file in rules/ the docs test executes.
        let file = repo_root()
            .join("rules")
            .join(format!("{}-{}.md", r.meta.code, r.meta.name));
        match std::fs::read_to_string(&file) {
            Ok(text) if text == r.doc => {}
            Ok(_) => problems.push(format!(
                "{}: the embedded doc is not {}",
                r.meta.code,
                file.display()
            )),
            Err(_) => problems.push(format!("{}: {} is missing", r.meta.code, file.display())),
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

#[test]
fn every_doc_belongs_to_a_registered_rule() {
    let registered: BTreeSet<&str> = RULES.iter().map(|r| r.meta.code).collect();
    if registered.is_empty() {
        return; // nothing registered yet: docs may be written ahead of rules
    }
    let orphans: Vec<String> = docs::doc_files(&repo_root().join("rules"))
        .into_iter()
        .filter(|p| {
            let text = std::fs::read_to_string(p).unwrap_or_default();
            docs::doc_code(p, &text).is_none_or(|c| !registered.contains(c.as_str()))
        })
        .map(|p| p.display().to_string())
        .collect();
    assert!(
        orphans.is_empty(),
        "docs without a registered rule:\n{}",
        orphans.join("\n")
    );
}

#[test]
fn every_rule_has_firing_and_silent_fixtures() {
    let cases = fixture::cases(&fixtures_dir());
    let mut problems = Vec::new();
    for r in RULES {
        let code = r.meta.code;
        let own: Vec<_> = cases
            .iter()
            .filter(|c| c.code.as_deref() == Some(code))
            .collect();
        if own.is_empty() {
            problems.push(format!(
                "{code}: no fixture directory tests/fixtures/*/{code}/"
            ));
            continue;
        }
        let fires = |c: &&fixture::Case| {
            fixture::expected(&c.dir)
                .map(|ms| ms.iter().any(|e| e.marker.code == code))
                .unwrap_or(false)
        };
        if !own.iter().any(fires) {
            problems.push(format!("{code}: no fixture case with a `// want {code}`"));
        }
        if own.iter().all(fires) {
            problems.push(format!(
                "{code}: no silent fixture case (one without `// want {code}`)"
            ));
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

#[test]
fn fixture_directories_are_named_by_registered_codes() {
    let registered: BTreeSet<&str> = RULES.iter().map(|r| r.meta.code).collect();
    let catalog_codes: BTreeSet<String> = catalog().into_iter().map(|e| e.code).collect();
    let mut problems = Vec::new();
    for c in fixture::cases(&fixtures_dir()) {
        let Some(code) = &c.code else { continue };
        if !catalog_codes.contains(code) {
            problems.push(format!("{}: {code} is not a catalog code", c.name));
        } else if !registered.is_empty() && !registered.contains(code.as_str()) {
            problems.push(format!("{}: {code} is not registered", c.name));
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

#[test]
fn markers_name_known_codes() {
    let catalog_codes: BTreeSet<String> = catalog().into_iter().map(|e| e.code).collect();
    let tool_codes = ["I001", "I002"];
    let mut problems = Vec::new();
    for c in fixture::cases(&fixtures_dir()) {
        match fixture::expected(&c.dir) {
            Err(e) => problems.push(format!("{}: {e}", c.name)),
            Ok(ms) => {
                for e in ms {
                    let code = e.marker.code.as_str();
                    if !catalog_codes.contains(code) && !tool_codes.contains(&code) {
                        problems.push(format!("{}: {e}: unknown code", c.name));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

#[test]
fn messages_follow_the_house_style() {
    let mut problems = Vec::new();
    for c in fixture::cases(&fixtures_dir()) {
        let Ok(opts) = fixture::case_options(&c.dir) else {
            continue; // the fixture test reports a bad `args` file
        };
        let Ok(outcome) = instrlint_cli::lint(&opts) else {
            continue;
        };
        for f in fixture::findings(&outcome, &c.dir) {
            for p in message_problems(&f.message) {
                problems.push(format!("{}/{f}: message {p}", c.name));
            }
        }
        for d in &outcome.diagnostics {
            if let Some(h) = &d.help {
                if h.trim().is_empty() {
                    problems.push(format!("{}: {} has an empty help", c.name, d.code));
                }
            }
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

#[test]
fn readme_rule_table_matches_the_registry() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).expect("README.md");
    let block = catalog::readme_block(&readme).unwrap_or_else(|| {
        panic!(
            "README.md has no `{}` … `{}` block",
            catalog::README_START,
            catalog::README_END
        )
    });
    let expected = catalog::readme_table(RULES);
    let have = catalog::readme_rows(block);
    let want = catalog::readme_rows(&expected);
    if !RULES.is_empty() {
        assert_eq!(
            have, want,
            "README.md rule table differs from the registry; paste this between the markers:\n\n{expected}"
        );
    } else {
        // Before the rules exist, the README lists exactly the catalog's M rules.
        let m: Vec<(String, String)> = catalog()
            .into_iter()
            .filter(|e| e.code.starts_with('M'))
            .map(|e| (e.code, e.name))
            .collect();
        let listed: Vec<(String, String)> =
            have.iter().map(|r| (r[0].clone(), r[1].clone())).collect();
        assert_eq!(listed, m, "README.md rule table vs the catalog's M rules");
    }
}

#[test]
fn rule_codes_have_the_code_shape() {
    for r in RULES {
        assert!(want::is_code(r.meta.code), "{}", r.meta.code);
    }
}
