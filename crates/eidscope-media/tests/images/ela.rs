//! Error level analysis: the heat map has the picture's size, and a field drawn anew on a
//! saved picture (a rewritten text field) stands out from the rest of the page.

use crate::support::document_jpeg;
use eidscope_media::ela::{ELA_QUALITY, ela_heat_map, ela_of, error_levels};
use image::{DynamicImage, ImageFormat, Rgb};
use std::io::Cursor;

#[test]
fn the_heat_map_is_the_size_of_the_picture() {
    let bytes = document_jpeg(80);
    let map = ela_heat_map(&bytes).expect("decodes");
    let picture = image::load_from_memory(&bytes).expect("decodes");
    assert_eq!(map.dimensions(), (picture.width(), picture.height()));
    let (_, summary) = ela_of(&bytes).expect("decodes");
    assert_eq!(summary.quality, ELA_QUALITY);
    assert!(summary.mean > 0.0 && summary.block_p99 >= summary.block_median);
    assert!(ela_heat_map(b"not a picture").is_err());
}

#[test]
fn a_field_drawn_after_the_save_stands_out() {
    // The page saved at 60; then a text field drawn anew in sharp black on white and the
    // page kept losslessly (PNG), as an editor would export it.
    let saved = image::load_from_memory(&document_jpeg(60)).expect("decodes");
    let mut page = saved.to_rgb8();
    let (x0, y0, w, h) = (40u32, 40u32, 96u32, 32u32);
    for y in y0..y0 + h {
        for x in x0..x0 + w {
            let ink = (x / 3 + y / 5) % 3 == 0;
            page.put_pixel(
                x,
                y,
                if ink {
                    Rgb([0, 0, 0])
                } else {
                    Rgb([255, 255, 255])
                },
            );
        }
    }
    let mut png = Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(page.clone())
        .write_to(&mut png, ImageFormat::Png)
        .expect("png");
    let levels = error_levels(&DynamicImage::ImageRgb8(page))
        .expect("ela")
        .levels;
    let (mut inside, mut outside) = ((0u64, 0u64), (0u64, 0u64));
    for (x, y, level) in levels.enumerate_pixels() {
        let within = (x0..x0 + w).contains(&x) && (y0..y0 + h).contains(&y);
        let slot = if within { &mut inside } else { &mut outside };
        *slot = (slot.0 + u64::from(level[0]), slot.1 + 1);
    }
    let (inside, outside) = (
        inside.0 as f64 / inside.1 as f64,
        outside.0 as f64 / outside.1 as f64,
    );
    assert!(
        inside > 2.0 * outside,
        "inside {inside:.2}, outside {outside:.2}"
    );
    // The map of the PNG's bytes is the same picture's.
    let map = ela_heat_map(&png.into_inner()).expect("decodes");
    assert_eq!(map.dimensions(), levels.dimensions());
}
