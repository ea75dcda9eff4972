//! `scan.json`: written last into a scan's output folder, it says that the tables beside it
//! are complete and how they were made (format, level, shard, redaction, counts). `stats` and
//! [`crate::read_scan`] recognise a scan folder by it.

use crate::error::TablesError;
use crate::table::Format;
use chrono::{DateTime, Utc};
use eidscope_pipeline::Level;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The file name of the manifest.
pub const MANIFEST_FILE: &str = "scan.json";

/// The value of its `schema` key.
pub const MANIFEST_SCHEMA: &str = "eidscope.scan/1";

/// What a scan folder holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`MANIFEST_SCHEMA`].
    pub schema: String,
    /// The eidscope version that wrote it.
    pub version: String,
    /// The format of the tables.
    pub format: Format,
    /// The `--level`.
    pub level: Level,
    /// The `--shard` (`3/8`), null for a whole batch.
    pub shard: Option<String>,
    /// Whether personal values are pseudonyms.
    pub redacted: bool,
    /// Inputs of this shard (bundles + errors).
    pub inputs: u64,
    /// Rows of `bundles`.
    pub bundles: u64,
    /// Rows of `errors`.
    pub errors: u64,
    /// Findings by severity.
    pub findings: BTreeMap<String, u64>,
    /// When the scan started.
    pub started_at: DateTime<Utc>,
    /// How long it took, seconds.
    pub elapsed_seconds: f64,
    /// The table files, by table name.
    pub tables: BTreeMap<String, String>,
}

impl Manifest {
    /// Reads the manifest of a scan folder.
    pub fn read(dir: &Path) -> Result<Manifest, TablesError> {
        let path = dir.join(MANIFEST_FILE);
        let bytes = std::fs::read(&path).map_err(|source| TablesError::NotAScan {
            dir: dir.to_path_buf(),
            source,
        })?;
        let manifest: Manifest =
            serde_json::from_slice(&bytes).map_err(|source| TablesError::BadManifest {
                path: path.clone(),
                source,
            })?;
        if manifest.schema != MANIFEST_SCHEMA {
            return Err(TablesError::ManifestSchema {
                path,
                schema: manifest.schema,
            });
        }
        Ok(manifest)
    }

    /// Writes the manifest into `dir`, atomically (written beside, then renamed).
    pub fn write(&self, dir: &Path) -> Result<(), TablesError> {
        let path = dir.join(MANIFEST_FILE);
        let partial = crate::writer::partial_name(&path);
        let mut bytes = serde_json::to_vec_pretty(self).map_err(|source| TablesError::Json {
            path: path.clone(),
            source,
        })?;
        bytes.push(b'\n');
        std::fs::write(&partial, bytes)
            .and_then(|()| std::fs::rename(&partial, &path))
            .map_err(|e| {
                let _ = std::fs::remove_file(&partial);
                TablesError::io(&path, e)
            })
    }
}
