//! Building one bundle from its spec: draws the pictures, applies the media anomaly, takes the
//! video from the pool, writes the JSON documents and packs the zip (fixed timestamps and
//! permissions, so the bytes depend on the seed alone).

use crate::SynthError;
use crate::document::{BACK_SIZE, render_back, render_front, render_template};
use crate::evidence::{manual_approval_json, ocr_json, process_json};
use crate::face::{Background, render_face, selfie_view};
use crate::jpeg::{ExifFields, encode, truncate_half, with_exif, with_photoshop_app13};
use crate::people::{COUNTRY_COUNT, DocType, country_index};
use crate::rng::{Purpose, stream};
use crate::spec::{BundleSpec, ExtraEntry, ImageSlot, MediaTwist, SelfieSource, VideoChoice};
use crate::video::VideoPool;
use chrono::{Datelike, Timelike};
use image::{Rgb, RgbImage};
use rand::Rng;
use sha2::{Digest, Sha256};
use std::io::{Cursor, Write};
use std::sync::OnceLock;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// Selfie picture size.
const SELFIE_SIZE: (u32, u32) = (240, 300);
/// JPEG quality of document pictures and portraits.
const DOCUMENT_QUALITY: u8 = 85;
/// What an editor writes into EXIF `Software`.
const EDITOR: &str = "Adobe Photoshop 25.0 (Windows)";

/// What the workers share: the seed, the document templates (rendered on first use) and the
/// video pool.
pub(crate) struct Context {
    pub seed: u64,
    templates: Vec<OnceLock<RgbImage>>,
    pub videos: VideoPool,
}

impl Context {
    /// A context for a run.
    pub(crate) fn new(seed: u64, videos: VideoPool) -> Context {
        Context {
            seed,
            templates: (0..COUNTRY_COUNT * 3 * 2)
                .map(|_| OnceLock::new())
                .collect(),
            videos,
        }
    }

    fn template(&self, country: &str, doc: DocType, back: bool) -> Result<&RgbImage, SynthError> {
        let doc_idx = match doc {
            DocType::Passport => 0,
            DocType::IdentityCard => 1,
            DocType::ResidencePermit => 2,
        };
        let idx = (country_index(country) * 3 + doc_idx) * 2 + usize::from(back);
        let cell = self
            .templates
            .get(idx)
            .ok_or_else(|| SynthError::Image(format!("no template slot {idx}")))?;
        Ok(cell.get_or_init(|| render_template(self.seed, country, doc, back)))
    }
}

/// A built bundle.
pub(crate) struct Built {
    pub zip: Vec<u8>,
    pub process: Vec<u8>,
    /// SHA-256 of the selfie entry, when the bundle has one.
    pub selfie_sha: Option<String>,
}

/// The selfie picture of a source (drawn from the source bundle's own selfie stream).
fn selfie_rgb(seed: u64, src: &SelfieSource) -> RgbImage {
    let mut rng = stream(seed, Purpose::Selfie, src.from_index as u64);
    let view = selfie_view(&mut rng);
    let background = Background::room(&mut rng);
    let img = render_face(&src.face, &view, &background, SELFIE_SIZE.0, SELFIE_SIZE.1);
    if !src.near_duplicate {
        return img;
    }
    // Another camera pipeline: about 5 % smaller, a few pixels cropped off every edge.
    let (w, h) = (SELFIE_SIZE.0 * 95 / 100, SELFIE_SIZE.1 * 95 / 100);
    let scaled = image::imageops::resize(&img, w, h, image::imageops::FilterType::Triangle);
    image::imageops::crop_imm(&scaled, 3, 3, w - 6, h - 6).to_image()
}

fn finish(jpeg: Vec<u8>, exif: Option<&ExifFields>) -> Vec<u8> {
    match exif {
        Some(fields) => with_exif(&jpeg, fields),
        None => jpeg,
    }
}

fn sha_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn zip_time(spec: &BundleSpec) -> zip::DateTime {
    let t = spec.updated;
    zip::DateTime::from_date_and_time(
        u16::try_from(t.year()).unwrap_or(1980),
        t.month() as u8,
        t.day() as u8,
        t.hour() as u8,
        t.minute() as u8,
        t.second() as u8,
    )
    .unwrap_or_default()
}

/// Builds the zip and the process JSON of a bundle.
pub(crate) fn build(spec: &BundleSpec, ctx: &Context) -> Result<Built, SynthError> {
    let mut rng = stream(ctx.seed, Purpose::BundleMedia, spec.index as u64);
    let person = &spec.person;
    let media = &spec.media;
    let (dx, dy) = media.offset;

    let edited = |slot: ImageSlot| match spec.twist {
        MediaTwist::Edited { slot: s, app13 } if s == slot => Some(app13),
        _ => None,
    };
    let apply_edit = |bytes: Vec<u8>, exif: Option<&ExifFields>, slot: ImageSlot| -> Vec<u8> {
        match edited(slot) {
            Some(true) => with_photoshop_app13(&finish(bytes, exif)),
            Some(false) => {
                let mut fields = exif.cloned().unwrap_or_default();
                fields.software = Some(EDITOR.into());
                with_exif(&bytes, &fields)
            }
            None => finish(bytes, exif),
        }
    };

    let need_front = media.front || media.portrait;
    let (mut front, mut portrait, mut portrait_rgb) = (None, None, None);
    if need_front {
        let template = ctx.template(person.issuing_country, person.doc_type, false)?;
        let (front_rgb, photo) = render_front(template, person, dx, dy);
        if media.front {
            let plain = encode(&front_rgb, DOCUMENT_QUALITY)?;
            front = Some(apply_edit(
                plain,
                media.document_exif.as_ref(),
                ImageSlot::Front,
            ));
        }
        if media.portrait {
            // A crop of the document photo as this capture saw it: a slight exposure shift.
            let shift: i32 = rng.random_range(-6..=6);
            let mut crop = photo;
            for px in crop.pixels_mut() {
                *px = Rgb(px.0.map(|c| (i32::from(c) + shift).clamp(0, 255) as u8));
            }
            portrait = Some(apply_edit(
                encode(&crop, DOCUMENT_QUALITY)?,
                None,
                ImageSlot::Portrait,
            ));
            portrait_rgb = Some(crop);
        }
    }
    let mut back = None;
    if media.back && person.doc_type.has_back() {
        let template = ctx.template(person.issuing_country, person.doc_type, true)?;
        let rgb = render_back(template, person, dx, dy);
        debug_assert_eq!(rgb.dimensions(), BACK_SIZE);
        back = Some(finish(
            encode(&rgb, DOCUMENT_QUALITY)?,
            media.document_exif.as_ref(),
        ));
    }
    let mut selfie = None;
    if media.selfie {
        let rgb = selfie_rgb(ctx.seed, &spec.selfie);
        let plain = encode(&rgb, spec.selfie.quality)?;
        selfie = Some(apply_edit(
            plain,
            spec.selfie.exif.as_ref(),
            ImageSlot::Selfie,
        ));
    }

    match spec.twist {
        MediaTwist::Truncate(ImageSlot::Front) => front = front.map(|b| truncate_half(&b)),
        MediaTwist::Truncate(ImageSlot::Selfie) => selfie = selfie.map(|b| truncate_half(&b)),
        MediaTwist::Truncate(ImageSlot::Portrait) => portrait = portrait.map(|b| truncate_half(&b)),
        MediaTwist::SelfieIsPortrait { reencode } => {
            selfie = if reencode {
                portrait_rgb
                    .as_ref()
                    .map(|rgb| encode(rgb, 95))
                    .transpose()?
            } else {
                portrait.clone()
            };
        }
        MediaTwist::FrontIsBack => {
            if back.is_some() {
                back = front.clone();
            }
        }
        MediaTwist::Edited { .. } | MediaTwist::None => {}
    }

    let video: Option<Vec<u8>> = match media.video {
        None => None,
        Some(VideoChoice::Garbage) => {
            let len = rng.random_range(8_000..16_000);
            Some((0..len).map(|_| rng.random::<u8>()).collect())
        }
        Some(choice) => ctx.videos.get(choice).map(<[u8]>::to_vec),
    };

    let json_bytes = |value: &serde_json::Value| -> Result<Vec<u8>, SynthError> {
        let mut bytes = serde_json::to_vec_pretty(value)?;
        bytes.push(b'\n');
        Ok(bytes)
    };
    let mut entries: Vec<(&str, Vec<u8>)> = Vec::new();
    if let Some(ocr) = ocr_json(spec) {
        entries.push(("ocr.json", json_bytes(&ocr)?));
    }
    if let Some(review) = manual_approval_json(spec) {
        entries.push(("manual_approval.json", json_bytes(&review)?));
    }
    let selfie_sha = selfie.as_deref().map(sha_hex);
    for (name, bytes) in [
        ("front.jpeg", front),
        ("back.jpeg", back),
        ("selfie.jpeg", selfie),
        ("portrait.jpeg", portrait),
        ("video.mp4", video),
    ] {
        if let Some(bytes) = bytes {
            entries.push((name, bytes));
        }
    }

    let time = zip_time(spec);
    let stored = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(time)
        .unix_permissions(0o644);
    let deflated = stored.compression_method(CompressionMethod::Deflated);
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in &entries {
        let options = if name.ends_with(".json") {
            deflated
        } else {
            stored
        };
        zip.start_file(*name, options)?;
        zip.write_all(bytes).map_err(|e| SynthError::Io {
            path: spec.zip_name().into(),
            source: e,
        })?;
    }
    for extra in &spec.extras {
        match extra {
            ExtraEntry::File { name, body } => {
                zip.start_file(*name, deflated)?;
                zip.write_all(body.as_bytes()).map_err(|e| SynthError::Io {
                    path: spec.zip_name().into(),
                    source: e,
                })?;
            }
            ExtraEntry::Symlink { name, target } => {
                zip.add_symlink(*name, *target, stored.unix_permissions(0o777))?;
            }
        }
    }
    let zip = zip.finish()?.into_inner();
    let process = json_bytes(&process_json(spec))?;
    Ok(Built {
        zip,
        process,
        selfie_sha,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::people::{AgeClass, ExpiryClass, draw_person};
    use chrono::NaiveDate;
    use eidscope_media::hash::{dhash, phash};
    use eidscope_model::PerceptualHash;
    use image::DynamicImage;

    fn hashes(img: &RgbImage) -> (PerceptualHash, PerceptualHash) {
        let dynamic = DynamicImage::ImageRgb8(img.clone());
        (dhash(&dynamic), phash(&dynamic))
    }

    /// Two pictures are perceptually near only when both hashes are near: the distance of a
    /// pair is the larger of the two Hamming distances.
    fn distance(a: &(PerceptualHash, PerceptualHash), b: &(PerceptualHash, PerceptualHash)) -> u32 {
        a.0.distance(b.0).max(a.1.distance(b.1))
    }

    fn min_pair_distance(hashes: &[(PerceptualHash, PerceptualHash)]) -> u32 {
        let mut min = 64;
        for (i, a) in hashes.iter().enumerate() {
            for b in &hashes[i + 1..] {
                min = min.min(distance(a, b));
            }
        }
        min
    }

    /// Selfies and document portraits of 200 different people are perceptually far apart;
    /// one person's selfie is not near their portrait; a near-duplicate copy is near.
    #[test]
    fn distinct_people_have_distant_perceptual_hashes() {
        let capture = NaiveDate::from_ymd_opt(2023, 5, 2).unwrap();
        let mut rng = stream(11, Purpose::Plan, 0);
        let mut selfies = Vec::new();
        let mut portraits = Vec::new();
        let mut own = u32::MAX;
        let mut near = 0;
        for id in 0..200 {
            let doc = crate::people::draw_doc_type(&mut rng);
            let person = draw_person(
                &mut rng,
                id,
                capture,
                AgeClass::Adult,
                ExpiryClass::Valid,
                doc,
            );
            let source = SelfieSource {
                from_index: id,
                face: person.face.clone(),
                exif: None,
                quality: 85,
                near_duplicate: false,
            };
            let selfie = hashes(&selfie_rgb(11, &source));
            let portrait = hashes(&crate::face::document_photo(&person.face, 128, 160));
            own = own.min(distance(&selfie, &portrait));
            let copy = SelfieSource {
                near_duplicate: true,
                ..source
            };
            near = near.max(distance(&selfie, &hashes(&selfie_rgb(11, &copy))));
            selfies.push(selfie);
            portraits.push(portrait);
        }
        let selfie_min = min_pair_distance(&selfies);
        let portrait_min = min_pair_distance(&portraits);
        eprintln!(
            "closest selfies {selfie_min}, closest portraits {portrait_min}, own selfie to portrait {own}, near duplicates up to {near}"
        );
        assert!(
            selfie_min > 12,
            "two people's selfies are {selfie_min} bits apart"
        );
        assert!(
            portrait_min > 12,
            "two people's portraits are {portrait_min} bits apart"
        );
        assert!(own > 12, "a selfie is {own} bits from its portrait");
        assert!(
            near <= 10,
            "a near duplicate is {near} bits from its source"
        );
    }
}
