//! `eidscope overlay`: every feature box drawn on the image of its side, one PNG per side, and a
//! contact sheet of every picture with the front overlay the largest; with `--ela`, the error
//! level analysis heat map of each side beside its overlay (`front.ela.png`). The pictures are
//! drawn by `eidscope_pipeline::overlay::draw`, which `report` and the Python package call too.

use crate::cli::OverlayArgs;
use crate::cmd::write_atomically;
use crate::error::CliError;
use eidscope_model::{EntryKind, ExitStatus};
use eidscope_pipeline::overlay::draw;
use eidscope_pipeline::{self as pipeline, Level};
use image::DynamicImage;

pub fn run(args: &OverlayArgs) -> Result<ExitStatus, CliError> {
    let bundle = pipeline::open(&args.bundle, args.process.as_deref(), Level::Full)
        .map_err(|e| CliError::bundle(&args.bundle, e))?;
    std::fs::create_dir_all(&args.out).map_err(|e| CliError::output(&args.out, e))?;
    let drawing = draw(&bundle, &args.bundle, 3);
    for (kind, drawn) in &drawing.sides {
        let path = args.out.join(format!("{kind}.png"));
        write_atomically(&path, &png_bytes(&DynamicImage::ImageRgb8(drawn.clone()))?)?;
        crate::output::outln!("{}", path.display());
        if args.ela
            && let Some(data) = bundle.archive.contents.get(kind)
        {
            write_ela(args, *kind, &data.bytes)?;
        }
    }
    let Some(sheet) = drawing.contact_sheet() else {
        eprintln!("{}: no picture; nothing drawn", args.bundle.display());
        return Ok(ExitStatus::Ok);
    };
    let path = args.out.join("contact-sheet.png");
    write_atomically(&path, &png_bytes(&DynamicImage::ImageRgb8(sheet))?)?;
    crate::output::outln!("{}", path.display());
    eprintln!(
        "wrote {} side overlay(s) and a contact sheet to {}",
        drawing.sides.len(),
        args.out.display()
    );
    Ok(ExitStatus::Ok)
}

/// The ELA heat map of one side beside its overlay; a picture that does not recompress is
/// said on stderr and skipped.
fn write_ela(args: &OverlayArgs, kind: EntryKind, bytes: &[u8]) -> Result<(), CliError> {
    let (map, summary) = match eidscope_media::ela::ela_of(bytes) {
        Ok(found) => found,
        Err(e) => {
            eprintln!("{}: no ELA map of {kind}: {e}", args.bundle.display());
            return Ok(());
        }
    };
    let path = args.out.join(format!("{kind}.ela.png"));
    write_atomically(&path, &png_bytes(&DynamicImage::ImageRgb8(map))?)?;
    crate::output::outln!("{}", path.display());
    eprintln!(
        "{kind}: ELA at quality {}: mean {:.2}, block median {:.2}, 99th percentile {:.2}, unevenness {:.2}",
        summary.quality, summary.mean, summary.block_median, summary.block_p99, summary.unevenness
    );
    Ok(())
}

pub(crate) fn png_bytes(image: &DynamicImage) -> Result<Vec<u8>, CliError> {
    Ok(pipeline::overlay::png_bytes(image)?)
}
