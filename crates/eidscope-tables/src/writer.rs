//! Writing the tables: one file per table in the output folder, appended batch by batch
//! (Parquet row groups, CSV chunks, NDJSON lines), each first written as `.NAME.partial` and
//! renamed over `NAME` only when every table is complete. [`TableFiles::abandon`] removes the
//! partial files after a fatal error, so no half-written table is ever left as if complete.

use crate::error::TablesError;
use crate::frame::{TableRow, schema_of};
use crate::table::{Format, Table};
use polars::prelude::{CsvWriter, ParquetCompression, ParquetWriter, SerWriter};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Rows per Parquet row group (and per CSV chunk): the writer holds at most this many rows
/// of a table in memory.
pub const ROW_GROUP_ROWS: usize = 4096;

/// A buffered file shared between a polars writer (which owns its writer and gives it back
/// only by value) and the table file, which must flush and sync it before the rename.
#[derive(Clone)]
struct SharedFile(Arc<Mutex<BufWriter<File>>>);

impl Write for SharedFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("output lock poisoned"))?
            .write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("output lock poisoned"))?
            .write_all(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        let mut out = self
            .0
            .lock()
            .map_err(|_| std::io::Error::other("output lock poisoned"))?;
        out.flush()?;
        out.get_ref().sync_all()
    }
}

enum Sink {
    Parquet(Box<polars::io::parquet::write::BatchedWriter<SharedFile>>),
    Csv(polars::io::csv::write::BatchedWriter<SharedFile>),
    Ndjson(SharedFile),
}

struct TableFile {
    table: Table,
    partial: PathBuf,
    target: PathBuf,
    handle: Option<SharedFile>,
    sink: Option<Sink>,
}

/// The six table files of one output folder, being written.
pub struct TableFiles {
    files: Vec<TableFile>,
}

/// How the files are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteOptions {
    /// The format.
    pub format: Format,
    /// Whether Parquet pages are zstd-compressed (default); off makes every string cell
    /// visible to a byte search, which the redaction tests use.
    pub compress: bool,
}

impl Default for WriteOptions {
    fn default() -> Self {
        WriteOptions {
            format: Format::Parquet,
            compress: true,
        }
    }
}

/// The hidden name a file is written under until it is complete.
pub fn partial_name(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    target.with_file_name(format!(".{name}.partial"))
}

impl TableFiles {
    /// Creates the partial files of every table in `dir` (which must exist).
    pub fn create(dir: &Path, options: WriteOptions) -> Result<TableFiles, TablesError> {
        let mut files = TableFiles { files: Vec::new() };
        for table in Table::ALL {
            let target = dir.join(table.file_name(options.format));
            let partial = partial_name(&target);
            // An error names the folder the user gave, never the temporary name.
            let opened = File::create(&partial).map_err(|e| TablesError::io(dir, e));
            // Registered before anything can fail, so `abandon` removes it.
            files.files.push(TableFile {
                table,
                partial: partial.clone(),
                target,
                handle: None,
                sink: None,
            });
            let out = match opened {
                Ok(f) => SharedFile(Arc::new(Mutex::new(BufWriter::with_capacity(1 << 20, f)))),
                Err(e) => {
                    files.abandon();
                    return Err(e);
                }
            };
            let sink = match Self::sink(table, out.clone(), options) {
                Ok(sink) => sink,
                Err(e) => {
                    files.abandon();
                    return Err(TablesError::table(&partial, e));
                }
            };
            if let Some(file) = files.files.last_mut() {
                file.sink = Some(sink);
                file.handle = Some(out);
            }
        }
        Ok(files)
    }

    fn sink(
        table: Table,
        out: SharedFile,
        options: WriteOptions,
    ) -> polars::prelude::PolarsResult<Sink> {
        let schema = schema_of(table)?;
        Ok(match options.format {
            Format::Parquet => {
                let compression = if options.compress {
                    ParquetCompression::Zstd(None)
                } else {
                    ParquetCompression::Uncompressed
                };
                let writer = ParquetWriter::new(out)
                    .with_compression(compression)
                    .with_row_group_size(Some(ROW_GROUP_ROWS))
                    .set_parallel(false)
                    .batched(&schema)?;
                Sink::Parquet(Box::new(writer))
            }
            Format::Csv => Sink::Csv(
                CsvWriter::new(out)
                    .include_header(true)
                    .with_datetime_format(Some("%Y-%m-%dT%H:%M:%S%.3fZ".into()))
                    .batched(&crate::columns::csv_schema(&schema))?,
            ),
            Format::Ndjson => Sink::Ndjson(out),
        })
    }

    /// Appends rows to their table.
    pub fn write<R: TableRow>(&mut self, rows: &[R]) -> Result<(), TablesError> {
        if rows.is_empty() {
            return Ok(());
        }
        let Some(file) = self.files.get_mut(R::TABLE.index()) else {
            return Err(TablesError::Merge(format!(
                "table {} is not open",
                R::TABLE
            )));
        };
        let partial = file.partial.clone();
        match file.sink.as_mut() {
            Some(Sink::Parquet(w)) => {
                let frame = R::frame(rows).map_err(|e| TablesError::table(&partial, e))?;
                w.write_batch(&frame)
                    .map_err(|e| TablesError::table(&partial, e))
            }
            Some(Sink::Csv(w)) => {
                let frame = R::frame(rows)
                    .and_then(|frame| crate::columns::csv_frame(&frame))
                    .map_err(|e| TablesError::table(&partial, e))?;
                w.write_batch(&frame)
                    .map_err(|e| TablesError::table(&partial, e))
            }
            Some(Sink::Ndjson(w)) => {
                for row in rows {
                    serde_json::to_writer(&mut *w, row).map_err(|source| TablesError::Json {
                        path: partial.clone(),
                        source,
                    })?;
                    w.write_all(b"\n")
                        .map_err(|e| TablesError::io(&partial, e))?;
                }
                Ok(())
            }
            None => Err(TablesError::Merge(format!(
                "table {} is already closed",
                file.table
            ))),
        }
    }

    /// Finishes every file and renames it into place. On failure, every partial file is
    /// removed and no table is renamed.
    pub fn finish(mut self) -> Result<Vec<PathBuf>, TablesError> {
        for i in 0..self.files.len() {
            if let Err(e) = Self::close(&mut self.files[i]) {
                self.abandon();
                return Err(e);
            }
        }
        let mut done = Vec::new();
        for file in &self.files {
            std::fs::rename(&file.partial, &file.target)
                .map_err(|e| TablesError::io(&file.target, e))?;
            done.push(file.target.clone());
        }
        self.files.clear();
        Ok(done)
    }

    fn close(file: &mut TableFile) -> Result<(), TablesError> {
        let partial = &file.partial;
        match file.sink.take() {
            Some(Sink::Parquet(w)) => {
                w.finish().map_err(|e| TablesError::table(partial, e))?;
            }
            Some(Sink::Csv(mut w)) => w.finish().map_err(|e| TablesError::table(partial, e))?,
            Some(Sink::Ndjson(_)) | None => {}
        }
        if let Some(mut handle) = file.handle.take() {
            handle.flush().map_err(|e| TablesError::io(partial, e))?;
        }
        Ok(())
    }

    /// Removes every partial file (after a fatal error).
    pub fn abandon(&mut self) {
        for file in self.files.drain(..) {
            drop(file.sink);
            drop(file.handle);
            let _ = std::fs::remove_file(&file.partial);
        }
    }
}

impl Drop for TableFiles {
    fn drop(&mut self) {
        // Dropped without `finish` (a panic, an early return): nothing is left behind.
        self.abandon();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rows::ErrorRow;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn tables_appear_complete_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let row = ErrorRow {
            path: "x.zip".into(),
            error_kind: eidscope_model::ErrorKind::NotZip,
            message: "no".into(),
        };
        for format in Format::ALL {
            let mut files = TableFiles::create(
                dir.path(),
                WriteOptions {
                    format,
                    compress: true,
                },
            )
            .unwrap();
            files.write(std::slice::from_ref(&row)).unwrap();
            assert!(names(dir.path()).iter().all(|n| n.ends_with(".partial")));
            // Abandoned (a fatal error elsewhere): nothing is left.
            drop(files);
            assert!(names(dir.path()).is_empty(), "{:?}", names(dir.path()));
        }
        let mut files = TableFiles::create(dir.path(), WriteOptions::default()).unwrap();
        files.write(std::slice::from_ref(&row)).unwrap();
        files.finish().unwrap();
        assert_eq!(
            names(dir.path()),
            [
                "bundles.parquet",
                "checks.parquet",
                "errors.parquet",
                "faces.parquet",
                "features.parquet",
                "findings.parquet",
                "media.parquet"
            ]
        );
    }
}
