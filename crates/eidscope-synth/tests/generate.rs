//! End-to-end checks of `generate`: determinism across runs and thread counts, coverage of
//! every single-bundle finding code, zips that open and hold the documented entries, labels
//! that point at files that exist and agree with what the files say.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use eidscope_model::{CATALOGUE, FindingCode, FindingScope, Status};
use eidscope_synth::{Labels, SynthConfig, generate, read_labels};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;

const DOCUMENTED: [&str; 7] = [
    "ocr.json",
    "manual_approval.json",
    "front.jpeg",
    "back.jpeg",
    "selfie.jpeg",
    "portrait.jpeg",
    "video.mp4",
];

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn entries(zip_path: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(zip_path).unwrap()).unwrap();
    let mut out = BTreeMap::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).unwrap();
        out.insert(file.name().unwrap().to_string(), bytes);
    }
    out
}

fn check_labels(dir: &Path, labels: &Labels) {
    assert_eq!(labels.count, labels.bundles.len());
    assert_eq!(read_labels(dir.join("labels.json")).unwrap(), *labels);

    // Every single-bundle code is injected and expected at least once.
    let expected: BTreeSet<FindingCode> = labels
        .bundles
        .iter()
        .flat_map(|b| b.expected_findings.iter().copied())
        .collect();
    // The codes synth never plans are covered elsewhere (UNPLANNED_CODES says where).
    for spec in CATALOGUE.iter().filter(|s| {
        s.scope == FindingScope::Bundle && !eidscope_synth::UNPLANNED_CODES.contains(&s.code)
    }) {
        assert!(
            expected.contains(&spec.code),
            "{} never expected",
            spec.code
        );
    }
    let groups: BTreeSet<FindingCode> = labels.groups.iter().map(|g| g.code).collect();
    assert_eq!(groups.len(), 5, "{groups:?}");

    let mut statuses: BTreeMap<String, usize> = BTreeMap::new();
    for label in &labels.bundles {
        *statuses
            .entry(label.derived_status.to_string())
            .or_default() += 1;
        assert!(dir.join(&label.path).is_file(), "{}", label.path);
        assert!(dir.join(&label.process).is_file(), "{}", label.process);
        let mut sorted = label.expected_findings.clone();
        sorted.sort_by_key(|c| c.as_str());
        sorted.dedup();
        assert_eq!(sorted, label.expected_findings);
        if !label.anomalies.contains(&FindingCode::StatusMismatch) {
            assert_eq!(
                label.reported_status, label.derived_status,
                "{}",
                label.path
            );
        } else {
            assert_ne!(
                label.reported_status, label.derived_status,
                "{}",
                label.path
            );
        }

        let zip = entries(&dir.join(&label.path));
        let process: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join(&label.process)).unwrap()).unwrap();
        assert_eq!(process["status"], label.reported_status.as_str());
        assert_eq!(process["createdAt"], label.created_at.as_str());
        let extra: Vec<&String> = zip
            .keys()
            .filter(|n| !DOCUMENTED.contains(&n.as_str()))
            .collect();
        let unexpected = label.anomalies.contains(&FindingCode::UnexpectedEntry)
            || label.anomalies.contains(&FindingCode::UnsafeEntry);
        assert_eq!(!extra.is_empty(), unexpected, "{}: {extra:?}", label.path);

        if label.anomalies.contains(&FindingCode::UnsafeEntry) {
            let mut archive =
                zip::ZipArchive::new(std::fs::File::open(dir.join(&label.path)).unwrap()).unwrap();
            let unsafe_entries = (0..archive.len())
                .filter(|&i| {
                    let file = archive.by_index(i).unwrap();
                    let name = file.name().unwrap().to_string();
                    name.starts_with('/') || name.contains("..") || file.is_symlink()
                })
                .count();
            assert_eq!(unsafe_entries, 1, "{}", label.path);
        }
        if label.derived_status == Status::Failed {
            assert!(!zip.contains_key("ocr.json"));
            assert!(process.get("failReason").is_some());
            assert!(!zip.is_empty());
            continue;
        }
        let ocr: serde_json::Value = serde_json::from_slice(&zip["ocr.json"]).unwrap();
        let is_raw = ocr.get("securityChecks").is_some() && ocr.get("document").is_some();
        assert_eq!(
            label.shape.map(|s| s.as_str()),
            Some(if is_raw { "eid-raw" } else { "signicat" })
        );
        let ocr_a = &process["providerSpecific"]["ocr"];
        let card = ocr_a["documentType"] != "passport";
        let missing = label.anomalies.contains(&FindingCode::MissingMedia);
        let mut wanted = vec!["front.jpeg", "selfie.jpeg", "portrait.jpeg", "video.mp4"];
        if card {
            wanted.push("back.jpeg");
        }
        let absent: Vec<&&str> = wanted.iter().filter(|n| !zip.contains_key(**n)).collect();
        assert_eq!(
            absent.len(),
            usize::from(missing),
            "{}: {absent:?}",
            label.path
        );

        if label.anomalies.is_empty() {
            // Clean: liveness agrees, every found feature's box fits its image, pictures decode.
            let top = match &ocr_a["livenessDetected"] {
                serde_json::Value::String(s) => s == "true",
                v => v.as_bool().unwrap(),
            };
            assert_eq!(
                Some(top),
                ocr_a["securityChecks"]["livenessDetected"]["valid"].as_bool()
            );
            let size = |name: &str| {
                let img = image::load_from_memory(&zip[name]).unwrap();
                (i64::from(img.width()), i64::from(img.height()))
            };
            for feature in ocr_a["features"].as_array().unwrap() {
                if feature["found"] != true {
                    continue;
                }
                let (w, h) = size(if feature["side"] == "back" {
                    "back.jpeg"
                } else {
                    "front.jpeg"
                });
                let b = &feature["bbox"];
                let (x, y, bw, bh) = (
                    b["x"].as_i64().unwrap(),
                    b["y"].as_i64().unwrap(),
                    b["width"].as_i64().unwrap(),
                    b["height"].as_i64().unwrap(),
                );
                assert!(
                    bw > 0 && bh > 0 && x >= 0 && y >= 0 && x + bw <= w && y + bh <= h,
                    "{}",
                    label.path
                );
            }
            for name in ["selfie.jpeg", "portrait.jpeg"] {
                size(name);
            }
            assert_ne!(zip["selfie.jpeg"], zip["portrait.jpeg"]);
            if card {
                assert_ne!(zip["front.jpeg"], zip["back.jpeg"]);
            }
        }
    }
    assert!(statuses.len() >= 4, "{statuses:?}");
    for group in &labels.groups {
        assert!(group.paths.len() >= 2 && !group.key.is_empty(), "{group:?}");
        for path in &group.paths {
            let label = labels.bundles.iter().find(|b| &b.path == path).unwrap();
            assert!(label.expected_findings.is_empty(), "{path}");
        }
    }
    let reuse = labels
        .groups
        .iter()
        .find(|g| g.code == FindingCode::MediaReuse)
        .unwrap();
    let selfies: BTreeSet<Vec<u8>> = reuse
        .paths
        .iter()
        .map(|p| entries(&dir.join(p))["selfie.jpeg"].clone())
        .collect();
    assert_eq!(selfies.len(), 1, "media-reuse selfies are byte-identical");
}

#[test]
fn sixty_bundles_are_deterministic_complete_and_labelled() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let c = tempfile::tempdir().unwrap();
    let labels = generate(&SynthConfig::new(60, 7, a.path())).unwrap();
    let single = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let again = single
        .install(|| generate(&SynthConfig::new(60, 7, b.path())))
        .unwrap();
    assert_eq!(labels, again);
    let (fa, fb) = (files(a.path()), files(b.path()));
    assert_eq!(fa.len(), 60 * 2 + 1);
    assert!(fa.contains_key("bundle-00005.process.json") && fa.contains_key("bundle-00001.json"));
    for (name, bytes) in &fa {
        assert!(fb.get(name) == Some(bytes), "{name} differs between runs");
    }
    check_labels(a.path(), &labels);

    generate(&SynthConfig::new(60, 8, c.path())).unwrap();
    let fc = files(c.path());
    assert_ne!(fa["bundle-00001.zip"], fc["bundle-00001.zip"]);
    assert_ne!(fa["labels.json"], fc["labels.json"]);
}
