//! Frames the fetched real photos for `eidscope synth --faces`: one folder per person, each
//! independent photograph cut to head and shoulders around its detected face (the face centred,
//! 40 % of the width; what `synth` expects), written as JPEG. Copies of one photograph (crops,
//! the PNG copy) are left out: as two selfies they would be near duplicates.
//!
//! ```sh
//! scripts/fetch-faces.sh models && scripts/fetch-faces.sh photos
//! cargo run -p eidscope-faces --example frame_face_photos -- ~/.cache/eidscope/face-people
//! ```

use std::collections::HashSet;
use std::path::PathBuf;

use eidscope_faces::photos::{self, PHOTOS};
use eidscope_faces::{EngineOptions, FaceEngine};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out: PathBuf = std::env::args_os()
        .nth(1)
        .ok_or("usage: frame_face_photos OUT_DIR")?
        .into();
    let engine = FaceEngine::from_env(EngineOptions::default())?;
    let mut shots = HashSet::new();
    for photo in PHOTOS {
        if !shots.insert(photo.shot) {
            continue;
        }
        let picture = image::open(photos::photo_dir().join(photo.file))?.to_rgb8();
        let analysis = engine.analyse(&picture)?;
        let face = analysis
            .chosen()
            .ok_or_else(|| format!("no face in {}", photo.file))?;
        let framed = photos::head_and_shoulders(&picture, &face.face_box);
        let dir = out.join(photo.person);
        std::fs::create_dir_all(&dir)?;
        let name = format!(
            "{}.jpg",
            photo
                .file
                .rsplit_once('.')
                .map_or(photo.file, |(stem, _)| stem)
        );
        std::fs::write(dir.join(&name), photos::jpeg_bytes(&framed, 92))?;
        println!(
            "{}/{name}: {}x{}",
            photo.person,
            framed.width(),
            framed.height()
        );
    }
    Ok(())
}
