//! `overlay` and `video` on synthetic bundles of both shapes, on every anomaly, and on the
//! hostile fixtures: pictures come out, probes tell the known facts, nothing panics.

use crate::fixture::*;
use eidscope_model::{FindingCode, Status, VideoInfo};
use std::path::Path;

fn png_size(path: &Path) -> (u32, u32) {
    let img = image::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (img.width(), img.height())
}

#[test]
fn overlay_and_video_handle_every_kind_of_synthetic_bundle() {
    let dir = synth_batch(45, 3);
    let mut shapes_drawn = std::collections::BTreeSet::new();
    for label in labels(&dir).bundles {
        let anomalies = &label.anomalies;
        // Every anomalous bundle, and the first clean bundle of each shape.
        if anomalies.is_empty() && !shapes_drawn.insert(label.shape.map(|s| s.as_str())) {
            continue;
        }
        let bundle = dir.as_path().join(&label.path);
        let out_dir = dir.join(format!("overlay-{}", label.path));
        let out = eidscope(&[&"overlay", &bundle, &"--out", &out_dir]);
        let err = out.ok().stderr();
        assert!(!err.contains("panicked"), "{err}");
        if label.derived_status != Status::Failed {
            let (w, h) = png_size(&out_dir.join("contact-sheet.png"));
            assert!(w > 200 && h > 100, "{w}x{h}");
            assert!(
                out_dir.join("front.png").exists()
                    || anomalies.iter().any(|a| matches!(
                        a,
                        FindingCode::MediaCorrupt | FindingCode::MissingMedia
                    ))
            );
        }
        let out = eidscope(&[&"video", &bundle, &"--json"]);
        let err = out.stderr();
        assert!(!err.contains("panicked"), "{err}");
        if out.code() == Some(0) {
            let probe: VideoInfo = out.json();
            assert!(probe.probed);
            if probe.error.is_none() {
                let stream = &probe.streams[0];
                assert_eq!((stream.width, stream.height), (Some(160), Some(120)));
                let seconds = probe.duration_seconds.unwrap();
                let expected = if anomalies.contains(&FindingCode::VideoTooShort) {
                    1.0
                } else {
                    3.0
                };
                assert!((seconds - expected).abs() < 0.15, "{seconds} s");
                assert_eq!(probe.frames_decoded, Some((expected * 10.0) as u64));
            }
        } else {
            assert!(err.contains("has no video.mp4"), "{err}");
        }
    }
    assert!(shapes_drawn.contains(&Some("signicat")) && shapes_drawn.contains(&Some("eid-raw")));
}

#[test]
fn video_writes_a_frame_strip() {
    let dir = synth_batch(8, 5);
    let labels = labels(&dir);
    let label = labels
        .bundles
        .iter()
        .find(|l| l.derived_status == Status::Accepted)
        .unwrap();
    let frames = dir.as_path().join("frames");
    let text = eidscope(&[
        &"video",
        &dir.as_path().join(&label.path),
        &"--frames",
        &frames,
        &"--count",
        &"5",
    ])
    .ok()
    .stdout();
    assert!(text.contains("30 frames, 0 errors"), "{text}");
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
    let report = inspect(&zip);
    let Some(eidscope_model::MediaInfo::Image(front)) =
        report.media.get(&eidscope_model::EntryKind::Front)
    else {
        panic!("no front image in {:?}", report.media);
    };
    assert_eq!((front.width, front.height), (Some(1334), Some(880)));
    let codes = finding_codes(&report);
    // The MRZ box runs past the bottom edge (880 px); the specimen was saved by Paint.NET.
    assert!(codes.contains(&FindingCode::BboxOutOfBounds), "{codes:?}");
    assert!(codes.contains(&FindingCode::EditedImage), "{codes:?}");
    let out_dir = dir.path().join("overlay");
    eidscope(&[&"overlay", &zip, &"--out", &out_dir]).ok();
    let (w, _) = png_size(&out_dir.join("front.png"));
    assert!(w >= 1000, "{w}");
}

/// `video` ends with its verdict, the evidence against its threshold: a frozen video, a short
/// one and a moving one of the synthetic batch.
#[test]
fn video_states_its_verdict() {
    let dir = synth_batch(45, 3);
    let labels = labels(&dir);
    let pick = |wanted: Option<FindingCode>| {
        labels
            .bundles
            .iter()
            .find(|l| match wanted {
                Some(code) => l.anomalies.contains(&code),
                None => l.anomalies.is_empty() && l.derived_status == Status::Accepted,
            })
            .unwrap()
    };
    let mut verdicts = String::new();
    for (name, wanted) in [
        ("frozen", Some(FindingCode::VideoFrozen)),
        ("short", Some(FindingCode::VideoTooShort)),
        ("moving", None),
    ] {
        let text = eidscope(&[&"video", &dir.as_path().join(&pick(wanted).path)])
            .ok()
            .stdout();
        let verdict = text
            .lines()
            .find(|l| l.trim_start().starts_with("verdict"))
            .unwrap_or_else(|| panic!("no verdict line: {text}"));
        // The label is padded to the column of the other lines: one space for the test.
        let verdict = verdict.split_whitespace().collect::<Vec<_>>().join(" ");
        verdicts.push_str(&format!("{name}: {verdict}\n"));
    }
    let lines: Vec<&str> = verdicts.lines().collect();
    assert!(
        lines[0].starts_with("frozen: verdict frozen: motion 0.") && lines[0].contains(" < 0.2"),
        "{verdicts}"
    );
    assert!(lines[1].contains("too short: 1.00 s < 2.0 s"), "{verdicts}");
    assert!(
        lines[2].starts_with("moving: verdict not frozen, not too short: motion "),
        "{verdicts}"
    );
}

#[test]
fn overlay_ela_writes_a_heat_map_beside_each_side() {
    let dir = synth_batch(45, 3);
    let label = labels(&dir)
        .bundles
        .into_iter()
        .find(|l| l.anomalies.is_empty())
        .expect("a clean bundle");
    let bundle = dir.as_path().join(&label.path);
    let out_dir = dir.join(format!("ela-{}", label.path));
    let out = eidscope(&[&"overlay", &bundle, &"--out", &out_dir, &"--ela"]);
    let err = out.ok().stderr();
    assert!(err.contains("ELA at quality 90"), "{err}");
    // A passport has no back: every side drawn has its heat map, and the front is drawn.
    assert!(out_dir.join("front.ela.png").is_file());
    for side in ["front", "back"] {
        if !out_dir.join(format!("{side}.png")).is_file() {
            assert!(!out_dir.join(format!("{side}.ela.png")).exists(), "{side}");
            continue;
        }
        let overlay = png_size(&out_dir.join(format!("{side}.png")));
        let heat = png_size(&out_dir.join(format!("{side}.ela.png")));
        // The overlay may add a header band; the heat map is the picture's own size.
        assert_eq!(heat.0, overlay.0, "{side}");
        assert!(heat.1 > 0 && heat.1 <= overlay.1, "{side}");
    }
}
