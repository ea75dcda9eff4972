//! One person under two identities: embeddings of many bundles grouped where faces of
//! different identities lie within a distance.
//!
//! Every face is a [`FaceRecord`]: an id (the caller's: a bundle and an entry), an identity key
//! (the caller's: a document number, a name and birth date, a pseudonym) and an embedding.
//! [`group_same_person`] finds the close pairs whose identities differ and joins them into
//! groups (a person seen under three names is one group, not three pairs).
//!
//! The close pairs come from a [`NeighbourSearch`]: exact (every pair, parallel; quadratic, for
//! small batches and as the reference) or an HNSW index ([`FaceIndex`], usearch: each face asks
//! the index for its nearest neighbours, so the cost grows as n log n). Either way a pair's
//! distance is computed in f32 from the two embeddings, and the pairs are sorted (by distance,
//! then by face): the same batch gives the same groups. benches/ measures both and the recall of
//! the index (docs/faces.md). The module only computes: it never reads files and never decides a
//! finding's wording or severity.

use std::collections::HashMap;
use std::hash::Hash;

use rayon::prelude::*;

use crate::face::{Embedding, squared_distance};

mod index;

pub use index::{FaceIndex, HnswSettings, IndexError, Neighbour, Quantisation};

/// One face of a batch.
#[derive(Debug, Clone, PartialEq)]
pub struct FaceRecord<I, K> {
    /// The caller's id of the face (which bundle, which picture).
    pub id: I,
    /// The identity the face was presented under; faces of one identity never make a group.
    pub identity: K,
    /// The face.
    pub embedding: Embedding,
}

/// How close pairs are found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NeighbourSearch {
    /// Every pair (n²/2 distances on all cores): exact, for up to tens of thousands of faces.
    Exact,
    /// An HNSW index ([`FaceIndex`]): approximate, sub-quadratic.
    Hnsw(HnswSettings),
}

impl NeighbourSearch {
    /// Exact up to [`EXACT_UP_TO`] faces, else the index with the settings the benchmark chose.
    pub fn for_size(faces: usize) -> Self {
        if faces <= EXACT_UP_TO {
            NeighbourSearch::Exact
        } else {
            NeighbourSearch::HNSW_DEFAULT
        }
    }

    /// The index with [`HnswSettings::DEFAULT`], measured in docs/faces.md (recall of the
    /// planted pairs 1.0 at 10k, 0.999 at 100k, 0.988 at 1M on worst-case embeddings).
    pub const HNSW_DEFAULT: NeighbourSearch = NeighbourSearch::Hnsw(HnswSettings::DEFAULT);
}

/// Up to this many faces the exact search is used. At 100k faces it measured 115 s on two
/// shared cores against 18 s for the index (build and self-join), but the index missed one
/// planted pair in 982; two minutes are small beside the face scan that made 100k embeddings,
/// so the exact search keeps recall 1 up to here. Beyond, it grows to hours (2.3 h at 1M) and
/// the index takes minutes (docs/faces.md, "the index").
pub const EXACT_UP_TO: usize = 100_000;

/// Two faces of different identities within the distance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClosePair {
    /// Index of one face in the input.
    pub a: usize,
    /// Index of the other (greater than `a`).
    pub b: usize,
    /// Their Euclidean distance.
    pub distance: f32,
}

/// Faces of at least two identities joined by close pairs: probably one person.
#[derive(Debug, Clone, PartialEq)]
pub struct SamePersonGroup {
    /// Indexes of the faces in the input, ascending.
    pub members: Vec<usize>,
    /// The close pairs that join them, closest first.
    pub pairs: Vec<ClosePair>,
}

impl SamePersonGroup {
    /// The smallest distance in the group.
    pub fn closest(&self) -> f32 {
        self.pairs
            .first()
            .map_or(f32::INFINITY, |pair| pair.distance)
    }
}

/// The close pairs of different identities (distance at most `max_distance`), `a < b`, sorted.
pub fn close_pairs<I: Sync, K: Eq + Sync>(
    faces: &[FaceRecord<I, K>],
    max_distance: f32,
    search: NeighbourSearch,
) -> Vec<ClosePair> {
    let max_squared = max_distance * max_distance;
    let differ = |a: usize, b: usize| faces[a].identity != faces[b].identity;
    let mut pairs: Vec<ClosePair> = match search {
        NeighbourSearch::Exact => (0..faces.len())
            .into_par_iter()
            .flat_map_iter(|a| {
                let here = &faces[a].embedding.0;
                (a + 1..faces.len()).filter_map(move |b| {
                    let squared = squared_distance(here, &faces[b].embedding.0);
                    (squared <= max_squared && differ(a, b)).then(|| ClosePair {
                        a,
                        b,
                        distance: squared.sqrt(),
                    })
                })
            })
            .collect(),
        NeighbourSearch::Hnsw(settings) => {
            match FaceIndex::build(faces, settings)
                .and_then(|index| index.close_pairs(max_distance))
            {
                Ok(pairs) => pairs
                    .into_iter()
                    .filter(|pair| differ(pair.a, pair.b))
                    .collect(),
                // The index could not be built or searched (usearch failed to allocate, in
                // practice): the exact search is slower but never wrong.
                Err(_) => return close_pairs(faces, max_distance, NeighbourSearch::Exact),
            }
        }
    };
    pairs.sort_by(|x, y| {
        x.distance
            .total_cmp(&y.distance)
            .then((x.a, x.b).cmp(&(y.a, y.b)))
    });
    pairs.dedup_by_key(|pair| (pair.a, pair.b));
    pairs
}

/// The groups of faces of different identities within `max_distance`, largest group first.
pub fn group_same_person<I: Sync, K: Eq + Hash + Sync>(
    faces: &[FaceRecord<I, K>],
    max_distance: f32,
    search: NeighbourSearch,
) -> Vec<SamePersonGroup> {
    let pairs = close_pairs(faces, max_distance, search);
    let mut parent: HashMap<usize, usize> = HashMap::new();
    for pair in &pairs {
        let (a, b) = (root(&mut parent, pair.a), root(&mut parent, pair.b));
        if a != b {
            parent.insert(a.max(b), a.min(b));
        }
    }
    let mut groups: HashMap<usize, SamePersonGroup> = HashMap::new();
    for pair in pairs {
        let group = root(&mut parent, pair.a);
        let entry = groups.entry(group).or_insert_with(|| SamePersonGroup {
            members: Vec::new(),
            pairs: Vec::new(),
        });
        entry.members.extend([pair.a, pair.b]);
        entry.pairs.push(pair);
    }
    let mut groups: Vec<SamePersonGroup> = groups
        .into_values()
        .map(|mut group| {
            group.members.sort_unstable();
            group.members.dedup();
            group
        })
        .collect();
    groups.sort_by(|x, y| {
        y.members
            .len()
            .cmp(&x.members.len())
            .then(x.members.cmp(&y.members))
    });
    groups
}

fn root(parent: &mut HashMap<usize, usize>, node: usize) -> usize {
    let mut top = node;
    while let Some(&up) = parent.get(&top) {
        top = up;
    }
    let mut walk = node;
    while let Some(&up) = parent.get(&walk) {
        if up != top {
            parent.insert(walk, top);
        }
        walk = up;
    }
    top
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::face::EMBEDDING_DIM;

    fn face(identity: &'static str, seed: f32) -> FaceRecord<usize, &'static str> {
        let mut values = [0f32; EMBEDDING_DIM];
        for (i, value) in values.iter_mut().enumerate() {
            *value = ((i as f32 + 1.0) * seed).sin() * 0.1;
        }
        FaceRecord {
            id: 0,
            identity,
            embedding: Embedding(values),
        }
    }

    fn nudged(
        mut record: FaceRecord<usize, &'static str>,
        identity: &'static str,
        by: f32,
    ) -> FaceRecord<usize, &'static str> {
        record.identity = identity;
        record.embedding.0[0] += by;
        record
    }

    #[test]
    fn one_person_under_three_names_is_one_group_and_one_name_is_none() {
        let anna = face("anna", 1.0);
        let faces = vec![
            anna.clone(),
            nudged(anna.clone(), "anna", 0.05), // the same identity twice: no evidence
            nudged(anna.clone(), "berta", 0.2), // another name
            nudged(anna.clone(), "clara", -0.3), // a third
            face("dora", 2.0),
            face("emil", 3.0),
        ];
        let small_graph = NeighbourSearch::Hnsw(HnswSettings {
            connectivity: 4,
            expansion_add: 8,
            quantisation: Quantisation::F16,
            parallel_build: false,
            ..HnswSettings::DEFAULT
        });
        for search in [
            NeighbourSearch::Exact,
            NeighbourSearch::HNSW_DEFAULT,
            small_graph,
        ] {
            let groups = group_same_person(&faces, 0.45, search);
            assert_eq!(groups.len(), 1, "{search:?}");
            assert_eq!(groups[0].members, vec![0, 1, 2, 3], "{search:?}");
            assert!(
                (groups[0].closest() - 0.15).abs() < 1e-4,
                "{search:?}: {:?}",
                groups[0].pairs
            );
            assert!(
                groups[0]
                    .pairs
                    .iter()
                    .all(|p| faces[p.a].identity != faces[p.b].identity)
            );
        }
    }

    #[test]
    fn nothing_within_the_distance_makes_no_group() {
        let faces = vec![face("a", 1.0), face("b", 2.0), face("c", 3.0)];
        assert!(group_same_person(&faces, 0.3, NeighbourSearch::Exact).is_empty());
        assert!(group_same_person(&faces, 0.3, NeighbourSearch::HNSW_DEFAULT).is_empty());
        assert!(
            group_same_person::<usize, &str>(&[], 0.3, NeighbourSearch::HNSW_DEFAULT).is_empty()
        );
    }

    /// Synthesised faces, each under its own identity (its index).
    type Faces = Vec<FaceRecord<usize, usize>>;

    /// `n` worst-case faces (128 intrinsic dimensions, strangers about 0.83 apart) with one in
    /// a hundred a second photo of an earlier face, 0.15-0.42 away (the planted pairs).
    fn planted(n: usize) -> (Faces, Vec<(usize, usize)>) {
        let (embeddings, pairs) = eidscope_synth::embeddings::planted_embeddings(n, 128, 11);
        let faces = embeddings
            .into_iter()
            .enumerate()
            .map(|(i, embedding)| FaceRecord {
                id: i,
                identity: i,
                embedding: Embedding(embedding),
            })
            .collect();
        (faces, pairs)
    }

    #[test]
    fn the_index_finds_the_planted_pairs_exactly_as_the_exact_search_does() {
        let (faces, planted) = planted(3_000);
        assert!(planted.len() > 15, "{}", planted.len());
        let exact = close_pairs(&faces, 0.45, NeighbourSearch::Exact);
        let mut exact_pairs: Vec<(usize, usize)> = exact.iter().map(|p| (p.a, p.b)).collect();
        exact_pairs.sort_unstable();
        assert!(
            planted
                .iter()
                .all(|pair| exact_pairs.binary_search(pair).is_ok()),
            "every planted pair is within 0.45"
        );
        let sequential = HnswSettings {
            parallel_build: false,
            ..HnswSettings::DEFAULT
        };
        for settings in [
            HnswSettings::DEFAULT,
            sequential,
            // Inserted on one thread: the same graph every run, so no run can differ.
            HnswSettings {
                quantisation: Quantisation::F16,
                ..sequential
            },
            HnswSettings {
                quantisation: Quantisation::F32,
                connectivity: 32,
                expansion_search: 128,
                ..sequential
            },
        ] {
            // The same pairs at the same (bit for bit) distances, in the same order.
            let found = close_pairs(&faces, 0.45, NeighbourSearch::Hnsw(settings));
            assert_eq!(found, exact, "{settings:?}");
            for pair in &found {
                let squared =
                    squared_distance(&faces[pair.a].embedding.0, &faces[pair.b].embedding.0);
                assert_eq!(
                    pair.distance.to_bits(),
                    squared.sqrt().to_bits(),
                    "{settings:?}"
                );
            }
            assert_eq!(
                group_same_person(&faces, 0.45, NeighbourSearch::Hnsw(settings)),
                group_same_person(&faces, 0.45, NeighbourSearch::Exact),
                "{settings:?}"
            );
        }
    }

    #[test]
    fn a_new_face_asks_the_index_for_its_neighbours_at_exact_distances() {
        let (faces, planted) = planted(2_000);
        let index = FaceIndex::build(&faces, HnswSettings::DEFAULT).expect("an index");
        assert_eq!(index.len(), faces.len());
        let (a, b) = planted[0];
        // Face b, asked as a query from outside: itself at 0, its planted twin a within 0.45,
        // each at its exact distance, closest first.
        let near = index.near(&faces[b].embedding.0, 0.45).expect("a search");
        assert_eq!(
            near[0],
            Neighbour {
                face: b,
                distance: 0.0
            }
        );
        assert!(near.iter().any(|n| n.face == a));
        for n in &near {
            let exact = faces[n.face].embedding.distance(&faces[b].embedding);
            assert_eq!(n.distance.to_bits(), exact.to_bits());
        }
        assert!(near.windows(2).all(|w| w[0].distance <= w[1].distance));
        let empty: Vec<FaceRecord<usize, usize>> = Vec::new();
        let index = FaceIndex::build(&empty, HnswSettings::DEFAULT).expect("an empty index");
        assert!(index.is_empty());
        assert!(
            index
                .near(&faces[0].embedding.0, 0.45)
                .expect("a search")
                .is_empty()
        );
    }

    #[test]
    fn one_thread_builds_the_same_index_every_time() {
        let (faces, _) = planted(2_000);
        let sequential = HnswSettings {
            parallel_build: false,
            ..HnswSettings::DEFAULT
        };
        // Far beyond any distance: every one of the 16 nearest the index proposes.
        let proposals = |index: &FaceIndex| -> Vec<Vec<Neighbour>> {
            faces
                .iter()
                .map(|face| index.near(&face.embedding.0, 100.0).expect("a search"))
                .collect()
        };
        let first = proposals(&FaceIndex::build(&faces, sequential).expect("an index"));
        let second = proposals(&FaceIndex::build(&faces, sequential).expect("an index"));
        assert!(first.iter().all(|near| near.len() == 16));
        assert_eq!(first, second);
    }
}
