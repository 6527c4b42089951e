//! Siblings: files of a package that are not walked, read only when a name
//! the walked files look up is missing, for their declarations. Their trees
//! are dropped once their top-level declarations are indexed
//! (`decl_index.rs`); a declaration is parsed alone when a lookup asks for
//! it, and a sibling is parsed again, for a moment, when its struct fields
//! may hold tracers or meters.

use super::decl_index::{Index, Source, UnitSpan, Unreadable};
use super::otel::Mx;
use super::pkg::Pkg;
use super::spans::{Lib, Tx};
use super::walk::Passes;
use super::{ExtractOptions, LoadText};
use crate::source::SourceFile;
use std::cell::Cell;
use std::collections::HashSet;
use tree_sitter::Tree;
use typed_arena::Arena;

thread_local! {
    /// Siblings indexed without their trees, and packages whose siblings
    /// went back to their trees, on this thread (tests).
    static SIBLINGS: Cell<(usize, usize)> = const { Cell::new((0, 0)) };
    /// Every sibling keeps its tree (tests).
    static SIBLING_TREES: Cell<bool> = const { Cell::new(false) };
}

/// Whether siblings keep their trees on this thread (`false`: they are
/// indexed).
#[cfg(test)]
pub(crate) fn set_sibling_trees(keep: bool) {
    SIBLING_TREES.with(|k| k.set(keep));
}

/// Siblings indexed, and packages whose siblings went back to their trees,
/// on this thread so far.
#[cfg(test)]
pub(crate) fn sibling_counts() -> (usize, usize) {
    SIBLINGS.with(Cell::get)
}

/// The siblings read so far: indexed, or (when a declaration could not be
/// read from the index) kept as trees among the parsed files.
pub(crate) struct Siblings {
    index: Option<Index>,
}

impl Siblings {
    /// No sibling yet, for a package of `files` files whose walked files
    /// are `parsed` (the index's first units).
    pub fn new(files: usize, parsed: &[(usize, bool, Tree)]) -> Self {
        if SIBLING_TREES.with(Cell::get) {
            return Siblings { index: None };
        }
        let mut index = Index::new(files);
        for (file, _, _) in parsed {
            index.units.push(UnitSpan {
                file: *file,
                piece: None,
                walk: true,
            });
        }
        Siblings { index: Some(index) }
    }

    /// The index, unless the siblings are kept as trees.
    pub fn index(&self) -> Option<&Index> {
        self.index.as_ref()
    }

    /// Adds sibling `file` (its tree and text): indexed, its tree dropped,
    /// or pushed to `parsed`.
    pub fn add(
        &mut self,
        file: usize,
        tree: Tree,
        text: &str,
        opts: &ExtractOptions,
        parsed: &mut Vec<(usize, bool, Tree)>,
    ) {
        let Some(index) = &mut self.index else {
            parsed.push((file, false, tree));
            return;
        };
        index.sources[file] = Some(Source::new(text));
        index.units.push(UnitSpan {
            file,
            piece: None,
            walk: false,
        });
        index.add(index.units.len() - 1, tree.root_node(), text, opts);
        SIBLINGS.with(|s| s.set((s.get().0 + 1, s.get().1)));
    }

    /// Every sibling indexed so far is parsed again (`parse`, by file) and
    /// pushed to `parsed`; siblings added from now on keep their trees.
    pub fn back_to_trees(
        &mut self,
        parsed: &mut Vec<(usize, bool, Tree)>,
        mut parse: impl FnMut(usize) -> Option<Tree>,
    ) {
        let Some(index) = self.index.take() else {
            return;
        };
        SIBLINGS.with(|s| s.set((s.get().0, s.get().1 + 1)));
        for unit in index.units.iter().filter(|u| !u.walk) {
            if let Some(tree) = parse(unit.file) {
                parsed.push((unit.file, false, tree));
            }
        }
    }
}

/// The tracer and meter fields a unit declares or assigns, as owned names.
pub(crate) struct FieldNames {
    pub tracers: Vec<(String, Lib)>,
    pub meters: Vec<String>,
}

/// The tracer and meter fields an indexed sibling declares or assigns
/// (`passes` says which), read from its tree parsed again; the names it
/// looks up without finding are noted in `pkg`.
pub(crate) fn sibling_fields(
    pkg: &Pkg<'_>,
    u: usize,
    passes: Passes,
) -> Result<FieldNames, Unreadable> {
    let index = pkg.index().ok_or(Unreadable)?;
    let tree = index.parse_unit(u)?;
    let trees = Arena::new();
    let view = pkg.reading(u, tree.root_node(), &trees);
    let fields = index_fields(&view, u, passes);
    for name in view.missing_names.take() {
        pkg.note_missing(name);
    }
    Ok(fields)
}

/// The tracer and meter fields of unit `u`, its tree at hand in `view`, as
/// owned names: the walk for the indexes alone.
pub(crate) fn index_fields(view: &Pkg<'_>, u: usize, passes: Passes) -> FieldNames {
    let passes = Passes {
        tracer_index: passes.tracer_index,
        meter_index: passes.meter_index,
        ..Passes::default()
    };
    let tx = Tx::empty(view);
    let mx = Mx::with_fields(view, HashSet::new());
    let file = view.walk_unit(u, passes, &tx, &mx);
    let tracers = file
        .tracer_fields
        .iter()
        .map(|(n, l)| (n.to_string(), *l))
        .collect();
    let meters = file.meter_fields.iter().map(|n| n.to_string()).collect();
    FieldNames { tracers, meters }
}

/// The files not `taken` that may declare one of the `missing` names (a file
/// that does not contain a name cannot declare it). A text not handed over
/// is read with `load`, and kept in `loaded` when the file qualifies.
pub(crate) fn siblings_declaring(
    missing: &[String],
    files: &[&SourceFile],
    taken: &[bool],
    loaded: &mut [Option<SourceFile>],
    load: LoadText<'_>,
) -> Vec<usize> {
    let may_declare =
        |text: &str| declares_something(text) && missing.iter().any(|n| text.contains(n.as_str()));
    let mut wanted = Vec::new();
    for i in (0..files.len()).filter(|&i| !taken[i]) {
        let qualifies = match &loaded[i] {
            Some(f) => may_declare(&f.text),
            None if !files[i].text.is_empty() => may_declare(&files[i].text),
            None => match load(i) {
                Some(f) if may_declare(&f.text) => {
                    loaded[i] = Some(f);
                    true
                }
                _ => false,
            },
        };
        if qualifies {
            wanted.push(i);
        }
    }
    wanted
}

/// The package's files, those read by [`siblings_declaring`] in place of
/// the ones handed over without their texts.
pub(crate) fn with_loaded<'a>(
    files: &[&'a SourceFile],
    loaded: &'a [Option<SourceFile>],
) -> Vec<&'a SourceFile> {
    files
        .iter()
        .zip(loaded)
        .map(|(f, l)| l.as_ref().unwrap_or(f))
        .collect()
}

fn declares_something(text: &str) -> bool {
    text.contains("const") || text.contains("var") || text.contains("type")
}
