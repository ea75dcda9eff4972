//! Test fixtures built in code: bundles written into temporary folders, the one command builder
//! that runs the binary ([`Eidscope`], ripgrep's `TestCommand`), its outcome checked with the
//! model's exit codes and read back into the model's types ([`Run`]), and snapshot filters that
//! blank machine-specific paths.

use eidscope_model::ExitStatus;
use serde::de::DeserializeOwned;
use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// A file of `testdata/`.
pub fn testdata(rel: &str) -> PathBuf {
    repo().join("testdata").join(rel)
}

/// Writes a zip with these entries (stored name, bytes).
pub fn write_zip(path: &Path, entries: &[(&str, &[u8])]) {
    let file = std::fs::File::create(path).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::from_date_and_time(2021, 6, 9, 10, 4, 42).unwrap());
    for (name, bytes) in entries {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
}

/// The `eidscope` binary with arguments, environment and standard input, in one known
/// environment: no colour, no redaction key unless the test gives one, an empty standard input
/// unless the test gives one.
pub struct Eidscope {
    command: Command,
    stdin: Option<String>,
}

impl Eidscope {
    /// `eidscope` with these arguments.
    pub fn new(args: &[&dyn AsRef<OsStr>]) -> Eidscope {
        let mut command = Command::new(env!("CARGO_BIN_EXE_eidscope"));
        command
            .args(args.iter().map(|a| a.as_ref()))
            .env("NO_COLOR", "1")
            .env_remove("EIDSCOPE_REDACT_KEY");
        Eidscope {
            command,
            stdin: None,
        }
    }

    /// One more argument.
    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Eidscope {
        self.command.arg(arg);
        self
    }

    /// An environment variable.
    pub fn env(mut self, key: &str, value: &str) -> Eidscope {
        self.command.env(key, value);
        self
    }

    /// An environment variable removed (the test's own environment may set it).
    pub fn env_remove(mut self, key: &str) -> Eidscope {
        self.command.env_remove(key);
        self
    }

    /// Text on standard input.
    pub fn stdin(mut self, text: impl Into<String>) -> Eidscope {
        self.stdin = Some(text.into());
        self
    }

    /// Starts the binary without waiting for it (standard error piped).
    pub fn spawn(mut self) -> std::process::Child {
        self.command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    }

    /// Runs the binary to its end.
    pub fn run(mut self) -> Run {
        let mut child = self
            .command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut input = child.stdin.take().unwrap();
        if let Some(text) = &self.stdin {
            input.write_all(text.as_bytes()).unwrap();
        }
        drop(input);
        Run(child.wait_with_output().unwrap())
    }
}

/// Runs `eidscope` with these arguments.
pub fn eidscope(args: &[&dyn AsRef<OsStr>]) -> Run {
    Eidscope::new(args).run()
}

/// What a run of the binary gave.
pub struct Run(pub Output);

impl Run {
    /// The exit code (`None` when a signal ended the process).
    pub fn code(&self) -> Option<i32> {
        self.0.status.code()
    }

    /// Asserts the exit status, showing standard error when it differs.
    pub fn assert(&self, status: ExitStatus) -> &Run {
        assert_eq!(
            self.code(),
            Some(i32::from(status.code())),
            "expected {status:?}; stderr: {}",
            self.stderr()
        );
        self
    }

    /// Asserts exit 0 (`ExitStatus::Ok`).
    pub fn ok(&self) -> &Run {
        self.assert(ExitStatus::Ok)
    }

    /// Standard output as text.
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.0.stdout).into_owned()
    }

    /// Standard error as text.
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.0.stderr).into_owned()
    }

    /// Standard output read as JSON into `T` (a model type, or `serde_json::Value`).
    pub fn json<T: DeserializeOwned>(&self) -> T {
        serde_json::from_slice(&self.0.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not the JSON expected ({e}): {}\nstderr: {}",
                self.stdout(),
                self.stderr()
            )
        })
    }
}

/// Runs `f` with insta filters that replace `dir` by `[DIR]`.
pub fn with_dir_filter<R>(dir: &Path, f: impl FnOnce() -> R) -> R {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(&regex_escape(&dir.display().to_string()), "[DIR]");
    settings.bind(f)
}

fn regex_escape(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            if "\\.+*?()|[]{}^$#&-~".contains(c) {
                vec!['\\', c]
            } else {
                vec![c]
            }
        })
        .collect()
}

/// A synthetic batch written by `eidscope synth --count COUNT --seed SEED`, made once per test
/// run and shared by every test that asks for the same count and seed.
pub fn synth_batch(count: u32, seed: u64) -> PathBuf {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};
    type Batches = Mutex<HashMap<(u32, u64), Arc<OnceLock<tempfile::TempDir>>>>;
    static BATCHES: OnceLock<Batches> = OnceLock::new();
    let slot = BATCHES
        .get_or_init(Default::default)
        .lock()
        .unwrap()
        .entry((count, seed))
        .or_default()
        .clone();
    // Generation happens outside the map's lock, so different batches are made in parallel.
    slot.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        eidscope(&[
            &"synth",
            &"--count",
            &count.to_string(),
            &"--seed",
            &seed.to_string(),
            &"--out",
            &dir.path(),
        ])
        .ok();
        dir
    })
    .path()
    .to_path_buf()
}

/// The labels of a synthetic batch.
pub fn labels(dir: &Path) -> eidscope_synth::Labels {
    eidscope_synth::read_labels(dir.join("labels.json")).unwrap()
}

/// The report of `inspect --json` on a bundle, which must read.
pub fn inspect(bundle: &Path) -> eidscope_model::BundleReport {
    eidscope(&[&"inspect", &bundle, &"--json"]).ok().json()
}

/// The finding codes of a report, in report order.
pub fn finding_codes(report: &eidscope_model::BundleReport) -> Vec<eidscope_model::FindingCode> {
    report.findings.iter().map(|f| f.code).collect()
}

/// The bundles (`*.zip`) of a folder, sorted by path.
pub fn zips_in(dir: &Path) -> Vec<PathBuf> {
    let mut zips: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "zip"))
        .collect();
    zips.sort();
    zips
}
