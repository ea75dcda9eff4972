//! Reading one entry's data under its limits: decompressed in chunks, hashed as it streams,
//! stopped as soon as it passes its cap or, past 1 MiB, its compression ratio. Also the words
//! for the compression methods eidscope cannot decompress, so that a damage names its cause.

use sha2::{Digest, Sha256};
use std::io::Read;

const MIB: u64 = 1024 * 1024;

/// The limit an entry passed while it was decompressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EntryLimit {
    /// It decompresses to more than its cap (or the bundle's remaining budget), bytes.
    #[error("decompresses to more than {cap} bytes")]
    Size {
        /// The cap, bytes.
        cap: u64,
    },
    /// Past 1 MiB, it expands more than `ratio` times its compressed size: a bomb.
    #[error(
        "expands more than {ratio}x its compressed size of {compressed} bytes: a decompression bomb"
    )]
    Ratio {
        /// The ratio limit.
        ratio: u64,
        /// Its compressed size, bytes.
        compressed: u64,
    },
}

/// Why an entry could not be read whole.
pub(crate) enum EntryReadError {
    /// Over the size cap or the compression-ratio limit: the bundle is refused.
    Limit(EntryLimit),
    /// The data stream broke (CRC mismatch, truncation); what was read is kept.
    Damaged(std::io::Error, Vec<u8>),
}

/// One entry read whole: its bytes (when kept), digest and size.
pub(crate) struct EntryRead {
    pub(crate) data: Vec<u8>,
    pub(crate) sha256: String,
    pub(crate) size: u64,
}

impl EntryRead {
    /// What a damaged entry gave before it broke.
    pub(crate) fn partial(data: Vec<u8>) -> EntryRead {
        EntryRead {
            sha256: hex::encode(Sha256::digest(&data)),
            size: data.len() as u64,
            data,
        }
    }
}

/// Decompresses one entry in chunks, stopping as soon as it passes `cap` bytes or, past 1 MiB,
/// expands more than `max_ratio` times its compressed size: a bomb costs at most about 1 MiB
/// plus `max_ratio` times its compressed size, whatever it declares.
pub(crate) fn read_entry(
    file: &mut impl Read,
    cap: u64,
    compressed: u64,
    max_ratio: u64,
    keep: bool,
) -> Result<EntryRead, EntryReadError> {
    let mut read = EntryRead {
        data: Vec::new(),
        sha256: String::new(),
        size: 0,
    };
    let mut digest = Sha256::new();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let n = match file.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(EntryReadError::Damaged(e, read.data)),
        };
        digest.update(&chunk[..n]);
        if keep {
            read.data.extend_from_slice(&chunk[..n]);
        }
        read.size += n as u64;
        let got = read.size;
        if got > cap {
            return Err(EntryReadError::Limit(EntryLimit::Size { cap }));
        }
        if got > MIB && got / compressed.max(1) > max_ratio {
            return Err(EntryReadError::Limit(EntryLimit::Ratio {
                ratio: max_ratio,
                compressed,
            }));
        }
    }
    read.sha256 = hex::encode(digest.finalize());
    Ok(read)
}

/// Whether eidscope decompresses entries of this method (the zip crate's `deflate`, `bzip2`
/// and `lzma` features: what archivers commonly write).
pub(crate) fn decompresses(method: zip::CompressionMethod) -> bool {
    use zip::CompressionMethod as M;
    matches!(method, M::Stored | M::Deflated | M::Bzip2 | M::Lzma)
}

/// Why an entry compressed with `method` is not read: `compressed with PPMd (method 98),
/// which eidscope does not decompress`.
pub(crate) fn unsupported_method(method: zip::CompressionMethod) -> String {
    #[allow(deprecated)] // the zip crate gives the number only through `to_u16`
    let code = method.to_u16();
    let name = match code {
        1 => "Shrink",
        2..=5 => "Reduce",
        6 => "Implode",
        9 => "Deflate64",
        10 => "PKWARE DCL Implode",
        12 => "bzip2",
        14 => "LZMA",
        18 => "IBM TERSE",
        19 => "IBM LZ77",
        93 => "Zstandard",
        95 => "XZ",
        96 => "JPEG (WinZip)",
        97 => "WavPack",
        98 => "PPMd",
        99 => "AES encryption",
        _ => "an unknown method",
    };
    format!("compressed with {name} (method {code}), which eidscope does not decompress")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsupported_methods_are_named() {
        #[allow(deprecated)]
        let ppmd = zip::CompressionMethod::from_u16(98);
        assert!(!decompresses(ppmd));
        assert_eq!(
            unsupported_method(ppmd),
            "compressed with PPMd (method 98), which eidscope does not decompress"
        );
        #[allow(deprecated)]
        let odd = zip::CompressionMethod::from_u16(4242);
        assert_eq!(
            unsupported_method(odd),
            "compressed with an unknown method (method 4242), which eidscope does not decompress"
        );
        assert!(decompresses(zip::CompressionMethod::Bzip2));
        assert!(decompresses(zip::CompressionMethod::Lzma));
    }
}
