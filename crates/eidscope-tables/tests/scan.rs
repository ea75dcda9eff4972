//! The scan engine end to end on a seeded synthetic batch and the hostile fixtures: every
//! input exactly once in every format, shards that merge to one scan, statistics against the
//! labels, typed Parquet columns, and redaction that leaves no raw value in any file.

#![allow(clippy::unwrap_used)]

use eidscope_pipeline::Level;
use eidscope_synth::{Labels, SynthConfig};
use eidscope_tables::frame::TableRow;
use eidscope_tables::polars::prelude::*;
use eidscope_tables::stats::{self, StatsOptions};
use eidscope_tables::writer::WriteOptions;
use eidscope_tables::{BundleRow, CheckRow, ErrorRow, FeatureRow, FindingRow, MediaRow};
use eidscope_tables::{
    Format, Input, Redactor, ScanOptions, ScanTables, Shard, Table, expand, read_scan, scan,
    scan_to_memory,
};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const COUNT: usize = 60;

struct Batch {
    dir: tempfile::TempDir,
    labels: Labels,
}

/// One seeded synthetic batch per test binary.
fn batch() -> &'static Batch {
    static BATCH: OnceLock<Batch> = OnceLock::new();
    BATCH.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let labels =
            eidscope_synth::generate(&SynthConfig::new(COUNT, 7, dir.path().join("batch")))
                .unwrap();
        Batch { dir, labels }
    })
}

fn batch_dir() -> PathBuf {
    batch().dir.path().join("batch")
}

fn hostile() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/hostile");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

fn inputs(args: &[PathBuf], shard: Shard) -> Vec<Input> {
    expand(args, &mut std::io::empty(), shard)
}

fn options(level: Level, format: Format) -> ScanOptions {
    ScanOptions {
        level,
        jobs: 2,
        write: WriteOptions {
            format,
            compress: true,
        },
        ..ScanOptions::default()
    }
}

fn quiet(_: u64) {}

/// The batch folder (with a nested copy of three bundles), every hostile file by name, a
/// file that is not a zip by name, and a duplicate path in two spellings.
fn mixed_arguments(scratch: &Path) -> (Vec<PathBuf>, BTreeSet<String>) {
    let nested = scratch.join("more/deeper");
    std::fs::create_dir_all(&nested).unwrap();
    for name in ["bundle-00001.zip", "bundle-00002.zip", "bundle-00003.zip"] {
        std::fs::copy(batch_dir().join(name), nested.join(name)).unwrap();
    }
    std::fs::write(scratch.join("more/readme.txt"), b"not walked: not a zip").unwrap();
    let mut args = vec![batch_dir(), scratch.join("more")];
    args.extend(hostile());
    args.push(batch_dir().join("labels.json"));
    args.push(batch_dir().join("bundle-00004.zip"));
    args.push(batch_dir().join(".").join("bundle-00005.zip"));
    args.push(scratch.join("does-not-exist.zip"));
    let mut expected: BTreeSet<String> = batch()
        .labels
        .bundles
        .iter()
        .map(|b| batch_dir().join(&b.path).display().to_string())
        .collect();
    for name in ["bundle-00001.zip", "bundle-00002.zip", "bundle-00003.zip"] {
        expected.insert(nested.join(name).display().to_string());
    }
    expected.extend(hostile().iter().map(|p| p.display().to_string()));
    expected.insert(batch_dir().join("labels.json").display().to_string());
    expected.insert(scratch.join("does-not-exist.zip").display().to_string());
    (args, expected)
}

fn paths_once(tables: &ScanTables) -> BTreeSet<String> {
    let mut all: Vec<String> = tables
        .column_texts(Table::Bundles, "path")
        .unwrap()
        .into_iter()
        .flatten()
        .collect();
    all.extend(
        tables
            .column_texts(Table::Errors, "path")
            .unwrap()
            .into_iter()
            .flatten(),
    );
    let set: BTreeSet<String> = all.iter().cloned().collect();
    assert_eq!(set.len(), all.len(), "a path appears twice");
    set
}

#[test]
fn every_input_appears_exactly_once_in_every_format() {
    let scratch = tempfile::tempdir().unwrap();
    let (args, expected) = mixed_arguments(scratch.path());
    let list = inputs(&args, Shard::ALL);
    assert_eq!(list.len(), expected.len());
    for format in Format::ALL {
        let out = scratch.path().join(format!("out-{format}"));
        let summary = scan(&list, &out, &options(Level::Media, format), &quiet).unwrap();
        assert_eq!(summary.inputs, expected.len() as u64);
        let tables = read_scan(std::slice::from_ref(&out)).unwrap();
        assert_eq!(paths_once(&tables), expected, "{format}");
        // Nothing half-written is left, and the manifest is there.
        let names: Vec<String> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.ends_with(".partial")), "{names:?}");
        assert!(names.contains(&"scan.json".to_owned()));
        // The bombs are refused by the reader's limits; the non-zip is a not-zip error.
        let errors: BTreeMap<String, String> = tables
            .column_texts(Table::Errors, "path")
            .unwrap()
            .into_iter()
            .zip(tables.column_texts(Table::Errors, "error_kind").unwrap())
            .map(|(p, k)| (p.unwrap(), k.unwrap()))
            .collect();
        for bomb in ["bomb.zip", "bomb-image.zip"] {
            let key = hostile()
                .into_iter()
                .find(|p| p.ends_with(bomb))
                .unwrap()
                .display()
                .to_string();
            assert_eq!(
                errors.get(&key).map(String::as_str),
                Some("limit"),
                "{bomb}: {errors:?}"
            );
        }
        assert_eq!(
            errors
                .get(&batch_dir().join("labels.json").display().to_string())
                .map(String::as_str),
            Some("not-zip")
        );
        assert_eq!(
            errors
                .get(
                    &scratch
                        .path()
                        .join("does-not-exist.zip")
                        .display()
                        .to_string()
                )
                .map(String::as_str),
            Some("io")
        );
    }
}

#[test]
fn two_shards_merge_into_one_scan() {
    let scratch = tempfile::tempdir().unwrap();
    let mut args = vec![batch_dir()];
    args.extend(hostile());
    let whole_out = scratch.path().join("whole");
    scan(
        inputs(&args, Shard::ALL),
        &whole_out,
        &options(Level::Media, Format::Parquet),
        &quiet,
    )
    .unwrap();
    let shards = scratch.path().join("shards");
    for (k, format) in [(1, Format::Parquet), (2, Format::Ndjson)] {
        let shard = Shard::new(k, 2).unwrap();
        let opts = ScanOptions {
            shard: Some(shard),
            ..options(Level::Media, format)
        };
        let summary = scan(inputs(&args, shard), &shards, &opts, &quiet).unwrap();
        assert_eq!(
            summary.out_dir,
            Some(shards.join(format!("shard-{k}-of-2")))
        );
        assert!(summary.inputs > 0 && summary.inputs < (COUNT + hostile().len()) as u64);
    }
    let whole = read_scan(&[whole_out]).unwrap();
    let dirs = eidscope_tables::find_scan_dirs(&shards).unwrap();
    assert_eq!(dirs.len(), 2);
    let merged = read_scan(&dirs).unwrap();
    assert_eq!(paths_once(&whole), paths_once(&merged));
    for by in [
        StatsOptions::default(),
        StatsOptions {
            by: vec!["issuing_country".into()],
            every: Some(stats::Every::Week),
            ..StatsOptions::default()
        },
    ] {
        let a = serde_json::to_value(stats::compute(&whole, &by).unwrap()).unwrap();
        let b = serde_json::to_value(stats::compute(&merged, &by).unwrap()).unwrap();
        assert_eq!(a, b);
    }
}

#[test]
fn statistics_match_the_labels_of_a_seeded_batch() {
    let labels = &batch().labels;
    let (tables, summary) = scan_to_memory(
        &inputs(&[batch_dir()], Shard::ALL),
        &options(Level::Full, Format::Parquet),
    )
    .unwrap();
    assert_eq!(summary.bundles, COUNT as u64);
    let stats = stats::compute(&tables, &StatsOptions::default()).unwrap();
    let mut reported = BTreeMap::new();
    let mut derived = BTreeMap::new();
    let mut findings = BTreeMap::new();
    let mut mismatches = 0;
    for b in &labels.bundles {
        *reported
            .entry(b.reported_status.as_str().to_owned())
            .or_insert(0u64) += 1;
        *derived
            .entry(b.derived_status.as_str().to_owned())
            .or_insert(0u64) += 1;
        mismatches += u64::from(b.reported_status != b.derived_status);
        for code in &b.expected_findings {
            *findings.entry(code.as_str().to_owned()).or_insert(0u64) += 1;
        }
    }
    assert_eq!(stats.overall.total, COUNT as u64);
    assert_eq!(stats.overall.errors, Some(0));
    assert_eq!(stats.overall.reported_status, reported);
    assert_eq!(
        stats.overall.status, reported,
        "every synthetic bundle has a process"
    );
    assert_eq!(stats.overall.derived_status, derived);
    assert_eq!(stats.overall.status_mismatches, mismatches);
    let single: BTreeMap<String, u64> = stats
        .overall
        .findings
        .iter()
        .filter(|(code, _)| {
            code.parse::<eidscope_model::FindingCode>()
                .is_ok_and(|c| c.spec().scope == eidscope_model::FindingScope::Bundle)
        })
        .map(|(k, v)| (k.clone(), *v))
        .collect();
    assert_eq!(single, findings);
}

#[test]
fn parquet_columns_carry_their_types() {
    let scratch = tempfile::tempdir().unwrap();
    let mut args = vec![batch_dir()];
    args.extend(hostile());
    scan(
        inputs(&args, Shard::ALL),
        scratch.path(),
        &options(Level::Media, Format::Parquet),
        &quiet,
    )
    .unwrap();
    let file = std::fs::File::open(scratch.path().join("bundles.parquet")).unwrap();
    let bundles = ParquetReader::new(file).finish().unwrap();
    let dtype = |frame: &DataFrame, name: &str| frame.column(name).unwrap().dtype().clone();
    assert_eq!(
        dtype(&bundles, "created_at"),
        DataType::Datetime(TimeUnit::Milliseconds, Some(TimeZone::UTC))
    );
    assert_eq!(dtype(&bundles, "date_of_birth"), DataType::Date);
    assert_eq!(dtype(&bundles, "date_of_expiry"), DataType::Date);
    assert!(matches!(
        dtype(&bundles, "status"),
        DataType::Categorical(..)
    ));
    assert!(matches!(dtype(&bundles, "level"), DataType::Enum(..)));
    assert_eq!(dtype(&bundles, "checks_failed"), DataType::UInt32);
    assert_eq!(dtype(&bundles, "liveness_detected"), DataType::Boolean);
    let file = std::fs::File::open(scratch.path().join("findings.parquet")).unwrap();
    let findings = ParquetReader::new(file).finish().unwrap();
    assert!(matches!(dtype(&findings, "code"), DataType::Enum(..)));
    assert!(matches!(dtype(&findings, "severity"), DataType::Enum(..)));
    let file = std::fs::File::open(scratch.path().join("errors.parquet")).unwrap();
    let errors = ParquetReader::new(file).finish().unwrap();
    assert!(matches!(
        dtype(&errors, "error_kind"),
        DataType::Categorical(..)
    ));
    assert!(errors.height() > 0);
}

/// Every raw personal value of the batch: names, document and personal numbers, birth dates.
fn raw_values() -> BTreeSet<String> {
    let (tables, _) = scan_to_memory(
        &inputs(&[batch_dir()], Shard::ALL),
        &options(Level::Meta, Format::Parquet),
    )
    .unwrap();
    let mut raw = BTreeSet::new();
    for column in [
        "first_name",
        "last_name",
        "document_number",
        "personal_identification_number",
        "date_of_birth",
        "process_id",
    ] {
        for value in tables
            .column_texts(Table::Bundles, column)
            .unwrap()
            .into_iter()
            .flatten()
        {
            raw.insert(value.clone());
            raw.extend(
                value
                    .split_whitespace()
                    .filter(|part| part.len() >= 3)
                    .map(str::to_owned),
            );
        }
    }
    raw.retain(|v| v.len() >= 3);
    raw
}

#[test]
fn redaction_leaves_no_raw_name_or_number_in_any_file() {
    let raw = raw_values();
    assert!(raw.len() > 100, "{}", raw.len());
    let scratch = tempfile::tempdir().unwrap();
    // The search finds raw values where they are: an unredacted CSV scan holds them.
    let clear = scratch.path().join("clear");
    scan(
        inputs(&[batch_dir()], Shard::ALL),
        &clear,
        &options(Level::Meta, Format::Csv),
        &quiet,
    )
    .unwrap();
    let bundles = std::fs::read_to_string(clear.join("bundles.csv")).unwrap();
    assert!(raw.iter().filter(|v| bundles.contains(v.as_str())).count() > raw.len() / 2);
    let redactor = Redactor::new(b"test key").unwrap();
    for format in Format::ALL {
        let out = scratch.path().join(format.extension());
        let opts = ScanOptions {
            redactor: Some(redactor.clone()),
            write: WriteOptions {
                format,
                compress: false,
            },
            ..options(Level::Media, format)
        };
        scan(inputs(&[batch_dir()], Shard::ALL), &out, &opts, &quiet).unwrap();
        for entry in std::fs::read_dir(&out).unwrap() {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            for value in &raw {
                let found = bytes.windows(value.len()).any(|w| w == value.as_bytes());
                assert!(!found, "{} holds the raw value {value:?}", path.display());
            }
        }
        let tables = read_scan(&[out]).unwrap();
        for table in Table::ALL {
            for name in tables.table(table).get_column_names() {
                for cell in tables
                    .column_texts(table, name)
                    .unwrap()
                    .into_iter()
                    .flatten()
                {
                    for value in &raw {
                        assert!(
                            !cell.contains(value.as_str()),
                            "{format}: column {name} holds {value:?} in {cell:?}"
                        );
                    }
                }
            }
        }
        // Pseudonyms are stable: the same key gives the same document keys as before.
        let keys = tables.column_texts(Table::Bundles, "document_key").unwrap();
        assert!(keys.iter().flatten().all(|k| k.contains(":ps-")));
        // Birth dates become birth years.
        tables
            .each_row(|row: BundleRow| {
                assert!(row.date_of_birth.is_none() && row.redacted, "{}", row.path);
            })
            .unwrap();
        let years = tables.column_texts(Table::Bundles, "birth_year").unwrap();
        assert!(years.iter().any(Option::is_some));
    }
}

#[test]
fn the_same_key_gives_the_same_pseudonyms_across_runs() {
    let args = [batch_dir()];
    let run = |key: &[u8]| {
        let opts = ScanOptions {
            redactor: Some(Redactor::new(key).unwrap()),
            ..options(Level::Meta, Format::Parquet)
        };
        let (tables, _) = scan_to_memory(&inputs(&args, Shard::ALL), &opts).unwrap();
        let mut pairs: Vec<(Option<String>, Option<String>)> = tables
            .column_texts(Table::Bundles, "path")
            .unwrap()
            .into_iter()
            .zip(tables.column_texts(Table::Bundles, "document_key").unwrap())
            .collect();
        pairs.sort();
        pairs
    };
    assert_eq!(run(b"k1"), run(b"k1"));
    assert_ne!(run(b"k1"), run(b"k2"));
    // The synthetic document-reuse groups write one number in different ways: one pseudonym.
    let labels = &batch().labels;
    let by_path: BTreeMap<String, Option<String>> = run(b"k1")
        .into_iter()
        .map(|(p, k)| {
            (
                Path::new(&p.unwrap())
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                k,
            )
        })
        .collect();
    for group in labels
        .groups
        .iter()
        .filter(|g| g.code == eidscope_model::FindingCode::DocumentReuse)
    {
        let keys: BTreeSet<&Option<String>> = group.paths.iter().map(|p| &by_path[p]).collect();
        assert_eq!(keys.len(), 1, "{group:?}");
    }
}

/// The rows of every table, read back into their row types, sorted (the scan is parallel).
type AllRows = (
    Vec<BundleRow>,
    Vec<CheckRow>,
    Vec<FeatureRow>,
    Vec<MediaRow>,
    Vec<FindingRow>,
    Vec<ErrorRow>,
);

fn all_rows(tables: &ScanTables) -> AllRows {
    fn rows<R: TableRow>(tables: &ScanTables, key: impl Fn(&R) -> String) -> Vec<R> {
        let mut rows = Vec::new();
        tables.each_row(|row: R| rows.push(row)).unwrap();
        rows.sort_by_key(|row| key(row));
        rows
    }
    (
        rows(tables, |r: &BundleRow| r.path.clone()),
        rows(tables, |r: &CheckRow| format!("{} {}", r.path, r.check)),
        rows(tables, |r: &FeatureRow| {
            format!("{} {} {:?}", r.path, r.name_raw, r.x)
        }),
        rows(tables, |r: &MediaRow| format!("{} {}", r.path, r.kind)),
        rows(tables, |r: &FindingRow| {
            format!("{} {} {}", r.path, r.code, r.message)
        }),
        rows(tables, |r: &ErrorRow| r.path.clone()),
    )
}

#[test]
fn rows_read_back_from_every_format_are_the_rows_written() {
    let scratch = tempfile::tempdir().unwrap();
    let mut args = vec![batch_dir()];
    args.extend(hostile());
    let list = inputs(&args, Shard::ALL);
    let (memory, _) = scan_to_memory(&list, &options(Level::Media, Format::Parquet)).unwrap();
    let written = all_rows(&memory);
    assert!(
        written.0.len() > COUNT,
        "the batch and the readable hostile bundles"
    );
    assert!(!written.3.is_empty() && !written.4.is_empty() && !written.5.is_empty());
    for format in Format::ALL {
        let out = scratch.path().join(format.extension());
        scan(&list, &out, &options(Level::Media, format), &quiet).unwrap();
        let read = all_rows(&read_scan(&[out]).unwrap());
        assert!(read == written, "{format}: the rows read back differ");
    }
}

#[test]
fn the_same_inputs_give_the_same_bytes_whatever_the_threads() {
    let scratch = tempfile::tempdir().unwrap();
    let mut args = hostile();
    args.push(batch_dir());
    // The same inputs, listed in another order.
    let mut reversed = args.clone();
    reversed.reverse();
    for format in Format::ALL {
        let mut runs = Vec::new();
        for (run, (list, jobs)) in [(&args, 1), (&reversed, 3)].into_iter().enumerate() {
            let out = scratch.path().join(format!("{format}-{run}"));
            let opts = ScanOptions {
                jobs,
                links: Some(eidscope_analysis::links::LinkConfig::default()),
                ..options(Level::Media, format)
            };
            scan(inputs(list, Shard::ALL), &out, &opts, &quiet).unwrap();
            runs.push(out);
        }
        for table in Table::ALL {
            let name = table.file_name(format);
            let a = std::fs::read(runs[0].join(&name)).unwrap();
            let b = std::fs::read(runs[1].join(&name)).unwrap();
            assert!(a == b, "{name}: two scans of the same inputs differ");
        }
        // The rows are in path order; the run's time is in scan.json only.
        let tables = read_scan(&runs[..1]).unwrap();
        let paths: Vec<String> = tables
            .column_texts(Table::Bundles, "path")
            .unwrap()
            .into_iter()
            .flatten()
            .collect();
        let mut sorted = paths.clone();
        sorted.sort();
        assert_eq!(paths, sorted, "{format}");
        let manifest = eidscope_tables::Manifest::read(&runs[0]).unwrap();
        assert_eq!(manifest.level, Level::Media, "scan.json records the level");
    }
}

/// Bundles handed over as bytes (with the bytes of the process beside each, as Spark's
/// `binaryFile` source or an object store gives them) give the same tables as the same files
/// scanned by name: the same rows, statuses and findings, the hostile ones included.
#[test]
fn bundles_held_in_memory_scan_like_their_files() {
    let mut args = vec![batch_dir()];
    args.extend(hostile());
    let files = inputs(&args, Shard::ALL);
    let in_memory: Vec<Input> = files
        .iter()
        .map(|input| {
            let zip = std::fs::read(&input.file).unwrap();
            let process = eidscope_bundle::find_process_beside(&input.file)
                .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()));
            Input::in_memory(input.path.clone(), zip, process)
        })
        .collect();
    assert!(
        in_memory
            .iter()
            .any(|i| i.memory.as_ref().unwrap().process.is_some()),
        "the batch has processes beside its bundles"
    );
    let options = options(Level::Media, Format::Parquet);
    let (from_files, files_summary) = scan_to_memory(&files, &options).unwrap();
    let (from_bytes, bytes_summary) = scan_to_memory(&in_memory, &options).unwrap();
    assert_eq!(files_summary.inputs, bytes_summary.inputs);
    assert_eq!(files_summary.findings, bytes_summary.findings);
    for table in Table::ALL {
        assert!(
            from_files
                .table(table)
                .equals_missing(from_bytes.table(table)),
            "{table} differs"
        );
    }
}

/// A stream of inputs that counts how many the engine has taken.
struct Counted<I> {
    inner: I,
    taken: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl<I: Iterator> Iterator for Counted<I> {
    type Item = I::Item;

    fn next(&mut self) -> Option<I::Item> {
        let item = self.inner.next()?;
        self.taken.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Some(item)
    }
}

/// The scan takes its inputs from the stream as it goes, never far ahead of what is written
/// (what bounds its memory whatever the batch's size), and each gives its row once, in the
/// order taken.
#[test]
fn a_streamed_batch_is_taken_a_little_ahead_of_the_writer_and_each_input_once() {
    use std::sync::atomic::Ordering::SeqCst;
    const INPUTS: u64 = 5_000;
    let scratch = tempfile::tempdir().unwrap();
    let taken = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let stream = Counted {
        inner: (0..INPUTS).map(|i| {
            let path = format!("/nowhere/{i:05}.zip");
            Input {
                file: PathBuf::from(&path),
                path,
                error: Some(eidscope_tables::InputError::Open(std::io::Error::from(
                    std::io::ErrorKind::NotFound,
                ))),
                memory: None,
            }
        }),
        taken: taken.clone(),
    };
    let ahead = std::sync::atomic::AtomicU64::new(0);
    let progress = |done: u64| {
        ahead.fetch_max(taken.load(SeqCst) - done, SeqCst);
    };
    let out = scratch.path().join("out");
    let summary = scan(
        stream,
        &out,
        &options(Level::Meta, Format::Parquet),
        &progress,
    )
    .unwrap();
    assert_eq!(summary.inputs, INPUTS);
    assert_eq!(taken.load(SeqCst), INPUTS);
    // The order window (256 + 64 per thread), what the workers hold and the channel: a few
    // hundred, not the batch.
    let ahead = ahead.load(SeqCst);
    assert!(ahead < 600, "taken {ahead} inputs ahead of the writer");
    let tables = read_scan(&[out]).unwrap();
    let paths: Vec<String> = tables
        .column_texts(Table::Errors, "path")
        .unwrap()
        .into_iter()
        .flatten()
        .collect();
    let expected: Vec<String> = (0..INPUTS)
        .map(|i| format!("/nowhere/{i:05}.zip"))
        .collect();
    assert_eq!(paths, expected);
}

/// The end of a scan removes its parts by renaming the folder first, so that a kill during the
/// deletion leaves a finished scan: what such a kill leaves (the renamed folder, part of it
/// deleted) reads as a finished scan, and the next scan into the folder deletes it.
#[test]
fn a_removal_of_the_parts_cut_short_leaves_a_finished_scan() {
    let scratch = tempfile::tempdir().unwrap();
    let out = scratch.path().join("scan");
    let opts = ScanOptions {
        part_inputs: 3,
        ..options(Level::Meta, Format::Parquet)
    };
    scan(inputs(&[batch_dir()], Shard::ALL), &out, &opts, &quiet).unwrap();
    assert!(!out.join(eidscope_tables::parts::PARTS_DIR).exists());
    assert!(!out.join(eidscope_tables::parts::REMOVED_PARTS_DIR).exists());
    // What a kill during the deletion leaves: the renamed folder, some of its files gone.
    let leftover = out
        .join(eidscope_tables::parts::REMOVED_PARTS_DIR)
        .join("part-000002");
    std::fs::create_dir_all(&leftover).unwrap();
    std::fs::write(leftover.join("checks.parquet"), b"rows of bundles").unwrap();
    let tables = read_scan(std::slice::from_ref(&out)).unwrap();
    assert_eq!(paths_once(&tables).len(), batch().labels.count);
    let again = ScanOptions {
        output: eidscope_tables::OutputMode::Force,
        ..opts
    };
    scan(inputs(&[batch_dir()], Shard::ALL), &out, &again, &quiet).unwrap();
    assert!(!out.join(eidscope_tables::parts::REMOVED_PARTS_DIR).exists());
}
