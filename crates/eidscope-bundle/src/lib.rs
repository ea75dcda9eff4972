//! Reading Signicat EID "Download full result" bundles into one normalised model.
//!
//! The flow is bytes → [`archive::Archive`] (the zip, read under [`Limits`], every entry name
//! classified and checked) → [`Bundle`] (both `ocr.json` shapes, the manual review and the
//! process beside the zip, normalised into `eidscope-model` types with the raw JSON kept as
//! evidence) → [`status::derive`] (the status rules of formats.md section 5).
//!
//! This crate never decodes pictures, never decides findings beyond recording what it could not
//! parse, and never writes files.

pub mod archive;
pub mod bundle;
pub mod countries;
pub mod dates;
pub mod error;
pub mod json;
pub mod limits;
pub mod manual;
pub mod ocr;
pub mod process;
pub mod status;

pub use archive::{Archive, EntryData, EntryLimit, ReadPlan, Structure};
pub use bundle::{Bundle, ProcessBytes, ProcessSource};
pub use error::BundleError;
pub use limits::Limits;
pub use ocr::{FieldIssue, Ocr};
pub use process::{Process, find_process_beside};
pub use status::{Derivation, derive};
