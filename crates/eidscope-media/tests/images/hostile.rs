//! Broken and hostile bytes: reported, never a panic, never a big allocation.

use crate::support::document_jpeg;
use eidscope_media::MediaError;
use eidscope_media::decode::decode_image;
use eidscope_media::image_info::analyse_image;
use proptest::prelude::*;

#[test]
fn jpeg_cut_at_half_is_reported_truncated() {
    let bytes = document_jpeg(90);
    let cut = &bytes[..bytes.len() / 2];
    let info = analyse_image("front.jpeg", cut, true);
    assert_eq!(info.decoded, Some(false));
    let error = info.decode_error.expect("a reason");
    assert!(
        error.contains("scan data ends before the end-of-image marker"),
        "{error}"
    );
    assert_eq!((info.width, info.height), (Some(320), Some(200)));
    assert_eq!(info.dhash, None);

    // Without a decode the marker walk alone tells.
    let header_only = analyse_image("front.jpeg", cut, false);
    assert_eq!(header_only.decoded, None);
    assert!(header_only.structure_error.is_some());
}

#[test]
fn jpeg_without_eoi_is_reported() {
    let bytes = document_jpeg(90);
    let info = analyse_image("front.jpeg", &bytes[..bytes.len() - 2], true);
    assert_eq!(info.decoded, Some(false));
    assert!(info.structure_error.is_some());
}

/// Sets the frame size in the SOF0 header.
fn with_frame_size(mut bytes: Vec<u8>, width: u16, height: u16) -> Vec<u8> {
    let sof = bytes
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("SOF0");
    bytes[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
    bytes[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
    bytes
}

#[test]
fn huge_declared_size_hits_the_limit_before_any_buffer() {
    let bytes = with_frame_size(document_jpeg(90), 65535, 65535);
    // 65535 x 65535 x 3 bytes would be 12 GiB: the limits refuse it before allocating.
    match decode_image(&bytes) {
        Err(MediaError::Limit(_)) => {}
        other => panic!("expected a limit error, got {other:?}"),
    }
    let info = analyse_image("front.jpeg", &bytes, true);
    assert_eq!((info.width, info.height), (Some(65535), Some(65535)));
    assert_eq!(info.decoded, Some(false));
    assert!(info.decode_error.expect("a reason").contains("limit"));
}

#[test]
fn bytes_after_eoi_are_counted() {
    let mut bytes = document_jpeg(90);
    bytes.extend_from_slice(b"hidden payload");
    let info = analyse_image("front.jpeg", &bytes, true);
    assert_eq!(info.trailing_bytes, Some(14));
    assert_eq!(info.decoded, Some(true));
}

#[test]
fn non_images_are_named_and_not_decoded() {
    let info = analyse_image("selfie.jpeg", b"{\"not\": \"an image\"}", true);
    assert_eq!(info.format, "unknown");
    assert_eq!(info.decoded, Some(false));
    assert!(info.width.is_none() && info.segments.is_empty());
    let empty = analyse_image("selfie.jpeg", b"", true);
    assert_eq!(empty.decoded, Some(false));
}

#[test]
fn png_is_measured_and_decoded() {
    let image = image::DynamicImage::ImageRgb8(crate::support::drawn_bands());
    let mut bytes = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut bytes, image::ImageFormat::Png)
        .expect("encodes");
    let bytes = bytes.into_inner();
    let info = analyse_image("portrait.jpeg", &bytes, true);
    assert_eq!(info.format, "png");
    assert_eq!(
        (info.width, info.height, info.decoded),
        (Some(320), Some(200), Some(true))
    );
    let cut = analyse_image("portrait.jpeg", &bytes[..bytes.len() - 20], true);
    assert_eq!(cut.decoded, Some(false));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let info = analyse_image("x", &bytes, true);
        prop_assert_eq!(info.size_bytes, bytes.len() as u64);
    }

    #[test]
    fn random_bytes_after_soi_never_panic(tail in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let mut bytes = vec![0xFF, 0xD8, 0xFF];
        bytes.extend(tail);
        let info = analyse_image("x", &bytes, true);
        prop_assert_eq!(info.format.as_str(), "jpeg");
    }

    #[test]
    fn damaged_jpegs_never_panic(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..24),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut bytes = document_jpeg(60);
        for (at, value) in edits {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        let keep = cut.index(bytes.len()).max(bytes.len() / 2);
        let info = analyse_image("x", &bytes[..keep], true);
        prop_assert!(info.decoded.is_some());
    }
}

/// The verdict of a full decode, as `analyse_image` gave it before the reduced-scale decode: a
/// broken marker structure, or a full decode that fails, is not decoded.
fn full_decode_verdict(bytes: &[u8]) -> bool {
    let structure_whole = eidscope_media::jpeg::parse(bytes)
        .map(|s| s.structure_error.is_none())
        .unwrap_or(false);
    structure_whole && decode_image(bytes).is_ok()
}

/// The start of the entropy-coded data of the first scan (after the SOS header).
fn scan_start(bytes: &[u8]) -> usize {
    let sos = bytes
        .windows(2)
        .position(|w| w == [0xFF, 0xDA])
        .expect("SOS");
    sos + 2 + usize::from(u16::from_be_bytes([bytes[sos + 2], bytes[sos + 3]]))
}

#[test]
fn a_bogus_marker_in_the_scan_is_a_decode_warning() {
    let mut bytes = document_jpeg(90);
    let middle = scan_start(&bytes) + (bytes.len() - scan_start(&bytes)) / 2;
    // A restart marker where none is expected: libjpeg resynchronises and warns.
    bytes.splice(middle..middle, [0xFF, 0xD3]);
    let info = analyse_image("front.jpeg", &bytes, true);
    assert!(
        info.decode_warnings
            .iter()
            .any(|w| w.starts_with("Corrupt JPEG data")),
        "{:?}",
        info.decode_warnings
    );
    // The verdict stays the full decode's, as before.
    assert_eq!(info.decoded, Some(full_decode_verdict(&bytes)));
    assert!(
        analyse_image("front.jpeg", &document_jpeg(90), true)
            .decode_warnings
            .is_empty()
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// The reduced-scale decode finds every picture the full decode finds corrupt, and no other.
    #[test]
    fn the_verdict_is_the_full_decodes(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        in_scan in any::<bool>(),
    ) {
        let mut bytes = document_jpeg(75);
        let from = if in_scan { scan_start(&bytes) } else { 0 };
        for (at, value) in edits {
            let i = from + at.index(bytes.len() - from);
            bytes[i] = value;
        }
        let info = analyse_image("front.jpeg", &bytes, true);
        prop_assert_eq!(info.decoded, Some(full_decode_verdict(&bytes)));
    }
}
