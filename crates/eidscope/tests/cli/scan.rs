//! `eidscope scan` and `eidscope stats` end to end: tables and a summary line, exit codes,
//! shards whose statistics equal one scan's, a list of paths on standard input, redaction
//! options, and a snapshot of `stats --json` for a seeded synthetic batch.

use crate::fixture::{Eidscope, eidscope, labels, synth_batch, testdata, write_zip};
use eidscope_model::{ExitStatus, FindingCode};
use eidscope_tables::rows::BundleRow;
use std::path::{Path, PathBuf};

/// One seeded synthetic batch for this module.
fn batch() -> PathBuf {
    synth_batch(40, 7)
}

fn stats_json(args: &[&dyn AsRef<std::ffi::OsStr>]) -> serde_json::Value {
    eidscope(args).ok().json()
}

#[test]
fn scan_writes_every_table_and_a_closing_summary() {
    let out_dir = tempfile::tempdir().unwrap();
    let err = eidscope(&[
        &"scan",
        &batch(),
        &testdata("hostile"),
        &batch().join("labels.json"),
        &"--out",
        &out_dir.path(),
        &"--format",
        &"csv",
        &"--level",
        &"meta",
    ])
    .ok()
    .stderr();
    assert!(
        err.contains("65 bundles read, 8 errors; findings: ") && err.contains("bundles/s"),
        "{err}"
    );
    for table in [
        "bundles", "checks", "features", "media", "findings", "errors",
    ] {
        assert!(
            out_dir.path().join(format!("{table}.csv")).is_file(),
            "{table}"
        );
    }
    let names: Vec<String> = std::fs::read_dir(out_dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.ends_with(".partial")), "{names:?}");
    let header = std::fs::read_to_string(out_dir.path().join("bundles.csv")).unwrap();
    let header = header.lines().next().unwrap();
    for column in [
        "path",
        "sha256",
        "process_id",
        "provider",
        "process_type",
        "created_at",
        "reported_status",
        "derived_status",
        "status",
        "similarity_score",
        "liveness_detected",
        "document_type",
        "issuing_country",
        "nationality",
        "gender",
        "date_of_birth",
        "date_of_expiry",
        "document_number",
        "first_name",
        "last_name",
        "fail_reason_type",
        "checks_failed",
        "features_not_found",
        "findings",
    ] {
        assert!(
            header.split(',').any(|c| c == column),
            "bundles lacks {column}: {header}"
        );
    }
    let errors = std::fs::read_to_string(out_dir.path().join("errors.csv")).unwrap();
    assert!(errors.starts_with("path,error_kind,message"));
    assert!(errors.contains("labels.json,not-zip,"), "{errors}");
}

#[test]
fn fail_on_and_usage_errors_have_their_exit_codes() {
    let out_dir = tempfile::tempdir().unwrap();
    eidscope(&[
        &"scan",
        &batch(),
        &"--out",
        &out_dir.path(),
        &"--level",
        &"meta",
        &"--fail-on",
        &"info",
        &"-q",
    ])
    .assert(ExitStatus::FindingsAtOrAbove);
    let err = eidscope(&[&"scan", &batch(), &"--out", &out_dir.path(), &"--redact"])
        .assert(ExitStatus::Usage)
        .stderr();
    assert!(err.contains("EIDSCOPE_REDACT_KEY"), "{err}");
    for wrong in [&["--shard", "3/2"][..], &["--shard", "1/2", "--links"]] {
        let command = Eidscope::new(&[&"scan", &batch(), &"--out", &out_dir.path()]);
        wrong
            .iter()
            .fold(command, |command, arg| command.arg(arg))
            .run()
            .assert(ExitStatus::Usage);
    }
    let err = eidscope(&[&"stats", &batch(), &"--by", &"no_such_column"])
        .assert(ExitStatus::Usage)
        .stderr();
    assert!(err.contains("no_such_column"), "{err}");
}

#[test]
fn redaction_key_comes_from_a_file_or_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("key");
    std::fs::write(&key, "secret\n").unwrap();
    let a = dir.path().join("a");
    eidscope(&[
        &"scan",
        &batch(),
        &"--out",
        &a,
        &"--level",
        &"meta",
        &"--format",
        &"ndjson",
        &"--redact",
        &"--redact-key-file",
        &key,
    ])
    .ok();
    let b = dir.path().join("b");
    Eidscope::new(&[
        &"scan",
        &batch(),
        &"--out",
        &b,
        &"--level",
        &"meta",
        &"--format",
        &"ndjson",
        &"--redact",
    ])
    .env("EIDSCOPE_REDACT_KEY", "secret")
    .run()
    .ok();
    // The rows as the table holds them, read back into their row type.
    let document_keys = |dir: &Path| -> Vec<String> {
        let mut keys: Vec<String> = std::fs::read_to_string(dir.join("bundles.ndjson"))
            .unwrap()
            .lines()
            .map(|l| {
                let row: BundleRow = serde_json::from_str(l).unwrap();
                assert!(row.redacted && row.date_of_birth.is_none());
                format!(
                    "{} {:?}",
                    row.path.rsplit('/').next().unwrap(),
                    row.document_key
                )
            })
            .collect();
        keys.sort();
        keys
    };
    assert_eq!(
        document_keys(&a),
        document_keys(&b),
        "the same key gives the same pseudonyms"
    );
    assert!(document_keys(&a).iter().any(|k| k.contains(":ps-")));
}

#[test]
fn shards_give_the_statistics_of_one_scan() {
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole");
    eidscope(&[
        &"scan",
        &batch(),
        &testdata("hostile"),
        &"--out",
        &whole,
        &"-q",
    ])
    .ok();
    let shards = dir.path().join("shards");
    for k in ["1/2", "2/2"] {
        eidscope(&[
            &"scan",
            &batch(),
            &testdata("hostile"),
            &"--out",
            &shards,
            &"--shard",
            &k,
            &"-q",
        ])
        .ok();
    }
    assert!(
        shards.join("shard-1-of-2/scan.json").is_file()
            && shards.join("shard-2-of-2/bundles.parquet").is_file()
    );
    let (one, two) = (shards.join("shard-1-of-2"), shards.join("shard-2-of-2"));
    for grouping in [
        &[][..],
        &["--by", "issuing_country,document_type", "--every", "week"][..],
    ] {
        let mut a: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![&"stats", &whole, &"--json"];
        let mut b: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![&"stats", &shards, &"--json"];
        let mut c: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![&"stats", &one, &two, &"--json"];
        for g in grouping {
            a.push(g);
            b.push(g);
            c.push(g);
        }
        let whole_stats = stats_json(&a);
        assert_eq!(whole_stats, stats_json(&b));
        assert_eq!(whole_stats, stats_json(&c));
    }
    // One shard alone is said to be partial.
    let err = eidscope(&[&"stats", &shards.join("shard-1-of-2")])
        .ok()
        .stderr();
    assert!(
        err.contains("eidscope: warning: shard(s) 2 of 2 are missing"),
        "{err}"
    );
}

#[test]
fn stats_over_bundles_equal_stats_over_their_scan_and_stdin_lists_work() {
    let dir = tempfile::tempdir().unwrap();
    // Not -q: it leaves out the closing summary this reads.
    let err = Eidscope::new(&[&"scan", &"-", &"--out", &dir.path()])
        .stdin(format!("{}\n", batch().display()))
        .run()
        .ok()
        .stderr();
    assert!(err.contains("40 bundles read"), "{err}");
    assert_eq!(
        stats_json(&[&"stats", &dir.path(), &"--json"]),
        stats_json(&[&"stats", &batch(), &"--json"])
    );
    let csv = eidscope(&[&"stats", &dir.path(), &"--csv", &"--by", &"status"])
        .ok()
        .stdout();
    assert!(csv.starts_with("status,metric,name,count,rate\n"), "{csv}");
    let text = eidscope(&[&"stats", &dir.path(), &"--every", &"month"])
        .ok()
        .stdout();
    assert!(
        text.contains("bundles  40") && text.contains("groups ("),
        "{text}"
    );
}

#[test]
fn stats_json_of_a_seeded_batch_is_stable() {
    let dir = tempfile::tempdir().unwrap();
    eidscope(&[
        &"scan",
        &batch(),
        &"--out",
        &dir.path(),
        &"--level",
        &"full",
        &"--links",
        &"-q",
    ])
    .ok();
    let stats = stats_json(&[&"stats", &dir.path(), &"--json"]);
    // The labels say what the single-bundle findings and statuses must be.
    let labels = labels(&batch());
    let mut expected = std::collections::BTreeMap::<FindingCode, u64>::new();
    for code in labels.bundles.iter().flat_map(|b| &b.expected_findings) {
        *expected.entry(*code).or_default() += 1;
    }
    for (code, n) in &expected {
        assert_eq!(
            stats["findings"][code.as_str()].as_u64(),
            Some(*n),
            "{code}"
        );
    }
    // And the batch groups what the cross-bundle findings (`--links`) must be.
    let mut groups = std::collections::BTreeMap::<FindingCode, u64>::new();
    for group in &labels.groups {
        *groups.entry(group.code).or_default() += 1;
    }
    assert!(!groups.is_empty());
    for (code, n) in &groups {
        assert_eq!(
            stats["findings"][code.as_str()].as_u64(),
            Some(*n),
            "{code}"
        );
    }
    insta::assert_json_snapshot!("stats-seed-7-count-40", stats);
}

#[test]
fn stats_count_mismatches_as_the_finding_does() {
    // A canceled process says nothing of its evidence: neither the finding nor the statistics
    // call it a mismatch; a reported `rejected` against accepted evidence is one in both.
    let dir = tempfile::tempdir().unwrap();
    let ocr = serde_json::json!({"similarityScore": "high", "securityChecks": {"nonExpired": {"valid": true}}});
    let ocr = serde_json::to_vec(&ocr).unwrap();
    for (name, status) in [
        ("canceled", "canceled"),
        ("pending", "pending"),
        ("rejected", "rejected"),
    ] {
        write_zip(
            &dir.path().join(format!("{name}.zip")),
            &[("ocr.json", &ocr)],
        );
        let process = serde_json::json!({"status": status, "createdAt": "2024-01-02T10:00:00Z"});
        std::fs::write(dir.path().join(format!("{name}.json")), process.to_string()).unwrap();
    }
    let out = dir.path().join("scan");
    eidscope(&[&"scan", &dir.path(), &"--out", &out, &"-q"]).ok();
    let stats = stats_json(&[&"stats", &out, &"--json"]);
    assert_eq!(stats["status_mismatches"], 1, "{stats}");
    assert_eq!(stats["findings"]["status-mismatch"], 1, "{stats}");
}

#[test]
fn an_interrupted_scan_leaves_no_partial_table() {
    let out = tempfile::tempdir().unwrap();
    let mut child = Eidscope::new(&[
        &"scan",
        &"--jobs",
        &"1",
        &"--level",
        &"full",
        &"-q",
        &"--out",
        &out.path(),
        &synth_batch(60, 7),
    ])
    .spawn();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let status = child.wait().unwrap();
    let names: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.ends_with(".partial")), "{names:?}");
    if status.code() == Some(i32::from(ExitStatus::Interrupted.code())) {
        // Interrupted while writing: no table at all, complete or not.
        assert!(names.iter().all(|n| !n.ends_with(".parquet")), "{names:?}");
    } else {
        // The machine was faster than the signal: then the tables are complete.
        assert_eq!(status.code(), Some(i32::from(ExitStatus::Ok.code())));
        assert!(names.contains(&"bundles.parquet".to_owned()), "{names:?}");
    }
}
