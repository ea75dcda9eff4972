//! Thumbnail versus picture: whether the EXIF thumbnail (IFD1, the small JPEG cameras embed)
//! still shows the picture. Editors that change the picture and copy the EXIF as it was keep
//! the camera's thumbnail of the original: a thumbnail that is not the picture is a classic
//! trace of editing (`image-thumbnail-mismatch` in eidscope-analysis).
//!
//! The thumbnail, its black bars cut, is resized onto the picture's grey preview (the one the
//! scan hashes) and compared on an 8x8 grid: the share of cells whose mean grey differs by
//! more than [`CELL_CHANGE`] says how much of the picture is not what the thumbnail shows (a
//! pasted photo covers a few cells, another picture most). The difference hashes and the two
//! aspect ratios are reported beside it. The thumbnail is
//! decoded under [`DecodeLimits`] capped to thumbnail sizes; a thumbnail that does not decode
//! gives no check, never an error.

use crate::decode::{DecodeLimits, decode_image_with};
use crate::hash::preview_dhash;
use ::exif::{In, Reader, Tag};
use eidscope_model::media::ThumbnailCheck;
use image::{GrayImage, imageops};

/// A thumbnail larger than this on a side is not decoded (EXIF thumbnails are 160x120).
const MAX_THUMBNAIL_SIDE: u32 = 1024;

/// The JPEG thumbnail bytes of EXIF (TIFF) data, when it has one within its bounds.
pub fn exif_thumbnail(tiff: &[u8]) -> Option<&[u8]> {
    let exif = Reader::new()
        .continue_on_error(true)
        .read_raw(tiff.to_vec())
        .or_else(|e| e.distill_partial_result(|_| {}))
        .ok()?;
    let number = |tag| {
        exif.get_field(tag, In::THUMBNAIL)
            .and_then(|f| f.value.get_uint(0))
            .and_then(|n| usize::try_from(n).ok())
    };
    let (offset, length) = (
        number(Tag::JPEGInterchangeFormat)?,
        number(Tag::JPEGInterchangeFormatLength)?,
    );
    tiff.get(offset..offset.checked_add(length)?)
        .filter(|bytes| crate::jpeg::is_jpeg(bytes))
}

/// Cells of the grid the thumbnail and the picture are compared on, per side.
pub const GRID: u32 = 8;

/// A cell whose mean grey differs by more than this (0..255) between the thumbnail and the
/// picture counts as changed.
pub const CELL_CHANGE: f64 = 24.0;

/// The check of a thumbnail against the picture's grey preview (the one its hashes come from)
/// and full size. Black bars a camera put around a thumbnail of another shape are cut first.
pub fn thumbnail_check(
    thumbnail: &[u8],
    preview: &GrayImage,
    picture_size: (u32, u32),
) -> Option<ThumbnailCheck> {
    let limits = DecodeLimits {
        max_side: MAX_THUMBNAIL_SIDE,
        max_alloc: 16 * 1024 * 1024,
    };
    let image = decode_image_with(thumbnail, limits).ok()?;
    let (width, height) = (image.width(), image.height());
    let grey = without_bars(&image.to_luma8());
    let (pw, ph) = preview.dimensions();
    if pw < GRID || ph < GRID || grey.width() < GRID || grey.height() < GRID {
        return None;
    }
    let aspect = |(w, h): (u32, u32)| f64::from(w) / f64::from(h.max(1));
    let fitted = imageops::resize(&grey, pw, ph, imageops::FilterType::Triangle);
    let (mean_difference, changed_share) = compare(&fitted, preview);
    Some(ThumbnailCheck {
        width,
        height,
        dhash_distance: preview_dhash(&grey).distance(preview_dhash(preview)),
        aspect_difference: (aspect(grey.dimensions()) / aspect(picture_size))
            .ln()
            .abs(),
        mean_difference,
        changed_share,
    })
}

/// The thumbnail without the dark bars along its edges (rows or columns whose brightest pixel
/// is under 32), keeping at least a quarter of each side.
fn without_bars(grey: &GrayImage) -> GrayImage {
    let (w, h) = grey.dimensions();
    let dark_row = |y: u32| (0..w).all(|x| grey.get_pixel(x, y)[0] < 32);
    let dark_column = |x: u32| (0..h).all(|y| grey.get_pixel(x, y)[0] < 32);
    let top = (0..h / 4).take_while(|&y| dark_row(y)).count() as u32;
    let bottom = (0..h / 4).take_while(|&i| dark_row(h - 1 - i)).count() as u32;
    let left = (0..w / 4).take_while(|&x| dark_column(x)).count() as u32;
    let right = (0..w / 4).take_while(|&i| dark_column(w - 1 - i)).count() as u32;
    imageops::crop_imm(grey, left, top, w - left - right, h - top - bottom).to_image()
}

/// The mean absolute grey difference, and the share of [`GRID`] x [`GRID`] cells whose means
/// differ by more than [`CELL_CHANGE`].
fn compare(a: &GrayImage, b: &GrayImage) -> (f64, f64) {
    let (w, h) = a.dimensions();
    let mut total = 0.0;
    let mut cells = vec![(0.0f64, 0.0f64, 0u32); (GRID * GRID) as usize];
    for (x, y, pixel) in a.enumerate_pixels() {
        let (va, vb) = (f64::from(pixel[0]), f64::from(b.get_pixel(x, y)[0]));
        total += (va - vb).abs();
        let cell = &mut cells[((y * GRID / h) * GRID + x * GRID / w) as usize];
        *cell = (cell.0 + va, cell.1 + vb, cell.2 + 1);
    }
    let changed = cells
        .iter()
        .filter(|(sa, sb, n)| *n > 0 && ((sa - sb) / f64::from(*n)).abs() > CELL_CHANGE)
        .count();
    (
        total / f64::from(w * h),
        changed as f64 / f64::from(GRID * GRID),
    )
}
