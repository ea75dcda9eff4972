//! The single-bundle findings, one submodule per kind of evidence: the decision against its
//! evidence, the document data, the zip as a container, its entries, the pictures and the
//! video; and the faces ([`faces`]), decided apart because only `--faces` runs the face engine.

mod container;
mod decision;
mod document;
mod entries;
pub mod faces;
mod pictures;
mod provenance;

use crate::thresholds::Thresholds;
use chrono::NaiveDate;
use eidscope_bundle::Bundle;
use eidscope_model::ImageInfo;
use eidscope_model::{EntryKind, Finding, MediaInfo};
use std::collections::BTreeMap;

/// Every single-bundle finding of `bundle`, most severe first. `media` holds what is known of
/// the media entries (empty at `--level meta`: the picture findings then stay silent).
pub fn bundle_findings(
    bundle: &Bundle,
    media: &BTreeMap<EntryKind, MediaInfo>,
    thresholds: &Thresholds,
) -> Vec<Finding> {
    let mut out = Vec::new();
    decision::findings(bundle, thresholds, &mut out);
    document::findings(bundle, media, &mut out);
    container::findings(bundle, &mut out);
    entries::findings(bundle, &mut out);
    pictures::findings(bundle, media, thresholds, &mut out);
    sort_findings(&mut out);
    out
}

/// The order of a bundle's findings: most severe first; within a severity, catalogue order;
/// stable otherwise.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.code.cmp(&b.code)));
}

/// The findings one image raises on its own (`media-corrupt`, `edited-image`, `image-resaved`,
/// `image-date-mismatch`, `image-resized`, `image-trailing-data`), given the capture date of its
/// bundle when known; most severe first. [`bundle_findings`] raises the same for every image
/// of a bundle; this is the entry point for a picture without one (the labelled test set).
pub fn image_findings(
    image: &ImageInfo,
    capture: Option<NaiveDate>,
    thresholds: &Thresholds,
) -> Vec<Finding> {
    let mut out = Vec::new();
    pictures::named_image_findings(&image.entry, image, capture, thresholds, &mut out);
    sort_findings(&mut out);
    out
}
