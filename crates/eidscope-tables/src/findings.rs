//! The finding instances of scan tables, as `eidscope findings SCAN` lists them: each row of
//! the `findings` table (bundle, code, severity, message, evidence), filtered by code and
//! severity, most severe first. The evidence and the paths of a linked group, JSON texts in
//! the table, are read back into JSON values here, so that the command line never parses JSON.

use crate::error::TablesError;
use crate::read::ScanTables;
use crate::rows::FindingRow;
use eidscope_model::{FindingCode, FindingScope, Severity, UncheckedCode};
use serde::Serialize;
use std::cmp::Reverse;

/// The value of the `schema` key of `findings SCAN --json`.
pub const FINDINGS_SCHEMA: &str = "eidscope.findings/1";

/// Which findings to list: every code and severity when a list is empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FindingFilter {
    /// Only these codes.
    pub codes: Vec<FindingCode>,
    /// Only these severities.
    pub severities: Vec<Severity>,
}

impl FindingFilter {
    fn keeps(&self, code: FindingCode, severity: Severity) -> bool {
        (self.codes.is_empty() || self.codes.contains(&code))
            && (self.severities.is_empty() || self.severities.contains(&severity))
    }
}

/// One finding of the `findings` table.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct FindingInstance {
    /// The bundle (for a linked group: its first bundle).
    pub path: String,
    /// The catalogue code.
    pub code: FindingCode,
    /// Its severity.
    pub severity: Severity,
    /// `bundle` or `batch`.
    pub scope: FindingScope,
    /// What was found, one sentence.
    pub message: String,
    /// The values that made it fire.
    pub evidence: serde_json::Value,
    /// What links a linked group (a document key, a picture hash); absent for one bundle.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Every bundle of a linked group; absent for one bundle.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paths: Option<Vec<String>>,
}

/// The `findings SCAN --json` object.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct FindingsReport {
    /// Always [`FINDINGS_SCHEMA`].
    pub schema: &'static str,
    /// The findings kept by the filter: most severe first, then by code, path and message.
    pub findings: Vec<FindingInstance>,
    /// Bundles the tables hold.
    pub bundles: u64,
    /// The single-bundle checks (of the codes asked for) that could not run on some bundles,
    /// and why: their findings cannot be in the list.
    pub checks_not_run: Vec<UncheckedCode>,
}

/// The findings of the tables that `filter` keeps.
pub fn list(tables: &ScanTables, filter: &FindingFilter) -> Result<FindingsReport, TablesError> {
    let mut findings = Vec::new();
    tables.each_row(|row: FindingRow| {
        if filter.keeps(row.code, row.severity) {
            findings.push(FindingInstance {
                evidence: serde_json::from_str(&row.evidence)
                    .unwrap_or(serde_json::Value::String(row.evidence)),
                paths: row
                    .paths
                    .as_deref()
                    .and_then(|p| serde_json::from_str(p).ok()),
                path: row.path,
                code: row.code,
                severity: row.severity,
                scope: row.scope,
                message: row.message,
                key: row.key,
            });
        }
    })?;
    findings.sort_by(|a, b| {
        (Reverse(a.severity), a.code.as_str(), &a.path, &a.message).cmp(&(
            Reverse(b.severity),
            b.code.as_str(),
            &b.path,
            &b.message,
        ))
    });
    let levels = tables.levels()?;
    let checks_not_run = eidscope_model::unchecked(&levels, FindingScope::Bundle)
        .into_iter()
        .filter(|unchecked| filter.keeps(unchecked.code, unchecked.severity))
        .collect();
    Ok(FindingsReport {
        schema: FINDINGS_SCHEMA,
        findings,
        bundles: levels.values().sum(),
        checks_not_run,
    })
}
