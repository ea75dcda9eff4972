//! Hostile inputs (testdata/hostile/, written by testdata/make_hostile.py): each unreadable one
//! gives exit code 3 and one line naming the file and the problem; none panics; memory stays
//! bounded (the bombs are refused while decompressing, not after).

use crate::fixture::*;
use eidscope_model::{BundleReport, EntryKind, ExitStatus, FindingCode, Note};
use serde_json::Value;

/// The evidence of each finding of `code`.
fn evidence(report: &BundleReport, code: FindingCode) -> Vec<Value> {
    report
        .findings
        .iter()
        .filter(|f| f.code == code)
        .map(|f| f.evidence.clone())
        .collect()
}

/// Whether the front picture was decoded.
fn front_decoded(report: &BundleReport) -> bool {
    matches!(
        report.media.get(&EntryKind::Front),
        Some(eidscope_model::MediaInfo::Image(image)) if image.decoded == Some(true)
    )
}

fn hostile(name: &str) -> BundleReport {
    inspect(&testdata(&format!("hostile/{name}")))
}

/// What other zip readers' test suites found (issue 15): each is read, as far as it can be,
/// with a finding that names the problem.
#[test]
fn odd_archives_are_read_with_a_named_finding() {
    // 1. Encrypted entries: read around; plain data under the flag is read.
    let r = hostile("encrypted-extra.zip");
    assert_eq!(
        evidence(&r, FindingCode::EncryptedEntry),
        [serde_json::json!({"entry": "secret.txt", "read": false})]
    );
    assert_eq!(r.identity.first_name.as_deref(), Some("ANNA"));
    let r = hostile("encrypted-flag.zip");
    assert_eq!(
        evidence(&r, FindingCode::EncryptedEntry),
        [serde_json::json!({"entry": "front.jpeg", "read": true})]
    );
    assert!(front_decoded(&r), "{:?}", r.media);
    let r = hostile("encrypted-ocr.zip");
    assert_eq!(evidence(&r, FindingCode::EncryptedEntry).len(), 1);
    assert!(r.media.contains_key(&EntryKind::Front));
    // 2. Two entries of one name: both listed, the first analysed, a high finding.
    let r = hostile("duplicate-ocr.zip");
    let names: Vec<&str> = r.entries.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["ocr.json", "front.jpeg", "ocr.json"]);
    assert_eq!(
        evidence(&r, FindingCode::DuplicateEntry),
        [
            serde_json::json!({"name": "ocr.json", "entries": ["ocr.json", "ocr.json"], "analysed": "ocr.json"})
        ]
    );
    assert_eq!(r.similarity_score.as_deref(), Some("high"));
    // 3. Compression methods: bzip2 and LZMA decompressed, the others named.
    for name in ["bzip2-front.zip", "lzma-front.zip"] {
        let r = hostile(name);
        assert!(front_decoded(&r), "{name}: {:?}", r.media);
        assert!(evidence(&r, FindingCode::MediaCorrupt).is_empty(), "{name}");
    }
    let r = hostile("ppmd-front.zip");
    let corrupt = format!("{:?}", evidence(&r, FindingCode::MediaCorrupt));
    assert!(corrupt.contains("PPMd (method 98)"), "{corrupt}");
    let r = hostile("implode-ocr.zip");
    let unreadable = format!("{:?}", evidence(&r, FindingCode::JsonUnreadable));
    assert!(unreadable.contains("method 6"), "{unreadable}");
    assert!(r.media.contains_key(&EntryKind::Front));
    // 4. Inconsistent structures are named.
    for (name, words) in [
        ("zip64-inconsistent.zip", "the zip64 end record"),
        ("header-mismatch.zip", "filename mismatch"),
        ("hidden-entry.zip", "more records than the 2"),
    ] {
        let problems = format!(
            "{:?}",
            evidence(&hostile(name), FindingCode::ArchiveDamaged)
        );
        assert!(problems.contains(words), "{name}: {problems}");
    }
    // 5. Bytes before and after the zip are measured.
    let r = hostile("prefixed.zip");
    assert_eq!(
        evidence(&r, FindingCode::PrefixedArchive),
        [serde_json::json!({"prefix_bytes": 39})]
    );
    assert!(evidence(&r, FindingCode::ArchiveDamaged).is_empty());
    assert_eq!(r.identity.first_name.as_deref(), Some("ANNA"));
    let r = hostile("trailing.zip");
    assert_eq!(
        evidence(&r, FindingCode::TrailingData),
        [serde_json::json!({"trailing_bytes": 100})]
    );
}

/// JSON as real tools write it: accepted with a note where that is safe, otherwise the rest
/// of the bundle is analysed and the problem named.
#[test]
fn json_as_real_tools_write_it_is_accepted_or_named() {
    for (name, note) in [
        (
            "json-bom.zip",
            Note::JsonByteOrderMark {
                entry: "ocr.json".into(),
            },
        ),
        (
            "json-utf16.zip",
            Note::JsonUtf16 {
                entry: "ocr.json".into(),
            },
        ),
        (
            "json-big-number.zip",
            Note::JsonBigNumbers {
                entry: "ocr.json".into(),
                count: "2".into(),
            },
        ),
        (
            "json-lone-surrogate.zip",
            Note::JsonLoneSurrogates {
                entry: "ocr.json".into(),
            },
        ),
    ] {
        let r = hostile(name);
        assert!(r.notes.contains(&note), "{name}: {:?}", r.notes);
        assert_eq!(r.similarity_score.as_deref(), Some("high"), "{name}");
        assert!(
            evidence(&r, FindingCode::JsonUnreadable).is_empty(),
            "{name}"
        );
    }
    for (name, problem) in [
        ("json-deep.zip", "recursion limit"),
        ("nested.zip", "recursion limit"),
        ("malformed.zip", "does not parse"),
        ("bad-utf8.zip", "does not parse"),
    ] {
        let r = hostile(name);
        let found = format!("{:?}", evidence(&r, FindingCode::JsonUnreadable));
        assert!(found.contains(problem), "{name}: {found}");
    }
    assert!(
        hostile("json-deep.zip")
            .media
            .contains_key(&EntryKind::Front)
    );
}

/// 9. Entry names: CP437 decoded as CP437; DEL escaped in JSON as in text.
#[test]
fn odd_entry_names_are_decoded_and_escaped() {
    let r = hostile("cp437-name.zip");
    assert_eq!(r.entries[1].name, "r\u{e9}sum\u{e9}.txt");
    let json = eidscope(&[&"inspect", &testdata("hostile/del-name.zip"), &"--json"])
        .ok()
        .stdout();
    assert!(!json.contains('\u{7f}'), "DEL reached the output");
    assert!(json.contains(r"a\u007fb.txt"), "{json}");
    let text = eidscope(&[&"inspect", &testdata("hostile/del-name.zip")])
        .ok()
        .stdout();
    assert!(text.contains(r"a\u{7f}b.txt"), "{text}");
}

#[test]
fn unreadable_bundles_exit_3_with_one_line() {
    let cases = [
        ("not-a-zip.zip", "not a zip file"),
        ("empty.zip", "file is empty"),
        ("random-pk.zip", "truncated or damaged zip"),
        ("truncated.zip", "truncated or damaged zip"),
        ("bomb.zip", "more than"),
        ("bomb-image.zip", "decompression bomb"),
        ("empty-archive.zip", "not a bundle: the zip holds no entry"),
        (
            "readme-only.zip",
            "not a bundle: the zip holds none of a bundle's entries",
        ),
        ("does-not-exist.zip", "no such file"),
    ];
    for (name, problem) in cases {
        let path = testdata(&format!("hostile/{name}"));
        for args in [
            vec!["inspect"],
            vec!["inspect", "--json"],
            vec!["overlay", "--out", "/nonexistent-never-written"],
            vec!["video"],
        ] {
            let mut argv: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![&args[0], &path];
            for a in &args[1..] {
                argv.push(a);
            }
            let out = eidscope(&argv);
            let err = out.assert(ExitStatus::UnreadableInput).stderr();
            let first = err.lines().next().unwrap_or_default();
            assert!(
                first.starts_with("eidscope: ") && first.contains(name),
                "{name}: {err}"
            );
            assert!(
                first.contains(problem),
                "{name}: expected `{problem}` in {err}"
            );
            assert!(
                !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
                "{name}: {err}"
            );
            assert!(
                err.lines().filter(|l| !l.starts_with("hint:")).count() == 1,
                "{name}: {err}"
            );
            assert!(out.0.stdout.is_empty(), "{name}: wrote to stdout");
        }
        assert!(!std::path::Path::new("/nonexistent-never-written").exists());
    }
}

#[test]
fn zip_slip_names_are_findings_not_paths() {
    let report = inspect(&testdata("hostile/zip-slip.zip"));
    let unsafe_entries: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.code == FindingCode::UnsafeEntry)
        .map(|f| f.evidence["entry"].as_str().unwrap())
        .collect();
    assert_eq!(
        unsafe_entries,
        [
            "../../evil.txt",
            "/tmp/eidscope-absolute-evil.txt",
            "ok/../../../evil2.txt",
            "C:\\windows\\evil.txt",
            "link"
        ]
    );
    let unexpected = finding_codes(&report)
        .into_iter()
        .filter(|c| *c == FindingCode::UnexpectedEntry)
        .count();
    assert_eq!(unexpected, 1);
    // --fail-on high turns the high findings into exit code 1.
    eidscope(&[
        &"inspect",
        &testdata("hostile/zip-slip.zip"),
        &"--fail-on",
        &"high",
    ])
    .assert(ExitStatus::FindingsAtOrAbove);
}

#[test]
fn usage_errors_exit_2() {
    eidscope(&[&"inspect"]).assert(ExitStatus::Usage);
    eidscope(&[&"no-such-command"]).assert(ExitStatus::Usage);
    eidscope(&[&"synth", &"--count", &"0", &"--out", &"/tmp/x"]).assert(ExitStatus::Usage);
    let severe = eidscope(&[&"inspect", &"x.zip", &"--fail-on", &"severe"])
        .assert(ExitStatus::Usage)
        .stderr();
    assert!(
        severe.contains("invalid value 'severe' for '--fail-on <SEVERITY>'")
            && severe.contains("[possible values: high, medium, low, info]"),
        "{severe}"
    );
    eidscope(&[&"--help"]).ok();
}

#[test]
fn bombs_are_refused_within_bounded_memory() {
    // Under a 300 MB address-space limit (the binary and FFmpeg's libraries take about half),
    // a reader that believed the 300 MiB image bomb, or buffered it whole, would abort.
    let bin = env!("CARGO_BIN_EXE_eidscope");
    for name in ["bomb.zip", "bomb-image.zip"] {
        let path = testdata(&format!("hostile/{name}"));
        let out = std::process::Command::new("bash")
            .arg("-c")
            .arg(format!(
                "ulimit -v 300000; exec '{bin}' inspect '{}'",
                path.display()
            ))
            .output()
            .unwrap();
        let out = Run(out);
        let err = out.assert(ExitStatus::UnreadableInput).stderr();
        assert!(
            err.contains("more than") || err.contains("decompression bomb"),
            "{name}: {err}"
        );
    }
}

#[test]
fn extreme_boxes_and_terminal_escapes_are_data_not_crashes() {
    let dir = tempfile::tempdir().unwrap();
    let ocr = serde_json::json!({
        "similarityScore": "high", "livenessDetected": "true",
        "firstName": "EVIL\u{1b}[2J\u{1b}]0;pwned\u{7}", "lastName": "X",
        "features": [
            {"name": "Huge", "found": true, "bbox": {"x": 10, "y": 0, "width": i64::MAX, "height": 10}, "side": "data"},
            {"name": "Far\u{1b}[31m", "found": true, "bbox": {"x": i64::MIN, "y": i64::MIN, "width": i64::MAX, "height": i64::MAX}, "side": "data"}
        ]
    });
    let zip = dir.path().join("extreme.zip");
    let jpeg = {
        let mut bytes = Vec::new();
        image::RgbImage::new(64, 48)
            .write_to(
                &mut std::io::Cursor::new(&mut bytes),
                image::ImageFormat::Jpeg,
            )
            .unwrap();
        bytes
    };
    write_zip(
        &zip,
        &[
            ("ocr.json", &serde_json::to_vec(&ocr).unwrap()),
            ("front.jpeg", &jpeg),
        ],
    );
    let text = eidscope(&[&"inspect", &zip]).ok().stdout();
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}'),
        "control characters reached the terminal"
    );
    assert!(text.contains("EVIL\\u{1b}[2J"), "{text}");
    let report: BundleReport = inspect(&zip);
    let outside: Vec<bool> = report
        .findings
        .iter()
        .filter(|f| f.code == FindingCode::BboxOutOfBounds)
        .map(|f| f.evidence["wholly_outside"].as_bool().unwrap())
        .collect();
    assert_eq!(outside, [false, true]);
    eidscope(&[&"overlay", &zip, &"--out", &dir.path().join("overlay")]).ok();
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let bin = env!("CARGO_BIN_EXE_eidscope");
    let zip = testdata("hostile/zip-slip.zip");
    for command in [
        format!("'{bin}' findings"),
        format!("'{bin}' inspect '{}' --json", zip.display()),
    ] {
        let out = std::process::Command::new("bash")
            .arg("-c")
            .arg(format!(
                "set -o pipefail; {command} | head -c 10 >/dev/null"
            ))
            .output()
            .unwrap();
        let err = Run(out).ok().stderr();
        assert!(
            !err.contains("panicked") && !err.contains("Broken pipe"),
            "{command}: {err}"
        );
    }
}
