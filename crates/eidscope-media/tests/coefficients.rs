//! eidscope-media's own coefficient reader (`jpeg::coefficients`) against the `dct-io` crate it
//! replaced: the same luma coefficients, block for block, on pictures of every sampling, size,
//! quality and restart interval, from two encoders (libjpeg-turbo, which most files come from,
//! and the pure-Rust `jpeg-encoder`, which writes restart intervals); and no panic, only an
//! error, on every cut or damaged copy.

#![allow(clippy::unwrap_used)]

mod common;

use common::{TURBO_SAMPLINGS, encoded, picture, turbo};
use eidscope_media::jpeg::NATURAL_ORDER;
use eidscope_media::jpeg::coefficients::{
    KEPT, LumaCoefficients, Unreadable, read_luma, read_scan,
};
use proptest::prelude::*;

/// dct-io's luma blocks (stored MCU after MCU, `h × v` per MCU, natural order) put in their
/// places and cut to the zigzag positions the reader keeps.
fn reference(bytes: &[u8]) -> LumaCoefficients {
    let coefficients = dct_io::read_coefficients(bytes).unwrap_or_else(|e| panic!("dct-io: {e:?}"));
    let info = dct_io::inspect(bytes).unwrap();
    let luma = &info.components[0];
    let sampling = |pick: fn(&dct_io::ComponentInfo) -> u8| {
        info.components
            .iter()
            .map(|c| usize::from(pick(c)))
            .max()
            .unwrap()
    };
    // A component alone (grey) is one block per MCU whatever its sampling factors say.
    let ((h, v), (max_h, max_v)) = if info.components.len() == 1 {
        ((1, 1), (1, 1))
    } else {
        (
            (usize::from(luma.h_samp), usize::from(luma.v_samp)),
            (sampling(|c| c.h_samp), sampling(|c| c.v_samp)),
        )
    };
    let mcu_columns = usize::from(info.width).div_ceil(max_h * 8);
    let mcu_rows = usize::from(info.height).div_ceil(max_v * 8);
    let (columns, rows) = (mcu_columns * h, mcu_rows * v);
    let blocks = &coefficients.components[0].blocks;
    assert_eq!(blocks.len(), columns * rows, "dct-io's block count");
    let mut placed = vec![[0i16; KEPT]; blocks.len()];
    for (i, block) in blocks.iter().enumerate() {
        let (mcu, within) = (i / (h * v), i % (h * v));
        let column = (mcu % mcu_columns) * h + within % h;
        let row = (mcu / mcu_columns) * v + within / h;
        placed[row * columns + column] =
            std::array::from_fn(|k| block[usize::from(NATURAL_ORDER[k])]);
    }
    LumaCoefficients {
        blocks: placed,
        columns,
        rows,
        width: u32::from(info.width),
        height: u32::from(info.height),
    }
}

fn assert_same_as_dct_io(bytes: &[u8], what: &str) {
    let ours = read_luma(bytes).unwrap_or_else(|e| panic!("{what}: {e}"));
    let theirs = reference(bytes);
    assert_eq!(
        (ours.columns, ours.rows, ours.width, ours.height),
        (theirs.columns, theirs.rows, theirs.width, theirs.height),
        "{what}: grid"
    );
    if let Some(i) = (0..ours.blocks.len()).find(|&i| ours.blocks[i] != theirs.blocks[i]) {
        panic!(
            "{what}: block {i} differs: {:?} against dct-io's {:?}",
            ours.blocks[i], theirs.blocks[i]
        );
    }
}

#[test]
fn libjpeg_turbo_pictures_read_as_dct_io_reads_them() {
    for (width, height) in [
        (640, 450),
        (240, 300),
        (136, 170),
        (17, 9),
        (1, 1),
        (333, 77),
    ] {
        for subsamp in TURBO_SAMPLINGS {
            for quality in [50, 75, 92, 100] {
                let bytes = turbo(width, height, 7, quality, subsamp);
                let what = format!("{width}x{height} {subsamp:?} q{quality}");
                assert_same_as_dct_io(&bytes, &what);
            }
        }
    }
}

#[test]
fn restart_intervals_and_unusual_samplings_read_as_dct_io_reads_them() {
    use jpeg_encoder::SamplingFactor::*;
    for sampling in [None, Some(F_1_1), Some(F_2_2), Some(F_2_1), Some(F_1_2)] {
        for restart in [0, 1, 3, 16] {
            let bytes = encoded(203, 131, 3, 85, sampling, restart);
            assert_same_as_dct_io(&bytes, &format!("{sampling:?} restart {restart}"));
        }
    }
}

/// Each luma block's DC against the mean of its pixels in libjpeg-turbo's decode: for the
/// samplings dct-io cannot read (it fails on 4:1:1 and 4:2:1 with "Truncated").
fn assert_dc_matches_libjpeg(bytes: &[u8], what: &str) {
    let ours = read_luma(bytes).unwrap_or_else(|e| panic!("{what}: {e}"));
    let structure = eidscope_media::jpeg::parse(bytes).unwrap();
    let step = f64::from(structure.quant_tables[0].values[0]);
    let (width, height) = (ours.width as usize, ours.height as usize);
    let mut grey = vec![0u8; width * height];
    let output = turbojpeg::Image {
        pixels: grey.as_mut_slice(),
        width,
        pitch: width,
        height,
        format: turbojpeg::PixelFormat::GRAY,
    };
    turbojpeg::Decompressor::new()
        .unwrap()
        .decompress(bytes, output)
        .unwrap();
    let (mut judged, mut close) = (0, 0);
    for row in 0..height / 8 {
        for column in 0..width / 8 {
            let mut sum = 0.0;
            for y in 0..8 {
                for x in 0..8 {
                    sum += f64::from(grey[(row * 8 + y) * width + column * 8 + x]);
                }
            }
            let dc = f64::from(ours.blocks[row * ours.columns + column][0]);
            judged += 1;
            close += usize::from((dc * step / 8.0 + 128.0 - sum / 64.0).abs() <= 2.0);
        }
    }
    assert!(
        close * 100 >= judged * 97,
        "{what}: {close} of {judged} blocks' DC near their mean"
    );
}

#[test]
fn samplings_dct_io_cannot_read_agree_with_libjpegs_pixels() {
    use jpeg_encoder::SamplingFactor::*;
    for sampling in [F_4_1, F_2_4, F_1_4, F_4_2] {
        for restart in [0, 2] {
            let bytes = encoded(203, 131, 3, 90, Some(sampling), restart);
            assert_dc_matches_libjpeg(&bytes, &format!("{sampling:?} restart {restart}"));
        }
    }
    // The check itself, where dct-io reads the file too.
    assert_dc_matches_libjpeg(&encoded(203, 131, 3, 90, Some(F_2_2), 1), "F_2_2");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn any_size_quality_sampling_and_interval_reads_as_dct_io_reads_it(
        width in 1u16..260,
        height in 1u16..200,
        quality in 20u8..=100,
        sampling in 0usize..5,
        restart in 0u16..6,
        seed in any::<u64>(),
    ) {
        use jpeg_encoder::SamplingFactor::*;
        let sampling = [None, Some(F_1_1), Some(F_2_2), Some(F_2_1), Some(F_1_2)][sampling];
        let bytes = encoded(width, height, seed, quality, sampling, restart);
        assert_same_as_dct_io(&bytes, &format!("{width}x{height} q{quality} {sampling:?} r{restart}"));
    }

    #[test]
    fn damaged_copies_give_an_error_or_coefficients_never_a_panic(
        cut in 0usize..4000,
        flips in proptest::collection::vec((0usize..4000, any::<u8>()), 0..8),
    ) {
        let mut bytes = encoded(96, 64, 1, 80, Some(jpeg_encoder::SamplingFactor::F_2_2), 2);
        for (at, value) in flips {
            let at = at % bytes.len();
            bytes[at] = value;
        }
        bytes.truncate(cut.min(bytes.len()));
        let _ = read_luma(&bytes);
    }
}

#[test]
fn a_cut_scan_is_damaged_and_a_progressive_file_is_not_read() {
    let bytes = turbo(200, 120, 5, 80, turbojpeg::Subsamp::Sub2x2);
    let cut = &bytes[..bytes.len() * 2 / 3];
    assert!(
        matches!(read_luma(cut), Err(Unreadable::Damaged(_))),
        "{:?}",
        read_luma(cut).err()
    );
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, 80);
    encoder.set_progressive(true);
    encoder
        .encode(&picture(64, 64, 1), 64, 64, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    assert!(matches!(read_luma(&out), Err(Unreadable::Unsupported(_))));
}

#[test]
fn a_frame_larger_than_its_data_allocates_nothing() {
    // A 65,535 x 65,535 frame header in front of a few bytes of data.
    let mut bytes = turbo(16, 16, 1, 80, turbojpeg::Subsamp::Gray);
    let sof = bytes.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    bytes[sof + 5..sof + 9].copy_from_slice(&[0xFF, 0xFF, 0xFF, 0xFF]);
    assert!(read_luma(&bytes).is_err());
    // Nor for the reduced picture's planes.
    assert!(read_scan(&bytes, Some(1)).is_err());
}
