//! Pictures for a human reviewer: the feature boxes of one document side drawn on its image
//! ([`render_side`]) and all pictures of a bundle on one sheet ([`contact_sheet`]), the
//! document overlay the largest.
//!
//! Box style tells the provider's verdict: found is solid green, not found dashed red, unknown
//! dashed amber. A box edge that runs past the image is drawn dashed magenta along the image
//! border and the box gets an `OUT` tag. Features without a drawable box (none, zero size,
//! wholly outside, or a side that names no image) are not drawn but listed in the legend below
//! the image, with every other feature of the side. The header band shows the similarity level,
//! liveness and both statuses. Labels never cover each other: each takes the first free place
//! near its box (above, inside, below). Text is the `font8x8` bitmap font, so the output is identical on
//! every machine (the golden tests rely on it). Nothing here judges: the findings do.

mod canvas;
mod evidence;
mod header;
mod sheet;

pub use evidence::{EvidenceRegion, REGION, evidence_regions, image_regions};
pub use sheet::{LEAD_HEIGHT, LEAD_MIN_HEIGHT, Tile, TileContent, contact_sheet};

use canvas::{GLYPH, Stroke, fill, fit, horizontal, text, text_width, vertical};
use eidscope_model::{BoundingBox, EntryKind, Feature};
use header::{draw_header, header_band_height};
use image::imageops::{self, FilterType};
use image::{DynamicImage, Rgb, RgbImage};

/// What the header band of an overlay shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OverlayHeader {
    /// The face-match similarity level, as reported.
    pub similarity: Option<String>,
    /// Whether liveness was detected.
    pub liveness: Option<bool>,
    /// The status the process reported.
    pub reported_status: Option<String>,
    /// The status the evidence implies.
    pub derived_status: String,
    /// The first line (bundle name, side).
    pub title: String,
}

/// Images larger than this (either side) are scaled down before drawing.
pub const MAX_IMAGE_SIDE: u32 = 1600;
/// The height every contact-sheet tile but the lead is scaled to.
pub const TILE_HEIGHT: u32 = 240;
/// A contact sheet shows at most this many tiles.
pub const MAX_TILES: usize = 64;

const MIN_CANVAS_WIDTH: u32 = 320;
const MAX_LEGEND_ITEMS: usize = 64;

const BACKGROUND: Rgb<u8> = Rgb([24, 24, 28]);
const TEXT: Rgb<u8> = Rgb([235, 235, 235]);
const DIM: Rgb<u8> = Rgb([160, 160, 160]);
const FOUND: Rgb<u8> = Rgb([40, 200, 80]);
const MISSING: Rgb<u8> = Rgb([235, 50, 50]);
const UNKNOWN: Rgb<u8> = Rgb([245, 170, 0]);
const CLIPPED: Rgb<u8> = Rgb([255, 0, 255]);
const LABEL_TEXT: Rgb<u8> = Rgb([0, 0, 0]);

/// A box in the pixels of the drawn (possibly scaled) image, visible part only.
#[derive(Debug, Clone, Copy)]
struct Rect {
    x0: i64,
    y0: i64,
    x1: i64,
    y1: i64,
}

/// Which edges of a box run past the image.
#[derive(Debug, Clone, Copy, Default)]
struct Clip {
    left: bool,
    top: bool,
    right: bool,
    bottom: bool,
}

impl Clip {
    fn any(self) -> bool {
        self.left || self.top || self.right || self.bottom
    }
}

/// Where a feature ends up in the picture.
#[derive(Debug, Clone)]
enum Placement {
    Drawn(Rect, Clip),
    Outside,
    NoBox,
    BadBox,
    Unplaced(Option<String>),
}

struct Item<'a> {
    feature: &'a Feature,
    placement: Placement,
}

/// Draws the features of `side` on its image, with a header band and a legend, and the
/// regions of local tampering evidence (`regions`, from [`evidence_regions`]) in cyan.
///
/// A feature belongs to `side` when [`EntryKind::for_side`] maps its `side` there. Features
/// whose side maps to no image (or that have none) are listed on the front's legend, not drawn.
pub fn render_side(
    image: &DynamicImage,
    side: EntryKind,
    features: &[Feature],
    header: &OverlayHeader,
    regions: &[EvidenceRegion],
) -> RgbImage {
    let base = fit_within(image, MAX_IMAGE_SIDE);
    let factor = f64::from(base.width()) / f64::from(image.width().max(1));
    let items: Vec<Item<'_>> = features
        .iter()
        .filter_map(|feature| {
            let placement = match feature.side.as_deref().and_then(EntryKind::for_side) {
                Some(kind) if kind == side => {
                    place(feature.bbox, image.width(), image.height(), factor)
                }
                None if side == EntryKind::Front => Placement::Unplaced(feature.side.clone()),
                _ => return None,
            };
            Some(Item { feature, placement })
        })
        .collect();

    let layout = Layout::new(base.width().max(MIN_CANVAS_WIDTH));
    let header_height = header_band_height(&layout, header);
    let drawn_regions = evidence::placed(regions, image.width(), image.height(), factor);
    let legend_lines =
        1 + items.len().clamp(1, MAX_LEGEND_ITEMS + 1) as i64 + drawn_regions.len() as i64;
    let legend_height = layout.pad * 2 + layout.line * legend_lines;
    let height = header_height + i64::from(base.height()) + legend_height;
    let mut canvas = RgbImage::from_pixel(
        layout.width,
        u32::try_from(height).unwrap_or(u32::MAX),
        BACKGROUND,
    );
    imageops::replace(&mut canvas, &base, 0, header_height);

    // Missing and unknown first, so found boxes stay on top where they overlap.
    let mut order: Vec<&Item<'_>> = items.iter().collect();
    order.sort_by_key(|item| item.feature.found == Some(true));
    for item in &order {
        if let Placement::Drawn(rect, clip) = item.placement {
            draw_box(
                &mut canvas,
                &layout,
                rect,
                clip,
                item.feature.found,
                header_height,
            );
        }
    }
    evidence::draw_boxes(&mut canvas, &layout, &drawn_regions, header_height);
    // Labels never cover each other: each takes the first free place near its box.
    let mut placed = Vec::new();
    let image_area = (header_height, header_height + i64::from(base.height()));
    for item in &order {
        if let Placement::Drawn(rect, clip) = item.placement {
            let name = &item.feature.name;
            let colour = verdict_colour(item.feature.found);
            draw_label(
                &mut canvas,
                &layout,
                rect,
                image_area,
                name,
                colour,
                clip.any(),
                &mut placed,
            );
        }
    }
    evidence::draw_labels(
        &mut canvas,
        &layout,
        &drawn_regions,
        image_area,
        &mut placed,
    );
    draw_header(&mut canvas, &layout, header);
    let legend_top = header_height + i64::from(base.height());
    let next = draw_legend(&mut canvas, &layout, legend_top, side, &items);
    evidence::draw_legend(&mut canvas, &layout, &drawn_regions, next);
    canvas
}

/// Sizes derived from the canvas width: text scale, line height, padding, stroke.
struct Layout {
    width: u32,
    scale: u32,
    line: i64,
    pad: i64,
    stroke: u32,
}

impl Layout {
    fn new(width: u32) -> Layout {
        let scale = (width / 480).clamp(1, 3);
        Layout {
            width,
            scale,
            line: i64::from((GLYPH + 3) * scale),
            pad: i64::from(4 * scale),
            stroke: 2 * scale,
        }
    }

    fn chars_per_line(&self, indent: i64) -> usize {
        let room = i64::from(self.width) - indent - self.pad;
        usize::try_from(room / i64::from(GLYPH * self.scale)).unwrap_or(0)
    }
}

fn fit_within(image: &DynamicImage, max_side: u32) -> RgbImage {
    if image.width().max(image.height()) > max_side {
        image
            .resize(max_side, max_side, FilterType::Triangle)
            .to_rgb8()
    } else {
        image.to_rgb8()
    }
}

/// Maps a provider box (source pixels) to the drawn image, or says why it cannot be drawn.
fn place(bbox: Option<BoundingBox>, width: u32, height: u32, factor: f64) -> Placement {
    let Some(b) = bbox else {
        return Placement::NoBox;
    };
    if b.is_degenerate() {
        return Placement::BadBox;
    }
    if b.lies_wholly_outside(width, height) {
        return Placement::Outside;
    }
    let (w, h) = (i64::from(width), i64::from(height));
    let right = b.x.saturating_add(b.width);
    let bottom = b.y.saturating_add(b.height);
    let clip = Clip {
        left: b.x < 0,
        top: b.y < 0,
        right: right > w,
        bottom: bottom > h,
    };
    // Clamped to the image first, so the products stay small.
    let scaled = |v: i64, limit: i64| (v.clamp(0, limit) as f64 * factor).round() as i64;
    let (x0, y0) = (scaled(b.x, w), scaled(b.y, h));
    let rect = Rect {
        x0,
        y0,
        x1: scaled(right, w).max(x0 + 1),
        y1: scaled(bottom, h).max(y0 + 1),
    };
    Placement::Drawn(rect, clip)
}

fn verdict_colour(found: Option<bool>) -> Rgb<u8> {
    match found {
        Some(true) => FOUND,
        Some(false) => MISSING,
        None => UNKNOWN,
    }
}

fn verdict_word(found: Option<bool>) -> &'static str {
    match found {
        Some(true) => "found",
        Some(false) => "NOT FOUND",
        None => "not stated",
    }
}

fn draw_box(
    canvas: &mut RgbImage,
    layout: &Layout,
    r: Rect,
    clip: Clip,
    found: Option<bool>,
    top: i64,
) {
    let t = layout.stroke;
    let style = Stroke {
        colour: verdict_colour(found),
        thickness: t,
        dash: (found != Some(true)).then_some((3 * t, 2 * t)),
    };
    let cut = Stroke {
        colour: CLIPPED,
        thickness: t,
        dash: Some((t, t)),
    };
    let pick = |clipped: bool| if clipped { cut } else { style };
    let t = i64::from(t);
    let (y0, y1) = (r.y0 + top, r.y1 + top);
    horizontal(canvas, r.x0, r.x1, y0, pick(clip.top));
    horizontal(canvas, r.x0, r.x1, y1 - t, pick(clip.bottom));
    vertical(canvas, r.x0, y0, y1, pick(clip.left));
    vertical(canvas, r.x1 - t, y0, y1, pick(clip.right));
}

/// A label's rectangle on the canvas: x, y, width, height.
type LabelRect = (i64, i64, i64, i64);

fn overlaps(a: LabelRect, b: LabelRect) -> bool {
    a.0 < b.0 + b.2 && b.0 < a.0 + a.2 && a.1 < b.1 + b.3 && b.1 < a.1 + a.3
}

/// Where a label of `width` x `height` goes: above the box, else just inside its top edge,
/// below it, inside its bottom edge, then further above or below, line by line; the first
/// place within `area` (top and bottom of the image) that no label in `placed` covers. When
/// every place is taken, the first candidate.
fn label_place(
    r: Rect,
    top: i64,
    area: (i64, i64),
    size: (i64, i64, i64),
    placed: &[LabelRect],
) -> (i64, i64) {
    let (width, height, t) = size;
    let x = r.x0.max(0);
    let above = r.y0 + top - height;
    let below = r.y1 + top;
    let mut candidates = vec![above, r.y0 + top + t, below, below - t - height];
    for k in 1..=6 {
        candidates.push(above - k * height);
        candidates.push(below + k * height);
    }
    let fits = |y: i64| y >= area.0 && y + height <= area.1;
    candidates
        .iter()
        .copied()
        .filter(|y| fits(*y))
        .find(|y| !placed.iter().any(|p| overlaps(*p, (x, *y, width, height))))
        .or_else(|| candidates.iter().copied().find(|y| fits(*y)))
        .map_or((x, r.y0 + top + t), |y| (x, y))
}

#[allow(clippy::too_many_arguments)] // the canvas, where, what and what is already there
fn draw_label(
    canvas: &mut RgbImage,
    layout: &Layout,
    r: Rect,
    (top, bottom): (i64, i64),
    name: &str,
    colour: Rgb<u8>,
    out: bool,
    placed: &mut Vec<LabelRect>,
) {
    let s = layout.scale;
    let label = fit(name, 24);
    let tag = "OUT";
    let height = i64::from((GLYPH + 2) * s);
    let name_width = i64::from(text_width(&label, s) + 2 * s);
    let tag_width = if out {
        i64::from(text_width(tag, s) + 2 * s)
    } else {
        0
    };
    let t = i64::from(layout.stroke);
    let width = name_width + tag_width;
    let r = Rect {
        x0: r.x0.min(i64::from(layout.width) - width).max(0),
        ..r
    };
    let (x, y) = label_place(r, top, (top, bottom), (width, height, t), placed);
    placed.push((x, y, width, height));
    fill(canvas, x, y, name_width, height, colour);
    text(
        canvas,
        x + i64::from(s),
        y + i64::from(s),
        s,
        LABEL_TEXT,
        &label,
    );
    if out {
        fill(canvas, x + name_width, y, tag_width, height, CLIPPED);
        text(
            canvas,
            x + name_width + i64::from(s),
            y + i64::from(s),
            s,
            LABEL_TEXT,
            tag,
        );
    }
}

/// Draws coloured pieces of one line, cutting at the canvas width.
fn spans(canvas: &mut RgbImage, layout: &Layout, x: i64, y: i64, pieces: &[(&str, Rgb<u8>)]) {
    let mut room = layout.chars_per_line(x);
    let mut at = x;
    for (piece, colour) in pieces {
        if room == 0 {
            break;
        }
        let shown = fit(piece, room);
        text(canvas, at, y, layout.scale, *colour, &shown);
        at += i64::from(text_width(&shown, layout.scale));
        room = room.saturating_sub(shown.chars().count());
    }
}

/// The features' legend from `top` on; returns the `y` of the line after it.
fn draw_legend(
    canvas: &mut RgbImage,
    layout: &Layout,
    top: i64,
    side: EntryKind,
    items: &[Item<'_>],
) -> i64 {
    let (s, pad, line) = (layout.scale, layout.pad, layout.line);
    let found = items
        .iter()
        .filter(|i| i.feature.found == Some(true))
        .count();
    let title = format!("{side}: {} features, {found} found", items.len());
    spans(canvas, layout, pad, top + pad, &[(&title, TEXT)]);
    let swatch = i64::from(GLYPH * s);
    let indent = pad + swatch + pad;
    let mut y = top + pad + line;
    if items.is_empty() {
        spans(
            canvas,
            layout,
            indent,
            y,
            &[("no features on this side", DIM)],
        );
        y += line;
    }
    for item in items.iter().take(MAX_LEGEND_ITEMS) {
        let colour = verdict_colour(item.feature.found);
        fill(canvas, pad, y, swatch, swatch, colour);
        let verdict = format!(
            "{}: {}",
            item.feature.name,
            verdict_word(item.feature.found)
        );
        let (note, note_colour) = legend_note(&item.placement);
        spans(
            canvas,
            layout,
            indent,
            y,
            &[(&verdict, TEXT), (&note, note_colour)],
        );
        y += line;
    }
    if items.len() > MAX_LEGEND_ITEMS {
        let more = format!("... {} more", items.len() - MAX_LEGEND_ITEMS);
        spans(canvas, layout, indent, y, &[(&more, DIM)]);
        y += line;
    }
    y
}

fn legend_note(placement: &Placement) -> (String, Rgb<u8>) {
    match placement {
        Placement::Drawn(_, clip) if clip.any() => (" - OUT, clipped".into(), CLIPPED),
        Placement::Drawn(..) => (String::new(), DIM),
        Placement::Outside => (" - OUT, not drawn".into(), CLIPPED),
        Placement::NoBox => (" - no box".into(), DIM),
        Placement::BadBox => (" - empty box".into(), DIM),
        Placement::Unplaced(Some(side)) => (format!(" - side '{side}'?"), DIM),
        Placement::Unplaced(None) => (" - no side".into(), DIM),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_of_boxes_at_one_place_do_not_collide() {
        let r = Rect {
            x0: 100,
            y0: 100,
            x1: 300,
            y1: 200,
        };
        let mut placed: Vec<LabelRect> = Vec::new();
        for _ in 0..6 {
            let (x, y) = label_place(r, 40, (40, 640), (120, 20, 2), &placed);
            let rect = (x, y, 120, 20);
            assert!(
                placed.iter().all(|p| !overlaps(*p, rect)),
                "{placed:?} {rect:?}"
            );
            assert!(y >= 40 && y + 20 <= 640);
            placed.push(rect);
        }
        // The first goes above its box.
        assert_eq!(placed[0], (100, 120, 120, 20));
    }
}
