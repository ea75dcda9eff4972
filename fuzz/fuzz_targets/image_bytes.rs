//! Any bytes as a JPEG entry: the header walk, EXIF, quality and the limited decode must never
//! panic or allocate without bound.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = eidscope_media::image_info::analyse_image("front.jpeg", data, true);
});
