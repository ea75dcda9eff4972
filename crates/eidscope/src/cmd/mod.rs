//! One module per command; [`run`] dispatches. The inputs of the batch commands are checked
//! here, once, before anything is read ([`check_inputs`], [`expand_bundles`]): a name that
//! does not exist, a table file given for its scan folder, or a run that finds no bundle at
//! all is an error with exit code 3, never an empty result.

mod extract;
mod faces;
mod fetch;
mod findings;
mod inspect;
mod links;
mod manual;
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
use eidscope_model::{ExitStatus, Level, Severity};
use eidscope_tables::{
    Input, ScanOptions, ScanTables, Shard, read_scan, scan_to_memory_with, split_inputs,
};
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
        Command::Completions(args) => manual::completions(&args),
        Command::Man(args) => manual::man(&args),
        Command::Schema(args) => manual::schema(&args),
    }
}

/// Checks the inputs of a batch command before anything is read: each given by name must
/// exist, and with `scans`, a file that is a table of a scan (or any Parquet file) is refused
/// with what the command expects instead (the scan folder).
pub fn check_inputs(inputs: &[PathBuf], scans: bool) -> Result<(), CliError> {
    for input in inputs.iter().filter(|i| i.as_os_str() != "-") {
        let Ok(meta) = std::fs::metadata(input) else {
            return Err(CliError::MissingInput {
                path: input.clone(),
            });
        };
        if scans && meta.is_file() {
            if let Some(folder) = scan_folder_of(input) {
                return Err(CliError::NotAScanFolder {
                    path: input.clone(),
                    expected: format!(
                        "a file of the scan folder {}: give the folder itself",
                        folder.display()
                    ),
                });
            }
            if is_parquet(input) {
                return Err(CliError::NotAScanFolder {
                    path: input.clone(),
                    expected: format!(
                        "a Parquet file, not a scan folder or a bundle: give the folder `eidscope scan --out` wrote (it holds {} beside the tables)",
                        eidscope_tables::MANIFEST_FILE
                    ),
                });
            }
        }
    }
    Ok(())
}

/// The scan folder a file lies in, when its folder holds `scan.json`.
fn scan_folder_of(file: &std::path::Path) -> Option<PathBuf> {
    let parent = file.parent().filter(|p| !p.as_os_str().is_empty())?;
    parent
        .join(eidscope_tables::MANIFEST_FILE)
        .is_file()
        .then(|| parent.to_path_buf())
}

/// Whether a file starts with Parquet's magic bytes.
fn is_parquet(file: &std::path::Path) -> bool {
    let mut magic = [0u8; 4];
    std::fs::File::open(file)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut magic))
        .is_ok_and(|()| &magic == b"PAR1")
}

/// The bundles of `inputs`, expanded like `scan`'s (folders walked for `*.zip`, `-` read from
/// standard input), then the share of `shard`. No bundle at all (before sharding) is an error
/// naming the inputs: an empty folder or list is a mistake, not an empty result.
pub fn expand_bundles(inputs: &[PathBuf], shard: Shard) -> Result<Vec<Input>, CliError> {
    Ok(stream_bundles(inputs, shard)?.collect())
}

/// [`expand_bundles`] one bundle at a time, as `scan` takes them: only the first is looked
/// for here (none is the same error); the rest are found while the scan runs.
pub fn stream_bundles(
    inputs: &[PathBuf],
    shard: Shard,
) -> Result<impl Iterator<Item = Input> + Send + use<>, CliError> {
    let stdin = std::io::BufReader::new(std::io::stdin());
    let mut stream = eidscope_tables::InputStream::new(inputs, stdin).peekable();
    if stream.peek().is_none() {
        return Err(CliError::NoBundles {
            inputs: inputs
                .iter()
                .map(|i| {
                    if i.as_os_str() == "-" {
                        "standard input".to_owned()
                    } else {
                        i.display().to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    Ok(stream.filter(move |input| shard.contains(&input.path)))
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

/// The tables of the inputs of `stats`, `report` and `findings`: scan output folders (shards
/// merged; a missing shard is warned about) are read; every other input is expanded like
/// `scan`'s and scanned in memory at `level`, with a progress bar. Returns the tables and
/// whether any bundle was scanned here (such rows are never redacted).
pub fn input_tables(inputs: &[PathBuf], level: Level) -> Result<(ScanTables, bool), CliError> {
    check_inputs(inputs, true)?;
    let split = split_inputs(inputs);
    let mut tables = if split.scans.is_empty() {
        ScanTables::empty()?
    } else {
        read_scan(&split.scans)?
    };
    warn_missing_shards(&tables);
    if !split.bundles.is_empty() {
        let inputs = expand_bundles(&split.bundles, Shard::ALL)?;
        let options = ScanOptions {
            level,
            ..ScanOptions::default()
        };
        let bar = crate::output::progress(Some(inputs.len() as u64), "bundles");
        let (scanned, _) = scan_to_memory_with(&inputs, &options, &|done| {
            if let Some(bar) = &bar {
                bar.set_position(done);
            }
        })?;
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
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
