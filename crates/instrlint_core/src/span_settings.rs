//! `[spans]` settings: S501's generic names and name pattern, S503's
//! required attributes, S505's error recording, and the functions that start
//! spans besides the libraries' own.

use serde::Deserialize;
use toml::Spanned;

/// `[[spans.require]]`: spans whose name matches one of `names` (globs; empty:
/// any) in a file matching one of `paths` (globs relative to the config's
/// directory; empty: any) must carry every attribute in `attributes`.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct SpanRequirement {
    pub names: Vec<String>,
    pub paths: Vec<String>,
    pub attributes: Vec<String>,
}

/// S505: what recording an error on a span takes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ErrorRecording {
    /// `RecordError` or `SetStatus(codes.Error, …)`, either one.
    #[default]
    Either,
    /// Both calls, each reported when missing (go-spancheck's `record-error`
    /// and `set-status` checks).
    Both,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SpanSettings {
    /// S501: names that say nothing (the catalog's list by default).
    pub generic_names: Vec<String>,
    /// S501: a regular expression every resolved span name must match.
    pub name_pattern: Option<String>,
    /// S503: configured requirements. Empty: the zero-config `room_id` /
    /// `action_type` heuristic applies.
    pub require: Vec<SpanRequirement>,
    /// S505: `"either"` (default) or `"both"`.
    pub error_recording: ErrorRecording,
    /// Functions that start a span like `tracer.Start(ctx, name)` and return
    /// a context and a span: `"util.StartTrace"` (a function of a package
    /// named `util`, called as `util.StartTrace` or, inside that package, as
    /// `StartTrace`), or `"StartTrace"` (a function of the linted package).
    pub start_functions: Vec<String>,
}

impl Default for SpanSettings {
    fn default() -> Self {
        SpanSettings {
            generic_names: [
                "",
                "handle",
                "handler",
                "process",
                "process_message",
                "handle_message",
                "handle_request",
                "dispatch",
                "dispatch_action",
                "do",
                "run",
                "execute",
                "call",
                "request",
                "span",
                "operation",
                "task",
                "work",
                "unknown",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
            name_pattern: None,
            require: Vec::new(),
            error_recording: ErrorRecording::Either,
            start_functions: Vec::new(),
        }
    }
}

impl SpanSettings {
    /// Whether `name` matches `name_pattern`; `None` when no pattern is set.
    /// (The pattern is validated when the config is loaded.)
    pub fn name_matches_pattern(&self, name: &str) -> Option<bool> {
        let pattern = self.name_pattern.as_ref()?;
        let re = regex::Regex::new(pattern).ok()?;
        Some(re.is_match(name))
    }
}

impl SpanRequirement {
    /// Whether this requirement applies to a span named `span_name` started in
    /// the file at `path` (a display path; `paths` globs match its suffix
    /// relative to the config directory).
    pub fn applies(&self, span_name: Option<&str>, path: &str) -> bool {
        let glob_any = |globs: &[String], text: &str| {
            globs.iter().any(|g| {
                globset::Glob::new(g)
                    .map(|g| g.compile_matcher().is_match(text))
                    .unwrap_or(false)
            })
        };
        let name_ok = self.names.is_empty() || span_name.is_some_and(|n| glob_any(&self.names, n));
        let path_ok = self.paths.is_empty()
            || glob_any(&self.paths, path)
            || self
                .paths
                .iter()
                .any(|g| glob_any(std::slice::from_ref(&format!("**/{g}")), path));
        name_ok && path_ok
    }
}

// ---------------------------------------------------------------------------
// `[spans]` in instrlint.toml.
//
// ```toml
// [spans]
// generic_names = ["handle"]            # S501: replaces the catalog's list
// extra_generic_names = ["serve"]       # S501: extends it (after any replacement)
// name_pattern = '^[a-z_]+\.[a-z_]+$'   # S501: a regular expression
//
// error_recording = "both"             # S505: "either" (default) or "both"
// start_functions = ["util.StartTrace"] # return (ctx, span) like tracer.Start
//
// [[spans.require]]                     # S503
// names = ["signaling.*"]               # globs on the span name (empty: any)
// paths = ["internal/signaling/**"]     # globs on the file path (empty: any)
// attributes = ["room_id"]              # required, non-empty
// ```

/// The raw `[spans]` table.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSpans {
    generic_names: Option<Vec<Spanned<String>>>,
    extra_generic_names: Option<Vec<Spanned<String>>>,
    name_pattern: Option<Spanned<String>>,
    error_recording: Option<Spanned<String>>,
    start_functions: Option<Vec<Spanned<String>>>,
    require: Option<Vec<Spanned<RawRequire>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRequire {
    names: Option<Vec<Spanned<String>>>,
    paths: Option<Vec<Spanned<String>>>,
    attributes: Option<Spanned<Vec<Spanned<String>>>>,
}

/// A `[spans]` value that serde accepted but validation rejects: byte span,
/// message, help.
pub(crate) struct SpansInvalid {
    pub span: (usize, usize),
    pub message: String,
    pub help: Option<String>,
}

fn span_of<T>(s: &Spanned<T>) -> (usize, usize) {
    let r = s.span();
    (r.start, r.end)
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c == '_' || c.is_alphabetic())
        && chars.all(|c| c == '_' || c.is_alphanumeric())
}

fn globs(list: Option<Vec<Spanned<String>>>, what: &str) -> Result<Vec<String>, SpansInvalid> {
    let mut out = Vec::new();
    for g in list.unwrap_or_default() {
        if let Err(e) = globset::Glob::new(g.get_ref()) {
            return Err(SpansInvalid {
                span: span_of(&g),
                message: format!("invalid glob `{}`: {}", g.get_ref(), e.kind()),
                help: Some(format!(
                    "`{what}` are globs; `*` matches within a segment, `**` across"
                )),
            });
        }
        out.push(g.into_inner());
    }
    Ok(out)
}

impl RawSpans {
    pub(crate) fn validate(self) -> Result<SpanSettings, SpansInvalid> {
        let mut s = SpanSettings::default();
        if let Some(names) = self.generic_names {
            s.generic_names = names.into_iter().map(Spanned::into_inner).collect();
        }
        for n in self.extra_generic_names.unwrap_or_default() {
            let n = n.into_inner();
            if !s.generic_names.contains(&n) {
                s.generic_names.push(n);
            }
        }
        if let Some(p) = self.name_pattern {
            if let Err(e) = regex::Regex::new(p.get_ref()) {
                let detail = e.to_string();
                let last = detail.lines().last().unwrap_or("").trim();
                return Err(SpansInvalid {
                    span: span_of(&p),
                    message: format!("`name_pattern` is not a valid regular expression: {last}"),
                    help: Some(
                        "use a TOML literal string ('…') so that backslashes stay as written"
                            .into(),
                    ),
                });
            }
            s.name_pattern = Some(p.into_inner());
        }
        if let Some(mode) = self.error_recording {
            s.error_recording = match mode.get_ref().as_str() {
                "either" => ErrorRecording::Either,
                "both" => ErrorRecording::Both,
                other => {
                    return Err(SpansInvalid {
                        span: span_of(&mode),
                        message: format!(
                            "`error_recording` is `{other}`: expected `either` or `both`"
                        ),
                        help: Some(
                            "`both` asks for `RecordError` and `SetStatus` on every error path"
                                .into(),
                        ),
                    })
                }
            };
        }
        for f in self.start_functions.unwrap_or_default() {
            let valid = {
                let mut parts = f.get_ref().split('.');
                let ok = parts.next().is_some_and(is_identifier)
                    && parts.next().is_none_or(is_identifier);
                ok && parts.next().is_none()
            };
            if !valid {
                return Err(SpansInvalid {
                    span: span_of(&f),
                    message: format!(
                        "`{}` is not a function name: expected `package.Function` or `Function`",
                        f.get_ref()
                    ),
                    help: Some("e.g. `start_functions = [\"util.StartTrace\"]`".into()),
                });
            }
            s.start_functions.push(f.into_inner());
        }
        for req in self.require.unwrap_or_default() {
            let table = span_of(&req);
            let req = req.into_inner();
            let names = globs(req.names, "names")?;
            let paths = globs(req.paths, "paths")?;
            let attributes =
                match req.attributes {
                    Some(a) if !a.get_ref().is_empty() => a,
                    Some(a) => return Err(SpansInvalid {
                        span: span_of(&a),
                        message:
                            "`attributes` is empty: a requirement must name at least one attribute"
                                .into(),
                        help: Some("e.g. `attributes = [\"room_id\"]`".into()),
                    }),
                    None => {
                        return Err(SpansInvalid {
                            span: table,
                            message: "`[[spans.require]]` needs `attributes`".into(),
                            help: Some("e.g. `attributes = [\"room_id\"]`".into()),
                        })
                    }
                };
            let mut attrs = Vec::new();
            for a in attributes.into_inner() {
                if a.get_ref().is_empty() {
                    return Err(SpansInvalid {
                        span: span_of(&a),
                        message: "an attribute name cannot be empty".into(),
                        help: None,
                    });
                }
                attrs.push(a.into_inner());
            }
            s.require.push(SpanRequirement {
                names,
                paths,
                attributes: attrs,
            });
        }
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use crate::config::{parse, ConfigError};
    use std::path::Path;

    fn err(text: &str) -> ConfigError {
        parse(text, Path::new("instrlint.toml")).expect_err("expected a configuration error")
    }

    fn pointed(e: &ConfigError) -> &str {
        let (start, end) = e.span.expect("error without a span");
        &e.source_text[start..end]
    }

    #[test]
    fn full_spans_table() {
        let text = r#"
[spans]
generic_names = ["handle", "run"]
extra_generic_names = ["serve", "run"]
name_pattern = '^[a-z_]+\.[a-z_]+$'

[[spans.require]]
names = ["signaling.*"]
paths = ["internal/signaling/**"]
attributes = ["room_id", "action_type"]

[[spans.require]]
attributes = ["tenant"]
"#;
        let c = parse(text, Path::new("instrlint.toml")).unwrap();
        let s = &c.settings.spans;
        assert_eq!(s.generic_names, ["handle", "run", "serve"]);
        assert_eq!(s.name_matches_pattern("signaling.join_room"), Some(true));
        assert_eq!(s.name_matches_pattern("JoinRoom"), Some(false));
        assert_eq!(s.require.len(), 2);
        assert_eq!(s.require[0].names, ["signaling.*"]);
        assert_eq!(s.require[0].attributes, ["room_id", "action_type"]);
        assert!(s.require[0].applies(Some("signaling.join"), "internal/signaling/a.go"));
        assert!(!s.require[0].applies(Some("media.join"), "internal/signaling/a.go"));
        assert!(s.require[1].names.is_empty() && s.require[1].paths.is_empty());
    }

    #[test]
    fn extra_names_extend_the_defaults() {
        let c = parse(
            "[spans]\nextra_generic_names = [\"serve\"]\n",
            Path::new("x.toml"),
        )
        .unwrap();
        let names = &c.settings.spans.generic_names;
        assert!(names.iter().any(|n| n == "handle_message"));
        assert_eq!(names.last().map(String::as_str), Some("serve"));
        assert_eq!(
            parse("", Path::new("x.toml"))
                .unwrap()
                .settings
                .spans
                .name_pattern,
            None
        );
    }

    #[test]
    fn invalid_pattern_points_at_it() {
        let e = err("[spans]\nname_pattern = \"^(a\"\n");
        assert_eq!(pointed(&e), "\"^(a\"");
        assert!(
            e.message.contains("not a valid regular expression"),
            "{}",
            e.message
        );
    }

    #[test]
    fn invalid_globs_point_at_the_entry() {
        let e = err("[[spans.require]]\nnames = [\"ok\", \"bad[\"]\nattributes = [\"room_id\"]\n");
        assert_eq!(pointed(&e), "\"bad[\"");
        assert!(
            e.message.starts_with("invalid glob `bad[`"),
            "{}",
            e.message
        );
        let e = err("[[spans.require]]\npaths = [\"a/{b\"]\nattributes = [\"room_id\"]\n");
        assert_eq!(pointed(&e), "\"a/{b\"");
    }

    #[test]
    fn attributes_are_required_and_non_empty() {
        let e = err("[[spans.require]]\nnames = [\"x\"]\nattributes = []\n");
        assert_eq!(pointed(&e), "[]");
        assert!(e.message.contains("`attributes` is empty"), "{}", e.message);
        let e = err("[[spans.require]]\nnames = [\"x\"]\n");
        assert!(e.message.contains("needs `attributes`"), "{}", e.message);
        assert!(e.span.is_some());
        let e = err("[[spans.require]]\nattributes = [\"\"]\n");
        assert_eq!(pointed(&e), "\"\"");
    }

    #[test]
    fn error_recording_and_start_functions() {
        use crate::span_settings::ErrorRecording;
        let c = parse(
            "[spans]\nerror_recording = \"both\"\nstart_functions = [\"util.StartTrace\", \"startSpan\"]\n",
            Path::new("x.toml"),
        )
        .unwrap();
        assert_eq!(c.settings.spans.error_recording, ErrorRecording::Both);
        assert_eq!(
            c.settings.spans.start_functions,
            ["util.StartTrace", "startSpan"]
        );
        let d = parse("", Path::new("x.toml")).unwrap();
        assert_eq!(d.settings.spans.error_recording, ErrorRecording::Either);
        let e = err("[spans]\nerror_recording = \"all\"\n");
        assert_eq!(pointed(&e), "\"all\"");
        assert!(
            e.message.contains("expected `either` or `both`"),
            "{}",
            e.message
        );
        let e = err("[spans]\nstart_functions = [\"ok.Start\", \"(*T).Start\"]\n");
        assert_eq!(pointed(&e), "\"(*T).Start\"");
        let e = err("[spans]\nstart_functions = [\"a.b.c\"]\n");
        assert!(e.message.contains("not a function name"), "{}", e.message);
    }

    #[test]
    fn unknown_keys_are_rejected() {
        let e = err("[spans]\nname_patern = \"x\"\n");
        assert!(
            e.message.contains("unknown key `name_patern`"),
            "{}",
            e.message
        );
        assert_eq!(e.help.as_deref(), Some("did you mean `name_pattern`?"));
        let e = err("[[spans.require]]\nattribute = [\"x\"]\n");
        assert!(
            e.message.contains("unknown key `attribute`"),
            "{}",
            e.message
        );
    }
}
