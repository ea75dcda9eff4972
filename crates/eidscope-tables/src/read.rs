//! Reading scan outputs back: one or several scan folders (the shards of one run, or scans of
//! different batches) merged into one [`ScanTables`], every table cast to its canonical
//! schema so that folders written in different formats or by different versions stack.
//!
//! This is the reader `stats` and `links` use; callers name polars types through
//! `eidscope_tables::polars`.

use crate::error::TablesError;
use crate::frame::{RowTypeTask, TableRow, for_row_type, schema_of};
use crate::manifest::{MANIFEST_FILE, Manifest};
use crate::table::{Format, Table};
use crate::writer::ROW_GROUP_ROWS;
use eidscope_model::Level;
use polars::prelude::*;
use std::collections::{BTreeMap, HashSet};
use std::io::BufRead;
use std::path::{Path, PathBuf};

/// The six tables of one or several scans, by [`Table`].
#[derive(Debug, Clone)]
pub struct ScanTables {
    frames: [DataFrame; Table::COUNT],
    /// The folders read and their manifests (empty for a scan held in memory).
    pub scans: Vec<(PathBuf, Manifest)>,
}

impl ScanTables {
    /// A table.
    pub fn table(&self, table: Table) -> &DataFrame {
        &self.frames[table.index()]
    }

    fn table_mut(&mut self, table: Table) -> &mut DataFrame {
        &mut self.frames[table.index()]
    }

    /// Empty tables of the canonical schemas.
    pub fn empty() -> Result<ScanTables, TablesError> {
        let mut frames = Vec::with_capacity(Table::COUNT);
        for table in Table::ALL {
            let schema = schema_of(table).map_err(|e| TablesError::table(table.name(), e))?;
            frames.push(DataFrame::empty_with_schema(&schema));
        }
        let frames = frames
            .try_into()
            .map_err(|_| TablesError::Merge("a table is missing".to_owned()))?;
        Ok(ScanTables {
            frames,
            scans: Vec::new(),
        })
    }

    /// Tables from frames in the order of [`Table::ALL`]; a missing frame is an empty table.
    pub fn from_frames(
        frames: [Option<DataFrame>; Table::COUNT],
    ) -> Result<ScanTables, TablesError> {
        let mut tables = ScanTables::empty()?;
        for (table, frame) in Table::ALL.into_iter().zip(frames) {
            if let Some(frame) = frame {
                tables.append(table, frame, Path::new(table.name()))?;
            }
        }
        Ok(tables)
    }

    /// Appends the frames of another scan.
    pub fn merge(&mut self, other: ScanTables) -> Result<(), TablesError> {
        for (table, frame) in Table::ALL.into_iter().zip(other.frames) {
            self.append(table, frame, Path::new(table.name()))?;
        }
        self.scans.extend(other.scans);
        Ok(())
    }

    fn append(&mut self, table: Table, frame: DataFrame, origin: &Path) -> Result<(), TablesError> {
        let frame = conform(table, frame).map_err(|e| TablesError::table(origin, e))?;
        let target = self.table_mut(table);
        target
            .vstack_mut_owned(frame)
            .map_err(|e| TablesError::table(origin, e))?;
        Ok(())
    }

    /// Calls `visit` with every row of the table of `R`, read back into its row type a batch
    /// of [`ROW_GROUP_ROWS`] rows at a time (so that a large table is never held twice).
    pub fn each_row<R: TableRow>(&self, mut visit: impl FnMut(R)) -> Result<(), TablesError> {
        let frame = self.table(R::TABLE);
        let mut offset = 0;
        while offset < frame.height() {
            let len = ROW_GROUP_ROWS.min(frame.height() - offset);
            let batch = frame.slice(i64::try_from(offset).unwrap_or(i64::MAX), len);
            R::rows(&batch)
                .map_err(|e| TablesError::table(R::TABLE.name(), e))?
                .into_iter()
                .for_each(&mut visit);
            offset += len;
        }
        Ok(())
    }

    /// The values of a column of `table`, whatever its type, as text (`stats --by` groups by
    /// columns named at run time).
    pub fn column_texts(
        &self,
        table: Table,
        column: &str,
    ) -> Result<Vec<Option<String>>, TablesError> {
        crate::columns::column_texts(self.table(table), column)
            .map_err(|e| TablesError::table(table.name(), e))
    }

    /// Bundles per scan level (the `level` column of `bundles`): what says which checks could
    /// not run ([`eidscope_model::unchecked`]).
    pub fn levels(&self) -> Result<BTreeMap<Level, u64>, TablesError> {
        let mut levels = BTreeMap::new();
        for word in self
            .column_texts(Table::Bundles, "level")?
            .into_iter()
            .flatten()
        {
            if let Ok(level) = word.parse::<Level>() {
                *levels.entry(level).or_insert(0) += 1;
            }
        }
        Ok(levels)
    }

    /// Rechunks every table (one contiguous chunk per column) after merging.
    pub fn rechunk(&mut self) {
        for table in Table::ALL {
            self.table_mut(table).rechunk_mut();
        }
    }
}

/// Casts a frame to the canonical schema of its table: columns in order, types as written
/// by this version, a column the file lacks (an older scan) filled with nulls, columns this
/// version does not know dropped.
fn conform(table: Table, frame: DataFrame) -> PolarsResult<DataFrame> {
    let schema = schema_of(table)?;
    let height = frame.height();
    let mut columns = Vec::with_capacity(schema.len());
    for (name, dtype) in schema.iter() {
        let column = match frame.column(name.as_str()) {
            Ok(column) if column.dtype() == dtype => column.clone(),
            // Fixed-size lists from CSV (or a scan that wrote them as text): parsed.
            Ok(column) if dtype.is_array() && column.dtype() == &DataType::String => {
                crate::columns::Floats::<{ crate::faces::EMBEDDING_DIM }>::from_text(column)?
            }
            Ok(column) => column.cast(dtype)?,
            Err(_) => Column::full_null(name.clone(), height, dtype),
        };
        columns.push(column);
    }
    DataFrame::new(height, columns)
}

/// The scan folders under `path`: `path` itself when it holds `scan.json`, else its direct
/// sub-folders named `shard-K-of-N` that do (the shard folders of `--out DIR --shard K/N`),
/// sorted by name; `None` otherwise (the path is then bundles to scan: a folder that merely
/// contains a scan folder among other things is walked for `*.zip` like any folder, so no
/// bundle beside it is passed over).
pub fn find_scan_dirs(path: &Path) -> Option<Vec<PathBuf>> {
    if !path.is_dir() {
        return None;
    }
    if is_scan_folder(path) {
        return Some(vec![path.to_path_buf()]);
    }
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(path)
        .ok()?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|p| p.is_dir() && is_scan_folder(p) && is_shard_folder(p))
        .collect();
    dirs.sort();
    (!dirs.is_empty()).then_some(dirs)
}

/// The inputs of `stats`, `links` and `report`, told apart.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SplitInputs {
    /// Scan output folders (a folder of shard folders gives each shard folder).
    pub scans: Vec<PathBuf>,
    /// Everything else: bundles, folders of bundles, `-`; to be expanded and read.
    pub bundles: Vec<PathBuf>,
}

/// Tells scan output folders (see [`find_scan_dirs`]) from bundles, in the order given.
pub fn split_inputs(inputs: &[PathBuf]) -> SplitInputs {
    let mut split = SplitInputs::default();
    for input in inputs {
        match find_scan_dirs(input) {
            Some(dirs) => split.scans.extend(dirs),
            None => split.bundles.push(input.clone()),
        }
    }
    split
}

/// Whether a folder holds a scan: finished (`scan.json`) or unfinished (its durable parts,
/// which [`read_scan`] refuses to read as if they were the whole scan).
fn is_scan_folder(path: &Path) -> bool {
    path.join(MANIFEST_FILE).is_file() || crate::parts::has_parts(path)
}

/// Whether a folder is named like the shard folders `scan --shard K/N` writes.
fn is_shard_folder(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    name.strip_prefix("shard-")
        .and_then(|rest| rest.split_once("-of-"))
        .is_some_and(|(k, n)| k.parse::<u32>().is_ok() && n.parse::<u32>().is_ok())
}

/// Reads and merges the tables of scan folders. The same folder given twice is read once.
pub fn read_scan(dirs: &[PathBuf]) -> Result<ScanTables, TablesError> {
    let mut tables = ScanTables::empty()?;
    let mut seen = HashSet::new();
    for dir in dirs {
        let key = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.clone());
        if !seen.insert(key) {
            continue;
        }
        if !dir.join(MANIFEST_FILE).is_file() && crate::parts::has_parts(dir) {
            let inputs = crate::parts::complete_parts(dir)
                .map(|parts| parts.iter().map(|(_, r)| r.inputs.len()).sum())
                .unwrap_or(0);
            return Err(TablesError::Unfinished {
                dir: dir.clone(),
                inputs,
            });
        }
        let manifest = Manifest::read(dir)?;
        for table in Table::ALL {
            // A table the manifest does not list (`faces`, in a scan of an older version) is
            // empty.
            if !manifest.tables.contains_key(table.name()) {
                continue;
            }
            let file = dir.join(table.file_name(manifest.format));
            let frame = read_table(table, &file, manifest.format)?;
            tables.append(table, frame, &file)?;
        }
        tables.scans.push((dir.clone(), manifest));
    }
    tables.rechunk();
    Ok(tables)
}

/// Reads one table file.
pub fn read_table(table: Table, file: &Path, format: Format) -> Result<DataFrame, TablesError> {
    let polars_error = |e: PolarsError| TablesError::table(file, e);
    match format {
        Format::Parquet => {
            let handle = std::fs::File::open(file).map_err(|e| TablesError::io(file, e))?;
            ParquetReader::new(handle).finish().map_err(polars_error)
        }
        Format::Csv => {
            let schema = schema_of(table).map_err(polars_error)?;
            CsvReadOptions::default()
                .with_has_header(true)
                .with_schema(Some(Arc::new(crate::columns::csv_schema(&schema))))
                .try_into_reader_with_file_path(Some(file.to_path_buf()))
                .and_then(|reader| reader.finish())
                .map_err(polars_error)
        }
        Format::Ndjson => for_row_type(table, ReadNdjson(file)),
    }
}

/// Reads an NDJSON table into the frame of its row type.
struct ReadNdjson<'a>(&'a Path);

impl RowTypeTask for ReadNdjson<'_> {
    type Output = Result<DataFrame, TablesError>;
    fn run<R: TableRow>(self) -> Self::Output {
        read_ndjson::<R>(self.0)
    }
}

fn read_ndjson<R: TableRow>(file: &Path) -> Result<DataFrame, TablesError> {
    let handle = std::fs::File::open(file).map_err(|e| TablesError::io(file, e))?;
    let mut frame =
        DataFrame::empty_with_schema(&R::schema().map_err(|e| TablesError::table(file, e))?);
    let mut batch: Vec<R> = Vec::with_capacity(ROW_GROUP_ROWS);
    let flush = |batch: &mut Vec<R>, frame: &mut DataFrame| -> Result<(), TablesError> {
        if !batch.is_empty() {
            let part = R::frame(batch).map_err(|e| TablesError::table(file, e))?;
            frame
                .vstack_mut_owned(part)
                .map_err(|e| TablesError::table(file, e))?;
            batch.clear();
        }
        Ok(())
    };
    for (number, line) in std::io::BufReader::new(handle).lines().enumerate() {
        let line = line.map_err(|e| TablesError::io(file, e))?;
        if line.trim().is_empty() {
            continue;
        }
        let row: R = serde_json::from_str(&line).map_err(|source| TablesError::Line {
            path: file.to_path_buf(),
            line: number + 1,
            source,
        })?;
        batch.push(row);
        if batch.len() >= ROW_GROUP_ROWS {
            flush(&mut batch, &mut frame)?;
        }
    }
    flush(&mut batch, &mut frame)?;
    Ok(frame)
}
