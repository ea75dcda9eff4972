//! Hostile inputs (testdata/hostile/, written by testdata/make_hostile.py): each unreadable one
//! gives exit code 3 and one line naming the file and the problem; none panics; memory stays
//! bounded (the bombs are refused while decompressing, not after).

use crate::fixture::*;
use eidscope_model::{BundleReport, ExitStatus, FindingCode};

#[test]
fn unreadable_bundles_exit_3_with_one_line() {
    let cases = [
        ("not-a-zip.zip", "not a zip file"),
        ("empty.zip", "file is empty"),
        ("random-pk.zip", "truncated or damaged zip"),
        ("truncated.zip", "truncated or damaged zip"),
        ("bomb.zip", "more than"),
        ("bomb-image.zip", "decompression bomb"),
        ("nested.zip", "recursion limit"),
        ("malformed.zip", "is not valid JSON"),
        ("bad-utf8.zip", "is not valid JSON"),
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
