//! The tables across the language boundary: each of a scan's tables as one Arrow IPC stream
//! (the Arrow columnar buffers, framed), read on the Python side by polars or pyarrow straight
//! into Arrow memory, never a Python object per value; and back, for the statistics over
//! tables a notebook holds.
//!
//! Why IPC streams rather than the Arrow C data interface (`__arrow_c_stream__` capsules or
//! pyo3-polars' pointer hand-over): both need `unsafe` code in this crate (the workspace
//! forbids it), and pyo3-polars ties the wheel to one Python polars release. An IPC stream is
//! read by every polars and pyarrow release alike, for the cost of one copy of the buffers.
//! This module never looks at the rows.

use eidscope_tables::polars::prelude::*;
use eidscope_tables::{ScanTables, Table, TablesError};
use std::io::Cursor;

/// Each table of `tables` as an Arrow IPC stream, by table name, in the order of
/// [`Table::ALL`].
pub fn to_streams(tables: &ScanTables) -> Result<Vec<(&'static str, Vec<u8>)>, TablesError> {
    Table::ALL
        .into_iter()
        .map(|table| {
            let mut frame = tables.table(table).clone();
            let mut stream = Vec::new();
            IpcStreamWriter::new(&mut stream)
                .finish(&mut frame)
                .map_err(|e| TablesError::table(table.name(), e))?;
            Ok((table.name(), stream))
        })
        .collect()
}

/// Tables from Arrow IPC streams by table name (a table not given is empty), cast to their
/// canonical schemas like tables read from files. An unknown name is refused.
pub fn from_streams(streams: &[(String, Vec<u8>)]) -> Result<ScanTables, TablesError> {
    let mut frames: [Option<DataFrame>; Table::COUNT] = Default::default();
    for (name, stream) in streams {
        let table = Table::ALL
            .into_iter()
            .find(|t| t.name() == name)
            .ok_or_else(|| {
                TablesError::Usage(format!(
                    "`{name}` is not a table of a scan (expected {})",
                    Table::ALL.map(Table::name).join(", ")
                ))
            })?;
        let frame = IpcStreamReader::new(Cursor::new(stream))
            .finish()
            .map_err(|e| TablesError::table(table.name(), e))?;
        frames[table.index()] = Some(frame);
    }
    ScanTables::from_frames(frames)
}
