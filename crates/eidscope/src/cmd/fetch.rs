//! `eidscope fetch`: the command line turned into requests and settings, a progress bar and the
//! closing line on standard error, Ctrl-C, and `--scan` over what arrived. The transfers, the
//! files and the manifest are `eidscope-fetch`'s; this module never sees a credential beyond
//! handing it over, and prints only the library's scrubbed messages.

use crate::cli::FetchArgs;
use crate::error::CliError;
use crate::output::{sanitize, warning};
use eidscope_fetch::{
    BundleRecord, BundleState, Credentials, Endpoint, FetchReport, FetchSettings, Observer,
    Outcome, RequestList, Requested, parse_list,
};
use eidscope_model::ExitStatus;
use eidscope_tables::{ScanOptions, Shard};
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The largest list read (about a million lines).
const MAX_LIST_BYTES: u64 = 128 * 1024 * 1024;

pub fn run(args: &FetchArgs) -> Result<ExitStatus, CliError> {
    let list = requests(args)?;
    let scan_out = scan_folder(args, &list)?;
    let settings = settings(args)?;
    let credentials = credentials(args)?;
    let cancel = cancel_on_interrupt();
    let progress = Progress::new(crate::output::quiet());
    let report =
        eidscope_fetch::fetch(list, &credentials, &settings, &args.out, &progress, &cancel)
            .map_err(|eidscope_fetch::FetchError::Output { path, error }| {
                CliError::output(&path, error)
            })?;
    progress.clear();
    let manifest = args.out.join(eidscope_fetch::MANIFEST_FILE);
    eprintln!("fetch: {} -> {}", report.line(), manifest.display());
    match report.outcome() {
        Outcome::Interrupted => {
            eprintln!("eidscope: interrupted; run the same command again to resume");
            Ok(ExitStatus::Interrupted)
        }
        Outcome::NoToken(why) => Err(CliError::NoToken(why)),
        outcome => {
            if let Some(scan_out) = scan_out {
                scan(&report, &scan_out)?;
            }
            Ok(if outcome == Outcome::Complete {
                ExitStatus::Ok
            } else {
                ExitStatus::Incomplete
            })
        }
    }
}

/// The requests of `--dossier`/`--process`, `--list` and `-`.
fn requests(args: &FetchArgs) -> Result<RequestList, CliError> {
    let mut list = RequestList::default();
    if !args.process.is_empty() && args.dossier.len() != 1 {
        return Err(CliError::Usage(
            "--process needs exactly one --dossier (several dossiers: give a --list)".to_owned(),
        ));
    }
    match (args.dossier.as_slice(), args.process.is_empty()) {
        ([dossier], false) => list.requests.extend(
            args.process
                .iter()
                .map(|p| Requested::Process(dossier.clone(), p.clone())),
        ),
        (dossiers, _) => list
            .requests
            .extend(dossiers.iter().cloned().map(Requested::Dossier)),
    }
    let from_stdin = args.stdin.is_some() || args.list.as_deref() == Some(Path::new("-"));
    let file = args.list.as_deref().filter(|l| *l != Path::new("-"));
    if let Some(file) = file {
        let text = read_list(std::fs::File::open(file), &file.display().to_string())?;
        append(&mut list, parse_list(&text, &file.display().to_string()));
    }
    if from_stdin {
        let text = read_list(Ok(std::io::stdin().lock()), "standard input")?;
        append(&mut list, parse_list(&text, "stdin"));
    }
    Ok(list)
}

fn append(list: &mut RequestList, more: RequestList) {
    list.requests.extend(more.requests);
    list.problems.extend(more.problems);
}

fn read_list(source: std::io::Result<impl Read>, name: &str) -> Result<String, CliError> {
    let mut bytes = Vec::new();
    source
        .and_then(|r| r.take(MAX_LIST_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| CliError::Usage(format!("{name}: cannot read the list: {e}")))?;
    if bytes.len() as u64 > MAX_LIST_BYTES {
        return Err(CliError::Usage(format!(
            "{name}: the list is larger than {} MiB",
            MAX_LIST_BYTES / (1024 * 1024)
        )));
    }
    String::from_utf8(bytes)
        .map_err(|_| CliError::Usage(format!("{name}: the list is not UTF-8 text")))
}

/// Where `--scan` writes, refusing a default that a dossier folder of this run would share.
fn scan_folder(args: &FetchArgs, list: &RequestList) -> Result<Option<PathBuf>, CliError> {
    if !args.scan {
        return Ok(None);
    }
    if let Some(dir) = &args.scan_out {
        return Ok(Some(dir.clone()));
    }
    let clash = list.requests.iter().any(|r| match r {
        Requested::Dossier(d) | Requested::Process(d, _) => d.as_str().eq_ignore_ascii_case("scan"),
    });
    if clash {
        return Err(CliError::Usage(
            "a dossier named `scan` would share DIR/scan with the tables: give --scan-out"
                .to_owned(),
        ));
    }
    Ok(Some(args.out.join("scan")))
}

fn settings(args: &FetchArgs) -> Result<FetchSettings, CliError> {
    let endpoint = |option: &str, url: &str| {
        Endpoint::parse(url).map_err(|e| CliError::Usage(format!("{option}: {e}")))
    };
    if !args.rate.is_finite() || args.rate < 0.0 {
        return Err(CliError::Usage(
            "--rate must be 0 or a positive number".to_owned(),
        ));
    }
    let mut settings = FetchSettings::new(
        endpoint("--base-url", &args.base_url)?,
        endpoint("--token-url", &args.token_url)?,
    );
    let timeout = Duration::from_secs(args.timeout);
    settings.jobs = usize::from(args.jobs);
    settings.rate = (args.rate > 0.0).then_some(args.rate);
    settings.retry.max_attempts = args.attempts;
    settings.timeouts.response = timeout;
    settings.timeouts.read = timeout;
    settings.timeouts.connect = timeout.min(settings.timeouts.connect);
    settings.limits.zip_bytes = args.max_size * 1024 * 1024;
    Ok(settings)
}

fn credentials(args: &FetchArgs) -> Result<Credentials, CliError> {
    let usage = |e: eidscope_fetch::CredentialsError| CliError::Usage(e.to_string());
    match &args.credentials_file {
        Some(file) => {
            if Credentials::file_is_shared(file) {
                warning!(
                    "{} can be read by other users (chmod 600 it)",
                    file.display()
                );
            }
            Credentials::from_file(file).map_err(usage)
        }
        None => Credentials::from_env().map_err(usage),
    }
}

/// The first Ctrl-C or SIGTERM asks the transfers to stop (partial files are removed and the
/// manifest is written); a second one ends the process at once.
fn cancel_on_interrupt() -> Arc<AtomicBool> {
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = cancel.clone();
    let installed = ctrlc::set_handler(move || {
        if flag.swap(true, Ordering::SeqCst) {
            std::process::exit(i32::from(ExitStatus::Interrupted.code()));
        }
        eprintln!("eidscope: stopping; Ctrl-C again to quit at once");
    });
    if let Err(e) = installed {
        warning!("cannot catch interruptions ({e})");
    }
    cancel
}

/// A progress bar on a terminal: bundles done, bytes and rate; failures as lines above it.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    bytes: AtomicU64,
    started: Instant,
}

impl Progress {
    fn new(quiet: bool) -> Progress {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = indicatif::ProgressBar::new(0);
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} bundles  {msg}  eta {eta}",
            ) {
                bar.set_style(style);
            }
            bar
        });
        Progress {
            bar,
            bytes: AtomicU64::new(0),
            started: Instant::now(),
        }
    }

    fn clear(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    fn say(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| eprintln!("{line}")),
            None => eprintln!("{line}"),
        }
    }
}

impl Observer for Progress {
    fn planned(&self, bundles: u64) {
        if let Some(bar) = &self.bar {
            bar.set_length(bundles);
        }
    }

    fn received(&self, bytes: u64) {
        let total = self.bytes.fetch_add(bytes, Ordering::Relaxed) + bytes;
        if let Some(bar) = &self.bar {
            let per_second = total as f64 / self.started.elapsed().as_secs_f64().max(0.001);
            bar.set_message(format!(
                "{}  {}/s",
                indicatif::HumanBytes(total),
                indicatif::HumanBytes(per_second as u64)
            ));
        }
    }

    fn finished(&self, record: &BundleRecord) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
        if record.state == BundleState::Failed {
            self.say(&format!(
                "eidscope: {}/{}: {}",
                record.dossier_id,
                record.process_id,
                sanitize(record.error.as_deref().unwrap_or("failed"))
            ));
        }
    }

    fn warn(&self, message: &str) {
        self.say(&format!("eidscope: warning: {}", sanitize(message)));
    }
}

/// `--scan`: the bundles of this run that are in the folder, scanned into tables.
fn scan(report: &FetchReport, out: &Path) -> Result<(), CliError> {
    let zips = report.complete_zips();
    if zips.is_empty() {
        eprintln!("scan: no bundle to scan");
        return Ok(());
    }
    let inputs = eidscope_tables::expand(&zips, &mut std::io::empty(), Shard::ALL);
    let summary = eidscope_tables::scan(&inputs, out, &ScanOptions::default(), &|_| {})?;
    eprintln!("scan: {} -> {}", summary.line(), out.display());
    Ok(())
}
