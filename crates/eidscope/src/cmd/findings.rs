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
        crate::output::outln!(
            "{}",
            serde_json::to_string_pretty(&rows).map_err(|e| CliError::Other(e.to_string()))?
        );
    } else {
        for spec in CATALOGUE {
            crate::output::outln!(
                "{:<24} {:<7} {:<7} {}",
                spec.code.as_str(),
                spec.severity.as_str(),
                format!("{:?}", spec.scope).to_lowercase(),
                spec.when.replace('`', "")
            );
        }
    }
    Ok(ExitStatus::Ok)
}
