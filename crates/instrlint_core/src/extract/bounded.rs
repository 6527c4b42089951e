//! Extraction in bounded memory, for a package whose walked files are too
//! large to hold all their trees at once (a syntax tree costs about 40 times
//! its text), and for a file too large to hold its own tree.
//!
//! The package's files are cut into units: a file, or a piece of a large
//! one made of whole top-level declarations (`toplevel.rs`). Each unit's
//! tree lives only while it is read:
//!
//! 1. every walked unit is parsed once to index its imports and top-level
//!    declarations (names, kinds, where they are: no tree is kept);
//! 2. when the package imports a tracing or OTel metric API, every unit is
//!    parsed again to index the struct fields that hold tracers and meters
//!    (those read other declarations, so they wait for the first index);
//! 3. every walked unit is parsed again and walked once with the complete
//!    indexes: its facts, and those of the calls it put off, are read
//!    before its tree is dropped.
//!
//! A declaration of another unit is parsed alone (its top-level
//! declaration's bytes) when a lookup asks for it, and kept until the unit
//! being read is done. Siblings (files not walked) that declare a name no
//! unit declares are parsed to index them, as in the ordinary extraction,
//! and the walked units are read again.
//!
//! The facts are those of the ordinary extraction ([`super::extract_into`]):
//! the units, their order, the indexes and the lookups are the same. Where
//! that cannot be vouched for (a piece or a declaration parsed alone that
//! does not parse cleanly, a parse given up, a file over its extraction
//! time), the package is extracted the ordinary way instead.

use super::budget;
use super::kinds::{FIELDS, KINDS};
use super::otel::Mx;
use super::parse::parse_ranges_or_why;
use super::pkg::{
    expressions, read_unit, Api, Decl, DeclInfo, DeclKind, Decls, Imports, Pkg, Unit,
};
use super::promql::UnitQueries;
use super::spans::{Lib, Tx};
use super::toplevel;
use super::walk::Passes;
use super::{
    add_unit, clear_facts, finish_facts, siblings_declaring, with_loaded, ExtractOptions, LoadText,
};
use crate::facts::PackageFacts;
use crate::source::{LineIndex, SourceFile};
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::Arc;
use tree_sitter::{Node, Point, Range, Tree};
use typed_arena::Arena;

/// Walked text of a package above which it is extracted in bounded memory.
pub(crate) const PACKAGE_BYTES: usize = 1 << 20;

/// A file longer than twice this is read in pieces of about this size.
pub(crate) const PIECE_BYTES: usize = 128 << 10;

thread_local! {
    /// [`PACKAGE_BYTES`] and [`PIECE_BYTES`], smaller in tests.
    static LIMITS: Cell<(usize, usize)> = const { Cell::new((PACKAGE_BYTES, PIECE_BYTES)) };
    /// Packages handed back to the ordinary extraction (tests).
    static FALLBACKS: Cell<usize> = const { Cell::new(0) };
}

/// Sets this thread's limits: walked bytes of a package, bytes of a piece.
#[cfg(test)]
pub(crate) fn set_limits(package: usize, piece: usize) {
    LIMITS.with(|l| l.set((package, piece)));
}

/// Packages handed back to the ordinary extraction on this thread so far.
#[cfg(test)]
pub(crate) fn fallbacks() -> usize {
    FALLBACKS.with(Cell::get)
}

/// Whether a package whose walked files are `walked` is extracted here.
pub(crate) fn wanted<'a>(walked: impl Iterator<Item = &'a SourceFile>) -> bool {
    let (package, piece) = LIMITS.with(Cell::get);
    let mut total = 0;
    for f in walked {
        if f.text.len() > piece.saturating_mul(2) {
            return true;
        }
        total += f.text.len();
    }
    total > package
}

/// A unit: a file, or a piece of one.
struct UnitSpan {
    /// Index of its file in the package.
    file: usize,
    /// Its bytes, when it is a piece.
    piece: Option<(usize, usize)>,
    walk: bool,
}

/// A file as the parse thread and the ranges it is given need it.
struct Source {
    text: Arc<str>,
    lines: LineIndex,
}

impl Source {
    fn new(text: &str) -> Self {
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

/// The package's declarations, read from the index; the tree of a
/// declaration outside the unit being read is parsed when it is asked for.
pub(crate) struct LazyDecls<'t> {
    entries: &'t HashMap<String, Entry>,
    units: &'t [UnitSpan],
    sources: &'t [Option<Source>],
    /// The unit being read, with its tree.
    current: usize,
    root: Node<'t>,
    trees: &'t Arena<Tree>,
    /// Top-level declarations parsed alone, by file and start byte.
    tops: RefCell<HashMap<(usize, usize), Option<Node<'t>>>>,
    /// Set when a declaration could not be read as the ordinary extraction
    /// would have: the package is then extracted that way.
    failed: &'t Cell<bool>,
}

impl<'t> LazyDecls<'t> {
    pub fn info(&self, name: &str) -> Option<DeclInfo> {
        self.entries.get(name).map(|e| e.info)
    }

    pub fn decl(&self, name: &str) -> Option<Decl<'t>> {
        let e = *self.entries.get(name)?;
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

    /// The spec and name nodes of an entry, in the unit's tree or in its
    /// top-level declaration parsed alone.
    fn find(&self, e: &Entry) -> Option<(Node<'t>, Node<'t>)> {
        let root = if e.info.unit == self.current {
            self.root
        } else {
            if e.broken {
                return None;
            }
            let file = self.units[e.info.unit].file;
            let key = (file, e.top.0);
            let known = self.tops.borrow().get(&key).copied();
            match known {
                Some(root) => root?,
                None => {
                    let source = self.sources[file].as_ref()?;
                    // Up to the end of its line: tree-sitter-go does not
                    // accept a `const (…)` group without the newline that
                    // ends it.
                    let end = source.text[e.top.1..]
                        .find('\n')
                        .map_or(source.text.len(), |i| e.top.1 + i + 1);
                    let root = parse_ranges_or_why(&source.text, vec![source.range(e.top.0, end)])
                        .ok()
                        .map(|tree| self.trees.alloc(tree).root_node());
                    let root = root.filter(|root| !root.has_error());
                    self.tops.borrow_mut().insert(key, root);
                    root?
                }
            }
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

/// The package's index: its units, their files' imports and every
/// top-level declaration.
#[derive(Default)]
struct Index {
    units: Vec<UnitSpan>,
    /// Per file of the package, once one of its units is indexed.
    imports: Vec<Option<Rc<Imports>>>,
    entries: HashMap<String, Entry>,
}

impl Index {
    /// Indexes unit `u` from its tree (its file's imports accumulate over
    /// its pieces, in order, as over the whole file).
    fn add(&mut self, u: usize, root: Node<'_>, text: &str, opts: &ExtractOptions) {
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

    fn imports(&self, u: usize) -> Rc<Imports> {
        self.imports[self.units[u].file].clone().unwrap_or_default()
    }

    /// Whether unit `u`'s file imports `api` (as [`Pkg::imports_api`]).
    fn imports_api(&self, u: usize, api: Api) -> bool {
        let imports = &self.imports[self.units[u].file];
        imports
            .as_ref()
            .is_some_and(|i| i.apis.values().any(|a| *a == api) || i.dots.iter().any(|a| a.is(api)))
    }
}

/// Why the bounded extraction handed the package back.
pub(crate) struct Fallback;

/// Extracts the package's facts in bounded memory; `Err` when the ordinary
/// extraction must do it instead (`facts` are then left to it to fill).
pub(crate) fn extract(
    facts: &mut PackageFacts,
    package: &str,
    files: &[&SourceFile],
    walk: &[bool],
    opts: &ExtractOptions,
    siblings: (&mut [Option<SourceFile>], LoadText<'_>),
) -> Result<(), Fallback> {
    let done = extract_units(facts, package, files, walk, opts, siblings);
    if done.is_err() {
        FALLBACKS.with(|f| f.set(f.get() + 1));
    }
    done
}

fn extract_units(
    facts: &mut PackageFacts,
    package: &str,
    files: &[&SourceFile],
    walk: &[bool],
    opts: &ExtractOptions,
    (loaded, load): (&mut [Option<SourceFile>], LoadText<'_>),
) -> Result<(), Fallback> {
    let mut index = Index {
        imports: vec![None; files.len()],
        ..Index::default()
    };
    let mut sources: Vec<Option<Source>> = (0..files.len()).map(|_| None).collect();
    for (i, f) in files.iter().enumerate() {
        if !walk[i] {
            continue;
        }
        sources[i] = Some(Source::new(&f.text));
        let pieces = toplevel::pieces(&f.text, LIMITS.with(Cell::get).1);
        let whole = pieces.len() == 1;
        for piece in pieces {
            index.units.push(UnitSpan {
                file: i,
                piece: (!whole).then_some(piece),
                walk: true,
            });
        }
    }
    // 1. The index of declarations.
    for u in 0..index.units.len() {
        let tree = parse_unit(&index, &sources, u)?;
        let file = index.units[u].file;
        index.add(u, tree.root_node(), &files[file].text, opts);
    }
    let mut taken: Vec<bool> = walk.to_vec();
    loop {
        let missing = {
            let members = with_loaded(files, loaded);
            read_units(facts, package, &members, &index, &sources, opts)?
        };
        // Siblings that may declare a missing name join the index.
        let wanted = siblings_declaring(&missing, files, &taken, loaded, load);
        if wanted.is_empty() {
            return Ok(());
        }
        let members = with_loaded(files, loaded);
        for i in wanted {
            taken[i] = true;
            sources[i] = Some(Source::new(&members[i].text));
            index.units.push(UnitSpan {
                file: i,
                piece: None,
                walk: false,
            });
            let u = index.units.len() - 1;
            let tree = parse_unit(&index, &sources, u)?;
            index.add(u, tree.root_node(), &members[i].text, opts);
        }
    }
}

/// Parses unit `u` (the whole file, or its piece); a piece must parse
/// cleanly.
fn parse_unit(index: &Index, sources: &[Option<Source>], u: usize) -> Result<Tree, Fallback> {
    let unit = &index.units[u];
    let source = sources[unit.file].as_ref().ok_or(Fallback)?;
    let ranges = match unit.piece {
        Some((start, end)) => vec![source.range(start, end)],
        None => Vec::new(),
    };
    let tree = parse_ranges_or_why(&source.text, ranges).map_err(|_| Fallback)?;
    if unit.piece.is_some() && tree.root_node().has_error() {
        return Err(Fallback);
    }
    Ok(tree)
}

/// Passes 2 and 3: the field indexes, then every walked unit's facts, into
/// `facts`; returns the names looked up that no indexed unit declares.
fn read_units(
    facts: &mut PackageFacts,
    package: &str,
    files: &[&SourceFile],
    index: &Index,
    sources: &[Option<Source>],
    opts: &ExtractOptions,
) -> Result<Vec<String>, Fallback> {
    clear_facts(facts);
    let failed = Cell::new(false);
    let units = 0..index.units.len();
    let traced = units.clone().any(|u| {
        [Api::Otel, Api::OtelTrace, Api::OpenTracing, Api::OcTrace]
            .iter()
            .any(|a| index.imports_api(u, *a))
    });
    let spans_here = |u: usize| {
        !opts.start_functions.is_empty()
            || [
                Api::Otel,
                Api::OtelTrace,
                Api::OpenTracing,
                Api::OcTrace,
                Api::Context,
            ]
            .iter()
            .any(|a| index.imports_api(u, *a))
    };
    let meters_here =
        |u: usize| index.imports_api(u, Api::OtelMetric) || index.imports_api(u, Api::Otel);
    let metered = units.clone().any(meters_here);
    // 2. The tracer and meter field indexes.
    let mut tracer_fields: Vec<(String, Lib)> = Vec::new();
    let mut meter_fields: HashSet<String> = HashSet::new();
    for u in units.clone() {
        let passes = Passes {
            tracer_index: traced && spans_here(u),
            meter_index: meters_here(u),
            ..Passes::default()
        };
        if !passes.any() {
            continue;
        }
        let tree = parse_unit(index, sources, u)?;
        let trees = Arena::new();
        let pkg = view(
            package, files, index, sources, u, &tree, &trees, &failed, opts,
        );
        let tx = Tx::empty(&pkg);
        let mx = Mx::with_fields(&pkg, HashSet::new());
        let file = pkg.walk_unit(u, passes, &tx, &mx);
        tracer_fields.extend(file.tracer_fields.iter().map(|(n, l)| (n.to_string(), *l)));
        meter_fields.extend(file.meter_fields.iter().map(|n| n.to_string()));
        if failed.get() {
            return Err(Fallback);
        }
    }
    // 3. The facts, a walked unit at a time.
    let mut missing: Vec<String> = Vec::new();
    let mut queries: Vec<UnitQueries> = Vec::new();
    for u in units.filter(|u| index.units[*u].walk) {
        let tree = parse_unit(index, sources, u)?;
        let trees = Arena::new();
        let pkg = view(
            package, files, index, sources, u, &tree, &trees, &failed, opts,
        );
        let passes = Passes {
            facts: true,
            contexts: pkg.imports_api(u, Api::Context),
            spans: spans_here(u) || traced,
            otel: metered,
            ..Passes::default()
        };
        let file = {
            let tx = Tx::empty(&pkg);
            let mx = Mx::with_fields(&pkg, HashSet::new());
            pkg.walk_unit(u, passes, &tx, &mx)
        };
        let tx = Tx {
            pkg: &pkg,
            tracer_fields: tracer_fields
                .iter()
                .map(|(n, l)| (n.as_str(), *l))
                .collect(),
        };
        let mx = Mx::with_fields(&pkg, meter_fields.iter().map(String::as_str).collect());
        add_unit(facts, &pkg, u, file, &tx, &mx, &mut queries);
        for name in pkg.missing_names.take() {
            if !missing.contains(&name) {
                missing.push(name);
            }
        }
        if failed.get() || !budget::take_given_up().is_empty() {
            return Err(Fallback);
        }
    }
    for name in finish_facts(facts, queries) {
        if !missing.contains(&name) {
            missing.push(name);
        }
    }
    Ok(missing)
}

/// The package as unit `u` sees it: its tree at hand, every other unit's
/// declarations through the index.
#[allow(clippy::too_many_arguments)]
fn view<'t>(
    package: &'t str,
    files: &[&'t SourceFile],
    index: &'t Index,
    sources: &'t [Option<Source>],
    u: usize,
    tree: &'t Tree,
    trees: &'t Arena<Tree>,
    failed: &'t Cell<bool>,
    opts: &'t ExtractOptions,
) -> Pkg<'t> {
    let root = tree.root_node();
    let units = index
        .units
        .iter()
        .enumerate()
        .map(|(i, unit)| Unit {
            src: files[unit.file],
            root: (i == u).then_some(root),
            imports: index.imports(i),
            walk: unit.walk,
        })
        .collect();
    let decls = LazyDecls {
        entries: &index.entries,
        units: &index.units,
        sources,
        current: u,
        root,
        trees,
        tops: RefCell::new(HashMap::new()),
        failed,
    };
    Pkg::with_decls(package, opts, units, Decls::Lazy(decls))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::{extract_package, package_clause};
    use crate::source::FileId;
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};

    fn go_dirs(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .expect("fixture directory")
            .map(|e| e.expect("entry").path())
            .collect();
        entries.sort();
        if entries
            .iter()
            .any(|p| p.extension().is_some_and(|e| e == "go"))
        {
            out.push(dir.to_path_buf());
        }
        for p in entries.iter().filter(|p| p.is_dir()) {
            go_dirs(p, out);
        }
    }

    /// Every fixture package (and the example back end), extracted the
    /// ordinary way and in bounded memory with pieces of a few hundred
    /// bytes: the same facts.
    #[test]
    fn bounded_extraction_reads_every_fixture_as_the_ordinary_one() {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut dirs = Vec::new();
        go_dirs(&repo.join("tests/fixtures"), &mut dirs);
        go_dirs(&repo.join("examples"), &mut dirs);
        let (mut compared, before) = (0, fallbacks());
        for dir in &dirs {
            let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
                .expect("directory")
                .map(|e| e.expect("entry").path())
                .filter(|p| p.extension().is_some_and(|e| e == "go"))
                .collect();
            paths.sort();
            let files: Vec<SourceFile> = paths
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let bytes = std::fs::read(p).expect("fixture");
                    SourceFile {
                        id: FileId(i as u32),
                        is_test: false,
                        path: p.display().to_string(),
                        abs_path: p.clone(),
                        text: String::from_utf8_lossy(&bytes).into_owned(),
                        lossy: false,
                    }
                })
                .collect();
            let mut packages: BTreeMap<String, Vec<&SourceFile>> = BTreeMap::new();
            for f in &files {
                let clause = package_clause(&f.text).unwrap_or_default();
                packages.entry(clause).or_default().push(f);
            }
            for (name, members) in packages {
                set_limits(usize::MAX, usize::MAX);
                let ordinary = extract_package(&dir.display().to_string(), &name, &members);
                set_limits(0, 200);
                let bounded = extract_package(&dir.display().to_string(), &name, &members);
                set_limits(PACKAGE_BYTES, PIECE_BYTES);
                assert_eq!(
                    format!("{ordinary:#?}"),
                    format!("{bounded:#?}"),
                    "{}",
                    dir.display()
                );
                compared += 1;
            }
        }
        let fell_back = fallbacks() - before;
        eprintln!("{compared} packages compared, {fell_back} fell back");
        // A package with a syntax error cut into pieces goes back to the
        // ordinary extraction: a few fixtures are about syntax errors.
        assert!(
            compared > 150 && fell_back * 10 < compared,
            "{compared} packages, {fell_back} fell back"
        );
    }
}
