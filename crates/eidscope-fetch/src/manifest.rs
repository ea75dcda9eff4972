//! `fetch.json`: the chain of custody of the output folder. Per bundle, for the process JSON
//! and for the zip, the URL path asked, when it arrived, the HTTP status, its size and SHA-256
//! as received, the attempts it took, and the error of a bundle that could not be fetched.
//!
//! The manifest is the folder's, not one run's: a bundle found complete keeps the record of the
//! run that downloaded it (checked against its SHA-256), so the file always says where every
//! byte on disk came from. It holds no credential and no token, no host user or password, and
//! no personal data beyond the ids the user asked for.

use crate::id::AssureId;
use crate::request::ListProblem;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The manifest's file name in the output folder.
pub const MANIFEST_FILE: &str = "fetch.json";
/// The schema tag.
pub const MANIFEST_SCHEMA: &str = "eidscope.fetch/1";

/// One HTTP resource as received.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transfer {
    /// The URL path asked (no host: the base URL is recorded once).
    pub url_path: String,
    /// When the last attempt ended (UTC).
    pub fetched_at: Option<DateTime<Utc>>,
    /// The HTTP status of the last answer (none when no answer came).
    pub http_status: Option<u16>,
    /// Bytes received in the accepted answer.
    pub size: Option<u64>,
    /// SHA-256 of those bytes, lower-case hex: the file on disk has the same.
    pub sha256: Option<String>,
    /// Attempts made (0: taken from an earlier run or from the disk).
    pub attempts: u32,
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// What became of a requested bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum BundleState {
    /// Downloaded by this run.
    Downloaded,
    /// Already complete in the folder; not asked again.
    AlreadyComplete,
    /// Not fetched; `error` says why.
    Failed,
}

/// One requested bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleRecord {
    /// The dossier.
    pub dossier_id: AssureId,
    /// The process.
    pub process_id: AssureId,
    /// What became of it.
    pub state: BundleState,
    /// The zip, relative to the folder.
    pub zip: String,
    /// The process JSON, relative to the folder.
    pub process_file: String,
    /// "Get process".
    pub process: Transfer,
    /// "Download full result" (absent when the process answer already failed the bundle).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub download: Option<Transfer>,
    /// When this run checked a bundle it found complete.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified_at: Option<DateTime<Utc>>,
    /// Why the bundle is not on disk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl BundleRecord {
    /// The SHA-256 of zip and process JSON when both were recorded.
    pub fn digests(&self) -> Option<(&str, &str)> {
        Some((
            self.download.as_ref()?.sha256.as_deref()?,
            self.process.sha256.as_deref()?,
        ))
    }
}

/// One dossier listed with "Get dossier".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierRecord {
    /// The dossier.
    pub dossier_id: AssureId,
    /// The request.
    pub listing: Transfer,
    /// Processes found in the answer.
    pub processes: u64,
    /// Entries of the answer's process list that held no usable id.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unreadable_entries: Vec<String>,
}

/// Counts of one run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Bundles requested (after listing dossiers, duplicates removed).
    pub requested: u64,
    /// Downloaded by this run.
    pub downloaded: u64,
    /// Found complete.
    pub already_complete: u64,
    /// Not fetched.
    pub failed: u64,
    /// Dossiers that could not be listed (their processes are unknown).
    pub dossiers_failed: u64,
    /// List lines that were not requests.
    pub list_problems: u64,
    /// Bytes received over the network, retries included.
    pub bytes_received: u64,
}

impl Counts {
    /// Whether every request was met.
    pub fn complete(&self) -> bool {
        self.failed == 0 && self.dossiers_failed == 0 && self.list_problems == 0
    }
}

/// `fetch.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`MANIFEST_SCHEMA`].
    pub schema: String,
    /// `eidscope-fetch` and its version.
    pub tool: String,
    /// The API base URL of the last run.
    pub base_url: String,
    /// When the last run started and ended.
    pub started_at: DateTime<Utc>,
    /// When the last run ended.
    pub finished_at: DateTime<Utc>,
    /// Whether the last run was interrupted.
    pub interrupted: bool,
    /// Why the last run stopped early, when it did (credentials refused, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped: Option<String>,
    /// The last run's counts.
    pub counts: Counts,
    /// The list lines of the last run that were not requests.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub list_problems: Vec<ListProblem>,
    /// The dossiers the last run listed.
    #[serde(default)]
    pub dossiers: Vec<DossierRecord>,
    /// Every bundle requested by the last run, in request order, then the bundles of earlier
    /// runs that are still recorded (`dossier_id`, `process_id` unique).
    pub bundles: Vec<BundleRecord>,
}

impl Manifest {
    /// The records of an earlier manifest in `dir`, by (dossier, process). An unreadable
    /// manifest gives none and a warning: every bundle is then checked on disk.
    pub fn previous(dir: &Path) -> (BTreeMap<(AssureId, AssureId), BundleRecord>, Option<String>) {
        let path = dir.join(MANIFEST_FILE);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return (BTreeMap::new(), None);
            }
            Err(e) => return (BTreeMap::new(), Some(format!("{}: {e}", path.display()))),
        };
        match serde_json::from_slice::<Manifest>(&bytes) {
            Ok(manifest) if manifest.schema == MANIFEST_SCHEMA => (
                manifest
                    .bundles
                    .into_iter()
                    .map(|b| ((b.dossier_id.clone(), b.process_id.clone()), b))
                    .collect(),
                None,
            ),
            Ok(manifest) => (
                BTreeMap::new(),
                Some(format!(
                    "{}: schema `{}` is not {MANIFEST_SCHEMA}; it is replaced",
                    path.display(),
                    crate::id::shorten(&manifest.schema)
                )),
            ),
            Err(e) => (
                BTreeMap::new(),
                Some(format!(
                    "{}: not a fetch manifest ({e}); it is replaced",
                    path.display()
                )),
            ),
        }
    }

    /// Writes the manifest into `dir` (whole or not at all).
    pub fn write(&self, dir: &Path) -> std::io::Result<()> {
        let mut text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        text.push('\n');
        crate::store::write_whole(&dir.join(MANIFEST_FILE), text.as_bytes())
    }
}
