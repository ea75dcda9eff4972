//! The hot paths of one bundle, one function each, so a regression shows where it is: open and
//! normalise a bundle (zip, JSON, status), the JPEG headers and EXIF, decode-and-hash one
//! picture (the one walk of the scan that gives the coefficients and the 1/8 picture, against
//! libjpeg-turbo's reduced-scale decode it replaced and the full decode overlays use), and the
//! video probe. Inputs are synthetic bundles written once (`eidscope-synth`, seeded).

use criterion::{Criterion, SamplingMode};
use eidscope_benches::SampleBundle;
use eidscope_media::decode::{DecodeLimits, decode_image};
use eidscope_media::hash::{preview_dhash, preview_phash};
use eidscope_media::image_info::analyse_image;
use eidscope_media::jpeg::coefficients::read_scan;
use eidscope_media::preview::jpeg_preview;
use eidscope_media::video::{VideoLimits, probe_video};
use eidscope_model::EntryKind;
use eidscope_pipeline::Level;
use std::hint::black_box;
use std::time::Duration;

fn bench(c: &mut Criterion) {
    let sample = SampleBundle::new();
    let (zip, entry) = (&sample.zip, |kind| sample.entry(kind));
    let mut group = c.benchmark_group("bundle");
    group
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(500));
    for level in [Level::Meta, Level::Media] {
        group.bench_function(format!("open/{}", level.as_str()), |b| {
            b.iter(|| eidscope_pipeline::open(black_box(zip), None, level).map(|b| b.notes.len()));
        });
    }
    let front = entry(EntryKind::Front);
    group.bench_function("jpeg-headers-exif/front", |b| {
        b.iter(|| {
            analyse_image(&front.name, black_box(&front.bytes), false)
                .segments
                .len()
        });
    });
    for kind in [EntryKind::Front, EntryKind::Selfie, EntryKind::Portrait] {
        let data = entry(kind);
        group.bench_function(format!("decode-and-hash/{}", kind.file_name()), |b| {
            b.iter(|| analyse_image(&data.name, black_box(&data.bytes), true).dhash);
        });
    }
    let preview = jpeg_preview(&front.bytes, DecodeLimits::DEFAULT).expect("a clean JPEG");
    group.bench_function("preview/front.jpeg", |b| {
        b.iter(|| jpeg_preview(black_box(&front.bytes), DecodeLimits::DEFAULT).map(|p| p.width));
    });
    group.bench_function("scan-with-reduced-picture/front.jpeg", |b| {
        b.iter(|| read_scan(black_box(&front.bytes), Some(1)).map(|s| s.reduced.is_ok()));
    });
    group.bench_function("scan-coefficients-only/front.jpeg", |b| {
        b.iter(|| read_scan(black_box(&front.bytes), None).map(|s| s.luma.columns));
    });
    group.bench_function("hashes-of-preview/front.jpeg", |b| {
        b.iter(|| {
            (
                preview_dhash(black_box(&preview.grey)),
                preview_phash(&preview.grey),
            )
        });
    });
    group.bench_function("full-decode/front.jpeg", |b| {
        b.iter(|| decode_image(black_box(&front.bytes)).map(|i| i.width()));
    });
    let video = entry(EntryKind::Video);
    group.bench_function("probe-video", |b| {
        b.iter(|| {
            probe_video(
                &video.name,
                black_box(&video.bytes),
                &VideoLimits::default(),
                0,
            )
            .0
        });
    });
    group.finish();
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    bench(&mut criterion);
    criterion.final_summary();
}
