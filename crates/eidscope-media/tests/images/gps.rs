//! The GPS position of EXIF: degrees, minutes and seconds with their hemisphere, read into
//! signed degrees; out-of-range or half positions are not positions.

use crate::support::{document_jpeg, with_segment};
use eidscope_media::image_info::analyse_image;
use exif::{Field, In, Rational, Tag, Value};
use std::io::Cursor;

pub fn jpeg_with_gps(latitude: [u32; 3], north: &str, longitude: [u32; 3], east: &str) -> Vec<u8> {
    let dms =
        |v: [u32; 3]| Value::Rational(v.iter().map(|&n| Rational { num: n, denom: 1 }).collect());
    let fields = [
        Field {
            tag: Tag::GPSLatitude,
            ifd_num: In::PRIMARY,
            value: dms(latitude),
        },
        Field {
            tag: Tag::GPSLatitudeRef,
            ifd_num: In::PRIMARY,
            value: Value::Ascii(vec![north.into()]),
        },
        Field {
            tag: Tag::GPSLongitude,
            ifd_num: In::PRIMARY,
            value: dms(longitude),
        },
        Field {
            tag: Tag::GPSLongitudeRef,
            ifd_num: In::PRIMARY,
            value: Value::Ascii(vec![east.into()]),
        },
        Field {
            tag: Tag::GPSAltitude,
            ifd_num: In::PRIMARY,
            value: Value::Rational(vec![Rational { num: 35, denom: 2 }]),
        },
    ];
    let mut writer = exif::experimental::Writer::new();
    for field in &fields {
        writer.push_field(field);
    }
    let mut tiff = Cursor::new(Vec::new());
    writer.write(&mut tiff, false).expect("writes EXIF");
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend(tiff.into_inner());
    with_segment(&document_jpeg(90), 0xE1, &payload)
}

#[test]
fn gps_position_is_signed_degrees() {
    // Oslo: 59° 54' 36" N, 10° 45' 0" E; then the same in the south-west.
    let info = analyse_image(
        "selfie.jpeg",
        &jpeg_with_gps([59, 54, 36], "N", [10, 45, 0], "E"),
        false,
    );
    let gps = info.exif.and_then(|e| e.gps).expect("a position");
    assert!((gps.latitude - 59.91).abs() < 1e-9, "{gps:?}");
    assert!((gps.longitude - 10.75).abs() < 1e-9, "{gps:?}");
    assert_eq!(gps.altitude, Some(17.5));
    let info = analyse_image(
        "selfie.jpeg",
        &jpeg_with_gps([59, 54, 36], "S", [10, 45, 0], "W"),
        false,
    );
    let gps = info.exif.and_then(|e| e.gps).expect("a position");
    assert!(gps.latitude < 0.0 && gps.longitude < 0.0, "{gps:?}");
    let json = serde_json::to_value(analyse_image(
        "s.jpeg",
        &jpeg_with_gps([1, 0, 0], "N", [2, 0, 0], "E"),
        false,
    ))
    .expect("serialises");
    assert_eq!(json["exif"]["gps"]["latitude"], 1.0);
}

#[test]
fn an_impossible_position_is_none() {
    let info = analyse_image(
        "selfie.jpeg",
        &jpeg_with_gps([95, 0, 0], "N", [10, 0, 0], "E"),
        false,
    );
    assert_eq!(info.exif.and_then(|e| e.gps), None);
}
