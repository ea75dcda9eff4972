//! The thresholds of the findings, in one place, with why each value was chosen.

use eidscope_model::media::{FROZEN_MOTION_THRESHOLD, MIN_CAPTURE_SECONDS};

/// The age of majority `underage-contradiction` uses unless told otherwise.
pub const ADULT_AGE: i32 = 18;

/// Tunable limits of the single-bundle findings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// Age of majority for `underage-contradiction` (`--adult-age`). Default 18.
    pub adult_age: i32,
    /// A capture video shorter than this, in seconds, is `video-too-short`. Default 2 s: the
    /// capture flow films the document and the face, which no real session does in under two
    /// seconds ([`MIN_CAPTURE_SECONDS`]).
    pub min_video_seconds: f64,
    /// A video whose mean frame-to-frame luma difference (0..255, on 64x64 grey thumbnails) is
    /// below this is `video-frozen`. Default [`FROZEN_MOTION_THRESHOLD`], where the measurements
    /// behind the value are written down.
    pub frozen_motion: f64,
    /// Two images whose 64-bit difference hashes AND DCT hashes both lie within this many bits
    /// are the same picture (`selfie-is-portrait`, `front-is-back`). Default
    /// [`crate::links::DEFAULT_NEAR_BITS`], the radius of `face-near-duplicate`, where the
    /// measurements behind it are written down: one rule for "the same picture".
    pub same_picture_bits: u32,
    /// An image whose EXIF `DateTime` is more than this many seconds after the moment it was
    /// taken is `image-resaved`. Default [`RESAVE_SECONDS`].
    pub resave_seconds: i64,
    /// An image taken more than this many days away from the capture date is
    /// `image-date-mismatch`. Default [`CAPTURE_DAYS`].
    pub capture_days: i64,
    /// An image whose real width or height differs from its EXIF-declared size by more than
    /// this many pixels is `image-resized`. Default [`RESIZE_TOLERANCE_PIXELS`].
    pub resize_tolerance_pixels: u32,
    /// A JPEG whose double-compression fit (`ImageInfo::double_compression.fit`) reaches this
    /// is `image-double-compressed`. Default [`DOUBLE_JPEG_FIT`].
    pub double_jpeg_fit: f64,
    /// A JPEG whose EXIF thumbnail differs from the picture in at least this share of the
    /// cells of an 8x8 grid is `image-thumbnail-mismatch`. Default [`THUMBNAIL_CHANGED_SHARE`].
    pub thumbnail_changed_share: f64,
}

/// Cameras and phones write `DateTime`, `DateTimeOriginal` and `DateTimeDigitized` from one
/// clock reading when the shutter fires: equal to the second on every camera-written file of
/// the labelled set (docs/image-forensics.md). A minute's slack absorbs firmware that stamps
/// `DateTime` when the file is closed (burst and HDR modes take seconds); a program that saves
/// the file again stamps its own time, minutes to years later.
pub const RESAVE_SECONDS: i64 = 60;

/// The capture date is a calendar day in the process's time zone (UTC), the EXIF time is the
/// phone's local time: they can fall on neighbouring days for a live capture, never further.
pub const CAPTURE_DAYS: i64 = 1;

/// Encoders pad a picture to whole 8- or 16-pixel blocks and some firmware declares the padded
/// size: a difference of up to one 16-pixel block is no resize.
pub const RESIZE_TOLERANCE_PIXELS: u32 = 16;

/// On the labelled set (docs/image-forensics.md) a picture saved once reaches a fit of 0.79
/// at most (96 pictures, qualities 50..98), a picture saved first at a lower quality than the
/// second 0.9 to 1.0 when it is caught at all: 0.9 keeps every genuine picture clean.
pub const DOUBLE_JPEG_FIT: f64 = 0.9;

/// On the labelled set (docs/image-forensics.md) a camera's thumbnail of its own picture
/// (letterboxed ones included) differs in no cell; a pasted photo changes several cells.
/// Two cells (1/32) is the least that is not one stray cell on an edge.
pub const THUMBNAIL_CHANGED_SHARE: f64 = 2.0 / 64.0;

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            adult_age: ADULT_AGE,
            min_video_seconds: MIN_CAPTURE_SECONDS,
            frozen_motion: FROZEN_MOTION_THRESHOLD,
            same_picture_bits: crate::links::DEFAULT_NEAR_BITS,
            resave_seconds: RESAVE_SECONDS,
            capture_days: CAPTURE_DAYS,
            resize_tolerance_pixels: RESIZE_TOLERANCE_PIXELS,
            double_jpeg_fit: DOUBLE_JPEG_FIT,
            thumbnail_changed_share: THUMBNAIL_CHANGED_SHARE,
        }
    }
}
