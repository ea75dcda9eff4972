//! Synthetic bundles from `eidscope synth` against their labels: every single-bundle finding
//! fires on its anomaly and on nothing else, clean bundles yield no finding, statuses derive as
//! labelled, and the reports of one bundle of each shape are snapshots.

use crate::fixture::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The synthetic batch of this module.
fn batch() -> PathBuf {
    synth_batch(60, 7)
}

fn labels() -> Value {
    serde_json::from_slice(&std::fs::read(batch().join("labels.json")).unwrap()).unwrap()
}

fn inspect(path: &Path) -> Value {
    let out = eidscope_paths(&[&"inspect", &path, &"--json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}: {}",
        path.display(),
        stderr(&out)
    );
    json(&out)
}

fn codes(report: &Value) -> BTreeSet<String> {
    finding_codes(report).into_iter().collect()
}

#[test]
fn every_bundle_yields_exactly_its_labelled_findings() {
    let labels = labels();
    let mut seen_codes = BTreeSet::new();
    let mut failures = Vec::new();
    for label in labels["bundles"].as_array().unwrap() {
        let path = batch().join(label["path"].as_str().unwrap());
        let report = inspect(&path);
        let expected: BTreeSet<String> = label["expected_findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_owned())
            .collect();
        let got = codes(&report);
        if got != expected {
            failures.push(format!(
                "{}: expected {expected:?}, got {got:?} ({})",
                label["path"], report["findings"]
            ));
        }
        if report["derived_status"] != label["derived_status"]
            || report["reported_status"] != label["reported_status"]
        {
            failures.push(format!(
                "{}: statuses reported {} derived {}, labelled {} / {}",
                label["path"],
                report["reported_status"],
                report["derived_status"],
                label["reported_status"],
                label["derived_status"]
            ));
        }
        if report["shape"] != label["shape"] && label["derived_status"] != "failed" {
            failures.push(format!(
                "{}: shape {} labelled {}",
                label["path"], report["shape"], label["shape"]
            ));
        }
        seen_codes.extend(got);
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
    for spec in eidscope_model::CATALOGUE
        .iter()
        .filter(|s| s.scope == eidscope_model::FindingScope::Bundle)
    {
        assert!(
            seen_codes.contains(spec.code.as_str()),
            "no synthetic bundle yields {}",
            spec.code
        );
    }
}

#[test]
fn one_report_of_each_shape_is_stable() {
    let labels = labels();
    for shape in ["signicat", "eid-raw"] {
        let label = labels["bundles"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| {
                l["shape"] == shape
                    && l["anomalies"].as_array().unwrap().is_empty()
                    && l["derived_status"] == "accepted"
            })
            .unwrap_or_else(|| panic!("no clean accepted {shape} bundle"));
        let report = inspect(&batch().join(label["path"].as_str().unwrap()));
        with_dir_filter(&batch(), || {
            // What the machine's FFmpeg and x264 write (encoder tag, bytes, bit rate) is
            // blanked, so that the snapshot holds on another FFmpeg build; what eidscope
            // decides from it (duration, frames, size, findings) stays.
            insta::assert_json_snapshot!(format!("synthetic-{shape}"), report, {
                ".sha256" => "[zip sha256]",
                ".size_bytes" => "[zip size]",
                ".entries[].size" => "[size]",
                ".entries[].compressed_size" => "[size]",
                ".media.video.sha256" => "[video sha256]",
                ".media.video.size_bytes" => "[video size]",
                ".media.video.bit_rate" => "[bit rate]",
                ".media.video.tags" => "[tags]",
                ".media.video.motion" => insta::rounded_redaction(1),
                ".media.video.streams[].profile" => "[profile]",
            })
        });
    }
}
