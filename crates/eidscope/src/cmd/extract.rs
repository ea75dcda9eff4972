//! `eidscope extract`: writes a bundle's entries under one folder and nowhere else. Entry names
//! are untrusted: unsafe names and links are skipped and reported, every path is built from the
//! name's plain components, nothing is written through a link that already exists in the
//! folder, and each file appears complete or not at all.

use crate::cli::ExtractArgs;
use crate::error::CliError;
use eidscope_bundle::Limits;
use eidscope_bundle::archive::{read_file, visit_entries};
use eidscope_model::ExitStatus;
use std::collections::BTreeSet;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

pub fn run(args: &ExtractArgs) -> Result<ExitStatus, CliError> {
    let limits = Limits::default();
    let bytes = read_file(&args.bundle, &limits).map_err(|e| CliError::bundle(&args.bundle, e))?;
    std::fs::create_dir_all(&args.out).map_err(|e| CliError::output(&args.out, e))?;
    let mut written = BTreeSet::new();
    let mut count = 0usize;
    let mut skipped = Vec::new();
    visit_entries(&bytes, &limits, |entry, data| {
        let name = entry.name.escape_debug().to_string();
        if entry.unsafe_name {
            skipped.push(format!("`{name}`: unsafe name or link"));
            return Ok(());
        }
        let Some(data) = data else { return Ok(()) }; // a folder: made when a file needs it
        let data = match data {
            Ok(d) => d,
            Err(why) => {
                skipped.push(format!("`{name}`: {why}"));
                return Ok(());
            }
        };
        let Some(target) = safe_target(&args.out, &entry.name) else {
            skipped.push(format!("`{name}`: no usable path component"));
            return Ok(());
        };
        if !written.insert(target.clone()) {
            skipped.push(format!("`{name}`: a second entry with the same path"));
            return Ok(());
        }
        match write_inside(&args.out, &target, &data) {
            Ok(()) => {
                count += 1;
                crate::output::outln!("{}", target.display());
            }
            Err(why) => skipped.push(format!("`{name}`: {why}")),
        }
        Ok(())
    })
    .map_err(|e| CliError::bundle(&args.bundle, e))?;
    for s in &skipped {
        eprintln!("skipped {s}");
    }
    eprintln!(
        "extracted {count} entries to {} ({} skipped)",
        args.out.display(),
        skipped.len()
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
    if let Ok(m) = std::fs::symlink_metadata(target)
        && (m.file_type().is_symlink() || m.is_dir())
    {
        return Err(format!(
            "{} exists as a link or folder; not replaced",
            target.display()
        ));
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
        .and_then(|()| std::fs::rename(&tmp, target));
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("cannot write: {e}")
    })
}
