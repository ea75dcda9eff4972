//! `same-person` at scale: the HNSW index of `eidscope_faces::same_person` against the exact
//! all-pairs search, on synthesised embeddings with planted near pairs
//! (`eidscope_benches::planted_embeddings`), at the `same-person` threshold.
//!
//! Criterion measures both at 10k faces. Then one timed run per size, intrinsic dimension and
//! index setting: the index's build, its search of every face's neighbours within the
//! threshold, the process's resident memory before and after the build, and the recall of the
//! planted pairs and of the exact search's pairs. The exact search runs in full up to
//! `EXACT_UP_TO` faces; beyond (1M faces: hours) it runs for a random sample of faces against
//! all the others, and the recall is measured on the sample's pairs (the standard way).
//!
//! - `SAME_PERSON_SIZES=10000,100000,1000000` (the default) chooses the sizes;
//! - `SAME_PERSON_INTRINSIC=16,128` the intrinsic dimensions of the synthesised faces (default
//!   16; 128 is isotropic noise, the worst case);
//! - `SAME_PERSON_INDEX=100h,32s` the index settings: candidate list of the construction, then
//!   `h` (links chosen by the HNSW heuristic) or `s` (simply the nearest); default `100h`,
//!   eidscope's own setting;
//! - `SAME_PERSON_SAMPLE=1000` the sample beyond `EXACT_UP_TO`;
//! - `SAME_PERSON_SUMMARY_ONLY=1` skips criterion.

use criterion::{BenchmarkId, Criterion, SamplingMode};
use eidscope_benches::{PlantedPairs, planted_embeddings};
use eidscope_faces::Embedding;
use eidscope_faces::face::squared_distance;
use eidscope_faces::same_person::{
    ClosePair, FaceIndex, FaceRecord, HnswSettings, NeighbourSearch, close_pairs,
};
use eidscope_faces::thresholds::SAME_PERSON;
use rand::SeedableRng;
use rand::rngs::SmallRng;
use rand::seq::index::sample;
use rayon::prelude::*;
use std::collections::HashSet;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// The exact search of every pair takes hours beyond this; a sample of queries is used instead
/// (`SAME_PERSON_EXACT_UP_TO` changes it).
const EXACT_UP_TO: usize = 100_000;

fn exact_up_to() -> usize {
    list(
        "SAME_PERSON_EXACT_UP_TO",
        |v| v.parse().ok(),
        vec![EXACT_UP_TO],
    )[0]
}

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

fn pair_set(pairs: &[ClosePair]) -> HashSet<(usize, usize)> {
    pairs.iter().map(|p| (p.a, p.b)).collect()
}

/// A comma-separated list from the environment, or the default.
fn list<T>(name: &str, parse: impl Fn(&str) -> Option<T>, default: Vec<T>) -> Vec<T> {
    std::env::var(name)
        .ok()
        .map(|s| s.split(',').filter_map(|v| parse(v.trim())).collect())
        .unwrap_or(default)
}

/// `100h`: construction candidate list 100, the heuristic; `32s`: 32, the nearest links.
fn index_setting(text: &str) -> Option<HnswSettings> {
    let (number, kind) = text.split_at(text.len().checked_sub(1)?);
    Some(HnswSettings {
        ef_construction: number.parse().ok()?,
        heuristic: match kind {
            "h" => true,
            "s" => false,
            _ => return None,
        },
        ..HnswSettings::DEFAULT
    })
}

/// The process's resident memory now and at its peak, in MiB (Linux; 0 elsewhere).
fn memory_mib() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next()?.parse::<f64>().ok())
            .map_or(0.0, |kib| kib / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// The CPU time of the process so far (user and system, all threads), in seconds: on a shared
/// machine the wall time says how busy the others were, the CPU time what the work cost
/// (Linux; 0 elsewhere).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name (which may hold spaces) in parentheses.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or(Vec::new(), |(_, rest)| rest.split_whitespace().collect());
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name; clock ticks
    // of 1/100 s on Linux.
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

/// The exact pairs of the sampled faces against every face: what the exact search would find
/// for them. Blocks of faces against all the queries (which stay in cache), so that the faces
/// are read from memory once.
fn exact_pairs_of(
    faces: &[FaceRecord<usize, usize>],
    queries: &[usize],
) -> HashSet<(usize, usize)> {
    let max_squared = SAME_PERSON * SAME_PERSON;
    faces
        .par_chunks(4096)
        .enumerate()
        .flat_map_iter(|(block, chunk)| {
            chunk.iter().enumerate().flat_map(move |(offset, face)| {
                let b = block * 4096 + offset;
                queries.iter().filter_map(move |&q| {
                    (b != q
                        && squared_distance(&faces[q].embedding.0, &face.embedding.0)
                            <= max_squared)
                        .then_some((q.min(b), q.max(b)))
                })
            })
        })
        .collect()
}

fn recall(found: &HashSet<(usize, usize)>, truth: &HashSet<(usize, usize)>) -> f64 {
    if truth.is_empty() {
        return 1.0;
    }
    truth.intersection(found).count() as f64 / truth.len() as f64
}

/// The reference for one batch: the exact search in full, or on a sample of faces.
struct Exact {
    /// Seconds for every pair (measured, or extrapolated from the sample).
    seconds: f64,
    /// CPU seconds for every pair (likewise).
    cpu: f64,
    measured: bool,
    /// The sampled faces, when the exact search ran on a sample.
    sample: Option<Vec<usize>>,
    /// The exact pairs of every face, or of the sampled faces.
    pairs: HashSet<(usize, usize)>,
}

fn exact(faces: &[FaceRecord<usize, usize>]) -> Exact {
    let n = faces.len();
    let (started, cpu) = (Instant::now(), cpu_seconds());
    if n <= exact_up_to() {
        let pairs = pair_set(&close_pairs(faces, SAME_PERSON, NeighbourSearch::Exact));
        return Exact {
            seconds: started.elapsed().as_secs_f64(),
            cpu: cpu_seconds() - cpu,
            measured: true,
            sample: None,
            pairs,
        };
    }
    let size = list("SAME_PERSON_SAMPLE", |v| v.parse().ok(), vec![1_000])[0].min(n);
    let queries = sample(&mut SmallRng::seed_from_u64(11), n, size).into_vec();
    let pairs = exact_pairs_of(faces, &queries);
    // Each query compared with all n faces; every pair is n²/2 comparisons.
    let scale = (n as f64 / 2.0) / size as f64;
    Exact {
        seconds: started.elapsed().as_secs_f64() * scale,
        cpu: (cpu_seconds() - cpu) * scale,
        measured: false,
        sample: Some(queries),
        pairs,
    }
}

/// One timed run per size, intrinsic dimension and index setting, with recall and memory.
fn summary() {
    let sizes = list(
        "SAME_PERSON_SIZES",
        |v| v.parse().ok(),
        vec![10_000, 100_000, 1_000_000],
    );
    let intrinsic = list("SAME_PERSON_INTRINSIC", |v| v.parse().ok(), vec![INTRINSIC]);
    let settings = list(
        "SAME_PERSON_INDEX",
        index_setting,
        vec![HnswSettings::DEFAULT],
    );
    println!(
        "\nsame_person at distance {SAME_PERSON}, one run each, {} threads \
         (exact*: extrapolated from a sample of queries; recall/exact then on the sample's pairs, \
         and the index's search timed on the sample and the planted pairs' faces, scaled to all):",
        rayon::current_num_threads()
    );
    println!(
        "{:>9} {:>4} {:>6} {:>8} {:>10} {:>10} {:>9} {:>9} {:>9} {:>9} {:>8} {:>8} {:>9} {:>12} {:>12}",
        "faces",
        "dims",
        "index",
        "planted",
        "exact s",
        "exact cpu",
        "build s",
        "build cpu",
        "search s",
        "search cpu",
        "data MiB",
        "index MiB",
        "peak MiB",
        "recall/plant",
        "recall/exact"
    );
    for n in sizes {
        for &dims in &intrinsic {
            let (faces, planted) = records(n, dims);
            let planted: HashSet<(usize, usize)> = planted.into_iter().collect();
            let (data_mib, _) = memory_mib();
            let reference = exact(&faces);
            for &setting in &settings {
                let (before, _) = memory_mib();
                let (started, cpu) = (Instant::now(), cpu_seconds());
                let index = FaceIndex::build(&faces, setting);
                let build = started.elapsed().as_secs_f64();
                let build_cpu = cpu_seconds() - cpu;
                let (after, _) = memory_mib();
                // Beyond the exact search, the index is searched from the sample and from both
                // faces of every planted pair, and the time scaled to every face.
                let queries: Option<Vec<usize>> = reference.sample.as_ref().map(|sample| {
                    let mut queries: Vec<usize> = sample
                        .iter()
                        .copied()
                        .chain(planted.iter().flat_map(|&(a, b)| [a, b]))
                        .collect();
                    queries.sort_unstable();
                    queries.dedup();
                    queries
                });
                let (started, cpu) = (Instant::now(), cpu_seconds());
                let found = pair_set(&match &queries {
                    None => index.close_pairs(SAME_PERSON),
                    Some(queries) => index.close_pairs_of(queries, SAME_PERSON),
                });
                let scale = queries.as_ref().map_or(1.0, |q| n as f64 / q.len() as f64);
                let search = started.elapsed().as_secs_f64() * scale;
                let search_cpu = (cpu_seconds() - cpu) * scale;
                drop(index);
                let (_, peak) = memory_mib();
                println!(
                    "{n:>9} {dims:>4} {:>6} {:>8} {:>10} {:>10.2} {build:>9.2} {build_cpu:>9.2} {search:>9.2} {search_cpu:>9.2} {data_mib:>8.0} {:>9.0} {peak:>9.0} {:>12.4} {:>12.4}",
                    format!(
                        "{}{}",
                        setting.ef_construction,
                        if setting.heuristic { "h" } else { "s" }
                    ),
                    planted.len(),
                    format!(
                        "{:.2}{}",
                        reference.seconds,
                        if reference.measured { "" } else { "*" }
                    ),
                    reference.cpu,
                    after - before,
                    recall(&found, &planted),
                    recall(&found, &reference.pairs),
                );
            }
        }
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
