//! `eidscope findings`: with inputs, the findings of scan folders or bundles (the `findings`
//! table, filtered by code and severity, most severe first) as a listing or JSON; without, the
//! finding catalogue, as a table, Markdown or JSON.

use crate::cli::FindingsArgs;
use crate::error::CliError;
use crate::output::Text;
use eidscope_model::finding::catalogue_markdown;
use eidscope_model::{CATALOGUE, ExitStatus};
use eidscope_tables::findings::{FindingFilter, FindingsReport, list};
use serde_json::json;
use std::fmt::Write as _;

pub fn run(args: &FindingsArgs) -> Result<ExitStatus, CliError> {
    if !args.inputs.is_empty() {
        return instances(args);
    }
    if args.markdown {
        crate::output::text(&catalogue_markdown());
    } else if args.json {
        let rows: Vec<_> = CATALOGUE
            .iter()
            .map(|s| json!({"code": s.code, "severity": s.severity, "scope": s.scope, "level": s.level, "when": s.when}))
            .collect();
        crate::output::outln!("{}", serde_json::to_string_pretty(&rows)?);
    } else {
        let mut out = Text::new();
        for spec in CATALOGUE {
            let _ = write!(out, "{:<24} ", spec.code.as_str());
            out.severity(spec.severity, format!("{:<7}", spec.severity.as_str()));
            let _ = writeln!(
                out,
                " {:<7} {:<6} {}",
                spec.scope.as_str(),
                spec.level.as_str(),
                spec.when.replace('`', "")
            );
        }
        crate::output::styled(&out);
    }
    Ok(ExitStatus::Ok)
}

/// The findings of the inputs.
fn instances(args: &FindingsArgs) -> Result<ExitStatus, CliError> {
    let (tables, _) = super::input_tables(&args.inputs, args.level)?;
    let filter = FindingFilter {
        codes: args.code.clone(),
        severities: args.severity.clone(),
    };
    let report = list(&tables, &filter)?;
    if args.json {
        let text = serde_json::to_string_pretty(&report)?;
        crate::output::raw(&format!("{text}\n"));
    } else {
        crate::output::styled(&listing(&report));
    }
    Ok(ExitStatus::Ok)
}

/// One line per finding (severity, code, bundle, message), then a count and the checks that
/// could not run.
fn listing(report: &FindingsReport) -> Text {
    let mut out = Text::new();
    for finding in &report.findings {
        out.severity(
            finding.severity,
            format!("{:<6}", finding.severity.as_str().to_uppercase()),
        );
        let _ = writeln!(
            out,
            " {:<22} {}  {}",
            finding.code.as_str(),
            finding.path,
            finding.message
        );
    }
    let _ = writeln!(
        out,
        "{} finding{} in {} bundle{}",
        report.findings.len(),
        if report.findings.len() == 1 { "" } else { "s" },
        report.bundles,
        if report.bundles == 1 { "" } else { "s" }
    );
    crate::render::not_checked(&mut out, &report.checks_not_run);
    out
}
