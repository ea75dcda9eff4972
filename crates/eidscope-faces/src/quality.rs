//! Quality measures of a detected face, computed on the face itself (the detectors' scores are
//! not exposed by dlib-face-recognition).
//!
//! Pure arithmetic on pixels and landmarks: no dlib, no allocation beyond one 96x96 grey crop.

use image::RgbImage;
use image::imageops::FilterType;

use crate::face::FaceBox;

/// The side of the grey crop sharpness is measured on, so that it compares across sizes.
const SHARPNESS_SIDE: u32 = 96;

/// Eye distance (pixels) and roll (degrees) from dlib's 5 landmarks: points 0-1 are the corners
/// of one eye, 2-3 of the other, 4 the base of the nose.
pub fn eye_line(points: &[[f32; 2]; 5]) -> (f32, f32) {
    let centre = |a: [f32; 2], b: [f32; 2]| [(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0];
    let one = centre(points[0], points[1]);
    let other = centre(points[2], points[3]);
    let (left, right) = if one[0] <= other[0] {
        (one, other)
    } else {
        (other, one)
    };
    let (dx, dy) = (right[0] - left[0], right[1] - left[1]);
    (dx.hypot(dy), dy.atan2(dx).to_degrees())
}

/// The variance of the 4-neighbour Laplacian of the face box (clipped to the picture),
/// resampled to 96x96 grey. 0 for an empty box.
pub fn sharpness(image: &RgbImage, face: &FaceBox) -> f32 {
    let left = face.left.max(0) as u32;
    let top = face.top.max(0) as u32;
    let right =
        (i64::from(face.left) + i64::from(face.width)).clamp(0, i64::from(image.width())) as u32;
    let bottom =
        (i64::from(face.top) + i64::from(face.height)).clamp(0, i64::from(image.height())) as u32;
    if right <= left + 2 || bottom <= top + 2 {
        return 0.0;
    }
    let crop = image::imageops::crop_imm(image, left, top, right - left, bottom - top).to_image();
    let grey = image::imageops::grayscale(&crop);
    let grey = image::imageops::resize(&grey, SHARPNESS_SIDE, SHARPNESS_SIDE, FilterType::Triangle);
    let at = |x: u32, y: u32| f32::from(grey.get_pixel(x, y).0[0]);
    let mut values = Vec::with_capacity(((SHARPNESS_SIDE - 2) * (SHARPNESS_SIDE - 2)) as usize);
    for y in 1..SHARPNESS_SIDE - 1 {
        for x in 1..SHARPNESS_SIDE - 1 {
            values.push(at(x - 1, y) + at(x + 1, y) + at(x, y - 1) + at(x, y + 1) - 4.0 * at(x, y));
        }
    }
    let mean = values.iter().sum::<f32>() / values.len() as f32;
    values.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / values.len() as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_level_eye_line_has_no_roll() {
        let points = [
            [10.0, 50.0],
            [30.0, 50.0],
            [70.0, 50.0],
            [90.0, 50.0],
            [50.0, 80.0],
        ];
        let (distance, roll) = eye_line(&points);
        assert!((distance - 60.0).abs() < 1e-4 && roll.abs() < 1e-4);
    }

    #[test]
    fn a_flat_face_is_not_sharp_and_an_edge_is() {
        let flat = RgbImage::from_pixel(100, 100, image::Rgb([120, 120, 120]));
        let whole = FaceBox {
            left: -5,
            top: 0,
            width: 120,
            height: 100,
        };
        assert_eq!(sharpness(&flat, &whole), 0.0);
        let checker = RgbImage::from_fn(100, 100, |x, y| {
            if (x / 4 + y / 4) % 2 == 0 {
                image::Rgb([0, 0, 0])
            } else {
                image::Rgb([255, 255, 255])
            }
        });
        assert!(sharpness(&checker, &whole) > 1000.0);
        assert_eq!(
            sharpness(
                &checker,
                &FaceBox {
                    left: 200,
                    top: 0,
                    width: 10,
                    height: 10
                }
            ),
            0.0
        );
    }
}
