//! `eidscope stats`: statistics over scan output folders (shards merged) or bundles scanned
//! on the way, as a terminal report, JSON or CSV.

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
        sort: args.sort,
        min_count: args.min_count,
    };
    let result = stats::compute(&tables, &options)?;
    super::warn_duplicate_bundles(result.duplicate_bundles);
    if args.json {
        let text = serde_json::to_string_pretty(&result)?;
        crate::output::raw(&format!("{text}\n"));
    } else if args.csv {
        crate::output::text(&stats::render::csv(&result));
    } else {
        crate::output::text(&stats::render::text(&result));
    }
    Ok(ExitStatus::Ok)
}
