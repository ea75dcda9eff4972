//! Feature overlays and the contact sheet, checked against golden images and by colour.

use crate::golden;
use crate::support::{drawn_bands, drawn_document, pasted_jpeg};
use eidscope_media::image_info::analyse_image;
use eidscope_media::overlay::{
    LEAD_HEIGHT, LEAD_MIN_HEIGHT, OverlayHeader, REGION, TILE_HEIGHT, Tile, contact_sheet,
    image_regions, render_side,
};
use eidscope_model::{BoundingBox, EntryKind, Feature};
use image::{DynamicImage, Rgb, RgbImage};

fn feature(
    name: &str,
    found: Option<bool>,
    side: Option<&str>,
    bbox: Option<(i64, i64, i64, i64)>,
) -> Feature {
    Feature {
        name: name.to_string(),
        name_raw: name.to_string(),
        found,
        side: side.map(str::to_string),
        bbox: bbox.map(|(x, y, width, height)| BoundingBox {
            x,
            y,
            width,
            height,
        }),
    }
}

/// Every case the overlay must tell apart, on a 320x200 front and back.
fn features() -> Vec<Feature> {
    vec![
        feature("Photo", Some(true), Some("data"), Some((16, 40, 96, 130))),
        feature("Header", Some(true), Some("front"), Some((130, 6, 160, 24))),
        feature("OVI 1", Some(false), Some("data"), Some((150, 120, 60, 40))),
        feature("Hologram", Some(false), Some("data"), None),
        feature("Chip", Some(true), Some("data"), Some((260, 150, 100, 80))),
        feature("Flag", None, Some("data"), Some((400, 10, 20, 20))),
        feature("Stamp", Some(true), Some("data"), Some((10, 10, 0, 5))),
        feature(
            "Signature",
            Some(true),
            Some("back"),
            Some((20, 120, 120, 50)),
        ),
        feature(
            "Barcode",
            Some(false),
            Some("back"),
            Some((180, 20, 120, 160)),
        ),
        feature("Badge", Some(true), Some("side-x"), Some((5, 5, 10, 10))),
    ]
}

fn header() -> OverlayHeader {
    OverlayHeader {
        similarity: Some("high".into()),
        liveness: Some(true),
        reported_status: Some("accepted".into()),
        derived_status: "inconclusive".into(),
        title: "synthetic bundle 0001 - front".into(),
    }
}

fn count(image: &RgbImage, colour: [u8; 3]) -> usize {
    image.pixels().filter(|p| **p == Rgb(colour)).count()
}

const GREEN: [u8; 3] = [40, 200, 80];
const RED: [u8; 3] = [235, 50, 50];
const MAGENTA: [u8; 3] = [255, 0, 255];

#[test]
fn front_overlay_matches_golden() {
    let image = DynamicImage::ImageRgb8(drawn_document(0));
    let out = render_side(&image, EntryKind::Front, &features(), &header(), &[]);
    assert_eq!(out.width(), 320);
    assert!(out.height() > 200);
    assert!(count(&out, GREEN) > 0 && count(&out, RED) > 0 && count(&out, MAGENTA) > 0);
    golden::check("front_overlay", &out);
}

#[test]
fn a_pasted_photo_is_boxed_on_the_overlay() {
    // A page saved at 75, a photo pasted at (64, 96) 160x128, saved again at 85: the double
    // compression map boxes the photo, and the overlay draws the box in cyan.
    let truth = (64, 96, 160, 128);
    let bytes = pasted_jpeg(75, 85, truth);
    let info = analyse_image("front.jpeg", &bytes, true);
    let regions = image_regions(&info);
    assert_eq!(regions.len(), 1, "{:?}", info.double_compression);
    let b = regions[0].bbox;
    let (w, h) = (
        (b.x + b.width).min(64 + 160) - b.x.max(64),
        (b.y + b.height).min(96 + 128) - b.y.max(96),
    );
    let both = (w.max(0) * h.max(0)) as f64;
    let iou = both / ((b.width * b.height + 160 * 128) as f64 - both);
    assert!(iou >= 0.5, "{b:?} against {truth:?}: IoU {iou:.2}");
    let image = image::load_from_memory(&bytes).expect("decodes");
    let out = render_side(&image, EntryKind::Front, &features(), &header(), &regions);
    assert!(count(&out, REGION.0) > 0);
    golden::check("region_overlay", &out);
}

#[test]
fn back_overlay_matches_golden() {
    let image = DynamicImage::ImageRgb8(drawn_document(1));
    let mut head = header();
    head.title = "synthetic bundle 0001 - back".into();
    head.liveness = Some(false);
    head.similarity = None;
    let out = render_side(&image, EntryKind::Back, &features(), &head, &[]);
    // Nothing is out of bounds on the back.
    assert_eq!(count(&out, MAGENTA), 0);
    golden::check("back_overlay", &out);
}

#[test]
fn a_side_without_features_gets_no_box() {
    let image = DynamicImage::ImageRgb8(drawn_bands());
    let head = OverlayHeader {
        derived_status: "pending".into(),
        ..OverlayHeader::default()
    };
    let out = render_side(&image, EntryKind::Selfie, &features(), &head, &[]);
    // A neutral header, and no box, swatch or OUT tag anywhere.
    for colour in [GREEN, RED, MAGENTA] {
        assert_eq!(count(&out, colour), 0, "{colour:?}");
    }
}

#[test]
fn large_images_are_scaled_down_and_hostile_boxes_survive() {
    let image = DynamicImage::new_rgb8(4000, 3000);
    let hostile = vec![
        feature(
            "max",
            Some(true),
            Some("data"),
            Some((i64::MAX, i64::MAX, i64::MAX, i64::MAX)),
        ),
        feature(
            "min",
            Some(false),
            Some("data"),
            Some((i64::MIN, i64::MIN, i64::MAX, i64::MAX)),
        ),
        feature("all", None, Some("data"), Some((-10, -10, 5000, 4000))),
    ];
    let out = render_side(&image, EntryKind::Front, &hostile, &header(), &[]);
    assert_eq!(out.width(), 1600);
    assert!(count(&out, MAGENTA) > 0);
}

#[test]
fn contact_sheet_matches_golden() {
    let selfie = RgbImage::from_fn(150, 200, |x, y| {
        let d = (x as i32 - 75).pow(2) + (y as i32 - 90).pow(2);
        if d < 2500 {
            Rgb([210, 170, 140])
        } else {
            Rgb([60, 80, 100])
        }
    });
    let frame = RgbImage::from_fn(160, 120, |x, y| {
        if (40..120).contains(&x) && (20..100).contains(&y) {
            Rgb([200, 160, 130])
        } else {
            Rgb([30, 30, 30])
        }
    });
    let lead = Tile::picture(
        "front: feature overlay",
        DynamicImage::ImageRgb8(drawn_document(0)),
    );
    let tiles = vec![
        Tile::picture("back", DynamicImage::ImageRgb8(drawn_document(1))),
        Tile::picture("selfie", DynamicImage::ImageRgb8(selfie)),
        Tile::undecodable("portrait", "invalid JPEG marker at byte 2"),
        Tile::picture("video 0.40 s", DynamicImage::ImageRgb8(frame)),
    ];
    let sheet = contact_sheet(Some(&lead), &tiles);
    golden::check("contact_sheet", &sheet);
    // The lead is the largest tile: drawn at its own height within [LEAD_MIN_HEIGHT,
    // LEAD_HEIGHT], the others at the tile height below it.
    let lead_height = drawn_document(0)
        .height()
        .clamp(LEAD_MIN_HEIGHT, LEAD_HEIGHT);
    assert!(lead_height > TILE_HEIGHT);
    assert!(sheet.height() >= lead_height + TILE_HEIGHT + 2 * 24);
    // The undecodable portrait is a tile in red, not a gap.
    assert!(sheet.pixels().any(|p| p.0 == [48, 20, 20]));
    assert_eq!(contact_sheet(None, &[]).width(), 320);
}
