//! The zip layer: open a bundle from a path or bytes ([`source`]: the first bytes and the size
//! bound checked as they arrive), list every entry of its central directory in order (two
//! entries of one name both listed), recognise the documented ones (any folder prefix, any
//! letter case, `.jpg` for `.jpeg`), flag unsafe names, read the entries a [`ReadPlan`] asks
//! for under [`Limits`] (what is encrypted, damaged or compressed by a method eidscope does not
//! decompress is read around, never the end of the bundle), and look at the container itself
//! ([`Structure`]). Entry names are never used as paths here.

mod entry;
mod source;
mod structure;

use crate::error::BundleError;
use crate::limits::Limits;
use chrono::NaiveDateTime;
use eidscope_model::{EntryInfo, EntryKind, Note};
use entry::{EntryRead, EntryReadError, decompresses, read_entry, unsupported_method};
use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::Path;
use zip::ZipReadOptions;
use zip::read::{Config, ZipFileEntry};
use zip::unstable::read::ZipIterable;

pub use entry::EntryLimit;
pub use source::{check_zip_bytes, read_file};
pub use structure::Structure;

/// What to decompress. Listing the directory and reading the JSON entries is always done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadPlan {
    /// Read the images (and the video, hashed) too.
    pub media: bool,
    /// Keep the video's bytes (to probe or decode it); otherwise it is only hashed while it
    /// streams past, so a large video costs no memory.
    pub video: bool,
}

impl ReadPlan {
    /// The directory and the JSON only (`--level meta`).
    pub const META: ReadPlan = ReadPlan {
        media: false,
        video: false,
    };
    /// The JSON and the images; the video hashed, not kept (`--level media`).
    pub const MEDIA: ReadPlan = ReadPlan {
        media: true,
        video: false,
    };
    /// Everything (`--level full`).
    pub const ALL: ReadPlan = ReadPlan {
        media: true,
        video: true,
    };

    /// Whether an entry of this kind is read.
    fn wants(self, kind: EntryKind) -> bool {
        match kind {
            EntryKind::Unexpected => false,
            EntryKind::Ocr | EntryKind::ManualApproval => true,
            _ => self.media,
        }
    }
}

/// The bytes of one documented entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryData {
    /// The entry name as stored.
    pub name: String,
    /// The decompressed bytes (empty for a video the plan only hashes).
    pub bytes: Vec<u8>,
    /// SHA-256 of the decompressed bytes, lower-case hex.
    pub sha256: String,
    /// Decompressed size in bytes.
    pub size: u64,
    /// The entry's modification time in the zip (local time, no zone).
    pub modified: Option<NaiveDateTime>,
}

/// A bundle's zip, listed and (as far as the plan says) read.
#[derive(Debug, Clone)]
pub struct Archive {
    /// SHA-256 of the whole zip, lower-case hex.
    pub sha256: String,
    /// Size of the zip in bytes.
    pub size_bytes: u64,
    /// Every record of the central directory, in order (two entries of one name are both
    /// listed; the second of a documented kind is listed as unexpected and not read).
    pub entries: Vec<EntryInfo>,
    /// The first entry of each documented kind that was read.
    pub contents: BTreeMap<EntryKind, EntryData>,
    /// Documented entries that could not be read whole or at all (damaged data, a compression
    /// method eidscope does not decompress), and why: the media ones become `media-corrupt`
    /// findings (what decompressed is kept), the JSON ones `json-unreadable`.
    pub damaged: BTreeMap<EntryKind, String>,
    /// The container: bytes around the zip, inconsistencies of its structure.
    pub structure: Structure,
    /// What the reader tolerated (a second `ocr.json`, ...).
    pub notes: Vec<Note>,
}

/// Recognises a documented entry by its name: the last path component, in any letter case,
/// `.jpg` for `.jpeg`. Returns [`EntryKind::Unexpected`] for anything else.
pub fn classify(name: &str) -> EntryKind {
    let base = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(name)
        .to_ascii_lowercase();
    let base = match base.strip_suffix(".jpg") {
        Some(stem) => format!("{stem}.jpeg"),
        None => base,
    };
    EntryKind::DOCUMENTED
        .into_iter()
        .find(|kind| kind.file_name() == base)
        .unwrap_or(EntryKind::Unexpected)
}

/// Whether a stored name would escape a destination folder or is not a plain relative path:
/// absolute (`/x`, `\x`, `C:x`), with a `..` component, with a NUL or other control character.
pub fn is_unsafe_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    let absolute = name.starts_with('/')
        || name.starts_with('\\')
        || (bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':');
    let parent = name.split(['/', '\\']).any(|part| part == "..");
    let control = name.chars().any(|c| c.is_control());
    absolute || parent || control || name.is_empty()
}

impl Archive {
    /// Reads the zip at `path` (the file is read once: hashed and parsed from memory).
    pub fn open(path: &Path, plan: ReadPlan, limits: &Limits) -> Result<Archive, BundleError> {
        Archive::from_bytes(&read_file(path, limits)?, plan, limits)
    }

    /// Reads a zip held in memory.
    pub fn from_bytes(
        bytes: &[u8],
        plan: ReadPlan,
        limits: &Limits,
    ) -> Result<Archive, BundleError> {
        use sha2::Digest;
        let (mut index, mut listing) = open_zip(bytes, limits)?;
        let mut archive = Archive {
            sha256: hex::encode(sha2::Sha256::digest(bytes)),
            size_bytes: bytes.len() as u64,
            entries: Vec::with_capacity(listing.len()),
            contents: BTreeMap::new(),
            damaged: BTreeMap::new(),
            structure: Structure::default(),
            notes: Vec::new(),
        };
        let mut reader = EntryReader::new(bytes, limits);
        let mut first_header: Option<u64> = None;
        let files = listing.files().map_err(BundleError::Corrupt)?;
        for (number, entry) in files.enumerate() {
            let entry = entry.map_err(|source| BundleError::EntryUnreadable {
                index: number,
                source,
            })?;
            first_header =
                Some(first_header.map_or(entry.header_start(), |h| h.min(entry.header_start())));
            let mut info = describe(&entry);
            if info.kind != EntryKind::Unexpected && archive.has_entry(info.kind) {
                archive.notes.push(Note::SecondEntry {
                    file: info.kind.file_name().to_owned(),
                    name: info.name.clone(),
                });
                info.kind = EntryKind::Unexpected;
            }
            let kind = info.kind;
            archive.entries.push(info);
            if plan.wants(kind) {
                let keep = kind != EntryKind::Video || plan.video;
                archive.read_documented(kind, entry, &mut reader, keep)?;
            }
        }
        let duplicates = index.has_duplicate_names();
        archive.structure = structure::examine(bytes, &mut index, first_header, duplicates, || {
            check_local_headers(bytes)
        });
        Ok(archive)
    }

    /// Reads one documented entry into `contents`, or says in `damaged` why it could not be.
    /// An encrypted entry is read only when its data turns out to be plain (the flag set on
    /// data that is not encrypted); otherwise it is left unread (`encrypted-entry`).
    fn read_documented(
        &mut self,
        kind: EntryKind,
        entry: ZipFileEntry<'static>,
        reader: &mut EntryReader<'_>,
        keep: bool,
    ) -> Result<(), BundleError> {
        let name = entry_name(&entry);
        let modified = entry.last_modified().and_then(zip_time);
        let method = entry.compression();
        let encrypted = entry.encrypted();
        if !decompresses(method) {
            if !encrypted {
                self.damaged.insert(kind, unsupported_method(method));
            }
            return Ok(());
        }
        let (read, damage) = match reader.read(kind, entry, encrypted, keep) {
            Ok(read) => (read, None),
            Err(_) if encrypted => return Ok(()),
            Err(ReadFailure::Limit(limit)) => {
                return Err(BundleError::EntryOverLimit { entry: name, limit });
            }
            Err(ReadFailure::Open(e)) => {
                self.damaged.insert(kind, structure::zip_words(&e));
                return Ok(());
            }
            Err(ReadFailure::Damaged(e, partial)) => (partial, Some(e)),
        };
        if let Some(e) = damage {
            self.damaged
                .insert(kind, format!("entry data is damaged: {e}"));
            // What decompressed of a picture is kept: the media layer reports the truncation
            // with evidence. Damaged JSON is never read as evidence.
            if !kind.is_media() {
                return Ok(());
            }
        }
        self.contents.insert(
            kind,
            EntryData {
                name,
                bytes: read.data,
                sha256: read.sha256,
                size: read.size,
                modified,
            },
        );
        Ok(())
    }

    /// Refuses a zip that holds none of a bundle's entries (a `readme.txt`, nothing at all):
    /// [`BundleError::NotABundle`]. The caller decides, as a process beside the zip can carry
    /// the bundle's data on its own.
    pub fn check_holds_bundle(&self) -> Result<(), BundleError> {
        if self
            .entries
            .iter()
            .any(|e| !e.directory && classify(&e.name) != EntryKind::Unexpected)
        {
            return Ok(());
        }
        Err(BundleError::NotABundle {
            count: self.entries.len(),
            names: self
                .entries
                .iter()
                .take(3)
                .map(|e| e.name.clone())
                .collect(),
        })
    }

    fn has_entry(&self, kind: EntryKind) -> bool {
        self.entries.iter().any(|e| e.kind == kind)
    }

    /// The first entry of a documented kind, whether or not it was read.
    pub fn entry(&self, kind: EntryKind) -> Option<&EntryInfo> {
        self.entries.iter().find(|e| e.kind == kind)
    }
}

/// Why an entry's data could not be read.
enum ReadFailure {
    /// Its local header cannot be used.
    Open(zip::result::ZipError),
    /// Over a limit: the bundle is refused (unless the entry was only tried as plain data).
    Limit(EntryLimit),
    /// The stream broke; what came is kept.
    Damaged(std::io::Error, EntryRead),
}

/// Reads entries' data from the bundle's bytes under the limits, keeping count of what the
/// whole bundle has decompressed.
struct EntryReader<'a> {
    body: Cursor<&'a [u8]>,
    limits: &'a Limits,
    budget: u64,
}

impl<'a> EntryReader<'a> {
    fn new(bytes: &'a [u8], limits: &'a Limits) -> Self {
        EntryReader {
            body: Cursor::new(bytes),
            limits,
            budget: limits.max_total_bytes,
        }
    }

    /// Decompresses one entry (as an entry of `kind`: its size cap and ratio limit).
    /// `as_plain` reads an entry flagged as encrypted as if it were not.
    fn read(
        &mut self,
        kind: EntryKind,
        entry: ZipFileEntry<'static>,
        as_plain: bool,
        keep: bool,
    ) -> Result<EntryRead, ReadFailure> {
        let (cap, ratio) = self.limits.for_kind(kind);
        let cap = cap.min(self.budget);
        let compressed = entry.compressed_size();
        let options = ZipReadOptions::new().ignore_encryption_flag(as_plain);
        let mut file = entry
            .with_reader(&mut self.body, options)
            .map_err(ReadFailure::Open)?;
        let result = read_entry(&mut file, cap, compressed, ratio, keep);
        let size = match &result {
            Ok(read) => read.size,
            Err(EntryReadError::Damaged(_, partial)) => partial.len() as u64,
            Err(EntryReadError::Limit(_)) => 0,
        };
        self.budget = self.budget.saturating_sub(size);
        result.map_err(|e| match e {
            EntryReadError::Limit(limit) => ReadFailure::Limit(limit),
            EntryReadError::Damaged(e, partial) => {
                ReadFailure::Damaged(e, EntryRead::partial(partial))
            }
        })
    }
}

/// Every record of the central directory, duplicates included.
type Listing<'a> = ZipIterable<Cursor<&'a [u8]>>;

/// Parses the central directory twice: the zip crate's index (the archive's offset, its own
/// consistency checks) and the listing that keeps every record, duplicates included. Applies the
/// entry-count limit.
fn open_zip<'a>(
    bytes: &'a [u8],
    limits: &Limits,
) -> Result<(structure::Index<'a>, Listing<'a>), BundleError> {
    check_zip_bytes(bytes)?;
    let index = zip::ZipArchive::new(Cursor::new(bytes)).map_err(BundleError::Corrupt)?;
    let listing = ZipIterable::try_new(Cursor::new(bytes), Config::default())
        .map_err(BundleError::Corrupt)?;
    if listing.len() > limits.max_entries {
        return Err(BundleError::TooManyEntries {
            count: listing.len(),
            limit: limits.max_entries,
        });
    }
    Ok((index, listing))
}

/// Each entry's local header against its central header, one by one (for an archive whose
/// duplicate names the zip crate's whole-archive check refuses outright).
fn check_local_headers(bytes: &[u8]) -> Result<(), zip::result::ZipError> {
    let mut listing = ZipIterable::try_new(Cursor::new(bytes), Config::default())?
        .enforce_header_consistency(true);
    for entry in listing.files()? {
        entry?;
    }
    Ok(())
}

/// The entry's name: UTF-8 when it is valid UTF-8 (with or without the UTF-8 flag: many
/// archivers leave it unset), else code page 437, the zip format's own (the zip crate's rule).
fn entry_name(entry: &ZipFileEntry<'_>) -> String {
    entry
        .name()
        .map(std::borrow::Cow::into_owned)
        .unwrap_or_else(|_| String::from_utf8_lossy(entry.name_raw()).into_owned())
}

/// The listing of one entry: its name, what it is, and whether it is safe.
fn describe(entry: &ZipFileEntry<'_>) -> EntryInfo {
    let name = entry_name(entry);
    let directory = entry.is_dir();
    let unsafe_name = is_unsafe_name(&name) || entry.is_symlink();
    let kind = if unsafe_name || directory {
        EntryKind::Unexpected
    } else {
        classify(&name)
    };
    EntryInfo {
        name,
        kind,
        size: entry.size(),
        compressed_size: entry.compressed_size(),
        unsafe_name,
        directory,
        encrypted: entry.encrypted(),
    }
}

fn zip_time(t: ::zip::DateTime) -> Option<NaiveDateTime> {
    chrono::NaiveDate::from_ymd_opt(
        i32::from(t.year()),
        u32::from(t.month()),
        u32::from(t.day()),
    )?
    .and_hms_opt(
        u32::from(t.hour()),
        u32::from(t.minute()),
        u32::from(t.second()),
    )
}

/// Calls `visit` for every entry of the zip in `bytes`, in order, with the entry's listing and,
/// for a safe regular file, its bytes read under the same limits as [`Archive::from_bytes`]
/// (`max_image_bytes` per entry unless it is a known larger kind), or why they cannot be read
/// (encrypted, damaged, an unsupported compression method, over a limit). Unsafe entries,
/// links and folders get `None`. Used to extract a zip without holding all of it in memory.
pub fn visit_entries(
    bytes: &[u8],
    limits: &Limits,
    mut visit: impl FnMut(&EntryInfo, Option<Result<Vec<u8>, String>>) -> std::io::Result<()>,
) -> Result<(), BundleError> {
    let (_, mut listing) = open_zip(bytes, limits)?;
    let mut reader = EntryReader::new(bytes, limits);
    for (number, entry) in listing.files().map_err(BundleError::Corrupt)?.enumerate() {
        let entry = entry.map_err(|source| BundleError::EntryUnreadable {
            index: number,
            source,
        })?;
        let info = describe(&entry);
        if info.unsafe_name || info.directory {
            visit(&info, None).map_err(BundleError::unreadable)?;
            continue;
        }
        let method = entry.compression();
        let read = if !decompresses(method) {
            Err(if info.encrypted {
                "encrypted entry".to_owned()
            } else {
                unsupported_method(method)
            })
        } else {
            match reader.read(info.kind, entry, info.encrypted, true) {
                Ok(read) => Ok(read.data),
                Err(_) if info.encrypted => Err("encrypted entry".to_owned()),
                Err(ReadFailure::Limit(limit)) => Err(limit.to_string()),
                Err(ReadFailure::Open(e)) => Err(structure::zip_words(&e)),
                Err(ReadFailure::Damaged(e, _)) => Err(format!("damaged: {e}")),
            }
        };
        visit(&info, Some(read)).map_err(BundleError::unreadable)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_names_are_recognised_in_any_dress() {
        assert_eq!(classify("ocr.json"), EntryKind::Ocr);
        assert_eq!(classify("result/OCR.JSON"), EntryKind::Ocr);
        assert_eq!(classify("a\\b\\Front.JPG"), EntryKind::Front);
        assert_eq!(
            classify("x/manual_approval.json"),
            EntryKind::ManualApproval
        );
        assert_eq!(classify("video.mp4"), EntryKind::Video);
        assert_eq!(classify("video.mov"), EntryKind::Unexpected);
        assert_eq!(classify("frontjpeg"), EntryKind::Unexpected);
    }

    #[test]
    fn unsafe_names_are_flagged() {
        for name in [
            "/etc/passwd",
            "../x",
            "a/../../x",
            "C:\\x",
            "\\\\server\\x",
            "a\0b",
            "",
        ] {
            assert!(is_unsafe_name(name), "{name:?}");
        }
        for name in ["ocr.json", "a/b/front.jpeg", "a..b/c", "...txt"] {
            assert!(!is_unsafe_name(name), "{name:?}");
        }
    }
}
