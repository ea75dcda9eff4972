//! FFmpeg set-up shared by probing and encoding: one-time initialisation with the log silenced,
//! and the [`MemoryFile`] through which FFmpeg reads untrusted bytes and writes synthesised
//! videos. On Linux it is a memory-backed file (`memfd_create`) that FFmpeg opens by its
//! `/proc/self/fd/N` name: the bytes, a person's face, never reach a disk, and nothing is left
//! behind when the process is killed. Elsewhere it is a private temporary file.

use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
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

/// A file FFmpeg can open by name whose bytes live in memory (on Linux), gone when dropped.
pub(crate) struct MemoryFile {
    file: std::fs::File,
    path: PathBuf,
    /// Keeps the temporary file of systems without memfd.
    #[cfg(not(target_os = "linux"))]
    _temp: tempfile::NamedTempFile,
}

impl MemoryFile {
    /// An empty memory file (for FFmpeg to write into).
    #[cfg(target_os = "linux")]
    pub(crate) fn new() -> Result<MemoryFile, MediaError> {
        use std::os::fd::AsRawFd;
        let fd = rustix::fs::memfd_create("eidscope-video", rustix::fs::MemfdFlags::CLOEXEC)
            .map_err(std::io::Error::from)?;
        let file = std::fs::File::from(fd);
        let path = PathBuf::from(format!("/proc/self/fd/{}", file.as_raw_fd()));
        Ok(MemoryFile { file, path })
    }

    /// An empty private temporary file, where there is no memfd.
    #[cfg(not(target_os = "linux"))]
    pub(crate) fn new() -> Result<MemoryFile, MediaError> {
        let temp = tempfile::Builder::new()
            .prefix("eidscope-video-")
            .tempfile()?;
        Ok(MemoryFile {
            file: temp.reopen()?,
            path: temp.path().to_path_buf(),
            _temp: temp,
        })
    }

    /// A memory file holding `bytes` (for FFmpeg to read).
    pub(crate) fn with(bytes: &[u8]) -> Result<MemoryFile, MediaError> {
        let mut file = MemoryFile::new()?;
        file.file.write_all(bytes)?;
        file.file.flush()?;
        Ok(file)
    }

    /// The name FFmpeg opens.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Everything the file holds (what FFmpeg wrote).
    pub(crate) fn contents(&mut self) -> Result<Vec<u8>, MediaError> {
        let mut bytes = Vec::new();
        self.file.rewind()?;
        self.file.read_to_end(&mut bytes)?;
        Ok(bytes)
    }
}

/// A one-line description of an FFmpeg error.
pub(crate) fn describe(error: &ffmpeg::Error) -> String {
    error.to_string().replace(['\n', '\r'], " ")
}
