//! Why a scan, a read of scan folders or a statistics run could not complete. Bad bundles are
//! never errors here: they are rows of the `errors` table.

use std::path::PathBuf;

/// A failure of the batch as a whole (an output that cannot be written, a scan folder that
/// cannot be read, a wrong option).
#[derive(Debug, thiserror::Error)]
pub enum TablesError {
    /// The options cannot be used (a bad `--shard`, an unknown column, ...).
    #[error("{0}")]
    Usage(String),
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Polars could not build, write or read a table.
    #[error("{}: {message}", path.display())]
    Table {
        /// The table file (or the folder, when reading several).
        path: PathBuf,
        /// What polars said.
        message: String,
    },
    /// A folder is not the output of `eidscope scan`, or its manifest does not parse.
    #[error("{}: {message}", path.display())]
    NotAScan {
        /// The folder.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// Scan folders that cannot be merged (different formats of the same shard, ...).
    #[error("{0}")]
    Merge(String),
}

impl TablesError {
    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        TablesError::Io {
            path: path.into(),
            source,
        }
    }

    /// A polars error on `path`.
    pub fn table(path: impl Into<PathBuf>, error: impl std::fmt::Display) -> Self {
        TablesError::Table {
            path: path.into(),
            message: error.to_string(),
        }
    }
}
