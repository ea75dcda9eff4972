//! One bundle, from request to disk: skip it when it is already complete, else "Get process"
//! (a JSON object, for this process, in a final status), then "Download full result" (a zip by
//! its first bytes, whole by its central directory) into a partial file, and only then both
//! files under their names: the process JSON first, the zip last, so a zip in the folder always
//! has its process beside it.

use crate::http::{Client, End};
use crate::id::{AssureId, shorten};
use crate::manifest::{BundleRecord, BundleState, Transfer};
use crate::settings::SizeLimits;
use crate::sink::{MemorySink, Refusal, Sink, describe_body};
use crate::store::{self, BundlePaths, Partial, ZIP_MAGIC};

/// Statuses after which a process still changes: its result is not there yet.
const NOT_FINAL: [&str; 2] = ["pending", "processing"];

/// The URL path of "Get process".
pub fn process_path(dossier: &AssureId, process: &AssureId) -> String {
    format!("/assure/dossiers/{dossier}/processes/{process}")
}

/// Fetches one bundle, or records why not.
pub fn fetch_bundle(
    client: &Client<'_>,
    limits: &SizeLimits,
    dossier: &AssureId,
    process: &AssureId,
    paths: &BundlePaths,
    previous: Option<&BundleRecord>,
) -> (BundleRecord, Option<End>) {
    let process_url = process_path(dossier, process);
    let download_url = format!("{process_url}/download");
    let mut record = BundleRecord {
        dossier_id: dossier.clone(),
        process_id: process.clone(),
        state: BundleState::Failed,
        zip: paths.zip_rel.clone(),
        process_file: paths.process_rel.clone(),
        process: Transfer {
            url_path: process_url.clone(),
            ..Transfer::default()
        },
        download: None,
        verified_at: None,
        error: None,
    };
    let known = previous.and_then(BundleRecord::digests);
    if let Some((zip, json)) = store::complete_on_disk(paths, known, limits.json_bytes) {
        return (
            already_complete(record, previous, &download_url, zip, json),
            None,
        );
    }
    let mut answer = MemorySink::default();
    let (transfer, end) = client.get(&process_url, limits.json_bytes, &mut answer);
    record.process = transfer;
    if end != End::Done {
        record.error = record.process.error.clone();
        return (record, Some(end));
    }
    if let Err(why) = check_process(&answer.bytes, process) {
        record.error = Some(why);
        return (record, None);
    }
    if let Err(e) = store::ensure_dir(&paths.dir) {
        record.error = Some(format!("cannot write into {}: {e}", paths.dir.display()));
        return (record, None);
    }
    let mut zip = match ZipSink::new(&paths.zip) {
        Ok(zip) => zip,
        Err(e) => {
            record.error = Some(format!("cannot write {}: {e}", paths.zip.display()));
            return (record, None);
        }
    };
    let (transfer, end) = client.get(&download_url, limits.zip_bytes, &mut zip);
    record.error = transfer.error.clone();
    record.download = Some(transfer);
    if end != End::Done {
        return (record, Some(end));
    }
    let written = store::write_whole(&paths.process, &answer.bytes)
        .map_err(|e| format!("cannot write {}: {e}", paths.process.display()))
        .and_then(|()| {
            zip.partial
                .commit()
                .map_err(|e| format!("cannot write {}: {e}", paths.zip.display()))
        });
    match written {
        Ok(()) => record.state = BundleState::Downloaded,
        Err(why) => record.error = Some(why),
    }
    (record, None)
}

/// The record of a bundle found complete: the earlier run's, or one made from the disk.
fn already_complete(
    record: BundleRecord,
    previous: Option<&BundleRecord>,
    download_url: &str,
    zip: store::OnDisk,
    json: store::OnDisk,
) -> BundleRecord {
    let from_disk = |url_path: &str, file: store::OnDisk| Transfer {
        url_path: url_path.to_owned(),
        size: Some(file.size),
        sha256: Some(file.sha256),
        ..Transfer::default()
    };
    let mut record = match previous {
        Some(previous) if previous.digests().is_some() => previous.clone(),
        _ => BundleRecord {
            process: from_disk(&record.process.url_path, json),
            download: Some(from_disk(download_url, zip)),
            ..record
        },
    };
    record.state = BundleState::AlreadyComplete;
    record.error = None;
    record.verified_at = Some(chrono::Utc::now());
    record
}

/// The process answer must be an object, about this process, in a final status.
fn check_process(bytes: &[u8], process: &AssureId) -> Result<(), String> {
    let map = store::check_process_json(bytes)?;
    if let Some(id) = map.get("processId").and_then(|v| v.as_str())
        && id != process.as_str()
    {
        return Err(format!(
            "the process answer is about another process (`{}`)",
            shorten(id)
        ));
    }
    if let Some(status) = map.get("status").and_then(|v| v.as_str())
        && NOT_FINAL.contains(&status)
    {
        return Err(format!(
            "the process is `{status}`, not final yet: a later run fetches it"
        ));
    }
    Ok(())
}

/// The zip being received: sniffed by its first bytes, checked whole before it is committed.
struct ZipSink {
    partial: Partial,
    head: Vec<u8>,
}

/// How much of a body that is not a zip is kept to describe it.
const HEAD_BYTES: usize = 2048;

impl ZipSink {
    fn new(target: &std::path::Path) -> std::io::Result<ZipSink> {
        Ok(ZipSink {
            partial: Partial::create(target)?,
            head: Vec::new(),
        })
    }

    fn is_zip(&self) -> Option<bool> {
        (self.head.len() >= ZIP_MAGIC.len()).then(|| self.head.starts_with(ZIP_MAGIC))
    }

    fn not_a_zip(&self) -> Refusal {
        Refusal::Retry(format!(
            "the answer is {}, not a zip",
            describe_body(&self.head)
        ))
    }
}

impl Sink for ZipSink {
    fn restart(&mut self) -> Result<(), Refusal> {
        self.head.clear();
        self.partial
            .restart()
            .map_err(|e| Refusal::Fail(format!("cannot write the zip: {e}")))
    }

    fn accept(&mut self, bytes: &[u8]) -> Result<(), Refusal> {
        if self.is_zip() != Some(true) && self.head.len() < HEAD_BYTES {
            let room = HEAD_BYTES - self.head.len();
            self.head.extend_from_slice(&bytes[..bytes.len().min(room)]);
        }
        match self.is_zip() {
            Some(false) if self.head.len() >= HEAD_BYTES => Err(self.not_a_zip()),
            Some(false) => Ok(()),
            _ => self
                .partial
                .write(bytes)
                .map_err(|e| Refusal::Fail(format!("cannot write the zip: {e}"))),
        }
    }

    fn finish(&mut self) -> Result<(), Refusal> {
        if self.is_zip() != Some(true) {
            return Err(self.not_a_zip());
        }
        let file = self
            .partial
            .reopen()
            .map_err(|e| Refusal::Fail(format!("cannot read the zip back: {e}")))?;
        store::check_zip(file).map_err(|why| Refusal::Retry(format!("the zip is not whole: {why}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn process_answers_are_checked() {
        let p = AssureId::parse("P1").unwrap();
        assert!(check_process(br#"{"processId":"P1","status":"accepted"}"#, &p).is_ok());
        assert!(check_process(br#"{"status":"rejected"}"#, &p).is_ok());
        assert!(check_process(br#"{"processId":"P2"}"#, &p).is_err());
        let e = check_process(br#"{"processId":"P1","status":"pending"}"#, &p).unwrap_err();
        assert!(e.contains("not final"), "{e}");
        assert!(check_process(b"[1]", &p).is_err());
    }

    #[test]
    fn the_zip_sink_refuses_what_is_not_a_zip() {
        let dir = tempfile::tempdir().unwrap();
        let mut sink = ZipSink::new(&dir.path().join("a.zip")).unwrap();
        sink.restart().unwrap();
        sink.accept(b"<!doctype html><p>maintenance</p>").unwrap();
        let Err(Refusal::Retry(why)) = sink.finish() else {
            panic!("an HTML page passed as a zip")
        };
        assert!(why.contains("HTML page"), "{why}");
        sink.restart().unwrap();
        assert!(sink.accept(&vec![b'x'; HEAD_BYTES + 1]).is_err());
        sink.restart().unwrap();
        sink.accept(b"PK\x03\x04 but cut").unwrap();
        let Err(Refusal::Retry(why)) = sink.finish() else {
            panic!("a truncated zip passed")
        };
        assert!(why.contains("not whole"), "{why}");
    }
}
