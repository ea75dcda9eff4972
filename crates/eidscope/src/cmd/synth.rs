//! `eidscope synth`: deterministic synthetic bundles with labelled anomalies.

use crate::cli::SynthArgs;
use crate::error::CliError;
use eidscope_model::ExitStatus;
use std::time::Instant;

pub fn run(args: &SynthArgs) -> Result<ExitStatus, CliError> {
    let started = Instant::now();
    let config = eidscope_synth::SynthConfig {
        count: usize::try_from(args.count)
            .map_err(|_| CliError::Usage("--count is too large".to_owned()))?,
        seed: args.seed,
        out: args.out.clone(),
        faces: args.faces.clone(),
        ..eidscope_synth::SynthConfig::default()
    };
    let labels = eidscope_synth::generate(&config).map_err(|source| CliError::Synth {
        out: args.out.clone(),
        source,
    })?;
    if !crate::output::quiet() {
        eprintln!(
            "wrote {} bundles, their process files and labels.json to {} in {:.1} s",
            labels.bundles.len(),
            args.out.display(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(ExitStatus::Ok)
}
