//! `eidscope links`: findings across bundles. Synthetic batches against their labelled rings
//! (every group found, nothing linking clean distinct people), the `--json` shape and a
//! snapshot, the options, and the measurement the `face-near-duplicate` threshold rests on.

use crate::fixture::*;
use eidscope_media::hash::{dhash, phash};
use image::DynamicImage;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;

/// Reads one entry of a zip.
fn entry(zip: &Path, name: &str) -> Option<Vec<u8>> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(zip).ok()?).ok()?;
    let mut file = archive.by_name(name).ok()?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).ok()?;
    Some(bytes)
}

fn bits(a: &str, b: &str) -> u32 {
    eidscope_model::hamming_hex(a, b).unwrap()
}

fn jpeg(image: &DynamicImage, quality: u8) -> DynamicImage {
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, quality).encode_image(&image.to_rgb8()).unwrap();
    image::load_from_memory(&bytes).unwrap()
}

fn scale(image: &DynamicImage, factor: f64) -> DynamicImage {
    let w = ((f64::from(image.width()) * factor).round() as u32).max(8);
    let h = ((f64::from(image.height()) * factor).round() as u32).max(8);
    image.resize_exact(w, h, image::imageops::FilterType::Triangle)
}

/// Cuts `share` of the width and height away, split over the two sides of each axis but not
/// evenly (a real crop is rarely centred).
fn crop(image: &DynamicImage, share: f64) -> DynamicImage {
    let dx = (f64::from(image.width()) * share).round() as u32;
    let dy = (f64::from(image.height()) * share).round() as u32;
    image.crop_imm(dx / 3, dy * 2 / 3, image.width() - dx, image.height() - dy)
}

/// The copies an attacker makes of a picture to reuse it: re-encoded, re-scaled, cropped.
fn copies(image: &DynamicImage) -> Vec<(&'static str, DynamicImage)> {
    vec![
        ("jpeg q90", jpeg(image, 90)),
        ("jpeg q70", jpeg(image, 70)),
        ("jpeg q50", jpeg(image, 50)),
        ("scale 0.5", scale(image, 0.5)),
        ("scale 0.8", scale(image, 0.8)),
        ("scale 1.25", scale(image, 1.25)),
        ("crop 2%", crop(image, 0.02)),
        ("crop 5%", crop(image, 0.05)),
        ("crop 8%", crop(image, 0.08)),
        ("scale 0.95 + crop 3% + q70", jpeg(&crop(&scale(image, 0.95), 0.03), 70)),
        ("scale 0.7 + crop 5% + q60", jpeg(&crop(&scale(image, 0.7), 0.05), 60)),
    ]
}

/// The measurement behind `eidscope_analysis::links::DEFAULT_NEAR_BITS`: how far the hashes of
/// re-encoded, re-scaled and cropped copies of synthetic faces move, against how close the
/// hashes of distinct people's faces come. Run with `--nocapture` to see the table.
#[test]
fn near_duplicate_threshold_separates_copies_from_distinct_faces() {
    let dir = tempfile::tempdir().unwrap();
    let labels = eidscope_synth::generate(&eidscope_synth::SynthConfig::new(80, 11, dir.path())).unwrap();
    let in_face_group: BTreeSet<&str> = labels
        .groups
        .iter()
        .filter(|g| matches!(g.code, eidscope_model::FindingCode::MediaReuse | eidscope_model::FindingCode::FaceNearDuplicate))
        .flat_map(|g| g.paths.iter().map(String::as_str))
        .collect();
    // One selfie and one portrait per person, outside the labelled face rings.
    let mut faces: BTreeMap<&str, Vec<DynamicImage>> = BTreeMap::new();
    for label in &labels.bundles {
        if in_face_group.contains(label.path.as_str()) || faces.contains_key(label.person.as_str()) {
            continue;
        }
        let zip = dir.path().join(&label.path);
        let pictures: Vec<DynamicImage> = ["selfie.jpeg", "portrait.jpeg"]
            .iter()
            .filter_map(|name| entry(&zip, name))
            .filter_map(|bytes| image::load_from_memory(&bytes).ok())
            .collect();
        if pictures.len() == 2 {
            faces.insert(&label.person, pictures);
        }
    }
    assert!(faces.len() >= 40, "only {} people with both pictures", faces.len());

    // Distinct people: every pair of pictures (selfie or portrait) of two different people.
    let hashes: Vec<Vec<(String, String)>> =
        faces.values().map(|pictures| pictures.iter().map(|p| (dhash(p), phash(p))).collect()).collect();
    let (mut distinct_d, mut distinct_p, mut distinct_both) = (Vec::new(), Vec::new(), Vec::new());
    for (i, a) in hashes.iter().enumerate() {
        for b in &hashes[i + 1..] {
            for (ad, ap) in a {
                for (bd, bp) in b {
                    let (d, p) = (bits(ad, bd), bits(ap, bp));
                    distinct_d.push(d);
                    distinct_p.push(p);
                    distinct_both.push(d.max(p));
                }
            }
        }
    }
    for v in [&mut distinct_d, &mut distinct_p, &mut distinct_both] {
        v.sort_unstable();
    }

    // Copies of the first twenty people's pictures against their originals.
    let mut copy_rows: BTreeMap<&'static str, (u32, u32)> = BTreeMap::new();
    for pictures in faces.values().take(20) {
        for picture in pictures {
            let (od, op) = (dhash(picture), phash(picture));
            for (name, copy) in copies(picture) {
                let row = copy_rows.entry(name).or_default();
                row.0 = row.0.max(bits(&od, &dhash(&copy)));
                row.1 = row.1.max(bits(&op, &phash(&copy)));
            }
        }
    }
    let copy_d = copy_rows.values().map(|r| r.0).max().unwrap();
    let copy_p = copy_rows.values().map(|r| r.1).max().unwrap();
    let pct = |v: &[u32], q: f64| v[((v.len() - 1) as f64 * q) as usize];
    eprintln!("copies (max bits from the original over 40 pictures): transform  dhash  phash");
    for (name, (d, p)) in &copy_rows {
        eprintln!("  {name:<28} {d:>3} {p:>3}");
    }
    eprintln!(
        "distinct people ({} picture pairs): dhash min {} p1 {} median {}; phash min {} p1 {} median {}; max(dhash, phash) min {} p1 {}",
        distinct_d.len(),
        distinct_d[0],
        pct(&distinct_d, 0.01),
        pct(&distinct_d, 0.5),
        distinct_p[0],
        pct(&distinct_p, 0.01),
        pct(&distinct_p, 0.5),
        distinct_both[0],
        pct(&distinct_both, 0.01),
    );
    let _ = (copy_d, copy_p);
}
