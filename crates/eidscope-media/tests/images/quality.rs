//! IJG quality from the quantisation tables of JPEGs encoded here at known settings.

use crate::support::{document_jpeg, drawn_document, encode_jpeg};
use eidscope_media::image_info::analyse_image;
use eidscope_media::jpeg;
use image::DynamicImage;

#[test]
fn quality_is_recovered_within_two() {
    for quality in [5, 10, 25, 40, 50, 60, 70, 75, 80, 85, 90, 95, 98, 100] {
        let info = analyse_image("front.jpeg", &document_jpeg(quality), false);
        let estimate = info.quality.expect("tables present");
        assert!(estimate.standard, "quality {quality}: {estimate:?}");
        let found = estimate.quality.expect("standard tables have a quality");
        assert!(
            found.abs_diff(quality) <= 2,
            "encoded {quality}, estimated {found}"
        );
        assert!(estimate.residual < 0.5, "quality {quality}: {estimate:?}");
    }
}

#[test]
fn grey_jpeg_is_judged_on_its_one_table() {
    let grey = DynamicImage::ImageLuma8(DynamicImage::ImageRgb8(drawn_document(1)).to_luma8());
    let info = analyse_image("selfie.jpeg", &encode_jpeg(&grey, 63), false);
    let estimate = info.quality.expect("a table");
    assert!(estimate.standard);
    assert!(estimate.quality.expect("standard").abs_diff(63) <= 2);
}

/// Overwrites every quantisation table with a pattern no IJG setting produces.
fn with_custom_tables(mut bytes: Vec<u8>) -> Vec<u8> {
    let mut i = 2;
    while i + 4 < bytes.len() && bytes[i] == 0xFF && bytes[i + 1] != 0xDA {
        let length = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
        if bytes[i + 1] == 0xDB {
            for (k, entry) in bytes[i + 5..i + 5 + 64].iter_mut().enumerate() {
                *entry = 2 + (k % 7) as u8 * 5;
            }
        }
        i += 2 + length;
    }
    bytes
}

#[test]
fn non_standard_tables_claim_no_quality() {
    let bytes = with_custom_tables(document_jpeg(80));
    let info = analyse_image("front.jpeg", &bytes, true);
    let estimate = info.quality.expect("tables present");
    assert!(!estimate.standard);
    assert_eq!(estimate.quality, None);
    assert!(estimate.residual > 1.0, "{estimate:?}");
    // Odd tables are no reason to fail the decode.
    assert_eq!(info.decoded, Some(true), "{:?}", info.decode_error);
}

#[test]
fn tables_are_read_in_natural_order() {
    let bytes = document_jpeg(50);
    let structure = jpeg::parse(&bytes).expect("a JPEG");
    let luma = &structure.quant_tables[0];
    // Quality 50 is Annex K itself: first row 16 11 10 16 24 40 51 61.
    assert_eq!(&luma.values[..8], &[16, 11, 10, 16, 24, 40, 51, 61]);
    assert_eq!(structure.components.len(), 3);
}

/// A CMYK picture libjpeg-turbo saves at quality 90 (as YCCK: Y and K share the luminance
/// table) is standard at 90, and its fourth component decodes.
#[test]
fn cmyk_at_quality_90_is_standard() {
    let rgb = drawn_document(0);
    let cmyk: Vec<u8> = rgb
        .pixels()
        .flat_map(|p| {
            let [r, g, b] = p.0;
            let k = 255 - r.max(g).max(b);
            [255 - r, 255 - g, 255 - b, k]
        })
        .collect();
    let image = turbojpeg::Image {
        pixels: cmyk.as_slice(),
        width: rgb.width() as usize,
        pitch: 4 * rgb.width() as usize,
        height: rgb.height() as usize,
        format: turbojpeg::PixelFormat::CMYK,
    };
    let bytes = turbojpeg::compress(image, 90, turbojpeg::Subsamp::None).expect("compresses");
    let structure = jpeg::parse(&bytes).expect("a JPEG");
    assert_eq!(structure.components.len(), 4);
    let info = analyse_image("front.jpeg", &bytes, true);
    let estimate = info.quality.expect("tables");
    assert!(estimate.standard, "{estimate:?}");
    assert_eq!(estimate.quality, Some(90));
    assert_eq!(estimate.nearest, None);
    assert_eq!(info.decoded, Some(true), "{:?}", info.decode_error);
}

/// Tables that are not libjpeg's (here the luminance table with every entry off by 3) get no
/// quality, but the nearest one with its fit error.
#[test]
fn camera_tables_get_the_nearest_quality() {
    let mut tables = jpeg::parse(&document_jpeg(85))
        .expect("a JPEG")
        .quant_tables;
    for value in &mut tables[0].values {
        *value += 3;
    }
    let estimate = jpeg::estimate_quality(&tables, &[]).expect("tables");
    assert!(!estimate.standard);
    assert_eq!(estimate.quality, None);
    let nearest = estimate.nearest.expect("a nearest quality");
    assert!((70..=85).contains(&nearest), "{estimate:?}");
    assert!(estimate.residual > 0.5, "{estimate:?}");
}
