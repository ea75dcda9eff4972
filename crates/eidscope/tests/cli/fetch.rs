//! `eidscope fetch` end to end against the in-process Assure stub on 127.0.0.1: a list on
//! standard input, a transient 503 and an unknown process, the manifest, `--scan` over what
//! arrived, the exit codes (4 when something is missing, 3 when the credentials are refused,
//! 2 for usage), a rerun that resumes, and no secret in any output.

use crate::fixture::{Eidscope, Run, synth_batch};
use eidscope_fetch::stub::{Fault, Stub, StubBundle, download_path};
use eidscope_model::ExitStatus;
use std::path::{Path, PathBuf};

const ID: &str = "cli-client-77";
const SECRET: &str = "cli-secret-xyzzy-4242";

/// Four bundles of the shared synthetic batch, in dossier D1.
fn stub() -> Stub {
    let batch = synth_batch(40, 7);
    let labels = eidscope_synth::read_labels(batch.join("labels.json")).unwrap();
    let bundles = labels.bundles[..4]
        .iter()
        .map(|l| {
            StubBundle::from_files("D1", &batch.join(&l.path), &batch.join(&l.process)).unwrap()
        })
        .collect();
    Stub::start(ID, SECRET, 3600, bundles).unwrap()
}

/// Runs `eidscope fetch` against the stub with the credentials in the environment.
fn fetch(stub: &Stub, out: &Path, extra: &[&str], stdin: &str, secret: &str) -> Run {
    let token_url = stub.token_url();
    let mut command = Eidscope::new(&[
        &"fetch",
        &"--out",
        &out,
        &"--base-url",
        &stub.base_url(),
        &"--token-url",
        &token_url,
    ]);
    for arg in extra {
        command = command.arg(arg);
    }
    command = command
        .env("EIDSCOPE_CLIENT_ID", ID)
        .env("EIDSCOPE_CLIENT_SECRET", secret);
    for proxy in [
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
        "HTTP_PROXY",
        "http_proxy",
    ] {
        command = command.env_remove(proxy);
    }
    command.stdin(stdin).run()
}

/// Every file under a folder.
fn files(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect()
}

fn assert_no_secret(run: &Run, dir: &Path) {
    let mut texts = vec![run.stdout(), run.stderr()];
    texts.extend(
        files(dir)
            .iter()
            .map(|f| String::from_utf8_lossy(&std::fs::read(f).unwrap()).into_owned()),
    );
    for text in texts {
        for secret in [ID, SECRET, "stub-token-"] {
            assert!(!text.contains(secret), "{secret} appears in an output");
        }
    }
}

#[test]
fn fetch_downloads_scans_and_resumes_with_no_secret_in_any_output() {
    let stub = stub();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bundles");
    let labels = eidscope_synth::read_labels(synth_batch(40, 7).join("labels.json")).unwrap();
    let process_of = |i: usize| -> String {
        let json = std::fs::read(synth_batch(40, 7).join(&labels.bundles[i].process)).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
        value["processId"].as_str().unwrap().to_owned()
    };
    stub.fault(&download_path("D1", &process_of(2)), [Fault::Status(503)]);
    let list = "dossierId,processId\nD1\nD2,does-not-exist\n";
    let run = fetch(
        &stub,
        &out,
        &["-", "--scan", "--jobs", "2", "-q"],
        list,
        SECRET,
    );
    let err = run.assert(ExitStatus::Incomplete).stderr();
    assert!(
        err.contains("fetch: 4 downloaded, 0 already complete, 1 failed of 5 bundles; "),
        "{err}"
    );
    assert!(
        err.contains("eidscope: D2/does-not-exist: HTTP 404 Not Found"),
        "{err}"
    );
    assert!(err.contains("scan: 4 bundles read, 0 errors"), "{err}");
    assert!(out.join("scan/bundles.parquet").is_file());
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("fetch.json")).unwrap()).unwrap();
    assert_eq!(manifest["schema"], "eidscope.fetch/1");
    assert_eq!(manifest["counts"]["downloaded"], 4);
    let retried = manifest["bundles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["process_id"] == process_of(2).as_str())
        .unwrap();
    assert_eq!(retried["download"]["attempts"], 2);
    assert_eq!(retried["state"], "downloaded");
    for i in 0..4 {
        let zip = out.join("D1").join(format!("{}.zip", process_of(i)));
        assert_eq!(
            std::fs::read(zip).unwrap(),
            std::fs::read(synth_batch(40, 7).join(&labels.bundles[i].path)).unwrap()
        );
    }
    assert_no_secret(&run, dir.path());

    let again = fetch(&stub, &out, &["--list", "-"], "D1\n", SECRET);
    assert!(
        again
            .ok()
            .stderr()
            .contains("fetch: 0 downloaded, 4 already complete, 0 failed of 4 bundles")
    );
    assert_no_secret(&again, dir.path());
}

#[test]
fn refused_credentials_exit_3_with_every_bundle_listed_failed() {
    let stub = stub();
    let dir = tempfile::tempdir().unwrap();
    let run = fetch(
        &stub,
        dir.path(),
        &["--dossier", "D1", "--process", "P9"],
        "",
        "not-the-secret",
    );
    let err = run.assert(ExitStatus::UnreadableInput).stderr();
    assert!(err.contains("invalid_client"), "{err}");
    let manifest = std::fs::read_to_string(dir.path().join("fetch.json")).unwrap();
    assert!(manifest.contains("\"failed\": 1") && !manifest.contains("not-the-secret"));
    assert_no_secret(&run, dir.path());
}

#[test]
fn usage_errors_exit_2_before_any_request() {
    let stub = stub();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let cases: [(&[&str], &str); 5] = [
        (
            &["--dossier", "D1", "--base-url", "http://api.example"],
            "in the clear",
        ),
        (&["--dossier", "../etc"], "not an Assure id"),
        (&["--process", "P1"], "--dossier"),
        (
            &["--dossier", "D1", "--dossier", "D2", "--process", "P1"],
            "exactly one --dossier",
        ),
        (&[], "required"),
    ];
    for (args, says) in cases {
        let mut command = Eidscope::new(&[&"fetch", &"--out", &out]);
        for arg in args {
            command = command.arg(arg);
        }
        let run = command
            .env("EIDSCOPE_CLIENT_ID", ID)
            .env("EIDSCOPE_CLIENT_SECRET", SECRET)
            .run();
        let err = run.assert(ExitStatus::Usage).stderr();
        assert!(err.contains(says), "{args:?}: {err}");
    }
    let missing = Eidscope::new(&[
        &"fetch",
        &"--out",
        &out,
        &"--dossier",
        &"D1",
        &"--base-url",
        &stub.base_url(),
    ])
    .env_remove("EIDSCOPE_CLIENT_ID")
    .env_remove("EIDSCOPE_CLIENT_SECRET")
    .run();
    let err = missing.assert(ExitStatus::Usage).stderr();
    assert!(err.contains("EIDSCOPE_CLIENT_ID"), "{err}");
    assert!(stub.log().is_empty(), "a usage error sends no request");
}
