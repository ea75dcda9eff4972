//! `eidscope stats`: statistics over scan output folders (shards merged) or bundles scanned
//! on the way, as a terminal report, JSON or CSV.

use super::scan::tables_error;
use crate::cli::StatsArgs;
use crate::error::CliError;
use eidscope_model::ExitStatus;
use eidscope_tables::stats::{self, StatsOptions};
use eidscope_tables::{ScanOptions, ScanTables, Shard, find_scan_dirs, read_scan, scan_to_memory};
use std::collections::BTreeSet;
use std::path::PathBuf;

pub fn run(args: &StatsArgs) -> Result<ExitStatus, CliError> {
    let mut scan_dirs: Vec<PathBuf> = Vec::new();
    let mut bundles: Vec<PathBuf> = Vec::new();
    for input in &args.inputs {
        match find_scan_dirs(input) {
            Some(dirs) => scan_dirs.extend(dirs),
            None => bundles.push(input.clone()),
        }
    }
    let mut tables = if scan_dirs.is_empty() {
        ScanTables::empty().map_err(tables_error)?
    } else {
        read_scan(&scan_dirs).map_err(tables_error)?
    };
    warn_missing_shards(&tables);
    if !bundles.is_empty() {
        let stdin = std::io::stdin();
        let inputs = eidscope_tables::expand(&bundles, &mut stdin.lock(), Shard::ALL);
        let options = ScanOptions {
            level: args.level,
            ..ScanOptions::default()
        };
        let (scanned, _) = scan_to_memory(&inputs, &options).map_err(tables_error)?;
        tables.merge(scanned).map_err(tables_error)?;
    }
    let options = StatsOptions {
        by: args
            .by
            .iter()
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty())
            .collect(),
        every: args.every,
    };
    let result = stats::compute(&tables, &options).map_err(tables_error)?;
    if result.duplicate_bundles > 0 {
        eprintln!(
            "eidscope: warning: {} row(s) repeat a bundle already counted (same sha256): give each bundle once, as a scan folder or as a file",
            result.duplicate_bundles
        );
    }
    if args.json {
        let text =
            serde_json::to_string_pretty(&result).map_err(|e| CliError::Other(e.to_string()))?;
        crate::output::raw(&format!("{text}\n"));
    } else if args.csv {
        crate::output::text(&stats::render::csv(&result));
    } else {
        crate::output::text(&stats::render::text(&result));
    }
    Ok(ExitStatus::Ok)
}

/// Says on standard error when the shard folders read are not every shard of their run.
fn warn_missing_shards(tables: &ScanTables) {
    let shards: BTreeSet<(u32, u32)> = tables
        .scans
        .iter()
        .filter_map(|(_, m)| m.shard.as_deref()?.parse::<Shard>().ok())
        .map(|s| (s.count, s.index))
        .collect();
    for count in shards.iter().map(|(n, _)| *n).collect::<BTreeSet<_>>() {
        let missing: Vec<String> = (1..=count)
            .filter(|k| !shards.contains(&(count, *k)))
            .map(|k| k.to_string())
            .collect();
        if !missing.is_empty() {
            eprintln!(
                "eidscope: warning: shard(s) {} of {count} are missing: these statistics cover part of the batch",
                missing.join(", ")
            );
        }
    }
}
