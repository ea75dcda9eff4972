//! Why a scan, a read of scan folders or a statistics run could not complete. Bad bundles are
//! never errors here: they are rows of the `errors` table.
//!
//! Each variant names the file and its own problem; the lower error (I/O, polars, JSON) is its
//! `source()`, written after it by [`eidscope_model::error_line`].

use crate::manifest::{MANIFEST_FILE, MANIFEST_SCHEMA};
use std::path::PathBuf;

/// A failure of the batch as a whole (an output that cannot be written, a scan folder that
/// cannot be read, a wrong option).
#[derive(Debug, thiserror::Error)]
pub enum TablesError {
    /// The options cannot be used (a bad `--shard`, an unknown column, ...).
    #[error("{0}")]
    Usage(String),
    /// Reading or writing a file failed.
    #[error("{}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Polars could not build, write or read a table.
    #[error("{}", path.display())]
    Table {
        /// The table file (or the table's name, when it is held in memory).
        path: PathBuf,
        /// What polars said.
        source: polars::error::PolarsError,
    },
    /// A row or the manifest could not be written as JSON.
    #[error("{}", path.display())]
    Json {
        /// The file.
        path: PathBuf,
        /// What serde said.
        source: serde_json::Error,
    },
    /// A line of an NDJSON table is not a row of its table.
    #[error("{}: line {line}", path.display())]
    Line {
        /// The table file.
        path: PathBuf,
        /// The line number, from 1.
        line: usize,
        /// What serde said.
        source: serde_json::Error,
    },
    /// A folder without a readable manifest: not the output of `eidscope scan`.
    #[error("{}: not a scan output folder: cannot read {MANIFEST_FILE}", dir.display())]
    NotAScan {
        /// The folder.
        dir: PathBuf,
        /// Why the manifest cannot be read.
        source: std::io::Error,
    },
    /// A manifest that does not parse.
    #[error("{}: not a scan manifest", path.display())]
    BadManifest {
        /// The manifest.
        path: PathBuf,
        /// What serde said.
        source: serde_json::Error,
    },
    /// A manifest of another schema.
    #[error("{}: schema `{schema}`, expected `{MANIFEST_SCHEMA}`", path.display())]
    ManifestSchema {
        /// The manifest.
        path: PathBuf,
        /// The schema it names.
        schema: String,
    },
    /// An output folder that holds a scan `scan` must not replace without being told.
    #[error("{}: the folder holds {what} ({hint})", dir.display())]
    OutputInUse {
        /// The folder.
        dir: PathBuf,
        /// What it holds.
        what: String,
        /// What the user can do.
        hint: &'static str,
    },
    /// A scan folder whose scan was killed before it finished: its rows are in durable parts
    /// that `scan --resume` continues, not in tables to read.
    #[error("{}: an unfinished scan ({inputs} inputs stored; it was stopped before it completed): continue it with `eidscope scan INPUTS --out {} --resume`, with the inputs and options it was started with", dir.display(), dir.display())]
    Unfinished {
        /// The folder.
        dir: PathBuf,
        /// Inputs stored in its complete parts.
        inputs: usize,
    },
    /// Scan folders that cannot be merged, or a writer that stopped.
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
    pub fn table(path: impl Into<PathBuf>, source: polars::error::PolarsError) -> Self {
        TablesError::Table {
            path: path.into(),
            source,
        }
    }
}
