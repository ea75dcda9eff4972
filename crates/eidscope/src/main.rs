//! The `eidscope` binary: parses the command line, runs one command, and maps every outcome to
//! the exit codes of cli-contract.md in one place. Commands live in `cmd/`; each is thin and
//! calls the libraries. An error is written here, once: one line with its whole cause chain.

mod cli;
mod cmd;
mod error;
mod output;
mod render;

use clap::Parser;
use eidscope_model::ExitStatus;
use std::process::ExitCode;

fn main() -> ExitCode {
    // A panic is a bug, never the answer to an input: one line, no backtrace, exit 101. The
    // batch engine catches a worker's panic and records the bundle in its errors table.
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "eidscope: internal error (a bug, please report it): {}{place}",
            output::sanitize(&message).replace('\n', " ")
        );
    }));
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
    output::configure(cli.color, cli.quiet);
    match cmd::run(cli) {
        Ok(status) => ExitCode::from(status.code()),
        Err(e) => {
            eprintln!("eidscope: {}", output::sanitize(&e.line()));
            ExitCode::from(e.exit_status().code())
        }
    }
}
