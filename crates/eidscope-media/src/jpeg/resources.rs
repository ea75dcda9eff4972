//! What the metadata segments a marker walk keeps say about the program that wrote the file:
//! the Photoshop image resources of `APP13` (which resources, and the writer Photoshop names in
//! its version-info resource), the ICC profile's description, and the chroma subsampling of
//! the frame.
//!
//! Why the resources matter: `APP13 Photoshop 3.0` is the container Photoshop writes, but photo
//! agencies, cameras and metadata tools (exiftool, IPTC editors) write the same container with
//! nothing but an IPTC record (`0x0404`) and its digest (`0x0425`). Only a block holding other
//! resources (resolution, print flags, slices, the version info) is Photoshop's own mark.
//!
//! Bounded parsing of untrusted bytes: every length is checked; at most [`MAX_RESOURCES`]
//! resources are read; nothing panics.

use super::FrameComponent;

/// At most this many image resources are read from one `APP13` block.
pub const MAX_RESOURCES: usize = 256;

/// The IPTC-NAA record resource and the IPTC digest: what metadata tools write.
pub const IPTC_ONLY: [u16; 2] = [0x0404, 0x0425];

/// The Photoshop version-info resource: holds the writer's name.
const VERSION_INFO: u16 = 0x0421;

/// What an `APP13 Photoshop 3.0` block holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PhotoshopResources {
    /// The resource ids in file order (at most [`MAX_RESOURCES`]).
    pub ids: Vec<u16>,
    /// The writer the version-info resource names (`Adobe Photoshop`), when present.
    pub writer: Option<String>,
}

impl PhotoshopResources {
    /// Whether the block holds only IPTC metadata (no resource of Photoshop's own).
    pub fn iptc_only(&self) -> bool {
        self.ids.iter().all(|id| IPTC_ONLY.contains(id))
    }
}

/// Reads the image resources (`8BIM` blocks) of an `APP13 Photoshop 3.0` payload.
pub fn photoshop_resources(mut rest: &[u8]) -> PhotoshopResources {
    let mut found = PhotoshopResources::default();
    while found.ids.len() < MAX_RESOURCES {
        let Some(block) = rest.strip_prefix(b"8BIM") else {
            break;
        };
        let Some((id, data, after)) = resource(block) else {
            break;
        };
        if id == VERSION_INFO && found.writer.is_none() {
            found.writer = version_writer(data);
        }
        found.ids.push(id);
        rest = after;
    }
    found
}

/// One resource after its `8BIM`: id, data, and the bytes after it (both padded to even).
fn resource(block: &[u8]) -> Option<(u16, &[u8], &[u8])> {
    let id = u16::from_be_bytes([*block.first()?, *block.get(1)?]);
    let name_length = usize::from(*block.get(2)?);
    // The Pascal name (length byte included) is padded to an even size.
    let at = 2 + (1 + name_length).next_multiple_of(2);
    let size = usize::try_from(u32::from_be_bytes(block.get(at..at + 4)?.try_into().ok()?)).ok()?;
    let start = at + 4;
    let data = block.get(start..start.checked_add(size)?)?;
    let after = block
        .get((start + size).next_multiple_of(2)..)
        .unwrap_or_default();
    Some((id, data, after))
}

/// The writer name of a version-info resource: a version (4 bytes), a flag (1), then the
/// writer as a count of UTF-16 (big-endian) units and the units.
fn version_writer(data: &[u8]) -> Option<String> {
    let count = usize::try_from(u32::from_be_bytes(data.get(5..9)?.try_into().ok()?)).ok()?;
    let units: Vec<u16> = data
        .get(9..9 + count.min(128) * 2)?
        .chunks_exact(2)
        .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
        .collect();
    let name: String = String::from_utf16_lossy(&units)
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    let name = name.trim().to_string();
    (!name.is_empty()).then_some(name)
}

/// The description of an ICC profile (its `desc` tag, ICC v2 `desc` or v4 `mluc` type), or
/// `"unnamed"` when the tag is absent or beyond the first chunk.
pub fn icc_description(profile: &[u8]) -> String {
    icc_desc(profile).unwrap_or_else(|| "unnamed".to_string())
}

fn icc_desc(profile: &[u8]) -> Option<String> {
    let be32 = |at: usize| -> Option<usize> {
        let bytes: [u8; 4] = profile.get(at..at + 4)?.try_into().ok()?;
        usize::try_from(u32::from_be_bytes(bytes)).ok()
    };
    let count = be32(128)?.min(64);
    let (offset, size) = (0..count).find_map(|i| {
        let entry = 132 + 12 * i;
        (profile.get(entry..entry + 4)? == b"desc")
            .then(|| Some((be32(entry + 4)?, be32(entry + 8)?)))?
    })?;
    let tag = profile.get(offset..offset.checked_add(size)?)?;
    let text = match tag.get(..4)? {
        b"desc" => {
            let length =
                usize::try_from(u32::from_be_bytes(tag.get(8..12)?.try_into().ok()?)).ok()?;
            String::from_utf8_lossy(tag.get(12..12 + length.min(200))?).into_owned()
        }
        b"mluc" => {
            let length =
                usize::try_from(u32::from_be_bytes(tag.get(20..24)?.try_into().ok()?)).ok()?;
            let start =
                usize::try_from(u32::from_be_bytes(tag.get(24..28)?.try_into().ok()?)).ok()?;
            let units: Vec<u16> = tag
                .get(start..start.checked_add(length.min(400))?)?
                .chunks_exact(2)
                .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        _ => return None,
    };
    let text: String = text.chars().filter(|c| !c.is_control()).collect();
    let text = text.trim().to_string();
    (!text.is_empty()).then_some(text)
}

/// The chroma subsampling of a frame, as the J:a:b notation (`4:4:4`, `4:2:2`, `4:2:0`,
/// `4:1:1`, `4:4:0`) for three components whose chroma share their sampling, `grey` for one,
/// else the sampling factors (`2x2 1x1 1x1 2x2`).
pub fn chroma_subsampling(components: &[FrameComponent]) -> Option<String> {
    let factors = |c: &FrameComponent| (c.sampling >> 4, c.sampling & 0x0F);
    match components {
        [] => None,
        [_] => Some("grey".into()),
        [y, cb, cr] if factors(cb) == factors(cr) => {
            let ((yh, yv), (ch, cv)) = (factors(y), factors(cb));
            let notation = match (ch, cv) {
                (0, _) | (_, 0) => None,
                _ if yh % ch != 0 || yv % cv != 0 => None,
                _ => match (yh / ch, yv / cv) {
                    (1, 1) => Some("4:4:4"),
                    (2, 1) => Some("4:2:2"),
                    (2, 2) => Some("4:2:0"),
                    (4, 1) => Some("4:1:1"),
                    (1, 2) => Some("4:4:0"),
                    _ => None,
                },
            };
            Some(
                notation
                    .map(str::to_string)
                    .unwrap_or_else(|| listed(components)),
            )
        }
        _ => Some(listed(components)),
    }
}

fn listed(components: &[FrameComponent]) -> String {
    components
        .iter()
        .map(|c| format!("{}x{}", c.sampling >> 4, c.sampling & 0x0F))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(id: u16, data: &[u8]) -> Vec<u8> {
        let mut out = b"8BIM".to_vec();
        out.extend(id.to_be_bytes());
        out.extend([0, 0]); // empty Pascal name, padded
        out.extend(u32::try_from(data.len()).expect("small").to_be_bytes());
        out.extend(data);
        if data.len() % 2 == 1 {
            out.push(0);
        }
        out
    }

    #[test]
    fn iptc_only_blocks_are_told_from_photoshop_ones() {
        let mut iptc = block(0x0404, b"\x1c\x02\x00\x00\x02\x00\x04");
        iptc.extend(block(0x0425, &[7; 16]));
        let found = photoshop_resources(&iptc);
        assert_eq!(found.ids, [0x0404, 0x0425]);
        assert!(found.iptc_only());
        let mut version = vec![0, 0, 0, 1, 1];
        let writer: Vec<u16> = "Adobe Photoshop".encode_utf16().collect();
        version.extend(u32::try_from(writer.len()).expect("small").to_be_bytes());
        version.extend(writer.iter().flat_map(|u| u.to_be_bytes()));
        let mut photoshop = block(0x03ED, &[0; 16]);
        photoshop.extend(block(0x0421, &version));
        let found = photoshop_resources(&photoshop);
        assert!(!found.iptc_only());
        assert_eq!(found.writer.as_deref(), Some("Adobe Photoshop"));
        // Cut anywhere: what was whole is kept, nothing panics.
        for cut in 0..photoshop.len() {
            let _ = photoshop_resources(&photoshop[..cut]);
        }
    }

    #[test]
    fn subsampling_notation() {
        let c = |sampling| FrameComponent {
            id: 1,
            table_id: 0,
            sampling,
        };
        assert_eq!(
            chroma_subsampling(&[c(0x22), c(0x11), c(0x11)]).as_deref(),
            Some("4:2:0")
        );
        assert_eq!(
            chroma_subsampling(&[c(0x21), c(0x11), c(0x11)]).as_deref(),
            Some("4:2:2")
        );
        assert_eq!(
            chroma_subsampling(&[c(0x11), c(0x11), c(0x11)]).as_deref(),
            Some("4:4:4")
        );
        assert_eq!(chroma_subsampling(&[c(0x11)]).as_deref(), Some("grey"));
        assert_eq!(
            chroma_subsampling(&[c(0x22), c(0x11), c(0x11), c(0x22)]).as_deref(),
            Some("2x2 1x1 1x1 2x2")
        );
        assert_eq!(chroma_subsampling(&[]), None);
    }

    #[test]
    fn icc_v2_description() {
        let mut profile = vec![0u8; 128];
        profile.extend(1u32.to_be_bytes());
        profile.extend(b"desc");
        profile.extend(144u32.to_be_bytes());
        profile.extend(17u32.to_be_bytes());
        profile.extend(b"desc\0\0\0\0");
        profile.extend(5u32.to_be_bytes());
        profile.extend(b"sRGB\0");
        assert_eq!(icc_description(&profile), "sRGB");
        assert_eq!(icc_description(&profile[..140]), "unnamed");
    }
}
