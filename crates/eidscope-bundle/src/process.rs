//! The Assure "Get process" response beside a bundle (`X.json` or `X.process.json` for `X.zip`,
//! or a file named with `--process`): status, type, times, fail reason, and the provider's own
//! copy of the OCR data.

use crate::dates::parse_timestamp;
use crate::error::BundleError;
use crate::json::{field, object, parse_lenient, text};
use crate::limits::Limits;
use eidscope_model::{FailReason, Note, ProcessInfo, Status};
use serde_json::Value;
use std::io::Read;
use std::path::{Path, PathBuf};

/// A parsed process with the provider's OCR copy, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct Process {
    /// The fields eidscope reports.
    pub info: ProcessInfo,
    /// `providerSpecific.ocr`, shape A.
    pub provider_ocr: Option<Value>,
    /// `providerSpecific.manualApproval`.
    pub provider_manual_approval: Option<Value>,
    /// What was tolerated while reading.
    pub notes: Vec<Note>,
}

/// The process file for a bundle path: `X.json`, else `X.process.json`.
pub fn find_process_beside(bundle: &Path) -> Option<PathBuf> {
    let stem = bundle.file_stem()?.to_string_lossy().into_owned();
    let dir = bundle.parent().unwrap_or(Path::new(""));
    [format!("{stem}.json"), format!("{stem}.process.json")]
        .into_iter()
        .map(|name| dir.join(name))
        .find(|p| p.is_file())
}

impl Process {
    /// Reads and parses a process file.
    pub fn read(path: &Path, limits: &Limits) -> Result<Process, BundleError> {
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .and_then(|f| f.take(limits.max_json_bytes + 1).read_to_end(&mut bytes))
            .map_err(|error| BundleError::ProcessUnreadable { error })?;
        Process::from_limited_bytes(&bytes, &path.display().to_string(), limits)
    }

    /// Parses a process from JSON bytes held in memory, refused over the size of a JSON entry
    /// (`limits.max_json_bytes`) like a file.
    pub fn from_limited_bytes(
        bytes: &[u8],
        source: &str,
        limits: &Limits,
    ) -> Result<Process, BundleError> {
        if bytes.len() as u64 > limits.max_json_bytes {
            return Err(BundleError::ProcessTooLarge {
                limit: limits.max_json_bytes,
            });
        }
        Process::from_bytes(bytes, source)
    }

    /// Parses a process from JSON bytes; `source` names it in the report.
    pub fn from_bytes(bytes: &[u8], source: &str) -> Result<Process, BundleError> {
        let parsed = parse_lenient(bytes).map_err(BundleError::ProcessMalformed)?;
        let mut process = Process::from_json(&parsed.value, source);
        process.notes.extend(parsed.repairs.notes(source));
        if parsed.repairs.elided {
            process.notes.push(Note::ProcessElisions);
        }
        Ok(process)
    }

    /// Reads the known fields of a process value.
    pub fn from_json(value: &Value, source: &str) -> Process {
        let empty = serde_json::Map::new();
        let o = value.as_object().unwrap_or(&empty);
        let mut notes = Vec::new();
        if value.as_object().is_none() {
            notes.push(Note::ProcessNotObject);
        }
        let time = |name: &str, notes: &mut Vec<Note>| {
            let raw = text(o, &[name])?;
            let parsed = parse_timestamp(&raw);
            if parsed.is_none() {
                notes.push(Note::ProcessTime {
                    field: name.to_owned(),
                    value: raw,
                });
            }
            parsed
        };
        let created_at = time("createdAt", &mut notes);
        let updated_at = time("updatedAt", &mut notes);
        let fail_reason = object(o, &["failReason"]).map(|f| FailReason {
            id: text(f, &["id"]),
            kind: text(f, &["type"]),
            message: text(f, &["message"]),
        });
        let specific = object(o, &["providerSpecific"]);
        let provider_ocr = specific
            .and_then(|s| field(s, &["ocr"]))
            .filter(|v| v.is_object())
            .cloned();
        let provider_manual_approval = specific
            .and_then(|s| field(s, &["manualApproval"]))
            .cloned();
        Process {
            info: ProcessInfo {
                source: source.to_owned(),
                process_id: text(o, &["processId", "id"]),
                provider: text(o, &["provider"]).map(|p| p.to_ascii_lowercase()),
                status: text(o, &["status"]).map(|s| Status::parse(&s)),
                process_type: text(o, &["processType"]),
                created_at,
                updated_at,
                fail_reason,
                has_final_result: field(o, &["finalResult"]).is_some(),
                has_provider_ocr: provider_ocr.is_some(),
            },
            provider_ocr,
            provider_manual_approval,
            notes,
        }
    }
}
