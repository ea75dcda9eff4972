//! Input expansion: the arguments of `scan` and `stats` (files, folders walked recursively for
//! `*.zip`, `-` for a list of paths on standard input) turned into a de-duplicated stream of
//! bundle paths ([`InputStream`]), one at a time, so that a scan of millions of bundles never
//! holds the list: what it keeps per input is a 16-byte fingerprint of the file's canonical
//! path (to give each file once), and, while a folder is walked, that folder's names.
//!
//! The order is deterministic and, for files and folders given as arguments, the order of the
//! path strings: the arguments are taken in path order and each folder is walked in path order
//! (a folder `a` sorts as `a/`, so `a-1.zip` comes before `a/x.zip`, as in a sort of the paths).
//! Then, for `-`, the lines of standard input in the order they are listed (sort the list for
//! path order); a line naming a folder is walked there.
//!
//! A file named on the command line or on standard input is a bundle by its content, whatever
//! its name; only the walk of a folder filters by the `.zip` extension. An argument that does
//! not exist, or a folder entry that cannot be read, stays in the stream as an [`Input`] with an
//! error, so that it becomes a row of the `errors` table: every input appears exactly once.

use crate::shard::Shard;
use eidscope_model::ErrorKind;
use sha2::{Digest, Sha256};
use std::cmp::Ordering;
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

/// Expands the arguments into the bundle list, keeping the inputs of `shard`: the whole
/// [`InputStream`] collected (for the callers that hold the batch anyway: statistics over
/// bundles in memory, the Python package).
///
/// `-` reads one path per line from `stdin` (blank lines are skipped; each line is expanded
/// like an argument, so it may name a folder). Repeated paths are kept once: two spellings of
/// the same file (`a/x.zip`, `./a/x.zip`, a symbolic link) count as one, the first kept.
pub fn expand(args: &[PathBuf], stdin: &mut dyn BufRead, shard: Shard) -> Vec<Input> {
    InputStream::new(args, stdin)
        .filter(|input| shard.contains(&input.path))
        .collect()
}

/// The inputs of a batch, found one at a time (see the module documentation for the order and
/// what is kept). `R` is where `-` reads its list from.
pub struct InputStream<R> {
    /// The arguments not taken yet, in path order.
    args: std::vec::IntoIter<PathBuf>,
    /// The list of paths for `-`; taken (read once) at the first `-`.
    stdin: Option<R>,
    /// Whether the lines of `stdin` are being read.
    reading_stdin: bool,
    /// The folder being walked.
    walk: Option<(PathBuf, walkdir::IntoIter)>,
    /// The files given so far.
    seen: Seen,
}

impl<R: BufRead> InputStream<R> {
    /// The inputs of `args`; `stdin` is read for the first `-` among them.
    pub fn new(args: &[PathBuf], stdin: R) -> InputStream<R> {
        let mut keyed: Vec<(Vec<u8>, PathBuf)> = args
            .iter()
            .map(|arg| {
                let mut key = arg.as_os_str().as_encoded_bytes().to_vec();
                if arg.as_os_str() != "-" && arg.is_dir() {
                    key.push(b'/');
                }
                (key, arg.clone())
            })
            .collect();
        // `-` last: the named arguments in path order, then the list.
        keyed.sort_by(|a, b| (a.1.as_os_str() == "-", &a.0).cmp(&(b.1.as_os_str() == "-", &b.0)));
        InputStream {
            args: keyed
                .into_iter()
                .map(|(_, arg)| arg)
                .collect::<Vec<_>>()
                .into_iter(),
            stdin: Some(stdin),
            reading_stdin: false,
            walk: None,
            seen: Seen::default(),
        }
    }

    /// The next line of the list on standard input, expanded: `None` when the list is done.
    fn next_listed(&mut self) -> Option<Option<Input>> {
        let stdin = self.stdin.as_mut()?;
        let mut line = String::new();
        match stdin.read_line(&mut line) {
            Ok(0) => None,
            Ok(_) => {
                let name = line.trim_end_matches(['\n', '\r']);
                Some(if name.trim().is_empty() {
                    None
                } else {
                    self.expand_one(Path::new(name))
                })
            }
            Err(e) => {
                self.stdin = None;
                Some(self.error("-", InputError::Stdin(e)))
            }
        }
    }

    /// An argument or a listed path: a file (an input), a folder (walked from the next call),
    /// or an error (an input).
    fn expand_one(&mut self, arg: &Path) -> Option<Input> {
        match std::fs::metadata(arg) {
            Ok(meta) if meta.is_dir() => {
                let walker = walkdir::WalkDir::new(arg)
                    .follow_links(false)
                    .sort_by(path_order)
                    .into_iter();
                self.walk = Some((arg.to_path_buf(), walker));
                None
            }
            Ok(_) => self.file(arg),
            Err(e) => self.error(&arg.to_string_lossy(), InputError::Open(e)),
        }
    }

    /// One entry of the folder being walked: a zip (an input), an error (an input), or
    /// anything else (skipped).
    fn walked(&mut self, dir: &Path, entry: walkdir::Result<walkdir::DirEntry>) -> Option<Input> {
        match entry {
            Ok(entry) => {
                let is_zip = entry
                    .path()
                    .extension()
                    .is_some_and(|ext| ext.eq_ignore_ascii_case("zip"));
                // A link to a file counts as a file; links are not followed into folders.
                let is_file = entry.file_type().is_file()
                    || (entry.file_type().is_symlink() && entry.path().is_file());
                (is_zip && is_file)
                    .then(|| self.file(entry.path()))
                    .flatten()
            }
            Err(e) => {
                let path = e.path().unwrap_or(dir).to_string_lossy().into_owned();
                let words = e.to_string();
                let cause = e
                    .into_io_error()
                    .unwrap_or_else(|| std::io::Error::other(words));
                self.error(&path, InputError::FolderEntry(cause))
            }
        }
    }

    fn file(&mut self, path: &Path) -> Option<Input> {
        let key = std::fs::canonicalize(path).unwrap_or_else(|_| lexical(path));
        self.seen.first(&key).then(|| Input {
            path: path.to_string_lossy().into_owned(),
            file: path.to_path_buf(),
            error: None,
            memory: None,
        })
    }

    fn error(&mut self, path: &str, error: InputError) -> Option<Input> {
        self.seen.first(&lexical(Path::new(path))).then(|| Input {
            path: path.to_owned(),
            file: PathBuf::from(path),
            error: Some(error),
            memory: None,
        })
    }
}

impl<R: BufRead> Iterator for InputStream<R> {
    type Item = Input;

    fn next(&mut self) -> Option<Input> {
        loop {
            if let Some((dir, walker)) = &mut self.walk {
                let dir = dir.clone();
                match walker.next() {
                    Some(entry) => {
                        if let Some(input) = self.walked(&dir, entry) {
                            return Some(input);
                        }
                    }
                    None => self.walk = None,
                }
            } else if self.reading_stdin {
                match self.next_listed() {
                    Some(Some(input)) => return Some(input),
                    Some(None) => {}
                    None => {
                        self.reading_stdin = false;
                        self.stdin = None;
                    }
                }
            } else {
                let arg = self.args.next()?;
                if arg.as_os_str() == "-" {
                    // Read once, however often `-` is given.
                    self.reading_stdin = self.stdin.is_some();
                } else if let Some(input) = self.expand_one(&arg) {
                    return Some(input);
                }
            }
        }
    }
}

/// The order of a folder's entries: that of their paths as strings (a folder `a` sorts as
/// `a/`: after `a-1.zip` and `a.zip`, before `a0.zip`), so that a walk lists paths sorted.
fn path_order(a: &walkdir::DirEntry, b: &walkdir::DirEntry) -> Ordering {
    fn key(entry: &walkdir::DirEntry) -> impl Iterator<Item = u8> + '_ {
        let name = entry.file_name().as_encoded_bytes().iter().copied();
        name.chain(entry.file_type().is_dir().then_some(b'/'))
    }
    key(a).cmp(key(b))
}

/// The files given so far, each by a fingerprint of its canonical path: the first 16 bytes of
/// its SHA-256 (16 bytes an input, whatever the path's length; two different paths share one
/// with a probability of about n²/2¹²⁹, nil for any batch).
#[derive(Default)]
struct Seen(HashSet<u128>);

impl Seen {
    /// Whether `key` is seen for the first time (it is then remembered).
    fn first(&mut self, key: &Path) -> bool {
        let digest = Sha256::digest(key.as_os_str().as_encoded_bytes());
        let mut first = [0u8; 16];
        first.copy_from_slice(&digest[..16]);
        self.0.insert(u128::from_be_bytes(first))
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
        // The named arguments in path order (the folder `a` as `a/`, its copy `a/./b/x.zip`
        // skipped), then the list, whose two paths were given already.
        assert_eq!(paths.len(), 4, "{paths:?}");
        assert!(paths[0].ends_with("x.zip") && paths[1].ends_with("y.ZIP"));
        assert!(paths[2].ends_with("missing.zip") && paths[3].ends_with("named.bin"));
        assert_eq!(
            inputs[2].error.as_ref().map(InputError::kind),
            Some(ErrorKind::Io)
        );
    }

    #[test]
    fn a_walk_lists_paths_in_string_order_and_the_list_in_its_order() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "a/x.zip",
            "a-1.zip",
            "a.zip",
            "a0.zip",
            "b/c/d.zip",
            "b/c.zip",
        ] {
            let file = dir.path().join(name);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(file, b"PK").unwrap();
        }
        let found: Vec<String> = InputStream::new(&[dir.path().to_path_buf()], std::io::empty())
            .map(|i| i.path)
            .collect();
        let mut sorted = found.clone();
        sorted.sort();
        assert_eq!(found.len(), 6);
        assert_eq!(found, sorted);
        let list = format!(
            "{}\n{}\n",
            dir.path().join("b").display(),
            dir.path().join("a.zip").display()
        );
        let listed: Vec<String> = InputStream::new(&[PathBuf::from("-")], list.as_bytes())
            .map(|i| i.path)
            .collect();
        assert_eq!(listed.len(), 3, "{listed:?}");
        assert!(listed[0].ends_with("b/c.zip") && listed[1].ends_with("b/c/d.zip"));
        assert!(listed[2].ends_with("a.zip"));
    }
}
