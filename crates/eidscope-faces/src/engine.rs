//! The face engine: detect, align with the 5-point shape predictor, embed with dlib's ResNet.
//!
//! Detection runs on a working copy of at most [`EngineOptions::max_detect_side`] pixels on its
//! long side (a 12-megapixel selfie costs seconds to HOG otherwise), enlarged twice when nothing
//! is found in a small picture (HOG needs a face of about 80 px: a 136x170 document portrait is
//! at the edge). Alignment and embedding read the picture at full resolution.
//!
//! All dlib calls go through `dlib-face-recognition`'s safe API: this module holds no unsafe
//! code. A [`FaceEngine`] is `Send` but not `Sync` (dlib's detectors keep scratch state): give
//! each worker thread its own. It never decides findings and never writes files.

use dlib_face_recognition::{
    FaceDetector, FaceDetectorCnn, FaceDetectorTrait, FaceEncoderNetwork, FaceEncoderTrait,
    FaceLandmarks, ImageMatrix, LandmarkPredictor, LandmarkPredictorTrait, Rectangle,
};
use image::RgbImage;
use image::imageops::FilterType;

use crate::face::{
    DetectedFace, Detector, EMBEDDING_DIM, Embedding, FaceAnalysis, FaceBox, FaceQuality,
};
use crate::models::{ModelDir, ModelFile};
use crate::{FaceError, quality};

/// The smallest picture side the engine looks at (a face needs pixels).
pub const MIN_SIDE: u32 = 32;
/// The largest picture the engine accepts, in pixels (the media decoder's own cap is lower).
pub const MAX_PIXELS: u64 = 100_000_000;

/// How the engine looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EngineOptions {
    /// The detector.
    pub detector: Detector,
    /// The long side of the working copy that detection runs on.
    pub max_detect_side: u32,
    /// dlib's jitter count for the embedding (0 or 1: one pass; 10 makes it ~10x slower and
    /// about 1% steadier).
    pub jitters: u32,
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            detector: Detector::Hog,
            max_detect_side: 1024,
            jitters: 0,
        }
    }
}

enum DetectorModel {
    Hog(FaceDetector),
    Cnn(Box<FaceDetectorCnn>),
}

impl DetectorModel {
    fn detect(&self, image: &ImageMatrix) -> Vec<Rectangle> {
        match self {
            DetectorModel::Hog(detector) => detector.face_locations(image).to_vec(),
            DetectorModel::Cnn(detector) => detector.face_locations(image).to_vec(),
        }
    }
}

/// The loaded models. Loading reads and checks ~32 MB; keep one engine per thread.
pub struct FaceEngine {
    detector: DetectorModel,
    predictor: LandmarkPredictor,
    encoder: FaceEncoderNetwork,
    options: EngineOptions,
}

impl std::fmt::Debug for FaceEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FaceEngine")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl FaceEngine {
    /// Loads the models from `$EIDSCOPE_MODELS` or the cache folder ([`ModelDir::from_env`]).
    pub fn from_env(options: EngineOptions) -> Result<Self, FaceError> {
        Self::load(&ModelDir::from_env(), options)
    }

    /// Loads the models from `dir`, each checked against its recorded SHA-256.
    pub fn load(dir: &ModelDir, options: EngineOptions) -> Result<Self, FaceError> {
        let predictor_path = dir.verified(ModelFile::ShapePredictor5)?;
        let encoder_path = dir.verified(ModelFile::RecognitionResNet)?;
        let detector = match options.detector {
            Detector::Hog => DetectorModel::Hog(FaceDetector::new()),
            Detector::Cnn => {
                let path = dir.verified(ModelFile::CnnDetector)?;
                DetectorModel::Cnn(Box::new(
                    FaceDetectorCnn::open(&path).map_err(load_error(&path))?,
                ))
            }
        };
        let predictor =
            LandmarkPredictor::open(&predictor_path).map_err(load_error(&predictor_path))?;
        let encoder = FaceEncoderNetwork::open(&encoder_path).map_err(load_error(&encoder_path))?;
        Ok(FaceEngine {
            detector,
            predictor,
            encoder,
            options,
        })
    }

    /// The options the engine was loaded with.
    pub fn options(&self) -> EngineOptions {
        self.options
    }

    /// Decodes an image file (JPEG or PNG, under eidscope-media's limits) and analyses it.
    pub fn analyse_bytes(&self, bytes: &[u8]) -> Result<FaceAnalysis, FaceError> {
        let image = eidscope_media::decode_image(bytes)
            .map_err(|error| FaceError::Picture(error.to_string()))?;
        self.analyse(&image.to_rgb8())
    }

    /// Finds the faces in `image` (a selfie, a document portrait, a video frame as RGB) and
    /// embeds the largest.
    pub fn analyse(&self, image: &RgbImage) -> Result<FaceAnalysis, FaceError> {
        let (width, height) = image.dimensions();
        check_size(width, height)?;
        let (rects, upsampled) = self.detect(image);
        let full = to_matrix(image)?;
        let mut faces: Vec<(DetectedFace, FaceLandmarks)> = rects
            .iter()
            .map(|rect| {
                let landmarks = self.predictor.face_landmarks(&full, rect);
                (describe(image, rect, &landmarks), landmarks)
            })
            .collect();
        faces.sort_by(|(a, _), (b, _)| prominence(b, height).total_cmp(&prominence(a, height)));
        let embedding = match faces.first() {
            Some((_, landmarks)) => self.embed(&full, landmarks),
            None => None,
        };
        Ok(FaceAnalysis {
            width,
            height,
            detector: self.options.detector,
            upsampled,
            faces: faces.into_iter().map(|(face, _)| face).collect(),
            embedding,
        })
    }

    /// Detection on the working copy; boxes in the picture's pixels.
    fn detect(&self, image: &RgbImage) -> (Vec<Rectangle>, bool) {
        let (width, height) = image.dimensions();
        let long = width.max(height);
        let max_side = self.options.max_detect_side.max(MIN_SIDE);
        let (working, scale) = if long > max_side {
            let scale = f64::from(max_side) / f64::from(long);
            let (w, h) = (scaled(width, scale), scaled(height, scale));
            (
                image::imageops::resize(image, w, h, FilterType::Triangle),
                scale,
            )
        } else {
            (image.clone(), 1.0)
        };
        let Ok(matrix) = to_matrix(&working) else {
            return (Vec::new(), false);
        };
        let found = self.detector.detect(&matrix);
        if !found.is_empty() || long.saturating_mul(2) > max_side {
            return (
                found.iter().map(|rect| unscale(rect, scale)).collect(),
                false,
            );
        }
        // A small picture: look again at twice the size (dlib's pyramid_up, as face_recognition
        // does by default).
        let (w, h) = working.dimensions();
        let doubled = matrix.resize(w as usize * 2, h as usize * 2);
        let found = self.detector.detect(&doubled);
        (
            found
                .iter()
                .map(|rect| unscale(rect, scale * 2.0))
                .collect(),
            !found.is_empty(),
        )
    }

    fn embed(&self, full: &ImageMatrix, landmarks: &FaceLandmarks) -> Option<Embedding> {
        let encodings = self.encoder.get_face_encodings(
            full,
            std::slice::from_ref(landmarks),
            self.options.jitters,
        );
        let values = encodings.first()?.as_ref();
        if values.len() != EMBEDDING_DIM {
            return None;
        }
        let mut embedding = [0f32; EMBEDDING_DIM];
        for (slot, value) in embedding.iter_mut().zip(values) {
            *slot = *value as f32;
        }
        Some(Embedding(embedding))
    }
}

/// How likely a face is the subject of the picture: its size, discounted by up to half as its
/// centre lies lower in the picture. A head sits above the chest, where a badge or a printed
/// motif can look like a face to HOG (seen on the grey copy of `astronaut.png`: a 104 px false
/// face on the suit outranked the real 87 px one by size alone).
fn prominence(face: &DetectedFace, height: u32) -> f64 {
    let b = face.face_box;
    let centre = (f64::from(b.top) + f64::from(b.height) / 2.0) / f64::from(height.max(1));
    f64::from(b.width.min(b.height)) * (1.0 - 0.5 * centre.clamp(0.0, 1.0))
}

fn load_error(path: &std::path::Path) -> impl Fn(String) -> FaceError + '_ {
    move |message| FaceError::ModelLoad {
        path: path.to_path_buf(),
        message,
    }
}

fn check_size(width: u32, height: u32) -> Result<(), FaceError> {
    if width < MIN_SIDE || height < MIN_SIDE {
        return Err(FaceError::Picture(format!(
            "{width}x{height} is smaller than {MIN_SIDE} px on a side"
        )));
    }
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(FaceError::Picture(format!(
            "{width}x{height} is over {MAX_PIXELS} pixels"
        )));
    }
    Ok(())
}

/// The picture as dlib's matrix. `ImageMatrix::from_image` takes the crate's own `image` (0.24)
/// buffer: the bytes are borrowed as one, not copied twice.
fn to_matrix(image: &RgbImage) -> Result<ImageMatrix, FaceError> {
    let (width, height) = image.dimensions();
    let buffer = image024::ImageBuffer::<image024::Rgb<u8>, &[u8]>::from_raw(
        width,
        height,
        image.as_raw().as_slice(),
    )
    .ok_or_else(|| FaceError::Picture(format!("{width}x{height} RGB buffer is incomplete")))?;
    Ok(ImageMatrix::from_image(&buffer))
}

fn scaled(side: u32, scale: f64) -> u32 {
    ((f64::from(side) * scale).round() as u32).max(1)
}

fn unscale(rect: &Rectangle, scale: f64) -> Rectangle {
    let back = |value: std::os::raw::c_long| (value as f64 / scale).round() as std::os::raw::c_long;
    Rectangle {
        left: back(rect.left),
        top: back(rect.top),
        right: back(rect.right),
        bottom: back(rect.bottom),
    }
}

fn describe(image: &RgbImage, rect: &Rectangle, landmarks: &FaceLandmarks) -> DetectedFace {
    let clamp = |value: std::os::raw::c_long| value.clamp(i32::MIN.into(), i32::MAX.into()) as i32;
    let face_box = FaceBox {
        left: clamp(rect.left),
        top: clamp(rect.top),
        width: clamp(rect.width().max(0)) as u32,
        height: clamp(rect.height().max(0)) as u32,
    };
    let mut points = [[0f32; 2]; 5];
    for (slot, point) in points.iter_mut().zip(landmarks.iter()) {
        *slot = [point.x() as f32, point.y() as f32];
    }
    let (eye_distance, roll_degrees) = quality::eye_line(&points);
    let quality = FaceQuality {
        box_side: face_box.width.min(face_box.height),
        eye_distance,
        roll_degrees,
        sharpness: quality::sharpness(image, &face_box),
        inside: face_box.inside(image.width(), image.height()),
    };
    DetectedFace {
        face_box,
        landmarks: points,
        quality,
    }
}
