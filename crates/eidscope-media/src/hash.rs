//! Perceptual hashes of decoded images, for finding the same picture in other bytes: a 64-bit
//! difference hash (gradient of an 9x8 grey thumbnail) and a 64-bit DCT hash (pHash: the low
//! 8x8 frequencies of a 16x16 grey thumbnail against their median), both as 16 hex digits.
//! Near-identical pictures have hashes a few bits apart; compare with [`hamming`].

use image::DynamicImage;
use image_hasher::{HashAlg, HasherConfig};

/// Images are first reduced to at most this many pixels a side (fast, and the hashes only see
/// an 8x8 or 16x16 thumbnail anyway).
const PREVIEW_SIDE: u32 = 256;

/// The 64-bit difference hash of an image, 16 hex digits.
pub fn dhash(image: &DynamicImage) -> String {
    let hasher = HasherConfig::new()
        .hash_size(8, 8)
        .hash_alg(HashAlg::Gradient)
        .to_hasher();
    hex::encode(hasher.hash_image(&preview(image)).as_bytes())
}

/// The 64-bit DCT (perceptual) hash of an image, 16 hex digits.
pub fn phash(image: &DynamicImage) -> String {
    let hasher = HasherConfig::new()
        .hash_size(8, 8)
        .hash_alg(HashAlg::Median)
        .preproc_dct()
        .to_hasher();
    hex::encode(hasher.hash_image(&preview(image)).as_bytes())
}

/// The number of differing bits between two hashes given as hex strings of the same length;
/// `None` when either is not hex or the lengths differ.
pub fn hamming(a: &str, b: &str) -> Option<u32> {
    let a = hex::decode(a.trim()).ok()?;
    let b = hex::decode(b.trim()).ok()?;
    (a.len() == b.len()).then(|| a.iter().zip(&b).map(|(x, y)| (x ^ y).count_ones()).sum())
}

fn preview(image: &DynamicImage) -> DynamicImage {
    let reduced;
    let source = if image.width().max(image.height()) > PREVIEW_SIDE {
        reduced = image.thumbnail(PREVIEW_SIDE, PREVIEW_SIDE);
        &reduced
    } else {
        image
    };
    DynamicImage::ImageLuma8(source.to_luma8())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hamming_counts_bits() {
        assert_eq!(hamming("0000000000000000", "0000000000000000"), Some(0));
        assert_eq!(hamming("ff00000000000001", "0000000000000000"), Some(9));
        assert_eq!(hamming("FFFFFFFFFFFFFFFF", "0000000000000000"), Some(64));
        assert_eq!(hamming("00", "0000"), None);
        assert_eq!(hamming("zz", "00"), None);
    }

    #[test]
    fn hashes_are_sixteen_hex_digits() {
        let image = DynamicImage::new_rgb8(40, 30);
        assert_eq!(dhash(&image).len(), 16);
        assert_eq!(phash(&image).len(), 16);
    }
}
