//! Assembles the `inspect --json` object ([`BundleReport`]) from a bundle, its media facts and
//! its findings. The one place that maps the normalised model onto the outside contract.

use eidscope_bundle::Bundle;
use eidscope_model::{BUNDLE_SCHEMA, BundleReport, EntryKind, Finding, MediaInfo};
use std::collections::BTreeMap;

/// The report of one bundle.
pub fn build_report(
    bundle: &Bundle,
    media: BTreeMap<EntryKind, MediaInfo>,
    findings: Vec<Finding>,
) -> BundleReport {
    let ocr = bundle.ocr.as_ref();
    let notes = bundle.notes.clone();
    BundleReport {
        schema: BUNDLE_SCHEMA.to_owned(),
        path: bundle.path.clone(),
        sha256: bundle.archive.sha256.clone(),
        size_bytes: bundle.archive.size_bytes,
        entries: bundle.archive.entries.clone(),
        shape: ocr.map(|o| o.shape),
        process: bundle.process.as_ref().map(|p| p.info.clone()),
        identity: ocr.map(|o| o.identity.clone()).unwrap_or_default(),
        similarity_score: ocr.and_then(|o| {
            o.similarity
                .map(|l| l.as_str().to_owned())
                .or_else(|| o.similarity_raw.clone())
        }),
        liveness_detected: ocr.and_then(|o| o.liveness_detected),
        security_checks: ocr.map(|o| o.security_checks.clone()).unwrap_or_default(),
        features: ocr.map(|o| o.features.clone()).unwrap_or_default(),
        manual_approval: bundle.manual_approval.clone(),
        reported_status: bundle.process.as_ref().and_then(|p| p.info.status.clone()),
        derived_status: bundle.derivation.status.clone(),
        reasons: bundle.derivation.reasons.clone(),
        capture_date: bundle.capture.as_ref().map(|(d, _)| *d),
        capture_date_source: bundle.capture.as_ref().map(|(_, s)| s.clone()),
        media,
        findings,
        notes,
        faces: None,
    }
}
