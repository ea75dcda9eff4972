//! The face level (`--faces`): eidscope's own face engine run on a bundle's selfie, document
//! portrait and a few video frames, the distances of each to the selfie, and the face findings
//! decided from them.
//!
//! Behind the `faces` feature: only builds that ask for it link dlib. [`FaceEngines`] keeps
//! loaded engines for the worker threads (a [`FaceEngine`] is `Send`, not `Sync`, and loading
//! one reads 32 MB of models: each is loaded once and lent to one thread at a time). This module
//! never writes files and never logs an embedding.

use eidscope_analysis::findings::faces::{FaceThresholds, face_findings};
use eidscope_bundle::Bundle;
use eidscope_faces::{EngineOptions, FaceAnalysis, FaceEngine, FaceError, thresholds};
use eidscope_model::{BundleReport, EntryKind, FaceEvidence, FacePicture, FaceRect, PictureFaces};
use std::sync::Mutex;

/// How many evenly spaced video frames are compared with the selfie.
pub const VIDEO_FRAMES: usize = 3;

/// The face thresholds measured in eidscope-faces, as the finding rules take them.
pub fn face_thresholds() -> FaceThresholds {
    FaceThresholds {
        mismatch: thresholds::FACE_MISMATCH,
        match_contradiction: thresholds::FACE_MATCH_CONTRADICTION,
        video_mismatch: thresholds::VIDEO_FACE_MISMATCH,
        min_eye_distance: thresholds::MIN_EYE_DISTANCE,
    }
}

/// Loaded face engines, lent to one thread at a time; a thread that finds none free loads one.
#[derive(Debug)]
pub struct FaceEngines {
    free: Mutex<Vec<FaceEngine>>,
    options: EngineOptions,
}

impl FaceEngines {
    /// Loads one engine from `$EIDSCOPE_MODELS` or the cache folder, so that missing or damaged
    /// models are one clear error before any bundle is read.
    pub fn load(options: EngineOptions) -> Result<FaceEngines, FaceError> {
        let first = FaceEngine::from_env(options)?;
        Ok(FaceEngines {
            free: Mutex::new(vec![first]),
            options,
        })
    }

    /// Runs `task` with an engine of this thread's own for the duration.
    pub fn with<T>(&self, task: impl FnOnce(&FaceEngine) -> T) -> Result<T, FaceError> {
        let lent = self.free.lock().map(|mut free| free.pop()).ok().flatten();
        let engine = match lent {
            Some(engine) => engine,
            None => FaceEngine::from_env(self.options)?,
        };
        let result = task(&engine);
        if let Ok(mut free) = self.free.lock() {
            free.push(engine);
        }
        Ok(result)
    }
}

/// Adds what the face engine sees in `bundle` to its report: the evidence, and the face
/// findings among the others (most severe first).
pub fn add_faces(
    report: &mut BundleReport,
    bundle: &Bundle,
    engines: &FaceEngines,
) -> Result<(), FaceError> {
    let evidence = engines.with(|engine| face_evidence(bundle, engine))?;
    let similarity = bundle.ocr.as_ref().and_then(|o| o.similarity);
    report
        .findings
        .extend(face_findings(&evidence, similarity, &face_thresholds()));
    eidscope_analysis::findings::sort_findings(&mut report.findings);
    report.faces = Some(evidence);
    Ok(())
}

/// The faces of the selfie, the portrait and [`VIDEO_FRAMES`] video frames of `bundle`, each
/// with its distance to the selfie's face.
pub fn face_evidence(bundle: &Bundle, engine: &FaceEngine) -> FaceEvidence {
    looked_at(bundle, engine, true)
}

/// The faces of the selfie and the portrait only (what `same-person` compares).
pub fn still_faces(bundle: &Bundle, engine: &FaceEngine) -> FaceEvidence {
    looked_at(bundle, engine, false)
}

fn looked_at(bundle: &Bundle, engine: &FaceEngine, video: bool) -> FaceEvidence {
    let contents = &bundle.archive.contents;
    let still = |kind: EntryKind| {
        contents
            .get(&kind)
            .map(|data| engine.analyse_bytes(&data.bytes))
    };
    let selfie = still(EntryKind::Selfie);
    let selfie_embedding = selfie
        .as_ref()
        .and_then(|a| a.as_ref().ok())
        .and_then(|a| a.embedding.clone());
    let describe = |picture, frame, analysis: &Result<FaceAnalysis, FaceError>| {
        picture_faces(picture, frame, analysis, selfie_embedding.as_ref())
    };
    let mut pictures = Vec::new();
    if let Some(analysis) = &selfie {
        pictures.push(describe(FacePicture::Selfie, None, analysis));
    }
    if let Some(analysis) = still(EntryKind::Portrait) {
        pictures.push(describe(FacePicture::Portrait, None, &analysis));
    }
    let frames = if video {
        video_frames(bundle)
    } else {
        Vec::new()
    };
    for (i, frame) in frames.iter().enumerate() {
        let index = u32::try_from(i).ok();
        pictures.push(describe(
            FacePicture::VideoFrame,
            index,
            &engine.analyse(frame),
        ));
    }
    FaceEvidence {
        detector: detector_word(engine),
        pictures,
    }
}

fn detector_word(engine: &FaceEngine) -> String {
    match engine.options().detector {
        eidscope_faces::Detector::Hog => "hog".to_owned(),
        eidscope_faces::Detector::Cnn => "cnn".to_owned(),
    }
}

fn picture_faces(
    picture: FacePicture,
    frame: Option<u32>,
    analysis: &Result<FaceAnalysis, FaceError>,
    selfie: Option<&eidscope_faces::Embedding>,
) -> PictureFaces {
    let mut out = PictureFaces {
        picture,
        frame,
        faces: 0,
        face_box: None,
        eye_distance: None,
        sharpness: None,
        distance_to_selfie: None,
        error: None,
        embedding: None,
    };
    let analysis = match analysis {
        Ok(analysis) => analysis,
        Err(error) => {
            out.error = Some(error.to_string());
            return out;
        }
    };
    out.faces = u32::try_from(analysis.faces.len()).unwrap_or(u32::MAX);
    if let Some(face) = analysis.chosen() {
        let b = face.face_box;
        out.face_box = Some(FaceRect {
            left: b.left,
            top: b.top,
            width: b.width,
            height: b.height,
        });
        out.eye_distance = Some(face.quality.eye_distance);
        out.sharpness = Some(face.quality.sharpness);
    }
    if let Some(embedding) = &analysis.embedding {
        if picture != FacePicture::Selfie {
            out.distance_to_selfie = selfie.map(|s| s.distance(embedding));
        }
        out.embedding = Some(embedding.as_slice().to_vec());
    }
    out
}

/// Evenly spaced frames of the capture video, decoded under the media crate's limits (none
/// without the `video` feature or without a video).
#[cfg(feature = "video")]
fn video_frames(bundle: &Bundle) -> Vec<image::RgbImage> {
    let Some(data) = bundle.archive.contents.get(&EntryKind::Video) else {
        return Vec::new();
    };
    let limits = eidscope_media::video::VideoLimits::default();
    eidscope_media::video::probe_video(&data.name, &data.bytes, &limits, VIDEO_FRAMES)
        .1
        .into_iter()
        .map(|frame| frame.picture)
        .collect()
}

#[cfg(not(feature = "video"))]
fn video_frames(_bundle: &Bundle) -> Vec<image::RgbImage> {
    Vec::new()
}
