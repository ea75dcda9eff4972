//! `eidscope report`: one self-contained HTML page with charts over scan output folders (shards
//! merged) or bundles scanned on the way, written atomically to `--out`. The page itself is
//! `eidscope-report`'s; this module reads the inputs, says whether the data is redacted and
//! writes the file.

use crate::cli::ReportArgs;
use crate::error::CliError;
use crate::output::outln;
use eidscope_model::ExitStatus;
use eidscope_report::{Redaction, ReportData, ReportOptions};

pub fn run(args: &ReportArgs) -> Result<ExitStatus, CliError> {
    if args.out.as_os_str().is_empty() || args.out.is_dir() {
        return Err(CliError::Usage(format!(
            "--out {}: give the HTML file to write, not a folder",
            args.out.display()
        )));
    }
    let (tables, scanned_here) = super::input_tables(&args.inputs, args.level)?;
    let redaction = Redaction::of(
        tables
            .scans
            .iter()
            .map(|(_, manifest)| manifest.redacted)
            .chain(scanned_here.then_some(false)),
    );
    let data = ReportData::compute(&tables)?;
    super::warn_duplicate_bundles(data.stats.duplicate_bundles);
    let options = ReportOptions {
        redaction,
        generator: format!("eidscope {}", env!("CARGO_PKG_VERSION")),
    };
    let page = eidscope_report::render_data(&data, &options);
    super::write_atomically(&args.out, page.as_bytes())?;
    outln!("{}", args.out.display());
    Ok(ExitStatus::Ok)
}
