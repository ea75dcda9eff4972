//! `eidscope report`: one self-contained HTML case-review page over scan output folders
//! (shards merged) or bundles scanned on the way, written atomically to `--out`. The page
//! itself is `eidscope-report`'s; this module reads the inputs, says whether the data is
//! redacted, re-opens the flagged bundles from the paths in the tables to draw their pictures
//! (never when the tables are redacted: the pictures show faces and names) with the error level
//! analysis heat map of the document, and writes the file.

use crate::cli::ReportArgs;
use crate::error::CliError;
use crate::output::outln;
use eidscope_media::contact_sheet;
use eidscope_media::overlay::Tile;
use eidscope_model::Level;
use eidscope_model::{EntryKind, ExitStatus};
use eidscope_pipeline as pipeline;
use eidscope_pipeline::overlay::{Drawing, ElaSides, draw};
use eidscope_report::{Picture, Pictures, Redaction, ReportData, ReportOptions};
use image::DynamicImage;
use image::codecs::jpeg::JpegEncoder;
use std::path::Path;

/// At most this many cases get pictures (the worst); the page stays a few tens of megabytes.
const MAX_CASES_DRAWN: usize = 100;
/// Pictures are embedded as JPEG at this quality.
const JPEG_QUALITY: u8 = 82;
/// Embedded pictures are shrunk to fit this many pixels on their longer side.
const MAX_EMBEDDED_SIDE: u32 = 1400;
/// Video frames on a case's contact sheet.
const SHEET_FRAMES: usize = 3;

pub fn run(args: &ReportArgs) -> Result<ExitStatus, CliError> {
    if args.out.as_os_str().is_empty() || args.out.is_dir() {
        return Err(CliError::Usage(format!(
            "--out {}: give the HTML file to write, not a folder",
            args.out.display()
        )));
    }
    let (tables, scanned_here) = super::input_tables(&args.inputs, args.level)?;
    let redaction = Redaction::of(
        tables
            .scans
            .iter()
            .map(|(_, manifest)| manifest.redacted)
            .chain(scanned_here.then_some(false)),
    );
    let face_links = eidscope_tables::faces::FaceLinks::from_tables(&tables)?.findings();
    let mut data = ReportData::compute(&tables, face_links)?;
    super::warn_duplicate_bundles(data.stats.duplicate_bundles);
    if redaction == Redaction::NotRedacted && !args.no_pictures {
        draw_cases(&mut data)?;
    }
    let options = ReportOptions {
        redaction,
        generator: format!("eidscope {}", env!("CARGO_PKG_VERSION")),
    };
    let page = eidscope_report::render_data(&data, &options);
    super::write_atomically(&args.out, page.as_bytes())?;
    outln!("{}", args.out.display());
    Ok(ExitStatus::Ok)
}

/// Re-opens the worst cases from their paths and draws their pictures.
fn draw_cases(data: &mut ReportData) -> Result<(), CliError> {
    let paths: Vec<String> = data
        .cases
        .iter()
        .take(MAX_CASES_DRAWN)
        .map(|c| c.path.clone())
        .collect();
    for path in paths {
        let pictures = match pipeline::open(Path::new(&path), None, Level::Full) {
            Ok(bundle) => Pictures::Drawn(embed(&draw(
                &bundle,
                Path::new(&path),
                SHEET_FRAMES,
                ElaSides::Lead,
            ))?),
            Err(e) => Pictures::Unreachable(e.to_string()),
        };
        data.pictures.insert(path, pictures);
    }
    Ok(())
}

/// The front's overlay (or the back's without a front), the error level analysis heat map of
/// that side, and the contact sheet of the rest, in page order. A case section shows every
/// picture of this list with its caption.
fn embed(drawing: &Drawing) -> Result<Vec<Picture>, CliError> {
    // The lead of the sheet is the overlay shown on its own, at a larger size.
    let (_, tiles) = drawing.sheet_tiles();
    let mut pictures = Vec::new();
    if let Some((kind, overlay)) = drawing.sides.first() {
        pictures.push(Picture {
            caption: format!("Feature overlay of the {kind}"),
            mime: "image/jpeg",
            bytes: jpeg(&DynamicImage::ImageRgb8(overlay.clone()))?,
        });
        if let Some(picture) = ela_picture(drawing, *kind)? {
            pictures.push(picture);
        }
    }
    if !tiles.is_empty() {
        let sheet = contact_sheet(None, &tiles);
        pictures.push(Picture {
            caption: sheet_caption(&tiles),
            mime: "image/jpeg",
            bytes: jpeg(&DynamicImage::ImageRgb8(sheet))?,
        });
    }
    Ok(pictures)
}

/// What the contact sheet shows, in its order: the other side's overlay, the portrait and the
/// selfie when the bundle has them, and video frames with their times.
fn sheet_caption(tiles: &[Tile]) -> String {
    let mut parts: Vec<String> = Vec::new();
    for tile in tiles {
        let label = tile.label.as_str();
        let part = match label.split_once(':') {
            Some((side, _)) => format!("the {side} overlay"),
            None if label.starts_with("video") => "video frames with their times".to_owned(),
            None => label.to_owned(),
        };
        if !parts.contains(&part) {
            parts.push(part);
        }
    }
    format!("Contact sheet: {}", parts.join(", "))
}

/// The ELA heat map of one side with its figures in the caption; none when the side does not
/// recompress (its overlay and the contact sheet say why).
fn ela_picture(drawing: &Drawing, kind: EntryKind) -> Result<Option<Picture>, CliError> {
    let Some((_, Ok((map, summary)))) = drawing.ela.iter().find(|(k, _)| *k == kind) else {
        return Ok(None);
    };
    Ok(Some(Picture {
        caption: format!(
            "Error level analysis of the {kind} (recompressed at quality {}; mean {:.2}, \
             unevenness {:.2}): an area much brighter than the rest of the same texture was \
             saved fewer times or drawn anew (docs/image-forensics.md)",
            summary.quality, summary.mean, summary.unevenness
        ),
        mime: "image/jpeg",
        bytes: jpeg(&DynamicImage::ImageRgb8(map.clone()))?,
    }))
}

fn jpeg(image: &DynamicImage) -> Result<Vec<u8>, CliError> {
    let image = if image.width().max(image.height()) > MAX_EMBEDDED_SIDE {
        image.resize(
            MAX_EMBEDDED_SIDE,
            MAX_EMBEDDED_SIDE,
            image::imageops::FilterType::Triangle,
        )
    } else {
        image.clone()
    };
    let mut out = Vec::new();
    image
        .to_rgb8()
        .write_with_encoder(JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY))?;
    Ok(out)
}
