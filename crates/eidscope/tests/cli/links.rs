//! `eidscope links`: findings across bundles. Synthetic batches against their labelled rings
//! (every group found, nothing linking clean distinct people), the `--json` shape and a
//! snapshot, the options, and the measurement the `face-near-duplicate` threshold rests on.

use crate::fixture::*;
use eidscope_media::hash::{dhash, phash};
use eidscope_model::finding::LinksReport;
use eidscope_model::{ExitStatus, FindingCode, FindingScope, LinkFinding, PerceptualHash};
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

fn bits(a: &PerceptualHash, b: &PerceptualHash) -> u32 {
    a.distance(*b)
}

fn jpeg(image: &DynamicImage, quality: u8) -> DynamicImage {
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, quality)
        .encode_image(&image.to_rgb8())
        .unwrap();
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
        (
            "scale 0.95 + crop 3% + q70",
            jpeg(&crop(&scale(image, 0.95), 0.03), 70),
        ),
        (
            "scale 0.7 + crop 5% + q60",
            jpeg(&crop(&scale(image, 0.7), 0.05), 60),
        ),
    ]
}

/// The measurement behind `eidscope_analysis::links::DEFAULT_NEAR_BITS`: how far the hashes of
/// re-encoded, re-scaled and cropped copies of synthetic faces move, against how close the
/// hashes of distinct people's faces come. Run with `--nocapture` to see the table.
#[test]
fn near_duplicate_threshold_separates_copies_from_distinct_faces() {
    let dir = tempfile::tempdir().unwrap();
    let labels =
        eidscope_synth::generate(&eidscope_synth::SynthConfig::new(80, 11, dir.path())).unwrap();
    let in_face_group: BTreeSet<&str> = labels
        .groups
        .iter()
        .filter(|g| {
            matches!(
                g.code,
                eidscope_model::FindingCode::MediaReuse
                    | eidscope_model::FindingCode::FaceNearDuplicate
            )
        })
        .flat_map(|g| g.paths.iter().map(String::as_str))
        .collect();
    // One selfie and one portrait per person, outside the labelled face rings.
    let mut faces: BTreeMap<&str, Vec<DynamicImage>> = BTreeMap::new();
    for label in &labels.bundles {
        if in_face_group.contains(label.path.as_str()) || faces.contains_key(label.person.as_str())
        {
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
    assert!(
        faces.len() >= 40,
        "only {} people with both pictures",
        faces.len()
    );

    // Distinct people: every pair of pictures (selfie or portrait) of two different people.
    let hashes: Vec<Vec<(PerceptualHash, PerceptualHash)>> = faces
        .values()
        .map(|pictures| pictures.iter().map(|p| (dhash(p), phash(p))).collect())
        .collect();
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
    let limit = eidscope_analysis::links::DEFAULT_NEAR_BITS;
    for (name, (d, p)) in &copy_rows {
        let slight = !name.contains("5%") && !name.contains("8%");
        assert!(
            !slight || (*d <= limit && *p <= limit),
            "{name}: {d}/{p} bits, over the limit {limit}"
        );
    }
    assert!(
        copy_d >= limit / 2,
        "the copies barely move ({copy_d} bits): is the measurement still measuring?"
    );
    assert!(
        distinct_both[0] > limit,
        "distinct people {} bits apart, within the limit {limit}",
        distinct_both[0]
    );
    let _ = copy_p;
}

/// One labelled synthetic batch per test run, shared by the tests below.
fn batch() -> &'static Path {
    static DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        eidscope_synth::generate(&eidscope_synth::SynthConfig::new(150, 7, dir.path())).unwrap();
        dir
    })
    .path()
}

fn file_names(paths: &[String]) -> BTreeSet<String> {
    paths
        .iter()
        .map(|p| {
            Path::new(p)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect()
}

fn links(args: &[&dyn AsRef<std::ffi::OsStr>]) -> LinksReport {
    eidscope(args).ok().json()
}

fn codes(report: &LinksReport) -> Vec<FindingCode> {
    report.findings.iter().map(|f| f.code).collect()
}

#[test]
fn every_labelled_ring_is_found_and_nothing_else_links() {
    let labels = labels(batch());
    let report = links(&[&"links", &batch(), &"--json"]);
    let findings = &report.findings;
    assert_eq!(report.bundles, 150);
    assert_eq!(report.unreadable, 0);
    for kind in [
        FindingCode::DocumentReuse,
        FindingCode::MediaReuse,
        FindingCode::FaceNearDuplicate,
        FindingCode::Velocity,
        FindingCode::NameVariants,
    ] {
        assert!(
            labels.groups.iter().any(|g| g.code == kind),
            "the batch has no {kind} ring"
        );
    }
    for group in &labels.groups {
        let wanted: BTreeSet<String> = group.paths.iter().cloned().collect();
        let found = findings
            .iter()
            .any(|f| f.code == group.code && file_names(&f.paths).is_superset(&wanted));
        assert!(
            found,
            "labelled {} ring {:?} not found in {findings:#?}",
            group.code, group.paths
        );
    }
    for finding in findings {
        let paths = file_names(&finding.paths);
        let labelled = labels
            .groups
            .iter()
            .any(|g| g.code == finding.code && paths.iter().all(|p| g.paths.contains(p)));
        assert!(
            labelled,
            "a finding links bundles outside the labelled rings: {finding:#?}"
        );
    }
    assert_eq!(findings.len(), labels.groups.len());
}

#[test]
fn the_json_is_the_contract_shape() {
    let out = eidscope(&[&"links", &batch(), &"--json"]);
    let report: serde_json::Value = out.ok().json();
    assert_eq!(
        report
            .as_object()
            .unwrap()
            .keys()
            .next()
            .map(String::as_str),
        Some("findings")
    );
    for finding in report["findings"].as_array().unwrap() {
        let keys: Vec<&str> = finding
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, ["code", "severity", "paths", "key", "message"]);
    }
    for finding in out.json::<LinksReport>().findings {
        let LinkFinding {
            code,
            severity,
            paths,
            key,
            message,
        } = finding;
        assert_eq!(code.spec().scope, FindingScope::Batch);
        assert_eq!(severity, code.severity());
        assert!(paths.len() >= 2 && paths.is_sorted(), "{paths:?}");
        assert!(!key.is_empty());
        assert!(message.ends_with('.'));
    }
}

#[test]
fn the_listing_names_each_group_and_fail_on_sets_the_exit_code() {
    let text = eidscope(&[&"links", &batch()]).ok().stdout();
    for code in [
        "document-reuse",
        "media-reuse",
        "face-near-duplicate",
        "velocity",
    ] {
        assert!(text.contains(code), "{text}");
    }
    assert!(text.contains("linked groups across 150 bundles"), "{text}");
    eidscope(&[&"links", &batch(), &"--fail-on", &"medium"]).assert(ExitStatus::FindingsAtOrAbove);
    // A looser velocity rule (2 attempts in 30 days) also catches the ordinary retries.
    let loose = links(&[&"links", &batch(), &"--json", &"--velocity", &"2/30d"]);
    let strict = links(&[&"links", &batch(), &"--json"]);
    let velocity = |r: &LinksReport| {
        codes(r)
            .into_iter()
            .filter(|c| *c == FindingCode::Velocity)
            .count()
    };
    assert!(
        velocity(&loose) > velocity(&strict),
        "{} vs {}",
        velocity(&loose),
        velocity(&strict)
    );
}

#[test]
fn bad_options_are_usage_errors() {
    for args in [
        vec!["links", "x.zip", "--velocity", "1/24h"],
        vec!["links", "x.zip", "--velocity", "3/24y"],
        vec!["links", "x.zip", "--near-bits", "40"],
        vec!["links"],
    ] {
        let args: Vec<&dyn AsRef<std::ffi::OsStr>> = args
            .iter()
            .map(|a| a as &dyn AsRef<std::ffi::OsStr>)
            .collect();
        eidscope(&args).assert(ExitStatus::Usage);
    }
}

#[test]
fn paths_on_stdin_and_unreadable_bundles_are_counted_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("garbage.zip");
    std::fs::write(&garbage, b"not a zip").unwrap();
    let labels = labels(batch());
    let ring = labels
        .groups
        .iter()
        .find(|g| g.code == FindingCode::DocumentReuse)
        .unwrap();
    let mut list: Vec<String> = ring
        .paths
        .iter()
        .map(|p| batch().join(p).display().to_string())
        .collect();
    list.push(garbage.display().to_string());
    list.push(dir.path().join("missing.zip").display().to_string());
    let out = Eidscope::new(&[&"links", &"-", &"--json"])
        .stdin(list.join("\n"))
        .run();
    let err = out.ok().stderr();
    assert_eq!(err.lines().count(), 2, "{err}");
    assert!(
        err.contains("garbage.zip") && err.contains("missing.zip"),
        "{err}"
    );
    let report: LinksReport = out.json();
    assert_eq!(report.unreadable, 2);
    assert_eq!(report.bundles, ring.paths.len());
    assert_eq!(codes(&report), [FindingCode::DocumentReuse], "{report:#?}");
    assert_eq!(report.findings[0].key, ring.key);
}

#[test]
fn links_of_a_small_batch_are_stable() {
    let dir = tempfile::tempdir().unwrap();
    eidscope_synth::generate(&eidscope_synth::SynthConfig::new(40, 3, dir.path())).unwrap();
    let report: serde_json::Value = eidscope(&[&"links", &dir.path(), &"--json"]).ok().json();
    with_dir_filter(dir.path(), || {
        insta::assert_json_snapshot!("links-synthetic-40", report)
    });
}

#[test]
fn scan_folders_and_their_shards_link_like_the_bundles() {
    let from_bundles = links(&[&"links", &batch(), &"--json"]);
    let out = tempfile::tempdir().unwrap();
    for shard in ["1/2", "2/2"] {
        eidscope(&[
            &"scan",
            &batch(),
            &"--out",
            &out.path(),
            &"--shard",
            &shard,
            &"--format",
            &"ndjson",
            &"-q",
        ])
        .ok();
    }
    // The folder of shard folders, as `stats` takes it: the tables of both shards merge.
    let from_tables = links(&[&"links", &out.path(), &"--json"]);
    assert_eq!(from_tables.bundles, from_bundles.bundles);
    assert_eq!(from_tables.findings, from_bundles.findings);
    assert!(!from_bundles.findings.is_empty());
    // The scan and the bundles it was made from, together: each attempt counts once.
    let both = eidscope(&[&"links", &out.path(), &batch(), &"--json"]);
    assert!(
        both.ok().stderr().contains("counted once"),
        "{}",
        both.stderr()
    );
    let both: LinksReport = both.json();
    assert_eq!(both.bundles, from_bundles.bundles);
    assert_eq!(both.findings.len(), from_bundles.findings.len());
}

#[test]
fn redacted_tables_link_with_keys_of_the_tables() {
    let out = tempfile::tempdir().unwrap();
    Eidscope::new(&[
        &"scan",
        &"--redact",
        &"--format",
        &"ndjson",
        &"-q",
        &"--out",
        &out.path(),
        &batch(),
    ])
    .env("EIDSCOPE_REDACT_KEY", "test key")
    .run()
    .ok();
    let tables = std::fs::read_to_string(out.path().join("bundles.ndjson")).unwrap();
    let redacted = links(&[&"links", &out.path(), &"--json"]);
    let raw = links(&[&"links", &batch(), &"--json"]);
    // Spellings of one name share a pseudonym: the redacted tables hold one spelling where the
    // raw bundles hold several, so the `name-variants` note is the one thing that goes.
    let alarms = |report: &LinksReport| -> Vec<FindingCode> {
        codes(report)
            .into_iter()
            .filter(|&code| code != FindingCode::NameVariants)
            .collect()
    };
    assert_eq!(
        alarms(&redacted),
        alarms(&raw),
        "redaction changed what links"
    );
    assert!(codes(&raw).contains(&FindingCode::NameVariants));
    assert!(!codes(&redacted).contains(&FindingCode::NameVariants));
    for finding in &redacted.findings {
        let message = &finding.message;
        if matches!(
            finding.code,
            FindingCode::DocumentReuse | FindingCode::Velocity
        ) {
            let key = &finding.key;
            assert!(
                tables.contains(&format!("\"document_key\":\"{key}\"")),
                "{key} is not a document_key of the table"
            );
        }
        assert!(
            !message.contains("-01-01"),
            "a birth year shown as a date: {message}"
        );
    }
}
