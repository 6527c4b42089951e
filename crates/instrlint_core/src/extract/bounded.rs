//! Extraction in bounded memory, for a package whose walked files are too
//! large to hold all their trees at once (a syntax tree costs about 40 times
//! its text), and for a file too large to hold its own tree.
//!
//! The package's files are cut into units: a file, or a piece of a large
//! one made of whole top-level declarations (`toplevel.rs`). Each unit's
//! tree lives only while it is read:
//!
//! 1. every walked unit is parsed once to index its imports and top-level
//!    declarations (names, kinds, where they are: no tree is kept;
//!    `decl_index.rs`);
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
use super::decl_index::{Index, LazyDecls, Source, UnitSpan, Unreadable};
use super::otel::Mx;
use super::pkg::{Api, Decls, Pkg, Unit};
use super::promql::UnitQueries;
use super::spans::{Lib, Tx};
use super::toplevel;
use super::walk::Passes;
use super::{
    add_unit, clear_facts, finish_facts, index_fields, siblings_declaring, with_loaded,
    ExtractOptions, LoadText,
};
use crate::facts::PackageFacts;
use crate::source::SourceFile;
use std::cell::Cell;
use std::collections::HashSet;
use tree_sitter::Tree;
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

/// Extracts the package's facts in bounded memory; `Err` when the ordinary
/// extraction must do it instead (`facts` are then left to it to fill).
pub(crate) fn extract(
    facts: &mut PackageFacts,
    package: &str,
    files: &[&SourceFile],
    walk: &[bool],
    opts: &ExtractOptions,
    siblings: (&mut [Option<SourceFile>], LoadText<'_>),
) -> Result<(), Unreadable> {
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
) -> Result<(), Unreadable> {
    let mut index = Index::new(files.len());
    for (i, f) in files.iter().enumerate() {
        if !walk[i] {
            continue;
        }
        index.sources[i] = Some(Source::new(&f.text));
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
        let tree = index.parse_unit(u)?;
        let file = index.units[u].file;
        index.add(u, tree.root_node(), &files[file].text, opts);
    }
    let mut taken: Vec<bool> = walk.to_vec();
    loop {
        let missing = {
            let members = with_loaded(files, loaded);
            read_units(facts, package, &members, &index, opts)?
        };
        // Siblings that may declare a missing name join the index.
        let wanted = siblings_declaring(&missing, files, &taken, loaded, load);
        if wanted.is_empty() {
            return Ok(());
        }
        let members = with_loaded(files, loaded);
        for i in wanted {
            taken[i] = true;
            index.sources[i] = Some(Source::new(&members[i].text));
            index.units.push(UnitSpan {
                file: i,
                piece: None,
                walk: false,
            });
            let u = index.units.len() - 1;
            let tree = index.parse_unit(u)?;
            index.add(u, tree.root_node(), &members[i].text, opts);
        }
    }
}

/// Passes 2 and 3: the field indexes, then every walked unit's facts, into
/// `facts`; returns the names looked up that no indexed unit declares.
fn read_units(
    facts: &mut PackageFacts,
    package: &str,
    files: &[&SourceFile],
    index: &Index,
    opts: &ExtractOptions,
) -> Result<Vec<String>, Unreadable> {
    clear_facts(facts);
    let failed = Cell::new(false);
    let tops = Arena::new();
    let whole = indexed(package, files, index, &tops, &failed, opts);
    let units = 0..index.units.len();
    // Which units hold what, asked of the package as the ordinary extraction
    // asks it (no field is known yet).
    let traced = Tx::traced(&whole);
    let unfielded_tx = Tx::empty(&whole);
    let unfielded_mx = Mx::with_fields(&whole, HashSet::new());
    let spans_here = |u: usize| unfielded_tx.wants(u);
    let meters_here = |u: usize| unfielded_mx.wants(u);
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
        let tree = index.parse_unit(u)?;
        let trees = Arena::new();
        let pkg = whole.reading(u, tree.root_node(), &trees);
        let fields = index_fields(&pkg, u, passes);
        tracer_fields.extend(fields.tracers);
        meter_fields.extend(fields.meters);
        if failed.get() {
            return Err(Unreadable);
        }
    }
    // 3. The facts, a walked unit at a time.
    let mut missing: Vec<String> = Vec::new();
    let mut queries: Vec<UnitQueries> = Vec::new();
    for u in units.filter(|u| index.units[*u].walk) {
        let tree = index.parse_unit(u)?;
        let trees = Arena::new();
        let pkg = whole.reading(u, tree.root_node(), &trees);
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
            return Err(Unreadable);
        }
    }
    for name in finish_facts(facts, queries) {
        if !missing.contains(&name) {
            missing.push(name);
        }
    }
    Ok(missing)
}

/// The package with every unit's declarations read through the index and no
/// unit's tree at hand: [`Pkg::reading`] gives the package as one unit sees
/// it.
fn indexed<'t>(
    package: &'t str,
    files: &[&'t SourceFile],
    index: &'t Index,
    trees: &'t Arena<Tree>,
    failed: &'t Cell<bool>,
    opts: &'t ExtractOptions,
) -> Pkg<'t> {
    let units = index
        .units
        .iter()
        .enumerate()
        .map(|(i, unit)| Unit {
            src: files[unit.file],
            root: None,
            imports: index.imports(i),
            walk: unit.walk,
        })
        .collect();
    let decls = Decls::indexed(LazyDecls::new(index, None, trees, failed));
    Pkg::with_decls(package, opts, units, decls)
}
