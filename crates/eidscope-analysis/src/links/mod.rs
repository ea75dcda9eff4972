//! Findings across bundles: what one bundle cannot show but a batch can. The same document
//! under two names (`document-reuse`), the same picture under two identities (`media-reuse`),
//! a face re-encoded, rescaled or cropped and reused (`face-near-duplicate`), one document
//! tried again and again (`velocity`), and, as a note, one document under several spellings of
//! its holder's name (`name-variants`).
//!
//! People are told apart by holder ([`holders`]): the spellings documents give one name
//! (ICAO transliteration, the MRZ's truncation, initials, given names in another order:
//! [`crate::names`]) with one birth date are one person, so `JÜRGEN MÜLLER`, `JUERGEN MUELLER`
//! and `JURGEN MULLER` with one passport are no document reuse, and one picture under them is
//! no media reuse.
//!
//! The input is one [`LinkRecord`] per bundle (the few facts these rules need, taken from a
//! [`BundleReport`] with [`LinkRecord::from_report`] or from the rows of a scan table); the
//! output is one [`LinkFinding`] per linked group. Links found pair by pair are merged into
//! connected components, so a ring of five bundles is one finding listing five paths.
//!
//! Pure: no file is read here. The near-duplicate search indexes the hashes ([`hamming`]) and
//! never compares all pairs of a large batch.

mod disjoint;
pub mod hamming;
pub mod holders;
pub mod identity;
mod rules;
pub mod velocity;

pub use eidscope_model::finding::LinkFinding;
pub use hamming::{for_each_near_pair, near_pairs, near_pairs_all_pairs};
pub use identity::{IdentityKey, document_key};
pub use velocity::VelocityRule;

use chrono::{DateTime, NaiveDate, Utc};
use eidscope_model::{BundleReport, EntryKind, MediaInfo, PerceptualHash};

/// Selfies or portraits of different identities whose dHash **and** pHash both lie within this
/// many bits (of 64) are `face-near-duplicate` (`--near-bits`).
///
/// Measured by `near_duplicate_threshold_separates_copies_from_distinct_faces`
/// (`crates/eidscope/tests/cli/links.rs`) on the selfies and portraits of 63 synthetic people
/// (`eidscope synth`, seed 11), with the hashes taken from the grey preview the scan uses:
/// copies of 40 pictures move from their original by at most (dHash/pHash bits) 1/2
/// re-encoded as JPEG at quality 90, 2/4 at 70, 3/2 at 50; 4/4 rescaled to 0.5 and 0.8, 2/4 to
/// 1.25; 8/6 cropped by 2 %; 10/8 rescaled to 0.95, cropped by 3 % and re-encoded at 70; 13/12
/// cropped by 5 %; 11/14 rescaled to 0.7, cropped by 5 % and re-encoded at 60; 15/18 cropped by
/// 8 %. Pictures of distinct people (7812 pairs) lie at least 10 dHash bits apart (1st
/// percentile 19, median 31) and 14 pHash bits (1st percentile 20, median 30); the larger of
/// the two distances is never below 16 (1st percentile 24).
///
/// Ten bits on both hashes therefore catches re-encoded, rescaled and slightly (up to ~3 %)
/// cropped copies with six bits to spare before the closest pair of distinct faces; it misses
/// crops of 5 % and more, and it never catches the same person photographed twice (another
/// pose or light moves the hashes as far as another face does): this finds reused pictures,
/// not people.
pub const DEFAULT_NEAR_BITS: u32 = 10;

/// The SHA-256 of zero bytes: every empty entry has it, so it links nothing.
const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// The hashes of one picture of a bundle.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PictureHashes {
    /// SHA-256 of the entry bytes, lower-case hex.
    pub sha256: String,
    /// 64-bit difference hash (absent when the picture did not decode).
    pub dhash: Option<PerceptualHash>,
    /// 64-bit DCT hash (absent when the picture did not decode).
    pub phash: Option<PerceptualHash>,
}

/// What the cross-bundle rules need to know about one bundle.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkRecord {
    /// The bundle, as it is to be listed in findings.
    pub path: String,
    /// Given names.
    pub first_name: Option<String>,
    /// Surnames.
    pub last_name: Option<String>,
    /// Date of birth.
    pub date_of_birth: Option<NaiveDate>,
    /// Whether `date_of_birth` stands for a birth year only (redacted tables keep the year):
    /// messages then show the year, not a made-up first of January.
    pub birth_year_only: bool,
    /// Issuing country of the document.
    pub issuing_country: Option<String>,
    /// Document number, as written.
    pub document_number: Option<String>,
    /// When the attempt was made (the process `createdAt`); bundles without it take no part
    /// in `velocity`.
    pub created_at: Option<DateTime<Utc>>,
    /// The selfie.
    pub selfie: Option<PictureHashes>,
    /// The document portrait.
    pub portrait: Option<PictureHashes>,
    /// The document front.
    pub front: Option<PictureHashes>,
    /// The document back.
    pub back: Option<PictureHashes>,
}

impl LinkRecord {
    /// The facts of a report (read at level `media` or `full`, so that pictures are hashed).
    /// Empty picture entries are left out: they would all be "identical".
    pub fn from_report(report: &BundleReport) -> Self {
        let picture = |kind: EntryKind| match report.media.get(&kind) {
            Some(MediaInfo::Image(info)) if info.size_bytes > 0 && !info.sha256.is_empty() => {
                Some(PictureHashes {
                    sha256: info.sha256.clone(),
                    dhash: info.dhash,
                    phash: info.phash,
                })
            }
            _ => None,
        };
        let identity = &report.identity;
        LinkRecord {
            path: report.path.clone(),
            first_name: identity.first_name.clone(),
            last_name: identity.last_name.clone(),
            date_of_birth: identity.date_of_birth,
            birth_year_only: false,
            issuing_country: identity.issuing_country.clone(),
            document_number: identity.document_number.clone(),
            created_at: report.process.as_ref().and_then(|p| p.created_at),
            selfie: picture(EntryKind::Selfie),
            portrait: picture(EntryKind::Portrait),
            front: picture(EntryKind::Front),
            back: picture(EntryKind::Back),
        }
    }

    /// The pictures this record holds, by kind.
    pub fn pictures(&self) -> impl Iterator<Item = (EntryKind, &PictureHashes)> {
        [
            (EntryKind::Selfie, &self.selfie),
            (EntryKind::Portrait, &self.portrait),
            (EntryKind::Front, &self.front),
            (EntryKind::Back, &self.back),
        ]
        .into_iter()
        .filter_map(|(kind, picture)| picture.as_ref().map(|p| (kind, p)))
        .filter(|(_, p)| !p.sha256.is_empty() && p.sha256 != EMPTY_SHA256)
    }

    /// The normalised identity, `None` when the bundle names nobody.
    pub fn identity(&self) -> Option<IdentityKey> {
        IdentityKey::new(
            self.first_name.as_deref(),
            self.last_name.as_deref(),
            self.date_of_birth,
        )
        .map(|key| IdentityKey {
            birth_year_only: self.birth_year_only,
            ..key
        })
    }

    /// The document key `COUNTRY:NUMBER`, `None` without a document number.
    pub fn document(&self) -> Option<String> {
        document_key(
            self.issuing_country.as_deref(),
            self.document_number.as_deref(),
        )
    }
}

/// The knobs of the cross-bundle rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkConfig {
    /// See [`DEFAULT_NEAR_BITS`].
    pub near_bits: u32,
    /// See [`VelocityRule`].
    pub velocity: VelocityRule,
}

impl Default for LinkConfig {
    fn default() -> Self {
        LinkConfig {
            near_bits: DEFAULT_NEAR_BITS,
            velocity: VelocityRule::default(),
        }
    }
}

/// Every cross-bundle finding of a batch, one per linked group, ordered by code (catalogue
/// order), then by the first path, then by key.
///
/// - `document-reuse`: bundles with one document key (see [`document_key`]) under at least two
///   different holders (see [`holders`]); the key is the document. The message lists each
///   holder with the other spellings of its name.
/// - `media-reuse`: bundles holding a byte-identical selfie, portrait, front or back (in any
///   role) under at least two different identities; the key is the SHA-256 of the picture
///   shared by the most bundles of the group.
/// - `face-near-duplicate`: selfies or portraits of different identities within
///   [`LinkConfig::near_bits`] on both hashes, not byte-identical (that is `media-reuse`); the
///   key is the SHA-256 of the picture of the group's first bundle.
/// - `velocity`: at least [`VelocityRule::attempts`] bundles with one document key within the
///   window (closed at both ends), whoever they name (the spellings of one holder, or several
///   people); bursts that share an attempt are one group.
/// - `name-variants` (info): bundles with one document key under one holder written in at
///   least two spellings ([`IdentityKey`]); the key is the document. Never beside a
///   `document-reuse` of the same document, whose message lists the spellings instead.
///
/// Bundles that name nobody (no names, no date of birth) never count as a different holder,
/// but are listed when they hold a picture that links others, and in the findings of their
/// document.
pub fn find_links(records: &[LinkRecord], config: &LinkConfig) -> Vec<LinkFinding> {
    let batch = rules::Batch::new(records);
    let mut findings = batch.documents();
    findings.extend(batch.media_reuse());
    findings.extend(batch.face_near_duplicates(config.near_bits));
    findings.extend(batch.velocity(&config.velocity));
    findings.sort_by(|a, b| (a.code, &a.paths, &a.key).cmp(&(b.code, &b.paths, &b.key)));
    findings
}

#[cfg(test)]
mod tests;
