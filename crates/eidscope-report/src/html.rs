//! Escaping for HTML and inline SVG: every value that comes from a bundle or a table (names,
//! paths, messages, keys, check and feature names) goes through [`escape`] before it is
//! written into the page, as text or as an attribute value.

use std::fmt::Write as _;

/// Escapes `&`, `<`, `>`, `"` and `'`, and replaces control characters (other than line
/// breaks and tabs) by their `\u{..}` form, so that the text is shown and never obeyed.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => {
                let _ = write!(out, "{}", c.escape_unicode());
            }
            c => out.push(c),
        }
    }
    out
}

/// Escapes `text` like [`escape`] and shows the Markdown code spans of the catalogue's and
/// the rules' sentences (`` `nonExpired` ``) as `<code>` rather than as raw backticks; an
/// unpaired backtick is dropped.
pub fn prose(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let pieces: Vec<&str> = text.split('`').collect();
    let paired = pieces.len() % 2 == 1;
    for (k, piece) in pieces.iter().enumerate() {
        let last = k + 1 == pieces.len();
        if k % 2 == 1 && (paired || !last) {
            let _ = write!(out, "<code>{}</code>", escape(piece));
        } else {
            out.push_str(&escape(piece));
        }
    }
    out
}

/// The first `max` characters of `text` (with `…` when cut), not yet escaped.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_strings_are_inert() {
        let hostile = "</script><script>alert(1)</script>\"><img src=x onerror=alert('x')>&amp;";
        let escaped = escape(hostile);
        assert!(!escaped.contains('<'));
        assert!(!escaped.contains('>'));
        assert!(!escaped.contains('"'));
        assert!(!escaped.contains('\''));
        assert!(escaped.starts_with("&lt;/script&gt;"));
        assert!(escaped.contains("&quot;&gt;&lt;img src=x onerror=alert(&#39;x&#39;)&gt;"));
        assert!(escaped.ends_with("&amp;amp;"));
    }

    #[test]
    fn control_characters_are_shown() {
        assert_eq!(escape("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(escape("plain text"), "plain text");
    }

    #[test]
    fn prose_shows_code_spans_without_backticks() {
        assert_eq!(
            prose("the `nonExpired` check <b>"),
            "the <code>nonExpired</code> check &lt;b&gt;"
        );
        assert_eq!(prose("odd ` tick"), "odd  tick");
        assert_eq!(prose("`<x>`"), "<code>&lt;x&gt;</code>");
        assert!(!prose("a `b` c `d").contains('`'));
    }

    #[test]
    fn shorten_counts_characters() {
        assert_eq!(shorten("abc", 3), "abc");
        assert_eq!(shorten("abcdé", 3), "ab…");
        assert_eq!(shorten("ééééé", 4), "ééé…");
    }
}
