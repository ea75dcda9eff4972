//! `eidscope-floor DIR`: the floor of `scan --level meta` in `make bench`. Reads every zip under
//! DIR on all cores, parses its directory and inflates only its JSON entries, and does nothing
//! else (no hashing, no parsing, no tables): no scan at `meta` can be faster than this.

use rayon::prelude::*;
use std::io::Read;
use std::path::{Path, PathBuf};

fn main() {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: eidscope-floor DIR");
        std::process::exit(2);
    };
    let zips: Vec<PathBuf> = walkdir::WalkDir::new(&dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "zip"))
        .map(|e| e.into_path())
        .collect();
    let inflated: u64 = zips.par_iter().map(|path| json_bytes(path)).sum();
    println!("{} zips, {inflated} bytes of JSON inflated", zips.len());
}

/// The number of JSON bytes inflated from one zip (0 when it is not a readable zip).
fn json_bytes(path: &Path) -> u64 {
    let Ok(bytes) = std::fs::read(path) else {
        return 0;
    };
    let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return 0;
    };
    let mut total = 0;
    let mut buffer = Vec::new();
    for index in 0..zip.len() {
        let Ok(mut entry) = zip.by_index(index) else {
            continue;
        };
        if entry.name_raw().ends_with(b".json") {
            buffer.clear();
            total += entry.read_to_end(&mut buffer).map_or(0, |n| n as u64);
        }
    }
    total
}
