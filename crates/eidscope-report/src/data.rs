//! What the page shows, computed from the scan tables by the other crates: the statistics of
//! [`stats::compute`] per ISO week and per country and document type, the rows of the
//! `bundles` and `findings` tables read back into their row types, the linked groups of
//! [`find_links`] over the `bundles` table (with the `same-person` groups of the face engine),
//! and the checks the scan levels or a scan without `--faces` could not run
//! ([`eidscope_model::unchecked`]). Nothing is drawn here, and nothing is counted that `stats`
//! does not count. Pictures of a bundle are not made here either: the caller re-opens the
//! bundle and hands them in ([`Pictures`]).

use eidscope_analysis::links::{LinkConfig, LinkFinding, find_links};
use eidscope_model::{
    FACE_ENGINE_CODES, FindingCode, FindingScope, Level, Severity, Status, UncheckedCode, unchecked,
};
use eidscope_tables::Table;
use eidscope_tables::findings::{FindingFilter, list};
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
    /// Bundles per level the tables were scanned at (several when scan folders of different
    /// levels are merged).
    pub levels: BTreeMap<Level, u64>,
    /// The checks that could not run on some bundles (their level was too low), single-bundle
    /// ones first, then the cross-bundle ones.
    pub checks_not_run: Vec<UncheckedCode>,
    /// Whether eidscope's face engine looked at the bundles (`scan --faces`: the `faces` table
    /// has rows); without it the face checks ([`FACE_ENGINE_CODES`]) did not run.
    pub faces: bool,
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
    /// Document type, normalised (`passport`, `card`, `other`: the model's `DocumentType`).
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
    /// (records in path order, so that the order of the inputs does not matter). The
    /// `same-person` groups are those of the `findings` table (`scan --faces --links`) and
    /// `face_links` (what the caller's face engine found over the `faces` table's embeddings),
    /// each group once.
    pub fn compute(
        tables: &ScanTables,
        face_links: Vec<LinkFinding>,
    ) -> Result<ReportData, TablesError> {
        let stats = stats::compute(
            tables,
            &StatsOptions {
                every: Some(Every::Week),
                ..StatsOptions::default()
            },
        )?;
        let mut breakdowns = Vec::with_capacity(BREAKDOWNS.len());
        for (column, _) in BREAKDOWNS {
            let by = stats::compute(
                tables,
                &StatsOptions {
                    by: vec![column.to_owned()],
                    ..StatsOptions::default()
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
        let mut links = find_links(&records, &LinkConfig::default());
        for link in same_person(tables)?.into_iter().chain(face_links) {
            if !links
                .iter()
                .any(|l| l.code == link.code && l.paths == link.paths)
            {
                links.push(link);
            }
        }
        let cases = cases(tables, &links)?;
        let levels = tables.levels()?;
        let faces = !tables.column_texts(Table::Faces, "path")?.is_empty();
        Ok(ReportData {
            stats,
            breakdowns,
            cases,
            links,
            span,
            checks_not_run: checks_not_run(&levels, faces),
            levels,
            faces,
            pictures: BTreeMap::new(),
        })
    }
}

/// The `same-person` groups the scan wrote into its `findings` table (`scan --faces --links`).
fn same_person(tables: &ScanTables) -> Result<Vec<LinkFinding>, TablesError> {
    let filter = FindingFilter {
        codes: vec![FindingCode::SamePerson],
        severities: Vec::new(),
    };
    Ok(list(tables, &filter)?
        .findings
        .into_iter()
        .filter(|f| f.scope == FindingScope::Batch)
        .map(|f| {
            let mut paths = f.paths.unwrap_or_else(|| vec![f.path.clone()]);
            paths.sort();
            paths.dedup();
            LinkFinding {
                code: f.code,
                severity: f.severity,
                paths,
                key: f.key.unwrap_or_default(),
                message: f.message,
            }
        })
        .collect())
}

/// The checks that could not run: those of the levels ([`unchecked`], single-bundle then
/// cross-bundle), and the face engine's when the scan ran without `--faces`.
fn checks_not_run(levels: &BTreeMap<Level, u64>, faces: bool) -> Vec<UncheckedCode> {
    let mut missing: Vec<UncheckedCode> = unchecked(levels, FindingScope::Bundle)
        .into_iter()
        .chain(unchecked(levels, FindingScope::Batch))
        .collect();
    let bundles: u64 = levels.values().sum();
    if !faces && bundles > 0 {
        for code in FACE_ENGINE_CODES {
            if !missing.iter().any(|u| u.code == code) {
                missing.push(UncheckedCode {
                    code,
                    severity: code.severity(),
                    needs: code.spec().level,
                    bundles,
                    reason: "needs eidscope's face engine (scan --faces); the scan ran without it"
                        .to_owned(),
                });
            }
        }
    }
    missing
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
            document_type: row.document_type.map(|t| t.as_str().to_owned()),
            created_at: row.created_at,
            findings,
            groups,
            worst,
        });
    })?;
    cases.sort_by(|a, b| a.order().cmp(&b.order()));
    Ok(cases)
}
