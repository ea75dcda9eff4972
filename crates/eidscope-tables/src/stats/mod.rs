//! Batch statistics over scan tables: status counts and rates (reported, derived,
//! mismatches), rejection reasons (which security checks fail, alone and together, and which
//! rules the rejected bundles were rejected by), the
//! similarity distribution, feature-not-found rates, fail reasons and findings per code;
//! overall and per group of any `bundles` columns and/or per period of `created_at`, the
//! groups sorted and filtered as asked ([`GroupOrder`], `min_count`). The levels the bundles
//! were scanned at say which checks could not run ([`eidscope_model::unchecked`]).
//!
//! The tables come from polars ([`crate::ScanTables`]), read back into their row types; the
//! counting ([`count`]) walks each table once.
//! Every map is sorted by key, so the same tables give the same JSON byte for byte, and
//! merged shards give what one scan gives.

mod count;
pub mod render;

use crate::error::TablesError;
use crate::read::ScanTables;
use chrono::{Datelike, NaiveDate};
use eidscope_model::{Level, Status, UncheckedCode};
use serde::Serialize;
use std::collections::BTreeMap;

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

eidscope_model::words!(Every, "period", [Day => "day", Week => "week", Month => "month"]);

impl Every {
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

/// How to group, which groups to keep and in which order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatsOptions {
    /// `bundles` columns to group by.
    pub by: Vec<String>,
    /// A period of `created_at` to group by.
    pub every: Option<Every>,
    /// The order of the groups.
    pub sort: GroupOrder,
    /// Groups of fewer bundles are left out (`--min-count`).
    pub min_count: u64,
}

/// The order of the groups (`--sort`): by key, by size, or by a rate, highest first. Ties
/// keep the larger group first, then the key order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum GroupOrder {
    /// By the group's key (the default).
    #[default]
    Key,
    /// Most bundles first.
    Count,
    /// The highest share of bundles with this status first.
    Rate(StatusWord),
    /// The highest share of status mismatches first.
    Mismatches,
}

/// The statuses a group can be sorted by the rate of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusWord {
    /// `accepted`.
    Accepted,
    /// `rejected`.
    Rejected,
    /// `inconclusive`.
    Inconclusive,
    /// `failed`.
    Failed,
    /// `canceled`.
    Canceled,
    /// `not_matched`.
    NotMatched,
    /// `pending`.
    Pending,
    /// `processing`.
    Processing,
}

eidscope_model::words!(StatusWord, "status", [
    Accepted => "accepted",
    Rejected => "rejected",
    Inconclusive => "inconclusive",
    Failed => "failed",
    Canceled => "canceled",
    NotMatched => "not_matched",
    Pending => "pending",
    Processing => "processing",
]);

impl GroupOrder {
    /// Every word `--sort` takes, in the order its help lists them.
    pub fn words() -> Vec<&'static str> {
        let mut words = vec!["key", "count", "mismatches"];
        words.extend(
            <StatusWord as eidscope_model::Vocabulary>::ALL
                .iter()
                .map(|s| s.as_str()),
        );
        words
    }

    /// The word of this order.
    pub fn as_str(self) -> &'static str {
        match self {
            GroupOrder::Key => "key",
            GroupOrder::Count => "count",
            GroupOrder::Mismatches => "mismatches",
            GroupOrder::Rate(status) => status.as_str(),
        }
    }

    /// Puts groups (sorted by key) in this order.
    fn arrange(self, groups: &mut [Group]) {
        let rate = |g: &Group| -> f64 {
            match self {
                GroupOrder::Key | GroupOrder::Count => 0.0,
                GroupOrder::Mismatches => g.stats.status_mismatch_rate,
                GroupOrder::Rate(status) => g
                    .stats
                    .status_rate
                    .get(status.as_str())
                    .copied()
                    .unwrap_or(0.0),
            }
        };
        if self != GroupOrder::Key {
            // A stable sort: equal groups stay in key order.
            groups.sort_by(|a, b| {
                rate(b)
                    .total_cmp(&rate(a))
                    .then(b.stats.total.cmp(&a.stats.total))
            });
        }
    }
}

impl std::str::FromStr for GroupOrder {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "key" => Ok(GroupOrder::Key),
            "count" => Ok(GroupOrder::Count),
            "mismatches" => Ok(GroupOrder::Mismatches),
            other => other
                .parse::<StatusWord>()
                .map(GroupOrder::Rate)
                .map_err(|_| {
                    format!(
                        "unknown order `{text}` (expected {})",
                        GroupOrder::words().join(", ")
                    )
                }),
        }
    }
}

impl std::fmt::Display for GroupOrder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for GroupOrder {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl schemars::JsonSchema for GroupOrder {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "GroupOrder".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "The order of the groups (`--sort`).",
            "type": "string",
            "enum": GroupOrder::words(),
        })
    }
}

/// The rejection reason of a rejected bundle for which no rejection rule holds (a reported
/// rejection the evidence does not explain).
pub const UNEXPLAINED: &str = "unexplained";

/// The key of the period in a group's key.
pub const PERIOD_KEY: &str = "period";

/// The statistics of a set of bundles (all, or one group).
#[derive(Debug, Clone, Default, PartialEq, Serialize, schemars::JsonSchema)]
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
    /// Rejected bundles (by `status`) per rejection rule that holds
    /// (`security-check:nonExpired`, `manual-approval:rejected`; `unexplained` when none
    /// does); a bundle rejected for two reasons counts under both.
    pub rejection_reasons: BTreeMap<String, u64>,
    /// Per rejection reason: the share of the rejected bundles.
    pub rejection_reason_rate: BTreeMap<String, f64>,
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
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Group {
    /// The values of the `--by` columns and the `period`, in that order (null when missing).
    pub key: serde_json::Map<String, serde_json::Value>,
    /// The statistics of the group.
    #[serde(flatten)]
    pub stats: Block,
}

/// The statistics of a batch (the `stats --json` object).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Stats {
    /// Always [`STATS_SCHEMA`].
    pub schema: &'static str,
    /// The statistics of every bundle.
    #[serde(flatten)]
    pub overall: Block,
    /// Rows whose bundle (same SHA-256) was already counted: the same bundle reached twice,
    /// e.g. a scan folder and the bundles it was made from. They are counted each time.
    pub duplicate_bundles: u64,
    /// Bundles per scan level (`meta`, `media`, `full`).
    pub levels: BTreeMap<Level, u64>,
    /// The single-bundle checks that could not run on some bundles (read below the level
    /// they need), and why: their findings are missing from these counts.
    pub checks_not_run: Vec<UncheckedCode>,
    /// The `--by` columns.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub by: Vec<String>,
    /// The `--every` period.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub every: Option<&'static str>,
    /// The order of the groups (`--sort`).
    pub sort: GroupOrder,
    /// Groups of fewer bundles are left out (`--min-count`; 0 keeps every group).
    pub min_count: u64,
    /// How many groups `--min-count` left out.
    pub groups_below_min_count: u64,
    /// One entry per group, in the order of `sort` (with `--by` or `--every`).
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
        let rejected = self
            .status
            .get(Status::Rejected.as_str())
            .copied()
            .unwrap_or(0);
        self.rejection_reason_rate = self
            .rejection_reasons
            .iter()
            .map(|(k, n)| (k.clone(), rate(*n, rejected)))
            .collect();
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

/// Computes the statistics of the tables: one pass over each table, read back into its row
/// type; a batch finding counts once, in the group of its first bundle; errors count overall
/// only (an unreadable file has no column to group by).
pub fn compute(tables: &ScanTables, options: &StatsOptions) -> Result<Stats, TablesError> {
    let mut counter = count::Counter::new(tables, options)?;
    counter.bundles(tables)?;
    counter.checks(tables)?;
    counter.features(tables)?;
    counter.findings(tables)?;
    counter.errors(tables)?;
    Ok(counter.finish(options))
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
