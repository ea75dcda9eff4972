//! The entropy-coded data of a JPEG: Huffman tables in libjpeg's two-level form (with
//! stb_image's one-lookup decoding of short AC codes and their values) and the bit reader that
//! removes the byte stuffing and stops at markers. Never panics: a code no table holds, data
//! that ends inside a block or a restart marker out of sequence is an [`Unreadable`].

use super::Unreadable::{self, Damaged};
use super::extend;

/// Bits looked up at once when decoding a Huffman code (libjpeg's `HUFF_LOOKAHEAD` is 8): at 10,
/// most AC codes come with their value bits in one lookup; the reader's walk of a 640x404
/// document was 10 % slower at 9 bits and 2 % slower at 11 (criterion, `hot_paths`).
pub(super) const FAST_BITS: u32 = 10;

/// A Huffman table in libjpeg's two-level form: codes of up to [`FAST_BITS`] bits looked up at
/// once, longer ones found by their length.
pub(super) struct Huffman {
    /// `(length << 8) | symbol` for every `FAST_BITS`-bit prefix whose code is that short; 0
    /// where the code is longer.
    fast: [u16; 1 << FAST_BITS],
    /// For an AC table, `(value << 16) | (run << 8) | bits` for every `FAST_BITS`-bit prefix
    /// that holds a whole code and its value bits (`bits` of them); 0 elsewhere.
    pub(super) fast_ac: [i32; 1 << FAST_BITS],
    /// The largest code of each length (-1 when none).
    max_code: [i32; 17],
    /// The index in `symbols` of each length's first code, minus that code.
    offset: [i32; 17],
    symbols: Vec<u8>,
    /// A code of all ones (the canonical code filled up to the last code of some length):
    /// decodable, but libjpeg refuses such a table ("Bogus Huffman table definition").
    all_ones_code: bool,
}

impl Huffman {
    /// The canonical code of a DHT table (counts per length 1..=16, then the symbols).
    pub(super) fn new(counts: &[u8; 16], symbols: &[u8]) -> Result<Huffman, Unreadable> {
        let mut table = Huffman {
            fast: [0; 1 << FAST_BITS],
            fast_ac: [0; 1 << FAST_BITS],
            max_code: [-1; 17],
            offset: [0; 17],
            symbols: symbols.to_vec(),
            all_ones_code: false,
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
                table.all_ones_code |= code >= 1 << length;
            }
            code <<= 1;
        }
        table.fill_fast_ac();
        Ok(table)
    }

    /// The largest symbol of the table (a DC table's symbols are bit counts, at most 15).
    pub(super) fn largest_symbol(&self) -> u8 {
        self.symbols.iter().copied().max().unwrap_or(0)
    }

    /// Whether libjpeg refuses the table when a scan uses it: a code of all ones
    /// (`jpeg_make_d_derived_tbl`).
    pub(super) fn libjpeg_refuses(&self) -> bool {
        self.all_ones_code
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
pub(super) struct BitReader<'a> {
    data: &'a [u8],
    position: usize,
    /// The next `count` bits of the stream, in the low bits.
    buffer: u64,
    count: u32,
    /// A marker (or the end of the data) was reached: no more bits until a restart.
    at_marker: bool,
}

impl<'a> BitReader<'a> {
    pub(super) fn new(data: &'a [u8]) -> Self {
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
    pub(super) fn peek(&mut self, n: u32) -> u32 {
        if self.count < n {
            self.fill();
        }
        if self.count >= n {
            ((self.buffer >> (self.count - n)) & ((1 << n) - 1)) as u32
        } else {
            ((self.buffer << (n - self.count)) & ((1 << n) - 1)) as u32
        }
    }

    pub(super) fn consume(&mut self, n: u32) -> Result<(), Unreadable> {
        if n > self.count {
            return Err(Damaged("the data ends inside a block"));
        }
        self.count -= n;
        Ok(())
    }

    /// `size` raw bits (size <= 16).
    pub(super) fn receive(&mut self, size: u32) -> Result<u32, Unreadable> {
        if size == 0 {
            return Ok(0);
        }
        let value = self.peek(size);
        self.consume(size)?;
        Ok(value)
    }

    /// The next Huffman-coded symbol.
    pub(super) fn decode(&mut self, table: &Huffman) -> Result<u8, Unreadable> {
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

    /// Whether the scan's data ends here, cleanly: at most the encoder's padding to a whole
    /// byte left, then (after any fill bytes) the end-of-image marker. Anything else (data
    /// left over, another marker, no marker) is where libjpeg could warn or read on.
    pub(super) fn ends_at_end_of_image(&mut self) -> bool {
        self.fill();
        if !self.at_marker || self.count >= 8 {
            return false;
        }
        let mut at = self.position;
        while self.data.get(at..at + 2) == Some(&[0xFF, 0xFF][..]) {
            at += 1;
        }
        self.data.get(at..at + 2) == Some(&[0xFF, 0xD9][..])
    }

    /// Skips the restart marker `RSTn` (n = `expected` mod 8) that ends an interval.
    pub(super) fn restart(&mut self, expected: u8) -> Result<(), Unreadable> {
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
    use crate::jpeg::coefficients::extend;

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
