//! The two human-facing renderings of [`Stats`]: a terminal report and a long CSV
//! (`group columns..., metric, name, count, rate`). The JSON is the serde form of [`Stats`].

use super::{Block, Group, Stats};
use std::collections::BTreeMap;
use std::fmt::Write;

fn percent(rate: f64) -> String {
    format!("{:5.1}%", rate * 100.0)
}

fn section(
    out: &mut String,
    title: &str,
    counts: &BTreeMap<String, u64>,
    rates: Option<&BTreeMap<String, f64>>,
    total: u64,
) {
    if counts.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{title}");
    let width = counts
        .keys()
        .map(|k| k.chars().count())
        .max()
        .unwrap_or(0)
        .max(8);
    let mut rows: Vec<(&String, &u64)> = counts.iter().collect();
    rows.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    for (key, count) in rows {
        let rate = rates
            .and_then(|r| r.get(key).copied())
            .unwrap_or_else(|| super::rate(*count, total));
        let _ = writeln!(out, "  {key:<width$}  {count:>8}  {}", percent(rate));
    }
}

fn block_text(out: &mut String, block: &Block) {
    section(
        out,
        "status (reported where known, else derived)",
        &block.status,
        Some(&block.status_rate),
        block.total,
    );
    section(
        out,
        "derived status",
        &block.derived_status,
        None,
        block.total,
    );
    let _ = writeln!(
        out,
        "\nstatus mismatches  {} of {} with a reported status  {}",
        block.status_mismatches,
        block.reported_status.values().sum::<u64>(),
        percent(block.status_mismatch_rate)
    );
    section(
        out,
        "security checks not valid (bundles)",
        &block.security_check_failures,
        None,
        block.total,
    );
    section(
        out,
        "checks that fail together (bundles where exactly these fail)",
        &block.check_failure_combinations,
        None,
        block.total,
    );
    section(out, "similarity", &block.similarity, None, block.total);
    section(
        out,
        "features not found (rate: among bundles listing the feature)",
        &block.feature_not_found,
        Some(&block.feature_not_found_rate),
        block.total,
    );
    section(
        out,
        "rejection reasons (rate: share of the rejected bundles)",
        &block.rejection_reasons,
        Some(&block.rejection_reason_rate),
        block.total,
    );
    section(out, "fail reasons", &block.fail_reasons, None, block.total);
    section(
        out,
        "findings by code (rate: per bundle)",
        &block.findings,
        None,
        block.total,
    );
    section(
        out,
        "findings by severity (rate: per bundle)",
        &block.findings_by_severity,
        None,
        block.total,
    );
}

/// The terminal report.
pub fn text(stats: &Stats) -> String {
    let mut out = String::new();
    let o = &stats.overall;
    let _ = write!(out, "bundles  {}", o.total);
    if let Some(errors) = o.errors {
        let _ = write!(out, "    errors  {errors}");
        if let Some(kinds) = o.error_kinds.as_ref().filter(|k| !k.is_empty()) {
            let list: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
            let _ = write!(out, " ({})", list.join(", "));
        }
    }
    if !stats.levels.is_empty() {
        let list: Vec<String> = stats
            .levels
            .iter()
            .map(|(level, n)| format!("{level} {n}"))
            .collect();
        let _ = write!(out, "    levels  {}", list.join(", "));
    }
    out.push('\n');
    for unchecked in &stats.checks_not_run {
        let _ = writeln!(out, "{unchecked}");
    }
    block_text(&mut out, o);
    if let Some(groups) = &stats.groups {
        groups_text(&mut out, stats, groups);
    }
    out
}

/// The groups: one table of statuses, one of rejection reasons.
fn groups_text(out: &mut String, stats: &Stats, groups: &[Group]) {
    let o = &stats.overall;
    let key_names: Vec<String> = groups
        .first()
        .map(|g| g.key.keys().cloned().collect())
        .unwrap_or_default();
    let keys = |group: &Group| -> Vec<String> {
        group
            .key
            .values()
            .map(|v| v.as_str().map_or_else(|| "-".to_owned(), str::to_owned))
            .collect()
    };
    let share = |n: u64, of: u64| format!("{n} ({:.0}%)", super::rate(n, of) * 100.0);
    let _ = write!(out, "\ngroups ({}", groups.len());
    if stats.sort != super::GroupOrder::Key {
        let _ = write!(out, ", sorted by {}", stats.sort);
    }
    if stats.groups_below_min_count > 0 {
        let _ = write!(
            out,
            "; {} with fewer than {} bundles left out",
            stats.groups_below_min_count, stats.min_count
        );
    }
    out.push_str(")\n");
    let statuses: Vec<&String> = o.status.keys().collect();
    let mut header = key_names.clone();
    header.push("total".into());
    header.extend(statuses.iter().map(|s| s.to_string()));
    header.extend(["mismatches".to_owned(), "findings".to_owned()]);
    let rows: Vec<Vec<String>> = groups
        .iter()
        .map(|group| {
            let mut row = keys(group);
            row.push(group.stats.total.to_string());
            for s in &statuses {
                let n = group.stats.status.get(*s).copied().unwrap_or(0);
                row.push(share(n, group.stats.total));
            }
            row.push(group.stats.status_mismatches.to_string());
            row.push(group.stats.findings.values().sum::<u64>().to_string());
            row
        })
        .collect();
    table(out, key_names.len(), &header, &rows);
    // Rejection reasons, most frequent overall first.
    let mut reasons: Vec<(&String, &u64)> = o.rejection_reasons.iter().collect();
    reasons.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    if reasons.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\nrejection reasons per group (share of the group's rejected bundles)"
    );
    let mut header = key_names.clone();
    header.push("rejected".into());
    header.extend(reasons.iter().map(|(r, _)| {
        r.strip_prefix("security-check:")
            .unwrap_or(r.as_str())
            .to_owned()
    }));
    let rows: Vec<Vec<String>> = groups
        .iter()
        .map(|group| {
            let rejected = group
                .stats
                .status
                .get(eidscope_model::Status::Rejected.as_str())
                .copied()
                .unwrap_or(0);
            let mut row = keys(group);
            row.push(rejected.to_string());
            for (reason, _) in &reasons {
                let n = group
                    .stats
                    .rejection_reasons
                    .get(*reason)
                    .copied()
                    .unwrap_or(0);
                row.push(share(n, rejected));
            }
            row
        })
        .collect();
    table(out, key_names.len(), &header, &rows);
}

/// An aligned table: the first `left` columns (the keys) to the left, the counts to the right.
fn table(out: &mut String, left: usize, header: &[String], rows: &[Vec<String>]) {
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            std::iter::once(&header[i])
                .chain(rows.iter().filter_map(|r| r.get(i)))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[String]| -> String {
        cells
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (c, w))| {
                if i < left {
                    format!("{c:<w$}")
                } else {
                    format!("{c:>w$}")
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
    };
    let _ = writeln!(out, "  {}", line(header));
    for row in rows {
        let _ = writeln!(out, "  {}", line(row));
    }
}

fn csv_cell(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

fn block_csv(out: &mut String, prefix: &[String], block: &Block) {
    let mut line = |metric: &str, name: &str, count: u64, rate: Option<f64>| {
        let mut cells: Vec<String> = prefix.iter().map(|c| csv_cell(c)).collect();
        cells.push(metric.to_owned());
        cells.push(csv_cell(name));
        cells.push(count.to_string());
        cells.push(rate.map(|r| r.to_string()).unwrap_or_default());
        out.push_str(&cells.join(","));
        out.push('\n');
    };
    line("total", "", block.total, None);
    if let Some(errors) = block.errors {
        line("errors", "", errors, None);
    }
    for (k, n) in block.error_kinds.iter().flatten() {
        line("error_kinds", k, *n, None);
    }
    for (k, n) in &block.status {
        line("status", k, *n, block.status_rate.get(k).copied());
    }
    for (k, n) in &block.reported_status {
        line("reported_status", k, *n, None);
    }
    for (k, n) in &block.derived_status {
        line("derived_status", k, *n, None);
    }
    line(
        "status_mismatches",
        "",
        block.status_mismatches,
        Some(block.status_mismatch_rate),
    );
    let plain: [(&str, &BTreeMap<String, u64>); 5] = [
        ("security_check_failures", &block.security_check_failures),
        (
            "check_failure_combinations",
            &block.check_failure_combinations,
        ),
        ("similarity", &block.similarity),
        ("fail_reasons", &block.fail_reasons),
        ("findings", &block.findings),
    ];
    for (metric, map) in plain {
        for (k, n) in map {
            line(metric, k, *n, None);
        }
    }
    for (k, n) in &block.feature_not_found {
        line(
            "feature_not_found",
            k,
            *n,
            block.feature_not_found_rate.get(k).copied(),
        );
    }
    for (k, n) in &block.findings_by_severity {
        line("findings_by_severity", k, *n, None);
    }
    for (k, n) in &block.rejection_reasons {
        line(
            "rejection_reasons",
            k,
            *n,
            block.rejection_reason_rate.get(k).copied(),
        );
    }
}

/// The long CSV: one line per metric and name, group key columns first.
pub fn csv(stats: &Stats) -> String {
    let mut key_names: Vec<String> = stats.by.clone();
    if stats.every.is_some() {
        key_names.push(super::PERIOD_KEY.to_owned());
    }
    let mut out = String::new();
    let mut header: Vec<String> = key_names.iter().map(|k| csv_cell(k)).collect();
    header.extend(["metric", "name", "count", "rate"].map(str::to_owned));
    out.push_str(&header.join(","));
    out.push('\n');
    let blank: Vec<String> = key_names.iter().map(|_| String::new()).collect();
    block_csv(&mut out, &blank, &stats.overall);
    for group in stats.groups.iter().flatten() {
        let prefix: Vec<String> = group
            .key
            .values()
            .map(|v| v.as_str().unwrap_or("").to_owned())
            .collect();
        block_csv(&mut out, &prefix, &group.stats);
    }
    out
}
