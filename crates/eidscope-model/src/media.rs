//! What eidscope learns about each media entry: JPEG structure, EXIF, quantisation quality,
//! editor marks, hashes and decode status for images; container, streams and decode facts for
//! the video. Filled by `eidscope-media`; the findings read these values, never the bytes.

use crate::verification::BoundingBox;
use serde::{Deserialize, Serialize};

/// The facts about one media entry, by its kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "media_type", rename_all = "lowercase")]
// A bundle holds at most five of these, in a map: the size of the image variant costs nothing
// worth a box (and a box would change every `exif` access).
#[allow(clippy::large_enum_variant)]
pub enum MediaInfo {
    /// A still image (front, back, selfie, portrait).
    Image(ImageInfo),
    /// The capture video.
    Video(VideoInfo),
}

/// One image entry.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ImageInfo {
    /// The entry name in the zip.
    pub entry: String,
    /// Uncompressed size.
    pub size_bytes: u64,
    /// SHA-256 of the entry bytes, lower-case hex.
    pub sha256: String,
    /// What the bytes are (`jpeg`, `png`, ... or `unknown`), by content.
    pub format: String,
    /// Width in pixels, from the header.
    pub width: Option<u32>,
    /// Height in pixels, from the header.
    pub height: Option<u32>,
    /// JPEG markers in file order, e.g. `APP0 JFIF`, `APP1 Exif`, `DQT`, `SOF0`.
    #[serde(default)]
    pub segments: Vec<String>,
    /// The EXIF summary, when the image has EXIF.
    pub exif: Option<ExifSummary>,
    /// The estimated IJG quality of the quantisation tables.
    pub quality: Option<QualityEstimate>,
    /// Marks of an editing program (`APP13 Photoshop`, `EXIF Software: GIMP 2.10`, ...).
    #[serde(default)]
    pub editor_marks: Vec<String>,
    /// Whether a full decode (under limits) succeeded; `None` when not attempted.
    pub decoded: Option<bool>,
    /// Why the decode failed.
    pub decode_error: Option<String>,
    /// 64-bit difference hash (written as 16 hex digits).
    pub dhash: Option<PerceptualHash>,
    /// 64-bit DCT (perceptual) hash (written as 16 hex digits).
    pub phash: Option<PerceptualHash>,
    /// What is wrong with the file structure (a segment cut short, scan data ending before the
    /// end-of-image marker, no end-of-image marker), found by walking the markers without a
    /// decode. `None` when the structure is whole or was not walked.
    #[serde(default)]
    pub structure_error: Option<String>,
    /// Bytes after the end-of-image marker. Some phones append data there; so does anyone
    /// hiding a payload. `None` when the end was not reached.
    #[serde(default)]
    pub trailing_bytes: Option<u64>,
    /// What the JPEG decoder (libjpeg) warned about while reading the entropy-coded data
    /// (`Corrupt JPEG data: found marker 0xd9 instead of RST4`, `Premature end of JPEG file`):
    /// the picture decoded, but its data is damaged. Empty when clean, not decoded, or when the
    /// marker structure is already broken (`structure_error` tells then).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub decode_warnings: Vec<String>,
    /// Damage inside a JPEG's entropy-coded data that the marker walk stepped over: a restart
    /// marker out of sequence, a marker code no encoder writes inside a scan (`marker code 0x9F
    /// inside the scan data at byte 51234`). The decoders resynchronise and paint the lost
    /// blocks grey, so such a picture may still decode. Empty when clean.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scan_errors: Vec<String>,
    /// What the bytes after the end-of-image marker are, when there are any (see
    /// [`TrailerKind`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trailer: Option<TrailerKind>,
    /// The double-compression evidence of a baseline JPEG ([`DoubleCompression`]); `None` when
    /// not decoded, not baseline, or too few coefficients to judge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub double_compression: Option<DoubleCompression>,
    /// Marks of a program that re-saved the file without editing it (a photo library, a
    /// camera's transfer tool, Windows Photo Gallery), with the tag that names it:
    /// `EXIF Software: Nikon Transfer 1.1 W`. Empty when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resave_marks: Vec<String>,
    /// The writer a Photoshop `APP13` version-info resource names (`Adobe Photoshop`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photoshop_writer: Option<String>,
    /// The JPEG's chroma subsampling: `4:4:4`, `4:2:2`, `4:2:0`, `4:1:1`, `4:4:0`, `grey`, or
    /// the sampling factors of each component.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chroma_subsampling: Option<String>,
    /// The description of an embedded ICC profile (`sRGB IEC61966-2.1`, `Display P3`), or
    /// `unnamed`; `None` without a profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icc_profile: Option<String>,
    /// The EXIF thumbnail against the picture ([`ThumbnailCheck`]); `None` without a
    /// thumbnail, or when either does not decode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbnail: Option<ThumbnailCheck>,
    /// The XMP history (`xmpMM:History`): what each program did and when, in file order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub xmp_history: Vec<XmpEvent>,
}

/// One event of an XMP history (`stEvt`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct XmpEvent {
    /// `stEvt:action`: `created`, `saved`, `converted`, `derived`, ...
    pub action: Option<String>,
    /// `stEvt:when`, as written (ISO 8601 with offset).
    pub when: Option<String>,
    /// `stEvt:softwareAgent`: the program.
    pub software: Option<String>,
    /// `stEvt:changed`: the parts changed (`/`, `/metadata`).
    pub changed: Option<String>,
}

/// How far a JPEG's EXIF thumbnail is from the picture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ThumbnailCheck {
    /// The thumbnail's width, pixels.
    pub width: u32,
    /// The thumbnail's height, pixels.
    pub height: u32,
    /// Bits (of 64) by which the thumbnail's difference hash differs from the picture's.
    pub dhash_distance: u32,
    /// `|ln(thumbnail aspect / picture aspect)|`, black bars cut: 0 for the same shape.
    pub aspect_difference: f64,
    /// The mean absolute grey difference (0..255) of the thumbnail laid on the picture.
    pub mean_difference: f64,
    /// The share (0..1) of the cells of an 8x8 grid whose mean grey differs by more than 24
    /// between the thumbnail and the picture: where the picture is not what the thumbnail shows.
    pub changed_share: f64,
}

/// Whether a libjpeg warning (one of [`ImageInfo::decode_warnings`]) means lost picture data.
///
/// libjpeg warns about damage it recovers from by painting blocks grey ("Corrupt JPEG data:
/// found marker 0x9f instead of RST4", "Corrupt JPEG data: bad Huffman code", "Premature end
/// of JPEG file"), and also about harmless oddities that cost no pixel: bytes between the scan
/// and the next marker ("Corrupt JPEG data: 12 extraneous bytes before marker 0xd9", written by
/// some camera firmware), an unknown JFIF revision, an unknown Adobe transform code. Only the
/// first kind is corruption.
pub fn warning_means_damage(warning: &str) -> bool {
    const HARMLESS: [&str; 3] = [
        "extraneous bytes before marker",
        "unknown JFIF revision",
        "Unknown Adobe color transform code",
    ];
    !HARMLESS.iter().any(|h| warning.contains(h))
}

/// What follows a JPEG's end-of-image marker, recognised by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum TrailerKind {
    /// Zero or `FF` bytes only (encoders and cameras pad files).
    Padding,
    /// JPEG pictures indexed by the file's `APP2 MPF` segment: the camera's own previews.
    CameraPreview,
    /// An MP4 movie (Google and Samsung "motion photos"), or a Samsung `SEFT` trailer.
    CameraMovie,
    /// A JPEG the file does not index (no `APP2 MPF`): another picture, often the original
    /// an editor kept.
    Jpeg,
    /// A zip archive (`PK\3\4`).
    Zip,
    /// Anything else.
    Unknown,
}

impl TrailerKind {
    /// Whether a camera or phone writes this after its pictures (no sign of tampering).
    pub fn is_camera_data(self) -> bool {
        matches!(
            self,
            TrailerKind::Padding | TrailerKind::CameraPreview | TrailerKind::CameraMovie
        )
    }

    /// The word the JSON uses.
    pub fn as_str(self) -> &'static str {
        match self {
            TrailerKind::Padding => "padding",
            TrailerKind::CameraPreview => "camera-preview",
            TrailerKind::CameraMovie => "camera-movie",
            TrailerKind::Jpeg => "jpeg",
            TrailerKind::Zip => "zip",
            TrailerKind::Unknown => "unknown",
        }
    }
}

/// The EXIF fields that matter for provenance.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ExifSummary {
    /// Camera make.
    pub make: Option<String>,
    /// Camera model.
    pub model: Option<String>,
    /// The software that wrote the file.
    pub software: Option<String>,
    /// When the picture was taken: `DateTimeOriginal`, else `DateTimeDigitized`, as written.
    /// Never IFD0 `DateTime`, which is when a program last saved the file.
    pub date_taken: Option<String>,
    /// `DateTimeOriginal` (EXIF 0x9003): when the shutter fired, as written
    /// (`YYYY:MM:DD HH:MM:SS`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_time_original: Option<String>,
    /// `DateTimeDigitized` (0x9004, exiftool's `CreateDate`): when the picture was stored
    /// digitally; equal to the original on a camera, later for a scan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_time_digitized: Option<String>,
    /// IFD0 `DateTime` (0x0132, exiftool's `ModifyDate`): when the file was last written; an
    /// editor sets it to the time it saved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_time_modified: Option<String>,
    /// `OffsetTimeOriginal` (0x9011): the UTC offset of `date_time_original` (`+02:00`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset_time_original: Option<String>,
    /// `OffsetTimeDigitized` (0x9012).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset_time_digitized: Option<String>,
    /// `OffsetTime` (0x9010), the offset of `date_time_modified`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset_time_modified: Option<String>,
    /// `PixelXDimension` (0xA002, exiftool's `ExifImageWidth`): the width the camera stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pixel_width: Option<u32>,
    /// `PixelYDimension` (0xA003, `ExifImageHeight`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pixel_height: Option<u32>,
    /// Orientation tag (1..8).
    pub orientation: Option<u32>,
    /// Size of the embedded thumbnail, bytes.
    pub thumbnail_bytes: Option<u64>,
    /// The GPS position the camera recorded (EXIF GPS IFD), when it did: personal data,
    /// removed from the tables under `scan --redact`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gps: Option<GpsPosition>,
}

/// How well the JPEG quantisation tables fit the standard IJG tables.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct QualityEstimate {
    /// The best-fitting IJG quality (1..100), or `None` when no standard table fits.
    pub quality: Option<u8>,
    /// For tables that are not standard (a camera's or an editor's own), the nearest IJG
    /// quality all the same; `residual` says how far the tables are from it. `None` when
    /// `quality` is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nearest: Option<u8>,
    /// Mean absolute difference between the tables and the best standard fit.
    pub residual: f64,
    /// Whether the tables are (within rounding) standard IJG tables.
    pub standard: bool,
}

/// Where a picture was taken, from its EXIF GPS tags.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GpsPosition {
    /// Degrees north (negative: south), WGS 84.
    pub latitude: f64,
    /// Degrees east (negative: west), WGS 84.
    pub longitude: f64,
    /// Metres above sea level (negative: below), when recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub altitude: Option<f64>,
}

/// The evidence that a JPEG was compressed twice with different quantisation tables, from the
/// histograms of its luma DCT coefficients (eidscope-media `double_jpeg`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DoubleCompression {
    /// The IJG quality of the first compression that best explains the histograms.
    pub first_quality: u8,
    /// How much of the histograms' departure from smooth the first quality explains: 1 is all
    /// of it, 0 or less nothing (a picture compressed once). The finding fires from
    /// `eidscope_analysis::Thresholds::double_jpeg_fit`.
    pub fit: f64,
    /// The coefficient count the fit rests on (the expected count in the bins it judged).
    pub weight: f64,
    /// Where the evidence is local: the part of the picture whose blocks disagree with the
    /// rest (eidscope-media `double_jpeg::region`). Absent when the evidence is even, or too
    /// weak to place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<DoubleCompressionRegion>,
}

/// A compact part of a JPEG whose 8x8 blocks tell another compression history than the rest of
/// the picture, from the per-block likelihood of the double-quantisation signature at the
/// picture's first quality (aligned double JPEG maps: Lin et al. 2009, Bianchi & Piva 2012).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DoubleCompressionRegion {
    /// The region's box, in pixels of the picture (whole 8x8 blocks).
    pub bbox: BoundingBox,
    /// What the blocks inside say: `single` (compressed once, inside a picture compressed
    /// twice: a part pasted or rewritten between the two saves) or `double` (compressed twice,
    /// inside a picture compressed once).
    pub inside: CompressionHistory,
    /// The mean log-likelihood ratio (twice against once) per textured block inside the box.
    pub score_inside: f64,
    /// The same over the textured blocks outside the box.
    pub score_outside: f64,
}

/// How many times a part of a JPEG was compressed, as its DCT coefficients tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CompressionHistory {
    /// Compressed once, at the last quality.
    Single,
    /// Compressed twice, first at the picture's first quality.
    Double,
}

impl CompressionHistory {
    /// The word of the JSON and the tables: `single` or `double`.
    pub fn as_str(self) -> &'static str {
        match self {
            CompressionHistory::Single => "single",
            CompressionHistory::Double => "double",
        }
    }
}

/// The capture video.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct VideoInfo {
    /// The entry name in the zip.
    pub entry: String,
    /// Uncompressed size.
    pub size_bytes: u64,
    /// SHA-256 of the entry bytes, lower-case hex.
    pub sha256: String,
    /// Whether the video was probed (`--level full`); the fields below are empty otherwise.
    pub probed: bool,
    /// Container format name(s), as FFmpeg names them.
    pub container: Option<String>,
    /// Duration in seconds.
    pub duration_seconds: Option<f64>,
    /// Overall bit rate, bits per second.
    pub bit_rate: Option<u64>,
    /// `creation_time` tag.
    pub creation_time: Option<String>,
    /// `encoder` and other tags of the container.
    #[serde(default)]
    pub tags: std::collections::BTreeMap<String, String>,
    /// The streams.
    #[serde(default)]
    pub streams: Vec<StreamInfo>,
    /// Frames decoded from the first video stream.
    pub frames_decoded: Option<u64>,
    /// Packets or frames that failed to decode.
    pub decode_errors: u64,
    /// Mean frame-to-frame difference (0..255 luma), the evidence for `video-frozen`.
    pub motion: Option<f64>,
    /// Why decoding stopped before the end of the stream (the frame cap or the time cap), when
    /// it did; `frames_decoded` and `motion` then cover only the decoded part.
    #[serde(default)]
    pub decode_stopped: Option<String>,
    /// Why the video could not be opened or decoded.
    pub error: Option<String>,
}

/// One stream of the video.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StreamInfo {
    /// Stream index.
    pub index: usize,
    /// `video`, `audio`, `data`, ...
    pub kind: String,
    /// Codec name.
    pub codec: Option<String>,
    /// Codec profile.
    pub profile: Option<String>,
    /// Width, for video.
    pub width: Option<u32>,
    /// Height, for video.
    pub height: Option<u32>,
    /// Pixel format, for video.
    pub pixel_format: Option<String>,
    /// Average frame rate.
    pub avg_frame_rate: Option<f64>,
    /// Real base frame rate.
    pub real_frame_rate: Option<f64>,
    /// Time base as `num/den`.
    pub time_base: Option<String>,
    /// Rotation in degrees from the display matrix.
    pub rotation: Option<f64>,
    /// Frame count declared in the header.
    pub frames_header: Option<u64>,
}

/// Below this mean frame-to-frame luma difference a video is (nearly) one still picture.
///
/// `motion` is the mean absolute difference, on the 0..255 scale, between consecutive decoded
/// frames shrunk to 64x64 grey with an area filter. The shrinking averages away fine noise, so
/// a still picture replayed as a video scores near zero, while a hand-held capture (the phone
/// shakes, the face turns, the document tilts) moves edges by pixels every frame.
///
/// Measured on synthetic 320x240 clips at 10 fps encoded by `eidscope_media::video::encode_mp4` (the clips of
/// `crates/eidscope-media/tests/video.rs`): one scene repeated with fresh ±2-level noise per pixel scores 0.02;
/// the same scene shaken by up to 1 pixel per frame 0.70 to 0.75 (2 pixels: 1.3); a
/// 60-pixel disc crossing the frame at 1, 2 and 4 pixels per frame 0.30, 0.54 and 0.92;
/// stripes sliding 3 pixels per frame 21. The threshold sits ten times above the replayed
/// still and under the slowest motion measured. Known limit: heavy sensor noise on a
/// perfectly still scene (±8 levels per pixel) already scores 1.1, so the finding catches
/// clean replays of a still picture, not every static scene: it errs towards missing a
/// frozen video rather than accusing a real one.
pub const FROZEN_MOTION_THRESHOLD: f64 = 0.2;

/// A real capture video lasts at least this long, seconds.
///
/// The capture flow asks the user to show the document and their face, which takes seconds;
/// a clip under two seconds cannot hold that and points at a replayed or generated video (or
/// an aborted capture). The `video-too-short` finding uses this unless told otherwise.
pub const MIN_CAPTURE_SECONDS: f64 = 2.0;

/// Whether the decoded frames are (nearly) one still picture: `motion` is below
/// [`FROZEN_MOTION_THRESHOLD`]. A video without a motion measurement (fewer than two frames
/// decoded, or not probed) is not called frozen; a broken video is `media-corrupt` instead.
#[must_use]
pub fn is_frozen(info: &VideoInfo) -> bool {
    info.motion
        .is_some_and(|motion| motion.is_finite() && motion < FROZEN_MOTION_THRESHOLD)
}

/// Whether the video lasts less than `min_seconds` (see [`MIN_CAPTURE_SECONDS`]).
///
/// The container's duration is used; when it has none, the frames decoded over the first
/// video stream's average frame rate, provided decoding was not cut short by a limit. A video
/// whose length is unknown is not called too short.
#[must_use]
pub fn is_too_short(info: &VideoInfo, min_seconds: f64) -> bool {
    info.best_duration()
        .is_some_and(|seconds| seconds < min_seconds)
}

impl VideoInfo {
    /// The best-known length of the video, seconds: the container's duration, else the frames
    /// decoded over the video stream's average frame rate (unless decoding was cut short).
    pub fn best_duration(&self) -> Option<f64> {
        let info = self;
        if let Some(seconds) = info.duration_seconds.filter(|s| s.is_finite() && *s >= 0.0) {
            return Some(seconds);
        }
        if info.decode_stopped.is_some() {
            return None;
        }
        let frames = info.frames_decoded.filter(|&n| n > 0)?;
        let rate = info
            .streams
            .iter()
            .find(|stream| stream.kind == "video")
            .and_then(|stream| stream.avg_frame_rate)
            .filter(|rate| rate.is_finite() && *rate > 0.0)?;
        #[allow(clippy::cast_precision_loss)] // frame counts are far below 2^52
        Some(frames as f64 / rate)
    }
}

/// A 64-bit perceptual hash of a picture (`dhash`, `phash`): near-identical pictures have
/// hashes a few bits apart. Written as 16 lower-case hex digits wherever a person or a file
/// reads it; a number everywhere else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct PerceptualHash(pub u64);

impl PerceptualHash {
    /// How many of the 64 bits differ.
    pub fn distance(self, other: PerceptualHash) -> u32 {
        (self.0 ^ other.0).count_ones()
    }
}

impl std::fmt::Display for PerceptualHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

impl std::str::FromStr for PerceptualHash {
    type Err = String;
    /// Reads 16 hex digits (any letter case).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let digits = text.trim();
        if digits.len() != 16 {
            return Err(format!("`{text}` is not a 64-bit hash (16 hex digits)"));
        }
        u64::from_str_radix(digits, 16)
            .map(PerceptualHash)
            .map_err(|_| format!("`{text}` is not a 64-bit hash (16 hex digits)"))
    }
}

crate::text_serde!(
    PerceptualHash,
    "A 64-bit perceptual hash: 16 lower-case hex digits."
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_written_as_sixteen_hex_digits() {
        let a: PerceptualHash = "00000000000000ff".parse().unwrap();
        assert_eq!(a, PerceptualHash(0xff));
        assert_eq!(a.to_string(), "00000000000000ff");
        assert_eq!(a.distance(PerceptualHash(0)), 8);
        assert_eq!("FFFFFFFFFFFFFFFF".parse(), Ok(PerceptualHash(u64::MAX)));
        assert!("zz".parse::<PerceptualHash>().is_err());
        assert!("ff".parse::<PerceptualHash>().is_err());
        assert_eq!(serde_json::to_string(&a).unwrap(), "\"00000000000000ff\"");
    }
}
