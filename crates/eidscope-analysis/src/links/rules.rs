//! The cross-bundle rules over a prepared batch. Each rule finds links (a shared document, a
//! shared picture, a near copy, a burst of attempts), merges them into groups and writes one
//! finding per group with a sentence saying what to do. People are told apart by holder
//! ([`super::holders`]): the spellings of one name with one birth date are one person.

use super::disjoint::DisjointSets;
use super::hamming::for_each_near_pair;
use super::holders::Holders;
use super::identity::IdentityKey;
use super::velocity::{VelocityRule, bursts, duration_words};
use super::{LinkFinding, LinkRecord};
use eidscope_model::{EntryKind, FindingCode};
use std::collections::{BTreeMap, BTreeSet};

/// A picture shared by several bundles: its SHA-256 and its holders (bundle, role).
type SharedPicture<'s> = (&'s str, Vec<(usize, EntryKind)>);

/// The holders among some records, each with the spellings these records give it (see
/// [`Batch::spellings_of`]).
type HolderSpellings<'s> = Vec<Vec<&'s IdentityKey>>;

/// The batch with each record's identity, holder and document key worked out once.
pub(super) struct Batch<'a> {
    records: &'a [LinkRecord],
    identities: Vec<Option<IdentityKey>>,
    holders: Holders,
    documents: Vec<Option<String>>,
}

impl<'a> Batch<'a> {
    pub(super) fn new(records: &'a [LinkRecord]) -> Self {
        let identities: Vec<Option<IdentityKey>> =
            records.iter().map(LinkRecord::identity).collect();
        Batch {
            records,
            holders: Holders::new(&identities),
            identities,
            documents: records.iter().map(LinkRecord::document).collect(),
        }
    }

    /// The paths of these records, sorted, each once.
    fn paths(&self, members: impl IntoIterator<Item = usize>) -> Vec<String> {
        let paths: BTreeSet<&str> = members
            .into_iter()
            .map(|i| self.records[i].path.as_str())
            .collect();
        paths.into_iter().map(str::to_owned).collect()
    }

    /// The distinct holders of these records (records that name nobody have none).
    fn holders_of(&self, members: impl IntoIterator<Item = usize>) -> BTreeSet<usize> {
        members
            .into_iter()
            .filter_map(|i| self.holders.of(i))
            .collect()
    }

    /// The holders of these records, each with the spellings these records give it: the most
    /// used first, then the one with the most national letters (the visual zone's), then in
    /// alphabetical order. Holders are sorted by their first spelling.
    fn spellings_of(&self, members: impl IntoIterator<Item = usize>) -> HolderSpellings<'_> {
        let mut by_holder: BTreeMap<usize, BTreeMap<&IdentityKey, usize>> = BTreeMap::new();
        for i in members {
            if let (Some(holder), Some(identity)) = (self.holders.of(i), &self.identities[i]) {
                *by_holder
                    .entry(holder)
                    .or_default()
                    .entry(identity)
                    .or_default() += 1;
            }
        }
        let national = |key: &IdentityKey| key.name().chars().filter(|c| !c.is_ascii()).count();
        let mut holders: HolderSpellings = by_holder
            .into_values()
            .map(|counts| {
                let mut spellings: Vec<(&IdentityKey, usize)> = counts.into_iter().collect();
                spellings.sort_by(|a, b| {
                    (b.1, national(b.0))
                        .cmp(&(a.1, national(a.0)))
                        .then_with(|| a.0.cmp(b.0))
                });
                spellings.into_iter().map(|(key, _)| key).collect()
            })
            .collect();
        holders.sort();
        holders
    }

    /// The records by document key, in key order.
    fn by_document(&self) -> BTreeMap<&str, Vec<usize>> {
        let mut by_document: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, document) in self.documents.iter().enumerate() {
            if let Some(document) = document {
                by_document.entry(document).or_default().push(i);
            }
        }
        by_document
    }

    /// `document-reuse` for each document under two holders or more, `name-variants` for each
    /// document under one holder written in two spellings or more.
    pub(super) fn documents(&self) -> Vec<LinkFinding> {
        let mut findings = Vec::new();
        for (document, members) in self.by_document() {
            let holders = self.spellings_of(members.iter().copied());
            let paths = self.paths(members.iter().copied());
            match holders.as_slice() {
                [] => {}
                [spellings] if spellings.len() < 2 => {}
                [spellings] => findings.push(name_variants(document, spellings, paths)),
                _ => findings.push(document_reuse(document, &holders, paths)),
            }
        }
        findings
    }

    pub(super) fn media_reuse(&self) -> Vec<LinkFinding> {
        let mut by_sha: BTreeMap<&str, Vec<(usize, EntryKind)>> = BTreeMap::new();
        for (i, record) in self.records.iter().enumerate() {
            for (kind, picture) in record.pictures() {
                by_sha
                    .entry(picture.sha256.as_str())
                    .or_default()
                    .push((i, kind));
            }
        }
        // A picture shared by one person (a retry with the same document photo) links nothing.
        let shared: Vec<SharedPicture> = by_sha
            .into_iter()
            .filter(|(_, holders)| self.holders_of(holders.iter().map(|h| h.0)).len() >= 2)
            .collect();
        let mut sets = DisjointSets::new(self.records.len());
        for (_, holders) in &shared {
            for pair in holders.windows(2) {
                sets.union(pair[0].0, pair[1].0);
            }
        }
        let mut pictures_of: BTreeMap<usize, Vec<&SharedPicture>> = BTreeMap::new();
        for picture in &shared {
            pictures_of
                .entry(sets.find(picture.1[0].0))
                .or_default()
                .push(picture);
        }
        let mut findings = Vec::new();
        for group in sets.groups() {
            let pictures = pictures_of.remove(&sets.find(group[0])).unwrap_or_default();
            // The key: the picture held by the most bundles (then the smallest hash).
            let Some((sha, _)) = pictures.iter().max_by(|a, b| {
                let bundles =
                    |p: &&&SharedPicture| p.1.iter().map(|h| h.0).collect::<BTreeSet<_>>().len();
                bundles(a).cmp(&bundles(b)).then_with(|| b.0.cmp(a.0))
            }) else {
                continue;
            };
            let kinds: BTreeSet<EntryKind> = pictures
                .iter()
                .flat_map(|p| p.1.iter().map(|h| h.1))
                .collect();
            let identities = self.spellings_of(group.iter().copied());
            let paths = self.paths(group.iter().copied());
            let what = if pictures.len() == 1 {
                format!(
                    "The same {} picture (sha256 {})",
                    kind_words(&kinds),
                    short(sha)
                )
            } else {
                format!(
                    "{} identical {} pictures (first sha256 {})",
                    pictures.len(),
                    kind_words(&kinds),
                    short(sha)
                )
            };
            let verb = if pictures.len() == 1 {
                "appears"
            } else {
                "appear"
            };
            let message = format!(
                "{what} {verb} byte for byte in {} bundles under {} identities ({}): a real capture is never repeated \
                 bit for bit, so the picture was reused; review these bundles together.",
                paths.len(),
                identities.len(),
                list(&identities)
            );
            findings.push(LinkFinding::new(
                FindingCode::MediaReuse,
                paths,
                *sha,
                message,
            ));
        }
        findings
    }

    pub(super) fn face_near_duplicates(&self, near_bits: u32) -> Vec<LinkFinding> {
        let nodes = self.face_nodes();
        let mut near = self.link_near_faces(&nodes, near_bits);
        // The linked nodes of each group, by the group's root.
        let mut nodes_of: BTreeMap<usize, Vec<&FaceNode>> = BTreeMap::new();
        for (node, _) in nodes
            .iter()
            .zip(&near.linked)
            .filter(|(_, linked)| **linked)
        {
            nodes_of
                .entry(near.sets.find(node.members[0]))
                .or_default()
                .push(node);
        }
        let mut findings = Vec::new();
        for group in near.sets.groups() {
            let root = near.sets.find(group[0]);
            let bits = near.bits_of.get(&root).copied().unwrap_or(0);
            let nodes = nodes_of.get(&root).map_or(&[][..], Vec::as_slice);
            findings.extend(self.face_finding(&group, nodes, bits, near_bits));
        }
        findings
    }

    /// One node per distinct selfie or portrait with both hashes (byte-identical copies are
    /// one node: media-reuse's business, and it keeps a picture reused a thousand times from
    /// costing a million comparisons).
    fn face_nodes(&self) -> Vec<FaceNode<'a>> {
        let mut nodes: Vec<FaceNode> = Vec::new();
        let mut node_of: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, record) in self.records.iter().enumerate() {
            for (kind, picture) in record.pictures() {
                if !matches!(kind, EntryKind::Selfie | EntryKind::Portrait) {
                    continue;
                }
                let (Some(dhash), Some(phash)) = (picture.dhash, picture.phash) else {
                    continue;
                };
                let node = *node_of.entry(picture.sha256.as_str()).or_insert_with(|| {
                    nodes.push(FaceNode {
                        sha256: &picture.sha256,
                        dhash: dhash.0,
                        phash: phash.0,
                        members: Vec::new(),
                    });
                    nodes.len() - 1
                });
                nodes[node].members.push(i);
            }
        }
        nodes
    }

    /// Links the bundles of nodes whose hashes both lie within `near_bits` and whose holders
    /// are different people.
    fn link_near_faces(&self, nodes: &[FaceNode], near_bits: u32) -> NearFaces {
        let node_holders: Vec<Vec<usize>> = nodes
            .iter()
            .map(|n| {
                self.holders_of(n.members.iter().copied())
                    .into_iter()
                    .collect()
            })
            .collect();
        let dhashes: Vec<u64> = nodes.iter().map(|n| n.dhash).collect();
        let mut near = NearFaces {
            sets: DisjointSets::new(self.records.len()),
            bits_of: BTreeMap::new(),
            linked: vec![false; nodes.len()],
        };
        let mut links: Vec<(usize, u32)> = Vec::new();
        for_each_near_pair(&dhashes, near_bits, |u, v| {
            let (a, b) = (&nodes[u], &nodes[v]);
            let phash_bits = (a.phash ^ b.phash).count_ones();
            if phash_bits > near_bits || !different_people(&node_holders[u], &node_holders[v]) {
                return;
            }
            for &m in a.members.iter().chain(&b.members) {
                near.sets.union(a.members[0], m);
            }
            links.push((
                a.members[0],
                (a.dhash ^ b.dhash).count_ones().max(phash_bits),
            ));
            near.linked[u] = true;
            near.linked[v] = true;
        });
        for (member, bits) in links {
            let most = near.bits_of.entry(near.sets.find(member)).or_default();
            *most = (*most).max(bits);
        }
        near
    }

    /// The finding of one group of near-duplicate faces (`bits`: the widest distance inside
    /// it); the key is the picture of the group's first bundle (by path).
    fn face_finding(
        &self,
        group: &[usize],
        nodes: &[&FaceNode],
        bits: u32,
        near_bits: u32,
    ) -> Option<LinkFinding> {
        let paths = self.paths(group.iter().copied());
        let first = paths.first().map(String::as_str);
        let key = nodes
            .iter()
            .filter(|n| {
                n.members
                    .iter()
                    .any(|&m| Some(self.records[m].path.as_str()) == first)
            })
            .map(|n| n.sha256)
            .min()?;
        let identities = self.spellings_of(group.iter().copied());
        let message = format!(
            "Selfies or portraits in {} bundles under {} identities ({}) are one picture re-encoded, rescaled or \
             cropped (dHash and pHash at most {bits} bits apart; limit {near_bits}): compare the faces side by side \
             and review these bundles together.",
            paths.len(),
            identities.len(),
            list(&identities)
        );
        Some(LinkFinding::new(
            FindingCode::FaceNearDuplicate,
            paths,
            key,
            message,
        ))
    }

    pub(super) fn velocity(&self, rule: &VelocityRule) -> Vec<LinkFinding> {
        let mut findings = Vec::new();
        for (document, members) in self.by_document() {
            let mut attempts: Vec<(chrono::DateTime<chrono::Utc>, &str, usize)> = members
                .iter()
                .filter_map(|&i| {
                    self.records[i]
                        .created_at
                        .map(|t| (t, self.records[i].path.as_str(), i))
                })
                .collect();
            if attempts.len() < rule.attempts {
                continue;
            }
            attempts.sort();
            let times: Vec<_> = attempts.iter().map(|a| a.0).collect();
            for (first, last) in bursts(&times, rule) {
                let burst = &attempts[first..=last];
                let paths = self.paths(burst.iter().map(|a| a.2));
                let span = times[last] - times[first];
                let message = format!(
                    "{} attempts with document {document} within {} ({} to {}; the limit is {}): someone is retrying \
                     this document until it passes; review the decisions of these attempts together.",
                    burst.len(),
                    duration_words(span),
                    times[first].format("%Y-%m-%d %H:%M"),
                    times[last].format("%Y-%m-%d %H:%M UTC"),
                    rule
                );
                findings.push(LinkFinding::new(
                    FindingCode::Velocity,
                    paths,
                    document,
                    message,
                ));
            }
        }
        findings
    }
}

/// The near-duplicate links among face nodes: the bundles merged into groups, the widest
/// distance inside each group (by its root), and which nodes take part.
struct NearFaces {
    sets: DisjointSets,
    bits_of: BTreeMap<usize, u32>,
    linked: Vec<bool>,
}

/// A distinct selfie or portrait and the bundles holding it.
struct FaceNode<'a> {
    sha256: &'a str,
    dhash: u64,
    phash: u64,
    members: Vec<usize>,
}

/// The `document-reuse` finding of a document under several holders.
fn document_reuse(document: &str, holders: &HolderSpellings, paths: Vec<String>) -> LinkFinding {
    let message = format!(
        "Document {document} was presented under {} identities ({}) in {} bundles: a document has one holder, so \
         review these bundles together and treat every attempt that is not the holder's as an impersonation.",
        holders.len(),
        list(holders),
        paths.len()
    );
    LinkFinding::new(FindingCode::DocumentReuse, paths, document, message)
}

/// The `name-variants` note of a document under one holder written several ways.
fn name_variants(document: &str, spellings: &[&IdentityKey], paths: Vec<String>) -> LinkFinding {
    let names: Vec<String> = spellings.iter().map(|s| s.name()).collect();
    let birth = spellings
        .first()
        .and_then(|s| s.birth())
        .map(|b| format!(", {b},"))
        .unwrap_or_default();
    let message = format!(
        "Document {document} was read under {} spellings of one holder's name ({}){birth} in {} bundles: \
         transliteration, truncation, initials or order as documents write names, so one identity and no document \
         reuse; check the spellings only if they differ in more than that.",
        names.len(),
        at_most_three(&names),
        paths.len()
    );
    LinkFinding::new(FindingCode::NameVariants, paths, document, message)
}

/// Whether some holder of one picture and some holder of the other are known and different
/// people.
fn different_people(a: &[usize], b: &[usize]) -> bool {
    match (a, b) {
        ([], _) | (_, []) => false,
        ([x], [y]) => x != y,
        _ => true,
    }
}

/// Up to three holders, each with its other spellings, then how many more:
/// `JÜRGEN MÜLLER, born 2002-12-16 (also written JUERGEN MUELLER; JURGEN MULLER); ...`.
fn list(holders: &HolderSpellings) -> String {
    let described: Vec<String> = holders
        .iter()
        .filter_map(|spellings| {
            let (first, others) = spellings.split_first()?;
            let others: Vec<String> = others.iter().map(|s| s.name()).collect();
            Some(if others.is_empty() {
                first.describe()
            } else {
                format!(
                    "{} (also written {})",
                    first.describe(),
                    at_most_three(&others)
                )
            })
        })
        .collect();
    at_most_three(&described)
}

/// `A; B; C`, or `A; B; C; and 2 more`.
fn at_most_three(items: &[String]) -> String {
    let mut text = items.iter().take(3).cloned().collect::<Vec<_>>().join("; ");
    if items.len() > 3 {
        text.push_str(&format!("; and {} more", items.len() - 3));
    }
    text
}

/// `selfie`, `selfie and portrait`, `front, back and selfie`.
fn kind_words(kinds: &BTreeSet<EntryKind>) -> String {
    let words: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
    match words.split_last() {
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => "picture".to_owned(),
    }
}

/// The first 16 hex digits of a hash, for sentences (the key carries it whole).
fn short(hash: &str) -> &str {
    hash.get(..16).unwrap_or(hash)
}
