//! The quantised DCT coefficients of a JPEG's luma, read from the entropy-coded data without
//! any inverse DCT: what the double-compression analysis ([`crate::double_jpeg`]) judges.
//!
//! Only the low frequencies are kept ([`KEPT`] per block, zigzag order, the DC first), in the
//! blocks' places (`blocks[row * columns + column]`, the padding blocks of the last MCU row and
//! column included): the analysis reads nothing else, so a 640 x 450 document costs 4,500 x 32
//! bytes instead of every coefficient of every component. The chroma blocks are Huffman-decoded
//! (the stream has to be walked) and dropped.
//!
//! Why not the `dct-io` crate, which this replaced: profiled on `scan --level media` (perf, 1,000
//! synthetic bundles) it took about half of all the CPU time. It builds a 65,536-entry lookup
//! table (128 KiB) per Huffman table on every call, and parsed each file twice (coefficients,
//! then `inspect`): eight such tables per picture, whose allocation and page faults cost as much
//! as the decoding, and whose lookups miss the caches. This reader builds libjpeg's
//! two-level tables (a 9-bit lookup, then the canonical code lengths: 1.5 KiB per table) and
//! keeps only what is judged. `cargo test -p eidscope-media coefficients` checks that it reads
//! the same coefficients as dct-io on pictures of every sampling, size, quality and restart
//! interval.
//!
//! What it reads: baseline and extended sequential Huffman JPEG (SOF0, SOF1) with 8-bit
//! samples, the luma in the first scan (interleaved with the chroma, or alone), restart
//! intervals. Progressive, lossless, arithmetic-coded and 12-bit files are [`Unreadable`], as
//! are damaged streams (a code no table holds, a run past the block, a restart marker out of
//! sequence, data that ends early). It never panics and its memory is bounded: at most
//! [`MAX_MCUS`] MCUs and [`MAX_LUMA_BLOCKS`] luma blocks of [`KEPT`] two-byte coefficients, and
//! nothing is allocated for a frame that the data is too short to hold (every block takes at
//! least two bits).

/// Coefficients kept per luma block, in zigzag order from the DC.
pub const KEPT: usize = 16;

/// The most MCUs read: a 12,000 x 9,000 picture has 422,000 (4:2:0) to 1,690,000 (4:4:4).
pub const MAX_MCUS: usize = 1 << 21;

/// The most luma blocks kept (64 MiB of coefficients): a 12,000 x 9,000 picture has 1,690,000.
pub const MAX_LUMA_BLOCKS: usize = 1 << 21;

/// Bits looked up at once when decoding a Huffman code (libjpeg's `HUFF_LOOKAHEAD`).
const FAST_BITS: u32 = 9;

/// The luma's low-frequency coefficients, block by block in their places.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LumaCoefficients {
    /// The blocks, row after row: `blocks[row * columns + column][zigzag]`.
    pub blocks: Vec<[i16; KEPT]>,
    /// Blocks per row (padding blocks included).
    pub columns: usize,
    /// Rows of blocks.
    pub rows: usize,
    /// The picture's width in pixels.
    pub width: u32,
    /// The picture's height in pixels.
    pub height: u32,
}

/// Why the coefficients could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unreadable {
    /// A kind of JPEG this reader does not decode.
    #[error("not read: {0}")]
    Unsupported(&'static str),
    /// The headers or the entropy-coded data are damaged.
    #[error("damaged: {0}")]
    Damaged(&'static str),
}

use Unreadable::{Damaged, Unsupported};

/// Reads the luma's low-frequency coefficients of a baseline JPEG.
pub fn read_luma(bytes: &[u8]) -> Result<LumaCoefficients, Unreadable> {
    let headers = Headers::read(bytes)?;
    decode_scan(bytes, &headers)
}

/// A frame component: its id, sampling factors.
#[derive(Debug, Clone, Copy)]
struct Component {
    id: u8,
    h: usize,
    v: usize,
}

/// A component of the scan: which frame component, and its two tables.
#[derive(Debug, Clone, Copy)]
struct ScanComponent {
    frame_index: usize,
    dc: usize,
    ac: usize,
}

/// What the markers before the first scan say.
struct Headers {
    width: usize,
    height: usize,
    components: Vec<Component>,
    dc_tables: [Option<Box<Huffman>>; 4],
    ac_tables: [Option<Box<Huffman>>; 4],
    restart_interval: usize,
    scan: Vec<ScanComponent>,
    /// Where the entropy-coded data of the first scan starts.
    data_start: usize,
}

impl Headers {
    /// Walks the markers up to the first scan.
    fn read(bytes: &[u8]) -> Result<Headers, Unreadable> {
        if !bytes.starts_with(&[0xFF, 0xD8]) {
            return Err(Damaged("no start-of-image marker"));
        }
        let mut headers = Headers {
            width: 0,
            height: 0,
            components: Vec::new(),
            dc_tables: Default::default(),
            ac_tables: Default::default(),
            restart_interval: 0,
            scan: Vec::new(),
            data_start: 0,
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
                0xDD => headers.restart_interval = usize::from(be16(segment, 0)?),
                0xDA => {
                    headers.start_of_scan(segment)?;
                    headers.data_start = pos + length;
                    return Ok(headers);
                }
                _ => {}
            }
            pos += length;
        }
    }

    /// SOF0/SOF1: size and components.
    fn frame(&mut self, segment: &[u8]) -> Result<(), Unreadable> {
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
            })
            .collect();
        let valid = |c: &Component| (1..=4).contains(&c.h) && (1..=4).contains(&c.v);
        if !(1..=4).contains(&count) || !self.components.iter().all(valid) {
            return Err(Damaged("bad frame components"));
        }
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
        if !self.scan.iter().any(|c| c.frame_index == 0) {
            return Err(Unsupported("the luma is not in the first scan"));
        }
        Ok(())
    }
}

/// Decodes the first scan, keeping the luma's low frequencies.
fn decode_scan(bytes: &[u8], headers: &Headers) -> Result<LumaCoefficients, Unreadable> {
    let h_max = headers.components.iter().map(|c| c.h).max().unwrap_or(1);
    let v_max = headers.components.iter().map(|c| c.v).max().unwrap_or(1);
    let luma = headers.components[0];
    let interleaved = headers.scan.len() > 1;
    // The MCU grid, and the luma blocks in it.
    let (mcu_columns, mcu_rows, columns, rows) = if interleaved {
        let mcu_columns = headers.width.div_ceil(8 * h_max);
        let mcu_rows = headers.height.div_ceil(8 * v_max);
        (
            mcu_columns,
            mcu_rows,
            mcu_columns * luma.h,
            mcu_rows * luma.v,
        )
    } else {
        // A component alone in its scan: one block per MCU over the component's own size.
        let columns = (headers.width * luma.h).div_ceil(h_max).div_ceil(8);
        let rows = (headers.height * luma.v).div_ceil(v_max).div_ceil(8);
        (columns, rows, columns, rows)
    };
    if mcu_columns * mcu_rows > MAX_MCUS || columns * rows > MAX_LUMA_BLOCKS {
        return Err(Unsupported("a frame of more than 2^21 MCUs or luma blocks"));
    }
    let blocks_per_mcu: usize = if interleaved {
        headers
            .scan
            .iter()
            .map(|c| headers.components[c.frame_index].h * headers.components[c.frame_index].v)
            .sum()
    } else {
        1
    };
    // Each block takes at least two bits (a DC code and an end of block).
    let data = bytes.get(headers.data_start..).unwrap_or_default();
    if data.len().saturating_mul(4) < mcu_columns * mcu_rows * blocks_per_mcu {
        return Err(Damaged("the data is too short for the frame"));
    }
    let mut tables = Vec::with_capacity(headers.scan.len());
    for component in &headers.scan {
        let dc = headers.dc_tables[component.dc].as_deref();
        let ac = headers.ac_tables[component.ac].as_deref();
        let frame = headers.components[component.frame_index];
        let (h, v) = if interleaved {
            (frame.h, frame.v)
        } else {
            (1, 1)
        };
        tables.push((
            dc.ok_or(Damaged("a missing DC table"))?,
            ac.ok_or(Damaged("a missing AC table"))?,
            component.frame_index == 0,
            h,
            v,
        ));
    }
    let mut blocks = vec![[0i16; KEPT]; columns * rows];
    let mut predictions = vec![0i32; tables.len()];
    let mut bits = BitReader::new(data);
    let mut discarded = [0i16; KEPT];
    let mut restarts = 0u8;
    for mcu in 0..mcu_columns * mcu_rows {
        if headers.restart_interval > 0 && mcu > 0 && mcu % headers.restart_interval == 0 {
            bits.restart(restarts)?;
            restarts = restarts.wrapping_add(1);
            predictions.iter_mut().for_each(|p| *p = 0);
        }
        let (mcu_column, mcu_row) = (mcu % mcu_columns, mcu / mcu_columns);
        for ((dc, ac, is_luma, h, v), prediction) in tables.iter().zip(predictions.iter_mut()) {
            for within in 0..h * v {
                let block = if *is_luma {
                    let column = mcu_column * h + within % h;
                    let row = mcu_row * v + within / h;
                    blocks
                        .get_mut(row * columns + column)
                        .ok_or(Damaged("a block outside the grid"))?
                } else {
                    &mut discarded
                };
                decode_block(&mut bits, dc, ac, prediction, block)?;
            }
        }
    }
    Ok(LumaCoefficients {
        blocks,
        columns,
        rows,
        width: u32::try_from(headers.width).map_err(|_| Damaged("size"))?,
        height: u32::try_from(headers.height).map_err(|_| Damaged("size"))?,
    })
}

/// Decodes one block, keeping its first [`KEPT`] coefficients (zigzag order) in `kept`.
fn decode_block(
    bits: &mut BitReader<'_>,
    dc: &Huffman,
    ac: &Huffman,
    prediction: &mut i32,
    kept: &mut [i16; KEPT],
) -> Result<(), Unreadable> {
    *kept = [0; KEPT];
    let size = u32::from(bits.decode(dc)?);
    if size > 15 {
        return Err(Damaged("a DC difference too large"));
    }
    let difference = extend(bits.receive(size)?, size);
    *prediction = prediction.wrapping_add(difference);
    kept[0] = saturate(*prediction);
    let mut k = 1;
    while k < 64 {
        // A short code with its value bits: one lookup (stb_image's "fast AC").
        let fast = ac.fast_ac[bits.peek(FAST_BITS) as usize];
        if fast != 0 {
            bits.consume((fast & 0xFF) as u32)?;
            k += ((fast >> 8) & 0xFF) as usize;
            if k > 63 {
                return Err(Damaged("a run past the end of a block"));
            }
            if let Some(slot) = kept.get_mut(k) {
                *slot = (fast >> 16) as i16;
            }
            k += 1;
            continue;
        }
        let symbol = bits.decode(ac)?;
        let (run, size) = (usize::from(symbol >> 4), u32::from(symbol & 0x0F));
        if size == 0 {
            if run == 15 {
                k += 16;
                continue;
            }
            break;
        }
        k += run;
        if k > 63 {
            return Err(Damaged("a run past the end of a block"));
        }
        let value = extend(bits.receive(size)?, size);
        if let Some(slot) = kept.get_mut(k) {
            *slot = saturate(value);
        }
        k += 1;
    }
    Ok(())
}

/// The signed value of `size` received bits (JPEG's EXTEND).
fn extend(value: u32, size: u32) -> i32 {
    if size == 0 {
        return 0;
    }
    let value = value as i32;
    if value < 1 << (size - 1) {
        value - (1 << size) + 1
    } else {
        value
    }
}

fn saturate(value: i32) -> i16 {
    value.clamp(i32::from(i16::MIN), i32::from(i16::MAX)) as i16
}

fn be16(bytes: &[u8], at: usize) -> Result<u16, Unreadable> {
    bytes
        .get(at..at + 2)
        .map(|b| u16::from_be_bytes([b[0], b[1]]))
        .ok_or(Damaged("ends in the headers"))
}

/// A Huffman table in libjpeg's two-level form: codes of up to [`FAST_BITS`] bits looked up at
/// once, longer ones found by their length.
struct Huffman {
    /// `(length << 8) | symbol` for every `FAST_BITS`-bit prefix whose code is that short; 0
    /// where the code is longer.
    fast: [u16; 1 << FAST_BITS],
    /// For an AC table, `(value << 16) | (run << 8) | bits` for every `FAST_BITS`-bit prefix
    /// that holds a whole code and its value bits (`bits` of them); 0 elsewhere.
    fast_ac: [i32; 1 << FAST_BITS],
    /// The largest code of each length (-1 when none).
    max_code: [i32; 17],
    /// The index in `symbols` of each length's first code, minus that code.
    offset: [i32; 17],
    symbols: Vec<u8>,
}

impl Huffman {
    /// The canonical code of a DHT table (counts per length 1..=16, then the symbols).
    fn new(counts: &[u8; 16], symbols: &[u8]) -> Result<Huffman, Unreadable> {
        let mut table = Huffman {
            fast: [0; 1 << FAST_BITS],
            fast_ac: [0; 1 << FAST_BITS],
            max_code: [-1; 17],
            offset: [0; 17],
            symbols: symbols.to_vec(),
        };
        let (mut code, mut index) = (0u32, 0usize);
        for length in 1..=16u32 {
            let count = usize::from(counts[length as usize - 1]);
            table.offset[length as usize] = index as i32 - code as i32;
            for _ in 0..count {
                if code >= 1 << length {
                    return Err(Damaged("a Huffman table with too many codes"));
                }
                if length <= FAST_BITS {
                    let shift = FAST_BITS - length;
                    let first = (code << shift) as usize;
                    let entry = ((length as u16) << 8) | u16::from(symbols[index]);
                    table.fast[first..first + (1 << shift)].fill(entry);
                }
                code += 1;
                index += 1;
            }
            if count > 0 {
                table.max_code[length as usize] = code as i32 - 1;
            }
            code <<= 1;
        }
        table.fill_fast_ac();
        Ok(table)
    }

    /// The value lookups of [`Huffman::fast_ac`], from the code lookups.
    fn fill_fast_ac(&mut self) {
        for (prefix, &entry) in self.fast.iter().enumerate() {
            let (length, symbol) = (u32::from(entry >> 8), entry & 0xFF);
            let (run, size) = (i32::from(symbol >> 4), u32::from(symbol & 0x0F));
            if entry == 0 || size == 0 || length + size > FAST_BITS {
                continue;
            }
            let bits = (prefix as u32 >> (FAST_BITS - length - size)) & ((1 << size) - 1);
            let value = extend(bits, size);
            self.fast_ac[prefix] = (value << 16) | (run << 8) | (length + size) as i32;
        }
    }
}

/// The entropy-coded bits, byte stuffing removed, stopping at a marker.
struct BitReader<'a> {
    data: &'a [u8],
    position: usize,
    /// The next `count` bits of the stream, in the low bits.
    buffer: u64,
    count: u32,
    /// A marker (or the end of the data) was reached: no more bits until a restart.
    at_marker: bool,
}

impl<'a> BitReader<'a> {
    fn new(data: &'a [u8]) -> Self {
        BitReader {
            data,
            position: 0,
            buffer: 0,
            count: 0,
            at_marker: false,
        }
    }

    /// Tops the buffer up to at least 57 bits, unless a marker comes first.
    fn fill(&mut self) {
        // Seven bytes at once when none of the next eight is 0xFF (no stuffing, no marker).
        if let Some(next) = self.data.get(self.position..self.position + 8) {
            let word = u64::from_be_bytes([
                next[0], next[1], next[2], next[3], next[4], next[5], next[6], next[7],
            ]);
            let has_ff = (!word).wrapping_sub(0x0101_0101_0101_0101) & word & 0x8080_8080_8080_8080;
            if has_ff == 0 && !self.at_marker {
                let bytes = (63 - self.count.min(63)) / 8;
                if bytes > 0 {
                    self.buffer = (self.buffer << (8 * bytes)) | (word >> (64 - 8 * bytes));
                    self.count += 8 * bytes;
                    self.position += bytes as usize;
                }
            }
        }
        while self.count <= 56 && !self.at_marker {
            match self.data.get(self.position) {
                Some(&0xFF) => {
                    if self.data.get(self.position + 1) == Some(&0x00) {
                        self.position += 2;
                        self.push(0xFF);
                    } else {
                        self.at_marker = true;
                    }
                }
                Some(&byte) => {
                    self.position += 1;
                    self.push(byte);
                }
                None => self.at_marker = true,
            }
        }
    }

    fn push(&mut self, byte: u8) {
        self.buffer = (self.buffer << 8) | u64::from(byte);
        self.count += 8;
    }

    /// The next `n` bits (n <= 16), zero-padded past a marker.
    fn peek(&mut self, n: u32) -> u32 {
        if self.count < n {
            self.fill();
        }
        if self.count >= n {
            ((self.buffer >> (self.count - n)) & ((1 << n) - 1)) as u32
        } else {
            ((self.buffer << (n - self.count)) & ((1 << n) - 1)) as u32
        }
    }

    fn consume(&mut self, n: u32) -> Result<(), Unreadable> {
        if n > self.count {
            return Err(Damaged("the data ends inside a block"));
        }
        self.count -= n;
        Ok(())
    }

    /// `size` raw bits (size <= 16).
    fn receive(&mut self, size: u32) -> Result<u32, Unreadable> {
        if size == 0 {
            return Ok(0);
        }
        let value = self.peek(size);
        self.consume(size)?;
        Ok(value)
    }

    /// The next Huffman-coded symbol.
    fn decode(&mut self, table: &Huffman) -> Result<u8, Unreadable> {
        let entry = table.fast[self.peek(FAST_BITS) as usize];
        if entry != 0 {
            self.consume(u32::from(entry >> 8))?;
            return Ok(entry as u8);
        }
        for length in FAST_BITS + 1..=16 {
            let code = self.peek(length) as i32;
            if code <= table.max_code[length as usize] {
                self.consume(length)?;
                let index = usize::try_from(table.offset[length as usize] + code)
                    .map_err(|_| Damaged("a bad Huffman code"))?;
                return table
                    .symbols
                    .get(index)
                    .copied()
                    .ok_or(Damaged("a bad Huffman code"));
            }
        }
        Err(Damaged("a code no Huffman table holds"))
    }

    /// Skips the restart marker `RSTn` (n = `expected` mod 8) that ends an interval.
    fn restart(&mut self, expected: u8) -> Result<(), Unreadable> {
        // The bits left are the encoder's padding to a whole byte; more is data left over.
        if self.count >= 8 {
            return Err(Damaged("data left over before a restart marker"));
        }
        self.buffer = 0;
        self.count = 0;
        // Fill bytes (0xFF) may precede a marker.
        while self.data.get(self.position..self.position + 2) == Some(&[0xFF, 0xFF][..]) {
            self.position += 1;
        }
        let marker = [0xFF, 0xD0 + expected % 8];
        if self.data.get(self.position..self.position + 2) != Some(&marker[..]) {
            return Err(Damaged("a restart marker missing or out of sequence"));
        }
        self.position += 2;
        self.at_marker = false;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_two_level_table_decodes_short_and_long_codes() {
        // One code of each length 1..=12: 0, 10, 110, ..., then the symbols 1..=12.
        let mut counts = [0u8; 16];
        counts[..12].fill(1);
        let symbols: Vec<u8> = (1..=12).collect();
        let table = Huffman::new(&counts, &symbols).unwrap();
        // 110 (3), then 11111111110 (11): the second goes through the slow path.
        let stream = [0b1101_1111, 0b1111_1000];
        let mut bits = BitReader::new(&stream);
        assert_eq!(bits.decode(&table), Ok(3));
        assert_eq!(bits.decode(&table), Ok(11));
    }

    #[test]
    fn stuffed_bytes_read_as_ff_and_a_marker_ends_the_data() {
        let stream = [0xFF, 0x00, 0x12, 0xFF, 0xD9];
        let mut bits = BitReader::new(&stream);
        assert_eq!(bits.receive(8), Ok(0xFF));
        assert_eq!(bits.receive(8), Ok(0x12));
        assert!(bits.receive(1).is_err());
    }

    #[test]
    fn extend_gives_negative_values_their_sign() {
        assert_eq!(extend(0, 1), -1);
        assert_eq!(extend(1, 1), 1);
        assert_eq!(extend(0b010, 3), -5);
        assert_eq!(extend(0b101, 3), 5);
    }
}
