//! The limits every bundle is read under. A hostile zip can declare any size, nest any depth
//! and compress a gigabyte of zeros into a kilobyte: these caps are enforced on the bytes actually
//! read, never on what the archive declares.

/// Caps on what reading one bundle may cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest zip file accepted, in bytes.
    pub max_file_bytes: u64,
    /// Most entries in the central directory.
    pub max_entries: usize,
    /// Largest JSON entry (and process file), in bytes after decompression.
    pub max_json_bytes: u64,
    /// Largest image entry, in bytes after decompression.
    pub max_image_bytes: u64,
    /// Largest video entry, in bytes after decompression.
    pub max_video_bytes: u64,
    /// Most bytes decompressed from one bundle in all.
    pub max_total_bytes: u64,
    /// Highest ratio of decompressed to compressed bytes for a JSON entry larger than 1 MiB.
    pub max_ratio: u64,
    /// Highest ratio for a media entry larger than 1 MiB. JPEG and MP4 data are already
    /// compressed and deflate by a few percent at most; twenty times is a bomb.
    pub max_media_ratio: u64,
}

impl Limits {
    /// The decompressed-size cap and the compression-ratio limit for an entry of this kind.
    pub fn for_kind(&self, kind: eidscope_model::EntryKind) -> (u64, u64) {
        use eidscope_model::EntryKind;
        match kind {
            EntryKind::Ocr | EntryKind::ManualApproval => (self.max_json_bytes, self.max_ratio),
            EntryKind::Video => (self.max_video_bytes, self.max_media_ratio),
            _ => (self.max_image_bytes, self.max_media_ratio),
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        const MIB: u64 = 1024 * 1024;
        Limits {
            max_file_bytes: 2048 * MIB,
            max_entries: 1024,
            max_json_bytes: 16 * MIB,
            max_image_bytes: 64 * MIB,
            max_video_bytes: 1024 * MIB,
            max_total_bytes: 1536 * MIB,
            max_ratio: 200,
            max_media_ratio: 20,
        }
    }
}
