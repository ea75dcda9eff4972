//! The face findings (`--faces`), decided from what eidscope's own face engine saw
//! ([`FaceEvidence`]): the selfie and the document portrait of different people
//! (`face-mismatch`), one person while the provider reported a low similarity
//! (`face-match-contradiction`), a video of someone else (`video-face-mismatch`), and a
//! picture that should hold a face and holds none (`no-face`).
//!
//! This module compares distances with thresholds; it never runs the engine (the pipeline
//! does) and never puts an embedding into a finding.

use eidscope_model::{
    FaceEvidence, FacePicture, Finding, FindingCode, PictureFaces, SimilarityLevel,
};
use serde_json::json;

/// The distances the face findings use. The values are measured on real photos and kept in
/// `eidscope_faces::thresholds` (docs/faces.md); the pipeline fills this from there, so that
/// this crate needs no face engine.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FaceThresholds {
    /// `face-mismatch`: selfie to portrait distance above this.
    pub mismatch: f32,
    /// `face-match-contradiction`: selfie to portrait distance at most this.
    pub match_contradiction: f32,
    /// `video-face-mismatch`: the closest video frame farther than this from the selfie.
    pub video_mismatch: f32,
    /// A face with eyes closer than this (pixels) is too small to judge: no comparison fires.
    pub min_eye_distance: f32,
}

/// Every face finding of one bundle. `similarity` is the provider's level for the bundle.
pub fn face_findings(
    evidence: &FaceEvidence,
    similarity: Option<SimilarityLevel>,
    thresholds: &FaceThresholds,
) -> Vec<Finding> {
    let mut out = Vec::new();
    no_face(evidence, &mut out);
    let selfie = evidence
        .picture(FacePicture::Selfie)
        .filter(|p| p.comparable(thresholds.min_eye_distance));
    let Some(selfie) = selfie else {
        return out;
    };
    if let Some(portrait) = evidence
        .picture(FacePicture::Portrait)
        .filter(|p| p.comparable(thresholds.min_eye_distance))
        && let Some(distance) = portrait.distance_to_selfie
    {
        portrait_findings(selfie, portrait, distance, similarity, thresholds, &mut out);
    }
    video_findings(evidence, thresholds, &mut out);
    out
}

/// `no-face`: a selfie or a portrait that decodes but holds no face; a video none of whose
/// frames looked at holds one.
fn no_face(evidence: &FaceEvidence, out: &mut Vec<Finding>) {
    for kind in [FacePicture::Selfie, FacePicture::Portrait] {
        if let Some(picture) = evidence.picture(kind)
            && picture.error.is_none()
            && picture.faces == 0
        {
            out.push(Finding::new(
                FindingCode::NoFace,
                format!("the face engine finds no face in the {kind}"),
                json!({"picture": kind, "detector": evidence.detector}),
            ));
        }
    }
    let frames: Vec<&PictureFaces> = evidence.frames().filter(|f| f.error.is_none()).collect();
    if !frames.is_empty() && frames.iter().all(|f| f.faces == 0) {
        out.push(Finding::new(
            FindingCode::NoFace,
            format!(
                "the face engine finds no face in any of the {} video frames looked at",
                frames.len()
            ),
            json!({"picture": FacePicture::VideoFrame, "frames": frames.len(), "detector": evidence.detector}),
        ));
    }
}

fn portrait_findings(
    selfie: &PictureFaces,
    portrait: &PictureFaces,
    distance: f32,
    similarity: Option<SimilarityLevel>,
    thresholds: &FaceThresholds,
    out: &mut Vec<Finding>,
) {
    let evidence = json!({
        "distance": round3(distance),
        "provider_similarity": similarity,
        "selfie_eye_distance": selfie.eye_distance.map(round3),
        "portrait_eye_distance": portrait.eye_distance.map(round3),
    });
    let reported = similarity.map_or_else(
        || "no similarity".to_owned(),
        |s| format!("similarity `{s}`"),
    );
    if distance > thresholds.mismatch {
        out.push(Finding::new(
            FindingCode::FaceMismatch,
            format!(
                "the selfie and the document portrait are different people: face distance {distance:.3} (above {:.2}); the provider reported {reported}",
                thresholds.mismatch
            ),
            evidence,
        ));
    } else if distance <= thresholds.match_contradiction
        && similarity.is_some_and(|s| s < SimilarityLevel::High)
    {
        out.push(Finding::new(
            FindingCode::FaceMatchContradiction,
            format!(
                "the selfie and the document portrait are one person (face distance {distance:.3}, at most {:.2}), but the provider reported {reported}",
                thresholds.match_contradiction
            ),
            evidence,
        ));
    }
}

/// `video-face-mismatch`: the frames with a face large enough to judge, the closest to the
/// selfie farther than the threshold.
fn video_findings(evidence: &FaceEvidence, thresholds: &FaceThresholds, out: &mut Vec<Finding>) {
    let distances: Vec<f32> = evidence
        .frames()
        .filter(|f| f.comparable(thresholds.min_eye_distance))
        .filter_map(|f| f.distance_to_selfie)
        .collect();
    let Some(closest) = distances.iter().copied().reduce(f32::min) else {
        return;
    };
    if closest > thresholds.video_mismatch {
        out.push(Finding::new(
            FindingCode::VideoFaceMismatch,
            format!(
                "the person in the video is not the selfie's: the closest of {} video frames is at face distance {closest:.3} (above {:.2})",
                distances.len(),
                thresholds.video_mismatch
            ),
            json!({
                "closest_distance": round3(closest),
                "frame_distances": distances.iter().copied().map(round3).collect::<Vec<_>>(),
            }),
        ));
    }
}

/// Three decimals: distances are measured to about that, and evidence stays readable.
fn round3(value: f32) -> f64 {
    (f64::from(value) * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: FaceThresholds = FaceThresholds {
        mismatch: 0.60,
        match_contradiction: 0.50,
        video_mismatch: 0.60,
        min_eye_distance: 16.0,
    };

    fn picture(kind: FacePicture, faces: u32, distance: Option<f32>) -> PictureFaces {
        PictureFaces {
            picture: kind,
            frame: (kind == FacePicture::VideoFrame).then_some(0),
            faces,
            face_box: None,
            eye_distance: (faces > 0).then_some(40.0),
            sharpness: None,
            distance_to_selfie: distance,
            error: None,
            embedding: (faces > 0).then(|| vec![0.0; 128]),
        }
    }

    fn evidence(pictures: Vec<PictureFaces>) -> FaceEvidence {
        FaceEvidence {
            detector: "hog".into(),
            pictures,
        }
    }

    fn codes(findings: &[Finding]) -> Vec<FindingCode> {
        findings.iter().map(|f| f.code).collect()
    }

    #[test]
    fn each_rule_fires_on_its_side_of_its_threshold_only() {
        let case = |portrait: f32, video: f32, similarity| {
            codes(&face_findings(
                &evidence(vec![
                    picture(FacePicture::Selfie, 1, None),
                    picture(FacePicture::Portrait, 1, Some(portrait)),
                    picture(FacePicture::VideoFrame, 1, Some(video)),
                ]),
                Some(similarity),
                &LIMITS,
            ))
        };
        use SimilarityLevel::{High, Low};
        assert_eq!(case(0.40, 0.40, High), vec![]);
        assert_eq!(case(0.61, 0.40, High), vec![FindingCode::FaceMismatch]);
        assert_eq!(case(0.60, 0.40, High), vec![]);
        assert_eq!(
            case(0.50, 0.40, Low),
            vec![FindingCode::FaceMatchContradiction]
        );
        assert_eq!(
            case(0.55, 0.40, Low),
            vec![],
            "between the two thresholds: no call"
        );
        assert_eq!(case(0.40, 0.61, High), vec![FindingCode::VideoFaceMismatch]);
    }

    #[test]
    fn no_face_only_in_pictures_that_were_looked_at() {
        let mut broken = picture(FacePicture::Portrait, 0, None);
        broken.error = Some("does not decode".into());
        let found = face_findings(
            &evidence(vec![
                picture(FacePicture::Selfie, 0, None),
                broken,
                picture(FacePicture::VideoFrame, 0, None),
            ]),
            Some(SimilarityLevel::High),
            &LIMITS,
        );
        assert_eq!(
            codes(&found),
            vec![FindingCode::NoFace, FindingCode::NoFace]
        );
        assert!(found[0].message.contains("selfie"));
        assert!(found[1].message.contains("video"));
    }

    #[test]
    fn a_face_too_small_to_judge_fires_no_comparison() {
        let mut tiny = picture(FacePicture::Portrait, 1, Some(0.9));
        tiny.eye_distance = Some(10.0);
        let found = face_findings(
            &evidence(vec![picture(FacePicture::Selfie, 1, None), tiny]),
            Some(SimilarityLevel::High),
            &LIMITS,
        );
        assert!(found.is_empty(), "{found:?}");
    }
}
