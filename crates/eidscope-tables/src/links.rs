//! The bridge to the cross-bundle rules of `eidscope_analysis::links`: a [`LinkRecord`] from a
//! `bundles` row (as the scan writes it, pseudonyms included; [`record_of`]), the records of
//! the `bundles` table of scan folders ([`records`]), the `links --json` document over records
//! ([`one_per_attempt`], [`links_report`]: the command line and the Python package share it),
//! and the `findings` row of a linked group (`scope` `batch`, `key`, and `paths` as a JSON
//! array).

use crate::error::TablesError;
use crate::read::ScanTables;
use crate::rows::{BundleRow, FindingRow};
use crate::table::Table;
use chrono::NaiveDate;
use eidscope_analysis::links::{LinkConfig, LinkFinding, LinkRecord, PictureHashes, find_links};
use eidscope_model::finding::{LinksReport, VelocityWindow};
use eidscope_model::{FindingCode, FindingScope, Level, PerceptualHash, unchecked};
use std::collections::{BTreeMap, HashSet};

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

/// Puts the records in one order (by path, whatever the mix of scan folders and bundles, so
/// that output is reproducible) and keeps one record per attempt: the same bundle reached
/// twice (a scan folder and the bundles it was made from, two scans of one batch) is one
/// attempt, not two, which would otherwise feed `velocity` and reuse. Returns how many
/// records repeated one already kept.
pub fn one_per_attempt(records: &mut Vec<LinkRecord>) -> usize {
    records.sort_by(|a, b| a.path.cmp(&b.path));
    let before = records.len();
    let mut seen = HashSet::new();
    records.retain(|r| {
        let sha = |p: &Option<PictureHashes>| p.as_ref().map(|p| p.sha256.clone());
        seen.insert((
            r.created_at,
            r.first_name.clone(),
            r.last_name.clone(),
            r.document_number.clone(),
            [
                sha(&r.selfie),
                sha(&r.portrait),
                sha(&r.front),
                sha(&r.back),
            ],
        ))
    });
    before - records.len()
}

/// The note on standard error (a warning in Python) when [`one_per_attempt`] dropped records.
pub fn repeated_note(repeated: usize) -> String {
    format!(
        "{repeated} input(s) repeat a bundle already read (same identity, time and pictures) and were counted once"
    )
}

/// What a `links` run looked at besides the records: the bundles per scan level, the inputs
/// that could not be read, and the findings of the face engine (`same-person`).
#[derive(Debug, Default)]
pub struct LinksInputs {
    /// Bundles per scan level (`meta`, `media`, `full`).
    pub levels: BTreeMap<Level, u64>,
    /// Inputs that could not be read as a bundle.
    pub unreadable: usize,
    /// Findings found apart from the records' rules (the face engine's).
    pub face_findings: Vec<LinkFinding>,
}

/// The `links --json` document over records already made [`one_per_attempt`]: one finding per
/// linked group of the `codes` asked for (all when empty), and the cross-bundle checks the
/// levels could not run.
pub fn links_report(
    records: &[LinkRecord],
    inputs: LinksInputs,
    config: &LinkConfig,
    codes: &[FindingCode],
) -> LinksReport {
    let asked = |code: &FindingCode| codes.is_empty() || codes.contains(code);
    let mut findings = find_links(records, config);
    findings.extend(inputs.face_findings);
    findings.retain(|f| asked(&f.code));
    let checks_not_run = unchecked(&inputs.levels, FindingScope::Batch)
        .into_iter()
        .filter(|u| asked(&u.code))
        .collect();
    LinksReport {
        findings,
        bundles: records.len(),
        unreadable: inputs.unreadable,
        near_bits: config.near_bits,
        velocity: VelocityWindow {
            attempts: config.velocity.attempts,
            window_seconds: config.velocity.window.num_seconds(),
        },
        codes: codes.to_vec(),
        levels: inputs.levels,
        checks_not_run,
    }
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
