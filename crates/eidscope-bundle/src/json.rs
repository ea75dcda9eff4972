//! Tolerant access to untrusted JSON: text as real tools write it (a UTF-8 byte order mark,
//! UTF-16 with a byte order mark, numbers a double cannot hold, lone UTF-16 surrogates, the
//! `...` elisions of documentation examples), each accepted with a [`Repairs`] record the
//! reader turns into notes; then field names in any letter case and with or without `_`/`-`,
//! booleans written as strings, numbers written as strings, empty strings as absent.
//!
//! What cannot be accepted safely (nesting past the parser's depth limit, text that is not
//! UTF-8 or UTF-16, broken syntax) is an error that names the problem; nothing here panics or
//! recurses without bound.

use eidscope_model::Note;
use serde_json::{Map, Value};
use std::borrow::Cow;

/// Why JSON text does not parse: the strict parser's error (the first one, when the repairs
/// did not help either), after telling text that is not UTF-8 or UTF-16.
#[derive(Debug, thiserror::Error)]
pub enum JsonError {
    /// The bytes are not UTF-8 text.
    #[error("not UTF-8 text")]
    NotUtf8(#[source] serde_json::Error),
    /// UTF-16 text (by its byte order mark) of an odd number of bytes.
    #[error("UTF-16 text of an odd number of bytes")]
    OddUtf16,
    /// The text is not JSON.
    #[error(transparent)]
    Syntax(#[from] serde_json::Error),
}

/// What was done to JSON text so that it parses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Repairs {
    /// A UTF-8 byte order mark was skipped.
    pub byte_order_mark: bool,
    /// The text was UTF-16 (with a byte order mark) and was decoded.
    pub utf16: bool,
    /// Numbers a double cannot hold (out of range, integers past 64 bits), kept as text.
    pub big_numbers: usize,
    /// Lone UTF-16 surrogates, read as U+FFFD.
    pub lone_surrogates: bool,
    /// The `...` elisions of documentation examples were dropped.
    pub elided: bool,
}

impl Repairs {
    /// The notes that tell a reader of the report what was accepted in `entry` (the
    /// elisions are the caller's to judge).
    pub fn notes(&self, entry: &str) -> Vec<Note> {
        let entry = entry.to_owned();
        let mut notes = Vec::new();
        if self.byte_order_mark {
            notes.push(Note::JsonByteOrderMark {
                entry: entry.clone(),
            });
        }
        if self.utf16 {
            notes.push(Note::JsonUtf16 {
                entry: entry.clone(),
            });
        }
        if self.big_numbers > 0 {
            notes.push(Note::JsonBigNumbers {
                entry: entry.clone(),
                count: self.big_numbers.to_string(),
            });
        }
        if self.lone_surrogates {
            notes.push(Note::JsonLoneSurrogates { entry });
        }
        notes
    }
}

/// JSON text parsed, and what was repaired to parse it.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// The value.
    pub value: Value,
    /// What was accepted.
    pub repairs: Repairs,
}

/// Parses JSON text as real tools write it (see the module documentation). When the strict
/// parse fails and the text holds `...` elisions outside strings (as documentation examples
/// do), they are dropped and the parse retried.
pub fn parse_lenient(bytes: &[u8]) -> Result<Parsed, JsonError> {
    let mut repairs = Repairs::default();
    let text = decode(bytes, &mut repairs)?;
    let text: Cow<'_, [u8]> = match std::str::from_utf8(&text).ok().and_then(repair_tokens) {
        Some(fixed) => {
            repairs.big_numbers = fixed.big_numbers;
            repairs.lone_surrogates = fixed.lone_surrogates;
            Cow::Owned(fixed.text.into_bytes())
        }
        None => text,
    };
    let first = match serde_json::from_slice::<Value>(&text) {
        Ok(value) => return Ok(Parsed { value, repairs }),
        Err(first) => first,
    };
    let Ok(text) = std::str::from_utf8(&text) else {
        return Err(JsonError::NotUtf8(first));
    };
    match drop_elisions(text) {
        Some(cleaned) => {
            let value =
                serde_json::from_str::<Value>(&cleaned).map_err(|_| JsonError::Syntax(first))?;
            repairs.elided = true;
            Ok(Parsed { value, repairs })
        }
        None => Err(JsonError::Syntax(first)),
    }
}

/// The text without a UTF-8 byte order mark, or UTF-16 (by its byte order mark) as UTF-8.
fn decode<'a>(bytes: &'a [u8], repairs: &mut Repairs) -> Result<Cow<'a, [u8]>, JsonError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        repairs.byte_order_mark = true;
        return Ok(Cow::Borrowed(rest));
    }
    let unit: fn([u8; 2]) -> u16 = match bytes.get(..2) {
        Some([0xFF, 0xFE]) => u16::from_le_bytes,
        Some([0xFE, 0xFF]) => u16::from_be_bytes,
        _ => return Ok(Cow::Borrowed(bytes)),
    };
    let body = &bytes[2..];
    if !body.len().is_multiple_of(2) {
        return Err(JsonError::OddUtf16);
    }
    repairs.utf16 = true;
    let units = body.chunks_exact(2).map(|pair| unit([pair[0], pair[1]]));
    let text: String = char::decode_utf16(units)
        .map(|c| {
            c.unwrap_or_else(|_| {
                repairs.lone_surrogates = true;
                char::REPLACEMENT_CHARACTER
            })
        })
        .collect();
    Ok(Cow::Owned(text.into_bytes()))
}

/// JSON text rewritten so that it parses without losing what it says.
struct Repaired {
    text: String,
    big_numbers: usize,
    lone_surrogates: bool,
}

/// Copies text with some spans replaced, allocating only at the first replacement.
struct Rewriter<'a> {
    text: &'a str,
    out: Option<String>,
    copied: usize,
}

impl Rewriter<'_> {
    fn replace(&mut self, start: usize, end: usize, with: &str) {
        let out = self
            .out
            .get_or_insert_with(|| String::with_capacity(self.text.len() + 16));
        out.push_str(&self.text[self.copied..start]);
        out.push_str(with);
        self.copied = end;
    }

    fn finish(self) -> Option<String> {
        let mut out = self.out?;
        out.push_str(&self.text[self.copied..]);
        Some(out)
    }
}

/// Quotes the numbers a double cannot hold (`1e400`, integers past 64 bits: as text they keep
/// every digit) and turns `\u` escapes of lone surrogates into `\ufffd`. `None` when nothing
/// needs it. Works on bytes: every byte it looks for is ASCII, which never occurs inside a
/// multi-byte UTF-8 sequence.
fn repair_tokens(text: &str) -> Option<Repaired> {
    let bytes = text.as_bytes();
    let mut rewriter = Rewriter {
        text,
        out: None,
        copied: 0,
    };
    let (mut big_numbers, mut lone_surrogates) = (0, false);
    let (mut i, mut in_string) = (0, false);
    while i < bytes.len() {
        let c = bytes[i];
        if in_string {
            match c {
                b'"' => in_string = false,
                b'\\' if bytes.get(i + 1) == Some(&b'u') => {
                    let unit = hex4(bytes, i + 2);
                    let paired = unit.is_some_and(is_high_surrogate)
                        && bytes.get(i + 6..i + 8) == Some(&b"\\u"[..])
                        && hex4(bytes, i + 8).is_some_and(is_low_surrogate);
                    if paired {
                        i += 12;
                        continue;
                    }
                    if unit.is_some_and(|u| is_high_surrogate(u) || is_low_surrogate(u)) {
                        rewriter.replace(i, i + 6, "\\ufffd");
                        lone_surrogates = true;
                    }
                    i += 6;
                    continue;
                }
                b'\\' => {
                    i += 2;
                    continue;
                }
                _ => {}
            }
            i += 1;
        } else if c == b'"' {
            in_string = true;
            i += 1;
        } else if c == b'-' || c.is_ascii_digit() {
            let len = bytes[i..]
                .iter()
                .take_while(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'))
                .count();
            let token = &text[i..i + len];
            if beyond_double(token) {
                rewriter.replace(i, i + len, &format!("\"{token}\""));
                big_numbers += 1;
            }
            i += len;
        } else {
            i += 1;
        }
    }
    Some(Repaired {
        text: rewriter.finish()?,
        big_numbers,
        lone_surrogates,
    })
}

/// Four hex digits at `at`, as a UTF-16 unit.
fn hex4(bytes: &[u8], at: usize) -> Option<u16> {
    let digits = std::str::from_utf8(bytes.get(at..at + 4)?).ok()?;
    u16::from_str_radix(digits, 16).ok()
}

fn is_high_surrogate(unit: u16) -> bool {
    (0xD800..0xDC00).contains(&unit)
}

fn is_low_surrogate(unit: u16) -> bool {
    (0xDC00..0xE000).contains(&unit)
}

/// Whether a JSON number token says more than a double can hold: out of its range, or an
/// integer past 64 bits (which a double would round).
fn beyond_double(token: &str) -> bool {
    let digits = token.strip_prefix('-').unwrap_or(token);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return token.parse::<i64>().is_err() && token.parse::<u64>().is_err();
    }
    token.parse::<f64>().is_ok_and(f64::is_infinite)
}

/// Walks JSON text and tells, for each character, whether it belongs to a string literal
/// (quotes included).
fn in_strings(text: &str) -> impl Iterator<Item = (usize, char, bool)> + '_ {
    let (mut in_string, mut escaped) = (false, false);
    text.char_indices().map(move |(i, c)| {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            (i, c, true)
        } else {
            in_string = c == '"';
            (i, c, in_string)
        }
    })
}

/// Removes `...` tokens found outside strings, and the commas they leave dangling. `None` when
/// there is no elision to drop.
fn drop_elisions(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut skip = 0;
    for (i, c, quoted) in in_strings(text) {
        if skip > 0 {
            skip -= 1;
        } else if !quoted && text[i..].starts_with("...") {
            skip = 2;
        } else {
            out.push(c);
        }
    }
    if out.len() == text.len() {
        return None;
    }
    // Drop commas with nothing before or after them inside a container.
    let chars: Vec<char> = out.chars().collect();
    let mut fixed = String::with_capacity(out.len());
    for (n, (_, c, quoted)) in in_strings(&out).enumerate() {
        if c == ',' && !quoted {
            let prev = fixed.chars().rev().find(|c| !c.is_whitespace());
            let next = chars[n + 1..].iter().find(|c| !c.is_whitespace());
            if matches!(prev, None | Some('[' | '{' | ','))
                || matches!(next, None | Some(']' | '}' | ','))
            {
                continue;
            }
        }
        fixed.push(c);
    }
    Some(fixed)
}

fn normalise_key(key: &str) -> String {
    key.chars()
        .filter(|c| !matches!(c, '_' | '-' | ' '))
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The value of the first of `names` present in `object`, matching keys in any letter case and
/// with or without separators (`dateOfBirth`, `date_of_birth`, `DATEOFBIRTH`). JSON `null` counts
/// as absent.
pub fn field<'a>(object: &'a Map<String, Value>, names: &[&str]) -> Option<&'a Value> {
    for name in names {
        if let Some(v) = object.get(*name).filter(|v| !v.is_null()) {
            return Some(v);
        }
    }
    let wanted: Vec<String> = names.iter().map(|n| normalise_key(n)).collect();
    object
        .iter()
        .find(|(key, v)| !v.is_null() && wanted.contains(&normalise_key(key)))
        .map(|(_, v)| v)
}

/// The object under the first of `names`, if it is an object.
pub fn object<'a>(
    object: &'a Map<String, Value>,
    names: &[&str],
) -> Option<&'a Map<String, Value>> {
    field(object, names).and_then(Value::as_object)
}

/// A text field: strings trimmed (empty means absent), numbers and booleans as their text.
pub fn text(object: &Map<String, Value>, names: &[&str]) -> Option<String> {
    field(object, names).and_then(as_text)
}

/// A value as text: strings trimmed (empty means absent), numbers and booleans as their text.
pub fn as_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => {
            let t = s.trim();
            (!t.is_empty()).then(|| t.to_owned())
        }
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A value as a boolean: `true`/`false` in any case, `"yes"`/`"no"`, `1`/`0`, as JSON booleans,
/// numbers or strings. Anything else is `None`.
pub fn as_bool(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => match n.as_f64() {
            Some(1.0) => Some(true),
            Some(0.0) => Some(false),
            _ => None,
        },
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "y" | "1" | "valid" | "passed" | "ok" => Some(true),
            "false" | "no" | "n" | "0" | "invalid" | "failed" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// A boolean field (see [`as_bool`]).
pub fn boolean(object: &Map<String, Value>, names: &[&str]) -> Option<bool> {
    field(object, names).and_then(as_bool)
}

/// A value as a whole number: integers, floats (rounded) and numeric strings.
pub fn as_i64(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|x| x.is_finite())
                .map(|x| x.round() as i64)
        }),
        Value::String(s) => {
            let t = s.trim();
            t.parse::<i64>().ok().or_else(|| {
                t.parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite())
                    .map(|x| x.round() as i64)
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fields_match_in_any_case_and_separator() {
        let v = json!({"Date_Of_Birth": "2000-01-01", "empty": "  ", "n": 5, "nul": null});
        let o = v.as_object().unwrap();
        assert_eq!(text(o, &["dateOfBirth"]).as_deref(), Some("2000-01-01"));
        assert_eq!(text(o, &["empty"]), None);
        assert_eq!(text(o, &["n"]).as_deref(), Some("5"));
        assert_eq!(field(o, &["nul"]), None);
    }

    #[test]
    fn booleans_come_in_many_spellings() {
        assert_eq!(as_bool(&json!("TRUE")), Some(true));
        assert_eq!(as_bool(&json!("false")), Some(false));
        assert_eq!(as_bool(&json!(true)), Some(true));
        assert_eq!(as_bool(&json!(0)), Some(false));
        assert_eq!(as_bool(&json!("maybe")), None);
    }

    #[test]
    fn documentation_elisions_are_forgiven() {
        let text = br#"{"features": [ { ... }, ... ], "a": "x...y", "b": [1, ...]}"#;
        let parsed = parse_lenient(text).unwrap();
        assert!(parsed.repairs.elided);
        assert_eq!(
            parsed.value,
            json!({"features": [{}], "a": "x...y", "b": [1]})
        );
        assert!(parse_lenient(b"{\"a\": }").is_err());
        assert_eq!(
            parse_lenient(b"{\"a\": 1}").unwrap(),
            Parsed {
                value: json!({"a": 1}),
                repairs: Repairs::default()
            }
        );
    }

    #[test]
    fn text_that_real_tools_write_is_read_with_a_note() {
        let bom = parse_lenient(b"\xEF\xBB\xBF{\"a\": 1}").unwrap();
        assert_eq!(bom.value, json!({"a": 1}));
        assert!(bom.repairs.byte_order_mark);
        let mut utf16 = vec![0xFF, 0xFE];
        for unit in "{\"name\": \"Åsa\"}".encode_utf16() {
            utf16.extend_from_slice(&unit.to_le_bytes());
        }
        let parsed = parse_lenient(&utf16).unwrap();
        assert_eq!(parsed.value, json!({"name": "Åsa"}));
        assert!(parsed.repairs.utf16);
        let mut big_endian = vec![0xFE, 0xFF];
        for unit in "[1]".encode_utf16() {
            big_endian.extend_from_slice(&unit.to_be_bytes());
        }
        assert_eq!(parse_lenient(&big_endian).unwrap().value, json!([1]));
        assert!(matches!(
            parse_lenient(&[0xFF, 0xFE, 0x5B]),
            Err(JsonError::OddUtf16)
        ));
        let big = parse_lenient(
            br#"{"x": 1e400, "n": 123456789012345678901234567890, "ok": 18446744073709551615, "m": -9223372036854775808, "s": "1e400"}"#,
        )
        .unwrap();
        assert_eq!(
            big.value,
            json!({"x": "1e400", "n": "123456789012345678901234567890", "ok": 18446744073709551615_u64, "m": i64::MIN, "s": "1e400"})
        );
        assert_eq!(big.repairs.big_numbers, 2);
        let lone = parse_lenient(
            br#"{"a": "x\ud800y", "b": "\ud83d\ude00", "c": "\udc00", "d": "\\ud800"}"#,
        )
        .unwrap();
        assert_eq!(
            lone.value,
            json!({"a": "x\u{fffd}y", "b": "😀", "c": "\u{fffd}", "d": "\\ud800"})
        );
        assert!(lone.repairs.lone_surrogates);
        assert_eq!(
            lone.repairs.notes("ocr.json"),
            [Note::JsonLoneSurrogates {
                entry: "ocr.json".into()
            }]
        );
        // Nesting past the parser's limit is an error that says so, never a stack overflow.
        let deep = format!("{}{}", "[".repeat(500), "]".repeat(500));
        let err = parse_lenient(deep.as_bytes()).unwrap_err();
        assert!(err.to_string().contains("recursion limit"), "{err}");
    }

    proptest::proptest! {
        #[test]
        fn lenient_parse_never_panics_and_agrees_with_strict(text in ".{0,64}") {
            let strict = serde_json::from_str::<Value>(&text).ok();
            match parse_lenient(text.as_bytes()) {
                Ok(parsed) if parsed.repairs == Repairs::default() => {
                    proptest::prop_assert_eq!(Some(parsed.value), strict)
                }
                Ok(parsed) if parsed.repairs.elided => {
                    proptest::prop_assert!(strict.is_none() && text.contains("..."))
                }
                // Quoted numbers and replaced surrogates: only where a double or a string
                // could not hold what the text says.
                Ok(parsed) => proptest::prop_assert!(
                    parsed.repairs.big_numbers > 0 || parsed.repairs.lone_surrogates
                ),
                Err(_) => proptest::prop_assert!(strict.is_none()),
            }
        }
    }
}
