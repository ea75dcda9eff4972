//! The `eidscope` binary: parses the command line, runs one command, and maps every outcome to
//! the exit codes of cli-contract.md in one place. Commands live in `cmd/`; each is thin and
//! calls the libraries.

mod cli;
mod cmd;
mod error;
mod render;

use clap::Parser;
use eidscope_model::ExitStatus;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version are not errors; everything else clap reports is a usage error.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                ExitStatus::Usage.code()
            } else {
                0
            });
        }
    };
    match cmd::run(cli) {
        Ok(status) => ExitCode::from(status.code()),
        Err(e) => {
            eprintln!("eidscope: {e}");
            if let Some(hint) = e.hint() {
                eprintln!("hint: {hint}");
            }
            ExitCode::from(e.exit_status().code())
        }
    }
}
