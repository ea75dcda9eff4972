//! The counting behind [`super::compute`]: one walk over each table, its rows read back into
//! their row types, every count going to the overall block and to the block of the row's
//! group (the values of the `--by` columns and the `--every` period of its bundle).

use super::{
    Block, Every, Group, PERIOD_KEY, STATS_SCHEMA, Stats, StatsOptions, UNEXPLAINED, bump,
};
use crate::error::TablesError;
use crate::read::ScanTables;
use crate::rows::{BundleRow, CheckRow, ErrorRow, FeatureRow, FindingRow};
use crate::table::Table;
use eidscope_model::{FindingScope, Level, Reason, Status};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// The counts being gathered.
pub(super) struct Counter {
    overall: Block,
    /// The values of the `--by` columns, by `bundles` row.
    by_values: Vec<Vec<Option<String>>>,
    every: Option<Every>,
    /// Each group's key and the index of its block.
    group_keys: BTreeMap<Vec<Option<String>>, usize>,
    groups: Vec<Block>,
    /// The group of each `bundles` row.
    group_of_row: Vec<Option<usize>>,
    /// The first `bundles` row of each path (the join key of the other tables).
    row_of_path: HashMap<String, usize>,
    digests: HashSet<String>,
    duplicate_bundles: u64,
    /// Bundles per scan level.
    levels: BTreeMap<Level, u64>,
}

impl Counter {
    /// A counter for these options; an unknown `--by` column is a usage error.
    pub(super) fn new(tables: &ScanTables, options: &StatsOptions) -> Result<Counter, TablesError> {
        let columns: Vec<String> = tables
            .table(Table::Bundles)
            .get_column_names()
            .iter()
            .map(|c| c.to_string())
            .collect();
        if let Some(unknown) = options.by.iter().find(|by| !columns.contains(by)) {
            return Err(TablesError::Usage(format!(
                "--by {unknown}: no such column of the bundles table (columns: {})",
                columns.join(", ")
            )));
        }
        let by_values = options
            .by
            .iter()
            .map(|column| tables.column_texts(Table::Bundles, column))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Counter {
            overall: Block::default(),
            by_values,
            every: options.every,
            group_keys: BTreeMap::new(),
            groups: Vec::new(),
            group_of_row: Vec::with_capacity(tables.table(Table::Bundles).height()),
            row_of_path: HashMap::with_capacity(tables.table(Table::Bundles).height()),
            digests: HashSet::with_capacity(tables.table(Table::Bundles).height()),
            duplicate_bundles: 0,
            levels: BTreeMap::new(),
        })
    }

    fn grouping(&self) -> bool {
        !self.by_values.is_empty() || self.every.is_some()
    }

    /// The overall block and the block of `group`.
    fn blocks(&mut self, group: Option<usize>) -> impl Iterator<Item = &mut Block> {
        std::iter::once(&mut self.overall).chain(group.and_then(|g| self.groups.get_mut(g)))
    }

    /// The group of the `bundles` row `index`, made when it is the first of its key.
    fn group_of(&mut self, index: usize, row: &BundleRow) -> Option<usize> {
        if !self.grouping() {
            return None;
        }
        let mut key: Vec<Option<String>> = self
            .by_values
            .iter()
            .map(|values| values.get(index).cloned().flatten())
            .collect();
        if let Some(every) = self.every {
            key.push(row.created_at.map(|t| every.period(t.date_naive())));
        }
        let next = self.group_keys.len();
        let group = *self.group_keys.entry(key).or_insert(next);
        if group == self.groups.len() {
            self.groups.push(Block::default());
        }
        Some(group)
    }

    /// The group of the bundle at `path`, if it was read.
    fn group_of_path(&self, path: &str) -> Option<usize> {
        self.row_of_path
            .get(path)
            .and_then(|row| self.group_of_row[*row])
    }

    /// Statuses, mismatches, similarity and fail reasons, per bundle.
    pub(super) fn bundles(&mut self, tables: &ScanTables) -> Result<(), TablesError> {
        tables.each_row(|row: BundleRow| {
            let index = self.group_of_row.len();
            let group = self.group_of(index, &row);
            self.group_of_row.push(group);
            for block in self.blocks(group) {
                count_bundle(block, &row);
            }
            if !self.digests.insert(row.sha256) {
                self.duplicate_bundles += 1;
            }
            *self.levels.entry(row.level).or_insert(0) += 1;
            self.row_of_path.entry(row.path).or_insert(index);
        })
    }

    /// Security checks: per bundle, the set of checks not valid.
    pub(super) fn checks(&mut self, tables: &ScanTables) -> Result<(), TablesError> {
        let mut failed: BTreeMap<usize, BTreeSet<String>> = BTreeMap::new();
        tables.each_row(|check: CheckRow| {
            if !check.valid
                && let Some(row) = self.row_of_path.get(&check.path)
            {
                failed.entry(*row).or_default().insert(check.check);
            }
        })?;
        for (row, names) in &failed {
            let combination = names.iter().cloned().collect::<Vec<_>>().join("+");
            for block in self.blocks(self.group_of_row[*row]) {
                for name in names {
                    bump(&mut block.security_check_failures, name);
                }
                bump(&mut block.check_failure_combinations, &combination);
            }
        }
        Ok(())
    }

    /// Features: per bundle and feature name, listed and not found.
    pub(super) fn features(&mut self, tables: &ScanTables) -> Result<(), TablesError> {
        let mut listed: BTreeSet<(usize, String)> = BTreeSet::new();
        let mut missing: BTreeSet<(usize, String)> = BTreeSet::new();
        tables.each_row(|feature: FeatureRow| {
            if let Some(&row) = self.row_of_path.get(&feature.path) {
                let name = feature.name.as_str().to_owned();
                if feature.found == Some(false) {
                    missing.insert((row, name.clone()));
                }
                listed.insert((row, name));
            }
        })?;
        for (row, name) in &listed {
            for block in self.blocks(self.group_of_row[*row]) {
                bump(&mut block.feature_listed, name);
            }
        }
        for (row, name) in &missing {
            for block in self.blocks(self.group_of_row[*row]) {
                bump(&mut block.feature_not_found, name);
            }
        }
        Ok(())
    }

    /// Findings per code and severity; a batch finding counts once, in the group of its
    /// first bundle.
    pub(super) fn findings(&mut self, tables: &ScanTables) -> Result<(), TablesError> {
        tables.each_row(|finding: FindingRow| {
            let group = self.group_of_path(&finding.path);
            for block in self.blocks(group) {
                bump(&mut block.findings, finding.code.as_str());
                bump(&mut block.findings_by_severity, finding.severity.as_str());
            }
        })
    }

    /// Errors per kind, overall only.
    pub(super) fn errors(&mut self, tables: &ScanTables) -> Result<(), TablesError> {
        let mut kinds = BTreeMap::new();
        tables.each_row(|error: ErrorRow| bump(&mut kinds, error.error_kind.as_str()))?;
        self.overall.errors =
            Some(u64::try_from(tables.table(Table::Errors).height()).unwrap_or(u64::MAX));
        self.overall.error_kinds = Some(kinds);
        Ok(())
    }

    /// The statistics: rates worked out; groups of at least `--min-count` bundles, in the
    /// order of `--sort` (by key, then as asked).
    pub(super) fn finish(mut self, options: &StatsOptions) -> Stats {
        self.overall.finish();
        let mut hidden = 0;
        let groups = self.grouping().then(|| {
            let mut names = options.by.clone();
            if options.every.is_some() {
                names.push(PERIOD_KEY.to_owned());
            }
            let mut groups: Vec<Group> =
                self.group_keys
                    .into_iter()
                    .filter_map(|(key, index)| {
                        let mut stats = self.groups.get(index)?.clone();
                        stats.finish();
                        let key = names
                            .iter()
                            .cloned()
                            .zip(key.into_iter().map(|v| {
                                v.map_or(serde_json::Value::Null, serde_json::Value::String)
                            }))
                            .collect();
                        Some(Group { key, stats })
                    })
                    .collect();
            let before = groups.len();
            groups.retain(|g| g.stats.total >= options.min_count);
            hidden = (before - groups.len()) as u64;
            options.sort.arrange(&mut groups);
            groups
        });
        Stats {
            schema: STATS_SCHEMA,
            overall: self.overall,
            duplicate_bundles: self.duplicate_bundles,
            checks_not_run: eidscope_model::unchecked(&self.levels, FindingScope::Bundle),
            levels: self.levels,
            by: options.by.clone(),
            every: options.every.map(Every::as_str),
            sort: options.sort,
            min_count: options.min_count,
            groups_below_min_count: hidden,
            groups,
        }
    }
}

/// What one bundle adds to a block.
fn count_bundle(block: &mut Block, row: &BundleRow) {
    block.total += 1;
    bump(&mut block.status, row.status.as_str());
    bump(&mut block.derived_status, row.derived_status.as_str());
    if let Some(reported) = &row.reported_status {
        bump(&mut block.reported_status, reported.as_str());
        block.reported_total += 1;
        // The same comparison as the `status-mismatch` finding: only the four outcomes the
        // rules derive are compared (a canceled process says nothing of its evidence).
        if reported.is_outcome() && row.derived_status != *reported {
            block.status_mismatches += 1;
        }
    }
    bump(
        &mut block.similarity,
        row.similarity_score.as_deref().unwrap_or("unknown"),
    );
    if let Some(reason) = &row.fail_reason_type {
        bump(&mut block.fail_reasons, reason);
    }
    if row.status == Status::Rejected {
        count_rejection(block, &row.reasons);
    }
}

/// Why a rejected bundle was rejected: every rejection rule that holds among its reasons
/// (`security-check:nonExpired`, `manual-approval:rejected`), or [`UNEXPLAINED`] when none
/// does (a reported rejection the evidence does not explain).
fn count_rejection(block: &mut Block, reasons: &str) {
    let rules: BTreeSet<String> = reasons
        .split("; ")
        .filter_map(|word| word.parse::<Reason>().ok())
        .filter(|reason| reason.decides() == Status::Rejected)
        .map(|reason| reason.to_string())
        .collect();
    if rules.is_empty() {
        bump(&mut block.rejection_reasons, UNEXPLAINED);
    }
    for rule in &rules {
        bump(&mut block.rejection_reasons, rule);
    }
}
