//! Thumbnail versus picture on a labelled set made here: camera pictures whose EXIF carries a
//! 160x120 thumbnail of the picture itself (stretched, or letterboxed for other shapes as
//! cameras do), and pictures changed after the thumbnail was made (another picture in its
//! place, the picture mirrored, a third of it painted over, a pasted photo). The distances and
//! the rates are printed (`-- --nocapture`) and bounded by the assertions.

use super::{codes, encode, scene, with_segment};
use eidscope_model::FindingCode;
use exif::{Field, In, Tag, Value};
use image::{Rgb, RgbImage, imageops};
use std::io::Cursor;

/// The picture with an EXIF segment whose thumbnail is made from `shown`.
fn with_thumbnail(picture: &RgbImage, shown: &RgbImage, letterbox: bool) -> Vec<u8> {
    let thumbnail = if letterbox {
        // Fit inside 160x120, black bars on the free sides, as cameras do.
        let scale = (160.0 / f64::from(shown.width())).min(120.0 / f64::from(shown.height()));
        let (w, h) = (
            (f64::from(shown.width()) * scale) as u32,
            (f64::from(shown.height()) * scale) as u32,
        );
        let scaled = imageops::thumbnail(shown, w, h);
        let mut canvas = RgbImage::from_pixel(160, 120, Rgb([0, 0, 0]));
        imageops::replace(
            &mut canvas,
            &scaled,
            i64::from((160 - w) / 2),
            i64::from((120 - h) / 2),
        );
        canvas
    } else {
        imageops::thumbnail(shown, 160, 120)
    };
    let mut writer = exif::experimental::Writer::new();
    let make = Field {
        tag: Tag::Make,
        ifd_num: In::PRIMARY,
        value: Value::Ascii(vec![b"Canon".to_vec()]),
    };
    writer.push_field(&make);
    let thumbnail = encode(&thumbnail, 85);
    writer.set_jpeg(&thumbnail, In::THUMBNAIL);
    let mut tiff = Cursor::new(Vec::new());
    writer.write(&mut tiff, false).expect("writes EXIF");
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend(tiff.into_inner());
    with_segment(&encode(picture, 90), 0xE1, &payload)
}

/// The share of changed cells, in 64ths.
fn distance(bytes: &[u8]) -> u32 {
    let check = eidscope_media::image_info::analyse_image("front.jpeg", bytes, true)
        .thumbnail
        .expect("a thumbnail check");
    (check.changed_share * 64.0).round() as u32
}

#[test]
fn thumbnail_rates() {
    let flagged = |bytes: &[u8]| codes(bytes).contains(&FindingCode::ImageThumbnailMismatch);
    let (mut genuine, mut changed) = (Vec::new(), Vec::new());
    let mut classes: Vec<(&str, usize, usize)> = Vec::new();
    let mut tally = |class: &'static str, bytes: Vec<u8>, into: &mut Vec<u32>| {
        into.push(distance(&bytes));
        let hit = usize::from(flagged(&bytes));
        match classes.iter_mut().find(|(c, _, _)| *c == class) {
            Some(row) => (row.1, row.2) = (row.1 + 1, row.2 + hit),
            None => classes.push((class, 1, hit)),
        }
    };
    for seed in 0..16 {
        let picture = scene(seed);
        tally(
            "genuine",
            with_thumbnail(&picture, &picture, false),
            &mut genuine,
        );
        tally(
            "genuine, letterboxed",
            with_thumbnail(&picture, &picture, true),
            &mut genuine,
        );
        let other = imageops::resize(
            &super::double_jpeg::textured(seed + 500),
            picture.width(),
            picture.height(),
            imageops::FilterType::Triangle,
        );
        tally(
            "another picture",
            with_thumbnail(&other, &picture, false),
            &mut changed,
        );
        tally(
            "mirrored",
            with_thumbnail(&imageops::flip_horizontal(&picture), &picture, false),
            &mut changed,
        );
        let mut painted = picture.clone();
        let third = picture.width() / 3;
        for (x, _, px) in painted.enumerate_pixels_mut() {
            if x < third {
                *px = Rgb([235, 235, 230]);
            }
        }
        tally(
            "a third painted over",
            with_thumbnail(&painted, &picture, false),
            &mut changed,
        );
        let mut pasted = picture.clone();
        let photo = imageops::thumbnail(
            &scene(seed + 900),
            picture.width() / 3,
            picture.height() / 3,
        );
        imageops::replace(
            &mut pasted,
            &photo,
            i64::from(picture.width() / 8),
            i64::from(picture.height() / 4),
        );
        tally(
            "a photo pasted",
            with_thumbnail(&pasted, &picture, false),
            &mut changed,
        );
    }
    genuine.sort_unstable();
    changed.sort_unstable();
    eprintln!("changed cells (of 64), genuine {genuine:?}");
    eprintln!("changed cells (of 64), changed {changed:?}");
    for (class, n, hits) in &classes {
        eprintln!("{class:>22}: {hits}/{n} flagged");
    }
    for (class, n, hits) in &classes {
        match *class {
            "genuine" | "genuine, letterboxed" => assert_eq!(*hits, 0, "{class}"),
            "mirrored" | "a third painted over" => assert_eq!(hits, n, "{class}"),
            "a photo pasted" => assert!(hits * 10 >= n * 4, "{class}: {hits}/{n}"),
            "another picture" => assert!(hits * 10 >= n * 8, "{class}: {hits}/{n}"),
            _ => {}
        }
    }
}
