//! What an image's own metadata says about its history: EXIF dates, or the name of a program
//! that re-saves pictures (Windows Photo Gallery, Nikon Transfer), that show a second save
//! (`image-resaved`) or a picture not taken during the verification (`image-date-mismatch`),
//! a pixel size other than the one the camera declared (`image-resized`), and bytes after the
//! end of the picture that no camera writes (`image-trailing-data`), DCT coefficient histograms
//! that show a first compression at another quality (`image-double-compressed`), an EXIF
//! thumbnail that is not the picture (`image-thumbnail-mismatch`).
//!
//! Reads [`ImageInfo`] facts only. The thresholds are fields of [`Thresholds`], each documented
//! with its measurement; docs/image-forensics.md has the rates on the labelled set.

use crate::thresholds::Thresholds;
use chrono::{Duration, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};
use eidscope_model::media::{CompressionHistory, ExifSummary};
use eidscope_model::{Finding, FindingCode, ImageInfo};
use serde_json::json;

/// The provenance findings of one image; `capture` is the bundle's capture date, when known.
pub(super) fn findings(
    image: &ImageInfo,
    capture: Option<NaiveDate>,
    thresholds: &Thresholds,
    out: &mut Vec<Finding>,
) {
    let before = out.len();
    if let Some(exif) = &image.exif {
        resaved(image, exif, thresholds, out);
        if let Some(capture) = capture {
            date_mismatch(image, exif, capture, thresholds, out);
        }
        resized(image, exif, thresholds, out);
    }
    let dated = out[before..]
        .iter()
        .any(|f| f.code == FindingCode::ImageResaved);
    if !dated {
        resaved_by_program(image, out);
    }
    trailing(image, out);
    double_compressed(image, thresholds, out);
    thumbnail_mismatch(image, thresholds, out);
}

/// `image-thumbnail-mismatch`: the EXIF thumbnail is another picture than the one it heads.
fn thumbnail_mismatch(image: &ImageInfo, thresholds: &Thresholds, out: &mut Vec<Finding>) {
    let Some(thumbnail) = &image.thumbnail else {
        return;
    };
    if thumbnail.changed_share < thresholds.thumbnail_changed_share {
        return;
    }
    out.push(Finding::new(
        FindingCode::ImageThumbnailMismatch,
        format!(
            "the EXIF thumbnail of `{}` ({}x{}) does not show the picture: {:.0}% of it differs",
            image.entry,
            thumbnail.width,
            thumbnail.height,
            thumbnail.changed_share * 100.0
        ),
        json!({
            "entry": image.entry,
            "thumbnail_width": thumbnail.width,
            "thumbnail_height": thumbnail.height,
            "dhash_distance": thumbnail.dhash_distance,
            "aspect_difference": thumbnail.aspect_difference,
            "mean_difference": thumbnail.mean_difference,
            "changed_share": thumbnail.changed_share,
            "threshold_changed_share": thresholds.thumbnail_changed_share,
        }),
    ));
}

/// `image-resaved` from the name of a program that re-saves pictures without editing them
/// (`ImageInfo::resave_marks`), when the dates did not already say so: "re-saved", where an
/// editor's name is `edited-image`.
fn resaved_by_program(image: &ImageInfo, out: &mut Vec<Finding>) {
    if image.resave_marks.is_empty() {
        return;
    }
    out.push(Finding::new(
        FindingCode::ImageResaved,
        format!(
            "`{}` was re-saved by software that does not edit pictures: {}",
            image.entry,
            image.resave_marks.join("; ")
        ),
        json!({"entry": image.entry, "resave_marks": image.resave_marks}),
    ));
}

/// `image-double-compressed`: the coefficient histograms fit a first save at another quality,
/// over the whole picture or in a region of it.
fn double_compressed(image: &ImageInfo, thresholds: &Thresholds, out: &mut Vec<Finding>) {
    let Some(double) = &image.double_compression else {
        return;
    };
    // A region is local evidence in its own right: the blocks around it fit the first save
    // and the blocks inside do not (or the other way round), which a picture saved once never
    // showed on the labelled set (docs/image-forensics.md).
    if double.fit < thresholds.double_jpeg_fit && double.region.is_none() {
        return;
    }
    let last = image.quality.as_ref().and_then(|q| q.quality.or(q.nearest));
    let region = double.region.as_ref().map(|r| {
        let b = r.bbox;
        match r.inside {
            CompressionHistory::Single => format!(
                "; the blocks of {}x{} pixels at {},{} were compressed once: a part pasted or rewritten before the last save",
                b.width, b.height, b.x, b.y
            ),
            CompressionHistory::Double => format!(
                "; only the blocks of {}x{} pixels at {},{} show it",
                b.width, b.height, b.x, b.y
            ),
        }
    });
    out.push(Finding::new(
        FindingCode::ImageDoubleCompressed,
        format!(
            "`{}` was compressed twice: its DCT coefficient histograms fit a first save at quality {}{} (fit {:.2}){}",
            image.entry,
            double.first_quality,
            last.map(|q| format!(" before the last at {q}")).unwrap_or_default(),
            double.fit,
            region.unwrap_or_default(),
        ),
        json!({
            "entry": image.entry,
            "first_quality": double.first_quality,
            "last_quality": last,
            "fit": double.fit,
            "weight": double.weight,
            "threshold_fit": thresholds.double_jpeg_fit,
            "region": double.region,
        }),
    ));
}

/// An EXIF time (`YYYY:MM:DD HH:MM:SS`, some writers use `-`), moved to UTC when its offset
/// (`+02:00`) is known. The bool says whether the offset was known.
fn exif_time(value: Option<&str>, offset: Option<&str>) -> Option<(NaiveDateTime, bool)> {
    let text = value?.trim();
    let local = ["%Y:%m:%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y:%m:%d %H:%M"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())?;
    let offset = offset.and_then(|o| o.trim().parse::<FixedOffset>().ok());
    Some(match offset {
        Some(offset) => (
            offset.from_local_datetime(&local).single()?.naive_utc(),
            true,
        ),
        None => (local, false),
    })
}

fn taken(exif: &ExifSummary) -> Option<(NaiveDateTime, bool)> {
    exif_time(
        exif.date_time_original.as_deref(),
        exif.offset_time_original.as_deref(),
    )
    .or_else(|| {
        exif_time(
            exif.date_time_digitized.as_deref(),
            exif.offset_time_digitized.as_deref(),
        )
    })
}

fn dates_evidence(image: &ImageInfo, exif: &ExifSummary) -> serde_json::Value {
    json!({
        "entry": image.entry,
        "date_time_original": exif.date_time_original,
        "date_time_digitized": exif.date_time_digitized,
        "date_time_modified": exif.date_time_modified,
        "offset_time_original": exif.offset_time_original,
        "offset_time_modified": exif.offset_time_modified,
        "software": exif.software,
    })
}

fn resaved(image: &ImageInfo, exif: &ExifSummary, thresholds: &Thresholds, out: &mut Vec<Finding>) {
    let (Some((taken, taken_utc)), Some((modified, modified_utc))) = (
        taken(exif),
        exif_time(
            exif.date_time_modified.as_deref(),
            exif.offset_time_modified.as_deref(),
        ),
    ) else {
        return;
    };
    // Compare like with like: both in UTC, or both on the camera's clock.
    let (taken, modified) = if taken_utc == modified_utc {
        (taken, modified)
    } else {
        exif_time_local_pair(exif).unwrap_or((taken, modified))
    };
    let after = (modified - taken).num_seconds();
    if after > thresholds.resave_seconds {
        let mut evidence = dates_evidence(image, exif);
        evidence["seconds_after"] = json!(after);
        evidence["threshold_seconds"] = json!(thresholds.resave_seconds);
        if !image.resave_marks.is_empty() {
            evidence["resave_marks"] = json!(image.resave_marks);
        }
        out.push(Finding::new(
            FindingCode::ImageResaved,
            format!(
                "`{}` was written again {} after it was taken (EXIF DateTime {} against {}){}",
                image.entry,
                span(after),
                exif.date_time_modified.as_deref().unwrap_or_default(),
                exif.date_time_original
                    .as_deref()
                    .or(exif.date_time_digitized.as_deref())
                    .unwrap_or_default(),
                exif.software
                    .as_deref()
                    .map(|s| format!(", by {s}"))
                    .unwrap_or_default(),
            ),
            evidence,
        ));
    }
}

/// The taken and modified times on the camera's clock, offsets ignored.
fn exif_time_local_pair(exif: &ExifSummary) -> Option<(NaiveDateTime, NaiveDateTime)> {
    let taken = exif_time(exif.date_time_original.as_deref(), None)
        .or_else(|| exif_time(exif.date_time_digitized.as_deref(), None))?
        .0;
    let modified = exif_time(exif.date_time_modified.as_deref(), None)?.0;
    Some((taken, modified))
}

fn date_mismatch(
    image: &ImageInfo,
    exif: &ExifSummary,
    capture: NaiveDate,
    thresholds: &Thresholds,
    out: &mut Vec<Finding>,
) {
    let Some((taken, _)) = taken(exif) else {
        return;
    };
    let days = (taken.date() - capture).num_days();
    if days.abs() > thresholds.capture_days {
        let mut evidence = dates_evidence(image, exif);
        evidence["capture_date"] = json!(capture.to_string());
        evidence["days_from_capture"] = json!(days);
        evidence["threshold_days"] = json!(thresholds.capture_days);
        let when = if days < 0 { "before" } else { "after" };
        out.push(Finding::new(
            FindingCode::ImageDateMismatch,
            format!(
                "`{}` was taken {} {when} the capture on {capture} (EXIF {})",
                image.entry,
                span(days.abs() * 86_400),
                taken.format("%Y-%m-%d %H:%M:%S"),
            ),
            evidence,
        ));
    }
}

fn resized(image: &ImageInfo, exif: &ExifSummary, thresholds: &Thresholds, out: &mut Vec<Finding>) {
    let (Some(declared_w), Some(declared_h), Some(width), Some(height)) = (
        exif.pixel_width.filter(|&w| w > 0),
        exif.pixel_height.filter(|&h| h > 0),
        image.width,
        image.height,
    ) else {
        return;
    };
    let near = |a: u32, b: u32| a.abs_diff(b) <= thresholds.resize_tolerance_pixels;
    // A rotation by software that also rewrote the tags leaves the sides swapped: not a resize.
    let same = (near(declared_w, width) && near(declared_h, height))
        || (near(declared_w, height) && near(declared_h, width));
    if !same {
        out.push(Finding::new(
            FindingCode::ImageResized,
            format!(
                "`{}` is {width}x{height} pixels but its EXIF declares {declared_w}x{declared_h}: resized or cropped after capture",
                image.entry
            ),
            json!({"entry": image.entry, "width": width, "height": height, "exif_width": declared_w, "exif_height": declared_h, "software": exif.software, "tolerance_pixels": thresholds.resize_tolerance_pixels}),
        ));
    }
}

fn trailing(image: &ImageInfo, out: &mut Vec<Finding>) {
    let Some(kind) = image.trailer.filter(|k| !k.is_camera_data()) else {
        return;
    };
    let bytes = image.trailing_bytes.unwrap_or_default();
    out.push(Finding::new(
        FindingCode::ImageTrailingData,
        format!(
            "`{}` has {bytes} bytes after its end-of-image marker: {}",
            image.entry,
            match kind.as_str() {
                "zip" => "a zip archive",
                "jpeg" => "another JPEG picture the file does not index",
                _ => "data no camera writes",
            }
        ),
        json!({"entry": image.entry, "trailing_bytes": bytes, "trailer": kind.as_str()}),
    ));
}

/// A span of seconds in the largest whole unit: `90 s`, `5 min`, `3 h`, `12 days`.
fn span(seconds: i64) -> String {
    let d = Duration::seconds(seconds);
    if d.num_days() >= 2 {
        format!("{} days", d.num_days())
    } else if d.num_hours() >= 2 {
        format!("{} h", d.num_hours())
    } else if d.num_minutes() >= 2 {
        format!("{} min", d.num_minutes())
    } else {
        format!("{seconds} s")
    }
}
