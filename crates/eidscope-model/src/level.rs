//! How much of a bundle a run looks at (`--level`), and what a lower level leaves unchecked.
//!
//! The level is a closed set of words like every other ([`crate::Vocabulary`]); each finding
//! of the catalogue names the lowest level at which it is fully checked
//! ([`crate::FindingSpec::level`]), so that every output that reads tables made at a lower
//! level can say which checks could not run and why ([`unchecked`]), from this one source.

use crate::finding::{CATALOGUE, FindingCode, FindingScope, Severity};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How much of a bundle to look at (cli-contract.md, `--level`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// The zip directory and the JSON only.
    Meta,
    /// Also decode and hash the images.
    Media,
    /// Also probe and decode the video.
    Full,
}

crate::words!(Level, "level", [Meta => "meta", Media => "media", Full => "full"]);

impl Level {
    /// What a run at this level does beyond the level below, as the reason a check that
    /// needs this level gives when it could not run.
    pub fn adds(self) -> &'static str {
        match self {
            Level::Meta => "reads the zip directory and the JSON",
            Level::Media => "decodes and hashes the pictures",
            Level::Full => "probes and decodes the video",
        }
    }
}

/// A check that could not run on some bundles because they were scanned below the level it
/// needs (`checks_not_run` of `stats --json` and `links --json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UncheckedCode {
    /// The finding code whose check could not run.
    pub code: FindingCode,
    /// Its severity.
    pub severity: Severity,
    /// The lowest level that runs it.
    pub needs: Level,
    /// How many bundles were read below that level.
    pub bundles: u64,
    /// Why, in one sentence.
    pub reason: String,
}

impl std::fmt::Display for UncheckedCode {
    /// `not checked: video-frozen on 40 bundles: needs --level full (...); read at ...`
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "not checked: {} on {} bundle{}: {}",
            self.code,
            self.bundles,
            if self.bundles == 1 { "" } else { "s" },
            self.reason
        )
    }
}

/// The checks of `scope` that could not run on bundles read at these levels (bundles per
/// level), in catalogue order. A check is listed when at least one bundle was read below the
/// level it needs; `bundles` says how many.
pub fn unchecked(levels: &BTreeMap<Level, u64>, scope: FindingScope) -> Vec<UncheckedCode> {
    CATALOGUE
        .iter()
        .filter(|spec| spec.scope == scope)
        .filter_map(|spec| {
            let below: Vec<(Level, u64)> = levels
                .iter()
                .filter(|(level, n)| **level < spec.level && **n > 0)
                .map(|(level, n)| (*level, *n))
                .collect();
            let bundles: u64 = below.iter().map(|(_, n)| n).sum();
            (bundles > 0).then(|| {
                let at: Vec<String> = below
                    .iter()
                    .map(|(level, _)| format!("--level {level}"))
                    .collect();
                UncheckedCode {
                    code: spec.code,
                    severity: spec.severity,
                    needs: spec.level,
                    bundles,
                    reason: format!(
                        "needs --level {} (which {}); read at {}",
                        spec.level,
                        spec.level.adds(),
                        at.join(" and ")
                    ),
                }
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_levels_name_the_checks_they_cannot_run() {
        let meta = BTreeMap::from([(Level::Meta, 5)]);
        let batch: Vec<FindingCode> = unchecked(&meta, FindingScope::Batch)
            .iter()
            .map(|u| u.code)
            .collect();
        assert_eq!(
            batch,
            [
                FindingCode::MediaReuse,
                FindingCode::FaceNearDuplicate,
                FindingCode::SamePerson
            ]
        );
        let media = BTreeMap::from([(Level::Media, 3), (Level::Full, 2)]);
        let one = unchecked(&media, FindingScope::Bundle);
        let codes: Vec<FindingCode> = one.iter().map(|u| u.code).collect();
        assert_eq!(
            codes,
            [
                FindingCode::MediaCorrupt,
                FindingCode::VideoFrozen,
                FindingCode::VideoTooShort
            ]
        );
        assert_eq!(one[1].bundles, 3);
        assert_eq!(
            one[1].reason,
            "needs --level full (which probes and decodes the video); read at --level media"
        );
        let full = BTreeMap::from([(Level::Full, 9)]);
        assert!(unchecked(&full, FindingScope::Bundle).is_empty());
        assert!(unchecked(&full, FindingScope::Batch).is_empty());
    }
}
