//! Tolerant access to untrusted JSON: field names in any letter case and with or without `_`/`-`,
//! booleans written as strings, numbers written as strings, empty strings as absent, and a
//! lenient parse that forgives the `...` elisions of documentation examples.

use serde_json::{Map, Value};

/// Why JSON text does not parse: the strict parser's error (the first one, when dropping
/// `...` elisions did not help either), after telling text that is not UTF-8.
#[derive(Debug, thiserror::Error)]
pub enum JsonError {
    /// The bytes are not UTF-8 text.
    #[error("not UTF-8 text")]
    NotUtf8(#[source] serde_json::Error),
    /// The text is not JSON.
    #[error(transparent)]
    Syntax(#[from] serde_json::Error),
}

/// Parses JSON text. When the strict parse fails and the text holds `...` elisions outside
/// strings (as documentation examples do), they are dropped and the parse retried; the second
/// value of the pair says whether that happened.
pub fn parse_lenient(bytes: &[u8]) -> Result<(Value, bool), JsonError> {
    let strict = serde_json::from_slice::<Value>(bytes);
    match strict {
        Ok(value) => Ok((value, false)),
        Err(first) => {
            let Ok(text) = std::str::from_utf8(bytes) else {
                return Err(JsonError::NotUtf8(first));
            };
            match drop_elisions(text) {
                Some(cleaned) => serde_json::from_str::<Value>(&cleaned)
                    .map(|v| (v, true))
                    .map_err(|_| JsonError::Syntax(first)),
                None => Err(JsonError::Syntax(first)),
            }
        }
    }
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
        let (v, elided) = parse_lenient(text).unwrap();
        assert!(elided);
        assert_eq!(v, json!({"features": [{}], "a": "x...y", "b": [1]}));
        assert!(parse_lenient(b"{\"a\": }").is_err());
        assert_eq!(
            parse_lenient(b"{\"a\": 1}").unwrap(),
            (json!({"a": 1}), false)
        );
    }

    proptest::proptest! {
        #[test]
        fn lenient_parse_never_panics_and_agrees_with_strict(text in ".{0,64}") {
            let strict = serde_json::from_str::<Value>(&text).ok();
            match parse_lenient(text.as_bytes()) {
                Ok((value, false)) => proptest::prop_assert_eq!(Some(value), strict),
                Ok((_, true)) => proptest::prop_assert!(strict.is_none() && text.contains("...")),
                Err(_) => proptest::prop_assert!(strict.is_none()),
            }
        }
    }
}
