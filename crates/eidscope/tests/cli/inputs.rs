//! No result that looks valid but is wrong or empty: an input that does not exist, a run that
//! finds no bundle, a table file given for its scan folder are errors (exit 3, one line naming
//! the input, nothing written) in every batch command; output read at a lower level says which
//! checks could not run; both `ocr.json` shapes count in one vocabulary.

use crate::fixture::{eidscope, synth_batch};
use eidscope_model::{DocumentType, ExitStatus, FeatureName, Vocabulary};
use std::ffi::OsString;
use std::path::Path;

/// Every batch command over `input`, with an output path inside `dir` where it writes one.
fn batch_commands(input: &Path, dir: &Path) -> Vec<Vec<OsString>> {
    let input = input.as_os_str().to_owned();
    let out = |name: &str| dir.join(name).into_os_string();
    vec![
        vec!["stats".into(), input.clone()],
        vec!["links".into(), input.clone()],
        vec!["findings".into(), input.clone()],
        vec![
            "report".into(),
            input.clone(),
            "--out".into(),
            out("r.html"),
        ],
        vec!["scan".into(), input, "--out".into(), out("o")],
    ]
}

/// Runs `args`, which must fail with exit code 3 and one line on standard error that holds
/// `names`; nothing on standard output, nothing written into `dir`.
fn refused(args: &[OsString], names: &str, dir: &Path) {
    let argv: Vec<&dyn AsRef<std::ffi::OsStr>> = args.iter().map(|a| a as _).collect();
    let run = eidscope(&argv);
    run.assert(ExitStatus::UnreadableInput);
    let stderr = run.stderr();
    assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
    assert!(stderr.contains(names), "{args:?}: {stderr}");
    assert_eq!(run.stdout(), "", "{args:?}");
    assert!(!dir.join("r.html").exists(), "{args:?} wrote a report");
    assert!(!dir.join("o").exists(), "{args:?} wrote a scan");
}

#[test]
fn an_input_that_does_not_exist_is_an_error_in_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let nope = dir.path().join("nope");
    for args in batch_commands(&nope, dir.path()) {
        refused(&args, "nope: no such file or folder", dir.path());
    }
}

#[test]
fn a_run_that_finds_no_bundle_is_an_error_in_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    std::fs::write(empty.join("readme.txt"), "not a bundle").unwrap();
    for args in batch_commands(&empty, dir.path()) {
        refused(&args, "no bundle found in", dir.path());
    }
    // An empty list on standard input is no bundle either.
    let run = crate::fixture::Eidscope::new(&[&"stats", &"-"])
        .stdin("")
        .run();
    run.assert(ExitStatus::UnreadableInput);
    assert!(run.stderr().contains("standard input"), "{}", run.stderr());
}

#[test]
fn stats_given_a_table_file_says_it_expects_the_scan_folder() {
    let dir = tempfile::tempdir().unwrap();
    let scan = dir.path().join("scan");
    eidscope(&[&"scan", &synth_batch(40, 7), &"--out", &scan, &"-q"]).ok();
    let table = scan.join("bundles.parquet");
    let run = eidscope(&[&"stats", &table]);
    run.assert(ExitStatus::UnreadableInput);
    assert!(
        run.stderr().contains("give the folder itself"),
        "{}",
        run.stderr()
    );
    // A Parquet file elsewhere is not a scan folder either.
    let loose = dir.path().join("loose.parquet");
    std::fs::copy(&table, &loose).unwrap();
    let run = eidscope(&[&"stats", &loose]);
    run.assert(ExitStatus::UnreadableInput);
    assert!(
        run.stderr().contains("a Parquet file, not a scan folder"),
        "{}",
        run.stderr()
    );
}

#[test]
fn output_read_at_a_lower_level_says_which_checks_could_not_run() {
    let dir = tempfile::tempdir().unwrap();
    let scan = dir.path().join("meta");
    eidscope(&[
        &"scan",
        &synth_batch(40, 7),
        &"--out",
        &scan,
        &"--level",
        &"meta",
        &"-q",
    ])
    .ok();
    let manifest = eidscope_tables::Manifest::read(&scan).unwrap();
    assert_eq!(manifest.level, eidscope_model::Level::Meta, "scan.json");

    let stats: serde_json::Value = eidscope(&[&"stats", &scan, &"--json"]).ok().json();
    assert_eq!(stats["levels"], serde_json::json!({"meta": 40}));
    let codes = |value: &serde_json::Value| -> Vec<String> {
        value["checks_not_run"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["code"].as_str().unwrap().to_owned())
            .collect()
    };
    let not_run = codes(&stats);
    for code in ["selfie-is-portrait", "edited-image", "video-frozen"] {
        assert!(not_run.iter().any(|c| c == code), "{code}: {not_run:?}");
    }
    assert!(!not_run.iter().any(|c| c == "expiry-contradiction"));
    let text = eidscope(&[&"stats", &scan]).ok().stdout();
    assert!(
        text.contains("not checked: video-frozen on 40 bundles: needs --level full"),
        "{text}"
    );

    let links: serde_json::Value = eidscope(&[&"links", &scan, &"--json"]).ok().json();
    assert_eq!(
        codes(&links),
        ["media-reuse", "face-near-duplicate", "same-person"]
    );
    let text = eidscope(&[&"links", &scan]).ok().stdout();
    assert!(
        text.contains("not checked: media-reuse on 40 bundles: needs --level media"),
        "{text}"
    );
    // At the level a check needs, nothing is said.
    let full = dir.path().join("full");
    eidscope(&[
        &"scan",
        &synth_batch(40, 7),
        &"--out",
        &full,
        &"--level",
        &"full",
        &"-q",
    ])
    .ok();
    let stats: serde_json::Value = eidscope(&[&"stats", &full, &"--json"]).ok().json();
    assert_eq!(stats["checks_not_run"], serde_json::json!([]));
}

#[test]
fn both_ocr_shapes_count_in_one_vocabulary() {
    let stats: serde_json::Value = eidscope(&[
        &"stats",
        &synth_batch(40, 7),
        &"--by",
        &"document_type",
        &"--json",
        &"-q",
    ])
    .ok()
    .json();
    let words: Vec<&str> = DocumentType::ALL.iter().map(|t| t.word()).collect();
    let groups = stats["groups"].as_array().unwrap();
    assert!(!groups.is_empty());
    for group in groups {
        let kind = &group["key"]["document_type"];
        assert!(
            kind.is_null() || words.contains(&kind.as_str().unwrap()),
            "{kind} is outside the vocabulary"
        );
    }
    let names: Vec<&str> = FeatureName::ALL.iter().map(|n| n.word()).collect();
    for name in stats["feature_not_found"].as_object().unwrap().keys() {
        assert!(names.contains(&name.as_str()), "{name}");
    }
}
