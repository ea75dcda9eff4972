//! Answers in one command: `stats` sorted by a rate or a count, with `--min-count` and the
//! rejection reasons per group; `findings SCAN` listing finding instances; `links --code`;
//! `inspect` of several bundles.

use crate::fixture::{eidscope, synth_batch, zips_in};
use eidscope_model::{BundleReport, ExitStatus};
use serde_json::Value;
use std::path::PathBuf;
use std::sync::OnceLock;

/// One scan of the seeded batch at level full with the cross-bundle findings, shared.
fn scan() -> PathBuf {
    static SCAN: OnceLock<tempfile::TempDir> = OnceLock::new();
    SCAN.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        eidscope(&[
            &"scan",
            &synth_batch(40, 7),
            &"--out",
            &dir.path(),
            &"--level",
            &"full",
            &"--links",
            &"-q",
        ])
        .ok();
        dir
    })
    .path()
    .to_path_buf()
}

fn stats(args: &[&str]) -> Value {
    let scan = scan();
    let mut argv: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![&"stats", &scan, &"--json"];
    argv.extend(args.iter().map(|a| a as &dyn AsRef<std::ffi::OsStr>));
    eidscope(&argv).ok().json()
}

fn rate(group: &Value, status: &str) -> f64 {
    group["status_rate"][status].as_f64().unwrap_or(0.0)
}

#[test]
fn which_country_rejects_most_with_at_least_n_bundles() {
    let all = stats(&["--by", "issuing_country"]);
    let all_groups = all["groups"].as_array().unwrap().len() as u64;
    let kept = stats(&[
        "--by",
        "issuing_country",
        "--sort",
        "rejected",
        "--min-count",
        "5",
    ]);
    let groups = kept["groups"].as_array().unwrap();
    assert!(!groups.is_empty());
    assert!(groups.iter().all(|g| g["total"].as_u64().unwrap() >= 5));
    assert_eq!(
        kept["groups_below_min_count"].as_u64().unwrap() + groups.len() as u64,
        all_groups
    );
    for pair in groups.windows(2) {
        assert!(
            rate(&pair[0], "rejected") >= rate(&pair[1], "rejected"),
            "not sorted by the rejection rate"
        );
    }
    let by_count = stats(&["--by", "issuing_country", "--sort", "count"]);
    let totals: Vec<u64> = by_count["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["total"].as_u64().unwrap())
        .collect();
    assert!(totals.windows(2).all(|w| w[0] >= w[1]), "{totals:?}");
    // An order that is not a word is a usage error that lists the words.
    let run = eidscope(&[&"stats", &scan(), &"--sort", &"best"]);
    run.assert(ExitStatus::Usage);
    assert!(run.stderr().contains("rejected"), "{}", run.stderr());
}

#[test]
fn rejection_reasons_per_group_explain_every_rejection() {
    let weekly = stats(&["--every", "week"]);
    let mut reasons_seen = 0;
    let overall = &weekly["rejection_reasons"];
    for group in weekly["groups"].as_array().unwrap() {
        let rejected = group["status"]["rejected"].as_u64().unwrap_or(0);
        let reasons = group["rejection_reasons"].as_object().unwrap();
        let counts: Vec<u64> = reasons.values().map(|n| n.as_u64().unwrap()).collect();
        // Every rejected bundle has at least one reason; none is counted twice under one.
        assert!(counts.iter().sum::<u64>() >= rejected);
        assert!(counts.iter().all(|n| *n <= rejected));
        for (reason, n) in reasons {
            let share = group["rejection_reason_rate"][reason].as_f64().unwrap();
            let n = n.as_u64().unwrap();
            assert!((share - n as f64 / rejected as f64).abs() < 1e-6);
            reasons_seen += n;
        }
    }
    let overall_sum: u64 = overall
        .as_object()
        .unwrap()
        .values()
        .map(|n| n.as_u64().unwrap())
        .sum();
    assert_eq!(reasons_seen, overall_sum, "the groups add up to the batch");
    assert!(overall_sum >= weekly["status"]["rejected"].as_u64().unwrap());
    // The batch's one rejection by a failed security check (its other two are the agent's).
    assert_eq!(overall["security-check:notBWCopy"].as_u64(), Some(1));
    assert_eq!(overall["manual-approval:rejected"].as_u64(), Some(2));
    let text = eidscope(&[&"stats", &scan(), &"--every", &"week"])
        .ok()
        .stdout();
    assert!(
        text.contains("rejection reasons per group (share of the group's rejected bundles)"),
        "{text}"
    );
    assert!(text.contains("notBWCopy"), "{text}");
}

#[test]
fn findings_of_a_scan_are_listed_filtered_and_most_severe_first() {
    let all: Value = eidscope(&[&"findings", &scan(), &"--json"]).ok().json();
    assert_eq!(all["schema"], "eidscope.findings/1");
    let findings = all["findings"].as_array().unwrap();
    let by_code = stats(&[]);
    let expected: u64 = by_code["findings"]
        .as_object()
        .unwrap()
        .values()
        .map(|n| n.as_u64().unwrap())
        .sum();
    assert_eq!(findings.len() as u64, expected, "one entry per finding");
    let rank = |f: &Value| match f["severity"].as_str().unwrap() {
        "high" => 0,
        "medium" => 1,
        "low" => 2,
        _ => 3,
    };
    assert!(findings.windows(2).all(|w| rank(&w[0]) <= rank(&w[1])));

    let high: Value = eidscope(&[&"findings", &scan(), &"--severity", &"high", &"--json"])
        .ok()
        .json();
    let high = high["findings"].as_array().unwrap();
    assert!(!high.is_empty());
    assert!(high.iter().all(|f| f["severity"] == "high"));
    let expired: Value = eidscope(&[
        &"findings",
        &scan(),
        &"--code",
        &"expiry-contradiction,document-reuse",
        &"--json",
    ])
    .ok()
    .json();
    let expired = expired["findings"].as_array().unwrap();
    assert_eq!(
        expired.len() as u64,
        by_code["findings"]["expiry-contradiction"]
            .as_u64()
            .unwrap()
            + by_code["findings"]["document-reuse"].as_u64().unwrap()
    );
    // A linked group lists all its bundles.
    let reuse = expired
        .iter()
        .find(|f| f["code"] == "document-reuse")
        .unwrap();
    assert!(reuse["paths"].as_array().unwrap().len() >= 2);

    let text = eidscope(&[&"findings", &scan(), &"--code", &"expiry-contradiction"])
        .ok()
        .stdout();
    let mut lines = text.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("HIGH   expiry-contradiction")
    );
    assert!(text.contains("1 finding in 40 bundles"), "{text}");
    // Without a scan, the catalogue; filters need a scan.
    assert!(eidscope(&[&"findings"]).ok().stdout().contains("velocity"));
    eidscope(&[&"findings", &"--code", &"velocity"]).assert(ExitStatus::Usage);
}

#[test]
fn links_lists_only_the_codes_asked_for() {
    let all: Value = eidscope(&[&"links", &scan(), &"--json"]).ok().json();
    let count = |v: &Value, code: &str| {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"] == code)
            .count()
    };
    let velocity: Value = eidscope(&[&"links", &scan(), &"--code", &"velocity", &"--json"])
        .ok()
        .json();
    assert!(count(&all, "velocity") > 0);
    assert_eq!(
        velocity["findings"].as_array().unwrap().len(),
        count(&all, "velocity")
    );
    assert_eq!(velocity["codes"], serde_json::json!(["velocity"]));
    // A single-bundle code is not a links code.
    eidscope(&[&"links", &scan(), &"--code", &"video-frozen"]).assert(ExitStatus::Usage);
}

#[test]
fn inspect_shows_several_bundles_in_the_order_given() {
    let batch = synth_batch(40, 7);
    let zips = zips_in(&batch);
    let (a, b) = (&zips[3], &zips[1]);
    let run = eidscope(&[&"inspect", a, b, &"--json"]);
    run.ok();
    let reports: Vec<BundleReport> = run
        .stdout()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(reports.len(), 2);
    assert!(
        reports[0]
            .path
            .ends_with(&*a.file_name().unwrap().to_string_lossy())
    );
    assert!(
        reports[1]
            .path
            .ends_with(&*b.file_name().unwrap().to_string_lossy())
    );
    // An unreadable one among them: its line, the others still shown, exit 3.
    let run = eidscope(&[&"inspect", a, &batch.join("nope.zip"), b]);
    run.assert(ExitStatus::UnreadableInput);
    assert_eq!(run.stderr().lines().count(), 1, "{}", run.stderr());
    assert_eq!(run.stdout().matches("findings").count(), 2);
    // --process names the process of one bundle.
    eidscope(&[&"inspect", a, b, &"--process", a]).assert(ExitStatus::Usage);
}
