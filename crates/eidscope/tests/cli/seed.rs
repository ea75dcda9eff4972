//! The provider documentation's four examples (accepted, rejected, inconclusive, failed), kept
//! verbatim in testdata/seed/, each derive to their own status, with snapshots of the report.

use crate::fixture::*;

const EXAMPLES: [&str; 4] = ["accepted", "rejected", "inconclusive", "failed"];

/// A bundle whose zip holds no entry, with the verbatim example as its process beside it: the
/// OCR evidence then comes from the process's `providerSpecific.ocr`.
fn bundle_from_example(dir: &std::path::Path, name: &str) -> std::path::PathBuf {
    let zip = dir.join(format!("{name}.zip"));
    write_zip(&zip, &[]);
    std::fs::copy(
        testdata(&format!("seed/{name}.json")),
        dir.join(format!("{name}.json")),
    )
    .unwrap();
    zip
}

#[test]
fn each_example_derives_to_its_own_status() {
    let dir = tempfile::tempdir().unwrap();
    for name in EXAMPLES {
        let zip = bundle_from_example(dir.path(), name);
        let out = eidscope_paths(&[&"inspect", &zip, &"--json"]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
        let report = json(&out);
        assert_eq!(report["reported_status"], name, "{name}");
        assert_eq!(
            report["derived_status"], name,
            "{name}: reasons {}",
            report["reasons"]
        );
        let codes = finding_codes(&report);
        assert!(
            !codes.iter().any(|c| c == "status-mismatch"),
            "{name}: {codes:?}"
        );
        with_dir_filter(dir.path(), || {
            insta::assert_json_snapshot!(format!("seed-{name}"), report)
        });
    }
}

#[test]
fn reasons_name_the_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let reasons = |name: &str| {
        let zip = bundle_from_example(dir.path(), name);
        json(&eidscope_paths(&[&"inspect", &zip, &"--json"]))["reasons"].clone()
    };
    assert_eq!(reasons("accepted"), serde_json::json!([]));
    assert_eq!(
        reasons("rejected"),
        serde_json::json!(["security-check:nonExpired"])
    );
    assert_eq!(
        reasons("inconclusive"),
        serde_json::json!([
            "similarity:verylow",
            "feature-not-found:OVI 2",
            "feature-not-found:OVI 1"
        ])
    );
    assert_eq!(
        reasons("failed"),
        serde_json::json!(["fail-reason:InactiveUser.Aborted", "no-ocr-data"])
    );
}

#[test]
fn ocr_json_in_the_zip_reads_like_the_process_copy() {
    // For the examples that are valid JSON, put providerSpecific.ocr into the zip as ocr.json:
    // the normalised evidence must be the same as when it is read from the process.
    let dir = tempfile::tempdir().unwrap();
    for name in ["accepted", "inconclusive"] {
        let process: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(testdata(&format!("seed/{name}.json"))).unwrap(),
        )
        .unwrap();
        let ocr = serde_json::to_vec(&process["providerSpecific"]["ocr"]).unwrap();
        let zip = dir.path().join(format!("{name}-ocr.zip"));
        write_zip(&zip, &[("result/OCR.json", &ocr)]);
        let process_file = testdata(&format!("seed/{name}.json"));
        let with_entry = json(&eidscope_paths(&[
            &"inspect",
            &zip,
            &"--process",
            &process_file,
            &"--json",
        ]));
        let from_process = json(&eidscope_paths(&[
            &"inspect",
            &bundle_from_example(dir.path(), name),
            &"--json",
        ]));
        for key in [
            "identity",
            "similarity_score",
            "liveness_detected",
            "security_checks",
            "features",
            "derived_status",
            "reasons",
            "shape",
        ] {
            assert_eq!(with_entry[key], from_process[key], "{name}: {key}");
        }
        assert_eq!(with_entry["entries"][0]["kind"], "ocr");
    }
}

#[test]
fn the_text_summary_tells_status_reasons_and_findings() {
    let dir = tempfile::tempdir().unwrap();
    let zip = bundle_from_example(dir.path(), "inconclusive");
    let out = eidscope_paths(&[&"inspect", &zip]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    with_dir_filter(dir.path(), || {
        insta::assert_snapshot!("seed-inconclusive-text", text)
    });
}
