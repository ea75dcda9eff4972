//! The durable parts of a scan being written, so that a scan killed at any point (SIGKILL, an
//! out-of-memory kill, a preempted machine) is recognised as unfinished and `scan --resume`
//! continues it instead of starting over.
//!
//! While a scan runs, its rows go into numbered parts under [`PARTS_DIR`] in the output
//! folder: `part-000001/` holds the six tables of a few hundred inputs and `part.json`, the
//! list of those inputs with their counts. A part is written as `.part-000001.partial/`, every
//! file fsync'd, then renamed and its folder fsync'd: a part that has its final name is
//! complete on its own, a `.partial` one is thrown away. `settings.json` records the format,
//! level, shard and redaction, so that a resumed scan writes rows of the same kind. When every
//! input is in a part, the parts are gathered into the folder's six tables, `scan.json` is
//! written and the parts folder is removed (renamed first, then deleted, so that a kill during
//! the deletion leaves a finished scan, not a damaged unfinished one). Each input is in exactly one complete part, so the
//! finished folder holds each input exactly once, however often the scan was interrupted.
//!
//! This module never analyses a bundle: it stores and gathers rows.

use crate::error::TablesError;
use crate::faces::FaceRow;
use crate::frame::{RowTypeTask, TableRow, for_row_type};
use crate::read::read_table;
use crate::rows::{BundleRow, Rows};
use crate::table::{Format, Table};
use crate::writer::{ROW_GROUP_ROWS, TableFiles, WriteOptions};
use eidscope_model::Severity;
use eidscope_pipeline::Level;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

/// The folder of the parts, inside a scan's output folder.
pub const PARTS_DIR: &str = ".eidscope-parts";

/// What the parts folder is renamed to before it is deleted, at the end of a scan.
pub const REMOVED_PARTS_DIR: &str = ".eidscope-parts.removed";

/// Inputs per part unless the caller says otherwise: small enough that a kill loses little,
/// large enough that the parts stay few.
pub const DEFAULT_PART_INPUTS: usize = 500;

const SETTINGS_FILE: &str = "settings.json";
const PART_FILE: &str = "part.json";

/// What every part of one scan must agree on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartSettings {
    /// The table format.
    pub format: Format,
    /// The `--level`.
    pub level: Level,
    /// The `--shard`, if any.
    pub shard: Option<String>,
    /// Whether the rows are redacted.
    pub redacted: bool,
}

/// The inputs of one complete part and what they gave.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PartRecord {
    /// The input paths, as in the rows.
    pub inputs: Vec<String>,
    /// Rows of `bundles`.
    pub bundles: u64,
    /// Rows of `errors`.
    pub errors: u64,
    /// Findings by severity.
    pub findings: BTreeMap<Severity, u64>,
}

impl PartRecord {
    fn count(&mut self, path: &str, rows: &Rows) {
        self.inputs.push(path.to_owned());
        if rows.bundle.is_some() {
            self.bundles += 1;
        } else {
            self.errors += 1;
        }
        for severity in rows.severities() {
            *self.findings.entry(severity).or_insert(0) += 1;
        }
    }
}

/// The parts folder of a scan folder.
pub fn parts_dir(scan_dir: &Path) -> PathBuf {
    scan_dir.join(PARTS_DIR)
}

/// Whether `scan_dir` holds the parts of an unfinished scan.
pub fn has_parts(scan_dir: &Path) -> bool {
    parts_dir(scan_dir).is_dir()
}

/// The complete parts of a scan folder, in order, with their records.
pub fn complete_parts(scan_dir: &Path) -> Result<Vec<(PathBuf, PartRecord)>, TablesError> {
    part_folders(scan_dir)?
        .into_iter()
        .map(|part| {
            let record = read_record(&part)?;
            Ok((part, record))
        })
        .collect()
}

/// The folders of the complete parts of a scan folder, in order.
fn part_folders(scan_dir: &Path) -> Result<Vec<PathBuf>, TablesError> {
    let dir = parts_dir(scan_dir);
    let mut parts = Vec::new();
    let listing = std::fs::read_dir(&dir).map_err(|e| TablesError::io(&dir, e))?;
    for entry in listing {
        let path = entry.map_err(|e| TablesError::io(&dir, e))?.path();
        let is_part = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("part-"));
        if is_part && path.is_dir() {
            parts.push(path);
        }
    }
    parts.sort();
    Ok(parts)
}

/// The record of one complete part.
fn read_record(part: &Path) -> Result<PartRecord, TablesError> {
    let file = part.join(PART_FILE);
    let bytes = std::fs::read(&file).map_err(|e| TablesError::io(&file, e))?;
    serde_json::from_slice(&bytes).map_err(|source| TablesError::Json { path: file, source })
}

/// Writes bytes to `path` and makes them durable.
fn write_durable(path: &Path, bytes: &[u8]) -> Result<(), TablesError> {
    use std::io::Write;
    let mut file = std::fs::File::create(path).map_err(|e| TablesError::io(path, e))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| TablesError::io(path, e))
}

/// Makes the names in a folder (a rename, a new file) durable.
fn sync_dir(dir: &Path) -> Result<(), TablesError> {
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| TablesError::io(dir, e))
}

/// The sink of a scan into parts: the rows of each input go into the current part, which is
/// made durable every `per_part` inputs.
pub struct PartWriter {
    dir: PathBuf,
    write: WriteOptions,
    per_part: usize,
    next: u32,
    current: Option<(PathBuf, TableFiles)>,
    record: PartRecord,
}

impl PartWriter {
    /// Starts the parts of a new scan in `scan_dir` (replacing any parts there).
    pub fn start(
        scan_dir: &Path,
        settings: &PartSettings,
        write: WriteOptions,
        per_part: usize,
    ) -> Result<PartWriter, TablesError> {
        let dir = parts_dir(scan_dir);
        // Errors name the folder the user gave, not the hidden one inside it.
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(|e| TablesError::io(scan_dir, e))?;
        }
        std::fs::create_dir_all(&dir).map_err(|e| TablesError::io(scan_dir, e))?;
        let bytes = serde_json::to_vec_pretty(settings).map_err(|source| TablesError::Json {
            path: dir.join(SETTINGS_FILE),
            source,
        })?;
        write_durable(&dir.join(SETTINGS_FILE), &bytes)?;
        sync_dir(&dir)?;
        sync_dir(scan_dir)?;
        Ok(PartWriter::new(dir, write, per_part, 1))
    }

    /// Continues the parts of an unfinished scan in `scan_dir`: throws away the part that was
    /// being written, checks that the settings agree, and returns the writer with the inputs
    /// already stored.
    pub fn resume(
        scan_dir: &Path,
        settings: &PartSettings,
        write: WriteOptions,
        per_part: usize,
    ) -> Result<(PartWriter, HashSet<String>), TablesError> {
        let dir = parts_dir(scan_dir);
        let file = dir.join(SETTINGS_FILE);
        let bytes = std::fs::read(&file).map_err(|e| TablesError::io(&file, e))?;
        let stored: PartSettings =
            serde_json::from_slice(&bytes).map_err(|source| TablesError::Json {
                path: file.clone(),
                source,
            })?;
        if &stored != settings {
            return Err(TablesError::Usage(format!(
                "{}: the unfinished scan was started with --format {} --level {}{}{}; resume it with the same options",
                scan_dir.display(),
                stored.format,
                stored.level,
                stored
                    .shard
                    .as_ref()
                    .map(|s| format!(" --shard {s}"))
                    .unwrap_or_default(),
                if stored.redacted { " --redact" } else { "" },
            )));
        }
        let listing = std::fs::read_dir(&dir).map_err(|e| TablesError::io(&dir, e))?;
        for entry in listing.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".partial") {
                let path = entry.path();
                let removed = if path.is_dir() {
                    std::fs::remove_dir_all(&path)
                } else {
                    std::fs::remove_file(&path)
                };
                removed.map_err(|e| TablesError::io(&path, e))?;
            }
        }
        let parts = complete_parts(scan_dir)?;
        let next = u32::try_from(parts.len() + 1).unwrap_or(u32::MAX);
        let done = parts
            .into_iter()
            .flat_map(|(_, record)| record.inputs)
            .collect();
        Ok((PartWriter::new(dir, write, per_part, next), done))
    }

    fn new(dir: PathBuf, write: WriteOptions, per_part: usize, next: u32) -> PartWriter {
        PartWriter {
            dir,
            write,
            per_part: per_part.max(1),
            next,
            current: None,
            record: PartRecord::default(),
        }
    }

    fn name(number: u32) -> String {
        format!("part-{number:06}")
    }

    fn files(&mut self) -> Result<&mut TableFiles, TablesError> {
        if self.current.is_none() {
            let partial = self.dir.join(format!(".{}.partial", Self::name(self.next)));
            std::fs::create_dir_all(&partial).map_err(|e| TablesError::io(&partial, e))?;
            let files = TableFiles::create(&partial, self.write)?;
            self.current = Some((partial, files));
        }
        match &mut self.current {
            Some((_, files)) => Ok(files),
            None => Err(TablesError::Merge("no part is open".to_owned())),
        }
    }

    /// Makes the current part durable under its final name. Nothing to do when it is empty.
    fn commit_part(&mut self) -> Result<(), TablesError> {
        if self.record.inputs.is_empty() {
            return Ok(());
        }
        self.files()?;
        let Some((partial, files)) = self.current.take() else {
            return Ok(());
        };
        files.finish()?; // each table flushed and fsync'd, then renamed
        let record = std::mem::take(&mut self.record);
        let bytes = serde_json::to_vec(&record).map_err(|source| TablesError::Json {
            path: partial.join(PART_FILE),
            source,
        })?;
        write_durable(&partial.join(PART_FILE), &bytes)?;
        sync_dir(&partial)?;
        let done = self.dir.join(Self::name(self.next));
        std::fs::rename(&partial, &done).map_err(|e| TablesError::io(&done, e))?;
        sync_dir(&self.dir)?;
        self.next += 1;
        Ok(())
    }
}

impl crate::engine::RowSink for PartWriter {
    fn put<R: TableRow>(&mut self, rows: &[R]) -> Result<(), TablesError> {
        self.files()?.write(rows)
    }

    /// Counts one input whose rows follow; says whether the part is then full.
    fn input_done(&mut self, path: &str, rows: &Rows) -> bool {
        self.record.count(path, rows);
        self.record.inputs.len() >= self.per_part
    }

    fn commit(&mut self) -> Result<(), TablesError> {
        self.commit_part()
    }
}

/// What the gathered parts hold: the sums of their records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PartTotals {
    /// Inputs stored (each in exactly one part).
    pub inputs: u64,
    /// Rows of `bundles`.
    pub bundles: u64,
    /// Rows of `errors`.
    pub errors: u64,
    /// Findings by severity.
    pub findings: BTreeMap<Severity, u64>,
}

impl PartTotals {
    /// Adds one part's record (its list of inputs is counted, not kept: the totals of a scan
    /// of millions of inputs stay a few bytes).
    fn add(&mut self, record: &PartRecord) {
        self.inputs += record.inputs.len() as u64;
        self.bundles += record.bundles;
        self.errors += record.errors;
        for (severity, n) in &record.findings {
            *self.findings.entry(*severity).or_insert(0) += n;
        }
    }
}

/// What [`gather`] shows the caller on the way.
pub struct GatherVisitors<'a> {
    /// Every bundle row (the link records of `--links`).
    pub bundle: &'a mut dyn FnMut(&BundleRow),
    /// Every `faces` row, before it is written: the caller may take its embedding (for
    /// `same-person`, and so that a scan without `--embeddings` never writes one).
    pub face: &'a mut dyn FnMut(&mut FaceRow),
}

/// Gathers the complete parts of `scan_dir` into `files`, table by table and part by part,
/// in row groups of [`ROW_GROUP_ROWS`] whatever the parts' sizes (so the gathered tables do not
/// depend on where the parts were cut, and a scan of millions of inputs has few row groups),
/// showing `visit` the bundle and face rows on the way. Returns the sums of the parts'
/// records; what is held at once is one part's table and one row group, never the whole scan.
pub fn gather(
    scan_dir: &Path,
    format: Format,
    files: &mut TableFiles,
    visit: &mut GatherVisitors<'_>,
) -> Result<PartTotals, TablesError> {
    let parts = part_folders(scan_dir)?;
    let mut totals = PartTotals::default();
    for part in &parts {
        totals.add(&read_record(part)?);
    }
    for table in Table::ALL {
        for_row_type(
            table,
            CopyTable {
                parts: &parts,
                format,
                files,
                visit,
            },
        )?;
    }
    Ok(totals)
}

/// Copies one table of every part into the gathered table.
struct CopyTable<'a, 'v> {
    parts: &'a [PathBuf],
    format: Format,
    files: &'a mut TableFiles,
    visit: &'a mut GatherVisitors<'v>,
}

impl RowTypeTask for CopyTable<'_, '_> {
    type Output = Result<(), TablesError>;
    fn run<R: TableRow>(self) -> Self::Output {
        let CopyTable {
            parts,
            format,
            files,
            visit,
        } = self;
        match R::TABLE {
            Table::Bundles => copy_in_row_groups(parts, format, files, |frame| {
                let rows = BundleRow::rows(frame)?;
                rows.iter().for_each(&mut *visit.bundle);
                Ok(rows)
            }),
            Table::Faces => copy_in_row_groups(parts, format, files, |frame| {
                let mut rows = FaceRow::rows(frame)?;
                rows.iter_mut().for_each(&mut *visit.face);
                Ok(rows)
            }),
            _ => copy_in_row_groups(parts, format, files, R::rows),
        }
    }
}

/// Copies the table of rows `T` of every part into `files` in row groups of
/// [`ROW_GROUP_ROWS`], turning each part's frame into rows with `rows_of`.
fn copy_in_row_groups<T: TableRow>(
    parts: &[PathBuf],
    format: Format,
    files: &mut TableFiles,
    mut rows_of: impl FnMut(&polars::prelude::DataFrame) -> polars::prelude::PolarsResult<Vec<T>>,
) -> Result<(), TablesError> {
    let mut batch: Vec<T> = Vec::new();
    for part in parts {
        let file = part.join(T::TABLE.file_name(format));
        let frame = read_table(T::TABLE, &file, format)?;
        batch.extend(rows_of(&frame).map_err(|e| TablesError::table(&file, e))?);
        while batch.len() >= ROW_GROUP_ROWS {
            let rest = batch.split_off(ROW_GROUP_ROWS);
            files.write(&batch)?;
            batch = rest;
        }
    }
    if !batch.is_empty() {
        files.write(&batch)?;
    }
    Ok(())
}

/// Removes the parts folder once the gathered tables and the manifest are in place: first
/// renamed to [`REMOVED_PARTS_DIR`] (one atomic step, made durable: from then on the folder is
/// a finished scan), then deleted. A kill in the middle of deleting a few hundred files would
/// otherwise leave a parts folder with some of them gone, which `--resume` cannot continue
/// and every later scan would refuse as unfinished. A deletion cut short leaves the renamed
/// folder, which the next scan into the folder deletes ([`remove_leftovers`]).
pub fn remove(scan_dir: &Path) -> Result<(), TablesError> {
    remove_leftovers(scan_dir)?;
    let dir = parts_dir(scan_dir);
    let removed = scan_dir.join(REMOVED_PARTS_DIR);
    std::fs::rename(&dir, &removed).map_err(|e| TablesError::io(&dir, e))?;
    sync_dir(scan_dir)?;
    std::fs::remove_dir_all(&removed).map_err(|e| TablesError::io(&removed, e))
}

/// Deletes what a removal of the parts that was cut short left in `scan_dir` (rows of bundles:
/// personal data that must not stay behind).
pub fn remove_leftovers(scan_dir: &Path) -> Result<(), TablesError> {
    let removed = scan_dir.join(REMOVED_PARTS_DIR);
    if removed.exists() {
        std::fs::remove_dir_all(&removed).map_err(|e| TablesError::io(&removed, e))?;
    }
    Ok(())
}

impl Drop for PartWriter {
    fn drop(&mut self) {
        // Dropped with a part open (a fatal error): the part is thrown away, the complete
        // ones stay for `--resume`.
        if let Some((partial, files)) = self.current.take() {
            drop(files);
            let _ = std::fs::remove_dir_all(partial);
        }
    }
}
