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
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            adult_age: ADULT_AGE,
            min_video_seconds: MIN_CAPTURE_SECONDS,
            frozen_motion: FROZEN_MOTION_THRESHOLD,
            same_picture_bits: crate::links::DEFAULT_NEAR_BITS,
        }
    }
}
