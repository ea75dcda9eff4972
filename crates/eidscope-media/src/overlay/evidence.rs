//! Regions of local tampering evidence drawn on a side's overlay: today the part of a JPEG whose
//! blocks tell another compression history than the rest ([`crate::double_jpeg::region`]).
//!
//! A region is drawn as a solid cyan box (no feature verdict uses cyan) with a label naming
//! what its blocks say, and gets a line of its own in the legend. It only draws what the facts
//! hold: whether a region is a finding is the analysis crate's decision.

use super::canvas::{GLYPH, Stroke, fill, horizontal, vertical};
use super::{Layout, Placement, Rect, draw_label, place, spans};
use eidscope_model::media::{CompressionHistory, ImageInfo, MediaInfo};
use eidscope_model::{BoundingBox, BundleReport, EntryKind};
use image::{Rgb, RgbImage};

/// The colour of evidence regions.
pub const REGION: Rgb<u8> = Rgb([0, 200, 255]);

/// A part of a picture that local evidence points at, in the picture's pixels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceRegion {
    /// Where, in pixels of the picture (not of the scaled overlay).
    pub bbox: BoundingBox,
    /// The label on the box (short: at most 24 characters are shown).
    pub label: String,
    /// The legend line: what the evidence says.
    pub legend: String,
}

/// The evidence regions of one side of a bundle's report: the double-compression region of
/// its picture, when the facts hold one.
pub fn evidence_regions(report: &BundleReport, side: EntryKind) -> Vec<EvidenceRegion> {
    match report.media.get(&side) {
        Some(MediaInfo::Image(image)) => image_regions(image),
        _ => Vec::new(),
    }
}

/// The evidence regions of one picture's facts.
pub fn image_regions(image: &ImageInfo) -> Vec<EvidenceRegion> {
    let Some(double) = &image.double_compression else {
        return Vec::new();
    };
    double
        .region
        .iter()
        .map(|region| {
            let b = region.bbox;
            let (label, legend) = match region.inside {
                CompressionHistory::Single => {
                    ("JPEG: saved once here", "saved once here, twice around")
                }
                CompressionHistory::Double => {
                    ("JPEG: saved twice here", "saved twice here, once around")
                }
            };
            EvidenceRegion {
                bbox: b,
                label: label.to_owned(),
                legend: format!(
                    "JPEG {legend} (q{}) {},{} {}x{}",
                    double.first_quality, b.x, b.y, b.width, b.height
                ),
            }
        })
        .collect()
}

/// Where each region lands on the drawn image (`factor`: drawn over source pixels); regions
/// wholly outside or empty are dropped.
pub(super) fn placed(
    regions: &[EvidenceRegion],
    width: u32,
    height: u32,
    factor: f64,
) -> Vec<(&EvidenceRegion, Rect)> {
    regions
        .iter()
        .filter_map(
            |region| match place(Some(region.bbox), width, height, factor) {
                Placement::Drawn(rect, _) => Some((region, rect)),
                _ => None,
            },
        )
        .collect()
}

/// Draws the regions' boxes; `top` is the image's top on the canvas.
pub(super) fn draw_boxes(
    canvas: &mut RgbImage,
    layout: &Layout,
    regions: &[(&EvidenceRegion, Rect)],
    top: i64,
) {
    let stroke = Stroke {
        colour: REGION,
        thickness: layout.stroke,
        dash: None,
    };
    let t = i64::from(layout.stroke);
    for (_, r) in regions {
        let (y0, y1) = (r.y0 + top, r.y1 + top);
        horizontal(canvas, r.x0, r.x1, y0, stroke);
        horizontal(canvas, r.x0, r.x1, y1 - t, stroke);
        vertical(canvas, r.x0, y0, y1, stroke);
        vertical(canvas, r.x1 - t, y0, y1, stroke);
    }
}

/// Labels the regions, each in the first free place near its box.
pub(super) fn draw_labels(
    canvas: &mut RgbImage,
    layout: &Layout,
    regions: &[(&EvidenceRegion, Rect)],
    area: (i64, i64),
    placed: &mut Vec<(i64, i64, i64, i64)>,
) {
    for (region, rect) in regions {
        draw_label(
            canvas,
            layout,
            *rect,
            area,
            &region.label,
            REGION,
            false,
            placed,
        );
    }
}

/// The regions' legend lines from `y` on; returns the next line's `y`.
pub(super) fn draw_legend(
    canvas: &mut RgbImage,
    layout: &Layout,
    regions: &[(&EvidenceRegion, Rect)],
    mut y: i64,
) -> i64 {
    let swatch = i64::from(GLYPH * layout.scale);
    for (region, _) in regions {
        fill(canvas, layout.pad, y, swatch, swatch, REGION);
        spans(
            canvas,
            layout,
            layout.pad + swatch + layout.pad,
            y,
            &[(&region.legend, super::TEXT)],
        );
        y += layout.line;
    }
    y
}
