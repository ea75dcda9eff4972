//! Face-like pictures: one person's make-up ([`FaceParams`]) drawn at a pose ([`View`]) on a
//! background ([`Background`]). The document photo uses a plain studio background and a fixed
//! pose; selfies use a room background, another scale, position, turn and light. Pictures of
//! different people differ in their coarse structure (background field, face size and place,
//! hair, skin), which is what perceptual hashes see.

use crate::people::FaceParams;
use crate::rng::{SynthRng, mix, pixel_noise};
use image::{Rgb, RgbImage};
use imageproc::drawing::{
    draw_filled_circle_mut, draw_filled_ellipse_mut, draw_filled_rect_mut, draw_hollow_rect_mut,
    draw_line_segment_mut,
};
use imageproc::rect::Rect;
use rand::{Rng, SeedableRng};

/// Where the face sits and how it is lit.
#[derive(Debug, Clone, Copy)]
pub(crate) struct View {
    /// Face centre, fractions of the picture.
    pub cx: f32,
    pub cy: f32,
    /// Face size multiplier over the person's own face width.
    pub scale: f32,
    /// Head turn, -1 (left) to 1 (right).
    pub yaw: f32,
    /// Light from the left (negative) or the right (positive).
    pub light: f32,
}

/// What is behind the face: a coarse grid of colours blended smoothly, plus sensor noise. A
/// room has strong contrasts (walls, windows, lamps); a studio backdrop is one tint, mottled.
#[derive(Debug, Clone)]
pub(crate) struct Background {
    cols: usize,
    rows: usize,
    grid: Vec<[u8; 3]>,
    noise: i32,
    /// Strength of the uneven light over the whole picture (0.3 = up to 30 % darker or brighter).
    relight: f32,
    /// Flat objects in front of the wall (windows, doors, frames): x, y, w, h fractions, colour.
    objects: Vec<([f32; 4], [u8; 3])>,
    key: u64,
}

impl Background {
    /// A random room.
    pub(crate) fn room(rng: &mut SynthRng) -> Background {
        let base: [i32; 3] = [
            rng.random_range(40..220),
            rng.random_range(40..220),
            rng.random_range(40..220),
        ];
        let (cols, rows) = (7, 6);
        let grid = (0..cols * rows)
            .map(|_| {
                let lum = rng.random_range(-100..100);
                base.map(|c| (c + lum + rng.random_range(-40..40)).clamp(0, 255) as u8)
            })
            .collect();
        Background {
            cols,
            rows,
            grid,
            noise: 6,
            relight: 0.38,
            objects: (0..rng.random_range(1..4))
                .map(|_| {
                    let v: u8 = if rng.random_bool(0.5) {
                        rng.random_range(200..=255)
                    } else {
                        rng.random_range(0..60)
                    };
                    (
                        [
                            rng.random_range(0.0..0.8),
                            rng.random_range(0.0..0.7),
                            rng.random_range(0.1..0.5),
                            rng.random_range(0.15..0.6),
                        ],
                        [v, v.saturating_add(rng.random_range(0..30)), v],
                    )
                })
                .collect(),
            key: rng.random(),
        }
    }

    /// A mottled studio backdrop of one tint.
    fn studio(tint: [u8; 3], key: u64) -> Background {
        let mut rng = crate::rng::SynthRng::seed_from_u64(mix(key ^ 0x57D1));
        let (cols, rows) = (6, 6);
        let grid = (0..cols * rows)
            .map(|_| {
                let lum = rng.random_range(-45..45);
                tint.map(|c| (i32::from(c) + lum + rng.random_range(-8..8)).clamp(0, 255) as u8)
            })
            .collect();
        Background {
            cols,
            rows,
            grid,
            noise: 3,
            relight: 0.4,
            objects: Vec::new(),
            key,
        }
    }
}

/// A selfie pose: closer than the document photo, off centre, turned, lit from a side.
pub(crate) fn selfie_view(rng: &mut SynthRng) -> View {
    View {
        cx: rng.random_range(0.32..0.68),
        cy: rng.random_range(0.38..0.58),
        scale: rng.random_range(0.95..1.5),
        yaw: rng.random_range(-0.7..0.7),
        light: rng.random_range(-1.0..1.0),
    }
}

/// The document photo pose of a person: frontal, centred, the same on every copy.
pub(crate) fn photo_view(face: &FaceParams) -> View {
    let h = mix(face.seed);
    let frac = |shift: u32| ((h >> shift) & 0xFF) as f32 / 255.0;
    View {
        cx: 0.38 + 0.24 * frac(0),
        cy: 0.36 + 0.16 * frac(8),
        scale: 1.3 + 0.8 * frac(16),
        yaw: -0.15 + 0.3 * frac(24),
        light: face.photo_light.0,
    }
}

/// The studio backdrop of a person's document photo.
pub(crate) fn photo_background(face: &FaceParams) -> Background {
    Background::studio(face.photo_bg, face.seed)
}

/// A person's document photo as printed: the studio picture with the document's security
/// print over it (translucent discs of the optically variable ink), the same on every copy.
pub(crate) fn document_photo(face: &FaceParams, width: u32, height: u32) -> RgbImage {
    let mut img = render_face(
        face,
        &photo_view(face),
        &photo_background(face),
        width,
        height,
    );
    let mut rng = crate::rng::SynthRng::seed_from_u64(mix(face.seed ^ 0x0F1));
    for _ in 0..rng.random_range(2..4) {
        let cx = rng.random_range(0.0..1.0) * width as f32;
        let cy = rng.random_range(0.0..1.0) * height as f32;
        let r = rng.random_range(0.2..0.45) * width as f32;
        let ink: [f32; 3] = [
            rng.random_range(0.0..255.0),
            rng.random_range(0.0..255.0),
            rng.random_range(0.0..255.0),
        ];
        for (x, y, px) in img.enumerate_pixels_mut() {
            let (ddx, ddy) = (x as f32 - cx, y as f32 - cy);
            if ddx * ddx + ddy * ddy <= r * r {
                let mut out = [0u8; 3];
                for (ch, slot) in out.iter_mut().enumerate() {
                    *slot = (f32::from(px.0[ch]) * 0.6 + ink[ch] * 0.4) as u8;
                }
                *px = Rgb(out);
            }
        }
    }
    img
}

fn shade(color: [u8; 3], delta: i32) -> Rgb<u8> {
    Rgb(color.map(|c| (i32::from(c) + delta).clamp(0, 255) as u8))
}

fn fill_background(img: &mut RgbImage, bg: &Background) {
    let (w, h) = img.dimensions();
    let (wf, hf) = (w.max(1) as f32, h.max(1) as f32);
    let (cols, rows) = (bg.cols.max(2), bg.rows.max(2));
    let at = |cx: usize, cy: usize, ch: usize| -> f32 {
        bg.grid
            .get(cy * cols + cx)
            .map_or(128.0, |c| f32::from(c[ch]))
    };
    for (x, y, px) in img.enumerate_pixels_mut() {
        let fx = x as f32 / wf * (cols - 1) as f32;
        let fy = y as f32 / hf * (rows - 1) as f32;
        let (x0, y0) = (fx as usize, fy as usize);
        let (x1, y1) = ((x0 + 1).min(cols - 1), (y0 + 1).min(rows - 1));
        let (tx, ty) = (fx - x0 as f32, fy - y0 as f32);
        let mut out = [0u8; 3];
        for (ch, slot) in out.iter_mut().enumerate() {
            let top = at(x0, y0, ch) * (1.0 - tx) + at(x1, y0, ch) * tx;
            let bottom = at(x0, y1, ch) * (1.0 - tx) + at(x1, y1, ch) * tx;
            *slot = (top * (1.0 - ty) + bottom * ty).clamp(0.0, 255.0) as u8;
        }
        *px = Rgb(out);
    }
    for ([ox, oy, ow, oh], color) in &bg.objects {
        let rect = Rect::at((ox * wf) as i32, (oy * hf) as i32)
            .of_size(((ow * wf) as u32).max(1), ((oh * hf) as u32).max(1));
        draw_filled_rect_mut(img, rect, Rgb(*color));
    }
}

/// Uneven light over the whole picture (a smooth random field of gains) and sensor noise.
fn relight(img: &mut RgbImage, bg: &Background) {
    const N: usize = 4;
    let mut gains = [0f32; N * N];
    for (k, gain) in gains.iter_mut().enumerate() {
        let r = (mix(bg.key ^ 0x11_9417 ^ k as u64) % 2001) as f32 / 1000.0 - 1.0;
        *gain = 1.0 + bg.relight * r;
    }
    let (w, h) = img.dimensions();
    let (wf, hf) = (w.max(1) as f32, h.max(1) as f32);
    for (x, y, px) in img.enumerate_pixels_mut() {
        let fx = x as f32 / wf * (N - 1) as f32;
        let fy = y as f32 / hf * (N - 1) as f32;
        let (x0, y0) = (fx as usize, fy as usize);
        let (x1, y1) = ((x0 + 1).min(N - 1), (y0 + 1).min(N - 1));
        let (tx, ty) = (fx - x0 as f32, fy - y0 as f32);
        let top = gains[y0 * N + x0] * (1.0 - tx) + gains[y0 * N + x1] * tx;
        let bottom = gains[y1 * N + x0] * (1.0 - tx) + gains[y1 * N + x1] * tx;
        let gain = top * (1.0 - ty) + bottom * ty;
        let n = pixel_noise(bg.key, x, y, bg.noise) as f32;
        *px = Rgb(px
            .0
            .map(|c| (f32::from(c) * gain + n).clamp(0.0, 255.0) as u8));
    }
}

/// Draws a face picture of `width` x `height`.
pub(crate) fn render_face(
    face: &FaceParams,
    view: &View,
    background: &Background,
    width: u32,
    height: u32,
) -> RgbImage {
    let mut img = RgbImage::new(width, height);
    fill_background(&mut img, background);
    let w = width as f32;
    let h = height as f32;
    let rx = (face.face_w * view.scale * w * (1.0 - 0.15 * view.yaw.abs())).max(4.0);
    let ry = rx * face.face_ratio / (1.0 - 0.15 * view.yaw.abs());
    let fx = view.cx * w;
    let fy = view.cy * h;
    let turn = view.yaw * rx * 0.28;
    let p = |x: f32, y: f32| (x.round() as i32, y.round() as i32);

    // Shoulders and neck.
    draw_filled_ellipse_mut(
        &mut img,
        p(fx - turn * 0.5, fy + ry * 2.05),
        (rx * 2.3) as i32,
        (ry * 0.95) as i32,
        Rgb(face.clothes),
    );
    draw_filled_rect_mut(
        &mut img,
        Rect::at((fx - rx * 0.42) as i32, (fy + ry * 0.5) as i32)
            .of_size((rx * 0.84).max(1.0) as u32, (ry * 0.8).max(1.0) as u32),
        shade(face.skin, -28),
    );
    // Long hair falls behind the head.
    if face.hair_style == 1 {
        draw_filled_ellipse_mut(
            &mut img,
            p(fx, fy + ry * 0.35),
            (rx * 1.35) as i32,
            (ry * 1.3) as i32,
            Rgb(face.hair),
        );
    }
    // Ears.
    for side in [-1.0f32, 1.0] {
        draw_filled_ellipse_mut(
            &mut img,
            p(fx + side * rx * 0.97 + turn * 0.3, fy),
            (rx * 0.16) as i32,
            (ry * 0.2) as i32,
            shade(face.skin, -18),
        );
    }
    // Face: the shadow side first, then the lit part shifted towards the light.
    draw_filled_ellipse_mut(
        &mut img,
        p(fx, fy),
        rx as i32,
        ry as i32,
        shade(face.skin, -38),
    );
    draw_filled_ellipse_mut(
        &mut img,
        p(fx + view.light * rx * 0.14, fy - ry * 0.02),
        (rx * 0.9) as i32,
        (ry * 0.96) as i32,
        Rgb(face.skin),
    );
    if face.beard {
        draw_filled_ellipse_mut(
            &mut img,
            p(fx + turn, fy + ry * 0.55),
            (rx * 0.72) as i32,
            (ry * 0.42) as i32,
            shade(face.hair, 10),
        );
    }
    // Hair on top.
    match face.hair_style {
        2 => {}
        3 => {
            draw_filled_ellipse_mut(
                &mut img,
                p(fx, fy - ry * 0.72),
                (rx * 1.02) as i32,
                (ry * 0.42) as i32,
                Rgb(face.hair),
            );
            draw_filled_circle_mut(
                &mut img,
                p(fx - turn, fy - ry * 1.15),
                (rx * 0.42) as i32,
                Rgb(face.hair),
            );
        }
        4 => {
            draw_filled_ellipse_mut(
                &mut img,
                p(fx - rx * 0.25, fy - ry * 0.7),
                (rx * 1.05) as i32,
                (ry * 0.45) as i32,
                Rgb(face.hair),
            );
        }
        5 => {
            for k in 0..9 {
                let a = std::f32::consts::PI * (k as f32 / 8.0);
                draw_filled_circle_mut(
                    &mut img,
                    p(
                        fx - a.cos() * rx * 0.95,
                        fy - ry * 0.55 - a.sin() * ry * 0.42,
                    ),
                    (rx * 0.33) as i32,
                    Rgb(face.hair),
                );
            }
        }
        _ => {
            draw_filled_ellipse_mut(
                &mut img,
                p(fx, fy - ry * 0.7),
                (rx * 1.04) as i32,
                (ry * 0.4) as i32,
                Rgb(face.hair),
            );
        }
    }
    // Eyes, brows, nose, mouth.
    let ey = fy + face.eye_y * ry;
    let spacing = face.eye_spacing * rx;
    let eye_rx = (rx * 0.16).max(1.0);
    for side in [-1.0f32, 1.0] {
        let ex = fx + turn + side * spacing;
        draw_filled_ellipse_mut(
            &mut img,
            p(ex, ey),
            eye_rx as i32,
            (eye_rx * 0.55) as i32,
            Rgb([236, 234, 228]),
        );
        draw_filled_circle_mut(
            &mut img,
            p(ex + view.yaw * eye_rx * 0.4, ey),
            (eye_rx * 0.5) as i32,
            Rgb(face.eyes),
        );
        draw_filled_circle_mut(
            &mut img,
            p(ex + view.yaw * eye_rx * 0.4, ey),
            (eye_rx * 0.22) as i32,
            Rgb([15, 12, 12]),
        );
        draw_filled_rect_mut(
            &mut img,
            Rect::at((ex - eye_rx * 1.1) as i32, (ey - eye_rx * 1.25) as i32)
                .of_size((eye_rx * 2.2) as u32 + 1, (eye_rx * 0.3) as u32 + 1),
            shade(face.hair, -10),
        );
        if face.glasses {
            draw_hollow_rect_mut(
                &mut img,
                Rect::at((ex - eye_rx * 1.4) as i32, (ey - eye_rx * 0.95) as i32)
                    .of_size((eye_rx * 2.8) as u32 + 1, (eye_rx * 1.9) as u32 + 1),
                Rgb([25, 25, 30]),
            );
        }
    }
    if face.glasses {
        draw_line_segment_mut(
            &mut img,
            (fx + turn - spacing + eye_rx * 1.4, ey),
            (fx + turn + spacing - eye_rx * 1.4, ey),
            Rgb([25, 25, 30]),
        );
    }
    draw_filled_ellipse_mut(
        &mut img,
        p(fx + turn * 1.3, fy + ry * 0.12),
        (rx * 0.09) as i32,
        (ry * 0.16) as i32,
        shade(face.skin, -30),
    );
    draw_filled_ellipse_mut(
        &mut img,
        p(fx + turn, fy + ry * 0.45),
        (rx * face.mouth_w) as i32,
        (ry * 0.07) as i32,
        Rgb(face.lips),
    );
    relight(&mut img, background);
    img
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::people::draw_face;
    use crate::rng::{Purpose, stream};

    #[test]
    fn the_document_photo_is_the_same_on_every_copy() {
        let mut rng = stream(5, Purpose::Plan, 0);
        let face = draw_face(&mut rng, "F");
        let view = photo_view(&face);
        let bg = photo_background(&face);
        let a = render_face(&face, &view, &bg, 130, 162);
        let b = render_face(&face, &view, &bg, 130, 162);
        assert_eq!(a, b);
        let selfie = render_face(
            &face,
            &selfie_view(&mut rng),
            &Background::room(&mut rng),
            130,
            162,
        );
        assert_ne!(a, selfie);
    }
}
