//! Batch statistics over scan tables: status counts and rates (reported, derived,
//! mismatches), rejection reasons (which security checks fail, alone and together), the
//! similarity distribution, feature-not-found rates, fail reasons and findings per code;
//! overall and per group of any `bundles` columns and/or per period of `created_at`.
//!
//! The tables come from polars ([`crate::ScanTables`]); the counting walks their columns once.
//! Every map is sorted by key, so the same tables give the same JSON byte for byte, and
//! merged shards give what one scan gives.

pub mod render;

use crate::error::TablesError;
use crate::read::ScanTables;
use chrono::{Datelike, NaiveDate};
use polars::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::str::FromStr;

/// The value of the `schema` key of `stats --json`.
pub const STATS_SCHEMA: &str = "eidscope.stats/1";

/// The period of `--every`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Every {
    /// Calendar day (UTC): `2024-03-05`.
    Day,
    /// ISO week, named by its Monday: `2024-03-04`.
    Week,
    /// Calendar month: `2024-03`.
    Month,
}

impl Every {
    /// The word on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Every::Day => "day",
            Every::Week => "week",
            Every::Month => "month",
        }
    }

    /// The period a date falls in.
    pub fn period(self, date: NaiveDate) -> String {
        match self {
            Every::Day => date.to_string(),
            Every::Week => {
                let monday =
                    date - chrono::Duration::days(i64::from(date.weekday().num_days_from_monday()));
                monday.to_string()
            }
            Every::Month => format!("{:04}-{:02}", date.year(), date.month()),
        }
    }
}

impl FromStr for Every {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "day" => Ok(Every::Day),
            "week" => Ok(Every::Week),
            "month" => Ok(Every::Month),
            other => Err(format!(
                "unknown period `{other}` (expected day, week or month)"
            )),
        }
    }
}

/// How to group.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatsOptions {
    /// `bundles` columns to group by.
    pub by: Vec<String>,
    /// A period of `created_at` to group by.
    pub every: Option<Every>,
}

/// The key of the period in a group's key.
pub const PERIOD_KEY: &str = "period";

/// The statistics of a set of bundles (all, or one group).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Block {
    /// Bundles read.
    pub total: u64,
    /// Inputs that could not be read (overall only: errors have no bundle columns).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<u64>,
    /// Errors per kind (overall only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_kinds: Option<BTreeMap<String, u64>>,
    /// Bundles per status (reported where known, else derived).
    pub status: BTreeMap<String, u64>,
    /// Share of bundles per status.
    pub status_rate: BTreeMap<String, f64>,
    /// Bundles per reported status (bundles with a process).
    pub reported_status: BTreeMap<String, u64>,
    /// Bundles per derived status.
    pub derived_status: BTreeMap<String, u64>,
    /// Bundles whose reported status differs from the derived one.
    pub status_mismatches: u64,
    /// Share of bundles with a reported status that differs from the derived one.
    pub status_mismatch_rate: f64,
    /// Per security check: bundles where it is not valid.
    pub security_check_failures: BTreeMap<String, u64>,
    /// Per set of checks that fail together (`a+b`, sorted): bundles where exactly these fail.
    pub check_failure_combinations: BTreeMap<String, u64>,
    /// Bundles per similarity level (`unknown` without one).
    pub similarity: BTreeMap<String, u64>,
    /// Per feature: bundles where it is not found.
    pub feature_not_found: BTreeMap<String, u64>,
    /// Per feature: the share of the bundles listing it where it is not found.
    pub feature_not_found_rate: BTreeMap<String, f64>,
    /// Bundles per `failReason.type`.
    pub fail_reasons: BTreeMap<String, u64>,
    /// Findings per code.
    pub findings: BTreeMap<String, u64>,
    /// Findings per severity.
    pub findings_by_severity: BTreeMap<String, u64>,
    #[serde(skip)]
    feature_listed: BTreeMap<String, u64>,
    #[serde(skip)]
    reported_total: u64,
}

/// One group: its key values and its statistics.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    /// The values of the `--by` columns and the `period`, in that order (null when missing).
    pub key: serde_json::Map<String, serde_json::Value>,
    /// The statistics of the group.
    #[serde(flatten)]
    pub stats: Block,
}

/// The statistics of a batch (the `stats --json` object).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    /// Always [`STATS_SCHEMA`].
    pub schema: &'static str,
    /// The statistics of every bundle.
    #[serde(flatten)]
    pub overall: Block,
    /// Rows whose bundle (same SHA-256) was already counted: the same bundle reached twice,
    /// e.g. a scan folder and the bundles it was made from. They are counted each time.
    pub duplicate_bundles: u64,
    /// The `--by` columns.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub by: Vec<String>,
    /// The `--every` period.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub every: Option<&'static str>,
    /// One entry per group, sorted by key (with `--by` or `--every`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<Group>>,
}

fn rate(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    #[allow(clippy::cast_precision_loss)] // counts far below 2^52
    let r = part as f64 / whole as f64;
    (r * 1e6).round() / 1e6
}

fn bump(map: &mut BTreeMap<String, u64>, key: &str) {
    match map.get_mut(key) {
        Some(n) => *n += 1,
        None => {
            map.insert(key.to_owned(), 1);
        }
    }
}

impl Block {
    fn finish(&mut self) {
        self.status_rate = self
            .status
            .iter()
            .map(|(k, n)| (k.clone(), rate(*n, self.total)))
            .collect();
        self.status_mismatch_rate = rate(self.status_mismatches, self.reported_total);
        self.feature_not_found_rate = self
            .feature_not_found
            .iter()
            .map(|(k, n)| {
                (
                    k.clone(),
                    rate(*n, self.feature_listed.get(k).copied().unwrap_or(0)),
                )
            })
            .collect();
    }
}

fn polars(e: PolarsError) -> TablesError {
    TablesError::table("bundles", e)
}

/// The values of a column as text (categoricals, enums, numbers and dates alike).
fn texts(frame: &DataFrame, name: &str) -> Result<Vec<Option<String>>, TablesError> {
    let column = frame
        .column(name)
        .map_err(polars)?
        .cast(&DataType::String)
        .map_err(polars)?;
    let values = column.str().map_err(polars)?;
    Ok(values.iter().map(|v| v.map(str::to_owned)).collect())
}

fn bools(frame: &DataFrame, name: &str) -> Result<Vec<Option<bool>>, TablesError> {
    let column = frame
        .column(name)
        .map_err(polars)?
        .cast(&DataType::Boolean)
        .map_err(polars)?;
    Ok(column.bool().map_err(polars)?.iter().collect())
}

fn periods(frame: &DataFrame, every: Every) -> Result<Vec<Option<String>>, TablesError> {
    let column = frame
        .column("created_at")
        .map_err(polars)?
        .cast(&DataType::Int64)
        .map_err(polars)?;
    let ms = column.i64().map_err(polars)?;
    Ok(ms
        .iter()
        .map(|v| {
            v.and_then(chrono::DateTime::from_timestamp_millis)
                .map(|t| every.period(t.date_naive()))
        })
        .collect())
}

/// Computes the statistics of the tables.
pub fn compute(tables: &ScanTables, options: &StatsOptions) -> Result<Stats, TablesError> {
    let bundles = &tables.bundles;
    let columns: Vec<String> = bundles
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .collect();
    for by in &options.by {
        if !columns.contains(by) {
            return Err(TablesError::Usage(format!(
                "--by {by}: no such column of the bundles table (columns: {})",
                columns.join(", ")
            )));
        }
    }
    let paths = texts(bundles, "path")?;
    let status = texts(bundles, "status")?;
    let reported = texts(bundles, "reported_status")?;
    let derived = texts(bundles, "derived_status")?;
    let similarity = texts(bundles, "similarity_score")?;
    let fail_reasons = texts(bundles, "fail_reason_type")?;
    let digests = texts(bundles, "sha256")?;
    let mut seen_digests = std::collections::HashSet::new();
    let duplicate_bundles = digests
        .iter()
        .flatten()
        .filter(|d| !seen_digests.insert(d.as_str()))
        .count() as u64;
    let by_values = options
        .by
        .iter()
        .map(|c| texts(bundles, c))
        .collect::<Result<Vec<_>, _>>()?;
    let period_values = options.every.map(|e| periods(bundles, e)).transpose()?;
    let grouping = !options.by.is_empty() || options.every.is_some();

    let mut overall = Block::default();
    let mut group_keys: BTreeMap<Vec<Option<String>>, usize> = BTreeMap::new();
    let mut groups: Vec<Block> = Vec::new();
    let mut group_of_row: Vec<Option<usize>> = Vec::with_capacity(paths.len());
    let mut row_of_path: HashMap<&str, usize> = HashMap::with_capacity(paths.len());

    for row in 0..paths.len() {
        if let Some(path) = paths[row].as_deref() {
            row_of_path.entry(path).or_insert(row);
        }
        let group = grouping.then(|| {
            let mut key: Vec<Option<String>> = by_values.iter().map(|v| v[row].clone()).collect();
            if let Some(periods) = &period_values {
                key.push(periods[row].clone());
            }
            let next = group_keys.len();
            let index = *group_keys.entry(key).or_insert(next);
            if index == groups.len() {
                groups.push(Block::default());
            }
            index
        });
        group_of_row.push(group);
        for block in std::iter::once(&mut overall).chain(group.and_then(|g| groups.get_mut(g))) {
            block.total += 1;
            if let Some(s) = status[row].as_deref() {
                bump(&mut block.status, s);
            }
            if let Some(s) = derived[row].as_deref() {
                bump(&mut block.derived_status, s);
            }
            if let Some(r) = reported[row].as_deref() {
                bump(&mut block.reported_status, r);
                block.reported_total += 1;
                // The same comparison as the `status-mismatch` finding: only the four outcomes
                // the rules derive are compared (a canceled process says nothing of its evidence).
                if eidscope_model::Status::parse(r).is_outcome()
                    && derived[row].as_deref() != Some(r)
                {
                    block.status_mismatches += 1;
                }
            }
            bump(
                &mut block.similarity,
                similarity[row].as_deref().unwrap_or("unknown"),
            );
            if let Some(f) = fail_reasons[row].as_deref() {
                bump(&mut block.fail_reasons, f);
            }
        }
    }

    // Security checks: per bundle, the set of checks not valid.
    let check_paths = texts(&tables.checks, "path")?;
    let check_names = texts(&tables.checks, "check")?;
    let check_valid = bools(&tables.checks, "valid")?;
    let mut failed: BTreeMap<usize, BTreeSet<String>> = BTreeMap::new();
    for i in 0..check_paths.len() {
        if check_valid[i] == Some(false)
            && let (Some(row), Some(name)) = (
                check_paths[i].as_deref().and_then(|p| row_of_path.get(p)),
                &check_names[i],
            )
        {
            failed.entry(*row).or_default().insert(name.clone());
        }
    }
    for (row, names) in &failed {
        let combination = names.iter().cloned().collect::<Vec<_>>().join("+");
        for block in
            std::iter::once(&mut overall).chain(group_of_row[*row].and_then(|g| groups.get_mut(g)))
        {
            for name in names {
                bump(&mut block.security_check_failures, name);
            }
            bump(&mut block.check_failure_combinations, &combination);
        }
    }

    // Features: per bundle and feature name, listed and not found.
    let feature_paths = texts(&tables.features, "path")?;
    let feature_names = texts(&tables.features, "name")?;
    let feature_found = bools(&tables.features, "found")?;
    let mut listed: BTreeSet<(usize, String)> = BTreeSet::new();
    let mut missing: BTreeSet<(usize, String)> = BTreeSet::new();
    for i in 0..feature_paths.len() {
        if let (Some(row), Some(name)) = (
            feature_paths[i].as_deref().and_then(|p| row_of_path.get(p)),
            &feature_names[i],
        ) {
            listed.insert((*row, name.clone()));
            if feature_found[i] == Some(false) {
                missing.insert((*row, name.clone()));
            }
        }
    }
    for (set, not_found) in [(&listed, false), (&missing, true)] {
        for (row, name) in set {
            for block in std::iter::once(&mut overall)
                .chain(group_of_row[*row].and_then(|g| groups.get_mut(g)))
            {
                let map = if not_found {
                    &mut block.feature_not_found
                } else {
                    &mut block.feature_listed
                };
                bump(map, name);
            }
        }
    }

    // Findings: per code and severity; a batch finding counts once, in the group of its
    // first bundle.
    let finding_paths = texts(&tables.findings, "path")?;
    let finding_codes = texts(&tables.findings, "code")?;
    let finding_severities = texts(&tables.findings, "severity")?;
    for i in 0..finding_paths.len() {
        let group = finding_paths[i]
            .as_deref()
            .and_then(|p| row_of_path.get(p))
            .and_then(|row| group_of_row[*row]);
        for block in std::iter::once(&mut overall).chain(group.and_then(|g| groups.get_mut(g))) {
            if let Some(code) = finding_codes[i].as_deref() {
                bump(&mut block.findings, code);
            }
            if let Some(severity) = finding_severities[i].as_deref() {
                bump(&mut block.findings_by_severity, severity);
            }
        }
    }

    // Errors: overall only.
    let mut kinds = BTreeMap::new();
    for kind in texts(&tables.errors, "error_kind")? {
        bump(&mut kinds, kind.as_deref().unwrap_or("unknown"));
    }
    overall.errors = Some(u64::try_from(tables.errors.height()).unwrap_or(u64::MAX));
    overall.error_kinds = Some(kinds);
    overall.finish();

    let groups = grouping.then(|| {
        let mut names = options.by.clone();
        if options.every.is_some() {
            names.push(PERIOD_KEY.to_owned());
        }
        group_keys
            .into_iter()
            .filter_map(|(key, index)| {
                let mut stats = groups.get(index)?.clone();
                stats.finish();
                let key = names
                    .iter()
                    .cloned()
                    .zip(
                        key.into_iter()
                            .map(|v| v.map_or(serde_json::Value::Null, serde_json::Value::String)),
                    )
                    .collect();
                Some(Group { key, stats })
            })
            .collect()
    });
    Ok(Stats {
        schema: STATS_SCHEMA,
        overall,
        duplicate_bundles,
        by: options.by.clone(),
        every: options.every.map(Every::as_str),
        groups,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_name_days_weeks_and_months() {
        let d = NaiveDate::from_ymd_opt(2024, 3, 7).unwrap(); // a Thursday
        assert_eq!(Every::Day.period(d), "2024-03-07");
        assert_eq!(Every::Week.period(d), "2024-03-04");
        assert_eq!(Every::Month.period(d), "2024-03");
        assert!("fortnight".parse::<Every>().is_err());
    }
}
