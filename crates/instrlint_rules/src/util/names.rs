//! Metric name tokenising and the naming conventions of the M rules.

/// Suffixes the exposition format appends itself (M107).
pub const RESERVED_SUFFIXES: &[&str] = &["_bucket", "_count", "_sum", "_created"];

/// The `_`-separated parts of a name, empty parts skipped.
pub fn parts(name: &str) -> impl Iterator<Item = &str> {
    name.split('_').filter(|p| !p.is_empty())
}

/// M104's parts: the `_`-separated parts once the trailing unit and type
/// suffixes are set aside (`http_requests_total` → `http`, `requests`).
pub fn name_parts(name: &str) -> Vec<&str> {
    let all: Vec<&str> = parts(name).collect();
    crate::util::units::stem(&all).to_vec()
}

/// Lower-cased words of a name: split at `_`, `:`, any other character that
/// is not a letter or digit, and camelCase boundaries (`streamLatencyMs` →
/// `stream`, `latency`, `ms`; `HTTPRequests` → `http`, `requests`).
pub fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    for chunk in name.split(|c: char| !c.is_alphanumeric()) {
        let chars: Vec<char> = chunk.chars().collect();
        let mut word = String::new();
        for (i, &c) in chars.iter().enumerate() {
            let prev = i.checked_sub(1).map(|p| chars[p]);
            let next = chars.get(i + 1);
            let boundary = c.is_uppercase()
                && prev.is_some_and(|p| {
                    p.is_lowercase()
                        || p.is_ascii_digit()
                        || (p.is_uppercase() && next.is_some_and(|n| n.is_lowercase()))
                });
            if boundary && !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            word.extend(c.to_lowercase());
        }
        if !word.is_empty() {
            out.push(word);
        }
    }
    out
}

/// True when the name matches `^[a-zA-Z_:][a-zA-Z0-9_:]*$`.
pub fn is_classic(name: &str) -> bool {
    !name.is_empty() && first_outside_classic(name).is_none()
}

/// The first character (and its index) that breaks the classic charset.
pub fn first_outside_classic(name: &str) -> Option<(usize, char)> {
    name.char_indices().find(|&(i, c)| {
        let ok = c.is_ascii_alphabetic() || c == '_' || c == ':';
        !(ok || (i > 0 && c.is_ascii_digit()))
    })
}

/// Why a classic-charset name is not snake_case, if it is not.
pub fn snake_problem(name: &str) -> Option<&'static str> {
    if name.chars().any(|c| c.is_ascii_uppercase()) {
        Some("it has upper-case letters")
    } else if name.starts_with('_') {
        Some("it starts with `_`")
    } else if name.ends_with('_') {
        Some("it ends with `_`")
    } else if name.contains("__") {
        Some("it has a doubled `_`")
    } else {
        None
    }
}

/// The name in snake_case: words joined by `_`, `:` kept.
pub fn to_snake(name: &str) -> String {
    map_words(name, |w| Some(w.to_string()))
}

/// The snake_case name with every word equal to `from` replaced by `to`.
pub fn replace_word(name: &str, from: &str, to: &str) -> String {
    map_words(name, |w| Some(if w == from { to } else { w }.to_string()))
}

/// The snake_case name without the word `word`; `None` when nothing is left.
pub fn remove_word(name: &str, word: &str) -> Option<String> {
    let renamed = map_words(name, |w| (w != word).then(|| w.to_string()));
    (!renamed.trim_matches(':').is_empty()).then_some(renamed)
}

fn map_words(name: &str, f: impl Fn(&str) -> Option<String>) -> String {
    name.split(':')
        .map(|segment| {
            let kept: Vec<String> = words(segment).iter().filter_map(|w| f(w)).collect();
            kept.join("_")
        })
        .collect::<Vec<_>>()
        .join(":")
}

/// The reserved suffix the name ends in, if any.
pub fn reserved_suffix(name: &str) -> Option<&'static str> {
    RESERVED_SUFFIXES
        .iter()
        .copied()
        .find(|s| name.len() > s.len() && name.ends_with(s))
}

/// What a counter should be called: trailing `_` and a reserved suffix
/// dropped, `_total` appended (`gifts_sent_count` → `gifts_sent_total`).
pub fn counter_name(name: &str) -> String {
    let base = name.trim_end_matches('_');
    let base = reserved_suffix(base).map_or(base, |s| &base[..base.len() - s.len()]);
    if base.ends_with("_total") {
        base.to_string()
    } else {
        format!("{base}_total")
    }
}

/// A character as a message shows it: `` `-` ``, or a description for
/// whitespace and control characters.
pub fn describe_char(c: char) -> String {
    match c {
        ' ' => "a space".to_string(),
        c if c.is_whitespace() || c.is_control() => format!("`U+{:04X}`", c as u32),
        c => format!("`{c}`"),
    }
}

/// Characters outside the charset become `_`; `None` when the result still
/// cannot be a classic name (it would start with a digit, or is empty).
pub fn sanitised(name: &str) -> Option<String> {
    let replaced: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == ':' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut out = String::new();
    for part in replaced.split('_').filter(|p| !p.is_empty()) {
        if !out.is_empty() {
            out.push('_');
        }
        out.push_str(part);
    }
    is_classic(&out).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_count_underscore_tokens_including_suffixes() {
        assert_eq!(parts("http_requests_total").count(), 3);
        assert_eq!(parts("_viewers__total_").count(), 2);
        assert_eq!(parts("job:viewers:rate5m").count(), 1);
    }

    #[test]
    fn name_parts_leave_the_suffixes_out() {
        assert_eq!(name_parts("http_requests_total"), ["http", "requests"]);
        assert_eq!(name_parts("dropped_total"), ["dropped"]);
        assert_eq!(name_parts("payouts"), ["payouts"]);
        assert_eq!(name_parts("handshake_seconds"), ["handshake"]);
        assert_eq!(name_parts("upload_size_bytes_total"), ["upload", "size"]);
        assert_eq!(name_parts("_viewers__total_"), ["viewers"]);
    }

    #[test]
    fn words_split_snake_colons_and_camel_case() {
        assert_eq!(words("stream_latency_ms"), ["stream", "latency", "ms"]);
        assert_eq!(words("streamLatencyMs"), ["stream", "latency", "ms"]);
        assert_eq!(words("HTTPRequests_total"), ["http", "requests", "total"]);
        assert_eq!(words("job:viewers:rate5m"), ["job", "viewers", "rate5m"]);
        assert_eq!(words("room-joins"), ["room", "joins"]);
        assert_eq!(words("p99Latency"), ["p99", "latency"]);
    }

    #[test]
    fn classic_charset() {
        assert!(is_classic("livestream:viewers_total"));
        assert!(is_classic("_x9"));
        assert!(!is_classic(""));
        assert_eq!(first_outside_classic("9rooms"), Some((0, '9')));
        assert_eq!(first_outside_classic("room-joins"), Some((4, '-')));
        assert_eq!(first_outside_classic("gifts.sent"), Some((5, '.')));
        assert_eq!(
            sanitised("room-joins. total").as_deref(),
            Some("room_joins_total")
        );
        assert_eq!(sanitised("5xx"), None);
    }

    #[test]
    fn snake_case_problems() {
        assert_eq!(snake_problem("livestream_rooms_total"), None);
        assert!(snake_problem("roomJoins").is_some());
        assert!(snake_problem("_rooms").is_some());
        assert!(snake_problem("rooms_").is_some());
        assert!(snake_problem("rooms__joined").is_some());
    }

    #[test]
    fn renames() {
        assert_eq!(
            to_snake("livestream_roomJoins__total"),
            "livestream_room_joins_total"
        );
        assert_eq!(
            replace_word("stream_latency_ms", "ms", "seconds"),
            "stream_latency_seconds"
        );
        assert_eq!(
            remove_word("room_viewers_gauge", "gauge").as_deref(),
            Some("room_viewers")
        );
        assert_eq!(remove_word("gauge", "gauge"), None);
        assert_eq!(counter_name("gifts_sent_count"), "gifts_sent_total");
        assert_eq!(counter_name("rooms_joined"), "rooms_joined_total");
        assert_eq!(reserved_suffix("_sum"), None);
        assert_eq!(reserved_suffix("gift_coins_sum"), Some("_sum"));
    }
}

#[cfg(test)]
mod proptests {
    use super::*;
    use proptest::prelude::*;

    fn name() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                4 => proptest::char::range('a', 'z'),
                2 => proptest::char::range('A', 'Z'),
                2 => Just('_'),
                1 => Just(':'),
                1 => proptest::char::range('0', '9'),
                1 => Just('.'),
                1 => any::<char>(),
            ],
            0..40,
        )
        .prop_map(|v| v.into_iter().collect())
    }

    proptest! {
        /// Words are non-empty, lower-case, and together spell the name's
        /// letters and digits in order.
        #[test]
        fn words_spell_the_name(name in name()) {
            let words = words(&name);
            for w in &words {
                prop_assert!(!w.is_empty());
                prop_assert_eq!(w.clone(), w.to_lowercase());
            }
            let letters: String = name
                .chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect();
            prop_assert_eq!(words.concat(), letters);
        }

        /// snake_case names are their own words joined with `_`.
        #[test]
        fn snake_names_are_their_words(parts in proptest::collection::vec("[a-z][a-z0-9]{0,6}", 1..6)) {
            let name = parts.join("_");
            prop_assert_eq!(words(&name), parts.clone());
            prop_assert_eq!(super::parts(&name).collect::<Vec<_>>(), parts.iter().map(String::as_str).collect::<Vec<_>>());
            prop_assert!(is_classic(&name));
            prop_assert_eq!(snake_problem(&name), None);
            prop_assert_eq!(to_snake(&name), name.clone());
        }

        /// Parts never hold `_` and rejoin to the name without empty parts.
        #[test]
        fn parts_rejoin(name in name()) {
            let p: Vec<&str> = parts(&name).collect();
            prop_assert!(p.iter().all(|s| !s.is_empty() && !s.contains('_')));
            let collapsed: Vec<&str> = name.split('_').filter(|s| !s.is_empty()).collect();
            prop_assert_eq!(p.join("_"), collapsed.join("_"));
        }

        /// The classic-charset check agrees with its regular expression.
        #[test]
        fn classic_matches_the_regex(name in name()) {
            let re = name.chars().enumerate().all(|(i, c)| {
                c.is_ascii_alphabetic() || c == '_' || c == ':' || (i > 0 && c.is_ascii_digit())
            }) && !name.is_empty();
            prop_assert_eq!(is_classic(&name), re);
            if let Some((i, c)) = first_outside_classic(&name) {
                prop_assert_eq!(name[i..].chars().next(), Some(c));
            }
        }

        /// Tokenising helpers never panic.
        #[test]
        fn helpers_total(name in name()) {
            let _ = to_snake(&name);
            let _ = counter_name(&name);
            let _ = sanitised(&name);
            let _ = reserved_suffix(&name);
            let _ = remove_word(&name, "ms");
            let _ = replace_word(&name, "ms", "seconds");
        }
    }
}
