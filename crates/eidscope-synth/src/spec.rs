//! The plan of one bundle: everything the JSON files say and every decision about its media,
//! made serially by the planner before any pixel is drawn. A spec plus the run seed is all a
//! worker needs to build the bundle, so bundles can be built in any order on any thread.

use crate::document::{FeatureKind, Side};
use crate::jpeg::ExifFields;
use crate::people::{DocType, FaceParams, Person};
use chrono::{DateTime, Utc};
use eidscope_model::{FindingCode, Shape, SimilarityLevel, Status};

/// One feature as the provider recorded it.
#[derive(Debug, Clone)]
pub(crate) struct FeatureRecord {
    pub kind: FeatureKind,
    pub side: Side,
    pub found: bool,
    /// `(x, y, width, height)`; absent for features not found (and for one anomaly).
    pub bbox: Option<(i64, i64, i64, i64)>,
}

/// The identity fields exactly as written in the OCR data.
#[derive(Debug, Clone)]
pub(crate) struct IdentityText {
    pub document_number: String,
    pub date_of_birth: String,
    pub date_of_expiry: String,
    pub gender: String,
    pub nationality: String,
    /// Shape B: `birthDate` written as `YYMMDD`.
    pub birth_short: Option<String>,
    /// Shape B: `expiryDate` written as `YYMMDD`.
    pub expiry_short: Option<String>,
}

/// A security check of the synthetic provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Check {
    NonExpired,
    NotUnderage,
    DataIntegrity,
    LivenessDetected,
    NotFaceSpoofing,
    InitialsMatch,
    SidesMatch,
    NotBwCopy,
}

impl Check {
    /// The checks a bundle of this shape and document carries, in output order.
    pub(crate) fn of(shape: Shape, doc: DocType) -> Vec<Check> {
        let mut checks = vec![
            Check::NonExpired,
            Check::NotUnderage,
            Check::DataIntegrity,
            Check::LivenessDetected,
        ];
        checks.push(match shape {
            Shape::Signicat => Check::NotFaceSpoofing,
            Shape::EidRaw => Check::InitialsMatch,
        });
        if doc.has_back() {
            checks.push(Check::SidesMatch);
        }
        checks.push(Check::NotBwCopy);
        checks
    }

    /// The shape A name (`securityChecks` key of the Signicat-normalised OCR data).
    pub(crate) fn name(self) -> &'static str {
        match self {
            Check::NonExpired => "nonExpired",
            Check::NotUnderage => "notUnderage",
            Check::DataIntegrity => "dataIntegrity",
            Check::LivenessDetected => "livenessDetected",
            Check::NotFaceSpoofing => "notFaceSpoofing",
            Check::InitialsMatch => "initialsMatch",
            Check::SidesMatch => "sidesMatch",
            Check::NotBwCopy => "notBWCopy",
        }
    }

    /// The shape B key: the raw result calls the liveness check `liveness`.
    pub(crate) fn raw_key(self) -> &'static str {
        match self {
            Check::LivenessDetected => "liveness",
            other => other.name(),
        }
    }

    /// Whether its failure says something about the person (an expired document, a minor),
    /// which a person reused by other bundles must not have.
    pub(crate) fn is_personal(self) -> bool {
        matches!(self, Check::NonExpired | Check::NotUnderage)
    }
}

/// What the provider recorded: the verdicts the derived status is computed from.
#[derive(Debug, Clone)]
pub(crate) struct Evidence {
    pub similarity: SimilarityLevel,
    /// Top-level `livenessDetected` (shape A).
    pub liveness_detected: bool,
    /// Write `livenessDetected` as a JSON bool rather than the string.
    pub liveness_as_bool: bool,
    /// Security checks and whether each is valid, in output order.
    pub checks: Vec<(Check, bool)>,
    pub features: Vec<FeatureRecord>,
    pub identity: IdentityText,
}

/// The agent's review (`manual_approval.json`).
#[derive(Debug, Clone)]
pub(crate) struct AgentReview {
    pub accepted: bool,
    pub agent_id: String,
    pub agent_name: &'static str,
    pub reasons: Vec<&'static str>,
}

/// Which clip of the video pool a bundle carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VideoChoice {
    /// A 3 s moving clip of the pool.
    Moving(usize),
    /// A 3 s still clip.
    Frozen,
    /// A 1 s moving clip.
    Short,
    /// Random bytes in place of the MP4.
    Garbage,
}

/// Where the selfie pixels come from.
#[derive(Debug, Clone)]
pub(crate) struct SelfieSource {
    /// The bundle whose selfie stream draws the picture (its own index, or the reused one).
    pub from_index: usize,
    /// The face drawn (the source person's).
    pub face: FaceParams,
    pub exif: Option<ExifFields>,
    pub quality: u8,
    /// Re-encoded, rescaled and cropped copy instead of the same bytes.
    pub near_duplicate: bool,
}

/// Which media entries the zip holds, and what goes in them.
#[derive(Debug, Clone)]
pub(crate) struct MediaPlan {
    pub front: bool,
    pub back: bool,
    pub selfie: bool,
    pub portrait: bool,
    pub video: Option<VideoChoice>,
    /// Camera EXIF on the document pictures.
    pub document_exif: Option<ExifFields>,
    /// Per-capture shift of the document on the picture.
    pub offset: (i64, i64),
}

/// An entry beyond the documented ones.
#[derive(Debug, Clone)]
pub(crate) enum ExtraEntry {
    /// A file with content.
    File {
        name: &'static str,
        body: &'static str,
    },
    /// A symbolic link.
    Symlink {
        name: &'static str,
        target: &'static str,
    },
}

/// How a media anomaly is applied to the rendered bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MediaTwist {
    /// Nothing.
    None,
    /// The named image truncated to half.
    Truncate(ImageSlot),
    /// Selfie bytes = portrait bytes (`false`) or a re-encode of the portrait (`true`).
    SelfieIsPortrait { reencode: bool },
    /// Back bytes = front bytes.
    FrontIsBack,
    /// Editor EXIF `Software` (`false`) or a Photoshop APP13 block (`true`) on the image.
    Edited { slot: ImageSlot, app13: bool },
}

/// The still images a media anomaly can target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ImageSlot {
    Front,
    Selfie,
    Portrait,
}

/// The complete plan of one bundle.
#[derive(Debug, Clone)]
pub(crate) struct BundleSpec {
    pub index: usize,
    pub person: Person,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    pub process_id: String,
    pub shape: Shape,
    /// Shape B `id`.
    pub raw_id: String,
    pub derived: Status,
    pub reported: Status,
    pub process_type: &'static str,
    pub provider: &'static str,
    /// `None` for failed bundles (no `ocr.json`).
    pub evidence: Option<Evidence>,
    pub review: Option<AgentReview>,
    /// `(type, message)` of the failReason.
    pub fail: Option<(&'static str, &'static str)>,
    pub fail_id: String,
    pub media: MediaPlan,
    pub selfie: SelfieSource,
    pub twist: MediaTwist,
    pub extras: Vec<ExtraEntry>,
    pub anomaly: Option<FindingCode>,
}

impl BundleSpec {
    /// `bundle-00001` for index 0.
    pub(crate) fn stem(&self) -> String {
        format!("bundle-{:05}", self.index + 1)
    }

    /// The zip's file name.
    pub(crate) fn zip_name(&self) -> String {
        format!("{}.zip", self.stem())
    }

    /// The process file's name: every fifth bundle uses `X.process.json`, the others `X.json`.
    pub(crate) fn process_name(&self) -> String {
        if (self.index + 1).is_multiple_of(5) {
            format!("{}.process.json", self.stem())
        } else {
            format!("{}.json", self.stem())
        }
    }
}
