//! Perceptual hashes: a re-encoded, rescaled copy stays close; another picture is far.

use crate::support::{drawn_bands, drawn_document, encode_jpeg};
use eidscope_media::image_info::analyse_image;
use eidscope_model::PerceptualHash;
use image::DynamicImage;
use image::imageops::FilterType;

fn hashes(image: &DynamicImage, quality: u8) -> (PerceptualHash, PerceptualHash) {
    let info = analyse_image("selfie.jpeg", &encode_jpeg(image, quality), true);
    assert_eq!(info.decoded, Some(true));
    (info.dhash.expect("dhash"), info.phash.expect("phash"))
}

#[test]
fn recompressed_rescaled_copy_is_near() {
    let original = DynamicImage::ImageRgb8(drawn_document(0));
    let copy = original.resize_exact(288, 180, FilterType::Triangle);
    let (d1, p1) = hashes(&original, 95);
    let (d2, p2) = hashes(&copy, 70);
    let (dd, dp) = (d1.distance(d2), p1.distance(p2));
    assert!(dd <= 6, "dhash distance {dd}");
    assert!(dp <= 6, "phash distance {dp}");
}

#[test]
fn different_pictures_are_far() {
    let pairs = [
        (drawn_document(0), drawn_bands()),
        (drawn_document(0), drawn_document(1)),
    ];
    for (a, b) in pairs {
        let (da, pa) = hashes(&DynamicImage::ImageRgb8(a), 90);
        let (db, pb) = hashes(&DynamicImage::ImageRgb8(b), 90);
        let (dd, dp) = (da.distance(db), pa.distance(pb));
        assert!(dd >= 16, "dhash distance {dd}");
        assert!(dp >= 16, "phash distance {dp}");
    }
}
