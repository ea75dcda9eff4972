//! `eidscope extract`: writes a bundle's entries under one folder and nowhere else. Entry names
//! are untrusted: unsafe names and links are skipped and reported, every path is built from the
//! name's plain components, nothing is written through a link that already exists in the
//! folder, no existing file is replaced, and each file appears complete or not at all.
//!
//! For the chain of custody, [`MANIFEST_FILE`] is written last beside the files: the bundle and
//! its SHA-256, then each entry written (its name in the zip, the file, size and SHA-256) and
//! each entry skipped with the reason. A folder that already holds one is refused.

use crate::cli::ExtractArgs;
use crate::error::CliError;
use eidscope_bundle::Limits;
use eidscope_bundle::archive::{read_file, visit_entries};
use eidscope_model::ExitStatus;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The manifest an extraction writes into its folder.
pub const MANIFEST_FILE: &str = "extract.json";

/// One file written.
#[derive(serde::Serialize)]
struct Written {
    entry: String,
    file: String,
    size: u64,
    sha256: String,
}

/// One entry not written, and why.
#[derive(serde::Serialize)]
struct Skipped {
    entry: String,
    reason: String,
}

/// The manifest: what was extracted from which bundle.
#[derive(serde::Serialize)]
struct Manifest<'a> {
    bundle: &'a Path,
    bundle_sha256: String,
    bundle_size: u64,
    written: Vec<Written>,
    skipped: Vec<Skipped>,
}

pub fn run(args: &ExtractArgs) -> Result<ExitStatus, CliError> {
    let limits = Limits::default();
    let bytes = read_file(&args.bundle, &limits).map_err(|e| CliError::bundle(&args.bundle, e))?;
    let manifest_path = args.out.join(MANIFEST_FILE);
    if manifest_path.exists() {
        return Err(CliError::OutputInUse {
            path: args.out.clone(),
            what: format!("already holds an extraction ({MANIFEST_FILE})"),
        });
    }
    std::fs::create_dir_all(&args.out).map_err(|e| CliError::output(&args.out, e))?;
    let mut written = BTreeSet::new();
    let mut manifest = Manifest {
        bundle: &args.bundle,
        bundle_sha256: hex::encode(Sha256::digest(&bytes)),
        bundle_size: bytes.len() as u64,
        written: Vec::new(),
        skipped: Vec::new(),
    };
    let mut skipped = Vec::new();
    visit_entries(&bytes, &limits, |entry, data| {
        if entry.unsafe_name {
            skipped.push((entry.name.clone(), "unsafe name or link".to_owned()));
            return Ok(());
        }
        let Some(data) = data else { return Ok(()) }; // a folder: made when a file needs it
        let data = match data {
            Ok(d) => d,
            Err(why) => {
                skipped.push((entry.name.clone(), why));
                return Ok(());
            }
        };
        let Some(target) = safe_target(&args.out, &entry.name) else {
            skipped.push((entry.name.clone(), "no usable path component".to_owned()));
            return Ok(());
        };
        if target == manifest_path {
            skipped.push((
                entry.name.clone(),
                format!("{MANIFEST_FILE} is the name of the manifest"),
            ));
            return Ok(());
        }
        if !written.insert(target.clone()) {
            skipped.push((
                entry.name.clone(),
                "a second entry with the same path".to_owned(),
            ));
            return Ok(());
        }
        match write_inside(&args.out, &target, &data) {
            Ok(()) => {
                crate::output::outln!("{}", target.display());
                manifest.written.push(Written {
                    entry: entry.name.clone(),
                    file: target
                        .strip_prefix(&args.out)
                        .unwrap_or(&target)
                        .to_string_lossy()
                        .into_owned(),
                    size: data.len() as u64,
                    sha256: hex::encode(Sha256::digest(&data)),
                });
            }
            Err(why) => skipped.push((entry.name.clone(), why)),
        }
        Ok(())
    })
    .map_err(|e| CliError::bundle(&args.bundle, e))?;
    for (entry, reason) in &skipped {
        eprintln!("skipped `{}`: {reason}", entry.escape_debug());
    }
    let count = manifest.written.len();
    manifest.skipped = skipped
        .into_iter()
        .map(|(entry, reason)| Skipped { entry, reason })
        .collect();
    let json = serde_json::to_vec_pretty(&manifest)?;
    write_inside(&args.out, &manifest_path, &json).map_err(|why| CliError::OutputInUse {
        path: manifest_path.clone(),
        what: why,
    })?;
    eprintln!(
        "extracted {count} entries to {} ({} skipped; list in {MANIFEST_FILE})",
        args.out.display(),
        manifest.skipped.len()
    );
    Ok(ExitStatus::Ok)
}

/// The path under `out` for an entry name, from its plain components only.
fn safe_target(out: &Path, name: &str) -> Option<PathBuf> {
    let parts: Vec<&str> = name
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != "." && *p != "..")
        .collect();
    if parts.is_empty() {
        return None;
    }
    Some(parts.iter().fold(out.to_path_buf(), |acc, p| acc.join(p)))
}

/// Creates the folders between `out` and `target`, refusing any existing link on the way, then
/// writes the file through a fresh temporary name and renames it into place.
fn write_inside(out: &Path, target: &Path, data: &[u8]) -> Result<(), String> {
    let relative = target
        .strip_prefix(out)
        .map_err(|_| "outside the output folder".to_owned())?;
    let mut dir = out.to_path_buf();
    let components: Vec<_> = relative.components().collect();
    for component in &components[..components.len().saturating_sub(1)] {
        dir.push(component);
        match std::fs::symlink_metadata(&dir) {
            Ok(m) if m.file_type().is_symlink() => {
                return Err(format!("{} is a link; not followed", dir.display()));
            }
            Ok(m) if m.is_dir() => {}
            Ok(_) => return Err(format!("{} exists and is not a folder", dir.display())),
            Err(_) => std::fs::create_dir(&dir).map_err(|e| format!("cannot write: {e}"))?,
        }
    }
    if let Ok(m) = std::fs::symlink_metadata(target) {
        let what = if m.file_type().is_symlink() || m.is_dir() {
            "as a link or folder"
        } else {
            "already"
        };
        return Err(format!("{} exists {what}; not replaced", target.display()));
    }
    let file_name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{file_name}.eidscope-partial"));
    let result = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .and_then(|mut f| f.write_all(data).and_then(|()| f.sync_all()))
        // A link to the complete file, which fails if the name appeared meanwhile: never
        // replaced, unlike a rename.
        .and_then(|()| std::fs::hard_link(&tmp, target));
    let _ = std::fs::remove_file(&tmp);
    result.map_err(|e| format!("cannot write: {e}"))
}
