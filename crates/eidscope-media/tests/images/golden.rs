//! Golden images the typst way: reference PNGs under `tests/golden/`, compared by decoded
//! pixels with a tolerance, never by bytes. `EIDSCOPE_UPDATE_GOLDEN=1` rewrites them.

use image::RgbImage;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use std::path::PathBuf;

/// A channel may differ by this much before the pixel counts as different.
const CHANNEL_TOLERANCE: u8 = 8;
/// At most this share of pixels may differ.
const MAX_DIFFERING_SHARE: f64 = 0.002;

/// Compares `actual` with `tests/golden/{name}.png`, or rewrites that file on request.
pub fn check(name: &str, actual: &RgbImage) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(format!("{name}.png"));
    if std::env::var_os("EIDSCOPE_UPDATE_GOLDEN").is_some_and(|v| v == "1") {
        let file = std::fs::File::create(&path).expect("creates the golden image");
        let encoder =
            PngEncoder::new_with_quality(file, CompressionType::Best, FilterType::Adaptive);
        actual
            .write_with_encoder(encoder)
            .expect("writes the golden image");
        return;
    }
    let expected = match image::open(&path) {
        Ok(image) => image.to_rgb8(),
        Err(error) => panic!(
            "golden {} unreadable ({error}); run with EIDSCOPE_UPDATE_GOLDEN=1",
            path.display()
        ),
    };
    let report = |why: String| {
        let out = std::env::temp_dir().join(format!("eidscope-golden-{name}.actual.png"));
        let _ = actual.save(&out);
        panic!("{name}: {why}; actual image written to {}", out.display());
    };
    if expected.dimensions() != actual.dimensions() {
        report(format!(
            "size {:?}, golden {:?}",
            actual.dimensions(),
            expected.dimensions()
        ));
    }
    let differing = expected
        .pixels()
        .zip(actual.pixels())
        .filter(|(e, a)| {
            e.0.iter()
                .zip(a.0)
                .any(|(x, y)| x.abs_diff(y) > CHANNEL_TOLERANCE)
        })
        .count();
    let share = differing as f64 / f64::from(actual.width() * actual.height()).max(1.0);
    if share > MAX_DIFFERING_SHARE {
        report(format!("{differing} pixels differ ({:.3}%)", share * 100.0));
    }
}
