//! The small grey picture both perceptual hashes are computed from, made as cheaply as the JPEG
//! allows: libjpeg-turbo decodes at the smallest DCT scale (1/8 to 8/8) that still gives at
//! least [`PREVIEW_SIDE`] pixels on the long side, so a 640 x 450 document costs an entropy
//! decode and one coefficient per block (80 x 57 pixels) instead of 288,000 RGB pixels. The
//! grey is the same as before (the RGB decode's Rec. 709 luma, not the JPEG's own Y plane),
//! and a preview longer than [`MAX_PREVIEW_SIDE`] is box-filtered down to it, so the hashes'
//! own resizing (Lanczos, to 9x8 and 16x16) stays cheap. How far the hashes lie from those of
//! a full decode is measured by `cargo run -p eidscope-benches --example hash_drift` (see
//! docs/scaling.md).
//!
//! The entropy-coded data is still read in full (every block of every component is Huffman
//! decoded; only the inverse DCT is reduced), and libjpeg's warnings about it ("Corrupt JPEG
//! data: found marker 0xd9 instead of RST4", "Premature end of JPEG file", ...) are returned.
//! Anything but a clean libjpeg decode (a warning, a fatal error, a size over the limits, a
//! colour space libjpeg cannot turn into grey) is not judged here: [`jpeg_preview`] says so and
//! the caller falls back to the full decode of [`crate::decode`], which keeps its verdict.
//!
//! Never a panic: libjpeg reports failures as values through TurboJPEG, and no buffer is
//! allocated before the frame size is checked against [`DecodeLimits`].
//!
//! Most JPEGs never reach libjpeg: the coefficient reader, which walks the scan anyway for the
//! double-compression analysis, makes libjpeg's 1/8 (or 1/4) picture itself, pixel for pixel
//! ([`crate::jpeg::coefficients::reduced`]), and [`reduced_preview`] turns it into the same
//! preview. libjpeg decodes only what the reader does not reproduce (another scale or
//! sampling, progressive files, anything libjpeg might warn about).

use crate::decode::DecodeLimits;
use image::{DynamicImage, GrayImage, RgbImage};
use std::cell::RefCell;
use turbojpeg::{Decompressor, Image, PixelFormat, Subsamp};

/// A JPEG is decoded at the smallest DCT scale giving at least this many pixels on its long
/// side: the hashes only look at a 9x8 or 16x16 thumbnail of it.
pub const PREVIEW_SIDE: u32 = 64;

/// A preview longer than this (a large picture even at 1/8 scale, or a full decode) is
/// box-filtered down to this many pixels on its long side.
pub const MAX_PREVIEW_SIDE: u32 = 2 * PREVIEW_SIDE;

/// A grey preview of a JPEG, from a clean reduced-scale decode.
#[derive(Debug, Clone)]
pub struct Preview {
    /// The grey picture, at most [`MAX_PREVIEW_SIDE`] pixels a side.
    pub grey: GrayImage,
    /// The full width of the picture, pixels.
    pub width: u32,
    /// The full height of the picture, pixels.
    pub height: u32,
}

/// Why no clean preview came out of libjpeg: the caller decodes in full instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoPreview {
    /// libjpeg decoded the picture but warned: the data is damaged (the message, as libjpeg
    /// words it).
    Warning(String),
    /// libjpeg could not decode it, or not to grey, or the frame is over the limits.
    Failed(String),
}

thread_local! {
    /// One TurboJPEG instance per thread, reused for every picture the thread decodes.
    static DECOMPRESSOR: RefCell<Option<Decompressor>> = const { RefCell::new(None) };
}

/// Decodes a JPEG at reduced scale into a grey preview of at most [`MAX_PREVIEW_SIDE`] pixels
/// a side.
pub fn jpeg_preview(bytes: &[u8], limits: DecodeLimits) -> Result<Preview, NoPreview> {
    DECOMPRESSOR.with(|cell| {
        let mut slot = cell.borrow_mut();
        let decompressor = match slot.as_mut() {
            Some(d) => d,
            None => slot.insert(Decompressor::new().map_err(failed)?),
        };
        let header = decompressor.read_header(bytes).map_err(classify)?;
        let (width, height) = (header.width, header.height);
        let planes = if header.subsamp == Subsamp::Gray {
            1
        } else {
            3
        };
        let (Ok(w), Ok(h)) = (u32::try_from(width), u32::try_from(height)) else {
            return Err(NoPreview::Failed(format!("frame {width}x{height}")));
        };
        let Some(eighths) = preview_eighths(w, h, planes, limits) else {
            return Err(NoPreview::Failed(format!("frame {width}x{height}")));
        };
        let (scaled_width, scaled_height) = (
            (width * eighths).div_ceil(8),
            (height * eighths).div_ceil(8),
        );
        let mut rgb = RgbImage::new(to_u32(scaled_width)?, to_u32(scaled_height)?);
        let output = Image {
            pixels: &mut *rgb,
            width: scaled_width,
            pitch: 3 * scaled_width,
            height: scaled_height,
            format: PixelFormat::RGB,
        };
        // TurboJPEG picks the largest DCT scale whose output fits the size asked for: ours.
        decompressor.decompress(bytes, output).map_err(classify)?;
        Ok(Preview {
            grey: preview_of(&DynamicImage::ImageRgb8(rgb)),
            width: w,
            height: h,
        })
    })
}

/// The scale, in eighths, a JPEG of this frame (with `planes` components) is previewed at; `None`
/// over the limits (such a frame is not decoded at reduced scale at all: libjpeg holds the
/// coefficients of a whole progressive picture, two bytes each).
pub fn preview_eighths(
    width: u32,
    height: u32,
    planes: usize,
    limits: DecodeLimits,
) -> Option<usize> {
    let side = width.max(height);
    let coefficients = u64::from(width) * u64::from(height) * 2 * planes as u64;
    (width > 0 && height > 0 && side <= limits.max_side && coefficients <= limits.max_alloc)
        .then(|| scale_eighths(side as usize))
}

/// The preview of the picture the coefficient reader reduced (at [`preview_eighths`]): the
/// same as [`jpeg_preview`] gives for the same pixels.
pub fn reduced_preview(reduced: RgbImage, width: u32, height: u32) -> Preview {
    Preview {
        grey: preview_of(&DynamicImage::ImageRgb8(reduced)),
        width,
        height,
    }
}

/// The grey preview of a decoded picture: box-filtered down to [`MAX_PREVIEW_SIDE`] on its long
/// side when longer, then grey.
pub fn preview_of(image: &DynamicImage) -> GrayImage {
    if image.width().max(image.height()) > MAX_PREVIEW_SIDE {
        image
            .thumbnail(MAX_PREVIEW_SIDE, MAX_PREVIEW_SIDE)
            .to_luma8()
    } else {
        image.to_luma8()
    }
}

/// The DCT scale, in eighths, that brings the long side closest to [`PREVIEW_SIDE`] without
/// going under it (a picture already smaller decodes at full size).
fn scale_eighths(side: usize) -> usize {
    let target = PREVIEW_SIDE as usize;
    (1..=8)
        .find(|&m| (side * m).div_ceil(8) >= target)
        .unwrap_or(8)
}

fn to_u32(n: usize) -> Result<u32, NoPreview> {
    u32::try_from(n).map_err(|_| NoPreview::Failed(format!("size {n} out of range")))
}

fn failed(error: turbojpeg::Error) -> NoPreview {
    NoPreview::Failed(error.to_string())
}

/// TurboJPEG 2.x reports a warning and a fatal error the same way (the call returns -1 with a
/// message), and the safe binding does not pass on which it was; libjpeg's warnings are a short
/// fixed list (`JWRN_*` in jerror.h), recognised here by their wording.
fn classify(error: turbojpeg::Error) -> NoPreview {
    const WARNINGS: [&str; 7] = [
        "Corrupt JPEG data",
        "Premature end of JPEG file",
        "Warning: unknown JFIF revision",
        "Invalid SOS parameters for sequential JPEG",
        "Inconsistent progression sequence",
        "Unknown Adobe color transform code",
        "Application transferred too many scanlines",
    ];
    match error {
        turbojpeg::Error::TurboJpegError(message)
            if WARNINGS.iter().any(|w| message.starts_with(w)) =>
        {
            NoPreview::Warning(message)
        }
        other => failed(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scale_keeps_the_long_side_at_or_over_the_preview() {
        assert_eq!(scale_eighths(4000), 1);
        assert_eq!(scale_eighths(640), 1);
        assert_eq!(scale_eighths(505), 1);
        assert_eq!(scale_eighths(504), 2);
        assert_eq!(scale_eighths(300), 2);
        assert_eq!(scale_eighths(170), 3);
        assert_eq!(scale_eighths(64), 8);
        assert_eq!(scale_eighths(40), 8);
        for side in 1..5000 {
            let m = scale_eighths(side);
            assert!((side * m).div_ceil(8) >= PREVIEW_SIDE as usize || m == 8);
        }
    }

    #[test]
    fn warnings_and_failures_are_told_apart() {
        let warning = turbojpeg::Error::TurboJpegError(
            "Corrupt JPEG data: found marker 0x9f instead of RST4".into(),
        );
        assert!(matches!(classify(warning), NoPreview::Warning(_)));
        let fatal = turbojpeg::Error::TurboJpegError("Unsupported marker type 0x1c".into());
        assert!(matches!(classify(fatal), NoPreview::Failed(_)));
    }
}
