//! The stable output schema of eidscope.
//!
//! Everything a consumer of eidscope's machine-readable output relies on lives here and only
//! here: the normalised verification model ([`Identity`], [`Feature`], [`Status`], ...), the
//! report of one bundle ([`BundleReport`], the `inspect --json` object), the finding catalogue
//! ([`FindingCode`], [`CATALOGUE`]), the reasons behind a derived status ([`Reason`]), the
//! notes of what the reader tolerated ([`Note`]), the classes of unreadable inputs
//! ([`ErrorKind`]), the exit codes ([`ExitStatus`]) and what the face engine saw
//! ([`FaceEvidence`]). Every closed set of words is a
//! [`Vocabulary`]: the one table its words come from, in JSON, text and Parquet alike.
//!
//! This crate never reads files, never parses provider JSON and never decodes media: it holds
//! types and the facts about them, so that tools can depend on the schema without the engine.

pub mod error;
pub mod exit;
pub mod face;
pub mod finding;
pub mod level;
pub mod media;
pub mod naming;
pub mod note;
pub mod reason;
pub mod report;
pub mod verification;
pub mod vocabulary;

pub use error::{ErrorKind, error_line};
pub use exit::ExitStatus;
pub use face::{FaceEvidence, FacePicture, FaceRect, PictureFaces};
pub use finding::{
    CATALOGUE, FACE_ENGINE_CODES, Finding, FindingCode, FindingScope, FindingSpec, LinkFinding,
    LinksReport, Severity, VelocityWindow,
};
pub use level::{Level, UncheckedCode, unchecked};
pub use media::{ImageInfo, MediaInfo, PerceptualHash, VideoInfo};
pub use naming::{DocumentType, FeatureName};
pub use note::Note;
pub use reason::Reason;
pub use report::{BUNDLE_SCHEMA, BundleReport, EntryInfo, EntryKind, Shape};
pub use verification::{
    BoundingBox, Decision, FailReason, Feature, Identity, ManualApproval, ProcessInfo,
    SimilarityLevel, Status,
};
pub use vocabulary::Vocabulary;
