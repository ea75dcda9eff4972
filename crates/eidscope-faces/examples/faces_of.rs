//! Prints the faces the engine finds in image files (box, landmarks, quality), the chosen one
//! first, and the distances between the chosen faces of the files given:
//!
//! ```sh
//! cargo run -p eidscope-faces --example faces_of -- selfie.jpg portrait.jpg [--grey] [--cnn]
//! ```

use eidscope_faces::{Detector, EngineOptions, FaceEngine};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let grey = args.iter().any(|a| a == "--grey");
    let detector = if args.iter().any(|a| a == "--cnn") {
        Detector::Cnn
    } else {
        Detector::Hog
    };
    let engine = FaceEngine::from_env(EngineOptions {
        detector,
        ..EngineOptions::default()
    })?;
    let mut chosen = Vec::new();
    for path in args.iter().filter(|a| !a.starts_with("--")) {
        let mut picture = image::open(path)?;
        if grey {
            picture = image::DynamicImage::ImageLuma8(picture.to_luma8());
        }
        let started = std::time::Instant::now();
        let analysis = engine.analyse(&picture.to_rgb8())?;
        println!(
            "{path}: {}x{} in {:.1?}, upsampled {}",
            analysis.width,
            analysis.height,
            started.elapsed(),
            analysis.upsampled
        );
        for face in &analysis.faces {
            println!(
                "  {:?}\n    {:?}\n    {:?}",
                face.face_box, face.quality, face.landmarks
            );
        }
        if let Some(embedding) = analysis.embedding {
            chosen.push((path.clone(), embedding));
        }
    }
    for (i, (a, ea)) in chosen.iter().enumerate() {
        for (b, eb) in &chosen[i + 1..] {
            println!("{a} ~ {b}: {:.3}", ea.distance(eb));
        }
    }
    Ok(())
}
