//! `eidscope stats`: statistics over scan output folders (shards merged) or bundles scanned
//! on the way, as a terminal report, JSON or CSV.

use super::scan::tables_error;
use crate::cli::StatsArgs;
use crate::error::CliError;
use eidscope_model::ExitStatus;
use eidscope_tables::stats::{self, StatsOptions};

pub fn run(args: &StatsArgs) -> Result<ExitStatus, CliError> {
    let (tables, _) = super::input_tables(&args.inputs, args.level)?;
    let options = StatsOptions {
        by: args
            .by
            .iter()
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty())
            .collect(),
        every: args.every,
    };
    let result = stats::compute(&tables, &options).map_err(tables_error)?;
    if result.duplicate_bundles > 0 {
        eprintln!(
            "eidscope: warning: {} row(s) repeat a bundle already counted (same sha256): give each bundle once, as a scan folder or as a file",
            result.duplicate_bundles
        );
    }
    if args.json {
        let text =
            serde_json::to_string_pretty(&result).map_err(|e| CliError::Other(e.to_string()))?;
        crate::output::raw(&format!("{text}\n"));
    } else if args.csv {
        crate::output::text(&stats::render::csv(&result));
    } else {
        crate::output::text(&stats::render::text(&result));
    }
    Ok(ExitStatus::Ok)
}
