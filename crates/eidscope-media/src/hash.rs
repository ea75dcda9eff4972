//! Perceptual hashes of pictures, for finding the same picture in other bytes: a 64-bit
//! difference hash (gradient of a 9x8 grey thumbnail) and a 64-bit DCT hash (pHash: the low
//! 8x8 frequencies of a 16x16 grey thumbnail against their median), both as the model's
//! [`PerceptualHash`]. Near-identical pictures have hashes a few bits apart; compare with
//! [`PerceptualHash::distance`].
//!
//! Both hashes are computed from one small grey preview ([`crate::preview`]); the hashers are
//! built once per process.

use crate::preview::preview_of;
use eidscope_model::PerceptualHash;
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

/// The 64-bit difference hash of an image.
pub fn dhash(image: &DynamicImage) -> PerceptualHash {
    preview_dhash(&preview_of(image))
}

/// The 64-bit DCT (perceptual) hash of an image.
pub fn phash(image: &DynamicImage) -> PerceptualHash {
    preview_phash(&preview_of(image))
}

/// The difference hash of a grey preview ([`crate::preview`]).
pub fn preview_dhash(preview: &GrayImage) -> PerceptualHash {
    as_u64(DHASH.hash_image(preview).as_bytes())
}

/// The DCT hash of a grey preview ([`crate::preview`]).
pub fn preview_phash(preview: &GrayImage) -> PerceptualHash {
    as_u64(PHASH.hash_image(preview).as_bytes())
}

/// The hasher's 8 bytes, first byte highest (as the hex digits were written before).
fn as_u64(bytes: &[u8]) -> PerceptualHash {
    PerceptualHash(
        bytes
            .iter()
            .take(8)
            .fold(0, |acc, b| (acc << 8) | u64::from(*b)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_print_as_sixteen_hex_digits() {
        let image = DynamicImage::new_rgb8(40, 30);
        assert_eq!(dhash(&image).to_string().len(), 16);
        assert_eq!(phash(&image).to_string().len(), 16);
    }
}
