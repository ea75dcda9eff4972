//! A real decode of the first video stream under the frame and time caps: how many frames
//! decode, how many packets or frames fail, how much the picture moves, and the frames wanted
//! for a strip (as RGB pictures).

use std::collections::BTreeSet;
use std::time::Instant;

use ffmpeg::format::Pixel;
use ffmpeg::software::scaling::{context::Context as Scaler, flag::Flags};
use ffmpeg::util::frame::video::Video as VideoFrame;
use ffmpeg::{Dictionary, Error, Packet};
use ffmpeg_next as ffmpeg;
use image::RgbImage;

use super::StripFrame;
use super::runtime::describe;

/// Frames are shrunk to this many pixels a side, grey, to measure motion cheaply.
const MOTION_SIDE: u32 = 64;
/// Strip frames larger than this on their longer side are shrunk to fit (keeps memory bounded
/// for 4K captures; the strip is for looking at, not for measuring).
const STRIP_MAX_SIDE: u32 = 1920;
/// A stream this broken is not worth the rest of the time budget.
const MAX_ERRORS: u64 = 1_000;
/// The largest picture decoded, in pixels (8K UHD, 7680x4320). FFmpeg's decoder enforces it
/// on every frame, so a hostile stream cannot make it allocate gigabytes per picture.
pub const MAX_PIXELS: u64 = 7_680 * 4_320;

/// Opens a single-threaded decoder for a stream. With `capped`, every picture is held to
/// [`MAX_PIXELS`] (and a stream declaring more fails to open); without, the decoder only
/// reads the headers (no picture is decoded through it).
pub(super) fn open_decoder(
    parameters: ffmpeg::codec::Parameters,
    capped: bool,
) -> Result<ffmpeg::decoder::Opened, Error> {
    let codec = ffmpeg::decoder::find(parameters.id()).ok_or(Error::DecoderNotFound)?;
    let context = ffmpeg::codec::context::Context::from_parameters(parameters)?;
    let mut options = Dictionary::new();
    if capped {
        options.set("max_pixels", &MAX_PIXELS.to_string());
    }
    options.set("threads", "1");
    context.decoder().open_as_with(codec, options)
}

/// What one decoding pass should do.
pub(super) struct Plan<'a> {
    /// Stop after this many frames.
    pub max_frames: u64,
    /// Stop at this instant.
    pub deadline: Instant,
    /// Whether to measure motion.
    pub measure_motion: bool,
    /// Zero-based indices of the decoded frames to keep as RGB pictures.
    pub wanted: &'a BTreeSet<u64>,
}

/// What one decoding pass found.
#[derive(Debug, Default)]
pub(super) struct Decoded {
    /// Frames that came out of the decoder.
    pub frames: u64,
    /// Packets the demuxer or the decoder rejected, and frames flagged corrupt.
    pub errors: u64,
    /// Mean frame-to-frame difference of the shrunk grey frames, 0..255.
    pub motion: Option<f64>,
    /// Why the pass stopped before the end of the stream.
    pub stopped: Option<String>,
    /// The wanted frames, in stream order.
    pub strip: Vec<StripFrame>,
}

/// Decodes the stream `stream_index` of `input` according to `plan`. Fails only when no
/// decoder can be opened for the stream; everything that goes wrong later is counted.
pub(super) fn decode_video(
    input: &mut ffmpeg::format::context::Input,
    stream_index: usize,
    plan: &Plan<'_>,
) -> Result<Decoded, String> {
    let stream = input
        .stream(stream_index)
        .ok_or_else(|| "the video stream is missing".to_owned())?;
    let clock = Clock {
        time_base: f64::from(stream.time_base()),
        start: stream.start_time(),
        rate: f64::from(stream.avg_frame_rate()),
    };
    let parameters = stream.parameters();
    let mut decoder = open_decoder(parameters, true)
        .and_then(ffmpeg::decoder::Opened::video)
        .map_err(|e| format!("no decoder for the video stream: {}", describe(&e)))?;

    let mut run = Run::new(plan, clock);
    loop {
        if run.finished() {
            break;
        }
        if Instant::now() >= plan.deadline {
            run.stop_for_time();
            break;
        }
        let mut packet = Packet::empty();
        match packet.read(input) {
            Ok(()) => {
                if packet.stream() == stream_index {
                    run.send(&mut decoder, &packet);
                }
            }
            Err(Error::Eof) => break,
            // One corrupt packet: the demuxer resyncs past it.
            Err(Error::InvalidData) => run.errors += 1,
            // FFmpeg's interrupt callback saw the deadline.
            Err(Error::Exit) => {
                run.stop_for_time();
                break;
            }
            // Any other read error is sticky in FFmpeg: retrying would spin.
            Err(_) => {
                run.errors += 1;
                break;
            }
        }
    }
    if !run.finished() && decoder.send_eof().is_ok() {
        run.drain(&mut decoder);
    }
    Ok(run.finish())
}

/// How a frame's timestamp becomes seconds from the start of the stream.
#[derive(Debug, Clone, Copy)]
struct Clock {
    /// Seconds per timestamp tick.
    time_base: f64,
    /// The stream's first timestamp (FFmpeg's "no value" when unknown).
    start: i64,
    /// Frames per second, used when a frame has no timestamp.
    rate: f64,
}

impl Clock {
    /// The time of a frame: its best-effort timestamp from the stream's start, else its index
    /// over the frame rate; `None` when neither is known.
    #[allow(clippy::cast_precision_loss)] // timestamps and indices far below 2^52
    fn seconds(self, timestamp: Option<i64>, index: u64) -> Option<f64> {
        // FFmpeg's AV_NOPTS_VALUE: no start time.
        let start = if self.start == i64::MIN {
            0
        } else {
            self.start
        };
        let seconds = match timestamp {
            Some(t) if self.time_base.is_finite() && self.time_base > 0.0 => {
                t.saturating_sub(start) as f64 * self.time_base
            }
            _ if self.rate.is_finite() && self.rate > 0.0 => index as f64 / self.rate,
            _ => return None,
        };
        (seconds.is_finite() && seconds >= 0.0).then_some(seconds)
    }
}

/// The state of one decoding pass.
struct Run<'a> {
    plan: &'a Plan<'a>,
    clock: Clock,
    frames: u64,
    errors: u64,
    stopped: Option<String>,
    grey: Option<Scaler>,
    rgb: Option<Scaler>,
    previous: Option<Vec<u8>>,
    difference_sum: f64,
    pairs: u64,
    strip: Vec<StripFrame>,
}

impl<'a> Run<'a> {
    fn new(plan: &'a Plan<'a>, clock: Clock) -> Self {
        Self {
            plan,
            clock,
            frames: 0,
            errors: 0,
            stopped: None,
            grey: None,
            rgb: None,
            previous: None,
            difference_sum: 0.0,
            pairs: 0,
            strip: Vec::new(),
        }
    }

    /// Whether the pass must stop: a limit was hit or the stream is hopeless.
    fn finished(&self) -> bool {
        self.stopped.is_some() || self.errors >= MAX_ERRORS
    }

    fn stop_for_time(&mut self) {
        if self.stopped.is_none() {
            self.stopped = Some(format!(
                "time cap: decoding stopped after {} frames",
                self.frames
            ));
        }
    }

    /// Feeds one packet to the decoder and takes every frame it releases.
    fn send(&mut self, decoder: &mut ffmpeg::decoder::Video, packet: &Packet) {
        match decoder.send_packet(packet) {
            Ok(()) => self.drain(decoder),
            Err(Error::Other {
                errno: ffmpeg::error::EAGAIN,
            }) => {
                // The decoder wants its output read first; then the packet is tried once more.
                self.drain(decoder);
                if decoder.send_packet(packet).is_err() {
                    self.errors += 1;
                } else {
                    self.drain(decoder);
                }
            }
            Err(_) => {
                self.errors += 1;
                // A rejected packet can still leave frames behind.
                self.drain(decoder);
            }
        }
    }

    /// Takes frames from the decoder until it wants more input.
    fn drain(&mut self, decoder: &mut ffmpeg::decoder::Video) {
        let mut frame = VideoFrame::empty();
        loop {
            if self.finished() {
                return;
            }
            match decoder.receive_frame(&mut frame) {
                Ok(()) => self.take(&frame),
                Err(
                    Error::Eof
                    | Error::Other {
                        errno: ffmpeg::error::EAGAIN,
                    },
                ) => return,
                Err(_) => {
                    self.errors += 1;
                    return;
                }
            }
            if Instant::now() >= self.plan.deadline {
                self.stop_for_time();
            }
        }
    }

    /// Accounts for one decoded frame.
    fn take(&mut self, frame: &VideoFrame) {
        let index = self.frames;
        self.frames += 1;
        if frame.is_corrupt() || frame.has_decode_errors() {
            self.errors += 1;
        }
        if self.plan.measure_motion {
            self.measure(frame);
        }
        if self.plan.wanted.contains(&index) {
            match self.picture(frame) {
                Some(picture) => self.strip.push(StripFrame {
                    seconds: self.clock.seconds(frame.timestamp(), index),
                    picture,
                }),
                None => self.errors += 1,
            }
        }
        if self.frames >= self.plan.max_frames {
            self.stopped = Some(format!(
                "frame cap: decoding stopped after {} frames",
                self.frames
            ));
        }
    }

    /// Adds the difference between this frame and the previous one to the motion sum.
    fn measure(&mut self, frame: &VideoFrame) {
        let Some(scaler) = scaler_for(
            &mut self.grey,
            frame,
            Pixel::GRAY8,
            MOTION_SIDE,
            MOTION_SIDE,
        ) else {
            self.errors += 1;
            return;
        };
        let mut grey = VideoFrame::empty();
        if scaler.run(frame, &mut grey).is_err() {
            self.errors += 1;
            return;
        }
        let Some(luma) = packed_rows(&grey, MOTION_SIDE as usize) else {
            self.errors += 1;
            return;
        };
        if let Some(previous) = &self.previous {
            let total: u64 = previous
                .iter()
                .zip(&luma)
                .map(|(a, b)| u64::from(a.abs_diff(*b)))
                .sum();
            #[allow(clippy::cast_precision_loss)] // at most 255 * 4096
            let mean = total as f64 / luma.len() as f64;
            self.difference_sum += mean;
            self.pairs += 1;
        }
        self.previous = Some(luma);
    }

    /// The frame as an RGB picture, shrunk to fit [`STRIP_MAX_SIDE`].
    fn picture(&mut self, frame: &VideoFrame) -> Option<RgbImage> {
        let (width, height) = fit(frame.width(), frame.height(), STRIP_MAX_SIDE)?;
        let scaler = scaler_for(&mut self.rgb, frame, Pixel::RGB24, width, height)?;
        let mut rgb = VideoFrame::empty();
        scaler.run(frame, &mut rgb).ok()?;
        let pixels = packed_rows(&rgb, width as usize * 3)?;
        RgbImage::from_raw(width, height, pixels)
    }

    fn finish(self) -> Decoded {
        #[allow(clippy::cast_precision_loss)] // pair counts are far below 2^52
        let motion = (self.pairs > 0).then(|| self.difference_sum / self.pairs as f64);
        let stopped = self.stopped.or_else(|| {
            (self.errors >= MAX_ERRORS).then(|| format!("gave up after {MAX_ERRORS} decode errors"))
        });
        Decoded {
            frames: self.frames,
            errors: self.errors,
            motion,
            stopped,
            strip: self.strip,
        }
    }
}

/// The scaler in `slot`, made anew when the frame's format or size differs from the one it
/// was made for (a hostile stream may change size mid-way). `None` when FFmpeg refuses.
fn scaler_for<'s>(
    slot: &'s mut Option<Scaler>,
    frame: &VideoFrame,
    target: Pixel,
    width: u32,
    height: u32,
) -> Option<&'s mut Scaler> {
    let fits = slot.as_ref().is_some_and(|scaler| {
        let input = scaler.input();
        let output = scaler.output();
        input.format == frame.format()
            && input.width == frame.width()
            && input.height == frame.height()
            && output.width == width
            && output.height == height
    });
    if !fits {
        if frame.format() == Pixel::None || frame.width() == 0 || frame.height() == 0 {
            return None;
        }
        *slot = Scaler::get(
            frame.format(),
            frame.width(),
            frame.height(),
            target,
            width,
            height,
            Flags::AREA,
        )
        .ok();
    }
    slot.as_mut()
}

/// The first plane of a one-plane frame with the row padding removed.
fn packed_rows(frame: &VideoFrame, row_bytes: usize) -> Option<Vec<u8>> {
    if frame.planes() == 0 {
        return None;
    }
    let stride = frame.stride(0);
    let height = frame.height() as usize;
    if stride < row_bytes {
        return None;
    }
    let data = frame.data(0);
    let mut packed = Vec::with_capacity(row_bytes.checked_mul(height)?);
    for row in 0..height {
        let start = row.checked_mul(stride)?;
        packed.extend_from_slice(data.get(start..start.checked_add(row_bytes)?)?);
    }
    Some(packed)
}

/// `width` x `height` shrunk (never grown) so the longer side is at most `max_side`, keeping
/// the aspect ratio. `None` for an empty picture.
fn fit(width: u32, height: u32, max_side: u32) -> Option<(u32, u32)> {
    if width == 0 || height == 0 {
        return None;
    }
    let longer = width.max(height);
    if longer <= max_side {
        return Some((width, height));
    }
    let scale = |side: u32| {
        let scaled = u64::from(side) * u64::from(max_side) / u64::from(longer);
        u32::try_from(scaled.max(1)).unwrap_or(max_side)
    };
    Some((scale(width), scale(height)))
}

#[cfg(test)]
mod tests {
    use super::fit;

    #[test]
    fn fit_shrinks_only_large_pictures_and_keeps_the_aspect() {
        assert_eq!(fit(640, 480, 1920), Some((640, 480)));
        assert_eq!(fit(3840, 2160, 1920), Some((1920, 1080)));
        assert_eq!(fit(2160, 3840, 1920), Some((1080, 1920)));
        assert_eq!(fit(10_000, 1, 1920), Some((1920, 1)));
        assert_eq!(fit(0, 480, 1920), None);
    }
}
