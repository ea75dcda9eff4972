//! `eidscope inspect`: bundles, each as a terminal summary or the contract's JSON object (one
//! object per line when there are several), in the order given. An unreadable bundle is its
//! error line on standard error; the others are still shown, and the exit code says 3.

use crate::cli::InspectArgs;
use crate::error::CliError;
use eidscope_model::{ExitStatus, Severity};
use eidscope_pipeline::{self as pipeline, Level};

pub fn run(args: &InspectArgs) -> Result<ExitStatus, CliError> {
    let thresholds = args.judge.thresholds()?;
    if args.process.is_some() && args.bundles.len() > 1 {
        return Err(CliError::Usage(
            "--process names the process of one bundle: give one bundle with it".to_owned(),
        ));
    }
    let engines = match args.bundles.first() {
        Some(first) => crate::cmd::faces::engines(args.faces, first)?,
        None => None,
    };
    let read = |bundle: &std::path::Path| read(args, bundle, &thresholds, engines.as_deref());
    if let [bundle] = args.bundles.as_slice() {
        let report = read(bundle)?;
        let severities: Vec<Severity> = report.findings.iter().map(|f| f.severity).collect();
        if args.json {
            let text = serde_json::to_string_pretty(&report)?;
            crate::output::json(&format!("{text}\n"));
        } else {
            crate::output::styled(&crate::render::summary(&report));
        }
        return Ok(args.judge.fail_on.verdict(severities));
    }
    let mut severities = Vec::new();
    let mut unreadable = false;
    for (index, bundle) in args.bundles.iter().enumerate() {
        let report = match read(bundle) {
            Ok(report) => report,
            Err(e) => {
                eprintln!("eidscope: {}", crate::output::sanitize(&e.line()));
                unreadable = true;
                continue;
            }
        };
        severities.extend(report.findings.iter().map(|f| f.severity));
        if args.json {
            crate::output::json(&format!("{}\n", serde_json::to_string(&report)?));
        } else {
            if index > 0 {
                crate::output::text("\n");
            }
            crate::output::styled(&crate::render::summary(&report));
        }
    }
    if unreadable {
        return Ok(ExitStatus::UnreadableInput);
    }
    Ok(args.judge.fail_on.verdict(severities))
}

/// The report of one bundle, with eidscope's face evidence when the engines are loaded.
fn read(
    args: &InspectArgs,
    bundle: &std::path::Path,
    thresholds: &eidscope_analysis::Thresholds,
    engines: Option<&crate::cmd::faces::Engines>,
) -> Result<eidscope_model::BundleReport, CliError> {
    let opened = pipeline::open(bundle, args.process.as_deref(), Level::Full)
        .map_err(|e| CliError::bundle(bundle, e))?;
    #[cfg_attr(not(feature = "faces"), allow(unused_mut))]
    let mut report = pipeline::report(&opened, Level::Full, thresholds);
    #[cfg(feature = "faces")]
    if let Some(engines) = engines {
        pipeline::faces::add_faces(&mut report, &opened, engines)?;
    }
    #[cfg(not(feature = "faces"))]
    let _ = engines;
    Ok(report)
}
