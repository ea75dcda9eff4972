//! The pictures of a real-face bundle: the selfie (the photo, at most 640 px), the document
//! portrait (136x170, cut from the middle of a framed photo), the video (3 s drifting over a
//! photo), and the bundle's zip rewritten with them. Every other entry is copied raw, with its
//! own time, permissions and compression; nothing here reads outside the faces folder.

use std::io::{Cursor, Write};

use image::RgbImage;
use image::imageops::FilterType;
use zip::write::SimpleFileOptions;
use zip::{ZipArchive, ZipWriter};

use super::{FaceFolder, FacePlan};
use crate::SynthError;

/// The selfie's size: at most this on its long side.
const SELFIE_SIDE: u32 = 640;
/// The video's frame size and rate (larger than the drawn clips' 160x120: a face recogniser
/// needs the face at 80 px or more).
const VIDEO_WIDTH: u32 = 320;
const VIDEO_HEIGHT: u32 = 240;
const VIDEO_FPS: u32 = 10;

/// The bundle's zip with the real selfie, portrait and video in place of the drawn ones; the
/// other entries are copied as they are. Returns the zip and the selfie's SHA-256.
pub(crate) fn apply(
    zip: &[u8],
    plan: &FacePlan,
    folder: &FaceFolder,
) -> Result<(Vec<u8>, String), SynthError> {
    let selfie = jpeg(&fit(&folder.load(plan.selfie)?, SELFIE_SIDE), 90)?;
    let portrait = jpeg(&document_portrait(&folder.load(plan.portrait)?), 85)?;
    let video =
        eidscope_media::video::encode_mp4(&video_frames(&folder.load(plan.video)?), VIDEO_FPS)?;
    let selfie_sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&selfie));
    let mut archive = ZipArchive::new(Cursor::new(zip))?;
    let mut out = ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let entry = archive.by_index(i)?;
        let name = entry.name()?.into_owned();
        let replacement = match name.as_str() {
            "selfie.jpeg" => Some(&selfie),
            "portrait.jpeg" => Some(&portrait),
            "video.mp4" => Some(&video),
            _ => None,
        };
        match replacement {
            Some(bytes) => {
                let mut options = SimpleFileOptions::default()
                    .compression_method(entry.compression())
                    .unix_permissions(entry.unix_mode().unwrap_or(0o644));
                if let Some(time) = entry.last_modified() {
                    options = options.last_modified_time(time);
                }
                drop(entry);
                out.start_file(name, options)?;
                out.write_all(bytes).map_err(|source| SynthError::Io {
                    path: folder.root.clone(),
                    source,
                })?;
            }
            None => {
                drop(entry);
                out.raw_copy_file(archive.by_index_raw(i)?)?;
            }
        }
    }
    Ok((out.finish()?.into_inner(), selfie_sha))
}

/// A document portrait as the EID provider crops it (136x170) from a framed photo: the face
/// centred, about half the portrait's width.
fn document_portrait(photo: &RgbImage) -> RgbImage {
    let (width, height) = photo.dimensions();
    let crop_w = (f64::from(width) * 0.77).min(f64::from(height) * 136.0 / 170.0);
    let crop_h = crop_w * 170.0 / 136.0;
    let left = (f64::from(width) - crop_w) / 2.0;
    let top = (f64::from(height) * 0.40 - crop_h * 0.45).clamp(0.0, f64::from(height) - crop_h);
    let crop =
        image::imageops::crop_imm(photo, left as u32, top as u32, crop_w as u32, crop_h as u32);
    image::imageops::resize(&crop.to_image(), 136, 170, FilterType::Lanczos3)
}

/// Three seconds of a hand-held capture made from one photo: a window drifting and zooming
/// slowly over it (enough motion not to look frozen).
fn video_frames(photo: &RgbImage) -> Vec<RgbImage> {
    let (width, height) = photo.dimensions();
    let aspect = f64::from(VIDEO_WIDTH) / f64::from(VIDEO_HEIGHT);
    (0..3 * VIDEO_FPS)
        .map(|i| {
            let t = f64::from(i) / f64::from(VIDEO_FPS);
            let zoom = 0.85 + 0.08 * (1.3 * t).sin();
            let win_w = (f64::from(width) * zoom).min(f64::from(height) * zoom * aspect);
            let win_h = win_w / aspect;
            let cx = f64::from(width) / 2.0 + 0.05 * f64::from(width) * (2.0 * t).sin();
            let cy = f64::from(height) * 0.42 + 0.03 * f64::from(height) * (1.7 * t).cos();
            let left = (cx - win_w / 2.0).clamp(0.0, f64::from(width) - win_w);
            let top = (cy - win_h / 2.0).clamp(0.0, f64::from(height) - win_h);
            let window = image::imageops::crop_imm(
                photo,
                left as u32,
                top as u32,
                win_w as u32,
                win_h as u32,
            );
            image::imageops::resize(
                &window.to_image(),
                VIDEO_WIDTH,
                VIDEO_HEIGHT,
                FilterType::Triangle,
            )
        })
        .collect()
}

fn fit(picture: &RgbImage, side: u32) -> RgbImage {
    let (w, h) = picture.dimensions();
    if w.max(h) <= side {
        return picture.clone();
    }
    let scale = f64::from(side) / f64::from(w.max(h));
    let size = |v: u32| ((f64::from(v) * scale).round() as u32).max(1);
    image::imageops::resize(picture, size(w), size(h), FilterType::Triangle)
}

fn jpeg(picture: &RgbImage, quality: u8) -> Result<Vec<u8>, SynthError> {
    let mut bytes = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, quality);
    picture
        .write_with_encoder(encoder)
        .map_err(|e| SynthError::Image(e.to_string()))?;
    Ok(bytes)
}
