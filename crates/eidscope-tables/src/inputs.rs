//! Input expansion: the arguments of `scan` and `stats` (files, folders walked recursively for
//! `*.zip`, `-` for a list of paths on standard input) turned into one de-duplicated list of
//! bundle paths, in a deterministic order (arguments in order, folders sorted by name).
//!
//! A file named on the command line or on standard input is a bundle by its content, whatever
//! its name; only the walk of a folder filters by the `.zip` extension. An argument that does
//! not exist, or a folder entry that cannot be read, stays in the list as an [`Input`] with an
//! error, so that it becomes a row of the `errors` table: every input appears exactly once.

use crate::shard::Shard;
use eidscope_model::ErrorKind;
use std::collections::HashSet;
use std::io::BufRead;
use std::path::{Path, PathBuf};

/// Why an input cannot even be opened (before any bundle reading).
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The path given cannot be opened.
    #[error("cannot open")]
    Open(#[source] std::io::Error),
    /// The list of paths on standard input cannot be read.
    #[error("cannot read the list of paths on standard input")]
    Stdin(#[source] std::io::Error),
    /// An entry of a folder being walked cannot be read.
    #[error("cannot read folder entry")]
    FolderEntry(#[source] std::io::Error),
}

impl InputError {
    /// The class of the problem, as written in the `error_kind` column.
    pub fn kind(&self) -> ErrorKind {
        match self {
            InputError::Open(_) | InputError::Stdin(_) | InputError::FolderEntry(_) => {
                ErrorKind::Io
            }
        }
    }
}

/// One input of the batch.
#[derive(Debug)]
pub struct Input {
    /// The path as written in every table's `path` column, and hashed by `--shard`.
    pub path: String,
    /// The file to open.
    pub file: PathBuf,
    /// Set when the input is known to be unreadable already.
    pub error: Option<InputError>,
    /// The bundle's bytes when it is held in memory (then `file` is not opened).
    pub memory: Option<Box<InMemory>>,
}

/// A bundle held in memory: an object-store download, a cell of a DataFrame (Spark's
/// `binaryFile` source), bytes handed over from Python. Read like a file, never written to one.
#[derive(Debug, Clone)]
pub struct InMemory {
    /// The zip.
    pub zip: Vec<u8>,
    /// The process found beside it (its name and JSON): judged like a process beside a file
    /// (one that does not parse is noted and left out).
    pub process: Option<(String, Vec<u8>)>,
}

impl Input {
    /// A bundle held in memory, named `path` in every table.
    pub fn in_memory(path: String, zip: Vec<u8>, process: Option<(String, Vec<u8>)>) -> Input {
        Input {
            file: PathBuf::from(&path),
            path,
            error: None,
            memory: Some(Box::new(InMemory { zip, process })),
        }
    }
}

/// Expands the arguments into the bundle list, keeping the inputs of `shard`.
///
/// `-` reads one path per line from `stdin` (blank lines are skipped; each line is expanded
/// like an argument, so it may name a folder). Repeated paths are kept once: two spellings of
/// the same file (`a/x.zip`, `./a/x.zip`, a symbolic link) count as one, the first kept.
pub fn expand(args: &[PathBuf], stdin: &mut dyn BufRead, shard: Shard) -> Vec<Input> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut stdin_read = false;
    for arg in args {
        if arg.as_os_str() == "-" {
            if stdin_read {
                continue;
            }
            stdin_read = true;
            let mut line = String::new();
            loop {
                line.clear();
                match stdin.read_line(&mut line) {
                    Ok(0) => break,
                    Ok(_) => {
                        let name = line.trim_end_matches(['\n', '\r']);
                        if !name.trim().is_empty() {
                            expand_one(Path::new(name), &mut out, &mut seen);
                        }
                    }
                    Err(e) => {
                        push_error(&mut out, &mut seen, "-", InputError::Stdin(e));
                        break;
                    }
                }
            }
        } else {
            expand_one(arg, &mut out, &mut seen);
        }
    }
    out.retain(|input| shard.contains(&input.path));
    out
}

fn expand_one(arg: &Path, out: &mut Vec<Input>, seen: &mut HashSet<PathBuf>) {
    match std::fs::metadata(arg) {
        Ok(meta) if meta.is_dir() => walk(arg, out, seen),
        Ok(_) => push_file(arg, out, seen),
        Err(e) => push_error(out, seen, &arg.to_string_lossy(), InputError::Open(e)),
    }
}

fn walk(dir: &Path, out: &mut Vec<Input>, seen: &mut HashSet<PathBuf>) {
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name();
    for entry in walker {
        match entry {
            Ok(entry) => {
                let is_zip = entry
                    .path()
                    .extension()
                    .is_some_and(|ext| ext.eq_ignore_ascii_case("zip"));
                // A link to a file counts as a file; links are not followed into folders.
                let is_file = entry.file_type().is_file()
                    || (entry.file_type().is_symlink() && entry.path().is_file());
                if is_zip && is_file {
                    push_file(entry.path(), out, seen);
                }
            }
            Err(e) => {
                let path = e.path().unwrap_or(dir).to_string_lossy().into_owned();
                let words = e.to_string();
                let cause = e
                    .into_io_error()
                    .unwrap_or_else(|| std::io::Error::other(words));
                push_error(out, seen, &path, InputError::FolderEntry(cause));
            }
        }
    }
}

fn push_file(path: &Path, out: &mut Vec<Input>, seen: &mut HashSet<PathBuf>) {
    let key = std::fs::canonicalize(path).unwrap_or_else(|_| lexical(path));
    if seen.insert(key) {
        out.push(Input {
            path: path.to_string_lossy().into_owned(),
            file: path.to_path_buf(),
            error: None,
            memory: None,
        });
    }
}

fn push_error(out: &mut Vec<Input>, seen: &mut HashSet<PathBuf>, path: &str, error: InputError) {
    if seen.insert(lexical(Path::new(path))) {
        out.push(Input {
            path: path.to_owned(),
            file: PathBuf::from(path),
            error: Some(error),
            memory: None,
        });
    }
}

/// The path with `.` components and repeated separators dropped (no file system access).
fn lexical(path: &Path) -> PathBuf {
    path.components().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_walk_for_zips_files_by_name_and_duplicates_once() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a/b");
        std::fs::create_dir_all(&nested).unwrap();
        std::fs::write(nested.join("x.zip"), b"PK").unwrap();
        std::fs::write(nested.join("y.ZIP"), b"PK").unwrap();
        std::fs::write(nested.join("notes.txt"), b"hi").unwrap();
        let named = dir.path().join("named.bin");
        std::fs::write(&named, b"x").unwrap();
        let dup = dir.path().join("a/./b/x.zip");
        let missing = dir.path().join("missing.zip");
        let args = vec![
            dir.path().join("a"),
            named.clone(),
            dup,
            missing.clone(),
            PathBuf::from("-"),
        ];
        let list = format!("{}\n\n{}\n", named.display(), missing.display());
        let inputs = expand(&args, &mut list.as_bytes(), Shard::ALL);
        let paths: Vec<&str> = inputs.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(paths.len(), 4, "{paths:?}");
        assert!(paths[0].ends_with("x.zip") && paths[1].ends_with("y.ZIP"));
        assert!(paths[2].ends_with("named.bin"));
        assert_eq!(
            inputs[3].error.as_ref().map(InputError::kind),
            Some(ErrorKind::Io)
        );
    }
}
