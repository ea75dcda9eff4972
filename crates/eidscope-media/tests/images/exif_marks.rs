//! EXIF summary and editor marks on JPEGs built here with the segments in question.

use crate::support::{document_jpeg, exif_tiff, jpeg_with_exif, with_segment};
use eidscope_media::image_info::analyse_image;
use exif::Tag;

#[test]
fn exif_summary_reads_provenance_tags() {
    let thumbnail = document_jpeg(30);
    let mut payload = b"Exif\0\0".to_vec();
    let tags = [
        (Tag::Make, "Canon"),
        (Tag::Model, "Canon EOS R6"),
        (Tag::Software, "Firmware Version 1.8.1"),
        (Tag::DateTimeOriginal, "2024:03:15 10:20:30"),
    ];
    payload.extend(exif_tiff(&tags, 6, Some(&thumbnail)));
    let bytes = with_segment(&document_jpeg(90), 0xE1, &payload);
    let info = analyse_image("front.jpeg", &bytes, false);
    let exif = info.exif.expect("EXIF parsed");
    assert_eq!(exif.make.as_deref(), Some("Canon"));
    assert_eq!(exif.model.as_deref(), Some("Canon EOS R6"));
    assert_eq!(exif.software.as_deref(), Some("Firmware Version 1.8.1"));
    assert_eq!(exif.date_taken.as_deref(), Some("2024:03:15 10:20:30"));
    assert_eq!(exif.orientation, Some(6));
    assert_eq!(exif.thumbnail_bytes, Some(thumbnail.len() as u64));
    assert!(info.editor_marks.is_empty(), "{:?}", info.editor_marks);
    assert_eq!(info.segments.first().map(String::as_str), Some("APP1 Exif"));
}

#[test]
fn photoshop_software_is_an_editor_mark() {
    let bytes = jpeg_with_exif(&[
        (Tag::Make, "Canon"),
        (Tag::Software, "Adobe Photoshop 24.0"),
    ]);
    let info = analyse_image("front.jpeg", &bytes, false);
    assert_eq!(info.editor_marks, ["EXIF Software: Adobe Photoshop 24.0"]);
}

#[test]
fn phone_software_is_not_an_editor_mark() {
    let phones = [
        [(Tag::Make, "Google"), (Tag::Software, "Android")],
        [
            (Tag::Make, "Google"),
            (Tag::Software, "HDR+ 1.0.540104767zd"),
        ],
        [(Tag::Make, "Apple"), (Tag::Software, "iOS 17.1")],
        [(Tag::Make, "samsung"), (Tag::Software, "G998BXXU5CVDD")],
    ];
    for tags in phones {
        let info = analyse_image("selfie.jpeg", &jpeg_with_exif(&tags), false);
        assert!(
            info.editor_marks.is_empty(),
            "{tags:?}: {:?}",
            info.editor_marks
        );
        assert!(info.exif.expect("EXIF").software.is_some());
    }
}

#[test]
fn photoshop_app13_is_an_editor_mark() {
    // Resolution info (0x03ED) and the version info naming the writer (0x0421): Photoshop's.
    let mut payload = b"Photoshop 3.0\0".to_vec();
    payload.extend_from_slice(b"8BIM\x03\xED\0\0\0\0\0\x02\0\0");
    let writer: Vec<u8> = "Adobe Photoshop"
        .encode_utf16()
        .flat_map(u16::to_be_bytes)
        .collect();
    let mut version = vec![0, 0, 0, 1, 1, 0, 0, 0, 15];
    version.extend(&writer);
    payload.extend_from_slice(b"8BIM\x04\x21\0\0");
    payload.extend_from_slice(&u32::try_from(version.len()).expect("small").to_be_bytes());
    payload.extend(&version);
    let info = analyse_image(
        "front.jpeg",
        &with_segment(&document_jpeg(90), 0xED, &payload),
        false,
    );
    assert_eq!(info.editor_marks, ["APP13 Photoshop"]);
    assert_eq!(info.photoshop_writer.as_deref(), Some("Adobe Photoshop"));
    assert!(info.segments.contains(&"APP13 Photoshop".to_string()));
}

#[test]
fn an_iptc_only_app13_is_no_editor_mark() {
    // Only an IPTC record (0x0404): what exiftool, agencies and cameras write.
    let mut payload = b"Photoshop 3.0\0".to_vec();
    payload.extend_from_slice(b"8BIM\x04\x04\0\0\0\0\0\0");
    let info = analyse_image(
        "front.jpeg",
        &with_segment(&document_jpeg(90), 0xED, &payload),
        false,
    );
    assert!(info.editor_marks.is_empty(), "{:?}", info.editor_marks);
    assert_eq!(info.photoshop_writer, None);
    assert!(info.segments.contains(&"APP13 Photoshop".to_string()));
}

#[test]
fn resaving_software_is_a_resave_mark_not_an_edit() {
    for (software, resaved) in [
        ("Windows Photo Gallery 6.0.6001.18000", true),
        ("Nikon Transfer 1.1 W", true),
        ("CAMEDIA Master 4.1", true),
        ("Adobe Photoshop CS6", false),
        ("G991BXXU5CVDD", false),
    ] {
        let info = analyse_image(
            "front.jpeg",
            &jpeg_with_exif(&[(Tag::Software, software)]),
            false,
        );
        assert_eq!(!info.resave_marks.is_empty(), resaved, "{software}");
        if resaved {
            assert_eq!(info.resave_marks, [format!("EXIF Software: {software}")]);
            assert!(info.editor_marks.is_empty(), "{software}");
        }
    }
}

#[test]
fn chroma_subsampling_and_no_icc() {
    let info = analyse_image("front.jpeg", &document_jpeg(90), false);
    assert!(
        matches!(info.chroma_subsampling.as_deref(), Some("4:2:0" | "4:4:4")),
        "{:?}",
        info.chroma_subsampling
    );
    assert_eq!(info.icc_profile, None);
}

#[test]
fn adobe_app14_alone_is_listed_but_not_a_mark() {
    let payload = b"Adobe\0\x64\0\0\0\0\x01";
    let info = analyse_image(
        "front.jpeg",
        &with_segment(&document_jpeg(90), 0xEE, payload),
        true,
    );
    assert!(
        info.segments.contains(&"APP14 Adobe".to_string()),
        "{:?}",
        info.segments
    );
    assert!(info.editor_marks.is_empty());
}

#[test]
fn xmp_creator_tool_of_an_editor_is_a_mark() {
    let mut payload = b"http://ns.adobe.com/xap/1.0/\0".to_vec();
    payload.extend_from_slice(
        br#"<x:xmpmeta><rdf:Description xmp:CreatorTool="GIMP 2.10"/></x:xmpmeta>"#,
    );
    let info = analyse_image(
        "front.jpeg",
        &with_segment(&document_jpeg(90), 0xE1, &payload),
        false,
    );
    assert_eq!(info.editor_marks, ["XMP CreatorTool: GIMP 2.10"]);
    assert!(info.segments.contains(&"APP1 XMP".to_string()));
}

#[test]
fn plain_encoder_output_has_the_usual_segments() {
    let info = analyse_image("front.jpeg", &document_jpeg(75), true);
    assert_eq!(info.format, "jpeg");
    assert_eq!((info.width, info.height), (Some(320), Some(200)));
    for marker in ["DQT", "SOF0", "DHT", "SOS"] {
        assert!(
            info.segments.iter().any(|s| s == marker),
            "{marker} in {:?}",
            info.segments
        );
    }
    assert_eq!(info.segments.last().map(String::as_str), Some("EOI"));
    assert_eq!(info.trailing_bytes, Some(0));
    assert_eq!(info.structure_error, None);
    assert!(info.exif.is_none() && info.editor_marks.is_empty());
    assert_eq!(info.sha256.len(), 64);
}
