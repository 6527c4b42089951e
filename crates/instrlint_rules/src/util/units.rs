//! Unit and type tokens of metric names (M108, M109, M110).

/// A non-base unit token and what to use instead.
pub struct NonBaseUnit {
    pub token: &'static str,
    pub base: &'static str,
    /// How a value converts, for the help line.
    pub scale: &'static str,
}

const fn unit(token: &'static str, base: &'static str, scale: &'static str) -> NonBaseUnit {
    NonBaseUnit { token, base, scale }
}

/// The catalog's M108 table.
pub const NON_BASE_UNITS: &[NonBaseUnit] = &[
    unit("milliseconds", "seconds", "1 ms = 0.001 s"),
    unit("ms", "seconds", "1 ms = 0.001 s"),
    unit("microseconds", "seconds", "1 µs = 0.000001 s"),
    unit("us", "seconds", "1 µs = 0.000001 s"),
    unit("nanoseconds", "seconds", "1 ns = 0.000000001 s"),
    unit("ns", "seconds", "1 ns = 0.000000001 s"),
    unit("minutes", "seconds", "1 minute = 60 s"),
    unit("hours", "seconds", "1 hour = 3600 s"),
    unit("days", "seconds", "1 day = 86400 s"),
    unit(
        "kilobytes",
        "bytes",
        "1 kB = 1000 bytes, 1 KiB = 1024 bytes",
    ),
    unit("kb", "bytes", "1 kB = 1000 bytes, 1 KiB = 1024 bytes"),
    unit(
        "megabytes",
        "bytes",
        "1 MB = 1000000 bytes, 1 MiB = 1048576 bytes",
    ),
    unit("mb", "bytes", "1 MB = 1000000 bytes, 1 MiB = 1048576 bytes"),
    unit(
        "gigabytes",
        "bytes",
        "1 GB = 10^9 bytes, 1 GiB = 2^30 bytes",
    ),
    unit("gb", "bytes", "1 GB = 10^9 bytes, 1 GiB = 2^30 bytes"),
    unit("bits", "bytes", "8 bits = 1 byte"),
    unit("percent", "ratio", "100 percent = 1.0"),
    unit("pct", "ratio", "100 percent = 1.0"),
];

/// Base-unit tokens (M109).
pub const BASE_UNITS: &[&str] = &[
    "seconds", "bytes", "ratio", "meters", "volts", "amperes", "joules", "grams", "celsius",
];

/// Metric type tokens (M110).
pub const TYPE_TOKENS: &[&str] = &["counter", "gauge", "histogram", "summary", "metric"];

/// Short unit forms that are also common words or abbreviations (`us` for the
/// United States, `ns` for namespace, `gb` for Great Britain): units only
/// where a unit goes.
const AMBIGUOUS: &[&str] = &["ms", "us", "ns", "kb", "mb", "gb", "pct"];

/// The first word that is a non-base unit. A short form of [`AMBIGUOUS`]
/// counts only in the unit position: the last word, or the one before a
/// final `total`.
pub fn non_base_unit(words: &[String]) -> Option<&'static NonBaseUnit> {
    let unit_position = match words {
        [.., _, last] if last == "total" => words.len() - 2,
        _ => words.len().saturating_sub(1),
    };
    words.iter().enumerate().find_map(|(i, w)| {
        NON_BASE_UNITS
            .iter()
            .find(|u| u.token == w && (i == unit_position || !AMBIGUOUS.contains(&u.token)))
    })
}

/// True when a word is a base unit.
pub fn has_base_unit(words: &[String]) -> bool {
    words.iter().any(|w| BASE_UNITS.contains(&w.as_str()))
}

/// The first word that is a metric type.
pub fn type_token(words: &[String]) -> Option<&'static str> {
    words
        .iter()
        .find_map(|w| TYPE_TOKENS.iter().copied().find(|t| t == w))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::names::words;

    #[test]
    fn finds_units_and_types_by_whole_word() {
        assert_eq!(
            non_base_unit(&words("stream_latency_ms")).map(|u| u.base),
            Some("seconds")
        );
        assert_eq!(
            non_base_unit(&words("upload_kb_total")).map(|u| u.base),
            Some("bytes")
        );
        assert!(non_base_unit(&words("room_msgs_total")).is_none());
        assert!(non_base_unit(&words("stream_minutes_watched_total")).is_some());
        assert!(has_base_unit(&words("gift_value_bytes")));
        assert!(!has_base_unit(&words("gift_value_second")));
        assert_eq!(type_token(&words("room_viewers_gauge")), Some("gauge"));
        assert_eq!(type_token(&words("room_metrics_total")), None);
    }
}
