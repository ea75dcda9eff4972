//! `--faces` on `inspect`, `scan` and `links`: the face engine loaded once before any bundle is
//! read, so that missing or damaged models are one line on standard error (with `make models`
//! and `EIDSCOPE_MODELS` in it) rather than an error per bundle. Without the `faces` feature the
//! switch says this build cannot.

use crate::error::CliError;
use std::path::Path;

#[cfg(feature = "faces")]
pub use eidscope_pipeline::faces::FaceEngines;

/// What [`engines`] loads: the face engines, or nothing in a build without them.
#[cfg(feature = "faces")]
pub type Engines = FaceEngines;
/// What [`engines`] loads: the face engines, or nothing in a build without them.
#[cfg(not(feature = "faces"))]
pub type Engines = std::convert::Infallible;

/// The loaded engines when `wanted`; `input` names the command's input in an error.
#[cfg(feature = "faces")]
pub fn engines(
    wanted: bool,
    _input: &Path,
) -> Result<Option<std::sync::Arc<FaceEngines>>, CliError> {
    if !wanted {
        return Ok(None);
    }
    let engines = FaceEngines::load(eidscope_faces::EngineOptions::default())?;
    Ok(Some(std::sync::Arc::new(engines)))
}

/// Without the `faces` feature: `--faces` is an error naming the feature.
#[cfg(not(feature = "faces"))]
pub fn engines(
    wanted: bool,
    input: &Path,
) -> Result<Option<std::sync::Arc<std::convert::Infallible>>, CliError> {
    if wanted {
        return Err(CliError::NotBuiltIn {
            path: input.to_path_buf(),
            feature: "faces",
            what: "dlib's face recognition",
        });
    }
    Ok(None)
}
