//! Go grammar node kinds compared on every node of a walk, as ids resolved
//! once: `Node::kind()` looks the symbol name up and compares strings.

use std::sync::LazyLock;

pub(crate) struct Kinds {
    pub assignment_statement: u16,
    pub binary_expression: u16,
    pub block: u16,
    pub call_expression: u16,
    pub field_declaration: u16,
    pub for_statement: u16,
    pub func_literal: u16,
    pub function_declaration: u16,
    pub go_statement: u16,
    pub import_declaration: u16,
    pub interpreted_string_literal: u16,
    pub keyed_element: u16,
    pub method_declaration: u16,
    pub parenthesized_expression: u16,
    pub raw_string_literal: u16,
    pub return_statement: u16,
}

pub(crate) static KINDS: LazyLock<Kinds> = LazyLock::new(|| {
    let lang: tree_sitter::Language = tree_sitter_go::LANGUAGE.into();
    let id = |kind: &str| {
        let id = lang.id_for_node_kind(kind, true);
        assert_ne!(id, 0, "`{kind}` is a node kind of the Go grammar");
        id
    };
    Kinds {
        assignment_statement: id("assignment_statement"),
        binary_expression: id("binary_expression"),
        block: id("block"),
        call_expression: id("call_expression"),
        field_declaration: id("field_declaration"),
        for_statement: id("for_statement"),
        func_literal: id("func_literal"),
        function_declaration: id("function_declaration"),
        go_statement: id("go_statement"),
        import_declaration: id("import_declaration"),
        interpreted_string_literal: id("interpreted_string_literal"),
        keyed_element: id("keyed_element"),
        method_declaration: id("method_declaration"),
        parenthesized_expression: id("parenthesized_expression"),
        raw_string_literal: id("raw_string_literal"),
        return_statement: id("return_statement"),
    }
});

#[cfg(test)]
mod tests {
    use super::*;

    /// Every node of a file using all the kinds: the id agrees with the name.
    #[test]
    fn ids_agree_with_names() {
        let src = "package p\nimport \"fmt\"\ntype S struct{ t T }\nfunc f() { x := S{t: 1}; x.t = 2; for { go func() {}(); return } }\nfunc (s S) m() { g((h() + \"a\") + `b`) }\n";
        let tree = super::super::parse::parse_go(src).expect("parses");
        let k = &*KINDS;
        let table = [
            (k.assignment_statement, "assignment_statement"),
            (k.binary_expression, "binary_expression"),
            (k.block, "block"),
            (k.call_expression, "call_expression"),
            (k.field_declaration, "field_declaration"),
            (k.for_statement, "for_statement"),
            (k.func_literal, "func_literal"),
            (k.function_declaration, "function_declaration"),
            (k.go_statement, "go_statement"),
            (k.import_declaration, "import_declaration"),
            (k.interpreted_string_literal, "interpreted_string_literal"),
            (k.keyed_element, "keyed_element"),
            (k.method_declaration, "method_declaration"),
            (k.parenthesized_expression, "parenthesized_expression"),
            (k.raw_string_literal, "raw_string_literal"),
            (k.return_statement, "return_statement"),
        ];
        let mut seen = vec![false; table.len()];
        let mut stack = vec![tree.root_node()];
        while let Some(n) = stack.pop() {
            for (i, (id, name)) in table.iter().enumerate() {
                assert_eq!(n.kind_id() == *id, n.kind() == *name, "{}", n.kind());
                seen[i] |= n.kind() == *name;
            }
            let mut c = n.walk();
            stack.extend(n.children(&mut c));
        }
        assert!(seen.iter().all(|s| *s), "{seen:?}");
    }
}
