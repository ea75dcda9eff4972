//! Any bytes as `ocr.json` and as a process: parsing and the status rules must never panic.
#![no_main]

use eidscope_bundle::{Ocr, Process, derive};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(parsed) = eidscope_bundle::json::parse_lenient(data) {
        let value = parsed.value;
        let Some(reference) = chrono::NaiveDate::from_ymd_opt(2021, 6, 9) else { return };
        let ocr = Ocr::from_json(value.clone(), reference);
        let process = Process::from_json(&value, "fuzz");
        let _ = derive(Some(&ocr), None, process.info.fail_reason.as_ref());
        let _ = eidscope_bundle::manual::read_manual_approval(value);
    }
});
