//! `eidscope overlay`: every feature box drawn on the image of its side, one PNG per side, and a
//! contact sheet of every picture with the front overlay the largest; with `--ela`, the error
//! level analysis heat map of each side beside its overlay (`front.ela.png`). The pictures are
//! drawn by `eidscope_pipeline::overlay::draw`, which `report` and the Python package call too.

use crate::cli::OverlayArgs;
use crate::cmd::write_atomically;
use crate::error::CliError;
use eidscope_model::ExitStatus;
use eidscope_pipeline::overlay::{ElaSides, draw};
use eidscope_pipeline::{self as pipeline, Level};
use image::DynamicImage;

pub fn run(args: &OverlayArgs) -> Result<ExitStatus, CliError> {
    let bundle = pipeline::open(&args.bundle, args.process.as_deref(), Level::Full)
        .map_err(|e| CliError::bundle(&args.bundle, e))?;
    std::fs::create_dir_all(&args.out).map_err(|e| CliError::output(&args.out, e))?;
    let sides = if args.ela {
        ElaSides::All
    } else {
        ElaSides::None
    };
    let drawing = draw(&bundle, &args.bundle, 3, sides);
    let drawn_sides = drawing.sides.len();
    let (pictures, ela) = drawing.into_pictures();
    let has_sheet = pictures.iter().any(|p| p.name == "contact-sheet");
    for picture in pictures {
        let path = args.out.join(format!("{}.png", picture.name));
        let bytes = png_bytes(&DynamicImage::ImageRgb8(picture.image))?;
        write_atomically(&path, &bytes)?;
        crate::output::outln!("{}", path.display());
    }
    for (kind, outcome) in &ela {
        match outcome {
            Ok(summary) => eprintln!(
                "{kind}: ELA at quality {}: mean {:.2}, block median {:.2}, 99th percentile {:.2}, unevenness {:.2}",
                summary.quality,
                summary.mean,
                summary.block_median,
                summary.block_p99,
                summary.unevenness
            ),
            Err(e) => eprintln!("{}: no ELA map of {kind}: {e}", args.bundle.display()),
        }
    }
    if !has_sheet {
        eprintln!("{}: no picture; nothing drawn", args.bundle.display());
        return Ok(ExitStatus::Ok);
    }
    eprintln!(
        "wrote {} side overlay(s) and a contact sheet to {}",
        drawn_sides,
        args.out.display()
    );
    Ok(ExitStatus::Ok)
}

pub(crate) fn png_bytes(image: &DynamicImage) -> Result<Vec<u8>, CliError> {
    Ok(pipeline::overlay::png_bytes(image)?)
}
