//! Go import paths of package directories: the module path of the nearest
//! `go.mod` upwards, joined with the directory relative to the module root.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Finds import paths, reading each `go.mod` once and remembering which
/// module every visited directory belongs to.
#[derive(Default)]
pub struct ModuleIndex {
    /// Directory → (module root, module path) of the nearest `go.mod`, or
    /// `None` when there is none up to the filesystem root.
    nearest: HashMap<PathBuf, Option<(PathBuf, String)>>,
}

impl ModuleIndex {
    /// The import path of the package in `dir`; `None` without a readable
    /// `go.mod` (with a `module` line) in `dir` or above.
    pub fn import_path(&mut self, dir: &Path) -> Option<String> {
        let dir = std::path::absolute(dir).ok()?;
        let (root, module) = self.module_of(&dir)?;
        let rel = dir.strip_prefix(&root).ok()?;
        let mut path = module;
        for part in rel.components() {
            path.push('/');
            path.push_str(&part.as_os_str().to_string_lossy());
        }
        Some(path)
    }

    fn module_of(&mut self, dir: &Path) -> Option<(PathBuf, String)> {
        let mut visited = Vec::new();
        let mut found = None;
        let mut cur = Some(dir);
        while let Some(d) = cur {
            if let Some(known) = self.nearest.get(d) {
                found = known.clone();
                break;
            }
            visited.push(d.to_path_buf());
            let gomod = d.join("go.mod");
            if gomod.is_file() {
                found = std::fs::read_to_string(&gomod)
                    .ok()
                    .and_then(|text| module_path(&text))
                    .map(|m| (d.to_path_buf(), m));
                break;
            }
            cur = d.parent();
        }
        for v in visited {
            self.nearest.insert(v, found.clone());
        }
        found
    }
}

/// The import path of the package in `dir` (uncached; see [`ModuleIndex`]).
pub fn import_path_for(dir: &Path) -> Option<String> {
    ModuleIndex::default().import_path(dir)
}

/// The path of the `module` directive of a `go.mod` text.
fn module_path(text: &str) -> Option<String> {
    for line in text.lines() {
        let line = line.split("//").next().unwrap_or("").trim();
        let Some(rest) = line.strip_prefix("module") else {
            continue;
        };
        if !rest.starts_with([' ', '\t', '"', '`']) {
            continue;
        }
        let path = rest.trim().trim_matches(|c| c == '"' || c == '`');
        return (!path.is_empty()).then(|| path.to_string());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_directive_forms() {
        assert_eq!(
            module_path("// c\nmodule example.com/app // x\n\ngo 1.22\n").as_deref(),
            Some("example.com/app")
        );
        assert_eq!(
            module_path("module \"example.com/q\"\n").as_deref(),
            Some("example.com/q")
        );
        assert_eq!(module_path("modules x\ngo 1.21\n"), None);
        assert_eq!(module_path(""), None);
    }

    #[test]
    fn nearest_go_mod_wins_and_is_cached() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("internal/metrics")).unwrap();
        std::fs::create_dir_all(root.join("tools/gen/x")).unwrap();
        std::fs::write(root.join("go.mod"), "module example.com/app\n").unwrap();
        std::fs::write(root.join("tools/go.mod"), "module example.com/tools\n").unwrap();
        let mut ix = ModuleIndex::default();
        assert_eq!(
            ix.import_path(&root.join("internal/metrics")).as_deref(),
            Some("example.com/app/internal/metrics")
        );
        assert_eq!(ix.import_path(root).as_deref(), Some("example.com/app"));
        assert_eq!(
            ix.import_path(&root.join("tools/gen/x")).as_deref(),
            Some("example.com/tools/gen/x")
        );
        // Cached: removing go.mod does not change an answer already known.
        std::fs::remove_file(root.join("go.mod")).unwrap();
        assert_eq!(
            ix.import_path(&root.join("internal")).as_deref(),
            Some("example.com/app/internal")
        );
        assert_eq!(import_path_for(&root.join("internal")), None);
    }
}
