//! `--faces` end to end on real faces: a `synth --faces` batch made from the fetched photos of
//! real people (framed here by eidscope-faces), scanned with the face engine; every labelled
//! face case must yield its finding and nothing else, the labelled same-person group must be
//! found, and no same-person group may join bundles that show no common person. The tests skip
//! (saying so) when the models or the photos are not on this machine (`make models
//! face-photos`).

#![cfg(feature = "faces")]

use crate::fixture::{Eidscope, eidscope, write_zip};
use eidscope_model::ExitStatus;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The face finding codes of one bundle.
const FACE_CODES: [&str; 4] = [
    "face-mismatch",
    "face-match-contradiction",
    "video-face-mismatch",
    "no-face",
];

/// A real-face batch, made once per test run: `None` when models or photos are missing.
fn real_batch() -> Option<&'static Path> {
    static BATCH: OnceLock<Option<tempfile::TempDir>> = OnceLock::new();
    BATCH
        .get_or_init(|| {
            let engine = match eidscope_faces::FaceEngine::from_env(Default::default()) {
                Ok(engine) => engine,
                Err(e) => {
                    eprintln!("skipped: no face models ({e})");
                    return None;
                }
            };
            let dir = tempfile::tempdir().unwrap();
            let people = dir.path().join("people");
            if let Err(e) = eidscope_faces::photos::frame_people(&engine, &people) {
                eprintln!("skipped: no face photos ({e}); run `make face-photos`");
                return None;
            }
            let out = dir.path().join("batch");
            eidscope(&[
                &"synth", &"--count", &"40", &"--seed", &"11", &"--faces", &people, &"--out", &out,
            ])
            .ok();
            Some(dir)
        })
        .as_ref()
        .map(|dir| dir.path())
}

/// The bundles of the batch given real faces, and their labels, by path relative to the batch.
fn real_face_bundles(batch: &Path) -> BTreeMap<String, eidscope_synth::BundleLabel> {
    crate::fixture::labels(batch)
        .bundles
        .into_iter()
        .filter(|b| b.faces.is_some())
        .map(|b| (b.path.clone(), b))
        .collect()
}

/// The rows of an NDJSON table.
fn rows(file: &Path) -> Vec<Value> {
    std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// `path` relative to the batch folder.
fn relative(batch: &Path, path: &str) -> String {
    Path::new(path)
        .strip_prefix(batch)
        .map_or_else(|_| path.to_owned(), |p| p.to_string_lossy().into_owned())
}

/// The people shown by a bundle's selfie and portrait.
fn people_of(label: &eidscope_synth::BundleLabel) -> BTreeSet<String> {
    let faces = label.faces.as_ref().unwrap();
    [faces.selfie_person.clone(), faces.portrait_person.clone()]
        .into_iter()
        .collect()
}

/// Scans the real-face bundles with `--faces --links --embeddings` into NDJSON tables.
fn scan_real_faces(batch: &Path, out: &Path, extra: &[&str]) -> Vec<PathBuf> {
    let paths: Vec<PathBuf> = real_face_bundles(batch)
        .keys()
        .map(|p| batch.join(p))
        .collect();
    let mut command =
        Eidscope::new(&[&"scan", &"--out", &out, &"--format", &"ndjson", &"-q"]).arg("--faces");
    for arg in extra {
        command = command.arg(arg);
    }
    for path in &paths {
        command = command.arg(path);
    }
    command.run().ok();
    paths
}

#[test]
fn scan_finds_every_labelled_face_case_and_nothing_else() {
    let Some(dir) = real_batch() else { return };
    let batch = dir.join("batch");
    let labels = real_face_bundles(&batch);
    let cases: BTreeSet<&str> = labels
        .values()
        .map(|l| l.faces.as_ref().unwrap().case.as_str())
        .collect();
    // Every face finding that compares two faces is labelled on some bundle, and some bundle
    // of real faces must stay silent (a match), so that the checks below prove both sides.
    let expected: BTreeSet<&str> = labels
        .values()
        .flat_map(|l| &l.faces.as_ref().unwrap().expected_face_findings)
        .map(String::as_str)
        .collect();
    // `video-face-mismatch` is not among them: the sdist's photos frame only three pictures
    // of one person, which the same-person group and the low-similarity match use up (a
    // video case needs another matching pair); its rule is tested in eidscope-analysis.
    for code in ["face-mismatch", "face-match-contradiction"] {
        assert!(
            expected.contains(code),
            "no bundle of the batch is labelled {code}: cases {cases:?}"
        );
    }
    assert!(
        labels
            .values()
            .any(|l| l.faces.as_ref().unwrap().expected_face_findings.is_empty()),
        "no real-face bundle is labelled clean: cases {cases:?}"
    );
    let out = dir.join("scan");
    scan_real_faces(&batch, &out, &["--links", "--embeddings"]);

    // One bundle at a time: exactly the face findings labelled.
    let findings = rows(&out.join("findings.ndjson"));
    let mut found: BTreeMap<String, BTreeSet<String>> = labels
        .keys()
        .map(|p| (p.clone(), BTreeSet::new()))
        .collect();
    for row in findings.iter().filter(|r| r["scope"] == "bundle") {
        let code = row["code"].as_str().unwrap();
        if FACE_CODES.contains(&code) {
            let path = relative(&batch, row["path"].as_str().unwrap());
            found.get_mut(&path).unwrap().insert(code.to_owned());
        }
    }
    for (path, label) in &labels {
        let face = label.faces.as_ref().unwrap();
        let expected: BTreeSet<String> = face.expected_face_findings.iter().cloned().collect();
        assert_eq!(
            found[path], expected,
            "{path} ({}: selfie {}, portrait {}, video {})",
            face.case, face.selfie_person, face.portrait_person, face.video_person
        );
    }

    // Across bundles: the labelled group is found, and every group shows one person.
    let groups: Vec<BTreeSet<String>> = findings
        .iter()
        .filter(|r| r["code"] == "same-person")
        .map(|r| {
            let paths: Vec<String> = serde_json::from_str(r["paths"].as_str().unwrap()).unwrap();
            paths.iter().map(|p| relative(&batch, p)).collect()
        })
        .collect();
    let face_groups = crate::fixture::labels(&batch).face_groups;
    assert!(
        !face_groups.is_empty(),
        "the batch has no same-person group"
    );
    for labelled in &face_groups {
        let want: BTreeSet<String> = labelled.paths.iter().cloned().collect();
        assert!(
            groups.iter().any(|g| want.is_subset(g)),
            "same-person group of {} not found: {want:?} in {groups:?}",
            labelled.person
        );
    }
    for group in &groups {
        let common = group
            .iter()
            .map(|p| people_of(&labels[p]))
            .reduce(|a, b| a.intersection(&b).cloned().collect())
            .unwrap();
        assert!(
            !common.is_empty(),
            "a same-person group of bundles that share no person: {group:?}"
        );
    }

    // The faces table: every picture looked at, an embedding on each face, boxes inside reason.
    let faces = rows(&out.join("faces.ndjson"));
    for path in labels.keys() {
        let of_bundle: Vec<&Value> = faces
            .iter()
            .filter(|r| relative(&batch, r["path"].as_str().unwrap()) == *path)
            .collect();
        let pictures: BTreeSet<&str> = of_bundle
            .iter()
            .map(|r| r["picture"].as_str().unwrap())
            .collect();
        assert_eq!(
            pictures,
            BTreeSet::from(["selfie", "portrait", "video-frame"]),
            "{path}"
        );
        for row in &of_bundle {
            assert!(row["faces"].as_u64().unwrap() >= 1, "{path}: {row}");
            let numbers = row["embedding"].as_array().unwrap();
            assert_eq!(numbers.len(), 128, "{path}");
            assert!(numbers.iter().all(Value::is_f64), "{path}");
        }
    }

    // `links` over the scan folder finds the same groups from the embeddings in its table.
    let report: Value = eidscope(&[&"links", &out, &"--json"]).ok().json();
    let from_links: Vec<BTreeSet<String>> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "same-person")
        .map(|f| {
            f["paths"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| relative(&batch, p.as_str().unwrap()))
                .collect()
        })
        .collect();
    assert_eq!(from_links, groups);
}

#[test]
fn redacted_scan_never_writes_embeddings() {
    let Some(dir) = real_batch() else { return };
    let batch = dir.join("batch");
    let out = dir.join("redacted");
    let paths: Vec<PathBuf> = real_face_bundles(&batch)
        .keys()
        .take(2)
        .map(|p| batch.join(p))
        .collect();
    // --embeddings with --redact is refused outright.
    Eidscope::new(&[
        &"scan",
        &"--out",
        &out,
        &"--faces",
        &"--embeddings",
        &"--redact",
    ])
    .arg(&paths[0])
    .env("EIDSCOPE_REDACT_KEY", "k")
    .run()
    .assert(ExitStatus::Usage);
    Eidscope::new(&[
        &"scan",
        &"--out",
        &out,
        &"--faces",
        &"--redact",
        &"--format",
        &"ndjson",
    ])
    .arg(&paths[0])
    .arg(&paths[1])
    .env("EIDSCOPE_REDACT_KEY", "k")
    .run()
    .ok();
    let faces = rows(&out.join("faces.ndjson"));
    assert!(!faces.is_empty());
    assert!(faces.iter().all(|r| r["embedding"].is_null()), "{faces:?}");
}

#[test]
fn inspect_faces_reports_distances_and_no_face_in_a_blank_selfie() {
    let Some(dir) = real_batch() else { return };
    let batch = dir.join("batch");
    // A bundle whose selfie and portrait show one person.
    let (path, label) = real_face_bundles(&batch)
        .into_iter()
        .find(|(_, l)| {
            let faces = l.faces.as_ref().unwrap();
            faces.selfie_person == faces.portrait_person
        })
        .unwrap();
    let bundle = batch.join(&path);
    let report: Value = eidscope(&[&"inspect", &bundle, &"--faces", &"--json"])
        .ok()
        .json();
    let pictures = report["faces"]["pictures"].as_array().unwrap();
    assert_eq!(pictures[0]["picture"], "selfie");
    assert!(
        pictures[1]["distance_to_selfie"].as_f64().unwrap() < 0.6,
        "{label:?}"
    );
    assert!(
        !report.to_string().contains("embedding"),
        "inspect never prints embeddings"
    );
    let text = eidscope(&[&"inspect", &bundle, &"--faces"]).ok().stdout();
    assert!(text.contains("distance to selfie"), "{text}");

    // The same bundle with a selfie that holds no face: `no-face`, and nothing compared.
    let blank = dir.join("blank-selfie.zip");
    let grey = image::RgbImage::from_fn(240, 300, |x, y| {
        let v = (100 + (x + y) % 40) as u8;
        image::Rgb([v, v, v])
    });
    let mut jpeg = Vec::new();
    grey.write_to(
        &mut std::io::Cursor::new(&mut jpeg),
        image::ImageFormat::Jpeg,
    )
    .unwrap();
    with_entry_replaced(&bundle, "selfie.jpeg", &jpeg, &blank);
    let (codes, report) = inspect_face_codes(&blank);
    assert_eq!(codes, vec!["no-face"], "{report}");
}

/// Writes `out`: the bundle `bundle` with its entry `name` replaced by `bytes`.
fn with_entry_replaced(bundle: &Path, name: &str, bytes: &[u8], out: &Path) {
    let mut entries = entries_of(bundle);
    for entry in &mut entries {
        if entry.0 == name {
            entry.1 = bytes.to_vec();
        }
    }
    let borrowed: Vec<(&str, &[u8])> = entries
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    write_zip(out, &borrowed);
}

/// Every entry of a bundle, by name, in archive order.
fn entries_of(bundle: &Path) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(bundle).unwrap()).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut entry = archive.by_index(i).unwrap();
            let name = entry.name().unwrap().into_owned();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            (name, bytes)
        })
        .collect()
}

#[test]
fn a_video_of_someone_else_is_video_face_mismatch() {
    let Some(dir) = real_batch() else { return };
    let batch = dir.join("batch");
    let labels = real_face_bundles(&batch);
    // A bundle whose selfie, portrait and video show one person...
    let (path, label) = labels
        .iter()
        .find(|(_, l)| {
            let f = l.faces.as_ref().unwrap();
            f.selfie_person == f.portrait_person && f.video_person == f.selfie_person
        })
        .expect("a real-face bundle of one person");
    let person = &label.faces.as_ref().unwrap().selfie_person;
    // ...given the video of a bundle that shows someone else (the batch cannot plant this
    // case itself: the sdist frames only three photos of its one repeated person).
    let (other, _) = labels
        .iter()
        .find(|(_, l)| &l.faces.as_ref().unwrap().video_person != person)
        .expect("a real-face bundle whose video shows another person");
    let video = entries_of(&batch.join(other))
        .into_iter()
        .find(|(name, _)| name == "video.mp4")
        .expect("a video")
        .1;
    let swapped = dir.join("someone-else-in-the-video.zip");
    with_entry_replaced(&batch.join(path), "video.mp4", &video, &swapped);
    let (codes, report) = inspect_face_codes(&swapped);
    assert_eq!(
        codes,
        vec!["video-face-mismatch"],
        "{path} + video of {other}: {report}"
    );
}

/// `inspect --faces --json` of one bundle: its face finding codes in order, and the report.
fn inspect_face_codes(bundle: &Path) -> (Vec<String>, Value) {
    let report: Value = eidscope(&[&"inspect", &bundle, &"--faces", &"--json"])
        .ok()
        .json();
    let codes = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .filter(|c| FACE_CODES.contains(&c.as_str()))
        .collect();
    (codes, report)
}

#[test]
fn drawn_faces_are_no_face_and_never_compared() {
    let Some(dir) = real_batch() else { return };
    let batch = dir.join("batch");
    // A clean bundle the synthesiser drew a face for (no real photo): not a face to dlib.
    let drawn = crate::fixture::labels(&batch)
        .bundles
        .into_iter()
        .find(|b| b.faces.is_none() && b.anomalies.is_empty() && b.expected_findings.is_empty())
        .expect("a clean bundle with a drawn face");
    // `no-face` for each picture without a face (selfie, portrait, the video), nothing else.
    let (codes, report) = inspect_face_codes(&batch.join(&drawn.path));
    assert!(
        !codes.is_empty() && codes.iter().all(|c| c == "no-face"),
        "{}: {report}",
        drawn.path
    );
}

#[test]
fn missing_models_are_one_line_naming_make_models() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = crate::fixture::synth_batch(40, 2026).join("bundle-00001.zip");
    let run = Eidscope::new(&[&"inspect", &bundle, &"--faces"])
        .env("EIDSCOPE_MODELS", dir.path().to_str().unwrap())
        .run();
    run.assert(ExitStatus::Usage);
    let stderr = run.stderr();
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("make models"), "{stderr}");
    assert!(stderr.contains("EIDSCOPE_MODELS"), "{stderr}");
    let run = Eidscope::new(&[
        &"scan",
        &bundle,
        &"--out",
        &dir.path().join("out"),
        &"--faces",
    ])
    .env("EIDSCOPE_MODELS", dir.path().to_str().unwrap())
    .run();
    run.assert(ExitStatus::Usage);
    assert!(
        !dir.path().join("out").exists(),
        "nothing is written when the engine cannot load"
    );
}

/// The inputs stored by the complete parts of an unfinished scan.
fn stored_in_parts(out: &Path) -> BTreeSet<String> {
    let mut stored = BTreeSet::new();
    for part in std::fs::read_dir(out.join(".eidscope-parts")).unwrap() {
        let record = part.unwrap().path().join("part.json");
        if let Ok(bytes) = std::fs::read(&record) {
            let record: Value = serde_json::from_slice(&bytes).unwrap();
            for input in record["inputs"].as_array().unwrap() {
                stored.insert(input.as_str().unwrap().to_owned());
            }
        }
    }
    stored
}

#[test]
fn same_person_after_resume_compares_the_faces_of_the_earlier_runs_too() {
    let Some(dir) = real_batch() else { return };
    let batch = dir.join("batch");
    let labels = real_face_bundles(&batch);
    let group = crate::fixture::labels(&batch)
        .face_groups
        .into_iter()
        .next()
        .expect("the batch has a same-person group");
    let members: BTreeSet<String> = group.paths.iter().cloned().collect();
    let first = members.first().unwrap().clone();
    // The group's first member is scanned first (path order), alone in the first part.
    let inputs: Vec<PathBuf> = labels
        .keys()
        .filter(|p| **p >= first)
        .map(|p| batch.join(p))
        .collect();
    let out = dir.join("resumed");
    let scan = |resume: bool| {
        let mut command = Eidscope::new(&[
            &"scan",
            &"-q",
            &"--faces",
            &"--links",
            &"--jobs",
            &"1",
            &"--part-inputs",
            &"1",
            &"--out",
            &out,
        ]);
        for input in &inputs {
            command = command.arg(input);
        }
        if resume {
            command = command.arg("--resume");
        }
        command
    };
    // Killed as soon as the first part is durable.
    let mut child = scan(false).spawn();
    let first_part = out.join(".eidscope-parts").join("part-000001");
    let waited = std::time::Instant::now();
    while !first_part.exists() {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the scan ended before its first part"
        );
        assert!(waited.elapsed().as_secs() < 600, "no part after 10 minutes");
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    let _ = std::process::Command::new("kill")
        .args(["-KILL", &child.id().to_string()])
        .status();
    child.wait().unwrap();
    let stored: BTreeSet<String> = stored_in_parts(&out)
        .iter()
        .map(|p| relative(&batch, p))
        .collect();
    assert!(stored.contains(&first), "{stored:?}");
    assert!(
        !members.is_subset(&stored),
        "the whole group was stored before the kill: the test proved nothing"
    );

    scan(true).run().ok();
    let tables = eidscope_tables::read_scan(std::slice::from_ref(&out)).unwrap();
    let mut groups: Vec<BTreeSet<String>> = Vec::new();
    tables
        .each_row(|row: eidscope_tables::FindingRow| {
            if row.code == eidscope_model::FindingCode::SamePerson {
                let paths: Vec<String> =
                    serde_json::from_str(row.paths.as_deref().unwrap()).unwrap();
                groups.push(paths.iter().map(|p| relative(&batch, p)).collect());
            }
        })
        .unwrap();
    assert!(
        groups.iter().any(|g| members.is_subset(g)),
        "same-person group of {} not found after --resume: {members:?} in {groups:?}",
        group.person
    );
    // The parts held the embeddings for this; the tables, without --embeddings, do not.
    tables
        .each_row(|row: eidscope_tables::FaceRow| assert!(row.embedding.is_none(), "{row:?}"))
        .unwrap();
}

/// Asks Arrow (pyarrow) the type of the `faces` table's embeddings in a Parquet scan, and DuckDB
/// (its Python package) per bundle the selfie-to-portrait distance. DuckDB reads a Parquet
/// fixed-size list as a list (`FLOAT[]`): the query casts it to `FLOAT[128]`, the array type its
/// distance functions take (docs/faces.md).
const DUCKDB_QUERY: &str = r#"
import duckdb, json, sys
import pyarrow.parquet as pq
faces = sys.argv[1]
kind = str(pq.read_schema(faces).field("embedding").type)
rows = duckdb.sql(f"""
    SELECT p.path,
           array_distance(s.embedding::FLOAT[128], p.embedding::FLOAT[128]) AS d,
           p.distance_to_selfie
    FROM '{faces}' s JOIN '{faces}' p ON s.path = p.path
    WHERE s.picture = 'selfie' AND p.picture = 'portrait'
""").fetchall()
print(json.dumps({"type": kind, "rows": rows}))
"#;

#[test]
fn duckdb_reads_the_embeddings_as_float_arrays_and_measures_what_eidscope_measured() {
    let Some(dir) = real_batch() else { return };
    let has_duckdb = std::process::Command::new("python3")
        .args(["-c", "import duckdb, pyarrow"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_duckdb {
        eprintln!("skipped: DuckDB or pyarrow is not installed (pip install duckdb pyarrow)");
        return;
    }
    let batch = dir.join("batch");
    let out = dir.join("duckdb");
    let mut command =
        Eidscope::new(&[&"scan", &"-q", &"--out", &out, &"--faces"]).arg("--embeddings");
    for path in real_face_bundles(&batch).keys().take(4) {
        command = command.arg(batch.join(path));
    }
    command.run().ok();
    let answer = std::process::Command::new("python3")
        .args(["-c", DUCKDB_QUERY])
        .arg(out.join("faces.parquet"))
        .output()
        .unwrap();
    assert!(
        answer.status.success(),
        "{}",
        String::from_utf8_lossy(&answer.stderr)
    );
    let answer: Value = serde_json::from_slice(&answer.stdout).unwrap();
    // `fixed_size_list<item: float>[128]` (the child's name is the writer's choice).
    let kind = answer["type"].as_str().unwrap();
    assert!(
        kind.starts_with("fixed_size_list<") && kind.ends_with(": float>[128]"),
        "{answer}"
    );
    let rows = answer["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 4, "{answer}");
    for row in rows {
        let (duckdb, eidscope) = (row[1].as_f64().unwrap(), row[2].as_f64().unwrap());
        assert!((duckdb - eidscope).abs() < 1e-4, "{row}");
    }
}
