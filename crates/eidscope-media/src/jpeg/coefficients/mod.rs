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
//! two-level tables (a 10-bit lookup, then the canonical code lengths: 6 KiB per table) and
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
//!
//! On request ([`read_scan`]) the same walk also makes the picture at 1/8 or 1/4 scale exactly
//! as libjpeg-turbo's scaled decode would ([`reduced`]), for the perceptual hashes: one
//! entropy decode per picture instead of two.
//!
//! The parts: `headers` (the markers up to the first scan), `entropy` (the Huffman tables and
//! the bit reader), `reduced` (the scaled inverse DCT and colour conversion), and here the walk
//! of the scan's MCUs and blocks.

mod entropy;
mod headers;
pub mod reduced;

use entropy::{BitReader, FAST_BITS, Huffman};
use headers::Headers;
use image::RgbImage;
use reduced::Reducer;

/// Coefficients kept per luma block, in zigzag order from the DC.
pub const KEPT: usize = 16;

/// The most MCUs read: a 12,000 x 9,000 picture has 422,000 (4:2:0) to 1,690,000 (4:4:4).
pub const MAX_MCUS: usize = 1 << 21;

/// The most luma blocks kept (64 MiB of coefficients): a 12,000 x 9,000 picture has 1,690,000.
pub const MAX_LUMA_BLOCKS: usize = 1 << 21;

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

/// What one walk of the first scan gives.
#[derive(Debug, Clone)]
pub struct ScanRead {
    /// The luma's low frequencies.
    pub luma: LumaCoefficients,
    /// The picture at the scale asked for, pixel for pixel as libjpeg-turbo decodes it at that
    /// scale; or why it is not offered (not asked, a kind of file whose libjpeg decode is not
    /// reproduced, data that does not end cleanly at the end-of-image marker).
    pub reduced: Result<RgbImage, &'static str>,
}

/// Reads the luma's low-frequency coefficients of a baseline JPEG.
pub fn read_luma(bytes: &[u8]) -> Result<LumaCoefficients, Unreadable> {
    Ok(read_scan(bytes, None)?.luma)
}

/// Reads the luma's low-frequency coefficients and, with `eighths` (1 or 2: 1/8 or 1/4 of the
/// full size), the picture at that scale as libjpeg-turbo decodes it.
pub fn read_scan(bytes: &[u8], eighths: Option<usize>) -> Result<ScanRead, Unreadable> {
    let headers = Headers::read(bytes)?;
    decode_scan(bytes, &headers, eighths)
}

/// The MCU grid of the first scan, and the luma's blocks in it.
struct Grid {
    interleaved: bool,
    mcu_columns: usize,
    mcu_rows: usize,
    /// Luma blocks per row and rows of them (padding blocks included).
    columns: usize,
    rows: usize,
}

impl Grid {
    fn of(headers: &Headers) -> Result<Grid, Unreadable> {
        let h_max = headers.components.iter().map(|c| c.h).max().unwrap_or(1);
        let v_max = headers.components.iter().map(|c| c.v).max().unwrap_or(1);
        let luma = headers.components[0];
        let interleaved = headers.scan.len() > 1;
        let grid = if interleaved {
            let mcu_columns = headers.width.div_ceil(8 * h_max);
            let mcu_rows = headers.height.div_ceil(8 * v_max);
            Grid {
                interleaved,
                mcu_columns,
                mcu_rows,
                columns: mcu_columns * luma.h,
                rows: mcu_rows * luma.v,
            }
        } else {
            // A component alone in its scan: one block per MCU over the component's own size.
            let columns = (headers.width * luma.h).div_ceil(h_max).div_ceil(8);
            let rows = (headers.height * luma.v).div_ceil(v_max).div_ceil(8);
            Grid {
                interleaved,
                mcu_columns: columns,
                mcu_rows: rows,
                columns,
                rows,
            }
        };
        if grid.mcu_columns * grid.mcu_rows > MAX_MCUS || grid.columns * grid.rows > MAX_LUMA_BLOCKS
        {
            return Err(Unsupported("a frame of more than 2^21 MCUs or luma blocks"));
        }
        Ok(grid)
    }

    /// Every frame component's blocks per row and rows of them.
    fn component_blocks(&self, headers: &Headers) -> Vec<(usize, usize)> {
        headers
            .components
            .iter()
            .map(|c| {
                if self.interleaved {
                    (self.mcu_columns * c.h, self.mcu_rows * c.v)
                } else {
                    (self.columns, self.rows)
                }
            })
            .collect()
    }
}

/// The scan's components with their tables and blocks per MCU.
fn scan_components(headers: &Headers, interleaved: bool) -> Result<Vec<InScan<'_>>, Unreadable> {
    let mut components = Vec::with_capacity(headers.scan.len());
    for component in &headers.scan {
        let frame = headers.components[component.frame_index];
        let (h, v) = if interleaved {
            (frame.h, frame.v)
        } else {
            (1, 1)
        };
        components.push(InScan {
            dc: headers.dc_tables[component.dc]
                .as_deref()
                .ok_or(Damaged("a missing DC table"))?,
            ac: headers.ac_tables[component.ac]
                .as_deref()
                .ok_or(Damaged("a missing AC table"))?,
            frame_index: component.frame_index,
            h,
            v,
        });
    }
    Ok(components)
}

/// Decodes the first scan, keeping the luma's low frequencies and, when asked, scaling every
/// block into the reduced picture.
fn decode_scan(
    bytes: &[u8],
    headers: &Headers,
    eighths: Option<usize>,
) -> Result<ScanRead, Unreadable> {
    let grid = Grid::of(headers)?;
    let Grid {
        mcu_columns,
        mcu_rows,
        columns,
        rows,
        ..
    } = grid;
    let components = scan_components(headers, grid.interleaved)?;
    // Each block takes at least two bits (a DC code and an end of block): nothing is allocated
    // for a frame its data cannot hold.
    let blocks_per_mcu: usize = components.iter().map(|c| c.h * c.v).sum();
    let data = bytes.get(headers.data_start..).unwrap_or_default();
    if data.len().saturating_mul(4) < mcu_columns * mcu_rows * blocks_per_mcu {
        return Err(Damaged("the data is too short for the frame"));
    }
    let mut reducer = match eighths {
        // `Reducer::new` says which scales and samplings it reproduces.
        Some(eighths) => Reducer::new(headers, eighths, &grid.component_blocks(headers)),
        None => Err("not asked"),
    };
    let mut blocks = vec![[0i16; KEPT]; columns * rows];
    let mut predictions = vec![0i32; components.len()];
    let mut bits = BitReader::new(data);
    let mut block = [0i16; 64];
    let mut restarts = 0u8;
    for mcu in 0..mcu_columns * mcu_rows {
        if headers.restart_interval > 0 && mcu > 0 && mcu % headers.restart_interval == 0 {
            bits.restart(restarts)?;
            restarts = restarts.wrapping_add(1);
            predictions.iter_mut().for_each(|p| *p = 0);
        }
        let (mcu_column, mcu_row) = (mcu % mcu_columns, mcu / mcu_columns);
        for (component, prediction) in components.iter().zip(predictions.iter_mut()) {
            let (h, v) = (component.h, component.v);
            for within in 0..h * v {
                let column = mcu_column * h + within % h;
                let row = mcu_row * v + within / h;
                decode_block(
                    &mut bits,
                    component.dc,
                    component.ac,
                    prediction,
                    &mut block,
                )?;
                if component.frame_index == 0 {
                    let kept = blocks
                        .get_mut(row * columns + column)
                        .ok_or(Damaged("a block outside the grid"))?;
                    kept.copy_from_slice(&block[..KEPT]);
                    kept[0] = saturate(*prediction);
                }
                if let Ok(into) = reducer.as_mut()
                    && !into.put(component.frame_index, column, row, &block)
                {
                    reducer = Err("coefficients libjpeg-turbo's builds scale differently");
                }
            }
        }
    }
    let reduced = reducer.and_then(|reducer| {
        if bits.ends_at_end_of_image() {
            reducer
                .into_rgb()
                .ok_or("a reduced picture that does not fit its planes")
        } else {
            Err("the scan does not end cleanly at the end-of-image marker")
        }
    });
    let luma = LumaCoefficients {
        blocks,
        columns,
        rows,
        width: u32::try_from(headers.width).map_err(|_| Damaged("size"))?,
        height: u32::try_from(headers.height).map_err(|_| Damaged("size"))?,
    };
    Ok(ScanRead { luma, reduced })
}

/// A component of the scan as the MCU walk needs it: its tables, which frame component it is
/// (the luma's blocks are kept), and how many blocks it has per MCU (`h` x `v`).
struct InScan<'a> {
    dc: &'a Huffman,
    ac: &'a Huffman,
    frame_index: usize,
    h: usize,
    v: usize,
}

/// Decodes one block into `block` (zigzag order), as libjpeg stores it: the DC is the running
/// sum of the differences cut to 16 bits (`(JCOEF)s`).
fn decode_block(
    bits: &mut BitReader<'_>,
    dc: &Huffman,
    ac: &Huffman,
    prediction: &mut i32,
    block: &mut [i16; 64],
) -> Result<(), Unreadable> {
    *block = [0; 64];
    let size = u32::from(bits.decode(dc)?);
    if size > 15 {
        return Err(Damaged("a DC difference too large"));
    }
    let difference = extend(bits.receive(size)?, size);
    *prediction = prediction.wrapping_add(difference);
    block[0] = *prediction as i16;
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
            block[k] = (fast >> 16) as i16;
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
        block[k] = value as i16;
        k += 1;
    }
    Ok(())
}

/// The signed value of `size` received bits (JPEG's EXTEND).
pub(super) fn extend(value: u32, size: u32) -> i32 {
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
