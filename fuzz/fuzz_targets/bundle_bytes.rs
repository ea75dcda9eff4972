//! Any bytes as a bundle zip: the reader, the normaliser and the findings must never panic.
#![no_main]

use eidscope_analysis::{Thresholds, bundle_findings};
use eidscope_bundle::{Archive, Bundle, Limits, ReadPlan};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits { max_json_bytes: 1 << 20, max_image_bytes: 1 << 20, max_video_bytes: 1 << 20, max_total_bytes: 4 << 20, ..Limits::default() };
    if let Ok(archive) = Archive::from_bytes(data, ReadPlan::ALL, &limits) {
        if let Ok(bundle) = Bundle::assemble("fuzz.zip".into(), archive, None) {
            let _ = bundle_findings(&bundle, &Default::default(), &Thresholds::default());
        }
    }
});
