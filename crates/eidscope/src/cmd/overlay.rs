//! `eidscope overlay`: every feature box drawn on the image of its side, one PNG per side, and a
//! contact sheet of front, back, portrait, selfie and video frames; with `--ela`, the error
//! level analysis heat map of each side beside its overlay (`front.ela.png`).

use crate::cli::OverlayArgs;
use crate::cmd::write_atomically;
use crate::error::CliError;
use eidscope_analysis::Thresholds;
use eidscope_media::decode::decode_image;
use eidscope_media::overlay::{OverlayHeader, contact_sheet, render_side};
use eidscope_model::{EntryKind, ExitStatus};
use eidscope_pipeline::{self as pipeline, Level};
use image::DynamicImage;
use std::io::Cursor;

pub fn run(args: &OverlayArgs) -> Result<ExitStatus, CliError> {
    let bundle = pipeline::open(&args.bundle, args.process.as_deref(), Level::Full)
        .map_err(|e| CliError::bundle(&args.bundle, e))?;
    // Read at `full` (the contact sheet takes video frames), judged at `media`: the header
    // needs no video probe.
    let report = pipeline::report(&bundle, Level::Media, &Thresholds::default());
    std::fs::create_dir_all(&args.out).map_err(|e| CliError::output(&args.out, e))?;
    let header = OverlayHeader {
        similarity: report.similarity_score.clone(),
        liveness: report.liveness_detected,
        reported_status: report.reported_status.as_ref().map(|s| s.to_string()),
        derived_status: report.derived_status.to_string(),
        title: args
            .bundle
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    let mut tiles: Vec<(String, DynamicImage)> = Vec::new();
    let mut written = 0;
    for kind in [
        EntryKind::Front,
        EntryKind::Back,
        EntryKind::Portrait,
        EntryKind::Selfie,
    ] {
        let Some(data) = bundle.archive.contents.get(&kind) else {
            continue;
        };
        let image = match decode_image(&data.bytes) {
            Ok(image) => image,
            Err(e) => {
                eprintln!("{}: `{}` not drawn: {e}", args.bundle.display(), data.name);
                continue;
            }
        };
        if matches!(kind, EntryKind::Front | EntryKind::Back) {
            let drawn = render_side(&image, kind, &report.features, &header);
            let path = args.out.join(format!("{kind}.png"));
            write_atomically(&path, &png_bytes(&DynamicImage::ImageRgb8(drawn.clone()))?)?;
            crate::output::outln!("{}", path.display());
            written += 1;
            tiles.push((kind.to_string(), DynamicImage::ImageRgb8(drawn)));
            if args.ela {
                written += write_ela(args, kind, &data.bytes)?;
            }
        } else {
            tiles.push((kind.to_string(), image));
        }
    }
    tiles.extend(video_tiles(&bundle));
    if tiles.is_empty() {
        eprintln!("{}: no image decodes; nothing drawn", args.bundle.display());
        return Ok(ExitStatus::Ok);
    }
    let sheet = contact_sheet(&tiles);
    let path = args.out.join("contact-sheet.png");
    write_atomically(&path, &png_bytes(&DynamicImage::ImageRgb8(sheet))?)?;
    crate::output::outln!("{}", path.display());
    eprintln!(
        "wrote {written} side overlay(s) and a contact sheet to {}",
        args.out.display()
    );
    Ok(ExitStatus::Ok)
}

/// The ELA heat map of one side beside its overlay; a picture that does not recompress is
/// said on stderr and skipped. Returns how many files were written.
fn write_ela(args: &OverlayArgs, kind: EntryKind, bytes: &[u8]) -> Result<usize, CliError> {
    let (map, summary) = match eidscope_media::ela::ela_of(bytes) {
        Ok(found) => found,
        Err(e) => {
            eprintln!("{}: no ELA map of {kind}: {e}", args.bundle.display());
            return Ok(0);
        }
    };
    let path = args.out.join(format!("{kind}.ela.png"));
    write_atomically(&path, &png_bytes(&DynamicImage::ImageRgb8(map))?)?;
    crate::output::outln!("{}", path.display());
    eprintln!(
        "{kind}: ELA at quality {}: mean {:.2}, block median {:.2}, 99th percentile {:.2}, unevenness {:.2}",
        summary.quality, summary.mean, summary.block_median, summary.block_p99, summary.unevenness
    );
    Ok(1)
}

#[cfg(feature = "video")]
fn video_tiles(bundle: &eidscope_bundle::Bundle) -> Vec<(String, DynamicImage)> {
    let Some(data) = bundle.archive.contents.get(&EntryKind::Video) else {
        return Vec::new();
    };
    let limits = eidscope_media::video::VideoLimits::default();
    let (_, frames) = eidscope_media::video::probe_video(&data.name, &data.bytes, &limits, 3);
    frames
        .into_iter()
        .enumerate()
        .map(|(i, f)| (format!("video {}", i + 1), DynamicImage::ImageRgb8(f)))
        .collect()
}

#[cfg(not(feature = "video"))]
fn video_tiles(_bundle: &eidscope_bundle::Bundle) -> Vec<(String, DynamicImage)> {
    Vec::new()
}

pub(crate) fn png_bytes(image: &DynamicImage) -> Result<Vec<u8>, CliError> {
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png)?;
    Ok(out.into_inner())
}
