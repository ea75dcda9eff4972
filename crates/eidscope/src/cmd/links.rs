//! `eidscope links`: findings that need several bundles. Reads scan output folders from their
//! tables, and bundles in parallel at level `media` (the pictures are hashed), keeps the facts
//! the rules need and prints one finding per linked group (of the `--code`s asked for), as a
//! listing or as the contract's JSON object, with the checks the scan levels could not run.
//! An unreadable bundle is one line on standard error and a count, never the end of the batch.

use crate::cli::LinksArgs;
use crate::error::CliError;
use crate::output::Text;
use eidscope_analysis::Thresholds;
use eidscope_analysis::links::{LinkConfig, LinkRecord};
use eidscope_model::FacePicture;
use eidscope_model::finding::LinksReport;
use eidscope_model::{ExitStatus, Level, Severity, Vocabulary, error_line};
use eidscope_pipeline as pipeline;
use eidscope_tables::faces::FaceLinks;
use eidscope_tables::links::{LinksInputs, links_report, one_per_attempt, repeated_note};
use eidscope_tables::{Shard, read_scan, split_inputs};

#[cfg(feature = "faces")]
use crate::cmd::faces::FaceEngines;
/// Without the `faces` feature no engine exists (`--faces` is refused before this).
#[cfg(not(feature = "faces"))]
type FaceEngines = std::convert::Infallible;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

pub fn run(args: &LinksArgs) -> Result<ExitStatus, CliError> {
    let config = LinkConfig {
        near_bits: args.near_bits,
        velocity: args.velocity,
    };
    super::check_inputs(&args.inputs, true)?;
    let engines = crate::cmd::faces::engines(args.faces, std::path::Path::new("links"))?;
    let (mut records, unreadable, levels, faces) = link_records(&args.inputs, engines.as_deref())?;
    let repeated = one_per_attempt(&mut records);
    if repeated > 0 {
        eprintln!("eidscope: {}", repeated_note(repeated));
    }
    let inputs = LinksInputs {
        levels,
        unreadable,
        face_findings: faces.findings(),
    };
    let report = links_report(&records, inputs, &config, &args.code);
    let verdict = args
        .fail_on
        .verdict(report.findings.iter().map(|f| f.severity));
    if args.json {
        let text = serde_json::to_string_pretty(&report)?;
        crate::output::json(&format!("{text}\n"));
    } else {
        crate::output::styled(&listing(&report));
    }
    Ok(verdict)
}

/// The records, the count of unreadable inputs, the bundles per level and the faces.
type Records = (Vec<LinkRecord>, usize, BTreeMap<Level, u64>, FaceLinks);

/// The records of every input: scan output folders (shards merged) are read from their
/// `bundles` table; everything else is expanded like `scan`'s inputs and read in parallel at
/// level `media`. An unreadable bundle is one line on standard error and a count.
/// With `engines` (`--faces`), the bundles are also looked at by the face engine; the faces
/// of scan folders come from their `faces` table when it holds embeddings.
fn link_records(inputs: &[PathBuf], engines: Option<&FaceEngines>) -> Result<Records, CliError> {
    let split = split_inputs(inputs);
    let (mut records, mut levels, mut faces) = if split.scans.is_empty() {
        (Vec::new(), BTreeMap::new(), FaceLinks::default())
    } else {
        let tables = read_scan(&split.scans)?;
        (
            eidscope_tables::links::records(&tables)?,
            tables.levels()?,
            FaceLinks::from_tables(&tables)?,
        )
    };
    let bundles = if split.bundles.is_empty() {
        Vec::new()
    } else {
        super::expand_bundles(&split.bundles, Shard::ALL)?
    };
    let thresholds = Thresholds::default();
    let bar = crate::output::progress(Some(bundles.len() as u64), "bundles");
    let read: Vec<Result<(LinkRecord, FaceEmbeddings), String>> = bundles
        .par_iter()
        .inspect(|_| {
            if let Some(bar) = &bar {
                bar.inc(1);
            }
        })
        .map(|input| {
            if let Some(error) = &input.error {
                return Err(format!("{}: {}", input.path, error_line(error)));
            }
            let bundle = pipeline::open(&input.file, None, Level::Media)
                .map_err(|e| format!("{}: {}", input.path, e.line()))?;
            let report = pipeline::report(&bundle, Level::Media, &thresholds);
            let embeddings =
                face_embeddings(&bundle, engines).map_err(|e| format!("{}: {e}", input.path))?;
            Ok((LinkRecord::from_report(&report), embeddings))
        })
        .collect();
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let mut unreadable = 0;
    for result in read {
        match result {
            Ok((record, embeddings)) => {
                faces.add(&record, embeddings);
                records.push(record);
                *levels.entry(Level::Media).or_insert(0) += 1;
            }
            Err(line) => {
                eprintln!("eidscope: {line}");
                unreadable += 1;
            }
        }
    }
    Ok((records, unreadable, levels, faces))
}

/// The selfie's and the portrait's embeddings, by picture.
type FaceEmbeddings = Vec<(FacePicture, Vec<f32>)>;

/// The selfie's and the portrait's embeddings of a bundle, with the face engine (`--faces`).
#[cfg(feature = "faces")]
fn face_embeddings(
    bundle: &eidscope_bundle::Bundle,
    engines: Option<&FaceEngines>,
) -> Result<FaceEmbeddings, String> {
    let Some(engines) = engines else {
        return Ok(Vec::new());
    };
    let evidence = engines
        .with(|engine| pipeline::faces::still_faces(bundle, engine))
        .map_err(|e| e.to_string())?;
    Ok(evidence
        .pictures
        .into_iter()
        .filter_map(|p| Some((p.picture, p.embedding?)))
        .collect())
}

#[cfg(not(feature = "faces"))]
fn face_embeddings(
    _bundle: &eidscope_bundle::Bundle,
    _engines: Option<&FaceEngines>,
) -> Result<FaceEmbeddings, String> {
    Ok(Vec::new())
}

/// The terminal listing: one block per finding (code, severity, key, the sentence, the
/// bundles), then a count, then the checks that could not run.
fn listing(report: &LinksReport) -> Text {
    let findings = &report.findings;
    let mut out = Text::new();
    for finding in findings {
        let _ = write!(out, "{:<20} ", finding.code.as_str());
        out.severity(
            finding.severity,
            format!("{:<7}", finding.severity.as_str()),
        );
        let _ = writeln!(out, " {}", finding.key);
        let _ = writeln!(out, "  {}", finding.message);
        for path in &finding.paths {
            let _ = writeln!(out, "    {path}");
        }
        out.push("\n");
    }
    let by_severity: Vec<String> = Severity::ALL
        .iter()
        .map(|s| (s, findings.iter().filter(|f| f.severity == *s).count()))
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("{n} {s}"))
        .collect();
    let bundles = report.bundles;
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
    if report.unreadable > 0 {
        let _ = write!(
            out,
            "; {} input{} unreadable",
            report.unreadable,
            if report.unreadable == 1 { "" } else { "s" }
        );
    }
    out.push("\n");
    crate::render::not_checked(&mut out, &report.checks_not_run);
    out
}
