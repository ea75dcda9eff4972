//! `--shard K/N`: a deterministic share of the inputs, so that N machines given the same
//! inputs each scan a share and their outputs together equal one scan's.
//!
//! An input belongs to shard `K` when `u64::from_be_bytes(sha256(path)[..8]) % N == K - 1`,
//! where `path` is the bundle path string as the scan writes it in the `path` column (the
//! argument as given, or the folder as given joined with the file found under it). The hash
//! is SHA-256 so that any tool can recompute the assignment (Python:
//! `int.from_bytes(hashlib.sha256(p.encode()).digest()[:8], "big") % n`); machines must
//! therefore see the same path strings (mount the data at the same place).

use sha2::{Digest, Sha256};
use std::fmt;
use std::str::FromStr;

/// One share of N: `index` is 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Shard {
    /// Which share, 1..=count.
    pub index: u32,
    /// How many shares.
    pub count: u32,
}

impl Shard {
    /// The whole batch (shard 1 of 1).
    pub const ALL: Shard = Shard { index: 1, count: 1 };

    /// A share, checked: `1 <= index <= count`.
    pub fn new(index: u32, count: u32) -> Result<Shard, String> {
        if count == 0 || index == 0 || index > count {
            return Err(format!(
                "shard {index}/{count}: K must lie between 1 and N (e.g. --shard 3/8)"
            ));
        }
        Ok(Shard { index, count })
    }

    /// The shard a path string belongs to (1-based), out of `count`.
    pub fn of(path: &str, count: u32) -> u32 {
        let digest = Sha256::digest(path.as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        let bucket = u64::from_be_bytes(first) % u64::from(count.max(1));
        // `bucket < count <= u32::MAX`, so the conversion never fails.
        u32::try_from(bucket).unwrap_or(0) + 1
    }

    /// Whether this share holds the path.
    pub fn contains(&self, path: &str) -> bool {
        self.count <= 1 || Shard::of(path, self.count) == self.index
    }

    /// The folder name of this share's output under `--out` (`shard-3-of-8`).
    pub fn dir_name(&self) -> String {
        format!("shard-{}-of-{}", self.index, self.count)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (k, n) = s
            .split_once('/')
            .ok_or_else(|| format!("shard `{s}` is not K/N (e.g. --shard 3/8)"))?;
        let parse = |t: &str| {
            t.trim().parse::<u32>().map_err(|_| {
                format!("shard `{s}` is not K/N with whole numbers (e.g. --shard 3/8)")
            })
        };
        Shard::new(parse(k)?, parse(n)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        assert_eq!("3/8".parse::<Shard>(), Ok(Shard { index: 3, count: 8 }));
        assert!("0/8".parse::<Shard>().is_err());
        assert!("9/8".parse::<Shard>().is_err());
        assert!("3".parse::<Shard>().is_err());
        assert!("a/b".parse::<Shard>().is_err());
    }

    #[test]
    fn every_path_falls_in_exactly_one_share() {
        for i in 0..500 {
            let path = format!("batch/bundle-{i:05}.zip");
            let owners: Vec<u32> = (1..=4)
                .filter(|k| {
                    Shard {
                        index: *k,
                        count: 4,
                    }
                    .contains(&path)
                })
                .collect();
            assert_eq!(owners.len(), 1, "{path}");
        }
    }

    #[test]
    fn the_assignment_is_stable() {
        // Pinned: documented in docs/scaling.md as recomputable with Python's hashlib.
        assert_eq!(Shard::of("a.zip", 8), Shard::of("a.zip", 8));
        let digest = Sha256::digest(b"a.zip");
        let value = u64::from_be_bytes(digest[..8].try_into().unwrap());
        assert_eq!(u64::from(Shard::of("a.zip", 8)), value % 8 + 1);
    }
}
