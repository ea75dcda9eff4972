//! Getting a bundle's bytes: from a file, looked at as they arrive. The first bytes decide
//! before anything else is read (a zip starts with a local header or an end record; a
//! self-extractor or another file glued in front is accepted only from a regular file whose
//! last 64 KiB hold a zip end record), and the size bound is checked on the bytes read, never
//! on what the file system says, so `/dev/zero` costs four bytes and a stream that never ends
//! stops at the limit.
//!
//! This module never parses the zip: it only says whether the bytes can be one.

use crate::error::BundleError;
use crate::limits::Limits;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// The signatures a zip may start with: a local file header, an end record (an empty zip), the
/// marker of a spanned archive written as one file.
const ZIP_STARTS: [&[u8; 4]; 3] = [b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08"];

/// The end-of-central-directory signature.
pub(crate) const END_RECORD: &[u8; 4] = b"PK\x05\x06";

/// The end record's fixed size; a comment of up to 64 KiB may follow it.
pub(crate) const END_RECORD_LEN: usize = 22;

/// How far from the end of a file its end record can start: the record and the longest
/// comment.
pub(crate) const END_SEARCH: usize = END_RECORD_LEN + u16::MAX as usize;

/// Whether `head` (the first bytes) is how a zip starts.
fn starts_like_zip(head: &[u8]) -> bool {
    ZIP_STARTS.iter().any(|magic| head.starts_with(*magic))
}

/// Whether `tail` (the last bytes of a file, at most [`END_SEARCH`]) holds a zip end record.
fn ends_like_zip(tail: &[u8]) -> bool {
    tail.windows(END_RECORD.len()).any(|w| w == END_RECORD)
}

/// Checks that bytes held in memory can be a zip: not empty, and starting like one or ending
/// with an end record (data in front of the zip).
pub fn check_zip_bytes(bytes: &[u8]) -> Result<(), BundleError> {
    if bytes.is_empty() {
        return Err(BundleError::Empty);
    }
    let tail = &bytes[bytes.len().saturating_sub(END_SEARCH)..];
    if starts_like_zip(bytes) || ends_like_zip(tail) {
        Ok(())
    } else {
        Err(not_zip(bytes))
    }
}

fn not_zip(head: &[u8]) -> BundleError {
    BundleError::NotZip {
        head: head[..head.len().min(4)].to_vec(),
    }
}

/// The bytes of the file at `path`, refused when it is a folder, does not start (or, for a
/// regular file, end) like a zip, or holds more than `limits.max_file_bytes`.
pub fn read_file(path: &Path, limits: &Limits) -> Result<Vec<u8>, BundleError> {
    let mut file = std::fs::File::open(path).map_err(BundleError::unreadable)?;
    let meta = file.metadata().map_err(BundleError::unreadable)?;
    if meta.is_dir() {
        return Err(BundleError::Folder);
    }
    let limit = limits.max_file_bytes;
    let too_large = |size| BundleError::TooLarge { size, limit };
    // A regular file says its size; a device or a pipe is bounded as it streams.
    let regular = meta.is_file();
    if regular && meta.len() > limit {
        return Err(too_large(meta.len()));
    }
    let mut head = [0u8; 4];
    let got = read_up_to(&mut file, &mut head).map_err(BundleError::unreadable)?;
    if got == 0 {
        return Err(BundleError::Empty);
    }
    if !starts_like_zip(&head[..got]) {
        // Data in front of a zip: possible only where the end can be looked at first.
        if !regular || !file_ends_like_zip(&mut file, meta.len())? {
            return Err(not_zip(&head[..got]));
        }
        file.seek(SeekFrom::Start(got as u64))
            .map_err(BundleError::unreadable)?;
    }
    let expected = if regular { meta.len() } else { 0 };
    let mut bytes = Vec::new();
    reserve(
        &mut bytes,
        usize::try_from(expected.min(limit)).unwrap_or(0),
    )?;
    bytes.extend_from_slice(&head[..got]);
    // Read straight into the buffer (one copy from the page cache, none through a chunk), at
    // most one byte past the limit so that a file that grew or a stream that never ends is
    // seen to be too large. `read_to_end` grows the buffer with `try_reserve`: running out of
    // memory is an error, never an abort.
    let room = (limit + 1).saturating_sub(bytes.len() as u64);
    match (&mut file).take(room).read_to_end(&mut bytes) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::OutOfMemory => {
            return Err(BundleError::unreadable(std::io::Error::new(
                std::io::ErrorKind::OutOfMemory,
                format!("out of memory holding more than {} bytes", bytes.len()),
            )));
        }
        Err(e) => return Err(BundleError::unreadable(e)),
    }
    // The file grew between the two looks, or a stream runs past the limit.
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Reads until `buf` is full or the end; returns how many bytes came.
fn read_up_to(file: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match file.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// Whether the last [`END_SEARCH`] bytes of a regular file hold a zip end record.
fn file_ends_like_zip(file: &mut std::fs::File, len: u64) -> Result<bool, BundleError> {
    let start = len.saturating_sub(END_SEARCH as u64);
    file.seek(SeekFrom::Start(start))
        .map_err(BundleError::unreadable)?;
    let mut tail = Vec::with_capacity(END_SEARCH);
    file.take(END_SEARCH as u64)
        .read_to_end(&mut tail)
        .map_err(BundleError::unreadable)?;
    Ok(ends_like_zip(&tail))
}

/// Grows `bytes` by `more`, or says that memory ran out (an address-space limit such as
/// `ulimit -v` is an error to report, never an abort).
fn reserve(bytes: &mut Vec<u8>, more: usize) -> Result<(), BundleError> {
    bytes.try_reserve(more).map_err(|_| {
        BundleError::unreadable(std::io::Error::new(
            std::io::ErrorKind::OutOfMemory,
            format!("out of memory holding {} bytes", bytes.len() + more),
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_magic_decides_before_the_rest_is_read() {
        // A device that never ends: refused after its first four bytes.
        let err = read_file(Path::new("/dev/zero"), &Limits::default()).unwrap_err();
        assert!(
            matches!(&err, BundleError::NotZip { head } if head == &[0; 4]),
            "{err}"
        );
        let dir = tempfile::tempdir().unwrap();
        let text = dir.path().join("a.zip");
        std::fs::write(&text, b"hello, not a zip").unwrap();
        assert!(matches!(
            read_file(&text, &Limits::default()),
            Err(BundleError::NotZip { .. })
        ));
        let empty = dir.path().join("e.zip");
        std::fs::write(&empty, b"").unwrap();
        assert!(matches!(
            read_file(&empty, &Limits::default()),
            Err(BundleError::Empty)
        ));
        // Data in front of an end record is a zip to look at.
        let prefixed = dir.path().join("p.zip");
        let mut bytes = b"#!/bin/sh\nexit 0\n".to_vec();
        bytes.extend_from_slice(b"PK\x05\x06");
        bytes.extend_from_slice(&[0; 18]);
        std::fs::write(&prefixed, &bytes).unwrap();
        assert_eq!(read_file(&prefixed, &Limits::default()).unwrap(), bytes);
        assert!(check_zip_bytes(&bytes).is_ok());
        assert!(check_zip_bytes(b"#!/bin/sh").is_err());
    }

    #[test]
    fn a_stream_stops_at_the_limit() {
        let limits = Limits {
            max_file_bytes: 1000,
            ..Limits::default()
        };
        // A file that says it is larger is refused before it is read.
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.zip");
        let mut bytes = b"PK\x03\x04".to_vec();
        bytes.resize(5000, 0);
        std::fs::write(&big, &bytes).unwrap();
        assert!(matches!(
            read_file(&big, &limits),
            Err(BundleError::TooLarge {
                size: 5000,
                limit: 1000
            })
        ));
    }
}
