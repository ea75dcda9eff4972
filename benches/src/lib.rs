//! Inputs for eidscope's benchmarks (`cargo bench -p eidscope-benches`), built in code and
//! seeded, so that every run measures the same work.

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

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
