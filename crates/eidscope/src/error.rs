//! The errors a user can act on, each mapped to an exit code in one place
//! ([`CliError::exit_status`]). Each variant says its own part (the file, the problem) and
//! keeps the library error it comes from as its `source()`; `main` writes the whole chain as
//! one line ([`eidscope_model::error_line`]) with the hint, if any, on the same line.

use eidscope_bundle::BundleError;
use eidscope_model::ExitStatus;
use eidscope_tables::TablesError;
use std::path::PathBuf;

/// Why a command could not run.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The command line is wrong in a way clap cannot see (exit 2).
    #[error("{0}")]
    Usage(String),
    /// An input given by name is not a readable bundle (exit 3).
    #[error("{}", path.display())]
    Bundle {
        /// The bundle as given.
        path: PathBuf,
        /// Why it cannot be read.
        source: BundleError,
    },
    /// An input given by name does not exist (exit 3).
    #[error("{}: no such file or folder", path.display())]
    MissingInput {
        /// The input as given.
        path: PathBuf,
    },
    /// The inputs hold no bundle at all (exit 3): an empty folder, a folder of other files, an
    /// empty list on standard input.
    #[error("no bundle found in {inputs} (folders are searched for *.zip files)")]
    NoBundles {
        /// The inputs, as given.
        inputs: String,
    },
    /// A file given where a scan folder is read: a table of a scan, or another Parquet file.
    #[error("{}: {expected}", path.display())]
    NotAScanFolder {
        /// The file as given.
        path: PathBuf,
        /// What it is, and what the command expects instead.
        expected: String,
    },
    /// A bundle given by name holds no capture video.
    #[error("{}: the bundle has no video.mp4", path.display())]
    NoVideo {
        /// The bundle as given.
        path: PathBuf,
    },
    /// This build cannot do what was asked (a feature left out at compile time).
    #[cfg_attr(all(feature = "video", feature = "faces"), allow(dead_code))]
    #[error("{}: this eidscope was built without the `{feature}` feature ({what}); rebuild with default features", path.display())]
    NotBuiltIn {
        /// The input the command was given.
        path: PathBuf,
        /// The cargo feature.
        feature: &'static str,
        /// What the feature brings.
        what: &'static str,
    },
    /// Writing an output failed (exit 3: the command could not do its job with these paths).
    #[error("{}: cannot write", path.display())]
    Output {
        /// The file or folder.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// An output that must not be replaced (an earlier extraction).
    #[error("{}: {what}", path.display())]
    OutputInUse {
        /// The file or folder.
        path: PathBuf,
        /// What is there, or why it cannot be written.
        what: String,
    },
    /// A picture could not be encoded.
    #[error("cannot encode PNG")]
    Png(#[from] image::ImageError),
    /// A report could not be written as JSON.
    #[error("cannot write JSON")]
    Json(#[from] serde_json::Error),
    /// Synthetic bundles could not be written.
    #[error("{}", out.display())]
    Synth {
        /// The output folder.
        out: PathBuf,
        /// Why.
        source: eidscope_synth::SynthError,
    },
    /// A batch could not be scanned, read or counted.
    #[error(transparent)]
    Tables(#[from] TablesError),
    /// `fetch` could get no access token (credentials refused, or the token endpoint
    /// unreachable through every attempt): nothing can be downloaded. The sentence comes from
    /// eidscope-fetch, scrubbed of every secret.
    #[error("{0}")]
    NoToken(String),
    /// `--faces` was asked and the face engine cannot load (its models are missing or
    /// damaged): exit 2, the models are part of the set-up.
    #[cfg(feature = "faces")]
    #[error("--faces")]
    Faces(#[from] eidscope_faces::FaceError),
}

impl CliError {
    /// An unreadable bundle.
    pub fn bundle(path: &std::path::Path, source: BundleError) -> Self {
        CliError::Bundle {
            path: path.to_owned(),
            source,
        }
    }

    /// A failed write.
    pub fn output(path: &std::path::Path, source: std::io::Error) -> Self {
        CliError::Output {
            path: path.to_owned(),
            source,
        }
    }

    /// The exit code for this error: usage errors (ours or a library's) exit 2, the rest 3.
    pub fn exit_status(&self) -> ExitStatus {
        match self {
            CliError::Usage(_) | CliError::Tables(TablesError::Usage(_)) => ExitStatus::Usage,
            #[cfg(feature = "faces")]
            CliError::Faces(_) => ExitStatus::Usage,
            _ => ExitStatus::UnreadableInput,
        }
    }

    /// What the user might do next, when there is something to say.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            CliError::Bundle {
                source: BundleError::NotZip { .. },
                ..
            } => Some("a bundle is the zip from Assure's \"Download full result\""),
            CliError::OutputInUse { .. } => Some("choose another --out, or remove it first"),
            CliError::Output { source, .. } | CliError::Tables(TablesError::Io { source, .. })
                if unwritable(source) =>
            {
                Some(
                    "check that the path is a folder you may write to, and that the disk has space",
                )
            }
            _ => None,
        }
    }

    /// The one line that says this error on standard error: the whole cause chain, then the
    /// hint.
    pub fn line(&self) -> String {
        let hint = self
            .hint()
            .map(|h| format!(" (hint: {h})"))
            .unwrap_or_default();
        format!("{}{hint}", eidscope_model::error_line(self))
    }
}

/// Whether an I/O error says that a path cannot be written (rather than, say, not found).
fn unwritable(error: &std::io::Error) -> bool {
    use std::io::ErrorKind as Kind;
    matches!(
        error.kind(),
        Kind::PermissionDenied
            | Kind::NotADirectory
            | Kind::ReadOnlyFilesystem
            | Kind::StorageFull
            | Kind::QuotaExceeded
            | Kind::AlreadyExists
            | Kind::IsADirectory
    )
}
