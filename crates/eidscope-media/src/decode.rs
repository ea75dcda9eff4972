//! Full image decodes under limits: a picture from a bundle is untrusted, so its declared size
//! is checked before any pixel buffer exists and the decoder's allocation is capped. A hostile
//! or broken file becomes a [`MediaError`], never a crash or an unbounded allocation.
//!
//! Only JPEG and PNG decode (the formats a bundle documents). Truncation is not judged here:
//! the decoder fills a cut scan silently, which is what an overlay wants; the marker walk in
//! [`crate::jpeg`] reports it.

use crate::MediaError;
use image::{DynamicImage, ImageError, ImageFormat, ImageReader, Limits};
use std::io::Cursor;
use std::panic::AssertUnwindSafe;

/// The limits a decode runs under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeLimits {
    /// The largest width or height accepted, pixels.
    pub max_side: u32,
    /// The most the decoder may allocate, bytes (the output buffer included).
    pub max_alloc: u64,
}

impl DecodeLimits {
    /// Generous for phone pictures (a 12000 x 9000 RGB image needs 324 MB), tight enough that
    /// a few parallel decodes cannot exhaust a worker.
    pub const DEFAULT: DecodeLimits = DecodeLimits {
        max_side: 12_000,
        max_alloc: 384 * 1024 * 1024,
    };
}

impl Default for DecodeLimits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Decodes a JPEG or PNG under [`DecodeLimits::DEFAULT`].
pub fn decode_image(bytes: &[u8]) -> Result<DynamicImage, MediaError> {
    decode_image_with(bytes, DecodeLimits::DEFAULT)
}

/// Decodes a JPEG or PNG under the given limits.
pub fn decode_image_with(bytes: &[u8], limits: DecodeLimits) -> Result<DynamicImage, MediaError> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(MediaError::Io)?;
    match reader.format() {
        Some(ImageFormat::Jpeg | ImageFormat::Png) => {}
        Some(other) => {
            return Err(MediaError::Corrupt(format!(
                "{other:?} images are not decoded"
            )));
        }
        None => {
            return Err(MediaError::Corrupt(
                "not an image format eidscope knows".into(),
            ));
        }
    }
    let mut image_limits = Limits::default();
    image_limits.max_image_width = Some(limits.max_side);
    image_limits.max_image_height = Some(limits.max_side);
    image_limits.max_alloc = Some(limits.max_alloc);
    reader.limits(image_limits);
    // The decoders are safe Rust, but a panic in one must cost one entry, not the whole run.
    std::panic::catch_unwind(AssertUnwindSafe(move || reader.decode()))
        .map_err(|_| MediaError::Corrupt("the decoder failed internally".into()))?
        .map_err(from_image_error)
}

fn from_image_error(error: ImageError) -> MediaError {
    match error {
        ImageError::Limits(limit) => MediaError::Limit(format!("image {limit}")),
        ImageError::IoError(io) => MediaError::Corrupt(io.to_string()),
        other => MediaError::Corrupt(other.to_string()),
    }
}
