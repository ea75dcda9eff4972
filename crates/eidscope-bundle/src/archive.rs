//! The zip layer: open a bundle from a path or bytes, list its entries, recognise the documented
//! ones (any folder prefix, any letter case, `.jpg` for `.jpeg`), flag unsafe names, and read the
//! entries a [`ReadPlan`] asks for under [`Limits`]. Entry names are never used as paths here.

use crate::error::BundleError;
use crate::limits::Limits;
use chrono::NaiveDateTime;
use eidscope_model::{EntryInfo, EntryKind, Note};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{Cursor, Read};
use std::path::Path;

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
    /// Every entry of the central directory, in order.
    pub entries: Vec<EntryInfo>,
    /// The first entry of each documented kind that was read.
    pub contents: BTreeMap<EntryKind, EntryData>,
    /// Documented entries whose data is damaged (CRC mismatch, truncated deflate stream): the
    /// media ones become `media-corrupt` findings.
    pub damaged: BTreeMap<EntryKind, String>,
    /// What the reader tolerated (a second `ocr.json`, an encrypted entry, ...).
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

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const EMPTY_ZIP_MAGIC: &[u8] = b"PK\x05\x06";
const MIB: u64 = 1024 * 1024;

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
        let sha256 = hex::encode(Sha256::digest(bytes));
        let mut zip = open_zip(bytes, limits)?;
        let mut archive = Archive {
            sha256,
            size_bytes: bytes.len() as u64,
            entries: Vec::with_capacity(zip.len()),
            contents: BTreeMap::new(),
            damaged: BTreeMap::new(),
            notes: Vec::new(),
        };
        let mut budget = limits.max_total_bytes;
        for index in 0..zip.len() {
            let mut file = zip
                .by_index(index)
                .map_err(|source| BundleError::EntryUnreadable { index, source })?;
            let mut info = describe(&file);
            let name = info.name.clone();
            let mut kind = info.kind;
            if kind != EntryKind::Unexpected && archive.has_entry(kind) {
                archive.notes.push(Note::SecondEntry {
                    file: kind.file_name().to_owned(),
                    name: name.clone(),
                });
                kind = EntryKind::Unexpected;
            }
            info.kind = kind;
            archive.entries.push(info);
            let wanted = match kind {
                EntryKind::Unexpected => false,
                EntryKind::Ocr | EntryKind::ManualApproval => true,
                _ => plan.media,
            };
            if !wanted {
                continue;
            }
            if file.encrypted() {
                archive
                    .notes
                    .push(Note::EncryptedEntry { name: name.clone() });
                archive.damaged.insert(kind, "encrypted entry".to_owned());
                continue;
            }
            let (cap, ratio) = limits.for_kind(kind);
            let cap = cap.min(budget);
            let modified = file.last_modified().and_then(zip_time);
            let compressed = file.compressed_size();
            let keep = kind != EntryKind::Video || plan.video;
            let (read, damage) = match read_entry(&mut file, cap, compressed, ratio, keep) {
                Ok(read) => (read, None),
                Err(EntryReadError::Limit(limit)) => {
                    return Err(BundleError::EntryOverLimit { entry: name, limit });
                }
                Err(EntryReadError::Damaged(e, partial)) => {
                    let read = EntryRead {
                        sha256: hex::encode(Sha256::digest(&partial)),
                        size: partial.len() as u64,
                        data: partial,
                    };
                    (read, Some(e))
                }
            };
            budget -= read.size;
            if let Some(e) = damage {
                if !kind.is_media() {
                    return Err(BundleError::EntryDamaged {
                        entry: name,
                        source: e,
                    });
                }
                // Keep what decompressed: the media layer reports the truncation with evidence.
                archive
                    .damaged
                    .insert(kind, format!("entry data is damaged: {e}"));
            }
            archive.contents.insert(
                kind,
                EntryData {
                    name,
                    bytes: read.data,
                    sha256: read.sha256,
                    size: read.size,
                    modified,
                },
            );
        }
        Ok(archive)
    }

    fn has_entry(&self, kind: EntryKind) -> bool {
        self.entries.iter().any(|e| e.kind == kind)
    }

    /// The first entry of a documented kind, whether or not it was read.
    pub fn entry(&self, kind: EntryKind) -> Option<&EntryInfo> {
        self.entries.iter().find(|e| e.kind == kind)
    }
}

/// The limit an entry passed while it was decompressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EntryLimit {
    /// It decompresses to more than its cap (or the bundle's remaining budget), bytes.
    #[error("decompresses to more than {cap} bytes")]
    Size {
        /// The cap, bytes.
        cap: u64,
    },
    /// Past 1 MiB, it expands more than `ratio` times its compressed size: a bomb.
    #[error(
        "expands more than {ratio}x its compressed size of {compressed} bytes: a decompression bomb"
    )]
    Ratio {
        /// The ratio limit.
        ratio: u64,
        /// Its compressed size, bytes.
        compressed: u64,
    },
}

/// Why an entry could not be read whole.
enum EntryReadError {
    /// Over the size cap or the compression-ratio limit: the bundle is refused.
    Limit(EntryLimit),
    /// The data stream broke (CRC mismatch, truncation); what was read is kept.
    Damaged(std::io::Error, Vec<u8>),
}

/// Decompresses one entry in chunks, stopping as soon as it passes `cap` bytes or, past 1 MiB,
/// expands more than `max_ratio` times its compressed size: a bomb costs at most about 1 MiB
/// plus `max_ratio` times its compressed size, whatever it declares.
fn read_entry(
    file: &mut impl Read,
    cap: u64,
    compressed: u64,
    max_ratio: u64,
    keep: bool,
) -> Result<EntryRead, EntryReadError> {
    let mut read = EntryRead {
        data: Vec::new(),
        sha256: String::new(),
        size: 0,
    };
    let mut digest = Sha256::new();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let n = match file.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(EntryReadError::Damaged(e, read.data)),
        };
        digest.update(&chunk[..n]);
        if keep {
            read.data.extend_from_slice(&chunk[..n]);
        }
        read.size += n as u64;
        let got = read.size;
        if got > cap {
            return Err(EntryReadError::Limit(EntryLimit::Size { cap }));
        }
        if got > MIB && got / compressed.max(1) > max_ratio {
            return Err(EntryReadError::Limit(EntryLimit::Ratio {
                ratio: max_ratio,
                compressed,
            }));
        }
    }
    read.sha256 = hex::encode(digest.finalize());
    Ok(read)
}

/// One entry read whole: its bytes (when kept), digest and size.
struct EntryRead {
    data: Vec<u8>,
    sha256: String,
    size: u64,
}

/// The bytes of the file at `path`, refused when it is a folder or larger than
/// `limits.max_file_bytes` (never more than that is read, whatever the file says).
pub fn read_file(path: &Path, limits: &Limits) -> Result<Vec<u8>, BundleError> {
    let meta = std::fs::metadata(path).map_err(BundleError::unreadable)?;
    if meta.is_dir() {
        return Err(BundleError::Folder);
    }
    let too_large = |size| BundleError::TooLarge {
        size,
        limit: limits.max_file_bytes,
    };
    if meta.len() > limits.max_file_bytes {
        return Err(too_large(meta.len()));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(limits.max_file_bytes + 1).read_to_end(&mut bytes))
        .map_err(BundleError::unreadable)?;
    // The file grew between the two looks.
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Checks the magic, parses the central directory and applies the entry-count limit.
fn open_zip<'a>(
    bytes: &'a [u8],
    limits: &Limits,
) -> Result<::zip::ZipArchive<Cursor<&'a [u8]>>, BundleError> {
    if bytes.is_empty() {
        return Err(BundleError::Empty);
    }
    if !bytes.starts_with(ZIP_MAGIC) && !bytes.starts_with(EMPTY_ZIP_MAGIC) {
        return Err(BundleError::NotZip {
            head: bytes[..bytes.len().min(4)].to_vec(),
        });
    }
    let zip = ::zip::ZipArchive::new(Cursor::new(bytes)).map_err(BundleError::Corrupt)?;
    if zip.len() > limits.max_entries {
        return Err(BundleError::TooManyEntries {
            count: zip.len(),
            limit: limits.max_entries,
        });
    }
    Ok(zip)
}

/// The listing of one entry: its name as stored, what it is, and whether it is safe.
fn describe<R: Read>(file: &::zip::read::ZipFile<'_, R>) -> EntryInfo {
    let name = String::from_utf8_lossy(file.name_raw()).into_owned();
    let directory = file.is_dir();
    let unsafe_name = is_unsafe_name(&name) || file.is_symlink();
    let kind = if unsafe_name || directory {
        EntryKind::Unexpected
    } else {
        classify(&name)
    };
    EntryInfo {
        name,
        kind,
        size: file.size(),
        compressed_size: file.compressed_size(),
        unsafe_name,
        directory,
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
/// (`max_image_bytes` per entry unless it is a known larger kind). Unsafe entries, links and
/// folders get `None`. Used to extract a bundle without holding all of it in memory.
pub fn visit_entries(
    bytes: &[u8],
    limits: &Limits,
    mut visit: impl FnMut(&EntryInfo, Option<Result<Vec<u8>, String>>) -> std::io::Result<()>,
) -> Result<(), BundleError> {
    let mut zip = open_zip(bytes, limits)?;
    let mut budget = limits.max_total_bytes;
    for index in 0..zip.len() {
        let mut file = zip
            .by_index(index)
            .map_err(|source| BundleError::EntryUnreadable { index, source })?;
        let info = describe(&file);
        let (unsafe_name, directory, kind) = (info.unsafe_name, info.directory, info.kind);
        if unsafe_name || directory {
            visit(&info, None).map_err(BundleError::unreadable)?;
            continue;
        }
        let (cap, ratio) = limits.for_kind(kind);
        let cap = cap.min(budget);
        let read = if file.encrypted() {
            Err("encrypted entry".to_owned())
        } else {
            read_entry(&mut file, cap, info.compressed_size, ratio, true)
                .map(|read| read.data)
                .map_err(|e| match e {
                    EntryReadError::Limit(limit) => limit.to_string(),
                    EntryReadError::Damaged(e, _) => format!("damaged: {e}"),
                })
        };
        if let Ok(d) = &read {
            budget -= d.len() as u64;
        }
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
