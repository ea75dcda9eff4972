//! `generate` with a folder of real face photos (`synth --faces`): the photos fetched by
//! `scripts/fetch-faces.sh photos` (skipped, saying so, when absent) laid out one folder per
//! person. Checks the labelled cases, that no photo serves twice as a selfie or as a portrait,
//! that the chosen bundles carry the real pictures, and that every other bundle is byte for
//! byte the bundle of a run without `--faces`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use eidscope_synth::{SynthConfig, generate};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};

fn photo_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("EIDSCOPE_FACE_PHOTOS").filter(|d| !d.is_empty()) {
        return dir.into();
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache")
        });
    cache.join("eidscope").join("face-photos")
}

/// Independent photographs only, one folder per person.
const LAYOUT: [(&str, &str); 6] = [
    ("obama", "obama.jpg"),
    ("obama", "obama2.jpg"),
    ("obama", "obama3.jpg"),
    ("biden", "biden.jpg"),
    ("hopper", "grace_hopper.jpg"),
    ("collins", "astronaut.png"),
];

fn face_folder(root: &Path) -> Option<PathBuf> {
    let source = photo_dir();
    let folder = root.join("people");
    for (person, file) in LAYOUT {
        let from = source.join(file);
        if !from.is_file() {
            eprintln!(
                "SKIPPED: {} absent; fetch with `scripts/fetch-faces.sh photos`",
                from.display()
            );
            return None;
        }
        std::fs::create_dir_all(folder.join(person)).unwrap();
        std::fs::copy(&from, folder.join(person).join(file)).unwrap();
    }
    Some(folder)
}

fn entry(zip: &Path, name: &str) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
    let mut bytes = Vec::new();
    archive
        .by_name(name)
        .unwrap()
        .read_to_end(&mut bytes)
        .unwrap();
    bytes
}

#[test]
fn real_faces_go_into_a_few_clean_bundles_in_labelled_cases() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(people) = face_folder(tmp.path()) else {
        return;
    };
    let drawn = generate(&SynthConfig::new(40, 2026, tmp.path().join("drawn"))).unwrap();
    let config = SynthConfig {
        faces: Some(people),
        ..SynthConfig::new(40, 2026, tmp.path().join("real"))
    };
    let real = generate(&config).unwrap();

    let with_faces: Vec<_> = real.bundles.iter().filter(|b| b.faces.is_some()).collect();
    let cases: BTreeSet<&str> = with_faces
        .iter()
        .map(|b| b.faces.as_ref().unwrap().case.as_str())
        .collect();
    assert!(
        cases.contains("same-person") && cases.contains("face-mismatch"),
        "{cases:?}"
    );
    assert!(with_faces.len() >= 3, "{}", with_faces.len());

    // Each photo at most once as a selfie and once as a portrait; a match never uses one photo
    // for both.
    let mut selfies = BTreeSet::new();
    let mut portraits = BTreeSet::new();
    for bundle in &with_faces {
        let face = bundle.faces.as_ref().unwrap();
        assert!(
            selfies.insert(face.selfie_photo.clone()),
            "{} twice as a selfie",
            face.selfie_photo
        );
        assert!(
            portraits.insert(face.portrait_photo.clone()),
            "{} twice as a portrait",
            face.portrait_photo
        );
        assert_ne!(face.selfie_photo, face.portrait_photo);
        assert!(bundle.anomalies.is_empty() && bundle.expected_findings.is_empty());
        let expected: &[&str] = match face.case.as_str() {
            "face-mismatch" => &["face-mismatch"],
            "match-despite-low-similarity" => &["face-match-contradiction"],
            "video-face-mismatch" => &["video-face-mismatch"],
            _ => &[],
        };
        assert_eq!(face.expected_face_findings, expected, "{}", bundle.path);
        assert_eq!(
            face.case == "face-mismatch",
            face.selfie_person != face.portrait_person
        );
        // The real pictures are in the zip: a 136x170 portrait, a selfie of the photo's shape.
        let zip = tmp.path().join("real").join(&bundle.path);
        let portrait = image::load_from_memory(&entry(&zip, "portrait.jpeg")).unwrap();
        assert_eq!((portrait.width(), portrait.height()), (136, 170));
        let selfie = image::load_from_memory(&entry(&zip, "selfie.jpeg")).unwrap();
        assert!(
            selfie.width().max(selfie.height()) == 640,
            "{}",
            bundle.path
        );
        assert_ne!(
            entry(&zip, "video.mp4"),
            entry(&tmp.path().join("drawn").join(&bundle.path), "video.mp4")
        );
    }

    // One same-person group: two bundles of different identities, the same person.
    assert_eq!(real.face_groups.len(), 1);
    let group = &real.face_groups[0];
    assert_eq!(
        (
            group.code.as_str(),
            group.person.as_str(),
            group.paths.len()
        ),
        ("same-person", "obama", 2)
    );
    let members: Vec<_> = real
        .bundles
        .iter()
        .filter(|b| group.paths.contains(&b.path))
        .collect();
    assert_ne!(members[0].person, members[1].person);

    // Everything else is exactly the batch without --faces; its labels carry no face keys.
    let by_path: BTreeMap<_, _> = drawn.bundles.iter().map(|b| (b.path.clone(), b)).collect();
    for bundle in real.bundles.iter().filter(|b| b.faces.is_none()) {
        assert_eq!(&bundle, by_path.get(&bundle.path).unwrap());
        let read = |dir: &str| std::fs::read(tmp.path().join(dir).join(&bundle.path)).unwrap();
        assert!(read("real") == read("drawn"), "{} changed", bundle.path);
    }
    let drawn_json = std::fs::read_to_string(tmp.path().join("drawn/labels.json")).unwrap();
    assert!(!drawn_json.contains("\"faces\"") && !drawn_json.contains("face_groups"));
}

#[test]
fn a_faces_folder_without_photos_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("people/nobody")).unwrap();
    let config = SynthConfig {
        faces: Some(tmp.path().join("people")),
        ..SynthConfig::new(5, 1, tmp.path().join("out"))
    };
    let error = generate(&config).unwrap_err().to_string();
    assert!(
        error.contains("no photos") && error.contains("one folder per person"),
        "{error}"
    );
}
