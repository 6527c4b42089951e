//! Go literal decoding: string literals to bytes, numeric literals to `f64`.

/// Decoded bytes of a Go string literal as written (quotes included);
/// `None` when it is not a well-formed literal. The `--diff-base` literal
/// scan decodes with this too, so it spells names as extraction does.
pub fn decode_string(lit: &str) -> Option<Vec<u8>> {
    if let Some(body) = lit.strip_prefix('`') {
        let body = body.strip_suffix('`')?;
        return Some(body.bytes().filter(|&b| b != b'\r').collect());
    }
    let body = lit.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = Vec::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            continue;
        }
        let e = chars.next()?;
        let simple = match e {
            'a' => Some(0x07),
            'b' => Some(0x08),
            'f' => Some(0x0c),
            'n' => Some(b'\n'),
            'r' => Some(b'\r'),
            't' => Some(b'\t'),
            'v' => Some(0x0b),
            '\\' => Some(b'\\'),
            '"' => Some(b'"'),
            '\'' => Some(b'\''),
            _ => None,
        };
        if let Some(b) = simple {
            out.push(b);
            continue;
        }
        match e {
            'x' => out.push(hex_value(&mut chars, 2)? as u8),
            '0'..='7' => {
                let mut v = e.to_digit(8)?;
                for _ in 0..2 {
                    v = v * 8 + chars.next()?.to_digit(8)?;
                }
                out.push(u8::try_from(v).ok()?);
            }
            'u' | 'U' => {
                let n = if e == 'u' { 4 } else { 8 };
                let c = char::from_u32(hex_value(&mut chars, n)?).unwrap_or('\u{fffd}');
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
            _ => return None,
        }
    }
    Some(out)
}

fn hex_value(chars: &mut std::str::Chars<'_>, digits: usize) -> Option<u32> {
    let mut v: u32 = 0;
    for _ in 0..digits {
        v = v.checked_mul(16)? + chars.next()?.to_digit(16)?;
    }
    Some(v)
}

/// Value of a Go int literal (`1_000`, `0x1F`, `0o17`, `017`, `0b101`).
pub(crate) fn parse_int(lit: &str) -> Option<f64> {
    let s: String = lit.chars().filter(|&c| c != '_').collect();
    let lower = s.to_ascii_lowercase();
    let (digits, radix) = if let Some(h) = lower.strip_prefix("0x") {
        (h.to_string(), 16)
    } else if let Some(b) = lower.strip_prefix("0b") {
        (b.to_string(), 2)
    } else if let Some(o) = lower.strip_prefix("0o") {
        (o.to_string(), 8)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (lower[1..].to_string(), 8)
    } else {
        (lower, 10)
    };
    u128::from_str_radix(&digits, radix).ok().map(|v| v as f64)
}

/// Value of a decimal Go float literal; hexadecimal floats are not folded.
pub(crate) fn parse_float(lit: &str) -> Option<f64> {
    let s: String = lit.chars().filter(|&c| c != '_').collect();
    if s.starts_with("0x") || s.starts_with("0X") {
        return None;
    }
    s.parse::<f64>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpreted_escapes() {
        let got = decode_string(r#""a\n\t\x41\101\u00e9\U0001F600\\\"""#).unwrap();
        assert_eq!(got, "a\n\tAAé😀\\\"".as_bytes());
        assert_eq!(decode_string(r#""\xff""#).unwrap(), vec![0xff]);
        assert_eq!(decode_string(r#""\377""#).unwrap(), vec![0xff]);
        assert_eq!(decode_string(r#""\q""#), None);
        assert_eq!(decode_string(r#""\x4""#), None);
    }

    #[test]
    fn raw_strings_drop_carriage_returns() {
        assert_eq!(decode_string("`a\\n\r\nb`").unwrap(), b"a\\n\nb".to_vec());
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_int("1_000"), Some(1000.0));
        assert_eq!(parse_int("0x1F"), Some(31.0));
        assert_eq!(parse_int("017"), Some(15.0));
        assert_eq!(parse_int("0b101"), Some(5.0));
        assert_eq!(parse_int("0"), Some(0.0));
        assert_eq!(parse_float("1e-3"), Some(0.001));
        assert_eq!(parse_float(".5"), Some(0.5));
        assert_eq!(parse_float("0x1p-2"), None);
    }
}
