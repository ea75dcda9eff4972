//! One module per command; [`run`] dispatches.

mod extract;
mod faces;
mod fetch;
mod findings;
mod inspect;
mod links;
mod overlay;
mod report;
mod scan;
mod stats;
mod synth;
mod video;

use crate::cli::{Cli, Command, FailOn, JudgeArgs};
use crate::error::CliError;
use crate::output::warning;
use eidscope_analysis::Thresholds;
use eidscope_model::{ExitStatus, Severity};
use eidscope_tables::{ScanOptions, ScanTables, Shard, read_scan, scan_to_memory, split_inputs};
use std::collections::BTreeSet;
use std::path::PathBuf;

/// Runs the command.
pub fn run(cli: Cli) -> Result<ExitStatus, CliError> {
    match cli.command {
        Command::Inspect(args) => inspect::run(&args),
        Command::Extract(args) => extract::run(&args),
        Command::Overlay(args) => overlay::run(&args),
        Command::Video(args) => video::run(&args),
        Command::Synth(args) => synth::run(&args),
        Command::Findings(args) => findings::run(&args),
        Command::Scan(args) => scan::run(&args),
        Command::Stats(args) => stats::run(&args),
        Command::Links(args) => links::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Fetch(args) => fetch::run(&args),
    }
}

impl JudgeArgs {
    /// The finding thresholds these options set.
    pub fn thresholds(&self) -> Result<Thresholds, CliError> {
        if !(0..=150).contains(&self.adult_age) {
            return Err(CliError::Usage(format!(
                "--adult-age {} is not an age",
                self.adult_age
            )));
        }
        if !self.min_video_seconds.is_finite() || self.min_video_seconds < 0.0 {
            return Err(CliError::Usage(
                "--min-video-seconds must be a positive number".to_owned(),
            ));
        }
        Ok(Thresholds {
            adult_age: self.adult_age,
            min_video_seconds: self.min_video_seconds,
            ..Thresholds::default()
        })
    }
}

impl FailOn {
    /// The exit status for findings of these severities: 1 when one is at or above the
    /// floor, else 0.
    pub fn verdict(self, severities: impl IntoIterator<Item = Severity>) -> ExitStatus {
        match self.floor {
            Some(floor) if severities.into_iter().any(|s| s >= floor) => {
                ExitStatus::FindingsAtOrAbove
            }
            _ => ExitStatus::Ok,
        }
    }
}

/// Writes a file so that it appears complete or not at all: into a temporary name beside it,
/// then renamed over the target.
pub fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> Result<(), CliError> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.partial"));
    // A stale temporary from an interrupted run is removed; `create_new` then refuses to
    // follow anything planted under that name in the meantime.
    let _ = std::fs::remove_file(&tmp);
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .and_then(|mut f| std::io::Write::write_all(&mut f, bytes))
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            CliError::output(path, e)
        })
}

/// The tables of the inputs of `stats` and `report`: scan output folders (shards merged; a
/// missing shard is warned about) are read; every other input is expanded like `scan`'s and
/// scanned in memory at `level`. Returns the tables and whether any bundle was scanned here
/// (such rows are never redacted).
pub fn input_tables(
    inputs: &[PathBuf],
    level: eidscope_pipeline::Level,
) -> Result<(ScanTables, bool), CliError> {
    let split = split_inputs(inputs);
    let mut tables = if split.scans.is_empty() {
        ScanTables::empty()?
    } else {
        read_scan(&split.scans)?
    };
    warn_missing_shards(&tables);
    if !split.bundles.is_empty() {
        let stdin = std::io::stdin();
        let inputs = eidscope_tables::expand(&split.bundles, &mut stdin.lock(), Shard::ALL);
        let options = ScanOptions {
            level,
            ..ScanOptions::default()
        };
        let (scanned, _) = scan_to_memory(&inputs, &options)?;
        tables.merge(scanned)?;
    }
    Ok((tables, !split.bundles.is_empty()))
}

/// Says on standard error that some rows of the statistics repeat a bundle (`stats` and
/// `report` count them again; the number is in their output too).
pub fn warn_duplicate_bundles(duplicates: u64) {
    if duplicates > 0 {
        warning!(
            "{duplicates} row(s) repeat a bundle already counted (same sha256): give each bundle once, as a scan folder or as a file"
        );
    }
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
            warning!(
                "shard(s) {} of {count} are missing: these statistics cover part of the batch",
                missing.join(", ")
            );
        }
    }
}
