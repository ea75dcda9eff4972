//! The fetch engine against a real HTTP server on 127.0.0.1 (the `stub` feature's Assure stub)
//! serving synthetic bundles: a clean run and its resumption, and every fault a real API has.
//! Each test ends with the same check: every requested bundle is on disk byte-identical to what
//! was served, or listed as failed with no file left behind, and no secret is in any output.

#![allow(clippy::unwrap_used)]

mod faults;
mod fixture;
mod runs;
