//! `[spans]` settings: S501's generic names and name pattern, S503's
//! required attributes.

/// `[[spans.require]]`: spans whose name matches one of `names` (globs; empty:
/// any) in a file matching one of `paths` (globs relative to the config's
/// directory; empty: any) must carry every attribute in `attributes`.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct SpanRequirement {
    pub names: Vec<String>,
    pub paths: Vec<String>,
    pub attributes: Vec<String>,
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
