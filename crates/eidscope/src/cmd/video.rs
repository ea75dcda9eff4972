//! `eidscope video`: the capture video probed and decoded, as text (ending in its verdict:
//! `frozen: motion 0.03 < 0.2`) or JSON, with an optional strip of evenly spaced frames, each
//! written as a PNG and named on standard error with its time in the video.

use crate::cli::VideoArgs;
use crate::error::CliError;
use eidscope_model::ExitStatus;

#[cfg(feature = "video")]
pub fn run(args: &VideoArgs) -> Result<ExitStatus, CliError> {
    use crate::cmd::overlay::png_bytes;
    use crate::cmd::write_atomically;
    use eidscope_model::EntryKind;
    use eidscope_pipeline::{self as pipeline, Level};

    let bundle = pipeline::open(&args.bundle, None, Level::Full)
        .map_err(|e| CliError::bundle(&args.bundle, e))?;
    let Some(data) = bundle.archive.contents.get(&EntryKind::Video) else {
        return Err(CliError::NoVideo {
            path: args.bundle.clone(),
        });
    };
    let strip = if args.frames.is_some() {
        usize::from(args.count)
    } else {
        0
    };
    let limits = eidscope_media::video::VideoLimits::default();
    let (info, frames) =
        eidscope_media::video::probe_video(&data.name, &data.bytes, &limits, strip);
    if args.json {
        crate::output::outln!("{}", serde_json::to_string_pretty(&info)?);
    } else {
        crate::output::text(&crate::render::video(&info));
    }
    if let Some(dir) = &args.frames {
        std::fs::create_dir_all(dir).map_err(|e| CliError::output(dir, e))?;
        if frames.len() < strip {
            eprintln!(
                "{}: {} of {strip} frames written: {}",
                args.bundle.display(),
                frames.len(),
                info.error
                    .as_deref()
                    .unwrap_or("the video has no more frames")
            );
        }
        for (i, frame) in frames.into_iter().enumerate() {
            let path = dir.join(format!("frame-{:02}.png", i + 1));
            let image = image::DynamicImage::ImageRgb8(frame.picture);
            write_atomically(&path, &png_bytes(&image)?)?;
            match frame.seconds {
                Some(seconds) => eprintln!("{}\t{seconds:.2} s", path.display()),
                None => eprintln!("{}", path.display()),
            }
        }
    }
    Ok(ExitStatus::Ok)
}

#[cfg(not(feature = "video"))]
pub fn run(args: &VideoArgs) -> Result<ExitStatus, CliError> {
    Err(CliError::NotBuiltIn {
        path: args.bundle.clone(),
        feature: "video",
        what: "FFmpeg",
    })
}
