//! Media forensics for eidscope: what the pictures and the video of a bundle say.
//!
//! For every JPEG: the marker structure, EXIF, the quantisation tables and the IJG quality they
//! imply, editor marks, a SHA-256 and perceptual hashes, and a full decode under limits
//! ([`image_info`]). Feature boxes drawn on the document ([`overlay`]). The capture video is
//! probed, decoded and encoded through FFmpeg ([`video`], behind the `video` feature).
//!
//! This crate turns bytes into [`eidscope_model::ImageInfo`] / [`eidscope_model::VideoInfo`]
//! facts and pictures. It never opens zips (the bundle crate hands it bytes) and never decides
//! findings (the analysis crate reads the facts).

pub mod decode;
pub mod double_jpeg;
pub mod ela;
pub mod exif;
pub mod hash;
pub mod image_info;
pub mod jpeg;
pub mod overlay;
pub mod preview;
pub mod thumbnail;
#[cfg(feature = "video")]
pub mod video;

pub use decode::decode_image;
pub use image_info::analyse_image;
pub use overlay::{OverlayHeader, Tile, TileContent, contact_sheet, render_side};

/// Why a media operation failed. The message is one line, fit for a user.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    /// The bytes do not decode as the expected format, or are truncated.
    #[error("does not decode: {0}")]
    Corrupt(String),
    /// A limit on dimensions, allocation, frames or time was hit.
    #[error("over a limit: {0}")]
    Limit(String),
    /// Reading or writing a file failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// FFmpeg failed.
    #[error("ffmpeg: {0}")]
    Ffmpeg(String),
}
