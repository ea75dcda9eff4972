//! Why a file could not be read as a bundle: one enum whose variants carry what was found
//! (sizes, limits, the entry, the lower error), built where the problem is found and worded
//! here. [`BundleError::kind`] is its class, the `error_kind` column of `scan`'s errors table.
//!
//! `Display` says the variant's own part, one line without the path; the lower error is its
//! `source()`, and [`eidscope_model::error_line`] writes the whole chain once.

use eidscope_model::ErrorKind;
use std::path::PathBuf;

/// A file that could not be read as a bundle.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    /// The path names a folder.
    #[error("is a folder, not a zip file")]
    Folder,
    /// The file could not be opened or read.
    #[error("cannot read: {}", io_words(.error))]
    Unreadable {
        /// What the operating system said.
        error: std::io::Error,
    },
    /// The file holds no byte.
    #[error("file is empty (0 bytes), not a zip")]
    Empty,
    /// The file does not start like a zip.
    #[error("not a zip file (starts with {})", describe_magic(.head))]
    NotZip {
        /// Its first bytes (at most four).
        head: Vec<u8>,
    },
    /// The central directory cannot be read.
    #[error("truncated or damaged zip")]
    Corrupt(#[source] zip::result::ZipError),
    /// An entry of the central directory cannot be opened.
    #[error("entry #{index}")]
    EntryUnreadable {
        /// Its position in the central directory.
        index: usize,
        /// What the zip reader said.
        source: zip::result::ZipError,
    },
    /// A readable zip that holds none of a bundle's entries.
    #[error("not a bundle: {}", foreign(*.count, .names))]
    NotABundle {
        /// Entries it holds.
        count: usize,
        /// The names of its first entries.
        names: Vec<String>,
    },
    /// The file is larger than the reader accepts.
    #[error("file is {size} bytes, over the limit of {limit} bytes")]
    TooLarge {
        /// Its size, bytes.
        size: u64,
        /// The limit, bytes.
        limit: u64,
    },
    /// The central directory lists more entries than the reader accepts.
    #[error("{count} entries, over the limit of {limit}")]
    TooManyEntries {
        /// Entries listed.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// An entry passes its decompressed-size cap or its compression-ratio limit (a
    /// decompression bomb): it is refused while decompressing, whatever it declares.
    #[error("entry `{entry}` {limit}")]
    EntryOverLimit {
        /// The entry name as stored.
        entry: String,
        /// The limit it passed.
        limit: crate::archive::EntryLimit,
    },
    /// A JSON entry holding the `...` elisions of documentation examples.
    #[error("`{entry}` is not valid JSON: it holds `...` elisions")]
    Elisions {
        /// The entry name as stored.
        entry: String,
    },
    /// The process file cannot be read.
    #[error("cannot read process file: {error}")]
    ProcessUnreadable {
        /// What the operating system said.
        error: std::io::Error,
    },
    /// The process file is larger than a JSON entry may be.
    #[error("process file is over {limit} bytes")]
    ProcessTooLarge {
        /// The limit, bytes.
        limit: u64,
    },
    /// The process file does not parse.
    #[error("process file is not valid JSON")]
    ProcessMalformed(#[source] crate::json::JsonError),
    /// The process file named with `--process` cannot be used.
    #[error("{}", file.display())]
    Process {
        /// The process file.
        file: PathBuf,
        /// Why.
        source: Box<BundleError>,
    },
}

impl BundleError {
    /// The class of the problem, as written in the `error_kind` column.
    pub fn kind(&self) -> ErrorKind {
        match self {
            BundleError::Folder
            | BundleError::Unreadable { .. }
            | BundleError::ProcessUnreadable { .. } => ErrorKind::Io,
            BundleError::Empty => ErrorKind::Empty,
            BundleError::NotZip { .. } => ErrorKind::NotZip,
            BundleError::Corrupt(_) | BundleError::EntryUnreadable { .. } => ErrorKind::Corrupt,
            BundleError::NotABundle { .. } => ErrorKind::NotABundle,
            BundleError::TooLarge { .. }
            | BundleError::TooManyEntries { .. }
            | BundleError::EntryOverLimit { .. }
            | BundleError::ProcessTooLarge { .. } => ErrorKind::Limit,
            BundleError::Elisions { .. } | BundleError::ProcessMalformed(_) => {
                ErrorKind::MalformedJson
            }
            BundleError::Process { source, .. } => source.kind(),
        }
    }

    /// The whole error as one line (its causes included), without the path of the bundle.
    pub fn line(&self) -> String {
        eidscope_model::error_line(self)
    }

    /// The error that reading a file gives.
    pub(crate) fn unreadable(error: std::io::Error) -> Self {
        BundleError::Unreadable { error }
    }
}

/// An I/O error in the words of a person: `no such file`, `permission denied`, else as the
/// operating system says it.
fn io_words(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => error.to_string(),
    }
}

/// What a zip that is not a bundle holds: `the zip holds no entry`, or its first names.
fn foreign(count: usize, names: &[String]) -> String {
    if count == 0 {
        return "the zip holds no entry".to_owned();
    }
    let shown: Vec<String> = names
        .iter()
        .map(|n| format!("`{}`", n.escape_debug()))
        .collect();
    let more = count.saturating_sub(names.len());
    let more = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    format!(
        "the zip holds none of a bundle's entries (ocr.json, the pictures, video.mp4, ...), only {}{more}",
        shown.join(", ")
    )
}

/// The first bytes of a file, printable and in hex: `` `%PDF`, hex 25504446 ``.
fn describe_magic(head: &[u8]) -> String {
    let printable: String = head
        .iter()
        .map(|&b| if b.is_ascii_graphic() { b as char } else { '.' })
        .collect();
    format!("`{printable}`, hex {}", hex::encode(head))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_say_their_part_and_their_class() {
        let bomb = BundleError::EntryOverLimit {
            entry: "front.jpeg".into(),
            limit: crate::archive::EntryLimit::Ratio {
                ratio: 20,
                compressed: 1000,
            },
        };
        assert_eq!(bomb.kind(), ErrorKind::Limit);
        assert_eq!(
            bomb.line(),
            "entry `front.jpeg` expands more than 20x its compressed size of 1000 bytes: a decompression bomb"
        );
        let nested = BundleError::Process {
            file: PathBuf::from("p.json"),
            source: Box::new(BundleError::ProcessTooLarge { limit: 9 }),
        };
        assert_eq!(nested.kind(), ErrorKind::Limit);
        assert_eq!(nested.line(), "p.json: process file is over 9 bytes");
        let missing = BundleError::unreadable(std::io::Error::from(std::io::ErrorKind::NotFound));
        assert_eq!(missing.line(), "cannot read: no such file");
        let magic = BundleError::NotZip {
            head: b"%PDF".to_vec(),
        };
        assert_eq!(
            magic.line(),
            "not a zip file (starts with `%PDF`, hex 25504446)"
        );
        let readme = BundleError::NotABundle {
            count: 1,
            names: vec!["readme.txt".into()],
        };
        assert_eq!(readme.kind(), ErrorKind::NotABundle);
        assert_eq!(
            readme.line(),
            "not a bundle: the zip holds none of a bundle's entries (ocr.json, the pictures, video.mp4, ...), only `readme.txt`"
        );
        let empty = BundleError::NotABundle {
            count: 0,
            names: Vec::new(),
        };
        assert_eq!(empty.line(), "not a bundle: the zip holds no entry");
    }
}
