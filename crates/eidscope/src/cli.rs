//! The command line: every command, option and default, as clap derives them. A closed set of
//! words is parsed by [`choice`], so that every help text and every error lists the words
//! allowed. docs/cli.md documents all of it; a test keeps the two in step.

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};
use eidscope_model::{FindingCode, Level, Severity, Vocabulary};
use eidscope_tables::Format;
use eidscope_tables::stats::{Every, GroupOrder};
use std::path::PathBuf;
use std::str::FromStr;

/// A parser for a closed set of words: the help and the errors list `words`, any letter case
/// is accepted, and the word is read with `T`'s `FromStr`.
fn choice<T>(words: impl IntoIterator<Item = &'static str>) -> impl TypedValueParser<Value = T>
where
    T: FromStr<Err = String> + Clone + Send + Sync + 'static,
{
    PossibleValuesParser::new(words).try_map(|word| word.parse::<T>())
}

/// [`choice`] over the words of a vocabulary of the model.
fn vocabulary<T>() -> impl TypedValueParser<Value = T>
where
    T: Vocabulary + FromStr<Err = String> + Send + Sync,
{
    choice(T::ALL.iter().map(|value| value.word()))
}

fn levels() -> impl TypedValueParser<Value = Level> {
    vocabulary::<Level>()
}

fn severities() -> impl TypedValueParser<Value = Severity> {
    vocabulary::<Severity>()
}

fn codes() -> impl TypedValueParser<Value = FindingCode> {
    vocabulary::<FindingCode>()
}

fn formats() -> impl TypedValueParser<Value = Format> {
    choice(Format::ALL.iter().map(|f| f.extension()))
}

fn periods() -> impl TypedValueParser<Value = Every> {
    vocabulary::<Every>()
}

fn orders() -> impl TypedValueParser<Value = GroupOrder> {
    choice(GroupOrder::words())
}

/// When to colour the severities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum ColorWhen {
    /// On a terminal, unless NO_COLOR is set.
    #[default]
    Auto,
    /// Always, NO_COLOR or not.
    Always,
    /// Never.
    Never,
}

/// Forensic analysis of Signicat EID identity-verification result bundles.
#[derive(Debug, Parser)]
#[command(
    name = "eidscope",
    version,
    about,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// The command.
    #[command(subcommand)]
    pub command: Command,
    /// Colour the severities: auto (on a terminal, unless the NO_COLOR variable is set),
    /// always or never.
    #[arg(
        long,
        value_name = "WHEN",
        global = true,
        default_value = "auto",
        ignore_case = true
    )]
    pub color: ColorWhen,
    /// No progress bar and no closing summary on standard error (errors and warnings stay).
    #[arg(long, short, global = true)]
    pub quiet: bool,
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
    /// Lists the findings of scan folders or bundles; with no input, the finding catalogue.
    Findings(FindingsArgs),
    /// Bulk reprocessing: reads many bundles in parallel into tables (Parquet, CSV or NDJSON).
    Scan(ScanArgs),
    /// Batch statistics over scan output folders (shards merge) or over bundles.
    Stats(StatsArgs),
    /// Findings across bundles (reused documents and pictures, near-duplicate faces, velocity),
    /// over scan output folders or bundles.
    Links(LinksArgs),
    /// One self-contained HTML page with charts for analysts, over scan output folders or bundles.
    Report(ReportArgs),
    /// Downloads bundles and their process JSON from the Assure API, resumably, with a manifest.
    Fetch(FetchArgs),
    /// Prints the completion script of a shell (bash, zsh, fish, elvish, powershell).
    Completions(CompletionsArgs),
    /// Prints the manual page (roff), or writes one page per command into a folder.
    Man(ManArgs),
    /// Prints the JSON Schema of a JSON output (inspect, stats, links, findings).
    Schema(SchemaArgs),
}

/// `--fail-on`: the severity at which findings turn into exit code 1. It owns its verdict
/// ([`FailOn::verdict`], in `cmd`), the one place findings become an exit status.
#[derive(Debug, Args, Clone, Copy, Default)]
pub struct FailOn {
    /// Exit with code 1 when a finding at or above this severity exists.
    #[arg(long = "fail-on", id = "fail_on", value_name = "SEVERITY", value_parser = severities(), ignore_case = true)]
    pub floor: Option<Severity>,
}

/// Options shared by the commands that judge a bundle.
#[derive(Debug, Args, Clone)]
pub struct JudgeArgs {
    #[command(flatten)]
    pub fail_on: FailOn,
    /// Age of majority for the `underage-contradiction` finding.
    #[arg(long, value_name = "YEARS", default_value_t = eidscope_analysis::thresholds::ADULT_AGE)]
    pub adult_age: i32,
    /// A video shorter than this many seconds is `video-too-short`.
    #[arg(long, value_name = "SECONDS", default_value_t = eidscope_model::media::MIN_CAPTURE_SECONDS)]
    pub min_video_seconds: f64,
}

/// `eidscope inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The bundles (zips from "Download full result"), shown in the order given.
    #[arg(required = true, value_name = "BUNDLE")]
    pub bundles: Vec<PathBuf>,
    /// The "Get process" response of the bundle (default: X.json or X.process.json beside
    /// X.zip); only with one bundle.
    #[arg(long, value_name = "FILE")]
    pub process: Option<PathBuf>,
    /// Print the report as a JSON object (schema eidscope.bundle/1); with several bundles, one
    /// object per line.
    #[arg(long)]
    pub json: bool,
    /// Also run eidscope's own face engine (dlib) on the selfie, the portrait and 3 video
    /// frames: face-mismatch, face-match-contradiction, video-face-mismatch, no-face. About a
    /// second per bundle; models from `make models` or EIDSCOPE_MODELS.
    #[arg(long)]
    pub faces: bool,
    #[command(flatten)]
    pub judge: JudgeArgs,
}

/// `eidscope extract`.
#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// The bundle.
    pub bundle: PathBuf,
    /// The folder to write into (created if absent). Nothing is written outside it, no file
    /// in it is replaced, and `extract.json` lists what was written (entry, file, size, SHA-256).
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
    /// Also write the error level analysis heat map of each side (`front.ela.png`,
    /// `back.ela.png`): the picture recompressed at quality 90, the difference drawn from
    /// black (unchanged) through red and yellow to white.
    #[arg(long)]
    pub ela: bool,
}

/// `eidscope video`.
#[derive(Debug, Args)]
pub struct VideoArgs {
    /// The bundle.
    pub bundle: PathBuf,
    /// Print the probe as JSON.
    #[arg(long)]
    pub json: bool,
    /// Write --count evenly spaced frames, first and last included, as DIR/frame-01.png,
    /// frame-02.png, ... (created if absent); each file is named on standard error with its
    /// time in the video. Fewer when the video has fewer frames or stops decoding (said).
    #[arg(long, value_name = "DIR")]
    pub frames: Option<PathBuf>,
    /// How many frames --frames writes (1 to 64).
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
    /// A folder of real face photos, one sub-folder per person (head-and-shoulders photos):
    /// a few clean bundles get real selfies, portraits and videos in labelled face cases.
    #[arg(long, value_name = "DIR")]
    pub faces: Option<PathBuf>,
}

/// `eidscope findings`.
#[derive(Debug, Args)]
pub struct FindingsArgs {
    /// Scan output folders (shards merge), bundles, folders of bundles, or `-` for paths on
    /// standard input; none: print the finding catalogue.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Only findings of these codes (comma-separated).
    #[arg(long, value_name = "CODE,...", value_delimiter = ',', value_parser = codes(), ignore_case = true, requires = "inputs")]
    pub code: Vec<FindingCode>,
    /// Only findings of these severities (comma-separated).
    #[arg(long, value_name = "SEVERITY,...", value_delimiter = ',', value_parser = severities(), ignore_case = true, requires = "inputs")]
    pub severity: Vec<Severity>,
    /// Print the catalogue as Markdown (as in docs/findings.md).
    #[arg(long, conflicts_with_all = ["json", "inputs"])]
    pub markdown: bool,
    /// Print JSON: the findings (schema eidscope.findings/1), or the catalogue.
    #[arg(long)]
    pub json: bool,
    /// The level bundles given directly are scanned at.
    #[arg(long, value_name = "LEVEL", default_value = "media", value_parser = levels(), ignore_case = true)]
    pub level: Level,
}

/// `eidscope links`.
#[derive(Debug, Args)]
pub struct LinksArgs {
    /// Scan output folders (shards merge; read from their bundles table), bundles, folders of
    /// bundles (walked recursively for *.zip, read at level media), or `-` for paths on
    /// standard input.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Print one JSON object: {"findings": [{code, severity, paths, key, message}, ...], ...}.
    #[arg(long)]
    pub json: bool,
    /// Only linked groups of these codes (comma-separated): document-reuse, media-reuse,
    /// face-near-duplicate, velocity.
    #[arg(long, value_name = "CODE,...", value_delimiter = ',', value_parser = choice::<FindingCode>(batch_codes()), ignore_case = true)]
    pub code: Vec<FindingCode>,
    /// At least K attempts with one document within WINDOW are `velocity` (units s, m, h, d, w; the window is closed).
    #[arg(long, value_name = "K/WINDOW", default_value = "3/24h")]
    pub velocity: eidscope_analysis::links::VelocityRule,
    /// Selfies or portraits whose dHash and pHash both lie within N bits are `face-near-duplicate`.
    #[arg(long, value_name = "N", default_value_t = eidscope_analysis::links::DEFAULT_NEAR_BITS, value_parser = clap::value_parser!(u32).range(0..=16))]
    pub near_bits: u32,
    /// Run eidscope's face engine on the bundles given (not on scan folders, whose faces table
    /// is read when it holds embeddings) and find `same-person`: one face under different
    /// identities. About a second per bundle; models from `make models` or EIDSCOPE_MODELS.
    #[arg(long)]
    pub faces: bool,
    #[command(flatten)]
    pub fail_on: FailOn,
}

/// `eidscope scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Bundles, folders (walked recursively for *.zip), or `-` for a list of paths on standard input.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// The folder to write the tables into (created if absent); with --shard K/N, the tables go
    /// to DIR/shard-K-of-N/.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The table format.
    #[arg(long, value_name = "FORMAT", default_value = "parquet", value_parser = formats(), ignore_case = true)]
    pub format: Format,
    /// meta: the zip directory and JSON; media: also decode and hash the images; full: also
    /// the video.
    #[arg(long, value_name = "LEVEL", default_value = "media", value_parser = levels(), ignore_case = true)]
    pub level: Level,
    /// Worker threads, at most 256 [default: one per core; 0 also means one per core].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(0..=256))]
    pub jobs: Option<u16>,
    /// Scan only share K of N (1-based), chosen by a hash of each path: N machines, one scan.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<eidscope_tables::Shard>,
    /// Replace names, document, personal and process numbers by keyed pseudonyms and birth
    /// dates by birth years (key: EIDSCOPE_REDACT_KEY or --redact-key-file).
    #[arg(long)]
    pub redact: bool,
    /// The redaction key, read from this file (default: the EIDSCOPE_REDACT_KEY variable).
    #[arg(long, value_name = "FILE", requires = "redact")]
    pub redact_key_file: Option<PathBuf>,
    /// Also find the cross-bundle findings (document-reuse, media-reuse, face-near-duplicate,
    /// velocity) over the whole batch into the findings table; keeps a few hundred bytes per
    /// bundle in memory. Not with --shard: run `eidscope links` over the merged shards instead.
    #[arg(long, conflicts_with = "shard")]
    pub links: bool,
    /// Also run eidscope's own face engine (dlib) on every bundle: the face findings and the
    /// faces table (with --links, also same-person). About a second per bundle on one core;
    /// models from `make models` or EIDSCOPE_MODELS.
    #[arg(long)]
    pub faces: bool,
    /// Write the face embeddings (128 numbers per face: biometric data) into the faces table,
    /// for `links` over the scan folder or a search in DuckDB or Spark. Never with --redact.
    #[arg(long, requires = "faces", conflicts_with = "redact")]
    pub embeddings: bool,
    /// Replace the scan DIR already holds (its tables of every format are removed once the new
    /// ones are complete). Without it, a folder holding a scan is refused.
    #[arg(long, conflicts_with = "resume")]
    pub force: bool,
    /// Continue the unfinished scan in DIR (killed, out of memory, preempted): the inputs it
    /// already stored are skipped. Give the same inputs and options; a DIR without one is
    /// scanned as new.
    #[arg(long)]
    pub resume: bool,
    /// Inputs per durable part: rows are stored, fsync'd, every N inputs, so a killed scan
    /// loses at most N inputs' work.
    #[arg(long, value_name = "N", default_value_t = eidscope_tables::parts::DEFAULT_PART_INPUTS, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1_000_000))]
    pub part_inputs: usize,
    #[command(flatten)]
    pub judge: JudgeArgs,
}

/// `eidscope stats`.
#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Scan output folders (a folder of shard folders merges them) or bundles (scanned on the way).
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Group by these bundles columns (e.g. issuing_country,document_type).
    #[arg(long, value_name = "COL,...", value_delimiter = ',')]
    pub by: Vec<String>,
    /// Group by period of created_at (a week is named by its Monday).
    #[arg(long, value_name = "PERIOD", value_parser = periods(), ignore_case = true)]
    pub every: Option<Every>,
    /// Order the groups: key (by the group, the default), count (most bundles first),
    /// mismatches (highest mismatch rate first), or a status (rejected, accepted, ...: the
    /// highest share of that status first).
    #[arg(long, value_name = "ORDER", default_value = "key", value_parser = orders(), ignore_case = true)]
    pub sort: GroupOrder,
    /// Leave out groups of fewer bundles.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub min_count: u64,
    /// Print the statistics as one JSON object.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print the statistics as CSV (group columns, metric, name, count, rate).
    #[arg(long)]
    pub csv: bool,
    /// The level bundles given directly are scanned at.
    #[arg(long, value_name = "LEVEL", default_value = "media", value_parser = levels(), ignore_case = true)]
    pub level: Level,
}

/// `eidscope report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Scan output folders (a folder of shard folders merges them) or bundles (scanned on the way).
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// The HTML file to write (replaced whole, never left half-written).
    #[arg(long, value_name = "FILE.html")]
    pub out: PathBuf,
    /// The level bundles given directly are scanned at.
    #[arg(long, value_name = "LEVEL", default_value = "media", value_parser = levels(), ignore_case = true)]
    pub level: Level,
    /// Do not re-open the flagged bundles to embed their feature overlay and contact sheet
    /// (a smaller page without faces; pictures are never embedded from redacted tables).
    #[arg(long)]
    pub no_pictures: bool,
}

/// `eidscope fetch`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("requests").required(true).multiple(true).args(["dossier", "list", "stdin"])))]
pub struct FetchArgs {
    /// The folder to write into: DIR/DOSSIER/PROCESS.zip with PROCESS.json beside it, and
    /// DIR/fetch.json, the manifest (created if absent; a folder of an earlier run is resumed).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// A dossier to fetch: all its processes, or those given with --process.
    #[arg(long, value_name = "ID", value_parser = eidscope_fetch::AssureId::parse)]
    pub dossier: Vec<eidscope_fetch::AssureId>,
    /// A process of the --dossier (repeatable; only with a single --dossier).
    #[arg(long, value_name = "ID", requires = "dossier", value_parser = eidscope_fetch::AssureId::parse)]
    pub process: Vec<eidscope_fetch::AssureId>,
    /// A list of `dossierId[,processId]` lines, or a CSV with dossierId and processId columns
    /// (`-`: standard input). A dossier alone means all its processes.
    #[arg(long, value_name = "FILE")]
    pub list: Option<PathBuf>,
    /// `-` reads the list from standard input.
    #[arg(value_name = "-", value_parser = ["-"])]
    pub stdin: Option<String>,
    /// The API base URL (production, pre-production such as https://preprod.signicat.com, or a proxy).
    #[arg(long, value_name = "URL", default_value = eidscope_fetch::DEFAULT_BASE_URL)]
    pub base_url: String,
    /// The OAuth2 token endpoint.
    #[arg(long, value_name = "URL", default_value = eidscope_fetch::DEFAULT_TOKEN_URL)]
    pub token_url: String,
    /// Read the client id and secret from this file of EIDSCOPE_CLIENT_ID=... and
    /// EIDSCOPE_CLIENT_SECRET=... lines (default: those environment variables).
    #[arg(long, value_name = "FILE")]
    pub credentials_file: Option<PathBuf>,
    /// Concurrent transfers.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=32))]
    pub jobs: u16,
    /// Most requests started per second over all transfers (0: no limit).
    #[arg(long, value_name = "N", default_value_t = 10.0)]
    pub rate: f64,
    /// Attempts per request before it is given up (429, 5xx, timeouts and broken connections
    /// are retried with exponential backoff).
    #[arg(long, value_name = "N", default_value_t = 6, value_parser = clap::value_parser!(u32).range(1..=20))]
    pub attempts: u32,
    /// Seconds to wait for an answer and through a stall mid-transfer (a connection: at most 15).
    #[arg(long, value_name = "SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,
    /// The largest bundle accepted, in MiB (the bundle reader's own limit by default).
    #[arg(long, value_name = "MIB", default_value_t = 2048, value_parser = clap::value_parser!(u64).range(1..=65536))]
    pub max_size: u64,
    /// Scan the bundles of this run that are in the folder, into Parquet tables (--level media).
    #[arg(long)]
    pub scan: bool,
    /// Where --scan writes its tables (default: DIR/scan).
    #[arg(long, value_name = "DIR", requires = "scan")]
    pub scan_out: Option<PathBuf>,
}

/// `eidscope completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_name = "SHELL", ignore_case = true)]
    pub shell: clap_complete::Shell,
}

/// `eidscope man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// The page of this command (eidscope-COMMAND(1)) instead of eidscope(1).
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
    /// Write every page (eidscope.1, eidscope-scan.1, ...) into DIR instead.
    #[arg(long, value_name = "DIR", conflicts_with = "command")]
    pub out: Option<PathBuf>,
}

/// The JSON outputs that have a schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaName {
    /// `inspect --json` (eidscope.bundle/1).
    Inspect,
    /// `stats --json` (eidscope.stats/1).
    Stats,
    /// `links --json`.
    Links,
    /// `findings INPUT --json` (eidscope.findings/1).
    Findings,
}

/// `eidscope schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Which output.
    #[arg(value_name = "OUTPUT")]
    pub output: SchemaName,
}

/// The finding codes that need several bundles (`links --code`).
fn batch_codes() -> Vec<&'static str> {
    eidscope_model::CATALOGUE
        .iter()
        .filter(|spec| spec.scope == eidscope_model::FindingScope::Batch)
        .map(|spec| spec.code.as_str())
        .collect()
}
