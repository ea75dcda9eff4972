//! Cross-check with exiftool: on pictures made here (EXIF text tags, a GPS position) and on the
//! real specimens in /work/shared/material, eidscope and exiftool agree on the size, make,
//! model, software, GPS position and chroma subsampling. Skipped cleanly when exiftool is not
//! installed (Debian: libimage-exiftool-perl).

use crate::gps::jpeg_with_gps;
use crate::support::{document_jpeg, jpeg_with_exif};
use eidscope_media::image_info::analyse_image;
use exif::Tag;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// exiftool's numeric (`-n`) JSON of one file, or `None` when exiftool cannot run.
fn exiftool(path: &Path) -> Option<Value> {
    let out = Command::new("exiftool")
        .args(["-json", "-n"])
        .arg(path)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let mut list: Value = serde_json::from_slice(&out.stdout).ok()?;
    Some(list.get_mut(0)?.take())
}

fn exiftool_present() -> bool {
    Command::new("exiftool")
        .arg("-ver")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The J:a:b notation of exiftool's `YCbCrSubSampling` (`2 2` is 4:2:0).
fn notation(value: &Value) -> Option<&'static str> {
    match value.as_str()? {
        "1 1" => Some("4:4:4"),
        "2 1" => Some("4:2:2"),
        "2 2" => Some("4:2:0"),
        "4 1" => Some("4:1:1"),
        "1 2" => Some("4:4:0"),
        _ => None,
    }
}

fn agree(name: &str, path: &Path, bytes: &[u8]) {
    let Some(theirs) = exiftool(path) else {
        panic!("exiftool cannot read {name}");
    };
    let ours = analyse_image(name, bytes, false);
    assert_eq!(
        ours.width.map(u64::from),
        theirs["ImageWidth"].as_u64(),
        "{name}: width"
    );
    assert_eq!(
        ours.height.map(u64::from),
        theirs["ImageHeight"].as_u64(),
        "{name}: height"
    );
    let exif = ours.exif.clone().unwrap_or_default();
    for (key, mine) in [
        ("Make", &exif.make),
        ("Model", &exif.model),
        ("Software", &exif.software),
    ] {
        let theirs = theirs
            .get(key)
            .map(|v| v.to_string().trim_matches('"').to_string());
        assert_eq!(mine.as_deref(), theirs.as_deref(), "{name}: {key}");
    }
    match (exif.gps, theirs.get("GPSLatitude").and_then(Value::as_f64)) {
        (Some(gps), Some(latitude)) => {
            assert!((gps.latitude - latitude).abs() < 1e-6, "{name}: latitude");
            let longitude = theirs["GPSLongitude"].as_f64().expect("a longitude");
            assert!(
                (gps.longitude - longitude).abs() < 1e-6,
                "{name}: longitude"
            );
        }
        (None, None) => {}
        (ours, theirs) => panic!("{name}: GPS {ours:?} against exiftool's {theirs:?}"),
    }
    if let Some(theirs) = theirs.get("YCbCrSubSampling").and_then(notation) {
        assert_eq!(
            ours.chroma_subsampling.as_deref(),
            Some(theirs),
            "{name}: subsampling"
        );
    }
}

#[test]
fn eidscope_agrees_with_exiftool() {
    if !exiftool_present() {
        eprintln!("exiftool absent: skipped");
        return;
    }
    let dir = tempfile::tempdir().expect("a temporary folder");
    let made: [(&str, Vec<u8>); 4] = [
        ("plain.jpg", document_jpeg(85)),
        (
            "tags.jpg",
            jpeg_with_exif(&[
                (Tag::Make, "NIKON CORPORATION"),
                (Tag::Model, "COOLPIX P7000"),
                (Tag::Software, "Nikon Transfer 1.1 W"),
            ]),
        ),
        (
            "north-east.jpg",
            jpeg_with_gps([59, 54, 36], "N", [10, 45, 0], "E"),
        ),
        (
            "south-west.jpg",
            jpeg_with_gps([33, 51, 54], "S", [151, 12, 36], "W"),
        ),
    ];
    for (name, bytes) in &made {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).expect("writes");
        agree(name, &path, bytes);
    }
    let material = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/material");
    for name in ["passport-td3.jpg", "passport-td2.jpg", "100_pass-uto.jpg"] {
        let path = material.join(name);
        match std::fs::read(&path) {
            Ok(bytes) => agree(name, &path, &bytes),
            Err(_) => eprintln!("{name} absent: skipped"),
        }
    }
}
