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

/// Metric type tokens (M110), anywhere in the name.
pub const TYPE_TOKENS: &[&str] = &["counter", "gauge", "histogram", "summary"];

/// Words that say "metric" (M110) when they are the last word before the
/// suffixes (`stream_health_metric`); elsewhere they name something else
/// (`promhttp_metric_handler_requests_total`: the /metrics handler).
pub const METRIC_WORDS: &[&str] = &["metric", "metrics"];

/// Trailing type suffixes set aside before counting parts (M104) or
/// finding the last word (M110).
pub const TYPE_SUFFIXES: &[&str] = &["total", "count", "sum", "bucket", "created", "info"];

/// True for a unit token, base or not.
pub fn is_unit_token(token: &str) -> bool {
    let t = token.to_ascii_lowercase();
    BASE_UNITS.contains(&t.as_str()) || NON_BASE_UNITS.iter().any(|u| u.token == t)
}

/// The tokens before the trailing unit and type suffixes: one type suffix
/// at the end, then one unit before it (`http_request_duration_seconds_total`
/// → `http`, `request`, `duration`; `bucket_created_total` keeps `created`).
pub fn stem<T: AsRef<str>>(tokens: &[T]) -> &[T] {
    let mut end = tokens.len();
    let last_is = |end: usize, f: &dyn Fn(&str) -> bool| end > 0 && f(tokens[end - 1].as_ref());
    if last_is(end, &|t| {
        TYPE_SUFFIXES.contains(&t.to_ascii_lowercase().as_str())
    }) {
        end -= 1;
    }
    if last_is(end, &is_unit_token) {
        end -= 1;
    }
    &tokens[..end]
}

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

/// The first word that is a metric type, or `metric`/`metrics` as the last
/// word before the suffixes.
pub fn type_token(words: &[String]) -> Option<&'static str> {
    words
        .iter()
        .find_map(|w| TYPE_TOKENS.iter().copied().find(|t| t == w))
        .or_else(|| {
            let last = stem(words).last()?;
            METRIC_WORDS.iter().copied().find(|t| t == last)
        })
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
        assert_eq!(type_token(&words("room_metrics_total")), Some("metrics"));
        assert_eq!(type_token(&words("stream_health_metric")), Some("metric"));
        assert_eq!(
            type_token(&words("promhttp_metric_handler_requests_total")),
            None
        );
        assert_eq!(type_token(&words("room_metrics_enabled")), None);
    }

    #[test]
    fn stems_set_unit_and_type_suffixes_aside() {
        let stem_of = |n: &str| stem(&words(n)).join("_");
        assert_eq!(
            stem_of("http_request_duration_seconds_total"),
            "http_request_duration"
        );
        assert_eq!(stem_of("dropped_total"), "dropped");
        assert_eq!(stem_of("handshake_seconds"), "handshake");
        assert_eq!(stem_of("cs_info"), "cs");
        assert_eq!(stem_of("alertmanager_receivers"), "alertmanager_receivers");
        assert_eq!(stem_of("seconds_total"), "");
        assert_eq!(stem_of("cs_bucket_created_total"), "cs_bucket_created");
        assert_eq!(stem_of("x_count_bytes"), "x_count");
    }
}
