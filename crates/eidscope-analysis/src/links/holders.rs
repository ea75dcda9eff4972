//! Who is who in a batch: the identities records give (one per spelling of a name and birth
//! date, see [`IdentityKey`]) grouped into holders, people the rules tell apart. Two spellings
//! are one holder when they share a birth date and their names are one name
//! ([`crate::names`]).
//!
//! Grouping works in two steps. Spellings with equal name keys are one holder outright (the key
//! is a function, so this is an equivalence). Then groups are merged by the relations that are
//! not keys (a name cut at the MRZ length, given names as initials) only when **every** spelling
//! of one group matches every spelling of the other (complete linkage): `J MUELLER` may join
//! `JUERGEN MUELLER` or `JOHANNES MUELLER`, never bridge the two into one person. Candidates
//! are compared within blocks of one birth date and surname initial, and a block of more than
//! [`MAX_BLOCK`] distinct names is grouped by key only, so that a hostile batch cannot make
//! this quadratic in its size.
//!
//! Never reads the records' pictures or documents: names and birth dates only.

use super::identity::IdentityKey;
use crate::names::{NameKey, PersonName};
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};

/// The largest number of distinct names of one birth date and surname initial whose
/// truncations and initials are compared pair by pair (beyond it, keys only).
pub const MAX_BLOCK: usize = 256;

/// A birth date as identities compare it: the date and whether it stands for the year only.
type Birth = (Option<NaiveDate>, bool);

/// The holder of every record of a batch.
#[derive(Debug, Clone)]
pub struct Holders {
    of: Vec<Option<usize>>,
}

impl Holders {
    /// The holders of records with these identities (`None`: the record names nobody, and has
    /// no holder).
    pub fn new(identities: &[Option<IdentityKey>]) -> Holders {
        let spellings: BTreeSet<&IdentityKey> = identities.iter().flatten().collect();
        let spellings: Vec<&IdentityKey> = spellings.into_iter().collect();
        let names: Vec<PersonName> = spellings.iter().map(|s| s.person_name()).collect();
        let seeds = Seeds::new(&spellings, &names);
        let holder_of_seed = seeds.link(&names);
        let of = identities
            .iter()
            .map(|identity| {
                let spelling = spellings.binary_search(&identity.as_ref()?).ok()?;
                Some(holder_of_seed[seeds.seed_of[spelling]])
            })
            .collect();
        Holders { of }
    }

    /// The holder of record `i`.
    pub fn of(&self, i: usize) -> Option<usize> {
        self.of.get(i).copied().flatten()
    }
}

/// Spellings grouped by birth date and name key: each seed is one holder at least.
struct Seeds {
    /// The spellings of each seed, in key order.
    members: Vec<Vec<usize>>,
    /// The seed of each spelling.
    seed_of: Vec<usize>,
    /// The blocks of seeds compared pair by pair: one birth date and surname initial.
    blocks: Vec<Vec<usize>>,
}

impl Seeds {
    fn new(spellings: &[&IdentityKey], names: &[PersonName]) -> Seeds {
        let mut by_key: BTreeMap<(Birth, &NameKey), Vec<usize>> = BTreeMap::new();
        for (i, (spelling, name)) in spellings.iter().zip(names).enumerate() {
            by_key
                .entry((
                    (spelling.date_of_birth, spelling.birth_year_only),
                    name.key(),
                ))
                .or_default()
                .push(i);
        }
        let mut seed_of = vec![0; spellings.len()];
        let mut blocks: BTreeMap<(Birth, Option<char>), Vec<usize>> = BTreeMap::new();
        let mut members = Vec::with_capacity(by_key.len());
        for (seed, ((birth, key), spellings)) in by_key.into_iter().enumerate() {
            for &s in &spellings {
                seed_of[s] = seed;
            }
            // Pseudonyms match by key only: nothing to compare pair by pair.
            if !names[spellings[0]].is_pseudonymous() {
                blocks
                    .entry((birth, key.surname.chars().next()))
                    .or_default()
                    .push(seed);
            }
            members.push(spellings);
        }
        Seeds {
            members,
            seed_of,
            blocks: blocks.into_values().filter(|b| b.len() > 1).collect(),
        }
    }

    /// Whether every spelling of seed `a` matches every spelling of seed `b`.
    fn seeds_match(&self, names: &[PersonName], a: usize, b: usize) -> bool {
        self.members[a]
            .iter()
            .all(|&x| self.members[b].iter().all(|&y| names[x].matches(&names[y])))
    }

    /// The holder of each seed: seeds merged by complete linkage over the pairs that match,
    /// in key order; holders numbered by their first seed.
    fn link(&self, names: &[PersonName]) -> Vec<usize> {
        let mut matching: BTreeSet<(usize, usize)> = BTreeSet::new();
        for block in self.blocks.iter().filter(|b| b.len() <= MAX_BLOCK) {
            for (k, &a) in block.iter().enumerate() {
                for &b in &block[k + 1..] {
                    if self.seeds_match(names, a, b) {
                        matching.insert((a.min(b), a.max(b)));
                    }
                }
            }
        }
        let mut group: Vec<usize> = (0..self.members.len()).collect();
        let mut groups: Vec<Vec<usize>> = (0..self.members.len()).map(|s| vec![s]).collect();
        for &(a, b) in &matching {
            let (ga, gb) = (group[a].min(group[b]), group[a].max(group[b]));
            if ga == gb {
                continue;
            }
            let all_match = groups[ga].iter().all(|&x| {
                groups[gb]
                    .iter()
                    .all(|&y| matching.contains(&(x.min(y), x.max(y))))
            });
            if all_match {
                let moved = std::mem::take(&mut groups[gb]);
                for &s in &moved {
                    group[s] = ga;
                }
                groups[ga].extend(moved);
            }
        }
        // Number the holders by their first seed.
        let mut number: BTreeMap<usize, usize> = BTreeMap::new();
        group
            .iter()
            .map(|&g| {
                let next = number.len();
                *number.entry(g).or_insert(next)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn key(first: &str, last: &str, born: &str) -> Option<IdentityKey> {
        IdentityKey::new(Some(first), Some(last), born.parse().ok())
    }

    #[test]
    fn spellings_of_one_name_and_birth_date_are_one_holder() {
        let holders = Holders::new(&[
            key("Jürgen", "Müller", "2002-12-16"),
            key("JUERGEN", "MUELLER", "2002-12-16"),
            key("JURGEN", "MULLER", "2002-12-16"),
            key("J", "MUELLER", "2002-12-16"),
            key("Jürgen", "Müller", "2002-12-17"),
            None,
        ]);
        let of: Vec<Option<usize>> = (0..6).map(|i| holders.of(i)).collect();
        assert_eq!(of[0], of[1]);
        assert_eq!(of[0], of[2]);
        assert_eq!(of[0], of[3]);
        assert_ne!(of[0], of[4]);
        assert_eq!(of[5], None);
    }

    #[test]
    fn an_initial_never_bridges_two_people() {
        let holders = Holders::new(&[
            key("Johannes", "Mueller", "2002-12-16"),
            key("J", "Mueller", "2002-12-16"),
            key("Juergen", "Mueller", "2002-12-16"),
        ]);
        assert_ne!(holders.of(0), holders.of(2));
        // The initial joins one of them (the first in key order), not both.
        assert!(holders.of(1) == holders.of(0) || holders.of(1) == holders.of(2));
    }
}
