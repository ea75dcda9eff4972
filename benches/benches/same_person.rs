//! `same-person` at scale: the HNSW index of `eidscope_faces::same_person` against the exact
//! all-pairs search, on synthesised embeddings with planted near pairs
//! (`eidscope_benches::planted_embeddings`), at the `same-person` threshold.
//!
//! Criterion measures both at 10k faces. Then one timed run of each: exact at 10k and 100k
//! (1M would take hours), the index at 10k, 100k and 1M, with the recall of the planted pairs
//! and of the exact search's pairs. `SAME_PERSON_SIZES=10000,100000` limits the sizes;
//! `SAME_PERSON_INTRINSIC=16,128` chooses the intrinsic dimensions of the synthesised faces
//! (default 16; 128 is isotropic noise, the worst case).

use criterion::{BenchmarkId, Criterion, SamplingMode};
use eidscope_benches::{PlantedPairs, planted_embeddings};
use eidscope_faces::Embedding;
use eidscope_faces::same_person::{FaceRecord, NeighbourSearch, close_pairs};
use eidscope_faces::thresholds::SAME_PERSON;
use std::collections::HashSet;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// The exact search takes hours beyond this.
const EXACT_UP_TO: usize = 100_000;

/// The intrinsic dimension of the synthesised faces (see `planted_embeddings`).
const INTRINSIC: usize = 16;

fn records(n: usize, intrinsic: usize) -> (Vec<FaceRecord<usize, usize>>, PlantedPairs) {
    let (faces, planted) = planted_embeddings(n, intrinsic, 7);
    let records = faces
        .into_iter()
        .enumerate()
        .map(|(i, embedding)| FaceRecord {
            id: i,
            identity: i,
            embedding: Embedding(embedding),
        })
        .collect();
    (records, planted)
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("same_person");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500));
    let n = 10_000;
    let (faces, _) = records(n, INTRINSIC);
    group.bench_with_input(BenchmarkId::new("index", n), &faces, |b, f| {
        b.iter(|| close_pairs(black_box(f), SAME_PERSON, NeighbourSearch::HNSW_DEFAULT).len());
    });
    group.bench_with_input(BenchmarkId::new("exact", n), &faces, |b, f| {
        b.iter(|| close_pairs(black_box(f), SAME_PERSON, NeighbourSearch::Exact).len());
    });
    group.finish();
}

fn pair_set(pairs: &[eidscope_faces::same_person::ClosePair]) -> HashSet<(usize, usize)> {
    pairs.iter().map(|p| (p.a, p.b)).collect()
}

/// One timed run per size and search, with recall.
fn summary() {
    let sizes: Vec<usize> = std::env::var("SAME_PERSON_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|v| v.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![10_000, 100_000, 1_000_000]);
    println!(
        "\nsame_person at distance {SAME_PERSON}, one run each, {} threads:",
        rayon::current_num_threads()
    );
    println!(
        "{:>9} {:>4} {:>8} {:>9} {:>9} {:>8} {:>12} {:>12}",
        "faces", "dims", "planted", "exact s", "index s", "ratio", "recall/plant", "recall/exact"
    );
    let intrinsic: Vec<usize> = std::env::var("SAME_PERSON_INTRINSIC")
        .ok()
        .map(|s| s.split(',').filter_map(|v| v.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![INTRINSIC]);
    for (n, dims) in sizes
        .into_iter()
        .flat_map(|n| intrinsic.iter().map(move |&d| (n, d)))
    {
        let (faces, planted) = records(n, dims);
        let planted: HashSet<(usize, usize)> = planted.into_iter().collect();
        let started = Instant::now();
        let index = close_pairs(&faces, SAME_PERSON, NeighbourSearch::HNSW_DEFAULT);
        let index_time = started.elapsed().as_secs_f64();
        let found = pair_set(&index);
        let recall_planted = found.intersection(&planted).count() as f64 / planted.len() as f64;
        let (exact_time, recall_exact) = if n <= EXACT_UP_TO {
            let started = Instant::now();
            let exact = pair_set(&close_pairs(&faces, SAME_PERSON, NeighbourSearch::Exact));
            let time = started.elapsed().as_secs_f64();
            (
                Some(time),
                Some(found.intersection(&exact).count() as f64 / exact.len().max(1) as f64),
            )
        } else {
            (None, None)
        };
        let show =
            |v: Option<f64>, digits: usize| v.map_or("-".to_string(), |v| format!("{v:.digits$}"));
        println!(
            "{n:>9} {dims:>4} {:>8} {:>9} {:>9.2} {:>8} {:>12.4} {:>12}",
            planted.len(),
            show(exact_time, 2),
            index_time,
            show(exact_time.map(|e| e / index_time), 1),
            recall_planted,
            show(recall_exact, 4),
        );
    }
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    if std::env::var_os("SAME_PERSON_SUMMARY_ONLY").is_none() {
        bench(&mut criterion);
    }
    criterion.final_summary();
    summary();
}
