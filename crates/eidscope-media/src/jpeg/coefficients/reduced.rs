//! The picture at 1/8 or 1/4 scale, made from the coefficients the scan walk decodes anyway,
//! pixel for pixel as libjpeg-turbo's scaled decode makes it, so that the hashes computed from
//! it are the same as from libjpeg's own decode and the JPEG's entropy-coded data is decoded
//! once, not twice (once here for the double-compression analysis, once in libjpeg).
//!
//! What libjpeg-turbo does at these scales, and what is reproduced here (`jdmaster.c`,
//! `jidctred.c`, `jdsample.c`, `jdcolor.c`; the tests compare with the libjpeg-turbo the build
//! links, 2.1.5 on Debian 12):
//! - each component is scaled in its inverse DCT, chroma subsampled 2x2 at twice the luma's
//!   size so that no upsampling is needed: at 1/8 the luma's block becomes one sample
//!   (`jpeg_idct_1x1`: the dequantised DC over 8, rounded) and a 4:2:0 chroma block 2x2
//!   samples (`jpeg_idct_2x2`, five rows and columns of coefficients); at 1/4, 4:4:4 and grey
//!   only, every block 2x2;
//! - 4:2:2 chroma at 1/8 stays one sample per block and is doubled sideways (no "fancy"
//!   upsampling below 2/8);
//! - YCbCr to RGB through libjpeg's fixed-point tables (16 fraction bits);
//! - samples outside 0..=255 go through libjpeg's range-limit table (`IDCT_range_limit`), which
//!   wraps far-out values; libjpeg-turbo's SSE2 2x2 IDCT saturates instead, so where the two
//!   would differ (coefficients no encoder writes) the picture is not offered and libjpeg's
//!   own decode is used. Other SIMD versions (NEON) are not modelled: outside x86-64 only the
//!   1/8 scale of grey, 4:4:4 and 4:2:2 pictures (no 2x2 IDCT) is reproduced. Quantisation
//!   steps over 32,767 (16-bit tables no encoder writes) are left to libjpeg too: its builds
//!   with and without SIMD hold them differently.
//!
//! Anything else (4:1:1, 4:4:0, four components, other scales) is not reproduced:
//! [`Reducer::new`] says why, and the caller decodes with libjpeg.

use super::headers::Headers;
use image::RgbImage;

/// How the components make the RGB picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    Grey,
    /// Every component at the luma's size once scaled (4:4:4, or 4:2:0 at 1/8).
    Full,
    /// Chroma at half the luma's width (4:2:2 at 1/8): each chroma sample serves two columns.
    HalfWidth,
}

/// One component's scaled samples.
struct Plane {
    samples: Vec<u8>,
    /// Samples per row.
    width: usize,
    /// Samples per block side: 1 or 2.
    side: usize,
    /// The dequantisation table as libjpeg's islow tables hold it (16-bit), natural order.
    table: [i16; 64],
}

/// Receives the decoded blocks and makes the reduced picture.
pub(super) struct Reducer {
    planes: Vec<Plane>,
    layout: Layout,
    /// The output size, pixels.
    width: usize,
    height: usize,
}

impl Reducer {
    /// The reducer for a scan whose every component has `blocks[i]` = (columns, rows) of
    /// blocks, at `eighths` of the full size; or why libjpeg's decode is not reproduced.
    pub(super) fn new(
        headers: &Headers,
        eighths: usize,
        blocks: &[(usize, usize)],
    ) -> Result<Reducer, &'static str> {
        if let Some(reason) = headers.inexact {
            return Err(reason);
        }
        let components = &headers.components;
        let sampling: Vec<(usize, usize)> = components.iter().map(|c| (c.h, c.v)).collect();
        let chroma_whole = sampling.iter().skip(1).all(|&s| s == (1, 1));
        let (layout, chroma_side) = match (components.len(), sampling[0], eighths) {
            (1, _, 1 | 2) => (Layout::Grey, eighths),
            (3, (1, 1), 1 | 2) if chroma_whole => (Layout::Full, eighths),
            (3, (2, 2), 1) if chroma_whole => (Layout::Full, 2),
            (3, (2, 1), 1) if chroma_whole => (Layout::HalfWidth, 1),
            _ => return Err("a sampling or scale libjpeg's decode is not reproduced at"),
        };
        if components.len() == 3 && !headers.jfif && components.iter().map(|c| c.id).eq(*b"RGB") {
            return Err("an RGB JPEG (libjpeg converts no colour)");
        }
        for component in &headers.scan {
            let (dc, ac) = (
                &headers.dc_tables[component.dc],
                &headers.ac_tables[component.ac],
            );
            if dc
                .as_deref()
                .is_some_and(|t| t.largest_symbol() > 15 || t.libjpeg_refuses())
                || ac.as_deref().is_some_and(|t| t.libjpeg_refuses())
            {
                return Err("a Huffman table libjpeg refuses");
            }
        }
        if (eighths > 1 || chroma_side > 1) && !cfg!(target_arch = "x86_64") {
            // The 2x2 IDCT's SIMD versions elsewhere (NEON, ...) are not modelled here.
            return Err("a 2x2 inverse DCT outside x86-64");
        }
        let mut planes = Vec::with_capacity(components.len());
        for (index, component) in components.iter().enumerate() {
            let quant = headers
                .quant_tables
                .get(component.table)
                .copied()
                .flatten()
                .ok_or("a missing quantisation table")?;
            // libjpeg-turbo keeps the islow multipliers in 16 bits when built with SIMD and in
            // an int without: the two agree only up to 32,767 (no encoder writes more).
            if quant.iter().any(|&q| q > 32_767) {
                return Err("a quantisation step over 32,767");
            }
            let side = if index == 0 { eighths } else { chroma_side };
            let (columns, rows) = blocks[index];
            planes.push(Plane {
                samples: vec![0; columns * side * rows * side],
                width: columns * side,
                side,
                table: quant.map(|q| q as i16),
            });
        }
        Ok(Reducer {
            planes,
            layout,
            width: (headers.width * eighths).div_ceil(8),
            height: (headers.height * eighths).div_ceil(8),
        })
    }

    /// Scales one decoded block (`zigzag`, libjpeg's coefficients in zigzag order) of
    /// component `index` at block `column`, `row` into its plane. Returns `false` where
    /// libjpeg-turbo's builds could disagree on the samples.
    pub(super) fn put(
        &mut self,
        index: usize,
        column: usize,
        row: usize,
        zigzag: &[i16; 64],
    ) -> bool {
        let Some(plane) = self.planes.get_mut(index) else {
            return false;
        };
        let (x, y) = (column * plane.side, row * plane.side);
        if plane.side == 1 {
            let at = y * plane.width + x;
            if let Some(sample) = plane.samples.get_mut(at) {
                *sample = idct_1x1(zigzag[0], plane.table[0]);
            }
            return true;
        }
        let coefficient = |natural: usize| zigzag[usize::from(ZIGZAG_OF[natural])];
        let c = idct_2x2_c(&coefficient, &plane.table);
        if c != idct_2x2_sse2(&coefficient, &plane.table) {
            return false;
        }
        for (dy, pair) in c.chunks_exact(2).enumerate() {
            let at = (y + dy) * plane.width + x;
            if let Some(out) = plane.samples.get_mut(at..at + 2) {
                out.copy_from_slice(pair);
            }
        }
        true
    }

    /// The RGB picture, cut to libjpeg's output size (`ceil(size × eighths / 8)`). `None`
    /// cannot happen (the planes cover the output by construction) but is not assumed away.
    pub(super) fn into_rgb(self) -> Option<RgbImage> {
        let (width, height) = (self.width, self.height);
        let mut rgb = Vec::with_capacity(width * height * 3);
        let last = self.planes.len().checked_sub(1)?;
        let plane = |i: usize| &self.planes[i.min(last)];
        let (luma, cb, cr) = (plane(0), plane(1), plane(2));
        let chroma_width = match self.layout {
            Layout::HalfWidth => width.div_ceil(2),
            Layout::Grey | Layout::Full => width,
        };
        for y in 0..height {
            fn row(p: &Plane, y: usize, n: usize) -> Option<&[u8]> {
                p.samples.get(y * p.width..y * p.width + n)
            }
            let (l, b, r) = (
                row(luma, y, width)?,
                row(cb, y, chroma_width)?,
                row(cr, y, chroma_width)?,
            );
            for x in 0..width {
                match self.layout {
                    Layout::Grey => rgb.extend_from_slice(&[l[x]; 3]),
                    Layout::Full => rgb.extend_from_slice(&ycc_to_rgb(l[x], b[x], r[x])),
                    Layout::HalfWidth => {
                        rgb.extend_from_slice(&ycc_to_rgb(l[x], b[x / 2], r[x / 2]));
                    }
                }
            }
        }
        RgbImage::from_raw(u32::try_from(width).ok()?, u32::try_from(height).ok()?, rgb)
    }
}

/// `ZIGZAG_OF[n]`: the zigzag index of the coefficient at row-major position `n`.
const ZIGZAG_OF: [u8; 64] = {
    let mut inverse = [0u8; 64];
    let mut k = 0;
    while k < 64 {
        inverse[crate::jpeg::NATURAL_ORDER[k] as usize] = k as u8;
        k += 1;
    }
    inverse
};

/// libjpeg's `IDCT_range_limit[x & RANGE_MASK]`: `x + 128` for `x` in -128..=127, 255 for
/// 128..=511, 0 for -512..=-129, and so on with a period of 1,024 (the table's size) beyond.
fn range_limit(x: i32) -> u8 {
    match x & 0x3FF {
        t @ 0..=127 => (t + 128) as u8,
        128..=511 => 255,
        512..=895 => 0,
        t => (t - 896) as u8,
    }
}

/// libjpeg's `DESCALE(x, n)`: `x / 2^n` rounded, half up.
fn descale(x: i64, n: u32) -> i64 {
    (x + (1 << (n - 1))) >> n
}

/// `jpeg_idct_1x1`: the block's mean sample, from its DC alone.
fn idct_1x1(dc: i16, quant: i16) -> u8 {
    let dequantised = i32::from(dc) * i32::from(quant);
    range_limit(descale(i64::from(dequantised), 3) as i32)
}

/// `jidctred.c`'s constants for the 2x2 IDCT (13 fraction bits).
const FIX_0_720959822: i64 = 5906;
const FIX_0_850430095: i64 = 6967;
const FIX_1_272758580: i64 = 10426;
const FIX_3_624509785: i64 = 29692;
/// The five rows and columns the 2x2 IDCT reads.
const ODD_AND_DC: [usize; 5] = [0, 1, 3, 5, 7];

/// `jpeg_idct_2x2` as libjpeg's C code computes it (64-bit intermediate sums), the samples row
/// after row.
fn idct_2x2_c(coefficient: &dyn Fn(usize) -> i16, table: &[i16; 64]) -> [u8; 4] {
    let dq = |r: usize, c: usize| {
        i64::from(i32::from(coefficient(r * 8 + c)) * i32::from(table[r * 8 + c]))
    };
    // Pass 1: the columns, into two rows of a workspace (2 fraction bits).
    let mut workspace = [[0i32; 8]; 2];
    for c in ODD_AND_DC {
        let even = dq(0, c) << 15;
        let odd = dq(7, c) * -FIX_0_720959822
            + dq(5, c) * FIX_0_850430095
            + dq(3, c) * -FIX_1_272758580
            + dq(1, c) * FIX_3_624509785;
        workspace[0][c] = descale(even + odd, 13) as i32;
        workspace[1][c] = descale(even - odd, 13) as i32;
    }
    // Pass 2: the two rows.
    let mut out = [0u8; 4];
    for (r, w) in workspace.iter().enumerate() {
        let w = |c: usize| i64::from(w[c]);
        let even = w(0) << 15;
        let odd = w(7) * -FIX_0_720959822
            + w(5) * FIX_0_850430095
            + w(3) * -FIX_1_272758580
            + w(1) * FIX_3_624509785;
        out[2 * r] = range_limit(descale(even + odd, 20) as i32);
        out[2 * r + 1] = range_limit(descale(even - odd, 20) as i32);
    }
    out
}

/// `jsimd_idct_2x2_sse2` (libjpeg-turbo's x86-64 build): the same sums in 16-bit products and
/// 32-bit lanes, the workspace saturated to 16 bits between the passes, the output saturated
/// to -128..=127 before the centre is added.
fn idct_2x2_sse2(coefficient: &dyn Fn(usize) -> i16, table: &[i16; 64]) -> [u8; 4] {
    let dq = |r: usize, c: usize| i32::from(coefficient(r * 8 + c).wrapping_mul(table[r * 8 + c]));
    let odd = |w1: i32, w3: i32, w5: i32, w7: i32| {
        (w1 * FIX_3_624509785 as i32 + w3 * -FIX_1_272758580 as i32)
            .wrapping_add(w5 * FIX_0_850430095 as i32 + w7 * -FIX_0_720959822 as i32)
    };
    let mut workspace = [[0i32; 8]; 2];
    for c in ODD_AND_DC {
        let even = dq(0, c) << 15;
        let odd = odd(dq(1, c), dq(3, c), dq(5, c), dq(7, c));
        workspace[0][c] = even.wrapping_add(odd).wrapping_add(1 << 12) >> 13;
        workspace[1][c] = even.wrapping_sub(odd).wrapping_add(1 << 12) >> 13;
    }
    let saturate16 = |x: i32| x.clamp(i32::from(i16::MIN), i32::from(i16::MAX));
    let mut out = [0u8; 4];
    for (r, w) in workspace.iter().enumerate() {
        let even = w[0].wrapping_shl(15);
        let odd = odd(
            saturate16(w[1]),
            saturate16(w[3]),
            saturate16(w[5]),
            saturate16(w[7]),
        );
        let sample = |x: i32| (x.wrapping_add(1 << 19) >> 20).clamp(-128, 127) + 128;
        out[2 * r] = sample(even.wrapping_add(odd)) as u8;
        out[2 * r + 1] = sample(even.wrapping_sub(odd)) as u8;
    }
    out
}

/// libjpeg's YCbCr to RGB (`jdcolor.c`, `build_ycc_rgb_table`: `FIX(x) = x × 2^16 + 0.5`,
/// rounded to nearest for R and B, one half added before the shift for G).
fn ycc_to_rgb(y: u8, cb: u8, cr: u8) -> [u8; 3] {
    const ONE_HALF: i64 = 1 << 15;
    let (y, cb, cr) = (i64::from(y), i64::from(cb) - 128, i64::from(cr) - 128);
    let clamp = |v: i64| v.clamp(0, 255) as u8;
    let red = y + ((91_881 * cr + ONE_HALF) >> 16);
    let green = y + ((-22_554 * cb + ONE_HALF - 46_802 * cr) >> 16);
    let blue = y + ((116_130 * cb + ONE_HALF) >> 16);
    [clamp(red), clamp(green), clamp(blue)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_colour_constants_are_libjpegs_fix_of_its_factors() {
        let fix = |x: f64| (x * 65536.0 + 0.5) as i64;
        assert_eq!(
            [fix(1.402), fix(0.34414), fix(0.71414), fix(1.772)],
            [91_881, 22_554, 46_802, 116_130]
        );
        let fix13 = |x: f64| (x * 8192.0 + 0.5) as i64;
        assert_eq!(
            [
                fix13(0.720959822),
                fix13(0.850430095),
                fix13(1.272758580),
                fix13(3.624509785)
            ],
            [
                FIX_0_720959822,
                FIX_0_850430095,
                FIX_1_272758580,
                FIX_3_624509785
            ]
        );
    }

    #[test]
    fn the_range_limit_is_libjpegs_table() {
        assert_eq!(range_limit(0), 128);
        assert_eq!(range_limit(-128), 0);
        assert_eq!(range_limit(127), 255);
        assert_eq!(range_limit(511), 255);
        assert_eq!(range_limit(-512), 0);
        // Far out, libjpeg's mask wraps: 640 falls in the zeros, -1000 & 1023 = 24.
        assert_eq!(range_limit(640), 0);
        assert_eq!(range_limit(-513), 255);
        assert_eq!(range_limit(-1000), 152);
    }

    #[test]
    fn the_c_and_sse2_2x2_agree_on_an_encoders_coefficients_and_not_far_out() {
        let table = [2i16; 64];
        let mut block = [0i16; 64];
        block[0] = 40;
        block[1] = -7;
        block[8] = 5;
        block[27] = 3;
        let coefficient = |n: usize| block[n];
        assert_eq!(
            idct_2x2_c(&coefficient, &table),
            idct_2x2_sse2(&coefficient, &table)
        );
        let far = [30_000i16; 64];
        let coefficient = |n: usize| far[n];
        assert_ne!(
            idct_2x2_c(&coefficient, &table),
            idct_2x2_sse2(&coefficient, &table)
        );
    }
}
