//! The engine on real photos (fetched by `scripts/fetch-faces.sh`, which `make test` runs): one
//! person in different photographs lies within the thresholds, different people beyond them,
//! and a picture without a face yields no face. Skips, saying why, only when the models or the
//! photos are not on this machine.

use std::sync::OnceLock;

use eidscope_faces::photos::{self, PHOTOS, Photo};
use eidscope_faces::same_person::{FaceRecord, NeighbourSearch, group_same_person};
use eidscope_faces::{Embedding, EngineOptions, FaceAnalysis, FaceEngine, FaceError, thresholds};
use image::RgbImage;

/// The engine, or why it cannot run here.
fn engine() -> Option<FaceEngine> {
    match FaceEngine::from_env(EngineOptions::default()) {
        Ok(engine) => Some(engine),
        Err(error @ FaceError::ModelMissing { .. }) => {
            eprintln!("SKIPPED: {error}");
            None
        }
        Err(error) => panic!("the face models are present but do not load: {error}"),
    }
}

fn photo(file: &str) -> Option<RgbImage> {
    let path = photos::photo_dir().join(file);
    match image::open(&path) {
        Ok(picture) => Some(picture.to_rgb8()),
        Err(error) => {
            eprintln!(
                "SKIPPED: photo {} not readable ({error}); fetch with `scripts/fetch-faces.sh photos`",
                path.display()
            );
            None
        }
    }
}

/// The chosen-face embedding of every photo, computed once for the whole test binary.
fn embeddings() -> Option<&'static Vec<(Photo, Embedding)>> {
    static ALL: OnceLock<Option<Vec<(Photo, Embedding)>>> = OnceLock::new();
    ALL.get_or_init(|| {
        let engine = engine()?;
        let mut out = Vec::new();
        for entry in PHOTOS {
            let analysis = engine.analyse(&photo(entry.file)?).expect("analyse");
            let embedding = analysis
                .embedding
                .unwrap_or_else(|| panic!("no face in {}", entry.file));
            out.push((*entry, embedding));
        }
        Some(out)
    })
    .as_ref()
}

#[test]
fn one_person_in_different_photographs_is_within_the_match_threshold() {
    let Some(all) = embeddings() else { return };
    let mut checked = 0;
    for (i, (a, ea)) in all.iter().enumerate() {
        for (b, eb) in &all[i + 1..] {
            if photos::pair_kind(a, b) != photos::PairKind::Different {
                let distance = ea.distance(eb);
                assert!(
                    distance <= thresholds::FACE_MATCH_CONTRADICTION,
                    "{} ~ {}: {distance:.3}",
                    a.file,
                    b.file
                );
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 15, "6 photos of Obama make 15 pairs");
}

#[test]
fn different_people_are_beyond_the_mismatch_threshold() {
    let Some(all) = embeddings() else { return };
    let mut checked = 0;
    for (i, (a, ea)) in all.iter().enumerate() {
        for (b, eb) in &all[i + 1..] {
            if photos::pair_kind(a, b) == photos::PairKind::Different {
                let distance = ea.distance(eb);
                assert!(
                    distance > thresholds::FACE_MISMATCH,
                    "{} ~ {}: {distance:.3}",
                    a.file,
                    b.file
                );
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 21);
}

#[test]
fn a_document_portrait_cut_from_one_photo_matches_a_selfie_from_another() {
    let (Some(engine), Some(selfie), Some(source)) =
        (engine(), photo("obama2.jpg"), photo("obama.jpg"))
    else {
        return;
    };
    let face = engine.analyse(&source).expect("analyse").faces[0].face_box;
    let portrait = photos::document_portrait(&source, &face);
    let portrait = engine.analyse(&portrait).expect("analyse portrait");
    assert_eq!((portrait.width, portrait.height), (136, 170));
    let selfie = engine
        .analyse(&photos::jpeg(&photos::fit(&selfie, 480), 80))
        .expect("analyse selfie");
    let distance = distance(&portrait, &selfie);
    assert!(
        distance <= thresholds::FACE_MATCH_CONTRADICTION,
        "{distance:.3}"
    );

    let (Some(biden),) = (photo("biden.jpg"),) else {
        return;
    };
    let other = engine
        .analyse(&photos::fit(&biden, 480))
        .expect("analyse other");
    assert!(self::distance(&portrait, &other) > thresholds::FACE_MISMATCH);
}

fn distance(a: &FaceAnalysis, b: &FaceAnalysis) -> f32 {
    let (Some(ea), Some(eb)) = (&a.embedding, &b.embedding) else {
        panic!("a face is missing")
    };
    ea.distance(eb)
}

#[test]
fn the_chosen_face_has_a_box_landmarks_and_quality() {
    let (Some(engine), Some(picture)) = (engine(), photo("obama.jpg")) else {
        return;
    };
    let analysis = engine.analyse(&picture).expect("analyse");
    assert_eq!(analysis.faces.len(), 1);
    let face = analysis.chosen().expect("a face");
    let b = face.face_box;
    assert!(b.inside(analysis.width, analysis.height) && face.quality.inside);
    assert!((150..400).contains(&b.width), "{b:?}");
    assert!(
        face.quality.eye_distance > 60.0 && face.quality.roll_degrees.abs() < 10.0,
        "{:?}",
        face.quality
    );
    for [x, y] in face.landmarks {
        assert!(
            x >= b.left as f32 && x <= (b.left + b.width as i32) as f32,
            "{x} outside {b:?}"
        );
        assert!(
            y >= b.top as f32 && y <= (b.top + b.height as i32) as f32,
            "{y} outside {b:?}"
        );
    }
    assert!(!analysis.upsampled);
}

#[test]
fn a_picture_without_a_face_has_no_face_and_no_embedding() {
    let Some(engine) = engine() else { return };
    for (name, picture) in [("noise", noise(640, 480)), ("document", blank_document())] {
        let analysis = engine.analyse(&picture).expect("analyse");
        assert!(analysis.faces.is_empty(), "{name}: {:?}", analysis.faces);
        assert!(analysis.embedding.is_none(), "{name}");
    }
}

#[test]
fn a_picture_too_small_is_a_clear_error_not_a_crash() {
    let Some(engine) = engine() else { return };
    let error = engine.analyse(&RgbImage::new(8, 400)).unwrap_err();
    assert!(error.to_string().contains("smaller than 32 px"), "{error}");
    let error = engine
        .analyse_bytes(b"\xff\xd8\xff\xe0 not a jpeg")
        .unwrap_err();
    assert!(matches!(error, FaceError::Picture(_)), "{error}");
}

#[test]
fn the_index_groups_one_person_under_two_identities_on_real_faces() {
    let Some(all) = embeddings() else { return };
    // Obama's three photographs under three names, everyone else under their own.
    let faces: Vec<FaceRecord<&str, &str>> = all
        .iter()
        .filter(|(photo, _)| {
            [
                "obama.jpg",
                "obama2.jpg",
                "obama3.jpg",
                "biden.jpg",
                "grace_hopper.jpg",
                "astronaut.png",
            ]
            .contains(&photo.file)
        })
        .map(|(photo, embedding)| FaceRecord {
            id: photo.file,
            identity: if photo.person == "obama" {
                photo.file
            } else {
                photo.person
            },
            embedding: embedding.clone(),
        })
        .collect();
    for search in [NeighbourSearch::Exact, NeighbourSearch::HNSW_DEFAULT] {
        let groups = group_same_person(&faces, thresholds::SAME_PERSON, search);
        assert_eq!(groups.len(), 1, "{search:?}: {groups:?}");
        let members: Vec<&str> = groups[0].members.iter().map(|&i| faces[i].id).collect();
        assert_eq!(
            members,
            ["obama.jpg", "obama2.jpg", "obama3.jpg"],
            "{search:?}"
        );
    }
}

fn noise(width: u32, height: u32) -> RgbImage {
    let mut state = 0x2545_F491_u32;
    RgbImage::from_fn(width, height, |_, _| {
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state >> 24) as u8
        };
        image::Rgb([next(), next(), next()])
    })
}

/// An identity card without its photo: a tinted card, text-like bars, an MRZ band, an empty
/// photo frame.
fn blank_document() -> RgbImage {
    RgbImage::from_fn(640, 404, |x, y| {
        let in_frame = (40..176).contains(&x) && (110..280).contains(&y);
        let frame_edge = in_frame && !((43..=172).contains(&x) && (113..=276).contains(&y));
        let text = x > 200 && (y % 28) < 9 && ((x / 7) % 5 != 0) && y < 290;
        let mrz = y > 320 && (y % 24) < 12 && ((x / 9) % 2 == 0);
        if frame_edge || text || mrz {
            image::Rgb([30, 30, 40])
        } else {
            image::Rgb([(200 + (x % 40)) as u8, 215, (190 + (y % 50)) as u8])
        }
    })
}
