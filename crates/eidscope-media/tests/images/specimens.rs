//! The real ICAO specimen pages in /work/shared/material (skipped when absent).

use eidscope_media::image_info::analyse_image;
use std::path::PathBuf;

fn material() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/material");
    dir.is_dir().then_some(dir)
}

#[test]
fn specimens_are_measured_and_marked_only_where_edited() {
    let Some(dir) = material() else {
        eprintln!("specimen material absent: skipped");
        return;
    };
    // The two passport pages were saved by Paint.NET (their EXIF Software says so): a real
    // mark. The third carries no metadata at all, so nothing may be raised on it.
    let paint_net: &[&str] = &["EXIF Software: Paint.NET v3.5.10"];
    let expected = [
        ("passport-td3.jpg", Some((1334, 880)), paint_net),
        ("passport-td2.jpg", Some((1340, 956)), paint_net),
        ("100_pass-uto.jpg", None, &[][..]),
    ];
    for (name, size, marks) in expected {
        let Ok(bytes) = std::fs::read(dir.join(name)) else {
            eprintln!("{name} absent: skipped");
            continue;
        };
        let info = analyse_image(name, &bytes, true);
        if let Some((w, h)) = size {
            assert_eq!((info.width, info.height), (Some(w), Some(h)), "{name}");
        }
        assert_eq!(info.format, "jpeg");
        assert_eq!(info.decoded, Some(true), "{name}: {:?}", info.decode_error);
        assert_eq!(info.structure_error, None, "{name}");
        assert_eq!(info.editor_marks, marks, "{name}");
        assert!(info.quality.is_some() && info.dhash.is_some() && info.phash.is_some());
        eprintln!(
            "{name}: {:?} quality {:?} exif {:?}",
            info.segments, info.quality, info.exif
        );
    }
}

/// The hashes of the reduced-scale decode lie within a few bits of those of a full decode
/// (a 256-pixel thumbnail of the full RGB picture, as eidscope hashed before): the bound
/// docs/scaling.md documents, measured on the real pages.
#[test]
fn specimen_hashes_stay_near_those_of_a_full_decode() {
    use eidscope_media::decode::decode_image;
    use eidscope_media::hash::{preview_dhash, preview_phash};
    let Some(dir) = material() else {
        eprintln!("specimen material absent: skipped");
        return;
    };
    for name in ["passport-td3.jpg", "passport-td2.jpg", "100_pass-uto.jpg"] {
        let Ok(bytes) = std::fs::read(dir.join(name)) else {
            continue;
        };
        let info = analyse_image(name, &bytes, true);
        let full = decode_image(&bytes).expect("decodes").thumbnail(256, 256);
        let grey = full.to_luma8();
        let d = info.dhash.expect("dhash").distance(preview_dhash(&grey));
        let p = info.phash.expect("phash").distance(preview_phash(&grey));
        eprintln!("{name}: dhash {d} bits, phash {p} bits from a full decode's");
        assert!(d <= 8 && p <= 8, "{name}: dhash {d}, phash {p}");
    }
}
