//! Why a file could not be read as a bundle: one enum whose variants carry a short kind (the
//! `error_kind` column of `scan`'s errors table) and a one-line message naming the problem.

use std::fmt;

/// The class of a bundle error, as written in the `error_kind` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The file could not be opened or read.
    Io,
    /// The file is empty.
    Empty,
    /// The file is not a zip (no `PK\x03\x04` / central directory).
    NotZip,
    /// The zip is truncated or its structure is broken.
    Corrupt,
    /// A limit on size, count or compression ratio was hit.
    Limit,
    /// `ocr.json`, `manual_approval.json` or the process is not valid JSON.
    MalformedJson,
}

impl ErrorKind {
    /// The kebab-case word used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Io => "io",
            ErrorKind::Empty => "empty",
            ErrorKind::NotZip => "not-zip",
            ErrorKind::Corrupt => "corrupt-zip",
            ErrorKind::Limit => "limit",
            ErrorKind::MalformedJson => "malformed-json",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A file that could not be read as a bundle. `Display` is one line without the path; the
/// caller prefixes the path it was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleError {
    /// The class of problem.
    pub kind: ErrorKind,
    /// What went wrong, one line.
    pub message: String,
}

impl BundleError {
    /// A new error.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        let message: String = message.into();
        // One line whatever the source said: errors end up in a terminal and in a table cell.
        let message = message.split_whitespace().collect::<Vec<_>>().join(" ");
        BundleError { kind, message }
    }
}

impl fmt::Display for BundleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for BundleError {}
