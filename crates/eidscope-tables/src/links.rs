//! The bridge to the cross-bundle rules of `eidscope_analysis::links`: a [`LinkRecord`] from a
//! `bundles` row (as the scan writes it, pseudonyms included; [`record_of`]), the records of
//! the `bundles` table of scan folders ([`records`]), and the `findings` row of a linked group
//! (`scope` `batch`, `key`, and `paths` as a JSON array).

use crate::error::TablesError;
use crate::read::ScanTables;
use crate::rows::{BundleRow, FindingRow};
use crate::table::Table;
use chrono::NaiveDate;
use eidscope_analysis::links::{LinkFinding, LinkRecord, PictureHashes};
use eidscope_model::PerceptualHash;

fn picture(
    sha256: Option<&String>,
    dhash: Option<PerceptualHash>,
    phash: Option<PerceptualHash>,
) -> Option<PictureHashes> {
    sha256.map(|sha| PictureHashes {
        sha256: sha.clone(),
        dhash,
        phash,
    })
}

/// The birth date the rules compare: the date, or under `--redact` the first of January of
/// the birth year (never written out: identities then differ by name or by year).
fn birth(date: Option<NaiveDate>, year: Option<i32>) -> Option<NaiveDate> {
    date.or_else(|| year.and_then(|y| NaiveDate::from_ymd_opt(y, 1, 1)))
}

/// The link record of one `bundles` row.
pub fn record_of(row: &BundleRow) -> LinkRecord {
    LinkRecord {
        path: row.path.clone(),
        first_name: row.first_name.clone(),
        last_name: row.last_name.clone(),
        date_of_birth: birth(row.date_of_birth, row.birth_year),
        birth_year_only: row.date_of_birth.is_none() && row.birth_year.is_some(),
        issuing_country: row.issuing_country.clone(),
        document_number: row.document_number.clone(),
        created_at: row.created_at,
        selfie: picture(
            row.selfie_sha256.as_ref(),
            row.selfie_dhash,
            row.selfie_phash,
        ),
        portrait: picture(
            row.portrait_sha256.as_ref(),
            row.portrait_dhash,
            row.portrait_phash,
        ),
        front: picture(row.front_sha256.as_ref(), None, None),
        back: picture(row.back_sha256.as_ref(), None, None),
    }
}

/// The link records of every bundle of scan tables (for `links` and the report over scan
/// folders).
pub fn records(tables: &ScanTables) -> Result<Vec<LinkRecord>, TablesError> {
    let mut records = Vec::with_capacity(tables.table(Table::Bundles).height());
    tables.each_row(|row: BundleRow| records.push(record_of(&row)))?;
    Ok(records)
}

impl FindingRow {
    /// The `findings` row of a linked group: the path is the group's first bundle.
    pub fn of_link(finding: &LinkFinding) -> FindingRow {
        let paths = serde_json::Value::from(finding.paths.clone());
        FindingRow {
            path: finding.paths.first().cloned().unwrap_or_default(),
            code: finding.code,
            severity: finding.severity,
            scope: finding.code.spec().scope,
            message: finding.message.clone(),
            evidence: serde_json::json!({"key": finding.key, "paths": paths}).to_string(),
            key: Some(finding.key.clone()),
            paths: Some(paths.to_string()),
        }
    }
}
