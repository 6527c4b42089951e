//! The one iterative walk every pass uses: each node in source order with
//! its ancestors, the marked ones among them and the functions among those,
//! carried down the walk (`Node::parent` costs the node's depth in
//! tree-sitter, and rebuilding the function chain at every node costs the
//! number of functions around it: both quadratic on deeply nested code).
//! Each walk counts against its file's extraction time (`budget.rs`).

use super::funcs::Mark;
use tree_sitter::Node;

/// Every mark the walk entered, each with the mark around it: a persistent
/// stack, so that one index names the marks around any point of the walk
/// and work put off to the end of the walk keeps its context without
/// copying it (a copy per site is quadratic in nested function literals).
#[derive(Default)]
pub(crate) struct MarkLog<'t> {
    /// (mark, the entry around it: 0 for none, else its index + 1).
    entries: Vec<(Mark<'t>, u32)>,
}

impl<'t> MarkLog<'t> {
    /// The marks around the point named by `top` (from the walk), root first.
    pub fn marks(&self, mut top: u32) -> Vec<Mark<'t>> {
        let mut out = Vec::new();
        while top != 0 {
            let (m, around) = self.entries[top as usize - 1];
            out.push(m);
            top = around;
        }
        out.reverse();
        out
    }
}

/// Calls `f(path, marks, chain, top)` for every node of `root`: `path` runs
/// from the root to the node (last); `marks` are the marked nodes of `path`
/// with their depth, root first; `chain` is the functions among `marks`,
/// outermost first (a `Site` chain). With a `log`, every mark is recorded
/// there and `top` names the marks around the node ([`MarkLog::marks`]).
pub(crate) fn visit<'t>(
    root: Node<'t>,
    text: &str,
    mut log: Option<&mut MarkLog<'t>>,
    mut f: impl FnMut(&[Node<'t>], &[(usize, Mark<'t>)], &[Node<'t>], u32),
) {
    // A file past its extraction time is not walked (further).
    let Some(_entered) = super::budget::enter(super::budget::key(text)) else {
        return;
    };
    let mut cursor = root.walk();
    let mut path: Vec<Node<'t>> = vec![root];
    let mut marks: Vec<(usize, Mark<'t>)> = Vec::new();
    // The log index of each open mark's parent, parallel to `marks`.
    let mut tops: Vec<u32> = Vec::new();
    let mut top: u32 = 0;
    let mut chain: Vec<Node<'t>> = Vec::new();
    loop {
        if super::budget::over() {
            return;
        }
        if let Some(m) = Mark::of(text, &path) {
            chain.extend(m.function());
            marks.push((path.len() - 1, m));
            tops.push(top);
            if let Some(log) = log.as_deref_mut() {
                log.entries.push((m, top));
                top = log.entries.len() as u32;
            }
        }
        f(&path, &marks, &chain, top);
        if cursor.goto_first_child() {
            path.push(cursor.node());
            continue;
        }
        loop {
            let depth = path.len() - 1;
            while marks.last().is_some_and(|m| m.0 >= depth) {
                if marks.pop().is_some_and(|m| m.1.function().is_some()) {
                    chain.pop();
                }
                top = tops.pop().unwrap_or(0);
            }
            if cursor.goto_next_sibling() {
                if let Some(last) = path.last_mut() {
                    *last = cursor.node();
                }
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
            path.pop();
        }
    }
}
