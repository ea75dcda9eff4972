//! The bridge to the cross-bundle rules of `eidscope_analysis::links`: a [`LinkRecord`] from a
//! `bundles` row (as the scan writes it, pseudonyms included) or from the `bundles` table of
//! scan folders, and the `findings` rows of the linked groups (`scope` `batch`, `key`, and
//! `paths` as a JSON array).

use crate::error::TablesError;
use crate::read::ScanTables;
use crate::rows::{BundleRow, FindingRow, scope_word};
use chrono::{DateTime, NaiveDate, Utc};
use eidscope_analysis::links::{LinkFinding, LinkRecord, PictureHashes};
use polars::prelude::*;

fn picture(
    sha256: Option<&String>,
    dhash: Option<&String>,
    phash: Option<&String>,
) -> Option<PictureHashes> {
    sha256.map(|sha| PictureHashes {
        sha256: sha.clone(),
        dhash: dhash.cloned(),
        phash: phash.cloned(),
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
            row.selfie_dhash.as_ref(),
            row.selfie_phash.as_ref(),
        ),
        portrait: picture(
            row.portrait_sha256.as_ref(),
            row.portrait_dhash.as_ref(),
            row.portrait_phash.as_ref(),
        ),
        front: picture(row.front_sha256.as_ref(), None, None),
        back: picture(row.back_sha256.as_ref(), None, None),
    }
}

/// The `findings` row of a linked group: the path is the group's first bundle.
pub fn finding_row(finding: &LinkFinding) -> FindingRow {
    let paths = serde_json::Value::from(finding.paths.clone());
    FindingRow {
        path: finding.paths.first().cloned().unwrap_or_default(),
        code: finding.code.as_str().to_owned(),
        severity: finding.severity.as_str().to_owned(),
        scope: scope_word(finding.code.spec().scope).to_owned(),
        message: finding.message.clone(),
        evidence: serde_json::json!({"key": finding.key, "paths": paths}).to_string(),
        key: Some(finding.key.clone()),
        paths: Some(paths.to_string()),
    }
}

fn error(e: PolarsError) -> TablesError {
    TablesError::table("bundles", e)
}

fn texts(frame: &DataFrame, name: &str) -> Result<Vec<Option<String>>, TablesError> {
    let column = frame
        .column(name)
        .map_err(error)?
        .cast(&DataType::String)
        .map_err(error)?;
    Ok(column
        .str()
        .map_err(error)?
        .iter()
        .map(|v| v.map(str::to_owned))
        .collect())
}

/// The link records of every bundle of scan tables (for `links` over scan folders).
pub fn records(tables: &ScanTables) -> Result<Vec<LinkRecord>, TablesError> {
    let b = &tables.bundles;
    let col = |name: &str| texts(b, name);
    let (path, first, last, country, number) = (
        col("path")?,
        col("first_name")?,
        col("last_name")?,
        col("issuing_country")?,
        col("document_number")?,
    );
    let shas = [
        col("selfie_sha256")?,
        col("portrait_sha256")?,
        col("front_sha256")?,
        col("back_sha256")?,
    ];
    let hashes = [
        col("selfie_dhash")?,
        col("selfie_phash")?,
        col("portrait_dhash")?,
        col("portrait_phash")?,
    ];
    let created = b
        .column("created_at")
        .map_err(error)?
        .cast(&DataType::Int64)
        .map_err(error)?;
    let created: Vec<Option<DateTime<Utc>>> = created
        .i64()
        .map_err(error)?
        .iter()
        .map(|v| v.and_then(DateTime::from_timestamp_millis))
        .collect();
    let born = b
        .column("date_of_birth")
        .map_err(error)?
        .cast(&DataType::Int32)
        .map_err(error)?;
    let born: Vec<Option<i32>> = born.i32().map_err(error)?.iter().collect();
    let year = b
        .column("birth_year")
        .map_err(error)?
        .cast(&DataType::Int32)
        .map_err(error)?;
    let year: Vec<Option<i32>> = year.i32().map_err(error)?.iter().collect();
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    Ok((0..b.height())
        .map(|i| LinkRecord {
            path: path[i].clone().unwrap_or_default(),
            first_name: first[i].clone(),
            last_name: last[i].clone(),
            date_of_birth: birth(
                born[i]
                    .and_then(|d| epoch.checked_add_signed(chrono::Duration::days(i64::from(d)))),
                year[i],
            ),
            birth_year_only: born[i].is_none() && year[i].is_some(),
            issuing_country: country[i].clone(),
            document_number: number[i].clone(),
            created_at: created[i],
            selfie: picture(
                shas[0][i].as_ref(),
                hashes[0][i].as_ref(),
                hashes[1][i].as_ref(),
            ),
            portrait: picture(
                shas[1][i].as_ref(),
                hashes[2][i].as_ref(),
                hashes[3][i].as_ref(),
            ),
            front: picture(shas[2][i].as_ref(), None, None),
            back: picture(shas[3][i].as_ref(), None, None),
        })
        .collect())
}
