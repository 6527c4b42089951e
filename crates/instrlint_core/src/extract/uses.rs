//! Uses of metrics: label-method calls on vectors, value operations and
//! registration calls, recognised by method name during the walk.

use super::pkg::{call_args, named_children, unparen, Api, Pkg};
use super::values::Site;
use crate::extract::kinds::FIELDS;
use crate::facts::{
    ErrorUse, FuncContext, LabelArgs, LabelMethod, LabelUse, MetricOp, Receiver, RegisterCall,
    RegistryKind,
};
use tree_sitter::Node;

const OPS: &[&str] = &["Add", "Inc", "Sub", "Dec", "Set", "Observe"];
const REGISTER: &[&str] = &["Register", "MustRegister", "Unregister"];

/// What a method call is, by the method's name alone.
#[derive(Clone, Copy)]
pub(crate) enum UseKind {
    Label(LabelMethod),
    Op,
    Register,
}

pub(crate) fn label_method(name: &str) -> Option<LabelMethod> {
    Some(match name {
        "WithLabelValues" => LabelMethod::WithLabelValues,
        "GetMetricWithLabelValues" => LabelMethod::GetMetricWithLabelValues,
        "With" => LabelMethod::With,
        "GetMetricWith" => LabelMethod::GetMetricWith,
        "CurryWith" => LabelMethod::CurryWith,
        "MustCurryWith" => LabelMethod::MustCurryWith,
        "Delete" => LabelMethod::Delete,
        "DeleteLabelValues" => LabelMethod::DeleteLabelValues,
        "DeletePartialMatch" => LabelMethod::DeletePartialMatch,
        "Reset" => LabelMethod::Reset,
        _ => return None,
    })
}

/// Facts of uses found in one file.
#[derive(Default)]
pub(crate) struct UseFacts {
    pub label_uses: Vec<LabelUse>,
    pub metric_ops: Vec<MetricOp>,
    pub registrations: Vec<RegisterCall>,
}

impl<'t> Pkg<'t> {
    /// Cheap test on the callee's shape and method name.
    pub fn use_kind(&self, unit: usize, call: Node<'t>) -> Option<(UseKind, &'t str)> {
        let f = call.child_by_field_id(FIELDS.function)?;
        let name = match f.kind() {
            "selector_expression" => self.text(unit, f.child_by_field_id(FIELDS.field)?),
            // `MustRegister(…)` under a dot import of prometheus.
            "identifier" if self.has_dot(unit, Api::Prometheus) => self.text(unit, f),
            _ => return None,
        };
        if f.kind() == "identifier" {
            return REGISTER
                .contains(&name)
                .then_some((UseKind::Register, name));
        }
        if let Some(m) = label_method(name) {
            return Some((UseKind::Label(m), name));
        }
        if OPS.contains(&name) {
            return Some((UseKind::Op, name));
        }
        REGISTER
            .contains(&name)
            .then_some((UseKind::Register, name))
    }

    pub fn visit_use(
        &self,
        site: Site<'_, 't>,
        call: Node<'t>,
        up: &[Node<'t>],
        (kind, method): (UseKind, &'t str),
        func: impl FnOnce() -> FuncContext,
        out: &mut UseFacts,
    ) {
        match kind {
            UseKind::Label(m) => {
                if let Some(u) = self.label_use(site, call, m, func) {
                    out.label_uses.push(u);
                }
            }
            UseKind::Op => {
                if let Some(op) = self.metric_op(site, call, method, func) {
                    out.metric_ops.push(op);
                }
            }
            UseKind::Register => {
                if let Some(r) = self.register_call(site, call, up, method, func) {
                    out.registrations.push(r);
                }
            }
        }
    }

    fn label_use(
        &self,
        site: Site<'_, 't>,
        call: Node<'t>,
        method: LabelMethod,
        func: impl FnOnce() -> FuncContext,
    ) -> Option<LabelUse> {
        let f = call.child_by_field_id(FIELDS.function)?;
        let operand = f.child_by_field_id(FIELDS.operand)?;
        let receiver = self.receiver_of(site, operand);
        if !plausible(&receiver) {
            return None;
        }
        let args = call_args(call);
        let args = match method {
            LabelMethod::WithLabelValues
            | LabelMethod::GetMetricWithLabelValues
            | LabelMethod::DeleteLabelValues => {
                let variadic = args.iter().any(|a| a.kind() == "variadic_argument");
                LabelArgs::Values {
                    args: args
                        .iter()
                        .filter(|a| a.kind() != "variadic_argument")
                        .map(|a| self.label_arg(site, *a))
                        .collect(),
                    variadic,
                }
            }
            LabelMethod::Reset => {
                if !args.is_empty() {
                    return None;
                }
                LabelArgs::None
            }
            _ => {
                if args.len() != 1 {
                    return None;
                }
                LabelArgs::Keys {
                    keys: self.label_keys(site, args[0]),
                }
            }
        };
        Some(LabelUse {
            method,
            call: self.span(site.unit, call),
            method_span: self.span(site.unit, f.child_by_field_id(FIELDS.field)?),
            receiver,
            def: None,
            args,
            func: func(),
        })
    }

    fn metric_op(
        &self,
        site: Site<'_, 't>,
        call: Node<'t>,
        method: &str,
        func: impl FnOnce() -> FuncContext,
    ) -> Option<MetricOp> {
        let f = call.child_by_field_id(FIELDS.function)?;
        let operand = unparen(f.child_by_field_id(FIELDS.operand)?);
        let args = call_args(call);
        let wants_arg = !matches!(method, "Inc" | "Dec");
        if args.len() != usize::from(wants_arg) {
            return None;
        }
        let receiver = match self.vector_of(site, operand) {
            Some(vec) => self.receiver_of(site, vec),
            None => {
                let r = self.receiver_of(site, operand);
                if !plausible(&r) {
                    return None;
                }
                r
            }
        };
        if !plausible(&receiver) {
            return None;
        }
        let value_node = args.first().copied();
        Some(MetricOp {
            method: method.to_string(),
            call: self.span(site.unit, call),
            receiver,
            def: None,
            value: value_node
                .and_then(|v| self.fold_num(site, v, 0))
                .map(|n| n.v),
            value_span: value_node.map(|v| self.span(site.unit, v)),
            func: func(),
        })
    }

    /// `X` when `e` is `X.WithLabelValues(…)` / `X.With(…)` / `X.GetMetricWith…(…)`.
    fn vector_of(&self, site: Site<'_, 't>, e: Node<'t>) -> Option<Node<'t>> {
        if e.kind() != "call_expression" {
            return None;
        }
        let f = e
            .child_by_field_id(FIELDS.function)
            .filter(|f| f.kind() == "selector_expression")?;
        let name = self.text(site.unit, f.child_by_field_id(FIELDS.field)?);
        matches!(
            name,
            "WithLabelValues" | "With" | "GetMetricWith" | "GetMetricWithLabelValues"
        )
        .then(|| f.child_by_field_id(FIELDS.operand))
        .flatten()
    }

    fn register_call(
        &self,
        site: Site<'_, 't>,
        call: Node<'t>,
        up: &[Node<'t>],
        method: &str,
        func: impl FnOnce() -> FuncContext,
    ) -> Option<RegisterCall> {
        let f = call.child_by_field_id(FIELDS.function)?;
        let registry = if self.prom_member(site, f, Api::Prometheus).is_some() {
            RegistryKind::Default
        } else {
            let operand = unparen(f.child_by_field_id(FIELDS.operand)?);
            if operand.kind() == "identifier" {
                let name = self.text(site.unit, operand);
                if !self.is_shadowed(site, name, operand.start_byte())
                    && self.import_api(site.unit, name).is_some()
                {
                    // `gob.Register`, `sql.Register`: another package's function.
                    return None;
                }
            }
            if self.is_registry(site, operand) {
                RegistryKind::Registry
            } else {
                RegistryKind::Unknown
            }
        };
        let error = if method == "Register" {
            error_use(self, site.unit, up)
        } else {
            ErrorUse::NotApplicable
        };
        let collectors = call_args(call)
            .into_iter()
            .map(|a| {
                let r = if a.kind() == "variadic_argument" {
                    Receiver::Unknown
                } else {
                    self.receiver_of(site, a)
                };
                (r, None)
            })
            .collect();
        Some(RegisterCall {
            method: method.to_string(),
            call: self.span(site.unit, call),
            registry,
            error,
            collectors,
            func: func(),
        })
    }

    /// A value bound to a registry: `prometheus.DefaultRegisterer`,
    /// `prometheus.NewRegistry()`/`NewPedanticRegistry()`/`WrapRegisterer…(…)`,
    /// or typed `prometheus.Registerer` / `*prometheus.Registry`.
    fn is_registry(&self, site: Site<'_, 't>, e: Node<'t>) -> bool {
        let e = unparen(e);
        if let Some(t) = self.type_of(site, e) {
            if self.type_is(t, Api::Prometheus, "Registerer", Some(false))
                || self.type_is(t, Api::Prometheus, "Registry", None)
            {
                return true;
            }
        }
        let value = match e.kind() {
            "identifier" => match self.follow(site, e) {
                Some(t) => return self.is_registry_value(t.site, unparen(t.value)),
                None => return false,
            },
            _ => e,
        };
        self.is_registry_value(site, value)
    }

    fn is_registry_value(&self, site: Site<'_, 't>, v: Node<'t>) -> bool {
        match v.kind() {
            "selector_expression" | "identifier" => {
                self.prom_member(site, v, Api::Prometheus) == Some("DefaultRegisterer")
            }
            "call_expression" => v.child_by_field_id(FIELDS.function).is_some_and(|f| {
                matches!(
                    self.prom_member(site, f, Api::Prometheus),
                    Some(
                        "NewRegistry"
                            | "NewPedanticRegistry"
                            | "WrapRegistererWith"
                            | "WrapRegistererWithPrefix"
                    )
                )
            }),
            _ => false,
        }
    }
}

/// Worth recording: the receiver is something `facts::link` could bind (a
/// local only when it certainly holds a definition).
fn plausible(r: &Receiver) -> bool {
    match r {
        Receiver::Unknown => false,
        Receiver::Local { def_call, .. } => def_call.is_some(),
        _ => true,
    }
}

/// What the caller does with `Register`'s error; `up` are the call's
/// ancestors, root first.
fn error_use(pkg: &Pkg<'_>, unit: usize, up: &[Node<'_>]) -> ErrorUse {
    let mut k = up.len();
    while k > 0 && up[k - 1].kind() == "parenthesized_expression" {
        k -= 1;
    }
    if k == 0 {
        return ErrorUse::Used;
    }
    let parent = up[k - 1];
    match parent.kind() {
        "expression_statement" | "defer_statement" | "go_statement" => ErrorUse::Discarded,
        "expression_list" => {
            let stmt = (k >= 2).then(|| up[k - 2]);
            let targets: Option<Vec<Node<'_>>> = stmt.and_then(|s| match s.kind() {
                "assignment_statement" | "short_var_declaration" => s
                    .child_by_field_id(FIELDS.right)
                    .filter(|r| r.id() == parent.id())
                    .and(s.child_by_field_id(FIELDS.left))
                    .map(named_children),
                "var_spec" => {
                    let mut cursor = s.walk();
                    let names = s.children_by_field_name("name", &mut cursor).collect();
                    Some(names)
                }
                _ => None,
            });
            match targets {
                Some(targets) => {
                    let all_blank =
                        !targets.is_empty() && targets.iter().all(|t| pkg.text(unit, *t) == "_");
                    if all_blank {
                        ErrorUse::Blank
                    } else {
                        ErrorUse::Used
                    }
                }
                None => ErrorUse::Used,
            }
        }
        _ => ErrorUse::Used,
    }
}
