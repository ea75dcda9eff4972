//! The errors a user can act on, each mapped to an exit code. A message is one line that names
//! the file and the problem.

use eidscope_bundle::BundleError;
use eidscope_model::ExitStatus;
use std::fmt;
use std::path::{Path, PathBuf};

/// Why a command could not run.
#[derive(Debug)]
pub enum CliError {
    /// The command line is wrong in a way clap cannot see (exit 2).
    Usage(String),
    /// An input given by name is not a readable bundle (exit 3).
    Bundle { path: PathBuf, error: BundleError },
    /// Writing an output failed (exit 3: the command could not do its job with these paths).
    Output {
        path: PathBuf,
        error: std::io::Error,
    },
    /// Anything else a library reported (exit 3).
    Other(String),
}

impl CliError {
    /// An unreadable bundle.
    pub fn bundle(path: &Path, error: BundleError) -> Self {
        CliError::Bundle {
            path: path.to_owned(),
            error,
        }
    }

    /// A failed write.
    pub fn output(path: &Path, error: std::io::Error) -> Self {
        CliError::Output {
            path: path.to_owned(),
            error,
        }
    }

    /// The exit code for this error.
    pub fn exit_status(&self) -> ExitStatus {
        match self {
            CliError::Usage(_) => ExitStatus::Usage,
            _ => ExitStatus::UnreadableInput,
        }
    }

    /// What the user might do next, when there is something to say.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            CliError::Bundle { error, .. } if error.kind == eidscope_bundle::ErrorKind::NotZip => {
                Some("a bundle is the zip from Assure's \"Download full result\"")
            }
            _ => None,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Usage(m) => write!(f, "{m}"),
            CliError::Bundle { path, error } => write!(f, "{}: {error}", path.display()),
            CliError::Output { path, error } => {
                write!(f, "{}: cannot write: {error}", path.display())
            }
            CliError::Other(m) => write!(f, "{m}"),
        }
    }
}
