//! One person under two identities: embeddings of many bundles grouped where faces of
//! different identities lie within a distance.
//!
//! Every face is a [`FaceRecord`]: an id (the caller's: a bundle and an entry), an identity key
//! (the caller's: a document number, a name and birth date, a pseudonym) and an embedding.
//! [`group_same_person`] finds the close pairs whose identities differ and joins them into
//! groups (a person seen under three names is one group, not three pairs).
//!
//! The close pairs come from a [`NeighbourSearch`]: exact (every pair, parallel; quadratic, for
//! small batches and as the reference) or an HNSW index (`instant-distance`: each face asks the
//! index for its nearest neighbours, so the cost grows as n log n). benches/ measures both and
//! the recall of the index (docs/faces.md). The module only computes: it never reads files and
//! never decides a finding's wording or severity.

use std::collections::HashMap;
use std::hash::Hash;

use rayon::prelude::*;

use crate::face::{EMBEDDING_DIM, Embedding, squared_distance};

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

/// How the HNSW index is built and searched (instant-distance: 32 links per node on the upper
/// layers, 64 on the lowest, fixed by the crate).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HnswSettings {
    /// How many nearest faces each face looks at (its own included).
    pub neighbours: usize,
    /// The candidate list of the search (higher: better recall, slower).
    pub ef_search: usize,
    /// The candidate list of each insertion while building (higher: a better graph, a slower
    /// build; the build time grows about in proportion).
    pub ef_construction: usize,
    /// Choose each node's links with the HNSW paper's heuristic (links in diverse directions,
    /// re-chosen for every neighbour a new node joins) rather than simply the nearest: the
    /// better graph on clustered data, at several times the build cost (benches/RESULTS.md).
    pub heuristic: bool,
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

    /// The index settings measured in docs/faces.md (recall of the planted pairs 0.99-1.0 at
    /// 10k faces).
    pub const HNSW_DEFAULT: NeighbourSearch = NeighbourSearch::Hnsw(HnswSettings::DEFAULT);
}

impl HnswSettings {
    /// instant-distance's own construction settings (candidate list 100, the heuristic), 16
    /// neighbours searched with a candidate list of 64.
    pub const DEFAULT: HnswSettings = HnswSettings {
        neighbours: 16,
        ef_search: 64,
        ef_construction: 100,
        heuristic: true,
    };
}

/// Up to this many faces the exact search is used: on two cores it measured 1.3-4 s at 10k
/// faces (quadratic: some minutes at 100k), while building the index alone took 55-70 s at
/// 10k (docs/faces.md, "the index"). Beyond it the exact search would take hours.
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
        NeighbourSearch::Hnsw(settings) => FaceIndex::build(faces, settings)
            .close_pairs(max_distance)
            .into_iter()
            .filter(|pair| differ(pair.a, pair.b))
            .collect(),
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

/// An embedding borrowed as an index point.
#[derive(Clone, Copy)]
struct Point<'a>(&'a [f32; EMBEDDING_DIM]);

impl instant_distance::Point for Point<'_> {
    fn distance(&self, other: &Self) -> f32 {
        squared_distance(self.0, other.0).sqrt()
    }
}

/// The seed of the index's level draws: the same batch gives the same index and the same pairs.
const HNSW_SEED: u64 = 0x00E1_D5C0_9E00_0011;

/// The HNSW index of a batch's faces: built once, then asked for every face's close
/// neighbours. [`close_pairs`] uses it for [`NeighbourSearch::Hnsw`]; it is public so that the
/// benchmark can time the build and the searches apart.
pub struct FaceIndex<'a> {
    index: instant_distance::HnswMap<Point<'a>, usize>,
    faces: Vec<Point<'a>>,
    settings: HnswSettings,
}

impl<'a> FaceIndex<'a> {
    /// Builds the index of the faces (on all cores).
    pub fn build<I, K>(faces: &'a [FaceRecord<I, K>], settings: HnswSettings) -> Self {
        let faces: Vec<Point<'a>> = faces.iter().map(|face| Point(&face.embedding.0)).collect();
        let values: Vec<usize> = (0..faces.len()).collect();
        let heuristic = settings
            .heuristic
            .then(instant_distance::Heuristic::default);
        let index = instant_distance::Builder::default()
            .ef_construction(settings.ef_construction)
            .ef_search(settings.ef_search.max(settings.neighbours))
            .select_heuristic(heuristic)
            .seed(HNSW_SEED)
            .build(faces.clone(), values);
        FaceIndex {
            index,
            faces,
            settings,
        }
    }

    /// The faces within `max_distance` of face `a` among its `neighbours` nearest (`a`
    /// excluded), each as a pair `a < b`.
    fn neighbours_of(
        &self,
        a: usize,
        max_distance: f32,
        search: &mut instant_distance::Search,
    ) -> Vec<ClosePair> {
        self.index
            .search(&self.faces[a], search)
            .take(self.settings.neighbours)
            .take_while(|item| item.distance <= max_distance)
            .filter(|item| *item.value != a)
            .map(|item| {
                let b = *item.value;
                ClosePair {
                    a: a.min(b),
                    b: a.max(b),
                    distance: item.distance,
                }
            })
            .collect()
    }

    /// Every face's close neighbours (on all cores), pairs `a < b`, unsorted, a pair possibly
    /// twice (found from both ends).
    pub fn close_pairs(&self, max_distance: f32) -> Vec<ClosePair> {
        (0..self.faces.len())
            .into_par_iter()
            .map_init(instant_distance::Search::default, |search, a| {
                self.neighbours_of(a, max_distance, search)
            })
            .flatten_iter()
            .collect()
    }

    /// As [`FaceIndex::close_pairs`], for some faces only (indexes into the input): what the
    /// benchmark times and checks on a sample when every face would take too long.
    pub fn close_pairs_of(&self, queries: &[usize], max_distance: f32) -> Vec<ClosePair> {
        queries
            .par_iter()
            .map_init(instant_distance::Search::default, |search, &a| {
                self.neighbours_of(a, max_distance, search)
            })
            .flatten_iter()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let nearest_links = NeighbourSearch::Hnsw(HnswSettings {
            ef_construction: 16,
            heuristic: false,
            ..HnswSettings::DEFAULT
        });
        for search in [
            NeighbourSearch::Exact,
            NeighbourSearch::HNSW_DEFAULT,
            nearest_links,
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
}
