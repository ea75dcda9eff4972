//! `labels.json`: what every synthetic bundle must yield (its statuses, its anomaly and the
//! single-bundle findings expected of it) and which bundles form batch groups. This is the
//! answer key the parser and the findings are tested against.

use crate::real_faces::{FaceGroupLabel, FaceLabel};
use crate::{LabelsError, SynthError};
use eidscope_model::{FindingCode, Shape, Status};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The value of the `schema` key of `labels.json`.
pub const LABELS_SCHEMA: &str = "eidscope.synth-labels/1";

/// The whole answer key of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Labels {
    /// Always [`LABELS_SCHEMA`].
    pub schema: String,
    /// The seed the run was made from.
    pub seed: u64,
    /// The number of bundles.
    pub count: usize,
    /// One entry per bundle, in file order.
    pub bundles: Vec<BundleLabel>,
    /// The batch groups (`document-reuse`, `media-reuse`, `face-near-duplicate`, `velocity`,
    /// `name-variants`).
    pub groups: Vec<GroupLabel>,
    /// With `--faces`: bundles of different identities that show one real person
    /// (`same-person`). Absent otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub face_groups: Vec<FaceGroupLabel>,
}

/// What one bundle is and must yield.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BundleLabel {
    /// The zip, relative to the output folder (`bundle-00001.zip`).
    pub path: String,
    /// The process JSON beside it (`bundle-00001.json` or `bundle-00005.process.json`).
    pub process: String,
    /// The `ocr.json` shape; `None` when the bundle holds no OCR data (failed).
    pub shape: Option<Shape>,
    /// The status the process reports.
    pub reported_status: Status,
    /// The status the evidence implies (formats.md section 5).
    pub derived_status: Status,
    /// The identity id of the person (`P00017`); retries and velocity attempts share it.
    pub person: String,
    /// The document key (`PRT:AB1234567`, issuing country and normalised number); `None`
    /// when the bundle holds no OCR data.
    pub document: Option<String>,
    /// The process `createdAt` (the capture date of the rules).
    pub created_at: String,
    /// The process `processType`.
    pub process_type: String,
    /// The anomalies injected (at most one).
    pub anomalies: Vec<FindingCode>,
    /// Every single-bundle finding code this bundle must yield, sorted by code, no duplicates.
    pub expected_findings: Vec<FindingCode>,
    /// With `--faces`, on the bundles given real faces: who is on the selfie, the portrait and
    /// the video, and the face findings expected. Absent on bundles with drawn faces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub faces: Option<FaceLabel>,
}

/// A batch group: bundles that together must yield one cross-bundle finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupLabel {
    /// The batch finding code.
    pub code: FindingCode,
    /// What links the bundles: the document key (`document-reuse`, `velocity`,
    /// `name-variants`) or the SHA-256 of the source selfie (`media-reuse`,
    /// `face-near-duplicate`).
    pub key: String,
    /// The bundles, relative to the output folder.
    pub paths: Vec<String>,
}

/// Reads a `labels.json`.
pub fn read_labels(path: impl AsRef<Path>) -> Result<Labels, SynthError> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|source| SynthError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let labels: Labels = serde_json::from_slice(&bytes).map_err(|e| SynthError::Labels {
        path: path.to_path_buf(),
        source: LabelsError::Json(e),
    })?;
    if labels.schema != LABELS_SCHEMA {
        return Err(SynthError::Labels {
            path: path.to_path_buf(),
            source: LabelsError::Schema(labels.schema),
        });
    }
    Ok(labels)
}
