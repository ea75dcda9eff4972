//! The pictures and the video: entries that do not decode (`media-corrupt`), one picture
//! passed off as two (`selfie-is-portrait`, `front-is-back`), editing programs' marks
//! (`edited-image`), what an image's metadata says of its history (in [`super::provenance`]),
//! and a capture video that is a still (`video-frozen`) or too short
//! (`video-too-short`).

use crate::thresholds::Thresholds;
use chrono::NaiveDate;
use eidscope_bundle::Bundle;
use eidscope_model::media::warning_means_damage;
use eidscope_model::{EntryKind, Finding, FindingCode, ImageInfo, MediaInfo};
use serde_json::{Value, json};
use std::collections::BTreeMap;

pub(super) fn findings(
    bundle: &Bundle,
    media: &BTreeMap<EntryKind, MediaInfo>,
    thresholds: &Thresholds,
    out: &mut Vec<Finding>,
) {
    // A damaged entry the media layer never saw (an unsupported compression method, a local
    // header that cannot be used) is corrupt too.
    for (kind, problem) in &bundle.archive.damaged {
        if kind.is_media() && !media.contains_key(kind) {
            out.push(corrupt(kind.file_name(), problem));
        }
    }
    let capture = bundle.capture.as_ref().map(|(date, _)| *date);
    for (kind, info) in media {
        let damaged = bundle.archive.damaged.get(kind);
        match info {
            MediaInfo::Image(image) => {
                named_image_findings(kind.file_name(), image, capture, thresholds, out);
                if image_problem(image).is_none()
                    && let Some(problem) = damaged
                {
                    out.push(corrupt(kind.file_name(), problem));
                }
            }
            MediaInfo::Video(video) => {
                if let Some(problem) = video.error.as_ref().or(damaged) {
                    out.push(corrupt(kind.file_name(), problem));
                }
            }
        }
    }
    let image = |kind| match media.get(&kind) {
        Some(MediaInfo::Image(i)) => Some(i),
        _ => None,
    };
    if let (Some(selfie), Some(portrait)) = (image(EntryKind::Selfie), image(EntryKind::Portrait))
        && let Some(evidence) = same_picture(selfie, portrait, thresholds)
    {
        out.push(Finding::new(
            FindingCode::SelfieIsPortrait,
            format!(
                "the selfie is the document portrait ({})",
                describe(&evidence)
            ),
            evidence,
        ));
    }
    if let (Some(front), Some(back)) = (image(EntryKind::Front), image(EntryKind::Back))
        && let Some(evidence) = same_picture(front, back, thresholds)
    {
        out.push(Finding::new(
            FindingCode::FrontIsBack,
            format!(
                "the front and back images are the same picture ({})",
                describe(&evidence)
            ),
            evidence,
        ));
    }
    if let Some(MediaInfo::Video(video)) = media.get(&EntryKind::Video)
        && video.probed
        && video.error.is_none()
    {
        if let Some(motion) = video.motion
            && video.frames_decoded.unwrap_or(0) >= 2
            && motion < thresholds.frozen_motion
        {
            out.push(Finding::new(
                FindingCode::VideoFrozen,
                format!(
                    "the video is a still picture: mean frame-to-frame change {motion:.3} is under {} over {} frames",
                    thresholds.frozen_motion,
                    video.frames_decoded.unwrap_or(0)
                ),
                json!({"motion": motion, "threshold": thresholds.frozen_motion, "frames_decoded": video.frames_decoded}),
            ));
        }
        if let Some(duration) = video.best_duration()
            && duration < thresholds.min_video_seconds
        {
            out.push(Finding::new(
                FindingCode::VideoTooShort,
                format!(
                    "the video lasts {duration:.2} s, under the {} s a real capture takes",
                    thresholds.min_video_seconds
                ),
                json!({"duration_seconds": duration, "min_seconds": thresholds.min_video_seconds}),
            ));
        }
    }
}

/// Damage inside a JPEG's scan data: what the marker walk stepped over, else the libjpeg
/// warnings that mean lost pixels ([`warning_means_damage`]). The picture may have decoded
/// (its lost blocks grey), which does not make it whole.
fn scan_damage(image: &ImageInfo) -> Option<String> {
    let damage: Vec<&String> = image
        .scan_errors
        .iter()
        .chain(
            image
                .decode_warnings
                .iter()
                .filter(|w| warning_means_damage(w)),
        )
        .collect();
    let first = damage.first()?;
    Some(match damage.len() {
        1 => format!("damaged scan data: {first}"),
        n => format!("damaged scan data: {first} (and {} more)", n - 1),
    })
}

fn corrupt(name: &str, problem: &str) -> Finding {
    Finding::new(
        FindingCode::MediaCorrupt,
        format!("`{name}` is corrupt: {problem}"),
        json!({"entry": name, "problem": problem}),
    )
}

/// The findings one image raises on its own, the entry called `name` in their words:
/// `media-corrupt`, `edited-image` and the provenance findings.
pub(super) fn named_image_findings(
    name: &str,
    image: &ImageInfo,
    capture: Option<NaiveDate>,
    thresholds: &Thresholds,
    out: &mut Vec<Finding>,
) {
    if let Some(problem) = image_problem(image) {
        out.push(corrupt(name, &problem));
    }
    if !image.editor_marks.is_empty() {
        out.push(Finding::new(
            FindingCode::EditedImage,
            format!("`{}` carries marks of an editing program: {}", image.entry, image.editor_marks.join("; ")),
            json!({"entry": image.entry, "marks": image.editor_marks, "software": image.exif.as_ref().and_then(|e| e.software.clone())}),
        ));
    }
    super::provenance::findings(image, capture, thresholds, out);
}

/// Why an image is corrupt: it does not decode, its markers are broken, or its scan data is
/// damaged. `None` when whole.
fn image_problem(image: &ImageInfo) -> Option<String> {
    if image.decoded == Some(false) {
        return image
            .decode_error
            .clone()
            .or_else(|| Some("does not decode".to_owned()));
    }
    image.structure_error.clone().or_else(|| scan_damage(image))
}

/// Whether two images are one picture: the same bytes, or both perceptual hashes within the
/// threshold. Returns the evidence when they are.
fn same_picture(a: &ImageInfo, b: &ImageInfo, thresholds: &Thresholds) -> Option<Value> {
    if !a.sha256.is_empty() && a.sha256 == b.sha256 {
        return Some(
            json!({"entries": [a.entry, b.entry], "match": "identical-bytes", "sha256": a.sha256}),
        );
    }
    let dhash = a.dhash?.distance(b.dhash?);
    let phash = a.phash?.distance(b.phash?);
    (dhash <= thresholds.same_picture_bits && phash <= thresholds.same_picture_bits).then(|| {
        json!({"entries": [a.entry, b.entry], "match": "perceptual", "dhash_distance": dhash, "phash_distance": phash, "threshold_bits": thresholds.same_picture_bits})
    })
}

fn describe(evidence: &Value) -> String {
    match evidence["match"].as_str() {
        Some("identical-bytes") => "byte for byte".to_owned(),
        _ => format!(
            "perceptual hashes {} and {} bits apart",
            evidence["dhash_distance"], evidence["phash_distance"]
        ),
    }
}
