//! The real face photos that tests, examples and benches measure on, and the variants made of
//! them (what a bundle does to a face: a small recompressed selfie, a grey copy, a document
//! portrait, a photo of a print, a video frame).
//!
//! The photos are fetched by `scripts/fetch-faces.sh photos` into `$EIDSCOPE_FACE_PHOTOS` (else
//! `~/.cache/eidscope/face-photos`) and never committed. Who is on each is recorded here, with
//! which shot it comes from: two files cut from one photograph are not independent evidence.

use std::io::Cursor;
use std::path::PathBuf;

use image::imageops::FilterType;
use image::{DynamicImage, ImageFormat, RgbImage};

use crate::models::{cache_folder, env_var};
use crate::{FaceBox, FaceEngine};

/// One fetched photo: its file, the person and the photograph it was cut from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Photo {
    /// The file name in the photo folder.
    pub file: &'static str,
    /// Who is on it.
    pub person: &'static str,
    /// The photograph it comes from (files sharing one are crops or copies of one shot).
    pub shot: &'static str,
}

/// Every photo of `photos.sha256`: three independent shots of Barack Obama (plus two crops and a
/// PNG copy of them), Joe Biden (cut from the same photograph as `obama3.jpg`), Grace Hopper and
/// Eileen Collins.
pub const PHOTOS: &[Photo] = &[
    Photo {
        file: "obama.jpg",
        person: "obama",
        shot: "oval-office-2012",
    },
    Photo {
        file: "obama2.jpg",
        person: "obama",
        shot: "congress-2009",
    },
    Photo {
        file: "obama3.jpg",
        person: "obama",
        shot: "blue-room-2010",
    },
    Photo {
        file: "obama_partial_face.jpg",
        person: "obama",
        shot: "oval-office-2012",
    },
    Photo {
        file: "obama_partial_face2.jpg",
        person: "obama",
        shot: "oval-office-2012",
    },
    Photo {
        file: "32bit.png",
        person: "obama",
        shot: "congress-2009",
    },
    Photo {
        file: "biden.jpg",
        person: "biden",
        shot: "blue-room-2010",
    },
    Photo {
        file: "grace_hopper.jpg",
        person: "hopper",
        shot: "hopper-1984",
    },
    Photo {
        file: "astronaut.png",
        person: "collins",
        shot: "collins-1992",
    },
];

/// The folder of the fetched photos.
pub fn photo_dir() -> PathBuf {
    env_var("EIDSCOPE_FACE_PHOTOS")
        .map_or_else(|| cache_folder(&env_var).join("face-photos"), PathBuf::from)
}

/// How two photos relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairKind {
    /// One photograph (a crop, a copy, a variant).
    SameShot,
    /// The same person in two photographs.
    SamePerson,
    /// Two people.
    Different,
}

impl std::fmt::Display for PairKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            PairKind::SameShot => "same-shot",
            PairKind::SamePerson => "same-person",
            PairKind::Different => "different",
        })
    }
}

/// How `a` and `b` relate.
pub fn pair_kind(a: &Photo, b: &Photo) -> PairKind {
    if a.person != b.person {
        PairKind::Different
    } else if a.shot == b.shot {
        PairKind::SameShot
    } else {
        PairKind::SamePerson
    }
}

/// The variants of a photo the measurements compare, by name: `original`, `small-q50` (long
/// side 320, JPEG quality 50), `grey`, `portrait` (a 136x170 document portrait cut around the
/// face, JPEG 85), `print` (a photo of a print: flat contrast, warm cast, blur, grain, JPEG 70)
/// and `video` (a 640-wide frame, blurred, JPEG 40). `portrait` needs the face's box, so it is
/// left out when the engine finds none.
pub fn variants(engine: &FaceEngine, original: &RgbImage) -> Vec<(&'static str, RgbImage)> {
    let mut out = vec![
        ("original", original.clone()),
        ("small-q50", jpeg(&fit(original, 320), 50)),
        (
            "grey",
            DynamicImage::ImageLuma8(DynamicImage::ImageRgb8(original.clone()).to_luma8())
                .to_rgb8(),
        ),
        ("print", print_copy(original)),
        (
            "video",
            jpeg(&image::imageops::blur(&fit(original, 640), 0.8), 40),
        ),
    ];
    if let Some(face) = engine
        .analyse(original)
        .ok()
        .and_then(|analysis| analysis.chosen().cloned())
    {
        out.insert(3, ("portrait", document_portrait(original, &face.face_box)));
    }
    out
}

/// A document portrait as the EID provider crops it: 136x170, head and shoulders around the
/// face, JPEG quality 85.
pub fn document_portrait(photo: &RgbImage, face: &FaceBox) -> RgbImage {
    let (width, height) = photo.dimensions();
    let crop_w = (f64::from(face.width) * 2.0).min(f64::from(width));
    let crop_h = (crop_w * 170.0 / 136.0).min(f64::from(height));
    let centre_x = f64::from(face.left) + f64::from(face.width) / 2.0;
    let top = f64::from(face.top) - f64::from(face.height) * 0.55;
    let left = (centre_x - crop_w / 2.0).clamp(0.0, f64::from(width) - crop_w);
    let top = top.clamp(0.0, f64::from(height) - crop_h);
    let crop =
        image::imageops::crop_imm(photo, left as u32, top as u32, crop_w as u32, crop_h as u32);
    jpeg(
        &image::imageops::resize(&crop.to_image(), 136, 170, FilterType::Lanczos3),
        85,
    )
}

/// A photo of a printed photo: flattened contrast, a warm cast, the blur of a second lens,
/// sensor grain (deterministic), half the resolution, JPEG quality 70.
pub fn print_copy(photo: &RgbImage) -> RgbImage {
    let mut printed = photo.clone();
    let mut state = 0x9E37_79B9_u32;
    for pixel in printed.pixels_mut() {
        for (channel, cast) in pixel.0.iter_mut().zip([10.0f32, 2.0, -10.0]) {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            let grain = (state % 13) as f32 - 6.0;
            *channel = (f32::from(*channel) * 0.72 + 36.0 + cast + grain).clamp(0.0, 255.0) as u8;
        }
    }
    let blurred = image::imageops::blur(&printed, 1.2);
    let (w, h) = blurred.dimensions();
    jpeg(
        &image::imageops::resize(
            &blurred,
            (w / 2).max(1),
            (h / 2).max(1),
            FilterType::Triangle,
        ),
        70,
    )
}

/// A head-and-shoulders photo around `face` (3:4, the face centred horizontally at 40 % of the
/// height and 40 % of the width: the framing `eidscope synth --faces` expects), shrunk to at
/// most 640 px on its long side.
pub fn head_and_shoulders(photo: &RgbImage, face: &FaceBox) -> RgbImage {
    let (width, height) = photo.dimensions();
    let crop_w = (f64::from(face.width) / 0.4)
        .min(f64::from(width))
        .min(f64::from(height) * 0.75);
    let crop_h = crop_w / 0.75;
    let centre_x = f64::from(face.left) + f64::from(face.width) / 2.0;
    let centre_y = f64::from(face.top) + f64::from(face.height) / 2.0;
    let left = (centre_x - crop_w / 2.0).clamp(0.0, f64::from(width) - crop_w);
    let top = (centre_y - crop_h * 0.4).clamp(0.0, f64::from(height) - crop_h);
    let crop =
        image::imageops::crop_imm(photo, left as u32, top as u32, crop_w as u32, crop_h as u32);
    fit(&crop.to_image(), 640)
}

/// `picture` shrunk so that its long side is at most `side`.
pub fn fit(picture: &RgbImage, side: u32) -> RgbImage {
    let (w, h) = picture.dimensions();
    let long = w.max(h);
    if long <= side {
        return picture.clone();
    }
    let scale = f64::from(side) / f64::from(long);
    let size = |v: u32| ((f64::from(v) * scale).round() as u32).max(1);
    image::imageops::resize(picture, size(w), size(h), FilterType::Triangle)
}

/// `picture` through a JPEG encoder at `quality` and back.
pub fn jpeg(picture: &RgbImage, quality: u8) -> RgbImage {
    let bytes = jpeg_bytes(picture, quality);
    image::load(Cursor::new(bytes), ImageFormat::Jpeg)
        .map_or_else(|_| picture.clone(), |i| i.to_rgb8())
}

/// `picture` as a JPEG file at `quality` (empty if the encoder fails, which it does not for an
/// RGB picture of positive size).
pub fn jpeg_bytes(picture: &RgbImage, quality: u8) -> Vec<u8> {
    let mut bytes = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, quality);
    if picture.write_with_encoder(encoder).is_err() {
        bytes.clear();
    }
    bytes
}

/// Frames the fetched photos for `eidscope synth --faces` into `out`: one folder per person,
/// each independent photograph (copies of one shot are left out: as two selfies they would be
/// near duplicates) cut to head and shoulders around its detected face, as JPEG. Returns the
/// files written, relative to `out`.
pub fn frame_people(
    engine: &FaceEngine,
    out: &std::path::Path,
) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    let mut shots = std::collections::HashSet::new();
    let mut written = Vec::new();
    for photo in PHOTOS {
        if !shots.insert(photo.shot) {
            continue;
        }
        let path = photo_dir().join(photo.file);
        let picture = image::open(&path)
            .map_err(|e| format!("{}: {e}", path.display()))?
            .to_rgb8();
        let analysis = engine.analyse(&picture)?;
        let face = analysis
            .chosen()
            .ok_or_else(|| format!("no face in {}", photo.file))?;
        let framed = head_and_shoulders(&picture, &face.face_box);
        let dir = out.join(photo.person);
        std::fs::create_dir_all(&dir)?;
        let stem = photo
            .file
            .rsplit_once('.')
            .map_or(photo.file, |(stem, _)| stem);
        let name = format!("{}/{stem}.jpg", photo.person);
        std::fs::write(out.join(&name), jpeg_bytes(&framed, 92))?;
        written.push(name);
    }
    Ok(written)
}
