//! What the page shows, computed from the scan tables by the other crates: the statistics of
//! [`stats::compute`] per ISO week and per country and document type, the rows of the
//! `bundles` and `findings` tables read back into their row types, and the linked groups of
//! [`find_links`] over the `bundles` table. Nothing is drawn here, and nothing is counted that
//! `stats` does not count. Pictures of a bundle are not made here either: the caller re-opens
//! the bundle and hands them in ([`Pictures`]).

use eidscope_analysis::links::{LinkConfig, LinkFinding, find_links};
use eidscope_model::{FindingCode, FindingScope, Severity, Status};
use eidscope_pipeline::Level;
use eidscope_tables::rows::{BundleRow, FindingRow};
use eidscope_tables::stats::{self, Every, StatsOptions};
use eidscope_tables::{ScanTables, TablesError};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};

/// The `bundles` columns the page breaks the statistics down by, and their titles.
pub const BREAKDOWNS: [(&str, &str); 2] = [
    ("issuing_country", "Issuing country"),
    ("document_type", "Document type"),
];

/// The statistics, findings, cases and links the page shows, computed from the tables.
#[derive(Debug, Clone)]
pub struct ReportData {
    /// The statistics, grouped per ISO week of `created_at`.
    pub stats: stats::Stats,
    /// The statistics grouped by each column of [`BREAKDOWNS`], in that order.
    pub breakdowns: Vec<Vec<stats::Group>>,
    /// The flagged bundles, worst first.
    pub cases: Vec<Case>,
    /// The linked groups over every bundle.
    pub links: Vec<LinkFinding>,
    /// The earliest and latest `created_at`, when any bundle has one.
    pub span: Option<(chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>)>,
    /// The levels the tables were scanned at (several when scan folders of different levels
    /// are merged); empty when unknown.
    pub levels: BTreeSet<Level>,
    /// The pictures of the cases, by path, as the caller drew them; a case without an entry
    /// has none (see [`crate::ReportOptions`] for why).
    pub pictures: BTreeMap<String, Pictures>,
}

/// One finding of one bundle, as the page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingLine {
    /// The severity.
    pub severity: Severity,
    /// The finding code.
    pub code: FindingCode,
    /// The bundle.
    pub path: String,
    /// The message.
    pub message: String,
}

impl FindingLine {
    /// The order of the list: most severe first, then by code (as written), path and message.
    fn order(&self) -> (Reverse<Severity>, &str, &str, &str) {
        (
            Reverse(self.severity),
            self.code.as_str(),
            &self.path,
            &self.message,
        )
    }
}

/// A flagged bundle: one with a finding of its own, or a member of a linked group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// The bundle, as the tables name it.
    pub path: String,
    /// The reported status where known, else the derived one.
    pub status: Status,
    /// The status of the process beside the bundle.
    pub reported_status: Option<Status>,
    /// The status the evidence implies.
    pub derived_status: Status,
    /// Why the derived status is what it is (`; `-joined).
    pub reasons: String,
    /// Issuing country.
    pub country: Option<String>,
    /// Document type.
    pub document_type: Option<String>,
    /// `createdAt`.
    pub created_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Its own findings, most severe first.
    pub findings: Vec<FindingLine>,
    /// The linked groups it belongs to (indices into [`ReportData::links`]).
    pub groups: Vec<usize>,
    /// The worst severity of its findings and groups.
    pub worst: Severity,
}

impl Case {
    /// Every code of the case: its own findings' and its groups'.
    pub fn codes(&self, links: &[LinkFinding]) -> BTreeSet<FindingCode> {
        self.findings
            .iter()
            .map(|f| f.code)
            .chain(
                self.groups
                    .iter()
                    .filter_map(|g| links.get(*g))
                    .map(|l| l.code),
            )
            .collect()
    }

    /// The order of the triage table: worst first, then most findings, then by path.
    fn order(&self) -> (Reverse<Severity>, Reverse<usize>, &str) {
        (
            Reverse(self.worst),
            Reverse(self.findings.len() + self.groups.len()),
            &self.path,
        )
    }
}

/// The pictures of a case, drawn by the caller from the bundle it re-opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pictures {
    /// The pictures drawn (the feature overlay, the contact sheet), in page order.
    Drawn(Vec<Picture>),
    /// The bundle could not be re-opened from the path in the tables: why.
    Unreachable(String),
}

/// One picture, embedded in the page as a `data:` URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picture {
    /// What it shows (`feature overlay of the front`).
    pub caption: String,
    /// `image/png` or `image/jpeg`.
    pub mime: &'static str,
    /// The encoded picture.
    pub bytes: Vec<u8>,
}

impl ReportData {
    /// Computes what the page shows: [`stats::compute`] per week and per breakdown column, the
    /// rows of the `findings` and `bundles` tables, and [`find_links`] over the `bundles` table
    /// (records in path order, so that the order of the inputs does not matter).
    pub fn compute(tables: &ScanTables) -> Result<ReportData, TablesError> {
        let stats = stats::compute(
            tables,
            &StatsOptions {
                by: Vec::new(),
                every: Some(Every::Week),
            },
        )?;
        let mut breakdowns = Vec::with_capacity(BREAKDOWNS.len());
        for (column, _) in BREAKDOWNS {
            let by = stats::compute(
                tables,
                &StatsOptions {
                    by: vec![column.to_owned()],
                    every: None,
                },
            )?;
            breakdowns.push(by.groups.unwrap_or_default());
        }
        let mut records = eidscope_tables::links::records(tables)?;
        records.sort_by(|a, b| a.path.cmp(&b.path));
        let span = records
            .iter()
            .filter_map(|record| record.created_at)
            .fold(None, |span, t| match span {
                None => Some((t, t)),
                Some((a, b)) => Some((std::cmp::min(a, t), std::cmp::max(b, t))),
            });
        let links = find_links(&records, &LinkConfig::default());
        let cases = cases(tables, &links)?;
        Ok(ReportData {
            stats,
            breakdowns,
            cases,
            links,
            span,
            levels: tables.scans.iter().map(|(_, m)| m.level).collect(),
            pictures: BTreeMap::new(),
        })
    }
}

/// The flagged bundles, worst first: those with a finding of their own in the `findings`
/// table, and the members of the linked groups.
fn cases(tables: &ScanTables, links: &[LinkFinding]) -> Result<Vec<Case>, TablesError> {
    let mut own: BTreeMap<String, Vec<FindingLine>> = BTreeMap::new();
    tables.each_row(|row: FindingRow| {
        if row.scope == FindingScope::Bundle {
            own.entry(row.path.clone()).or_default().push(FindingLine {
                severity: row.severity,
                code: row.code,
                path: row.path,
                message: row.message,
            });
        }
    })?;
    let mut grouped: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (index, link) in links.iter().enumerate() {
        for path in &link.paths {
            grouped.entry(path.as_str()).or_default().push(index);
        }
    }
    let mut cases = Vec::new();
    let mut seen = BTreeSet::new();
    tables.each_row(|row: BundleRow| {
        let mut findings = own.remove(&row.path).unwrap_or_default();
        let groups = grouped.get(row.path.as_str()).cloned().unwrap_or_default();
        // A bundle given twice is one case.
        if (findings.is_empty() && groups.is_empty()) || !seen.insert(row.path.clone()) {
            return;
        }
        findings.sort_by(|a, b| a.order().cmp(&b.order()));
        let worst = findings
            .iter()
            .map(|f| f.severity)
            .chain(
                groups
                    .iter()
                    .filter_map(|g| links.get(*g))
                    .map(|l| l.severity),
            )
            .max()
            .unwrap_or(Severity::Info);
        cases.push(Case {
            path: row.path,
            status: row.status,
            reported_status: row.reported_status,
            derived_status: row.derived_status,
            reasons: row.reasons,
            country: row.issuing_country,
            document_type: row.document_type,
            created_at: row.created_at,
            findings,
            groups,
            worst,
        });
    })?;
    cases.sort_by(|a, b| a.order().cmp(&b.order()));
    Ok(cases)
}
