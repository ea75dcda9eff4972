//! The one integration-test binary of the `eidscope` command line (ripgrep / uv style): each
//! module covers a command or a class of inputs; `fixture` builds bundles in temporary folders.

#![allow(clippy::unwrap_used)]

mod answers;
mod browser;
mod contract;
mod extract;
mod faces;
mod fetch;
mod findings_doc;
mod fixture;
mod hostile;
mod inputs;
mod links;
mod media;
mod report;
mod resume;
mod scan;
mod seed;
mod synthetic;

/// Every `.rs` file in this folder must be a module above, so that no test file is silently
/// left out of the binary (jj's rule).
#[test]
fn every_test_file_is_wired_in() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli");
    let main = std::fs::read_to_string(dir.join("main.rs")).unwrap();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if let Some(module) = name.strip_suffix(".rs").filter(|m| *m != "main") {
            assert!(
                main.contains(&format!("mod {module};")),
                "tests/cli/{name} is not wired into main.rs"
            );
        }
    }
}
