//! The faults a real API has, each played by the stub on some bundles of a full run: every run
//! still ends with each bundle whole and byte-identical, or failed with its reason.

use crate::fixture::*;
use eidscope_fetch::stub::{Fault, download_path, process_path};
use eidscope_fetch::{BundleState, Outcome};
use std::time::Duration;

fn download(i: usize) -> String {
    download_path(&bundle(i).dossier, &bundle(i).process)
}

fn process(i: usize) -> String {
    process_path(&bundle(i).dossier, &bundle(i).process)
}

#[test]
fn a_token_revoked_mid_run_is_renewed_once_and_the_run_completes() {
    let stub = stub();
    stub.fault(&download(3), [Fault::RevokeTokens]);
    let (_out, report) = run(&stub, &settings(&stub));
    assert_eq!(report.outcome(), Outcome::Complete);
    assert_eq!(stub.tokens_issued(), 2);
    let statuses: Vec<u16> = stub
        .requests_to(&download(3))
        .iter()
        .map(|l| l.status)
        .collect();
    assert_eq!(statuses, [401, 200]);
    assert_eq!(record_of(&report, 3).download.as_ref().unwrap().attempts, 2);
}

#[test]
fn a_401_after_renewal_fails_that_bundle_only() {
    let stub = stub();
    stub.fault(&download(2), [Fault::RevokeTokens, Fault::RevokeTokens]);
    let mut settings = settings(&stub);
    settings.jobs = 1;
    let (_out, report) = run(&stub, &settings);
    assert_eq!(report.outcome(), Outcome::Incomplete);
    let failed = record_of(&report, 2);
    assert_eq!(failed.state, BundleState::Failed);
    assert!(
        failed.error.as_deref().unwrap().contains("HTTP 401"),
        "{failed:?}"
    );
    assert_eq!(report.manifest.counts.downloaded, 5);
}

#[test]
fn rate_limits_and_server_errors_are_retried_honouring_retry_after() {
    let stub = stub();
    stub.fault(&download(0), [Fault::RateLimited(Some("1".into()))]);
    stub.fault(&download(1), [Fault::Status(500), Fault::Status(503)]);
    stub.fault(&process(4), [Fault::RateLimited(None), Fault::Status(502)]);
    stub.fault("/assure/dossiers/D1", [Fault::Status(503)]);
    let (_out, report) = run(&stub, &settings(&stub));
    assert_eq!(
        report.outcome(),
        Outcome::Complete,
        "{:#?}",
        report.manifest
    );
    assert_eq!(record_of(&report, 1).download.as_ref().unwrap().attempts, 3);
    assert_eq!(record_of(&report, 4).process.attempts, 3);
    assert_eq!(report.manifest.dossiers[0].listing.attempts, 2);
    let asked = stub.requests_to(&download(0));
    assert_eq!(asked.len(), 2);
    // The server asked for a second: a lower bound, which a slow machine cannot break.
    assert!(asked[1].at - asked[0].at >= Duration::from_millis(950));
}

#[test]
fn a_retry_after_beyond_the_accepted_wait_fails_the_bundle() {
    let stub = stub();
    stub.fault(&download(5), [Fault::RateLimited(Some("3600".into()))]);
    let (_out, report) = run(&stub, &settings(&stub));
    let failed = record_of(&report, 5);
    assert_eq!(failed.state, BundleState::Failed);
    assert!(
        failed.error.as_deref().unwrap().contains("wait 3600 s"),
        "{failed:?}"
    );
}

#[test]
fn persistent_server_errors_fail_after_the_last_attempt() {
    let stub = stub();
    stub.fault(&download(2), vec![Fault::Status(503); 4]);
    let (_out, report) = run(&stub, &settings(&stub));
    let failed = record_of(&report, 2);
    assert_eq!(failed.state, BundleState::Failed);
    let transfer = failed.download.as_ref().unwrap();
    assert_eq!((transfer.attempts, transfer.http_status), (4, Some(503)));
    assert!(
        failed
            .error
            .as_deref()
            .unwrap()
            .contains("gave up after 4 attempts")
    );
}

#[test]
fn a_connection_cut_mid_body_is_retried() {
    let stub = stub();
    let half = bundle(1).zip.len() / 2;
    stub.fault(&download(1), [Fault::CutAfter(half)]);
    stub.fault(&process(3), [Fault::CutAfter(10)]);
    let (_out, report) = run(&stub, &settings(&stub));
    assert_eq!(report.outcome(), Outcome::Complete);
    assert_eq!(record_of(&report, 1).download.as_ref().unwrap().attempts, 2);
    assert_eq!(record_of(&report, 3).process.attempts, 2);
}

#[test]
fn slow_answers_and_stalled_bodies_time_out_and_are_retried() {
    let stub = stub();
    stub.fault(&process(0), [Fault::Delay(Duration::from_millis(1500))]);
    stub.fault(
        &download(4),
        [Fault::StallAfter(100, Duration::from_millis(1500))],
    );
    let (_out, report) = run(&stub, &settings(&stub));
    assert_eq!(report.outcome(), Outcome::Complete);
    assert_eq!(record_of(&report, 0).process.attempts, 2);
    assert_eq!(record_of(&report, 4).download.as_ref().unwrap().attempts, 2);
}

#[test]
fn an_html_page_with_status_200_is_not_taken_for_a_zip_or_json() {
    let stub = stub();
    stub.fault(&download(0), [Fault::HtmlOk]);
    stub.fault(&process(1), [Fault::HtmlOk]);
    stub.fault(&download(2), vec![Fault::HtmlOk; 4]);
    let (out, report) = run(&stub, &settings(&stub));
    assert_eq!(record_of(&report, 0).download.as_ref().unwrap().attempts, 2);
    assert_eq!(record_of(&report, 1).process.attempts, 2);
    let failed = record_of(&report, 2);
    assert_eq!(failed.state, BundleState::Failed);
    assert!(
        failed.error.as_deref().unwrap().contains("an HTML page"),
        "{failed:?}"
    );
    assert!(
        !out.path().join(&failed.process_file).exists(),
        "no process without its zip"
    );
    assert_eq!(report.manifest.counts.downloaded, 5);
}

#[test]
fn a_body_over_the_limit_fails_at_once_announced_or_not() {
    let stub = stub();
    let mut settings = settings(&stub);
    let largest = bundles().iter().map(|b| b.zip.len()).max().unwrap();
    settings.limits.zip_bytes = largest as u64;
    stub.fault(&download(1), [Fault::Oversize(largest + 1)]);
    stub.fault(&download(4), [Fault::OversizeChunked(largest + 1)]);
    let (_out, report) = run(&stub, &settings);
    assert_eq!(report.outcome(), Outcome::Incomplete);
    for i in [1, 4] {
        let failed = record_of(&report, i);
        assert_eq!(failed.state, BundleState::Failed);
        assert_eq!(
            failed.download.as_ref().map(|d| d.attempts),
            Some(1),
            "{failed:?}"
        );
        assert!(
            failed
                .error
                .as_deref()
                .unwrap()
                .contains("larger than the limit")
        );
    }
    assert_eq!(report.manifest.counts.downloaded, 4);
}
