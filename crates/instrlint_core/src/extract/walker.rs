//! The one iterative walk every pass uses: each node in source order with
//! its ancestors, the marked ones among them and the functions among those,
//! carried down the walk (`Node::parent` costs the node's depth in
//! tree-sitter, and rebuilding the function chain at every node costs the
//! number of functions around it: both quadratic on deeply nested code).
//! Each walk counts against its file's extraction time (`budget.rs`).

use super::funcs::Mark;
use tree_sitter::Node;

/// Calls `f(path, marks, chain)` for every node of `root`: `path` runs from
/// the root to the node (last); `marks` are the marked nodes of `path` with
/// their depth, root first; `chain` is the functions among `marks`, outermost
/// first (a `Site` chain).
pub(crate) fn visit<'t>(
    root: Node<'t>,
    text: &str,
    mut f: impl FnMut(&[Node<'t>], &[(usize, Mark<'t>)], &[Node<'t>]),
) {
    // A file past its extraction time is not walked (further).
    let Some(_entered) = super::budget::enter(super::budget::key(text)) else {
        return;
    };
    let mut cursor = root.walk();
    let mut path: Vec<Node<'t>> = vec![root];
    let mut marks: Vec<(usize, Mark<'t>)> = Vec::new();
    let mut chain: Vec<Node<'t>> = Vec::new();
    loop {
        if super::budget::over() {
            return;
        }
        if let Some(m) = Mark::of(text, &path) {
            chain.extend(m.function());
            marks.push((path.len() - 1, m));
        }
        f(&path, &marks, &chain);
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
