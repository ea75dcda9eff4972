//! The pictures of a bundle for a reviewer, drawn once for every caller: `eidscope overlay`
//! (one PNG per side and a contact sheet), `eidscope report` (embedded in the case page) and
//! the Python package (`eidscope.overlay`). [`draw`] judges the bundle and has
//! `eidscope-media` draw each document side's feature overlay; the other pictures and a few
//! video frames (with the `video` feature) become the tiles of the contact sheet.
//!
//! This module only orchestrates and encodes: the drawing is `eidscope-media`'s, the judging
//! the pipeline's. It never writes a file; callers decide where the pictures go. Each picture
//! is decoded once: the error level analysis a caller asks for ([`ElaSides`]) is made from the
//! side decoded for its overlay.

use crate::{Level, report};
use eidscope_analysis::Thresholds;
use eidscope_bundle::Bundle;
use eidscope_media::MediaError;
use eidscope_media::decode::decode_image;
use eidscope_media::ela::{ElaSummary, error_levels};
use eidscope_media::overlay::{OverlayHeader, Tile, evidence_regions, render_side};
use eidscope_model::EntryKind;
use image::{DynamicImage, RgbImage};
use std::io::Cursor;
use std::path::Path;

/// The pictures of a bundle for a reviewer.
pub struct Drawing {
    /// The feature overlay of each document side that decodes (front first).
    pub sides: Vec<(EntryKind, RgbImage)>,
    /// The other tiles of the contact sheet: the portrait, the selfie (or why they do not
    /// decode) and video frames with their times.
    pub tiles: Vec<Tile>,
    /// The error level analysis of the sides asked for ([`ElaSides`]), in `sides` order: the
    /// heat map with its figures, or why the side does not recompress.
    pub ela: Vec<(EntryKind, Result<SideElaMap, MediaError>)>,
}

/// A side's error level analysis heat map and its figures.
pub type SideElaMap = (RgbImage, ElaSummary);

/// Which document sides [`draw`] analyses for error levels (each from the picture it decoded
/// for the overlay, so no side is decoded twice).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ElaSides {
    /// None.
    None,
    /// The first side drawn (the front, or the back without a front): what the report shows.
    Lead,
    /// Every side drawn: what `eidscope overlay --ela` writes.
    All,
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

    /// The pictures `eidscope overlay` writes (and `eidscope.overlay` returns), in its order,
    /// named by their file names without `.png`: each side's overlay, with the side's error
    /// level analysis heat map after it when it was drawn with one (`front.ela`), then the
    /// contact sheet. Beside them, the ELA outcome of each analysed side: its figures, or why it
    /// does not recompress (then it has no map).
    pub fn into_pictures(self) -> (Vec<NamedPicture>, Vec<SideEla>) {
        let sheet = self.contact_sheet();
        let mut ela = self.ela;
        let mut pictures = Vec::new();
        let mut outcomes = Vec::new();
        for (kind, side) in self.sides {
            pictures.push(NamedPicture {
                name: kind.to_string(),
                image: side,
            });
            let Some(at) = ela.iter().position(|(k, _)| *k == kind) else {
                continue;
            };
            match ela.remove(at).1 {
                Ok((map, summary)) => {
                    pictures.push(NamedPicture {
                        name: format!("{kind}.ela"),
                        image: map,
                    });
                    outcomes.push((kind, Ok(summary)));
                }
                Err(e) => outcomes.push((kind, Err(e))),
            }
        }
        if let Some(sheet) = sheet {
            pictures.push(NamedPicture {
                name: "contact-sheet".to_owned(),
                image: sheet,
            });
        }
        (pictures, outcomes)
    }

    /// The contact sheet of every picture, the first side's overlay the largest; none for a
    /// bundle without a picture.
    pub fn contact_sheet(&self) -> Option<RgbImage> {
        let (lead, tiles) = self.sheet_tiles();
        if lead.is_none() && tiles.is_empty() {
            return None;
        }
        Some(eidscope_media::contact_sheet(lead.as_ref(), &tiles))
    }
}

/// One picture of [`Drawing::pictures`], named by its file name without `.png`.
pub struct NamedPicture {
    /// `front`, `back`, `front.ela`, `back.ela` or `contact-sheet`.
    pub name: String,
    /// The picture.
    pub image: RgbImage,
}

/// The error level analysis of one document side: its figures, or why the side does not
/// recompress.
pub type SideEla = (EntryKind, Result<ElaSummary, MediaError>);

/// Draws a bundle read at `full` (the video frames need it), judged at `media` (the header
/// needs no video probe), with `frames` evenly spaced video frames among the tiles and the
/// error level analysis of the sides `ela` names. The header's title is the file name of
/// `path`.
pub fn draw(bundle: &Bundle, path: &Path, frames: usize, ela: ElaSides) -> Drawing {
    let report = report(bundle, Level::Media, &Thresholds::default());
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
        ela: Vec::new(),
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
                    &evidence_regions(&report, kind),
                );
                let analysed = match ela {
                    ElaSides::None => false,
                    ElaSides::Lead => drawing.sides.is_empty(),
                    ElaSides::All => true,
                };
                if analysed {
                    let levels = error_levels(&image);
                    let outcome = levels.map(|l| (l.heat_map(), l.summary()));
                    drawing.ela.push((kind, outcome));
                }
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

/// A picture as PNG bytes (the files `eidscope overlay` writes).
pub fn png_bytes(image: &DynamicImage) -> Result<Vec<u8>, image::ImageError> {
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png)?;
    Ok(out.into_inner())
}
