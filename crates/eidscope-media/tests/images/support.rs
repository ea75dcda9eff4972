//! Inputs made in code: drawn scenes, JPEGs at known qualities, segments spliced in, EXIF.

use exif::{Field, In, Tag, Value};
use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, Rgb, RgbImage};
use std::io::Cursor;

/// A 320x200 document-like scene in flat colours (small PNGs); `variant` changes layout and
/// colours.
pub fn drawn_document(variant: u32) -> RgbImage {
    let even = variant.is_multiple_of(2);
    let background = if even {
        Rgb([214, 226, 240])
    } else {
        Rgb([236, 222, 200])
    };
    let photo_x: i32 = if even { 16 } else { 200 };
    let text_x = if even { 130..300 } else { 20..180 };
    let stamp_x: i32 = if even { 280 } else { 60 };
    RgbImage::from_fn(320, 200, |x, y| {
        let (xi, yi) = (x as i32, y as i32);
        if (photo_x..photo_x + 96).contains(&xi) && (40..170).contains(&yi) {
            let face = (xi - photo_x - 48).pow(2) + (yi - 95).pow(2);
            return if face < 900 {
                Rgb([200, 160, 130])
            } else {
                Rgb([90, 90, 110])
            };
        }
        if text_x.contains(&x) && (50..160).contains(&y) && (y / 6) % 3 == 0 && (x / 4) % 5 != 0 {
            return Rgb([30, 30, 40]);
        }
        let ring = (xi - stamp_x).pow(2) + (yi - 30).pow(2);
        if (360..560).contains(&ring) {
            return Rgb([160, 40, 40]);
        }
        if y < 24 {
            return if even {
                Rgb([40, 70, 140])
            } else {
                Rgb([120, 60, 30])
            };
        }
        background
    })
}

/// A plain scene of another kind: diagonal bands.
pub fn drawn_bands() -> RgbImage {
    RgbImage::from_fn(320, 200, |x, y| {
        if ((x + 2 * y) / 40) % 2 == 0 {
            Rgb([20, 120, 220])
        } else {
            Rgb([250, 240, 90])
        }
    })
}

/// JPEG bytes of an image at an IJG quality.
pub fn encode_jpeg(image: &DynamicImage, quality: u8) -> Vec<u8> {
    let mut bytes = Vec::new();
    JpegEncoder::new_with_quality(&mut bytes, quality)
        .encode_image(image)
        .expect("encodes");
    bytes
}

/// A JPEG of the drawn document at a quality.
pub fn document_jpeg(quality: u8) -> Vec<u8> {
    encode_jpeg(&DynamicImage::ImageRgb8(drawn_document(0)), quality)
}

/// Splices a segment (`FF marker length payload`) in right after SOI.
pub fn with_segment(jpeg: &[u8], marker: u8, payload: &[u8]) -> Vec<u8> {
    let length = u16::try_from(payload.len() + 2).expect("segment fits");
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, marker]);
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(payload);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// TIFF (EXIF) data with the given primary-IFD ASCII tags, an orientation and a thumbnail.
pub fn exif_tiff(tags: &[(Tag, &str)], orientation: u16, thumbnail: Option<&[u8]>) -> Vec<u8> {
    let mut fields: Vec<Field> = tags
        .iter()
        .map(|(tag, value)| Field {
            tag: *tag,
            ifd_num: In::PRIMARY,
            value: Value::Ascii(vec![value.as_bytes().to_vec()]),
        })
        .collect();
    fields.push(Field {
        tag: Tag::Orientation,
        ifd_num: In::PRIMARY,
        value: Value::Short(vec![orientation]),
    });
    let mut writer = exif::experimental::Writer::new();
    for field in &fields {
        writer.push_field(field);
    }
    if let Some(thumbnail) = thumbnail {
        writer.set_jpeg(thumbnail, In::THUMBNAIL);
    }
    let mut out = Cursor::new(Vec::new());
    writer.write(&mut out, false).expect("writes EXIF");
    out.into_inner()
}

/// A JPEG with an `APP1 Exif` segment holding the given tags.
pub fn jpeg_with_exif(tags: &[(Tag, &str)]) -> Vec<u8> {
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend(exif_tiff(tags, 1, None));
    with_segment(&document_jpeg(90), 0xE1, &payload)
}

/// A textured page (grain and crossing waves, like paper and print: the AC coefficients a
/// double-compression map needs) of `width` x `height`, from `seed`.
pub fn textured_page(width: u32, height: u32, seed: u64) -> RgbImage {
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let (fx, fy) = (
        0.05 + (seed % 7) as f64 * 0.03,
        0.07 + (seed % 5) as f64 * 0.04,
    );
    RgbImage::from_fn(width, height, |x, y| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let grain = ((state >> 33) % 25) as f64 - 12.0;
        let (xf, yf) = (f64::from(x), f64::from(y));
        let wave = 14.0 * ((xf * fx).sin() + (yf * fy + xf * 0.02).cos());
        let light = 120.0 + xf * 60.0 / f64::from(width) + yf * 40.0 / f64::from(height);
        let v = |tint: f64| (light + tint + wave + grain).clamp(0.0, 255.0) as u8;
        Rgb([v(10.0), v(0.0), v(-10.0)])
    })
}

/// A page saved at `first`, a never-compressed patch of another texture pasted at `area`
/// (x, y, width, height), saved again at `second`: a photo replaced between two saves.
pub fn pasted_jpeg(first: u8, second: u8, area: (u32, u32, u32, u32)) -> Vec<u8> {
    let page = textured_page(480, 360, 1);
    let saved = image::load_from_memory(&encode_jpeg(&DynamicImage::ImageRgb8(page), first))
        .expect("decodes");
    let mut page = saved.to_rgb8();
    let patch = textured_page(area.2, area.3, 1000);
    image::imageops::replace(&mut page, &patch, i64::from(area.0), i64::from(area.1));
    encode_jpeg(&DynamicImage::ImageRgb8(page), second)
}
