//! The container around the entries: bytes before the zip (`prefixed-archive`), bytes after its
//! end record (`trailing-data`), and what in its structure does not agree with itself
//! (`archive-damaged`): the end record against the zip64 end record, the central directory
//! against the size and count its end records give, each local header against its central
//! header, entries that overlap or hide between others.
//!
//! The zip crate reads leniently (as it should, to read what can be read); these checks say
//! where a strict reader (unzip, Python's zipfile, libzip's consistency check) would disagree,
//! because an archive that two readers read differently can show an analyst one bundle and a
//! decision system another. This module only looks: it never decides whether a bundle is read.

use super::source::{END_RECORD, END_RECORD_LEN, END_SEARCH};
use std::io::Cursor;
use zip::result::ZipError;

/// What the container says beyond its entries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Structure {
    /// Bytes before the zip's first header (a self-extractor's stub, another file in front).
    pub prefix_bytes: u64,
    /// Bytes after the end record and its comment.
    pub trailing_bytes: u64,
    /// Each inconsistency, in one sentence.
    pub problems: Vec<String>,
}

/// The zip index the zip crate built, over the bundle's bytes.
pub(crate) type Index<'a> = zip::ZipArchive<Cursor<&'a [u8]>>;

const CENTRAL_HEADER: &[u8; 4] = b"PK\x01\x02";
const ZIP64_LOCATOR: &[u8; 4] = b"PK\x06\x07";
const ZIP64_END: &[u8; 4] = b"PK\x06\x06";

fn le16(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
}

fn le32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

fn le64(bytes: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(bytes.get(at..at + 8)?.try_into().ok()?))
}

fn at(bytes: &[u8], pos: u64, magic: &[u8; 4]) -> bool {
    usize::try_from(pos)
        .ok()
        .and_then(|p| bytes.get(p..p.checked_add(4)?))
        .is_some_and(|b| b == magic)
}

/// The end-of-central-directory record.
struct EndRecord {
    pos: usize,
    entries: u16,
    cd_size: u32,
    cd_offset: u32,
    comment_len: usize,
}

impl EndRecord {
    fn parse(bytes: &[u8], pos: usize) -> Option<EndRecord> {
        let record = EndRecord {
            pos,
            entries: le16(bytes, pos + 10)?,
            cd_size: le32(bytes, pos + 12)?,
            cd_offset: le32(bytes, pos + 16)?,
            comment_len: usize::from(le16(bytes, pos + 20)?),
        };
        (record.end() <= bytes.len()).then_some(record)
    }

    /// Where the record and its comment end.
    fn end(&self) -> usize {
        self.pos + END_RECORD_LEN + self.comment_len
    }

    /// The last end record of the file (searching back, as readers do) whose comment fits;
    /// among several, the one whose central directory is where the zip reader found it.
    fn find(bytes: &[u8], cd_start: u64, prefix: u64) -> Option<EndRecord> {
        let first = bytes.len().saturating_sub(END_SEARCH);
        let last = bytes.len().checked_sub(END_RECORD_LEN)?;
        let candidates = (first..=last)
            .rev()
            .filter(|&pos| &bytes[pos..pos + 4] == END_RECORD)
            .filter_map(|pos| EndRecord::parse(bytes, pos));
        let mut fallback = None;
        for record in candidates {
            let agrees = u64::from(record.cd_offset) + prefix == cd_start
                || record.cd_offset == u32::MAX
                || (record.pos >= 20 && &bytes[record.pos - 20..record.pos - 16] == ZIP64_LOCATOR);
            if agrees {
                return Some(record);
            }
            fallback.get_or_insert(record);
        }
        fallback
    }
}

/// The zip64 end-of-central-directory record.
struct Zip64End {
    pos: u64,
    entries: u64,
    cd_size: u64,
    cd_offset: u64,
}

/// Looks at the container of a zip the zip crate could open.
///
/// `first_header` is the offset of the first local header of any entry; `duplicates` says
/// whether two entries share a name (the zip crate's own whole-archive check refuses those
/// outright, so the local headers are then checked one by one by `check_headers`).
pub(crate) fn examine(
    bytes: &[u8],
    index: &mut Index<'_>,
    first_header: Option<u64>,
    duplicates: bool,
    check_headers: impl FnOnce() -> Result<(), ZipError>,
) -> Structure {
    let cd_start = index.central_directory_start();
    let mut structure = Structure {
        prefix_bytes: first_header.unwrap_or(cd_start).min(cd_start),
        ..Structure::default()
    };
    let problems = &mut structure.problems;
    match EndRecord::find(bytes, cd_start, index.offset()) {
        Some(end) => {
            structure.trailing_bytes = (bytes.len() - end.end()) as u64;
            check_end_records(bytes, &end, cd_start, index.offset(), problems);
        }
        None => problems.push("no end record lies where the zip reader found one".to_owned()),
    }
    let headers = if duplicates {
        check_headers()
    } else {
        index.validate_header_consistency()
    };
    if let Err(e) = headers {
        problems.push(zip_words(&e));
    }
    structure
}

/// The end record against the zip64 end record, and both against the central directory.
fn check_end_records(
    bytes: &[u8],
    end: &EndRecord,
    cd_start: u64,
    prefix: u64,
    problems: &mut Vec<String>,
) {
    let zip64 = zip64_end(bytes, end, prefix, problems);
    if let Some(z) = &zip64 {
        let disagree = |field: &str, small: u64, sentinel: u64, large: u64| {
            (small != sentinel && small != large).then(|| {
                format!("the end record gives {field} {small}, the zip64 end record {large}")
            })
        };
        problems.extend(
            [
                disagree("entries", end.entries.into(), 0xFFFF, z.entries),
                disagree(
                    "a central directory size of",
                    end.cd_size.into(),
                    0xFFFF_FFFF,
                    z.cd_size,
                ),
                disagree(
                    "a central directory offset of",
                    end.cd_offset.into(),
                    0xFFFF_FFFF,
                    z.cd_offset,
                ),
            ]
            .into_iter()
            .flatten(),
        );
    }
    let (entries, cd_size, records_end) = match &zip64 {
        Some(z) => (z.entries, z.cd_size, z.pos),
        None => (
            u64::from(end.entries),
            u64::from(end.cd_size),
            end.pos as u64,
        ),
    };
    if cd_start.checked_add(cd_size) != Some(records_end) {
        problems.push(format!(
            "the central directory starts at byte {cd_start} and its end record gives it {cd_size} bytes, but the end records start at byte {records_end}"
        ));
    }
    check_record_count(
        bytes,
        cd_start,
        entries,
        cd_start.saturating_add(cd_size),
        problems,
    );
}

/// The zip64 end record the locator before `end` points to, if there is a locator.
fn zip64_end(
    bytes: &[u8],
    end: &EndRecord,
    prefix: u64,
    problems: &mut Vec<String>,
) -> Option<Zip64End> {
    let locator = end.pos.checked_sub(20)?;
    if &bytes[locator..locator + 4] != ZIP64_LOCATOR {
        return None;
    }
    let pos = le64(bytes, locator + 8)?.checked_add(prefix)?;
    let record = usize::try_from(pos)
        .ok()
        .filter(|_| at(bytes, pos, ZIP64_END));
    let Some(record) = record else {
        problems.push(format!(
            "the zip64 locator points to byte {pos}, where no zip64 end record is"
        ));
        return None;
    };
    Some(Zip64End {
        pos,
        entries: le64(bytes, record + 32)?,
        cd_size: le64(bytes, record + 40)?,
        cd_offset: le64(bytes, record + 48)?,
    })
}

/// Walks the central directory record by record: the count its end record gives must end
/// exactly where the directory ends, or entries hide after the counted ones.
fn check_record_count(
    bytes: &[u8],
    cd_start: u64,
    entries: u64,
    cd_end: u64,
    problems: &mut Vec<String>,
) {
    let Ok(mut pos) = usize::try_from(cd_start) else {
        return;
    };
    for _ in 0..entries {
        let lengths = (
            le16(bytes, pos + 28),
            le16(bytes, pos + 30),
            le16(bytes, pos + 32),
        );
        let (Some(name), Some(extra), Some(comment)) = lengths else {
            return;
        };
        if &bytes[pos..pos + 4] != CENTRAL_HEADER {
            return; // the zip crate read it: a record it tolerated, said elsewhere
        }
        pos += 46 + usize::from(name) + usize::from(extra) + usize::from(comment);
    }
    if pos as u64 != cd_end {
        if at(bytes, pos as u64, CENTRAL_HEADER) {
            problems.push(format!(
                "the central directory holds more records than the {entries} its end record counts"
            ));
        } else {
            problems.push(format!(
                "the {entries} central directory records end at byte {pos}, not where the directory ends (byte {cd_end})"
            ));
        }
    }
}

/// What the zip crate said, without its prefixes.
pub(crate) fn zip_words(error: &ZipError) -> String {
    let words = match error {
        ZipError::InvalidArchive(words) => words.to_string(),
        ZipError::UnsupportedArchive(words) => (*words).to_owned(),
        other => other.to_string(),
    };
    words
        .strip_prefix("header inconsistency detected: ")
        .unwrap_or(&words)
        .to_owned()
}
