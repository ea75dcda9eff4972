//! The reduced picture the coefficient reader makes (`read_scan`, for the perceptual hashes)
//! against libjpeg-turbo's own scaled decode: the same pixels, byte for byte, on pictures of
//! every sampling, size, quality and restart interval it takes, from two encoders and on the
//! real specimen pages; and never a picture where libjpeg would warn, fail or decode otherwise
//! (damaged copies: whenever the reader offers a picture, libjpeg decodes the same bytes cleanly
//! to the same pixels).

#![allow(clippy::unwrap_used)]

mod common;

use common::{TURBO_SAMPLINGS, compress_rgb, encoded, picture, turbo};
use eidscope_media::jpeg::coefficients::read_scan;
use proptest::prelude::*;
use std::path::PathBuf;

/// libjpeg-turbo's RGB decode at `eighths`/8 of the full size, or its error or warning.
fn libjpeg(bytes: &[u8], eighths: usize) -> Result<(usize, usize, Vec<u8>), String> {
    let mut decompressor = turbojpeg::Decompressor::new().unwrap();
    let header = decompressor.read_header(bytes).map_err(|e| e.to_string())?;
    let width = (header.width * eighths).div_ceil(8);
    let height = (header.height * eighths).div_ceil(8);
    let mut pixels = vec![0u8; width * height * 3];
    let output = turbojpeg::Image {
        pixels: pixels.as_mut_slice(),
        width,
        pitch: 3 * width,
        height,
        format: turbojpeg::PixelFormat::RGB,
    };
    decompressor
        .decompress(bytes, output)
        .map_err(|e| e.to_string())?;
    Ok((width, height, pixels))
}

/// The reader's picture equals libjpeg's, pixel for pixel.
fn assert_same_as_libjpeg(bytes: &[u8], eighths: usize, what: &str) {
    let ours = read_scan(bytes, Some(eighths))
        .unwrap_or_else(|e| panic!("{what}: {e}"))
        .reduced
        .unwrap_or_else(|e| panic!("{what}: not reduced: {e}"));
    let (width, height, theirs) = libjpeg(bytes, eighths).unwrap();
    assert_eq!(
        (ours.width() as usize, ours.height() as usize),
        (width, height),
        "{what}: size"
    );
    if let Some(i) = (0..theirs.len()).find(|&i| ours.as_raw()[i] != theirs[i]) {
        let pixel = i / 3;
        panic!(
            "{what}: pixel ({}, {}) channel {} is {} against libjpeg's {}",
            pixel % width,
            pixel / width,
            i % 3,
            ours.as_raw()[i],
            theirs[i]
        );
    }
}

#[test]
fn libjpeg_turbo_pictures_reduce_to_libjpegs_pixels() {
    use turbojpeg::Subsamp;
    for (width, height) in [
        (640, 450),
        (641, 449),
        (505, 90),
        (1000, 7),
        (1, 1),
        (33, 517),
    ] {
        for subsamp in TURBO_SAMPLINGS {
            for quality in [50, 75, 92, 100] {
                let bytes = turbo(width, height, 11, quality, subsamp);
                let what = format!("{width}x{height} {subsamp:?} q{quality}");
                assert_same_as_libjpeg(&bytes, 1, &format!("{what} 1/8"));
                if matches!(subsamp, Subsamp::None | Subsamp::Gray) {
                    assert_same_as_libjpeg(&bytes, 2, &format!("{what} 1/4"));
                }
            }
        }
    }
}

/// Saturated colours and hard edges: the colour conversion's and the IDCT's clamps.
#[test]
fn saturated_colours_and_hard_edges_reduce_to_libjpegs_pixels() {
    use turbojpeg::Subsamp;
    let (width, height) = (256, 200);
    let mut pixels = Vec::with_capacity(width * height * 3);
    for y in 0..height {
        for x in 0..width {
            let colour: [u8; 3] = match (x / 5 + y / 3) % 8 {
                0 => [255, 0, 0],
                1 => [0, 0, 255],
                2 => [255, 255, 255],
                3 => [0, 0, 0],
                4 => [0, 255, 0],
                5 => [255, 0, 255],
                6 => [255, 255, 0],
                _ => [(x * 7) as u8, (y * 13) as u8, ((x ^ y) * 3) as u8],
            };
            pixels.extend_from_slice(&colour);
        }
    }
    for subsamp in [Subsamp::None, Subsamp::Sub2x1, Subsamp::Sub2x2] {
        for quality in [10, 60, 100] {
            let bytes = compress_rgb(&pixels, width, height, quality, subsamp);
            let what = format!("{subsamp:?} q{quality}");
            assert_same_as_libjpeg(&bytes, 1, &what);
            if subsamp == Subsamp::None {
                assert_same_as_libjpeg(&bytes, 2, &format!("{what} 1/4"));
            }
        }
    }
}

#[test]
fn restart_intervals_and_jpeg_encoders_files_reduce_to_libjpegs_pixels() {
    use jpeg_encoder::SamplingFactor::*;
    for sampling in [None, Some(F_1_1), Some(F_2_2), Some(F_2_1)] {
        for restart in [0, 1, 3, 16] {
            let bytes = encoded(203, 131, 3, 85, sampling, restart);
            let what = format!("{sampling:?} restart {restart}");
            assert_same_as_libjpeg(&bytes, 1, &what);
            if matches!(sampling, None | Some(F_1_1)) {
                assert_same_as_libjpeg(&bytes, 2, &format!("{what} 1/4"));
            }
        }
    }
}

#[test]
fn the_real_specimen_pages_reduce_to_libjpegs_pixels() {
    let material = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/material");
    let Ok(entries) = std::fs::read_dir(&material) else {
        eprintln!("skipped: {} is absent", material.display());
        return;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "jpg") {
            let bytes = std::fs::read(&path).unwrap();
            assert_same_as_libjpeg(&bytes, 1, &path.display().to_string());
        }
    }
}

#[test]
fn kinds_libjpeg_decodes_otherwise_are_not_reduced() {
    use jpeg_encoder::SamplingFactor::*;
    let reduced = |bytes: &[u8], eighths: usize| read_scan(bytes, Some(eighths)).unwrap().reduced;
    // 4:4:0 and 4:1:1 (upsampled in libjpeg), 4:2:0 at 1/4 (a 4x4 chroma IDCT).
    assert!(reduced(&encoded(64, 48, 1, 80, Some(F_1_2), 0), 1).is_err());
    assert!(reduced(&encoded(64, 48, 1, 80, Some(F_4_1), 0), 1).is_err());
    assert!(reduced(&encoded(64, 48, 1, 80, Some(F_2_2), 0), 2).is_err());
    assert!(reduced(&encoded(64, 48, 1, 80, Some(F_2_2), 0), 3).is_err());
    // Not asked.
    let bytes = turbo(64, 48, 1, 80, turbojpeg::Subsamp::None);
    assert!(read_scan(&bytes, None).unwrap().reduced.is_err());
    // An Adobe marker (a colour transform libjpeg follows), a JFIF 2.0 marker (a warning),
    // bytes between the scan and the end-of-image marker (a warning), no end-of-image marker.
    let with_segment = |segment: &[u8]| {
        let mut out = bytes[..2].to_vec();
        out.extend_from_slice(segment);
        out.extend_from_slice(&bytes[2..]);
        out
    };
    let adobe = with_segment(b"\xFF\xEE\x00\x0EAdobe\x00\x64\x00\x00\x00\x00\x00");
    assert!(reduced(&adobe, 1).is_err());
    let jfif2 = with_segment(b"\xFF\xE0\x00\x10JFIF\x00\x02\x01\x00\x00\x01\x00\x01\x00\x00");
    assert!(reduced(&jfif2, 1).is_err());
    let mut extraneous = bytes[..bytes.len() - 2].to_vec();
    extraneous.extend_from_slice(b"\x12\x34\xFF\xD9");
    // (libjpeg warns about such bytes unless its bit buffer took them in already: the
    // reader is the stricter of the two.)
    assert!(reduced(&extraneous, 1).is_err());
    assert!(reduced(&bytes[..bytes.len() - 2], 1).is_err());
    // Huffman tables libjpeg refuses: a used DC table whose last code is all ones (one more
    // 9-bit code in the standard luminance table: the data still decodes), and a table of
    // more than 256 symbols (even unused).
    let dht = bytes
        .windows(5)
        .position(|w| w == [0xFF, 0xC4, 0x00, 0x1F, 0x00])
        .unwrap();
    let mut all_ones = bytes.clone();
    all_ones[dht + 3] += 1;
    all_ones[dht + 5 + 8] += 1;
    all_ones.insert(dht + 5 + 16 + 12, 0x0B);
    assert!(libjpeg(&all_ones, 1).is_err(), "libjpeg refuses the table");
    assert!(read_scan(&all_ones, Some(1)).unwrap().reduced.is_err());
    let mut many = vec![0x13u8];
    many.extend_from_slice(&[0; 14]);
    many.extend_from_slice(&[2, 255]);
    many.extend((0..257).map(|i| i as u8));
    let length = u16::try_from(many.len() + 2).unwrap().to_be_bytes();
    let mut segment = vec![0xFF, 0xC4, length[0], length[1]];
    segment.extend_from_slice(&many);
    let too_many = with_segment(&segment);
    assert!(libjpeg(&too_many, 1).is_err(), "libjpeg refuses the table");
    assert!(reduced(&too_many, 1).is_err());
    // The file itself, and with fill bytes before its end-of-image marker, is reduced.
    assert!(reduced(&bytes, 1).is_ok());
    let mut filled = bytes[..bytes.len() - 2].to_vec();
    filled.extend_from_slice(b"\xFF\xFF\xFF\xD9");
    assert_same_as_libjpeg(&filled, 1, "fill bytes");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn any_size_quality_and_sampling_reduces_to_libjpegs_pixels(
        width in 1usize..300,
        height in 1usize..220,
        quality in 5i32..=100,
        sampling in 0usize..4,
        seed in any::<u64>(),
    ) {
        use turbojpeg::Subsamp;
        let subsamp = [Subsamp::None, Subsamp::Sub2x1, Subsamp::Sub2x2, Subsamp::Gray][sampling];
        let bytes = turbo(width, height, seed, quality, subsamp);
        let what = format!("{width}x{height} {subsamp:?} q{quality}");
        assert_same_as_libjpeg(&bytes, 1, &what);
        if matches!(subsamp, Subsamp::None | Subsamp::Gray) {
            assert_same_as_libjpeg(&bytes, 2, &format!("{what} 1/4"));
        }
    }

    /// The invariant the hashes rely on: a picture is offered only where libjpeg decodes the
    /// same bytes cleanly (no warning, no error) to the same pixels.
    #[test]
    fn a_damaged_copy_is_reduced_only_where_libjpeg_decodes_it_cleanly_alike(
        base in 0usize..5,
        cut in 0usize..6000,
        flips in proptest::collection::vec((0usize..6000, any::<u8>()), 0..4),
    ) {
        let mut bytes = damage_bases().swap_remove(base);
        for (at, value) in flips {
            let at = at % bytes.len();
            bytes[at] = value;
        }
        bytes.truncate(cut.min(bytes.len()).max(2));
        let checked = offered_only_where_libjpeg_is_clean(&bytes, 1);
        prop_assert!(checked.is_ok(), "{:?}", checked.err());
    }
}

/// The pictures the damaged-copy checks start from: every sampling the reader reduces, restart
/// intervals, grey at a low quality.
fn damage_bases() -> Vec<Vec<u8>> {
    use jpeg_encoder::SamplingFactor::*;
    vec![
        turbo(120, 80, 5, 75, turbojpeg::Subsamp::Sub2x2),
        encoded(96, 64, 1, 80, Some(F_2_1), 2),
        encoded(80, 72, 2, 90, Some(F_1_1), 0),
        turbo(64, 64, 9, 30, turbojpeg::Subsamp::Gray),
        turbo(200, 64, 3, 60, turbojpeg::Subsamp::None),
    ]
}

/// Whether the reader offered a picture at `eighths` and whether libjpeg decodes the bytes
/// cleanly; an error where the reader offered a picture libjpeg does not decode cleanly to the
/// same pixels.
fn offered_only_where_libjpeg_is_clean(
    bytes: &[u8],
    eighths: usize,
) -> Result<(bool, bool), String> {
    let ours = read_scan(bytes, Some(eighths))
        .ok()
        .and_then(|scan| scan.reduced.ok());
    let theirs = libjpeg(bytes, eighths);
    match (ours, &theirs) {
        (Some(_), Err(e)) => Err(format!("reduced at {eighths}/8, but libjpeg says {e}")),
        (Some(ours), Ok((_, _, theirs))) if ours.as_raw() != theirs => Err(format!(
            "reduced at {eighths}/8 to other pixels than libjpeg's"
        )),
        (ours, theirs) => Ok((ours.is_some(), theirs.is_ok())),
    }
}

/// The long run of the damaged-copy check quoted in benches/RESULTS.md (section speed5):
/// `cargo test --release -p eidscope-media --test reduced -- --ignored --nocapture`
/// (`REDUCED_DAMAGED_COPIES`, 100,000 by default). Half the copies are damaged in their first
/// 700 bytes (the headers), half anywhere; 1/4 is tried on the 4:4:4 and grey pictures.
#[test]
#[ignore = "a long run (seconds in release, minutes in debug): run it with --ignored"]
fn many_damaged_copies_are_reduced_only_where_libjpeg_decodes_them_cleanly_alike() {
    let copies: usize = std::env::var("REDUCED_DAMAGED_COPIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let bases = damage_bases();
    let mut state = 987_654u64;
    let mut random = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize
    };
    let (mut offered, mut declined_clean) = (0, 0);
    for _ in 0..copies {
        let base = random() % bases.len();
        let mut bytes = bases[base].clone();
        let span = if random() % 2 == 0 {
            bytes.len().min(700)
        } else {
            bytes.len()
        };
        for _ in 0..random() % 3 + 1 {
            let at = random() % span;
            bytes[at] = if random() % 4 == 0 {
                0xFF
            } else {
                random() as u8
            };
        }
        if random() % 5 == 0 {
            let cut = random() % bytes.len();
            bytes.truncate(cut.max(2));
        }
        let eighths = if base >= 3 && random() % 2 == 0 { 2 } else { 1 };
        match offered_only_where_libjpeg_is_clean(&bytes, eighths) {
            Ok((true, _)) => offered += 1,
            Ok((false, true)) => declined_clean += 1,
            Ok((false, false)) => {}
            Err(e) => panic!("base {base}: {e}"),
        }
    }
    eprintln!(
        "{copies} damaged copies: {offered} reduced, each as libjpeg decodes it; \
         {declined_clean} declined that libjpeg decodes cleanly"
    );
}

#[test]
fn the_shared_test_picture_is_what_the_encoders_were_given() {
    // Guards the helpers: three bytes a pixel.
    assert_eq!(picture(7, 5, 1).len(), 7 * 5 * 3);
}
