//! The labelled image set: camera-like JPEGs made here (EXIF written by the test, the three
//! dates equal, the declared size the real one), then re-saved with a later `DateTime`, resized
//! with the EXIF kept, dated away from the capture, given bytes after the end, or damaged in
//! their scan data. Every picture goes through `eidscope_media::analyse_image` and
//! `eidscope_analysis::image_findings`; the detection rate of each check on its class and its
//! false alarms on the genuine pictures are printed (`cargo test -p eidscope-analysis --test
//! image_forensics -- --nocapture`) and bounded by the assertions, which are the figures of
//! docs/image-forensics.md. The real specimen pages in /work/shared/material are checked too
//! (skipped when absent).

mod double_jpeg;
mod thumbnails;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use eidscope_analysis::{Thresholds, image_findings};
use eidscope_media::image_info::analyse_image;
use eidscope_model::{Finding, FindingCode};
use exif::{Field, In, Tag, Value};
use image::codecs::jpeg::JpegEncoder;
use image::{Rgb, RgbImage, imageops::FilterType};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use std::collections::BTreeMap;
use std::io::{Cursor, Write};

/// The day of the verification every picture is compared with.
fn capture_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 10).expect("a date")
}

/// A photo-like scene: smooth light, a few shapes, sensor noise; sides vary with the seed.
fn scene(seed: u64) -> RgbImage {
    let mut rng = SmallRng::seed_from_u64(seed);
    let (w, h) = [(480, 360), (360, 480), (400, 304), (512, 384)][(seed % 4) as usize];
    let (cx, cy, r) = (
        rng.random_range(80..w - 80) as i64,
        rng.random_range(80..h - 80) as i64,
        rng.random_range(30..70) as i64,
    );
    let tint: [u8; 3] = [rng.random(), rng.random(), rng.random()];
    RgbImage::from_fn(w, h, |x, y| {
        let (xi, yi) = (i64::from(x), i64::from(y));
        let light = (120 + (x * 60 / w) + (y * 40 / h)) as i64;
        let inside = (xi - cx).pow(2) + (yi - cy).pow(2) < r * r;
        let band = (x / 37 + y / 53) % 5 == 0;
        let mut px = [0u8; 3];
        for (c, v) in px.iter_mut().enumerate() {
            let base = if inside {
                i64::from(tint[c])
            } else if band {
                light - 50
            } else {
                light
            };
            let noise = i64::from(rng.random_range(0u8..7)) - 3;
            *v = (base + noise).clamp(0, 255) as u8;
        }
        Rgb(px)
    })
}

fn encode(image: &RgbImage, quality: u8) -> Vec<u8> {
    let mut bytes = Vec::new();
    JpegEncoder::new_with_quality(&mut bytes, quality)
        .encode_image(image)
        .expect("encodes");
    bytes
}

/// What a phone writes: make, model, firmware, the three dates from one clock reading with
/// their offset, and the stored size.
struct CameraExif {
    taken: NaiveDateTime,
    modified: NaiveDateTime,
    width: u32,
    height: u32,
}

fn exif_segment(tags: &CameraExif) -> Vec<u8> {
    let ascii = |tag, value: &str| Field {
        tag,
        ifd_num: In::PRIMARY,
        value: Value::Ascii(vec![value.as_bytes().to_vec()]),
    };
    let stamp = |t: NaiveDateTime| t.format("%Y:%m:%d %H:%M:%S").to_string();
    let fields = [
        ascii(Tag::Make, "samsung"),
        ascii(Tag::Model, "SM-G991B"),
        ascii(Tag::Software, "G991BXXU5CVDD"),
        ascii(Tag::DateTime, &stamp(tags.modified)),
        ascii(Tag::DateTimeOriginal, &stamp(tags.taken)),
        ascii(Tag::DateTimeDigitized, &stamp(tags.taken)),
        ascii(Tag::OffsetTime, "+01:00"),
        ascii(Tag::OffsetTimeOriginal, "+01:00"),
        Field {
            tag: Tag::PixelXDimension,
            ifd_num: In::PRIMARY,
            value: Value::Long(vec![tags.width]),
        },
        Field {
            tag: Tag::PixelYDimension,
            ifd_num: In::PRIMARY,
            value: Value::Long(vec![tags.height]),
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
    payload
}

/// Splices a segment in right after SOI.
fn with_segment(jpeg: &[u8], marker: u8, payload: &[u8]) -> Vec<u8> {
    let length = u16::try_from(payload.len() + 2).expect("segment fits");
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, marker]);
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(payload);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// The start of the entropy-coded data of the first scan.
fn scan_start(bytes: &[u8]) -> usize {
    let sos = bytes
        .windows(2)
        .position(|w| w == [0xFF, 0xDA])
        .expect("SOS");
    sos + 2 + usize::from(u16::from_be_bytes([bytes[sos + 2], bytes[sos + 3]]))
}

/// A genuine camera picture, as bytes, with the EXIF that describes it.
fn camera_picture(seed: u64, taken: NaiveDateTime) -> (RgbImage, CameraExif, Vec<u8>) {
    let image = scene(seed);
    let quality = [72, 80, 85, 88, 90, 92, 95, 97][(seed % 8) as usize];
    let exif = CameraExif {
        taken,
        modified: taken,
        width: image.width(),
        height: image.height(),
    };
    let bytes = with_segment(&encode(&image, quality), 0xE1, &exif_segment(&exif));
    (image, exif, bytes)
}

fn taken_on_capture_day(seed: u64) -> NaiveDateTime {
    capture_day()
        .and_hms_opt(7 + (seed % 12) as u32, (seed * 7 % 60) as u32, 0)
        .expect("a time")
}

/// One labelled picture: its class, the finding it must raise (none for genuine ones).
struct Sample {
    class: &'static str,
    expected: Option<FindingCode>,
    bytes: Vec<u8>,
}

fn genuine(seed: u64) -> Sample {
    let (_, _, mut bytes) = camera_picture(seed, taken_on_capture_day(seed));
    match seed % 4 {
        // Zero padding after the end, as some firmware writes.
        1 => bytes.extend(std::iter::repeat_n(0u8, 64 + seed as usize)),
        // A preview the APP2 MPF index names, appended after the main picture.
        2 => {
            bytes = with_segment(&bytes, 0xE2, b"MPF\0II*\0\x08\0\0\0");
            bytes.extend(encode(
                &image::imageops::thumbnail(&scene(seed + 1000), 160, 120),
                70,
            ));
        }
        _ => {}
    }
    Sample {
        class: "genuine",
        expected: None,
        bytes,
    }
}

fn resaved(seed: u64) -> Sample {
    let taken = taken_on_capture_day(seed);
    let (image, mut exif, _) = camera_picture(seed, taken);
    let later = [
        Duration::seconds(90),
        Duration::minutes(10),
        Duration::hours(5),
        Duration::days(40),
    ][(seed % 4) as usize];
    exif.modified = taken + later;
    let quality = [75, 85, 95][(seed % 3) as usize];
    Sample {
        class: "re-saved",
        expected: Some(FindingCode::ImageResaved),
        bytes: with_segment(&encode(&image, quality), 0xE1, &exif_segment(&exif)),
    }
}

fn resized(seed: u64) -> Sample {
    let (image, exif, _) = camera_picture(seed, taken_on_capture_day(seed));
    let factor = [0.5, 0.6, 0.75, 0.95][(seed % 4) as usize];
    let (w, h) = (
        (f64::from(image.width()) * factor) as u32,
        (f64::from(image.height()) * factor) as u32,
    );
    let smaller = image::imageops::resize(&image, w, h, FilterType::Triangle);
    Sample {
        class: "resized",
        expected: Some(FindingCode::ImageResized),
        bytes: with_segment(&encode(&smaller, 88), 0xE1, &exif_segment(&exif)),
    }
}

fn dated_away(seed: u64) -> Sample {
    let shift = [
        Duration::days(-2),
        Duration::days(-30),
        Duration::days(-400),
        Duration::days(-730),
        Duration::days(3),
    ][(seed % 5) as usize];
    let (_, _, bytes) = camera_picture(seed, taken_on_capture_day(seed) + shift);
    Sample {
        class: "dated away",
        expected: Some(FindingCode::ImageDateMismatch),
        bytes,
    }
}

fn with_trailer(seed: u64) -> Sample {
    let (_, _, mut bytes) = camera_picture(seed, taken_on_capture_day(seed));
    match seed % 3 {
        0 => {
            let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
            zip.start_file("payload.txt", zip::write::SimpleFileOptions::default())
                .expect("zip entry");
            zip.write_all(b"hidden").expect("writes");
            bytes.extend(zip.finish().expect("zip").into_inner());
        }
        1 => bytes.extend(encode(&scene(seed + 2000), 80)),
        _ => bytes.extend(b"\x00\x00hidden text appended by hand"),
    }
    Sample {
        class: "trailing data",
        expected: Some(FindingCode::ImageTrailingData),
        bytes,
    }
}

fn damaged(seed: u64) -> Sample {
    let (_, _, mut bytes) = camera_picture(seed, taken_on_capture_day(seed));
    let mut rng = SmallRng::seed_from_u64(seed);
    let start = scan_start(&bytes);
    let at = rng.random_range(start + 100..bytes.len() - 200);
    if seed.is_multiple_of(2) {
        // A marker code no encoder writes in a scan (the FF 9F).
        let code = rng.random_range(0x02u8..=0xBF);
        bytes.splice(at..at, [0xFF, code]);
    } else {
        // Sixteen bytes of the scan overwritten (a bad sector, a careless splice).
        for byte in &mut bytes[at..at + 16] {
            *byte = rng.random_range(0..0xFF);
        }
    }
    Sample {
        class: if seed.is_multiple_of(2) {
            "bogus marker"
        } else {
            "overwritten scan"
        },
        expected: Some(FindingCode::MediaCorrupt),
        bytes,
    }
}

/// Makes the labelled picture of a seed.
type Maker = fn(u64) -> Sample;

fn codes(bytes: &[u8]) -> Vec<FindingCode> {
    let info = analyse_image("selfie.jpeg", bytes, true);
    image_findings(&info, Some(capture_day()), &Thresholds::default())
        .iter()
        .map(|f: &Finding| f.code)
        .collect()
}

#[test]
fn labelled_set_rates() {
    let makers: [(Maker, u64); 6] = [
        (genuine, 40),
        (resaved, 16),
        (resized, 16),
        (dated_away, 15),
        (with_trailer, 15),
        (damaged, 40),
    ];
    // Per class: (pictures, caught by the expected code); per code: the genuine it flags.
    let mut caught: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut false_alarms: BTreeMap<FindingCode, usize> = BTreeMap::new();
    let mut stray: Vec<String> = Vec::new();
    let mut genuine_count = 0;
    for (make, count) in makers {
        for seed in 0..count {
            let sample = make(seed);
            let found = codes(&sample.bytes);
            let row = caught.entry(sample.class).or_default();
            row.0 += 1;
            match sample.expected {
                Some(code) => {
                    row.1 += usize::from(found.contains(&code));
                    // Another check firing on a tampered picture is a false alarm too.
                    // A re-encoded picture is compressed twice: that check may rightly fire.
                    let twice = |c: FindingCode| {
                        c == FindingCode::ImageDoubleCompressed && sample.class == "re-saved"
                    };
                    for other in found.iter().filter(|&&c| c != code && !twice(c)) {
                        stray.push(format!("{} #{seed}: {other}", sample.class));
                    }
                }
                None => {
                    genuine_count += 1;
                    row.1 += usize::from(found.is_empty());
                    for code in found {
                        *false_alarms.entry(code).or_default() += 1;
                    }
                }
            }
        }
    }
    for (class, (total, hits)) in &caught {
        eprintln!("{class:>14}: {hits}/{total} caught (genuine: clean)");
    }
    eprintln!("false alarms on {genuine_count} genuine: {false_alarms:?}");
    eprintln!("other checks on tampered pictures: {stray:?}");
    assert!(false_alarms.is_empty(), "{false_alarms:?}");
    assert!(stray.is_empty(), "{stray:?}");
    for class in [
        "genuine",
        "re-saved",
        "resized",
        "dated away",
        "trailing data",
        "bogus marker",
    ] {
        let (total, hits) = caught[class];
        assert_eq!(hits, total, "{class}");
    }
    // Overwritten scan bytes are caught when libjpeg's Huffman decoder trips on them; a
    // change that still decodes as valid codes is invisible to any structural check.
    let (total, hits) = caught["overwritten scan"];
    assert!(hits * 10 >= total * 6, "overwritten scan: {hits}/{total}");
}

#[test]
fn a_bogus_marker_in_the_scan_is_corruption_not_segments() {
    let (_, _, mut bytes) = camera_picture(3, taken_on_capture_day(3));
    let middle = scan_start(&bytes) + (bytes.len() - scan_start(&bytes)) / 2;
    bytes.splice(middle..middle, [0xFF, 0x9F]);
    let info = analyse_image("front.jpeg", &bytes, true);
    assert_eq!(info.scan_errors.len(), 1, "{:?}", info.scan_errors);
    assert!(info.scan_errors[0].starts_with("marker code 0x9F inside the scan data"));
    assert!(
        !info.segments.iter().any(|s| s.contains("0x9F")),
        "{:?}",
        info.segments
    );
    assert_eq!(info.segments.last().map(String::as_str), Some("EOI"));
    let findings = image_findings(&info, None, &Thresholds::default());
    assert_eq!(findings[0].code, FindingCode::MediaCorrupt, "{findings:?}");
    assert!(
        findings[0].message.contains("0x9F"),
        "{}",
        findings[0].message
    );
}

#[test]
fn the_three_dates_are_kept_apart() {
    let taken = taken_on_capture_day(1);
    let (image, mut exif, _) = camera_picture(1, taken);
    exif.modified = taken + Duration::days(3);
    let bytes = with_segment(&encode(&image, 90), 0xE1, &exif_segment(&exif));
    let info = analyse_image("selfie.jpeg", &bytes, false);
    let summary = info.exif.as_ref().expect("EXIF");
    let stamp = |t: NaiveDateTime| Some(t.format("%Y:%m:%d %H:%M:%S").to_string());
    assert_eq!(summary.date_time_original, stamp(taken));
    assert_eq!(summary.date_time_digitized, stamp(taken));
    assert_eq!(summary.date_time_modified, stamp(exif.modified));
    assert_eq!(summary.date_taken, stamp(taken));
    assert_eq!(summary.offset_time_original.as_deref(), Some("+01:00"));
    assert_eq!(
        (summary.pixel_width, summary.pixel_height),
        (Some(image.width()), Some(image.height()))
    );
    let findings = image_findings(&info, Some(capture_day()), &Thresholds::default());
    let resaved = findings
        .iter()
        .find(|f| f.code == FindingCode::ImageResaved)
        .expect("image-resaved");
    assert_eq!(resaved.evidence["seconds_after"], 3 * 86_400);
    assert!(
        resaved.message.contains("3 days after"),
        "{}",
        resaved.message
    );
}

#[test]
fn trailers_are_named() {
    use eidscope_media::image_info::trailer_kind;
    use eidscope_model::media::TrailerKind;
    let jpeg = encode(&scene(1), 70);
    assert_eq!(trailer_kind(&[0, 0, 0xFF], false), TrailerKind::Padding);
    assert_eq!(trailer_kind(&jpeg, true), TrailerKind::CameraPreview);
    assert_eq!(trailer_kind(&jpeg, false), TrailerKind::Jpeg);
    assert_eq!(trailer_kind(b"PK\x03\x04rest", false), TrailerKind::Zip);
    assert_eq!(
        trailer_kind(b"\0\0\0\x18ftypmp42\0\0", false),
        TrailerKind::CameraMovie
    );
    assert_eq!(trailer_kind(b"junk", false), TrailerKind::Unknown);
}

/// The real specimen pages: none of the metadata checks may fire on them (they carry a
/// Paint.NET mark, which is `edited-image`'s business and stays so).
#[test]
fn specimens_raise_no_provenance_finding() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/material");
    if !dir.is_dir() {
        eprintln!("specimen material absent: skipped");
        return;
    }
    for name in ["passport-td3.jpg", "passport-td2.jpg", "100_pass-uto.jpg"] {
        let Ok(bytes) = std::fs::read(dir.join(name)) else {
            continue;
        };
        let info = analyse_image(name, &bytes, true);
        let found: Vec<FindingCode> =
            image_findings(&info, Some(capture_day()), &Thresholds::default())
                .iter()
                .map(|f| f.code)
                .collect();
        eprintln!(
            "{name}: {found:?} exif {:?} quality {:?} trailer {:?}",
            info.exif, info.quality, info.trailer
        );
        assert!(
            found.iter().all(|&c| c == FindingCode::EditedImage),
            "{name}: {found:?}"
        );
    }
}

/// A real tool on a camera picture: ImageMagick's `convert -resize 50%` keeps the camera's
/// EXIF (declared size included) and so is `image-resized`; `-quality 80` alone re-saves
/// without stamping `DateTime` and raises nothing (the miss docs/image-forensics.md names).
/// Skipped when ImageMagick is not installed (it is never needed at run time).
#[test]
fn imagemagick_resize_is_caught_and_its_plain_resave_is_not() {
    let temp = tempfile::tempdir().expect("a temporary folder");
    let dir = temp.path();
    let (_, _, bytes) = camera_picture(5, taken_on_capture_day(5));
    let input = dir.join("camera.jpg");
    std::fs::write(&input, &bytes).expect("writes");
    let run = |args: &[&str], out: &str| {
        let output = dir.join(out);
        let status = std::process::Command::new("convert")
            .arg(&input)
            .args(args)
            .arg(&output)
            .status();
        match status {
            Ok(s) if s.success() => std::fs::read(&output).ok(),
            _ => None,
        }
    };
    let Some(resized) = run(&["-resize", "50%"], "resized.jpg") else {
        eprintln!("ImageMagick `convert` absent: skipped");
        return;
    };
    assert!(
        codes(&resized).contains(&FindingCode::ImageResized),
        "{:?}",
        codes(&resized)
    );
    let resaved = run(&["-quality", "80"], "resaved.jpg").expect("convert ran once already");
    assert_eq!(codes(&resaved), [], "a plain re-save keeps the camera EXIF");
}
