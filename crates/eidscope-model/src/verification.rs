//! The normalised verification: who the document says the person is, what the provider checked
//! and found, what the agent decided and what the process reported. Both `ocr.json` shapes and
//! the process JSON end up in these types (the parsing lives in `eidscope-bundle`).

use crate::naming::DocumentType;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// A process status, reported by Assure or derived from the evidence (formats.md section 5).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// Not started or waiting (not final).
    Pending,
    /// Running (not final).
    Processing,
    /// Verified.
    Accepted,
    /// A security check failed or the agent rejected.
    Rejected,
    /// The face match was not `high` or a feature was not found.
    Inconclusive,
    /// An error stopped the verification.
    Failed,
    /// Canceled by the client.
    Canceled,
    /// Not matched.
    NotMatched,
    /// A status word this version does not know, kept lower-cased.
    Other(String),
}

impl Status {
    /// The lower-case word used in every output.
    pub fn as_str(&self) -> &str {
        match self {
            Status::Pending => "pending",
            Status::Processing => "processing",
            Status::Accepted => "accepted",
            Status::Rejected => "rejected",
            Status::Inconclusive => "inconclusive",
            Status::Failed => "failed",
            Status::Canceled => "canceled",
            Status::NotMatched => "not_matched",
            Status::Other(word) => word,
        }
    }

    /// Reads a status word in any letter case (`Accepted`, `NOT_MATCHED`, `not-matched`).
    pub fn parse(word: &str) -> Status {
        let norm = word.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        match norm.as_str() {
            "pending" => Status::Pending,
            "processing" => Status::Processing,
            "accepted" => Status::Accepted,
            "rejected" => Status::Rejected,
            "inconclusive" => Status::Inconclusive,
            "failed" => Status::Failed,
            "canceled" | "cancelled" => Status::Canceled,
            "not_matched" | "notmatched" => Status::NotMatched,
            _ => Status::Other(norm),
        }
    }

    /// Whether this is one of the four outcomes the status rules derive (accepted, rejected,
    /// inconclusive, failed): only these are compared with the derived status.
    pub fn is_outcome(&self) -> bool {
        matches!(
            self,
            Status::Accepted | Status::Rejected | Status::Inconclusive | Status::Failed
        )
    }

    /// Whether the process has reached an end (anything but pending and processing).
    pub fn is_final(&self) -> bool {
        !matches!(self, Status::Pending | Status::Processing)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Status {
    type Err = std::convert::Infallible;
    /// [`Status::parse`]: every word is a status (an unknown one is kept as [`Status::Other`]).
    fn from_str(word: &str) -> Result<Self, Self::Err> {
        Ok(Status::parse(word))
    }
}

crate::text_serde!(
    Status,
    "A process status: `pending`, `processing`, `accepted`, `rejected`, `inconclusive`, `failed`, `canceled`, `not_matched`, or another word as written, lower-cased."
);

/// The face-match similarity level, weakest to strongest.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum SimilarityLevel {
    /// No similarity at all.
    None,
    /// Very low.
    VeryLow,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High: the only level that lets a verification be accepted.
    High,
}

impl SimilarityLevel {
    /// All levels, weakest first.
    pub const ALL: [SimilarityLevel; 5] = [
        SimilarityLevel::None,
        SimilarityLevel::VeryLow,
        SimilarityLevel::Low,
        SimilarityLevel::Medium,
        SimilarityLevel::High,
    ];

    /// The lower-case word used in every output.
    pub fn as_str(self) -> &'static str {
        match self {
            SimilarityLevel::None => "none",
            SimilarityLevel::VeryLow => "verylow",
            SimilarityLevel::Low => "low",
            SimilarityLevel::Medium => "medium",
            SimilarityLevel::High => "high",
        }
    }

    /// Reads a level in any letter case and spacing (`VeryLow`, `very_low`, `VERY LOW`).
    pub fn parse(word: &str) -> Option<SimilarityLevel> {
        let norm: String = word
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        SimilarityLevel::ALL
            .into_iter()
            .find(|level| level.as_str() == norm)
    }
}

impl fmt::Display for SimilarityLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The person and document data, normalised: names as written, dates as dates, countries as
/// upper-case codes. A field the provider left out or left empty is `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Identity {
    /// Given names (`firstName`, raw `primaryName`).
    pub first_name: Option<String>,
    /// Surnames (`lastName`, raw `secondaryName`).
    pub last_name: Option<String>,
    /// Date of birth.
    pub date_of_birth: Option<NaiveDate>,
    /// `M`, `F`, `X`, or whatever the provider wrote (upper-cased).
    pub gender: Option<String>,
    /// Nationality, ISO 3166 alpha-3 (upper-cased).
    pub nationality: Option<String>,
    /// The kind of document, in the one vocabulary of both shapes (`passport`, `card`,
    /// `other`; [`DocumentType`]).
    pub document_type: Option<DocumentType>,
    /// The document type as the provider wrote it (`passport`, `identityCard`, `TD3`, ...).
    #[serde(default)]
    pub document_type_raw: Option<String>,
    /// Document number as written.
    pub document_number: Option<String>,
    /// Issuing country, ISO 3166 alpha-3 (upper-cased).
    pub issuing_country: Option<String>,
    /// Date of expiry.
    pub date_of_expiry: Option<NaiveDate>,
    /// Personal identification number.
    pub personal_identification_number: Option<String>,
    /// Further numbers some documents carry (`socialSecurityNumber`, `healthNumber`,
    /// `taxNumber`, `address`, ...), by their provider name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub other: BTreeMap<String, String>,
}

impl Identity {
    /// Whether this is a document without a back side (a passport book).
    pub fn is_passport(&self) -> bool {
        self.document_type == Some(DocumentType::Passport)
    }

    /// Whether this document type is known to have a back side (a card).
    pub fn has_back_side(&self) -> bool {
        self.document_type == Some(DocumentType::Card)
    }
}

/// A feature box in image pixels, as the provider recorded it (not clipped, not validated).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BoundingBox {
    /// Left edge.
    pub x: i64,
    /// Top edge.
    pub y: i64,
    /// Width (should be positive).
    pub width: i64,
    /// Height (should be positive).
    pub height: i64,
}

impl BoundingBox {
    /// A box of zero or negative size.
    pub fn is_degenerate(&self) -> bool {
        self.width <= 0 || self.height <= 0
    }

    /// Whether no pixel of the box lies inside an image of the given size (saturating: any
    /// coordinates, however extreme, give an answer).
    pub fn lies_wholly_outside(&self, width: u32, height: u32) -> bool {
        self.x >= i64::from(width)
            || self.y >= i64::from(height)
            || self.x.saturating_add(self.width) <= 0
            || self.y.saturating_add(self.height) <= 0
    }

    /// Whether the box lies wholly inside an image of the given size.
    pub fn fits_within(&self, width: u32, height: u32) -> bool {
        self.x >= 0
            && self.y >= 0
            && self.x.saturating_add(self.width) <= i64::from(width)
            && self.y.saturating_add(self.height) <= i64::from(height)
    }
}

/// A visual feature of the document that the provider looked for (`Header`, `OVI 1`, `Photo`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Feature {
    /// The feature's name in the one vocabulary of both shapes (`OVI 1` for a raw
    /// `hologram`; [`crate::FeatureName`]), or the name as written when it is not in it.
    pub name: String,
    /// The name as the provider wrote it (`OVI 1`, `hologram`, ...).
    #[serde(default)]
    pub name_raw: String,
    /// Whether the provider found it; `None` when the bundle does not say.
    pub found: Option<bool>,
    /// The side it belongs to (`data`, `front`, `back`, ...), lower-cased.
    pub side: Option<String>,
    /// Where it was found.
    pub bbox: Option<BoundingBox>,
}

/// What the agent decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decision {
    /// The agent registered (approved) the verification.
    Accepted,
    /// The agent rejected it.
    Rejected,
}

crate::words!(Decision, "decision", [Accepted => "accepted", Rejected => "rejected"]);

/// The manual review (`manual_approval.json`, schema unknown): what could be recognised, and
/// the document verbatim.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ManualApproval {
    /// The decision, where a recognisable field holds one.
    pub decision: Option<Decision>,
    /// The agent or registration authority, where named.
    pub agent: Option<String>,
    /// When the decision was taken, as written.
    pub decided_at: Option<String>,
    /// Rejection reasons or comments, as written.
    pub reasons: Vec<String>,
    /// The whole document as it came.
    pub raw: serde_json::Value,
}

/// Why a process failed (`failReason` of the process).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FailReason {
    /// Its id.
    pub id: Option<String>,
    /// `Category.Reason`, e.g. `InactiveUser.Aborted` (open set).
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// A human message.
    pub message: Option<String>,
}

/// The Assure "Get process" response, as far as eidscope uses it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ProcessInfo {
    /// Where it was read from.
    pub source: String,
    /// `processId`.
    pub process_id: Option<String>,
    /// `provider` (`eid` or `signicatvideoid`).
    pub provider: Option<String>,
    /// `status`, the reported final status.
    pub status: Option<Status>,
    /// `processType`.
    pub process_type: Option<String>,
    /// `createdAt`.
    pub created_at: Option<DateTime<Utc>>,
    /// `updatedAt`.
    pub updated_at: Option<DateTime<Utc>>,
    /// `failReason`.
    pub fail_reason: Option<FailReason>,
    /// Whether a `finalResult` element is present.
    pub has_final_result: bool,
    /// Whether the process carries its own copy of the OCR data (`providerSpecific.ocr`).
    pub has_provider_ocr: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extreme_boxes_never_overflow() {
        let b = BoundingBox {
            x: 100,
            y: 0,
            width: i64::MAX,
            height: 10,
        };
        assert!(!b.fits_within(640, 480));
        assert!(!b.lies_wholly_outside(640, 480));
        let b = BoundingBox {
            x: i64::MIN,
            y: i64::MIN,
            width: i64::MAX,
            height: i64::MAX,
        };
        assert!(!b.fits_within(640, 480));
        assert!(b.lies_wholly_outside(640, 480));
        let b = BoundingBox {
            x: 700,
            y: 10,
            width: 5,
            height: 5,
        };
        assert!(b.lies_wholly_outside(640, 480));
    }

    #[test]
    fn outcomes_are_the_four_derived_statuses() {
        assert!(Status::Failed.is_outcome());
        assert!(!Status::Canceled.is_outcome());
        assert!(!Status::Other("x".into()).is_outcome());
    }
}
