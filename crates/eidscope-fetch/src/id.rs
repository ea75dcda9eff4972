//! Assure identifiers (dossier and process ids), parsed once at the edge.
//!
//! An id comes from a list file, the command line or an API answer: untrusted. It becomes a URL
//! path segment and a file name, so it is accepted only when it is safe as both: ASCII letters,
//! digits, `-`, `_` and `.`, starting with a letter or digit, at most [`MAX_ID_LEN`] characters.
//! Signicat's ids are UUIDs; anything outside that alphabet (a `/`, `..`, a space, a control
//! character, a percent sign) is refused rather than escaped, so no id can name a path outside
//! the output folder, a hidden file, or another API endpoint.

use std::fmt;

/// The longest id accepted (a UUID is 36 characters).
pub const MAX_ID_LEN: usize = 128;

/// A dossier or process id that is safe as a URL path segment and as a file name.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AssureId(String);

impl AssureId {
    /// Parses an id, trimming surrounding white space.
    pub fn parse(text: &str) -> Result<AssureId, String> {
        let id = text.trim();
        let first_ok = id.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
        let all_ok = id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if id.is_empty() {
            Err("an empty id".to_owned())
        } else if id.len() > MAX_ID_LEN {
            Err(format!(
                "an id of {} characters (at most {MAX_ID_LEN})",
                id.len()
            ))
        } else if !first_ok || !all_ok {
            Err(format!(
                "`{}` is not an Assure id (letters, digits, `-`, `_`, `.`; starting with a letter or digit)",
                shorten(id)
            ))
        } else {
            Ok(AssureId(id.to_owned()))
        }
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AssureId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for AssureId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

impl serde::Serialize for AssureId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for AssureId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        AssureId::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A hostile value cut to a length fit for a one-line message, control characters escaped.
pub(crate) fn shorten(text: &str) -> String {
    const KEEP: usize = 60;
    let mut out: String = text
        .chars()
        .take(KEEP)
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect();
    if text.chars().count() > KEEP {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_and_plain_ids_are_accepted() {
        for id in [
            "e0dea380-4219-4388-81bb-61a56ed73ef3",
            "D1",
            "abc_def.v2",
            " 4644c061-e229-449a-b4db-643c7403bbdc ",
        ] {
            assert!(AssureId::parse(id).is_ok(), "{id}");
        }
    }

    #[test]
    fn ids_that_could_leave_the_folder_or_the_endpoint_are_refused() {
        for id in [
            "",
            "..",
            ".hidden",
            "-rf",
            "a/b",
            "a\\b",
            "../../etc/passwd",
            "a b",
            "a%2Fb",
            "a?x=1",
            "a#b",
            "x\u{1b}[2J",
            "ü",
            &"a".repeat(MAX_ID_LEN + 1),
        ] {
            assert!(AssureId::parse(id).is_err(), "{id:?}");
        }
    }

    #[test]
    fn messages_are_one_line_and_short() {
        let e = AssureId::parse(&format!("x/{}\n", "y".repeat(500))).unwrap_err();
        assert!(!e.contains('\n') && e.len() < 200, "{e}");
    }
}
