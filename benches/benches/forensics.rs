//! What the image forensics of issue 10 cost per picture, against decoding the picture: the
//! full decode (what `overlay` and ELA start from), the JPEG headers and EXIF alone, the whole
//! per-picture analysis of a `media` scan (`analyse_image`: headers, the reduced-scale decode
//! and hashes, the double-compression fit with its region map, the thumbnail check), the
//! double-compression fit and region alone, the luma coefficients it reads (eidscope-media's
//! reader against the `dct-io` crate it replaced), and error level analysis (run only by
//! `overlay --ela` and the report). Inputs: the front and the selfie of a synthetic bundle
//! (`eidscope-synth`, seeded; benches/RESULTS.md has the figures).

use criterion::{Criterion, SamplingMode};
use eidscope_benches::SampleBundle;
use eidscope_media::decode::decode_image;
use eidscope_media::double_jpeg::double_compression;
use eidscope_media::ela::ela_of;
use eidscope_media::image_info::analyse_image;
use eidscope_media::jpeg;
use eidscope_model::EntryKind;
use std::hint::black_box;
use std::time::Duration;

fn bench(c: &mut Criterion) {
    let sample = SampleBundle::new();
    let mut group = c.benchmark_group("forensics");
    group
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(500));
    for kind in [EntryKind::Front, EntryKind::Selfie] {
        let data = sample.entry(kind);
        let name = kind.file_name();
        let structure = jpeg::parse(&data.bytes).expect("a JPEG");
        let luma = structure
            .components
            .first()
            .and_then(|c| structure.quant_tables.iter().find(|t| t.id == c.table_id))
            .expect("a luma table")
            .clone();
        group.bench_function(format!("full-decode/{name}"), |b| {
            b.iter(|| decode_image(black_box(&data.bytes)).map(|i| i.width()));
        });
        group.bench_function(format!("headers-exif/{name}"), |b| {
            b.iter(|| analyse_image(&data.name, black_box(&data.bytes), false).segments);
        });
        group.bench_function(format!("analyse-media/{name}"), |b| {
            b.iter(|| analyse_image(&data.name, black_box(&data.bytes), true).dhash);
        });
        group.bench_function(format!("double-jpeg/{name}"), |b| {
            b.iter(|| double_compression(black_box(&data.bytes), &luma).map(|d| d.fit));
        });
        group.bench_function(format!("coefficients/{name}"), |b| {
            b.iter(|| jpeg::coefficients::read_luma(black_box(&data.bytes)).map(|c| c.columns));
        });
        group.bench_function(format!("dct-io/{name}"), |b| {
            b.iter(|| {
                let blocks =
                    dct_io::read_coefficients(black_box(&data.bytes)).map(|c| c.components.len());
                (
                    blocks,
                    dct_io::inspect(black_box(&data.bytes)).map(|i| i.width),
                )
            });
        });
        group.bench_function(format!("ela/{name}"), |b| {
            b.iter(|| ela_of(black_box(&data.bytes)).map(|(_, s)| s.mean));
        });
    }
    group.finish();
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    bench(&mut criterion);
    criterion.final_summary();
}
