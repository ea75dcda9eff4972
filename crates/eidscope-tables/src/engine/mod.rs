//! The parallel scan: a local rayon pool reads bundles (one pipeline run per bundle, in the
//! worker thread: no process or thread per bundle), each worker sends the rows of its bundle
//! over a bounded channel, and one writer thread gathers them into batches of
//! [`ROW_GROUP_ROWS`] per table and hands each batch to the sink. Memory is bounded by the
//! channel capacity, the batch size and one bundle per worker, whatever the batch size.
//!
//! The inputs are taken one at a time from a stream ([`crate::inputs::InputStream`] for
//! [`scan`]: the batch is never listed in memory), and the rows come out in the order the
//! inputs were taken, whatever order the workers finish in ([`InOrder`]): for files and folders
//! the order of their paths (the stream's order; [`run`] and [`scan_to_memory`] sort the inputs
//! they are given). No table holds a time of the run (that is in `scan.json`): the same inputs
//! give the same tables, byte for byte.
//!
//! Every input yields exactly one `bundles` or `errors` row: a bundle that cannot be read is
//! an `errors` row with the reader's error kind, and a reader that panics on hostile bytes is
//! caught and recorded as `internal`.

//!
//! The parts: [`sink`] (where the rows go), [`order`] (the order they go in), [`bundle_rows`]
//! (one input into its rows), [`output`] (the output folder and the gathering of the parts).

mod bundle_rows;
mod order;
mod output;
mod sink;

pub use bundle_rows::rows_of;
pub use sink::{MemorySink, RowSink};

use crate::error::TablesError;
use crate::inputs::Input;
use crate::manifest::{MANIFEST_SCHEMA, Manifest};
use crate::parts::{DEFAULT_PART_INPUTS, PartSettings, PartWriter};
use crate::read::ScanTables;
use crate::redact::Redactor;
use crate::rows::{FindingRow, Rows};
use crate::shard::Shard;
use crate::table::Table;
use crate::writer::{ROW_GROUP_ROWS, WriteOptions};
use eidscope_analysis::Thresholds;
use eidscope_analysis::links::{LinkConfig, LinkRecord, find_links};
use eidscope_model::{Severity, Vocabulary};
use eidscope_pipeline::Level;
use order::InOrder;
use output::{check_output, gather_parts};
use sink::Batches;
use std::borrow::Borrow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How a scan runs.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// How much of each bundle to look at.
    pub level: Level,
    /// Worker threads; 0 means one per core.
    pub jobs: usize,
    /// The share of the inputs (already applied by [`crate::expand`]; recorded in the rows).
    pub shard: Option<Shard>,
    /// Pseudonymise personal values.
    pub redactor: Option<Redactor>,
    /// The finding thresholds.
    pub thresholds: Thresholds,
    /// The output format and compression.
    pub write: WriteOptions,
    /// Find the cross-bundle findings over the batch after the scan (`--links`); the writer
    /// then keeps one small link record per bundle (and, with `--faces`, the selfie's and the
    /// portrait's embeddings, for `same-person`).
    pub links: Option<LinkConfig>,
    /// Whether the `faces` table carries the embeddings (`--embeddings`; never under
    /// `--redact`).
    pub embeddings: crate::faces::Embeddings,
    /// Run eidscope's face engine on every bundle (`--faces`): the face findings and the
    /// `faces` table.
    #[cfg(feature = "faces")]
    pub faces: Option<std::sync::Arc<eidscope_pipeline::faces::FaceEngines>>,
    /// What to do with an output folder that already holds a scan.
    pub output: OutputMode,
    /// Inputs per durable part ([`crate::parts`]); 0 means the default.
    pub part_inputs: usize,
}

/// What [`scan`] does with an output folder that already holds a scan, finished or not.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum OutputMode {
    /// Refuse it (the default): a scan is never replaced by accident.
    #[default]
    Fresh,
    /// Replace it (`--force`): its tables, of any format, are removed when the new ones are
    /// in place.
    Force,
    /// Continue an unfinished scan (`--resume`), skipping the inputs it already stored; a
    /// folder without one is scanned as new.
    Resume,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            level: Level::Media,
            jobs: 0,
            shard: None,
            redactor: None,
            thresholds: Thresholds::default(),
            write: WriteOptions::default(),
            links: None,
            embeddings: crate::faces::Embeddings::default(),
            #[cfg(feature = "faces")]
            faces: None,
            output: OutputMode::Fresh,
            part_inputs: 0,
        }
    }
}

/// What a scan did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScanSummary {
    /// Inputs scanned (bundles + errors).
    pub inputs: u64,
    /// Bundles read.
    pub bundles: u64,
    /// Inputs that could not be read.
    pub errors: u64,
    /// Findings by severity.
    pub findings: BTreeMap<Severity, u64>,
    /// Wall time.
    pub elapsed: Duration,
    /// The folder the tables were written to (`None` in memory).
    pub out_dir: Option<PathBuf>,
}

impl ScanSummary {
    /// Inputs per second of wall time.
    pub fn per_second(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        #[allow(clippy::cast_precision_loss)] // counts far below 2^52
        if secs > 0.0 {
            self.inputs as f64 / secs
        } else {
            0.0
        }
    }

    /// The most severe finding, if any.
    pub fn max_severity(&self) -> Option<Severity> {
        self.findings
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(s, _)| *s)
            .max()
    }

    /// The closing line: bundles read, errors, findings by severity, time and rate.
    pub fn line(&self) -> String {
        let findings: Vec<String> = Severity::ALL
            .iter()
            .map(|s| format!("{} {s}", self.findings.get(s).copied().unwrap_or(0)))
            .collect();
        format!(
            "{} bundles read, {} errors; findings: {}; {:.1} s, {:.1} bundles/s",
            self.bundles,
            self.errors,
            findings.join(", "),
            self.elapsed.as_secs_f64(),
            self.per_second()
        )
    }
}

/// Runs the scan of inputs held in memory into any sink, in the order of their paths.
/// `progress` is called from the writer thread with the number of inputs done so far.
pub fn run<S: RowSink>(
    inputs: &[Input],
    options: &ScanOptions,
    sink: S,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<(S, ScanSummary), TablesError> {
    let mut inputs: Vec<&Input> = inputs.iter().collect();
    inputs.sort_by(|a, b| a.path.cmp(&b.path));
    let collect_faces = options.links.is_some();
    let (sink, summary, _) = run_over(inputs.into_iter(), options, collect_faces, sink, progress)?;
    Ok((sink, summary))
}

/// What [`run_over`] gives back: the sink, the summary, and the faces it saw (with `--faces`),
/// for `same-person` when the links are found later (over the gathered parts).
type RunOutcome<S> = (S, ScanSummary, crate::faces::FaceLinks);

/// The batch's cross-bundle findings as rows: the link rules over the bundles' records, then
/// the same-face pairs; each counted by severity in `counts`.
fn link_rows(
    records: &[LinkRecord],
    faces: &crate::faces::FaceLinks,
    config: &LinkConfig,
    counts: &mut BTreeMap<Severity, u64>,
) -> Vec<FindingRow> {
    find_links(records, config)
        .iter()
        .chain(faces.findings().iter())
        .map(|finding| {
            *counts.entry(finding.severity).or_insert(0) += 1;
            FindingRow::of_link(finding)
        })
        .collect()
}

/// Scans `inputs` into `sink` in parallel, in the order they come. `collect_faces`: keep the
/// selfie's and portrait's embeddings of every bundle (with `--faces`) for `same-person`,
/// found by the caller or, with links, at the end.
fn run_over<S, I>(
    inputs: I,
    options: &ScanOptions,
    collect_faces: bool,
    mut sink: S,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<RunOutcome<S>, TablesError>
where
    S: RowSink,
    I: Iterator + Send,
    I::Item: Borrow<Input> + Send,
{
    let started = Instant::now();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.jobs)
        .thread_name(|i| format!("eidscope-scan-{i}"))
        .build()
        .map_err(|e| {
            TablesError::Usage(format!("cannot start {} worker threads: {e}", options.jobs))
        })?;
    let capacity = 4 * pool.current_num_threads().max(1);
    let (sender, receiver) = crossbeam_channel::bounded::<(usize, (String, Rows))>(capacity);
    let aborted = AtomicBool::new(false);
    let mut summary = ScanSummary::default();
    let order = InOrder::new(inputs, pool.current_num_threads());
    let (written, faces) = std::thread::scope(|scope| {
        let summary = &mut summary;
        let aborted = &aborted;
        let order = &order;
        let writer = scope.spawn(
            move || -> Result<(S, crate::faces::FaceLinks), TablesError> {
                let mut batches = Batches::default();
                let mut records: Vec<LinkRecord> = Vec::new();
                let mut faces = crate::faces::FaceLinks::default();
                let mut waiting = BTreeMap::new();
                let result = (|| {
                    for (path, mut rows) in receiver.iter().flat_map(|(index, rows)| {
                        waiting.insert(index, rows);
                        order.release(&mut waiting)
                    }) {
                        if collect_faces {
                            let record = rows.bundle.as_ref().map(crate::links::record_of);
                            if let Some(record) = &record {
                                faces.add(record, std::mem::take(&mut rows.face_embeddings));
                            }
                            if options.links.is_some() {
                                records.extend(record);
                            }
                        }
                        summary.inputs += 1;
                        if rows.bundle.is_some() {
                            summary.bundles += 1;
                        } else {
                            summary.errors += 1;
                        }
                        for severity in rows.severities() {
                            *summary.findings.entry(severity).or_insert(0) += 1;
                        }
                        let full = sink.input_done(&path, &rows);
                        batches.push(rows);
                        if full {
                            batches.flush(&mut sink, 1)?;
                            sink.commit()?;
                        } else {
                            batches.flush(&mut sink, ROW_GROUP_ROWS)?;
                        }
                        progress(summary.inputs);
                    }
                    if let Some(config) = &options.links {
                        let rows = link_rows(&records, &faces, config, &mut summary.findings);
                        for row in rows {
                            batches.findings.push(row);
                            batches.flush(&mut sink, ROW_GROUP_ROWS)?;
                        }
                    }
                    batches.flush(&mut sink, 1)?;
                    sink.commit()
                })();
                if result.is_err() {
                    aborted.store(true, Ordering::Relaxed);
                    order.wake();
                }
                result.map(|()| (sink, faces))
            },
        );
        pool.broadcast(|_| {
            while let Some((index, input)) = order.next(aborted) {
                let input = input.borrow();
                // The writer is gone only after a fatal error; the scan is then abandoned.
                if sender
                    .send((index, (input.path.clone(), rows_of(input, options))))
                    .is_err()
                {
                    aborted.store(true, Ordering::Relaxed);
                    order.wake();
                }
            }
        });
        drop(sender);
        writer.join().unwrap_or_else(|_| {
            Err(TablesError::Merge(
                "the table writer stopped unexpectedly".to_owned(),
            ))
        })
    })?;
    summary.elapsed = started.elapsed();
    Ok((written, summary, faces))
}

/// Scans `inputs` into the tables of `out` (or `out/shard-K-of-N/` when sharded) and writes
/// the manifest last. The rows go first into durable parts ([`crate::parts`]), gathered into
/// the six tables at the end: a scan killed at any point leaves an unfinished scan that
/// [`OutputMode::Resume`] continues. A folder that already holds a scan is refused unless
/// [`ScanOptions::output`] says otherwise.
///
/// `inputs` is taken one at a time, in its order (give an [`crate::inputs::InputStream`], or
/// a list: the batch need not be held in memory).
pub fn scan<I>(
    inputs: I,
    out: &Path,
    options: &ScanOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<ScanSummary, TablesError>
where
    I: IntoIterator,
    I::IntoIter: Send,
    I::Item: Borrow<Input> + Send,
{
    let started_at = chrono::Utc::now();
    let dir = match options.shard {
        Some(shard) => out.join(shard.dir_name()),
        None => out.to_path_buf(),
    };
    std::fs::create_dir_all(&dir).map_err(|e| TablesError::io(&dir, e))?;
    let resume = check_output(&dir, options.output)?;
    let format = options.write.format;
    let settings = PartSettings {
        format,
        level: options.level,
        shard: options.shard.map(|s| s.to_string()),
        redacted: options.redactor.is_some(),
    };
    let per_part = match options.part_inputs {
        0 => DEFAULT_PART_INPUTS,
        n => n,
    };
    let (parts, done) = if resume {
        PartWriter::resume(&dir, &settings, options.write, per_part)?
    } else {
        let parts = PartWriter::start(&dir, &settings, options.write, per_part)?;
        (parts, std::collections::HashSet::new())
    };
    let remaining = inputs
        .into_iter()
        .filter(|input| !done.contains(&input.borrow().path));
    let this_run = ScanOptions {
        links: None, // found over every part when they are gathered
        // With --links the parts keep the embeddings, so that `same-person` after --resume
        // compares the faces of earlier runs too; the gathering drops them from the tables
        // unless --embeddings. Never under --redact (the rows withhold them).
        embeddings: match options.links {
            Some(_) => crate::faces::Embeddings::Written,
            None => options.embeddings,
        },
        ..options.clone()
    };
    // A redacted scan keeps no embedding on disk: the faces this run sees are kept in memory
    // for `same-person` until the gathering (after --resume, only this run's are compared).
    let collect_faces = options.links.is_some() && options.redactor.is_some();
    let (_, run_summary, faces) = run_over(remaining, &this_run, collect_faces, parts, progress)?;
    let mut summary = gather_parts(&dir, options, faces)?;
    summary.elapsed = run_summary.elapsed;
    let manifest = Manifest {
        schema: MANIFEST_SCHEMA.to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        format,
        level: options.level,
        shard: settings.shard,
        redacted: settings.redacted,
        inputs: summary.inputs,
        bundles: summary.bundles,
        errors: summary.errors,
        findings: summary
            .findings
            .iter()
            .map(|(s, n)| (s.as_str().to_owned(), *n))
            .collect(),
        started_at,
        elapsed_seconds: summary.elapsed.as_secs_f64(),
        tables: Table::ALL
            .iter()
            .map(|t| (t.name().to_owned(), t.file_name(format)))
            .collect(),
    };
    manifest.write(&dir)?;
    crate::parts::remove(&dir)?;
    summary.out_dir = Some(dir);
    Ok(summary)
}

/// Scans `inputs` into tables held in memory (for statistics over bundles given directly).
pub fn scan_to_memory(
    inputs: &[Input],
    options: &ScanOptions,
) -> Result<(ScanTables, ScanSummary), TablesError> {
    scan_to_memory_with(inputs, options, &|_| {})
}

/// [`scan_to_memory`], calling `progress` with the number of inputs done so far.
pub fn scan_to_memory_with(
    inputs: &[Input],
    options: &ScanOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<(ScanTables, ScanSummary), TablesError> {
    let (sink, summary) = run(inputs, options, MemorySink::default(), progress)?;
    let tables = ScanTables::from_frames(sink.frames)?;
    Ok((tables, summary))
}
