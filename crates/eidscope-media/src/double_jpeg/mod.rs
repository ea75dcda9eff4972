//! Double JPEG compression: evidence, from the histograms of the quantised DCT coefficients,
//! that a picture was compressed twice with different quantisation tables, and the IJG quality
//! of the first compression.
//!
//! The method is the double-quantisation signature of Lukáš & Fridrich (2003) and Popescu &
//! Farid (2004): a coefficient quantised first with step `q1` and then with step `q2` can only
//! take the values `round(m * q1 / q2)`. With `q1 > q2` some values are never reached (empty
//! bins at a period); with `q1 < q2` some values collect two first-quantised values (peaks at a
//! period). A picture compressed once has smooth (Laplacian) histograms.
//!
//! For each candidate first quality (the IJG luminance table at 20..=100), every histogram bin
//! `k` of the first [`POSITIONS`] AC frequencies of the luma is predicted from its two
//! neighbours: `h(k) ≈ √(h(k-1) h(k+1)) × ρ(k)`, where `ρ(k)` is the number of
//! first-quantised values mapped onto `k` over the geometric mean of its neighbours' (1 for a
//! single compression; the geometric mean is exact on a Laplacian's exponential slope). Only the bins where the candidate predicts `ρ ≠ 1` are judged, each weighed as
//! a Poisson count. The fit is `1 − χ²(candidate) / χ²(single)`: 1 when the candidate explains
//! the histograms' departures from smooth, 0 or less when a single compression explains them
//! as well. The best candidate is reported ([`DoubleCompression`]); the analysis crate decides
//! the finding from its thresholds.
//!
//! What it cannot see: a second compression with the same tables (nothing changes), a second
//! compression at quality 95 and above (steps of 1 or 2 drown the signature in the rounding of
//! the pixels), a first compression whose tables were not IJG's (the candidates are IJG's), a
//! crop that moved the 8x8 grid. Progressive and arithmetic-coded files are not read (the
//! coefficient reader, [`crate::jpeg::coefficients`], takes baseline and extended sequential
//! only).
//!
//! Cost: one entropy decode of the scan (no inverse DCT; the luma's low frequencies kept,
//! bounded as that module says; the same walk makes the hashes' preview), and 81 candidates ×
//! [`POSITIONS`] histograms of [`BINS`] bins, a frequency's bins judged once per distinct first
//! step (neighbouring qualities often share it).

pub mod region;

use crate::jpeg::coefficients::{KEPT, LumaCoefficients, read_luma};
use crate::jpeg::{NATURAL_ORDER, QuantTable, standard_luma_table};
use eidscope_model::media::DoubleCompression;

/// The AC frequencies judged, in zigzag order from 1: the low ones, where coefficients are
/// non-zero often enough to fill a histogram.
pub const POSITIONS: usize = 14;

/// Histogram bins per frequency (absolute quantised values 0..BINS).
pub const BINS: usize = 48;

/// The least expected count in the judged bins for a fit to be reported.
pub const MIN_WEIGHT: f64 = 400.0;

/// The double-compression evidence of a JPEG's bytes, given its luma quantisation table (the
/// table of the first frame component, natural order). `None` when the coefficients cannot be
/// read (not baseline, damaged) or too few to judge.
pub fn double_compression(bytes: &[u8], luma: &QuantTable) -> Option<DoubleCompression> {
    double_compression_of(&read_luma(bytes).ok()?, luma)
}

/// [`double_compression`] of coefficients already read (the scan walk that also made the
/// hashes' preview, [`crate::jpeg::coefficients::read_scan`]).
pub fn double_compression_of(
    coefficients: &LumaCoefficients,
    luma: &QuantTable,
) -> Option<DoubleCompression> {
    let histograms = histograms(&coefficients.blocks);
    let smooth = smooth_predictions(&histograms);
    let mut cache: Vec<Terms> = (0..POSITIONS).map(|_| Terms::default()).collect();
    let mut best = (20..=100u8)
        .filter(|&quality| coarser(&standard_luma_table(u32::from(quality)), &luma.values))
        .filter_map(|quality| fit(&histograms, &smooth, &luma.values, quality, &mut cache))
        .filter(|candidate| candidate.weight >= MIN_WEIGHT)
        .max_by(|a, b| a.fit.total_cmp(&b.fit))?;
    best.region = region::region(coefficients, &luma.values, best.first_quality, best.fit);
    Some(best)
}

/// Whether a first table `first` quantised the judged frequencies more coarsely than the last
/// table `second`: the case whose signature (empty bins at a period) the method reads. A best
/// fit at a finer first table is what a flat picture saved once can give by chance (a clean
/// synthetic document front fitted quality 96 before 85 at 0.90), and the method does not
/// detect that case anyway, so it is never a candidate.
fn coarser(first: &[u16; 64], second: &[u16; 64]) -> bool {
    let judged = |table: &[u16; 64]| -> u64 {
        (1..=POSITIONS)
            .map(|zigzag| u64::from(table[usize::from(NATURAL_ORDER[zigzag])]))
            .sum()
    };
    judged(first) > judged(second)
}

/// `h[position][value]`: how many blocks hold the absolute quantised value at each of the
/// judged frequencies.
fn histograms(blocks: &[[i16; KEPT]]) -> Vec<[u64; BINS]> {
    let mut histograms = vec![[0u64; BINS]; POSITIONS];
    for block in blocks {
        for (zigzag, histogram) in (1..=POSITIONS).zip(histograms.iter_mut()) {
            let value = block[zigzag];
            if let Some(bin) = histogram.get_mut(usize::from(value.unsigned_abs())) {
                *bin += 1;
            }
        }
    }
    histograms
}

/// Each bin's prediction from its two neighbours under a single compression, `√(h(k-1)
/// h(k+1))` (exact on a Laplacian's exponential slope): the same for every candidate, so made
/// once per picture.
fn smooth_predictions(histograms: &[[u64; BINS]]) -> Vec<[f64; BINS]> {
    histograms
        .iter()
        .map(|histogram| {
            let mut expected = [0.0; BINS];
            for k in 1..BINS - 1 {
                expected[k] = ((histogram[k - 1] * histogram[k + 1]) as f64).sqrt();
            }
            expected
        })
        .collect()
}

/// One frequency's share of a fit for a first step `q1`: each judged bin's χ² under the double
/// compression, χ² under a single one and weight, in bin order. Neighbouring candidate qualities
/// often share a frequency's first step, so the last one is kept per frequency and its terms
/// reused; they are added in the same order as ever, so the sums are the same to the bit.
#[derive(Default)]
struct Terms {
    q1: u64,
    terms: Vec<Term>,
}

/// One judged bin's share of a fit.
struct Term {
    chi_double: f64,
    chi_single: f64,
    expected: f64,
}

/// How well a first compression at `quality` explains the histograms (see the module doc).
fn fit(
    histograms: &[[u64; BINS]],
    smooth: &[[f64; BINS]],
    second: &[u16; 64],
    quality: u8,
    cache: &mut [Terms],
) -> Option<DoubleCompression> {
    let first = standard_luma_table(u32::from(quality));
    let (mut chi_double, mut chi_single, mut weight) = (0.0, 0.0, 0.0);
    let positions = (1..=POSITIONS).zip(histograms).zip(smooth).zip(cache);
    for (((zigzag, histogram), smooth), cached) in positions {
        let natural = usize::from(NATURAL_ORDER[zigzag]);
        let (q1, q2) = (u64::from(first[natural]), u64::from(second[natural]));
        if q1 == q2 || q2 == 0 {
            continue;
        }
        if cached.q1 != q1 {
            cached.q1 = q1;
            cached.terms.clear();
            judged_terms(histogram, smooth, q1, q2, &mut cached.terms);
        }
        for term in &cached.terms {
            chi_double += term.chi_double;
            chi_single += term.chi_single;
            weight += term.expected;
        }
    }
    (chi_single > 0.0).then(|| DoubleCompression {
        first_quality: quality,
        fit: region::rounded(1.0 - chi_double / chi_single),
        weight: weight.round(),
        region: None,
    })
}

/// The terms of one frequency's judged bins for steps `q1` then `q2` (see [`Terms`]).
fn judged_terms(
    histogram: &[u64; BINS],
    smooth: &[f64; BINS],
    q1: u64,
    q2: u64,
    terms: &mut Vec<Term>,
) {
    let reach = multiplicities(q1, q2);
    for k in 2..BINS - 1 {
        let (before, here, after) = (reach[k - 1], reach[k], reach[k + 1]);
        if before == 0 || after == 0 || here * here == before * after {
            continue;
        }
        let expected = smooth[k];
        if expected < 1.0 {
            continue;
        }
        let ratio = here as f64 / ((before * after) as f64).sqrt();
        let observed = histogram[k] as f64;
        terms.push(Term {
            chi_double: (observed - expected * ratio).powi(2) / expected,
            chi_single: (observed - expected).powi(2) / expected,
            expected,
        });
    }
}

/// How many first-quantised values `m ≥ 1` (step `q1`) land on each value `k` once quantised
/// again with step `q2` (libjpeg rounds half up: `k = ⌊(2 m q1 + q2) / (2 q2)⌋`). In closed
/// form: `k` is reached from every `m` from `first(k) = ⌈(2k − 1) q2 / (2 q1)⌉` (at least 1) up
/// to `first(k + 1) − 1`, so the count is the difference of two of those bounds. The bounds are
/// stepped from one `k` to the next (the numerator grows by `2 q2`) with four divisions in all:
/// a division per bound made this the fit's hottest line (81 candidates × 14 frequencies × 48
/// bins per picture).
fn multiplicities(q1: u64, q2: u64) -> [u64; BINS] {
    let divisor = 2 * q1;
    // (2k − 1) q2 = quotient × divisor + remainder, from k = 1 on.
    let (mut quotient, mut remainder) = (q2 / divisor, q2 % divisor);
    let (step, step_remainder) = ((2 * q2) / divisor, (2 * q2) % divisor);
    let mut firsts = [1u64; BINS + 1];
    for first in firsts.iter_mut().skip(1) {
        *first = (quotient + u64::from(remainder > 0)).max(1);
        quotient += step;
        remainder += step_remainder;
        if remainder >= divisor {
            remainder -= divisor;
            quotient += 1;
        }
    }
    let mut reach = [0u64; BINS];
    reach[0] = firsts[1] - 1;
    for k in 1..BINS {
        reach[k] = firsts[k + 1] - firsts[k];
    }
    reach
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The counting the closed form replaced: every `m` quantised again, one by one.
    fn counted(q1: u64, q2: u64) -> [u64; BINS] {
        let mut reach = [0u64; BINS];
        for m in 1.. {
            let k = (2 * m * q1 + q2) / (2 * q2);
            match reach.get_mut(usize::try_from(k).unwrap_or(usize::MAX)) {
                Some(count) => *count += 1,
                None => break,
            }
        }
        reach
    }

    #[test]
    fn the_closed_form_counts_as_requantising_every_value_does() {
        for q1 in 1..=120 {
            for q2 in 1..=120 {
                assert_eq!(multiplicities(q1, q2), counted(q1, q2), "q1 {q1}, q2 {q2}");
            }
        }
        // The ends of 8-bit tables (and a 16-bit step).
        let ends = [1, 2, 3, 127, 128, 199, 254, 255, 1000];
        for q1 in ends {
            for q2 in ends {
                assert_eq!(multiplicities(q1, q2), counted(q1, q2), "q1 {q1}, q2 {q2}");
            }
        }
    }

    #[test]
    fn coarser_first_steps_leave_gaps_finer_ones_pile_up() {
        // 10 then 6: 10/6 = 1.67 -> values 2, 3, 5, 7, 8, 10, ...; 4, 6, 9 never occur.
        let reach = multiplicities(10, 6);
        assert_eq!(&reach[1..11], &[0, 1, 1, 0, 1, 0, 1, 1, 0, 1]);
        // 3 then 4: 0.75 -> 1, 2, 2, 3, 4, 5, 5, 6: 2 and 5 collect two values each.
        let reach = multiplicities(3, 4);
        assert_eq!(&reach[1..7], &[1, 2, 1, 1, 2, 1]);
    }
}
