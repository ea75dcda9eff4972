//! `eidscope inspect`: one bundle, as a terminal summary or the contract's JSON object.

use crate::cli::InspectArgs;
use crate::error::CliError;
use eidscope_model::ExitStatus;
use eidscope_pipeline::{self as pipeline, Level};

pub fn run(args: &InspectArgs) -> Result<ExitStatus, CliError> {
    let thresholds = args.judge.thresholds()?;
    let bundle = pipeline::open(&args.bundle, args.process.as_deref(), Level::Full)
        .map_err(|e| CliError::bundle(&args.bundle, e))?;
    let engines = crate::cmd::faces::engines(args.faces, &args.bundle)?;
    #[cfg_attr(not(feature = "faces"), allow(unused_mut))]
    let mut report = pipeline::report(&bundle, Level::Full, &thresholds);
    #[cfg(feature = "faces")]
    if let Some(engines) = engines {
        pipeline::faces::add_faces(&mut report, &bundle, &engines)?;
    }
    #[cfg(not(feature = "faces"))]
    let _ = engines;
    if args.json {
        let text = serde_json::to_string_pretty(&report)?;
        crate::output::json(&format!("{text}\n"));
    } else {
        crate::output::text(&crate::render::summary(&report));
    }
    Ok(args
        .judge
        .fail_on
        .verdict(report.findings.iter().map(|f| f.severity)))
}
