//! The near-duplicate search (`eidscope_analysis::links::near_pairs`, the multi-table index)
//! against the all-pairs search, on 10k, 100k and 1M planted hashes at the default radius.
//!
//! Criterion measures each; the all-pairs search runs only where it finishes in reasonable
//! time (10k and 100k). After the measurements one timed run of each prints the ratio.

use criterion::{BenchmarkId, Criterion, SamplingMode};
use eidscope_analysis::links::{DEFAULT_NEAR_BITS, near_pairs, near_pairs_all_pairs};
use eidscope_benches::planted_hashes;
use std::hint::black_box;
use std::time::{Duration, Instant};

const SIZES: [usize; 3] = [10_000, 100_000, 1_000_000];
/// The all-pairs search takes minutes beyond this.
const ALL_PAIRS_UP_TO: usize = 100_000;

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("near_pairs");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500));
    for n in SIZES {
        let hashes = planted_hashes(n, 42);
        group.bench_with_input(BenchmarkId::new("index", n), &hashes, |b, h| {
            b.iter(|| near_pairs(black_box(h), DEFAULT_NEAR_BITS).len());
        });
        if n <= ALL_PAIRS_UP_TO {
            group.bench_with_input(BenchmarkId::new("all-pairs", n), &hashes, |b, h| {
                b.iter(|| near_pairs_all_pairs(black_box(h), DEFAULT_NEAR_BITS).len());
            });
        }
    }
    group.finish();
}

/// One timed run of each search per size, the pair counts checked equal, and the ratio.
fn summary() {
    println!("\nnear_pairs at {DEFAULT_NEAR_BITS} bits, one run each:");
    println!(
        "{:>9}  {:>8}  {:>12}  {:>12}  {:>8}",
        "hashes", "pairs", "index", "all-pairs", "ratio"
    );
    for n in SIZES {
        let hashes = planted_hashes(n, 42);
        let start = Instant::now();
        let pairs = near_pairs(&hashes, DEFAULT_NEAR_BITS);
        let index = start.elapsed();
        if n <= ALL_PAIRS_UP_TO {
            let start = Instant::now();
            let reference = near_pairs_all_pairs(&hashes, DEFAULT_NEAR_BITS);
            let all = start.elapsed();
            assert_eq!(
                pairs, reference,
                "the index disagrees with the all-pairs search at {n}"
            );
            println!(
                "{n:>9}  {:>8}  {:>12.3?}  {:>12.3?}  {:>7.0}x",
                pairs.len(),
                index,
                all,
                all.as_secs_f64() / index.as_secs_f64()
            );
        } else {
            println!(
                "{n:>9}  {:>8}  {:>12.3?}  {:>12}  {:>8}",
                pairs.len(),
                index,
                "-",
                "-"
            );
        }
    }
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    bench(&mut criterion);
    criterion.final_summary();
    summary();
}
