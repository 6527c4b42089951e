//! Parsing and fact extraction: Go source → `PackageFacts`.
//!
//! Contract (used by the pipeline):
//! - [`package_clause`] reads a file's package name cheaply, without parsing.
//! - [`walk_flags`] decides, for a whole tree, which files to walk: those the
//!   prefilter admits, less the weak-trigger files whose facts could bind to
//!   nothing (`gate.rs`).
//! - [`extract_package_walking`] turns the files of one package into its
//!   facts, walking the files it is told to and parsing sibling files when a
//!   name needs their constants; a sibling's tree is dropped once its
//!   top-level declarations are indexed (`siblings.rs`). No syntax tree
//!   outlives it.
//!   [`extract_package`] walks every file the prefilter admits.

mod bounded;
mod budget;
mod context;
mod decl_index;
mod funcs;
mod gate;
mod kinds;
mod lists;
mod literals;
mod locals;
mod metrics;
mod modpath;
mod name_origin;
mod otel;
mod parse;
mod pkg;
mod prefilter;
mod promql;
mod propagate;
mod receivers;
mod siblings;
mod sources;
mod spans;
mod toplevel;
mod types;
mod uses;
mod values;
mod walk;
mod walker;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_fixtures;
#[cfg(test)]
mod tests_labels;
#[cfg(test)]
mod tests_link;
#[cfg(test)]
mod tests_otel;
#[cfg(test)]
mod tests_promql;
#[cfg(test)]
mod tests_siblings;
#[cfg(test)]
mod tests_spans;
#[cfg(test)]
mod values_proptest;

use crate::facts::PackageFacts;
use crate::source::{SourceFile, Span};
use decl_index::{Index, LazyDecls, Unreadable};
use otel::Mx;
use pkg::{Api, Pkg};
pub(crate) use siblings::{index_fields, siblings_declaring, with_loaded};
#[cfg(test)]
pub(crate) use siblings::{set_sibling_trees, sibling_counts};
use siblings::{sibling_fields, Siblings};
use spans::Tx;
use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use tree_sitter::Tree;
use typed_arena::Arena;
use walk::Passes;

pub use gate::{walk_flags, GateFile, PackageScan};
pub use literals::decode_string;
pub use modpath::{import_path_for, ModuleIndex};
pub use parse::{
    abandoned_parses_running, max_abandoned_parses, parse_counters, parse_only, parse_time_limit,
    parses_given_up, parses_refused, set_max_abandoned_parses, set_parse_time_limit, Unparsed,
    DEFAULT_MAX_ABANDONED_PARSES, DEFAULT_PARSE_TIME_LIMIT,
};
pub use prefilter::{
    classify, classify_with, declares_grpc_server, import_paths, mentions_instrumentation,
    package_clause, Trigger,
};

/// What extraction knows beyond the package's own files.
#[derive(Clone, Debug, Default)]
pub struct ExtractOptions {
    /// Import path → package name (its package clause) of the packages of
    /// the linted tree: an import without an alias is used under that name.
    pub package_names: HashMap<String, String>,
    /// `spans.start_functions`: functions that start a span like
    /// `tracer.Start` (`"util.StartTrace"`, or `"StartTrace"` in its own package).
    pub start_functions: Vec<String>,
}

/// Facts of one package. `files` are all linted files of one directory with
/// the same package clause, sorted by path.
pub fn extract_package(dir: &str, package: &str, files: &[&SourceFile]) -> PackageFacts {
    let walk: Vec<bool> = files
        .iter()
        .map(|f| mentions_instrumentation(&f.text))
        .collect();
    extract_package_walking(dir, package, files, walk)
}

/// [`extract_package`], walking the files whose `walk` flag is set.
pub fn extract_package_walking(
    dir: &str,
    package: &str,
    files: &[&SourceFile],
    walk: Vec<bool>,
) -> PackageFacts {
    extract_package_with(dir, package, files, walk, &ExtractOptions::default())
}

/// [`extract_package_walking`] with what the tree around the package tells.
pub fn extract_package_with(
    dir: &str,
    package: &str,
    files: &[&SourceFile],
    walk: Vec<bool>,
    opts: &ExtractOptions,
) -> PackageFacts {
    extract_package_loading(dir, package, files, walk, opts, &|_| None).0
}

/// Reads file `i` of a package whose text was not handed over (an empty
/// `text`, `walk` not set), or `None` when it cannot be read.
pub type LoadText<'a> = &'a dyn Fn(usize) -> Option<SourceFile>;

/// [`extract_package_with`], where files not walked may come without their
/// texts: a sibling is read with `load` only when a name its package looks
/// up is missing, and kept only if it may declare it. Returns the facts and
/// the files so read and kept (by index in `files`): facts may point into them.
pub fn extract_package_loading(
    dir: &str,
    package: &str,
    files: &[&SourceFile],
    walk: Vec<bool>,
    opts: &ExtractOptions,
    load: LoadText<'_>,
) -> (PackageFacts, Vec<(usize, SourceFile)>) {
    let mut loaded: Vec<Option<SourceFile>> = (0..files.len()).map(|_| None).collect();
    let facts = extract_package_into(dir, package, files, walk, opts, (&mut loaded, load));
    let loaded = loaded
        .into_iter()
        .enumerate()
        .filter_map(|(i, f)| Some((i, f?)))
        .collect();
    (facts, loaded)
}

fn extract_package_into(
    dir: &str,
    package: &str,
    files: &[&SourceFile],
    walk: Vec<bool>,
    opts: &ExtractOptions,
    (loaded, load): (&mut [Option<SourceFile>], LoadText<'_>),
) -> PackageFacts {
    let mut facts = PackageFacts {
        dir: dir.to_string(),
        name: package.to_string(),
        files: files.iter().map(|f| f.id).collect(),
        paths: files.iter().map(|f| f.path.clone()).collect(),
        ..PackageFacts::default()
    };
    budget::begin_package();
    let walked = files
        .iter()
        .zip(&walk)
        .filter(|(_, w)| **w)
        .map(|(f, _)| *f);
    if bounded::wanted(walked) {
        if bounded::extract(&mut facts, package, files, &walk, opts, (loaded, load)).is_ok() {
            return facts;
        }
        // Read the ordinary way instead, from scratch.
        clear_facts(&mut facts);
        budget::begin_package();
    }
    let mut parsed: Vec<(usize, bool, Tree)> = (0..files.len())
        .filter(|&i| walk[i])
        .filter_map(|i| Some((i, true, parse_or_record(files[i], &mut facts)?)))
        .collect();
    if parsed.is_empty() {
        return facts;
    }
    // Siblings are parsed only when a name is missing, and then only those
    // whose text mentions a missing name (a file that does not contain the
    // name cannot declare it); repeated until no new sibling qualifies. A
    // sibling's tree is dropped once its declarations are indexed, unless a
    // declaration cannot be read from the index: then every sibling keeps
    // its tree.
    let mut siblings = Siblings::new(files.len(), &parsed);
    let mut taken = walk;
    let mut missing = extract_keeping_trees_if_needed(
        &mut facts,
        package,
        &mut parsed,
        &mut siblings,
        files,
        opts,
    );
    while !missing.is_empty() {
        let wanted = siblings_declaring(&missing, files, &taken, loaded, load);
        if wanted.is_empty() {
            break;
        }
        let members = with_loaded(files, loaded);
        for i in wanted {
            taken[i] = true;
            if let Some(tree) = parse_or_record(members[i], &mut facts) {
                siblings.add(i, tree, &members[i].text, opts, &mut parsed);
            }
        }
        missing = extract_keeping_trees_if_needed(
            &mut facts,
            package,
            &mut parsed,
            &mut siblings,
            &members,
            opts,
        );
    }
    facts
}

/// [`extract_within_time`] with the siblings indexed; if a declaration
/// cannot be read from the index, again with every sibling's tree at hand
/// (from then on).
fn extract_keeping_trees_if_needed(
    facts: &mut PackageFacts,
    package: &str,
    parsed: &mut Vec<(usize, bool, Tree)>,
    siblings: &mut Siblings,
    files: &[&SourceFile],
    opts: &ExtractOptions,
) -> Vec<String> {
    if let Ok(missing) = extract_within_time(facts, package, parsed, siblings.index(), files, opts)
    {
        return missing;
    }
    siblings.back_to_trees(parsed, |file| parse_or_record(files[file], facts));
    extract_within_time(facts, package, parsed, None, files, opts).unwrap_or_default()
}

/// [`extract_into`], again without the files whose extraction ran past the
/// time limit (`budget.rs`) until none does: their facts are dropped and
/// they are recorded in `facts.unfinished` (a file read only for resolution
/// just stops being walked).
fn extract_within_time(
    facts: &mut PackageFacts,
    package: &str,
    parsed: &mut [(usize, bool, Tree)],
    siblings: Option<&Index>,
    files: &[&SourceFile],
    opts: &ExtractOptions,
) -> Result<Vec<String>, Unreadable> {
    loop {
        let missing = extract_into(facts, package, parsed, siblings, files, opts)?;
        let given_up = budget::take_given_up();
        if given_up.is_empty() {
            return Ok(missing);
        }
        for (i, walk, _) in parsed.iter_mut() {
            let file = files[*i];
            if given_up.contains(&budget::key(&file.text)) && *walk {
                *walk = false;
                facts.unfinished.push(Span::new(file.id, 0, 0));
            }
        }
        facts.unfinished.sort();
    }
}

/// The file's tree, or `None` with the file recorded in `facts.unparsed`
/// when tree-sitter did not finish within the time limit (in
/// `facts.parse_refused` when the parse was refused).
fn parse_or_record(file: &SourceFile, facts: &mut PackageFacts) -> Option<Tree> {
    let at_start = Span::new(file.id, 0, 0);
    match parse::parse_go_or_why(&file.text) {
        Ok(tree) => Some(tree),
        Err(Unparsed::TimedOut) => {
            facts.unparsed.push(at_start);
            None
        }
        Err(Unparsed::Busy) => {
            facts.parse_refused.push(at_start);
            None
        }
    }
}

/// Fills the facts from the parsed files and the siblings indexed; returns
/// the names looked up that no parsed file declares, or `Unreadable` when a
/// sibling's declaration could not be read from the index.
fn extract_into(
    facts: &mut PackageFacts,
    package: &str,
    parsed: &[(usize, bool, Tree)],
    siblings: Option<&Index>,
    files: &[&SourceFile],
    opts: &ExtractOptions,
) -> Result<Vec<String>, Unreadable> {
    clear_facts(facts);
    let failed = Cell::new(false);
    let tops = Arena::new();
    let field_names = Arena::new();
    let siblings = siblings.map(|index| LazyDecls::new(index, None, &tops, &failed));
    let pkg = Pkg::new(package, parsed, files, opts, siblings);
    // One walk per parsed file. The tracer and meter field indexes are
    // package-wide, so the calls whose facts read them are put off until
    // every file has been walked.
    let traced = Tx::traced(&pkg);
    let tx = Tx::empty(&pkg);
    let mx = Mx::with_fields(&pkg, HashSet::new());
    let metered = (0..pkg.units.len()).any(|u| mx.wants(u));
    let mut walked = Vec::new();
    let mut tracer_fields = Vec::new();
    let mut meter_fields = HashSet::new();
    for u in 0..pkg.units.len() {
        let walk = pkg.units[u].walk;
        let spans_here = tx.wants(u);
        let passes = Passes {
            facts: walk,
            tracer_index: traced && spans_here,
            meter_index: mx.wants(u),
            contexts: walk && pkg.imports_api(u, Api::Context),
            spans: walk && (spans_here || traced),
            otel: walk && metered,
        };
        if !passes.any() {
            continue;
        }
        if pkg.units[u].root.is_none() {
            // An indexed sibling: parsed again for its fields alone.
            let fields = sibling_fields(&pkg, u, passes)?;
            for (name, lib) in fields.tracers {
                tracer_fields.push((field_names.alloc(name).as_str(), lib));
            }
            for name in fields.meters {
                meter_fields.insert(field_names.alloc(name).as_str());
            }
            continue;
        }
        let mut file = pkg.walk_unit(u, passes, &tx, &mx);
        tracer_fields.append(&mut file.tracer_fields);
        meter_fields.extend(file.meter_fields.drain(..));
        if walk {
            walked.push((u, file));
        }
    }
    let tx = Tx {
        pkg: &pkg,
        tracer_fields: tracer_fields.into_iter().collect(),
    };
    let mx = Mx::with_fields(&pkg, meter_fields);
    let mut queries = Vec::new();
    for (u, file) in walked {
        add_unit(facts, &pkg, u, file, &tx, &mx, &mut queries);
    }
    for name in finish_facts(facts, queries) {
        pkg.note_missing(name);
    }
    if failed.get() {
        return Err(Unreadable);
    }
    Ok(pkg.missing_names.take())
}

/// Empties the facts a round of extraction fills.
fn clear_facts(facts: &mut PackageFacts) {
    facts.metrics.clear();
    facts.const_metrics.clear();
    facts.label_uses.clear();
    facts.metric_ops.clear();
    facts.registrations.clear();
    facts.suppression_scopes.clear();
    facts.syntax_errors.clear();
    facts.span_starts.clear();
    facts.background_calls.clear();
    facts.with_values.clear();
    facts.detached_spans.clear();
    facts.otel_instruments.clear();
    facts.otel_measurements.clear();
    facts.queries.clear();
}

/// Adds walked unit `u`'s facts: those of its walk (`file`), then those of
/// the calls it put off, read with the complete field indexes of `tx` and
/// `mx`, and its queries (into `queries`, merged by [`finish_facts`]).
fn add_unit<'t>(
    facts: &mut PackageFacts,
    pkg: &Pkg<'t>,
    u: usize,
    file: walk::FileFacts<'t>,
    tx: &Tx<'_, 't>,
    mx: &Mx<'_, 't>,
    queries: &mut Vec<promql::UnitQueries>,
) {
    facts.metrics.extend(file.metrics);
    facts.const_metrics.extend(file.const_metrics);
    facts.label_uses.extend(file.uses.label_uses);
    facts.metric_ops.extend(file.uses.metric_ops);
    facts.registrations.extend(file.uses.registrations);
    facts.suppression_scopes.extend(file.suppression_scopes);
    facts.syntax_errors.extend(file.syntax_error);
    // The calls put off count against the file's extraction time too.
    let Some(_entered) = budget::enter(budget::key(&pkg.units[u].src.text)) else {
        return;
    };
    queries.push(promql::unit_queries(pkg, u, file.query_sites));
    if tx.wants(u) {
        let spans = tx.unit_spans(u, file.background_calls, &file.span_calls, &file.log);
        spans::add_spans(facts, spans);
    }
    if mx.wants(u) {
        mx.unit_otel(u, &file.otel_calls, &file.log, facts);
    }
}

/// Binds measurements, chooses the queries and sorts the facts once every
/// walked unit's are in; returns the names the reported strings looked up
/// without finding.
fn finish_facts(facts: &mut PackageFacts, queries: Vec<promql::UnitQueries>) -> Vec<String> {
    otel::bind(facts);
    let (queries, missing) = promql::merge_queries(queries);
    facts.queries = queries;
    facts
        .metrics
        .sort_by_key(|m| (m.call.file, m.call.start, m.call.end));
    facts.const_metrics.sort_by_key(|x| x.call);
    facts.label_uses.sort_by_key(|x| x.call);
    facts.metric_ops.sort_by_key(|x| x.call);
    facts.registrations.sort_by_key(|x| x.call);
    facts.suppression_scopes.sort();
    facts.suppression_scopes.dedup();
    facts.syntax_errors.sort();
    missing
}
