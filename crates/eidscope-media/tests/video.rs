//! The capture-video probe on synthetic clips made with `encode_mp4`: frozen and moving
//! pictures, a too-short clip with known facts, broken bytes, the frame strip and the limits.

#![cfg(feature = "video")]

use eidscope_media::MediaError;
use eidscope_media::video::{
    FROZEN_MOTION_THRESHOLD, MIN_CAPTURE_SECONDS, StripFrame, VideoLimits, encode_mp4, is_frozen,
    is_too_short, probe_video,
};
use eidscope_model::VideoInfo;
use image::{Rgb, RgbImage};

const WIDTH: u32 = 320;
const HEIGHT: u32 = 240;
const FPS: u32 = 10;

/// A small deterministic generator, so the clips are the same on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

/// A still scene: a diagonal gradient with a dark card and a bright disc on it.
fn scene(x: u32, y: u32) -> [u8; 3] {
    let (dx, dy) = (f64::from(x) - 220.0, f64::from(y) - 120.0);
    if dx.hypot(dy) < 40.0 {
        return [230, 200, 170];
    }
    if (40..140).contains(&x) && (60..180).contains(&y) {
        return [40, 50, 90];
    }
    let level = u8::try_from((x + y) * 255 / (WIDTH + HEIGHT)).expect("level fits");
    [level, level / 2 + 60, 255 - level]
}

/// The same scene in every frame, with fresh noise of ±2 levels per pixel (a sensor pointed
/// at a photograph).
fn still_clip(frames: usize) -> Vec<RgbImage> {
    let mut random = Lcg(7);
    (0..frames)
        .map(|_| {
            RgbImage::from_fn(WIDTH, HEIGHT, |x, y| {
                let noise = i16::try_from(random.next() % 5).expect("small") - 2;
                Rgb(scene(x, y)
                    .map(|c| u8::try_from((i16::from(c) + noise).clamp(0, 255)).expect("clamped")))
            })
        })
        .collect()
}

/// A disc crossing a gradient, 4 pixels per frame.
fn moving_disc_clip(frames: usize) -> Vec<RgbImage> {
    (0..frames)
        .map(|index| {
            let centre = 40.0 + 4.0 * f64::from(u32::try_from(index).expect("small"));
            RgbImage::from_fn(WIDTH, HEIGHT, |x, y| {
                if (f64::from(x) - centre).hypot(f64::from(y) - 120.0) < 30.0 {
                    Rgb([250, 240, 40])
                } else {
                    let level = u8::try_from(x * 255 / WIDTH).expect("level fits");
                    Rgb([level, level, level])
                }
            })
        })
        .collect()
}

/// The still scene shaken by up to one pixel each way in every frame (a hand-held phone).
fn shaken_clip(frames: usize) -> Vec<RgbImage> {
    let mut random = Lcg(5);
    (0..frames)
        .map(|_| {
            let dx = u32::try_from(random.next() % 3).expect("small");
            let dy = u32::try_from(random.next() % 3).expect("small");
            RgbImage::from_fn(WIDTH, HEIGHT, |x, y| {
                Rgb(scene(
                    (x + dx).saturating_sub(1),
                    (y + dy).saturating_sub(1),
                ))
            })
        })
        .collect()
}

/// Vertical stripes (a soft saw-tooth, 64 px period) sliding 3 pixels per frame.
fn shifting_gradient_clip(frames: usize) -> Vec<RgbImage> {
    (0..frames)
        .map(|index| {
            let shift = 3 * u32::try_from(index).expect("small");
            RgbImage::from_fn(WIDTH, HEIGHT, |x, _| {
                let level = u8::try_from(((x + shift) % 64) * 4).expect("level fits");
                Rgb([level, level, level])
            })
        })
        .collect()
}

/// Flat grey frames whose level tells their index (index * 8), to check which frames a strip
/// picked.
fn numbered_clip(frames: usize) -> Vec<RgbImage> {
    (0..frames)
        .map(|index| {
            let level = u8::try_from(index * 8).expect("level fits");
            RgbImage::from_pixel(WIDTH, HEIGHT, Rgb([level, level, level]))
        })
        .collect()
}

fn probe(bytes: &[u8], strip_frames: usize) -> (VideoInfo, Vec<StripFrame>) {
    probe_video("video.mp4", bytes, &VideoLimits::default(), strip_frames)
}

fn encoded(frames: &[RgbImage]) -> Vec<u8> {
    encode_mp4(frames, FPS).expect("the synthetic clip encodes")
}

fn motion(info: &VideoInfo) -> f64 {
    info.motion.expect("motion is measured")
}

#[test]
fn still_clip_is_frozen() {
    let (info, _) = probe(&encoded(&still_clip(30)), 0);
    assert_eq!(info.error, None);
    let motion = motion(&info);
    eprintln!("still clip motion: {motion:.3}");
    assert!(motion < FROZEN_MOTION_THRESHOLD / 2.0, "motion {motion}");
    assert!(is_frozen(&info));
}

#[test]
fn moving_disc_clip_is_not_frozen() {
    let (info, _) = probe(&encoded(&moving_disc_clip(30)), 0);
    assert_eq!(info.error, None);
    let motion = motion(&info);
    eprintln!("moving disc motion: {motion:.3}");
    assert!(motion > FROZEN_MOTION_THRESHOLD * 2.0, "motion {motion}");
    assert!(!is_frozen(&info));
}

#[test]
fn shaken_clip_is_not_frozen() {
    let (info, _) = probe(&encoded(&shaken_clip(30)), 0);
    assert_eq!(info.error, None);
    let motion = motion(&info);
    eprintln!("shaken clip motion: {motion:.3}");
    assert!(motion > FROZEN_MOTION_THRESHOLD * 2.0, "motion {motion}");
    assert!(!is_frozen(&info));
}

#[test]
fn shifting_gradient_clip_is_not_frozen() {
    let (info, _) = probe(&encoded(&shifting_gradient_clip(30)), 0);
    assert_eq!(info.error, None);
    let motion = motion(&info);
    eprintln!("shifting gradient motion: {motion:.3}");
    assert!(motion > FROZEN_MOTION_THRESHOLD * 2.0, "motion {motion}");
    assert!(!is_frozen(&info));
}

#[test]
fn one_second_clip_is_too_short_and_its_facts_are_reported() {
    let bytes = encoded(&moving_disc_clip(10));
    let (info, strip) = probe(&bytes, 0);
    assert!(strip.is_empty());
    assert!(info.probed);
    assert_eq!(info.error, None);
    assert_eq!(info.entry, "video.mp4");
    assert_eq!(info.size_bytes, u64::try_from(bytes.len()).expect("fits"));
    assert_eq!(info.sha256.len(), 64);
    assert!(
        info.container
            .as_deref()
            .is_some_and(|name| name.contains("mp4")),
        "container {:?}",
        info.container
    );
    let duration = info.duration_seconds.expect("duration");
    assert!((duration - 1.0).abs() <= 0.1, "duration {duration}");
    assert!(info.tags.contains_key("encoder"), "tags {:?}", info.tags);
    assert!(info.bit_rate.is_some_and(|rate| rate > 0));

    assert_eq!(info.streams.len(), 1);
    let stream = &info.streams[0];
    assert_eq!(stream.kind, "video");
    assert!(
        matches!(stream.codec.as_deref(), Some("h264" | "mpeg4")),
        "codec {:?}",
        stream.codec
    );
    assert!(stream.profile.is_some());
    assert_eq!((stream.width, stream.height), (Some(WIDTH), Some(HEIGHT)));
    assert_eq!(stream.pixel_format.as_deref(), Some("yuv420p"));
    let rate = stream.avg_frame_rate.expect("average frame rate");
    assert!((rate - f64::from(FPS)).abs() < 0.01, "rate {rate}");
    assert!(stream.real_frame_rate.is_some());
    assert!(stream.time_base.is_some());
    assert_eq!(stream.rotation, None);
    assert_eq!(stream.frames_header, Some(10));
    assert_eq!(info.frames_decoded, Some(10));
    assert_eq!(info.decode_errors, 0);
    assert_eq!(info.decode_stopped, None);

    assert!(is_too_short(&info, MIN_CAPTURE_SECONDS));
    assert!(!is_too_short(&info, 0.5));
}

#[test]
fn three_second_clip_is_long_enough() {
    let (info, _) = probe(&encoded(&moving_disc_clip(30)), 0);
    let duration = info.duration_seconds.expect("duration");
    assert!((duration - 3.0).abs() <= 0.1, "duration {duration}");
    assert!(!is_too_short(&info, MIN_CAPTURE_SECONDS));
}

#[test]
fn truncated_clip_reports_an_error() {
    let bytes = encoded(&moving_disc_clip(30));
    let (info, strip) = probe(&bytes[..bytes.len() / 2], 4);
    assert!(info.probed);
    assert!(info.error.is_some() || info.decode_errors > 0, "{info:?}");
    eprintln!(
        "truncated: {:?}, {} decode errors",
        info.error, info.decode_errors
    );
    assert!(strip.len() <= 4);
}

#[test]
fn clip_with_a_damaged_middle_reports_decode_errors() {
    let mut bytes = encoded(&moving_disc_clip(30));
    // The picture data sits between the `ftyp` header and the `moov` index at the end; wreck
    // a stretch of it while keeping the container intact.
    let (start, end) = (bytes.len() / 4, bytes.len() / 2);
    let mut random = Lcg(11);
    for byte in &mut bytes[start..end] {
        *byte = u8::try_from(random.next() & 0xff).expect("byte");
    }
    let (info, _) = probe(&bytes, 0);
    eprintln!(
        "damaged: {:?}, {} decode errors, {:?} frames",
        info.error, info.decode_errors, info.frames_decoded
    );
    assert!(info.error.is_some() || info.decode_errors > 0, "{info:?}");
}

#[test]
fn random_bytes_report_an_error() {
    let mut random = Lcg(3);
    let bytes: Vec<u8> = (0..50_000)
        .map(|_| u8::try_from(random.next() & 0xff).expect("byte"))
        .collect();
    let (info, strip) = probe(&bytes, 4);
    assert!(info.probed);
    assert!(info.error.is_some(), "{info:?}");
    assert!(strip.is_empty());
    assert!(!is_frozen(&info));
}

#[test]
fn empty_file_reports_an_error() {
    let (info, strip) = probe(&[], 4);
    assert!(info.probed);
    assert_eq!(info.error.as_deref(), Some("empty file"));
    assert_eq!(info.size_bytes, 0);
    assert!(strip.is_empty());
}

#[test]
fn frame_strip_returns_evenly_spaced_frames_of_the_right_size() {
    let (info, strip) = probe(&encoded(&numbered_clip(30)), 4);
    assert_eq!(info.error, None);
    assert_eq!(strip.len(), 4);
    for frame in &strip {
        assert_eq!(frame.picture.dimensions(), (WIDTH, HEIGHT));
    }
    // Each frame carries its time: index over the frame rate, as the label says.
    let times: Vec<f64> = strip.iter().map(|f| f.seconds.expect("a time")).collect();
    for (time, index) in times.iter().zip([0.0, 9.0, 19.0, 29.0]) {
        assert!(
            (time - index / f64::from(FPS)).abs() < 1e-3,
            "times {times:?}"
        );
    }
    assert_eq!(
        strip[1].label(2),
        format!("video {:.2} s", 9.0 / f64::from(FPS))
    );
    // Frames 0, 9, 19 and 29: levels 0, 72, 152 and 232 (give or take the lossy round trip).
    let levels: Vec<f64> = strip
        .iter()
        .map(|frame| {
            let sum: u64 = frame.picture.pixels().map(|p| u64::from(p.0[1])).sum();
            #[allow(clippy::cast_precision_loss)]
            let mean = sum as f64 / f64::from(WIDTH * HEIGHT);
            mean
        })
        .collect();
    for (level, expected) in levels.iter().zip([0.0, 72.0, 152.0, 232.0]) {
        assert!((level - expected).abs() < 6.0, "levels {levels:?}");
    }
}

#[test]
fn frame_strip_is_capped_by_the_frames_there_are() {
    let (_, strip) = probe(&encoded(&numbered_clip(5)), 12);
    assert_eq!(strip.len(), 5);
}

#[test]
fn frame_cap_stops_decoding_and_says_so() {
    let limits = VideoLimits {
        max_frames: 5,
        ..VideoLimits::default()
    };
    let (info, strip) = probe_video("video.mp4", &encoded(&numbered_clip(30)), &limits, 3);
    assert_eq!(info.error, None);
    assert_eq!(info.frames_decoded, Some(5));
    assert_eq!(info.streams[0].frames_header, Some(30));
    assert!(
        info.decode_stopped
            .as_deref()
            .is_some_and(|why| why.starts_with("frame cap")),
        "{:?}",
        info.decode_stopped
    );
    assert_eq!(strip.len(), 3);
}

#[test]
fn exhausted_time_budget_is_reported_not_panicked() {
    let limits = VideoLimits {
        max_seconds: 0.0,
        ..VideoLimits::default()
    };
    let (info, _) = probe_video("video.mp4", &encoded(&numbered_clip(10)), &limits, 2);
    assert!(info.probed);
    let reason = info
        .error
        .or(info.decode_stopped)
        .expect("a time-cap reason");
    assert!(reason.contains("time cap"), "{reason}");
}

#[test]
fn odd_sized_frames_are_cropped_to_even() {
    let frames: Vec<RgbImage> = (0..5)
        .map(|_| RgbImage::from_pixel(WIDTH + 1, HEIGHT + 1, Rgb([10, 20, 30])))
        .collect();
    let (info, _) = probe(&encoded(&frames), 0);
    assert_eq!(info.error, None);
    assert_eq!(
        (info.streams[0].width, info.streams[0].height),
        (Some(WIDTH), Some(HEIGHT))
    );
}

#[test]
fn encoding_is_deterministic() {
    let frames = moving_disc_clip(10);
    assert_eq!(encoded(&frames), encoded(&frames));
}

#[test]
fn encoding_refuses_what_it_cannot_make() {
    assert!(matches!(encode_mp4(&[], FPS), Err(MediaError::Limit(_))));
    let frame = RgbImage::new(WIDTH, HEIGHT);
    assert!(matches!(
        encode_mp4(std::slice::from_ref(&frame), 0),
        Err(MediaError::Limit(_))
    ));
    let other = RgbImage::new(WIDTH / 2, HEIGHT);
    assert!(matches!(
        encode_mp4(&[frame, other], FPS),
        Err(MediaError::Limit(_))
    ));
    assert!(matches!(
        encode_mp4(&[RgbImage::new(1, 1)], FPS),
        Err(MediaError::Limit(_))
    ));
}

#[test]
fn mutated_clips_never_panic() {
    let clean = encoded(&moving_disc_clip(10));
    let mut random = Lcg(23);
    let length = u64::try_from(clean.len()).expect("fits");
    for round in 0..60 {
        let mut bytes = clean.clone();
        if round % 3 == 0 {
            let keep = usize::try_from(random.next() % length).expect("fits");
            bytes.truncate(keep);
        } else {
            for _ in 0..(1 + random.next() % 16) {
                let at = usize::try_from(random.next() % length).expect("fits");
                bytes[at] = u8::try_from(random.next() & 0xff).expect("byte");
            }
        }
        let (info, strip) = probe(&bytes, 3);
        assert!(info.probed);
        assert!(strip.len() <= 3);
        if info.error.is_none() {
            assert!(
                info.frames_decoded.is_some_and(|frames| frames > 0),
                "{info:?}"
            );
        }
    }
}

#[test]
fn picture_over_the_pixel_cap_is_not_decoded() {
    let frame = RgbImage::new(8_192, 4_320);
    let (info, strip) = probe(&encoded(std::slice::from_ref(&frame)), 1);
    assert!(strip.is_empty());
    let reason = info.error.expect("refused");
    assert!(reason.contains("decode cap"), "{reason}");
    assert_eq!(info.frames_decoded, None);
}

#[test]
fn tag_that_is_not_utf8_is_kept_lossily() {
    let mut bytes = encoded(&moving_disc_clip(10));
    let at = bytes
        .windows(4)
        .position(|window| window == b"Lavf")
        .expect("the muxer names itself in the encoder tag");
    bytes[at] = 0xff;
    let (info, _) = probe(&bytes, 0);
    assert_eq!(info.error, None);
    let encoder = info.tags.get("encoder").expect("encoder tag");
    assert!(encoder.starts_with("\u{fffd}avf"), "{encoder:?}");
}
