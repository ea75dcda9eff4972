//! What the engine says about one picture: the faces found, how usable each is, and the
//! embedding of the chosen one.
//!
//! Plain values (no dlib types), so that the pipeline, the tables and the tests can hold them
//! without linking anything. An [`Embedding`] is biometric data: whoever stores one must treat
//! it like the photo it came from.

use serde::{Deserialize, Serialize};

/// The number of dimensions of a dlib face embedding.
pub const EMBEDDING_DIM: usize = 128;

/// Which face detector found the faces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Detector {
    /// dlib's HOG + linear SVM frontal face detector (built into dlib; fast, frontal faces of
    /// about 80 px and more).
    #[default]
    Hog,
    /// dlib's MMOD CNN detector (`mmod_human_face_detector.dat`; finds turned and smaller
    /// faces, many times slower on a CPU).
    Cnn,
}

/// A face's box in the picture's own pixels. dlib may place it partly outside the picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaceBox {
    /// Left edge (may be negative).
    pub left: i32,
    /// Top edge (may be negative).
    pub top: i32,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

impl FaceBox {
    /// The area in pixels, to choose the main face.
    pub fn area(&self) -> u64 {
        u64::from(self.width) * u64::from(self.height)
    }

    /// Whether the box lies wholly inside a picture of `width` x `height`.
    pub fn inside(&self, width: u32, height: u32) -> bool {
        self.left >= 0
            && self.top >= 0
            && i64::from(self.left) + i64::from(self.width) <= i64::from(width)
            && i64::from(self.top) + i64::from(self.height) <= i64::from(height)
    }
}

/// How usable a detected face is for comparison. dlib-face-recognition does not expose the
/// detectors' scores, so quality is measured on the face itself.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FaceQuality {
    /// The shorter side of the box, in the picture's pixels.
    pub box_side: u32,
    /// The distance between the eye centres (from the 5-point landmarks), in pixels; ISO/IEC
    /// 19794-5 asks 60 or more for a portrait fit for comparison.
    pub eye_distance: f32,
    /// The tilt of the eye line, in degrees (0 = level).
    pub roll_degrees: f32,
    /// The variance of the Laplacian of the face resampled to 96x96 grey: low means blurred
    /// (below ~50 a face is visibly soft; a sharp portrait measures several hundred).
    pub sharpness: f32,
    /// Whether the box lies wholly inside the picture (a face cut by the edge embeds worse).
    pub inside: bool,
}

/// One face found in a picture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DetectedFace {
    /// Where.
    pub face_box: FaceBox,
    /// The 5 landmarks (two corners of each eye, the base of the nose), in picture pixels.
    pub landmarks: [[f32; 2]; 5],
    /// How usable.
    pub quality: FaceQuality,
}

/// A 128-d dlib face embedding: two photos of one person lie close (Euclidean distance).
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct Embedding(#[serde(with = "serde_big_array")] pub [f32; EMBEDDING_DIM]);

mod serde_big_array {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::EMBEDDING_DIM;

    pub fn serialize<S: Serializer>(
        values: &[f32; EMBEDDING_DIM],
        s: S,
    ) -> Result<S::Ok, S::Error> {
        values.as_slice().serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[f32; EMBEDDING_DIM], D::Error> {
        let values = Vec::<f32>::deserialize(d)?;
        let len = values.len();
        values.try_into().map_err(|_| {
            serde::de::Error::invalid_length(len, &"128 numbers (a dlib face embedding)")
        })
    }
}

impl std::fmt::Debug for Embedding {
    // Biometric data: a debug print shows only its shape, never the numbers.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Embedding([f32; {EMBEDDING_DIM}])")
    }
}

impl Embedding {
    /// The Euclidean distance, dlib's measure: below ~0.6 is the same person by dlib's rule of
    /// thumb; eidscope's thresholds are in [`crate::thresholds`].
    pub fn distance(&self, other: &Embedding) -> f32 {
        squared_distance(&self.0, &other.0).sqrt()
    }

    /// The numbers.
    pub fn as_slice(&self) -> &[f32] {
        &self.0
    }
}

/// The squared Euclidean distance of two embeddings (what the index compares).
///
/// Eight running sums rather than one: a single f32 sum must add in order, which keeps the
/// compiler from using vector instructions; eight independent lanes vectorise (the exact
/// search spends nearly all its time here).
pub fn squared_distance(a: &[f32; EMBEDDING_DIM], b: &[f32; EMBEDDING_DIM]) -> f32 {
    let mut lanes = [0f32; 8];
    for (xs, ys) in a.chunks_exact(8).zip(b.chunks_exact(8)) {
        for ((lane, x), y) in lanes.iter_mut().zip(xs).zip(ys) {
            *lane += (x - y) * (x - y);
        }
    }
    lanes.iter().sum()
}

/// Everything the engine found in one picture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaceAnalysis {
    /// The picture's width.
    pub width: u32,
    /// The picture's height.
    pub height: u32,
    /// The detector used.
    pub detector: Detector,
    /// Whether the faces were found only in the picture enlarged twice (a small picture).
    pub upsampled: bool,
    /// Every face found, the most prominent first (the largest, favouring the upper part of the
    /// picture: see [`FaceAnalysis::chosen`]).
    pub faces: Vec<DetectedFace>,
    /// The embedding of the chosen face (`faces[0]`), when there is a face.
    pub embedding: Option<Embedding>,
}

impl FaceAnalysis {
    /// The face compared: the most prominent (a selfie's or a portrait's subject): the largest,
    /// its size discounted by up to half as it lies lower in the picture, since a head sits
    /// above the chest, where a badge can look like a face to HOG. More than one face in a
    /// selfie is itself worth a look (someone holding up a photo).
    pub fn chosen(&self) -> Option<&DetectedFace> {
        self.faces.first()
    }
}
