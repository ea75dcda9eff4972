//! JPEG bytes: encoding with the `image` crate, and the metadata segments spliced in after
//! encoding: a camera EXIF block (APP1) for clean pictures, an editor's EXIF `Software` or a
//! Photoshop resource block (APP13) for the `edited-image` anomaly.

use crate::SynthError;
use image::RgbImage;
use image::codecs::jpeg::JpegEncoder;

/// Encodes an RGB picture as a baseline JPEG of the given IJG quality.
pub(crate) fn encode(img: &RgbImage, quality: u8) -> Result<Vec<u8>, SynthError> {
    let mut out = Vec::with_capacity((img.width() * img.height()) as usize / 4);
    JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(img)
        .map_err(|e| SynthError::Image(e.to_string()))?;
    Ok(out)
}

/// The EXIF fields written into the APP1 segment.
#[derive(Debug, Clone, Default)]
pub(crate) struct ExifFields {
    pub make: Option<String>,
    pub model: Option<String>,
    pub software: Option<String>,
    /// `YYYY:MM:DD HH:MM:SS`.
    pub date_time: Option<String>,
}

/// A little-endian TIFF block with IFD0 holding the given ASCII tags.
fn tiff_block(fields: &ExifFields) -> Vec<u8> {
    let mut tags: Vec<(u16, Vec<u8>)> = Vec::new();
    let mut push = |tag: u16, value: &Option<String>| {
        if let Some(v) = value {
            let mut bytes = v.as_bytes().to_vec();
            bytes.push(0);
            tags.push((tag, bytes));
        }
    };
    push(0x010F, &fields.make);
    push(0x0110, &fields.model);
    push(0x0131, &fields.software);
    push(0x0132, &fields.date_time);
    let count = tags.len() + 1; // + Orientation
    let ifd_len = 2 + count * 12 + 4;
    let mut data_offset = 8 + ifd_len;
    let mut tiff = b"II*\0".to_vec();
    tiff.extend_from_slice(&8u32.to_le_bytes());
    tiff.extend_from_slice(&(count as u16).to_le_bytes());
    let mut data = Vec::new();
    // Orientation (SHORT, 1 = upright) first: tags must be in ascending order.
    let mut entries: Vec<Vec<u8>> = Vec::new();
    let mut orientation = Vec::new();
    orientation.extend_from_slice(&0x0112u16.to_le_bytes());
    orientation.extend_from_slice(&3u16.to_le_bytes());
    orientation.extend_from_slice(&1u32.to_le_bytes());
    orientation.extend_from_slice(&1u16.to_le_bytes());
    orientation.extend_from_slice(&0u16.to_le_bytes());
    let mut all: Vec<(u16, Vec<u8>)> = Vec::new();
    for (tag, bytes) in tags {
        let mut entry = Vec::new();
        entry.extend_from_slice(&tag.to_le_bytes());
        entry.extend_from_slice(&2u16.to_le_bytes());
        entry.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
        if bytes.len() <= 4 {
            let mut inline = bytes.clone();
            inline.resize(4, 0);
            entry.extend_from_slice(&inline);
        } else {
            entry.extend_from_slice(&(data_offset as u32).to_le_bytes());
            data_offset += bytes.len() + bytes.len() % 2;
            data.extend_from_slice(&bytes);
            if bytes.len() % 2 == 1 {
                data.push(0);
            }
        }
        all.push((tag, entry));
    }
    all.push((0x0112, orientation));
    all.sort_by_key(|(tag, _)| *tag);
    entries.extend(all.into_iter().map(|(_, e)| e));
    for entry in entries {
        tiff.extend_from_slice(&entry);
    }
    tiff.extend_from_slice(&0u32.to_le_bytes());
    tiff.extend_from_slice(&data);
    tiff
}

fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    let mut seg = vec![0xFF, marker];
    seg.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    seg.extend_from_slice(payload);
    seg
}

/// Where a new APPn segment goes: after SOI and a leading APP0 JFIF, so JFIF stays first.
fn insert_point(jpeg: &[u8]) -> usize {
    if jpeg.len() >= 6 && jpeg[2] == 0xFF && jpeg[3] == 0xE0 {
        let len = usize::from(u16::from_be_bytes([jpeg[4], jpeg[5]]));
        (4 + len).min(jpeg.len())
    } else {
        2.min(jpeg.len())
    }
}

fn splice(jpeg: &[u8], seg: &[u8]) -> Vec<u8> {
    let at = insert_point(jpeg);
    let mut out = Vec::with_capacity(jpeg.len() + seg.len());
    out.extend_from_slice(&jpeg[..at]);
    out.extend_from_slice(seg);
    out.extend_from_slice(&jpeg[at..]);
    out
}

/// Adds an APP1 Exif segment with the given fields.
pub(crate) fn with_exif(jpeg: &[u8], fields: &ExifFields) -> Vec<u8> {
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend_from_slice(&tiff_block(fields));
    splice(jpeg, &segment(0xE1, &payload))
}

/// Adds an APP13 "Photoshop 3.0" segment as Photoshop's "Save As" leaves behind: the
/// resolution resource, the version-info resource naming the writer, and an IPTC record (an
/// APP13 holding only IPTC is what metadata tools write, and is no editor mark).
pub(crate) fn with_photoshop_app13(jpeg: &[u8]) -> Vec<u8> {
    let mut payload = b"Photoshop 3.0\0".to_vec();
    // ResolutionInfo: 72 dpi both ways (16.16 fixed point), inches, inches.
    let resolution = [0, 72, 0, 0, 0, 1, 0, 1, 0, 72, 0, 0, 0, 1, 0, 1];
    push_resource(&mut payload, 0x03ED, &resolution);
    // VersionInfo: version, has merged data, writer, reader (UTF-16 strings), file version.
    let mut version = vec![0, 0, 0, 1, 1];
    for name in ["Adobe Photoshop", "Adobe Photoshop 2024"] {
        let units: Vec<u16> = name.encode_utf16().collect();
        version.extend_from_slice(&(units.len() as u32).to_be_bytes());
        units
            .iter()
            .for_each(|u| version.extend_from_slice(&u.to_be_bytes()));
    }
    version.extend_from_slice(&[0, 0, 0, 1]);
    push_resource(&mut payload, 0x0421, &version);
    push_resource(
        &mut payload,
        0x0404,
        &[0x1C, 0x02, 0x00, 0x00, 0x02, 0x00, 0x04],
    );
    splice(jpeg, &segment(0xED, &payload))
}

/// Appends one `8BIM` image resource with an empty name, its data padded to an even size.
fn push_resource(payload: &mut Vec<u8>, id: u16, data: &[u8]) {
    payload.extend_from_slice(b"8BIM");
    payload.extend_from_slice(&id.to_be_bytes());
    payload.extend_from_slice(&[0, 0]); // empty Pascal name, padded to even
    payload.extend_from_slice(&(data.len() as u32).to_be_bytes());
    payload.extend_from_slice(data);
    if !data.len().is_multiple_of(2) {
        payload.push(0);
    }
}

/// The first half of the bytes: the header and the frame size survive, the scan does not end.
pub(crate) fn truncate_half(jpeg: &[u8]) -> Vec<u8> {
    jpeg[..jpeg.len() / 2].to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spliced_segments_keep_the_picture_decodable() {
        let img = RgbImage::from_pixel(32, 24, image::Rgb([120, 80, 40]));
        let plain = encode(&img, 85).unwrap();
        let exif = with_exif(
            &plain,
            &ExifFields {
                make: Some("Google".into()),
                model: Some("Pixel 7".into()),
                software: Some("HDR+ 1.0".into()),
                date_time: Some("2023:04:05 10:04:42".into()),
            },
        );
        let ps = with_photoshop_app13(&plain);
        for bytes in [&exif, &ps] {
            let decoded = image::load_from_memory(bytes).unwrap();
            assert_eq!((decoded.width(), decoded.height()), (32, 24));
        }
        assert!(exif.windows(8).any(|w| w == b"HDR+ 1.0"));
        assert!(ps.windows(13).any(|w| w == b"Photoshop 3.0"));
        // JFIF stays the first segment.
        assert_eq!(&exif[2..4], &[0xFF, 0xE0]);
    }
}
