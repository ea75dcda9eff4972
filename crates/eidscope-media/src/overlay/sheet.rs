//! The contact sheet: every picture of a bundle on one image for a reviewer. The lead tile
//! (the document overlay) comes first and largest, the others follow in rows at
//! [`TILE_HEIGHT`]; every tile is labelled above in the 16-pixel bitmap font, and a picture
//! that did not decode is a labelled tile saying so, never a silent gap.

use super::canvas::{GLYPH, Stroke, fit, horizontal, text, vertical};
use super::{BACKGROUND, DIM, MAX_TILES, MIN_CANVAS_WIDTH, MISSING, TEXT, TILE_HEIGHT};
use image::imageops::{self, FilterType};
use image::{DynamicImage, Rgb, RgbImage};

/// The lead tile is scaled to at most this height.
pub const LEAD_HEIGHT: u32 = 720;
/// The lead tile is scaled to at least this height, so that it stays the largest tile even
/// when the picture is small.
pub const LEAD_MIN_HEIGHT: u32 = 2 * TILE_HEIGHT;
/// The sheet is at least this wide, so that the small tiles fill rows beside each other.
const SHEET_WIDTH: u32 = 1000;
const GAP: u32 = 8;
/// The label scale: 16-pixel glyphs.
const SCALE: u32 = 2;
const UNDECODABLE_FILL: Rgb<u8> = Rgb([48, 20, 20]);

/// What a tile shows.
#[derive(Debug, Clone)]
pub enum TileContent {
    /// A picture.
    Picture(DynamicImage),
    /// A picture that did not decode: why.
    Undecodable(String),
}

/// One tile: its label (`selfie`, `video 1.25 s`) and what it shows.
#[derive(Debug, Clone)]
pub struct Tile {
    /// The label above the tile.
    pub label: String,
    /// The picture, or why there is none.
    pub content: TileContent,
}

impl Tile {
    /// A tile of a picture.
    pub fn picture(label: impl Into<String>, image: DynamicImage) -> Tile {
        Tile {
            label: label.into(),
            content: TileContent::Picture(image),
        }
    }

    /// A tile of a picture that did not decode.
    pub fn undecodable(label: impl Into<String>, why: impl Into<String>) -> Tile {
        Tile {
            label: label.into(),
            content: TileContent::Undecodable(why.into()),
        }
    }
}

fn label_height() -> u32 {
    (GLYPH + 4) * SCALE
}

/// The sheet: `lead` (when given) on the first row between [`LEAD_MIN_HEIGHT`] and [`LEAD_HEIGHT`], then `tiles` (at
/// most [`MAX_TILES`]) in rows at [`TILE_HEIGHT`], each labelled above.
pub fn contact_sheet(lead: Option<&Tile>, tiles: &[Tile]) -> RgbImage {
    let lead = lead.map(|tile| (tile.label.as_str(), render(tile, LEAD_HEIGHT, true)));
    let small: Vec<(&str, RgbImage)> = tiles
        .iter()
        .take(MAX_TILES)
        .map(|tile| (tile.label.as_str(), render(tile, TILE_HEIGHT, false)))
        .collect();
    if lead.is_none() && small.is_empty() {
        let mut canvas = RgbImage::from_pixel(MIN_CANVAS_WIDTH, 40, BACKGROUND);
        text(&mut canvas, 8, 12, SCALE, DIM, "no images");
        return canvas;
    }
    let width = lead
        .iter()
        .chain(&small)
        .map(|(_, tile)| tile.width() + 2 * GAP)
        .max()
        .unwrap_or(0)
        .max(SHEET_WIDTH);
    let mut placed: Vec<(i64, i64, &str, &RgbImage)> = Vec::new();
    let mut y = GAP;
    if let Some((label, tile)) = &lead {
        placed.push((i64::from(GAP), i64::from(y), *label, tile));
        y += label_height() + tile.height() + GAP;
    }
    let mut x = GAP;
    let row = label_height() + TILE_HEIGHT + GAP;
    for (label, tile) in &small {
        if x > GAP && x + tile.width() + GAP > width {
            x = GAP;
            y += row;
        }
        placed.push((i64::from(x), i64::from(y), *label, tile));
        x += tile.width() + GAP;
    }
    if !small.is_empty() {
        y += row;
    }
    let mut canvas = RgbImage::from_pixel(width, y, BACKGROUND);
    for (x, y, label, tile) in placed {
        let chars = (tile.width() / (GLYPH * SCALE)).max(1) as usize;
        text(&mut canvas, x, y, SCALE, TEXT, &fit(label, chars));
        imageops::replace(&mut canvas, tile, x, y + i64::from(label_height()));
    }
    canvas
}

/// A tile at `height` (the lead: at most `height`, never enlarged); extreme aspect ratios are
/// squeezed to four times the height.
fn render(tile: &Tile, height: u32, lead: bool) -> RgbImage {
    match &tile.content {
        TileContent::Picture(image) => {
            let height = if lead {
                image.height().clamp(LEAD_MIN_HEIGHT.min(height), height)
            } else {
                height
            };
            let (w, h) = (u64::from(image.width()), u64::from(image.height().max(1)));
            let width = (w * u64::from(height) + h / 2) / h;
            let width = u32::try_from(width.clamp(1, u64::from(4 * height))).unwrap_or(height);
            image
                .resize_exact(width, height, FilterType::Triangle)
                .to_rgb8()
        }
        TileContent::Undecodable(why) => undecodable(why, height.min(TILE_HEIGHT)),
    }
}

/// A square saying that the picture does not decode, and why (wrapped, cut to fit).
fn undecodable(why: &str, side: u32) -> RgbImage {
    let mut tile = RgbImage::from_pixel(side, side, UNDECODABLE_FILL);
    let stroke = Stroke {
        colour: MISSING,
        thickness: 3,
        dash: None,
    };
    let last = i64::from(side) - 1;
    horizontal(&mut tile, 0, last, 0, stroke);
    horizontal(&mut tile, 0, last, last - 2, stroke);
    vertical(&mut tile, 0, 0, last, stroke);
    vertical(&mut tile, last - 2, 0, last, stroke);
    let line = i64::from((GLYPH + 4) * SCALE);
    let chars = ((side - 16) / (GLYPH * SCALE)).max(1) as usize;
    text(&mut tile, 8, 10, SCALE, MISSING, "DOES NOT");
    text(&mut tile, 8, 10 + line, SCALE, MISSING, "DECODE");
    let mut y = 10 + 3 * line;
    for piece in wrap(why, chars) {
        if y + line > i64::from(side) - 8 {
            break;
        }
        text(&mut tile, 8, y, SCALE, TEXT, &piece);
        y += line;
    }
    tile
}

/// Words of `text` in lines of at most `chars` characters (a longer word is cut).
fn wrap(text: &str, chars: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let word = fit(word, chars);
        if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > chars {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(&word);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_lines_within_the_width() {
        let lines = wrap(
            "invalid JPEG marker 0xD9 at offset 12345678901234567890",
            12,
        );
        assert!(lines.iter().all(|l| l.chars().count() <= 12), "{lines:?}");
        assert_eq!(lines[0], "invalid JPEG");
    }
}
