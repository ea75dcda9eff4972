//! `overlay` and `video` on synthetic bundles of both shapes, on every anomaly, and on the
//! hostile fixtures: pictures come out, probes tell the known facts, nothing panics.

use crate::fixture::*;
use std::path::Path;

fn labels(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join("labels.json")).unwrap()).unwrap()
}

fn png_size(path: &Path) -> (u32, u32) {
    let img = image::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (img.width(), img.height())
}

#[test]
fn overlay_and_video_handle_every_kind_of_synthetic_bundle() {
    let dir = synth_batch(45, 3);
    let labels = labels(dir.as_path());
    let mut shapes_drawn = std::collections::BTreeSet::new();
    for label in labels["bundles"].as_array().unwrap() {
        let anomalies = label["anomalies"].as_array().unwrap();
        let clean = anomalies.is_empty();
        // Every anomalous bundle, and the first clean bundle of each shape.
        let shape = label["shape"].as_str().unwrap_or("none").to_owned();
        if clean && !shapes_drawn.insert(shape.clone()) {
            continue;
        }
        let bundle = dir.as_path().join(label["path"].as_str().unwrap());
        let out_dir = dir.join(format!("overlay-{}", label["path"].as_str().unwrap()));
        let out = eidscope_paths(&[&"overlay", &bundle, &"--out", &out_dir]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(0), "{}: {err}", bundle.display());
        assert!(!err.contains("panicked"), "{err}");
        if label["derived_status"] != "failed" {
            let (w, h) = png_size(&out_dir.join("contact-sheet.png"));
            assert!(w > 200 && h > 100, "{w}x{h}");
            assert!(
                out_dir.join("front.png").exists()
                    || anomalies
                        .iter()
                        .any(|a| a == "media-corrupt" || a == "missing-media")
            );
        }
        let out = eidscope_paths(&[&"video", &bundle, &"--json"]);
        let err = stderr(&out);
        assert!(!err.contains("panicked"), "{err}");
        if out.status.code() == Some(0) {
            let probe = json(&out);
            assert_eq!(probe["probed"], true);
            if probe["error"].is_null() {
                let stream = &probe["streams"][0];
                assert_eq!(
                    (stream["width"].as_u64(), stream["height"].as_u64()),
                    (Some(160), Some(120))
                );
                let seconds = probe["duration_seconds"].as_f64().unwrap();
                let expected = if anomalies.iter().any(|a| a == "video-too-short") {
                    1.0
                } else {
                    3.0
                };
                assert!((seconds - expected).abs() < 0.15, "{seconds} s");
                assert_eq!(
                    probe["frames_decoded"].as_u64(),
                    Some((expected * 10.0) as u64)
                );
            }
        } else {
            assert!(err.contains("has no video.mp4"), "{err}");
        }
    }
    assert!(shapes_drawn.contains("signicat") && shapes_drawn.contains("eid-raw"));
}

#[test]
fn video_writes_a_frame_strip() {
    let dir = synth_batch(8, 5);
    let labels = labels(dir.as_path());
    let label = labels["bundles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["derived_status"] == "accepted")
        .unwrap();
    let frames = dir.as_path().join("frames");
    let out = eidscope_paths(&[
        &"video",
        &dir.as_path().join(label["path"].as_str().unwrap()),
        &"--frames",
        &frames,
        &"--count",
        &"5",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("30 frames, 0 errors"),
        "{}",
        stdout(&out)
    );
    let mut names: Vec<String> = std::fs::read_dir(&frames)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "frame-01.png",
            "frame-02.png",
            "frame-03.png",
            "frame-04.png",
            "frame-05.png"
        ]
    );
    assert_eq!(png_size(&frames.join("frame-03.png")), (160, 120));
}

#[test]
fn specimen_document_is_analysed_and_drawn() {
    // The ICAO specimen (shared material, never copied into the project): skipped when absent.
    let specimen = repo().join("../shared/material/passport-td3.jpg");
    let Ok(front) = std::fs::read(&specimen) else {
        eprintln!("skipped: {} is absent", specimen.display());
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let ocr = serde_json::json!({
        "similarityScore": "high", "livenessDetected": "true",
        "features": [
            {"name": "Photo", "found": true, "bbox": {"x": 40, "y": 180, "width": 300, "height": 390}, "side": "data"},
            {"name": "MRZ", "found": true, "bbox": {"x": 20, "y": 700, "width": 1300, "height": 200}, "side": "data"},
            {"name": "OVI 1", "found": false, "side": "data"}
        ],
        "securityChecks": {"nonExpired": {"valid": false}},
        "documentType": "passport", "issuingCountry": "UTO", "documentNumber": "L898902C3",
        "firstName": "ANNA MARIA", "lastName": "ERIKSSON", "dateOfBirth": "1974-08-12", "dateOfExpiry": "2012-04-15",
        "gender": "F", "nationality": "UTO"
    });
    let zip = dir.path().join("specimen.zip");
    write_zip(
        &zip,
        &[
            ("ocr.json", &serde_json::to_vec(&ocr).unwrap()),
            ("front.jpeg", &front),
        ],
    );
    let report = json(&eidscope_paths(&[&"inspect", &zip, &"--json"]));
    assert_eq!(report["media"]["front"]["width"], 1334);
    assert_eq!(report["media"]["front"]["height"], 880);
    let codes = finding_codes(&report);
    // The MRZ box runs past the bottom edge (880 px); the specimen was saved by Paint.NET.
    assert!(codes.iter().any(|c| c == "bbox-out-of-bounds"), "{codes:?}");
    assert!(codes.iter().any(|c| c == "edited-image"), "{codes:?}");
    let out_dir = dir.path().join("overlay");
    let out = eidscope_paths(&[&"overlay", &zip, &"--out", &out_dir]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let (w, _) = png_size(&out_dir.join("front.png"));
    assert!(w >= 1000, "{w}");
}
