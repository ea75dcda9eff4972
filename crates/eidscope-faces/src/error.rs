//! The face engine's errors: one enum, each variant carrying what the user needs to act on it.
//!
//! Worded here, built where the problem is found. A missing model names the folder searched and
//! the command that fetches the models; nothing here ever holds image pixels or embeddings.

use std::path::PathBuf;

/// Why the face engine could not load or could not look at a picture.
#[derive(Debug, thiserror::Error)]
pub enum FaceError {
    /// A model file is absent from the model folder.
    #[error(
        "face model {file} not found in {dir} (looked there because {source_of_dir}); \
         fetch the models with `make models` (or scripts/fetch-faces.sh models), \
         or point EIDSCOPE_MODELS at a folder that holds them"
    )]
    ModelMissing {
        /// The file name looked for.
        file: &'static str,
        /// The folder searched.
        dir: PathBuf,
        /// Why that folder: `EIDSCOPE_MODELS`, the default cache, or the caller's choice.
        source_of_dir: &'static str,
    },
    /// A model file is present but is not the file eidscope was built against.
    #[error(
        "face model {path} has SHA-256 {found}, expected {expected}: a different or damaged \
         file; delete it and fetch the models again with `make models`"
    )]
    ModelChecksum {
        /// The file checked.
        path: PathBuf,
        /// Its digest.
        found: String,
        /// The digest recorded in `models.sha256`.
        expected: &'static str,
    },
    /// dlib refused to deserialise a model file that passed its checksum (should not happen).
    #[error("dlib could not load face model {path}: {message}")]
    ModelLoad {
        /// The file.
        path: PathBuf,
        /// dlib's message.
        message: String,
    },
    /// Reading a model file failed.
    #[error("reading face model {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// The picture is too small, too large or not a whole RGB buffer.
    #[error("picture not usable for faces: {0}")]
    Picture(String),
}
