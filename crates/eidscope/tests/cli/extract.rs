//! `extract` writes every safe entry under its folder and nothing anywhere else, whatever the
//! names say, and refuses to write through links planted in the folder.

use crate::fixture::*;
use eidscope_model::ExitStatus;
use std::path::Path;

fn files_under(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = walkdir(dir)
        .into_iter()
        .map(|p| p.strip_prefix(dir).unwrap().display().to_string())
        .collect();
    out.sort();
    out
}

fn walkdir(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() && !path.is_symlink() {
            out.extend(walkdir(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn zip_slip_writes_nothing_outside() {
    let root = tempfile::tempdir().unwrap();
    let out_dir = root.path().join("out");
    let out = eidscope(&[
        &"extract",
        &testdata("hostile/zip-slip.zip"),
        &"--out",
        &out_dir,
    ]);
    out.ok();
    // Only the safe entries, and only inside the folder.
    assert_eq!(
        files_under(&out_dir),
        ["extract.json", "notes/readme.txt", "ocr.json"]
    );
    assert_eq!(files_under(root.path()).len(), 3);
    assert!(!Path::new("/tmp/eidscope-absolute-evil.txt").exists());
    let err = out.stderr();
    assert_eq!(
        err.lines().filter(|l| l.starts_with("skipped")).count(),
        5,
        "{err}"
    );
}

#[test]
fn planted_links_are_not_followed() {
    let root = tempfile::tempdir().unwrap();
    let out_dir = root.path().join("out");
    let elsewhere = root.path().join("elsewhere");
    std::fs::create_dir_all(&out_dir).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, out_dir.join("result")).unwrap();
    std::os::unix::fs::symlink(elsewhere.join("target.json"), out_dir.join("ocr.json")).unwrap();
    let zip = root.path().join("b.zip");
    write_zip(&zip, &[("result/front.jpeg", b"x"), ("ocr.json", b"{}")]);
    let out = eidscope(&[&"extract", &zip, &"--out", &out_dir]);
    out.ok();
    assert_eq!(
        std::fs::read_dir(&elsewhere).unwrap().count(),
        0,
        "wrote through a link"
    );
    let err = out.stderr();
    assert!(
        err.contains("not followed") && err.contains("not replaced"),
        "{err}"
    );
}

#[test]
fn unreadable_bundle_exits_3_and_writes_nothing() {
    let root = tempfile::tempdir().unwrap();
    let out_dir = root.path().join("out");
    let out = eidscope(&[
        &"extract",
        &testdata("hostile/bomb.zip"),
        &"--out",
        &out_dir,
    ]);
    // The bomb's only entry is refused: the command reports it and writes no file but the
    // manifest, which lists it as skipped.
    assert_eq!(files_under(&out_dir), ["extract.json"]);
    assert!(out.stderr().contains("ocr.json"), "{}", out.stderr());
    eidscope(&[
        &"extract",
        &testdata("hostile/not-a-zip.zip"),
        &"--out",
        &out_dir,
    ])
    .assert(ExitStatus::UnreadableInput);
}

#[test]
fn extraction_never_replaces_a_file_and_writes_a_manifest() {
    let root = tempfile::tempdir().unwrap();
    let out_dir = root.path().join("out");
    std::fs::create_dir_all(&out_dir).unwrap();
    std::fs::write(out_dir.join("front.jpeg"), b"the analyst's own file").unwrap();
    let zip = root.path().join("b.zip");
    write_zip(
        &zip,
        &[
            ("ocr.json", b"{}"),
            ("front.jpeg", b"x"),
            ("extract.json", b"planted"),
        ],
    );
    let out = eidscope(&[&"extract", &zip, &"--out", &out_dir]);
    let err = out.ok().stderr();
    assert!(err.contains("exists already; not replaced"), "{err}");
    assert_eq!(
        std::fs::read(out_dir.join("front.jpeg")).unwrap(),
        b"the analyst's own file"
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("extract.json")).unwrap()).unwrap();
    assert_eq!(
        manifest["written"],
        serde_json::json!([{
            "entry": "ocr.json",
            "file": "ocr.json",
            "size": 2,
            "sha256": "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
        }])
    );
    let skipped: Vec<&str> = manifest["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["entry"].as_str().unwrap())
        .collect();
    assert_eq!(skipped, ["front.jpeg", "extract.json"]);
    assert_eq!(
        manifest["bundle_size"],
        std::fs::metadata(&zip).unwrap().len()
    );
    // A second extraction into the same folder is refused with one line.
    let err = eidscope(&[&"extract", &zip, &"--out", &out_dir])
        .assert(ExitStatus::UnreadableInput)
        .stderr();
    assert!(
        err.lines().count() == 1 && err.contains("already holds an extraction"),
        "{err}"
    );
}
