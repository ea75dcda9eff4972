//! A whole fetch: the requests expanded (dossiers listed), every bundle fetched on `jobs`
//! threads, and `fetch.json` written, whatever happened. Nothing is lost: every requested
//! process ends as a [`BundleRecord`] (downloaded, already complete or failed), every dossier
//! that could not be listed and every unreadable list line is in the manifest, and the
//! [`Outcome`] says whether anything is missing.

use crate::bundle::fetch_bundle;
use crate::credentials::{Credentials, Scrubber};
use crate::dossier::read_dossier;
use crate::http::{Client, End};
use crate::id::AssureId;
use crate::manifest::{
    BundleRecord, BundleState, Counts, DossierRecord, MANIFEST_SCHEMA, Manifest,
};
use crate::request::{RequestList, Requested};
use crate::settings::FetchSettings;
use crate::sink::MemorySink;
use crate::store;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// What a fetch tells its caller while it runs (a progress bar, warnings).
pub trait Observer: Sync {
    /// The number of bundles to fetch is known.
    fn planned(&self, _bundles: u64) {}
    /// Bytes arrived.
    fn received(&self, _bytes: u64) {}
    /// A bundle is done (downloaded, already complete or failed).
    fn finished(&self, _record: &BundleRecord) {}
    /// Something the user should know that is not a failure.
    fn warn(&self, _message: &str) {}
}

/// An observer that ignores everything.
#[derive(Debug, Default)]
pub struct Quiet;

impl Observer for Quiet {}

/// How a fetch ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Every requested bundle is in the folder.
    Complete,
    /// Some are not; the manifest lists them, a rerun resumes.
    Incomplete,
    /// No access token could be had (the token endpoint refused the credentials, or stayed
    /// unreachable through every attempt): nothing could be fetched.
    NoToken(String),
    /// Cancelled (Ctrl-C): the manifest holds what was done.
    Interrupted,
}

/// The result of a fetch.
#[derive(Debug, Clone)]
pub struct FetchReport {
    /// The manifest as written.
    pub manifest: Manifest,
    /// The output folder.
    pub out_dir: PathBuf,
    /// Wall time.
    pub elapsed: Duration,
}

impl FetchReport {
    /// How the fetch ended.
    pub fn outcome(&self) -> Outcome {
        match (&self.manifest.stopped, self.manifest.interrupted) {
            (_, true) => Outcome::Interrupted,
            (Some(why), false) => Outcome::NoToken(why.clone()),
            (None, false) if self.manifest.counts.complete() => Outcome::Complete,
            (None, false) => Outcome::Incomplete,
        }
    }

    /// The zips of the requested bundles now in the folder (downloaded or already complete).
    pub fn complete_zips(&self) -> Vec<PathBuf> {
        let requested = usize::try_from(self.manifest.counts.requested).unwrap_or(usize::MAX);
        self.manifest
            .bundles
            .iter()
            .take(requested)
            .filter(|b| b.state != BundleState::Failed)
            .map(|b| self.out_dir.join(&b.zip))
            .collect()
    }

    /// Bytes received per second of wall time.
    pub fn bytes_per_second(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        #[allow(clippy::cast_precision_loss)] // byte counts far below 2^52
        if secs > 0.0 {
            self.manifest.counts.bytes_received as f64 / secs
        } else {
            0.0
        }
    }

    /// The closing line: counts, bytes and rate.
    pub fn line(&self) -> String {
        let c = &self.manifest.counts;
        let mut line = format!(
            "{} downloaded, {} already complete, {} failed of {} bundles",
            c.downloaded, c.already_complete, c.failed, c.requested
        );
        if c.dossiers_failed > 0 {
            line.push_str(&format!("; {} dossiers not listed", c.dossiers_failed));
        }
        if c.list_problems > 0 {
            line.push_str(&format!("; {} list lines unreadable", c.list_problems));
        }
        #[allow(clippy::cast_precision_loss)]
        let mib = c.bytes_received as f64 / (1024.0 * 1024.0);
        line.push_str(&format!(
            "; {mib:.1} MiB in {:.1} s, {:.2} MiB/s",
            self.elapsed.as_secs_f64(),
            self.bytes_per_second() / (1024.0 * 1024.0)
        ));
        line
    }
}

/// A fetch that could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The output folder or the manifest cannot be written.
    #[error("{path}: cannot write: {error}")]
    Output {
        /// The path.
        path: PathBuf,
        /// The reason.
        error: std::io::Error,
    },
}

/// Fetches the requested bundles into `out`.
pub fn fetch(
    list: RequestList,
    credentials: &Credentials,
    settings: &FetchSettings,
    out: &Path,
    observer: &dyn Observer,
    cancel: &AtomicBool,
) -> Result<FetchReport, FetchError> {
    let started = Instant::now();
    let started_at = chrono::Utc::now();
    let output_error = |error| FetchError::Output {
        path: out.to_owned(),
        error,
    };
    std::fs::create_dir_all(out).map_err(output_error)?;
    store::sweep_partials(out);
    let (previous, warning) = Manifest::previous(out);
    if let Some(warning) = warning {
        observer.warn(&warning);
    }
    let bytes = AtomicU64::new(0);
    let on_bytes = |n: u64| {
        bytes.fetch_add(n, Ordering::Relaxed);
        observer.received(n);
    };
    let client = Client::new(
        settings,
        credentials,
        Scrubber::new(credentials),
        cancel,
        &on_bytes,
    );
    let stop: Mutex<Option<String>> = Mutex::new(None);
    let note_end = |end: Option<End>| {
        if let Some(End::NoToken(why)) = end
            && let Ok(mut stop) = stop.lock()
        {
            stop.get_or_insert(why);
        }
    };

    let dossiers = list_dossiers(&client, settings, &list.requests, &note_end);
    let wanted = expand(&list.requests, &dossiers);
    observer.planned(wanted.len() as u64);
    let records = parallel(&wanted, settings.jobs, |(dossier, process)| {
        let paths = store::bundle_paths(out, dossier, process);
        let (record, end) = if cancel.load(Ordering::Relaxed) {
            (
                unfetched(
                    dossier,
                    process,
                    &paths,
                    "interrupted before it was fetched",
                ),
                None,
            )
        } else {
            let key = (dossier.clone(), process.clone());
            fetch_bundle(
                &client,
                &settings.limits,
                dossier,
                process,
                &paths,
                previous.get(&key),
            )
        };
        note_end(end);
        observer.finished(&record);
        record
    });

    let counts = count(
        &records,
        &dossiers,
        list.problems.len(),
        bytes.load(Ordering::Relaxed),
    );
    let manifest = Manifest {
        schema: MANIFEST_SCHEMA.to_owned(),
        tool: format!("eidscope-fetch {}", env!("CARGO_PKG_VERSION")),
        base_url: settings.base_url.as_str().to_owned(),
        started_at,
        finished_at: chrono::Utc::now(),
        interrupted: cancel.load(Ordering::Relaxed),
        stopped: stop.lock().ok().and_then(|s| s.clone()),
        counts,
        list_problems: list.problems,
        dossiers: dossiers.into_iter().map(|(record, _)| record).collect(),
        bundles: with_earlier_records(records, previous, out),
    };
    manifest.write(out).map_err(output_error)?;
    Ok(FetchReport {
        manifest,
        out_dir: out.to_owned(),
        elapsed: started.elapsed(),
    })
}

/// Lists every dossier asked for whole, in parallel.
fn list_dossiers(
    client: &Client<'_>,
    settings: &FetchSettings,
    requests: &[Requested],
    note_end: &(dyn Fn(Option<End>) + Sync),
) -> Vec<(DossierRecord, Vec<AssureId>)> {
    let mut seen = BTreeSet::new();
    let whole: Vec<AssureId> = requests
        .iter()
        .filter_map(|r| match r {
            Requested::Dossier(d) if seen.insert(d.clone()) => Some(d.clone()),
            _ => None,
        })
        .collect();
    parallel(&whole, settings.jobs, |dossier| {
        let mut answer = MemorySink::default();
        let (mut listing, end) = client.get(
            &format!("/assure/dossiers/{dossier}"),
            settings.limits.json_bytes,
            &mut answer,
        );
        let mut record = DossierRecord {
            dossier_id: dossier.clone(),
            listing: listing.clone(),
            processes: 0,
            unreadable_entries: Vec::new(),
        };
        if end != End::Done {
            note_end(Some(end));
            return (record, Vec::new());
        }
        let found = serde_json::from_slice(&answer.bytes)
            .map_err(|e| e.to_string())
            .and_then(|value| read_dossier(&value));
        match found {
            Ok(found) => {
                record.processes = found.ids.len() as u64;
                record.unreadable_entries = found.unreadable;
                (record, found.ids)
            }
            Err(why) => {
                listing.error = Some(why);
                record.listing = listing;
                (record, Vec::new())
            }
        }
    })
}

/// The bundles asked for, in request order, each once.
fn expand(
    requests: &[Requested],
    dossiers: &[(DossierRecord, Vec<AssureId>)],
) -> Vec<(AssureId, AssureId)> {
    let listed: BTreeMap<&AssureId, &Vec<AssureId>> = dossiers
        .iter()
        .map(|(record, ids)| (&record.dossier_id, ids))
        .collect();
    let mut seen = BTreeSet::new();
    let mut wanted = Vec::new();
    for request in requests {
        let pairs: Vec<(AssureId, AssureId)> = match request {
            Requested::Process(d, p) => vec![(d.clone(), p.clone())],
            Requested::Dossier(d) => listed
                .get(d)
                .map(|ids| ids.iter().map(|p| (d.clone(), p.clone())).collect())
                .unwrap_or_default(),
        };
        for pair in pairs {
            if seen.insert(pair.clone()) {
                wanted.push(pair);
            }
        }
    }
    wanted
}

/// A bundle that was not attempted.
fn unfetched(
    dossier: &AssureId,
    process: &AssureId,
    paths: &store::BundlePaths,
    why: &str,
) -> BundleRecord {
    BundleRecord {
        dossier_id: dossier.clone(),
        process_id: process.clone(),
        state: BundleState::Failed,
        zip: paths.zip_rel.clone(),
        process_file: paths.process_rel.clone(),
        process: crate::manifest::Transfer {
            url_path: crate::bundle::process_path(dossier, process),
            ..Default::default()
        },
        download: None,
        verified_at: None,
        error: Some(why.to_owned()),
    }
}

fn count(
    records: &[BundleRecord],
    dossiers: &[(DossierRecord, Vec<AssureId>)],
    list_problems: usize,
    bytes_received: u64,
) -> Counts {
    let state = |s| records.iter().filter(|r| r.state == s).count() as u64;
    Counts {
        requested: records.len() as u64,
        downloaded: state(BundleState::Downloaded),
        already_complete: state(BundleState::AlreadyComplete),
        failed: state(BundleState::Failed),
        dossiers_failed: dossiers
            .iter()
            .filter(|(d, _)| d.listing.error.is_some())
            .count() as u64,
        list_problems: list_problems as u64,
        bytes_received,
    }
}

/// This run's records, then those of earlier runs for bundles not asked this time whose zip
/// is still in the folder.
fn with_earlier_records(
    records: Vec<BundleRecord>,
    mut previous: BTreeMap<(AssureId, AssureId), BundleRecord>,
    out: &Path,
) -> Vec<BundleRecord> {
    for record in &records {
        previous.remove(&(record.dossier_id.clone(), record.process_id.clone()));
    }
    let earlier = previous.into_values().filter(|r| {
        r.state != BundleState::Failed
            && std::fs::symlink_metadata(out.join(&r.zip)).is_ok_and(|m| m.is_file())
    });
    records.into_iter().chain(earlier).collect()
}

/// Runs `work` over `items` on `jobs` threads; the results keep the items' order.
fn parallel<T: Sync, R: Send>(items: &[T], jobs: usize, work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..items.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..jobs.clamp(1, items.len().max(1)) {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(index) else { break };
                    let result = work(item);
                    if let Ok(mut results) = results.lock() {
                        results[index] = Some(result);
                    }
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .flatten()
        .collect()
}
