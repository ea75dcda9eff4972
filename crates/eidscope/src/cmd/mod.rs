//! One module per command; [`run`] dispatches.

mod extract;
mod findings;
mod inspect;
mod links;
mod overlay;
mod scan;
mod stats;
mod synth;
mod video;

use crate::cli::{Cli, Command, JudgeArgs};
use crate::error::CliError;
use eidscope_analysis::Thresholds;
use eidscope_model::{ExitStatus, Finding};

/// Runs the command.
pub fn run(cli: Cli) -> Result<ExitStatus, CliError> {
    match cli.command {
        Command::Inspect(args) => inspect::run(&args),
        Command::Extract(args) => extract::run(&args),
        Command::Overlay(args) => overlay::run(&args),
        Command::Video(args) => video::run(&args),
        Command::Synth(args) => synth::run(&args),
        Command::Findings(args) => findings::run(&args),
        Command::Scan(args) => scan::run(&args),
        Command::Stats(args) => stats::run(&args),
        Command::Links(args) => links::run(&args),
    }
}

impl JudgeArgs {
    /// The finding thresholds these options set.
    pub fn thresholds(&self) -> Result<Thresholds, CliError> {
        if !(0..=150).contains(&self.adult_age) {
            return Err(CliError::Usage(format!(
                "--adult-age {} is not an age",
                self.adult_age
            )));
        }
        if !self.min_video_seconds.is_finite() || self.min_video_seconds < 0.0 {
            return Err(CliError::Usage(
                "--min-video-seconds must be a positive number".to_owned(),
            ));
        }
        Ok(Thresholds {
            adult_age: self.adult_age,
            min_video_seconds: self.min_video_seconds,
            ..Thresholds::default()
        })
    }

    /// The exit status for these findings under `--fail-on`.
    pub fn verdict<'a>(&self, findings: impl IntoIterator<Item = &'a Finding>) -> ExitStatus {
        match self.fail_on {
            Some(floor) if findings.into_iter().any(|f| f.severity >= floor) => {
                ExitStatus::FindingsAtOrAbove
            }
            _ => ExitStatus::Ok,
        }
    }
}

/// Writes a file so that it appears complete or not at all: into a temporary name beside it,
/// then renamed over the target.
pub fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> Result<(), CliError> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.partial"));
    // A stale temporary from an interrupted run is removed; `create_new` then refuses to
    // follow anything planted under that name in the meantime.
    let _ = std::fs::remove_file(&tmp);
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .and_then(|mut f| std::io::Write::write_all(&mut f, bytes))
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            CliError::output(path, e)
        })
}
