//! The facts about one image entry ([`ImageInfo`]): format by content, size, SHA-256, and for a
//! JPEG the marker structure, EXIF, quantisation quality and editor marks, all from the headers;
//! on request also a decode under limits and the perceptual hashes.
//!
//! The decode of a JPEG is one walk of its scan ([`crate::jpeg::coefficients::read_scan`]): the
//! luma's coefficients for the double-compression analysis and, where libjpeg's scaled decode is
//! reproduced exactly, the hashes' preview. Otherwise libjpeg makes the preview at reduced scale
//! ([`crate::preview`]: the entropy data read in full, its warnings kept in
//! `decode_warnings`); only when libjpeg is not clean about the file, or the markers are broken,
//! is it decoded in full ([`crate::decode`]), whose verdict then stands. PNG is always decoded in
//! full.
//!
//! [`analyse_image`] never panics and never fails: whatever cannot be read is recorded
//! (`structure_error`, `decoded = Some(false)`, `decode_error`) for the findings to judge, and
//! so is damage the decoders paper over: `scan_errors` from the marker walk (a restart marker
//! out of sequence, a marker code inside a scan) beside libjpeg's `decode_warnings`. The bytes
//! after the end-of-image marker are named by [`trailer_kind`] (padding, a camera's MPF-indexed
//! preview or motion-photo movie, a stray JPEG, a zip, unknown).
//!
//! Editor marks, and why `APP14 Adobe` is not one: `APP13 Photoshop 3.0` (image resources) and
//! `APP12 Ducky` ("Save for Web") are written by Adobe's editors, and a `Software` or XMP
//! `CreatorTool` naming a program on [`crate::exif::EDITORS`] says the file went through it.
//! `APP14 Adobe` only records the colour transform; libjpeg writes it for every CMYK/YCCK file
//! and many other encoders (Java ImageIO, camera SDKs) write it too, so on its own it would
//! raise false alarms. It stays visible in `segments`.

use crate::decode::{DecodeLimits, decode_image};
use crate::double_jpeg::double_compression_of;
use crate::hash::{preview_dhash, preview_phash};
use crate::jpeg::coefficients::{ScanRead, read_scan};
use crate::preview::{NoPreview, jpeg_preview, preview_eighths, preview_of, reduced_preview};
use crate::{exif, jpeg};
use eidscope_model::ImageInfo;
use eidscope_model::media::TrailerKind;
use sha2::{Digest, Sha256};

/// Analyses one image entry. With `decode == false` only the header facts (structure, EXIF,
/// quality, editor marks, SHA-256); with `decode == true` also the decode and the hashes.
pub fn analyse_image(entry: &str, bytes: &[u8], decode: bool) -> ImageInfo {
    analyse_image_hashed(entry, bytes, hex::encode(Sha256::digest(bytes)), decode)
}

/// [`analyse_image`] for bytes whose SHA-256 (lower-case hex) is already known: the bundle
/// reader digests every entry as it inflates it, so the bytes are not hashed twice.
pub fn analyse_image_hashed(entry: &str, bytes: &[u8], sha256: String, decode: bool) -> ImageInfo {
    let mut info = ImageInfo {
        entry: entry.to_string(),
        size_bytes: bytes.len() as u64,
        sha256,
        format: sniff_format(bytes).to_string(),
        ..ImageInfo::default()
    };
    let mut kept = Kept::default();
    match info.format.as_str() {
        "jpeg" => kept = read_jpeg_headers(&mut info, bytes),
        "png" => read_png_headers(&mut info, bytes),
        _ => {}
    }
    if decode {
        // One walk of a whole JPEG's scan gives the luma's coefficients and, mostly, the preview.
        let scan = (info.format == "jpeg" && info.structure_error.is_none()).then(|| {
            let eighths = info
                .width
                .zip(info.height)
                .and_then(|(w, h)| preview_eighths(w, h, kept.components, DecodeLimits::DEFAULT));
            read_scan(bytes, eighths)
        });
        let (luma, reduced) = match scan {
            Some(Ok(ScanRead { luma, reduced })) => (Some(luma), reduced.ok()),
            _ => (None, None),
        };
        let preview = decode_and_hash(&mut info, bytes, reduced);
        // Double compression reads the coefficients of a picture that decoded cleanly: the
        // histograms of a damaged scan say nothing about its saves.
        if info.decoded == Some(true) && info.decode_warnings.is_empty() {
            info.double_compression = kept
                .luma_table
                .as_ref()
                .zip(luma.as_ref())
                .and_then(|(table, luma)| double_compression_of(luma, table));
        }
        info.thumbnail = kept
            .exif
            .zip(preview)
            .and_then(|(tiff, preview)| thumbnail_against_picture(&info, tiff, &preview));
    }
    info
}

/// What the bytes are, by their first bytes: `jpeg`, `png`, `gif`, `webp`, `heif`, `bmp`,
/// `tiff` or `unknown`.
pub fn sniff_format(bytes: &[u8]) -> &'static str {
    let at = |range: std::ops::Range<usize>| bytes.get(range).unwrap_or_default();
    if jpeg::is_jpeg(bytes) {
        "jpeg"
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        "png"
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        "gif"
    } else if at(0..4) == b"RIFF" && at(8..12) == b"WEBP" {
        "webp"
    } else if at(4..8) == b"ftyp" && matches!(at(8..12), b"heic" | b"heix" | b"mif1" | b"avif") {
        "heif"
    } else if bytes.starts_with(b"BM") && bytes.len() > 26 {
        "bmp"
    } else if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        "tiff"
    } else {
        "unknown"
    }
}

/// The EXIF thumbnail checked against the decoded picture's hash and size.
fn thumbnail_against_picture(
    info: &ImageInfo,
    tiff: &[u8],
    preview: &image::GrayImage,
) -> Option<eidscope_model::media::ThumbnailCheck> {
    let (width, height) = (info.width?, info.height?);
    let thumbnail = crate::thumbnail::exif_thumbnail(tiff)?;
    crate::thumbnail::thumbnail_check(thumbnail, preview, (width, height))
}

/// What the header walk keeps for the analyses that follow a decode.
#[derive(Default)]
struct Kept<'a> {
    /// The luma quantisation table (the first component's), when the structure is whole.
    luma_table: Option<jpeg::QuantTable>,
    /// The EXIF (TIFF) data.
    exif: Option<&'a [u8]>,
    /// The frame's components (1 grey, 3 colour, 4 CMYK), for the decode's memory limit.
    components: usize,
}

/// Fills the header facts of a JPEG; returns what the later analyses need.
fn read_jpeg_headers<'a>(info: &mut ImageInfo, bytes: &'a [u8]) -> Kept<'a> {
    let Ok(structure) = jpeg::parse(bytes) else {
        return Kept::default();
    };
    let luma_table = structure
        .components
        .first()
        .and_then(|c| structure.quant_tables.iter().find(|t| t.id == c.table_id))
        .filter(|_| structure.structure_error.is_none() && structure.scan_errors.is_empty())
        .cloned();
    info.width = structure.width;
    info.height = structure.height;
    info.quality = jpeg::estimate_quality(&structure.quant_tables, &structure.components);
    info.exif = structure.exif.and_then(exif::summarise);
    let photoshop = structure
        .photoshop_resources
        .map(jpeg::resources::photoshop_resources);
    info.editor_marks = editor_marks(&structure, photoshop.as_ref(), info.exif.as_ref());
    info.resave_marks = resave_marks(&structure, info.exif.as_ref());
    info.photoshop_writer = photoshop.and_then(|p| p.writer);
    info.chroma_subsampling = jpeg::resources::chroma_subsampling(&structure.components);
    info.icc_profile = structure.icc_profile.map(jpeg::resources::icc_description);
    info.xmp_history = structure
        .xmp
        .iter()
        .flat_map(|packet| exif::xmp_history(packet))
        .take(exif::MAX_XMP_EVENTS)
        .collect();
    info.structure_error = structure.structure_error;
    info.trailing_bytes = structure.trailing_bytes;
    info.scan_errors = structure.scan_errors;
    info.trailer = structure
        .trailing_bytes
        .filter(|&n| n > 0)
        .and_then(|n| bytes.len().checked_sub(usize::try_from(n).ok()?))
        .map(|start| trailer_kind(&bytes[start..], structure.mpf_app2));
    info.segments = structure.segments;
    Kept {
        luma_table,
        exif: structure.exif,
        components: structure.components.len(),
    }
}

/// What the bytes after a JPEG's end-of-image marker are, by their content once the padding
/// (zero and `FF` bytes) is skipped. `indexed` says whether the file has an `APP2 MPF` index,
/// which makes a following JPEG the camera's preview rather than a stowaway.
pub fn trailer_kind(trailer: &[u8], indexed: bool) -> TrailerKind {
    let Some(start) = trailer.iter().position(|&b| b != 0x00 && b != 0xFF) else {
        return TrailerKind::Padding;
    };
    // A JPEG starts with FF D8 FF: step back onto the FF the padding skip passed over.
    let body = &trailer[start.saturating_sub(1)..];
    if jpeg::is_jpeg(body) {
        return if indexed {
            TrailerKind::CameraPreview
        } else {
            TrailerKind::Jpeg
        };
    }
    let body = &trailer[start..];
    if body.starts_with(b"PK\x03\x04") {
        TrailerKind::Zip
    } else if trailer
        .get(..start + 8)
        .is_some_and(|head| head.windows(4).any(|w| w == b"ftyp"))
        || trailer.ends_with(b"SEFT")
    {
        TrailerKind::CameraMovie
    } else {
        TrailerKind::Unknown
    }
}

/// The marks of an editing program in a JPEG's segments, EXIF and XMP (see the module doc).
/// An `APP13` holding only IPTC metadata is no mark: metadata tools write it.
fn editor_marks(
    structure: &jpeg::JpegStructure<'_>,
    photoshop: Option<&jpeg::resources::PhotoshopResources>,
    exif: Option<&eidscope_model::media::ExifSummary>,
) -> Vec<String> {
    let mut marks = Vec::new();
    if structure.photoshop_app13 && !photoshop.is_some_and(|p| p.iptc_only()) {
        marks.push("APP13 Photoshop".to_string());
    }
    if structure.ducky_app12 {
        marks.push("APP12 Ducky (Photoshop Save for Web)".to_string());
    }
    if let Some(software) = exif.and_then(|e| e.software.as_deref())
        && exif::editor_named(software).is_some()
    {
        marks.push(format!("EXIF Software: {software}"));
    }
    for packet in &structure.xmp {
        for tool in exif::xmp_tools(packet) {
            let mark = format!("XMP CreatorTool: {tool}");
            if exif::editor_named(&tool).is_some() && !marks.contains(&mark) {
                marks.push(mark);
            }
        }
    }
    marks
}

/// The marks of a program that re-saved the file without editing it ([`exif::RESAVERS`]):
/// EXIF `Software`, XMP `CreatorTool` and history agents.
fn resave_marks(
    structure: &jpeg::JpegStructure<'_>,
    exif: Option<&eidscope_model::media::ExifSummary>,
) -> Vec<String> {
    let mut marks = Vec::new();
    if let Some(software) = exif.and_then(|e| e.software.as_deref())
        && exif::resaver_named(software).is_some()
    {
        marks.push(format!("EXIF Software: {software}"));
    }
    for packet in &structure.xmp {
        for tool in exif::xmp_tools(packet) {
            let mark = format!("XMP CreatorTool: {tool}");
            if exif::resaver_named(&tool).is_some() && !marks.contains(&mark) {
                marks.push(mark);
            }
        }
    }
    marks
}

/// Size from the IHDR chunk, and whether the file reaches its IEND chunk.
fn read_png_headers(info: &mut ImageInfo, bytes: &[u8]) {
    let be32 = |at: usize| {
        bytes
            .get(at..at + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    if bytes.get(12..16) == Some(b"IHDR") {
        info.width = be32(16);
        info.height = be32(20);
    }
    match bytes.windows(4).rposition(|w| w == b"IEND") {
        // The chunk type is followed by its 4-byte CRC.
        Some(at) => info.trailing_bytes = Some(bytes.len().saturating_sub(at + 8) as u64),
        None => info.structure_error = Some("ends before the IEND chunk".into()),
    }
}

/// Decodes and hashes; returns the grey preview the hashes were made from. `reduced` is the
/// coefficient reader's picture at the preview's scale, when it reproduced libjpeg's.
fn decode_and_hash(
    info: &mut ImageInfo,
    bytes: &[u8],
    reduced: Option<image::RgbImage>,
) -> Option<image::GrayImage> {
    if !matches!(info.format.as_str(), "jpeg" | "png") {
        info.decoded = Some(false);
        info.decode_error = Some(format!("{} images are not decoded", info.format));
        return None;
    }
    // A JPEG whose markers are whole gets the cheap reduced-scale decode (the reader's own,
    // or libjpeg's); a clean one is done. A warning from libjpeg, a failure, or a broken marker
    // structure falls through to the full decode, whose verdict stands as it always has.
    if info.format == "jpeg" && info.structure_error.is_none() {
        let preview = match (reduced, info.width.zip(info.height)) {
            (Some(reduced), Some((width, height))) => Ok(reduced_preview(reduced, width, height)),
            _ => jpeg_preview(bytes, DecodeLimits::DEFAULT),
        };
        match preview {
            Ok(preview) => {
                info.decoded = Some(true);
                info.width = info.width.or(Some(preview.width));
                info.height = info.height.or(Some(preview.height));
                info.dhash = Some(preview_dhash(&preview.grey));
                info.phash = Some(preview_phash(&preview.grey));
                return Some(preview.grey);
            }
            Err(NoPreview::Warning(warning)) => info.decode_warnings.push(warning),
            Err(NoPreview::Failed(_)) => {}
        }
    }
    match decode_image(bytes) {
        Err(error) => {
            info.decoded = Some(false);
            info.decode_error = Some(error.to_string());
            None
        }
        // The decoders fill a cut scan with grey and succeed: the marker walk knows better.
        Ok(_) if info.structure_error.is_some() => {
            info.decoded = Some(false);
            info.decode_error = info
                .structure_error
                .as_ref()
                .map(|reason| format!("file structure: {reason}"));
            None
        }
        Ok(image) => {
            info.decoded = Some(true);
            info.width = info.width.or(Some(image.width()));
            info.height = info.height.or(Some(image.height()));
            let preview = preview_of(&image);
            info.dhash = Some(preview_dhash(&preview));
            info.phash = Some(preview_phash(&preview));
            Some(preview)
        }
    }
}
