//! Where the scan's writer thread puts its rows: the [`RowSink`] trait (table files, durable
//! parts, or [`MemorySink`] for `stats` over bundles) and the per-table batches it fills before
//! handing them over. It never reads a bundle and never decides an order.

use crate::error::TablesError;
use crate::faces::FaceRow;
use crate::frame::TableRow;
use crate::rows::{BundleRow, CheckRow, ErrorRow, FeatureRow, FindingRow, MediaRow, Rows};
use crate::table::Table;
use crate::writer::TableFiles;
use polars::prelude::DataFrame;

/// Where the writer thread puts batches of rows.
pub trait RowSink: Send {
    /// Appends rows to their table.
    fn put<R: TableRow>(&mut self, rows: &[R]) -> Result<(), TablesError>;

    /// Told of each input before its rows are put; `true` asks for [`RowSink::commit`] once
    /// they are (a durable part is full).
    fn input_done(&mut self, _path: &str, _rows: &Rows) -> bool {
        false
    }

    /// Makes what was put so far durable.
    fn commit(&mut self) -> Result<(), TablesError> {
        Ok(())
    }
}

impl RowSink for TableFiles {
    fn put<R: TableRow>(&mut self, rows: &[R]) -> Result<(), TablesError> {
        self.write(rows)
    }
}

/// The tables gathered in memory (for `stats` over bundles).
#[derive(Default)]
pub struct MemorySink {
    pub(super) frames: [Option<DataFrame>; Table::COUNT],
}

impl RowSink for MemorySink {
    fn put<R: TableRow>(&mut self, rows: &[R]) -> Result<(), TablesError> {
        let frame = R::frame(rows).map_err(|e| TablesError::table(R::TABLE.name(), e))?;
        let slot = &mut self.frames[R::TABLE.index()];
        match slot {
            Some(existing) => {
                existing
                    .vstack_mut_owned(frame)
                    .map_err(|e| TablesError::table(R::TABLE.name(), e))?;
            }
            None => *slot = Some(frame),
        }
        Ok(())
    }
}

/// The rows of each table waiting to be handed to the sink.
#[derive(Default)]
pub(super) struct Batches {
    bundles: Vec<BundleRow>,
    checks: Vec<CheckRow>,
    features: Vec<FeatureRow>,
    media: Vec<MediaRow>,
    pub(super) findings: Vec<FindingRow>,
    errors: Vec<ErrorRow>,
    faces: Vec<FaceRow>,
}

fn drain<R: TableRow, S: RowSink>(
    rows: &mut Vec<R>,
    sink: &mut S,
    at_least: usize,
) -> Result<(), TablesError> {
    if !rows.is_empty() && rows.len() >= at_least {
        sink.put(rows)?;
        rows.clear();
    }
    Ok(())
}

impl Batches {
    pub(super) fn push(&mut self, rows: Rows) {
        self.bundles.extend(rows.bundle);
        self.checks.extend(rows.checks);
        self.features.extend(rows.features);
        self.media.extend(rows.media);
        self.findings.extend(rows.findings);
        self.errors.extend(rows.error);
        self.faces.extend(rows.faces);
    }

    pub(super) fn flush<S: RowSink>(
        &mut self,
        sink: &mut S,
        at_least: usize,
    ) -> Result<(), TablesError> {
        drain(&mut self.bundles, sink, at_least)?;
        drain(&mut self.checks, sink, at_least)?;
        drain(&mut self.features, sink, at_least)?;
        drain(&mut self.media, sink, at_least)?;
        drain(&mut self.findings, sink, at_least)?;
        drain(&mut self.errors, sink, at_least)?;
        drain(&mut self.faces, sink, at_least)
    }
}
