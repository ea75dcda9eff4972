//! FFmpeg set-up shared by probing and encoding: one-time initialisation with the log silenced,
//! and the private temporary file through which FFmpeg reads untrusted bytes.

use std::io::Write;
use std::sync::OnceLock;

use ffmpeg_next as ffmpeg;

use crate::MediaError;

/// Initialises FFmpeg once per process and silences its log, so that hostile input cannot
/// make the library print to the user's terminal. Later calls return the first outcome.
pub(crate) fn ready() -> Result<(), MediaError> {
    static READY: OnceLock<Result<(), String>> = OnceLock::new();
    READY
        .get_or_init(|| {
            ffmpeg::init().map_err(|e| e.to_string())?;
            ffmpeg::util::log::set_level(ffmpeg::util::log::Level::Quiet);
            Ok(())
        })
        .clone()
        .map_err(|e| MediaError::Ffmpeg(format!("cannot initialise: {e}")))
}

/// Writes `bytes` to a new private temporary file, removed when the handle drops.
pub(crate) fn temp_file_with(bytes: &[u8]) -> Result<tempfile::NamedTempFile, MediaError> {
    let mut file = tempfile::Builder::new()
        .prefix("eidscope-video-")
        .tempfile()?;
    file.write_all(bytes)?;
    file.flush()?;
    Ok(file)
}

/// A one-line description of an FFmpeg error.
pub(crate) fn describe(error: &ffmpeg::Error) -> String {
    error.to_string().replace(['\n', '\r'], " ")
}
