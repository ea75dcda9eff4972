//! Getting bundles from Signicat's Assure API onto disk, resumably, with a chain of custody.
//!
//! The flow is requests ([`parse_list`], or [`Requested`] values from the command line) →
//! [`fetch`]: an OAuth2 client-credentials token ([`Credentials`], never printed), "Get dossier"
//! for every dossier asked for whole (read tolerantly: [`dossier`]), then per bundle "Get
//! process" and "Download full result" on `jobs` threads, each request paced, retried with
//! backoff and jitter, bounded in size and time ([`http`]) → `DIR/<dossier>/<process>.zip` with
//! the process JSON beside it as `<process>.json` (what `scan` reads), each file received under
//! a temporary name and renamed when whole ([`store`]) → `DIR/fetch.json`, the [`Manifest`]:
//! per bundle the URL paths, times, HTTP statuses, sizes, SHA-256 digests, attempts and errors.
//!
//! A bundle already complete in the folder (its zip reads, its process is saved, both match the
//! digests recorded when they arrived) is not asked again, so an interrupted or partly failed
//! run is simply run again.
//!
//! This crate talks only to the two URLs it is given (`https`, or `http` to a loopback host),
//! writes only inside the output folder, never logs or records a credential or token, and never
//! parses a bundle beyond checking that it is a whole zip: reading it is `eidscope-bundle`'s job.
//!
//! With the `stub` feature, the `stub` module is an in-process Assure stub with the faults a real API
//! has, for tests.

#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod bundle;
pub mod credentials;
pub mod dossier;
pub mod http;
pub mod id;
pub mod manifest;
pub mod pace;
pub mod request;
pub mod run;
pub mod settings;
pub mod sink;
pub mod store;
#[cfg(feature = "stub")]
pub mod stub;
pub mod token;

pub use credentials::{CLIENT_ID_VAR, CLIENT_SECRET_VAR, Credentials, CredentialsError, Secret};
pub use id::AssureId;
pub use manifest::{BundleRecord, BundleState, Counts, MANIFEST_FILE, MANIFEST_SCHEMA, Manifest};
pub use request::{ListProblem, RequestList, Requested, parse_list};
pub use run::{FetchError, FetchReport, Observer, Outcome, Quiet, fetch};
pub use settings::{
    ASSURE_SCOPE, DEFAULT_BASE_URL, DEFAULT_TOKEN_URL, Endpoint, FetchSettings, RetryPolicy,
    SizeLimits, Timeouts,
};
