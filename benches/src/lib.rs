//! Inputs for eidscope's benchmarks (`cargo bench -p eidscope-benches`), built in code and
//! seeded, so that every run measures the same work.

use eidscope_bundle::{Bundle, EntryData, Limits, ProcessSource, ReadPlan};
use eidscope_model::EntryKind;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use std::path::PathBuf;

/// A synthetic bundle for the per-bundle benches: eight bundles written into a temporary
/// folder (`eidscope-synth`, seeded), the first opened with every entry read. Keep the folder
/// as long as the zip is used.
pub struct SampleBundle {
    /// The folder that holds the bundles; removed when dropped.
    pub dir: tempfile::TempDir,
    /// The first bundle's zip.
    pub zip: PathBuf,
    /// The first bundle, every entry read.
    pub bundle: Bundle,
}

impl SampleBundle {
    /// Writes the bundles and opens the first. Panics when the synthesis fails: a bench
    /// without input measures nothing.
    pub fn new() -> SampleBundle {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let config = eidscope_synth::SynthConfig::new(8, 5, dir.path());
        eidscope_synth::generate(&config).expect("synthetic bundles");
        let zip = dir.path().join("bundle-00001.zip");
        let bundle = Bundle::open(
            &zip,
            ProcessSource::Beside,
            ReadPlan::ALL,
            &Limits::default(),
        )
        .expect("a readable bundle");
        SampleBundle { dir, zip, bundle }
    }

    /// One entry of the bundle (the synthetic bundle has every kind).
    pub fn entry(&self, kind: EntryKind) -> &EntryData {
        self.bundle
            .archive
            .contents
            .get(&kind)
            .expect("the synthetic bundle has this entry")
    }
}

impl Default for SampleBundle {
    fn default() -> SampleBundle {
        SampleBundle::new()
    }
}

/// `n` 64-bit hashes: uniformly random, except that one in a hundred is a near copy of an
/// earlier hash with 1 to 8 bits flipped (a reused picture), so the search has pairs to find.
pub fn planted_hashes(n: usize, seed: u64) -> Vec<u64> {
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut hashes: Vec<u64> = Vec::with_capacity(n);
    for i in 0..n {
        let hash = if i > 0 && rng.random_ratio(1, 100) {
            let source = hashes[rng.random_range(0..i)];
            let flips = rng.random_range(1..=8);
            (0..flips).fold(source, |h, _| h ^ (1u64 << rng.random_range(0..64)))
        } else {
            rng.random()
        };
        hashes.push(hash);
    }
    hashes
}
