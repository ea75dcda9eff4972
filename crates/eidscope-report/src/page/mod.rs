//! The HTML page: a header (counts, time span, the redaction sentence), then the sections
//! (statuses, per week, why bundles are not accepted, findings, linked bundles), each a few
//! charts ([`crate::svg`]) and tables. Every value from the tables is escaped
//! ([`crate::html::escape`]); the page says no time of its own making. The per-week section,
//! the largest, is in `weeks`.

mod weeks;

use crate::cases::{case_id, cases_section, group_id};
use crate::data::{BREAKDOWNS, ReportData};
use crate::html::{escape, prose};
use crate::names::Names;
use crate::script::SCRIPT;
use crate::style::STYLE;
use crate::svg::{self, Bar};
use crate::{MAX_BARS, MAX_CASES, MAX_GROUP_PATHS, MAX_GROUPS, Redaction, ReportOptions};
use eidscope_model::{FindingCode, Status, Vocabulary};
use eidscope_tables::stats::{self, Block};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use weeks::weekly;

/// A rate as a percentage with one decimal.
pub(super) fn percent(rate: f64) -> String {
    format!("{:.1} %", rate * 100.0)
}

#[allow(clippy::cast_precision_loss)] // counts far below 2^52
fn count_bars(counts: &BTreeMap<String, u64>, rates: Option<&BTreeMap<String, f64>>) -> Vec<Bar> {
    let mut bars: Vec<Bar> = counts
        .iter()
        .map(|(name, n)| Bar {
            label: name.clone(),
            value: *n as f64,
            text: match rates.and_then(|r| r.get(name)) {
                Some(rate) => format!("{n} ({})", percent(*rate)),
                None => n.to_string(),
            },
        })
        .collect();
    // Largest first; ties by name (the map order), so the page is the same every time.
    bars.sort_by(|a, b| b.value.total_cmp(&a.value));
    bars
}

/// A titled bar chart of a count map (largest first, at most [`MAX_BARS`]), or a line saying
/// there is nothing.
fn chart(out: &mut String, title: &str, bars: Vec<Bar>, colour: &str) {
    let _ = write!(out, "<h3>{}</h3>", escape(title));
    if bars.is_empty() {
        out.push_str("<p class=\"note\">None.</p>");
        return;
    }
    let shown = bars.len().min(MAX_BARS);
    out.push_str(&svg::bars(title, &bars[..shown], colour));
    if bars.len() > shown {
        let _ = write!(
            out,
            "<p class=\"note\">{} more not shown (the {shown} largest are).</p>",
            bars.len() - shown
        );
    }
}

fn header(out: &mut String, data: &ReportData, names: &Names, options: &ReportOptions) {
    let o = &data.stats.overall;
    out.push_str("<h1>eidscope report</h1><dl class=\"summary\">");
    let _ = write!(
        out,
        "<dt>Bundles read</dt><dd id=\"total\">{}</dd>",
        o.total
    );
    let errors = o.errors.unwrap_or(0);
    let kinds = o
        .error_kinds
        .iter()
        .flatten()
        .map(|(k, n)| format!("{} {n}", escape(k)))
        .collect::<Vec<_>>()
        .join(", ");
    let _ = write!(
        out,
        "<dt>Unreadable inputs</dt><dd>{errors}{}</dd>",
        if kinds.is_empty() {
            String::new()
        } else {
            format!(" ({kinds})")
        }
    );
    let span = match data.span {
        Some((a, b)) => format!(
            "{} to {}",
            a.format("%Y-%m-%d %H:%M UTC"),
            b.format("%Y-%m-%d %H:%M UTC")
        ),
        None => "no bundle has a creation time".to_owned(),
    };
    let _ = write!(out, "<dt>Created</dt><dd>{span}</dd>");
    if data.stats.duplicate_bundles > 0 {
        let _ = write!(
            out,
            "<dt>Repeated bundles</dt><dd>{} row(s) repeat a bundle already counted (same SHA-256) and are counted again</dd>",
            data.stats.duplicate_bundles
        );
    }
    if let Some(base) = names.base() {
        let _ = write!(
            out,
            "<dt>Bundles in</dt><dd><span class=\"path\">{}</span> (bundles are named relative to it; point at a name for its full path)</dd>",
            escape(base)
        );
    }
    if !data.levels.is_empty() {
        let missing = data.checks_not_run.len();
        let _ = write!(
            out,
            "<dt>Scan level</dt><dd><a href=\"#level\">{}</a>{}</dd>",
            level_names(data),
            if missing > 0 {
                format!(" ({missing} check(s) could not run)")
            } else {
                String::new()
            }
        );
    }
    out.push_str("</dl>");
    out.push_str("<nav><a href=\"#triage\">Cases</a> · <a href=\"#links\">Linked bundles</a> · <a href=\"#statuses\">Statuses</a> · <a href=\"#weeks\">Per week</a> · <a href=\"#breakdowns\">By country and document type</a> · <a href=\"#why\">Why not accepted</a> · <a href=\"#findings\">Findings</a> · <a href=\"#level\">Scan level</a></nav>");
    let class = if options.redaction == Redaction::Redacted {
        "redaction redacted"
    } else {
        "redaction"
    };
    let _ = write!(
        out,
        "<p class=\"{class}\">{}</p>",
        escape(options.redaction.sentence())
    );
}

fn statuses(out: &mut String, o: &Block) {
    out.push_str("<h2 id=\"statuses\">Statuses</h2>");
    chart(
        out,
        "Status (reported where known, else derived)",
        count_bars(&o.status, Some(&o.status_rate)),
        "#1565c0",
    );
    let _ = write!(
        out,
        "<p>Status mismatches (reported differs from what the evidence implies): <strong>{}</strong> ({} of the bundles with a reported status); the triage table marks them with ≠.</p>",
        o.status_mismatches,
        percent(o.status_mismatch_rate)
    );
}

fn evidence(out: &mut String, o: &Block) {
    out.push_str("<h2 id=\"why\">Why bundles are not accepted</h2>");
    chart(
        out,
        "Security-check failures (bundles)",
        count_bars(&o.security_check_failures, None),
        "#c62828",
    );
    chart(
        out,
        "Checks failing together (bundles with exactly these failing)",
        count_bars(&o.check_failure_combinations, None),
        "#ef6c00",
    );
    chart(
        out,
        "Similarity (face match level)",
        count_bars(&o.similarity, None),
        "#6a1b9a",
    );
    #[allow(clippy::cast_precision_loss)]
    let mut features: Vec<Bar> = o
        .feature_not_found_rate
        .iter()
        .map(|(name, rate)| Bar {
            label: name.clone(),
            value: *rate,
            text: format!(
                "{} ({})",
                o.feature_not_found.get(name).copied().unwrap_or(0),
                percent(*rate)
            ),
        })
        .collect();
    features.sort_by(|a, b| b.value.total_cmp(&a.value));
    chart(
        out,
        "Feature not found (share of the bundles listing the feature)",
        features,
        "#00838f",
    );
    chart(
        out,
        "Fail reasons (failReason.type)",
        count_bars(&o.fail_reasons, None),
        "#4e342e",
    );
}

fn findings_section(out: &mut String, data: &ReportData) {
    let o = &data.stats.overall;
    out.push_str("<h2 id=\"findings\">Findings</h2>");
    // One chart: the severity of a code is fixed, so it is named with the code rather than
    // charted again.
    let mut bars = count_bars(&o.findings, None);
    for bar in &mut bars {
        if let Some(code) = FindingCode::from_word(&bar.label) {
            bar.label = format!("{} ({})", bar.label, code.severity().as_str());
        }
    }
    chart(out, "Findings per code (severity)", bars, "#ad1457");
}

/// The statistics by each column of [`BREAKDOWNS`]: one table each, most bundles first.
fn breakdowns(out: &mut String, data: &ReportData) {
    out.push_str("<h2 id=\"breakdowns\">By country and document type</h2>");
    for ((column, title), groups) in BREAKDOWNS.iter().zip(&data.breakdowns) {
        let _ = write!(
            out,
            "<h3>{title}</h3><table class=\"breakdown\"><thead><tr><th>{title}</th><th>Bundles</th><th>Accepted</th><th>Rejected</th><th>Rejection rate</th><th>Status mismatches</th><th>Findings</th></tr></thead><tbody>"
        );
        let mut groups: Vec<&stats::Group> = groups.iter().collect();
        groups.sort_by_key(|g| std::cmp::Reverse(g.stats.total));
        for group in groups.iter().take(MAX_BARS) {
            let b = &group.stats;
            let key = group
                .key
                .get(*column)
                .and_then(|v| v.as_str())
                .unwrap_or("unknown");
            let get = |s: Status| b.status.get(s.as_str()).copied().unwrap_or_default();
            let rate = b
                .status_rate
                .get(Status::Rejected.as_str())
                .copied()
                .unwrap_or(0.0);
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(key),
                b.total,
                get(Status::Accepted),
                get(Status::Rejected),
                percent(rate),
                b.status_mismatches,
                b.findings.values().sum::<u64>()
            );
        }
        out.push_str("</tbody></table>");
        if groups.len() > MAX_BARS {
            let _ = write!(
                out,
                "<p class=\"note\">{} more not shown (the {MAX_BARS} largest are).</p>",
                groups.len() - MAX_BARS
            );
        }
    }
}

/// The levels of the scan (`media`, or `meta (12 bundles) and full (30 bundles)`).
fn level_names(data: &ReportData) -> String {
    if data.levels.len() == 1 {
        return data.levels.keys().map(|l| l.as_str()).collect();
    }
    data.levels
        .iter()
        .map(|(level, n)| format!("{} ({n} bundles)", level.as_str()))
        .collect::<Vec<_>>()
        .join(" and ")
}

/// The level of the scan, whether the face engine ran, and the checks that could not run.
fn level_section(out: &mut String, data: &ReportData) {
    out.push_str("<h2 id=\"level\">Scan level</h2>");
    if data.levels.is_empty() {
        out.push_str("<p class=\"note\">The level of the scan is not known.</p>");
        return;
    }
    let _ = write!(
        out,
        "<p>Scanned at level <strong>{}</strong>, {} eidscope's face engine (<code>--faces</code>).",
        escape(&level_names(data)),
        if data.faces { "with" } else { "without" }
    );
    if data.checks_not_run.is_empty() {
        out.push_str(" Every check ran.</p>");
        return;
    }
    out.push_str(" These checks could not run, so none of their findings can be on this page and a count of zero means nothing (scan again with a higher <code>--level</code>, or with <code>--faces</code>):</p><table class=\"not-run\"><thead><tr><th>Check</th><th>Severity</th><th>Bundles</th><th>Why</th></tr></thead><tbody>");
    for unchecked in &data.checks_not_run {
        let severity = unchecked.severity.as_str();
        let _ = write!(
            out,
            "<tr><td><code>{}</code></td><td class=\"sev-{severity}\">{severity}</td><td>{}</td><td>{}</td></tr>",
            unchecked.code.as_str(),
            unchecked.bundles,
            prose(&unchecked.reason)
        );
    }
    out.push_str("</tbody></table>");
}

fn links_section(out: &mut String, data: &ReportData, names: &Names) {
    let _ = write!(
        out,
        "<h2 id=\"links\">Linked bundles</h2><p>{} linked group(s), each listed once with all its bundles: the same document under different identities, the same or a near-identical picture under different identities, or one document tried again and again (default rules of <code>eidscope links</code>).",
        data.links.len()
    );
    if data.links.len() > MAX_GROUPS {
        let _ = write!(out, " The first {MAX_GROUPS} are listed.");
    }
    out.push_str("</p>");
    if data.links.is_empty() {
        return;
    }
    let by_path: BTreeMap<&str, usize> = data
        .cases
        .iter()
        .take(MAX_CASES)
        .enumerate()
        .map(|(k, c)| (c.path.as_str(), k))
        .collect();
    out.push_str("<table><thead><tr><th>Code</th><th>Severity</th><th>Key</th><th>Bundles</th><th>Message</th></tr></thead><tbody>");
    for (index, link) in data.links.iter().enumerate().take(MAX_GROUPS) {
        let mut paths = link
            .paths
            .iter()
            .take(MAX_GROUP_PATHS)
            .map(|p| match by_path.get(p.as_str()) {
                Some(k) => format!(
                    "<a href=\"#{}\"{}>{}</a>",
                    case_id(*k),
                    names.title(p),
                    names.html(p)
                ),
                None => format!("<span{}>{}</span>", names.title(p), names.html(p)),
            })
            .collect::<Vec<_>>()
            .join("<br>");
        if link.paths.len() > MAX_GROUP_PATHS {
            let _ = write!(paths, "<br>and {} more", link.paths.len() - MAX_GROUP_PATHS);
        }
        let severity = link.severity.as_str();
        let _ = write!(
            out,
            "<tr id=\"{}\"><td>{}</td><td class=\"sev-{severity}\">{severity}</td><td class=\"path\">{}</td><td class=\"path\">{paths}</td><td>{}</td></tr>",
            group_id(index),
            link.code.as_str(),
            escape(&link.key),
            prose(&link.message)
        );
    }
    out.push_str("</tbody></table>");
}

/// The page for computed data: one HTML document, with the style embedded and the charts as
/// inline SVG.
pub fn render_data(data: &ReportData, options: &ReportOptions) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>eidscope report</title><style>{STYLE}</style></head><body>"
    );
    let names = Names::of(data);
    header(&mut out, data, &names, options);
    let o = &data.stats.overall;
    if o.total == 0 {
        out.push_str(
            "<p class=\"empty\">Nothing to report: the inputs hold no readable bundle.</p>",
        );
    } else {
        cases_section(&mut out, data, &names, options);
        links_section(&mut out, data, &names);
        statuses(&mut out, o);
        weekly(&mut out, data);
        breakdowns(&mut out, data);
        evidence(&mut out, o);
        findings_section(&mut out, data);
    }
    level_section(&mut out, data);
    let _ = writeln!(
        out,
        "<footer>Generated by {}. Statistics as <code>eidscope stats --every week</code> computes them; linked groups as <code>eidscope links</code> finds them with its defaults.</footer><script>{SCRIPT}</script></body></html>",
        escape(&options.generator)
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::FindingLine;
    use crate::render;
    use eidscope_model::LinkFinding;
    use eidscope_tables::ScanTables;
    use eidscope_tables::stats;
    use eidscope_tables::stats::PERIOD_KEY;

    fn options() -> ReportOptions {
        ReportOptions {
            redaction: Redaction::NotRedacted,
            generator: "eidscope test".to_owned(),
        }
    }

    #[test]
    fn empty_tables_render_a_page_saying_there_is_nothing() {
        let tables = ScanTables::empty().unwrap();
        let page = render(&tables, &options()).unwrap();
        assert!(page.starts_with("<!DOCTYPE html>"));
        assert!(page.trim_end().ends_with("</html>"));
        assert!(page.contains("Nothing to report"));
        assert!(page.contains("<dd id=\"total\">0</dd>"));
        assert!(page.contains("Not redacted"));
        assert!(!page.contains("http://") && !page.contains("https://"));
    }

    #[test]
    fn redaction_of_the_sources() {
        assert_eq!(Redaction::of([]), Redaction::NotRedacted);
        assert_eq!(Redaction::of([true, true]), Redaction::Redacted);
        assert_eq!(Redaction::of([false]), Redaction::NotRedacted);
        assert_eq!(Redaction::of([true, false]), Redaction::Mixed);
    }

    fn hostile_data() -> ReportData {
        let hostile = "</script><script>alert(1)</script>\"><img src=x onerror=alert(1)>";
        let tables = ScanTables::empty().unwrap();
        let mut data = ReportData::compute(&tables, Vec::new()).unwrap();
        let o = &mut data.stats.overall;
        o.total = 3;
        o.status.insert(hostile.to_owned(), 3);
        o.status_rate.insert(hostile.to_owned(), 1.0);
        o.security_check_failures.insert(hostile.to_owned(), 2);
        o.feature_not_found.insert(hostile.to_owned(), 1);
        o.feature_not_found_rate.insert(hostile.to_owned(), 0.5);
        o.fail_reasons.insert(hostile.to_owned(), 1);
        o.findings.insert("status-mismatch".to_owned(), 1);
        data.cases.push(crate::Case {
            path: format!("{hostile}.zip"),
            status: Status::Accepted,
            reported_status: Some(Status::Accepted),
            derived_status: Status::Rejected,
            reasons: format!("{hostile}; `{hostile}`"),
            country: Some(hostile.to_owned()),
            document_type: Some(hostile.to_owned()),
            created_at: None,
            findings: vec![FindingLine {
                severity: eidscope_model::Severity::High,
                code: eidscope_model::FindingCode::StatusMismatch,
                path: format!("{hostile}.zip"),
                message: hostile.to_owned(),
            }],
            groups: vec![0],
            worst: eidscope_model::Severity::High,
        });
        data.pictures.insert(
            format!("{hostile}.zip"),
            crate::Pictures::Unreachable(hostile.to_owned()),
        );
        data.links.push(LinkFinding {
            code: eidscope_model::FindingCode::DocumentReuse,
            severity: eidscope_model::Severity::High,
            paths: vec![hostile.to_owned(), "b.zip".to_owned()],
            key: hostile.to_owned(),
            message: hostile.to_owned(),
        });
        data
    }

    #[test]
    fn hostile_strings_are_escaped_everywhere() {
        let page = render_data(&hostile_data(), &options());
        // The page's own script only.
        assert_eq!(
            page.matches("<script").count(),
            1,
            "a script tag got through"
        );
        assert_eq!(page.matches("</script>").count(), 1);
        assert!(!page.contains("<img"));
        assert!(!page.contains("onerror=alert(1)>"));
        assert!(page.contains("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(page.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
        // The path, the key and the message of the link all appear, escaped.
        assert!(page.matches("&lt;img src=x").count() >= 6);
    }

    #[test]
    fn weeks_are_filled_and_capped() {
        let tables = ScanTables::empty().unwrap();
        let mut data = ReportData::compute(&tables, Vec::new()).unwrap();
        data.stats.overall.total = 600;
        let monday = chrono::NaiveDate::from_ymd_opt(2000, 1, 3).unwrap();
        let group = |week: chrono::NaiveDate| {
            let mut stats = Block::default();
            stats.total = 1;
            stats.status.insert("rejected".to_owned(), 1);
            stats::Group {
                key: [(PERIOD_KEY.to_owned(), week.to_string().into())]
                    .into_iter()
                    .collect(),
                stats,
            }
        };
        // Two weeks apart: the gap week is drawn empty.
        data.stats.groups = Some(vec![
            group(monday),
            group(monday + chrono::Duration::weeks(2)),
        ]);
        let page = render_data(&data, &options());
        assert!(page.contains("2000-01-10: none"), "the empty week is drawn");
        // 600 weeks two weeks apart span 1198 weeks: only weeks with bundles, the latest 520.
        data.stats.groups = Some(
            (0..600)
                .map(|k| group(monday + chrono::Duration::weeks(2 * k)))
                .collect(),
        );
        let page = render_data(&data, &options());
        assert!(page.contains("80 earlier week(s) are not shown"));
        assert!(!page.contains(&format!("<td>{monday}</td>")));
        assert!(!page.contains("2000-01-10: none"));
    }

    #[test]
    fn the_page_is_the_same_every_time() {
        let data = hostile_data();
        assert_eq!(
            render_data(&data, &options()),
            render_data(&data, &options())
        );
    }
}
