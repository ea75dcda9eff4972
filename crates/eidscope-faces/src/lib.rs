//! Faces for eidscope: find the face in a selfie, a document portrait or a video frame, align
//! it, embed it (dlib's ResNet, 128 numbers), and find one person under two identities.
//!
//! - [`FaceEngine`] ([`engine`]): detect (HOG or CNN), align (5-point shape predictor), embed.
//!   One [`FaceAnalysis`] per picture: every face with its box and [`FaceQuality`], the chosen
//!   (largest) face and its [`Embedding`].
//! - [`ModelDir`] ([`models`]): where the CC0 model files are, checked by SHA-256; a missing
//!   file is a [`FaceError::ModelMissing`] that says where it looked and how to fetch them.
//! - [`thresholds`]: the distances behind the face findings, measured on real photos
//!   (docs/faces.md has the evidence).
//! - [`same_person`]: embeddings of many bundles grouped by person across identities, through a
//!   nearest-neighbour index rather than all pairs.
//!
//! This is the only crate of the workspace that links dlib. It reads pictures handed to it and
//! never opens bundles, decides findings or writes files; it opens no network connection (the
//! models are fetched by `scripts/fetch-faces.sh`). Embeddings are biometric data: this crate
//! never logs or prints them.

pub mod engine;
mod error;
pub mod face;
pub mod models;
pub mod photos;
pub mod quality;
pub mod same_person;
pub mod thresholds;

pub use engine::{EngineOptions, FaceEngine};
pub use error::FaceError;
pub use face::{
    DetectedFace, Detector, EMBEDDING_DIM, Embedding, FaceAnalysis, FaceBox, FaceQuality,
};
pub use models::{ModelDir, ModelFile};
