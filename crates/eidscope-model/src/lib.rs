//! The stable output schema of eidscope.
//!
//! Everything a consumer of eidscope's machine-readable output relies on lives here and only
//! here: the normalised verification model ([`Identity`], [`Feature`], [`Status`], ...), the
//! report of one bundle ([`BundleReport`], the `inspect --json` object), the finding catalogue
//! ([`FindingCode`], [`CATALOGUE`]) and the exit codes ([`ExitStatus`]).
//!
//! This crate never reads files, never parses provider JSON and never decodes media: it holds
//! types and the facts about them, so that tools can depend on the schema without the engine.

pub mod exit;
pub mod finding;
pub mod media;
pub mod report;
pub mod verification;

pub use exit::ExitStatus;
pub use finding::{CATALOGUE, Finding, FindingCode, FindingScope, FindingSpec, Severity};
pub use media::{ImageInfo, MediaInfo, VideoInfo, hamming_hex};
pub use report::{BUNDLE_SCHEMA, BundleReport, EntryInfo, EntryKind, Shape};
pub use verification::{
    BoundingBox, Decision, FailReason, Feature, Identity, ManualApproval, ProcessInfo,
    SimilarityLevel, Status,
};
