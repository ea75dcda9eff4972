//! `eidscope overlay`: every feature box drawn on the image of its side, one PNG per side, and a
//! contact sheet of every picture with the front overlay the largest; with `--ela`, the error
//! level analysis heat map of each side beside its overlay (`front.ela.png`). [`draw`] makes the
//! pictures of a re-opened bundle; `report` embeds them too.

use crate::cli::OverlayArgs;
use crate::cmd::write_atomically;
use crate::error::CliError;
use eidscope_analysis::Thresholds;
use eidscope_bundle::Bundle;
use eidscope_media::decode::decode_image;
use eidscope_media::overlay::{OverlayHeader, Tile, render_side};
use eidscope_model::{EntryKind, ExitStatus};
use eidscope_pipeline::{self as pipeline, Level};
use image::{DynamicImage, RgbImage};
use std::io::Cursor;
use std::path::Path;

/// The pictures of a bundle for a reviewer.
pub(crate) struct Drawing {
    /// The feature overlay of each document side that decodes (front first).
    pub sides: Vec<(EntryKind, RgbImage)>,
    /// The other tiles of the contact sheet: the portrait, the selfie (or why they do not
    /// decode) and video frames with their times.
    pub tiles: Vec<Tile>,
}

impl Drawing {
    /// The lead tile of the contact sheet (the first side's overlay) and every other tile.
    pub fn sheet_tiles(&self) -> (Option<Tile>, Vec<Tile>) {
        let mut sides = self.sides.iter().map(|(kind, image)| {
            Tile::picture(
                format!("{kind}: feature overlay"),
                DynamicImage::ImageRgb8(image.clone()),
            )
        });
        let lead = sides.next();
        (lead, sides.chain(self.tiles.iter().cloned()).collect())
    }
}

/// Draws a bundle read at `full` (the video frames need it), judged at `media` (the header
/// needs no video probe), with `frames` evenly spaced video frames among the tiles.
pub(crate) fn draw(bundle: &Bundle, path: &Path, frames: usize) -> Drawing {
    let report = pipeline::report(bundle, Level::Media, &Thresholds::default());
    let header = OverlayHeader {
        similarity: report.similarity_score.clone(),
        liveness: report.liveness_detected,
        reported_status: report.reported_status.as_ref().map(|s| s.to_string()),
        derived_status: report.derived_status.to_string(),
        title: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    let mut drawing = Drawing {
        sides: Vec::new(),
        tiles: Vec::new(),
    };
    for kind in [
        EntryKind::Front,
        EntryKind::Back,
        EntryKind::Portrait,
        EntryKind::Selfie,
    ] {
        let Some(data) = bundle.archive.contents.get(&kind) else {
            continue;
        };
        match decode_image(&data.bytes) {
            Ok(image) if matches!(kind, EntryKind::Front | EntryKind::Back) => {
                let drawn = render_side(
                    &image,
                    kind,
                    &report.features,
                    &header,
                    &eidscope_media::overlay::evidence_regions(&report, kind),
                );
                drawing.sides.push((kind, drawn));
            }
            Ok(image) => drawing.tiles.push(Tile::picture(kind.to_string(), image)),
            Err(e) => drawing
                .tiles
                .push(Tile::undecodable(kind.to_string(), e.to_string())),
        }
    }
    drawing.tiles.extend(video_tiles(bundle, frames));
    drawing
}

pub fn run(args: &OverlayArgs) -> Result<ExitStatus, CliError> {
    let bundle = pipeline::open(&args.bundle, args.process.as_deref(), Level::Full)
        .map_err(|e| CliError::bundle(&args.bundle, e))?;
    std::fs::create_dir_all(&args.out).map_err(|e| CliError::output(&args.out, e))?;
    let drawing = draw(&bundle, &args.bundle, 3);
    for (kind, drawn) in &drawing.sides {
        let path = args.out.join(format!("{kind}.png"));
        write_atomically(&path, &png_bytes(&DynamicImage::ImageRgb8(drawn.clone()))?)?;
        crate::output::outln!("{}", path.display());
        if args.ela
            && let Some(data) = bundle.archive.contents.get(kind)
        {
            write_ela(args, *kind, &data.bytes)?;
        }
    }
    let (lead, tiles) = drawing.sheet_tiles();
    if lead.is_none() && tiles.is_empty() {
        eprintln!("{}: no picture; nothing drawn", args.bundle.display());
        return Ok(ExitStatus::Ok);
    }
    let sheet = eidscope_media::contact_sheet(lead.as_ref(), &tiles);
    let path = args.out.join("contact-sheet.png");
    write_atomically(&path, &png_bytes(&DynamicImage::ImageRgb8(sheet))?)?;
    crate::output::outln!("{}", path.display());
    eprintln!(
        "wrote {} side overlay(s) and a contact sheet to {}",
        drawing.sides.len(),
        args.out.display()
    );
    Ok(ExitStatus::Ok)
}

/// The ELA heat map of one side beside its overlay; a picture that does not recompress is
/// said on stderr and skipped.
fn write_ela(args: &OverlayArgs, kind: EntryKind, bytes: &[u8]) -> Result<(), CliError> {
    let (map, summary) = match eidscope_media::ela::ela_of(bytes) {
        Ok(found) => found,
        Err(e) => {
            eprintln!("{}: no ELA map of {kind}: {e}", args.bundle.display());
            return Ok(());
        }
    };
    let path = args.out.join(format!("{kind}.ela.png"));
    write_atomically(&path, &png_bytes(&DynamicImage::ImageRgb8(map))?)?;
    crate::output::outln!("{}", path.display());
    eprintln!(
        "{kind}: ELA at quality {}: mean {:.2}, block median {:.2}, 99th percentile {:.2}, unevenness {:.2}",
        summary.quality, summary.mean, summary.block_median, summary.block_p99, summary.unevenness
    );
    Ok(())
}

#[cfg(feature = "video")]
fn video_tiles(bundle: &Bundle, count: usize) -> Vec<Tile> {
    let Some(data) = bundle.archive.contents.get(&EntryKind::Video) else {
        return Vec::new();
    };
    if count == 0 {
        return Vec::new();
    }
    let limits = eidscope_media::video::VideoLimits::default();
    let (info, frames) =
        eidscope_media::video::probe_video(&data.name, &data.bytes, &limits, count);
    if let Some(error) = info.error
        && frames.is_empty()
    {
        return vec![Tile::undecodable("video", error)];
    }
    frames
        .into_iter()
        .enumerate()
        .map(|(i, f)| Tile::picture(f.label(i + 1), DynamicImage::ImageRgb8(f.picture)))
        .collect()
}

#[cfg(not(feature = "video"))]
fn video_tiles(_bundle: &Bundle, _count: usize) -> Vec<Tile> {
    Vec::new()
}

pub(crate) fn png_bytes(image: &DynamicImage) -> Result<Vec<u8>, CliError> {
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png)?;
    Ok(out.into_inner())
}
