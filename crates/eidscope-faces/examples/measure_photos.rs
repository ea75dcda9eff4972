//! Measures dlib distances on the real photos fetched by `scripts/fetch-faces.sh photos`: every
//! photo and its variants (downscaled and recompressed, grey, a document-portrait crop, a
//! simulated photo of a print, a video-like frame) against every other, grouped by person.
//! The table behind docs/faces.md:
//!
//! ```sh
//! scripts/fetch-faces.sh models && scripts/fetch-faces.sh photos
//! cargo run --release -p eidscope-faces --example measure_photos
//! ```

use std::path::PathBuf;
use std::time::Instant;

use eidscope_faces::Detector;
use eidscope_faces::photos as testing;
use eidscope_faces::{EngineOptions, FaceEngine};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = testing::photo_dir();
    let detector = match std::env::args().nth(1).as_deref() {
        Some("cnn") => Detector::Cnn,
        _ => Detector::Hog,
    };
    let started = Instant::now();
    let engine = FaceEngine::from_env(EngineOptions {
        detector,
        ..EngineOptions::default()
    })?;
    println!(
        "models loaded and checked in {:.2?} ({detector:?})",
        started.elapsed()
    );
    let mut samples = Vec::new();
    for photo in testing::PHOTOS {
        let path: PathBuf = dir.join(photo.file);
        let original = image::open(&path)?.to_rgb8();
        for (variant, picture) in testing::variants(&engine, &original) {
            let started = Instant::now();
            let analysis = engine.analyse(&picture)?;
            let took = started.elapsed();
            let quality = analysis.chosen().map(|face| face.quality);
            println!(
                "{:<24} {:<9} {:>4}x{:<4} faces {} up {:<5} {:>7.1?} {}",
                photo.file,
                variant,
                picture.width(),
                picture.height(),
                analysis.faces.len(),
                analysis.upsampled,
                took,
                quality.map_or_else(String::new, |q| format!(
                    "side {} eyes {:.0} roll {:.1} sharp {:.0}",
                    q.box_side, q.eye_distance, q.roll_degrees, q.sharpness
                )),
            );
            if let Some(embedding) = analysis.embedding {
                samples.push((photo, variant, embedding));
            }
        }
    }
    println!("\npair\tkind\tdistance");
    for (i, (a, va, ea)) in samples.iter().enumerate() {
        for (b, vb, eb) in &samples[i + 1..] {
            let kind = testing::pair_kind(a, b);
            println!(
                "{}:{va}\t{}:{vb}\t{kind}\t{:.3}",
                a.file,
                b.file,
                ea.distance(eb)
            );
        }
    }
    Ok(())
}
