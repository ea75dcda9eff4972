//! The `media` rows of a report: one per picture or video, its header facts, hashes and
//! forensic measures. Never reads a file.

use super::*;

impl MediaRow {
    /// A row of this entry with no fact filled in.
    fn blank(path: &str, kind: EntryKind) -> MediaRow {
        MediaRow {
            path: path.to_owned(),
            kind,
            entry: String::new(),
            size_bytes: 0,
            sha256: String::new(),
            format: None,
            width: None,
            height: None,
            quality: None,
            quality_standard: None,
            editor_marks: None,
            exif_make: None,
            exif_model: None,
            exif_software: None,
            exif_date_time_original: None,
            exif_date_time_digitized: None,
            exif_date_time_modified: None,
            exif_pixel_width: None,
            exif_pixel_height: None,
            decoded: None,
            decode_error: None,
            structure_error: None,
            scan_errors: None,
            trailing_bytes: None,
            trailer: None,
            quality_nearest: None,
            double_jpeg_first_quality: None,
            double_jpeg_fit: None,
            double_jpeg_region: None,
            resave_marks: None,
            photoshop_writer: None,
            chroma_subsampling: None,
            icc_profile: None,
            thumbnail_changed_share: None,
            xmp_history: None,
            gps_latitude: None,
            gps_longitude: None,
            dhash: None,
            phash: None,
            probed: None,
            container: None,
            codec: None,
            duration_seconds: None,
            frames_decoded: None,
            motion: None,
        }
    }

    /// The row of one media entry: the facts of an image, or of the video. `redacted` drops
    /// the GPS position (where the person was).
    pub(super) fn of(path: &str, kind: EntryKind, info: &MediaInfo, redacted: bool) -> MediaRow {
        let row = MediaRow::blank(path, kind);
        match info {
            MediaInfo::Image(i) => {
                let gps = i.exif.as_ref().and_then(|e| e.gps).filter(|_| !redacted);
                MediaRow {
                    entry: i.entry.clone(),
                    size_bytes: i.size_bytes,
                    sha256: i.sha256.clone(),
                    format: Some(i.format.clone()),
                    width: i.width,
                    height: i.height,
                    quality: i.quality.as_ref().and_then(|q| q.quality).map(u32::from),
                    quality_standard: i.quality.as_ref().map(|q| q.standard),
                    editor_marks: (!i.editor_marks.is_empty()).then(|| i.editor_marks.join("; ")),
                    exif_make: i.exif.as_ref().and_then(|e| e.make.clone()),
                    exif_model: i.exif.as_ref().and_then(|e| e.model.clone()),
                    exif_software: i.exif.as_ref().and_then(|e| e.software.clone()),
                    exif_date_time_original: i
                        .exif
                        .as_ref()
                        .and_then(|e| with_offset(&e.date_time_original, &e.offset_time_original)),
                    exif_date_time_digitized: i.exif.as_ref().and_then(|e| {
                        with_offset(&e.date_time_digitized, &e.offset_time_digitized)
                    }),
                    exif_date_time_modified: i
                        .exif
                        .as_ref()
                        .and_then(|e| with_offset(&e.date_time_modified, &e.offset_time_modified)),
                    exif_pixel_width: i.exif.as_ref().and_then(|e| e.pixel_width),
                    exif_pixel_height: i.exif.as_ref().and_then(|e| e.pixel_height),
                    decoded: i.decoded,
                    decode_error: i.decode_error.clone(),
                    structure_error: i.structure_error.clone(),
                    scan_errors: (!i.scan_errors.is_empty()).then(|| i.scan_errors.join("; ")),
                    trailing_bytes: i.trailing_bytes,
                    trailer: i.trailer.map(|t| t.as_str().to_owned()),
                    quality_nearest: i.quality.as_ref().and_then(|q| q.nearest).map(u32::from),
                    double_jpeg_first_quality: i
                        .double_compression
                        .as_ref()
                        .map(|d| u32::from(d.first_quality)),
                    double_jpeg_fit: i.double_compression.as_ref().map(|d| d.fit),
                    double_jpeg_region: i
                        .double_compression
                        .as_ref()
                        .and_then(|d| d.region.as_ref())
                        .map(|r| {
                            let b = r.bbox;
                            format!("{},{},{},{}", b.x, b.y, b.width, b.height)
                        }),
                    resave_marks: (!i.resave_marks.is_empty()).then(|| i.resave_marks.join("; ")),
                    photoshop_writer: i.photoshop_writer.clone(),
                    chroma_subsampling: i.chroma_subsampling.clone(),
                    icc_profile: i.icc_profile.clone(),
                    thumbnail_changed_share: i.thumbnail.as_ref().map(|t| t.changed_share),
                    xmp_history: (!i.xmp_history.is_empty()).then(|| {
                        i.xmp_history
                            .iter()
                            .map(|e| {
                                [&e.action, &e.when, &e.software]
                                    .iter()
                                    .filter_map(|v| v.as_deref())
                                    .collect::<Vec<_>>()
                                    .join(" ")
                            })
                            .collect::<Vec<_>>()
                            .join("; ")
                    }),
                    gps_latitude: gps.map(|g| decimals(g.latitude, 7)),
                    gps_longitude: gps.map(|g| decimals(g.longitude, 7)),
                    dhash: i.dhash,
                    phash: i.phash,
                    ..row
                }
            }
            MediaInfo::Video(v) => {
                let stream = v.streams.iter().find(|s| s.kind == "video");
                MediaRow {
                    entry: v.entry.clone(),
                    size_bytes: v.size_bytes,
                    sha256: v.sha256.clone(),
                    width: stream.and_then(|s| s.width),
                    height: stream.and_then(|s| s.height),
                    decoded: v.probed.then(|| v.error.is_none() && v.decode_errors == 0),
                    decode_error: v.error.clone(),
                    probed: Some(v.probed),
                    container: v.container.clone(),
                    codec: stream.and_then(|s| s.codec.clone()),
                    duration_seconds: v.best_duration(),
                    frames_decoded: v.frames_decoded,
                    motion: v.motion,
                    ..row
                }
            }
        }
    }
}

/// `value` rounded to `places` decimals: the figures a table keeps (a fit to 1e-4, a position
/// to 1e-7 degrees, about a centimetre) read back the same from every format, NDJSON included.
/// An EXIF time with its offset appended when recorded.
fn with_offset(time: &Option<String>, offset: &Option<String>) -> Option<String> {
    let time = time.as_deref()?;
    Some(format!("{time}{}", offset.as_deref().unwrap_or_default()))
}

fn decimals(value: f64, places: i32) -> f64 {
    let scale = 10f64.powi(places);
    (value * scale).round() / scale
}
