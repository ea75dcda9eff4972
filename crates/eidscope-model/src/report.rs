//! The report of one bundle: the `inspect --json` object of cli-contract.md. The key names and
//! the schema string are part of the outside contract: add fields, never rename or drop them.

use crate::face::FaceEvidence;
use crate::finding::Finding;
use crate::media::MediaInfo;
use crate::note::Note;
use crate::reason::Reason;
use crate::verification::{Feature, Identity, ManualApproval, ProcessInfo, Status};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The value of the `schema` key.
pub const BUNDLE_SCHEMA: &str = "eidscope.bundle/1";

/// What a zip entry is, by its (normalised) name. The documented entries are listed once, here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EntryKind {
    /// `ocr.json`.
    Ocr,
    /// `manual_approval.json`.
    ManualApproval,
    /// `front.jpeg`.
    Front,
    /// `back.jpeg`.
    Back,
    /// `selfie.jpeg`.
    Selfie,
    /// `portrait.jpeg`.
    Portrait,
    /// `video.mp4`.
    Video,
    /// Anything else.
    Unexpected,
}

impl EntryKind {
    /// The documented entries, in the order of the provider's documentation.
    pub const DOCUMENTED: [EntryKind; 7] = [
        EntryKind::Ocr,
        EntryKind::ManualApproval,
        EntryKind::Front,
        EntryKind::Back,
        EntryKind::Selfie,
        EntryKind::Portrait,
        EntryKind::Video,
    ];

    /// The still images.
    pub const IMAGES: [EntryKind; 4] = [
        EntryKind::Front,
        EntryKind::Back,
        EntryKind::Selfie,
        EntryKind::Portrait,
    ];

    /// The documented file name.
    pub fn file_name(self) -> &'static str {
        match self {
            EntryKind::Ocr => "ocr.json",
            EntryKind::ManualApproval => "manual_approval.json",
            EntryKind::Front => "front.jpeg",
            EntryKind::Back => "back.jpeg",
            EntryKind::Selfie => "selfie.jpeg",
            EntryKind::Portrait => "portrait.jpeg",
            EntryKind::Video => "video.mp4",
            EntryKind::Unexpected => "",
        }
    }

    /// Whether this is a media entry (image or video).
    pub fn is_media(self) -> bool {
        Self::IMAGES.contains(&self) || self == EntryKind::Video
    }

    /// The image a feature `side` refers to: `data` and `front` are the front image, `back` the
    /// back image; other sides are unknown (formats.md section 6).
    pub fn for_side(side: &str) -> Option<EntryKind> {
        match side.trim().to_ascii_lowercase().as_str() {
            "data" | "front" | "recto" | "datapage" | "data_page" => Some(EntryKind::Front),
            "back" | "verso" | "rear" => Some(EntryKind::Back),
            _ => None,
        }
    }
}

crate::words!(EntryKind, "entry kind", [
    Ocr => "ocr",
    ManualApproval => "manual_approval",
    Front => "front",
    Back => "back",
    Selfie => "selfie",
    Portrait => "portrait",
    Video => "video",
    Unexpected => "unexpected",
]);

/// Which `ocr.json` shape a bundle holds (formats.md section 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Shape {
    /// Shape A, Signicat-normalised.
    Signicat,
    /// Shape B, the raw EID v2 video identification result.
    EidRaw,
}

crate::words!(Shape, "shape", [Signicat => "signicat", EidRaw => "eid-raw"]);

/// One zip entry, as listed in the central directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EntryInfo {
    /// The name exactly as stored (never used as a path).
    pub name: String,
    /// What it is.
    pub kind: EntryKind,
    /// Declared uncompressed size.
    pub size: u64,
    /// Declared compressed size.
    pub compressed_size: u64,
    /// Whether the name or type makes it unsafe to extract (absolute, `..`, link, ...).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unsafe_name: bool,
    /// Whether the entry is a folder (folders hold nothing and are never flagged as unexpected).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub directory: bool,
    /// Whether the entry is encrypted, or flagged so (`encrypted-entry`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub encrypted: bool,
}

/// The `inspect --json` object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BundleReport {
    /// Always [`BUNDLE_SCHEMA`].
    pub schema: String,
    /// The bundle path as given.
    pub path: String,
    /// SHA-256 of the zip file.
    pub sha256: String,
    /// Size of the zip file.
    pub size_bytes: u64,
    /// The zip entries.
    pub entries: Vec<EntryInfo>,
    /// The `ocr.json` shape, or `None` without OCR data.
    pub shape: Option<Shape>,
    /// The process beside the bundle.
    pub process: Option<ProcessInfo>,
    /// The person and document.
    pub identity: Identity,
    /// The similarity level (lower-case), or the raw word when it is not a known level.
    pub similarity_score: Option<String>,
    /// Whether liveness was detected.
    pub liveness_detected: Option<bool>,
    /// Each security check and whether it is valid.
    pub security_checks: BTreeMap<String, bool>,
    /// The document features.
    pub features: Vec<Feature>,
    /// The manual review.
    pub manual_approval: Option<ManualApproval>,
    /// The status of the process beside the bundle.
    pub reported_status: Option<Status>,
    /// The status the evidence implies (formats.md section 5).
    pub derived_status: Status,
    /// Why the derived status is what it is, most decisive first.
    pub reasons: Vec<Reason>,
    /// The date the verification was captured, used for age and expiry.
    pub capture_date: Option<chrono::NaiveDate>,
    /// Where the capture date came from (`process.createdAt`, `ocr.completion.date`, ...).
    pub capture_date_source: Option<String>,
    /// The media entries by kind.
    pub media: BTreeMap<EntryKind, MediaInfo>,
    /// The findings, most severe first.
    pub findings: Vec<Finding>,
    /// Things the reader tolerated (an unknown field type, a date it could not read, ...).
    #[serde(default)]
    pub notes: Vec<Note>,
    /// What eidscope's own face engine saw (`--faces`); absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub faces: Option<FaceEvidence>,
}
