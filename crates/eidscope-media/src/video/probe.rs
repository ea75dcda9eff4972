//! Probing one capture video: the container and stream facts FFmpeg reads from the headers,
//! then a capped decode of the first video stream, into [`VideoInfo`].

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::{Duration, Instant};

use super::StripFrame;
use eidscope_model::VideoInfo;
use eidscope_model::media::StreamInfo;
use ffmpeg::format::context::Input;
use ffmpeg::media::Type as Medium;
use ffmpeg::packet::side_data::Type as SideDataKind;
use ffmpeg::{Dictionary, Error, Rational, Stream};
use ffmpeg_next as ffmpeg;
use sha2::{Digest, Sha256};

use super::VideoLimits;
use super::decode::{MAX_PIXELS, Plan, decode_video, open_decoder};
use super::runtime::{self, describe};

/// At most this many frames are returned for a strip, whatever the caller asks.
pub const MAX_STRIP_FRAMES: usize = 64;
/// Streams beyond this many are not described (a hostile file may declare thousands).
const MAX_STREAMS: usize = 32;
/// Container tags beyond this many are not kept.
const MAX_TAGS: usize = 64;
/// Tag values are cut to this many characters.
const MAX_TAG_CHARS: usize = 256;
/// The demuxers a capture video may need. Anything else (playlists, image sequences,
/// concatenation scripts) could make FFmpeg open other files, so it is refused.
const FORMAT_WHITELIST: &str =
    "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,avi,mpegts,flv,ogg,m4v,h264,hevc,mjpeg";

/// Probes and decodes the capture video `bytes` (the zip entry `entry`) under `limits`.
///
/// Never panics and never fails: a video that does not open or decode comes back with
/// `error` set to a one-line reason, the facts gathered before the failure, and
/// `probed = true`. Along with the facts come up to `strip_frames` (at most
/// [`MAX_STRIP_FRAMES`]) decoded frames evenly spaced over the decoded part of the video, first
/// and last included, as RGB pictures with their time at the decoded picture size (shrunk to fit 1920 pixels on
/// the longer side); the display rotation is not applied.
///
/// `motion` is measured on every decoded frame (see [`super::FROZEN_MOTION_THRESHOLD`]). When
/// the header's frame count turns out wrong, a second capped pass picks the strip frames.
#[must_use]
pub fn probe_video(
    entry: &str,
    bytes: &[u8],
    limits: &VideoLimits,
    strip_frames: usize,
) -> (VideoInfo, Vec<StripFrame>) {
    let mut info = VideoInfo {
        entry: entry.to_owned(),
        size_bytes: u64::try_from(bytes.len()).unwrap_or(u64::MAX),
        sha256: hex::encode(Sha256::digest(bytes)),
        probed: true,
        ..VideoInfo::default()
    };
    let strip = match probe_into(&mut info, bytes, limits, strip_frames) {
        Ok(strip) => strip,
        Err(reason) => {
            info.error = Some(reason);
            Vec::new()
        }
    };
    (info, strip)
}

/// Fills `info` as far as the video allows; `Err` is the reason it stopped.
fn probe_into(
    info: &mut VideoInfo,
    bytes: &[u8],
    limits: &VideoLimits,
    strip_frames: usize,
) -> Result<Vec<StripFrame>, String> {
    if bytes.is_empty() {
        return Err("empty file".to_owned());
    }
    runtime::ready().map_err(|e| e.to_string())?;
    let file = runtime::MemoryFile::with(bytes)
        .map_err(|e| format!("cannot hand the bytes to FFmpeg: {e}"))?;
    let deadline = deadline_after(limits.max_seconds);

    let mut input = open(file.path(), deadline)?;
    describe_container(info, &input);
    info.streams = input
        .streams()
        .take(MAX_STREAMS)
        .map(|s| stream_info(&s))
        .collect();
    let video_index = input
        .streams()
        .best(Medium::Video)
        .map(|stream| stream.index())
        .ok_or_else(|| "no video stream".to_owned())?;

    if let Some(stream) = info.streams.iter().find(|s| s.index == video_index)
        && let (Some(width), Some(height)) = (stream.width, stream.height)
        && u64::from(width) * u64::from(height) > MAX_PIXELS
    {
        return Err(format!(
            "picture size {width}x{height} is over the decode cap of {MAX_PIXELS} pixels"
        ));
    }

    let max_frames = limits.max_frames.max(1);
    let strip_count = strip_frames.min(MAX_STRIP_FRAMES);
    let header_frames = input
        .stream(video_index)
        .and_then(|stream| u64::try_from(stream.frames()).ok())
        .filter(|&frames| frames > 0);
    let planned = header_frames.map(|frames| frames.min(max_frames));
    let wanted = planned.map_or_else(BTreeSet::new, |total| spaced(total, strip_count));
    let first = decode_video(
        &mut input,
        video_index,
        &Plan {
            max_frames,
            deadline,
            measure_motion: true,
            wanted: &wanted,
        },
    )?;
    drop(input);
    info.frames_decoded = Some(first.frames);
    info.decode_errors = first.errors;
    info.motion = first.motion;
    info.decode_stopped = first.stopped;
    if first.frames == 0 {
        return Err(format!(
            "no frame of the video stream decodes ({} decode errors)",
            first.errors
        ));
    }

    let mut strip = first.strip;
    let header_was_right = planned == Some(first.frames);
    if strip_count > 0 && !header_was_right && Instant::now() < deadline {
        // The header's frame count was missing or wrong: decode again knowing the true count.
        let wanted = spaced(first.frames, strip_count);
        if let Ok(mut again) = open(file.path(), deadline) {
            let plan = Plan {
                max_frames: first.frames,
                deadline,
                measure_motion: false,
                wanted: &wanted,
            };
            if let Ok(second) = decode_video(&mut again, video_index, &plan)
                && second.strip.len() > strip.len()
            {
                strip = second.strip;
            }
        }
    }
    Ok(strip)
}

/// The instant `seconds` from now; a negative or non-finite budget is no budget at all.
fn deadline_after(seconds: f64) -> Instant {
    let seconds = if seconds.is_finite() && seconds > 0.0 {
        seconds.min(86_400.0)
    } else {
        0.0
    };
    Instant::now() + Duration::from_secs_f64(seconds)
}

/// Opens the staged file with FFmpeg: only the `file` protocol, only video demuxers, and an
/// interrupt that fires at the deadline.
fn open(path: &Path, deadline: Instant) -> Result<Input, String> {
    let mut options = Dictionary::new();
    options.set("protocol_whitelist", "file");
    options.set("format_whitelist", FORMAT_WHITELIST);
    ffmpeg::format::input_with_interrupt_and_dictionary(
        path,
        move || Instant::now() >= deadline,
        options,
    )
    .map_err(|e| {
        if matches!(e, Error::Exit) || Instant::now() >= deadline {
            "time cap: the video did not open in time".to_owned()
        } else {
            format!("does not open as a video: {}", describe(&e))
        }
    })
}

/// Container name, duration, bit rate and tags.
fn describe_container(info: &mut VideoInfo, input: &Input) {
    info.container = Some(input.format().name().to_owned());
    let duration = input.duration();
    #[allow(clippy::cast_precision_loss)] // microseconds; f64 is exact to 2^53
    if duration >= 0 {
        info.duration_seconds = Some(duration as f64 / f64::from(ffmpeg::ffi::AV_TIME_BASE));
    }
    info.bit_rate = u64::try_from(input.bit_rate())
        .ok()
        .filter(|&rate| rate > 0);
    info.tags = tags(input.metadata().iter());
    info.creation_time = info.tags.get("creation_time").cloned();
}

/// Up to [`MAX_TAGS`] tags, values cut to [`MAX_TAG_CHARS`].
fn tags<'a>(entries: impl Iterator<Item = (&'a str, &'a str)>) -> BTreeMap<String, String> {
    entries
        .take(MAX_TAGS)
        .map(|(key, value)| (cut(&lossy(key)), cut(&lossy(value))))
        .collect()
}

/// A string from FFmpeg's metadata, made valid. `ffmpeg-next` hands metadata over as `&str`
/// without checking it (`from_utf8_unchecked`), and a hostile file's tags can be any bytes;
/// such a `&str` must not be decoded as UTF-8 (iterating its chars aborts in debug builds).
/// Only its bytes are read here, and invalid sequences become U+FFFD.
fn lossy(unchecked: &str) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(unchecked.as_bytes())
}

fn cut(text: &str) -> String {
    text.chars()
        .take(MAX_TAG_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// The header facts of one stream. Codec details need an opened decoder; when none opens,
/// those fields stay empty.
fn stream_info(stream: &Stream<'_>) -> StreamInfo {
    let parameters = stream.parameters();
    let medium = parameters.medium();
    let id = parameters.id();
    let time_base = stream.time_base();
    let mut info = StreamInfo {
        index: stream.index(),
        kind: medium_name(medium).to_owned(),
        codec: (id != ffmpeg::codec::Id::None).then(|| id.name().to_owned()),
        avg_frame_rate: rate(stream.avg_frame_rate()),
        real_frame_rate: rate(stream.rate()),
        time_base: (time_base.denominator() != 0)
            .then(|| format!("{}/{}", time_base.numerator(), time_base.denominator())),
        rotation: rotation(stream),
        frames_header: u64::try_from(stream.frames()).ok().filter(|&n| n > 0),
        ..StreamInfo::default()
    };
    let decoder = open_decoder(parameters, false);
    match medium {
        Medium::Video => {
            if let Ok(video) = decoder.and_then(ffmpeg::decoder::Opened::video) {
                info.width = Some(video.width()).filter(|&w| w > 0);
                info.height = Some(video.height()).filter(|&h| h > 0);
                info.pixel_format = video
                    .format()
                    .descriptor()
                    .map(|descriptor| descriptor.name().to_owned());
                info.profile = profile_name(video.profile());
            }
        }
        Medium::Audio => {
            if let Ok(audio) = decoder.and_then(ffmpeg::decoder::Opened::audio) {
                info.profile = profile_name(audio.profile());
            }
        }
        _ => {}
    }
    info
}

fn medium_name(medium: Medium) -> &'static str {
    match medium {
        Medium::Video => "video",
        Medium::Audio => "audio",
        Medium::Data => "data",
        Medium::Subtitle => "subtitle",
        Medium::Attachment => "attachment",
        Medium::Unknown => "unknown",
    }
}

/// A frame rate as a number, when it is one.
fn rate(rational: Rational) -> Option<f64> {
    if rational.denominator() == 0 || rational.numerator() <= 0 {
        return None;
    }
    Some(f64::from(rational.numerator()) / f64::from(rational.denominator()))
}

/// The profile as FFmpeg's wrapper names it (`High`, `ConstrainedBaseline`, `Simple`, ...).
fn profile_name(profile: ffmpeg::codec::Profile) -> Option<String> {
    match profile {
        ffmpeg::codec::Profile::Unknown => None,
        other => {
            let debug = format!("{other:?}");
            let inner = debug
                .split_once('(')
                .map_or(debug.as_str(), |(_, rest)| rest.trim_end_matches(')'));
            Some(inner.to_owned())
        }
    }
}

/// The clockwise rotation, in degrees within `0..360`, a player applies to show the picture
/// upright: from the stream's display matrix side data, else from a `rotate` tag.
fn rotation(stream: &Stream<'_>) -> Option<f64> {
    stream
        .side_data()
        .find(|side_data| side_data.kind() == SideDataKind::DisplayMatrix)
        .and_then(|side_data| display_matrix_rotation(side_data.data()))
        .or_else(|| {
            stream
                .metadata()
                .get("rotate")
                .and_then(|value| lossy(value).trim().parse::<f64>().ok())
                .filter(|degrees| degrees.is_finite())
                .map(normalise_degrees)
        })
}

/// The rotation encoded in a display matrix: nine native-endian 32-bit integers, the first
/// two columns in 16.16 fixed point. The same sum FFmpeg's `av_display_rotation_get` does,
/// turned to the clockwise sense of the `rotate` tag.
fn display_matrix_rotation(data: &[u8]) -> Option<f64> {
    let mut matrix = [0.0_f64; 9];
    let mut chunks = data.chunks_exact(4);
    for cell in &mut matrix {
        let bytes: [u8; 4] = chunks.next()?.try_into().ok()?;
        *cell = f64::from(i32::from_ne_bytes(bytes)) / 65_536.0;
    }
    let scale_x = matrix[0].hypot(matrix[3]);
    let scale_y = matrix[1].hypot(matrix[4]);
    if scale_x == 0.0 || scale_y == 0.0 {
        return None;
    }
    let degrees = (matrix[1] / scale_y)
        .atan2(matrix[0] / scale_x)
        .to_degrees();
    Some(normalise_degrees(degrees))
}

/// `degrees` within `0..360`, rounded to hundredths.
fn normalise_degrees(degrees: f64) -> f64 {
    let rounded = (degrees.rem_euclid(360.0) * 100.0).round() / 100.0;
    if rounded >= 360.0 { 0.0 } else { rounded + 0.0 }
}

/// `count` frame indices evenly spaced over `0..total`, first and last included (the middle
/// one for a count of one).
fn spaced(total: u64, count: usize) -> BTreeSet<u64> {
    let count = u64::try_from(count).unwrap_or(u64::MAX);
    if total == 0 || count == 0 {
        return BTreeSet::new();
    }
    if count >= total {
        return (0..total).collect();
    }
    if count == 1 {
        return BTreeSet::from([total / 2]);
    }
    (0..count)
        .map(|i| {
            let index = u128::from(i) * u128::from(total - 1) / u128::from(count - 1);
            u64::try_from(index).unwrap_or(total - 1)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matrix_bytes(cells: [i32; 9]) -> Vec<u8> {
        cells.iter().flat_map(|cell| cell.to_ne_bytes()).collect()
    }

    /// The matrix FFmpeg's `av_display_rotation_set(m, angle)` writes, counter-clockwise.
    fn rotation_matrix(counter_clockwise_degrees: f64) -> [i32; 9] {
        let (sin, cos) = counter_clockwise_degrees.to_radians().sin_cos();
        #[allow(clippy::cast_possible_truncation)]
        let fixed = |x: f64| (x * 65_536.0).round() as i32;
        [
            fixed(cos),
            fixed(-sin),
            0,
            fixed(sin),
            fixed(cos),
            0,
            0,
            0,
            1 << 30,
        ]
    }

    #[test]
    fn display_matrix_gives_the_clockwise_rotate_tag_value() {
        // A phone held upright records landscape pixels with this matrix; FFmpeg's old
        // `rotate` tag says 90 for it.
        let portrait_phone = matrix_bytes([0, 65_536, 0, -65_536, 0, 0, 0, 0, 1 << 30]);
        assert_eq!(display_matrix_rotation(&portrait_phone), Some(90.0));
        assert_eq!(
            display_matrix_rotation(&matrix_bytes(rotation_matrix(0.0))),
            Some(0.0)
        );
        assert_eq!(
            display_matrix_rotation(&matrix_bytes(rotation_matrix(90.0))),
            Some(270.0)
        );
        assert_eq!(
            display_matrix_rotation(&matrix_bytes(rotation_matrix(180.0))),
            Some(180.0)
        );
        assert_eq!(
            display_matrix_rotation(&matrix_bytes(rotation_matrix(-90.0))),
            Some(90.0)
        );
    }

    #[test]
    fn display_matrix_that_is_short_or_degenerate_gives_nothing() {
        assert_eq!(display_matrix_rotation(&[0; 35]), None);
        assert_eq!(display_matrix_rotation(&matrix_bytes([0; 9])), None);
    }

    #[test]
    fn spaced_indices_cover_first_and_last() {
        assert_eq!(spaced(10, 3), BTreeSet::from([0, 4, 9]));
        assert_eq!(spaced(10, 1), BTreeSet::from([5]));
        assert_eq!(spaced(3, 5), BTreeSet::from([0, 1, 2]));
        assert_eq!(spaced(0, 5), BTreeSet::new());
        assert_eq!(spaced(10, 0), BTreeSet::new());
        assert_eq!(spaced(u64::MAX, 2), BTreeSet::from([0, u64::MAX - 1]));
        assert_eq!(spaced(1_800, 8).len(), 8);
    }

    #[test]
    fn tags_are_capped_and_cleaned() {
        let long = "x".repeat(1_000);
        let entries = [("encoder", "Lavf\n59"), ("comment", long.as_str())];
        let tags = tags(entries.into_iter());
        assert_eq!(tags["encoder"], "Lavf 59");
        assert_eq!(tags["comment"].chars().count(), MAX_TAG_CHARS);
    }
}
