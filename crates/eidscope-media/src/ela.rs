//! Error level analysis (ELA): the picture is compressed once more as JPEG at a known quality
//! ([`ELA_QUALITY`]) and the difference to the picture as it was is mapped, pixel by pixel.
//!
//! Why it shows edits: every 8x8 block of a picture saved once at quality Q has settled near
//! the values Q's quantisation keeps, so a new save changes it little and evenly over areas of
//! like texture. A pasted photo or a rewritten text field that was saved fewer times (or
//! came from a picture saved at another quality, or was drawn anew) has not settled the same
//! way and stands out brighter, or darker, than its surroundings. Edges and fine texture are
//! always brighter than flat areas: the map is read by comparing like with like (one text
//! field with the next, the photo with the photo of a genuine document), which is why it is a
//! picture for an analyst and [`ElaSummary`] a figure, not a finding.
//!
//! The recompression is 4:4:4 (no chroma subsampling), so that colour edges are not lit by the
//! subsampling itself. Decodes run under [`DecodeLimits`]; nothing is written to disk; a
//! picture that does not decode is a [`MediaError`].
//!
//! Cost: one full decode, one encode and one decode of the picture (measured by
//! `cargo bench -p eidscope-media --bench forensics`). It runs where it is asked for
//! (`eidscope overlay --ela`, [`ela_heat_map`] for the report), never during a scan.

use crate::MediaError;
use crate::decode::{DecodeLimits, decode_image_with};
use image::{DynamicImage, GrayImage, Luma, Rgb, RgbImage};
use turbojpeg::{Image, PixelFormat, Subsamp};

/// The quality the picture is recompressed at (the value Forensically and FotoForensics use).
pub const ELA_QUALITY: i32 = 90;

/// A pixel difference at or above this is drawn at full heat (white).
pub const ELA_FULL_SCALE: u8 = 24;

/// The side of the square blocks [`ElaSummary`] averages over, pixels.
pub const ELA_BLOCK: u32 = 16;

/// The error levels of one picture: per pixel, the largest difference over R, G and B between
/// the picture and its recompression at [`ELA_QUALITY`].
#[derive(Debug, Clone)]
pub struct ErrorLevels {
    /// One level per pixel, 0..=255.
    pub levels: GrayImage,
}

/// How even the error level is over a picture, as figures an analyst can compare between
/// pictures of the same kind.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct ElaSummary {
    /// The recompression quality.
    pub quality: i32,
    /// The mean level over all pixels.
    pub mean: f64,
    /// The median of the [`ELA_BLOCK`]-pixel block means.
    pub block_median: f64,
    /// The 99th percentile of the block means.
    pub block_p99: f64,
    /// `block_p99 / max(block_median, 0.5)`: how far the brightest blocks stand out from a
    /// typical block. A picture saved once is even (small ratio) where a region saved fewer
    /// times, or drawn anew, stands out.
    pub unevenness: f64,
}

/// The error levels of a decoded picture.
pub fn error_levels(image: &DynamicImage) -> Result<ErrorLevels, MediaError> {
    let rgb = image.to_rgb8();
    let (width, height) = rgb.dimensions();
    if width == 0 || height == 0 {
        return Err(MediaError::Corrupt(
            "an empty picture has no error levels".into(),
        ));
    }
    let to_usize =
        |n: u32| usize::try_from(n).map_err(|_| MediaError::Limit("picture size".into()));
    let source = Image {
        pixels: rgb.as_raw().as_slice(),
        width: to_usize(width)?,
        pitch: to_usize(width)? * 3,
        height: to_usize(height)?,
        format: PixelFormat::RGB,
    };
    let again = turbojpeg::compress(source, ELA_QUALITY, Subsamp::None)
        .map_err(|e| MediaError::Corrupt(format!("recompression failed: {e}")))?;
    let decoded = turbojpeg::decompress(&again, PixelFormat::RGB)
        .map_err(|e| MediaError::Corrupt(format!("recompression does not decode: {e}")))?;
    if decoded.width != source.width || decoded.height != source.height {
        return Err(MediaError::Corrupt("recompression changed the size".into()));
    }
    let levels = rgb
        .as_raw()
        .chunks_exact(3)
        .zip(decoded.pixels.chunks_exact(3))
        .map(|(a, b)| (0..3).map(|c| a[c].abs_diff(b[c])).max().unwrap_or(0))
        .collect::<Vec<u8>>();
    GrayImage::from_raw(width, height, levels)
        .map(|levels| ErrorLevels { levels })
        .ok_or_else(|| MediaError::Corrupt("error levels do not fill the picture".into()))
}

impl ErrorLevels {
    /// The heat map: black where recompression changes nothing, through red and yellow to
    /// white at [`ELA_FULL_SCALE`] and above.
    pub fn heat_map(&self) -> RgbImage {
        let (width, height) = self.levels.dimensions();
        RgbImage::from_fn(width, height, |x, y| {
            let Luma([level]) = *self.levels.get_pixel(x, y);
            heat(level)
        })
    }

    /// The figures of [`ElaSummary`].
    pub fn summary(&self) -> ElaSummary {
        let (width, height) = self.levels.dimensions();
        let total: u64 = self.levels.as_raw().iter().map(|&l| u64::from(l)).sum();
        let mean = total as f64 / (f64::from(width) * f64::from(height)).max(1.0);
        let mut blocks = Vec::new();
        for by in (0..height).step_by(ELA_BLOCK as usize) {
            for bx in (0..width).step_by(ELA_BLOCK as usize) {
                let (w, h) = (ELA_BLOCK.min(width - bx), ELA_BLOCK.min(height - by));
                let sum: u64 = (by..by + h)
                    .flat_map(|y| (bx..bx + w).map(move |x| (x, y)))
                    .map(|(x, y)| u64::from(self.levels.get_pixel(x, y)[0]))
                    .sum();
                blocks.push(sum as f64 / f64::from(w * h));
            }
        }
        blocks.sort_by(f64::total_cmp);
        let at = |q: f64| {
            let index = ((blocks.len() as f64 - 1.0) * q).round() as usize;
            blocks.get(index).copied().unwrap_or(0.0)
        };
        let (block_median, block_p99) = (at(0.5), at(0.99));
        ElaSummary {
            quality: ELA_QUALITY,
            mean,
            block_median,
            block_p99,
            unevenness: block_p99 / block_median.max(0.5),
        }
    }
}

/// The colour of one error level on the heat map.
fn heat(level: u8) -> Rgb<u8> {
    let t = f64::from(level.min(ELA_FULL_SCALE)) / f64::from(ELA_FULL_SCALE);
    let ramp = |from: f64| ((t - from) * 3.0).clamp(0.0, 1.0);
    let channel = |v: f64| (v * 255.0).round() as u8;
    Rgb([
        channel(ramp(0.0)),
        channel(ramp(1.0 / 3.0)),
        channel(ramp(2.0 / 3.0)),
    ])
}

/// The ELA heat map of a picture's bytes (JPEG or PNG), the size of the picture: what the
/// report draws beside the overlay.
pub fn ela_heat_map(bytes: &[u8]) -> Result<RgbImage, MediaError> {
    let image = decode_image_with(bytes, DecodeLimits::DEFAULT)?;
    Ok(error_levels(&image)?.heat_map())
}

/// The heat map and the figures of a picture's bytes in one decode.
pub fn ela_of(bytes: &[u8]) -> Result<(RgbImage, ElaSummary), MediaError> {
    let image = decode_image_with(bytes, DecodeLimits::DEFAULT)?;
    let levels = error_levels(&image)?;
    Ok((levels.heat_map(), levels.summary()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heat_runs_from_black_to_white() {
        assert_eq!(heat(0), Rgb([0, 0, 0]));
        assert_eq!(heat(ELA_FULL_SCALE), Rgb([255, 255, 255]));
        assert_eq!(heat(255), Rgb([255, 255, 255]));
        let Rgb([r, g, b]) = heat(ELA_FULL_SCALE / 2);
        assert!(r == 255 && g > 0 && g < 255 && b == 0, "{r} {g} {b}");
    }
}
