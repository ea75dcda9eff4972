//! The `faces` table (`scan --faces`): one row per picture the face engine looked at (selfie,
//! document portrait, video frames) with the chosen face's box, quality and distance to the
//! selfie; and, with the `faces` feature, `same-person` over the embeddings of a batch.
//!
//! Embeddings are biometric data: the `embedding` column is filled only when the scan is asked
//! for it (`--embeddings`) and never under `--redact` (refused before the scan starts, and
//! emptied here again). In Parquet the column is a fixed-size list of 128 `Float32`
//! (`FixedSizeList<Float32, 128>`: DuckDB's `FLOAT[128]`, Spark's `array<float>`), so that
//! `array_distance` or a vector index can search it; in NDJSON an array of numbers; in CSV the
//! numbers separated by spaces.

use eidscope_model::{BundleReport, FacePicture, PictureFaces};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The numbers of an embedding (dlib's ResNet; checked against eidscope-faces' own constant
/// where the engine is built in).
pub const EMBEDDING_DIM: usize = 128;

#[cfg(feature = "faces")]
const _: () = assert!(EMBEDDING_DIM == eidscope_faces::EMBEDDING_DIM);

/// A row of `faces`: one picture the face engine looked at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaceRow {
    /// The bundle (the join key of every table).
    pub path: String,
    /// `selfie`, `portrait` or `video-frame`.
    pub picture: FacePicture,
    /// For a video frame, its position among the frames looked at (0-based).
    pub frame: Option<u32>,
    /// How many faces the detector found.
    pub faces: u32,
    /// The chosen face's box: left edge (may be negative).
    pub left: Option<i32>,
    /// Top edge (may be negative).
    pub top: Option<i32>,
    /// Width.
    pub width: Option<u32>,
    /// Height.
    pub height: Option<u32>,
    /// The chosen face's eye distance, pixels.
    pub eye_distance: Option<f64>,
    /// The chosen face's sharpness (variance of the Laplacian at 96x96 grey).
    pub sharpness: Option<f64>,
    /// The distance of the chosen face to the selfie's face.
    pub distance_to_selfie: Option<f64>,
    /// Why the engine could not look at the picture.
    pub error: Option<String>,
    /// The embedding, 128 numbers: only with `--embeddings` (and, inside the parts of a scan
    /// being written, with `--links`), never under `--redact`.
    pub embedding: Option<Vec<f32>>,
}

/// Whether the `embedding` column is filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Embeddings {
    /// Left empty (the default, and always under `--redact`).
    #[default]
    Withheld,
    /// Written (`scan --faces --embeddings`).
    Written,
}

impl FaceRow {
    /// The rows of a report's face evidence (none without `--faces`).
    pub fn of_report(report: &BundleReport, embeddings: Embeddings) -> Vec<FaceRow> {
        let Some(evidence) = &report.faces else {
            return Vec::new();
        };
        evidence
            .pictures
            .iter()
            .map(|p| FaceRow::of_picture(&report.path, p, embeddings))
            .collect()
    }

    fn of_picture(path: &str, picture: &PictureFaces, embeddings: Embeddings) -> FaceRow {
        let b = picture.face_box;
        FaceRow {
            path: path.to_owned(),
            picture: picture.picture,
            frame: picture.frame,
            faces: picture.faces,
            left: b.map(|b| b.left),
            top: b.map(|b| b.top),
            width: b.map(|b| b.width),
            height: b.map(|b| b.height),
            eye_distance: picture.eye_distance.map(f64::from),
            sharpness: picture.sharpness.map(f64::from),
            distance_to_selfie: picture.distance_to_selfie.map(f64::from),
            error: picture.error.clone(),
            embedding: match embeddings {
                Embeddings::Written => picture.embedding.clone(),
                Embeddings::Withheld => None,
            },
        }
    }
}

/// The selfies' and portraits' embeddings of `faces` rows, by bundle, waiting for their
/// bundles' identities (the `bundles` rows, read after or apart from the `faces` rows).
#[derive(Debug, Default)]
pub struct PendingFaces(HashMap<String, Vec<(FacePicture, Vec<f32>)>>);

impl PendingFaces {
    /// Takes the embedding out of a row (a video frame's is dropped: `same-person` compares
    /// selfies and portraits).
    pub fn keep(&mut self, row: &mut FaceRow) {
        if let Some(values) = row.embedding.take()
            && row.picture != FacePicture::VideoFrame
        {
            self.0
                .entry(row.path.clone())
                .or_default()
                .push((row.picture, values));
        }
    }

    /// Whether no embedding is waiting.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Adds the embeddings of `bundle`'s faces, if any are waiting, to `links`.
    pub fn join(&mut self, bundle: &eidscope_analysis::links::LinkRecord, links: &mut FaceLinks) {
        if let Some(embeddings) = self.0.remove(&bundle.path) {
            links.add(bundle, embeddings);
        }
    }
}

#[cfg(feature = "faces")]
pub use same_person::{FaceLinkRecord, same_person_findings};

/// The faces of a batch gathered for `same-person`: the selfies' and portraits' embeddings
/// with the identity of their bundle. Without the `faces` feature no report holds an
/// embedding, so there is nothing to gather and nothing is found.
#[derive(Debug, Default)]
pub struct FaceLinks {
    #[cfg(feature = "faces")]
    records: Vec<FaceLinkRecord>,
}

impl FaceLinks {
    /// Adds the embeddings of one bundle (its link record gives the path and the identity).
    #[cfg_attr(not(feature = "faces"), allow(unused_variables))]
    pub fn add(
        &mut self,
        bundle: &eidscope_analysis::links::LinkRecord,
        embeddings: Vec<(FacePicture, Vec<f32>)>,
    ) {
        #[cfg(feature = "faces")]
        for (picture, values) in embeddings {
            self.records.extend(FaceLinkRecord::new(
                bundle.path.clone(),
                picture,
                bundle.identity(),
                &values,
            ));
        }
    }

    /// The embeddings of the `faces` table of scan folders (written with `--embeddings`),
    /// each with the identity of its bundle in the `bundles` table.
    pub fn from_tables(tables: &crate::ScanTables) -> Result<FaceLinks, crate::TablesError> {
        let mut links = FaceLinks::default();
        let mut pending = PendingFaces::default();
        tables.each_row(|mut row: FaceRow| pending.keep(&mut row))?;
        if pending.is_empty() {
            return Ok(links);
        }
        tables.each_row(|row: crate::BundleRow| {
            pending.join(&crate::links::record_of(&row), &mut links);
        })?;
        Ok(links)
    }

    /// The `same-person` findings of the faces gathered.
    #[cfg(feature = "faces")]
    pub fn findings(&self) -> Vec<eidscope_model::LinkFinding> {
        same_person_findings(&self.records)
    }

    /// The `same-person` findings of the faces gathered: none without the face engine.
    #[cfg(not(feature = "faces"))]
    pub fn findings(&self) -> Vec<eidscope_model::LinkFinding> {
        Vec::new()
    }
}

#[cfg(feature = "faces")]
mod same_person {
    //! `same-person`: selfies and portraits of different identities within
    //! `eidscope_faces::thresholds::SAME_PERSON`, grouped through eidscope-faces' index.

    use eidscope_analysis::links::identity::IdentityKey;
    use eidscope_faces::same_person::{FaceRecord, NeighbourSearch, group_same_person};
    use eidscope_faces::{EMBEDDING_DIM, Embedding, thresholds};
    use eidscope_model::{FacePicture, FindingCode, LinkFinding};
    use std::collections::BTreeSet;

    /// One face of a batch for `same-person`: a selfie or a portrait, under the identity its
    /// bundle names.
    #[derive(Debug, Clone)]
    pub struct FaceLinkRecord {
        /// The bundle.
        pub path: String,
        /// Selfie or portrait.
        pub picture: FacePicture,
        /// Who the bundle says the person is; `None` (nobody named) never groups.
        pub identity: Option<IdentityKey>,
        /// The face.
        pub embedding: Embedding,
    }

    impl FaceLinkRecord {
        /// A record from the values of a `faces` row, when they are a selfie's or a portrait's
        /// 128-number embedding.
        pub fn new(
            path: String,
            picture: FacePicture,
            identity: Option<IdentityKey>,
            values: &[f32],
        ) -> Option<FaceLinkRecord> {
            if picture == FacePicture::VideoFrame {
                return None;
            }
            let embedding: [f32; EMBEDDING_DIM] = values.try_into().ok()?;
            Some(FaceLinkRecord {
                path,
                picture,
                identity,
                embedding: Embedding(embedding),
            })
        }
    }

    /// One `same-person` finding per group of faces of different identities joined by pairs
    /// within the threshold. Faces of a bundle naming nobody take no part.
    pub fn same_person_findings(records: &[FaceLinkRecord]) -> Vec<LinkFinding> {
        let named: Vec<&FaceLinkRecord> = records.iter().filter(|r| r.identity.is_some()).collect();
        let faces: Vec<FaceRecord<usize, IdentityKey>> = named
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                Some(FaceRecord {
                    id: i,
                    identity: r.identity.clone()?,
                    embedding: r.embedding.clone(),
                })
            })
            .collect();
        let search = NeighbourSearch::for_size(faces.len());
        let mut findings: Vec<LinkFinding> =
            group_same_person(&faces, thresholds::SAME_PERSON, search)
                .into_iter()
                .map(|group| {
                    let members: Vec<&FaceLinkRecord> =
                        group.members.iter().map(|&m| named[faces[m].id]).collect();
                    finding(&members, group.closest())
                })
                .collect();
        findings.sort_by(|a, b| a.paths.cmp(&b.paths));
        findings
    }

    fn finding(members: &[&FaceLinkRecord], closest: f32) -> LinkFinding {
        let paths: BTreeSet<&str> = members.iter().map(|m| m.path.as_str()).collect();
        let identities: BTreeSet<String> = members
            .iter()
            .filter_map(|m| m.identity.as_ref().map(IdentityKey::describe))
            .collect();
        let faces: Vec<String> = members
            .iter()
            .map(|m| format!("{} of {}", m.picture, m.path))
            .collect();
        let paths: Vec<String> = paths.into_iter().map(str::to_owned).collect();
        let key = format!(
            "face:{}#{}",
            members.first().map_or("", |m| m.path.as_str()),
            members.first().map_or(FacePicture::Selfie, |m| m.picture)
        );
        LinkFinding::new(
            FindingCode::SamePerson,
            paths,
            key,
            format!(
                "one face under {} identities ({}): {}; closest face distance {closest:.3} (under {:.2})",
                identities.len(),
                identities.into_iter().collect::<Vec<_>>().join("; "),
                faces.join(", "),
                thresholds::SAME_PERSON
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::TableRow;
    use crate::read::read_table;
    use crate::table::{Format, Table};
    use crate::writer::{TableFiles, WriteOptions};
    use polars::prelude::DataType;

    fn row(path: &str, embedding: Option<Vec<f32>>) -> FaceRow {
        FaceRow {
            path: path.to_owned(),
            picture: FacePicture::Selfie,
            frame: None,
            faces: u32::from(embedding.is_some()),
            left: Some(-3),
            top: Some(10),
            width: Some(80),
            height: Some(80),
            eye_distance: Some(31.5),
            sharpness: Some(412.0),
            distance_to_selfie: None,
            error: None,
            embedding,
        }
    }

    /// Values that do not survive a trip through text unless written exactly.
    fn embedding(seed: f32) -> Vec<f32> {
        (0..EMBEDDING_DIM)
            .map(|i| ((i as f32 + 1.0) * seed).sin() / 7.0)
            .collect()
    }

    #[test]
    fn embeddings_are_fixed_size_float_lists_in_every_format_and_read_back_exactly() {
        let rows = vec![
            row("a.zip", Some(embedding(0.37))),
            row("b.zip", None),
            row("c.zip", Some(embedding(-1.91))),
        ];
        let array = DataType::Array(Box::new(DataType::Float32), EMBEDDING_DIM);
        assert_eq!(FaceRow::schema().unwrap().get("embedding"), Some(&array));
        for format in Format::ALL {
            let dir = tempfile::tempdir().unwrap();
            let mut files = TableFiles::create(
                dir.path(),
                WriteOptions {
                    format,
                    compress: true,
                },
            )
            .unwrap();
            files.write(&rows).unwrap();
            files.finish().unwrap();
            let file = dir.path().join(Table::Faces.file_name(format));
            let frame = read_table(Table::Faces, &file, format).unwrap();
            if format == Format::Parquet {
                // As written: the Parquet file itself says FixedSizeList<Float32, 128>.
                assert_eq!(frame.column("embedding").unwrap().dtype(), &array);
            }
            let mut tables: [Option<polars::prelude::DataFrame>; Table::COUNT] = Default::default();
            tables[Table::Faces.index()] = Some(frame);
            let tables = crate::ScanTables::from_frames(tables).unwrap();
            assert_eq!(
                tables
                    .table(Table::Faces)
                    .column("embedding")
                    .unwrap()
                    .dtype(),
                &array,
                "{format}"
            );
            let mut back = Vec::new();
            tables.each_row(|r: FaceRow| back.push(r)).unwrap();
            assert_eq!(back, rows, "{format}");
        }
    }

    #[test]
    fn an_embedding_of_another_length_is_an_error_naming_the_column() {
        let error = FaceRow::frame(&[row("a.zip", Some(vec![0.5; 127]))])
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("`embedding`") && error.contains("127"),
            "{error}"
        );
        let text = polars::prelude::Column::new("embedding".into(), [Some("0.5 nope")]);
        let error = crate::columns::Floats::<EMBEDDING_DIM>::from_text(&text)
            .unwrap_err()
            .to_string();
        assert!(error.contains("`embedding`"), "{error}");
    }

    #[test]
    fn pending_faces_join_their_bundles_and_leave_no_embedding_in_the_row() {
        let mut pending = PendingFaces::default();
        let mut selfie = row("a.zip", Some(embedding(0.1)));
        let mut frame = FaceRow {
            picture: FacePicture::VideoFrame,
            ..row("a.zip", Some(embedding(0.2)))
        };
        pending.keep(&mut selfie);
        pending.keep(&mut frame);
        assert!(selfie.embedding.is_none() && frame.embedding.is_none());
        assert!(!pending.is_empty());
        let bundle = eidscope_analysis::links::LinkRecord {
            path: "a.zip".to_owned(),
            ..Default::default()
        };
        let mut links = FaceLinks::default();
        pending.join(&bundle, &mut links);
        assert!(
            pending.is_empty(),
            "the video frame is not kept, the selfie was joined"
        );
    }
}
