//! The document data: feature boxes that are missing, degenerate (`bbox-invalid`) or outside
//! the image of their side (`bbox-out-of-bounds`), and field values that cannot be right
//! (`invalid-field`).

use eidscope_bundle::Bundle;
use eidscope_model::{EntryKind, Finding, FindingCode, MediaInfo};
use serde_json::json;
use std::collections::BTreeMap;

pub(super) fn findings(
    bundle: &Bundle,
    media: &BTreeMap<EntryKind, MediaInfo>,
    out: &mut Vec<Finding>,
) {
    let Some(ocr) = bundle.ocr.as_ref() else {
        return;
    };
    for issue in &ocr.field_issues {
        out.push(Finding::new(
            FindingCode::InvalidField,
            format!(
                "`{}` value `{}` {}",
                issue.field, issue.value, issue.problem
            ),
            json!({"field": issue.field, "value": issue.value, "problem": issue.problem}),
        ));
    }
    for feature in &ocr.features {
        match (&feature.bbox, feature.found) {
            (None, Some(true)) => out.push(Finding::new(
                FindingCode::BboxInvalid,
                format!("feature `{}` is found but has no box", feature.name),
                json!({"feature": feature.name, "side": feature.side, "bbox": null}),
            )),
            (Some(b), _) if b.is_degenerate() => out.push(Finding::new(
                FindingCode::BboxInvalid,
                format!(
                    "feature `{}` has a box of size {}x{}",
                    feature.name, b.width, b.height
                ),
                json!({"feature": feature.name, "side": feature.side, "bbox": b}),
            )),
            (Some(b), _) => {
                let Some(kind) = feature.side.as_deref().and_then(EntryKind::for_side) else {
                    continue;
                };
                let Some(MediaInfo::Image(image)) = media.get(&kind) else {
                    continue;
                };
                let (Some(width), Some(height)) = (image.width, image.height) else {
                    continue;
                };
                if !b.fits_within(width, height) {
                    let wholly = b.lies_wholly_outside(width, height);
                    out.push(Finding::new(
                        FindingCode::BboxOutOfBounds,
                        format!(
                            "feature `{}` box ({}, {}, {}x{}) lies {} outside the {width}x{height} {kind} image",
                            feature.name, b.x, b.y, b.width, b.height,
                            if wholly { "wholly" } else { "partly" }
                        ),
                        json!({"feature": feature.name, "side": feature.side, "image": kind, "bbox": b, "image_width": width, "image_height": height, "wholly_outside": wholly}),
                    ));
                }
            }
            (None, _) => {}
        }
    }
}
