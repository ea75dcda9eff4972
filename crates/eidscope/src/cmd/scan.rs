//! `eidscope scan`: many bundles in parallel into the six tables, with a progress bar on a
//! terminal and one closing summary line on standard error.

use crate::cli::ScanArgs;
use crate::error::CliError;
use crate::output::warning;
use eidscope_model::ExitStatus;
use eidscope_tables::writer::WriteOptions;
use eidscope_tables::{OutputMode, Redactor, ScanOptions, Shard};

/// On Ctrl-C or SIGTERM (a Kubernetes or Slurm job preempted), removes what was being written
/// (the open part, the tables being gathered) and ends with exit code 130: the complete parts
/// stay, so `scan --resume` continues where the scan stopped, and no `.partial` file is left.
fn remove_partials_on_interrupt(
    out: &std::path::Path,
    shard: Option<Shard>,
    format: eidscope_tables::table::Format,
) {
    let dir = match shard {
        Some(shard) => out.join(shard.dir_name()),
        None => out.to_path_buf(),
    };
    let partials: Vec<std::path::PathBuf> = eidscope_tables::table::Table::ALL
        .iter()
        .map(|table| eidscope_tables::writer::partial_name(&dir.join(table.file_name(format))))
        .collect();
    let parts = eidscope_tables::parts::parts_dir(&dir);
    let installed = ctrlc::set_handler(move || {
        for partial in &partials {
            let _ = std::fs::remove_file(partial);
        }
        for entry in std::fs::read_dir(&parts).into_iter().flatten().flatten() {
            if entry.file_name().to_string_lossy().ends_with(".partial") {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
        eprintln!(
            "eidscope: interrupted; the rows stored so far stay: continue with `eidscope scan ... --resume`"
        );
        std::process::exit(i32::from(ExitStatus::Interrupted.code()));
    });
    if let Err(e) = installed {
        warning!("cannot catch interruptions ({e}): an interrupted scan leaves .partial files");
    }
}

/// The environment variable that holds the redaction key.
pub const REDACT_KEY_VAR: &str = "EIDSCOPE_REDACT_KEY";

pub fn run(args: &ScanArgs) -> Result<ExitStatus, CliError> {
    let thresholds = args.judge.thresholds()?;
    let redactor = if args.redact {
        Some(redactor(args)?)
    } else {
        None
    };
    let faces = crate::cmd::faces::engines(args.faces, &args.out)?;
    let shard = args.shard.filter(|s| s.count > 1);
    super::check_inputs(&args.inputs, false)?;
    let inputs = super::stream_bundles(&args.inputs, shard.unwrap_or(Shard::ALL))?;
    let options = ScanOptions {
        level: args.level,
        jobs: usize::from(args.jobs.unwrap_or(0)),
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
        embeddings: if args.embeddings {
            eidscope_tables::Embeddings::Written
        } else {
            eidscope_tables::Embeddings::Withheld
        },
        #[cfg(feature = "faces")]
        faces,
        output: if args.force {
            OutputMode::Force
        } else if args.resume {
            OutputMode::Resume
        } else {
            OutputMode::Fresh
        },
        part_inputs: args.part_inputs,
    };
    #[cfg(not(feature = "faces"))]
    let _ = faces;
    let bar = crate::output::progress(None, "bundles");
    let progress = |done: u64| {
        if let Some(bar) = &bar {
            bar.set_position(done);
        }
    };
    remove_partials_on_interrupt(&args.out, shard, args.format);
    let summary = eidscope_tables::scan(inputs, &args.out, &options, &progress)?;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let out = summary.out_dir.as_deref().unwrap_or(&args.out);
    if !crate::output::quiet() {
        eprintln!("{} -> {}", summary.line(), out.display());
    }
    Ok(args.judge.fail_on.verdict(summary.max_severity()))
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
