//! Bulk reprocessing of bundles into tables, and the statistics over those tables.
//!
//! The flow is inputs → [`InputStream`] (files, folders walked for `*.zip`, a list on
//! standard input, found one at a time; de-duplicated; a [`Shard`] keeps a deterministic share) → [`scan`] (a
//! local rayon pool runs the one-bundle pipeline of `eidscope-pipeline` per bundle and sends
//! the rows over a bounded channel to one writer thread) → the six tables of cli-contract.md
//! ([`Table`], their columns listed once in [`frame`]) in Parquet, CSV or NDJSON, stored in
//! durable numbered [`parts`] while the scan runs (so that `--resume` continues a killed scan)
//! and gathered into one file per table at the end, with `scan.json` (the [`Manifest`]) written
//! last → [`read_scan`] (one or several
//! scan folders, e.g. the shards of one run, merged into [`ScanTables`]) → [`stats::compute`].
//!
//! With [`Redactor`] (`--redact`), names, document, personal and process numbers become keyed
//! pseudonyms before a row leaves the worker, birth dates become birth years and finding
//! messages are scrubbed; no image ever leaves the tool (the media table holds hashes only).
//!
//! This crate never parses provider JSON and never decodes a picture itself: it calls the
//! pipeline, turns reports into rows, and reads rows back. Polars lives here and nowhere else
//! in the library crates.

#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod columns;
pub mod engine;
pub mod error;
pub mod faces;
pub mod findings;
pub mod frame;
pub mod inputs;
pub mod links;
pub mod manifest;
pub mod parts;
pub mod read;
pub mod redact;
pub mod rows;
pub mod shard;
pub mod stats;
pub mod table;
pub mod writer;

pub use engine::{OutputMode, ScanOptions, ScanSummary, scan, scan_to_memory, scan_to_memory_with};
pub use error::TablesError;
pub use faces::{Embeddings, FaceRow};
pub use inputs::{InMemory, Input, InputError, InputStream, expand};
pub use manifest::{MANIFEST_FILE, MANIFEST_SCHEMA, Manifest};
pub use read::{ScanTables, SplitInputs, find_scan_dirs, read_scan, split_inputs};
pub use redact::Redactor;
pub use rows::{BundleRow, CheckRow, ErrorRow, FeatureRow, FindingRow, MediaRow, Rows};
pub use shard::Shard;
pub use table::{Format, Table};

/// Polars, as this crate uses it: callers that read [`ScanTables`] name its types through
/// this re-export and need no polars dependency of their own.
pub use polars;
