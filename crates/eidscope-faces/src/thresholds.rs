//! The distances behind the face findings, measured on real photos (docs/faces.md has the table
//! and `examples/measure_photos.rs` measures it again).
//!
//! On 9 real photos of 5 people, each also downscaled and recompressed, grey, cut into a
//! 136x170 document portrait, photographed as a print and turned into a video frame (1,431
//! pairs, HOG detector): every pair of one person in two photographs lay at 0.314–0.567
//! (median 0.421), every pair of two people at 0.617–0.938 (median 0.835); copies of one
//! photograph at 0.028–0.393. The thresholds sit in that gap, each on the side its finding
//! must be sure of. Five people are few: these are rules with a measured margin, not error
//! rates (dlib's model reports 99.38% on LFW at 0.6).

/// `face-mismatch`: the selfie and the document portrait are different people when their
/// distance is above this. Sits in the measured gap (same person at most 0.567, different
/// people at least 0.617), at dlib's own LFW threshold.
pub const FACE_MISMATCH: f32 = 0.60;

/// `face-match-contradiction`: the selfie and the portrait are the same person when their
/// distance is at most this, however low the provider's similarity. Stricter than the gap: no
/// pair of different people came within 0.117 of it; 96% of same-person pairs are below it.
pub const FACE_MATCH_CONTRADICTION: f32 = 0.50;

/// `video-face-mismatch`: the person in the video is not the selfie's when the closest video
/// frame is farther than this. Video frames (blurred, JPEG 40) measured 0.327–0.554 against
/// other photos of the same person and at least 0.618 against other people; taking the closest
/// of several frames only lowers the same-person distance.
pub const VIDEO_FACE_MISMATCH: f32 = 0.60;

/// `same-person`: faces of different identities closer than this are grouped as one person.
/// Strict, because a batch compares every face with every other: at a million faces even a rare
/// false match among different people happens many times. 0.45 is 0.17 below the closest pair
/// of different people measured and keeps 83% of the same-person pairs across photographs (all
/// of them between copies of one photograph, the commonest reuse).
pub const SAME_PERSON: f32 = 0.45;

/// Below this eye distance (pixels) a face is too small to judge: the smallest faces measured
/// (17 px between the eyes) gave the largest same-person distances (0.567). A comparison with
/// such a face should say so rather than fire a mismatch.
pub const MIN_EYE_DISTANCE: f32 = 16.0;
