//! The one-bundle pipeline every command and the batch engine share: read the bundle and its
//! process, learn the facts of its media at the requested level, find, and assemble the report.
//!
//! This crate only orchestrates: the reading is `eidscope-bundle`'s, the facts
//! `eidscope-media`'s, the findings `eidscope-analysis`'s. [`overlay`] draws a bundle's
//! pictures for a reviewer (the `overlay` and `report` commands, the Python package). With the
//! `faces` feature, [`faces`] runs eidscope's own face engine (`--faces`) on top of a report.

#[cfg(feature = "faces")]
pub mod faces;
pub mod overlay;

use eidscope_analysis::{Thresholds, build_report, bundle_findings};
use eidscope_bundle::BundleError;
pub use eidscope_bundle::ProcessBytes;
use eidscope_bundle::{Bundle, EntryData, Limits, ProcessSource, ReadPlan};
use eidscope_model::{BundleReport, EntryKind, MediaInfo, VideoInfo};
use std::collections::BTreeMap;
use std::path::Path;

/// How much of a bundle to look at: the model's vocabulary, re-exported where it is applied.
pub use eidscope_model::Level;

/// Reads a bundle given by name; a process named with `--process` must parse, otherwise the
/// process beside the zip is used when there is one.
pub fn open(path: &Path, process: Option<&Path>, level: Level) -> Result<Bundle, BundleError> {
    let source = match process {
        Some(file) => ProcessSource::File(file),
        None => ProcessSource::Beside,
    };
    Bundle::open(path, source, plan(level), &Limits::default())
}

/// Reads a bundle held in memory (no file, no temporary file), named `name` in its report;
/// `process` is the process's name and bytes (see [`ProcessBytes`] for how it is judged).
pub fn open_bytes(
    name: &str,
    zip: &[u8],
    process: Option<ProcessBytes<'_>>,
    level: Level,
) -> Result<Bundle, BundleError> {
    Bundle::from_bytes(name, zip, process, plan(level), &Limits::default())
}

/// What a level reads of the zip.
fn plan(level: Level) -> ReadPlan {
    match level {
        Level::Meta => ReadPlan::META,
        Level::Media => ReadPlan::MEDIA,
        Level::Full => ReadPlan::ALL,
    }
}

/// The facts about the media entries the level reads.
pub fn media_facts(bundle: &Bundle, level: Level) -> BTreeMap<EntryKind, MediaInfo> {
    let mut media = BTreeMap::new();
    if level == Level::Meta {
        return media;
    }
    for (kind, data) in &bundle.archive.contents {
        if EntryKind::IMAGES.contains(kind) {
            let info = eidscope_media::image_info::analyse_image_hashed(
                &data.name,
                &data.bytes,
                data.sha256.clone(),
                true,
            );
            media.insert(*kind, MediaInfo::Image(info));
        } else if *kind == EntryKind::Video {
            media.insert(*kind, MediaInfo::Video(video_facts(data, level)));
        }
    }
    media
}

#[cfg(feature = "video")]
fn video_facts(data: &EntryData, level: Level) -> VideoInfo {
    if level == Level::Full {
        let limits = eidscope_media::video::VideoLimits::default();
        eidscope_media::video::probe_video(&data.name, &data.bytes, &limits, 0).0
    } else {
        unprobed_video(data)
    }
}

#[cfg(not(feature = "video"))]
fn video_facts(data: &EntryData, _level: Level) -> VideoInfo {
    unprobed_video(data)
}

/// What is known of a video that is not probed: the reader hashed it as it streamed past.
fn unprobed_video(data: &EntryData) -> VideoInfo {
    VideoInfo {
        entry: data.name.clone(),
        size_bytes: data.size,
        sha256: data.sha256.clone(),
        probed: false,
        ..VideoInfo::default()
    }
}

/// The full report of one bundle.
pub fn report(bundle: &Bundle, level: Level, thresholds: &Thresholds) -> BundleReport {
    let media = media_facts(bundle, level);
    let findings = bundle_findings(bundle, &media, thresholds);
    build_report(bundle, media, findings)
}
