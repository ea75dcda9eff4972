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

use crate::error::TablesError;
use crate::faces::FaceRow;
use crate::frame::TableRow;
use crate::inputs::Input;
use crate::manifest::{MANIFEST_SCHEMA, Manifest};
use crate::parts::{DEFAULT_PART_INPUTS, PartSettings, PartWriter};
use crate::read::ScanTables;
use crate::redact::Redactor;
use crate::rows::{
    BundleRow, CheckRow, ErrorRow, FeatureRow, FindingRow, MediaRow, RowContext, Rows,
};
use crate::shard::Shard;
use crate::table::Table;
use crate::writer::{ROW_GROUP_ROWS, TableFiles, WriteOptions};
use eidscope_analysis::Thresholds;
use eidscope_analysis::links::{LinkConfig, LinkRecord, find_links};
use eidscope_model::{ErrorKind, Severity, Vocabulary, error_line};
use eidscope_pipeline::Level;
use polars::prelude::DataFrame;
use std::borrow::Borrow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, PoisonError};
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
    frames: [Option<DataFrame>; Table::COUNT],
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

#[derive(Default)]
struct Batches {
    bundles: Vec<BundleRow>,
    checks: Vec<CheckRow>,
    features: Vec<FeatureRow>,
    media: Vec<MediaRow>,
    findings: Vec<FindingRow>,
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
    fn push(&mut self, rows: Rows) {
        self.bundles.extend(rows.bundle);
        self.checks.extend(rows.checks);
        self.features.extend(rows.features);
        self.media.extend(rows.media);
        self.findings.extend(rows.findings);
        self.errors.extend(rows.error);
        self.faces.extend(rows.faces);
    }

    fn flush<S: RowSink>(&mut self, sink: &mut S, at_least: usize) -> Result<(), TablesError> {
        drain(&mut self.bundles, sink, at_least)?;
        drain(&mut self.checks, sink, at_least)?;
        drain(&mut self.features, sink, at_least)?;
        drain(&mut self.media, sink, at_least)?;
        drain(&mut self.findings, sink, at_least)?;
        drain(&mut self.errors, sink, at_least)?;
        drain(&mut self.faces, sink, at_least)
    }
}

/// Reads one input into its rows. Never fails: an unreadable input is an `errors` row.
pub fn rows_of(input: &Input, options: &ScanOptions) -> Rows {
    if let Some(error) = &input.error {
        return Rows::from_error(&input.path, error.kind(), error_line(error));
    }
    let ctx = RowContext {
        level: options.level,
        shard: options.shard,
        redactor: options.redactor.as_ref(),
        embeddings: options.embeddings,
    };
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // The face engine looks at video frames: the video is read whatever the level.
        let read_level = if faces_wanted(options) {
            Level::Full
        } else {
            options.level
        };
        let bundle = match &input.memory {
            Some(memory) => eidscope_pipeline::open_bytes(
                &input.path,
                &memory.zip,
                memory
                    .process
                    .as_ref()
                    .map(|(name, bytes)| eidscope_pipeline::ProcessBytes {
                        name,
                        bytes,
                        beside: true,
                    }),
                read_level,
            )?,
            None => eidscope_pipeline::open(&input.file, None, read_level)?,
        };
        let mut report = eidscope_pipeline::report(&bundle, options.level, &options.thresholds);
        report.path.clone_from(&input.path);
        #[cfg(feature = "faces")]
        if let Some(engines) = &options.faces
            && let Err(error) = eidscope_pipeline::faces::add_faces(&mut report, &bundle, engines)
        {
            return Ok(Err(error.to_string()));
        }
        let mut rows = Rows::from_report(&report, &ctx);
        if faces_wanted(options) {
            rows.face_embeddings = face_embeddings(&report);
        }
        Ok::<Result<Rows, String>, eidscope_bundle::BundleError>(Ok(rows))
    }));
    match outcome {
        Ok(Ok(Ok(rows))) => rows,
        Ok(Ok(Err(face_error))) => Rows::from_error(
            &input.path,
            ErrorKind::Internal,
            format!("the face engine could not be loaded for this worker: {face_error}"),
        ),
        Ok(Err(error)) => Rows::from_error(&input.path, error.kind(), error.line()),
        Err(_) => Rows::from_error(
            &input.path,
            ErrorKind::Internal,
            "the reader stopped on an internal error (a bug: please report it with this file)"
                .to_owned(),
        ),
    }
}

/// Whether the scan runs the face engine.
#[cfg(feature = "faces")]
fn faces_wanted(options: &ScanOptions) -> bool {
    options.faces.is_some()
}

/// Whether the scan runs the face engine: never without the `faces` feature.
#[cfg(not(feature = "faces"))]
fn faces_wanted(_options: &ScanOptions) -> bool {
    false
}

/// The selfie's and the portrait's embeddings of a report (none without `--faces`).
fn face_embeddings(
    report: &eidscope_model::BundleReport,
) -> Vec<(eidscope_model::FacePicture, Vec<f32>)> {
    let Some(evidence) = &report.faces else {
        return Vec::new();
    };
    evidence
        .pictures
        .iter()
        .filter(|p| p.picture != eidscope_model::FacePicture::VideoFrame)
        .filter_map(|p| Some((p.picture, p.embedding.clone()?)))
        .collect()
}

/// Hands the inputs to the workers in the order they are taken from the stream and gives
/// their rows to the writer in that same order, whichever worker finishes first, so that the
/// same inputs give the same tables byte for byte. A worker waits before taking an input more
/// than [`InOrder::window`] places ahead of the writer, so the rows held back for order stay
/// bounded (a few kilobytes per bundle) even behind one slow bundle.
struct InOrder<I> {
    /// The inputs not handed out yet, and the place of the next one.
    source: Mutex<(usize, std::iter::Fuse<I>)>,
    /// How many places the writer has taken, in order.
    released: Mutex<usize>,
    /// Signalled when the writer takes rows (or the scan is abandoned).
    room: Condvar,
    /// How far ahead of the writer a worker may go.
    window: usize,
}

impl<I: Iterator> InOrder<I> {
    fn new(inputs: I, threads: usize) -> InOrder<I> {
        InOrder {
            source: Mutex::new((0, inputs.fuse())),
            released: Mutex::new(0),
            room: Condvar::new(),
            window: 256 + 64 * threads.max(1),
        }
    }

    /// The next input and its place, once the writer is close enough; `None` when every
    /// input is handed out or the scan is abandoned.
    fn next(&self, aborted: &AtomicBool) -> Option<(usize, I::Item)> {
        if aborted.load(Ordering::Relaxed) {
            return None;
        }
        let (index, input) = {
            let mut source = self.source.lock().unwrap_or_else(PoisonError::into_inner);
            let input = source.1.next()?;
            let index = source.0;
            source.0 += 1;
            (index, input)
        };
        let mut released = self.released.lock().unwrap_or_else(PoisonError::into_inner);
        while index >= *released + self.window && !aborted.load(Ordering::Relaxed) {
            released = self
                .room
                .wait(released)
                .unwrap_or_else(PoisonError::into_inner);
        }
        (!aborted.load(Ordering::Relaxed)).then_some((index, input))
    }

    /// The rows that are next in order, taken out of `waiting`.
    fn release<T>(&self, waiting: &mut BTreeMap<usize, T>) -> Vec<T> {
        let mut released = self.released.lock().unwrap_or_else(PoisonError::into_inner);
        let mut ready = Vec::new();
        while let Some(rows) = waiting.remove(&*released) {
            ready.push(rows);
            *released += 1;
        }
        if !ready.is_empty() {
            self.room.notify_all();
        }
        ready
    }

    /// Wakes every waiting worker (the scan is abandoned).
    fn wake(&self) {
        let _guard = self.released.lock().unwrap_or_else(PoisonError::into_inner);
        self.room.notify_all();
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
                        for finding in find_links(&records, config)
                            .into_iter()
                            .chain(faces.findings())
                        {
                            *summary.findings.entry(finding.severity).or_insert(0) += 1;
                            batches.findings.push(FindingRow::of_link(&finding));
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

/// Whether the scan continues one in `dir` (`true`) or starts anew; refuses a folder that
/// holds a scan unless `mode` says what to do with it.
fn check_output(dir: &Path, mode: OutputMode) -> Result<bool, TablesError> {
    let unfinished = crate::parts::has_parts(dir);
    let finished = dir.join(crate::manifest::MANIFEST_FILE).is_file();
    let tables = table_files(dir).next().is_some();
    match mode {
        OutputMode::Resume if unfinished => Ok(true),
        OutputMode::Resume if finished => Err(TablesError::OutputInUse {
            dir: dir.to_path_buf(),
            what: "a finished scan: there is nothing to resume".to_owned(),
            hint: "give --force to scan again into it, or another --out",
        }),
        OutputMode::Fresh if unfinished => Err(TablesError::OutputInUse {
            dir: dir.to_path_buf(),
            what: "an unfinished scan".to_owned(),
            hint: "give --resume to continue it, --force to start over, or another --out",
        }),
        OutputMode::Fresh if finished || tables => Err(TablesError::OutputInUse {
            dir: dir.to_path_buf(),
            what: "another scan".to_owned(),
            hint: "give --force to replace it, or another --out",
        }),
        _ => Ok(false),
    }
}

/// The table files of every format (complete or `.partial`) in `dir`.
fn table_files(dir: &Path) -> impl Iterator<Item = PathBuf> + '_ {
    Table::ALL
        .into_iter()
        .flat_map(move |table| {
            crate::table::Format::ALL
                .into_iter()
                .flat_map(move |format| {
                    let file = dir.join(table.file_name(format));
                    [crate::writer::partial_name(&file), file]
                })
        })
        .filter(|file| file.exists())
}

/// Gathers the parts of `dir` into its tables (the links over all of them too, with `--links`,
/// and `same-person` over the faces of every part, or, under `--redact`, the faces this run
/// kept in memory), after removing what a previous scan left there: its manifest first (the
/// folder is an unfinished scan until the new one is written), then its tables of any format.
fn gather_parts(
    dir: &Path,
    options: &ScanOptions,
    mut faces: crate::faces::FaceLinks,
) -> Result<ScanSummary, TablesError> {
    let manifest = dir.join(crate::manifest::MANIFEST_FILE);
    if manifest.exists() {
        std::fs::remove_file(&manifest).map_err(|e| TablesError::io(&manifest, e))?;
    }
    for stale in table_files(dir).collect::<Vec<_>>() {
        std::fs::remove_file(&stale).map_err(|e| TablesError::io(&stale, e))?;
    }
    let mut files = TableFiles::create(dir, options.write)?;
    let mut records: Vec<LinkRecord> = Vec::new();
    let mut pending = crate::faces::PendingFaces::default();
    let keep_embeddings =
        options.embeddings == crate::faces::Embeddings::Written && options.redactor.is_none();
    let totals = crate::parts::gather(
        dir,
        options.write.format,
        &mut files,
        &mut crate::parts::GatherVisitors {
            bundle: &mut |row: &BundleRow| {
                if options.links.is_some() {
                    records.push(crate::links::record_of(row));
                }
            },
            face: &mut |row: &mut FaceRow| {
                let written = if keep_embeddings {
                    row.embedding.clone()
                } else {
                    None
                };
                if options.links.is_some() {
                    pending.keep(row);
                }
                row.embedding = written;
            },
        },
    )?;
    for record in &records {
        pending.join(record, &mut faces);
    }
    let mut summary = ScanSummary {
        inputs: totals.inputs,
        bundles: totals.bundles,
        errors: totals.errors,
        findings: totals.findings,
        ..ScanSummary::default()
    };
    if let Some(config) = &options.links {
        let rows: Vec<FindingRow> = find_links(&records, config)
            .iter()
            .chain(faces.findings().iter())
            .map(|finding| {
                *summary.findings.entry(finding.severity).or_insert(0) += 1;
                FindingRow::of_link(finding)
            })
            .collect();
        for chunk in rows.chunks(ROW_GROUP_ROWS) {
            files.write(chunk)?;
        }
    }
    files.finish()?;
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
