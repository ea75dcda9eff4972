//! How far the perceptual hashes of the reduced-scale decode lie from those of a full decode.
//!
//! `cargo run --release -p eidscope-benches --example hash_drift -- [--count N] [FILES...]`
//!
//! Synthesises N bundles (default 300, seed 5) and reads every picture in them, plus any JPEG
//! named on the command line (the specimen pages in ../shared/material, say), and hashes each
//! picture two ways: as eidscope does (`analyse_image`: libjpeg's luma plane at reduced DCT
//! scale, a small preview) and as it did before (a full RGB decode, a 256-pixel thumbnail, grey).
//! Prints the distribution of the Hamming distances of the difference and DCT hashes.

use eidscope_bundle::{Bundle, Limits, ProcessSource, ReadPlan};
use eidscope_media::decode::decode_image;
use eidscope_media::hash::{preview_dhash, preview_phash};
use eidscope_media::image_info::analyse_image;
use eidscope_model::EntryKind;
use eidscope_model::PerceptualHash;
use std::collections::BTreeMap;

/// The hashes as eidscope computed them before the reduced-scale decode: a full decode, a
/// thumbnail of at most 256 pixels a side, grey.
fn full_decode_hashes(bytes: &[u8]) -> Option<(PerceptualHash, PerceptualHash)> {
    let image = decode_image(bytes).ok()?;
    let thumbnail = if image.width().max(image.height()) > 256 {
        image.thumbnail(256, 256)
    } else {
        image
    };
    let grey = thumbnail.to_luma8();
    Some((preview_dhash(&grey), preview_phash(&grey)))
}

fn main() {
    let mut count = 300;
    let mut files = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--count" {
            count = args.next().and_then(|n| n.parse().ok()).unwrap_or(count);
        } else {
            files.push(arg);
        }
    }
    let mut pictures: Vec<(String, Vec<u8>)> = Vec::new();
    let dir = tempfile::tempdir().expect("a temporary folder");
    let config = eidscope_synth::SynthConfig::new(count, 5, dir.path());
    eidscope_synth::generate(&config).expect("synthetic bundles");
    for n in 1..=count {
        let zip = dir.path().join(format!("bundle-{n:05}.zip"));
        let Ok(bundle) = Bundle::open(
            &zip,
            ProcessSource::Without,
            ReadPlan::MEDIA,
            &Limits::default(),
        ) else {
            continue;
        };
        for (kind, data) in bundle.archive.contents {
            if EntryKind::IMAGES.contains(&kind) {
                pictures.push((format!("{}:{}", zip.display(), data.name), data.bytes));
            }
        }
    }
    for file in files {
        if let Ok(bytes) = std::fs::read(&file) {
            pictures.push((file, bytes));
        }
    }
    let mut dhash: BTreeMap<u32, usize> = BTreeMap::new();
    let mut phash: BTreeMap<u32, usize> = BTreeMap::new();
    let mut compared = 0;
    for (name, bytes) in &pictures {
        let info = analyse_image(name, bytes, true);
        let (Some(new_d), Some(new_p), Some((old_d, old_p))) =
            (info.dhash, info.phash, full_decode_hashes(bytes))
        else {
            continue;
        };
        let d = new_d.distance(old_d);
        let p = new_p.distance(old_p);
        *dhash.entry(d).or_default() += 1;
        *phash.entry(p).or_default() += 1;
        compared += 1;
        if d > 4 || p > 4 {
            println!("{name}: dhash {d} bits, phash {p} bits");
        }
    }
    println!(
        "{compared} pictures hashed both ways (of {})",
        pictures.len()
    );
    println!("bits  dhash  phash");
    let top = dhash.keys().chain(phash.keys()).copied().max().unwrap_or(0);
    for bits in 0..=top {
        let (d, p) = (
            dhash.get(&bits).copied().unwrap_or(0),
            phash.get(&bits).copied().unwrap_or(0),
        );
        println!("{bits:>4}  {d:>5}  {p:>5}");
    }
}
