//! The HNSW index behind [`NeighbourSearch::Hnsw`](super::NeighbourSearch::Hnsw): `usearch`
//! (Unum's single-header C++ HNSW with SIMD distances, through `cxx`), built once over a
//! batch's faces and then asked for each face's nearest.
//!
//! The index only proposes candidates. Every candidate's distance is computed again here, in
//! f32, from the caller's own embedding ([`squared_distance`]), and only that exact distance is
//! compared with the threshold and reported: the index may store the faces quantised (f16, i8)
//! and its own distances are then approximate, but a reported distance never is. What the index
//! can do wrong is miss a neighbour (recall below 1: docs/faces.md measures it); it can never
//! invent one or misstate a distance.
//!
//! The module never reads or writes files (usearch can save and map an index: eidscope does
//! not use that), and it holds the embeddings only as long as the caller's batch lives.

use rayon::prelude::*;

use super::{ClosePair, FaceRecord};
use crate::face::{EMBEDDING_DIM, squared_distance};

/// How the faces are stored in the index: what its own (candidate) distances are computed on.
/// The reported distances are always re-computed in f32.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Quantisation {
    /// 4 bytes a number: the index's distances are exact.
    F32,
    /// IEEE half precision, 2 bytes a number: half the memory, distances within about 1e-3.
    F16,
    /// 8-bit integers, 1 byte a number. usearch scales each face to unit length first (it
    /// assumes an angular metric), so the index ranks candidates by angle rather than by
    /// Euclidean distance: the same order for faces of about equal length (dlib's vary a
    /// little), and a close pair (0.45 where strangers lie 0.83 apart) is close by either
    /// measure. The distances reported are Euclidean all the same (re-computed in f32).
    I8,
}

impl Quantisation {
    fn scalar_kind(self) -> usearch::ScalarKind {
        match self {
            Quantisation::F32 => usearch::ScalarKind::F32,
            Quantisation::F16 => usearch::ScalarKind::F16,
            Quantisation::I8 => usearch::ScalarKind::I8,
        }
    }

    /// `f32`, `f16`, `i8`.
    pub fn name(self) -> &'static str {
        match self {
            Quantisation::F32 => "f32",
            Quantisation::F16 => "f16",
            Quantisation::I8 => "i8",
        }
    }
}

/// How the HNSW index is built and searched (usearch's names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HnswSettings {
    /// How many nearest faces each face asks the index for (its own included): a face with
    /// more close faces than this keeps only the nearest.
    pub neighbours: usize,
    /// Links per node (usearch's `connectivity`, the paper's M; twice that on the lowest
    /// layer): more links, a better graph, a slower build and more memory.
    pub connectivity: usize,
    /// The candidate list of each insertion while building (`expansion_add`, the paper's
    /// ef_construction): higher, a better graph and a slower build.
    pub expansion_add: usize,
    /// The candidate list of each search (`expansion_search`, the paper's ef; at least
    /// `neighbours` is used): higher, better recall and slower searches.
    pub expansion_search: usize,
    /// How the faces are stored in the index.
    pub quantisation: Quantisation,
    /// Insert the faces on all cores (usearch's insertions are thread-safe). The graph then
    /// depends on the order the threads happen to insert in, so two runs may differ in the rare
    /// neighbour one of them misses; one thread inserts in the input's order and gives the same
    /// graph every time (at about twice the build time on two cores).
    pub parallel_build: bool,
}

impl HnswSettings {
    /// The settings chosen from the benchmark (docs/faces.md, "the index"): 16 links,
    /// candidate lists of 64 (build and search), faces stored as 8-bit integers, inserted on
    /// all cores. On the worst-case embeddings (128 intrinsic dimensions) they found 1.0 of the
    /// planted pairs at 10k faces, 0.999 at 100k and 0.988 at 1M, and built and searched
    /// several times faster than f32 storage with the same graph settings, which found 0.884 at
    /// 100k.
    pub const DEFAULT: HnswSettings = HnswSettings {
        neighbours: 16,
        connectivity: 16,
        expansion_add: 64,
        expansion_search: 64,
        quantisation: Quantisation::I8,
        parallel_build: true,
    };
}

/// Why an index could not be built or searched: usearch's own message (an allocation that
/// failed, in practice).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the face index failed: {0}")]
pub struct IndexError(String);

/// usearch's error (a `cxx::Exception`) as an [`IndexError`].
fn failed(error: impl std::fmt::Display) -> IndexError {
    IndexError(error.to_string())
}

/// A face of the index near a query, at its exact f32 Euclidean distance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Neighbour {
    /// Index of the face in the batch the index was built from.
    pub face: usize,
    /// Its Euclidean distance from the query, computed in f32 from the embeddings.
    pub distance: f32,
}

/// The HNSW index of a batch's faces: built once, then asked for faces near a query.
/// [`close_pairs`](super::close_pairs) uses it for every face of the batch; the benchmark also
/// times single queries and batches of new faces against it.
pub struct FaceIndex<'a> {
    index: usearch::Index,
    faces: Vec<&'a [f32; EMBEDDING_DIM]>,
    settings: HnswSettings,
}

impl<'a> FaceIndex<'a> {
    /// Builds the index of the faces: on all cores of the current rayon pool, or in the
    /// input's order on one thread (`settings.parallel_build`). The index serves as many
    /// concurrent searches as the pool has threads.
    pub fn build<I, K>(
        faces: &'a [FaceRecord<I, K>],
        settings: HnswSettings,
    ) -> Result<Self, IndexError> {
        let faces: Vec<&'a [f32; EMBEDDING_DIM]> =
            faces.iter().map(|face| &face.embedding.0).collect();
        let options = usearch::IndexOptions {
            dimensions: EMBEDDING_DIM,
            metric: usearch::MetricKind::L2sq,
            quantization: settings.quantisation.scalar_kind(),
            connectivity: settings.connectivity,
            expansion_add: settings.expansion_add,
            expansion_search: settings.expansion_search.max(settings.neighbours),
            multi: false,
        };
        let index = usearch::Index::new(&options).map_err(failed)?;
        index
            .reserve_capacity_and_threads(faces.len().max(1), rayon::current_num_threads())
            .map_err(failed)?;
        let add = |key: usize| index.add(key as u64, faces[key].as_slice()).map_err(failed);
        if settings.parallel_build {
            (0..faces.len()).into_par_iter().try_for_each(add)?;
        } else {
            (0..faces.len()).try_for_each(add)?;
        }
        Ok(FaceIndex {
            index,
            faces,
            settings,
        })
    }

    /// How many faces the index holds.
    pub fn len(&self) -> usize {
        self.faces.len()
    }

    /// Whether the index holds no face.
    pub fn is_empty(&self) -> bool {
        self.faces.is_empty()
    }

    /// The faces of the index within `max_distance` of `query`, among its `neighbours` nearest
    /// by the index, at their exact distances, closest first (ties by face).
    pub fn near(
        &self,
        query: &[f32; EMBEDDING_DIM],
        max_distance: f32,
    ) -> Result<Vec<Neighbour>, IndexError> {
        if self.faces.is_empty() {
            return Ok(Vec::new());
        }
        let max_squared = max_distance * max_distance;
        let matches = self
            .index
            .search(query.as_slice(), self.settings.neighbours)
            .map_err(failed)?;
        let mut near: Vec<Neighbour> = matches
            .keys
            .iter()
            .filter_map(|&key| {
                let face = usize::try_from(key).ok()?;
                let squared = squared_distance(query, self.faces.get(face)?);
                (squared <= max_squared).then(|| Neighbour {
                    face,
                    distance: squared.sqrt(),
                })
            })
            .collect();
        near.sort_by(|x, y| x.distance.total_cmp(&y.distance).then(x.face.cmp(&y.face)));
        Ok(near)
    }

    /// The close faces of face `a` of the batch (itself excluded), each as a pair `a < b`.
    fn pairs_of(&self, a: usize, max_distance: f32) -> Result<Vec<ClosePair>, IndexError> {
        Ok(self
            .near(self.faces[a], max_distance)?
            .into_iter()
            .filter(|near| near.face != a)
            .map(|near| ClosePair {
                a: a.min(near.face),
                b: a.max(near.face),
                distance: near.distance,
            })
            .collect())
    }

    /// Every face's close neighbours (on all cores), pairs `a < b` at their exact distances,
    /// unsorted, a pair possibly twice (found from both ends).
    pub fn close_pairs(&self, max_distance: f32) -> Result<Vec<ClosePair>, IndexError> {
        self.close_pairs_of(&(0..self.faces.len()).collect::<Vec<_>>(), max_distance)
    }

    /// As [`FaceIndex::close_pairs`], for some faces of the batch only (indexes into it): what
    /// the benchmark checks on a sample.
    pub fn close_pairs_of(
        &self,
        queries: &[usize],
        max_distance: f32,
    ) -> Result<Vec<ClosePair>, IndexError> {
        let found: Vec<Vec<ClosePair>> = queries
            .par_iter()
            .map(|&a| self.pairs_of(a, max_distance))
            .collect::<Result<_, _>>()?;
        Ok(found.into_iter().flatten().collect())
    }
}
