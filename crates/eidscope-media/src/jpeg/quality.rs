//! The IJG quality of a JPEG, estimated from its quantisation tables.
//!
//! libjpeg (and every encoder that copies it, `image` included) scales the two example tables
//! of ITU-T T.81 Annex K by a factor derived from the quality setting. Trying all 100 settings
//! and keeping the closest tells which one produced the file; when even the closest is more than
//! one step off in some entry, the tables were not made that way (a camera's or an editor's own
//! tables) and no quality is claimed: a made-up number would be worse than none.

use super::{FrameComponent, QuantTable};
use eidscope_model::media::QualityEstimate;

/// Table K.1, luminance, natural order.
const LUMA_BASE: [u16; 64] = [
    16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
    14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113,
    92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];

/// Table K.2, chrominance, natural order.
const CHROMA_BASE: [u16; 64] = [
    17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99,
    47, 66, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
    99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
];

/// The largest difference in any entry still counted as the standard table (rounding).
const ROUNDING_TOLERANCE: u32 = 1;

/// The IJG table libjpeg writes for `quality` (1..=100) from a base table.
fn scaled(base: u16, quality: u32, precision: u8) -> u32 {
    let scale = if quality < 50 {
        5000 / quality
    } else {
        200 - 2 * quality
    };
    // libjpeg clamps to 255 for baseline (8-bit) tables and to 32767 otherwise.
    let ceiling = if precision == 8 { 255 } else { 32767 };
    ((u32::from(base) * scale + 50) / 100).clamp(1, ceiling)
}

/// The 8-bit luminance table libjpeg writes for `quality` (1..=100), natural order.
pub(crate) fn standard_luma_table(quality: u32) -> [u16; 64] {
    let mut table = [0u16; 64];
    for (entry, &base) in table.iter_mut().zip(LUMA_BASE.iter()) {
        // At most 255 (8-bit tables): always fits.
        *entry = u16::try_from(scaled(base, quality, 8)).unwrap_or(255);
    }
    table
}

/// Estimates the IJG quality of the tables the frame's components use (the components sharing
/// the first component's table against the luminance table, as libjpeg assigns them for
/// YCbCr, CMYK and YCCK; the others against the chrominance table). Without a frame
/// header, slot 0 counts as luminance and the other slots as chrominance. `None` when there
/// are no tables to judge.
pub fn estimate_quality(
    tables: &[QuantTable],
    components: &[FrameComponent],
) -> Option<QualityEstimate> {
    let roles: Vec<(&QuantTable, bool)> = if components.is_empty() {
        tables.iter().map(|t| (t, t.id == 0)).collect()
    } else {
        components
            .iter()
            .filter_map(|c| {
                let table = tables.iter().find(|t| t.id == c.table_id)?;
                // libjpeg gives the luminance table to every component that shares the first
                // component's slot: all four of CMYK, Y and K of YCCK.
                Some((table, c.table_id == components[0].table_id))
            })
            .collect()
    };
    // Chroma components usually share one table: judge each (table, role) once.
    let mut pairs: Vec<(&QuantTable, &[u16; 64])> = Vec::new();
    for (table, is_luma) in roles {
        let base = if is_luma { &LUMA_BASE } else { &CHROMA_BASE };
        if !pairs.iter().any(|(t, b)| t.id == table.id && *b == base) {
            pairs.push((table, base));
        }
    }
    if pairs.is_empty() {
        return None;
    }

    let entries = (pairs.len() * 64) as f64;
    let mut best: Option<(u32, u64, u32)> = None; // (quality, total difference, largest)
    for quality in (1..=100u32).rev() {
        let mut total = 0u64;
        let mut largest = 0u32;
        for (table, base) in &pairs {
            for (&actual, &b) in table.values.iter().zip(base.iter()) {
                let diff = u32::from(actual).abs_diff(scaled(b, quality, table.precision));
                total += u64::from(diff);
                largest = largest.max(diff);
            }
        }
        if best.is_none_or(|(_, best_total, _)| total < best_total) {
            best = Some((quality, total, largest));
        }
    }
    let (quality, total, largest) = best?;
    let standard = largest <= ROUNDING_TOLERANCE;
    Some(QualityEstimate {
        quality: standard.then(|| u8::try_from(quality).unwrap_or(100)),
        nearest: (!standard).then(|| u8::try_from(quality).unwrap_or(100)),
        residual: total as f64 / entries,
        standard,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(id: u8, base: &[u16; 64], quality: u32) -> QuantTable {
        let mut values = [0u16; 64];
        for (v, &b) in values.iter_mut().zip(base.iter()) {
            *v = u16::try_from(scaled(b, quality, 8)).expect("8-bit entry");
        }
        QuantTable {
            id,
            precision: 8,
            values,
        }
    }

    #[test]
    fn recovers_every_quality_exactly() {
        for quality in 1..=100 {
            let tables = [
                table(0, &LUMA_BASE, quality),
                table(1, &CHROMA_BASE, quality),
            ];
            let estimate = estimate_quality(&tables, &[]).expect("tables");
            assert!(estimate.standard);
            assert_eq!(estimate.residual, 0.0, "quality {quality}");
            let found = u32::from(estimate.quality.expect("standard"));
            // Some neighbouring settings give identical tables; then either is right.
            let same = (0..64).all(|i| {
                scaled(LUMA_BASE[i], found, 8) == scaled(LUMA_BASE[i], quality, 8)
                    && scaled(CHROMA_BASE[i], found, 8) == scaled(CHROMA_BASE[i], quality, 8)
            });
            assert!(same, "quality {quality} estimated as {found}");
        }
    }

    #[test]
    fn flat_table_is_not_standard() {
        let flat = QuantTable {
            id: 0,
            precision: 8,
            values: [7; 64],
        };
        let estimate = estimate_quality(&[flat], &[]).expect("a table");
        assert!(!estimate.standard);
        assert_eq!(estimate.quality, None);
        assert!(estimate.residual > 1.0);
    }
}
