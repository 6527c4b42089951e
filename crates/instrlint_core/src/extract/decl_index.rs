//! A package's top-level declarations kept as an index (names, kinds, byte
//! ranges) instead of trees: a declaration is parsed alone, from its
//! top-level declaration's bytes, when a lookup asks for it.
//!
//! The bounded extraction (`bounded.rs`) indexes every unit this way; the
//! ordinary one indexes the siblings it parses only to resolve names.

use super::kinds::{FIELDS, KINDS};
use super::parse::parse_ranges_or_why;
use super::pkg::{expressions, read_unit, Decl, DeclInfo, DeclKind, Imports};
use super::ExtractOptions;
use crate::source::LineIndex;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;
use tree_sitter::{Node, Point, Range, Tree};
use typed_arena::Arena;

/// Why a declaration could not be read from the index as it would have been
/// from its file's tree.
#[derive(Debug)]
pub(crate) struct Unreadable;

/// A unit: a file, or a piece of one.
pub(crate) struct UnitSpan {
    /// Index of its file in the package.
    pub file: usize,
    /// Its bytes, when it is a piece.
    pub piece: Option<(usize, usize)>,
    pub walk: bool,
}

/// A file as the parse thread and the ranges it is given need it.
pub(crate) struct Source {
    text: Arc<str>,
    lines: LineIndex,
}

impl Source {
    pub fn new(text: &str) -> Self {
        Source {
            text: Arc::from(text),
            lines: LineIndex::new(text),
        }
    }

    fn point(&self, byte: usize) -> Point {
        let row = self.lines.line_of(byte as u32);
        Point {
            row,
            column: byte - self.lines.line_start(row) as usize,
        }
    }

    fn range(&self, start: usize, end: usize) -> Range {
        Range {
            start_byte: start,
            end_byte: end,
            start_point: self.point(start),
            end_point: self.point(end),
        }
    }
}

/// A declaration as the index keeps it, without its tree.
#[derive(Clone, Copy)]
struct Entry {
    info: DeclInfo,
    /// Bytes of its name, of its spec and of the top-level declaration
    /// holding it.
    name: (usize, usize),
    spec: (usize, usize),
    top: (usize, usize),
    /// The top-level declaration has a syntax error: it is never parsed
    /// alone (alone, it might parse otherwise).
    broken: bool,
}

/// The index: the package's units, their files' texts and imports, and the
/// top-level declarations of the units added to it.
pub(crate) struct Index {
    pub units: Vec<UnitSpan>,
    /// Per file of the package, once it is to be parsed from the index.
    pub sources: Vec<Option<Source>>,
    /// Per file of the package, once one of its units is indexed.
    imports: Vec<Option<Rc<Imports>>>,
    entries: HashMap<String, Entry>,
}

impl Index {
    /// An index for a package of `files` files, with no unit yet.
    pub fn new(files: usize) -> Self {
        Index {
            units: Vec::new(),
            sources: (0..files).map(|_| None).collect(),
            imports: vec![None; files],
            entries: HashMap::new(),
        }
    }

    /// Indexes unit `u` from its tree (its file's imports accumulate over
    /// its pieces, in order, as over the whole file). A name already in the
    /// index keeps its first declaration, marked ambiguous.
    pub fn add(&mut self, u: usize, root: Node<'_>, text: &str, opts: &ExtractOptions) {
        let file = self.units[u].file;
        let mut imports = self.imports[file]
            .take()
            .map(|i| (*i).clone())
            .unwrap_or_default();
        let mut tops = Vec::new();
        read_unit(root, text, opts, &mut imports, &mut tops);
        self.imports[file] = Some(Rc::new(imports));
        for top in tops {
            let name = text.get(top.name.byte_range()).unwrap_or("").to_string();
            let entry = Entry {
                info: DeclInfo {
                    unit: u,
                    kind: top.kind,
                    spec_kind: top.spec.kind_id(),
                    ambiguous: false,
                },
                name: (top.name.start_byte(), top.name.end_byte()),
                spec: (top.spec.start_byte(), top.spec.end_byte()),
                top: (top.top.start_byte(), top.top.end_byte()),
                broken: top.top.has_error(),
            };
            self.entries
                .entry(name)
                .and_modify(|e| e.info.ambiguous = true)
                .or_insert(entry);
        }
    }

    /// The names the index holds.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    pub fn imports(&self, u: usize) -> Rc<Imports> {
        self.imports[self.units[u].file].clone().unwrap_or_default()
    }

    /// Parses unit `u` (the whole file, or its piece) from its file's
    /// source; a piece must parse cleanly.
    pub fn parse_unit(&self, u: usize) -> Result<Tree, Unreadable> {
        let unit = &self.units[u];
        let source = self.sources[unit.file].as_ref().ok_or(Unreadable)?;
        let ranges = match unit.piece {
            Some((start, end)) => vec![source.range(start, end)],
            None => Vec::new(),
        };
        let tree = parse_ranges_or_why(&source.text, ranges).map_err(|_| Unreadable)?;
        if unit.piece.is_some() && tree.root_node().has_error() {
            return Err(Unreadable);
        }
        Ok(tree)
    }
}

/// The declarations of the index; the tree of a declaration outside the
/// unit being read is parsed when it is asked for.
pub(crate) struct LazyDecls<'t> {
    index: &'t Index,
    /// The unit being read, with its tree, if it is one of the index's.
    current: Option<(usize, Node<'t>)>,
    trees: &'t Arena<Tree>,
    /// Top-level declarations parsed alone, by file and start byte.
    tops: RefCell<HashMap<(usize, usize), Option<Node<'t>>>>,
    /// Set when a declaration could not be read as from its file's tree:
    /// the package is then extracted without the index.
    failed: &'t Cell<bool>,
}

impl<'t> LazyDecls<'t> {
    /// The declarations of `index`; `current` is the unit whose tree is at
    /// hand, if any; declarations parsed alone are kept in `trees`.
    pub fn new(
        index: &'t Index,
        current: Option<(usize, Node<'t>)>,
        trees: &'t Arena<Tree>,
        failed: &'t Cell<bool>,
    ) -> Self {
        LazyDecls {
            index,
            current,
            trees,
            tops: RefCell::new(HashMap::new()),
            failed,
        }
    }

    pub fn index(&self) -> &'t Index {
        self.index
    }

    /// The same declarations, with unit `u`'s tree at hand.
    pub fn reading<'v>(&self, u: usize, root: Node<'v>, trees: &'v Arena<Tree>) -> LazyDecls<'v>
    where
        't: 'v,
    {
        LazyDecls::new(self.index, Some((u, root)), trees, self.failed)
    }

    pub fn info(&self, name: &str) -> Option<DeclInfo> {
        self.index.entries.get(name).map(|e| e.info)
    }

    pub fn decl(&self, name: &str) -> Option<Decl<'t>> {
        let e = *self.index.entries.get(name)?;
        let found = self.find(&e);
        if found.is_none() {
            self.failed.set(true);
        }
        let (spec, name_node) = found?;
        let value = match e.info.kind {
            DeclKind::Other => None,
            _ => spec_value(spec, name_node),
        };
        Some(Decl {
            unit: e.info.unit,
            kind: e.info.kind,
            value,
            spec,
            ambiguous: e.info.ambiguous,
        })
    }

    /// The spec and name nodes of an entry, in the current unit's tree or in
    /// its top-level declaration parsed alone.
    fn find(&self, e: &Entry) -> Option<(Node<'t>, Node<'t>)> {
        let root = match self.current {
            Some((u, root)) if u == e.info.unit => root,
            _ => self.top(e)?,
        };
        let name = root.descendant_for_byte_range(e.name.0, e.name.1)?;
        if (name.start_byte(), name.end_byte()) != e.name {
            return None;
        }
        let mut spec = name;
        while (spec.start_byte(), spec.end_byte()) != e.spec || spec.kind_id() != e.info.spec_kind {
            spec = spec.parent()?;
        }
        Some((spec, name))
    }

    /// The entry's top-level declaration, parsed alone (once).
    fn top(&self, e: &Entry) -> Option<Node<'t>> {
        if e.broken {
            return None;
        }
        let file = self.index.units[e.info.unit].file;
        let key = (file, e.top.0);
        if let Some(known) = self.tops.borrow().get(&key).copied() {
            return known;
        }
        let source = self.index.sources[file].as_ref()?;
        // Up to the end of its line: tree-sitter-go does not accept a
        // `const (…)` group without the newline that ends it.
        let end = source.text[e.top.1..]
            .find('\n')
            .map_or(source.text.len(), |i| e.top.1 + i + 1);
        let root = parse_ranges_or_why(&source.text, vec![source.range(e.top.0, end)])
            .ok()
            .map(|tree| self.trees.alloc(tree).root_node())
            .filter(|root| !root.has_error());
        self.tops.borrow_mut().insert(key, root);
        root
    }
}

/// The value a `const_spec`/`var_spec` pairs with the name `name` (as
/// [`read_unit`] pairs them).
fn spec_value<'t>(spec: Node<'t>, name: Node<'t>) -> Option<Node<'t>> {
    let k = &*KINDS;
    let mut cursor = spec.walk();
    let names: Vec<Node<'t>> = spec
        .children_by_field_name("name", &mut cursor)
        .filter(|n| n.kind_id() == k.identifier)
        .collect();
    let values: Vec<Node<'t>> = spec
        .child_by_field_id(FIELDS.value)
        .map(expressions)
        .unwrap_or_default();
    if values.len() != names.len() {
        return None;
    }
    let i = names.iter().position(|n| n.id() == name.id())?;
    Some(values[i])
}
