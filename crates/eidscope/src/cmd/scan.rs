//! `eidscope scan`: many bundles in parallel into the six tables, with a progress bar on a
//! terminal and one closing summary line on standard error.

use crate::cli::ScanArgs;
use crate::error::CliError;
use eidscope_model::ExitStatus;
use eidscope_tables::writer::WriteOptions;
use eidscope_tables::{Redactor, ScanOptions, Shard, TablesError};
use std::io::IsTerminal;

/// The environment variable that holds the redaction key.
pub const REDACT_KEY_VAR: &str = "EIDSCOPE_REDACT_KEY";

pub fn run(args: &ScanArgs) -> Result<ExitStatus, CliError> {
    let thresholds = args.judge.thresholds()?;
    let redactor = if args.redact {
        Some(redactor(args)?)
    } else {
        None
    };
    let shard = args.shard.filter(|s| s.count > 1);
    let stdin = std::io::stdin();
    let inputs =
        eidscope_tables::expand(&args.inputs, &mut stdin.lock(), shard.unwrap_or(Shard::ALL));
    let options = ScanOptions {
        level: args.level,
        jobs: usize::from(args.jobs),
        shard,
        redactor,
        thresholds,
        write: WriteOptions {
            format: args.format,
            compress: true,
        },
        links: args
            .links
            .then(eidscope_analysis::links::LinkConfig::default),
    };
    let bar = (!args.quiet && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(inputs.len() as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} bundles  {per_sec}  eta {eta}",
        ) {
            bar.set_style(style);
        }
        bar
    });
    let progress = |done: u64| {
        if let Some(bar) = &bar {
            bar.set_position(done);
        }
    };
    let summary =
        eidscope_tables::scan(&inputs, &args.out, &options, &progress).map_err(tables_error)?;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let out = summary.out_dir.as_deref().unwrap_or(&args.out);
    eprintln!("{} -> {}", summary.line(), out.display());
    Ok(match (args.judge.fail_on, summary.max_severity()) {
        (Some(floor), Some(worst)) if worst >= floor => ExitStatus::FindingsAtOrAbove,
        _ => ExitStatus::Ok,
    })
}

fn redactor(args: &ScanArgs) -> Result<Redactor, CliError> {
    let key = match &args.redact_key_file {
        Some(file) => {
            let mut key = std::fs::read(file).map_err(|e| {
                CliError::Usage(format!(
                    "{}: cannot read the redaction key: {e}",
                    file.display()
                ))
            })?;
            // `echo key > file` leaves a line end that is not part of the key.
            while key.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
                key.pop();
            }
            key
        }
        None => std::env::var_os(REDACT_KEY_VAR)
            .map(|v| v.to_string_lossy().into_owned().into_bytes())
            .ok_or_else(|| {
                CliError::Usage(format!(
                    "--redact needs a key: set {REDACT_KEY_VAR} or give --redact-key-file FILE"
                ))
            })?,
    };
    Redactor::new(&key).map_err(|e| CliError::Usage(format!("--redact: {e}")))
}

/// Maps a batch failure to the CLI's errors: bad options are usage errors (exit 2), the rest
/// (an output that cannot be written, a folder that is not a scan) exit 3.
pub fn tables_error(error: TablesError) -> CliError {
    match error {
        TablesError::Usage(message) => CliError::Usage(message),
        other => CliError::Other(other.to_string()),
    }
}
