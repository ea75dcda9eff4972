//! The JPEG marker walk: segments in file order, the frame size, the quantisation tables, the
//! APPn payloads that carry provenance (EXIF, XMP, Photoshop, Adobe, Ducky), and whether the file
//! ends where it should (end-of-image marker, bytes after it). The entropy-coded data is stepped
//! over, not decoded, but what no intact scan holds is recorded (`scan_errors`).
//!
//! Headers only: pixels are never decoded here. Every length is checked against the bytes, so a
//! hostile or cut file yields a [`JpegStructure::structure_error`], never a panic; the work and
//! the memory are linear in the input (the listed segments are capped).

pub mod coefficients;
mod quality;
pub mod resources;

pub use quality::estimate_quality;
pub(crate) use quality::standard_luma_table;

use crate::MediaError;

/// At most this many segments are listed; the rest are counted in one closing entry.
pub const MAX_LISTED_SEGMENTS: usize = 256;

/// One quantisation table as the file defines it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuantTable {
    /// The table slot (0..=3) components refer to.
    pub id: u8,
    /// 8 or 16 bits per entry.
    pub precision: u8,
    /// The 64 entries in natural (row-major) order, de-zigzagged.
    pub values: [u16; 64],
}

/// One component of the frame header (SOFn).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameComponent {
    /// Component id (1 = Y in JFIF).
    pub id: u8,
    /// The quantisation table slot this component uses.
    pub table_id: u8,
    /// The sampling factors, horizontal in the high nibble, vertical in the low one.
    pub sampling: u8,
}

/// What the marker walk found. Payload slices borrow the input bytes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JpegStructure<'a> {
    /// Width from the first frame header.
    pub width: Option<u32>,
    /// Height from the first frame header (`None` when 0, i.e. defined by a DNL marker).
    pub height: Option<u32>,
    /// Markers after SOI in file order: `APP0 JFIF`, `APP1 Exif`, `DQT`, `SOF0`, `SOS`, `EOI`.
    pub segments: Vec<String>,
    /// Quantisation tables in slot order, as last defined.
    pub quant_tables: Vec<QuantTable>,
    /// The components of the first frame header.
    pub components: Vec<FrameComponent>,
    /// The TIFF data of the first `APP1 Exif` segment (after `Exif\0\0`).
    pub exif: Option<&'a [u8]>,
    /// The XMP packets (`APP1` with the Adobe XMP namespace), headers stripped.
    pub xmp: Vec<&'a [u8]>,
    /// Whether an `APP13 Photoshop 3.0` (image resource block) segment is present.
    pub photoshop_app13: bool,
    /// The image resources of the first `APP13 Photoshop 3.0` segment (after its header).
    pub photoshop_resources: Option<&'a [u8]>,
    /// The first `APP2 ICC_PROFILE` chunk's profile bytes (after its 14-byte header).
    pub icc_profile: Option<&'a [u8]>,
    /// Whether an `APP14 Adobe` segment is present (colour-transform flag; many encoders).
    pub adobe_app14: bool,
    /// Whether an `APP12 Ducky` segment is present (Photoshop "Save for Web").
    pub ducky_app12: bool,
    /// Whether the end-of-image marker was reached.
    pub eoi: bool,
    /// Bytes after the end-of-image marker.
    pub trailing_bytes: Option<u64>,
    /// Why the walk stopped early (cut segment, scan data ending before EOI, no EOI).
    pub structure_error: Option<String>,
    /// Damage inside the entropy-coded data the walk stepped over: a restart marker out of
    /// sequence, a marker code no encoder writes inside a scan. At most [`MAX_SCAN_ERRORS`]
    /// are kept (the count of the rest closes the list).
    pub scan_errors: Vec<String>,
    /// Whether an `APP2 MPF` (CIPA multi-picture format) index is present: the pictures after
    /// the end-of-image marker are then the camera's own previews.
    pub mpf_app2: bool,
}

/// At most this many scan errors are described; the rest are counted.
pub const MAX_SCAN_ERRORS: usize = 8;

/// Whether the bytes start like a JPEG (SOI followed by a marker).
pub fn is_jpeg(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xD8, 0xFF])
}

/// Walks the markers of a JPEG. Fails only when the bytes are not a JPEG at all; a file that
/// is cut or malformed further on gives what was read plus a `structure_error`.
pub fn parse(bytes: &[u8]) -> Result<JpegStructure<'_>, MediaError> {
    if !is_jpeg(bytes) {
        return Err(MediaError::Corrupt(
            "not a JPEG: no start-of-image marker".into(),
        ));
    }
    let mut walk = Walk {
        bytes,
        pos: 2,
        found: JpegStructure::default(),
        listed: 0,
    };
    if let Err(reason) = walk.run() {
        walk.found.structure_error = Some(reason);
    }
    if walk.listed > MAX_LISTED_SEGMENTS {
        let more = walk.listed - MAX_LISTED_SEGMENTS;
        walk.found.segments.push(format!("... {more} more"));
    }
    Ok(walk.found)
}

struct Walk<'a> {
    bytes: &'a [u8],
    pos: usize,
    found: JpegStructure<'a>,
    listed: usize,
}

impl<'a> Walk<'a> {
    fn run(&mut self) -> Result<(), String> {
        loop {
            let marker = self.next_marker()?;
            let name = marker_name(marker);
            match marker {
                0xD9 => {
                    self.list(name);
                    self.found.eoi = true;
                    let rest = self.bytes.len().saturating_sub(self.pos);
                    self.found.trailing_bytes = Some(rest as u64);
                    return Ok(());
                }
                // Stand-alone markers: no length follows.
                0xD8 | 0xD0..=0xD7 | 0x01 => {
                    self.list(name);
                    continue;
                }
                _ => {}
            }
            let payload = self.segment_payload(&name)?;
            match marker {
                0xDB => parse_dqt(payload, &mut self.found.quant_tables)?,
                0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => {
                    self.frame_header(payload, &name)?;
                }
                0xE0..=0xEF => {
                    let label = self.app_segment(marker, payload);
                    self.list(match label {
                        Some(label) => format!("{name} {label}"),
                        None => name,
                    });
                    continue;
                }
                0xDA => {
                    self.list(name);
                    let mut errors = ScanErrors::default();
                    let end = skip_entropy_data(self.bytes, self.pos, &mut errors);
                    self.found.scan_errors.extend(errors.described);
                    if errors.more > 0 {
                        self.found
                            .scan_errors
                            .push(format!("... {} more scan errors", errors.more));
                    }
                    self.pos = end.ok_or_else(|| {
                        "scan data ends before the end-of-image marker".to_string()
                    })?;
                    continue;
                }
                _ => {}
            }
            self.list(name);
        }
    }

    /// Moves past the next marker and returns its code; stray bytes and fill bytes are skipped.
    fn next_marker(&mut self) -> Result<u8, String> {
        let missing_eoi = || "ends before the end-of-image marker".to_string();
        loop {
            let rest = self.bytes.get(self.pos..).ok_or_else(missing_eoi)?;
            let skip = rest
                .iter()
                .position(|&b| b == 0xFF)
                .ok_or_else(missing_eoi)?;
            self.pos += skip;
            while self.bytes.get(self.pos + 1) == Some(&0xFF) {
                self.pos += 1;
            }
            let code = *self.bytes.get(self.pos + 1).ok_or_else(missing_eoi)?;
            self.pos += 2;
            // 0xFF00 outside a scan is a stray stuffed byte, not a marker.
            if code != 0x00 {
                return Ok(code);
            }
        }
    }

    fn segment_payload(&mut self, name: &str) -> Result<&'a [u8], String> {
        let length = read_u16(self.bytes, self.pos)
            .ok_or_else(|| format!("{name} segment cut short in its length"))?;
        if length < 2 {
            return Err(format!("{name} segment declares length {length}"));
        }
        let end = self.pos + usize::from(length);
        let payload = self
            .bytes
            .get(self.pos + 2..end)
            .ok_or_else(|| format!("{name} segment cut short"))?;
        self.pos = end;
        Ok(payload)
    }

    fn frame_header(&mut self, payload: &[u8], name: &str) -> Result<(), String> {
        let malformed = || format!("{name} frame header malformed");
        let height = read_u16(payload, 1).ok_or_else(malformed)?;
        let width = read_u16(payload, 3).ok_or_else(malformed)?;
        let count = usize::from(*payload.get(5).ok_or_else(malformed)?);
        let specs = payload.get(6..6 + 3 * count).ok_or_else(malformed)?;
        // The first frame header describes the image; a second one is listed, not used.
        if self.found.width.is_none() {
            self.found.width = Some(u32::from(width));
            self.found.height = (height > 0).then_some(u32::from(height));
            self.found.components = specs
                .chunks_exact(3)
                .map(|spec| FrameComponent {
                    id: spec[0],
                    sampling: spec[1],
                    table_id: spec[2],
                })
                .collect();
        }
        Ok(())
    }

    /// Records what an APPn payload is and keeps the ones that matter; returns its label.
    fn app_segment(&mut self, marker: u8, payload: &'a [u8]) -> Option<String> {
        const XMP: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
        const XMP_EXTENSION: &[u8] = b"http://ns.adobe.com/xmp/extension/\0";
        let found = &mut self.found;
        match marker {
            0xE1 if payload.starts_with(b"Exif\0") => {
                if found.exif.is_none() {
                    found.exif = payload.get(6..);
                }
                return Some("Exif".into());
            }
            0xE1 if payload.starts_with(XMP) => {
                found.xmp.push(&payload[XMP.len()..]);
                return Some("XMP".into());
            }
            0xE1 if payload.starts_with(XMP_EXTENSION) => {
                return Some("XMP extension".into());
            }
            0xE2 if payload.starts_with(b"ICC_PROFILE\0") => {
                if found.icc_profile.is_none() {
                    found.icc_profile = payload.get(14..);
                }
                return Some("ICC".into());
            }
            0xE2 if payload.starts_with(b"MPF\0") => {
                found.mpf_app2 = true;
                return Some("MPF".into());
            }
            0xEC if payload.starts_with(b"Ducky") => found.ducky_app12 = true,
            0xED if payload.starts_with(b"Photoshop 3.0\0") => {
                found.photoshop_app13 = true;
                if found.photoshop_resources.is_none() {
                    found.photoshop_resources = payload.get(14..);
                }
                return Some("Photoshop".into());
            }
            0xEE if payload.starts_with(b"Adobe") => found.adobe_app14 = true,
            _ => {}
        }
        printable_label(payload)
    }

    fn list(&mut self, entry: String) {
        self.listed += 1;
        if self.listed <= MAX_LISTED_SEGMENTS {
            self.found.segments.push(entry);
        }
    }
}

/// The leading printable ASCII of a payload (the identifier most APPn segments start with).
fn printable_label(payload: &[u8]) -> Option<String> {
    let label: String = payload
        .iter()
        .take(32)
        .take_while(|&&b| (0x20..0x7F).contains(&b))
        .map(|&b| char::from(b))
        .collect();
    let label = label.trim();
    (!label.is_empty()).then(|| label.to_string())
}

/// Parses a DQT payload (one or more tables) into `tables`, replacing redefined slots.
pub(crate) fn parse_dqt(payload: &[u8], tables: &mut Vec<QuantTable>) -> Result<(), String> {
    let mut rest = payload;
    while let Some((&spec, body)) = rest.split_first() {
        let precision = if spec >> 4 == 0 { 8 } else { 16 };
        let id = spec & 0x0F;
        if spec >> 4 > 1 || id > 3 {
            return Err(format!("DQT table specification 0x{spec:02X} invalid"));
        }
        let size = if precision == 8 { 64 } else { 128 };
        let entries = body.get(..size).ok_or("DQT table cut short")?;
        let mut values = [0u16; 64];
        for (zigzag, &natural) in NATURAL_ORDER.iter().enumerate() {
            values[usize::from(natural)] = if precision == 8 {
                u16::from(entries[zigzag])
            } else {
                u16::from_be_bytes([entries[2 * zigzag], entries[2 * zigzag + 1]])
            };
        }
        let table = QuantTable {
            id,
            precision,
            values,
        };
        match tables.iter_mut().find(|t| t.id == id) {
            Some(slot) => *slot = table,
            None => tables.push(table),
        }
        rest = &body[size..];
    }
    tables.sort_by_key(|t| t.id);
    Ok(())
}

/// The damage [`skip_entropy_data`] saw, described up to [`MAX_SCAN_ERRORS`].
#[derive(Default)]
struct ScanErrors {
    described: Vec<String>,
    more: usize,
}

impl ScanErrors {
    fn push(&mut self, at: usize, what: String) {
        if self.described.len() < MAX_SCAN_ERRORS {
            self.described.push(format!("{what} at byte {at}"));
        } else {
            self.more += 1;
        }
    }
}

/// Returns the position of the marker that ends the entropy-coded data starting at `start`,
/// or `None` when the bytes end first. Stuffed bytes (`FF 00`), restart markers and fill
/// bytes belong to the scan. Restart markers must come in the cycle RST0..RST7 from RST0; a
/// code that is no marker (`FF 02`..`FF BF`) cannot end a scan: both are recorded in `errors`
/// and the walk goes on (libjpeg resynchronises and fills the lost blocks with grey).
fn skip_entropy_data(bytes: &[u8], start: usize, errors: &mut ScanErrors) -> Option<usize> {
    let mut i = start;
    let mut next_restart = 0u8;
    loop {
        i += bytes.get(i..)?.iter().position(|&b| b == 0xFF)?;
        match *bytes.get(i + 1)? {
            0x00 => i += 2,
            code @ 0xD0..=0xD7 => {
                let number = code - 0xD0;
                if number != next_restart {
                    errors.push(
                        i,
                        format!("restart marker RST{number} where RST{next_restart} was due"),
                    );
                }
                next_restart = (number + 1) % 8;
                i += 2;
            }
            0xFF => i += 1,
            code @ 0x02..=0xBF => {
                errors.push(i, format!("marker code 0x{code:02X} inside the scan data"));
                i += 2;
            }
            _ => return Some(i),
        }
    }
}

fn read_u16(bytes: &[u8], at: usize) -> Option<u16> {
    let pair = bytes.get(at..at.checked_add(2)?)?;
    Some(u16::from_be_bytes([pair[0], pair[1]]))
}

/// The usual name of a marker code (`SOF2`, `DHT`, `APP1`, ...).
pub fn marker_name(code: u8) -> String {
    match code {
        0xC4 => "DHT".into(),
        0xC8 => "JPG".into(),
        0xCC => "DAC".into(),
        0xC0..=0xCF => format!("SOF{}", code - 0xC0),
        0xD0..=0xD7 => format!("RST{}", code - 0xD0),
        0xD8 => "SOI".into(),
        0xD9 => "EOI".into(),
        0xDA => "SOS".into(),
        0xDB => "DQT".into(),
        0xDC => "DNL".into(),
        0xDD => "DRI".into(),
        0xDE => "DHP".into(),
        0xDF => "EXP".into(),
        0xE0..=0xEF => format!("APP{}", code - 0xE0),
        0xF0..=0xFD => format!("JPG{}", code - 0xF0),
        0xFE => "COM".into(),
        0x01 => "TEM".into(),
        _ => format!("marker 0x{code:02X}"),
    }
}

/// `NATURAL_ORDER[k]` is the row-major position of the `k`-th coefficient in zigzag order.
pub const NATURAL_ORDER: [u8; 64] = [
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20,
    13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59,
    52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order_is_a_permutation() {
        let mut seen = [false; 64];
        for &n in &NATURAL_ORDER {
            seen[usize::from(n)] = true;
        }
        assert!(seen.iter().all(|&s| s));
    }

    #[test]
    fn entropy_skip_keeps_stuffed_bytes_and_restarts() {
        let skip = |scan: &[u8]| {
            let mut errors = ScanErrors::default();
            (skip_entropy_data(scan, 0, &mut errors), errors.described)
        };
        let scan = [0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56, 0xFF, 0xFF, 0xD9];
        assert_eq!(skip(&scan), (Some(8), vec![]));
        assert_eq!(skip(&scan[..7]).0, None);
        assert_eq!(skip(&[0x12, 0xFF]).0, None);
    }

    #[test]
    fn entropy_skip_records_restarts_out_of_sequence_and_bogus_markers() {
        let mut errors = ScanErrors::default();
        let scan = [
            0x12, 0xFF, 0xD0, 0x34, 0xFF, 0x9F, 0x56, 0xFF, 0xD3, 0x00, 0xFF, 0xD9,
        ];
        assert_eq!(skip_entropy_data(&scan, 0, &mut errors), Some(10));
        assert_eq!(
            errors.described,
            [
                "marker code 0x9F inside the scan data at byte 4",
                "restart marker RST3 where RST1 was due at byte 7",
            ]
        );
    }

    #[test]
    fn cut_segment_is_a_structure_error() {
        let bytes = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F'];
        let found = parse(&bytes).expect("a JPEG start");
        assert_eq!(
            found.structure_error.as_deref(),
            Some("APP0 segment cut short")
        );
        assert!(!found.eoi);
    }
}
