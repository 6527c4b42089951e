//! S502: the run-time parts of a dynamic span name and their classification.

use super::super::pkg::{call_args, unparen, Api};
use super::super::values::{Local, SVal, Site};
use super::Tx;
use crate::extract::kinds::FIELDS;
use crate::facts::{DynamicKind, DynamicPart};
use tree_sitter::Node;

/// Words that make an identifier ID-like (RULES.md, S502).
const ID_WORDS: &[&str] = &[
    "id", "uuid", "guid", "key", "token", "hash", "session", "user", "email", "ip", "addr",
];

/// How many locals a part is followed through.
const MAX_FOLLOW: u32 = 4;

impl<'p, 't> Tx<'p, 't> {
    /// Every run-time part of a name expression, in source order.
    pub fn dynamic_parts(&self, site: Site<'_, 't>, name: Node<'t>) -> Vec<DynamicPart> {
        let p = self.pkg;
        let mut out = Vec::new();
        let mut stack: Vec<(Node<'t>, u32)> = vec![(name, 0)];
        while let Some((n, follows)) = stack.pop() {
            let n = unparen(n);
            match n.kind() {
                "interpreted_string_literal" | "raw_string_literal" => continue,
                "binary_expression" => {
                    if let (Some(l), Some(r)) = (
                        n.child_by_field_id(FIELDS.left),
                        n.child_by_field_id(FIELDS.right),
                    ) {
                        stack.push((r, follows));
                        stack.push((l, follows));
                        continue;
                    }
                }
                _ => {}
            }
            if matches!(p.fold_str(site, n, 0, &mut None), SVal::Str(..)) {
                continue;
            }
            if n.kind() == "identifier" && follows < MAX_FOLLOW {
                if let Some(v) = self.local_value(site, n) {
                    // The part is the local's value; keep the name's own position.
                    if matches!(unparen(v).kind(), "binary_expression") {
                        stack.push((v, follows + 1));
                        continue;
                    }
                    let kind = self.part_kind(site, v, follows + 1);
                    let kind = match kind {
                        DynamicKind::Other => self.part_kind(site, n, MAX_FOLLOW),
                        k => k,
                    };
                    out.push(self.part(site, n, kind));
                    continue;
                }
            }
            let kind = self.part_kind(site, n, follows);
            out.push(self.part(site, n, kind));
        }
        out
    }

    fn part(&self, site: Site<'_, 't>, n: Node<'t>, kind: DynamicKind) -> DynamicPart {
        DynamicPart {
            span: self.pkg.span(site.unit, n),
            text: self.pkg.text(site.unit, n).to_string(),
            kind,
        }
    }

    /// The value of a local assigned once (`name := …`), in the same function chain.
    fn local_value(&self, site: Site<'_, 't>, n: Node<'t>) -> Option<Node<'t>> {
        let p = self.pkg;
        match p.lookup_local(site, p.text(site.unit, n), n.start_byte())? {
            Local::Bound(_, b) if b.decls == 1 && b.assigns == 0 => b.value,
            _ => None,
        }
    }

    fn part_kind(&self, site: Site<'_, 't>, n: Node<'t>, follows: u32) -> DynamicKind {
        let p = self.pkg;
        let n = unparen(n);
        let text = p.text(site.unit, n);
        match n.kind() {
            "selector_expression" => {
                if is_url_path(text) {
                    return DynamicKind::UrlPath;
                }
                let field = n
                    .child_by_field_id(FIELDS.field)
                    .map(|f| p.text(site.unit, f));
                if field.is_some_and(id_like) {
                    DynamicKind::IdLike
                } else {
                    DynamicKind::Other
                }
            }
            "identifier" => {
                if id_like(text) {
                    return DynamicKind::IdLike;
                }
                match self.local_value(site, n) {
                    Some(v) if follows < MAX_FOLLOW => self.part_kind(site, v, follows + 1),
                    _ => DynamicKind::Other,
                }
            }
            "call_expression" => {
                let Some(f) = n.child_by_field_id(FIELDS.function) else {
                    return DynamicKind::Other;
                };
                let args = call_args(n);
                if p.prom_member(site, f, Api::Fmt)
                    .is_some_and(|m| m.starts_with("Sprint"))
                {
                    let evidence = follows < MAX_FOLLOW
                        && args
                            .iter()
                            .any(|a| self.part_kind(site, *a, follows + 1) != DynamicKind::Other);
                    return if evidence {
                        DynamicKind::FormattedIdLike
                    } else {
                        DynamicKind::Other
                    };
                }
                if f.kind() == "selector_expression" && args.is_empty() {
                    let method = f
                        .child_by_field_id(FIELDS.field)
                        .map(|m| p.text(site.unit, m));
                    let operand = f.child_by_field_id(FIELDS.operand);
                    if method == Some("String") {
                        if let Some(o) = operand {
                            let ot = p.text(site.unit, o);
                            if ot.ends_with(".URL") || ot == "URL" {
                                return DynamicKind::UrlPath;
                            }
                            if follows < MAX_FOLLOW {
                                return self.part_kind(site, o, follows + 1);
                            }
                        }
                    }
                }
                DynamicKind::Other
            }
            _ => DynamicKind::Other,
        }
    }
}

fn is_url_path(text: &str) -> bool {
    [
        ".URL.Path",
        ".URL.RawPath",
        ".RequestURI",
        ".URL.RequestURI",
    ]
    .iter()
    .any(|s| text.ends_with(s))
}

/// Whether an identifier's words (camelCase and `_` split) include an ID word.
pub(crate) fn id_like(ident: &str) -> bool {
    words(ident).iter().any(|w| ID_WORDS.contains(&w.as_str()))
}

/// `roomID` → [room, id]; `HTTPServer` → [http, server]; `user_email` → [user, email].
pub(crate) fn words(ident: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in ident.split('_').filter(|s| !s.is_empty()) {
        let chars: Vec<char> = part.chars().collect();
        let mut cur = String::new();
        for (i, &c) in chars.iter().enumerate() {
            let boundary = i > 0
                && c.is_uppercase()
                && (chars[i - 1].is_lowercase()
                    || chars[i - 1].is_ascii_digit()
                    || chars.get(i + 1).is_some_and(|n| n.is_lowercase()));
            if boundary && !cur.is_empty() {
                out.push(std::mem::take(&mut cur).to_lowercase());
            }
            cur.push(c);
        }
        if !cur.is_empty() {
            out.push(cur.to_lowercase());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_camel_case_and_underscores() {
        assert_eq!(words("roomID"), ["room", "id"]);
        assert_eq!(words("HTTPServer"), ["http", "server"]);
        assert_eq!(words("user_email"), ["user", "email"]);
        assert_eq!(words("RoomId"), ["room", "id"]);
        assert!(id_like("remoteAddr"));
        assert!(id_like("sessionKey"));
        assert!(!id_like("kind"));
        assert!(!id_like("zip"));
        assert!(!id_like("identity"));
    }
}
