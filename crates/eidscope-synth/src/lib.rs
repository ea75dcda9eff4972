//! Deterministic synthetic EID bundles with labelled anomalies, for tests, the demo and
//! benchmarks.
//!
//! [`generate`] writes `count` bundles into a folder, each a zip shaped like Signicat's
//! "Download full result" (`ocr.json`, `manual_approval.json` for agent-reviewed process types,
//! `front.jpeg`, `back.jpeg` for cards, `selfie.jpeg`, `portrait.jpeg`, `video.mp4`), the
//! Assure "Get process" response beside each zip (`bundle-00001.json`; every fifth bundle
//! `bundle-00005.process.json`, to exercise both lookups), and `labels.json`, the answer key.
//!
//! # What the bundles hold
//!
//! - About two thirds of `ocr.json` files are shape A (Signicat-normalised, like the seed's
//!   `providerSpecific.ocr`), one third shape B (raw EID v2: keyed features and `{name, passed}`
//!   checks, `liveness`, `similarityLevel` in varied letter case, epoch-ms dates, some `YYMMDD`
//!   dates). The process always carries a shape A copy of the evidence.
//! - Statuses mix roughly 60 % accepted, 15 % rejected (a check not valid, or the agent
//!   rejected), 15 % inconclusive (similarity below high, or a feature not found) and 10 %
//!   failed (no `ocr.json`, a `failReason`, only some media: never an empty zip).
//! - Pictures are drawn, not copied: document fronts (and card backs) on a per-country template
//!   with every feature drawn where its box says, the person's photo, text and MRZ; the
//!   portrait is the crop of the document photo; the selfie draws the same face at another pose
//!   and light in front of a room. Different people differ in face shape and place, skin, hair
//!   and background, so their perceptual hashes are far apart. Clean pictures may carry phone
//!   EXIF (`Make`, `Model`, a camera `Software` such as `HDR+ 1.0`), never an editor.
//! - Videos (160x120, 10 fps, H.264/MPEG-4 via `eidscope_media::video::encode_mp4`) come from a
//!   small pool rendered once per run: 3 s moving clips, a 3 s frozen clip, a 1 s moving clip.
//!
//! # Clean bundles yield no finding
//!
//! The capture date is the process `createdAt` date; documents expire after it (or before it
//! with `nonExpired` not valid); people are at least 18 then (or 16 with `notUnderage` not
//! valid); the top-level liveness equals the liveness check; every found feature has a box
//! of positive size inside the image of its side (`data`: front, `back`: back); all media are
//! present (back for identity cards and residence permits only); dates, countries (ISO 3166
//! alpha-3) and genders (M/F/X) are valid; entries are the documented names; selfie and
//! portrait, front and back are different pictures; the video moves for 3 s. A failed bundle
//! (no OCR data) is never expected to yield `missing-media`: an aborted capture lacks media.
//!
//! # Anomalies and how they are scheduled
//!
//! The planner shuffles the bundle indices with the plan stream and hands them out in turn to
//! batch groups (from 40 bundles on: `max(1, count / 500)` groups of each kind), anomalies
//! (`round(anomaly_rate * count)`, at least one per single-bundle finding code from 40 bundles
//! on, codes assigned round-robin in catalogue order), failed bundles (10 %) and clean bundles.
//! One anomaly per bundle keeps the labels exact: each anomalous bundle's `expected_findings`
//! is exactly its anomaly's code; every other bundle expects none. The side effects are
//! designed out: an unsafe entry (`../../evil.txt`, `/etc/cron.d/x`, or a symlink `link`) is
//! only `unsafe-entry`, not also `unexpected-entry`; a truncated JPEG keeps its header and
//! frame size, so box checks still hold; an invalid date of birth never meets a failing
//! `notUnderage`; the contradictions never meet a rejection for the same check; a garbage
//! video is only `media-corrupt`.
//!
//! Batch groups are otherwise clean: `document-reuse` (one country and document number, written
//! differently, under 2-4 people, attempts days apart), `media-reuse` (a byte-identical selfie
//! under 2-3 people: reported as media-reuse only, not also as a near duplicate),
//! `face-near-duplicate` (a selfie rescaled ~5 %, cropped and re-encoded under another person),
//! `velocity` (one person and document, 3-4 attempts within a few hours), `name-variants` (one
//! holder and passport, three attempts days apart, the name spelled as the visual zone, the
//! MRZ's ICAO transliteration and the MRZ without diacritics write it: `JÜRGEN MÜLLER`,
//! `JUERGEN MUELLER`, `JURGEN MULLER`; one identity, so an `info` note and no
//! `document-reuse`). Ordinary retries (one person, two attempts days apart) also occur and are
//! not a group.
//!
//! # `labels.json`
//!
//! ```text
//! { "schema": "eidscope.synth-labels/1", "seed": 7, "count": 100,
//!   "bundles": [ { "path": "bundle-00001.zip", "process": "bundle-00001.json",
//!                  "shape": "signicat" | "eid-raw" | null, "reported_status": "accepted",
//!                  "derived_status": "accepted", "person": "P00017",
//!                  "document": "PRT:AB1234567" | null, "created_at": "2023-04-05T10:04:42Z",
//!                  "process_type": "substantial", "anomalies": ["edited-image"],
//!                  "expected_findings": ["edited-image"] } ],
//!   "groups": [ { "code": "document-reuse", "key": "PRT:AB1234567",
//!                 "paths": ["bundle-00003.zip", "bundle-00040.zip"] } ] }
//! ```
//!
//! # Determinism
//!
//! Every random choice comes from a ChaCha stream seeded by the run seed and a purpose (the
//! serial plan, one bundle's pixels, one selfie, one clip); dates are fixed offsets from a
//! base date derived from the seed; zip entries carry fixed times and permissions. The same
//! seed gives byte-identical files whatever the number of threads.

#![cfg_attr(test, allow(clippy::unwrap_used))]

mod bundle;
mod document;
pub mod embeddings;
mod evidence;
mod face;
mod jpeg;
mod labels;
mod media_plan;
mod name_variants;
mod people;
mod plan;
mod planner;
mod real_faces;
mod recorded;
mod rng;
mod spec;
mod video;

pub use labels::{BundleLabel, GroupLabel, LABELS_SCHEMA, Labels, read_labels};
pub use plan::UNPLANNED_CODES;
pub use real_faces::{FaceGroupLabel, FaceLabel};

use eidscope_model::FindingCode;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// The number of moving clips in the video pool.
pub(crate) const VIDEO_POOL_MOVING: usize = 4;

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthConfig {
    /// The number of bundles.
    pub count: usize,
    /// The seed: the same seed gives the same bytes.
    pub seed: u64,
    /// The output folder (created when missing; files of the same names are replaced).
    pub out: PathBuf,
    /// The share of bundles that carry one single-bundle anomaly (default 0.15).
    pub anomaly_rate: f64,
    /// The share of `ocr.json` files in shape B, raw EID (default 1/3).
    pub eid_raw_share: f64,
    /// A folder of real face photos, one sub-folder per person: a few clean bundles get real
    /// selfies, portraits and videos in labelled face cases ([`FaceLabel`]).
    pub faces: Option<PathBuf>,
}

impl Default for SynthConfig {
    fn default() -> Self {
        SynthConfig {
            count: 100,
            seed: 1,
            out: PathBuf::from("synth"),
            anomaly_rate: 0.15,
            eid_raw_share: 1.0 / 3.0,
            faces: None,
        }
    }
}

impl SynthConfig {
    /// A configuration with the default knobs.
    pub fn new(count: usize, seed: u64, out: impl Into<PathBuf>) -> SynthConfig {
        SynthConfig {
            count,
            seed,
            out: out.into(),
            ..SynthConfig::default()
        }
    }
}

/// Why generation failed. Each variant says its own part; the lower error is its `source()`.
#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    /// Reading or writing a file failed.
    #[error("{}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Packing a zip failed.
    #[error("zip")]
    Zip(#[from] zip::result::ZipError),
    /// Encoding a picture failed.
    #[error("image: {0}")]
    Image(String),
    /// Encoding a video failed.
    #[error("video")]
    Video(#[from] eidscope_media::MediaError),
    /// Serialising JSON failed.
    #[error("json")]
    Json(#[from] serde_json::Error),
    /// A labels file is not valid.
    #[error("{}: not a synth labels file", path.display())]
    Labels {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        source: LabelsError,
    },
    /// The configuration cannot be used.
    #[error("invalid configuration: {0}")]
    Config(String),
}

/// What is wrong with a labels file.
#[derive(Debug, thiserror::Error)]
pub enum LabelsError {
    /// It does not parse.
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    /// It is of another schema.
    #[error("schema `{0}`, expected `{LABELS_SCHEMA}`")]
    Schema(String),
}

/// Writes a file so that it appears complete or not at all: an interrupted run leaves no
/// truncated bundle that looks whole.
fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), SynthError> {
    let path = dir.join(name);
    let partial = dir.join(format!(".{name}.partial"));
    std::fs::write(&partial, bytes)
        .and_then(|()| std::fs::rename(&partial, &path))
        .map_err(|source| {
            let _ = std::fs::remove_file(&partial);
            SynthError::Io { path, source }
        })
}

/// Generates the bundles, their process files and `labels.json` into `config.out`, and
/// returns the labels. Runs on the rayon pool; the output does not depend on its size.
pub fn generate(config: &SynthConfig) -> Result<Labels, SynthError> {
    if !(0.0..=1.0).contains(&config.anomaly_rate) || !(0.0..=1.0).contains(&config.eid_raw_share) {
        return Err(SynthError::Config(
            "anomaly_rate and eid_raw_share must lie between 0 and 1".into(),
        ));
    }
    std::fs::create_dir_all(&config.out).map_err(|source| SynthError::Io {
        path: config.out.clone(),
        source,
    })?;
    let plan = plan::plan(config);
    let faces = match &config.faces {
        Some(dir) => Some(real_faces::FaceFolder::read(dir)?),
        None => None,
    };
    let assignment = faces
        .as_ref()
        .map(|folder| real_faces::assign(&plan.specs, &plan.groups, folder))
        .unwrap_or_default();
    let videos = video::VideoPool::render(config.seed, VIDEO_POOL_MOVING)?;
    let ctx = bundle::Context::new(config.seed, videos);
    let outputs = plan
        .specs
        .par_iter()
        .map(|spec| {
            let mut built = bundle::build(spec, &ctx)?;
            let mut label = label_of(spec);
            if let (Some(folder), Some(Some(face))) = (&faces, assignment.by_bundle.get(spec.index))
            {
                let (zip, selfie_sha) = real_faces::apply(&built.zip, face, folder)?;
                built.zip = zip;
                built.selfie_sha = Some(selfie_sha);
                label.faces = Some(real_faces::label(face, folder));
            }
            write_file(&config.out, &spec.zip_name(), &built.zip)?;
            write_file(&config.out, &spec.process_name(), &built.process)?;
            Ok((label, built.selfie_sha))
        })
        .collect::<Result<Vec<_>, SynthError>>()?;
    let face_groups = faces
        .as_ref()
        .map(|folder| {
            assignment
                .groups
                .iter()
                .map(|(person, members)| FaceGroupLabel {
                    code: "same-person".into(),
                    person: real_faces::person_name(folder, *person),
                    paths: members
                        .iter()
                        .filter_map(|idx| outputs.get(*idx).map(|(label, _)| label.path.clone()))
                        .collect(),
                })
                .collect()
        })
        .unwrap_or_default();
    let groups = plan
        .groups
        .iter()
        .map(|group| GroupLabel {
            code: group.code,
            key: match &group.key {
                plan::GroupKey::Text(text) => text.clone(),
                plan::GroupKey::SelfieSha(idx) => outputs
                    .get(*idx)
                    .and_then(|(_, sha)| sha.clone())
                    .unwrap_or_default(),
            },
            paths: group
                .members
                .iter()
                .filter_map(|idx| outputs.get(*idx).map(|(label, _)| label.path.clone()))
                .collect(),
        })
        .collect();
    let labels = Labels {
        schema: LABELS_SCHEMA.to_string(),
        seed: config.seed,
        count: config.count,
        bundles: outputs.into_iter().map(|(label, _)| label).collect(),
        groups,
        face_groups,
    };
    let mut json = serde_json::to_vec_pretty(&labels)?;
    json.push(b'\n');
    write_file(&config.out, "labels.json", &json)?;
    Ok(labels)
}

fn label_of(spec: &spec::BundleSpec) -> BundleLabel {
    let anomalies: Vec<FindingCode> = spec.anomaly.into_iter().collect();
    let mut expected = anomalies.clone();
    expected.sort_by_key(|code| code.as_str());
    expected.dedup();
    BundleLabel {
        path: spec.zip_name(),
        process: spec.process_name(),
        shape: spec.evidence.as_ref().map(|_| spec.shape),
        reported_status: spec.reported.clone(),
        derived_status: spec.derived.clone(),
        person: spec.person.label(),
        document: spec.evidence.as_ref().map(|_| spec.person.document_key()),
        created_at: spec
            .created
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        process_type: spec.process_type.to_string(),
        anomalies,
        expected_findings: expected,
        faces: None,
    }
}
