//! Near pairs among 64-bit perceptual hashes without comparing all pairs: a multi-table
//! (multi-index) hash join.
//!
//! The 64 bits are cut into `m = k + t` blocks of (nearly) equal width. Two hashes at most `k`
//! bits apart differ in at most `k` blocks, so at least `t` blocks agree exactly (the
//! pigeonhole principle; with `t = 1` this is the classic "k + 1 chunks, one matches"). For
//! every choice of `t` blocks out of `m` one table groups the hashes by the bits of those
//! blocks (a counting sort); only hashes in the same group are compared. A pair found in
//! several tables is reported once, by the table of its first `t` agreeing blocks.
//!
//! `t` is chosen per call from a cost model (tables built versus candidate pairs compared);
//! on random hashes at `k = 8` it picks `t = 3` (165 tables of about 17 key bits), which
//! searches a million hashes in about a second and a half on one core of the development
//! machine, where the all-pairs search would take hours (`benches/`). Small inputs fall back to
//! the all-pairs search, which is cheaper there.
//!
//! The time grows with the number of pairs that really are near (each is reported); the memory
//! is linear in the number of hashes: pairs go to a callback, never into a buffer.

/// Key widths up to this many bits are grouped with a counting sort (a table of `2^bits`
/// counters); wider keys are sorted.
const COUNTING_SORT_BITS: u32 = 22;

/// More tables than this are never worth building (the all-pairs search is cheaper).
const MAX_TABLES: f64 = 20_000.0;

/// Calls `pair(i, j)` (with `i < j`) once for every pair of `hashes` at most `max_bits` bits
/// apart, in no particular order.
pub fn for_each_near_pair(hashes: &[u64], max_bits: u32, mut pair: impl FnMut(usize, usize)) {
    let n = hashes.len();
    if n < 2 {
        return;
    }
    match Plan::choose(n, max_bits) {
        Plan::AllPairs => all_pairs(hashes, max_bits, &mut pair),
        Plan::Tables { blocks, exact } => tables(hashes, max_bits, &blocks, exact, &mut pair),
    }
}

/// Every pair `(i, j)`, `i < j`, of `hashes` at most `max_bits` bits apart, sorted.
pub fn near_pairs(hashes: &[u64], max_bits: u32) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    for_each_near_pair(hashes, max_bits, |i, j| pairs.push((i, j)));
    pairs.sort_unstable();
    pairs
}

/// The same pairs as [`near_pairs`], by comparing every pair: the reference the index is
/// tested and benchmarked against. Quadratic; use only on small inputs.
pub fn near_pairs_all_pairs(hashes: &[u64], max_bits: u32) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    all_pairs(hashes, max_bits, &mut |i, j| pairs.push((i, j)));
    pairs
}

fn all_pairs(hashes: &[u64], max_bits: u32, pair: &mut impl FnMut(usize, usize)) {
    for (i, a) in hashes.iter().enumerate() {
        for (j, b) in hashes.iter().enumerate().skip(i + 1) {
            if (a ^ b).count_ones() <= max_bits {
                pair(i, j);
            }
        }
    }
}

/// One block of the 64 bits.
#[derive(Debug, Clone, Copy)]
struct Block {
    shift: u32,
    width: u32,
}

impl Block {
    fn bits(self, hash: u64) -> u64 {
        let mask = 1u64.checked_shl(self.width).map_or(u64::MAX, |bit| bit - 1);
        (hash >> self.shift) & mask
    }
}

#[derive(Debug)]
enum Plan {
    AllPairs,
    /// The blocks, and how many of them form a table's key.
    Tables {
        blocks: Vec<Block>,
        exact: usize,
    },
}

impl Plan {
    /// The cheapest plan by a rough cost model in "operations": building a table touches
    /// every hash (and the counters of the counting sort), and each table compares the pairs
    /// that share its key, about `n² / 2 / 2^key_bits` on spread-out hashes.
    fn choose(n: usize, max_bits: u32) -> Plan {
        let n_f = n as f64;
        let all_pairs_cost = n_f * n_f / 2.0;
        let mut best: Option<(f64, usize, usize)> = None;
        for exact in 1..=8usize {
            let m = max_bits as usize + exact;
            if m > 64 {
                break;
            }
            let tables = binomial(m, exact);
            if tables > MAX_TABLES {
                break;
            }
            // The narrowest key of the layout (blocks are 64/m wide, the first ones one wider).
            let key_bits = (64 / m * exact) as u32;
            let build = if counting_sort(n, key_bits) {
                8.0 * n_f + f64::from(1u32 << key_bits)
            } else {
                n_f * n_f.log2().max(1.0) * 4.0
            };
            let compare = n_f * n_f / 2.0 / 2f64.powi(key_bits as i32);
            let cost = tables * (build + compare);
            if best.is_none_or(|(c, _, _)| cost < c) {
                best = Some((cost, m, exact));
            }
        }
        match best {
            Some((cost, m, exact)) if cost < all_pairs_cost => Plan::Tables {
                blocks: layout(m),
                exact,
            },
            _ => Plan::AllPairs,
        }
    }
}

/// `m` blocks covering the 64 bits, the first `64 % m` one bit wider than the rest.
fn layout(m: usize) -> Vec<Block> {
    let m32 = m as u32;
    let mut shift = 0;
    (0..m32)
        .map(|j| {
            let width = 64 / m32 + u32::from(j < 64 % m32);
            let block = Block { shift, width };
            shift += width;
            block
        })
        .collect()
}

/// Whether to group by a counting sort: the key is narrow and its counters are not many more
/// than the hashes.
fn counting_sort(n: usize, key_bits: u32) -> bool {
    key_bits <= COUNTING_SORT_BITS && (1usize << key_bits) <= n.saturating_mul(64)
}

fn binomial(n: usize, k: usize) -> f64 {
    (0..k).fold(1.0, |acc, i| acc * (n - i) as f64 / (i + 1) as f64)
}

/// The next `exact`-subset of `0..m` in lexicographic order, in place; `false` after the last.
fn next_combination(combo: &mut [usize], m: usize) -> bool {
    let t = combo.len();
    for i in (0..t).rev() {
        if combo[i] < m - t + i {
            combo[i] += 1;
            for j in i + 1..t {
                combo[j] = combo[j - 1] + 1;
            }
            return true;
        }
    }
    false
}

fn tables(
    hashes: &[u64],
    max_bits: u32,
    blocks: &[Block],
    exact: usize,
    pair: &mut impl FnMut(usize, usize),
) {
    let m = blocks.len();
    let n = hashes.len();
    let mut combo: Vec<usize> = (0..exact).collect();
    let mut keys = vec![0u64; n];
    let mut sorted_hashes = vec![0u64; n];
    let mut sorted_ids = vec![0usize; n];
    let mut counts: Vec<usize> = Vec::new();
    loop {
        let key_bits: u32 = combo.iter().map(|&b| blocks[b].width).sum();
        for (key, &hash) in keys.iter_mut().zip(hashes) {
            *key = combo.iter().fold(0u64, |acc, &b| {
                acc.checked_shl(blocks[b].width).unwrap_or(0) | blocks[b].bits(hash)
            });
        }
        // Group the hashes by key: a counting sort when the key is narrow, a sort otherwise.
        // Either way `starts` marks where each group of equal keys begins.
        let mut starts: Vec<usize> = Vec::new();
        if counting_sort(n, key_bits) {
            counts.clear();
            counts.resize((1usize << key_bits) + 1, 0);
            for &key in &keys {
                counts[key as usize + 1] += 1;
            }
            for i in 1..counts.len() {
                counts[i] += counts[i - 1];
            }
            // counts[key] is now the first slot of `key`; fill, then read the groups off.
            let mut next = counts.clone();
            for (id, (&key, &hash)) in keys.iter().zip(hashes).enumerate() {
                let slot = &mut next[key as usize];
                sorted_hashes[*slot] = hash;
                sorted_ids[*slot] = id;
                *slot += 1;
            }
            for w in counts.windows(2) {
                if w[1] - w[0] >= 2 {
                    starts.push(w[0]);
                    starts.push(w[1]);
                }
            }
        } else {
            let mut order: Vec<usize> = (0..n).collect();
            order.sort_unstable_by_key(|&id| keys[id]);
            for (slot, &id) in order.iter().enumerate() {
                sorted_hashes[slot] = hashes[id];
                sorted_ids[slot] = id;
            }
            let mut begin = 0;
            for end in 1..=n {
                if end == n || keys[order[end]] != keys[order[begin]] {
                    if end - begin >= 2 {
                        starts.push(begin);
                        starts.push(end);
                    }
                    begin = end;
                }
            }
        }
        for group in starts.chunks_exact(2) {
            let (begin, end) = (group[0], group[1]);
            for a in begin..end {
                for b in a + 1..end {
                    let diff = sorted_hashes[a] ^ sorted_hashes[b];
                    if diff.count_ones() <= max_bits && first_agreeing(diff, blocks, &combo) {
                        let (i, j) = (sorted_ids[a], sorted_ids[b]);
                        pair(i.min(j), i.max(j));
                    }
                }
            }
        }
        if !next_combination(&mut combo, m) {
            break;
        }
    }
}

/// Whether `combo` is the first `combo.len()` blocks on which the two hashes (differing by
/// `diff`) agree: the one table that reports the pair.
fn first_agreeing(diff: u64, blocks: &[Block], combo: &[usize]) -> bool {
    let mut found = 0;
    for (j, block) in blocks.iter().enumerate() {
        if found == combo.len() {
            return true;
        }
        if block.bits(diff) == 0 {
            if combo[found] != j {
                return false;
            }
            found += 1;
        }
    }
    found == combo.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn layout_covers_the_64_bits() {
        for m in 1..=64 {
            let blocks = layout(m);
            assert_eq!(blocks.len(), m);
            assert_eq!(blocks.iter().map(|b| b.width).sum::<u32>(), 64);
            assert!(blocks.iter().all(|b| b.width >= 1));
        }
    }

    #[test]
    fn combinations_are_enumerated_once_each() {
        let mut combo = vec![0, 1, 2];
        let mut count = 1;
        while next_combination(&mut combo, 6) {
            count += 1;
        }
        assert_eq!(count, 20);
    }

    #[test]
    fn identical_hashes_and_the_radius_edge() {
        let base = 0x0123_4567_89ab_cdefu64;
        let hashes = [base, base, base ^ 0xff, base ^ 0x1ff, !base];
        // 8 bits apart is near at radius 8; 9 bits apart is not.
        let expected = vec![(0, 1), (0, 2), (1, 2), (2, 3)];
        assert_eq!(near_pairs_all_pairs(&hashes, 8), expected);
        for (blocks, exact) in [(layout(9), 1), (layout(10), 2), (layout(11), 3)] {
            let mut pairs = Vec::new();
            tables(&hashes, 8, &blocks, exact, &mut |i, j| pairs.push((i, j)));
            pairs.sort_unstable();
            assert_eq!(pairs, expected, "{exact} exact blocks");
        }
    }

    #[test]
    fn a_large_input_uses_the_tables() {
        assert!(matches!(Plan::choose(1_000_000, 8), Plan::Tables { .. }));
        assert!(matches!(Plan::choose(10, 8), Plan::AllPairs));
    }

    /// Random hashes with planted near copies (0..=radius+2 bits flipped), so that pairs at,
    /// under and just over the radius all occur.
    fn planted() -> impl Strategy<Value = (Vec<u64>, u32)> {
        (0u32..=12).prop_flat_map(|radius| {
            let copies = prop::collection::vec(
                (
                    any::<prop::sample::Index>(),
                    prop::collection::vec(0u32..64, 0..=radius as usize + 2),
                ),
                0..40,
            );
            (prop::collection::vec(any::<u64>(), 1..60), copies).prop_map(
                move |(mut hashes, copies)| {
                    for (source, flips) in copies {
                        let base = hashes[source.index(hashes.len())];
                        hashes.push(flips.iter().fold(base, |h, bit| h ^ (1u64 << bit)));
                    }
                    (hashes, radius)
                },
            )
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn every_table_layout_finds_exactly_the_all_pairs_pairs((hashes, radius) in planted(), exact in 1usize..=3) {
            let expected = near_pairs_all_pairs(&hashes, radius);
            let mut pairs = Vec::new();
            tables(&hashes, radius, &layout(radius as usize + exact), exact, &mut |i, j| pairs.push((i, j)));
            pairs.sort_unstable();
            prop_assert_eq!(pairs, expected);
        }

        #[test]
        fn near_pairs_equals_all_pairs((hashes, radius) in planted()) {
            prop_assert_eq!(near_pairs(&hashes, radius), near_pairs_all_pairs(&hashes, radius));
        }
    }

    #[test]
    fn ten_thousand_planted_hashes_agree_with_all_pairs() {
        // Large enough that `near_pairs` builds tables rather than comparing all pairs.
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut hashes: Vec<u64> = (0..10_000).map(|_| next()).collect();
        for i in 0..500 {
            let flips = next() % 11;
            let copy = (0..flips).fold(hashes[i * 7], |h, _| h ^ (1u64 << (next() % 64)));
            hashes.push(copy);
        }
        assert!(matches!(Plan::choose(hashes.len(), 8), Plan::Tables { .. }));
        let pairs = near_pairs(&hashes, 8);
        assert!(pairs.len() >= 400, "{} pairs", pairs.len());
        assert_eq!(pairs, near_pairs_all_pairs(&hashes, 8));
    }
}
