//! Why a derived status is what it is: one [`Reason`] per status rule that holds for a bundle
//! (formats.md section 5). Each reason knows the status its rule decides; the words it is
//! written in (`security-check:nonExpired`, `similarity:verylow`, `no-ocr-data`) are part of
//! the outside contract (the `reasons` of `inspect --json`, the `reasons` column of `bundles`).

use crate::verification::Status;
use std::fmt;
use std::str::FromStr;

/// One status rule that holds for a bundle, with the evidence it names.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Reason {
    /// The process has a `failReason`; its `type`, when it has one (`fail-reason:TYPE`, else
    /// `fail-reason`).
    FailReason(Option<String>),
    /// The bundle holds no OCR data at all (`no-ocr-data`).
    NoOcrData,
    /// The OCR data is the provider's error variant (`ocr-error`).
    OcrError,
    /// A security check is not valid (`security-check:NAME`).
    SecurityCheck(String),
    /// The agent rejected the verification (`manual-approval:rejected`).
    ManualRejection,
    /// The similarity level is other than `high` (`similarity:LEVEL`): the word as recorded,
    /// lower-cased; `None` (written `absent`) when none is recorded.
    Similarity(Option<String>),
    /// A feature was not found (`feature-not-found:NAME`).
    FeatureNotFound(String),
}

/// How a similarity reason without a recorded level is written.
const ABSENT: &str = "absent";

impl Reason {
    /// The status this reason's rule decides when it is the first rule that holds.
    pub fn decides(&self) -> Status {
        match self {
            Reason::FailReason(_) | Reason::NoOcrData | Reason::OcrError => Status::Failed,
            Reason::SecurityCheck(_) | Reason::ManualRejection => Status::Rejected,
            Reason::Similarity(_) | Reason::FeatureNotFound(_) => Status::Inconclusive,
        }
    }

    /// The rule's word, before the `:` (`security-check`).
    pub fn kind(&self) -> &'static str {
        match self {
            Reason::FailReason(_) => "fail-reason",
            Reason::NoOcrData => "no-ocr-data",
            Reason::OcrError => "ocr-error",
            Reason::SecurityCheck(_) => "security-check",
            Reason::ManualRejection => "manual-approval",
            Reason::Similarity(_) => "similarity",
            Reason::FeatureNotFound(_) => "feature-not-found",
        }
    }

    /// The evidence the reason names, after the `:` (`nonExpired`), if any.
    pub fn value(&self) -> Option<&str> {
        match self {
            Reason::FailReason(kind) => kind.as_deref(),
            Reason::NoOcrData | Reason::OcrError => None,
            Reason::SecurityCheck(name) | Reason::FeatureNotFound(name) => Some(name),
            Reason::ManualRejection => Some("rejected"),
            Reason::Similarity(word) => Some(word.as_deref().unwrap_or(ABSENT)),
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.value() {
            Some(value) => write!(f, "{}:{value}", self.kind()),
            None => f.write_str(self.kind()),
        }
    }
}

impl FromStr for Reason {
    type Err = String;
    /// Reads a reason as [`Display`](fmt::Display) writes it.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (kind, value) = match text.split_once(':') {
            Some((kind, value)) => (kind, Some(value)),
            None => (text, None),
        };
        Ok(match (kind, value) {
            ("fail-reason", value) => Reason::FailReason(value.map(str::to_owned)),
            ("no-ocr-data", None) => Reason::NoOcrData,
            ("ocr-error", None) => Reason::OcrError,
            ("security-check", Some(name)) => Reason::SecurityCheck(name.to_owned()),
            ("manual-approval", Some("rejected")) => Reason::ManualRejection,
            ("similarity", Some(ABSENT)) => Reason::Similarity(None),
            ("similarity", Some(word)) => Reason::Similarity(Some(word.to_owned())),
            ("feature-not-found", Some(name)) => Reason::FeatureNotFound(name.to_owned()),
            _ => return Err(format!("unknown status reason `{text}`")),
        })
    }
}

crate::text_serde!(
    Reason,
    "A status reason: `kind` or `kind:value` (`security-check:nonExpired`, `similarity:verylow`, `no-ocr-data`)."
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_read_back_as_written() {
        let reasons = [
            Reason::FailReason(Some("InactiveUser.Aborted".into())),
            Reason::FailReason(None),
            Reason::NoOcrData,
            Reason::OcrError,
            Reason::SecurityCheck("nonExpired".into()),
            Reason::ManualRejection,
            Reason::Similarity(Some("verylow".into())),
            Reason::Similarity(None),
            Reason::FeatureNotFound("OVI 1".into()),
        ];
        let words: Vec<String> = reasons.iter().map(ToString::to_string).collect();
        assert_eq!(
            words,
            [
                "fail-reason:InactiveUser.Aborted",
                "fail-reason",
                "no-ocr-data",
                "ocr-error",
                "security-check:nonExpired",
                "manual-approval:rejected",
                "similarity:verylow",
                "similarity:absent",
                "feature-not-found:OVI 1"
            ]
        );
        for (reason, word) in reasons.iter().zip(&words) {
            assert_eq!(&word.parse::<Reason>().unwrap(), reason);
        }
        // A feature name may hold a colon: only the first one separates.
        assert_eq!(
            "feature-not-found:MRZ:line 2".parse::<Reason>(),
            Ok(Reason::FeatureNotFound("MRZ:line 2".into()))
        );
        assert!("made-up:x".parse::<Reason>().is_err());
    }

    #[test]
    fn each_rule_decides_its_status() {
        assert_eq!(Reason::NoOcrData.decides(), Status::Failed);
        assert_eq!(Reason::ManualRejection.decides(), Status::Rejected);
        assert_eq!(
            Reason::FeatureNotFound("x".into()).decides(),
            Status::Inconclusive
        );
    }
}
