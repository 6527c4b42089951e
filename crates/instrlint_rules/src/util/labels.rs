//! Label names of definitions, the catalog's label lists and spellings
//! (L201–L209, T304).

use instrlint_core::config::LabelSettings;
use instrlint_core::facts::{LabelMethod, MetricDef, Receiver, Store};
use instrlint_core::Span;

/// The variable label names of a definition, with their spans, when the list
/// and every name in it are resolved.
pub fn declared(def: &MetricDef) -> Option<Vec<(&str, Span)>> {
    let names = def.labels.as_ref()?.names.as_ref()?;
    names
        .iter()
        .map(|n| n.value.resolved().map(|s| (s.text.as_str(), n.span)))
        .collect()
}

/// Every resolved label name a definition declares, variable labels first,
/// then `ConstLabels`; `true` marks a constant label.
pub fn all_names(def: &MetricDef) -> Vec<(&str, Span, bool)> {
    let vars = def.labels.iter().flat_map(|l| l.names.iter().flatten());
    let vars = vars.map(|n| (n, false));
    let consts = def.const_labels.iter().flatten().map(|n| (n, true));
    vars.chain(consts)
        .filter_map(|(n, c)| n.value.resolved().map(|s| (s.text.as_str(), n.span, c)))
        .collect()
}

/// Where a finding on a declared label sits: on the name when it is written
/// inside the constructor call or its Opts literal; otherwise (a label slice
/// or a `ConstLabels` map declared elsewhere) on the list expression in the
/// call, or the Opts literal, with the name as a related location (RULES.md:
/// findings about a definition stay inside it).
pub fn site(def: &MetricDef, name: Span, constant: bool) -> (Span, Option<Span>) {
    let within =
        |outer: Span| outer.file == name.file && outer.start <= name.start && name.end <= outer.end;
    if within(def.call) || def.opts.is_some_and(within) {
        return (name, None);
    }
    let list = def.labels.as_ref().map(|l| l.span).filter(|_| !constant);
    (list.or(def.opts).unwrap_or(def.call), Some(name))
}

/// How a name compares to an identifier (L207, S503): lower-cased, `_`
/// removed, so `roomID`, `RoomId` and `room_id` are one spelling.
pub fn spelling(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

/// The vector as a message names it: "`joins`", or "the vector".
pub fn vector_name(def: &MetricDef) -> String {
    def.stores
        .iter()
        .map(|s| match s {
            Store::PackageVar { name } | Store::Local { name } => name.clone(),
            Store::Field { field, .. } => field.clone(),
            Store::PackageVarField { var, field } => format!("{var}.{field}"),
        })
        .next()
        .map_or_else(|| "the vector".to_string(), |n| format!("`{n}`"))
}

/// Whether an unbound receiver may be `def`: it has a name `def` is stored
/// under, or it is not a named variable or field at all (unknown, a local).
/// L208 counts such a deletion rather than guess that a series is left behind.
pub fn may_receive(def: &MetricDef, receiver: &Receiver) -> bool {
    let name = match receiver {
        Receiver::PackageVar { name, .. } => name,
        Receiver::Field { field, .. } | Receiver::PackageVarField { field, .. } => field,
        _ => return true,
    };
    def.stores.iter().any(|s| match s {
        Store::PackageVar { name: n } | Store::Local { name: n } => n == name,
        Store::Field { field, .. } | Store::PackageVarField { field, .. } => field == name,
    })
}

/// "`a`, `b`".
pub fn list<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let quoted: Vec<String> = names.into_iter().map(|n| format!("`{n}`")).collect();
    quoted.join(", ")
}

fn snake(name: &str) -> String {
    crate::util::names::to_snake(name)
}

/// L201: the identity of an unbounded population: a name of the list (an
/// entry may be a glob, `*_uuid`), not allowed.
pub fn is_high_cardinality(lists: &LabelSettings, name: &str) -> bool {
    let name = snake(name);
    !lists.allow.contains(&name) && lists.high_cardinality.iter().any(|p| glob(p, &name))
}

/// `*` matches any run of characters; everything else itself.
fn glob(pattern: &str, name: &str) -> bool {
    let mut pieces = pattern.split('*');
    let first = pieces.next().unwrap_or("");
    let Some(mut rest) = name.strip_prefix(first) else {
        return false;
    };
    let pieces: Vec<&str> = pieces.collect();
    let Some((last, middle)) = pieces.split_last() else {
        return rest.is_empty();
    };
    for piece in middle {
        match rest.find(piece) {
            Some(i) => rest = &rest[i + piece.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// L208: a label naming a short-lived entity.
pub fn is_short_lived(lists: &LabelSettings, name: &str) -> bool {
    lists.short_lived.contains(&snake(name))
}

/// What happens when the values or keys of a call do not match the labels.
pub fn consequence(method: LabelMethod) -> &'static str {
    match method {
        LabelMethod::WithLabelValues | LabelMethod::With | LabelMethod::MustCurryWith => "panics",
        LabelMethod::GetMetricWithLabelValues
        | LabelMethod::GetMetricWith
        | LabelMethod::CurryWith => "returns an error",
        _ => "deletes nothing",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob("*_uuid", "device_uuid"));
        assert!(glob("*_uuid", "_uuid"));
        assert!(!glob("*_uuid", "uuid"));
        assert!(glob("user_*", "user_name"));
        assert!(glob("a*b*c", "aXbYc"));
        assert!(!glob("a*b*c", "acb"));
        assert!(glob("uid", "uid"));
        assert!(!glob("uid", "uids"));
    }

    #[test]
    fn spellings_ignore_case_and_underscores() {
        for s in ["roomID", "RoomId", "room_id", "roomid"] {
            assert_eq!(spelling(s), "roomid");
        }
        assert_eq!(spelling("giftType"), spelling("gift_type"));
    }

    #[test]
    fn findings_on_labels_declared_elsewhere_stay_in_the_definition() {
        use crate::testutil::{counter, DECL};
        let def = counter("livestream_gifts_sent_total")
            .labels(&["tier"])
            .labels_declared_elsewhere()
            .const_labels(&["region"])
            .build();
        let list = def.labels.as_ref().unwrap();
        let tier = list.names.as_ref().unwrap()[0].span;
        assert_eq!(site(&def, tier, false), (list.span, Some(tier)));
        let region = def.const_labels.as_ref().unwrap()[0].span;
        assert_eq!(site(&def, region, true), (region, None));
        assert_eq!(site(&def, DECL, true), (def.opts.unwrap(), Some(DECL)));
    }

    #[test]
    fn high_cardinality_lists() {
        let lists = LabelSettings::default();
        for n in ["user_id", "userID", "email", "trace_id", "conn_id", "uuid"] {
            assert!(is_high_cardinality(&lists, n), "{n}");
        }
        // Other `*_id`, `url` and `path` are not judged by name (L202's domain).
        for n in [
            "server_id",
            "viewer_id",
            "method",
            "id",
            "url",
            "path",
            "query",
        ] {
            assert!(!is_high_cardinality(&lists, n), "{n}");
        }
        let mut globbed = LabelSettings::default();
        globbed.high_cardinality.push("*_uuid".into());
        globbed.allow.push("user".into());
        assert!(is_high_cardinality(&globbed, "device_uuid"));
        assert!(!is_high_cardinality(&globbed, "uuid_kind"));
        assert!(!is_high_cardinality(&globbed, "user"));
        assert!(is_short_lived(&lists, "roomId"));
        assert!(!is_short_lived(&lists, "user_id"));
    }
}
