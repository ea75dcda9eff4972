//! What the image forensics of issue 10 cost per picture, against the decode-and-hash a scan
//! already does: the double-compression fit (run by `analyse_image` at `--level media`) and
//! error level analysis (run only by `overlay --ela` and the report). Inputs: the front and
//! the selfie of a synthetic bundle (`eidscope-synth`, seeded).

use criterion::{Criterion, SamplingMode};
use eidscope_bundle::{Bundle, Limits, ProcessSource, ReadPlan};
use eidscope_media::double_jpeg::double_compression;
use eidscope_media::ela::ela_of;
use eidscope_media::image_info::analyse_image;
use eidscope_media::jpeg;
use eidscope_model::EntryKind;
use std::hint::black_box;
use std::time::Duration;

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let config = eidscope_synth::SynthConfig::new(8, 5, dir.path());
    eidscope_synth::generate(&config).expect("synthetic bundles");
    let zip = dir.path().join("bundle-00001.zip");
    let bundle = Bundle::open(
        &zip,
        ProcessSource::Beside,
        ReadPlan::ALL,
        &Limits::default(),
    )
    .expect("a readable bundle");
    let mut group = c.benchmark_group("forensics");
    group
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(500));
    for kind in [EntryKind::Front, EntryKind::Selfie] {
        let data = bundle.archive.contents.get(&kind).expect("the entry");
        let name = kind.file_name();
        let structure = jpeg::parse(&data.bytes).expect("a JPEG");
        let luma = structure
            .components
            .first()
            .and_then(|c| structure.quant_tables.iter().find(|t| t.id == c.table_id))
            .expect("a luma table")
            .clone();
        group.bench_function(format!("decode-and-hash/{name}"), |b| {
            b.iter(|| analyse_image(&data.name, black_box(&data.bytes), true).dhash);
        });
        group.bench_function(format!("double-jpeg/{name}"), |b| {
            b.iter(|| double_compression(black_box(&data.bytes), &luma).map(|d| d.fit));
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
