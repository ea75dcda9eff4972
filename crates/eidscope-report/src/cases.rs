//! The case review part of the page: the triage table of the flagged bundles (worst first,
//! with filters and sortable columns driven by [`crate::script`]), then one section per case
//! with its findings, statuses and reasons, its pictures, the bundles it is linked with and
//! links to the previous and next cases. Bundles are named relative to the folder they share
//! ([`crate::names`]). Every value from the tables is escaped; pictures are `data:` URLs,
//! nothing is fetched.

use crate::data::{Case, Pictures, ReportData};
use crate::html::{escape, prose};
use crate::names::Names;
use crate::{MAX_CASES, Redaction, ReportOptions};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use eidscope_model::{Severity, Vocabulary};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// The anchor of a case section.
pub(crate) fn case_id(index: usize) -> String {
    format!("case-{}", index + 1)
}

/// The anchor of a linked group.
pub(crate) fn group_id(index: usize) -> String {
    format!("group-{}", index + 1)
}

fn or_unknown(value: Option<&str>) -> &str {
    value.filter(|v| !v.is_empty()).unwrap_or("unknown")
}

/// The rank the severity filter compares (`info` 0 ... `high` 3).
fn rank(severity: Severity) -> u8 {
    match severity {
        Severity::Info => 0,
        Severity::Low => 1,
        Severity::Medium => 2,
        Severity::High => 3,
    }
}

/// A `<select>` of the values of one column (`all` first).
fn select(out: &mut String, key: &str, label: &str, values: &BTreeSet<String>) {
    let _ = write!(
        out,
        "<label>{label} <select data-filter=\"{key}\" id=\"filter-{key}\"><option value=\"\">all</option>"
    );
    for value in values {
        let value = escape(value);
        let _ = write!(out, "<option value=\"{value}\">{value}</option>");
    }
    out.push_str("</select></label>");
}

/// The filters above the triage table.
fn filters(out: &mut String, data: &ReportData, shown: &[Case]) {
    let mut codes = BTreeSet::new();
    let mut countries = BTreeSet::new();
    let mut types = BTreeSet::new();
    let mut statuses = BTreeSet::new();
    for case in shown {
        codes.extend(
            case.codes(&data.links)
                .iter()
                .map(|c| c.as_str().to_owned()),
        );
        countries.insert(or_unknown(case.country.as_deref()).to_owned());
        types.insert(or_unknown(case.document_type.as_deref()).to_owned());
        statuses.insert(case.status.as_str().to_owned());
    }
    out.push_str("<form class=\"filters\" id=\"filters\">");
    select(out, "code", "Code", &codes);
    out.push_str("<label>Severity <select data-filter=\"severity\" id=\"filter-severity\"><option value=\"\">all</option>");
    // Most severe first.
    for severity in Severity::ALL {
        let _ = write!(
            out,
            "<option value=\"{}\">{} or worse</option>",
            rank(*severity),
            severity.as_str()
        );
    }
    out.push_str("</select></label>");
    select(out, "country", "Country", &countries);
    select(out, "type", "Document type", &types);
    select(out, "status", "Status", &statuses);
    out.push_str(
        "<button type=\"reset\" id=\"filter-reset\">Show all</button> <output id=\"shown\"></output></form>",
    );
}

/// The triage table: one row per case, worst first.
fn triage_table(out: &mut String, data: &ReportData, names: &Names, shown: &[Case]) {
    out.push_str("<table id=\"cases\" class=\"sortable\"><thead><tr><th data-sort=\"num\" data-key=\"severity\" aria-sort=\"descending\">Severity</th><th data-sort=\"text\" data-key=\"bundle\">Bundle</th><th data-sort=\"text\" data-key=\"status\">Status</th><th data-sort=\"text\" data-key=\"country\">Country</th><th data-sort=\"text\" data-key=\"type\">Document type</th><th data-sort=\"text\" data-key=\"created\">Created</th><th data-sort=\"num\" data-key=\"findings\">Findings</th><th>Codes</th></tr></thead><tbody>");
    for (index, case) in shown.iter().enumerate() {
        let codes = case.codes(&data.links);
        let code_list = codes.iter().map(|c| c.as_str()).collect::<Vec<_>>();
        let worst = case.worst.as_str();
        let country = escape(or_unknown(case.country.as_deref()));
        let kind = escape(or_unknown(case.document_type.as_deref()));
        let created = case
            .created_at
            .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default();
        let mismatch = match &case.reported_status {
            Some(reported) if *reported != case.derived_status => format!(
                " <span class=\"mismatch\" title=\"the evidence implies {}\">≠ {}</span>",
                case.derived_status.as_str(),
                case.derived_status.as_str()
            ),
            _ => String::new(),
        };
        let _ = write!(
            out,
            "<tr data-code=\" {codes} \" data-severity=\"{rank}\" data-country=\"{country}\" data-type=\"{kind}\" data-status=\"{status}\">\
<td data-value=\"{rank}\" class=\"sev-{worst}\">{worst}</td>\
<td class=\"path\"{title}><a href=\"#{id}\">{path}</a></td><td>{status}{mismatch}</td><td>{country}</td><td>{kind}</td><td>{created}</td>\
<td data-value=\"{count}\">{count}</td><td>{codes}</td></tr>",
            codes = code_list.join(" "),
            rank = rank(case.worst),
            status = case.status.as_str(),
            id = case_id(index),
            path = names.html(&case.path),
            title = names.title(&case.path),
            count = case.findings.len() + case.groups.len(),
        );
    }
    out.push_str("</tbody></table>");
}

/// The triage table and the case sections.
pub(crate) fn cases_section(
    out: &mut String,
    data: &ReportData,
    names: &Names,
    options: &ReportOptions,
) {
    let total = data.cases.len();
    let shown = &data.cases[..total.min(MAX_CASES)];
    let _ = write!(
        out,
        "<h2 id=\"triage\">Cases to review</h2><p>{total} flagged bundle(s): a finding of their own or a member of a linked group, worst first. Filter and sort the table; a bundle's name leads to its section."
    );
    if total > shown.len() {
        let _ = write!(
            out,
            " The worst {} are listed; <code>eidscope findings</code> lists them all.",
            shown.len()
        );
    }
    out.push_str("</p>");
    if shown.is_empty() {
        return;
    }
    filters(out, data, shown);
    triage_table(out, data, names, shown);
    let by_path: BTreeMap<&str, usize> = shown
        .iter()
        .enumerate()
        .map(|(k, c)| (c.path.as_str(), k))
        .collect();
    out.push_str("<h2>Case by case</h2>");
    pictures_note(out, data, options);
    for (index, case) in shown.iter().enumerate() {
        case_section(out, data, names, index, case, &by_path);
    }
}

/// Why the sections show pictures or not, said once.
fn pictures_note(out: &mut String, data: &ReportData, options: &ReportOptions) {
    let note = if options.redaction != Redaction::NotRedacted {
        "Pictures are not shown: the tables are redacted (or partly), and the pictures of a bundle show faces and names."
    } else if data.pictures.is_empty() {
        "Pictures are not shown: the bundles were not re-opened."
    } else {
        "Pictures are drawn from the bundles re-opened from their paths in the tables: the feature overlay of the front (green: found, dashed red: not found, dashed amber: unknown) and the contact sheet of every picture."
    };
    let _ = write!(out, "<p class=\"note\" id=\"pictures-note\">{note}</p>");
}

fn case_section(
    out: &mut String,
    data: &ReportData,
    names: &Names,
    index: usize,
    case: &Case,
    by_path: &BTreeMap<&str, usize>,
) {
    let worst = case.worst.as_str();
    let _ = write!(
        out,
        "<section class=\"case\" id=\"{}\"><h3><span class=\"sev-{worst}\">{worst}</span> <span class=\"path\"{}>{}</span></h3><dl class=\"summary\">",
        case_id(index),
        names.title(&case.path),
        names.html(&case.path)
    );
    let reported = case.reported_status.as_ref().map_or("none", |s| s.as_str());
    let _ = write!(
        out,
        "<dt>Status</dt><dd>reported {reported}, derived from the evidence {}</dd>",
        case.derived_status.as_str()
    );
    let reasons = if case.reasons.is_empty() {
        "<li>none given</li>".to_owned()
    } else {
        case.reasons
            .split("; ")
            .map(|r| format!("<li>{}</li>", prose(r)))
            .collect()
    };
    let _ = write!(
        out,
        "<dt>Reasons</dt><dd><ul>{reasons}</ul></dd><dt>Document</dt><dd>{}, {}</dd></dl>",
        escape(or_unknown(case.document_type.as_deref())),
        escape(or_unknown(case.country.as_deref()))
    );
    if !case.findings.is_empty() {
        out.push_str("<table class=\"findings\"><thead><tr><th>Severity</th><th>Code</th><th>Finding</th></tr></thead><tbody>");
        for f in &case.findings {
            let severity = f.severity.as_str();
            let _ = write!(
                out,
                "<tr><td class=\"sev-{severity}\">{severity}</td><td>{}</td><td>{}</td></tr>",
                f.code,
                prose(&f.message)
            );
        }
        out.push_str("</tbody></table>");
    }
    linked(out, data, names, case, by_path);
    pictures(out, data, case);
    nav(out, index, data.cases.len().min(MAX_CASES));
    out.push_str("</section>");
}

/// Back to the table, and the previous and next cases of the table's order (which the page's
/// script re-points to the previous and next *shown* cases when the table is filtered or
/// sorted, and hides at either end).
fn nav(out: &mut String, index: usize, cases: usize) {
    let link = |class: &str, text: &str, to: Option<usize>| match to {
        Some(k) => format!(" <a class=\"{class}\" href=\"#{}\">{text}</a>", case_id(k)),
        None => format!(" <a class=\"{class}\" hidden>{text}</a>"),
    };
    let _ = write!(
        out,
        "<p class=\"top\"><a href=\"#triage\">back to the table</a>{}{}</p>",
        link("prev", "previous case", index.checked_sub(1)),
        link("next", "next case", Some(index + 1).filter(|k| *k < cases))
    );
}

/// The groups of the case, each with the other bundles (linked to their sections).
fn linked(
    out: &mut String,
    data: &ReportData,
    names: &Names,
    case: &Case,
    by_path: &BTreeMap<&str, usize>,
) {
    if case.groups.is_empty() {
        return;
    }
    out.push_str("<p>Linked with:</p><ul class=\"linked\">");
    for group in &case.groups {
        let Some(link) = data.links.get(*group) else {
            continue;
        };
        let others = link
            .paths
            .iter()
            .filter(|p| **p != case.path)
            .take(crate::MAX_GROUP_PATHS)
            .map(|p| match by_path.get(p.as_str()) {
                Some(k) => format!(
                    "<a class=\"path\" href=\"#{}\"{}>{}</a>",
                    case_id(*k),
                    names.title(p),
                    names.html(p)
                ),
                None => format!(
                    "<span class=\"path\"{}>{}</span>",
                    names.title(p),
                    names.html(p)
                ),
            })
            .collect::<Vec<_>>()
            .join(", ");
        let _ = write!(
            out,
            "<li><a href=\"#{}\">{}</a> (<span class=\"sev-{sev}\">{sev}</span>): {others}</li>",
            group_id(*group),
            link.code.as_str(),
            sev = link.severity.as_str()
        );
    }
    out.push_str("</ul>");
}

fn pictures(out: &mut String, data: &ReportData, case: &Case) {
    match data.pictures.get(&case.path) {
        None if data.pictures.is_empty() => {}
        None => {
            let _ = write!(
                out,
                "<p class=\"note\">Pictures are drawn for the worst cases only: <code>eidscope overlay {}</code> draws this one.</p>",
                escape(&case.path)
            );
        }
        Some(Pictures::Unreachable(why)) => {
            let _ = write!(
                out,
                "<p class=\"unreachable\">Pictures not drawn: the bundle could not be re-opened from its path ({}).</p>",
                escape(why)
            );
        }
        Some(Pictures::Drawn(pictures)) => {
            out.push_str("<div class=\"pictures\">");
            for picture in pictures {
                let caption = escape(&picture.caption);
                let _ = write!(
                    out,
                    "<figure><img alt=\"{caption}\" src=\"data:{};base64,{}\"><figcaption>{caption}</figcaption></figure>",
                    picture.mime,
                    BASE64.encode(&picture.bytes)
                );
            }
            out.push_str("</div>");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::FindingLine;
    use eidscope_model::{FindingCode, LinkFinding, Status};
    use eidscope_tables::ScanTables;

    fn case(path: &str, country: &str, code: FindingCode, groups: Vec<usize>) -> Case {
        Case {
            path: path.to_owned(),
            status: Status::Accepted,
            reported_status: Some(Status::Accepted),
            derived_status: Status::Rejected,
            reasons: "document expired".to_owned(),
            country: Some(country.to_owned()),
            document_type: Some("passport".to_owned()),
            created_at: None,
            findings: vec![FindingLine {
                severity: code.severity(),
                code,
                path: path.to_owned(),
                message: "reported `accepted` but the evidence implies `rejected`".to_owned(),
            }],
            groups,
            worst: code.severity(),
        }
    }

    /// Two cases in sub-folders of one scanned folder, linked with each other and with a
    /// bundle that is not a case: every name is relative to the shared folder, with the full
    /// path in its title.
    #[test]
    fn cases_are_named_relative_to_their_shared_folder() {
        let mut data = ReportData::compute(&ScanTables::empty().unwrap(), Vec::new()).unwrap();
        let base = "/srv/eid/2026-05/";
        data.cases = vec![
            case(
                &format!("{base}week-21/bundle-00012.zip"),
                "NOR",
                FindingCode::StatusMismatch,
                vec![0],
            ),
            case(
                &format!("{base}week-22/bundle-00040.zip"),
                "SWE",
                FindingCode::StatusMismatch,
                vec![0],
            ),
        ];
        data.links = vec![LinkFinding {
            code: FindingCode::DocumentReuse,
            severity: FindingCode::DocumentReuse.severity(),
            paths: vec![
                format!("{base}week-21/bundle-00012.zip"),
                format!("{base}week-22/bundle-00040.zip"),
                format!("{base}week-22/bundle-00041.zip"),
            ],
            key: "NOR:P1234567".to_owned(),
            message: "one document under two names".to_owned(),
        }];
        let options = ReportOptions {
            redaction: Redaction::NotRedacted,
            generator: "eidscope test".to_owned(),
        };
        let names = Names::of(&data);
        assert_eq!(names.base(), Some(base));
        let mut out = String::new();
        cases_section(&mut out, &data, &names, &options);
        // One element per line, so that the snapshot reads as a review.
        insta::assert_snapshot!(out.replace("><", ">\n<"));
    }
}
