//! `eidscope._native`: the Rust side of the Python package (python/eidscope). Each function
//! calls the library functions the command line calls (`eidscope-pipeline` for one bundle,
//! `eidscope-tables` for a batch, its statistics and links, `eidscope_pipeline::overlay` for a
//! bundle's pictures), with the GIL released while Rust
//! works, and hands back JSON documents (the command line's `--json` output, parsed by the
//! Python layer) or Arrow IPC streams ([`arrow`]). Errors are `eidscope.EidscopeError` with the
//! command line's words.
//!
//! This crate never analyses anything itself and never writes a file: bundles given as bytes
//! are read from memory.

mod arrow;

use eidscope_analysis::Thresholds;
use eidscope_analysis::links::{DEFAULT_NEAR_BITS, LinkConfig, VelocityRule};
use eidscope_bundle::{BundleError, Limits};
use eidscope_model::{FindingCode, FindingScope, Level, Vocabulary};
use eidscope_pipeline::overlay::{ElaSides, draw, png_bytes};
use eidscope_pipeline::{self as pipeline, ProcessBytes};
use eidscope_tables::faces::FaceLinks;
use eidscope_tables::links::{LinksInputs, links_report, one_per_attempt, repeated_note};
use eidscope_tables::stats::{Every, GroupOrder, StatsOptions};
use eidscope_tables::{Input, ScanOptions, ScanTables, Shard, TablesError};
use pyo3::exceptions::{PyException, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict};
use std::io::Read;
use std::path::{Path, PathBuf};

pyo3::create_exception!(
    eidscope,
    EidscopeError,
    PyException,
    "A bundle, a batch or tables eidscope could not read; the message is the command line's."
);

/// The error of `what` (a path or a name) as the command line words it: `what: problem`.
fn bundle_error(what: &str, error: &BundleError) -> PyErr {
    EidscopeError::new_err(format!("{what}: {}", error.line()))
}

/// A batch error as the command line words it.
fn tables_error(error: &TablesError) -> PyErr {
    EidscopeError::new_err(eidscope_model::error_line(error))
}

/// A word of a closed set (a level, a period, an order), or `ValueError` listing the words.
fn word<T: std::str::FromStr<Err = String>>(text: &str) -> PyResult<T> {
    text.parse::<T>().map_err(PyValueError::new_err)
}

/// A bundle or process as Python gives it: a path (`str`, `os.PathLike`) or its bytes.
enum Source {
    /// A file to read.
    Path(PathBuf),
    /// The bytes themselves.
    Bytes(Vec<u8>),
}

impl<'a, 'py> FromPyObject<'a, 'py> for Source {
    type Error = PyErr;

    fn extract(object: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if let Ok(bytes) = object.cast::<PyBytes>() {
            return Ok(Source::Bytes(bytes.as_bytes().to_vec()));
        }
        if let Ok(bytes) = object.cast::<PyByteArray>() {
            return Ok(Source::Bytes(bytes.to_vec()));
        }
        Ok(Source::Path(object.extract()?))
    }
}

/// The report of one bundle at level `full` as the JSON document of `inspect --json`.
#[pyfunction]
#[pyo3(signature = (bundle, process=None, name=None))]
fn inspect(
    py: Python<'_>,
    bundle: Source,
    process: Option<Source>,
    name: Option<String>,
) -> PyResult<String> {
    py.detach(|| {
        let (label, opened) = open_source(bundle, process, name)?;
        let report = pipeline::report(&opened, Level::Full, &Thresholds::default());
        serde_json::to_string(&report)
            .map_err(|e| EidscopeError::new_err(format!("{label}: cannot write JSON: {e}")))
    })
}

/// Opens a bundle given by path or bytes at level `full`; returns its name and the bundle.
fn open_source(
    bundle: Source,
    process: Option<Source>,
    name: Option<String>,
) -> PyResult<(String, eidscope_bundle::Bundle)> {
    match (bundle, process) {
        (Source::Path(path), None) => open_path(&path, None),
        (Source::Path(path), Some(Source::Path(process))) => open_path(&path, Some(&process)),
        (Source::Path(path), Some(Source::Bytes(process))) => {
            let label = path.display().to_string();
            let zip = eidscope_bundle::archive::read_file(&path, &Limits::default())
                .map_err(|e| bundle_error(&label, &e))?;
            open_bytes(label, &zip, Some(("process", &process)))
        }
        (Source::Bytes(zip), process) => {
            let label = name.unwrap_or_else(|| "bundle.zip".to_owned());
            match process {
                None => open_bytes(label, &zip, None),
                Some(Source::Bytes(process)) => {
                    open_bytes(label, &zip, Some(("process", &process)))
                }
                Some(Source::Path(file)) => {
                    let process = read_process(&file)?;
                    let file = file.display().to_string();
                    open_bytes(label, &zip, Some((&file, &process)))
                }
            }
        }
    }
}

/// A bundle file, with the process named, else the one beside it.
fn open_path(path: &Path, process: Option<&Path>) -> PyResult<(String, eidscope_bundle::Bundle)> {
    let label = path.display().to_string();
    let bundle =
        pipeline::open(path, process, Level::Full).map_err(|e| bundle_error(&label, &e))?;
    Ok((label, bundle))
}

/// A bundle held in memory, with the process named by the user (it must parse).
fn open_bytes(
    label: String,
    zip: &[u8],
    process: Option<(&str, &[u8])>,
) -> PyResult<(String, eidscope_bundle::Bundle)> {
    let process = process.map(|(name, bytes)| ProcessBytes {
        name,
        bytes,
        beside: false,
    });
    let bundle = pipeline::open_bytes(&label, zip, process, Level::Full)
        .map_err(|e| bundle_error(&label, &e))?;
    Ok((label, bundle))
}

/// A process file named by the user, read up to the size of a JSON entry (one byte past it, so
/// that the reader refuses it as too large).
fn read_process(file: &Path) -> PyResult<Vec<u8>> {
    let limit = Limits::default().max_json_bytes;
    let mut bytes = Vec::new();
    std::fs::File::open(file)
        .and_then(|f| f.take(limit + 1).read_to_end(&mut bytes))
        .map_err(|error| {
            let error = BundleError::Process {
                file: file.to_path_buf(),
                source: Box::new(BundleError::ProcessUnreadable { error }),
            };
            EidscopeError::new_err(error.line())
        })?;
    Ok(bytes)
}

/// The scan options of the Python functions: the command line's defaults at `level`.
fn scan_options(level: &str, jobs: Option<usize>) -> PyResult<ScanOptions> {
    Ok(ScanOptions {
        level: word::<Level>(level)?,
        jobs: jobs.unwrap_or(0),
        ..ScanOptions::default()
    })
}

/// The tables as a dict of Arrow IPC streams by table name.
fn streams<'py>(py: Python<'py>, tables: &ScanTables) -> PyResult<Bound<'py, PyDict>> {
    let streams = py
        .detach(|| arrow::to_streams(tables))
        .map_err(|e| tables_error(&e))?;
    let dict = PyDict::new(py);
    for (name, stream) in streams {
        dict.set_item(name, PyBytes::new(py, &stream))?;
    }
    Ok(dict)
}

/// Scans bundle files and folders (walked for `*.zip`) in parallel, like `eidscope scan`,
/// into the tables held in memory, as Arrow IPC streams by table name.
#[pyfunction]
#[pyo3(signature = (paths, level="media", jobs=None))]
fn scan<'py>(
    py: Python<'py>,
    paths: Vec<PathBuf>,
    level: &str,
    jobs: Option<usize>,
) -> PyResult<Bound<'py, PyDict>> {
    let options = scan_options(level, jobs)?;
    let tables = py.detach(|| -> PyResult<ScanTables> {
        if let Some(missing) = paths.iter().find(|p| std::fs::metadata(p).is_err()) {
            return Err(EidscopeError::new_err(format!(
                "{}: no such file or folder",
                missing.display()
            )));
        }
        let inputs = eidscope_tables::expand(&paths, &mut std::io::empty(), Shard::ALL);
        if inputs.is_empty() {
            let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
            return Err(EidscopeError::new_err(format!(
                "no bundle found in {} (folders are searched for *.zip files)",
                names.join(", ")
            )));
        }
        let (tables, _) =
            eidscope_tables::scan_to_memory(&inputs, &options).map_err(|e| tables_error(&e))?;
        Ok(tables)
    })?;
    streams(py, &tables)
}

/// One bundle held in memory: its name, its zip, and the process beside it (name, JSON).
type BundleBytes<'py> = (
    String,
    Bound<'py, PyBytes>,
    Option<(String, Bound<'py, PyBytes>)>,
);

/// Scans bundles held in memory (Spark's `binaryFile` rows, object-store downloads) like
/// files of the same names: the process beside each is judged like a process beside a file.
#[pyfunction]
#[pyo3(signature = (bundles, level="media", jobs=None))]
fn scan_bytes<'py>(
    py: Python<'py>,
    bundles: Vec<BundleBytes<'py>>,
    level: &str,
    jobs: Option<usize>,
) -> PyResult<Bound<'py, PyDict>> {
    let options = scan_options(level, jobs)?;
    let inputs: Vec<Input> = bundles
        .into_iter()
        .map(|(name, zip, process)| {
            let process = process.map(|(p, bytes)| (p, bytes.as_bytes().to_vec()));
            Input::in_memory(name, zip.as_bytes().to_vec(), process)
        })
        .collect();
    let tables = py
        .detach(|| eidscope_tables::scan_to_memory(&inputs, &options))
        .map_err(|e| tables_error(&e))?
        .0;
    streams(py, &tables)
}

/// The empty tables, as Arrow IPC streams by table name: their schemas.
#[pyfunction]
fn empty_tables(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let tables = ScanTables::empty().map_err(|e| tables_error(&e))?;
    streams(py, &tables)
}

/// Tables from Arrow IPC streams by name, or from scan output folders.
enum TablesSource {
    /// Streams by table name.
    Streams(Vec<(String, Vec<u8>)>),
    /// Scan output folders (shards merged).
    Folders(Vec<PathBuf>),
}

impl TablesSource {
    fn read(self) -> PyResult<ScanTables> {
        match self {
            TablesSource::Streams(streams) => arrow::from_streams(&streams),
            TablesSource::Folders(folders) => eidscope_tables::read_scan(&folders),
        }
        .map_err(|e| tables_error(&e))
    }
}

impl<'a, 'py> FromPyObject<'a, 'py> for TablesSource {
    type Error = PyErr;

    fn extract(object: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if let Ok(dict) = object.cast::<PyDict>() {
            let mut streams = Vec::with_capacity(dict.len());
            for (name, stream) in dict.iter() {
                let stream = stream.cast_into::<PyBytes>()?;
                streams.push((name.extract()?, stream.as_bytes().to_vec()));
            }
            return Ok(TablesSource::Streams(streams));
        }
        Ok(TablesSource::Folders(object.extract()?))
    }
}

/// The statistics of `eidscope stats --json` over tables (Arrow IPC streams by name) or scan
/// output folders, grouped `by` bundles columns and `every` period of `created_at`.
#[pyfunction]
#[pyo3(signature = (tables, by=Vec::new(), every=None, sort="key", min_count=0))]
fn stats(
    py: Python<'_>,
    tables: TablesSource,
    by: Vec<String>,
    every: Option<&str>,
    sort: &str,
    min_count: u64,
) -> PyResult<String> {
    let options = StatsOptions {
        by: by
            .iter()
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty())
            .collect(),
        every: every.map(word::<Every>).transpose()?,
        sort: word::<GroupOrder>(sort)?,
        min_count,
    };
    py.detach(|| {
        let tables = tables.read()?;
        let result =
            eidscope_tables::stats::compute(&tables, &options).map_err(|e| tables_error(&e))?;
        serde_json::to_string(&result)
            .map_err(|e| EidscopeError::new_err(format!("cannot write JSON: {e}")))
    })
}

/// The `links --json` document over tables or scan output folders (rings, reuse, velocity,
/// and the cross-bundle checks the scan levels could not run), and how many bundles repeated
/// one already read (counted once, as the command line does).
#[pyfunction]
#[pyo3(signature = (tables, codes=Vec::new(), velocity="3/24h", near_bits=DEFAULT_NEAR_BITS))]
fn links(
    py: Python<'_>,
    tables: TablesSource,
    codes: Vec<String>,
    velocity: &str,
    near_bits: u32,
) -> PyResult<(String, usize, String)> {
    let codes = codes
        .iter()
        .map(String::as_str)
        .map(batch_code)
        .collect::<PyResult<Vec<FindingCode>>>()?;
    if near_bits > 16 {
        return Err(PyValueError::new_err(format!(
            "near_bits {near_bits}: expected 0 to 16"
        )));
    }
    let config = LinkConfig {
        near_bits,
        velocity: word::<VelocityRule>(velocity)?,
    };
    py.detach(|| {
        let tables = tables.read()?;
        let mut records = eidscope_tables::links::records(&tables).map_err(|e| tables_error(&e))?;
        let repeated = one_per_attempt(&mut records);
        let inputs = LinksInputs {
            levels: tables.levels().map_err(|e| tables_error(&e))?,
            unreadable: 0,
            face_findings: FaceLinks::from_tables(&tables)
                .map_err(|e| tables_error(&e))?
                .findings(),
        };
        let report = links_report(&records, inputs, &config, &codes);
        let json = serde_json::to_string(&report)
            .map_err(|e| EidscopeError::new_err(format!("cannot write JSON: {e}")))?;
        Ok((json, repeated, repeated_note(repeated)))
    })
}

/// A finding code of the cross-bundle rules (`links --code`), or `ValueError` listing them.
fn batch_code(word: &str) -> PyResult<FindingCode> {
    let batch: Vec<&str> = FindingCode::ALL
        .iter()
        .filter(|c| c.spec().scope == FindingScope::Batch)
        .map(|c| c.word())
        .collect();
    match word.parse::<FindingCode>() {
        Ok(code) if code.spec().scope == FindingScope::Batch => Ok(code),
        _ => Err(PyValueError::new_err(format!(
            "unknown cross-bundle finding code `{word}` (expected {})",
            batch.join(", ")
        ))),
    }
}

/// The pictures of one bundle for a reviewer, as `eidscope overlay` writes them: PNG bytes by
/// the file name without `.png` (`front`, `back`, `contact-sheet`, with `ela` also
/// `front.ela`, `back.ela`), in the command's order.
#[pyfunction]
#[pyo3(signature = (bundle, process=None, name=None, frames=3, ela=false))]
fn overlay(
    py: Python<'_>,
    bundle: Source,
    process: Option<Source>,
    name: Option<String>,
    frames: usize,
    ela: bool,
) -> PyResult<Vec<(String, Py<PyBytes>)>> {
    let pictures = py.detach(|| -> PyResult<Vec<(String, Vec<u8>)>> {
        let (label, opened) = open_source(bundle, process, name)?;
        let png = |image: image::RgbImage| {
            png_bytes(&image::DynamicImage::ImageRgb8(image))
                .map_err(|e| EidscopeError::new_err(format!("{label}: cannot write PNG: {e}")))
        };
        let sides = if ela { ElaSides::All } else { ElaSides::None };
        // As in the command, a side that does not recompress has no map.
        let (drawn, _) = draw(&opened, Path::new(&label), frames, sides).into_pictures();
        let mut pictures = Vec::new();
        for picture in drawn {
            pictures.push((picture.name, png(picture.image)?));
        }
        Ok(pictures)
    })?;
    Ok(pictures
        .into_iter()
        .map(|(name, bytes)| (name, PyBytes::new(py, &bytes).unbind()))
        .collect())
}

/// The words of the levels, for the Python layer's checks and messages.
#[pyfunction]
fn levels() -> Vec<&'static str> {
    Level::ALL.iter().map(|l| l.word()).collect()
}

/// The module.
#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add("EidscopeError", module.py().get_type::<EidscopeError>())?;
    module.add_function(wrap_pyfunction!(inspect, module)?)?;
    module.add_function(wrap_pyfunction!(scan, module)?)?;
    module.add_function(wrap_pyfunction!(scan_bytes, module)?)?;
    module.add_function(wrap_pyfunction!(empty_tables, module)?)?;
    module.add_function(wrap_pyfunction!(stats, module)?)?;
    module.add_function(wrap_pyfunction!(links, module)?)?;
    module.add_function(wrap_pyfunction!(overlay, module)?)?;
    module.add_function(wrap_pyfunction!(levels, module)?)?;
    Ok(())
}
