//! `same-person` at scale: the HNSW index of `eidscope_faces::same_person` (usearch) against the
//! exact all-pairs search, on synthesised embeddings with planted near pairs
//! (`eidscope_synth::embeddings::planted_embeddings`), at the `same-person` threshold.
//!
//! Criterion measures both at 10k faces. Then one timed run per size, intrinsic dimension and
//! index setting, each on the same faces plus a batch of new faces (a day's intake: 10,000
//! more from the same generator, whose planted twins are in the index):
//!
//! - the build (wall and CPU seconds, the resident memory it added);
//! - one face against the index (the median of single queries on one thread);
//! - the batch of new faces against the index (all cores);
//! - the self-join: every face of the index searched for its neighbours (what `links` does);
//! - the recall of the planted pairs (the self-join's, and the batch's), and the recall of the
//!   exact pairs of a sample of faces (each sampled face's own search against its exact
//!   neighbours, which are cheap to find at any size), and of all exact pairs where the exact
//!   all-pairs search ran.
//!
//! The exact search runs in full up to `SAME_PERSON_EXACT_UP_TO` faces (default 100,000);
//! beyond, its time is extrapolated from the sample.
//!
//! - `SAME_PERSON_SIZES=10000,100000,1000000` (the default) chooses the sizes;
//! - `SAME_PERSON_INTRINSIC=16,128` the intrinsic dimensions of the synthesised faces (default
//!   128, isotropic noise, the worst case; see `planted_embeddings`);
//! - `SAME_PERSON_INDEX=default,16/64/128/i8,32/128/64/f32/1` the index settings: usearch's
//!   connectivity / expansion_add / expansion_search / storage (`f32`, `f16`, `i8`), and `/1`
//!   to insert on one thread; `default` (the default) is eidscope's own. (The comparison with
//!   instant-distance in docs/faces.md was run at commit a6eb241, whose bench also takes
//!   `id32s`.)
//! - `SAME_PERSON_SAMPLE=1000` the sample of faces for the recall against the exact search;
//! - `SAME_PERSON_BATCH=10000` the batch of new faces; `SAME_PERSON_QUERIES=500` the single
//!   queries timed;
//! - `SAME_PERSON_SELF_JOIN=0` skips the self-join (its time is then not measured);
//! - `SAME_PERSON_SUMMARY_ONLY=1` skips criterion.

use criterion::{BenchmarkId, Criterion, SamplingMode};
use eidscope_faces::face::squared_distance;
use eidscope_faces::same_person::{
    ClosePair, FaceIndex, FaceRecord, HnswSettings, NeighbourSearch, Quantisation, close_pairs,
};
use eidscope_faces::thresholds::SAME_PERSON;
use eidscope_faces::{EMBEDDING_DIM, Embedding};
use eidscope_synth::embeddings::{PlantedPairs, planted_embeddings};
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

/// The intrinsic dimension of the synthesised faces (see `planted_embeddings`): 128, the worst
/// case for an index.
const INTRINSIC: usize = 128;

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

/// An index setting of `SAME_PERSON_INDEX`: `default`, or connectivity / expansion_add /
/// expansion_search / storage, with `/1` to insert on one thread.
fn setting(text: &str) -> Option<HnswSettings> {
    if text == "default" {
        return Some(HnswSettings::DEFAULT);
    }
    let parts: Vec<&str> = text.split('/').collect();
    let number = |i: usize| parts.get(i)?.parse::<usize>().ok();
    let quantisation = match *parts.get(3)? {
        "f32" => Quantisation::F32,
        "f16" => Quantisation::F16,
        "i8" => Quantisation::I8,
        _ => return None,
    };
    Some(HnswSettings {
        connectivity: number(0)?,
        expansion_add: number(1)?,
        expansion_search: number(2)?,
        quantisation,
        parallel_build: parts.get(4) != Some(&"1"),
        ..HnswSettings::DEFAULT
    })
}

fn setting_name(s: &HnswSettings) -> String {
    format!(
        "{}/{}/{}/{}{}",
        s.connectivity,
        s.expansion_add,
        s.expansion_search,
        s.quantisation.name(),
        if s.parallel_build { "" } else { "/1" }
    )
}

/// The faces of the index within the threshold of `query`.
fn near(index: &FaceIndex, query: &[f32; EMBEDDING_DIM]) -> Vec<usize> {
    index
        .near(query, SAME_PERSON)
        .expect("a search")
        .into_iter()
        .map(|n| n.face)
        .collect()
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

/// The wall and CPU seconds a piece of work took.
fn timed<T>(work: impl FnOnce() -> T) -> (T, f64, f64) {
    let (started, cpu) = (Instant::now(), cpu_seconds());
    let value = work();
    (value, started.elapsed().as_secs_f64(), cpu_seconds() - cpu)
}

/// The reference of one size: the exact pairs of a sample of faces, and of every face where
/// the all-pairs search finishes.
struct Reference {
    /// The sampled faces.
    sample: Vec<usize>,
    /// Their exact pairs against every face.
    sample_pairs: HashSet<(usize, usize)>,
    /// Every exact pair, when the all-pairs search ran.
    all_pairs: Option<HashSet<(usize, usize)>>,
    /// Wall and CPU seconds of the all-pairs search (measured, or extrapolated from the sample).
    seconds: f64,
    cpu: f64,
}

fn reference(faces: &[FaceRecord<usize, usize>]) -> Reference {
    let n = faces.len();
    let size = list("SAME_PERSON_SAMPLE", |v| v.parse().ok(), vec![1_000])[0].min(n);
    let sample = sample(&mut SmallRng::seed_from_u64(11), n, size).into_vec();
    let (sample_pairs, seconds, cpu) = timed(|| exact_pairs_of(faces, &sample));
    if n > exact_up_to() {
        // Each sampled face against all n; every pair is n²/2 comparisons.
        let scale = (n as f64 / 2.0) / size.max(1) as f64;
        return Reference {
            sample,
            sample_pairs,
            all_pairs: None,
            seconds: seconds * scale,
            cpu: cpu * scale,
        };
    }
    let (all, seconds, cpu) =
        timed(|| pair_set(&close_pairs(faces, SAME_PERSON, NeighbourSearch::Exact)));
    Reference {
        sample,
        sample_pairs,
        all_pairs: Some(all),
        seconds,
        cpu,
    }
}

/// One size, one setting: what the summary prints.
struct Row {
    build: (f64, f64),
    index_mib: f64,
    one_query_ms: f64,
    batch: (f64, f64),
    self_join: Option<(f64, f64)>,
    recall_planted: f64,
    recall_batch: f64,
    recall_sample: f64,
    recall_all: Option<f64>,
}

fn measure(
    faces: &[FaceRecord<usize, usize>],
    new: &[FaceRecord<usize, usize>],
    planted: &HashSet<(usize, usize)>,
    planted_new: &HashSet<(usize, usize)>,
    reference: &Reference,
    setting: HnswSettings,
) -> Row {
    let n = faces.len();
    let (before, _) = memory_mib();
    let (index, build_s, build_cpu) = timed(|| FaceIndex::build(faces, setting).expect("an index"));
    let (after, _) = memory_mib();
    // One face at a time, on this thread: the latency of a single query.
    let queries = list("SAME_PERSON_QUERIES", |v| v.parse().ok(), vec![500])[0].min(new.len());
    let mut latencies: Vec<f64> = new[..queries]
        .iter()
        .map(|face| {
            let started = Instant::now();
            black_box(near(&index, &face.embedding.0));
            started.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    latencies.sort_by(f64::total_cmp);
    let one_query_ms = latencies.get(latencies.len() / 2).copied().unwrap_or(0.0);
    // The batch of new faces against the index, on all cores.
    let (batch_pairs, batch_s, batch_cpu) = timed(|| {
        new.par_iter()
            .enumerate()
            .flat_map_iter(|(j, face)| {
                near(&index, &face.embedding.0)
                    .into_iter()
                    .map(move |a| (a, n + j))
            })
            .collect::<HashSet<_>>()
    });
    // The pairs of some faces of the index (each itself excluded), on all cores.
    let pairs_of = |queries: &[usize]| {
        pair_set(
            &index
                .close_pairs_of(queries, SAME_PERSON)
                .expect("a search"),
        )
    };
    let self_join = (std::env::var("SAME_PERSON_SELF_JOIN").as_deref() != Ok("0"))
        .then(|| timed(|| pair_set(&index.close_pairs(SAME_PERSON).expect("a search"))));
    // The planted pairs, searched from both ends (what the self-join finds of them).
    let mut ends: Vec<usize> = planted.iter().flat_map(|&(a, b)| [a, b]).collect();
    ends.sort_unstable();
    ends.dedup();
    let found_planted = pairs_of(&ends);
    let found_sample = pairs_of(&reference.sample);
    Row {
        build: (build_s, build_cpu),
        index_mib: after - before,
        one_query_ms,
        batch: (batch_s, batch_cpu),
        recall_planted: recall(&found_planted, planted),
        recall_batch: recall(&batch_pairs, planted_new),
        // Only the sampled faces' own searches, against their exact pairs.
        recall_sample: recall(&found_sample, &reference.sample_pairs),
        recall_all: match (&self_join, &reference.all_pairs) {
            (Some((found, _, _)), Some(all)) => Some(recall(found, all)),
            _ => None,
        },
        self_join: self_join.map(|(_, s, cpu)| (s, cpu)),
    }
}

/// One timed run per size, intrinsic dimension and index setting.
fn summary() {
    let sizes = list(
        "SAME_PERSON_SIZES",
        |v| v.parse().ok(),
        vec![10_000, 100_000, 1_000_000],
    );
    let intrinsic = list("SAME_PERSON_INTRINSIC", |v| v.parse().ok(), vec![INTRINSIC]);
    let settings = list("SAME_PERSON_INDEX", setting, vec![HnswSettings::DEFAULT]);
    let batch = list("SAME_PERSON_BATCH", |v| v.parse().ok(), vec![10_000])[0];
    println!(
        "\nsame_person at distance {SAME_PERSON}, one run each, {} threads; wall s (CPU s); \
         exact*: extrapolated from the sample; 1 query: median ms on one thread; \
         batch: {batch} new faces against the index; join: every face searched",
        rayon::current_num_threads()
    );
    println!(
        "{:>9} {:>4} {:>16} {:>7} {:>17} {:>15} {:>8} {:>13} {:>15} {:>8} {:>7} {:>7} {:>7} {:>7}",
        "faces",
        "dims",
        "index",
        "planted",
        "exact",
        "build",
        "1 query",
        "batch",
        "join",
        "idx MiB",
        "r/plant",
        "r/batch",
        "r/sampl",
        "r/exact",
    );
    let pair = |(s, cpu): (f64, f64)| format!("{s:.2} ({cpu:.1})");
    for n in sizes {
        for &dims in &intrinsic {
            let (all, planted_all) = records(n + batch, dims);
            let (faces, new) = all.split_at(n);
            let planted: HashSet<(usize, usize)> = planted_all
                .iter()
                .copied()
                .filter(|&(_, b)| b < n)
                .collect();
            let planted_new: HashSet<(usize, usize)> = planted_all
                .iter()
                .copied()
                .filter(|&(a, b)| a < n && b >= n)
                .collect();
            let reference = reference(faces);
            let exact = format!(
                "{}{}",
                pair((reference.seconds, reference.cpu)),
                if reference.all_pairs.is_some() {
                    ""
                } else {
                    "*"
                }
            );
            for &setting in &settings {
                let row = measure(faces, new, &planted, &planted_new, &reference, setting);
                println!(
                    "{n:>9} {dims:>4} {:>16} {:>7} {exact:>17} {:>15} {:>8.3} {:>13} {:>15} {:>8.0} {:>7.4} {:>7.4} {:>7.4} {:>7}",
                    setting_name(&setting),
                    planted.len(),
                    pair(row.build),
                    row.one_query_ms,
                    pair(row.batch),
                    row.self_join.map_or("-".to_owned(), pair),
                    row.index_mib,
                    row.recall_planted,
                    row.recall_batch,
                    row.recall_sample,
                    row.recall_all.map_or("-".to_owned(), |r| format!("{r:.4}")),
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
