//! Findings: what the evidence of a bundle says that its decision does not.
//!
//! [`bundle_findings`] turns a normalised [`eidscope_bundle::Bundle`] and the facts about its
//! media ([`eidscope_model::MediaInfo`]) into the single-bundle findings of the catalogue;
//! [`report::build_report`] assembles the `inspect --json` object. Every threshold a finding
//! uses is a field of [`Thresholds`], documented where it is defined. [`links::find_links`]
//! finds what only a batch shows: reused documents and pictures, near-duplicate faces and
//! bursts of attempts, comparing names by [`names`]: the spellings documents give one holder
//! (ICAO transliteration, the MRZ's truncation, initials) are one name.
//!
//! This crate reads facts, never bytes: it opens no zip and decodes no picture.

pub mod findings;
pub mod links;
pub mod names;
pub mod report;
pub mod thresholds;

pub use findings::{bundle_findings, image_findings};
pub use report::build_report;
pub use thresholds::Thresholds;
