//! One input into its rows, in a worker thread: the bundle read at the level the scan asks
//! (the video too when the face engine runs), its report made, its rows built. Never fails and
//! never lets a panic through: an unreadable input, a reader that panics on hostile bytes or a
//! face engine that cannot load becomes one `errors` row.

use super::ScanOptions;
use crate::inputs::Input;
use crate::rows::{RowContext, Rows};
use eidscope_model::{ErrorKind, error_line};
use eidscope_pipeline::Level;

/// Reads one input into its rows. Never fails: an unreadable input is an `errors` row.
pub fn rows_of(input: &Input, options: &ScanOptions) -> Rows {
    if let Some(error) = &input.error {
        return Rows::from_error(&input.path, error.kind(), error_line(error));
    }
    let ctx = RowContext {
        level: options.level,
        shard: options.shard,
        redactor: options.redactor.as_ref(),
        embeddings: options.embeddings,
    };
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // The face engine looks at video frames: the video is read whatever the level.
        let read_level = if faces_wanted(options) {
            Level::Full
        } else {
            options.level
        };
        let bundle = match &input.memory {
            Some(memory) => eidscope_pipeline::open_bytes(
                &input.path,
                &memory.zip,
                memory
                    .process
                    .as_ref()
                    .map(|(name, bytes)| eidscope_pipeline::ProcessBytes {
                        name,
                        bytes,
                        beside: true,
                    }),
                read_level,
            )?,
            None => eidscope_pipeline::open(&input.file, None, read_level)?,
        };
        let mut report = eidscope_pipeline::report(&bundle, options.level, &options.thresholds);
        report.path.clone_from(&input.path);
        #[cfg(feature = "faces")]
        if let Some(engines) = &options.faces
            && let Err(error) = eidscope_pipeline::faces::add_faces(&mut report, &bundle, engines)
        {
            return Ok(Err(error.to_string()));
        }
        let mut rows = Rows::from_report(&report, &ctx);
        if faces_wanted(options) {
            rows.face_embeddings = face_embeddings(&report);
        }
        Ok::<Result<Rows, String>, eidscope_bundle::BundleError>(Ok(rows))
    }));
    match outcome {
        Ok(Ok(Ok(rows))) => rows,
        Ok(Ok(Err(face_error))) => Rows::from_error(
            &input.path,
            ErrorKind::Internal,
            format!("the face engine could not be loaded for this worker: {face_error}"),
        ),
        Ok(Err(error)) => Rows::from_error(&input.path, error.kind(), error.line()),
        Err(_) => Rows::from_error(
            &input.path,
            ErrorKind::Internal,
            "the reader stopped on an internal error (a bug: please report it with this file)"
                .to_owned(),
        ),
    }
}

/// Whether the scan runs the face engine.
#[cfg(feature = "faces")]
fn faces_wanted(options: &ScanOptions) -> bool {
    options.faces.is_some()
}

/// Whether the scan runs the face engine: never without the `faces` feature.
#[cfg(not(feature = "faces"))]
fn faces_wanted(_options: &ScanOptions) -> bool {
    false
}

/// The selfie's and the portrait's embeddings of a report (none without `--faces`).
fn face_embeddings(
    report: &eidscope_model::BundleReport,
) -> Vec<(eidscope_model::FacePicture, Vec<f32>)> {
    let Some(evidence) = &report.faces else {
        return Vec::new();
    };
    evidence
        .pictures
        .iter()
        .filter(|p| p.picture != eidscope_model::FacePicture::VideoFrame)
        .filter_map(|p| Some((p.picture, p.embedding.clone()?)))
        .collect()
}
