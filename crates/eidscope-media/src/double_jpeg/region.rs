//! Where in a JPEG the double-compression evidence lies: a map of the per-block likelihood
//! that each 8x8 block was quantised twice, and the compact part of the picture that tells
//! another history than the rest.
//!
//! The map is the aligned double JPEG (A-DJPG) map of Lin et al. (2009) and Bianchi & Piva
//! (2012), in the form of a likelihood ratio: at the picture's best first quality `q1` and its
//! last table `q2`, a coefficient of absolute value `k` at a judged frequency is `reach(k) ·
//! q1 / q2` times likelier under two compressions than under one (`reach(k)`: how many values
//! of the first quantisation land on `k`; `q2 / q1` is its mean, so the ratio averages 1).
//! Values that two compressions never produce weigh [`EMPTY_BIN_RATIO`] (the rounding of the
//! pixels between the saves fills the empty bins a little). Values 0 and 1 are not judged:
//! a flat block holds nothing else, and its blocks would read as compressed twice at every
//! candidate whose first step keeps 1.
//!
//! Blocks are grouped in tiles of [`TILE`]x[`TILE`] blocks; each tile is judged on the window
//! of 3x3 tiles around it, and only when the window holds at least [`MIN_JUDGED`] judged
//! coefficients (a flat sky says nothing either way). A tile whose window says the other
//! history than the picture as a whole, by at least [`MIN_SCORE`] per block, is *apart*. The
//! picture as a whole is compressed twice when its global fit reaches [`PICTURE_DOUBLE_FIT`]
//! (then the region sought is a part compressed once: a photo pasted or text rewritten
//! between the two saves), else once (then the region sought is a part compressed twice).
//! The largest 4-connected set of apart tiles is the region when it covers at least
//! [`MIN_TILES`] tiles and at most [`MAX_SHARE`] of the judged tiles, fills at least
//! [`MIN_FILL`] of its box, and its blocks' mean score differs from the rest's by at least
//! [`MIN_CONTRAST`]. The thresholds come from the labelled set of
//! `crates/eidscope-analysis/tests/image_forensics` (docs/image-forensics.md).
//!
//! It never decides a finding: it reports the box, what the blocks inside say and the scores.

use super::{BINS, POSITIONS, multiplicities};
use crate::jpeg::coefficients::LumaCoefficients;
use crate::jpeg::{NATURAL_ORDER, standard_luma_table};
use eidscope_model::BoundingBox;
use eidscope_model::media::{CompressionHistory, DoubleCompressionRegion};

/// The least global fit (`DoubleCompression::fit`) at which the picture as a whole is taken
/// to be compressed twice, and the region sought is a part compressed once; below it the
/// picture is taken to be compressed once, and the region sought is a part compressed twice.
/// The pasted pages of the labelled set whose region was found fit 0.75 and more; halfway
/// keeps the rule clear of a fit of chance.
pub const PICTURE_DOUBLE_FIT: f64 = 0.5;
/// The likelihood ratio of a value that two compressions never produce.
pub const EMPTY_BIN_RATIO: f64 = 0.1;
/// Blocks per tile side.
pub const TILE: usize = 2;
/// The least judged coefficients in a tile's window for the tile to be judged.
pub const MIN_JUDGED: u32 = 24;
/// The least mean log-likelihood ratio per block, against the picture's history, that sets a
/// tile apart.
pub const MIN_SCORE: f64 = 0.5;
/// The least tiles of a region (of 2x2 blocks: 16x16 pixels each).
pub const MIN_TILES: usize = 12;
/// The largest share of the judged tiles a region may cover: beyond it, the "rest" is no
/// longer the picture.
pub const MAX_SHARE: f64 = 0.5;
/// The least share of its box a region's tiles fill.
pub const MIN_FILL: f64 = 0.5;
/// The least difference between the mean block scores outside and inside the box (in the
/// direction the region says). Photos pasted between two saves differ by 4.4 and more on the
/// labelled set; the one picture saved twice that got a box differed by 0.3.
pub const MIN_CONTRAST: f64 = 2.0;

/// Each block's log-likelihood ratio (twice at `first_quality` against once) and how many of
/// its coefficients were judged.
fn block_scores(grid: &LumaCoefficients, last: &[u16; 64], first_quality: u8) -> Vec<(f64, u32)> {
    let first = standard_luma_table(u32::from(first_quality));
    // ln(ratio) for each judged frequency and value; None where the frequency says nothing.
    let ratios: Vec<Option<[f64; BINS]>> = (1..=POSITIONS)
        .map(|zigzag| {
            let natural = usize::from(NATURAL_ORDER[zigzag]);
            let (q1, q2) = (u64::from(first[natural]), u64::from(last[natural]));
            (q1 != q2 && q2 != 0).then(|| {
                let reach = multiplicities(q1, q2);
                let scale = q1 as f64 / q2 as f64;
                reach.map(|n| {
                    if n == 0 {
                        EMPTY_BIN_RATIO.ln()
                    } else {
                        (n as f64 * scale).ln()
                    }
                })
            })
        })
        .collect();
    grid.blocks
        .iter()
        .map(|block| {
            let mut score = (0.0, 0u32);
            for (zigzag, ratio) in (1..=POSITIONS).zip(&ratios) {
                let Some(ratio) = ratio else { continue };
                let value = usize::from(block[zigzag].unsigned_abs());
                if let Some(&r) = ratio.get(value).filter(|_| value >= 2) {
                    score = (score.0 + r, score.1 + 1);
                }
            }
            score
        })
        .collect()
}

/// The region of a picture whose blocks disagree with the rest, at its best first quality
/// (see the module doc). `None` when every part tells the same history, or too little.
pub fn region(
    grid: &LumaCoefficients,
    last: &[u16; 64],
    first_quality: u8,
    fit: f64,
) -> Option<DoubleCompressionRegion> {
    let scores = block_scores(grid, last, first_quality);
    let (columns, rows) = (grid.columns.div_ceil(TILE), grid.rows.div_ceil(TILE));
    // Sum the blocks of each tile.
    let mut tiles = vec![(0.0, 0u32, 0u32); columns * rows];
    for (i, (score, judged)) in scores.iter().enumerate() {
        let tile = &mut tiles[(i / grid.columns / TILE) * columns + (i % grid.columns) / TILE];
        *tile = (tile.0 + score, tile.1 + judged, tile.2 + 1);
    }
    // The window of 3x3 tiles around each tile: its score per block, if it is judged.
    let window = |column: usize, row: usize| -> Option<f64> {
        let (mut score, mut judged, mut blocks) = (0.0, 0, 0);
        for r in row.saturating_sub(1)..(row + 2).min(rows) {
            for c in column.saturating_sub(1)..(column + 2).min(columns) {
                let (s, j, b) = tiles[r * columns + c];
                (score, judged, blocks) = (score + s, judged + j, blocks + b);
            }
        }
        (judged >= MIN_JUDGED).then(|| score / f64::from(blocks.max(1)))
    };
    let windows: Vec<Option<f64>> = (0..rows * columns)
        .map(|i| window(i % columns, i / columns))
        .collect();
    // What the picture as a whole says; the region is the part that says the other.
    let (history, sign) = if fit >= PICTURE_DOUBLE_FIT {
        (CompressionHistory::Double, 1.0)
    } else {
        (CompressionHistory::Single, -1.0)
    };
    let apart: Vec<bool> = windows
        .iter()
        .map(|w| w.is_some_and(|w| -sign * w >= MIN_SCORE))
        .collect();
    let judged_tiles = windows.iter().filter(|w| w.is_some()).count();
    let component = largest_component(&apart, columns)?;
    let (c0, r0, c1, r1) = component.bounds;
    let box_tiles = (c1 - c0 + 1) * (r1 - r0 + 1);
    if component.tiles < MIN_TILES
        || component.tiles as f64 > MAX_SHARE * judged_tiles as f64
        || (component.tiles as f64) < MIN_FILL * box_tiles as f64
    {
        return None;
    }
    let side = TILE * 8;
    let (x0, y0) = (c0 * side, r0 * side);
    let x1 = ((c1 + 1) * side).min(grid.width as usize);
    let y1 = ((r1 + 1) * side).min(grid.height as usize);
    let within = |i: usize| {
        let (column, row) = ((i % grid.columns) / TILE, (i / grid.columns) / TILE);
        (c0..=c1).contains(&column) && (r0..=r1).contains(&row)
    };
    let mean = |inside: bool| {
        let (sum, n) = scores
            .iter()
            .enumerate()
            .filter(|(i, s)| within(*i) == inside && s.1 > 0)
            .fold((0.0, 0u32), |(sum, n), (_, s)| (sum + s.0, n + 1));
        rounded(sum / f64::from(n.max(1)))
    };
    let (score_inside, score_outside) = (mean(true), mean(false));
    if sign * (score_outside - score_inside) < MIN_CONTRAST {
        return None;
    }
    Some(DoubleCompressionRegion {
        bbox: BoundingBox {
            x: x0 as i64,
            y: y0 as i64,
            width: x1.saturating_sub(x0) as i64,
            height: y1.saturating_sub(y0) as i64,
        },
        inside: match history {
            CompressionHistory::Double => CompressionHistory::Single,
            CompressionHistory::Single => CompressionHistory::Double,
        },
        score_inside,
        score_outside,
    })
}

/// Four decimals: what `inspect --json` and the tables both show.
pub(crate) fn rounded(value: f64) -> f64 {
    (value * 1e4).round() / 1e4
}

struct Component {
    tiles: usize,
    /// Columns and rows of its first and last tiles: (c0, r0, c1, r1).
    bounds: (usize, usize, usize, usize),
}

/// The largest 4-connected set of `true` cells of a grid `columns` wide.
fn largest_component(cells: &[bool], columns: usize) -> Option<Component> {
    let mut seen = vec![false; cells.len()];
    let mut best: Option<Component> = None;
    for start in 0..cells.len() {
        if !cells[start] || seen[start] {
            continue;
        }
        seen[start] = true;
        let mut stack = vec![start];
        let mut component = Component {
            tiles: 0,
            bounds: (usize::MAX, usize::MAX, 0, 0),
        };
        while let Some(i) = stack.pop() {
            let (c, r) = (i % columns, i / columns);
            component.tiles += 1;
            let b = &mut component.bounds;
            *b = (b.0.min(c), b.1.min(r), b.2.max(c), b.3.max(r));
            let neighbours = [
                (c > 0).then(|| i - 1),
                (c + 1 < columns).then(|| i + 1),
                i.checked_sub(columns),
                Some(i + columns).filter(|&n| n < cells.len()),
            ];
            for n in neighbours.into_iter().flatten() {
                if cells[n] && !seen[n] {
                    seen[n] = true;
                    stack.push(n);
                }
            }
        }
        if best.as_ref().is_none_or(|b| component.tiles > b.tiles) {
            best = Some(component);
        }
    }
    best
}
