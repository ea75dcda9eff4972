//! `eidscope findings`: the finding catalogue, as a table, Markdown or JSON.

use crate::cli::FindingsArgs;
use crate::error::CliError;
use eidscope_model::finding::catalogue_markdown;
use eidscope_model::{CATALOGUE, ExitStatus};
use serde_json::json;

pub fn run(args: &FindingsArgs) -> Result<ExitStatus, CliError> {
    if args.markdown {
        crate::output::text(&catalogue_markdown());
    } else if args.json {
        let rows: Vec<_> = CATALOGUE
            .iter()
            .map(|s| json!({"code": s.code, "severity": s.severity, "scope": s.scope, "when": s.when}))
            .collect();
        crate::output::outln!("{}", serde_json::to_string_pretty(&rows)?);
    } else {
        for spec in CATALOGUE {
            crate::output::outln!(
                "{:<24} {:<7} {:<7} {}",
                spec.code.as_str(),
                spec.severity.as_str(),
                spec.scope.as_str(),
                spec.when.replace('`', "")
            );
        }
    }
    Ok(ExitStatus::Ok)
}
