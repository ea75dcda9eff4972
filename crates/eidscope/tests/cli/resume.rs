//! Scan output folders: a scan killed at random points (SIGKILL: nothing runs after it) is
//! an unfinished scan that `stats` refuses with exit 3 and `scan --resume` completes, with
//! each input exactly once and the same rows as a scan never interrupted; a folder holding a
//! scan is refused unless `--force`, which leaves no table of the old format behind; the
//! gathered tables are the same files whatever the size of the parts.

use crate::fixture::{Eidscope, eidscope, synth_batch, testdata};
use eidscope_model::ExitStatus;
use eidscope_tables::rows::{BundleRow, ErrorRow, FindingRow};
use std::collections::BTreeMap;
use std::path::Path;

/// The rows of a finished scan, keyed and sorted so that two scans compare: bundle rows by
/// path (without the scan's own timing), error rows, finding rows.
fn rows_of(dir: &Path) -> (Vec<String>, Vec<String>, BTreeMap<String, usize>) {
    let tables = eidscope_tables::read_scan(&[dir.to_path_buf()]).unwrap();
    let mut bundles = Vec::new();
    tables
        .each_row(|row: BundleRow| {
            bundles.push(format!(
                "{}|{}|{:?}",
                row.path, row.sha256, row.derived_status
            ))
        })
        .unwrap();
    let mut errors = Vec::new();
    tables
        .each_row(|row: ErrorRow| errors.push(format!("{}|{}", row.path, row.message)))
        .unwrap();
    let mut findings = BTreeMap::new();
    tables
        .each_row(|row: FindingRow| {
            *findings
                .entry(format!("{}|{}|{}", row.path, row.code, row.message))
                .or_insert(0) += 1;
        })
        .unwrap();
    bundles.sort();
    errors.sort();
    (bundles, errors, findings)
}

/// A small deterministic generator (xorshift), so that the kill points vary by round but a
/// failure can be replayed.
struct Points(u64);

impl Points {
    fn next_millis(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below
    }
}

#[test]
fn a_killed_scan_is_unfinished_and_resume_completes_it_exactly_once() {
    let batch = synth_batch(40, 11);
    let root = tempfile::tempdir().unwrap();
    // The inputs: the batch, a hostile file, and a zip that is not a bundle.
    let inputs: Vec<std::path::PathBuf> = vec![
        batch.clone(),
        testdata("hostile/not-a-zip.zip"),
        testdata("hostile/readme-only.zip"),
    ];
    let whole = root.path().join("whole");
    let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> =
        vec![&"scan", &"-q", &"--level", &"meta", &"--out", &whole];
    for input in &inputs {
        args.push(input);
    }
    eidscope(&args).ok();

    let out = root.path().join("killed");
    let mut points = Points(0x9E37_79B9_7F4A_7C15);
    let mut kills = 0;
    let mut finished = false;
    // Eight rounds killed at random points, then one left to finish.
    for round in 0..9u64 {
        let mut command = Eidscope::new(&[
            &"scan",
            &"-q",
            &"--level",
            &"meta",
            &"--jobs",
            &"1",
            &"--part-inputs",
            &"4",
            &"--out",
            &out,
        ]);
        for input in &inputs {
            command = command.arg(input);
        }
        if round > 0 {
            command = command.arg("--resume");
        }
        let mut child = command.spawn();
        if round == 0 {
            // The first round is killed as soon as its first part is durable, so that at
            // least one kill lands inside the scan however fast the machine is.
            let first_part = out.join(".eidscope-parts").join("part-000001");
            while !first_part.exists() && child.try_wait().unwrap().is_none() {
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            let _ = std::process::Command::new("kill")
                .args(["-KILL", &child.id().to_string()])
                .status();
        } else if round < 8 {
            // Later rounds wait longer, so that the kill points spread over the scan.
            let wait = 20 + points.next_millis(200 + 150 * round);
            std::thread::sleep(std::time::Duration::from_millis(wait));
            let _ = std::process::Command::new("kill")
                .args(["-KILL", &child.id().to_string()])
                .status();
        }
        let status = child.wait().unwrap();
        if status.success() {
            finished = true;
            break;
        }
        kills += 1;
        let parts = out.join(".eidscope-parts").exists();
        if out.join("scan.json").exists() && !parts {
            finished = true; // killed on its way out, with everything in place
            break;
        }
        if out.join("scan.json").exists() || !parts {
            // Killed after the manifest (while the parts were removed), or before the scan
            // had begun to store anything.
            continue;
        }
        // Killed: the folder is an unfinished scan, which stats refuses with one line.
        let run = eidscope(&[&"stats", &out]);
        let err = run.assert(ExitStatus::UnreadableInput).stderr();
        assert!(
            err.contains("an unfinished scan") && err.contains("--resume"),
            "{err}"
        );
        // A fresh scan into it is refused too.
        let refused = eidscope(&[&"scan", &"-q", &"--out", &out, &batch]);
        let err = refused.assert(ExitStatus::UnreadableInput).stderr();
        assert!(
            err.contains("unfinished scan") && err.contains("--resume"),
            "{err}"
        );
    }
    assert!(finished, "the resumed scan did not complete");
    assert!(
        kills > 0,
        "the scan was never killed: the test proved nothing"
    );
    if out.join(".eidscope-parts.removed").exists() {
        // Killed while the parts were deleted (after the manifest): a finished scan, with
        // what the deletion had not reached yet. The next scan into the folder deletes it,
        // and `--resume` says there is nothing left to resume.
        let mut command = Eidscope::new(&[&"scan", &"-q", &"--level", &"meta", &"--out", &out]);
        for input in &inputs {
            command = command.arg(input);
        }
        let err = command
            .arg("--resume")
            .run()
            .assert(ExitStatus::UnreadableInput)
            .stderr();
        assert!(err.contains("a finished scan"), "{err}");
    }
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !names
            .iter()
            .any(|n| n.ends_with(".partial") || n.starts_with(".eidscope")),
        "{names:?}"
    );
    let (bundles, errors, findings) = rows_of(&out);
    assert_eq!(bundles.len(), 40);
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors
            .iter()
            .any(|e| e.contains("readme-only.zip|not a bundle")),
        "{errors:?}"
    );
    assert_eq!((bundles, errors, findings), rows_of(&whole));
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("scan.json")).unwrap()).unwrap();
    assert_eq!(manifest["inputs"], 42);
}

#[test]
fn a_folder_holding_a_scan_is_refused_unless_forced() {
    let batch = synth_batch(40, 11);
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("scan");
    eidscope(&[&"scan", &"-q", &"--out", &out, &batch, &"--format", &"csv"]).ok();
    let err = eidscope(&[&"scan", &"-q", &"--out", &out, &batch])
        .assert(ExitStatus::UnreadableInput)
        .stderr();
    assert!(
        err.lines().count() == 1 && err.contains("holds another scan") && err.contains("--force"),
        "{err}"
    );
    let err = eidscope(&[&"scan", &"-q", &"--out", &out, &batch, &"--resume"])
        .assert(ExitStatus::UnreadableInput)
        .stderr();
    assert!(err.contains("nothing to resume"), "{err}");
    eidscope(&[&"scan", &"-q", &"--out", &out, &batch, &"--force"]).ok();
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "bundles.parquet",
            "checks.parquet",
            "errors.parquet",
            "faces.parquet",
            "features.parquet",
            "findings.parquet",
            "media.parquet",
            "scan.json"
        ],
        "stale tables of the old format"
    );
    eidscope(&[&"stats", &out]).ok();
}

#[test]
fn unwritable_outputs_are_named_as_given_with_a_hint() {
    let root = tempfile::tempdir().unwrap();
    let blocker = root.path().join("file");
    std::fs::write(&blocker, b"x").unwrap();
    let out = blocker.join("scan");
    let err = eidscope(&[
        &"scan",
        &"-q",
        &"--out",
        &out,
        &testdata("hostile/trailing.zip"),
    ])
    .assert(ExitStatus::UnreadableInput)
    .stderr();
    assert!(
        err.contains(&out.display().to_string()) && err.contains("hint:"),
        "{err}"
    );
    assert!(
        !err.contains(".partial") && !err.contains(".eidscope"),
        "{err}"
    );
}

#[test]
fn the_gathered_tables_do_not_depend_on_the_part_size() {
    // The parts are gathered into row groups of the same size whatever their own size, so a
    // scan cut into parts of one input writes the same files, byte for byte, as one part.
    let batch = synth_batch(40, 11);
    let root = tempfile::tempdir().unwrap();
    let scan = |name: &str, part_inputs: &str| {
        let out = root.path().join(name);
        eidscope(&[
            &"scan",
            &"-q",
            &"--level",
            &"meta",
            &"--part-inputs",
            &part_inputs,
            &"--out",
            &out,
            &batch,
        ])
        .ok();
        out
    };
    let small = scan("small", "1");
    let large = scan("large", "1000");
    for table in [
        "bundles", "checks", "features", "media", "findings", "errors",
    ] {
        let file = format!("{table}.parquet");
        let (a, b) = (
            std::fs::read(small.join(&file)).unwrap(),
            std::fs::read(large.join(&file)).unwrap(),
        );
        assert!(a == b, "{file} differs with parts of 1 and of 1000 inputs");
    }
}
