//! The test pictures the JPEG reader's tests share: textured pictures, and their JPEGs from
//! libjpeg-turbo and from the pure-Rust `jpeg-encoder` (which writes restart intervals and
//! every sampling).

#![allow(clippy::unwrap_used, dead_code)]

/// A picture with texture at every frequency: gradients, a few edges and seeded noise.
pub fn picture(width: usize, height: usize, seed: u64) -> Vec<u8> {
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut noise = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 59) as usize
    };
    let mut rgb = Vec::with_capacity(width * height * 3);
    for y in 0..height {
        for x in 0..width {
            let edge = if (x / 13 + y / 7) % 3 == 0 { 90 } else { 0 };
            rgb.push(((x * 255 / width.max(1)) + edge + noise()) as u8);
            rgb.push(((y * 255 / height.max(1)) + noise() * 2) as u8);
            rgb.push((((x + y) * 3) % 256) as u8);
        }
    }
    rgb
}

/// The samplings libjpeg-turbo writes: 4:4:4, 4:2:2, 4:2:0 and grey.
pub const TURBO_SAMPLINGS: [turbojpeg::Subsamp; 4] = [
    turbojpeg::Subsamp::None,
    turbojpeg::Subsamp::Sub2x1,
    turbojpeg::Subsamp::Sub2x2,
    turbojpeg::Subsamp::Gray,
];

/// libjpeg-turbo's baseline JPEG of a picture.
pub fn turbo(
    width: usize,
    height: usize,
    seed: u64,
    quality: i32,
    subsamp: turbojpeg::Subsamp,
) -> Vec<u8> {
    compress_rgb(
        &picture(width, height, seed),
        width,
        height,
        quality,
        subsamp,
    )
}

/// libjpeg-turbo's baseline JPEG of RGB pixels.
pub fn compress_rgb(
    pixels: &[u8],
    width: usize,
    height: usize,
    quality: i32,
    subsamp: turbojpeg::Subsamp,
) -> Vec<u8> {
    let image = turbojpeg::Image {
        pixels,
        width,
        pitch: 3 * width,
        height,
        format: turbojpeg::PixelFormat::RGB,
    };
    turbojpeg::compress(image, quality, subsamp)
        .unwrap()
        .to_vec()
}

/// jpeg-encoder's baseline JPEG, with a sampling factor and a restart interval.
pub fn encoded(
    width: u16,
    height: u16,
    seed: u64,
    quality: u8,
    sampling: Option<jpeg_encoder::SamplingFactor>,
    restart: u16,
) -> Vec<u8> {
    let pixels = picture(usize::from(width), usize::from(height), seed);
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, quality);
    encoder.set_restart_interval(restart);
    match sampling {
        Some(sampling) => {
            encoder.set_sampling_factor(sampling);
            encoder
                .encode(&pixels, width, height, jpeg_encoder::ColorType::Rgb)
                .unwrap();
        }
        None => {
            let grey: Vec<u8> = pixels.chunks(3).map(|p| p[0]).collect();
            encoder
                .encode(&grey, width, height, jpeg_encoder::ColorType::Luma)
                .unwrap();
        }
    }
    out
}
