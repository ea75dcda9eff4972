//! Frames the fetched real photos for `eidscope synth --faces`: one folder per person, each
//! independent photograph cut to head and shoulders around its detected face (the face centred,
//! 40 % of the width; what `synth` expects), written as JPEG. Copies of one photograph (crops,
//! the PNG copy) are left out: as two selfies they would be near duplicates
//! ([`eidscope_faces::photos::frame_people`]).
//!
//! ```sh
//! scripts/fetch-faces.sh models && scripts/fetch-faces.sh photos
//! cargo run -p eidscope-faces --example frame_face_photos -- ~/.cache/eidscope/face-people
//! ```

use std::path::PathBuf;

use eidscope_faces::photos;
use eidscope_faces::{EngineOptions, FaceEngine};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out: PathBuf = std::env::args_os()
        .nth(1)
        .ok_or("usage: frame_face_photos OUT_DIR")?
        .into();
    let engine = FaceEngine::from_env(EngineOptions::default())?;
    for name in photos::frame_people(&engine, &out)? {
        println!("{name}");
    }
    Ok(())
}
