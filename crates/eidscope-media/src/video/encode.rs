//! Encoding pictures into a real MP4 (H.264 through libx264 when FFmpeg has it, else MPEG-4
//! part 2), for the synthetic bundles and the tests. The output is deterministic: the same
//! pictures and rate give the same bytes on the same FFmpeg build.

use std::path::Path;

use ffmpeg::format::Pixel;
use ffmpeg::software::scaling::{context::Context as Scaler, flag::Flags};
use ffmpeg::util::frame::video::Video as VideoFrame;
use ffmpeg::{Dictionary, Packet, Rational, codec, encoder, format};
use ffmpeg_next as ffmpeg;
use image::RgbImage;

use super::runtime::{self, describe};
use crate::MediaError;

/// Pictures larger than this on either side are refused (H.264 level limits sit far below).
const MAX_SIDE: u32 = 8_192;
/// Frames per second above this are refused.
const MAX_FPS: u32 = 240;

/// Encodes `frames` at `fps` frames per second into an MP4 file's bytes.
///
/// The video is H.264 (libx264, `veryfast`, CRF 23, one thread, no B-frames) when FFmpeg has
/// libx264, else MPEG-4 part 2 (`mpeg4`); the pixel format is yuv420p. The container lasts
/// `frames.len() / fps` seconds. Every frame must have the first frame's size; an odd width
/// or height is cropped by one pixel (yuv420p needs even sides).
///
/// # Errors
///
/// [`MediaError::Limit`] when there are no frames, `fps` is 0 or above 240, the frames are
/// smaller than 2x2 or larger than 8192 on a side, or differ in size; [`MediaError::Io`]
/// when the temporary file fails; [`MediaError::Ffmpeg`] when FFmpeg refuses.
pub fn encode_mp4(frames: &[RgbImage], fps: u32) -> Result<Vec<u8>, MediaError> {
    let first = frames
        .first()
        .ok_or_else(|| MediaError::Limit("no frames to encode".to_owned()))?;
    if fps == 0 || fps > MAX_FPS {
        return Err(MediaError::Limit(format!(
            "frame rate {fps} is outside 1..={MAX_FPS}"
        )));
    }
    let (source_width, source_height) = first.dimensions();
    if let Some(odd) = frames.iter().find(|f| f.dimensions() != first.dimensions()) {
        return Err(MediaError::Limit(format!(
            "frames differ in size: {source_width}x{source_height} and {}x{}",
            odd.width(),
            odd.height()
        )));
    }
    let width = source_width & !1;
    let height = source_height & !1;
    if width < 2 || height < 2 || width > MAX_SIDE || height > MAX_SIDE {
        return Err(MediaError::Limit(format!(
            "frame size {source_width}x{source_height} is outside 2..={MAX_SIDE} a side"
        )));
    }
    runtime::ready()?;

    // In memory: a synthesised video may show a real face (a test photo).
    let mut file = runtime::MemoryFile::new()?;
    write_mp4(file.path(), frames, fps, width, height)
        .map_err(|e| MediaError::Ffmpeg(describe(&e)))?;
    file.contents()
}

/// The encoder to use: libx264 when present, else FFmpeg's own MPEG-4 part 2.
fn choose_encoder() -> Option<(ffmpeg::Codec, bool)> {
    encoder::find_by_name("libx264")
        .map(|codec| (codec, true))
        .or_else(|| encoder::find(codec::Id::MPEG4).map(|codec| (codec, false)))
}

/// Muxes the encoded frames into an MP4 file at `path`.
fn write_mp4(
    path: &Path,
    frames: &[RgbImage],
    fps: u32,
    width: u32,
    height: u32,
) -> Result<(), ffmpeg::Error> {
    let (codec, is_x264) = choose_encoder().ok_or(ffmpeg::Error::EncoderNotFound)?;
    let rate = i32::try_from(fps).map_err(|_| ffmpeg::Error::InvalidData)?;
    let time_base = Rational::new(1, rate);

    let mut output = format::output_as(path, "mp4")?;
    let global_header = output
        .format()
        .flags()
        .contains(format::Flags::GLOBAL_HEADER);

    let mut setup = codec::context::Context::new_with_codec(codec)
        .encoder()
        .video()?;
    setup.set_width(width);
    setup.set_height(height);
    setup.set_format(Pixel::YUV420P);
    setup.set_time_base(time_base);
    setup.set_frame_rate(Some(Rational::new(rate, 1)));
    setup.set_gop(fps.saturating_mul(2));
    setup.set_max_b_frames(0);
    if global_header {
        setup.set_flags(codec::Flags::GLOBAL_HEADER);
    }
    let mut options = Dictionary::new();
    if is_x264 {
        options.set("preset", "veryfast");
        options.set("crf", "23");
        options.set("threads", "1");
    } else {
        let pixels_per_second = u64::from(width) * u64::from(height) * u64::from(fps);
        let bit_rate = (pixels_per_second / 4).clamp(200_000, 20_000_000);
        setup.set_bit_rate(usize::try_from(bit_rate).unwrap_or(20_000_000));
        options.set("threads", "1");
    }
    let mut encoder = setup.open_as_with(codec, options)?;

    {
        let mut stream = output.add_stream(codec)?;
        stream.set_time_base(time_base);
        stream.set_avg_frame_rate(Rational::new(rate, 1));
        stream.set_parameters(&encoder);
    }
    output.write_header()?;
    let stream_time_base = output
        .stream(0)
        .map_or(time_base, |stream| stream.time_base());

    let mut to_yuv = Scaler::get(
        Pixel::RGB24,
        width,
        height,
        Pixel::YUV420P,
        width,
        height,
        Flags::BILINEAR,
    )?;
    let mut rgb = VideoFrame::new(Pixel::RGB24, width, height);
    for (index, picture) in frames.iter().enumerate() {
        fill_rgb(&mut rgb, picture, width, height);
        let mut yuv = VideoFrame::empty();
        to_yuv.run(&rgb, &mut yuv)?;
        yuv.set_pts(Some(
            i64::try_from(index).map_err(|_| ffmpeg::Error::InvalidData)?,
        ));
        encoder.send_frame(&yuv)?;
        write_packets(&mut encoder, &mut output, time_base, stream_time_base)?;
    }
    encoder.send_eof()?;
    write_packets(&mut encoder, &mut output, time_base, stream_time_base)?;
    output.write_trailer()
}

/// Copies the top-left `width` x `height` of `picture` into the RGB24 frame, row by row
/// (the frame's rows are padded to its stride).
fn fill_rgb(frame: &mut VideoFrame, picture: &RgbImage, width: u32, height: u32) {
    let stride = frame.stride(0);
    let row_bytes = width as usize * 3;
    let source_row_bytes = picture.width() as usize * 3;
    let source = picture.as_raw();
    let target = frame.data_mut(0);
    for row in 0..height as usize {
        let from = row * source_row_bytes;
        let to = row * stride;
        if let (Some(source), Some(target)) = (
            source.get(from..from + row_bytes),
            target.get_mut(to..to + row_bytes),
        ) {
            target.copy_from_slice(source);
        }
    }
}

/// Moves every packet the encoder has ready into the file.
fn write_packets(
    encoder: &mut encoder::video::Encoder,
    output: &mut format::context::Output,
    encoder_time_base: Rational,
    stream_time_base: Rational,
) -> Result<(), ffmpeg::Error> {
    let mut packet = Packet::empty();
    while encoder.receive_packet(&mut packet).is_ok() {
        packet.set_stream(0);
        if packet.duration() == 0 {
            // One packet is one frame; without a duration the last frame would not count
            // towards the container's length.
            packet.set_duration(1);
        }
        packet.rescale_ts(encoder_time_base, stream_time_base);
        packet.write_interleaved(output)?;
    }
    Ok(())
}
