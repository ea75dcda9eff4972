//! One bundle, assembled: the archive, the OCR evidence (from `ocr.json`, or the process's own
//! copy when the zip has none), the manual review, the process, the capture date and the derived
//! status. This is the normalised model every later stage works on.

use crate::archive::{Archive, ReadPlan};
use crate::dates::parse_timestamp;
use crate::error::BundleError;
use crate::json::parse_lenient;
use crate::limits::Limits;
use crate::manual::read_manual_approval;
use crate::ocr::Ocr;
use crate::process::{Process, find_process_beside};
use crate::status::{Derivation, derive};
use chrono::NaiveDate;
use eidscope_model::{EntryKind, ManualApproval, Note};
use std::collections::BTreeMap;
use std::path::Path;

/// Where the process of a bundle comes from.
#[derive(Debug, Clone, Copy)]
pub enum ProcessSource<'a> {
    /// `X.json` or `X.process.json` beside `X.zip`, when present; a beside-file that does not
    /// parse is noted and ignored.
    Beside,
    /// This file; it must parse.
    File(&'a Path),
    /// No process.
    Without,
}

/// The process of a bundle held in memory ([`Bundle::from_bytes`]).
#[derive(Debug, Clone, Copy)]
pub struct ProcessBytes<'a> {
    /// Its name (a path or an object-store address), for the report and the errors.
    pub name: &'a str,
    /// Its JSON.
    pub bytes: &'a [u8],
    /// Found beside the zip (by name, like [`ProcessSource::Beside`]): one that does not parse
    /// is noted and left out; otherwise it was named by the user and must parse.
    pub beside: bool,
}

/// A process as read, before it is judged by where it came from.
enum ProcessRead {
    /// None.
    Without,
    /// Named by the user: it must parse.
    Named(String, Result<Process, BundleError>),
    /// Found beside the zip: noted when it does not parse.
    Beside(String, Result<Process, BundleError>),
}

/// A bundle read and normalised.
#[derive(Debug, Clone)]
pub struct Bundle {
    /// The path as given.
    pub path: String,
    /// The zip.
    pub archive: Archive,
    /// The OCR evidence.
    pub ocr: Option<Ocr>,
    /// Where the OCR evidence came from (`ocr.json` or `process.providerSpecific.ocr`).
    pub ocr_source: Option<&'static str>,
    /// The manual review.
    pub manual_approval: Option<ManualApproval>,
    /// The JSON entries of the zip that could not be read or parsed, with the entry's name
    /// and the problem (`json-unreadable`): the bundle is analysed without them.
    pub unreadable_json: BTreeMap<EntryKind, (String, String)>,
    /// The process.
    pub process: Option<Process>,
    /// The capture date and the field it came from.
    pub capture: Option<(NaiveDate, String)>,
    /// The derived status.
    pub derivation: Derivation,
    /// What the reader tolerated, for the report.
    pub notes: Vec<Note>,
}

impl Bundle {
    /// Reads the bundle at `path` and its process.
    pub fn open(
        path: &Path,
        process: ProcessSource<'_>,
        plan: ReadPlan,
        limits: &Limits,
    ) -> Result<Bundle, BundleError> {
        let archive = Archive::open(path, plan, limits)?;
        let process = match process {
            ProcessSource::Without => ProcessRead::Without,
            ProcessSource::File(file) => {
                ProcessRead::Named(file.display().to_string(), Process::read(file, limits))
            }
            ProcessSource::Beside => match find_process_beside(path) {
                None => ProcessRead::Without,
                Some(file) => {
                    ProcessRead::Beside(file.display().to_string(), Process::read(&file, limits))
                }
            },
        };
        Bundle::with_process(path.display().to_string(), archive, process)
    }

    /// Reads a bundle held in memory (an object-store download, a DataFrame cell: no file and
    /// no temporary file), under the same limits as [`Bundle::open`]. `name` stands for the
    /// path in the report; the process, when given, is its name and bytes.
    pub fn from_bytes(
        name: &str,
        zip: &[u8],
        process: Option<ProcessBytes<'_>>,
        plan: ReadPlan,
        limits: &Limits,
    ) -> Result<Bundle, BundleError> {
        let size = zip.len() as u64;
        if size > limits.max_file_bytes {
            return Err(BundleError::TooLarge {
                size,
                limit: limits.max_file_bytes,
            });
        }
        crate::archive::check_zip_bytes(zip)?;
        let archive = Archive::from_bytes(zip, plan, limits)?;
        let process = match process {
            None => ProcessRead::Without,
            Some(given) => {
                let read = Process::from_limited_bytes(given.bytes, given.name, limits);
                if given.beside {
                    ProcessRead::Beside(given.name.to_owned(), read)
                } else {
                    ProcessRead::Named(given.name.to_owned(), read)
                }
            }
        };
        Bundle::with_process(name.to_owned(), archive, process)
    }

    /// Assembles a bundle with its process as read: a named process must have parsed, one
    /// beside the zip that did not is noted and left out.
    fn with_process(
        path: String,
        archive: Archive,
        process: ProcessRead,
    ) -> Result<Bundle, BundleError> {
        let mut notes = Vec::new();
        let process = match process {
            ProcessRead::Without => None,
            ProcessRead::Named(file, read) => Some(read.map_err(|e| BundleError::Process {
                file: file.into(),
                source: Box::new(e),
            })?),
            ProcessRead::Beside(file, read) => match read {
                Ok(p) => Some(p),
                Err(e) => {
                    notes.push(Note::ProcessIgnored {
                        file,
                        problem: e.line(),
                    });
                    None
                }
            },
        };
        let mut bundle = Bundle::assemble(path, archive, process)?;
        bundle.notes.splice(0..0, notes);
        Ok(bundle)
    }

    /// Normalises an archive already read, with its process.
    pub fn assemble(
        path: String,
        archive: Archive,
        process: Option<Process>,
    ) -> Result<Bundle, BundleError> {
        // A zip with none of a bundle's entries and no process beside it is not a bundle.
        if process.is_none() {
            archive.check_holds_bundle()?;
        }
        let mut notes = archive.notes.clone();
        if let Some(p) = &process {
            notes.extend(p.notes.iter().cloned());
        }
        let mut unreadable_json = BTreeMap::new();
        let mut json = |kind| -> Result<Option<serde_json::Value>, BundleError> {
            Ok(match json_entry(&archive, kind, &mut notes)? {
                JsonEntry::Absent => None,
                JsonEntry::Read(value) => Some(value),
                JsonEntry::Unreadable(name, problem) => {
                    unreadable_json.insert(kind, (name, problem));
                    None
                }
            })
        };
        let ocr_json = json(EntryKind::Ocr)?;
        let manual_json = json(EntryKind::ManualApproval)?;
        let (ocr_json, ocr_source) = match (
            ocr_json,
            process.as_ref().and_then(|p| p.provider_ocr.clone()),
        ) {
            (Some(v), _) => (Some(v), Some("ocr.json")),
            (None, Some(v)) => {
                notes.push(Note::OcrFromProcess);
                (Some(v), Some("process.providerSpecific.ocr"))
            }
            (None, None) => (None, None),
        };
        let manual_approval = manual_json
            .or_else(|| {
                process
                    .as_ref()
                    .and_then(|p| p.provider_manual_approval.clone())
            })
            .map(read_manual_approval);
        let capture = capture_date(
            process.as_ref(),
            ocr_json.as_ref(),
            manual_approval.as_ref(),
            &archive,
        );
        let reference = match &capture {
            Some((date, _)) => *date,
            None => {
                if ocr_json.is_some() {
                    notes.push(Note::NoCaptureDate);
                }
                chrono::Utc::now().date_naive()
            }
        };
        let ocr = ocr_json.map(|v| Ocr::from_json(v, reference));
        if let Some(o) = &ocr {
            notes.extend(o.notes.iter().cloned());
        }
        let derivation = derive(
            ocr.as_ref(),
            manual_approval.as_ref(),
            process.as_ref().and_then(|p| p.info.fail_reason.as_ref()),
        );
        Ok(Bundle {
            path,
            archive,
            ocr,
            ocr_source,
            manual_approval,
            unreadable_json,
            process,
            capture,
            derivation,
            notes,
        })
    }
}

/// A JSON entry of the archive, as far as it can be used.
enum JsonEntry {
    /// The zip has none (or it is encrypted: `encrypted-entry` says so).
    Absent,
    /// Its value.
    Read(serde_json::Value),
    /// Its name and why it cannot be used.
    Unreadable(String, String),
}

/// The value of a JSON entry of the archive; what was repaired to read it goes into `notes`.
/// An entry that cannot be read or parsed is [`JsonEntry::Unreadable`], and the bundle is read
/// without it; JSON that holds the `...` elisions of documentation examples is not a bundle.
fn json_entry(
    archive: &Archive,
    kind: EntryKind,
    notes: &mut Vec<Note>,
) -> Result<JsonEntry, BundleError> {
    let name = || {
        archive
            .entry(kind)
            .map_or_else(|| kind.file_name().to_owned(), |e| e.name.clone())
    };
    if let Some(problem) = archive.damaged.get(&kind) {
        return Ok(JsonEntry::Unreadable(name(), problem.clone()));
    }
    let Some(data) = archive.contents.get(&kind) else {
        return Ok(JsonEntry::Absent);
    };
    match parse_lenient(&data.bytes) {
        Ok(parsed) if parsed.repairs.elided => Err(BundleError::Elisions {
            entry: data.name.clone(),
        }),
        Ok(parsed) => {
            notes.extend(parsed.repairs.notes(&data.name));
            Ok(JsonEntry::Read(parsed.value))
        }
        Err(e) => Ok(JsonEntry::Unreadable(
            data.name.clone(),
            format!("does not parse: {}", eidscope_model::error_line(&e)),
        )),
    }
}

/// The capture date and where it came from: the process creation, else the OCR data's own
/// times, else the agent's decision time, else the zip's clock.
fn capture_date(
    process: Option<&Process>,
    ocr_json: Option<&serde_json::Value>,
    manual_approval: Option<&ManualApproval>,
    archive: &Archive,
) -> Option<(NaiveDate, String)> {
    process
        .and_then(|p| p.info.created_at)
        .map(|t| (t.date_naive(), "process.createdAt".to_owned()))
        .or_else(|| {
            ocr_json
                .and_then(Ocr::capture_time)
                .map(|(t, label)| (t.date_naive(), label.to_owned()))
        })
        .or_else(|| {
            manual_approval
                .and_then(|m| m.decided_at.as_deref())
                .and_then(parse_timestamp)
                .map(|t| (t.date_naive(), "manual_approval time".to_owned()))
        })
        .or_else(|| {
            archive
                .contents
                .get(&EntryKind::Ocr)
                .and_then(|d| d.modified)
                .map(|t| (t.date(), "ocr.json modification time in the zip".to_owned()))
        })
}
