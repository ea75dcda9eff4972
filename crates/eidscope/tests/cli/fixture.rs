//! Test fixtures built in code: bundles written into temporary folders, the binary run on them,
//! and snapshot filters that blank machine-specific paths.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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

/// Runs `eidscope` with these arguments.
pub fn eidscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eidscope"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// Runs `eidscope` with path arguments.
pub fn eidscope_paths(args: &[&dyn AsRef<std::ffi::OsStr>]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eidscope"))
        .args(args.iter().map(|a| a.as_ref()))
        .output()
        .unwrap()
}

/// Standard output as text.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Parses standard output as JSON.
pub fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            stdout(out),
            stderr(out)
        )
    })
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
        let out = eidscope_paths(&[
            &"synth",
            &"--count",
            &count.to_string(),
            &"--seed",
            &seed.to_string(),
            &"--out",
            &dir.path(),
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        dir
    })
    .path()
    .to_path_buf()
}

/// The finding codes of an `inspect --json` report, in report order.
pub fn finding_codes(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .collect()
}

/// Runs a prepared command with `stdin` as its standard input, capturing both outputs.
pub fn output_with_stdin(command: &mut Command, stdin: &str) -> Output {
    let mut child = command
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}
