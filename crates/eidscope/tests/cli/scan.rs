//! `eidscope scan` and `eidscope stats` end to end: tables and a summary line, exit codes,
//! shards whose statistics equal one scan's, a list of paths on standard input, redaction
//! options, and a snapshot of `stats --json` for a seeded synthetic batch.

use crate::fixture::{eidscope_paths, json, stderr, stdout, synth_batch, testdata, write_zip};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// One seeded synthetic batch for this module.
fn batch() -> PathBuf {
    synth_batch(40, 7)
}

fn run(args: &[&dyn AsRef<std::ffi::OsStr>], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_eidscope"))
        .args(args.iter().map(|a| a.as_ref()))
        .env_remove("EIDSCOPE_REDACT_KEY")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn stats_json(args: &[&dyn AsRef<std::ffi::OsStr>]) -> serde_json::Value {
    let out = run(args, None);
    assert!(out.status.success(), "{}", stderr(&out));
    json(&out)
}

#[test]
fn scan_writes_every_table_and_a_closing_summary() {
    let out_dir = tempfile::tempdir().unwrap();
    let out = run(
        &[
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
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("42 bundles read, 9 errors; findings: ") && err.contains("bundles/s"),
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
    let out = run(
        &[
            &"scan",
            &batch(),
            &"--out",
            &out_dir.path(),
            &"--level",
            &"meta",
            &"--fail-on",
            &"info",
            &"-q",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let out = run(
        &[&"scan", &batch(), &"--out", &out_dir.path(), &"--redact"],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("EIDSCOPE_REDACT_KEY"),
        "{}",
        stderr(&out)
    );
    let out = run(
        &[
            &"scan",
            &batch(),
            &"--out",
            &out_dir.path(),
            &"--shard",
            &"3/2",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let out = run(
        &[
            &"scan",
            &batch(),
            &"--out",
            &out_dir.path(),
            &"--shard",
            &"1/2",
            &"--links",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let out = run(&[&"stats", &batch(), &"--by", &"no_such_column"], None);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("no_such_column"));
}

#[test]
fn redaction_key_comes_from_a_file_or_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("key");
    std::fs::write(&key, "secret\n").unwrap();
    let a = dir.path().join("a");
    let out = run(
        &[
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
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let b = dir.path().join("b");
    let out = Command::new(env!("CARGO_BIN_EXE_eidscope"))
        .args([
            "scan".as_ref(),
            batch().as_os_str(),
            "--out".as_ref(),
            b.as_os_str(),
            "--level".as_ref(),
            "meta".as_ref(),
            "--format".as_ref(),
            "ndjson".as_ref(),
            "--redact".as_ref(),
        ])
        .env("EIDSCOPE_REDACT_KEY", "secret")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let document_keys = |dir: &Path| -> Vec<String> {
        let mut keys: Vec<String> = std::fs::read_to_string(dir.join("bundles.ndjson"))
            .unwrap()
            .lines()
            .map(|l| {
                let row: serde_json::Value = serde_json::from_str(l).unwrap();
                format!(
                    "{} {}",
                    row["path"].as_str().unwrap().rsplit('/').next().unwrap(),
                    row["document_key"]
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
    let out = run(
        &[
            &"scan",
            &batch(),
            &testdata("hostile"),
            &"--out",
            &whole,
            &"-q",
        ],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let shards = dir.path().join("shards");
    for k in ["1/2", "2/2"] {
        let out = run(
            &[
                &"scan",
                &batch(),
                &testdata("hostile"),
                &"--out",
                &shards,
                &"--shard",
                &k,
                &"-q",
            ],
            None,
        );
        assert!(out.status.success(), "{}", stderr(&out));
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
    let out = run(&[&"stats", &shards.join("shard-1-of-2")], None);
    assert!(
        stderr(&out).contains("shard(s) 2 of 2 are missing"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn stats_over_bundles_equal_stats_over_their_scan_and_stdin_lists_work() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        &[&"scan", &"-", &"--out", &dir.path(), &"-q"],
        Some(&format!("{}\n", batch().display())),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("40 bundles read"), "{}", stderr(&out));
    assert_eq!(
        stats_json(&[&"stats", &dir.path(), &"--json"]),
        stats_json(&[&"stats", &batch(), &"--json"])
    );
    let csv = run(&[&"stats", &dir.path(), &"--csv", &"--by", &"status"], None);
    assert!(
        stdout(&csv).starts_with("status,metric,name,count,rate\n"),
        "{}",
        stdout(&csv)
    );
    let text = stdout(&run(&[&"stats", &dir.path(), &"--every", &"month"], None));
    assert!(
        text.contains("bundles  40") && text.contains("groups ("),
        "{text}"
    );
}

#[test]
fn stats_json_of_a_seeded_batch_is_stable() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        &[
            &"scan",
            &batch(),
            &"--out",
            &dir.path(),
            &"--level",
            &"full",
            &"--links",
            &"-q",
        ],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let stats = stats_json(&[&"stats", &dir.path(), &"--json"]);
    // The labels say what the single-bundle findings and statuses must be.
    let labels: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(batch().join("labels.json")).unwrap())
            .unwrap();
    let mut expected = std::collections::BTreeMap::<String, u64>::new();
    for bundle in labels["bundles"].as_array().unwrap() {
        for code in bundle["expected_findings"].as_array().unwrap() {
            *expected
                .entry(code.as_str().unwrap().to_owned())
                .or_default() += 1;
        }
    }
    for (code, n) in &expected {
        assert_eq!(stats["findings"][code].as_u64(), Some(*n), "{code}");
    }
    // And the batch groups what the cross-bundle findings (`--links`) must be.
    let mut groups = std::collections::BTreeMap::<String, u64>::new();
    for group in labels["groups"].as_array().unwrap() {
        *groups
            .entry(group["code"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    assert!(!groups.is_empty());
    for (code, n) in &groups {
        assert_eq!(stats["findings"][code].as_u64(), Some(*n), "{code}");
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
    let scanned = eidscope_paths(&[&"scan", &dir.path(), &"--out", &out, &"-q"]);
    assert_eq!(scanned.status.code(), Some(0), "{}", stderr(&scanned));
    let stats = json(&eidscope_paths(&[&"stats", &out, &"--json"]));
    assert_eq!(stats["status_mismatches"], 1, "{stats}");
    assert_eq!(stats["findings"]["status-mismatch"], 1, "{stats}");
}

#[test]
fn an_interrupted_scan_leaves_no_partial_table() {
    let out = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_eidscope"))
        .args(["scan", "--jobs", "1", "--level", "full", "-q", "--out"])
        .arg(out.path())
        .arg(crate::fixture::synth_batch(60, 7))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let status = child.wait().unwrap();
    let names: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.ends_with(".partial")), "{names:?}");
    if status.code() == Some(130) {
        // Interrupted while writing: no table at all, complete or not.
        assert!(names.iter().all(|n| !n.ends_with(".parquet")), "{names:?}");
    } else {
        // The machine was faster than the signal: then the tables are complete.
        assert_eq!(status.code(), Some(0));
        assert!(names.contains(&"bundles.parquet".to_owned()), "{names:?}");
    }
}
