//! The output folder: where each bundle goes, how a file is written so that it is whole or
//! absent, and how a bundle already on disk is recognised as complete.
//!
//! Layout: `DIR/<dossierId>/<processId>.zip` with the process JSON beside it as
//! `<processId>.json`, which is where `scan` looks for it. Ids are [`AssureId`]s (a safe
//! alphabet, no separator, no leading dot), so every path is inside `DIR`; a dossier folder
//! that is a symbolic link is refused rather than followed.
//!
//! A file is received into `.<name>.fetch-partial` beside its final name (created anew, never
//! through an existing file or link, readable by its owner only), fsync'd, renamed, and the
//! folder fsync'd; a [`Partial`] that is dropped before [`Partial::commit`] removes itself, so
//! no half bundle (personal data) stays behind. This module never talks to the network.

use crate::id::AssureId;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

/// The first bytes of a zip with at least one entry.
pub const ZIP_MAGIC: &[u8; 4] = b"PK\x03\x04";

/// The suffix of files being received.
const PARTIAL_SUFFIX: &str = ".fetch-partial";

/// Where one bundle's files go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundlePaths {
    /// The dossier folder.
    pub dir: PathBuf,
    /// The zip.
    pub zip: PathBuf,
    /// The process JSON.
    pub process: PathBuf,
    /// The zip's path relative to the output folder, `/`-separated (for the manifest).
    pub zip_rel: String,
    /// The process JSON's relative path.
    pub process_rel: String,
}

/// The paths of a bundle under `root`.
pub fn bundle_paths(root: &Path, dossier: &AssureId, process: &AssureId) -> BundlePaths {
    let dir = root.join(dossier.as_str());
    BundlePaths {
        zip: dir.join(format!("{process}.zip")),
        process: dir.join(format!("{process}.json")),
        zip_rel: format!("{dossier}/{process}.zip"),
        process_rel: format!("{dossier}/{process}.json"),
        dir,
    }
}

/// Creates a dossier folder (another transfer may be creating it at the same moment),
/// refusing one that exists as a link or a file.
pub fn ensure_dir(dir: &Path) -> std::io::Result<()> {
    match std::fs::create_dir(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        other => return other,
    }
    if std::fs::symlink_metadata(dir)?.is_dir() {
        Ok(())
    } else {
        Err(std::io::Error::other(format!(
            "{} exists and is not a folder (a link is not followed)",
            dir.display()
        )))
    }
}

/// A file being received; removed on drop unless committed.
#[derive(Debug)]
pub struct Partial {
    path: PathBuf,
    target: PathBuf,
    file: Option<File>,
}

impl Partial {
    /// Starts receiving `target`.
    pub fn create(target: &Path) -> std::io::Result<Partial> {
        let dir = target.parent().unwrap_or(Path::new("."));
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let path = dir.join(format!(".{name}{PARTIAL_SUFFIX}"));
        // A stale partial of an interrupted run goes; `create_new` then refuses to write
        // through anything planted under the name since.
        let _ = std::fs::remove_file(&path);
        let mut options = std::fs::OpenOptions::new();
        options.read(true).write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(&path)?;
        Ok(Partial {
            path,
            target: target.to_owned(),
            file: Some(file),
        })
    }

    fn file(&mut self) -> std::io::Result<&mut File> {
        self.file
            .as_mut()
            .ok_or_else(|| std::io::Error::other("partial file already closed"))
    }

    /// Empties the file for another attempt.
    pub fn restart(&mut self) -> std::io::Result<()> {
        let file = self.file()?;
        file.set_len(0)?;
        file.rewind()
    }

    /// Appends bytes.
    pub fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.file()?.write_all(bytes)
    }

    /// The file as received so far, for checks before the commit.
    pub fn reopen(&mut self) -> std::io::Result<File> {
        let file = self.file()?;
        file.flush()?;
        File::open(&self.path)
    }

    /// Makes the file durable and gives it its final name.
    pub fn commit(mut self) -> std::io::Result<()> {
        if let Some(file) = self.file.take() {
            file.sync_all()?;
        }
        std::fs::rename(&self.path, &self.target)?;
        sync_dir(self.target.parent());
        // Renamed: nothing left to remove.
        self.path = PathBuf::new();
        Ok(())
    }
}

impl Drop for Partial {
    fn drop(&mut self) {
        self.file = None;
        if !self.path.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Makes a rename durable: the folder entry itself is fsync'd (where the platform allows).
fn sync_dir(dir: Option<&Path>) {
    #[cfg(unix)]
    if let Some(dir) = dir
        && let Ok(handle) = File::open(dir)
    {
        let _ = handle.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Writes `bytes` to `target` through a [`Partial`].
pub fn write_whole(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut partial = Partial::create(target)?;
    partial.write(bytes)?;
    partial.commit()
}

/// Removes the partial files an interrupted run left in `root` and its dossier folders.
pub fn sweep_partials(root: &Path) {
    let is_partial = |path: &Path| {
        path.file_name()
            .map(|n| n.to_string_lossy())
            .is_some_and(|n| n.starts_with('.') && n.ends_with(PARTIAL_SUFFIX))
    };
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.is_file() && is_partial(&path) {
            let _ = std::fs::remove_file(&path);
        } else if meta.is_dir()
            && let Ok(inner) = std::fs::read_dir(&path)
        {
            for file in inner.flatten() {
                let file = file.path();
                if std::fs::symlink_metadata(&file).is_ok_and(|m| m.is_file()) && is_partial(&file)
                {
                    let _ = std::fs::remove_file(&file);
                }
            }
        }
    }
}

/// A file on disk as the manifest describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnDisk {
    /// Size in bytes.
    pub size: u64,
    /// SHA-256, lower-case hex.
    pub sha256: String,
}

/// Checks a zip received or on disk: a regular file that starts with `PK\3\4` and whose
/// central directory reads (a truncated download loses its end record and fails here).
pub fn check_zip(file: File) -> Result<(), String> {
    let mut file = file;
    let mut magic = [0u8; 4];
    file.read_exact(&mut magic)
        .map_err(|_| "shorter than a zip header".to_owned())?;
    if &magic != ZIP_MAGIC {
        return Err("does not start with a zip header (PK\\3\\4)".to_owned());
    }
    file.rewind().map_err(|e| e.to_string())?;
    let archive = zip::ZipArchive::new(std::io::BufReader::new(file))
        .map_err(|e| format!("the zip does not read: {e}"))?;
    if archive.is_empty() {
        return Err("the zip holds no entry".to_owned());
    }
    Ok(())
}

/// Checks a process JSON: a JSON object.
pub fn check_process_json(
    bytes: &[u8],
) -> Result<serde_json::Map<String, serde_json::Value>, String> {
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(serde_json::Value::Object(map)) => Ok(map),
        Ok(_) => Err("the process answer is JSON but not an object".to_owned()),
        Err(e) => Err(format!("the process answer is not JSON: {e}")),
    }
}

/// A regular file's size and SHA-256, read in a stream; `None` for a link, a folder or a
/// missing file.
pub fn digest_file(path: &Path) -> Option<OnDisk> {
    if !std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file()) {
        return None;
    }
    let mut file = File::open(path).ok()?;
    let mut hasher = Sha256::new();
    let size = std::io::copy(&mut file, &mut hasher).ok()?;
    Some(OnDisk {
        size,
        sha256: hex::encode(hasher.finalize()),
    })
}

/// Whether the bundle at `paths` is complete on disk: the zip checks out, the process JSON is
/// an object of at most `max_json` bytes, and both match the digests of an earlier download
/// when those are known. Returns the digests (zip, process) when complete.
pub fn complete_on_disk(
    paths: &BundlePaths,
    known: Option<(&str, &str)>,
    max_json: u64,
) -> Option<(OnDisk, OnDisk)> {
    let zip = digest_file(&paths.zip)?;
    let process = digest_file(&paths.process)?;
    if process.size > max_json {
        return None;
    }
    if let Some((zip_sha, process_sha)) = known
        && (zip.sha256 != zip_sha || process.sha256 != process_sha)
    {
        return None;
    }
    check_zip(File::open(&paths.zip).ok()?).ok()?;
    check_process_json(&std::fs::read(&paths.process).ok()?).ok()?;
    Some((zip, process))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> AssureId {
        AssureId::parse(s).unwrap()
    }

    fn tiny_zip() -> Vec<u8> {
        let mut out = std::io::Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        zip.start_file("ocr.json", zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(b"{}").unwrap();
        zip.finish().unwrap();
        out.into_inner()
    }

    #[test]
    fn paths_stay_inside_the_root() {
        let p = bundle_paths(Path::new("/out"), &id("D1"), &id("P1"));
        assert_eq!(p.zip, Path::new("/out/D1/P1.zip"));
        assert_eq!(p.process, Path::new("/out/D1/P1.json"));
        assert_eq!(p.zip_rel, "D1/P1.zip");
    }

    #[test]
    fn a_dropped_partial_leaves_nothing_and_a_committed_one_is_whole() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.zip");
        {
            let mut partial = Partial::create(&target).unwrap();
            partial.write(b"half").unwrap();
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        let mut partial = Partial::create(&target).unwrap();
        partial.write(b"first try").unwrap();
        partial.restart().unwrap();
        partial.write(b"whole").unwrap();
        partial.commit().unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"whole");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn links_are_neither_followed_nor_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let link = dir.path().join("D1");
        std::os::unix::fs::symlink(outside.path(), &link).unwrap();
        assert!(ensure_dir(&link).is_err());
        let planted = dir.path().join(".x.zip.fetch-partial");
        std::os::unix::fs::symlink(outside.path().join("victim"), &planted).unwrap();
        let mut partial = Partial::create(&dir.path().join("x.zip")).unwrap();
        partial.write(b"data").unwrap();
        drop(partial);
        assert!(!outside.path().join("victim").exists());
    }

    #[test]
    fn a_complete_bundle_is_recognised_and_a_truncated_one_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let paths = bundle_paths(dir.path(), &id("D1"), &id("P1"));
        ensure_dir(&paths.dir).unwrap();
        let zip = tiny_zip();
        write_whole(&paths.zip, &zip).unwrap();
        write_whole(&paths.process, br#"{"processId":"P1"}"#).unwrap();
        let (z, p) = complete_on_disk(&paths, None, 1 << 20).unwrap();
        assert_eq!(z.size, zip.len() as u64);
        assert!(complete_on_disk(&paths, Some((&z.sha256, &p.sha256)), 1 << 20).is_some());
        assert!(complete_on_disk(&paths, Some(("0", &p.sha256)), 1 << 20).is_none());
        write_whole(&paths.zip, &zip[..zip.len() - 10]).unwrap();
        assert!(complete_on_disk(&paths, None, 1 << 20).is_none());
        write_whole(&paths.zip, &zip).unwrap();
        write_whole(&paths.process, b"<html>").unwrap();
        assert!(complete_on_disk(&paths, None, 1 << 20).is_none());
    }

    #[test]
    fn sweeping_removes_only_partials() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().join("D1");
        std::fs::create_dir(&d).unwrap();
        std::fs::write(d.join(".P1.zip.fetch-partial"), b"x").unwrap();
        std::fs::write(d.join("P2.zip"), b"x").unwrap();
        std::fs::write(dir.path().join(".fetch.json.fetch-partial"), b"x").unwrap();
        sweep_partials(dir.path());
        assert!(!d.join(".P1.zip.fetch-partial").exists());
        assert!(d.join("P2.zip").exists());
        assert!(!dir.path().join(".fetch.json.fetch-partial").exists());
    }
}
