//! Perceptual hashes of pictures, for finding the same picture in other bytes: a 64-bit
//! difference hash (gradient of a 9x8 grey thumbnail) and a 64-bit DCT hash (pHash: the low
//! 8x8 frequencies of a 16x16 grey thumbnail against their median), both as 16 hex digits.
//! Near-identical pictures have hashes a few bits apart; compare with [`hamming`].
//!
//! Both hashes are computed from one small grey preview ([`crate::preview`]); the hashers are
//! built once per process.

use crate::preview::preview_of;
use image::{DynamicImage, GrayImage};
use image_hasher::{HashAlg, Hasher, HasherConfig};
use std::sync::LazyLock;

static DHASH: LazyLock<Hasher> = LazyLock::new(|| {
    HasherConfig::new()
        .hash_size(8, 8)
        .hash_alg(HashAlg::Gradient)
        .to_hasher()
});

static PHASH: LazyLock<Hasher> = LazyLock::new(|| {
    HasherConfig::new()
        .hash_size(8, 8)
        .hash_alg(HashAlg::Median)
        .preproc_dct()
        .to_hasher()
});

/// The 64-bit difference hash of an image, 16 hex digits.
pub fn dhash(image: &DynamicImage) -> String {
    preview_dhash(&preview_of(image))
}

/// The 64-bit DCT (perceptual) hash of an image, 16 hex digits.
pub fn phash(image: &DynamicImage) -> String {
    preview_phash(&preview_of(image))
}

/// The difference hash of a grey preview ([`crate::preview`]).
pub fn preview_dhash(preview: &GrayImage) -> String {
    hex::encode(DHASH.hash_image(preview).as_bytes())
}

/// The DCT hash of a grey preview ([`crate::preview`]).
pub fn preview_phash(preview: &GrayImage) -> String {
    hex::encode(PHASH.hash_image(preview).as_bytes())
}

/// The number of differing bits between two hashes given as hex strings of the same length;
/// `None` when either is not hex or the lengths differ.
pub fn hamming(a: &str, b: &str) -> Option<u32> {
    let a = hex::decode(a.trim()).ok()?;
    let b = hex::decode(b.trim()).ok()?;
    (a.len() == b.len()).then(|| a.iter().zip(&b).map(|(x, y)| (x ^ y).count_ones()).sum())
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
