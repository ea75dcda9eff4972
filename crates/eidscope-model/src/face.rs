//! What eidscope's own face engine saw in one bundle (`inspect --faces`, `scan --faces`): per
//! picture (selfie, document portrait, video frames) the faces found, the chosen face's box and
//! quality, and its distance to the selfie's face. The face findings are decided from these
//! values (eidscope-analysis), the `faces` table is written from them (eidscope-tables).
//!
//! Plain values: this module links no face engine. The embedding of a face is biometric data:
//! it is held in memory for the tables and the `same-person` search, and never serialised with
//! the report ([`PictureFaces::embedding`] is skipped by serde).

use serde::{Deserialize, Serialize};

/// Which picture of a bundle the face engine looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FacePicture {
    /// `selfie.jpeg`.
    Selfie,
    /// `portrait.jpeg`, the photo cut from the document.
    Portrait,
    /// A frame decoded from `video.mp4`.
    VideoFrame,
}

crate::words!(FacePicture, "face picture", [
    Selfie => "selfie",
    Portrait => "portrait",
    VideoFrame => "video-frame",
]);

/// The box of the chosen face, in the picture's pixels (may reach outside it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FaceRect {
    /// Left edge.
    pub left: i32,
    /// Top edge.
    pub top: i32,
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
}

/// What the face engine found in one picture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PictureFaces {
    /// Which picture.
    pub picture: FacePicture,
    /// For a video frame, its position among the frames looked at (0-based).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frame: Option<u32>,
    /// How many faces the detector found.
    pub faces: u32,
    /// The chosen (most prominent) face's box.
    pub face_box: Option<FaceRect>,
    /// The chosen face's eye distance in pixels (below the engine's minimum a face is too small
    /// to judge, and no comparison fires on it).
    pub eye_distance: Option<f32>,
    /// The chosen face's sharpness (variance of the Laplacian at 96x96 grey).
    pub sharpness: Option<f32>,
    /// The Euclidean distance of the chosen face's embedding to the selfie's (for the portrait
    /// and the video frames).
    pub distance_to_selfie: Option<f32>,
    /// Why the engine could not look at the picture (too small, does not decode).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The chosen face's 128-d embedding: biometric data, never serialised with the report.
    #[serde(skip)]
    pub embedding: Option<Vec<f32>>,
}

impl PictureFaces {
    /// Whether the chosen face is large enough to compare (eye distance at least
    /// `min_eye_distance`) and has an embedding.
    pub fn comparable(&self, min_eye_distance: f32) -> bool {
        self.embedding.is_some() && self.eye_distance.is_some_and(|d| d >= min_eye_distance)
    }
}

/// The face evidence of one bundle: every picture the engine looked at, selfie first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, schemars::JsonSchema)]
pub struct FaceEvidence {
    /// The detector used (`hog` or `cnn`).
    pub detector: String,
    /// The pictures, in the order selfie, portrait, video frames.
    pub pictures: Vec<PictureFaces>,
}

impl FaceEvidence {
    /// The picture of this kind (the first, for video frames).
    pub fn picture(&self, picture: FacePicture) -> Option<&PictureFaces> {
        self.pictures.iter().find(|p| p.picture == picture)
    }

    /// The video frames looked at.
    pub fn frames(&self) -> impl Iterator<Item = &PictureFaces> {
        self.pictures
            .iter()
            .filter(|p| p.picture == FacePicture::VideoFrame)
    }
}
