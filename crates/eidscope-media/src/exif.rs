//! Provenance metadata: the EXIF tags that say which device or program wrote an image, the
//! program names an XMP packet records, and the list of editing programs whose name in such a
//! tag marks an image as edited.
//!
//! TIFF parsing is kamadak-exif's (it bounds IFD counts and refuses IFD loops). Only a program
//! on [`EDITORS`] counts as an editor: a phone or camera names its firmware in `Software`
//! (`Android`, `iOS 17.1`, `HDR+ 1.0`, `G998BXXU5CVDD`), and that must never read as an edit.

use ::exif::{Field, In, Reader, Tag, Value};
use eidscope_model::media::{ExifSummary, GpsPosition, XmpEvent};

/// Text values longer than this are cut (a hostile tag must not bloat the report).
const MAX_TEXT: usize = 200;

/// Editing programs, each as its display name and the word sequence that identifies it in a
/// lower-cased `Software` / `CreatorTool` value split at non-alphanumeric characters. Whole
/// words, so `Canva` does not match `canvas`.
pub const EDITORS: &[(&str, &[&str])] = &[
    ("Photoshop", &["photoshop"]),
    ("Lightroom", &["lightroom"]),
    ("GIMP", &["gimp"]),
    ("Snapseed", &["snapseed"]),
    ("Pixelmator", &["pixelmator"]),
    ("Affinity", &["affinity"]),
    ("Paint.NET", &["paint", "net"]),
    ("Canva", &["canva"]),
    ("Photopea", &["photopea"]),
    ("Pixlr", &["pixlr"]),
    ("PicsArt", &["picsart"]),
    ("Facetune", &["facetune"]),
    ("FaceApp", &["faceapp"]),
    ("Meitu", &["meitu"]),
    ("AirBrush", &["airbrush"]),
    ("Remini", &["remini"]),
    ("Fotor", &["fotor"]),
    ("Polarr", &["polarr"]),
    ("VSCO", &["vsco"]),
    ("Fireworks", &["fireworks"]),
    ("ImageReady", &["imageready"]),
    ("PaintShop Pro", &["paintshop"]),
    ("PaintShop Pro", &["paint", "shop", "pro"]),
    ("Krita", &["krita"]),
    ("Luminar", &["luminar"]),
    ("Picasa", &["picasa"]),
    ("PhotoDirector", &["photodirector"]),
    ("PhotoScape", &["photoscape"]),
    ("darktable", &["darktable"]),
    ("RawTherapee", &["rawtherapee"]),
    ("Capture One", &["capture", "one"]),
    ("ACDSee", &["acdsee"]),
    ("Adobe Express", &["adobe", "express"]),
];

/// Programs that re-save a picture without editing it: photo libraries and viewers that
/// rotate or re-tag, a camera maker's transfer tools. Their name in `Software` says the file is
/// not as the camera wrote it, not that its content changed ("re-saved", not "edited").
pub const RESAVERS: &[(&str, &[&str])] = &[
    ("Windows Photo Gallery", &["photo", "gallery"]),
    ("Windows Photo Viewer", &["photo", "viewer"]),
    ("Windows Photos", &["microsoft", "windows", "photos"]),
    ("Nikon Transfer", &["nikon", "transfer"]),
    ("ViewNX", &["viewnx"]),
    ("CAMEDIA Master", &["camedia", "master"]),
    ("Olympus Master", &["olympus", "master"]),
    ("ZoomBrowser", &["zoombrowser"]),
    (
        "Digital Photo Professional",
        &["digital", "photo", "professional"],
    ),
    ("Apple Photos", &["photos", "app"]),
    ("iPhoto", &["iphoto"]),
    ("Shotwell", &["shotwell"]),
    ("digiKam", &["digikam"]),
    ("XnView", &["xnview"]),
    ("IrfanView", &["irfanview"]),
    ("FastStone", &["faststone"]),
    ("ExifTool", &["exiftool"]),
];

/// The re-saving program a `Software`-like value names, if any (and no editor: an editor's
/// name wins).
pub fn resaver_named(software: &str) -> Option<&'static str> {
    if editor_named(software).is_some() {
        return None;
    }
    named_in(RESAVERS, software)
}

/// The editing program a `Software`-like value names, if any.
pub fn editor_named(software: &str) -> Option<&'static str> {
    named_in(EDITORS, software)
}

fn named_in(programs: &[(&'static str, &[&str])], software: &str) -> Option<&'static str> {
    let lower = software.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    programs
        .iter()
        .find(|(_, pattern)| words.windows(pattern.len()).any(|w| w == *pattern))
        .map(|(name, _)| *name)
}

/// Reads the provenance tags of EXIF (TIFF) data, as far as it parses; `None` when nothing
/// parses at all.
pub fn summarise(tiff: &[u8]) -> Option<ExifSummary> {
    let exif = Reader::new()
        .continue_on_error(true)
        .read_raw(tiff.to_vec())
        .or_else(|e| e.distill_partial_result(|_| {}))
        .ok()?;
    let text = |tag| exif.get_field(tag, In::PRIMARY).and_then(ascii);
    let number = |tag, ifd| {
        exif.get_field(tag, ifd)
            .and_then(|f: &Field| f.value.get_uint(0))
    };
    Some(ExifSummary {
        make: text(Tag::Make),
        model: text(Tag::Model),
        software: text(Tag::Software),
        date_taken: text(Tag::DateTimeOriginal).or_else(|| text(Tag::DateTimeDigitized)),
        date_time_original: text(Tag::DateTimeOriginal),
        date_time_digitized: text(Tag::DateTimeDigitized),
        date_time_modified: text(Tag::DateTime),
        offset_time_original: text(Tag::OffsetTimeOriginal),
        offset_time_digitized: text(Tag::OffsetTimeDigitized),
        offset_time_modified: text(Tag::OffsetTime),
        pixel_width: number(Tag::PixelXDimension, In::PRIMARY),
        pixel_height: number(Tag::PixelYDimension, In::PRIMARY),
        orientation: number(Tag::Orientation, In::PRIMARY),
        thumbnail_bytes: number(Tag::JPEGInterchangeFormatLength, In::THUMBNAIL).map(u64::from),
        gps: gps_position(&exif),
    })
}

/// The GPS position of the EXIF GPS IFD: latitude and longitude as degrees, minutes and
/// seconds with their hemisphere, the altitude with its reference. `None` unless both
/// coordinates are there and in range.
fn gps_position(exif: &::exif::Exif) -> Option<GpsPosition> {
    let rationals = |tag| match exif.get_field(tag, In::PRIMARY).map(|f| &f.value) {
        Some(Value::Rational(parts)) => Some(parts.iter().map(|r| r.to_f64()).collect::<Vec<_>>()),
        _ => None,
    };
    let hemisphere = |tag| {
        exif.get_field(tag, In::PRIMARY)
            .and_then(ascii)
            .and_then(|s| s.chars().next())
    };
    let degrees = |tag, reference, negative: char, limit: f64| {
        let dms = rationals(tag)?;
        let value =
            dms.first()? + dms.get(1).unwrap_or(&0.0) / 60.0 + dms.get(2).unwrap_or(&0.0) / 3600.0;
        let signed = if hemisphere(reference)?.eq_ignore_ascii_case(&negative) {
            -value
        } else {
            value
        };
        (signed.is_finite() && signed.abs() <= limit).then_some(signed)
    };
    let altitude = rationals(Tag::GPSAltitude)
        .and_then(|a| a.first().copied())
        .filter(|a| a.is_finite())
        .map(|a| {
            let below = exif
                .get_field(Tag::GPSAltitudeRef, In::PRIMARY)
                .and_then(|f| f.value.get_uint(0))
                == Some(1);
            if below { -a } else { a }
        });
    Some(GpsPosition {
        latitude: degrees(Tag::GPSLatitude, Tag::GPSLatitudeRef, 'S', 90.0)?,
        longitude: degrees(Tag::GPSLongitude, Tag::GPSLongitudeRef, 'W', 180.0)?,
        altitude,
    })
}

/// The first non-empty string of an ASCII field, trimmed and cut to [`MAX_TEXT`].
fn ascii(field: &Field) -> Option<String> {
    let Value::Ascii(strings) = &field.value else {
        return None;
    };
    strings
        .iter()
        .map(|s| clean_text(&String::from_utf8_lossy(s)))
        .find(|s| !s.is_empty())
}

fn clean_text(raw: &str) -> String {
    raw.trim_matches(|c: char| c == '\0' || c.is_whitespace())
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_TEXT)
        .collect()
}

/// The program names an XMP packet records: `xmp:CreatorTool` and the `stEvt:softwareAgent` of
/// its history, as attributes or elements, in order of appearance (at most 16).
pub fn xmp_tools(packet: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(packet);
    let mut tools = Vec::new();
    for key in ["CreatorTool", "softwareAgent"] {
        let mut rest: &str = &text;
        while let Some(at) = rest.find(key) {
            rest = &rest[at + key.len()..];
            if let Some(value) = value_after_key(rest) {
                let value = clean_text(value);
                if !value.is_empty() && !tools.contains(&value) {
                    tools.push(value);
                }
            }
            if tools.len() >= 16 {
                return tools;
            }
        }
    }
    tools
}

/// At most this many XMP history events are read.
pub const MAX_XMP_EVENTS: usize = 64;

/// The events of an XMP packet's history (`xmpMM:History`, one `rdf:li` per event, with its
/// `stEvt:` fields as attributes or elements), in order, at most [`MAX_XMP_EVENTS`].
pub fn xmp_history(packet: &[u8]) -> Vec<XmpEvent> {
    let text = String::from_utf8_lossy(packet);
    let Some(start) = text.find("History") else {
        return Vec::new();
    };
    let history = &text[start..];
    let history = history
        .find("</xmpMM:History")
        .map_or(history, |end| &history[..end]);
    history
        .split("<rdf:li")
        .skip(1)
        .take(MAX_XMP_EVENTS)
        .map(|item| {
            let field = |key: &str| {
                let at = item.find(key)?;
                value_after_key(&item[at + key.len()..])
                    .map(clean_text)
                    .filter(|v| !v.is_empty())
            };
            XmpEvent {
                action: field("stEvt:action"),
                when: field("stEvt:when"),
                software: field("stEvt:softwareAgent"),
                changed: field("stEvt:changed"),
            }
        })
        .filter(|e| e.action.is_some() || e.when.is_some() || e.software.is_some())
        .collect()
}

/// The value following an XML key: `="value"`, `='value'` or `>value<`.
fn value_after_key(rest: &str) -> Option<&str> {
    let rest = rest.trim_start();
    if let Some(after) = rest.strip_prefix('=') {
        let after = after.trim_start();
        let quote = after.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let body = &after[1..];
        return body.find(quote).map(|end| &body[..end]);
    }
    let body = rest.strip_prefix('>')?;
    body.find('<').map(|end| &body[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editors_are_named_and_firmware_is_not() {
        assert_eq!(
            editor_named("Adobe Photoshop 24.0 (Windows)"),
            Some("Photoshop")
        );
        assert_eq!(editor_named("GIMP 2.10.34"), Some("GIMP"));
        assert_eq!(editor_named("paint.net 5.0.9"), Some("Paint.NET"));
        assert_eq!(
            editor_named("Adobe Lightroom Classic 13.0"),
            Some("Lightroom")
        );
        for firmware in [
            "Android",
            "iOS 17.1",
            "HDR+ 1.0",
            "G998BXXU5CVDD",
            "Ver.1.00",
            "",
        ] {
            assert_eq!(editor_named(firmware), None, "{firmware}");
        }
        assert_eq!(editor_named("HTML5 Canvas"), None);
    }

    #[test]
    fn xmp_history_actions_and_times() {
        let packet = br#"<xmpMM:History><rdf:Seq>
            <rdf:li stEvt:action="created" stEvt:when="2024-01-02T10:00:00+01:00" stEvt:softwareAgent="Adobe Photoshop 25.1"/>
            <rdf:li><stEvt:action>saved</stEvt:action><stEvt:when>2024-01-03T09:00:00+01:00</stEvt:when>
              <stEvt:softwareAgent>GIMP 2.10</stEvt:softwareAgent><stEvt:changed>/</stEvt:changed></rdf:li>
            </rdf:Seq></xmpMM:History>"#;
        let history = xmp_history(packet);
        assert_eq!(history.len(), 2);
        assert_eq!(history[0].action.as_deref(), Some("created"));
        assert_eq!(history[0].software.as_deref(), Some("Adobe Photoshop 25.1"));
        assert_eq!(
            history[1].when.as_deref(),
            Some("2024-01-03T09:00:00+01:00")
        );
        assert_eq!(history[1].changed.as_deref(), Some("/"));
        assert!(xmp_history(b"<x:xmpmeta/>").is_empty());
        assert!(xmp_history(b"History <rdf:li stEvt:action=").is_empty());
    }

    #[test]
    fn xmp_tools_as_attribute_and_element() {
        let packet = br#"<rdf:Description xmp:CreatorTool="Adobe Photoshop 25.1">
            <stEvt:softwareAgent>GIMP 2.10</stEvt:softwareAgent>"#;
        assert_eq!(xmp_tools(packet), ["Adobe Photoshop 25.1", "GIMP 2.10"]);
        assert!(xmp_tools(b"CreatorTool=").is_empty());
    }
}
