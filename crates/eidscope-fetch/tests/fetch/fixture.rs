//! A synthetic batch served by the stub, test settings with short delays, and the checks every
//! test ends with.

use eidscope_fetch::stub::{Stub, StubBundle};
use eidscope_fetch::{
    BundleState, Credentials, Endpoint, FetchReport, FetchSettings, Observer, Quiet, RequestList,
    Requested, RetryPolicy, Secret, Timeouts, fetch,
};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

pub const CLIENT_ID: &str = "client-dev-4711";
pub const CLIENT_SECRET: &str = "sup3r-s3cret-value-0815";

/// Six synthetic bundles (made once per test run): three in dossier D1, three in D2.
pub fn bundles() -> &'static [StubBundle] {
    static BUNDLES: OnceLock<(tempfile::TempDir, Vec<StubBundle>)> = OnceLock::new();
    &BUNDLES
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let labels =
                eidscope_synth::generate(&eidscope_synth::SynthConfig::new(6, 12, dir.path()))
                    .unwrap();
            let bundles = labels
                .bundles
                .iter()
                .enumerate()
                .map(|(i, label)| {
                    let dossier = if i < 3 { "D1" } else { "D2" };
                    StubBundle::from_files(
                        dossier,
                        &dir.path().join(&label.path),
                        &dir.path().join(&label.process),
                    )
                    .unwrap()
                })
                .collect();
            (dir, bundles)
        })
        .1
}

/// A stub serving the batch to [`credentials`], with hour-long tokens.
pub fn stub() -> Stub {
    Stub::start(CLIENT_ID, CLIENT_SECRET, 3600, bundles().to_vec()).unwrap()
}

pub fn credentials() -> Credentials {
    Credentials {
        client_id: Secret::new(CLIENT_ID),
        client_secret: Secret::new(CLIENT_SECRET),
    }
}

/// Settings for the stub: retries a few milliseconds apart, sub-second timeouts.
pub fn settings(stub: &Stub) -> FetchSettings {
    let mut settings = FetchSettings::new(
        Endpoint::parse(stub.base_url()).unwrap(),
        Endpoint::parse(&stub.token_url()).unwrap(),
    );
    settings.jobs = 3;
    settings.rate = None;
    settings.proxy_from_env = false;
    settings.retry = RetryPolicy {
        max_attempts: 4,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        max_retry_after: Duration::from_secs(5),
    };
    settings.timeouts = Timeouts {
        connect: Duration::from_secs(5),
        response: Duration::from_millis(600),
        read: Duration::from_millis(600),
    };
    settings
}

/// Every bundle of the batch: D1 whole, D2 process by process.
pub fn everything() -> RequestList {
    let mut requests = vec![Requested::Dossier(id("D1"))];
    for b in bundles().iter().filter(|b| b.dossier == "D2") {
        requests.push(Requested::Process(id("D2"), id(&b.process)));
    }
    RequestList {
        requests,
        problems: Vec::new(),
    }
}

pub fn id(s: &str) -> eidscope_fetch::AssureId {
    eidscope_fetch::AssureId::parse(s).unwrap()
}

/// The i-th bundle of the batch.
pub fn bundle(i: usize) -> &'static StubBundle {
    &bundles()[i]
}

/// Runs a fetch into `out` and checks its outputs.
pub fn run_into(
    out: &Path,
    stub: &Stub,
    settings: &FetchSettings,
    list: RequestList,
    credentials: &Credentials,
) -> FetchReport {
    run_observed(
        out,
        stub,
        settings,
        list,
        credentials,
        &Quiet,
        &AtomicBool::new(false),
    )
}

/// [`run_into`] with an observer and a cancel flag.
pub fn run_observed(
    out: &Path,
    stub: &Stub,
    settings: &FetchSettings,
    list: RequestList,
    credentials: &Credentials,
    observer: &dyn Observer,
    cancel: &AtomicBool,
) -> FetchReport {
    let report = fetch(list, credentials, settings, out, observer, cancel).unwrap();
    check_whole_or_failed(&report);
    check_no_secret(out, stub, &report);
    report
}

/// A fetch of everything with these settings into a new folder.
pub fn run(stub: &Stub, settings: &FetchSettings) -> (tempfile::TempDir, FetchReport) {
    let out = tempfile::tempdir().unwrap();
    let report = run_into(out.path(), stub, settings, everything(), &credentials());
    (out, report)
}

/// Everything again into a folder of an earlier run.
pub fn rerun(out: &Path, stub: &Stub) -> FetchReport {
    run_into(out, stub, &settings(stub), everything(), &credentials())
}

/// Every requested bundle is on disk as served, with its digests in the manifest, or failed
/// with an error and no file; no partial file is left; each request appears once.
pub fn check_whole_or_failed(report: &FetchReport) {
    let manifest = &report.manifest;
    let requested = usize::try_from(manifest.counts.requested).unwrap();
    let mut seen = std::collections::BTreeSet::new();
    for record in &manifest.bundles[..requested] {
        assert!(seen.insert((record.dossier_id.clone(), record.process_id.clone())));
        let zip = report.out_dir.join(&record.zip);
        let json = report.out_dir.join(&record.process_file);
        let served = bundles().iter().find(|b| {
            b.dossier == record.dossier_id.as_str() && b.process == record.process_id.as_str()
        });
        match record.state {
            BundleState::Failed => {
                assert!(record.error.is_some(), "{record:?}");
                assert!(
                    !zip.exists() || served.is_none(),
                    "a failed bundle left {zip:?}"
                );
            }
            _ => {
                let served = served.unwrap();
                assert_eq!(std::fs::read(&zip).unwrap(), served.zip, "{zip:?}");
                assert_eq!(
                    std::fs::read(&json).unwrap(),
                    served.process_json,
                    "{json:?}"
                );
                let download = record.download.as_ref().unwrap();
                assert_eq!(
                    download.sha256.as_deref(),
                    Some(sha256(&served.zip).as_str())
                );
                assert_eq!(download.size, Some(served.zip.len() as u64));
                assert_eq!(
                    record.process.sha256.as_deref(),
                    Some(sha256(&served.process_json).as_str())
                );
                assert!(record.error.is_none());
            }
        }
    }
    for file in files(&report.out_dir) {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            !name.ends_with(".fetch-partial"),
            "partial file left: {file:?}"
        );
    }
}

/// No credential and no token in any file of the folder or in the report.
pub fn check_no_secret(out: &Path, stub: &Stub, report: &FetchReport) {
    let _ = stub;
    let mut texts: Vec<(String, Vec<u8>)> = files(out)
        .into_iter()
        .map(|f| (f.display().to_string(), std::fs::read(&f).unwrap()))
        .collect();
    texts.push((
        "report".into(),
        format!("{report:?} {}", report.line()).into_bytes(),
    ));
    for (name, bytes) in texts {
        let text = String::from_utf8_lossy(&bytes);
        for secret in [CLIENT_ID, CLIENT_SECRET, "stub-token-"] {
            assert!(!text.contains(secret), "{secret} in {name}");
        }
    }
}

pub fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// Every file under a folder.
pub fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out
}

/// The manifest record of the i-th bundle.
pub fn record_of(report: &FetchReport, i: usize) -> &eidscope_fetch::BundleRecord {
    let b = bundle(i);
    report
        .manifest
        .bundles
        .iter()
        .find(|r| r.dossier_id.as_str() == b.dossier && r.process_id.as_str() == b.process)
        .unwrap()
}
