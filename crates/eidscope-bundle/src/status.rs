//! The status rules of formats.md section 5, in one place. The derived status uses the evidence
//! as the provider recorded it: the checks' own verdicts, the similarity level, the features'
//! `found`, the agent's decision and the fail reason. Recomputing a verdict from the data is the
//! job of the contradiction findings, never of this rule.

use crate::ocr::Ocr;
use eidscope_model::{Decision, FailReason, ManualApproval, SimilarityLevel, Status};

/// The derived status and the reasons behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Derivation {
    /// The status the evidence implies.
    pub status: Status,
    /// Every rule that holds, in the order of the rules (the first decides the status):
    /// `fail-reason:TYPE`, `no-ocr-data`, `ocr-error`, `security-check:NAME`,
    /// `manual-approval:rejected`, `similarity:LEVEL`, `feature-not-found:NAME`.
    pub reasons: Vec<String>,
}

/// Applies the rules: failed, then rejected, then inconclusive, else accepted.
pub fn derive(ocr: Option<&Ocr>, manual: Option<&ManualApproval>, fail_reason: Option<&FailReason>) -> Derivation {
    let mut failed = Vec::new();
    if let Some(reason) = fail_reason {
        failed.push(match &reason.kind {
            Some(kind) => format!("fail-reason:{kind}"),
            None => "fail-reason".to_owned(),
        });
    }
    let ocr = match ocr {
        None => {
            failed.push("no-ocr-data".to_owned());
            None
        }
        Some(o) if !o.has_data() => {
            failed.push("ocr-error".to_owned());
            None
        }
        Some(o) => Some(o),
    };

    let mut rejected = Vec::new();
    let mut inconclusive = Vec::new();
    if let Some(ocr) = ocr {
        rejected.extend(
            ocr.security_checks
                .iter()
                .filter(|(_, valid)| !**valid)
                .map(|(name, _)| format!("security-check:{name}")),
        );
        match (ocr.similarity, &ocr.similarity_raw) {
            (Some(SimilarityLevel::High), _) => {}
            (Some(level), _) => inconclusive.push(format!("similarity:{level}")),
            (None, Some(raw)) => inconclusive.push(format!("similarity:{}", raw.to_ascii_lowercase())),
            (None, None) => inconclusive.push("similarity:absent".to_owned()),
        }
        inconclusive.extend(
            ocr.features
                .iter()
                .filter(|f| f.found == Some(false))
                .map(|f| format!("feature-not-found:{}", f.name)),
        );
    }
    if manual.and_then(|m| m.decision.as_ref()) == Some(&Decision::Rejected) {
        rejected.push("manual-approval:rejected".to_owned());
    }

    let status = if !failed.is_empty() {
        Status::Failed
    } else if !rejected.is_empty() {
        Status::Rejected
    } else if !inconclusive.is_empty() {
        Status::Inconclusive
    } else {
        Status::Accepted
    };
    let mut reasons = failed;
    reasons.extend(rejected);
    reasons.extend(inconclusive);
    Derivation { status, reasons }
}
