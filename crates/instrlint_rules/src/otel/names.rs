//! OpenTelemetry instrument-name syntax (O801) and suffix tokens (O802).

use crate::util::units::{BASE_UNITS, NON_BASE_UNITS};

/// The longest name the API accepts.
pub const MAX_LEN: usize = 255;

/// Why a name does not match `^[A-Za-z][A-Za-z0-9_.\-/]{0,254}$`, if it does not.
pub fn invalid(name: &str, valid_utf8: bool) -> Option<String> {
    let Some(first) = name.chars().next() else {
        return Some("is empty".to_string());
    };
    if !valid_utf8 {
        return Some("is not valid UTF-8".to_string());
    }
    if !first.is_ascii_alphabetic() {
        return Some(format!(
            "starts with {}, not a letter",
            crate::util::names::describe_char(first)
        ));
    }
    if let Some(c) = name.chars().find(|c| !is_name_char(*c)) {
        return Some(format!("contains {}", crate::util::names::describe_char(c)));
    }
    let len = name.len();
    (len > MAX_LEN).then(|| format!("is {len} characters long, more than {MAX_LEN}"))
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '/')
}

/// The last `_`- or `.`-separated token and the name without it (and
/// without the separator); `None` when the name has no separator.
pub fn last_token(name: &str) -> (&str, Option<&str>) {
    match name.rfind(['_', '.']) {
        Some(i) => (&name[i + 1..], Some(&name[..i]).filter(|s| !s.is_empty())),
        None => (name, None),
    }
}

/// What a suffix token is, for O802.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Suffix {
    Total,
    /// A unit token of M108/M109 with its UCUM spelling.
    Unit {
        token: &'static str,
        ucum: &'static str,
    },
}

/// The suffix O802 flags, if the last token is one.
pub fn suffix(name: &str) -> Option<Suffix> {
    let token = last_token(name).0.to_ascii_lowercase();
    if token == "total" {
        return Some(Suffix::Total);
    }
    let token = NON_BASE_UNITS
        .iter()
        .map(|u| u.token)
        .chain(BASE_UNITS.iter().copied())
        .find(|t| *t == token)?;
    Some(Suffix::Unit {
        token,
        ucum: ucum(token),
    })
}

/// The UCUM code `metric.WithUnit` takes for a unit token.
pub fn ucum(token: &str) -> &'static str {
    match token {
        "seconds" => "s",
        "milliseconds" | "ms" => "ms",
        "microseconds" | "us" => "us",
        "nanoseconds" | "ns" => "ns",
        "minutes" => "min",
        "hours" => "h",
        "days" => "d",
        "bytes" => "By",
        "kilobytes" | "kb" => "kBy",
        "megabytes" | "mb" => "MBy",
        "gigabytes" | "gb" => "GBy",
        "bits" => "bit",
        "percent" | "pct" => "%",
        "ratio" => "1",
        "meters" => "m",
        "volts" => "V",
        "amperes" => "A",
        "joules" => "J",
        "grams" => "g",
        _ => "Cel",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_the_spec_pattern() {
        assert_eq!(invalid("http.server.request.duration", true), None);
        assert_eq!(invalid("a-b/c_d.E9", true), None);
        assert_eq!(invalid("", true).as_deref(), Some("is empty"));
        assert_eq!(
            invalid("9lives", true).as_deref(),
            Some("starts with `9`, not a letter")
        );
        assert_eq!(
            invalid("room joins", true).as_deref(),
            Some("contains a space")
        );
        assert_eq!(invalid("room:joins", true).as_deref(), Some("contains `:`"));
        assert_eq!(invalid(&"a".repeat(255), true), None);
        assert!(invalid(&"a".repeat(256), true).unwrap().contains("256"));
    }

    #[test]
    fn reads_the_last_token() {
        assert_eq!(
            last_token("room.joins_total"),
            ("total", Some("room.joins"))
        );
        assert_eq!(last_token("latency"), ("latency", None));
        assert_eq!(
            suffix("room.join.duration_ms"),
            Some(Suffix::Unit {
                token: "ms",
                ucum: "ms"
            })
        );
        assert_eq!(
            suffix("upload.Bytes"),
            Some(Suffix::Unit {
                token: "bytes",
                ucum: "By"
            })
        );
        assert_eq!(suffix("room.joins_total"), Some(Suffix::Total));
        assert_eq!(suffix("room.totals"), None);
        assert_eq!(suffix("room.ms.count"), None);
    }
}
