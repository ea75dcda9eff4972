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
    assert_eq!(files_under(&out_dir), ["notes/readme.txt", "ocr.json"]);
    assert_eq!(files_under(root.path()).len(), 2);
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
    // The bomb's only entry is refused: the command reports it and writes no file.
    assert!(files_under(&out_dir).is_empty());
    assert!(out.stderr().contains("ocr.json"), "{}", out.stderr());
    eidscope(&[
        &"extract",
        &testdata("hostile/not-a-zip.zip"),
        &"--out",
        &out_dir,
    ])
    .assert(ExitStatus::UnreadableInput);
}
