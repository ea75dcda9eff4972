//! `eidscope links`: findings that need several bundles. Reads the inputs in parallel at level
//! `media` (the pictures are hashed), keeps the facts the rules need and prints one finding per
//! linked group, as a listing or as the contract's JSON object. An unreadable bundle is one
//! line on standard error and a count, never the end of the batch.

use crate::cli::LinksArgs;
use crate::error::CliError;
use eidscope_analysis::Thresholds;
use eidscope_analysis::links::{LinkConfig, LinkFinding, LinkRecord, find_links};
use eidscope_model::{ExitStatus, Severity};
use eidscope_pipeline::{self as pipeline, Level};
use rayon::prelude::*;
use std::collections::HashSet;
use std::fmt::Write as _;
use std::io::BufRead;
use std::path::{Path, PathBuf};

pub fn run(args: &LinksArgs) -> Result<ExitStatus, CliError> {
    let config = LinkConfig {
        near_bits: args.near_bits,
        velocity: args.velocity,
    };
    let mut unreadable = 0usize;
    let paths = bundle_paths(&args.inputs, &mut std::io::stdin().lock(), &mut unreadable);
    let thresholds = Thresholds::default();
    let read: Vec<Result<LinkRecord, String>> = paths
        .par_iter()
        .map(|path| {
            let bundle = pipeline::open(path, None, Level::Media)
                .map_err(|e| format!("{}: {e}", path.display()))?;
            Ok(LinkRecord::from_report(&pipeline::report(
                &bundle,
                Level::Media,
                &thresholds,
            )))
        })
        .collect();
    let mut records = Vec::with_capacity(read.len());
    for result in read {
        match result {
            Ok(record) => records.push(record),
            Err(line) => {
                eprintln!("eidscope: {line}");
                unreadable += 1;
            }
        }
    }
    let findings = find_links(&records, &config);
    if args.json {
        let object = serde_json::json!({
            "findings": findings,
            "bundles": records.len(),
            "unreadable": unreadable,
            "near_bits": config.near_bits,
            "velocity": { "attempts": config.velocity.attempts, "window_seconds": config.velocity.window.num_seconds() },
        });
        let text =
            serde_json::to_string_pretty(&object).map_err(|e| CliError::Other(e.to_string()))?;
        println!("{text}");
    } else {
        print!("{}", listing(&findings, records.len(), unreadable));
    }
    Ok(match args.fail_on {
        Some(floor) if findings.iter().any(|f| f.severity >= floor) => {
            ExitStatus::FindingsAtOrAbove
        }
        _ => ExitStatus::Ok,
    })
}

/// The bundles named by the arguments: files as given, folders walked recursively for `*.zip`
/// (sorted by name), `-` one path per line from `stdin`; each once. A name that does not exist
/// is reported and counted in `missing`.
fn bundle_paths(args: &[PathBuf], stdin: &mut dyn BufRead, missing: &mut usize) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut add = |path: &Path, out: &mut Vec<PathBuf>, missing: &mut usize| {
        if path.is_dir() {
            let walk = walkdir::WalkDir::new(path).sort_by_file_name().into_iter();
            for entry in walk {
                match entry {
                    Ok(entry) if entry.file_type().is_file() && is_zip_name(entry.path()) => {
                        if seen.insert(entry.path().to_path_buf()) {
                            out.push(entry.into_path());
                        }
                    }
                    Ok(_) => {}
                    Err(e) => {
                        eprintln!("eidscope: {}: {e}", e.path().unwrap_or(path).display());
                        *missing += 1;
                    }
                }
            }
        } else if path.exists() {
            if seen.insert(path.to_path_buf()) {
                out.push(path.to_path_buf());
            }
        } else {
            eprintln!("eidscope: {}: no such file or folder", path.display());
            *missing += 1;
        }
    };
    let mut stdin_read = false;
    for arg in args {
        if arg.as_os_str() == "-" {
            if !std::mem::replace(&mut stdin_read, true) {
                for line in stdin.lines().map_while(Result::ok) {
                    let name = line.trim_end_matches('\r');
                    if !name.trim().is_empty() {
                        add(Path::new(name), &mut out, missing);
                    }
                }
            }
        } else {
            add(arg, &mut out, missing);
        }
    }
    out
}

fn is_zip_name(path: &Path) -> bool {
    path.extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("zip"))
}

/// The terminal listing: one block per finding (code, severity, key, the sentence, the
/// bundles), then a count.
fn listing(findings: &[LinkFinding], bundles: usize, unreadable: usize) -> String {
    let mut out = String::new();
    for finding in findings {
        let _ = writeln!(
            out,
            "{:<20} {:<7} {}",
            finding.code.as_str(),
            finding.severity.as_str(),
            finding.key
        );
        let _ = writeln!(out, "  {}", finding.message);
        for path in &finding.paths {
            let _ = writeln!(out, "    {path}");
        }
        out.push('\n');
    }
    let by_severity: Vec<String> = Severity::ALL
        .iter()
        .map(|s| (s, findings.iter().filter(|f| f.severity == *s).count()))
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("{n} {s}"))
        .collect();
    let _ = write!(
        out,
        "{} linked group{} across {bundles} bundle{}",
        findings.len(),
        if findings.len() == 1 { "" } else { "s" },
        if bundles == 1 { "" } else { "s" }
    );
    if !by_severity.is_empty() {
        let _ = write!(out, " ({})", by_severity.join(", "));
    }
    if unreadable > 0 {
        let _ = write!(
            out,
            "; {unreadable} input{} unreadable",
            if unreadable == 1 { "" } else { "s" }
        );
    }
    out.push('\n');
    out
}
