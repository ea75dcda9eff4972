//! Times one run of the generator: `cargo run --release -p eidscope-synth --example
//! synth_timing -- COUNT OUT_DIR [SEED]`.

use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let count: usize = args
        .next()
        .ok_or("usage: synth_timing COUNT OUT_DIR [SEED]")?
        .parse()?;
    let out = args
        .next()
        .ok_or("usage: synth_timing COUNT OUT_DIR [SEED]")?;
    let seed: u64 = args.next().map_or(Ok(1), |s| s.parse())?;
    let started = Instant::now();
    let labels = eidscope_synth::generate(&eidscope_synth::SynthConfig::new(count, seed, out))?;
    let anomalous = labels
        .bundles
        .iter()
        .filter(|b| !b.anomalies.is_empty())
        .count();
    println!(
        "{} bundles ({anomalous} with an anomaly, {} groups) in {:.1} s",
        labels.bundles.len(),
        labels.groups.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
