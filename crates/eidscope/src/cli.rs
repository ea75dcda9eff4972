//! The command line: every command, option and default, as clap derives them.

use clap::{Args, Parser, Subcommand};
use eidscope_model::Severity;
use std::path::PathBuf;

/// Forensic analysis of Signicat EID identity-verification result bundles.
#[derive(Debug, Parser)]
#[command(name = "eidscope", version, about, propagate_version = true, max_term_width = 100)]
pub struct Cli {
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// One bundle: identity, checks, features, media, statuses, findings.
    Inspect(InspectArgs),
    /// Safe extraction: writes the entries under DIR and nowhere else.
    Extract(ExtractArgs),
    /// Draws every feature box on the image of its side; writes PNGs and a contact sheet to DIR.
    Overlay(OverlayArgs),
    /// Probes and decodes the capture video; optionally writes a frame strip.
    Video(VideoArgs),
    /// Writes deterministic synthetic bundles with labelled anomalies.
    Synth(SynthArgs),
    /// Lists the finding codes, their severities and when they fire.
    Findings(FindingsArgs),
}

/// Options shared by the commands that judge a bundle.
#[derive(Debug, Args, Clone)]
pub struct JudgeArgs {
    /// Exit with code 1 when a finding at or above this severity exists (high, medium, low, info).
    #[arg(long, value_name = "SEVERITY")]
    pub fail_on: Option<Severity>,
    /// Age of majority for the `underage-contradiction` finding.
    #[arg(long, value_name = "YEARS", default_value_t = 18)]
    pub adult_age: i32,
    /// A video shorter than this many seconds is `video-too-short`.
    #[arg(long, value_name = "SECONDS", default_value_t = 2.0)]
    pub min_video_seconds: f64,
}

/// `eidscope inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The bundle (a zip from "Download full result").
    pub bundle: PathBuf,
    /// The "Get process" response of this bundle (default: X.json or X.process.json beside X.zip).
    #[arg(long, value_name = "FILE")]
    pub process: Option<PathBuf>,
    /// Print the report as one JSON object (schema eidscope.bundle/1).
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub judge: JudgeArgs,
}

/// `eidscope extract`.
#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// The bundle.
    pub bundle: PathBuf,
    /// The folder to write into (created if absent). Nothing is written outside it.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// `eidscope overlay`.
#[derive(Debug, Args)]
pub struct OverlayArgs {
    /// The bundle.
    pub bundle: PathBuf,
    /// The folder to write the PNGs into (created if absent).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The "Get process" response of this bundle (default: beside the zip).
    #[arg(long, value_name = "FILE")]
    pub process: Option<PathBuf>,
}

/// `eidscope video`.
#[derive(Debug, Args)]
pub struct VideoArgs {
    /// The bundle.
    pub bundle: PathBuf,
    /// Print the probe as JSON.
    #[arg(long)]
    pub json: bool,
    /// Write a strip of evenly spaced frames (PNG) into DIR.
    #[arg(long, value_name = "DIR")]
    pub frames: Option<PathBuf>,
    /// How many frames the strip holds.
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub count: u16,
}

/// `eidscope synth`.
#[derive(Debug, Args)]
pub struct SynthArgs {
    /// How many bundles to write.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub count: u64,
    /// The folder to write into (created if absent).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The seed: the same seed writes the same bytes.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// `eidscope findings`.
#[derive(Debug, Args)]
pub struct FindingsArgs {
    /// Print the catalogue as Markdown (as in docs/findings.md).
    #[arg(long, conflicts_with = "json")]
    pub markdown: bool,
    /// Print the catalogue as JSON.
    #[arg(long)]
    pub json: bool,
}
