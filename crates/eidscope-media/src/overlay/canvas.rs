//! Pixel primitives for the overlays: clipped filled rectangles, solid or dashed rectangle
//! edges, and text in the 8x8 public-domain bitmap font of `font8x8`, scaled by whole pixels
//! (no font files, no font configuration, identical output everywhere).
//!
//! Coordinates are `i64` and may lie anywhere: whatever falls outside the image is skipped.

use font8x8::{BASIC_FONTS, LATIN_FONTS, UnicodeFonts};
use image::{Rgb, RgbImage};

/// Width and height of one glyph before scaling.
pub const GLYPH: u32 = 8;

/// A stroke: colour, thickness, and `Some((on, off))` for a dashed line.
#[derive(Debug, Clone, Copy)]
pub struct Stroke {
    pub colour: Rgb<u8>,
    pub thickness: u32,
    pub dash: Option<(u32, u32)>,
}

/// Fills `[x, x + width) x [y, y + height)`, clipped to the image.
pub fn fill(img: &mut RgbImage, x: i64, y: i64, width: i64, height: i64, colour: Rgb<u8>) {
    let x0 = x.max(0);
    let y0 = y.max(0);
    let x1 = x.saturating_add(width).min(i64::from(img.width()));
    let y1 = y.saturating_add(height).min(i64::from(img.height()));
    for py in y0..y1 {
        for px in x0..x1 {
            // Both are inside 0..dimension here, so they fit u32.
            img.put_pixel(px as u32, py as u32, colour);
        }
    }
}

/// A horizontal band from `x0` to `x1` (exclusive) whose top row is `y`.
pub fn horizontal(img: &mut RgbImage, x0: i64, x1: i64, y: i64, stroke: Stroke) {
    let t = i64::from(stroke.thickness);
    for (start, end) in dashes(x0, x1, stroke.dash) {
        fill(img, start, y, end - start, t, stroke.colour);
    }
}

/// A vertical band from `y0` to `y1` (exclusive) whose left column is `x`.
pub fn vertical(img: &mut RgbImage, x: i64, y0: i64, y1: i64, stroke: Stroke) {
    let t = i64::from(stroke.thickness);
    for (start, end) in dashes(y0, y1, stroke.dash) {
        fill(img, x, start, t, end - start, stroke.colour);
    }
}

/// The painted runs of a line from `from` to `to`.
fn dashes(from: i64, to: i64, dash: Option<(u32, u32)>) -> Vec<(i64, i64)> {
    let Some((on, off)) = dash.filter(|(on, _)| *on > 0) else {
        return vec![(from, to)];
    };
    let period = i64::from(on) + i64::from(off);
    // Never more runs than the image can show: lines are clipped to at most a few thousand px.
    let from_visible = from.max(-period);
    let start = from.saturating_add(from_visible.saturating_sub(from) / period * period);
    let mut runs = Vec::new();
    let mut at = start;
    while at < to && runs.len() < 10_000 {
        runs.push((at, (at + i64::from(on)).min(to)));
        at += period;
    }
    runs
}

/// The width of `text` at `scale`, pixels.
pub fn text_width(text: &str, scale: u32) -> u32 {
    let chars = u32::try_from(text.chars().count()).unwrap_or(u32::MAX);
    chars.saturating_mul(GLYPH * scale)
}

/// Draws `text` with its top-left corner at `(x, y)`; characters the font lacks show as `?`.
pub fn text(img: &mut RgbImage, x: i64, y: i64, scale: u32, colour: Rgb<u8>, text: &str) {
    let step = i64::from(GLYPH * scale);
    let s = i64::from(scale);
    for (index, c) in text.chars().enumerate() {
        let left = x + step * index as i64;
        if left >= i64::from(img.width()) {
            break;
        }
        let glyph = BASIC_FONTS
            .get(c)
            .or_else(|| LATIN_FONTS.get(c))
            .or_else(|| BASIC_FONTS.get('?'))
            .unwrap_or_default();
        for (row, bits) in glyph.iter().enumerate() {
            for column in 0..8 {
                if bits & (1 << column) != 0 {
                    let px = left + column * s;
                    let py = y + row as i64 * s;
                    fill(img, px, py, s, s, colour);
                }
            }
        }
    }
}

/// Cuts `text` to at most `max_chars` characters, marking the cut with `..`.
pub fn fit(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let kept: String = text.chars().take(max_chars.saturating_sub(2)).collect();
    format!("{kept}..")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drawing_outside_is_skipped() {
        let mut img = RgbImage::new(10, 10);
        let red = Rgb([255, 0, 0]);
        fill(&mut img, -5, -5, 8, 8, red);
        fill(&mut img, i64::MAX - 1, 0, 10, 10, red);
        fill(&mut img, i64::MIN, i64::MIN, i64::MAX, i64::MAX, red);
        assert_eq!(img.get_pixel(2, 2), &red);
        text(&mut img, -100, 3, 2, red, "ÿ€x");
        let stroke = Stroke {
            colour: red,
            thickness: 2,
            dash: Some((3, 2)),
        };
        horizontal(&mut img, i64::MIN / 2, i64::MAX / 2, 8, stroke);
    }

    #[test]
    fn dashes_alternate() {
        assert_eq!(dashes(0, 12, Some((3, 2))), [(0, 3), (5, 8), (10, 12)]);
        assert_eq!(dashes(0, 12, None), [(0, 12)]);
    }

    #[test]
    fn fit_cuts_long_text() {
        assert_eq!(fit("Signature", 6), "Sign..");
        assert_eq!(fit("Chip", 6), "Chip");
    }
}
