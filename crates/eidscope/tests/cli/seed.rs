//! The provider documentation's four examples (accepted, rejected, inconclusive, failed), kept
//! verbatim in testdata/seed/, each derive to their own status, with snapshots of the report.

use crate::fixture::*;
use eidscope_model::{BundleReport, FindingCode, Reason, Status};

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
        let out = eidscope(&[&"inspect", &zip, &"--json"]);
        let report: BundleReport = out.ok().json();
        let status = Status::parse(name);
        assert_eq!(report.reported_status.as_ref(), Some(&status), "{name}");
        assert_eq!(
            report.derived_status, status,
            "{name}: reasons {:?}",
            report.reasons
        );
        assert!(
            !finding_codes(&report).contains(&FindingCode::StatusMismatch),
            "{name}: {:?}",
            finding_codes(&report)
        );
        // The snapshot is of the JSON as written.
        let json: serde_json::Value = out.json();
        with_dir_filter(dir.path(), || {
            insta::assert_json_snapshot!(format!("seed-{name}"), json)
        });
    }
}

#[test]
fn reasons_name_the_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let reasons = |name: &str| inspect(&bundle_from_example(dir.path(), name)).reasons;
    assert_eq!(reasons("accepted"), []);
    assert_eq!(
        reasons("rejected"),
        [Reason::SecurityCheck("nonExpired".into())]
    );
    assert_eq!(
        reasons("inconclusive"),
        [
            Reason::Similarity(Some("verylow".into())),
            Reason::FeatureNotFound("OVI 2".into()),
            Reason::FeatureNotFound("OVI 1".into())
        ]
    );
    assert_eq!(
        reasons("failed"),
        [
            Reason::FailReason(Some("InactiveUser.Aborted".into())),
            Reason::NoOcrData
        ]
    );
    // As the contract writes them.
    let words: Vec<String> = reasons("failed").iter().map(ToString::to_string).collect();
    assert_eq!(words, ["fail-reason:InactiveUser.Aborted", "no-ocr-data"]);
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
        let with_entry: BundleReport =
            eidscope(&[&"inspect", &zip, &"--process", &process_file, &"--json"])
                .ok()
                .json();
        let from_process = inspect(&bundle_from_example(dir.path(), name));
        assert_eq!(with_entry.identity, from_process.identity, "{name}");
        assert_eq!(with_entry.similarity_score, from_process.similarity_score);
        assert_eq!(with_entry.liveness_detected, from_process.liveness_detected);
        assert_eq!(with_entry.security_checks, from_process.security_checks);
        assert_eq!(with_entry.features, from_process.features);
        assert_eq!(with_entry.derived_status, from_process.derived_status);
        assert_eq!(with_entry.reasons, from_process.reasons);
        assert_eq!(with_entry.shape, from_process.shape);
        assert_eq!(with_entry.entries[0].kind, eidscope_model::EntryKind::Ocr);
    }
}

#[test]
fn the_text_summary_tells_status_reasons_and_findings() {
    let dir = tempfile::tempdir().unwrap();
    let zip = bundle_from_example(dir.path(), "inconclusive");
    let text = eidscope(&[&"inspect", &zip]).ok().stdout();
    with_dir_filter(dir.path(), || {
        insta::assert_snapshot!("seed-inconclusive-text", text)
    });
}

#[test]
fn a_report_reads_back_as_it_was_written() {
    // Every note and reason of a report survives the trip through JSON: the model's types
    // are the schema, both ways.
    let dir = tempfile::tempdir().unwrap();
    for name in EXAMPLES {
        let out = eidscope(&[
            &"inspect",
            &bundle_from_example(dir.path(), name),
            &"--json",
        ]);
        let report: BundleReport = out.ok().json();
        let again = serde_json::to_string_pretty(&report).unwrap();
        assert_eq!(format!("{again}\n"), out.stdout(), "{name}");
    }
}
