//! Go grammar node kinds compared on every node of a walk, as ids resolved
//! once: `Node::kind()` looks the symbol name up and compares strings.

use std::sync::LazyLock;

/// Go grammar field ids, resolved once: `Node::child_by_field_name` looks
/// the name up among all field names, comparing strings, at every call.
pub(crate) struct Fields {
    pub alternative: u16,
    pub arguments: u16,
    pub body: u16,
    pub communication: u16,
    pub condition: u16,
    pub consequence: u16,
    pub field: u16,
    pub function: u16,
    pub index: u16,
    pub initializer: u16,
    pub key: u16,
    pub label: u16,
    pub left: u16,
    pub name: u16,
    pub operand: u16,
    pub operator: u16,
    pub package: u16,
    pub parameters: u16,
    pub path: u16,
    pub receiver: u16,
    pub result: u16,
    pub right: u16,
    pub type_: u16,
    pub update: u16,
    pub value: u16,
}

pub(crate) static FIELDS: LazyLock<Fields> = LazyLock::new(|| {
    let lang: tree_sitter::Language = tree_sitter_go::LANGUAGE.into();
    let id = |name: &str| {
        lang.field_id_for_name(name)
            .unwrap_or_else(|| panic!("`{name}` is a field of the Go grammar"))
            .get()
    };
    Fields {
        alternative: id("alternative"),
        arguments: id("arguments"),
        body: id("body"),
        communication: id("communication"),
        condition: id("condition"),
        consequence: id("consequence"),
        field: id("field"),
        function: id("function"),
        index: id("index"),
        initializer: id("initializer"),
        key: id("key"),
        label: id("label"),
        left: id("left"),
        name: id("name"),
        operand: id("operand"),
        operator: id("operator"),
        package: id("package"),
        parameters: id("parameters"),
        path: id("path"),
        receiver: id("receiver"),
        result: id("result"),
        right: id("right"),
        type_: id("type"),
        update: id("update"),
        value: id("value"),
    }
});

pub(crate) struct Kinds {
    pub assignment_statement: u16,
    pub binary_expression: u16,
    pub block: u16,
    pub call_expression: u16,
    pub const_spec: u16,
    pub dec_statement: u16,
    pub field_declaration: u16,
    pub for_statement: u16,
    pub func_literal: u16,
    pub function_declaration: u16,
    pub go_statement: u16,
    pub identifier: u16,
    pub import_declaration: u16,
    pub inc_statement: u16,
    pub interpreted_string_literal: u16,
    pub keyed_element: u16,
    pub method_declaration: u16,
    pub parenthesized_expression: u16,
    pub range_clause: u16,
    pub raw_string_literal: u16,
    pub return_statement: u16,
    pub short_var_declaration: u16,
    pub unary_expression: u16,
    pub var_spec: u16,
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
        const_spec: id("const_spec"),
        dec_statement: id("dec_statement"),
        field_declaration: id("field_declaration"),
        for_statement: id("for_statement"),
        func_literal: id("func_literal"),
        function_declaration: id("function_declaration"),
        go_statement: id("go_statement"),
        identifier: id("identifier"),
        import_declaration: id("import_declaration"),
        inc_statement: id("inc_statement"),
        interpreted_string_literal: id("interpreted_string_literal"),
        keyed_element: id("keyed_element"),
        method_declaration: id("method_declaration"),
        parenthesized_expression: id("parenthesized_expression"),
        range_clause: id("range_clause"),
        raw_string_literal: id("raw_string_literal"),
        return_statement: id("return_statement"),
        short_var_declaration: id("short_var_declaration"),
        unary_expression: id("unary_expression"),
        var_spec: id("var_spec"),
    }
});

#[cfg(test)]
mod tests {
    use super::*;

    /// Every node of a file using all the kinds: the id agrees with the name.
    #[test]
    fn ids_agree_with_names() {
        let src = "package p\nimport \"fmt\"\ntype S struct{ t T }\nfunc f() { x := S{t: 1}; x.t = 2; for { go func() {}(); return } }\nfunc (s S) m() { g((h() + \"a\") + `b`) }\nfunc r(m map[int]int) { var a = 1; const b = 2; for k := range m { a++; a--; _ = -k } }\n";
        let tree = super::super::parse::parse_go(src).expect("parses");
        let k = &*KINDS;
        let table = [
            (k.assignment_statement, "assignment_statement"),
            (k.binary_expression, "binary_expression"),
            (k.block, "block"),
            (k.call_expression, "call_expression"),
            (k.const_spec, "const_spec"),
            (k.dec_statement, "dec_statement"),
            (k.field_declaration, "field_declaration"),
            (k.for_statement, "for_statement"),
            (k.func_literal, "func_literal"),
            (k.function_declaration, "function_declaration"),
            (k.go_statement, "go_statement"),
            (k.identifier, "identifier"),
            (k.import_declaration, "import_declaration"),
            (k.inc_statement, "inc_statement"),
            (k.interpreted_string_literal, "interpreted_string_literal"),
            (k.keyed_element, "keyed_element"),
            (k.method_declaration, "method_declaration"),
            (k.parenthesized_expression, "parenthesized_expression"),
            (k.range_clause, "range_clause"),
            (k.raw_string_literal, "raw_string_literal"),
            (k.return_statement, "return_statement"),
            (k.short_var_declaration, "short_var_declaration"),
            (k.unary_expression, "unary_expression"),
            (k.var_spec, "var_spec"),
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

    /// Every field id names the field of that name.
    #[test]
    fn field_ids_agree_with_names() {
        let lang: tree_sitter::Language = tree_sitter_go::LANGUAGE.into();
        let f = &*FIELDS;
        for (id, name) in [
            (f.alternative, "alternative"),
            (f.arguments, "arguments"),
            (f.body, "body"),
            (f.communication, "communication"),
            (f.condition, "condition"),
            (f.consequence, "consequence"),
            (f.field, "field"),
            (f.function, "function"),
            (f.index, "index"),
            (f.initializer, "initializer"),
            (f.key, "key"),
            (f.label, "label"),
            (f.left, "left"),
            (f.name, "name"),
            (f.operand, "operand"),
            (f.operator, "operator"),
            (f.package, "package"),
            (f.parameters, "parameters"),
            (f.path, "path"),
            (f.receiver, "receiver"),
            (f.result, "result"),
            (f.right, "right"),
            (f.type_, "type"),
            (f.update, "update"),
            (f.value, "value"),
        ] {
            assert_eq!(lang.field_name_for_id(id), Some(name));
        }
    }
}
