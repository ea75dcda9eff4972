//! The markers of a JPEG up to its first scan, as the coefficient reader needs them: the frame
//! (size, components, sampling, quantisation tables), the Huffman tables, the restart interval
//! and the first scan's components. Every length is checked against the bytes; nothing here
//! decodes data.
//!
//! The walk also notes the first thing that could make libjpeg decode the file otherwise than
//! [`super::reduced`] reproduces, or warn about it, or refuse it ([`Headers::inexact`]): a
//! marker libjpeg does not know, a segment whose length disagrees with its content, a second
//! frame, an Adobe or non-1.x JFIF marker (colour transform, libjpeg's warning), a scan that
//! is not one sequential pass over every component in frame order. libjpeg's decode is then
//! the one that counts, and the reduced picture is not offered.

use super::Unreadable::{self, Damaged, Unsupported};
use super::entropy::Huffman;

/// A frame component: its id, sampling factors and quantisation table.
#[derive(Debug, Clone, Copy)]
pub(super) struct Component {
    pub(super) id: u8,
    pub(super) h: usize,
    pub(super) v: usize,
    pub(super) table: usize,
}

/// A component of the scan: which frame component, and its two tables.
#[derive(Debug, Clone, Copy)]
pub(super) struct ScanComponent {
    pub(super) frame_index: usize,
    pub(super) dc: usize,
    pub(super) ac: usize,
}

/// What the markers before the first scan say.
pub(super) struct Headers {
    pub(super) width: usize,
    pub(super) height: usize,
    pub(super) components: Vec<Component>,
    pub(super) dc_tables: [Option<Box<Huffman>>; 4],
    pub(super) ac_tables: [Option<Box<Huffman>>; 4],
    /// The quantisation tables in force at the first scan, natural order.
    pub(super) quant_tables: [Option<[u16; 64]>; 4],
    pub(super) restart_interval: usize,
    pub(super) scan: Vec<ScanComponent>,
    /// Where the entropy-coded data of the first scan starts.
    pub(super) data_start: usize,
    /// The first reason libjpeg's decode of the file could differ from the reduced picture
    /// read here, or come with a warning; `None` when nothing does.
    pub(super) inexact: Option<&'static str>,
    /// An `APP0 JFIF` segment was seen (libjpeg then takes three components as YCbCr).
    pub(super) jfif: bool,
    /// A frame header was seen.
    framed: bool,
}

impl Headers {
    /// Walks the markers up to the first scan.
    pub(super) fn read(bytes: &[u8]) -> Result<Headers, Unreadable> {
        if !bytes.starts_with(&[0xFF, 0xD8]) {
            return Err(Damaged("no start-of-image marker"));
        }
        let mut headers = Headers {
            width: 0,
            height: 0,
            components: Vec::new(),
            dc_tables: Default::default(),
            ac_tables: Default::default(),
            quant_tables: Default::default(),
            restart_interval: 0,
            scan: Vec::new(),
            data_start: 0,
            inexact: None,
            jfif: false,
            framed: false,
        };
        let mut pos = 2;
        loop {
            if bytes.get(pos) != Some(&0xFF) {
                return Err(Damaged("a marker was expected"));
            }
            while bytes.get(pos) == Some(&0xFF) {
                pos += 1;
            }
            let code = *bytes.get(pos).ok_or(Damaged("ends in the headers"))?;
            pos += 1;
            if matches!(code, 0x01 | 0xD0..=0xD7) {
                continue;
            }
            if matches!(code, 0xD8 | 0xD9) {
                return Err(Damaged("no scan"));
            }
            let length = usize::from(be16(bytes, pos)?);
            let segment = bytes
                .get(pos + 2..pos + length)
                .filter(|_| length >= 2)
                .ok_or(Damaged("a segment runs past the end"))?;
            match code {
                0xC0 | 0xC1 => headers.frame(segment)?,
                0xC2 | 0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => {
                    return Err(Unsupported("not a baseline or sequential Huffman JPEG"));
                }
                0xC4 => headers.huffman_tables(segment)?,
                0xDB => headers.quantisation_tables(segment),
                0xDD => {
                    headers.restart_interval = usize::from(be16(segment, 0)?);
                    headers.note_if(segment.len() != 2, "a restart interval of odd length");
                }
                0xDA => {
                    headers.start_of_scan(segment)?;
                    headers.data_start = pos + length;
                    return Ok(headers);
                }
                0xE0 => headers.app0(segment),
                0xEE if segment.starts_with(b"Adobe") => {
                    headers.note("an Adobe colour transform marker");
                }
                // Application segments and comments libjpeg skips.
                0xE1..=0xEF | 0xFE => {}
                // libjpeg refuses a marker it does not know (JERR_UNKNOWN_MARKER), reads
                // arithmetic conditioning (DAC) and DNL: none of them is ours to judge.
                _ => headers.note("a marker libjpeg does not skip"),
            }
            pos += length;
        }
    }

    /// Notes `reason` as why libjpeg's decode could differ, unless an earlier one was noted.
    fn note(&mut self, reason: &'static str) {
        self.inexact.get_or_insert(reason);
    }

    fn note_if(&mut self, condition: bool, reason: &'static str) {
        if condition {
            self.note(reason);
        }
    }

    /// APP0: a JFIF marker says YCbCr; libjpeg warns about a major version other than 1.
    fn app0(&mut self, segment: &[u8]) {
        if segment.len() >= 14 && segment.starts_with(b"JFIF\0") {
            self.jfif = true;
            self.note_if(segment[5] != 1, "a JFIF version libjpeg warns about");
        }
    }

    /// DQT: one or more tables, read by the structure walk's own parser (`jpeg::parse_dqt`).
    fn quantisation_tables(&mut self, segment: &[u8]) {
        let mut tables = Vec::new();
        let parsed = crate::jpeg::parse_dqt(segment, &mut tables);
        for table in tables {
            self.quant_tables[usize::from(table.id)] = Some(table.values);
        }
        self.note_if(parsed.is_err(), "a quantisation table libjpeg refuses");
    }

    /// SOF0/SOF1: size and components.
    fn frame(&mut self, segment: &[u8]) -> Result<(), Unreadable> {
        self.note_if(self.framed, "a second frame header");
        self.framed = true;
        if segment.first() != Some(&8) {
            return Err(Unsupported("not 8-bit samples"));
        }
        self.height = usize::from(be16(segment, 1)?);
        self.width = usize::from(be16(segment, 3)?);
        if self.width == 0 || self.height == 0 {
            return Err(Unsupported("the height is given after the scan (DNL)"));
        }
        let count = usize::from(*segment.get(5).ok_or(Damaged("short frame header"))?);
        let specs = segment
            .get(6..6 + 3 * count)
            .ok_or(Damaged("short frame header"))?;
        self.components = specs
            .chunks_exact(3)
            .map(|spec| Component {
                id: spec[0],
                h: usize::from(spec[1] >> 4),
                v: usize::from(spec[1] & 0x0F),
                table: usize::from(spec[2]),
            })
            .collect();
        let valid = |c: &Component| (1..=4).contains(&c.h) && (1..=4).contains(&c.v);
        if !(1..=4).contains(&count) || !self.components.iter().all(valid) {
            return Err(Damaged("bad frame components"));
        }
        self.note_if(
            segment.len() != 6 + 3 * count,
            "a frame header of odd length",
        );
        self.note_if(
            self.width > MAX_DIMENSION || self.height > MAX_DIMENSION,
            "a frame over libjpeg's 65,500 pixels",
        );
        let ids = &self.components;
        let repeated = (1..ids.len()).any(|i| ids[..i].iter().any(|c| c.id == ids[i].id));
        let table_over_3 = ids.iter().any(|c| c.table > 3);
        self.note_if(repeated, "two frame components with one id");
        self.note_if(table_over_3, "a frame component's table id over 3");
        Ok(())
    }

    /// DHT: one or more tables.
    fn huffman_tables(&mut self, mut segment: &[u8]) -> Result<(), Unreadable> {
        while let Some((&class_and_id, rest)) = segment.split_first() {
            let counts: [u8; 16] = rest
                .get(..16)
                .and_then(|c| c.try_into().ok())
                .ok_or(Damaged("short Huffman table"))?;
            let total: usize = counts.iter().map(|&c| usize::from(c)).sum();
            self.note_if(total > 256, "a Huffman table of more than 256 symbols");
            let values = rest
                .get(16..16 + total)
                .ok_or(Damaged("short Huffman table"))?;
            let table = Some(Box::new(Huffman::new(&counts, values)?));
            let id = usize::from(class_and_id & 0x0F);
            match (class_and_id >> 4, id) {
                (0, 0..=3) => self.dc_tables[id] = table,
                (1, 0..=3) => self.ac_tables[id] = table,
                _ => return Err(Damaged("bad Huffman table class or id")),
            }
            segment = &rest[16 + total..];
        }
        Ok(())
    }

    /// SOS: the components of the scan and their tables.
    fn start_of_scan(&mut self, segment: &[u8]) -> Result<(), Unreadable> {
        if self.components.is_empty() {
            return Err(Damaged("a scan before the frame header"));
        }
        let count = usize::from(*segment.first().ok_or(Damaged("short scan header"))?);
        let specs = segment
            .get(1..1 + 2 * count)
            .ok_or(Damaged("short scan header"))?;
        for spec in specs.chunks_exact(2) {
            let frame_index = self
                .components
                .iter()
                .position(|c| c.id == spec[0])
                .ok_or(Damaged("a scan component the frame does not have"))?;
            let (dc, ac) = (usize::from(spec[1] >> 4), usize::from(spec[1] & 0x0F));
            if dc > 3 || ac > 3 {
                return Err(Damaged("bad table id in the scan header"));
            }
            self.scan.push(ScanComponent {
                frame_index,
                dc,
                ac,
            });
        }
        if !(1..=4).contains(&count) {
            return Err(Damaged("bad scan component count"));
        }
        self.note_if(
            segment.len() != 4 + 2 * count,
            "a scan header of odd length",
        );
        // libjpeg warns about a sequential scan whose spectral selection or successive
        // approximation is not the whole block (JWRN_NOT_SEQUENTIAL).
        self.note_if(
            segment.get(1 + 2 * count..) != Some(&[0, 63, 0][..]),
            "a scan header that is not one sequential pass",
        );
        self.note_if(
            count != self.components.len()
                || self
                    .scan
                    .iter()
                    .enumerate()
                    .any(|(i, c)| c.frame_index != i),
            "a first scan without every component in frame order",
        );
        if !self.scan.iter().any(|c| c.frame_index == 0) {
            return Err(Unsupported("the luma is not in the first scan"));
        }
        Ok(())
    }
}

/// The largest width or height libjpeg decodes (`JPEG_MAX_DIMENSION`).
const MAX_DIMENSION: usize = 65_500;

fn be16(bytes: &[u8], at: usize) -> Result<u16, Unreadable> {
    bytes
        .get(at..at + 2)
        .map(|b| u16::from_be_bytes([b[0], b[1]]))
        .ok_or(Damaged("ends in the headers"))
}
