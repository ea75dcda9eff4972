//! How errors look from outside: the class of an unreadable input (the `error_kind` column of
//! `scan`'s errors table, [`ErrorKind`]) and the one line an error is written as
//! ([`error_line`]: on standard error and in the `message` column alike).

/// The class of an input that could not be read as a bundle, as written in the `error_kind`
/// column. Each library error says its class (`BundleError::kind`, `InputError::kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ErrorKind {
    /// The file could not be opened or read.
    Io,
    /// The file is empty.
    Empty,
    /// The file is not a zip (no `PK\x03\x04` / central directory).
    NotZip,
    /// The zip is truncated or its structure is broken.
    Corrupt,
    /// A readable zip that holds none of a bundle's entries (only a `readme.txt`, or nothing).
    NotABundle,
    /// A limit on size, count or compression ratio was hit.
    Limit,
    /// `ocr.json`, `manual_approval.json` or the process is not valid JSON.
    MalformedJson,
    /// The reader stopped on a bug (a panic caught by the batch engine).
    Internal,
}

crate::words!(ErrorKind, "error kind", [
    Io => "io",
    Empty => "empty",
    NotZip => "not-zip",
    Corrupt => "corrupt-zip",
    NotABundle => "not-a-bundle",
    Limit => "limit",
    MalformedJson => "malformed-json",
    Internal => "internal",
]);

/// An error and its causes as one line: each error's own words, then each cause's, joined by
/// `: ` (a cause whose words its error already says is not repeated), whitespace runs folded
/// into single spaces. Errors say only their own part: the chain is written here, once.
pub fn error_line(error: &dyn std::error::Error) -> String {
    let mut line = error.to_string();
    let mut cause = error.source();
    while let Some(inner) = cause {
        let words = inner.to_string();
        if !words.is_empty() && !line.ends_with(&words) {
            line.push_str(": ");
            line.push_str(&words);
        }
        cause = inner.source();
    }
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt;

    #[derive(Debug)]
    struct Layer(&'static str, Option<Box<Layer>>);

    impl fmt::Display for Layer {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for Layer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref().map(|l| l as _)
        }
    }

    #[test]
    fn the_chain_is_one_line_said_once() {
        let error = Layer(
            "x.zip",
            Some(Box::new(Layer(
                "entry `a` is damaged",
                Some(Box::new(Layer("invalid\n  checksum", None))),
            ))),
        );
        assert_eq!(
            error_line(&error),
            "x.zip: entry `a` is damaged: invalid checksum"
        );
        // A cause already said by its error is not said twice.
        let said = Layer("cannot open: gone", Some(Box::new(Layer("gone", None))));
        assert_eq!(error_line(&said), "cannot open: gone");
        assert_eq!(ErrorKind::Corrupt.to_string(), "corrupt-zip");
    }
}
