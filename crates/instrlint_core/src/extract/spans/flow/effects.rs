//! What statements do to the span on a path: ending, recording an error,
//! terminating the path, and the checks made at each `return`.

use super::super::super::pkg::{call_args, expressions, named_children, unparen, Api, DeclKind};
use super::super::descendants;
use super::{any, map, Flow, States, ENDED, ERR_NON_NIL, RECORDED, STARTED};
use tree_sitter::Node;

impl<'a, 'p, 't> Flow<'a, 'p, 't> {
    /// What a statement or expression does to the span (nested closures included).
    pub(super) fn effects(&self, n: Node<'t>, st: States) -> States {
        let p = self.tx.pkg;
        let u = self.site.unit;
        let (mut ends, mut records) = (false, false);
        let is_span = |e: Node<'t>| {
            let e = unparen(e);
            let e = if e.kind() == "unary_expression" {
                e.child_by_field_name("operand").map(unparen).unwrap_or(e)
            } else {
                e
            };
            e.kind() == "identifier" && p.text(u, e) == self.span
        };
        for m in descendants(n) {
            match m.kind() {
                "call_expression" => {
                    let args = call_args(m);
                    let Some(f) = m.child_by_field_name("function") else {
                        continue;
                    };
                    if f.kind() == "selector_expression" {
                        let on_span = f.child_by_field_name("operand").is_some_and(is_span);
                        let method = f.child_by_field_name("field").map(|x| p.text(u, x));
                        if on_span {
                            match method {
                                Some("End" | "Finish" | "FinishWithOptions") => ends = true,
                                Some("RecordError") => records = true,
                                Some("SetStatus") => {
                                    records |= args
                                        .first()
                                        .is_some_and(|a| p.text(u, *a).ends_with(".Error"));
                                }
                                Some("SetTag") => {
                                    records |= args.first().is_some_and(|a| {
                                        matches!(p.text(u, *a), "\"error\"" | "`error`")
                                    }) || args
                                        .first()
                                        .is_some_and(|a| p.text(u, *a).ends_with(".Error"));
                                }
                                Some("LogFields" | "LogKV") => {
                                    records |= args.iter().any(|a| {
                                        let t = p.text(u, *a);
                                        t.contains(".Error(") || t.contains("\"error\"")
                                    });
                                }
                                _ => {}
                            }
                        }
                    }
                    if args.iter().any(|a| is_span(*a)) {
                        // ext.Error.Set(span, true), ext.SpanKindRPCServer.Set(span): tags only.
                        let ext_tag = f.kind() == "selector_expression"
                            && f.child_by_field_name("operand").is_some_and(|o| {
                                o.kind() == "selector_expression"
                                    && o.child_by_field_name("operand").is_some_and(|x| {
                                        p.import_api(u, p.text(u, x)) == Some(Api::OpenTracingExt)
                                    })
                            });
                        if ext_tag {
                            let tag = f
                                .child_by_field_name("operand")
                                .and_then(|o| o.child_by_field_name("field"))
                                .map(|x| p.text(u, x));
                            records |= tag == Some("Error");
                        } else {
                            ends = true;
                            records = true;
                        }
                    }
                }
                "assignment_statement" | "short_var_declaration" | "var_spec" => {
                    let rights = m
                        .child_by_field_name("right")
                        .or_else(|| m.child_by_field_name("value"))
                        .map(expressions)
                        .unwrap_or_default();
                    ends |= rights.iter().any(|r| is_span(*r));
                }
                "keyed_element" => {
                    ends |= m
                        .child_by_field_name("value")
                        .and_then(|v| named_children(v).first().copied())
                        .is_some_and(is_span);
                }
                "literal_element" => {
                    ends |= named_children(m).first().copied().is_some_and(is_span);
                }
                "send_statement" => {
                    ends |= m.child_by_field_name("value").is_some_and(is_span);
                }
                _ => {}
            }
        }
        let add = (if ends { ENDED } else { 0 }) | (if records { RECORDED } else { 0 });
        if add == 0 {
            st
        } else {
            map(st, |c| c | add)
        }
    }

    /// `panic(…)`, `os.Exit(…)`, `log.Fatal*`/`log.Panic*`.
    pub(super) fn terminates(&self, stmt: Node<'t>) -> bool {
        let p = self.tx.pkg;
        let Some(call) = named_children(stmt).first().map(|c| unparen(*c)) else {
            return false;
        };
        if call.kind() != "call_expression" {
            return false;
        }
        let Some(f) = call.child_by_field_name("function") else {
            return false;
        };
        if f.kind() == "identifier" && self.text(f) == "panic" {
            return !p.is_shadowed(self.site, "panic", f.start_byte());
        }
        if p.api_call(self.site, call, Api::Os) == Some("Exit") {
            return true;
        }
        matches!(p.api_call(self.site, call, Api::Log), Some(m) if m.starts_with("Fatal") || m.starts_with("Panic"))
    }

    pub(super) fn ret(&mut self, n: Node<'t>, st: States) {
        let p = self.tx.pkg;
        let u = self.site.unit;
        let mut st = self.effects(n, st);
        let exprs: Vec<Node<'t>> = named_children(n)
            .first()
            .map(|l| expressions(*l))
            .unwrap_or_default();
        let returns_span = exprs.iter().any(|e| {
            let e = unparen(*e);
            e.kind() == "identifier" && p.text(u, e) == self.span
        });
        if returns_span {
            st = map(st, |c| c | ENDED);
        }
        let span = p.span(u, n);
        if self.leak.is_none() && any(st, |c| c & STARTED != 0 && c & ENDED == 0) {
            self.leak = Some(span);
        }
        if !self.returns_error {
            return;
        }
        let Some(last) = exprs.last().map(|e| unparen(*e)) else {
            return;
        };
        let always = self.always_error(last);
        let tested = last.kind() == "identifier" && self.tested.contains(&self.text(last));
        let unrecorded = any(st, |c| {
            c & STARTED != 0 && c & RECORDED == 0 && (always || (tested && c & ERR_NON_NIL != 0))
        });
        if unrecorded {
            self.unrecorded.push(span);
        }
    }

    /// `errors.New(…)`, `fmt.Errorf(…)`, or a package-level `Err…` variable.
    fn always_error(&self, e: Node<'t>) -> bool {
        let p = self.tx.pkg;
        if p.api_call(self.site, e, Api::Errors) == Some("New")
            || p.api_call(self.site, e, Api::Fmt) == Some("Errorf")
        {
            return true;
        }
        if e.kind() != "identifier" {
            return false;
        }
        let name = self.text(e);
        if p.lookup_local(self.site, name, e.start_byte()).is_some() {
            return false;
        }
        (name.starts_with("Err") || name.starts_with("err"))
            && name.len() > 3
            && p.decls.get(name).is_some_and(|d| d.kind == DeclKind::Var)
    }
}
