//! Standard output, in one place: text for people is written with every control character an
//! untrusted value could carry (terminal escape sequences in a name, a feature or an entry)
//! shown escaped, and a reader that goes away (`eidscope ... | head`) ends the program quietly
//! instead of a panic. Warnings on standard error take one form ([`warning!`]).

use std::io::Write;

/// Escapes the control characters of `text`, keeping line breaks and tabs.
pub fn sanitize(text: &str) -> std::borrow::Cow<'_, str> {
    if !text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(
        text.chars()
            .map(|c| {
                if c.is_control() && c != '\n' && c != '\t' {
                    c.escape_unicode().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

/// Writes text for people (sanitized) to standard output.
pub fn text(text: &str) {
    write(sanitize(text).as_bytes());
}

/// Writes machine-readable output (JSON, already escaped by its serialiser) to standard output.
pub fn raw(text: &str) {
    write(text.as_bytes());
}

/// Writes JSON text to standard output with DEL and the C1 control characters escaped as
/// `\u007f`...: legal raw in JSON strings, but a terminal obeys some of them, and the text
/// output shows them escaped too. They occur in JSON text only inside strings, so the result is
/// the same JSON value.
pub fn json(text: &str) {
    write(escape_json_controls(text).as_bytes());
}

fn escape_json_controls(text: &str) -> std::borrow::Cow<'_, str> {
    let is_raw_control = |c: char| c == '\u{7f}' || ('\u{80}'..='\u{9f}').contains(&c);
    if !text.chars().any(is_raw_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(
        text.chars()
            .map(|c| {
                if is_raw_control(c) {
                    format!("\\u{:04x}", u32::from(c))
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

fn write(bytes: &[u8]) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(bytes).and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            // The reader has all it wanted; the rest of the output has no one to go to.
            std::process::exit(0);
        }
        eprintln!("eidscope: cannot write to standard output: {e}");
        std::process::exit(i32::from(
            eidscope_model::ExitStatus::UnreadableInput.code(),
        ));
    }
}

/// Like `println!`, through [`text`].
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::output::text(&format!("{}\n", format_args!($($arg)*)))
    };
}
pub(crate) use outln;

/// A warning on standard error, in one form for every command: `eidscope: warning: ...`.
macro_rules! warning {
    ($($arg:tt)*) => {
        eprintln!(
            "eidscope: warning: {}",
            $crate::output::sanitize(&format!($($arg)*))
        )
    };
}
pub(crate) use warning;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_shown_not_obeyed() {
        assert_eq!(
            sanitize("EVIL\u{1b}[2J\u{7}\nnext\tcol"),
            "EVIL\\u{1b}[2J\\u{7}\nnext\tcol"
        );
        assert!(matches!(sanitize("plain"), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn json_keeps_its_value_with_del_and_c1_escaped() {
        let value = serde_json::json!({"entry": "a\u{7f}b\u{9b}c"});
        let text = serde_json::to_string(&value).unwrap();
        let escaped = escape_json_controls(&text);
        assert_eq!(escaped, r#"{"entry":"a\u007fb\u009bc"}"#);
        let back: serde_json::Value = serde_json::from_str(&escaped).unwrap();
        assert_eq!(back, value);
    }
}
