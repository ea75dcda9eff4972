//! The capture video: probed, decoded and encoded through FFmpeg, under limits.
//!
//! [`probe_video`] turns the bytes of a bundle's `video.mp4` into
//! [`eidscope_model::VideoInfo`]: the container, every stream, a real decode of the first video
//! stream (frames, decode errors, motion) and an optional strip of evenly spaced frames.
//! [`encode_mp4`] makes a real MP4 from pictures, for the synthetic bundles and the tests.
//! [`is_frozen`] and [`is_too_short`] hold the two thresholds the video findings use, so that
//! the analysis crate reads a verdict with its evidence instead of re-deriving it.
//!
//! The bytes are untrusted. FFmpeg only ever sees them through a private temporary file (the
//! workspace forbids `unsafe`, so no custom I/O), decoding is capped in frames and in wall time
//! ([`VideoLimits`]), FFmpeg's log is silenced, and nothing here panics or returns an error for
//! bad input: a video that does not open or decode is a fact (`VideoInfo.error`), not a failure.
//! This module never decides findings and never opens zips.

mod decode;
mod encode;
mod probe;
mod runtime;

pub use decode::MAX_PIXELS;
pub use encode::encode_mp4;
pub use probe::{MAX_STRIP_FRAMES, probe_video};

/// One frame of a strip: the picture and its time in the video.
#[derive(Debug, Clone, PartialEq)]
pub struct StripFrame {
    /// Seconds from the start of the stream (from the frame's timestamp, else its index over
    /// the frame rate); `None` when the video says neither.
    pub seconds: Option<f64>,
    /// The frame, RGB, at the decoded size (shrunk to fit 1920 pixels a side).
    pub picture: image::RgbImage,
}

impl StripFrame {
    /// The label of the frame on a contact sheet or a file: `video 1.25 s`, `video #3`.
    pub fn label(&self, number: usize) -> String {
        match self.seconds {
            Some(seconds) => format!("video {seconds:.2} s"),
            None => format!("video #{number}"),
        }
    }
}

/// How much work one video may cost. The caller caps the bytes before calling.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VideoLimits {
    /// At most this many frames of the first video stream are decoded; the facts then cover
    /// that prefix and `VideoInfo.decode_stopped` says so.
    pub max_frames: u64,
    /// Wall-clock budget for opening and decoding one file, seconds. Checked in the decode
    /// loop and by FFmpeg's interrupt callback while it reads.
    pub max_seconds: f64,
}

impl Default for VideoLimits {
    /// 1,800 frames (one minute at 30 fps, longer than a capture video needs) and 20 seconds
    /// (a single-threaded decode of 1,800 720p H.264 frames takes a few seconds).
    fn default() -> Self {
        Self {
            max_frames: 1_800,
            max_seconds: 20.0,
        }
    }
}

pub use eidscope_model::media::{
    FROZEN_MOTION_THRESHOLD, MIN_CAPTURE_SECONDS, is_frozen, is_too_short,
};

#[cfg(test)]
mod tests {
    use super::*;
    use eidscope_model::VideoInfo;
    use eidscope_model::media::StreamInfo;

    #[test]
    fn frozen_needs_a_motion_measurement_below_the_threshold() {
        let mut info = VideoInfo::default();
        assert!(!is_frozen(&info));
        info.motion = Some(FROZEN_MOTION_THRESHOLD / 2.0);
        assert!(is_frozen(&info));
        info.motion = Some(FROZEN_MOTION_THRESHOLD * 2.0);
        assert!(!is_frozen(&info));
        info.motion = Some(f64::NAN);
        assert!(!is_frozen(&info));
    }

    #[test]
    fn too_short_uses_the_container_duration_then_the_frames() {
        let mut info = VideoInfo::default();
        assert!(!is_too_short(&info, MIN_CAPTURE_SECONDS));
        info.duration_seconds = Some(1.0);
        assert!(is_too_short(&info, MIN_CAPTURE_SECONDS));
        info.duration_seconds = Some(5.0);
        assert!(!is_too_short(&info, MIN_CAPTURE_SECONDS));

        info.duration_seconds = None;
        info.frames_decoded = Some(15);
        info.streams.push(StreamInfo {
            kind: "video".into(),
            avg_frame_rate: Some(30.0),
            ..StreamInfo::default()
        });
        assert!(is_too_short(&info, MIN_CAPTURE_SECONDS));
        info.decode_stopped = Some("time cap".into());
        assert!(!is_too_short(&info, MIN_CAPTURE_SECONDS));
    }
}
