//! Whole runs: everything fetched and a rerun that asks nothing again, refused credentials,
//! unknown ids, an interruption and its resumption, and a list with lines that are not
//! requests.

use crate::fixture::*;
use eidscope_fetch::stub::{download_path, process_path};
use eidscope_fetch::{
    BundleRecord, BundleState, Credentials, MANIFEST_FILE, Observer, Outcome, RequestList,
    Requested, Secret, parse_list,
};
use std::sync::atomic::{AtomicBool, Ordering};

#[test]
fn every_bundle_arrives_byte_identical_and_a_rerun_asks_nothing_again() {
    let stub = stub();
    let (out, report) = run(&stub, &settings(&stub));
    assert_eq!(report.outcome(), Outcome::Complete);
    let c = &report.manifest.counts;
    assert_eq!((c.requested, c.downloaded, c.failed), (6, 6, 0));
    assert_eq!(stub.tokens_issued(), 1, "one token serves the whole run");
    assert_eq!(report.manifest.dossiers.len(), 1);
    assert_eq!(report.manifest.dossiers[0].processes, 3);
    let first = record_of(&report, 0).clone();
    let download = first.download.as_ref().unwrap();
    assert_eq!(download.http_status, Some(200));
    assert_eq!(download.attempts, 1);
    assert_eq!(
        download.url_path,
        download_path(&bundle(0).dossier, &bundle(0).process)
    );
    assert!(out.path().join(MANIFEST_FILE).is_file());
    assert!(
        report
            .line()
            .starts_with("6 downloaded, 0 already complete, 0 failed of 6 bundles; ")
    );

    let asked = stub.log().len();
    let again = rerun(out.path(), &stub);
    assert_eq!(again.outcome(), Outcome::Complete);
    assert_eq!(again.manifest.counts.already_complete, 6);
    let downloads = stub.log()[asked..]
        .iter()
        .filter(|l| l.path.contains("/processes/"))
        .count();
    assert_eq!(downloads, 0, "a complete bundle is not asked again");
    // The record of the run that downloaded it stays: the chain of custody.
    let kept = record_of(&again, 0);
    assert_eq!(kept.state, BundleState::AlreadyComplete);
    assert_eq!(kept.download, first.download);
    assert!(kept.verified_at.is_some());
}

#[test]
fn a_changed_file_on_disk_is_fetched_again() {
    let stub = stub();
    let (out, report) = run(&stub, &settings(&stub));
    let zip = out.path().join(&record_of(&report, 4).zip);
    let mut bytes = std::fs::read(&zip).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&zip, bytes).unwrap();
    let again = rerun(out.path(), &stub);
    assert_eq!(again.manifest.counts.downloaded, 1);
    assert_eq!(record_of(&again, 4).state, BundleState::Downloaded);
}

#[test]
fn refused_credentials_stop_the_run_and_every_bundle_is_listed_failed() {
    let stub = stub();
    let out = tempfile::tempdir().unwrap();
    let wrong = Credentials {
        client_id: Secret::new(CLIENT_ID),
        client_secret: Secret::new("wrong-secret-value"),
    };
    let list = RequestList {
        requests: bundles()
            .iter()
            .map(|b| Requested::Process(id(&b.dossier), id(&b.process)))
            .collect(),
        problems: Vec::new(),
    };
    let report = run_into(out.path(), &stub, &settings(&stub), list, &wrong);
    let Outcome::NoToken(why) = report.outcome() else {
        panic!("{:?}", report.outcome())
    };
    assert!(
        why.contains("HTTP 400") && why.contains("invalid_client"),
        "{why}"
    );
    assert_eq!(report.manifest.counts.failed, 6);
    let token_requests = stub.requests_to(eidscope_fetch::stub::TOKEN_PATH).len();
    assert_eq!(
        token_requests, 1,
        "a refusal is not asked again by every transfer"
    );
    let manifest = std::fs::read_to_string(out.path().join(MANIFEST_FILE)).unwrap();
    assert!(!manifest.contains("wrong-secret-value"));
    let entries = std::fs::read_dir(out.path()).unwrap().count();
    assert_eq!(entries, 1, "only the manifest: no empty dossier folder");
}

#[test]
fn unknown_ids_and_forbidden_processes_fail_with_the_api_error_once() {
    let stub = stub();
    let b = bundle(1);
    stub.fault(
        &process_path(&b.dossier, &b.process),
        [eidscope_fetch::stub::Fault::Status(403)],
    );
    let list = RequestList {
        requests: vec![
            Requested::Dossier(id("NOPE")),
            Requested::Process(id("D1"), id("no-such-process")),
            Requested::Process(id(&b.dossier), id(&b.process)),
            Requested::Process(id(&bundle(2).dossier), id(&bundle(2).process)),
        ],
        problems: Vec::new(),
    };
    let out = tempfile::tempdir().unwrap();
    let report = run_into(out.path(), &stub, &settings(&stub), list, &credentials());
    assert_eq!(report.outcome(), Outcome::Incomplete);
    let c = &report.manifest.counts;
    assert_eq!(
        (c.requested, c.downloaded, c.failed, c.dossiers_failed),
        (3, 1, 2, 1)
    );
    let listing = &report.manifest.dossiers[0].listing;
    assert_eq!(listing.http_status, Some(404));
    assert!(
        listing
            .error
            .as_deref()
            .unwrap()
            .starts_with("HTTP 404 Not Found")
    );
    let forbidden = record_of(&report, 1);
    assert_eq!(
        forbidden.process.attempts, 1,
        "a 403 is not retried: {:#?}",
        report.manifest
    );
    assert!(
        forbidden
            .error
            .as_deref()
            .unwrap()
            .contains("HTTP 403 Forbidden"),
        "{forbidden:?}"
    );
}

/// Cancels the run when the first bundle is done, as Ctrl-C would.
struct CancelAfterFirst<'a>(&'a AtomicBool);

impl Observer for CancelAfterFirst<'_> {
    fn finished(&self, _record: &BundleRecord) {
        self.0.store(true, Ordering::Relaxed);
    }
}

#[test]
fn an_interrupted_run_leaves_no_partial_file_and_the_next_run_completes_it() {
    let stub = stub();
    let mut settings = settings(&stub);
    settings.jobs = 1;
    let out = tempfile::tempdir().unwrap();
    let cancel = AtomicBool::new(false);
    let report = run_observed(
        out.path(),
        &stub,
        &settings,
        everything(),
        &credentials(),
        &CancelAfterFirst(&cancel),
        &cancel,
    );
    assert_eq!(report.outcome(), Outcome::Interrupted);
    assert!(report.manifest.interrupted);
    assert_eq!(report.manifest.counts.downloaded, 1);
    assert_eq!(report.manifest.counts.failed, 5);
    let again = rerun(out.path(), &stub);
    assert_eq!(again.outcome(), Outcome::Complete);
    assert_eq!(
        (
            again.manifest.counts.already_complete,
            again.manifest.counts.downloaded
        ),
        (1, 5)
    );
}

#[test]
fn list_lines_that_are_not_requests_are_listed_and_make_the_run_incomplete() {
    let stub = stub();
    let b = bundle(0);
    let text = format!(
        "dossierId,processId\n{},{}\n../../etc,passwd\n",
        b.dossier, b.process
    );
    let list = parse_list(&text, "list.csv");
    let out = tempfile::tempdir().unwrap();
    let report = run_into(out.path(), &stub, &settings(&stub), list, &credentials());
    assert_eq!(report.outcome(), Outcome::Incomplete);
    assert_eq!(report.manifest.counts.downloaded, 1);
    assert_eq!(report.manifest.list_problems.len(), 1);
    assert_eq!(report.manifest.list_problems[0].source, "list.csv:3");
    assert_eq!(
        crate::fixture::files(out.path()).len(),
        3,
        "the manifest, one zip, one process: nothing else is written"
    );
}
