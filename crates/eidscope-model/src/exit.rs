//! The exit codes of the `eidscope` binary (cli-contract.md, "Exit codes").

/// What the process tells its caller through its exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// The command ran; findings and bad bundles in a batch are results, not failures.
    Ok = 0,
    /// `--fail-on SEVERITY` was given and a finding at or above it exists.
    FindingsAtOrAbove = 1,
    /// The command line was wrong.
    Usage = 2,
    /// An input given by name could not be read as a bundle.
    UnreadableInput = 3,
    /// Interrupted by Ctrl-C or SIGTERM (the shell's code for a signal): `scan` removed the
    /// tables it was writing.
    Interrupted = 130,
}

impl ExitStatus {
    /// The numeric exit code.
    pub fn code(self) -> u8 {
        self as u8
    }
}
