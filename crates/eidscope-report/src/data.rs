//! What the page shows, computed from the scan tables by the other crates: the statistics of
//! [`stats::compute`] per ISO week, the high and medium rows of the `findings` table read back
//! into their row type, and the linked groups of [`find_links`] over the `bundles` table.
//! Nothing is drawn here, and nothing is counted that `stats` does not count.

use eidscope_analysis::links::{LinkConfig, LinkFinding, find_links};
use eidscope_model::{FindingCode, Severity};
use eidscope_tables::rows::FindingRow;
use eidscope_tables::stats::{self, Every, StatsOptions};
use eidscope_tables::{ScanTables, TablesError};
use std::cmp::Reverse;

/// The statistics, findings and links the page shows, computed from the tables.
#[derive(Debug, Clone)]
pub struct ReportData {
    /// The statistics, grouped per ISO week of `created_at`.
    pub stats: stats::Stats,
    /// The high and medium findings of the `findings` table, most severe first, then by code
    /// and path.
    pub findings: Vec<FindingLine>,
    /// The linked groups over every bundle.
    pub links: Vec<LinkFinding>,
    /// The earliest and latest `created_at`, when any bundle has one.
    pub span: Option<(chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>)>,
}

/// One row of the `findings` table, as the page lists it.
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

impl ReportData {
    /// Computes what the page shows: [`stats::compute`] per week, the high and medium rows of
    /// the `findings` table, and [`find_links`] over the `bundles` table (records in path
    /// order, so that the order of the inputs does not matter).
    pub fn compute(tables: &ScanTables) -> Result<ReportData, TablesError> {
        let stats = stats::compute(
            tables,
            &StatsOptions {
                every: Some(Every::Week),
                ..StatsOptions::default()
            },
        )?;
        let mut findings: Vec<FindingLine> = Vec::new();
        tables.each_row(|row: FindingRow| {
            if row.severity >= Severity::Medium {
                findings.push(FindingLine {
                    severity: row.severity,
                    code: row.code,
                    path: row.path,
                    message: row.message,
                });
            }
        })?;
        findings.sort_by(|a, b| a.order().cmp(&b.order()));
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
        Ok(ReportData {
            stats,
            findings,
            links,
            span,
        })
    }
}
