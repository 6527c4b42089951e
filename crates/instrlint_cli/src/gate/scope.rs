//! `--diff-base` without extracting the whole tree: which packages can hold,
//! or feed, a finding that touches a changed line.
//!
//! A finding is reported when its primary location or one of its related
//! locations is on a changed line, so it involves a package holding a changed
//! file (a *changed* package). Facts cross packages in three ways only:
//!
//! - **Bindings by import path**: a use, an operation, a const metric or a
//!   registration in one package binds to a definition of a package it
//!   imports (`facts::link`), and a `NewDesc`'s kind comes from the const
//!   metrics of its importers. So the packages a changed package imports, the
//!   importers of both, and for L208 (a vector whose series are never
//!   deleted: any deleting call of the tree counts) every package that
//!   mentions `Delete` or `Reset`, with the packages those import.
//! - **Metric names** (M113 compares fully-qualified names across packages;
//!   a PromQL selector names the tree's first definition of a name): every
//!   package that may define a name a changed package defines or queries.
//! - **PromQL queries** in Go that may select a name a changed package
//!   defines (the definition is their related location).
//!
//! Everything else is extracted exactly as before, from the same texts: a
//! package's facts depend only on its own files, so a package either is
//! extracted in full or contributes nothing that could reach a changed line.
//!
//! The name-only scan is lexical: every string a package's extraction can
//! resolve (a metric name, an import path, a query) is folded from the
//! package's own string literals, by concatenation (`+`) and, for metric
//! names, `BuildFQName`'s `_` separators. A package whose literals cannot
//! spell a name cannot define or query it. The scanner lexes Go comments,
//! runes and strings; anything it cannot vouch for (an unterminated literal
//! or comment, an escape it does not know, a name that is not valid UTF-8)
//! makes the package count as able to spell every name.

use instrlint_core::extract::decode_string;

/// Decoded string literals.
pub type Literals = foldhash::HashSet<Vec<u8>>;

/// What the lexical scan of one package's Go files found.
#[derive(Debug, Default)]
pub struct Scan {
    /// Every string literal, decoded (escapes applied, `\r` dropped from raw strings).
    pub literals: Literals,
    /// Something the scanner cannot vouch for: the package may spell anything.
    pub unusual: bool,
    /// The text mentions `Delete` or `Reset` (the methods that delete series).
    pub deletes: bool,
    /// The text mentions `NewDesc`: a `Desc` whose kind its importers'
    /// const metrics decide.
    pub descs: bool,
}

impl Scan {
    /// Scan the texts of one package's files.
    pub fn of<'a>(texts: impl IntoIterator<Item = &'a str>) -> Scan {
        let mut scan = Scan::default();
        for text in texts {
            scan.deletes |= text.contains("Delete") || text.contains("Reset");
            scan.descs |= text.contains("NewDesc");
            if !lex(text, &mut scan.literals) {
                scan.unusual = true;
            }
        }
        scan
    }

    /// Whether the package may import `path` (its literals hold it).
    pub fn may_import(&self, path: &str) -> bool {
        self.unusual || self.literals.contains(path.as_bytes())
    }

    /// Whether a metric name folded from this package's literals may be `name`.
    pub fn may_define(&self, name: &[u8]) -> bool {
        self.unusual || lossy(name) || may_join(&self.literals, name)
    }

    /// Whether a string folded from this package's literals may contain `needle`.
    pub fn may_spell(&self, needle: &[u8]) -> bool {
        self.unusual || lossy(needle) || may_spell(&self.literals, needle)
    }
}

/// The PromQL functions the Q rules look for (`irate` contains `rate`).
pub const QUERY_FUNCTIONS: [&[u8]; 3] = [b"rate", b"increase", b"histogram_quantile"];

/// A name that holds U+FFFD may come from bytes that were not UTF-8: its
/// text is not the literal's bytes.
fn lossy(name: &[u8]) -> bool {
    name.windows(3).any(|w| w == "\u{fffd}".as_bytes())
}

/// Adds the decoded string literals of `text` to `out`; false when the text
/// holds something the lexer cannot vouch for.
fn lex(text: &str, out: &mut Literals) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    while let Some(off) = memchr::memchr3(b'"', b'`', b'/', &b[i..]) {
        let at = i + off;
        // A rune literal may hold a quote (`'"'`, `'\''`): runes between
        // `i` and `at` are skipped first.
        if let Some(q) = memchr::memchr(b'\'', &b[i..at]) {
            match skip_rune(b, i + q) {
                Some(end) => {
                    i = end;
                    continue;
                }
                None => return false,
            }
        }
        match b[at] {
            b'/' => match b.get(at + 1) {
                Some(b'/') => {
                    i = memchr::memchr(b'\n', &b[at..]).map_or(b.len(), |n| at + n + 1);
                }
                Some(b'*') => match memchr::memmem::find(&b[at + 2..], b"*/") {
                    Some(n) => i = at + 2 + n + 2,
                    None => return false,
                },
                _ => i = at + 1,
            },
            b'`' => match memchr::memchr(b'`', &b[at + 1..]) {
                Some(n) => {
                    let end = at + 1 + n + 1;
                    match decode_string(&text[at..end]) {
                        Some(v) => {
                            out.insert(v);
                        }
                        None => return false,
                    }
                    i = end;
                }
                None => return false,
            },
            _ => {
                let Some(end) = skip_quoted(b, at, b'"') else {
                    return false;
                };
                match decode_string(&text[at..end]) {
                    Some(v) => {
                        out.insert(v);
                    }
                    None => return false,
                }
                i = end;
            }
        }
    }
    // Runes after the last string or comment hold nothing, but one that is
    // not closed is unusual.
    while let Some(q) = memchr::memchr(b'\'', &b[i..]) {
        match skip_rune(b, i + q) {
            Some(end) => i = end,
            None => return false,
        }
    }
    true
}

/// The end (one past the closing quote) of the literal opened at `start`;
/// `None` when a newline or the end of the text comes first.
fn skip_quoted(b: &[u8], start: usize, quote: u8) -> Option<usize> {
    let mut j = start + 1;
    while j < b.len() {
        match b[j] {
            b'\\' => j += 2,
            b'\n' => return None,
            c if c == quote => return Some(j + 1),
            _ => j += 1,
        }
    }
    None
}

fn skip_rune(b: &[u8], start: usize) -> Option<usize> {
    skip_quoted(b, start, b'\'')
}

/// Whether `name` is a sequence of whole literals and `_` separators (what
/// `+` and `BuildFQName` can fold).
fn may_join(literals: &Literals, name: &[u8]) -> bool {
    let n = name.len();
    let mut reach = vec![false; n + 1];
    reach[0] = true;
    for i in 0..n {
        if !reach[i] {
            continue;
        }
        if name[i] == b'_' {
            reach[i + 1] = true;
        }
        for j in i + 1..=n {
            if !reach[j] && literals.contains(&name[i..j]) {
                reach[j] = true;
            }
        }
    }
    reach[n]
}

/// Whether `needle` occurs in some concatenation of literals: inside one,
/// or as the end of one, whole ones, and the start of another.
fn may_spell(literals: &Literals, needle: &[u8]) -> bool {
    let n = needle.len();
    if n == 0 {
        return true;
    }
    let mut reach = vec![false; n + 1];
    for l in literals {
        if l.len() >= n && memchr::memmem::find(l, needle).is_some() {
            return true;
        }
        for k in 1..=n.min(l.len()) {
            if l.ends_with(&needle[..k]) {
                reach[k] = true;
            }
        }
    }
    for k in 1..=n {
        if !reach[k] {
            continue;
        }
        if k == n {
            return true;
        }
        let rest = &needle[k..];
        for l in literals.iter().filter(|l| !l.is_empty()) {
            if l.starts_with(rest) {
                return true;
            }
            if rest.starts_with(l) {
                reach[k + l.len()] = true;
            }
        }
    }
    false
}

/// The packages of the tree as the plan sees them, by index.
pub struct Packages<'a> {
    pub import_paths: &'a [Option<String>],
    /// The package has facts at all (one of its files is walked).
    pub active: &'a [bool],
    /// One of its files changed (or git cannot judge one).
    pub changed: &'a [bool],
    /// The scans of the active packages.
    pub scans: &'a [Option<Scan>],
}

impl Packages<'_> {
    fn scan(&self, p: usize) -> Option<&Scan> {
        self.scans[p].as_ref()
    }

    /// Active packages not in `taken` that may import one of `targets`.
    fn importers(&self, targets: &[usize], taken: &[bool]) -> Vec<usize> {
        let paths: Vec<&str> = targets
            .iter()
            .filter_map(|&t| self.import_paths[t].as_deref())
            .collect();
        if paths.is_empty() {
            return Vec::new();
        }
        (0..self.active.len())
            .filter(|&q| self.active[q] && !taken[q])
            .filter(|&q| {
                self.scan(q)
                    .is_none_or(|s| paths.iter().any(|p| s.may_import(p)))
            })
            .collect()
    }

    /// Active packages not in `taken` that one of `from` may import.
    fn imported_by(&self, from: &[usize], taken: &[bool]) -> Vec<usize> {
        (0..self.active.len())
            .filter(|&q| self.active[q] && !taken[q])
            .filter(|&q| {
                let Some(path) = self.import_paths[q].as_deref() else {
                    return false;
                };
                from.iter()
                    .any(|&f| self.scan(f).is_none_or(|s| s.may_import(path)))
            })
            .collect()
    }
}

fn mark(taken: &mut [bool], ps: &[usize]) {
    for &p in ps {
        taken[p] = true;
    }
}

/// The packages a changed package may import (among `taken`).
pub fn imported(p: &Packages<'_>, taken: &[bool]) -> Vec<bool> {
    let changed: Vec<usize> = (0..taken.len())
        .filter(|&i| p.active[i] && p.changed[i])
        .collect();
    let none = vec![false; taken.len()];
    let mut out = vec![false; taken.len()];
    for q in p.imported_by(&changed, &none) {
        out[q] = taken[q];
    }
    out
}

/// The first packages to extract: the changed ones, those they import, the
/// importers of the changed ones (their uses bind to the changed
/// definitions), and the importers of an imported package that may hold a
/// `Desc` (their const metrics decide its kind).
pub fn first_wave(p: &Packages<'_>) -> Vec<bool> {
    let mut taken: Vec<bool> = (0..p.active.len())
        .map(|i| p.active[i] && p.changed[i])
        .collect();
    let changed: Vec<usize> = (0..taken.len()).filter(|&i| taken[i]).collect();
    let imported = p.imported_by(&changed, &taken);
    mark(&mut taken, &imported);
    let with_descs = imported
        .iter()
        .copied()
        .filter(|&q| p.scan(q).is_none_or(|s| s.descs || s.unusual));
    let targets: Vec<usize> = changed.iter().copied().chain(with_descs).collect();
    let importers = p.importers(&targets, &taken);
    mark(&mut taken, &importers);
    taken
}

/// What the extracted changed packages name, for the second wave.
#[derive(Debug, Default)]
pub struct Names {
    /// Names whose every definition in the tree must be known: what the
    /// changed packages define (also with a series suffix) or query.
    pub defined: Vec<Vec<u8>>,
    /// Names the changed packages define: a query elsewhere may select them.
    pub queried: Vec<Vec<u8>>,
    /// A changed or imported package defines a vector labelled by a
    /// short-lived entity (L208 then looks at every deleting call of the tree).
    pub vectors: bool,
    /// The imported packages that do: their importers may create the
    /// series (L208 names the first place that does).
    pub vector_holders: Vec<usize>,
}

/// The packages to extract besides `taken`: those that may define a name of
/// `names.defined` (with their importers, which type their `NewDesc`s),
/// those that may query a name of `names.queried`, and with `names.vectors`
/// those that may delete series (with the packages they import).
pub fn second_wave(p: &Packages<'_>, taken: &[bool], names: &Names) -> Vec<bool> {
    let mut taken = taken.to_vec();
    let candidates: Vec<usize> = (0..p.active.len())
        .filter(|&q| p.active[q] && !taken[q])
        .collect();
    let index = NameIndex::new(&names.defined);
    let defines = |s: &Scan| -> bool { s.unusual || index.may_define(&s.literals) };
    let queries = |s: &Scan| -> bool {
        QUERY_FUNCTIONS.iter().any(|f| s.may_spell(f))
            && names.queried.iter().any(|n| s.may_spell(n))
    };
    let by_name: Vec<usize> = candidates
        .iter()
        .copied()
        .filter(|&q| p.scan(q).is_none_or(defines))
        .collect();
    let by_query: Vec<usize> = candidates
        .iter()
        .copied()
        .filter(|&q| p.scan(q).is_none_or(queries))
        .collect();
    let deleting: Vec<usize> = if names.vectors {
        candidates
            .iter()
            .copied()
            .filter(|&q| p.scan(q).is_none_or(|s| s.deletes || s.unusual))
            .collect()
    } else {
        Vec::new()
    };
    mark(&mut taken, &by_name);
    mark(&mut taken, &by_query);
    mark(&mut taken, &deleting);
    let with_descs: Vec<usize> = by_name
        .iter()
        .copied()
        .filter(|&q| p.scan(q).is_none_or(|s| s.descs || s.unusual))
        .chain(names.vector_holders.iter().copied())
        .collect();
    let importers = p.importers(&with_descs, &taken);
    mark(&mut taken, &importers);
    let imported = p.imported_by(&deleting, &taken);
    mark(&mut taken, &imported);
    taken
}

/// The names a second-wave package must not be able to define, indexed by
/// the first bytes (up to [`KEY`]) at every position, to find with one
/// lookup per literal where a package's literals occur in them. Linear in
/// the names' length (a changed package may define hundreds of names).
struct NameIndex<'n> {
    names: &'n [Vec<u8>],
    /// `name[i..i + m]` for every position `i` and `m` up to [`KEY`] → (name, i).
    starts: foldhash::HashMap<&'n [u8], Vec<(u32, u32)>>,
    /// A name any package may fold (separators only, or not UTF-8).
    always: bool,
}

/// Bytes of a literal looked up in the index.
const KEY: usize = 4;

impl<'n> NameIndex<'n> {
    fn new(names: &'n [Vec<u8>]) -> Self {
        let mut index = NameIndex {
            names,
            starts: foldhash::HashMap::default(),
            always: false,
        };
        for (k, name) in names.iter().enumerate() {
            if name.iter().all(|b| *b == b'_') || lossy(name) {
                index.always = true;
                continue;
            }
            for i in 0..name.len() {
                for m in 1..=KEY.min(name.len() - i) {
                    index
                        .starts
                        .entry(&name[i..i + m])
                        .or_default()
                        .push((k as u32, i as u32));
                }
            }
        }
        index
    }

    /// [`may_join`] for some name, from the literals of one package.
    fn may_define(&self, literals: &Literals) -> bool {
        if self.always {
            return true;
        }
        let mut edges: foldhash::HashMap<u32, Vec<(u32, u32)>> = foldhash::HashMap::default();
        for l in literals.iter().filter(|l| !l.is_empty()) {
            let Some(found) = self.starts.get(&l[..KEY.min(l.len())]) else {
                continue;
            };
            for &(k, i) in found {
                let name = &self.names[k as usize];
                if l.len() <= KEY || name[i as usize..].starts_with(l) {
                    edges.entry(k).or_default().push((i, i + l.len() as u32));
                }
            }
        }
        edges
            .into_iter()
            .any(|(k, edges)| joins(&self.names[k as usize], edges))
    }
}

/// Whether `name` is a path of `edges` (pieces a literal covers) and `_`
/// separators from its start to its end.
fn joins(name: &[u8], mut edges: Vec<(u32, u32)>) -> bool {
    edges.sort_unstable();
    let n = name.len();
    let mut reach = vec![false; n + 1];
    reach[0] = true;
    let mut e = 0;
    for i in 0..n {
        while e < edges.len() && (edges[e].0 as usize) < i {
            e += 1;
        }
        if !reach[i] {
            continue;
        }
        if name[i] == b'_' {
            reach[i + 1] = true;
        }
        let mut f = e;
        while f < edges.len() && edges[f].0 as usize == i {
            reach[edges[f].1 as usize] = true;
            f += 1;
        }
    }
    reach[n]
}

/// A name and the names a query may select it by (`_total`, `_bucket` …).
pub fn with_series_suffixes(name: &str) -> impl Iterator<Item = Vec<u8>> + '_ {
    std::iter::once(name.as_bytes().to_vec()).chain(
        ["_bucket", "_count", "_sum", "_total"]
            .into_iter()
            .map(move |s| format!("{name}{s}").into_bytes()),
    )
}

/// A selector's metric and the name it is looked up by without a series suffix.
pub fn selector_names(metric: &str) -> impl Iterator<Item = Vec<u8>> + '_ {
    std::iter::once(metric.as_bytes().to_vec()).chain(
        ["_bucket", "_count", "_sum", "_total"]
            .into_iter()
            .filter_map(move |s| metric.strip_suffix(s))
            .map(|b| b.as_bytes().to_vec()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lits(text: &str) -> Scan {
        Scan::of([text])
    }

    fn set(xs: &[&str]) -> Literals {
        xs.iter().map(|x| x.as_bytes().to_vec()).collect()
    }

    #[test]
    fn lexes_strings_not_comments_or_runes() {
        let s = lits(
            "package p\n// \"not\" a string\n/* `nor` this */\nconst a = \"req\\x75ests\"\n\
             var r = '\"'\nvar q = '\\''\nconst b = `raw\r\nline`\nvar c = \"a/*b\"\n",
        );
        assert!(!s.unusual);
        assert_eq!(s.literals, set(&["requests", "raw\nline", "a/*b"]));
        assert!(!s.deletes);
    }

    #[test]
    fn unterminated_or_odd_text_is_unusual() {
        for text in [
            "const a = \"open\n",
            "/* never closed",
            "const a = `open",
            "var r = '\n",
            "const a = \"\\q\"",
        ] {
            assert!(lits(text).unusual, "{text:?}");
        }
        assert!(lits("x.DeleteLabelValues(\"a\")").deletes);
        assert!(lits("v.Reset()").deletes);
    }

    #[test]
    fn names_join_whole_literals_and_separators() {
        let l = set(&["app", "http", "requests_total", "latency"]);
        assert!(may_join(&l, b"app_http_requests_total"));
        assert!(may_join(&l, b"apphttp"));
        assert!(!may_join(&l, b"app_requests"));
        assert!(!may_join(&l, b"latencyMs"));
        assert!(may_join(&l, b""));
    }

    #[test]
    fn the_index_agrees_with_the_plain_search() {
        let names: Vec<Vec<u8>> = [
            "app_http_requests_total",
            "apphttp",
            "app_requests",
            "latencyMs",
            "x__y",
        ]
        .iter()
        .map(|n| n.as_bytes().to_vec())
        .collect();
        let index = NameIndex::new(&names);
        for lits in [
            set(&["app", "http", "requests_total"]),
            set(&["app", "requests"]),
            set(&["latency", "Ms"]),
            set(&["latency"]),
            set(&["x", "y"]),
            set(&["x"]),
            set(&["app_", "http_x", "requests_totals"]),
            set(&["app_http_requests_total"]),
            set(&["app_http_", "requests_", "total", ""]),
        ] {
            let plain = names.iter().any(|n| may_join(&lits, n));
            assert_eq!(index.may_define(&lits), plain, "{lits:?}");
        }
        assert!(NameIndex::new(&[b"__".to_vec()]).may_define(&set(&[])));
    }

    #[test]
    fn needles_span_concatenations() {
        let l = set(&["sum(ra", "te(x", "[5m]))", "incr", "ea", "se(y)"]);
        assert!(may_spell(&l, b"rate"));
        assert!(may_spell(&l, b"increase"));
        assert!(may_spell(&l, b"x[5m]"));
        assert!(!may_spell(&l, b"histogram_quantile"));
        assert!(!may_spell(&l, b"rate_x"));
    }

    #[test]
    fn lossy_names_are_spelled_by_anyone() {
        let s = lits("const a = \"x\"");
        assert!(s.may_define("a\u{fffd}b".as_bytes()));
        assert!(!s.may_define(b"ab"));
    }
}
