//! What statements do to the span on a path: ending, recording an error,
//! terminating the path, and the checks made at each `return`.

use super::super::super::pkg::{call_args, expressions, named_children, unparen, Api, DeclKind};
use super::super::super::values::{Local, Site};
use super::super::descendants;
use super::{any, map, Flow, States, ENDED, ERR_NON_NIL, FINISHED, RECORDED, STARTED, STATUS};
use crate::extract::kinds::FIELDS;
use crate::facts::{TracingApi, UnrecordedError};
use tree_sitter::Node;

impl<'a, 'p, 't> Flow<'a, 'p, 't> {
    /// What a statement or expression does to the span (nested closures included).
    pub(super) fn effects(&self, n: Node<'t>, st: States) -> States {
        let p = self.tx.pkg;
        let u = self.site.unit;
        let (mut ends, mut records) = (false, 0u8);
        // `span.End()` here, not in a deferred or concurrent call.
        let mut finishes = false;
        let now = !matches!(n.kind(), "defer_statement" | "go_statement");
        // OpenTracing has one way to say "error" (tags and logs alike), and
        // OpenCensus no `RecordError`: either counts as both calls.
        const BOTH: u8 = RECORDED | STATUS;
        let is_span = |e: Node<'t>| {
            let e = unparen(e);
            let e = if e.kind() == "unary_expression" {
                e.child_by_field_id(FIELDS.operand)
                    .map(unparen)
                    .unwrap_or(e)
            } else {
                e
            };
            e.kind() == "identifier" && p.text(u, e) == self.span
        };
        for m in descendants(n) {
            match m.kind() {
                "call_expression" => {
                    let args = call_args(m);
                    let Some(f) = m.child_by_field_id(FIELDS.function) else {
                        continue;
                    };
                    if f.kind() == "selector_expression" {
                        let on_span = f.child_by_field_id(FIELDS.operand).is_some_and(is_span);
                        let method = f.child_by_field_id(FIELDS.field).map(|x| p.text(u, x));
                        if on_span {
                            match method {
                                Some("End" | "Finish" | "FinishWithOptions") => {
                                    ends = true;
                                    finishes |= now;
                                }
                                Some("RecordError") => records |= RECORDED,
                                Some("SetStatus") if self.api == TracingApi::OpenCensus => {
                                    let error = args.first().is_some_and(|a| self.error_status(*a));
                                    records |= if error { BOTH } else { 0 };
                                }
                                Some("SetStatus") => {
                                    let error = args
                                        .first()
                                        .is_some_and(|a| p.text(u, *a).ends_with(".Error"));
                                    records |= if error { STATUS } else { 0 };
                                }
                                Some("SetTag") => {
                                    let error_tag = args.first().is_some_and(|a| {
                                        matches!(p.text(u, *a), "\"error\"" | "`error`")
                                            || p.text(u, *a).ends_with(".Error")
                                    });
                                    if error_tag {
                                        records |= BOTH;
                                    }
                                }
                                Some("LogFields" | "LogKV") => {
                                    let logs_error = args.iter().any(|a| {
                                        let t = p.text(u, *a);
                                        t.contains(".Error(") || t.contains("\"error\"")
                                    });
                                    if logs_error {
                                        records |= BOTH;
                                    }
                                }
                                _ => {}
                            }
                        }
                    }
                    if args.iter().any(|a| is_span(*a)) {
                        // ext.Error.Set(span, true), ext.SpanKindRPCServer.Set(span): tags only.
                        let ext_tag = f.kind() == "selector_expression"
                            && f.child_by_field_id(FIELDS.operand).is_some_and(|o| {
                                o.kind() == "selector_expression"
                                    && o.child_by_field_id(FIELDS.operand).is_some_and(|x| {
                                        p.import_api(u, p.text(u, x)) == Some(Api::OpenTracingExt)
                                    })
                            });
                        if ext_tag {
                            let tag = f
                                .child_by_field_id(FIELDS.operand)
                                .and_then(|o| o.child_by_field_id(FIELDS.field))
                                .map(|x| p.text(u, x));
                            if tag == Some("Error") {
                                records |= BOTH;
                            }
                        } else {
                            ends = true;
                            records |= BOTH;
                        }
                    }
                }
                "assignment_statement" | "short_var_declaration" | "var_spec" => {
                    let rights = m
                        .child_by_field_id(FIELDS.right)
                        .or_else(|| m.child_by_field_id(FIELDS.value))
                        .map(expressions)
                        .unwrap_or_default();
                    ends |= rights.iter().any(|r| is_span(*r));
                }
                "keyed_element" => {
                    ends |= m
                        .child_by_field_id(FIELDS.value)
                        .and_then(|v| named_children(v).first().copied())
                        .is_some_and(is_span);
                }
                "literal_element" => {
                    ends |= named_children(m).first().copied().is_some_and(is_span);
                }
                "send_statement" => {
                    ends |= m.child_by_field_id(FIELDS.value).is_some_and(is_span);
                }
                // The method value `span.End`, not called here: whoever
                // holds it ends the span (`return r, span.End`).
                "selector_expression" => {
                    let method_value = m.child_by_field_id(FIELDS.operand).is_some_and(is_span)
                        && m.child_by_field_id(FIELDS.field)
                            .is_some_and(|f| matches!(p.text(u, f), "End" | "Finish"))
                        && m.parent().is_none_or(|c| {
                            c.kind() != "call_expression"
                                || c.child_by_field_id(FIELDS.function).map(|f| f.id())
                                    != Some(m.id())
                        });
                    ends |= method_value;
                }
                _ => {}
            }
        }
        let add = (if ends { ENDED } else { 0 }) | (if finishes { FINISHED } else { 0 }) | records;
        if add == 0 {
            st
        } else {
            map(st, |c| c | add)
        }
    }

    /// An OpenCensus status that is not OK: `trace.Status{Code: …}` with a
    /// code other than `StatusCodeOK`/`0`, or a status the linter cannot read
    /// (a variable: assumed to be an error, so that nothing is reported).
    fn error_status(&self, a: Node<'t>) -> bool {
        let p = self.tx.pkg;
        let a = unparen(a);
        if a.kind() != "composite_literal" {
            return true;
        }
        let Some(body) = a.child_by_field_id(FIELDS.body) else {
            return false;
        };
        for el in named_children(body) {
            let (Some(k), Some(v)) = (
                el.child_by_field_id(FIELDS.key),
                el.child_by_field_id(FIELDS.value),
            ) else {
                continue;
            };
            if p.text(self.site.unit, k) == "Code" {
                let code = p.text(self.site.unit, v);
                return !(code.ends_with("StatusCodeOK") || code == "0");
            }
        }
        false
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
        let Some(f) = call.child_by_field_id(FIELDS.function) else {
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
        // The span's context handed to the caller (`return ctx`,
        // `return r.WithContext(ctx), nil`): the caller ends the span.
        let returns_ctx = self.ctx.is_some_and(|ctx| {
            exprs.len() == self.result_count
                && self.ctx_results.iter().any(|&i| {
                    exprs.get(i).is_some_and(|e| {
                        descendants(*e).any(|x| x.kind() == "identifier" && p.text(u, x) == ctx)
                    })
                })
        });
        let returns_span = returns_span || returns_ctx;
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
        let failing = |c: u8| {
            c & STARTED != 0 && c & FINISHED == 0 && (always || (tested && c & ERR_NON_NIL != 0))
        };
        let missing = |flag: u8| any(st, |c| failing(c) && c & flag == 0);
        let e = UnrecordedError {
            ret: span,
            neither: any(st, |c| failing(c) && c & (RECORDED | STATUS) == 0),
            no_record_error: missing(RECORDED),
            no_status: missing(STATUS),
        };
        if e.no_record_error || e.no_status {
            self.unrecorded.push(e);
        }
    }

    /// `errors.New(…)`, `fmt.Errorf(…)`, a local set once to one of those
    /// (`err := errors.New(…)`), or a package-level `Err…` variable or one
    /// set to one of those.
    fn always_error(&self, e: Node<'t>) -> bool {
        let p = self.tx.pkg;
        if self.new_error(self.site, e) {
            return true;
        }
        if e.kind() != "identifier" {
            return false;
        }
        let name = self.text(e);
        match p.lookup_local(self.site, name, e.start_byte()) {
            Some(Local::Bound(i, b)) => {
                let inner = Site {
                    unit: self.site.unit,
                    chain: &self.site.chain[..=i],
                };
                b.decls == 1
                    && b.assigns == 0
                    && b.value.is_some_and(|v| self.new_error(inner, unparen(v)))
            }
            Some(Local::Param) => false,
            None => p.decl(name).is_some_and(|d| {
                d.kind == DeclKind::Var
                    && !d.ambiguous
                    && (((name.starts_with("Err") || name.starts_with("err")) && name.len() > 3)
                        || d.value
                            .is_some_and(|v| self.new_error(Site::package(d.unit), unparen(v))))
            }),
        }
    }

    /// `errors.New(…)` or `fmt.Errorf(…)`.
    fn new_error(&self, site: Site<'_, 't>, e: Node<'t>) -> bool {
        let p = self.tx.pkg;
        p.api_call(site, e, Api::Errors) == Some("New")
            || p.api_call(site, e, Api::Fmt) == Some("Errorf")
    }
}
