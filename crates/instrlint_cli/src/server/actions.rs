//! Code actions: "Ignore CODE on this line", which writes the suppression
//! comment `//instrlint:ignore CODE -- reason` where it silences the finding
//! (`suppress::ignore_insertion` decides where).

use super::convert::{self, Encoding};
use super::state::State;
use crate::pipeline::UNUSED_IGNORE;
use instrlint_core::suppress;
use instrlint_core::LineIndex;
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, NumberOrString, Range,
    TextEdit, WorkspaceEdit,
};
use std::collections::HashMap;

/// The placeholder the user replaces with why the finding is accepted.
const REASON: &str = "reason";

pub fn code_actions(
    st: &State,
    params: &CodeActionParams,
    enc: Encoding,
) -> Vec<CodeActionOrCommand> {
    let uri = &params.text_document.uri;
    let Some(path) = convert::path_of(uri) else {
        return Vec::new();
    };
    let Some(doc) = st.docs.get(&path) else {
        return Vec::new();
    };
    let ours = |d: &&lsp_types::Diagnostic| d.source.as_deref() == Some("instrlint");
    // The diagnostics the client names, else ours on the requested lines.
    let mut diagnostics: Vec<&lsp_types::Diagnostic> =
        params.context.diagnostics.iter().filter(ours).collect();
    if diagnostics.is_empty() {
        let results = st.results.get(&path);
        diagnostics = results
            .into_iter()
            .flat_map(|r| r.diagnostics.iter())
            .filter(|d| overlaps_lines(&d.range, &params.range))
            .collect();
    }
    let lines = LineIndex::new(&doc.text);
    let mut seen = Vec::new();
    let mut actions = Vec::new();
    for d in diagnostics {
        let Some(NumberOrString::String(code)) = &d.code else {
            continue;
        };
        // An unused suppression is fixed by removing it, not by another.
        if code == UNUSED_IGNORE.0 || seen.contains(&(code.clone(), d.range.start.line)) {
            continue;
        }
        seen.push((code.clone(), d.range.start.line));
        let insertion = suppress::ignore_insertion(&doc.text, d.range.start.line + 1, code, REASON);
        let at = convert::position(&doc.text, &lines, insertion.offset, enc);
        let edit = TextEdit::new(Range::new(at, at), insertion.text);
        actions.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: format!("Ignore {code} on this line"),
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![d.clone()]),
            edit: Some(WorkspaceEdit {
                changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
                ..Default::default()
            }),
            ..Default::default()
        }));
    }
    actions
}

fn overlaps_lines(a: &Range, b: &Range) -> bool {
    a.start.line <= b.end.line && b.start.line <= a.end.line
}
